"""Which assets an incremental build runs (the plan itself is core/incremental.py)."""

from dagster import AssetSelection

from orchestration.defs.feeds import feed_asset_key
from orchestration.defs.inbox import INBOX_KEY
from schemas.spend_transactions import CONTRACT as PAYMENTS


def payments_selection() -> AssetSelection:
    """The payments feed (of the years the build recomputes), the dbt models downstream of it
    and the publish, with their checks.
    Every other raw table and mart stays as the last build left it; the publish still writes
    every mart, so the snapshot is complete. The inbox (downstream of every feed) is empty in an
    incremental build, so it is left out."""
    payments = AssetSelection.assets(feed_asset_key(PAYMENTS.name))
    return payments.downstream() - AssetSelection.assets(INBOX_KEY)
