"""Lifecycle events from filing headers, and the current state they add up to (pure).

A fund's life shows in its trust's filings before it trades (DESIGN.md, "Fund
lifecycle"): a 485APOS proposes a series or class (its header's NEW-SERIES /
NEW-CLASSES-CONTRACTS), a 485BXT delays it to a named date, a 485BPOS makes it
effective, a first N-PORT or ticker shows it trading, a 497/497K changes it, a final
N-PORT, the trust's last N-CEN or an N-8F closes it. Each is an event with its evidence;
the state of a series or class is the rollup of its events (seed 002's "latest state":
closed over trading over effective (485BPOS) over delayed (485BXT) over proposed
(485APOS)), never an overwrite.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from etf_assets.lifecycle.header import FilingHeader
from etf_assets.warehouse.lifecycle_vocabulary import (  # noqa: F401 (re-exported)
    CHANGED,
    CLOSED,
    DELAYED,
    EFFECTIVE,
    PROPOSED,
    SERIES_LEVEL,
    TRADING,
)

# The rollup: a later stage outranks an earlier one whatever the filing order (a
# 485BPOS over a 485BXT over a 485APOS); `changed` never moves the state.
RANK = {PROPOSED: 1, DELAYED: 2, EFFECTIVE: 3, TRADING: 4, CLOSED: 5}

APOS_FORMS = frozenset({"485APOS"})
# A new trust's initial registration: its series are proposed, effective when the SEC
# declares the registration effective (no Rule 485 clock).
REGISTRATION_FORMS = frozenset({"N-1A", "N-1A/A"})
BXT_FORMS = frozenset({"485BXT"})
BPOS_FORMS = frozenset({"485BPOS"})
CHANGE_FORMS = frozenset({"497", "497K"})
DEREGISTRATION_FORMS = frozenset({"N-8F", "N-8F/A"})
HEADER_FORMS = APOS_FORMS | BXT_FORMS | BPOS_FORMS | CHANGE_FORMS | DEREGISTRATION_FORMS

# Rule 485(a): a post-effective amendment is effective on the 60th day after filing
# (a)(1), the 75th when it adds a series (a)(2), unless the facing sheet names a later
# date (not in the header: the date is then unknown until a 485BXT or 485BPOS says).
NEW_SERIES_DAYS = 75
OTHER_AMENDMENT_DAYS = 60


@dataclass(frozen=True)
class Event:
    cik: str
    series_id: str
    class_key: str  # class id, or SERIES_LEVEL
    kind: str
    evidence: str  # the accession, or what else showed it ("ticker:ABCD", ...)
    event_date: date  # when it happened: filing date, first observation, inactive since
    form: str | None = None
    accession_number: str | None = None
    filing_date: date | None = None
    effective_date: date | None = None  # expected (proposed), designated (delayed), actual
    series_name: str | None = None
    class_name: str | None = None
    ticker: str | None = None
    detail: str | None = None


def expected_effective_date(filed: date, adds_series: bool) -> date:
    return filed + timedelta(days=NEW_SERIES_DAYS if adds_series else OTHER_AMENDMENT_DAYS)


def header_events(cik: str, h: FilingHeader, *, designated: date | None = None,
                  known_names: Mapping[str, str] | None = None,
                  trust_series: Iterable[str] = ()) -> list[Event]:
    """The events one filing's header shows, one per series and one per class it names.

    `designated`: a 485BXT's new effective date read from its cover (the header's
    EFFECTIVENESS DATE is used when later than the filing date). `known_names`: series
    or class id -> the name the warehouse knows, to tell a 497/497K rename. `trust_series`:
    every series of the trust, closed by an N-8F (its header names none)."""
    form = h.form
    base = dict(cik=cik, form=form, accession_number=h.accession_number,
                filing_date=h.filing_date, evidence=h.accession_number,
                event_date=h.filing_date)
    out: list[Event] = []

    def emit(kind: str, series, *, effective=None, detail=None, classes=None) -> None:
        out.append(Event(series_id=series.series_id, class_key=SERIES_LEVEL, kind=kind,
                         effective_date=effective, series_name=series.name, detail=detail,
                         **base))
        for c in series.classes if classes is None else classes:
            out.append(Event(series_id=series.series_id, class_key=c.class_id, kind=kind,
                             effective_date=effective, series_name=series.name,
                             class_name=c.name, ticker=c.ticker, detail=detail, **base))

    if form in APOS_FORMS:
        for s in h.new_series:
            emit(PROPOSED, s, effective=expected_effective_date(h.filing_date, True),
                 detail="new series: Rule 485(a)(2), 75 days")
        for s in h.new_classes:
            # The series exists: only its new classes are proposed (60 days).
            for c in s.classes:
                out.append(Event(series_id=s.series_id, class_key=c.class_id, kind=PROPOSED,
                                 effective_date=expected_effective_date(h.filing_date, False),
                                 series_name=s.name, class_name=c.name, ticker=c.ticker,
                                 detail="new class: Rule 485(a)(1), 60 days", **base))
    elif form in REGISTRATION_FORMS:
        for s in h.new_series or h.existing_series:
            emit(PROPOSED, s, detail=f"{form}: initial registration, effective when the SEC "
                 "declares it")
    elif form in BXT_FORMS:
        new_date = designated
        if h.effectiveness_date and h.effectiveness_date > h.filing_date:
            new_date = h.effectiveness_date
        for s in h.all_series:
            emit(DELAYED, s, effective=new_date,
                 detail=None if new_date else "485BXT names no date the header or cover shows")
    elif form in BPOS_FORMS:
        for s in h.all_series:
            emit(EFFECTIVE, s, effective=h.effectiveness_date or h.filing_date)
    elif form in CHANGE_FORMS:
        names = known_names or {}
        for s in h.all_series:
            changes = []
            if s.name and names.get(s.series_id) and names[s.series_id] != s.name:
                changes.append(f"series renamed from {names[s.series_id]!r} to {s.name!r}")
            renamed = [c for c in s.classes if c.name and names.get(c.class_id)
                       and names[c.class_id] != c.name]
            if changes or renamed:
                emit(CHANGED, s, detail="; ".join(changes) or "class renamed",
                     classes=renamed)
    elif form in DEREGISTRATION_FORMS:
        for sid in sorted(set(trust_series) | {s.series_id for s in h.all_series}):
            out.append(Event(series_id=sid, class_key=SERIES_LEVEL, kind=CLOSED,
                             detail=f"{form}: application for deregistration", **base))
    return out


@dataclass(frozen=True)
class State:
    """Where one series (class_key SERIES_LEVEL) or class stands."""

    cik: str
    series_id: str
    class_key: str
    state: str
    state_since: date
    state_evidence: str
    proposed_on: date | None = None
    expected_effective_date: date | None = None  # while proposed or delayed
    effective_date: date | None = None
    trading_since: date | None = None
    launched_on: date | None = None  # trading_since of a fund seen proposed first
    closed_since: date | None = None
    series_name: str | None = None
    class_name: str | None = None
    ticker: str | None = None
    events: int = 0


def rollup(events: Iterable[Event]) -> list[State]:
    """The current state of every series and class the events name."""
    by_key: dict[tuple[str, str, str], list[Event]] = {}
    for e in events:
        by_key.setdefault((e.cik, e.series_id, e.class_key), []).append(e)
    out = []
    for (cik, sid, ckey), evs in sorted(by_key.items()):
        evs.sort(key=lambda e: (e.event_date, RANK.get(e.kind, 0), e.evidence))

        def first(kind: str) -> Event | None:
            return next((e for e in evs if e.kind == kind), None)

        def last(kind: str) -> Event | None:
            return next((e for e in reversed(evs) if e.kind == kind), None)

        staged = [e for e in evs if e.kind in RANK]
        if not staged:
            continue  # only changes: nothing to place it in the lifecycle
        top = max(staged, key=lambda e: (RANK[e.kind], -e.event_date.toordinal()))
        proposed, delayed = first(PROPOSED), last(DELAYED)
        effective, trading, closed = first(EFFECTIVE), first(TRADING), last(CLOSED)
        expected = None
        if top.kind in (PROPOSED, DELAYED):
            expected = (delayed.effective_date if delayed and delayed.effective_date
                        else proposed.effective_date if proposed else None)
        launched = (trading.event_date if trading and proposed
                    and proposed.event_date <= trading.event_date else None)
        out.append(State(
            cik=cik, series_id=sid, class_key=ckey, state=top.kind,
            state_since=top.event_date, state_evidence=top.evidence,
            proposed_on=proposed.event_date if proposed else None,
            expected_effective_date=expected,
            effective_date=effective.effective_date if effective else None,
            trading_since=trading.event_date if trading else None,
            launched_on=launched,
            closed_since=closed.event_date if closed else None,
            series_name=next((e.series_name for e in reversed(evs) if e.series_name), None),
            class_name=next((e.class_name for e in reversed(evs) if e.class_name), None),
            ticker=next((e.ticker for e in reversed(evs) if e.ticker), None),
            events=len(evs),
        ))
    return out



def summarize(h: FilingHeader) -> dict:
    """`etf-pipeline parse` of a header: what it says and the events it gives."""
    cik = h.cik or ""
    return {
        "form": h.form, "accession": h.accession_number,
        "filing_date": h.filing_date.isoformat(),
        "effectiveness_date": h.effectiveness_date.isoformat() if h.effectiveness_date
        else None,
        "filer": f"{h.company_name} ({cik})",
        "new_series": [f"{s.series_id} {s.name} ({len(s.classes)} class(es))"
                       for s in h.new_series],
        "new_classes": [f"{s.series_id} {c.class_id} {c.name}" for s in h.new_classes
                        for c in s.classes],
        "series_named": len(h.existing_series),
        "events": [f"{e.kind} {e.series_id}{'/' + e.class_key if e.class_key else ''}"
                   + (f" (effective {e.effective_date})" if e.effective_date else "")
                   for e in header_events(cik, h)],
    }
