"""The audit's Data Docs: one self-contained HTML page inside the snapshot
(published/data_docs/index.html) with GX's raw results beside it as JSON.

GX's own Data Docs load Bootstrap, jQuery, Vega and fonts from CDNs, and the package does not
carry copies of them, so its site does not work offline; this page is rendered from the GX
validation results with its styles inline and no script at all."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from orchestration.core.audit import AuditResult, Outcome

DATA_DOCS_DIR = "data_docs"
INDEX = "index.html"
RAW_RESULTS = "validation_results.json"

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Arial, sans-serif; margin: 2rem;
       color: #1b1b1b; max-width: 80rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { border: 1px solid #c8c8c8; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
.pass { color: #006b2d; font-weight: 600; } .fail { color: #a4000f; font-weight: 600; }
.synthetic { background: #fff3c4; border: 2px solid #8a6d00; padding: 0.5rem 1rem; }
.counts span { display: inline-block; margin-right: 2rem; font-size: 1.1rem; }
code { font-size: 0.85rem; }
"""


def write_data_docs(folder: Path, result: AuditResult, manifest: dict) -> Path:
    """Write the page and the raw results into folder/data_docs; returns the page's path."""
    docs = folder / DATA_DOCS_DIR
    docs.mkdir(parents=True, exist_ok=True)
    (docs / RAW_RESULTS).write_text(json.dumps(result.raw, indent=1, default=str))
    page = docs / INDEX
    page.write_text(render_page(result, manifest), encoding="utf-8")
    return page


def render_page(result: AuditResult, manifest: dict) -> str:
    counts = result.counts
    synthetic = manifest.get("synthetic_inputs")
    banner = (
        '<p class="synthetic"><strong>Synthetic demo data.</strong> This snapshot is built '
        "from synthetic demo feeds; its figures are illustrative.</p>"
        if synthetic
        else ""
    )
    assets = list(dict.fromkeys(o.asset for o in result.outcomes))
    sections = "\n".join(
        _section(number, asset, [o for o in result.outcomes if o.asset == asset])
        for number, asset in enumerate(assets)
    )
    return f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8">
<title>wholeplace data quality audit: {escape(str(manifest.get("run_id", "")))}</title>
<style>{STYLE}</style></head>
<body>
<h1>Data quality audit of the published snapshot</h1>
{banner}
<p>Run <code>{escape(str(manifest.get("run_id", "")))}</code>, published
{escape(str(manifest.get("published_at", "")))}, {escape(str(manifest.get("code_version", "")))};
checked by Great Expectations {escape(result.gx_version)} on the snapshot's Parquet files.</p>
<p class="counts"><span>Expectations run: <strong>{counts["expectations"]}</strong></span>
<span class="pass">Passed: {counts["passed"]}</span>
<span class="fail">Failed: {counts["failed"]}</span>
<span>Failed reconciliations (these stop a publish): {counts["blocking_failed"]}</span></p>
<p>Each published mart is checked for unique keys, finite decimal money, shares in [0, 1],
financial years written like 2025-26 and places that exist; then totals must reconcile between
marts. Only a failed reconciliation proves the snapshot wrong and stops the publish; other
failures are reported here. The raw results are in <a href="{RAW_RESULTS}">{RAW_RESULTS}</a>.</p>
{_contents(assets, result.outcomes)}
{sections}
</body></html>
"""


def _contents(assets: list[str], outcomes: list[Outcome]) -> str:
    rows = []
    for number, asset in enumerate(assets):
        mine = [o for o in outcomes if o.asset == asset]
        failed = sum(not o.success for o in mine)
        status = _status(f"{failed} failed" if failed else "all passed", not failed)
        rows.append(f'<tr><td><a href="#a{number}">{escape(asset)}</a></td>'
                    f"<td>{len(mine)}</td><td>{status}</td></tr>")  # fmt: skip
    return ("<h2>What was checked</h2><table><tr><th>mart or reconciliation</th>"
            "<th>expectations</th><th>result</th></tr>" + "".join(rows) + "</table>")  # fmt: skip


def _section(number: int, asset: str, outcomes: list[Outcome]) -> str:
    anchor = f"a{number}"
    rows = "".join(_row(o) for o in sorted(outcomes, key=lambda o: o.success))
    return (f'<h2 id="{anchor}">{escape(asset)}</h2><table><tr><th>result</th><th>expectation</th>'
            "<th>column(s)</th><th>unexpected rows</th><th>examples</th><th>note</th></tr>"
            f"{rows}</table>")  # fmt: skip


def _row(outcome: Outcome) -> str:
    status = _status("pass" if outcome.success else "FAIL", outcome.success)
    if outcome.blocking and not outcome.success:
        status += " (stops the publish)"
    count = "" if outcome.unexpected_count is None else f"{outcome.unexpected_count:,}"
    return (f"<tr><td>{status}</td><td><code>{escape(outcome.expectation)}</code></td>"
            f"<td>{escape(outcome.columns)}</td><td>{count}</td>"
            f"<td>{escape(', '.join(outcome.examples))}</td>"
            f"<td>{escape(outcome.observed)}</td></tr>")  # fmt: skip


def _status(text: str, good: bool) -> str:
    return f'<span class="{"pass" if good else "fail"}">{escape(text)}</span>'
