"""What is stale, decided in one place for the sensors and for `run-all`.

Three inputs:

* What each trust partition has loaded, from Dagster itself: every materialization
  carries a data version "<filing date>|<accession>" of the newest filing of its form
  group on EDGAR when it ran ("none" when there was none), and the event log returns
  the latest data version of *every* partition of an asset in one query.
* What EDGAR has shown since: `sec_latest_filing` in the warehouse, fed by the daily
  form index (one request per business day, all filers) and by submissions JSON reads
  (first loads, gap repair, run-all).
* What is already under way: a partition with a run in flight, or whose last attempt
  failed a short while ago, is not asked for again yet (Dagster's "planned but not
  materialized" events, one query per asset).

A (trust, form group) is stale when the group was never materialized for the trust, or
when EDGAR shows a filing of the group newer than the one its last run saw (`is_newer`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from dagster import AssetKey, DagsterEventType, DagsterInstance, DagsterRunStatus, RunsFilter
from dagster._core.definitions.data_version import DATA_VERSION_TAG

from etf_assets.edgar.submissions import FilingRef
from etf_assets.freshness.dead_runs import DEAD_TAG
from etf_assets.freshness.index import IndexEntry
from etf_assets.warehouse.freshness import Observation


@dataclass(frozen=True)
class Group:
    forms: frozenset[str]  # forms that make the group stale
    assets: tuple[AssetKey, ...]  # what a run of the group materializes
    state_asset: AssetKey  # whose data version records what the group has seen


# A new form slice plugs in here: the sensors and run-all pick it up. Forms the pipeline
# does not parse yet are simply absent, so they are never requested. Order matters: a run
# of several groups materializes them in this order (N-PORT needs the N-CEN's ETF list).
GROUPS: dict[str, Group] = {
    "ncen": Group(frozenset({"N-CEN", "N-CEN/A"}), (AssetKey("etf_classification"),),
                  AssetKey("etf_classification")),
    "nport": Group(frozenset({"NPORT-P", "NPORT-P/A"}),
                   (AssetKey("holdings"), AssetKey("derivatives"), AssetKey("monthly_flows"),
                    AssetKey("monthly_returns")), AssetKey("holdings")),
    "flows": Group(frozenset({"24F-2NT", "24F-2NT/A"}), (AssetKey("annual_flows"),),
                   AssetKey("annual_flows")),
    "prospectus": Group(frozenset({"485BPOS", "497K", "497"}), (AssetKey("fees"),),
                        AssetKey("fees")),
    "ncsr": Group(frozenset({"N-CSR", "N-CSR/A", "N-CSRS", "N-CSRS/A"}),
                  (AssetKey("performance"), AssetKey("per_share")), AssetKey("performance")),
    # Last: it reads what the N-CEN and N-PORT loads of the same run recorded. Its
    # forms overlap other groups' (a new N-PORT may be a fund's first: trading).
    "lifecycle": Group(frozenset({"485APOS", "485BXT", "485BPOS", "497", "497K", "N-8F",
                                  "N-8F/A", "NPORT-P", "NPORT-P/A", "N-CEN", "N-CEN/A"}),
                       (AssetKey("fund_lifecycle"),), AssetKey("fund_lifecycle")),
}
ALL_GROUPS = tuple(GROUPS)
# A form may make several groups stale (485BPOS: fees and lifecycle).
FORM_TO_GROUPS: dict[str, tuple[str, ...]] = {}
for _g, _grp in GROUPS.items():
    for _form in _grp.forms:
        FORM_TO_GROUPS[_form] = FORM_TO_GROUPS.get(_form, ()) + (_g,)
# The group that loads a form's documents (the first that names it).
FORM_TO_GROUP = {form: groups[0] for form, groups in FORM_TO_GROUPS.items()}
TRUST_ASSETS = tuple(k for g in GROUPS.values() for k in g.assets)

# A trust whose last attempt failed is asked for again after this long (the failed run
# stays visible in the UI meanwhile; `run-all` retries at once).
RETRY_FAILED_AFTER_SECONDS = 6 * 3600
# A run still "started" after this long was killed without being marked failed.
RUN_PRESUMED_DEAD_SECONDS = 3 * 3600


def assets_for(groups: Iterable[str]) -> list[AssetKey]:
    wanted = set(groups)
    return [k for g in ALL_GROUPS if g in wanted for k in GROUPS[g].assets]


Seen = tuple[date, str]  # (filing date, accession) of the newest filing a run saw
NOTHING_SEEN: Seen = (date.min, "")


def parse_data_version(data_version: str | None) -> Seen | None:
    """"2026-11-12|0001234567-26-000123" -> (date, accession); None if unparseable."""
    if not data_version:
        return None
    head, _, acc = data_version.partition("|")
    try:
        return date.fromisoformat(head), acc
    except ValueError:
        return None


def format_data_version(seen: Seen | None) -> str:
    return f"{seen[0].isoformat()}|{seen[1]}" if seen and seen != NOTHING_SEEN else "none"


def is_newer(filing: Seen, seen: Seen | None) -> bool:
    """A filing makes a group stale when it is dated after the newest filing seen, or on
    the same day under another accession (two filings of one day: a rerun is cheap,
    loaded accessions are skipped; missing one is not)."""
    if seen is None:
        return True
    return filing[0] > seen[0] or (filing[0] == seen[0] and filing[1] != seen[1])


@dataclass
class PartitionState:
    """Per group: None = never materialized; else the newest filing its last run saw
    (NOTHING_SEEN when there was none). `busy`: why not to ask for it now, if so."""

    seen: dict[str, Seen | None] = field(default_factory=lambda: dict.fromkeys(GROUPS))
    busy: str | None = None

    @property
    def never_loaded(self) -> bool:
        """Nothing of the trust was ever materialized (a first load does every group
        without asking SEC what is new)."""
        return all(v is None for v in self.seen.values())


_IN_FLIGHT = {DagsterRunStatus.QUEUED, DagsterRunStatus.NOT_STARTED,
              DagsterRunStatus.STARTING, DagsterRunStatus.STARTED, DagsterRunStatus.CANCELING}


def read_states(instance: DagsterInstance, partitions: Iterable[str],
                now: float | None = None, attempts: bool = True
                ) -> dict[str, PartitionState]:
    """Two event-log queries per group and one run query, whatever the number of
    partitions (one per group without `attempts`, which fills `busy`)."""
    now = time.time() if now is None else now
    states = {p: PartitionState() for p in partitions}
    pending_runs: dict[str, set[str]] = {}  # partition -> runs that planned it, no result
    for group, grp in GROUPS.items():
        tags = instance.event_log_storage.get_latest_tags_by_partition(
            grp.state_asset, DagsterEventType.ASSET_MATERIALIZATION, [DATA_VERSION_TAG])
        for partition, t in tags.items():
            if partition in states:
                states[partition].seen[group] = (parse_data_version(t.get(DATA_VERSION_TAG))
                                                 or NOTHING_SEEN)
        if not attempts:
            continue
        pending = instance.event_log_storage.\
            get_latest_asset_partition_materialization_attempts_without_materializations(
                grp.state_asset)
        for partition, (run_id, _) in pending.items():
            if partition in states:
                pending_runs.setdefault(partition, set()).add(run_id)
    if pending_runs:
        records = instance.get_run_records(
            RunsFilter(run_ids=sorted(set().union(*pending_runs.values()))))
        by_id = {r.dagster_run.run_id: r for r in records}
        for partition, run_ids in pending_runs.items():
            reasons = [_busy_reason(by_id.get(r), now) for r in sorted(run_ids)]
            states[partition].busy = next((r for r in reasons if r), None)
    return states


def _busy_reason(record, now: float) -> str | None:
    if record is None:
        return None  # the run was deleted
    if DEAD_TAG in record.dagster_run.tags:
        return None  # its process died (freshness/dead_runs.py): eligible at once
    status = record.dagster_run.status
    started = record.start_time or record.create_timestamp.timestamp()
    if status in _IN_FLIGHT:
        if now - started > RUN_PRESUMED_DEAD_SECONDS:
            return None
        return f"run {record.dagster_run.run_id[:8]} {status.value.lower()}"
    if status in (DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED):
        ended = record.end_time or started
        if now - ended < RETRY_FAILED_AFTER_SECONDS:
            return f"run {record.dagster_run.run_id[:8]} {status.value.lower()}; retried " \
                   f"{RETRY_FAILED_AFTER_SECONDS // 3600} h after it ended"
    return None


def stale_groups(state: PartitionState, latest: Mapping[str, Seen] | None
                 ) -> dict[str, str]:
    """group -> why it is stale ("never loaded" or the accession that makes it so)."""
    out: dict[str, str] = {}
    for g in ALL_GROUPS:
        seen = state.seen.get(g)
        observed = (latest or {}).get(g)
        if seen is None:
            out[g] = "never loaded"
        elif observed is not None and is_newer(observed, seen):
            out[g] = observed[1]
    return out


def observations_from_index(entries: Iterable[IndexEntry], ciks: Iterable[str]
                            ) -> list[Observation]:
    wanted = set(ciks)
    return [Observation(e.cik, g, e.date_filed, e.accession_number, e.form)
            for e in entries if e.cik in wanted for g in FORM_TO_GROUPS.get(e.form, ())]


def observations_from_submissions(filings: Iterable[FilingRef]) -> list[Observation]:
    return [Observation(f.cik, g, f.filing_date, f.accession_number, f.form)
            for f in filings for g in FORM_TO_GROUPS.get(f.form, ())]
