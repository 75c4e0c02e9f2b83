"""What is stale, decided in one place for the sensor and for `run-all`.

State (what each trust partition has seen) comes from Dagster itself: every
partition's materialization carries a data version "<latest filing date seen>|<newest
accession>", and the event log returns the latest data version of *every* partition
of an asset in one query (`get_latest_tags_by_partition`), so reading 5,000 partitions
costs one query per asset, not 5,000.

SEC's side comes from the daily form index (one request per business day, all filers)
in the sensor, or from the trust's submissions JSON in run-all and gap repair.
A (trust, form group) is stale when SEC shows a filing of the group newer than the
newest one the partition's last run saw (see `is_newer`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from dagster import AssetKey, DagsterEventType, DagsterInstance
from dagster._core.definitions.data_version import DATA_VERSION_TAG

from etf_assets.edgar.submissions import FilingRef
from etf_assets.freshness.index import IndexEntry

# form group -> (forms that signal it, asset keys to materialize, the asset whose data
# version records what the group has seen). Forms the pipeline does not parse yet are
# simply absent, so they are never requested.
GROUPS: dict[str, tuple[frozenset[str], tuple[AssetKey, ...], AssetKey]] = {
    "ncen": (frozenset({"N-CEN", "N-CEN/A"}), (AssetKey("etf_classification"),),
             AssetKey("etf_classification")),
    "nport": (frozenset({"NPORT-P", "NPORT-P/A"}),
              (AssetKey("holdings"), AssetKey("derivatives")), AssetKey("holdings")),
}
FORM_TO_GROUP = {form: g for g, (forms, _, _) in GROUPS.items() for form in forms}
# A never-loaded trust gets everything, classification first (N-PORT needs its ETF list).
ALL_GROUPS = ("ncen", "nport")


def assets_for(groups: Iterable[str]) -> list[AssetKey]:
    keys: list[AssetKey] = []
    for g in ALL_GROUPS:
        if g in set(groups):
            keys.extend(GROUPS[g][1])
    return keys


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


@dataclass
class PartitionState:
    """Per group: None = never materialized; else the newest filing its last run saw
    (NOTHING_SEEN when there was none)."""

    seen: dict[str, Seen | None] = field(default_factory=dict)

    @property
    def never_loaded(self) -> bool:
        return self.seen.get("nport") is None


def read_states(instance: DagsterInstance, partitions: Iterable[str]
                ) -> dict[str, PartitionState]:
    """One event-log query per asset group, whatever the number of partitions."""
    states = {p: PartitionState(dict.fromkeys(GROUPS)) for p in partitions}
    for group, (_, _, key) in GROUPS.items():
        tags = instance.event_log_storage.get_latest_tags_by_partition(
            key, DagsterEventType.ASSET_MATERIALIZATION, [DATA_VERSION_TAG])
        for partition, t in tags.items():
            if partition in states:
                version = t.get(DATA_VERSION_TAG)
                states[partition].seen[group] = parse_data_version(version) or NOTHING_SEEN
    return states


def stale_from_index(entries: Iterable[IndexEntry], states: Mapping[str, PartitionState]
                     ) -> dict[str, dict[str, list[str]]]:
    """cik -> group -> accessions that make it stale (never-loaded trusts are left to
    the caller: they get everything anyway)."""
    out: dict[str, dict[str, list[str]]] = {}
    for e in entries:
        group = FORM_TO_GROUP.get(e.form)
        state = states.get(e.cik)
        if group is None or state is None or state.never_loaded:
            continue
        if is_newer((e.date_filed, e.accession_number), state.seen.get(group)):
            out.setdefault(e.cik, {}).setdefault(group, []).append(e.accession_number)
    return out


def stale_groups_from_submissions(filings: Iterable[FilingRef], state: PartitionState
                                  ) -> dict[str, str]:
    """group -> newest accession that makes it stale, from a trust's submissions."""
    if state.never_loaded:
        return {g: "never loaded" for g in ALL_GROUPS}
    newest: dict[str, FilingRef] = {}
    for f in filings:
        g = FORM_TO_GROUP.get(f.form)
        if g and (g not in newest or (f.filing_date, f.accession_number)
                  > (newest[g].filing_date, newest[g].accession_number)):
            newest[g] = f
    return {g: f.accession_number for g, f in newest.items()
            if is_newer((f.filing_date, f.accession_number), state.seen.get(g))}


def is_newer(filing: Seen, seen: Seen | None) -> bool:
    """A filing makes a group stale when it is dated after the newest filing seen, or on
    the same day under another accession (two filings of one day: a rerun is cheap,
    loaded accessions are skipped; missing one is not)."""
    if seen is None:
        return True
    return filing[0] > seen[0] or (filing[0] == seen[0] and filing[1] != seen[1])
