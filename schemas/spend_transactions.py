"""spend_transactions/: every payment a council published (each over £500), one row per payment.

Large (ten years of every council is some 100 million rows), so it is validated inside DuckDB
(orchestration/core/engine_validation.py) from the field kinds and the engine rules below, never
row by row in Python. Observational: a bad row is quarantined and the build goes on."""

from schemas.common import FeedContract, Field
from schemas.engine_rules import AreaExistedInYear
from schemas.outturn import SERVICE_AREA

CONTRACT = FeedContract(
    name="spend_transactions",
    folder="spend_transactions",
    description="Council payments (transparency returns): one row per payment, refunds negative",
    fields=[
        Field("payment_date", "date"),
        Field("area_code", "code", case="upper"),
        Field("service_area", "code", case="lower"),
        Field("funding_line", "code", required=False, nullable=True, case="upper"),
        Field("supplier_name", "text"),
        Field("expense_type", "text"),
        Field("amount_gbp", "money"),
        Field("transaction_id", "text"),
        Field("data_provenance", "text", required=False, nullable=True),
    ],
    key=["area_code", "transaction_id"],
    row_problems="quarantine",
    engine_rules=[
        SERVICE_AREA,
        AreaExistedInYear("area_code", "payment_date"),
    ],
    validated_in_engine=True,
    file_suffixes=(".csv", ".parquet"),
)
