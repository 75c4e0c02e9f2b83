"""Read-only lifecycle queries (SQLAlchemy Core, typed rows), the one implementation
behind both the `lifecycle_report` asset (etf_assets/lifecycle/report.py) and the
serving app's `/api/queries/upcoming-effective-dates`, `/delayed-funds`, `/new-funds`,
`/closed-funds` and the explorer's ETF page.

Why here and not in the lifecycle slice: the serving app reads the warehouse through
read-only query modules and never imports a slice; the warehouse package is the layer
both already depend on (tables, engine). So this module imports only the tables and
compares against the states as `lifecycle_state.state` stores them (the names of
etf_assets/warehouse/lifecycle_vocabulary.py, which etf_assets.lifecycle.events writes).

Every query reads `lifecycle_state` at the series level (`class_key = ''`: one row per
fund) joined to `trust` (or `registrant_candidate`, for a new family) for the trust's
name, and takes `today` from the caller (no clock here).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import Optional

from sqlalchemy import Connection, and_, case, func, select

from etf_assets.warehouse.tables import (
    lifecycle_event,
    lifecycle_state,
    registrant_candidate,
    trust,
)
from etf_assets.warehouse.lifecycle_vocabulary import (
    CLOSED,
    DELAYED,
    EFFECTIVE,
    PROPOSED,
    SERIES_LEVEL,
)

ACCESSION = re.compile(r"\d{10}-\d{2}-\d{6}")


@dataclass(frozen=True)
class FundRow:
    cik: str
    trust_name: Optional[str]
    series_id: str
    series_name: Optional[str]
    ticker: Optional[str]
    state: str
    state_since: date
    state_evidence: str
    proposed_on: Optional[date]
    expected_effective_date: Optional[date]
    effective_date: Optional[date]
    trading_since: Optional[date]
    launched_on: Optional[date]
    closed_since: Optional[date]
    # The date the query is about: upcoming effective date, delayed-to date, launch
    # date, closing date.
    on: Optional[date]
    delays: int = 0  # 485BXT filings that delayed it (delayed funds)

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _select(on):
    s = lifecycle_state.c
    # A new registrant is in no ticker file yet: its name is the candidate's.
    name = func.coalesce(trust.c.name, registrant_candidate.c.name)
    return (select(s.cik, name.label("trust_name"), s.series_id, s.series_name,
                   s.ticker, s.state, s.state_since, s.state_evidence, s.proposed_on,
                   s.expected_effective_date, s.effective_date, s.trading_since,
                   s.launched_on, s.closed_since, on.label("on"))
            .select_from(lifecycle_state.outerjoin(trust, trust.c.cik == s.cik)
                         .outerjoin(registrant_candidate, registrant_candidate.c.cik == s.cik))
            .where(s.class_key == SERIES_LEVEL))


def _rows(conn: Connection, stmt, **extra) -> list[FundRow]:
    return [FundRow(**r._mapping, **{k: v(r) for k, v in extra.items()})
            for r in conn.execute(stmt)]


def upcoming_effective_dates(conn: Connection, today: date, days: int = 30) -> list[FundRow]:
    """Funds not trading yet whose prospectus is expected to go effective (485APOS
    date or a 485BXT's new date) or goes effective (485BPOS with a later effectiveness
    date) within `days` from `today`, soonest first."""
    s = lifecycle_state.c
    on = case((s.state == EFFECTIVE, s.effective_date), else_=s.expected_effective_date)
    stmt = (_select(on)
            .where(s.state.in_([PROPOSED, DELAYED, EFFECTIVE]),
                   on >= today, on <= today + timedelta(days=days))
            .order_by(on, s.cik, s.series_id))
    return _rows(conn, stmt)


def delayed_funds(conn: Connection) -> list[FundRow]:
    """Funds whose effectiveness a 485BXT moved and that are not effective yet, with
    the new date and how many times they were delayed, soonest first."""
    s = lifecycle_state.c
    delays = (select(lifecycle_event.c.cik, lifecycle_event.c.series_id,
                     func.count().label("n"))
              .where(lifecycle_event.c.kind == DELAYED,
                     lifecycle_event.c.class_key == SERIES_LEVEL)
              .group_by(lifecycle_event.c.cik, lifecycle_event.c.series_id).subquery())
    stmt = (_select(s.expected_effective_date).add_columns(delays.c.n.label("delays"))
            .join(delays, and_(delays.c.cik == s.cik, delays.c.series_id == s.series_id))
            .where(s.state == DELAYED)
            .order_by(s.expected_effective_date, s.cik, s.series_id))
    return [FundRow(**r._mapping) for r in conn.execute(stmt)]


def new_funds(conn: Connection, today: date, days: int = 30) -> list[FundRow]:
    """Funds that started trading in the last `days` (first ticker or N-PORT) after the
    pipeline saw them proposed, the latest first (closed since included: a fund that
    launched and closed in the window did launch)."""
    s = lifecycle_state.c
    stmt = (_select(s.launched_on)
            .where(s.launched_on.is_not(None), s.launched_on <= today,
                   s.launched_on >= today - timedelta(days=days))
            .order_by(s.launched_on.desc(), s.cik, s.series_id))
    return _rows(conn, stmt)


def closed_funds(conn: Connection, today: date, days: Optional[int] = None) -> list[FundRow]:
    """Funds closed or deregistered (final N-PORT, last N-CEN, N-8F, gone from SEC's
    ticker files), in the last `days` if given, the latest first."""
    s = lifecycle_state.c
    stmt = _select(s.closed_since).where(s.state == CLOSED, s.closed_since <= today)
    if days is not None:
        stmt = stmt.where(s.closed_since >= today - timedelta(days=days))
    return _rows(conn, stmt.order_by(s.closed_since.desc(), s.cik, s.series_id))


def series_lifecycle(conn: Connection, cik: str, series_id: str) -> dict:
    """One fund's lifecycle for the explorer: its states (the series row first, then
    its classes; `evidence_accession` when a filing set the state) and its events,
    oldest first."""
    s, e = lifecycle_state.c, lifecycle_event.c
    states = [{**r._mapping, "evidence_accession": r.state_evidence
               if ACCESSION.fullmatch(r.state_evidence) else None} for r in conn.execute(
        select(s.class_key, s.state, s.state_since, s.state_evidence,
               s.expected_effective_date, s.effective_date, s.ticker)
        .where(s.cik == cik, s.series_id == series_id).order_by(s.class_key))]
    events = [dict(r._mapping) for r in conn.execute(
        select(e.class_key, e.kind, e.event_date, e.form, e.accession_number,
               e.effective_date, e.evidence, e.detail)
        .where(e.cik == cik, e.series_id == series_id)
        .order_by(e.event_date, e.class_key, e.kind, e.evidence))]
    return {"states": states, "events": events}


QUERIES = {
    "upcoming-effective-dates": upcoming_effective_dates,
    "delayed-funds": delayed_funds,
    "new-funds": new_funds,
    "closed-funds": closed_funds,
}

