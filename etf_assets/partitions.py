"""The trust-CIK partitions every data asset shares, and the per-partition events of
runs that cover several of them.

Why our assets log their own events: a run may cover several trusts (the sensors and
`run-all` batch them, a UI backfill runs up to TRUSTS_PER_RUN per run), but Dagster
derives one data version per asset output for the whole run. Our data version is what
*one trust* has seen on EDGAR (etf_assets/freshness/stale.py), so the data assets
declare their outputs skippable and log one AssetMaterialization per trust they actually
loaded, each with that trust's data version, and one check evaluation per trust. A trust
that failed, or was not loaded, gets no materialization: it stays stale (or never
loaded) and is asked for again.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from dagster import (
    AssetCheckEvaluation,
    AssetCheckKey,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetKey,
    AssetMaterialization,
    AssetRecordsFilter,
    DagsterEventType,
    DagsterInstance,
    DynamicPartitionsDefinition,
    Output,
)
from dagster._core.definitions.asset_checks.asset_check_evaluation import (
    AssetCheckEvaluationTargetMaterializationData,
)
from dagster._core.definitions.data_version import (
    DATA_VERSION_IS_USER_PROVIDED_TAG,
    DATA_VERSION_TAG,
)

CIK_PARTITIONS_NAME = "trust_cik"

cik_partitions = DynamicPartitionsDefinition(name=CIK_PARTITIONS_NAME)


def trust_check(name: str, asset: AssetKey, description: str) -> AssetCheckSpec:
    """A check evaluated per trust partition (one result per trust in the UI)."""
    return AssetCheckSpec(name, asset=asset, partitions_def=cik_partitions,
                          description=description)

# Trusts per run: the sensors' batches and a UI backfill's runs (BackfillPolicy). A run
# costs ~3 s of process start-up and Dagster bookkeeping; ten trusts amortize it while a
# failing trust still only delays nine others.
TRUSTS_PER_RUN = 10


def run_partition_keys(context) -> list[str] | None:
    """The trust partitions a run covers, or None for an unpartitioned run (a checks-only
    run launched without a partition)."""
    if context.has_partition_key_range or context.has_partition_key:
        return list(context.partition_keys)
    return None


def partition_materialization(key: AssetKey, partition: str, data_version: str,
                              metadata: Mapping[str, Any]) -> AssetMaterialization:
    """One trust's materialization, carrying its own data version."""
    return AssetMaterialization(
        asset_key=key, partition=partition, metadata=dict(metadata),
        tags={DATA_VERSION_TAG: data_version, DATA_VERSION_IS_USER_PROVIDED_TAG: "true"},
    )


def report_nothing_to_load(instance: DagsterInstance, cik: str, keys: Iterable[AssetKey],
                           why: str) -> None:
    """A trust EDGAR shows nothing to load for, recorded as checked without a run: one
    runless materialization per asset, data version "none" (what a run that found
    nothing would record), so the sensors and run-all see it as up to date until a
    filing of its forms appears."""
    for key in keys:
        instance.report_runless_asset_event(partition_materialization(
            key, cik, "none", {"checked_without_run": why, "filings_loaded": 0,
                               "rows_written": 0}))


def run_materializations(result) -> dict[tuple[str, str | None], dict]:
    """(asset key, partition) -> metadata of every materialization a finished run
    (`execute_in_process` result) recorded: what run-all prints and tests assert on."""
    out = {}
    for event in result.all_events:
        if event.is_step_materialization:
            m = event.step_materialization_data.materialization
            out[(m.asset_key.to_user_string(), m.partition)] = {
                k: v.value for k, v in m.metadata.items()}
    return out


def latest_materializations(instance: DagsterInstance, key: AssetKey,
                            partitions: Iterable[str]
                            ) -> dict[str, AssetCheckEvaluationTargetMaterializationData]:
    """The latest materialization of each partition (two queries whatever their number):
    a check evaluation names the materialization it evaluated."""
    ids = instance.event_log_storage.get_latest_storage_id_by_partition(
        key, DagsterEventType.ASSET_MATERIALIZATION, set(partitions))
    if not ids:
        return {}
    records = instance.fetch_materializations(
        AssetRecordsFilter(asset_key=key, storage_ids=list(ids.values())), limit=len(ids)
    ).records
    by_id = {r.storage_id: r for r in records}
    return {p: AssetCheckEvaluationTargetMaterializationData(
                storage_id=sid, run_id=by_id[sid].run_id, timestamp=by_id[sid].timestamp)
            for p, sid in ids.items() if sid in by_id}


def check_evaluation(check: AssetCheckKey, partition: str | None, passed: bool,
                     metadata: Mapping[str, Any], *,
                     severity: AssetCheckSeverity = AssetCheckSeverity.ERROR,
                     target: AssetCheckEvaluationTargetMaterializationData | None = None
                     ) -> AssetCheckEvaluation:
    """One check's result for one trust (partition None: a summary over every trust)."""
    return AssetCheckEvaluation(
        asset_key=check.asset_key, check_name=check.name, passed=passed,
        metadata={**({"partition": partition} if partition else {}), **metadata},
        severity=severity, partition=partition, target_materialization_data=target,
    )


def check_outputs(context, checks: Sequence[AssetCheckKey]) -> Iterator[Output]:
    """The op's (Nothing) output of each selected check, once, after its evaluations:
    what lets downstream steps depend on the check."""
    names = {spec.key: name for name, spec in context.assets_def.check_specs_by_output_name.items()}
    for key in checks:
        if key in context.selected_asset_check_keys and key in names:
            yield Output(None, output_name=names[key])
