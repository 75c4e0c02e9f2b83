"""Stale trusts -> batched runs of the `refresh_trusts` job, shared by the sensors and
`run-all`.

A run covers a contiguous range of trust partitions (Dagster expresses several
partitions of one run as a key range, in the partitions' order), all needing the same
form groups, at most TRUSTS_PER_RUN of them. The sensors never keep more runs in flight
than the run queue can start at once, twice over: the queue stays bounded, and a user's
own runs (default priority) go before the sensors' (priority -1).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from dagster import DagsterInstance, DagsterRunStatus, RunRequest, RunsFilter
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
    PARTITION_NAME_TAG,
    PRIORITY_TAG,
)

from etf_assets.freshness.stale import ALL_GROUPS, assets_for
from etf_assets.partitions import TRUSTS_PER_RUN

REFRESH_JOB = "refresh_trusts"
TRIGGER_TAG = "etf/trigger"
REASON_TAG = "etf/reason"
FRESHNESS_TRIGGER = "freshness"
SENSOR_PRIORITY = "-1"
DEFAULT_MAX_CONCURRENT_RUNS = 4


@dataclass(frozen=True)
class Batch:
    groups: tuple[str, ...]  # in ALL_GROUPS order
    ciks: tuple[str, ...]  # contiguous in the partitions' order
    reasons: Mapping[str, Mapping[str, str]]  # cik -> group -> why

    @property
    def initial(self) -> bool:
        return all(r == "never loaded" for g in self.reasons.values() for r in g.values())

    def reason(self) -> str:
        if self.initial:
            return f"never loaded: {len(self.ciks)} trust(s)"
        accessions = sorted({a for g in self.reasons.values() for a in g.values()
                             if a != "never loaded"})
        return f"new filing(s) {', '.join(accessions)}"[:250]


def partition_tags(ciks: Sequence[str]) -> dict[str, str]:
    """Run tags selecting these partitions (one key, or a range in the partitions' order)."""
    if len(ciks) == 1:
        return {PARTITION_NAME_TAG: ciks[0]}
    return {ASSET_PARTITION_RANGE_START_TAG: ciks[0], ASSET_PARTITION_RANGE_END_TAG: ciks[-1]}


def plan_batches(stale: Mapping[str, Mapping[str, str]], order: Sequence[str],
                 size: int = TRUSTS_PER_RUN) -> list[Batch]:
    """Group stale trusts into runs: same form groups, contiguous in `order` (the
    dynamic partitions' order), at most `size` each. Runs for new filings come before
    first loads; otherwise in partition order."""
    position = {cik: i for i, cik in enumerate(order)}
    targets = sorted((c for c, g in stale.items() if g and c in position), key=position.get)
    batches: list[Batch] = []
    current: list[str] = []
    current_groups: tuple[str, ...] = ()

    def flush() -> None:
        if current:
            batches.append(Batch(current_groups, tuple(current),
                                 {c: dict(stale[c]) for c in current}))

    for cik in targets:
        groups = tuple(g for g in ALL_GROUPS if g in stale[cik])
        if (current and groups == current_groups and len(current) < size
                and position[cik] == position[current[-1]] + 1):
            current.append(cik)
            continue
        flush()
        current, current_groups = [cik], groups
    flush()
    return sorted(batches, key=lambda b: (b.initial, position[b.ciks[0]]))


def run_request(batch: Batch, trigger: str = FRESHNESS_TRIGGER) -> RunRequest:
    single = len(batch.ciks) == 1
    return RunRequest(
        job_name=REFRESH_JOB,
        asset_selection=assets_for(batch.groups),
        partition_key=batch.ciks[0] if single else None,
        tags={**({} if single else partition_tags(batch.ciks)), TRIGGER_TAG: trigger,
              REASON_TAG: batch.reason(), PRIORITY_TAG: SENSOR_PRIORITY},
    )


_IN_FLIGHT = [DagsterRunStatus.QUEUED, DagsterRunStatus.NOT_STARTED,
              DagsterRunStatus.STARTING, DagsterRunStatus.STARTED]


def runs_in_flight(instance: DagsterInstance, trigger: str = FRESHNESS_TRIGGER) -> int:
    return instance.get_runs_count(RunsFilter(statuses=_IN_FLIGHT, tags={TRIGGER_TAG: trigger}))


def max_runs_in_flight(instance: DagsterInstance) -> int:
    """Twice what the run queue starts at once: the next wave waits in the queue while
    one runs, and no more (the sensors tick again long before it drains)."""
    config = getattr(instance.run_coordinator, "get_run_queue_config", None)
    limit = None
    if config is not None:
        limit = config().max_concurrent_runs
    if limit is None or limit < 0:  # unlimited (-1) or not a queue
        limit = DEFAULT_MAX_CONCURRENT_RUNS
    return max(1, 2 * limit)


def requests_within_capacity(instance: DagsterInstance, batches: Iterable[Batch]
                             ) -> tuple[list[RunRequest], int]:
    """As many run requests as there is room for; also returns how many were held back."""
    batches = list(batches)
    room = max(0, max_runs_in_flight(instance) - runs_in_flight(instance))
    return [run_request(b) for b in batches[:room]], max(0, len(batches) - room)
