"""ETF filings platform: a Dagster code location (etf_assets.definitions)."""

import warnings

# Two Dagster features we rely on knowingly, pinned to the tested Dagster version
# (pyproject.toml): partitioned asset checks (preview: check results per trust) and
# backfill policies (beta: several trusts per backfill run). Their warnings would
# otherwise print on every CLI call and run.
warnings.filterwarnings("ignore", message=r"Specifying a partitions_def on an AssetCheckSpec")
warnings.filterwarnings("ignore", message=r"Parameter `backfill_policy` of ")
