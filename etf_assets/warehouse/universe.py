"""Writes and reads of the ETF universe tables (trust, series, share_class, etf).

Nothing is ever deleted: a trust, series or class that leaves SEC's ticker file is
marked inactive; an N-CEN decision is never overwritten by the ticker-shape fallback.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, and_, func, select, update

from etf_assets.edgar.sgml import Submission
from etf_assets.universe.parse import MfClass, NcenReport, is_etf_ticker_shape
from etf_assets.warehouse.load import upsert
from etf_assets.warehouse.tables import etf, series, share_class, trust

TICKER_SHAPE = "ticker_shape"
NCEN = "ncen"


@dataclass
class UniverseStats:
    classes_read: int = 0
    trusts: int = 0
    series: int = 0
    etf_candidates: int = 0
    deactivated: Counter = field(default_factory=Counter)


def load_universe(conn: Connection, classes: Sequence[MfClass], now: datetime) -> UniverseStats:
    """Upsert every class of the ticker file; seed ticker-shape ETF candidates."""
    stats = UniverseStats(classes_read=len(classes))
    seen = {"first_seen": now, "last_seen": now, "active": True}
    trusts = {c.cik: {"cik": c.cik, **seen} for c in classes}
    series_rows = {c.series_id: {"series_id": c.series_id, "cik": c.cik, **seen}
                   for c in classes if c.series_id}
    class_rows = {c.class_id: {"class_id": c.class_id, "series_id": c.series_id, "cik": c.cik,
                               "ticker": c.ticker, **seen} for c in classes if c.class_id}
    refresh = ["last_seen", "active"]
    upsert(conn, trust, list(trusts.values()), refresh)
    upsert(conn, series, list(series_rows.values()), ["cik", *refresh])
    upsert(conn, share_class, list(class_rows.values()), ["series_id", "cik", "ticker", *refresh])
    candidates = [
        {**row, "is_etf": True, "decision_source": TICKER_SHAPE}
        for row in class_rows.values() if is_etf_ticker_shape(row["ticker"])
    ]
    # Existing rows keep their decision (an N-CEN verdict outranks the ticker shape) and
    # their activity: N-CEN rows are (de)activated by their trust's N-CEN only.
    upsert(conn, etf, candidates, ["ticker", "series_id", "cik", "last_seen"])
    listed = select(share_class.c.class_id).where(share_class.c.last_seen == now)
    conn.execute(update(etf).where(etf.c.class_id.in_(listed)).values(last_seen=now))
    conn.execute(update(etf).where(etf.c.class_id.in_(listed),
                                   etf.c.decision_source == TICKER_SHAPE).values(active=True))
    for table in (trust, series, share_class, etf):
        stale = and_(table.c.last_seen < now, table.c.active.is_(True))
        if table is etf:
            # Classes an N-CEN vouched for (possibly newer than SEC's ticker file) stay
            # active until a later N-CEN of their trust drops them (apply_ncen).
            stale = and_(stale, etf.c.decision_source == TICKER_SHAPE)
        res = conn.execute(update(table).where(stale).values(active=False))
        stats.deactivated[table.name] = res.rowcount or 0
    stats.trusts, stats.series, stats.etf_candidates = (
        len(trusts), len(series_rows), len(candidates))
    return stats


def etf_ciks(conn: Connection) -> list[str]:
    """Trust CIKs with at least one active ETF class: the partition keys."""
    rows = conn.execute(
        select(etf.c.cik).where(etf.c.is_etf.is_(True), etf.c.active.is_(True))
        .distinct().order_by(etf.c.cik)
    )
    return [r[0] for r in rows]


def etf_counts_by_source(conn: Connection) -> dict[str, int]:
    rows = conn.execute(
        select(etf.c.decision_source, func.count())
        .where(etf.c.is_etf.is_(True), etf.c.active.is_(True))
        .group_by(etf.c.decision_source)
    )
    return {src: n for src, n in rows}


def etf_series_ids(conn: Connection, cik: str) -> set[str]:
    """Series of a trust that have at least one active ETF class."""
    rows = conn.execute(
        select(etf.c.series_id).where(etf.c.cik == cik, etf.c.is_etf.is_(True),
                                      etf.c.active.is_(True)).distinct()
    )
    return {r[0] for r in rows}


def etf_class_ids(conn: Connection, cik: str) -> set[str]:
    """Active ETF classes of a trust."""
    rows = conn.execute(select(etf.c.class_id).where(
        etf.c.cik == cik, etf.c.is_etf.is_(True), etf.c.active.is_(True)))
    return {r[0] for r in rows}


@dataclass
class ClassificationStats:
    series_in_ncen: int = 0
    etf_series: int = 0
    non_etf_series: int = 0
    etf_classes: int = 0
    rejected_candidates: int = 0
    series_not_in_ncen: int = 0


def apply_ncen(conn: Connection, cik: str, sub: Submission, report: NcenReport,
               now: datetime) -> ClassificationStats:
    """Record a trust's N-CEN verdict per series on its classes (names from SGML)."""
    stats = ClassificationStats(series_in_ncen=len(report.series))
    sgml = {s.series_id: s for s in sub.series}
    seen = {"first_seen": now, "last_seen": now, "active": True}
    conn.execute(update(trust).where(trust.c.cik == cik).values(
        name=sub.company_name, ncen_accession=sub.accession_number,
        ncen_report_date=sub.period))
    known_classes = {
        r.class_id: r for r in conn.execute(
            select(share_class.c.class_id, share_class.c.series_id, share_class.c.ticker)
            .where(share_class.c.cik == cik))
    }
    series_rows, etf_rows = [], []
    for sid, ns in report.series.items():
        sg = sgml.get(sid)
        name = (sg.name if sg else None) or ns.name
        series_rows.append({"series_id": sid, "cik": cik, "name": name, **seen})
        exchange = next((mic for mic, _ in ns.exchanges if mic), None)
        listed = {t: mic for mic, t in ns.exchanges if t}
        classes = {c.class_id: (c.name, c.ticker) for c in (sg.classes if sg else ())}
        for class_id, r in known_classes.items():
            if r.series_id == sid:
                classes.setdefault(class_id, (None, r.ticker))
        stats.etf_series += ns.is_etf
        stats.non_etf_series += not ns.is_etf
        for class_id, (class_name, ticker) in classes.items():
            # An ETF series can also have mutual-fund classes (Vanguard's VTSAX beside
            # VTI): when the N-CEN lists the exchange-traded tickers, only those are ETFs.
            class_is_etf = ns.is_etf and (not listed or ticker is None or ticker in listed)
            etf_rows.append({
                "class_id": class_id, "ticker": ticker, "series_id": sid, "cik": cik,
                "fund_name": name, "class_name": class_name, "issuer_name": sub.company_name,
                "exchange": listed.get(ticker, exchange) if class_is_etf else None,
                "is_etf": class_is_etf, "decision_source": NCEN,
                "decided_by_accession": sub.accession_number, **seen,
            })
            stats.etf_classes += class_is_etf
    # Series named in the SGML header but absent from the N-CEN keep their names.
    for sid, sg in sgml.items():
        if sid not in report.series:
            series_rows.append({"series_id": sid, "cik": cik, "name": sg.name, **seen})
    stats.rejected_candidates = conn.execute(
        select(func.count()).select_from(etf).where(
            etf.c.cik == cik, etf.c.is_etf.is_(True),
            etf.c.class_id.in_([r["class_id"] for r in etf_rows if not r["is_etf"]]))
    ).scalar_one()
    upsert(conn, series, series_rows, ["name", "last_seen"])
    upsert(conn, etf, etf_rows, [
        "ticker", "series_id", "fund_name", "class_name", "issuer_name", "exchange", "is_etf",
        "decision_source", "decided_by_accession", "last_seen", "active"])
    # Classes the previous N-CEN listed but this one does not: no longer vouched for.
    conn.execute(update(etf).where(
        etf.c.cik == cik, etf.c.decision_source == NCEN, etf.c.last_seen < now,
        etf.c.active.is_(True)).values(active=False))
    stats.series_not_in_ncen = conn.execute(
        select(func.count(func.distinct(etf.c.series_id))).where(
            etf.c.cik == cik, etf.c.decision_source == TICKER_SHAPE)
    ).scalar_one()
    return stats
