"""What real government spreadsheets do that wholeplace accepts, because the meaning is certain:
pound signs and thousands separators, negatives in brackets, financial years written 2025/26 or
FY2025-26, stray spaces, codes in the wrong case, trailing Total rows. Each returns the cleaned
text and what it changed, so the build can say so in a warning."""

from __future__ import annotations

import re

MONEY = re.compile(r"^(?P<sign>-)?\s*£?\s*(?P<number>\d{1,3}(,\d{3})+|\d+)(?P<decimals>\.\d+)?$")
FINANCIAL_YEAR_FORMS = [
    (re.compile(r"^(?:FY\s*)?(\d{4})\s*[-/]\s*(\d{2})$", re.I), "2025/26 or FY2025-26"),
    (re.compile(r"^(?:FY\s*)?(\d{4})\s*[-/]\s*(\d{4})$", re.I), "2025-2026"),
    (re.compile(r"^(\d{4})(\d{2})$"), "202526"),
]
TOTALS = re.compile(r"^(grand\s+)?(sub\s*-?\s*)?totals?:?$", re.I)


def money(text: str) -> tuple[str, str | None]:
    """'£1,234.50' -> '1234.50'; '(1,234)' -> '-1234'. Returns (text, what was tolerated)."""
    cleaned = text.strip()
    negative_in_brackets = cleaned.startswith("(") and cleaned.endswith(")")
    if negative_in_brackets:
        cleaned = cleaned[1:-1].strip()
    match = MONEY.match(cleaned)
    if not match:
        return text.strip(), None
    number = match.group("number").replace(",", "") + (match.group("decimals") or "")
    negative = negative_in_brackets or bool(match.group("sign"))
    if negative_in_brackets and match.group("sign"):
        return text.strip(), None  # "(-5)" is ambiguous: leave it to be rejected
    result = ("-" if negative else "") + number
    notes = []
    if "£" in cleaned:
        notes.append("£ signs")
    if "," in match.group("number"):
        notes.append("thousands separators")
    if negative_in_brackets:
        notes.append("negatives in brackets")
    return result, ", ".join(notes) or None


def financial_year(text: str) -> tuple[str, str | None]:
    """'2025/26', '202526', 'FY2025-26', '2025-2026' -> '2025-26' when the years are consecutive."""
    cleaned = text.strip()
    for pattern, form in FINANCIAL_YEAR_FORMS:
        match = pattern.match(cleaned)
        if not match:
            continue
        start, end = int(match.group(1)), int(match.group(2))
        if (len(match.group(2)) == 4 and end == start + 1) or (
            len(match.group(2)) == 2 and (start + 1) % 100 == end
        ):
            canonical = f"{start}-{(start + 1) % 100:02d}"
            return canonical, (None if canonical == cleaned else f"years written {form}")
        return cleaned, None
    return cleaned, None


def is_totals_row(values: list[str]) -> bool:
    """A row whose only words are 'Total' (or 'Grand total', 'Sub-total') plus numbers."""
    words = [v.strip() for v in values if v and v.strip()]
    labels = [w for w in words if not _is_number(w) and not _is_year(w)]
    return bool(labels) and all(TOTALS.match(label) for label in labels)


def _is_number(word: str) -> bool:
    return money(word)[0].lstrip("-").replace(".", "").isdigit()


def _is_year(word: str) -> bool:
    """A year beside the label ('2025-26,,,Total,,,10450000') is the year the total is of."""
    return bool(re.match(r"^\d{4}-\d{2}$", financial_year(word)[0]))
