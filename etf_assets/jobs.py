"""The named jobs: what run-all, the sensors and the schedule launch, and the checks.

Every job runs its steps in the run's own process (Definitions' executor): a step
process costs ~2.5 s of start-up (importing Dagster and the definitions), more than
loading a trust's filings; the SEC budget, not CPU, bounds the work.
"""

from dagster import AssetSelection, define_asset_job

from etf_assets.freshness.stale import TRUST_ASSETS
from etf_assets.partitions import cik_partitions

refresh_universe_job = define_asset_job(
    "refresh_universe", selection=AssetSelection.assets("etf_universe"),
    description="SEC's ticker file -> trust/series/share_class/etf; new ETF trusts become "
    "partitions. Evaluates the universe checks.",
    tags={"etf/job": "refresh_universe"},
)

refresh_trusts_job = define_asset_job(
    "refresh_trusts", selection=AssetSelection.assets(*TRUST_ASSETS),
    partitions_def=cik_partitions,
    description="Per trust CIK (a partition, or a range of them): classification from "
    "N-CEN, then each form's tables, with their checks. What run-all and the freshness "
    "sensors launch, for the stale form groups only.",
    tags={"etf/job": "refresh_trusts"},
)

check_data_quality_job = define_asset_job(
    "check_data_quality", selection=AssetSelection.all_asset_checks(),
    description="Every data-quality check over what the warehouse holds, without "
    "downloading anything. With a trust partition (or range), only those trusts.",
    tags={"etf/job": "check_data_quality"},
)

refresh_coverage_job = define_asset_job(
    "refresh_coverage", selection=AssetSelection.assets("coverage"),
    description="The coverage report (and its check), from the warehouse and Dagster's "
    "records: what run-all runs at its end (the daemon's automation refreshes it too).",
    tags={"etf/job": "refresh_coverage"},
)
