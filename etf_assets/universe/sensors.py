"""Universe upkeep: a daily refresh of SEC's ticker file (new trusts become partitions;
etf_assets/freshness/sensors.py then loads them)."""

from dagster import DefaultScheduleStatus, ScheduleDefinition

from etf_assets.jobs import refresh_universe_job

# New ETF trusts appear a few times a month; a daily look at the ticker file is plenty.
daily_universe_refresh = ScheduleDefinition(
    name="daily_universe_refresh", job=refresh_universe_job, cron_schedule="0 6 * * *",
    execution_timezone="America/New_York", default_status=DefaultScheduleStatus.RUNNING,
)
