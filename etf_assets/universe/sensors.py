"""Universe upkeep: a daily refresh of SEC's ticker file and N-CEN for new trusts."""


from dagster import (
    AssetSelection,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    RunRequest,
    ScheduleDefinition,
    SensorEvaluationContext,
    SensorResult,
    define_asset_job,
    sensor,
)

from etf_assets.partitions import CIK_PARTITIONS_NAME, cik_partitions
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

MAX_REQUESTS_PER_TICK = 25


@sensor(job=classification_job, minimum_interval_seconds=60,
        default_status=DefaultSensorStatus.RUNNING)
def unclassified_trusts_sensor(context: SensorEvaluationContext) -> SensorResult:
    """Request the N-CEN classification of trust partitions that never had one.

    One storage query for all partitions (materialized keys of the asset), so a tick
    stays cheap with thousands of trusts; bounded per tick to keep SEC traffic smooth.
    """
    keys = context.instance.get_dynamic_partitions(CIK_PARTITIONS_NAME)
    done = context.instance.get_materialized_partitions(etf_classification.key)
    todo = sorted(k for k in keys if k not in done)[:MAX_REQUESTS_PER_TICK]
    return SensorResult(run_requests=[
        RunRequest(partition_key=k, run_key=f"classify-{k}") for k in todo
    ])
