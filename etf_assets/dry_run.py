"""`run-all --dry-run`: what run-all would load, and how many SEC requests that takes,
without loading it.

It reads what run-all reads to decide (Dagster's record of what each trust loaded, the
warehouse's `sec_latest_filing`, the daily form indexes not taken in yet, the
submissions JSON of the trusts it checks) and writes nothing: no warehouse row (the
indexes read are not recorded as read), no Dagster run, no cached document (its SEC
client has no cache). The universe is the one the last run-all discovered; run-all
refreshes it first (SEC's ticker files), which may add trusts.

The planning functions are pure: each form group's filings to have are chosen by the
slice's own rule (etf_assets/*/assets.py), then split into held (in the warehouse) and
to load. N-PORT at the default depth reads the newest report date's filings (its load
then keeps the ETF series'); with --since, every report since.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Optional

from etf_assets.edgar.submissions import FilingRef, latest
from etf_assets.freshness.stale import ALL_GROUPS, GROUPS, Seen

# Documents read per filing loaded: one each (the N-CEN's full submission .txt, the
# primary document, a lifecycle filing's SGML header). Archive documents already in the
# cache cost none: the count is an upper bound.
DOCUMENTS_PER_FILING = 1
# A group's accessions to load are listed when there are this few (a history load has
# hundreds: counts only).
SHOWN_ACCESSIONS = 3


@dataclass(frozen=True)
class GroupPlan:
    group: str
    reason: str  # why it is stale: "never loaded", the accession SEC shows, "history ..."
    to_load: tuple[str, ...]  # accessions the load would read, newest first
    held: tuple[str, ...]  # accessions it would have that the warehouse already holds


@dataclass(frozen=True)
class TrustPlan:
    cik: str
    name: Optional[str]
    note: str  # "load", "up to date", "nothing on EDGAR to load", "FAILED checking SEC: ..."
    groups: tuple[GroupPlan, ...] = ()
    submissions_requests: int = 0  # the load's own reads of the submissions JSON

    @property
    def to_load(self) -> int:
        return sum(len(g.to_load) for g in self.groups)

    @property
    def held(self) -> int:
        return sum(len(g.held) for g in self.groups)

    @property
    def document_requests(self) -> int:
        return self.to_load * DOCUMENTS_PER_FILING


def nport_wanted(filings: Sequence[FilingRef], since: Optional[date],
                 loaded_reports: set[date]) -> list[FilingRef]:
    """N-PORT filings the load would have: since `since` every report, at the default
    depth those of the window before the newest report; plus amendments of reports
    already loaded (etf_assets/nport/assets.py process_trust)."""
    from etf_assets.nport.assets import NPORT_FORMS, _candidates

    queue = _candidates(list(filings), since)
    have = {f.accession_number for f in queue}
    late = [f for f in filings if f.form in NPORT_FORMS and f.form.endswith("/A")
            and f.report_date in loaded_reports and f.accession_number not in have]
    return queue + late


def group_wanted(group: str, filings: Sequence[FilingRef], since: Optional[date],
                 loaded: Mapping[str, Optional[date]]) -> list[FilingRef]:
    """The filings of `group` its load would have, by the slice's own rule.
    `loaded`: accession -> report date of the trust's filings of the group's forms in
    the warehouse."""
    from etf_assets.flows import assets as flows
    from etf_assets.form_slice import recent_filings
    from etf_assets.lifecycle import assets as lifecycle
    from etf_assets.lifecycle.events import HEADER_FORMS
    from etf_assets.ncsr import assets as ncsr
    from etf_assets.prospectus import assets as prospectus
    from etf_assets.universe.parse import NCEN_FORMS

    if group == "ncen":  # the classification reads the newest N-CEN, whatever `since`
        newest = latest(filings, NCEN_FORMS)
        return [newest] if newest else []
    if group == "nport":
        return nport_wanted(filings, since, {d for d in loaded.values() if d})
    if group == "flows":
        return flows.candidates(list(filings), dict(loaded), since)
    if group == "prospectus":
        return recent_filings(filings, prospectus.FORMS, since, prospectus.LATEST_WINDOW_DAYS)
    if group == "ncsr":
        return recent_filings(filings, ncsr.FORMS, since, ncsr.LATEST_WINDOW_DAYS)
    if group == "lifecycle":
        return recent_filings(filings, sorted(HEADER_FORMS), since,
                              lifecycle.LATEST_WINDOW_DAYS)
    raise ValueError(f"unknown form group {group!r}")


def plan_groups(stale: Mapping[str, str], filings: Sequence[FilingRef],
                since: Optional[date], loaded: Mapping[str, tuple[str, Optional[date]]],
                headers_read: set[str]) -> tuple[GroupPlan, ...]:
    """Per stale group: the filings to load and those already held. `loaded`: accession
    -> (form, report date) in `filing`; `headers_read`: the lifecycle's own record
    (lifecycle_filing)."""
    out = []
    for group in ALL_GROUPS:
        if group not in stale:
            continue
        mine = {a: d for a, (form, d) in loaded.items() if form in GROUPS[group].forms}
        have = headers_read if group == "lifecycle" else loaded.keys()
        wanted = group_wanted(group, filings, since, mine)
        new = [f for f in wanted if f.accession_number not in have]
        if group == "nport" and since is None and new:
            # Default depth: the newest report covers each series; an older report is
            # not read (its series covered), an amendment of a loaded one is.
            newest = max(f.report_date for f in wanted)
            reports = {d for d in mine.values() if d}
            new = [f for f in new if f.report_date == newest
                   or f.form.endswith("/A") and f.report_date in reports]
        out.append(GroupPlan(group, stale[group], tuple(f.accession_number for f in new),
                             tuple(f.accession_number for f in wanted
                                   if f.accession_number in have)))
    return tuple(out)


def merge_latest(latest_seen: Mapping[str, Seen], observed: Mapping[str, Seen]
                 ) -> dict[str, Seen]:
    """What EDGAR shows per group: the warehouse's record, and what was just read (in
    memory only), the newer of the two (the rule of record_observations)."""
    out = dict(latest_seen)
    for group, seen in observed.items():
        if group not in out or seen > out[group]:
            out[group] = seen
    return out


def newest_by_group(observations: Sequence[Any]) -> dict[str, dict[str, Seen]]:
    """cik -> group -> newest (filing date, accession) of Observation-like rows."""
    out: dict[str, dict[str, Seen]] = {}
    for o in observations:
        have = out.setdefault(o.cik, {})
        seen = (o.filing_date, o.accession_number)
        if o.group not in have or seen > have[o.group]:
            have[o.group] = seen
    return out


@dataclass(frozen=True)
class Requests:
    """SEC requests: made by the dry run itself, and those the load would make."""

    indexes: int  # daily form indexes read now (the load's run-all reads them again)
    submissions_now: int  # submissions JSON (and pages) read now
    submissions_load: int
    documents_load: int

    @property
    def load(self) -> int:
        return self.indexes + self.submissions_load + self.documents_load


def count_requests(plans: Sequence[TrustPlan], indexes: int, submissions_now: int
                   ) -> Requests:
    return Requests(indexes, submissions_now,
                    sum(p.submissions_requests for p in plans if p.groups),
                    sum(p.document_requests for p in plans))


def format_plan(plan: TrustPlan, number: int, total: int) -> str:
    """One line per trust, like run-all's: its groups, to load and held."""
    head = f"  [{number}/{total}] {plan.cik}" + (f" {plan.name}" if plan.name else "")
    if not plan.groups:
        return f"{head}: {plan.note}"
    parts = [f"{g.group} {len(g.to_load)} to load{_shown(g.to_load)}, {len(g.held)} held"
             f" ({g.reason})" for g in plan.groups]
    return f"{head}: " + "; ".join(parts)


def _shown(accessions: Sequence[str], most: int = SHOWN_ACCESSIONS) -> str:
    """The accessions, when few enough to read on one line."""
    return f" [{', '.join(accessions)}]" if 0 < len(accessions) <= most else ""


def format_summary(plans: Sequence[TrustPlan], requests: Requests) -> list[str]:
    loading = [p for p in plans if p.groups]
    return [
        f"Would load {len(loading)} trust(s): {sum(p.to_load for p in plans)} filing(s) to "
        f"load, {sum(p.held for p in plans)} already held; "
        f"{sum(p.note == 'up to date' for p in plans)} up to date, "
        f"{sum(p.note.startswith('nothing') for p in plans)} with nothing on EDGAR to "
        f"load, {sum(p.note.startswith('FAILED') for p in plans)} failed checking SEC.",
        f"SEC requests: {requests.indexes + requests.submissions_now} made by this dry "
        f"run ({requests.indexes} daily index(es), {requests.submissions_now} submissions); "
        f"the load would take about {requests.load} ({requests.indexes} daily index(es), "
        f"{requests.submissions_load} submissions, up to {requests.documents_load} "
        "document(s)), plus the universe's ticker files.",
    ]


# -- the thin part: reads, then prints --------------------------------------------------

def dry_run(limit: Optional[int], wanted: Optional[set[str]], since: Optional[date],
            until: Optional[date]) -> int:
    """Plan run-all (etf_assets/cli.py _run_all) and print the plan. Returns the exit
    code: 0, or 2 when a --cik is not an ETF trust of the universe."""
    import os
    import time
    from pathlib import Path

    from dagster import DagsterInstance

    from etf_assets import settings
    from etf_assets.cli import RUN_ALL_MAX_INDEX_DAYS, _fail
    from etf_assets.edgar.client import SecClient, SecNotFound
    from etf_assets.freshness import observe
    from etf_assets.freshness.index import business_days
    from etf_assets.freshness.stale import FORM_TO_GROUP, observations_from_index, read_states
    from etf_assets.partitions import CIK_PARTITIONS_NAME

    started = time.monotonic()
    print("Dry run: nothing is loaded, no run started, nothing written.", flush=True)
    raw = os.environ.get(settings.DAGSTER_HOME_VAR)
    home = Path(raw).expanduser() if raw else settings.data_dir() / "dagster-home"
    if not settings.dagster_pg_url() and not (home / "storage").exists():
        # Nothing to read, and opening Dagster would create its storages.
        print(f"No run-all yet (no Dagster storage in {home}): the first run-all discovers "
              "the universe from SEC's ticker files, then loads every ETF trust.")
        return 0
    settings.ensure_dagster_home()  # the managed dagster.yaml, as run-all has it
    from etf_assets.warehouse.engine import make_engine

    engine = make_engine()
    instance = DagsterInstance.get()
    order = list(instance.get_dynamic_partitions(CIK_PARTITIONS_NAME))
    if wanted is not None and wanted - set(order):
        return _fail("--cik: not an ETF trust of the universe: "
                     + ", ".join(sorted(wanted - set(order))))
    chosen = set(sorted(wanted or order)[:limit] if limit is not None else (wanted or order))
    ciks = [c for c in order if c in chosen]
    print(f"[1/3] Universe: {len(order)} ETF trust(s), as the last run-all discovered it "
          "(run-all refreshes it first)", flush=True)
    client = SecClient.from_env()
    client.cache = None  # nothing written to the cache, nothing stale read from it
    states = read_states(instance, order, attempts=False)
    loaded = [c for c in order if not states[c].never_loaded]
    today = observe.edgar_today()

    from etf_assets.warehouse.freshness import last_index_day, read_latest

    print("[2/3] What EDGAR filed since the last run (read, not recorded) ...", flush=True)
    with engine.connect() as conn:
        latest_seen = read_latest(conn, ciks)
        last_day = last_index_day(conn)
    observed: dict[str, dict[str, Seen]] = {}
    indexes = 0
    via_index = False
    behind = observe.index_days_behind(engine, today)
    if since is None and behind is not None \
            and behind <= min(RUN_ALL_MAX_INDEX_DAYS, max(len(loaded), 1)):
        last = date.fromisoformat(last_day) if isinstance(last_day, str) else last_day
        via_index = True
        entries = []
        for day in business_days(last, today - timedelta(days=1)):
            got = observe.read_index_day(client, day, today)
            if got is None:  # not published yet (run-all goes on by index) or SEC trouble
                via_index = (today - day).days < observe.INDEX_PUBLICATION_GRACE_DAYS
                break
            entries += got[0]
            indexes += 1
        observed = newest_by_group(observations_from_index(entries, ciks))
        print(f"      daily form indexes read: {indexes}", flush=True)
    if not via_index and since is None:
        print("      each loaded trust's submissions instead", flush=True)

    from sqlalchemy import select

    from etf_assets.warehouse.tables import trust

    with engine.connect() as conn:
        names = dict(conn.execute(select(trust.c.cik, trust.c.name)
                                  .where(trust.c.cik.in_(ciks))).all()) if ciks else {}

    print(f"[3/3] Planning {len(ciks)} trust(s) ...", flush=True)
    plans: list[TrustPlan] = []
    forms = sorted(FORM_TO_GROUP)
    with client.one_view_of_submissions():  # each trust's JSON read once
        for n, cik in enumerate(ciks, 1):
            state = states[cik]
            try:
                plan = _plan_trust(cik, names.get(cik), state, since, until, via_index,
                                   latest_seen.get(cik, {}), observed.get(cik, {}),
                                   client, engine, forms)
            except SecNotFound:
                plan = TrustPlan(cik, names.get(cik), "nothing on EDGAR to load "
                                 "(EDGAR has no submissions for this CIK)")
            except Exception as exc:  # noqa: BLE001 - one trust's trouble never ends it
                plan = TrustPlan(cik, names.get(cik), f"FAILED checking SEC: {exc}")
            plans.append(plan)
            print(format_plan(plan, n, len(ciks)), flush=True)
    requests = count_requests(plans, indexes, client.stats.sent.get("submissions", 0))
    for line in format_summary(plans, requests):
        print(line)
    print(f"Dry run done in {time.monotonic() - started:.1f}s.")
    instance.dispose()
    engine.dispose()
    return 0


def _plan_trust(cik: str, name: Optional[str], state, since: Optional[date],
                until: Optional[date], via_index: bool, latest_seen: Mapping[str, Seen],
                observed: Mapping[str, Seen], client, engine, forms: list[str]) -> TrustPlan:
    """One trust's plan, deciding as run-all does (etf_assets/cli.py _run_all)."""
    from sqlalchemy import select

    from etf_assets.cli import history_reason
    from etf_assets.edgar.submissions import fetch_filings, parse_submissions
    from etf_assets.freshness.observe import first_look
    from etf_assets.freshness.stale import observations_from_submissions, stale_groups
    from etf_assets.lifecycle.load import headers_read
    from etf_assets.warehouse.tables import filing

    submissions_load = 1  # the load reads the trust's submissions JSON
    if since is not None:
        stale = dict.fromkeys(ALL_GROUPS, history_reason(since, until))
    elif state.never_loaded:
        look = first_look(client, cik)  # run-all's first look; handed to the load
        submissions_load = 0
        if look.nothing_to_load:
            why = look.why() if look.doc is None else "recorded without a run"
            return TrustPlan(cik, name, f"nothing on EDGAR to load ({why})")
        stale = dict.fromkeys(ALL_GROUPS, "never loaded")
    else:
        if not via_index:  # run-all reads the trust's submissions (one request)
            seen = newest_by_group(observations_from_submissions(
                parse_submissions(client.submissions(cik), cik)))
            observed = seen.get(cik, {})
        stale = stale_groups(state, merge_latest(latest_seen, observed))
    if not stale:
        return TrustPlan(cik, name, "up to date")
    filings = fetch_filings(client, cik, forms, since=since, until=until)
    with engine.connect() as conn:
        loaded = {r.accession_number: (r.form, r.report_date) for r in conn.execute(
            select(filing.c.accession_number, filing.c.form, filing.c.report_date)
            .where(filing.c.cik == cik))}
        headers = headers_read(conn, cik)
    return TrustPlan(cik, name, "load", plan_groups(stale, filings, since, loaded, headers),
                     submissions_requests=submissions_load)
