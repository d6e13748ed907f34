"""Feed contracts: one module per feed. FEEDS lists them in the order they are validated, so a
feed can be checked against those before it (pooling agreements against settlements)."""

from schemas import (
    allocations,
    intervention_benefits,
    intervention_costs,
    interventions,
    line_totals,
    outcomes,
    outturn,
    pillar_plans,
    pooling_agreements,
    reference,
    regional_spend,
    settlement_totals,
    settlements,
    spend_transactions,
)
from schemas.common import FeedContract

REFERENCE_CONTRACTS: list[FeedContract] = reference.CONTRACTS

FEEDS: list[FeedContract] = [
    allocations.CONTRACT,
    settlements.CONTRACT,
    pooling_agreements.CONTRACT,
    settlement_totals.CONTRACT,
    line_totals.CONTRACT,
    pillar_plans.CONTRACT,
    outturn.CONTRACT,
    interventions.CONTRACT,
    intervention_costs.CONTRACT,
    intervention_benefits.CONTRACT,
    regional_spend.CONTRACT,
    outcomes.CONTRACT,
    spend_transactions.CONTRACT,
]

# inbox/: published files for the adapters (orchestration/defs/inbox.py), not a feed.
FEED_FOLDERS = {c.folder for c in FEEDS} | {"reference", "inbox"}


def contract_named(name: str) -> FeedContract:
    for contract in FEEDS + REFERENCE_CONTRACTS:
        if contract.name == name:
            return contract
    known = ", ".join(c.name for c in FEEDS + REFERENCE_CONTRACTS)
    raise KeyError(f"no feed called '{name}'; the feeds are: {known}")
