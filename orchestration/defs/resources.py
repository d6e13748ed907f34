"""The one resource every asset shares: the build's Settings (core/settings.py) as Dagster
configuration, plus a connection to the working database."""

from __future__ import annotations

import duckdb
from dagster import ConfigurableResource

from orchestration.core.paths import WarehouseLayout
from orchestration.core.payment_years import Rebuild
from orchestration.core.settings import Settings

_DEFAULTS = Settings()


class WholeplaceSettings(ConfigurableResource):
    feeds_dir: str = str(_DEFAULTS.feeds_dir)
    warehouse_dir: str = str(_DEFAULTS.warehouse_dir)
    price_base_year: str = _DEFAULTS.price_base_year
    strict: bool = _DEFAULTS.strict
    engine: str = _DEFAULTS.engine
    # An incremental build (core/incremental.py): the payments files to read again and those
    # removed, spend_transactions/<name> (core/payment_years.py). Not partial: a run of every
    # year reads every file; in `dagster dev` a run of some years works out its own files.
    payments_partial: bool = False
    payments_files: list[str] = []
    payments_gone: list[str] = []

    @classmethod
    def of(cls, settings: Settings, rebuild: Rebuild | None = None) -> WholeplaceSettings:
        return cls(
            feeds_dir=str(settings.feeds),
            warehouse_dir=str(settings.layout.root),
            price_base_year=settings.price_base_year,
            strict=settings.strict,
            engine=settings.engine,
            payments_partial=rebuild is not None,
            payments_files=list(rebuild.files if rebuild else ()),
            payments_gone=list(rebuild.gone if rebuild else ()),
        )

    @property
    def settings(self) -> Settings:
        return Settings(
            self.feeds_dir, self.warehouse_dir, self.price_base_year, self.strict, self.engine
        )

    @property
    def feeds(self):
        return self.settings.feeds

    @property
    def layout(self) -> WarehouseLayout:
        return self.settings.layout

    def connect(self) -> duckdb.DuckDBPyConnection:
        self.layout.work_dir.mkdir(parents=True, exist_ok=True)
        return duckdb.connect(str(self.layout.database))
