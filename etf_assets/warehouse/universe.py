"""Writes and reads of the ETF universe tables (trust, series, share_class, etf).

Nothing is ever deleted: a trust, series or class that leaves SEC's ticker file is
marked inactive; an N-CEN decision is never overwritten by the ticker-shape fallback.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Connection, and_, bindparam, func, select, update

from etf_assets.edgar.sgml import Submission
from etf_assets.universe.listed import ListedDecision, ListedEntity, uit_key
from etf_assets.universe.parse import MfClass, NcenReport, is_etf_ticker_shape
from etf_assets.warehouse.load import upsert
from etf_assets.warehouse.tables import etf, listed_security, series, share_class, trust
from etf_assets.warehouse.tickers import observe_tickers

TICKER_SHAPE = "ticker_shape"
NCEN = "ncen"
LISTED_UIT = "listed_uit"
# Decisions SEC's ticker files keep alive: gone from the files, gone from the universe.
FILE_DECIDED = (TICKER_SHAPE, LISTED_UIT)
MF_FILE = "company_tickers_mf.json"
EXCHANGE_FILE = "company_tickers_exchange.json"
SGML_TICKER = "SGML"
ABSENT = "absent from SEC's ticker files"


@dataclass
class UniverseStats:
    classes_read: int = 0
    trusts: int = 0
    series: int = 0
    etf_candidates: int = 0
    deactivated: Counter = field(default_factory=Counter)


def load_universe(conn: Connection, classes: Sequence[MfClass], now: datetime,
                  uits: Sequence[tuple[ListedEntity, ListedDecision]] = ()) -> UniverseStats:
    """Upsert every class of the ticker file and every listed UIT ETF (one pseudo series
    and class keyed 'CIK##########'); seed ticker-shape ETF candidates; rows that left
    the files become inactive with the date and why; record today's tickers."""
    uit_classes = [MfClass(e.cik, uit_key(e.cik), uit_key(e.cik), e.ticker) for e, _ in uits]
    stats = UniverseStats(classes_read=len(classes))  # of the MF ticker file
    classes = [*classes, *uit_classes]
    seen = {"first_seen": now, "last_seen": now, "active": True}
    trusts = {c.cik: {"cik": c.cik, **seen} for c in classes}
    series_rows = {c.series_id: {"series_id": c.series_id, "cik": c.cik, **seen}
                   for c in classes if c.series_id}
    class_rows = {c.class_id: {"class_id": c.class_id, "series_id": c.series_id, "cik": c.cik,
                               "ticker": c.ticker, **seen} for c in classes if c.class_id}
    refresh = ["last_seen", "active"]
    upsert(conn, trust, list(trusts.values()), refresh)
    if uits:  # the trust's name from the file until its N-CEN names it
        conn.execute(update(trust).where(trust.c.cik == bindparam("c"), trust.c.name.is_(None))
                     .values(name=bindparam("n")), [{"c": e.cik, "n": e.name} for e, _ in uits])
    upsert(conn, series, list(series_rows.values()), ["cik", *refresh])
    upsert(conn, share_class, list(class_rows.values()), ["series_id", "cik", "ticker", *refresh])
    upsert(conn, etf, [{
        "class_id": uit_key(e.cik), "ticker": e.ticker, "series_id": uit_key(e.cik),
        "cik": e.cik, "fund_name": e.name, "class_name": None, "issuer_name": e.name,
        "exchange": e.exchange, "is_etf": True, "decision_source": LISTED_UIT,
        "decided_by_accession": d.evidence_accession, **seen} for e, d in uits],
        ["ticker", "exchange", "last_seen"])
    uit_ids = {c.class_id for c in uit_classes}
    candidates = [
        {**row, "is_etf": True, "decision_source": TICKER_SHAPE}
        for row in class_rows.values()
        if row["class_id"] not in uit_ids and is_etf_ticker_shape(row["ticker"])
    ]
    # Existing rows keep their decision (an N-CEN verdict outranks the ticker shape) and
    # their activity: N-CEN rows are (de)activated by their trust's N-CEN only.
    upsert(conn, etf, candidates, ["ticker", "series_id", "cik", "last_seen"])
    listed = select(share_class.c.class_id).where(share_class.c.last_seen == now)
    conn.execute(update(etf).where(etf.c.class_id.in_(listed)).values(last_seen=now))
    conn.execute(update(etf).where(etf.c.class_id.in_(listed),
                                   etf.c.decision_source.in_(FILE_DECIDED)).values(active=True))
    evidence = f"{ABSENT} (refresh of {now.date().isoformat()})"
    for table in (trust, series, share_class, etf):
        stale = and_(table.c.last_seen < now, table.c.active.is_(True))
        if table is etf:
            # Classes an N-CEN vouched for (possibly newer than SEC's ticker file) stay
            # active until a later N-CEN of their trust drops them (apply_ncen).
            stale = and_(stale, etf.c.decision_source.in_(FILE_DECIDED))
        res = conn.execute(update(table).where(stale).values(
            active=False, inactive_since=now.date(), inactive_evidence=evidence))
        stats.deactivated[table.name] = res.rowcount or 0
        _keep_filing_evidence(conn, table, now)
    observe_tickers(conn, [(c.cik, c.class_id, c.ticker) for c in classes
                           if c.class_id not in uit_ids],
                    source=MF_FILE, evidence=MF_FILE, day=now.date())
    observe_tickers(conn, [(c.cik, c.class_id, c.ticker) for c in uit_classes],
                    source=EXCHANGE_FILE, evidence=EXCHANGE_FILE, day=now.date())
    stats.trusts, stats.series, stats.etf_candidates = (
        len(trusts), len(series_rows), len(candidates))
    return stats


def _keep_filing_evidence(conn: Connection, table, now: datetime) -> None:
    """Back in the ticker file: active again, unless a filing said it left (an N-CEN's
    last filing, an N-PORT's final filing): SEC's files lag a liquidation by weeks."""
    conn.execute(update(table).where(
        table.c.last_seen == now, table.c.inactive_evidence.like(f"{ABSENT}%"),
    ).values(inactive_since=None, inactive_evidence=None))
    conn.execute(update(table).where(
        table.c.inactive_since.is_not(None), table.c.active.is_(True)).values(active=False))


def load_listed(conn: Connection, decided: Sequence[tuple[ListedEntity, ListedDecision]],
                listed_now: Sequence[ListedEntity], now: datetime) -> None:
    """Record new decisions; refresh which decided entities are still in the file."""
    upsert(conn, listed_security, [{
        "cik": e.cik, "ticker": e.ticker, "name": e.name, "exchange": e.exchange,
        "kind": d.kind, "reason": d.reason, "evidence_accession": d.evidence_accession,
        "decided_at": now, "first_seen": now, "last_seen": now, "active": True,
    } for e, d in decided], ["name", "exchange", "kind", "reason", "evidence_accession",
                             "decided_at", "last_seen", "active"])
    known = {(r.cik, r.ticker) for r in conn.execute(
        select(listed_security.c.cik, listed_security.c.ticker))}
    still = [{"c": e.cik, "t": e.ticker} for e in listed_now if (e.cik, e.ticker) in known]
    if still:
        conn.execute(update(listed_security).where(
            listed_security.c.cik == bindparam("c"), listed_security.c.ticker == bindparam("t"),
        ).values(last_seen=now, active=True), still)
    conn.execute(update(listed_security).where(listed_security.c.last_seen < now)
                 .values(active=False))


def listed_kinds(conn: Connection) -> dict[str, int]:
    """Active listed candidates per kind (uit_etf, exchange_traded_product, ...)."""
    return dict(conn.execute(select(listed_security.c.kind, func.count())
                             .where(listed_security.c.active.is_(True))
                             .group_by(listed_security.c.kind)).tuples().all())


def decided_listed(conn: Connection) -> dict[tuple[str, str], ListedDecision]:
    """(cik, ticker) -> decision of every listed entity already decided."""
    return {(r.cik, r.ticker): ListedDecision(r.kind, r.reason, r.evidence_accession)
            for r in conn.execute(select(listed_security))}


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
        ncen_report_date=sub.period, registrant_type=report.registrant_type))
    observe_tickers(conn, [(cik, c.class_id, c.ticker) for s in sub.series
                           for c in s.classes if c.ticker],
                    source=SGML_TICKER, evidence=sub.accession_number, day=sub.filing_date)
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
                "inactive_since": None, "inactive_evidence": None,
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
        "decision_source", "decided_by_accession", "last_seen", "active", "inactive_since",
        "inactive_evidence"])
    # Classes the previous N-CEN listed but this one does not: no longer vouched for.
    conn.execute(update(etf).where(
        etf.c.cik == cik, etf.c.decision_source == NCEN, etf.c.last_seen < now,
        etf.c.active.is_(True)).values(
        active=False, inactive_since=sub.filing_date,
        inactive_evidence=f"N-CEN {sub.accession_number} no longer lists the class"))
    _apply_last_filing(conn, cik, sub, report.last_filing)
    stats.series_not_in_ncen = conn.execute(
        select(func.count(func.distinct(etf.c.series_id))).where(
            etf.c.cik == cik, etf.c.decision_source == TICKER_SHAPE)
    ).scalar_one()
    return stats


def _apply_last_filing(conn: Connection, cik: str, sub: Submission, last: bool) -> None:
    """An N-CEN marked as the registrant's last (it is deregistering): the trust, its
    series and ETF classes become inactive with the date and the accession; all their
    history and the partition stay. A later N-CEN that is not the last undoes it."""
    said = f"last N-CEN {sub.accession_number}: the registrant's last filing (item B.5.b)"
    for table in (trust, series, etf):
        if last:
            conn.execute(update(table).where(table.c.cik == cik).values(
                active=False, inactive_since=sub.filing_date, inactive_evidence=said))
        else:
            conn.execute(update(table).where(
                table.c.cik == cik, table.c.inactive_evidence.like("last N-CEN %")).values(
                active=True, inactive_since=None, inactive_evidence=None))


def mark_series_final(conn: Connection, cik: str, series_key: str, accession: str,
                      filed: date) -> None:
    """An N-PORT marked final (isFinalFiling): the series and its ETF classes become
    inactive with the date and accession; its history and the trust's partition stay."""
    said = f"NPORT-P {accession}: final filing (isFinalFiling)"
    for table, key in ((series, series.c.series_id), (etf, etf.c.series_id)):
        conn.execute(update(table).where(table.c.cik == cik, key == series_key).values(
            active=False, inactive_since=filed, inactive_evidence=said))
