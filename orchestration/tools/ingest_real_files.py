"""Write the demo's real regional spending and outcome feeds by running the adapters on the
published files (the same files the adapter tests use, in tests/fixtures/real/):

- HM Treasury Country and Regional Analysis 2018 database -> feeds/regional_spend/cra_2018.csv
- Oflog adult social care measures -> feeds/outcomes/oflog_adult_social_care_measures.csv
- MHCLG revenue outturn time series, the ten Greater Manchester districts 2022-23 to 2024-25 ->
  feeds/outturn/revenue_outturn_time_series_gm_2022_23_to_2024_25.csv (generate_demo_feeds.py
  leaves those authority-years out of the synthetic outturn)

Run from the repository root with `python -m orchestration.tools.ingest_real_files`. Every row
keeps a `data_provenance` naming the published file it came from ("real: ..."). The output is
committed, so a build never needs this script; rerun it when an adapter changes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from orchestration.core.adapt_files import write
from orchestration.core.adapters import AdaptContext, adapt
from orchestration.core.paths import DEMO_FEEDS_DIR, REPO

REAL_FILES = REPO / "tests" / "fixtures" / "real"
DEMO_INPUTS = {
    "CRA_2018_Database_for_Publication_rvsd.xlsx": "regional_spend",
    "oflog_adult_social_care_measures.csv": "outcomes",
    "revenue_outturn_time_series_GM_2022-23_to_2024-25.csv": "outturn",
}


def main(sources: Path = REAL_FILES, feeds: Path = DEMO_FEEDS_DIR) -> int:
    context = AdaptContext.for_feeds(None)
    for name, target in DEMO_INPUTS.items():
        adapted = adapt(sources / name, context)
        if adapted.target != target:
            print(f"{name}: expected the {target} adapter, got {adapted.adapter}", file=sys.stderr)
            return 1
        path = write(adapted, feeds)
        print(f"wrote {path.relative_to(REPO)}: {adapted.describe()} source rows")
        for note in adapted.notes:
            print(f"  - {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
