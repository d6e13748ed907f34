"""Checks that a code in one feed names a row of another feed (e.g. a pooling agreement's
settlement_id must be a settlement)."""

import pandas as pd

from schemas.common import FeedContract, Problem, ValidationContext
from schemas.engine_rules import InFeed


def must_exist_in(column: str, feed: str, feed_column: str, what: str):
    def rule(typed: pd.DataFrame, context: ValidationContext, contract: FeedContract):
        if feed not in context.feeds:  # checking one file alone: the other feed is not at hand
            return []
        known = context.codes(feed, feed_column)
        return [
            Problem(
                contract.name,
                row["source_file"],
                int(row["source_row"]),
                column,
                str(row[column]),
                f"known_{feed_column}",
                f"'{row[column]}' is not a {what} in the {feed} feed",
                contract.row_problems,
            )
            for row in typed.to_dict("records")
            if row.get(column) and str(row[column]) not in known
        ]

    return rule


def all_of(*rules):
    def combined(typed, context, contract):
        return [p for rule in rules for p in rule(typed, context, contract)]

    return combined


def in_feed_rules(rules: list) -> object:
    """The row rules of a contract's InFeed engine rules, for the row-by-row path."""
    return all_of(
        *(
            must_exist_in(r.column, r.feed, r.feed_column, r.what)
            for r in rules
            if isinstance(r, InFeed)
        )
    )
