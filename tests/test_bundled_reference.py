"""The bundled reference tables are parsed once per process (every feed asset asks for them),
but a changed file is read again and a caller cannot change what the next one gets."""

import shutil

import pytest

from orchestration.core import load_feeds
from orchestration.core.load_feeds import REFERENCE_CONTRACTS_BY_NAME
from orchestration.core.paths import BUNDLED_REFERENCE_DIR

DEFLATORS = REFERENCE_CONTRACTS_BY_NAME["deflators"]


@pytest.fixture
def bundled_dir(tmp_path, monkeypatch):
    folder = shutil.copytree(BUNDLED_REFERENCE_DIR, tmp_path / "reference")
    monkeypatch.setattr(load_feeds, "BUNDLED_REFERENCE_DIR", folder)
    monkeypatch.setattr(load_feeds, "_BUNDLED_READ", {})
    return folder


def test_the_table_is_parsed_once(bundled_dir, monkeypatch):
    parsed = []
    real = load_feeds._read_bundled
    monkeypatch.setattr(load_feeds, "_read_bundled", lambda c: parsed.append(c.name) or real(c))
    first = load_feeds.bundled_reference(DEFLATORS)
    again = load_feeds.bundled_reference(DEFLATORS)
    assert parsed == ["deflators"]
    assert again.equals(first)


def test_a_changed_file_is_read_again(bundled_dir):
    before = load_feeds.bundled_reference(DEFLATORS)
    path = bundled_dir / "deflators.csv"
    path.write_text(path.read_text() + "2099-00,999.9,a year added by the test\n")
    after = load_feeds.bundled_reference(DEFLATORS)
    assert len(after) == len(before) + 1
    assert after["financial_year"].iloc[-1] == "2099-00"


def test_a_caller_changing_its_rows_does_not_change_the_next_callers(bundled_dir):
    rows = load_feeds.bundled_reference(DEFLATORS)
    rows.loc[0, "financial_year"] = "changed"
    rows.drop(rows.index[1:], inplace=True)
    again = load_feeds.bundled_reference(DEFLATORS)
    assert again.loc[0, "financial_year"] != "changed"
    assert len(again) > 1
