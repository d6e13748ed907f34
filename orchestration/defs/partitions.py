"""The payments' financial years as Dagster partitions (the years: core/payment_years.py). The
payments feed and its dbt models are partitioned by them; every other asset is not, and reads all
years. One run covers a range of years in one step (BackfillPolicy.single_run), which is how
`wholeplace build` runs them: every year in a full build, the years that changed otherwise."""

from dagster import BackfillPolicy, StaticPartitionsDefinition

from orchestration.core.payment_years import YEARS

PAYMENT_YEARS = StaticPartitionsDefinition(list(YEARS))
ONE_RUN = BackfillPolicy.single_run()


def range_tags(years: list[str]) -> dict[str, str]:
    """The run tags that make one run materialise the partitions from years[0] to years[-1]."""
    return {
        "dagster/asset_partition_range_start": years[0],
        "dagster/asset_partition_range_end": years[-1],
    }


def every_year(context) -> bool:
    return list(context.partition_keys) == list(YEARS)
