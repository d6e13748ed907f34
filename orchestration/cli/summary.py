"""What `wholeplace build` prints at the end: a short summary a finance officer can read."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from orchestration.core.dbt_results import failed_models, failed_tests
from orchestration.core.formatting import format_gbp
from orchestration.core.paths import WarehouseLayout

MAX_PROBLEMS_PRINTED = 50


def money(value: float | None) -> str:
    """A pot as the dashboard writes it (£462.0m); '-' when there is none."""
    return format_gbp(value, missing="-")


def print_failure(
    result, layout: WarehouseLayout, engine: str, log_file: Path | None = None
) -> None:
    print("\nBUILD STOPPED: nothing was published; the previous snapshot (if any) is unchanged.")
    for evaluation in result.get_asset_check_evaluations():
        problems = evaluation.metadata.get("problems")
        if evaluation.passed or problems is None:  # dbt's tests are explained below
            continue
        asset = "/".join(evaluation.asset_key.path)
        count = evaluation.metadata.get("problem_count")
        records = problems.value
        total = count.value if count is not None else len(records)
        print(f"\n{asset}: {total} problem(s)")
        for record in records[:MAX_PROBLEMS_PRINTED]:
            print(f"  - {_describe(record)}")
        if total > MAX_PROBLEMS_PRINTED:
            print(
                f"  ... and {total - MAX_PROBLEMS_PRINTED} more "
                "(run `wholeplace validate FEED FILE` for the full list)"
            )
    tests, models = failed_tests(layout, engine), failed_models(layout, engine)
    if tests:
        print(f"\nThe warehouse's own checks (dbt data tests) failed {len(tests)} time(s):")
        for failure in tests:
            print(f"  - {failure.sentence()}")
            for line in failure.row_lines():
                print(f"      e.g. {line}")
    for model in models:
        print(f"\nA dbt model could not be built: {model}")
    if not tests and not models:
        for event in result.all_events:
            if event.event_type_value == "STEP_FAILURE" and not _is_check_stop(event):
                error = event.step_failure_data.error
                message = _deepest_message(error)
                print(f"\nA step failed: {event.step_key}: {message}")
    if log_file is not None:
        print(f"\nDagster's and dbt's own messages are in {log_file}")


def _deepest_message(error) -> str:
    """Dagster wraps what went wrong in 'Error occurred while executing op'; the cause says it."""
    if error is None:
        return "unknown error"
    while error.cause is not None:
        error = error.cause
    return (error.message.strip().splitlines() or ["unknown error"])[0]


def _is_check_stop(event) -> bool:
    """A step stopped by a blocking check, whose problems are already printed above."""
    error = event.step_failure_data.error
    return bool(error) and "DagsterAssetCheckFailedError" in (error.cls_name or "")


def _describe(record: dict) -> str:
    where = record["source_file"]
    if record.get("source_row") is not None:
        where += f" row {record['source_row']}"
    if record.get("column_name"):
        where += f", column {record['column_name']}"
    action = "quarantined" if record.get("severity") == "quarantine" else "blocking"
    return f"{where}: {record['message']} [rule: {record['rule']}; {action}]"


def print_prevention(con: duckdb.DuckDBPyConnection, snapshot) -> None:
    """One line per place from place_appraisal, whose present values share one base year
    (intervention_cba's own-start present values are discounted to different years)."""
    appraisal = snapshot / "place_appraisal.parquet"
    if not appraisal.exists():
        return
    rows = con.execute(
        "select place_name, interventions, first_start_year, last_start_year, pv_costs_gbp, "
        "pv_fiscal_gbp, npv_gbp, pv_retained_cashable_by_place_gbp, pv_base_year, "
        "price_base_year, is_synthetic from read_parquet(?) order by place_name",
        [appraisal.as_posix()],
    ).fetchall()
    if not rows:
        return
    pv_base, price_base = rows[0][8], rows[0][9]
    print(
        f"\nPrevention business cases (HM Treasury / GMCA method), all years of each appraisal: "
        f"present values in {price_base} prices discounted to {pv_base}; costs as the business "
        f"cases give them, not split into resource and capital:"
    )
    for place, count, first, last, costs, fiscal, npv, retained, *_, synthetic in rows:
        starts = first if first == last else f"{first} to {last}"
        label = " [synthetic]" if synthetic else ""
        print(
            f"  {place:<34} {count} intervention(s) starting {starts}{label}: "
            f"costs {money(float(costs))}, fiscal savings {money(float(fiscal))}, "
            f"net present value {money(float(npv))}, "
            f"cashable savings retained {money(float(retained))}"
        )


def print_failed_checks(con: duckdb.DuckDBPyConnection, snapshot) -> None:
    """Every check by id with its counts, then each failure in words (they are few)."""
    checks = (snapshot / "settlement_checks.parquet").as_posix()
    rows = con.execute(
        f"select \"check\", count(*) filter (where status = 'pass'), "
        f"count(*) filter (where status = 'warn'), count(*) filter (where status = 'fail') "
        f"from '{checks}' group by 1 order by 1"
    ).fetchall()
    for check, passed, warned, failed in rows:
        print(f"  {check:<30} {passed:>5} pass {warned:>5} warn {failed:>5} fail")
    failures = con.execute(
        f"select \"check\", coalesce(settlement_id, '-'), financial_year, detail, is_synthetic "
        f"from '{checks}' where status = 'fail' order by 1, 2, 3 limit {MAX_PROBLEMS_PRINTED}"
    ).fetchall()
    for check, settlement, year, detail, synthetic in failures:
        label = " [synthetic]" if synthetic else ""
        print(f"  FAIL {check} {settlement} {year}{label}: {detail}")


def print_summary(layout: WarehouseLayout, elapsed_seconds: float) -> None:
    snapshot = layout.published.resolve()
    manifest = json.loads((snapshot / "manifest.json").read_text())
    con = duckdb.connect()
    pooled = (snapshot / "pooled_budget.parquet").as_posix()
    budget = (snapshot / "whole_place_budget.parquet").as_posix()
    places, first, last = con.execute(
        f"select count(distinct place_code), min(financial_year), max(financial_year) "
        f"from '{budget}'"
    ).fetchone()
    print(f"\nPublished snapshot {snapshot.name} in {elapsed_seconds:.0f}s")
    if manifest.get("synthetic_inputs"):
        print("NOTE: the inputs include SYNTHETIC demo data; figures are illustrative.")
    print(
        f"Places: {places}; financial years {first} to {last}; "
        f"real figures in {manifest['price_base_year']} prices (GDP deflator), cash otherwise"
    )
    print("\nRows per input file (read = loaded + quarantined):")
    for item in manifest["inputs"]:
        print(
            f"  {item['file']}: {item['rows_read']:,} read, {item['rows_loaded']:,} loaded, "
            f"{item['rows_quarantined']:,} quarantined"
        )
    print("\nPooled budgets (cash, each year; resource and capital shown apart):")
    rows = con.execute(
        f"select settlement_id, max(place_name), financial_year, "
        f"sum(case when budget_type = 'resource' then contribution_gbp_nominal else 0 end), "
        f"sum(case when budget_type = 'capital' then contribution_gbp_nominal else 0 end) "
        f"from '{pooled}' group by settlement_id, financial_year order by 1, 3"
    ).fetchall()
    for settlement, place, year, resource, capital in rows:
        print(
            f"  {settlement:<16} {place:<34} {year}  resource {money(float(resource)):>9}  "
            f"capital {money(float(capital)):>9}"
        )
    print_prevention(con, snapshot)
    checks = manifest["checks"]
    print(
        f"\nSettlement checks (each year of each settlement; cash unless a check says real "
        f"terms; resource and capital apart unless announced together): {checks['passed']} "
        f"pass, {checks['warned']} warn, {checks['failed']} fail"
    )
    print_failed_checks(con, snapshot)
    print_audit(manifest, layout)
    print(f"Published to {layout.published}")


def print_audit(manifest: dict, layout: WarehouseLayout) -> None:
    quality = manifest.get("data_quality")
    if not quality:
        return
    print(
        f"\nData quality audit ({quality['tool']}): {quality['expectations']} expectations, "
        f"{quality['passed']} passed, {quality['failed']} failed (reported; only a failed "
        f"reconciliation stops a publish). Data Docs: {layout.published / quality['data_docs']}"
    )
