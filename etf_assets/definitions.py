"""Dagster wiring only: assets, checks, jobs, schedules, sensors, resources."""

from dagster import (
    AssetSelection,
    AutomationConditionSensorDefinition,
    DefaultSensorStatus,
    Definitions,
    in_process_executor,
)

from etf_assets.alerts.sensors import alerts_sensor
from etf_assets.coverage.assets import coverage, etfs_within_max_lag
from etf_assets.crossfund.assets import security_holders, totals_match_holdings
from etf_assets.edgar.resource import SecClientResource
from etf_assets.freshness.sensors import gap_repair_sensor, sec_filings_sensor
from etf_assets.jobs import (
    check_data_quality_job,
    refresh_coverage_job,
    refresh_trusts_job,
    refresh_universe_job,
)
from etf_assets.lifecycle.report import lifecycle_report
from etf_assets.trust_filings import trust_filings
from etf_assets.universe.assets import etf_universe
from etf_assets.universe.checks import (
    etf_series_belong_to_their_trust,
    etfs_found,
    no_ticker_current_for_two_classes,
    one_current_ticker_per_etf_class,
)
from etf_assets.universe.sensors import daily_universe_refresh
from etf_assets.warehouse.engine import WarehouseResource

# Resources read their settings from the environment at run time (README: Configuration),
# so loading these definitions needs no secrets and sends no request.
RESOURCES = {"sec": SecClientResource(), "warehouse": WarehouseResource()}

# Declarative automation (the conditions of `coverage` and `security_holders`), on by
# default: the daemon evaluates it every 30 s. Declared here so it is on without a click in the UI.
automation_sensor = AutomationConditionSensorDefinition(
    "default_automation_condition_sensor", target=AssetSelection.all(),
    default_status=DefaultSensorStatus.RUNNING, minimum_interval_seconds=30)

defs = Definitions(
    assets=[etf_universe, trust_filings, coverage, lifecycle_report, security_holders],
    asset_checks=[etfs_found, etf_series_belong_to_their_trust,
                  one_current_ticker_per_etf_class, no_ticker_current_for_two_classes,
                  etfs_within_max_lag, totals_match_holdings],
    jobs=[refresh_universe_job, refresh_trusts_job, check_data_quality_job,
          refresh_coverage_job],
    schedules=[daily_universe_refresh],
    sensors=[sec_filings_sensor, gap_repair_sensor, automation_sensor, alerts_sensor],
    resources=RESOURCES,
    # Every run's steps in the run's own process, UI-launched ones included (jobs.py).
    executor=in_process_executor,
)
