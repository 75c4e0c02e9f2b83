"""Dagster wiring only: assets, checks, jobs, schedules, sensors, resources."""

from dagster import Definitions

from etf_assets.edgar.resource import SecClientResource
from etf_assets.nport.assets import nport
from etf_assets.universe.assets import etf_classification, etf_universe
from etf_assets.universe.checks import etf_series_belong_to_their_trust, etfs_found
from etf_assets.freshness.sensors import gap_repair_sensor, sec_filings_sensor
from etf_assets.universe.sensors import classification_job, daily_universe_refresh, universe_job
from etf_assets.warehouse.engine import WarehouseResource

# Resources read their settings from the environment at run time (README: Configuration),
# so loading these definitions needs no secrets and sends no request.
RESOURCES = {"sec": SecClientResource(), "warehouse": WarehouseResource()}

defs = Definitions(
    assets=[etf_universe, etf_classification, nport],
    asset_checks=[etfs_found, etf_series_belong_to_their_trust],
    jobs=[universe_job, classification_job],
    schedules=[daily_universe_refresh],
    sensors=[sec_filings_sensor, gap_repair_sensor],
    resources=RESOURCES,
)
