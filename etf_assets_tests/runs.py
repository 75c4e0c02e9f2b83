"""Running the platform's own jobs in tests, and reading what a run recorded."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from dagster import AssetKey, DagsterInstance

from etf_assets.definitions import defs
from etf_assets.freshness.runs import partition_tags
from etf_assets.freshness.stale import TRUST_ASSETS
from etf_assets.partitions import run_materializations as materializations


def run_universe(instance: DagsterInstance):
    """The refresh_universe job (etf_universe and its checks), as run-all runs it."""
    return defs.resolve_job_def("refresh_universe").execute_in_process(
        instance=instance, raise_on_error=False)


def run_trusts(instance: DagsterInstance, ciks: str | Sequence[str],
               keys: Iterable[AssetKey | str] | None = None, since: str | None = None):
    """The refresh_trusts job over one trust or a contiguous range of them."""
    ciks = [ciks] if isinstance(ciks, str) else list(ciks)
    selection = [AssetKey(k) if isinstance(k, str) else k for k in (keys or TRUST_ASSETS)]
    run_config = {"ops": {"trust_filings": {"config": {"since": since}}}} if since else None
    return defs.resolve_job_def("refresh_trusts").execute_in_process(
        instance=instance, asset_selection=selection, tags=partition_tags(ciks),
        run_config=run_config, raise_on_error=False)


def run_checks(instance: DagsterInstance, cik: str | None = None):
    """The check_data_quality job: every check, for one trust or (None) all of them."""
    return defs.resolve_job_def("check_data_quality").execute_in_process(
        instance=instance, tags=partition_tags([cik]) if cik else None,
        raise_on_error=False)


def metadata(result, key: str, partition: str | None = None) -> dict:
    mats = materializations(result)
    if (key, partition) not in mats:
        raise AssertionError(f"no materialization of {key} for {partition}: {sorted(mats)}")
    return mats[(key, partition)]


def check_results(result) -> dict[tuple[str, str | None], bool]:
    """(check name, partition) -> passed, for every check evaluated in the run."""
    return {(e.check_name, e.partition): e.passed for e in result.get_asset_check_evaluations()}
