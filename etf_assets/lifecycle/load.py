"""Lifecycle events into the warehouse: inserted once, never updated; the state of a
trust's series and classes rebuilt from all its events in the same transaction."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date, datetime

from sqlalchemy import Connection, delete, func, select

from etf_assets.lifecycle.events import CHANGED, CLOSED, SERIES_LEVEL, TRADING, Event, rollup
from etf_assets.lifecycle.header import FilingHeader
from etf_assets.warehouse.fee_changes import fee_changes
from etf_assets.warehouse.load import insert_new, insert_rows, lock_accession, upsert
from etf_assets.warehouse.tables import (
    etf,
    lifecycle_event,
    lifecycle_filing,
    lifecycle_state,
    nport_report,
    series,
    share_class,
    ticker_observation,
    trust,
)

_ACCESSION = re.compile(r"\b\d{10}-\d{2}-\d{6}\b")


def headers_read(conn: Connection, cik: str) -> set[str]:
    return set(conn.execute(select(lifecycle_filing.c.accession_number)
                            .where(lifecycle_filing.c.cik == cik)).scalars())


def known_names(conn: Connection, cik: str) -> dict[str, str]:
    """Series and class id -> the name the warehouse knows (a 497 rename shows against it)."""
    names = dict(conn.execute(select(series.c.series_id, series.c.name)
                              .where(series.c.cik == cik, series.c.name.is_not(None))).all())
    names.update(conn.execute(select(etf.c.class_id, etf.c.class_name)
                              .where(etf.c.cik == cik, etf.c.class_name.is_not(None))).all())
    return names


def trust_series(conn: Connection, cik: str) -> list[str]:
    return list(conn.execute(select(series.c.series_id).where(series.c.cik == cik)).scalars())


def record_events(conn: Connection, events: Sequence[Event], now: datetime) -> int:
    """Insert events not recorded yet; a recorded event is never updated (its
    `learned_at` stays the first time it was learned)."""
    rows = [{**asdict(e), "learned_at": now} for e in events]
    for r in rows:
        r["evidence"] = r["evidence"][:80]
    return upsert(conn, lifecycle_event, rows, update_columns=())


def record_header(conn: Connection, cik: str, h: FilingHeader, events: Sequence[Event], *,
                  url: str, raw: bytes, designated: date | None, now: datetime) -> bool:
    """One filing's header and its events, once; False when it was recorded already
    (another process read it first: its row is inserted before anything else)."""
    lock_accession(conn, h.accession_number)
    first = insert_new(conn, lifecycle_filing, {
        "accession_number": h.accession_number, "cik": cik, "form": h.form,
        "filing_date": h.filing_date, "effectiveness_date": h.effectiveness_date,
        "designated_date": designated, "acceptance_datetime": h.acceptance_datetime,
        "url": url, "sha256": hashlib.sha256(raw).hexdigest(), "events": len(events),
        "read_at": now})
    if first:
        record_events(conn, events, now)
    return first


def _tracked(conn: Connection, cik: str) -> tuple[set[str], dict[str, str]]:
    """The series and classes whose life is followed: the trust's ETF classes and
    everything its filings' headers named (a proposed fund is no ETF of the universe
    yet). Returns (series ids, class id -> series id)."""
    classes = dict(conn.execute(select(etf.c.class_id, etf.c.series_id)
                                .where(etf.c.cik == cik, etf.c.is_etf)).all())
    named = conn.execute(select(lifecycle_event.c.series_id, lifecycle_event.c.class_key)
                         .where(lifecycle_event.c.cik == cik).distinct()).all()
    ids = set(classes.values()) | {s for s, _ in named}
    classes.update({c: s for s, c in named if c != SERIES_LEVEL})
    # Classes of a followed series the universe knows (a launched class gets a ticker).
    classes.update(conn.execute(select(share_class.c.class_id, share_class.c.series_id)
                                .where(share_class.c.cik == cik,
                                       share_class.c.series_id.in_(ids))).all())
    return ids, classes


def derived_events(conn: Connection, cik: str) -> list[Event]:
    """The events other slices' tables show for the trust's followed series and classes:
    `universe_events` and `fee_events`, over one reading of what is followed."""
    tracked = _tracked(conn, cik)
    return universe_events(conn, cik, tracked) + fee_events(conn, cik, tracked)


def universe_events(conn: Connection, cik: str,
                    tracked: tuple[set[str], dict[str, str]] | None = None) -> list[Event]:
    """Trading and closing as the universe and N-PORT tables record them: a class's
    first ticker observation and a series' first N-PORT (trading), an inactive series,
    class or trust with its `inactive_since` / `inactive_evidence` (closed)."""
    series_ids, classes = tracked or _tracked(conn, cik)
    out: list[Event] = []
    if not series_ids:
        return out
    first_ticker = conn.execute(
        select(ticker_observation.c.class_id, ticker_observation.c.ticker,
               func.min(ticker_observation.c.first_observed))
        .where(ticker_observation.c.cik == cik,
               ticker_observation.c.class_id.in_(list(classes)))
        .group_by(ticker_observation.c.class_id, ticker_observation.c.ticker)).all()
    seen: dict[str, tuple[date, str]] = {}
    for class_id, ticker, first in first_ticker:
        if class_id not in seen or first < seen[class_id][0]:
            seen[class_id] = (first, ticker)
    series_first: dict[str, tuple[date, str, str]] = {}
    for class_id, (first, ticker) in seen.items():
        sid = classes[class_id]
        out.append(Event(cik, sid, class_id, TRADING, f"ticker:{ticker}", first,
                         ticker=ticker, detail=f"first ticker observation of {ticker}"))
        if sid not in series_first or first < series_first[sid][0]:
            series_first[sid] = (first, f"ticker:{ticker}", ticker)
    for sid, (first, evidence, ticker) in series_first.items():
        out.append(Event(cik, sid, SERIES_LEVEL, TRADING, evidence, first, ticker=ticker,
                         detail=f"first ticker observation of {ticker}"))
    nports = conn.execute(
        select(nport_report.c.series_id, nport_report.c.accession_number,
               nport_report.c.report_date, nport_report.c.filing_date, nport_report.c.form)
        .where(nport_report.c.cik == cik, nport_report.c.series_id.in_(series_ids))
        .order_by(nport_report.c.report_date, nport_report.c.accession_number)).all()
    first_nport: dict[str, tuple] = {}
    for row in nports:
        first_nport.setdefault(row.series_id, row)
    for sid, row in first_nport.items():
        out.append(Event(cik, sid, SERIES_LEVEL, TRADING, row.accession_number,
                         row.report_date, form=row.form,
                         accession_number=row.accession_number, filing_date=row.filing_date,
                         detail="first N-PORT report"))
    trust_row = conn.execute(select(trust.c.active, trust.c.inactive_since,
                                    trust.c.inactive_evidence)
                             .where(trust.c.cik == cik)).first()
    ended = [(sid, SERIES_LEVEL, since, why) for sid, since, why in conn.execute(
        select(series.c.series_id, series.c.inactive_since, series.c.inactive_evidence)
        .where(series.c.cik == cik, series.c.series_id.in_(series_ids),
               ~series.c.active, series.c.inactive_since.is_not(None))).all()]
    ended += [(classes[cid], cid, since, why) for cid, since, why in conn.execute(
        select(share_class.c.class_id, share_class.c.inactive_since,
               share_class.c.inactive_evidence)
        .where(share_class.c.cik == cik, share_class.c.class_id.in_(list(classes)),
               ~share_class.c.active, share_class.c.inactive_since.is_not(None))).all()]
    if trust_row and not trust_row.active and trust_row.inactive_since:
        ended += [(sid, SERIES_LEVEL, trust_row.inactive_since, trust_row.inactive_evidence)
                  for sid in series_ids]
    for sid, ckey, since, why in ended:
        m = _ACCESSION.search(why or "")
        out.append(Event(cik, sid, ckey, CLOSED, m[0] if m else f"universe:{since}", since,
                         accession_number=m[0] if m else None, detail=why))
    return out


def fee_events(conn: Connection, cik: str,
               tracked: tuple[set[str], dict[str, str]] | None = None) -> list[Event]:
    """A followed class's expense ratio moving from one prospectus to the next (485BPOS,
    497, 497K: what the prospectus slice read into `prospectus_fee`) is a `changed`
    event of the class, dated by the prospectus's filing date. Its evidence is
    `fees:<accession>` so a rename in the same filing's header stays its own event."""
    _, classes = tracked or _tracked(conn, cik)
    return [Event(cik, step.new.series_id or classes[step.new.class_id], step.new.class_id,
                  CHANGED, f"fees:{step.new.accession_number}", step.new.filing_date,
                  form=step.new.form, accession_number=step.new.accession_number,
                  filing_date=step.new.filing_date, effective_date=step.new.effective_date,
                  ticker=step.new.ticker,
                  detail=f"{step.summary} (previous {step.previous.accession_number})")
            for step in fee_changes(conn, cik=cik) if step.new.class_id in classes]


def rebuild_state(conn: Connection, cik: str, now: datetime,
                  new_events: Sequence[Event] = ()) -> dict[str, int]:
    """Record `new_events` and replace the trust's derived states with the rollup of all
    its events. Writes first (SQLite: the write lock before any read), one rebuild of a
    trust at a time (PostgreSQL: an advisory lock)."""
    lock_accession(conn, f"lifecycle_state:{cik}")
    conn.execute(delete(lifecycle_state).where(lifecycle_state.c.cik == cik))
    record_events(conn, new_events, now)
    rows = conn.execute(select(lifecycle_event).where(lifecycle_event.c.cik == cik)).all()
    fields = Event.__dataclass_fields__
    events = [Event(**{k: v for k, v in r._mapping.items() if k in fields}) for r in rows]
    states = rollup(events)
    insert_rows(conn, lifecycle_state, [{**asdict(s), "as_of": now} for s in states])
    counts: dict[str, int] = {}
    for s in states:
        if s.class_key == SERIES_LEVEL:
            counts[s.state] = counts.get(s.state, 0) + 1
    return counts


__all__ = ["derived_events", "fee_events", "headers_read", "known_names", "rebuild_state",
           "record_events", "record_header", "trust_series", "universe_events"]
