"""Universe upkeep: a daily refresh of SEC's ticker file (new trusts become partitions;
etf_assets/freshness/sensors.py then loads them)."""


from dagster import (
    AssetSelection,
    DefaultScheduleStatus,
    ScheduleDefinition,
    define_asset_job,
)

from etf_assets.partitions import cik_partitions
from etf_assets.universe.assets import etf_classification, etf_universe

universe_job = define_asset_job("refresh_universe", selection=AssetSelection.assets(etf_universe))
classification_job = define_asset_job(
    "classify_trusts", selection=AssetSelection.assets(etf_classification),
    partitions_def=cik_partitions,
)

# New ETF trusts appear a few times a month; a daily look at the ticker file is plenty.
daily_universe_refresh = ScheduleDefinition(
    name="daily_universe_refresh", job=universe_job, cron_schedule="0 6 * * *",
    execution_timezone="America/New_York", default_status=DefaultScheduleStatus.RUNNING,
)
