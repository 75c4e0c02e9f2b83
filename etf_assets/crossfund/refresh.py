"""Keep `security_holders` in step with the N-PORT tables, incrementally.

A report (accession, series) is built once from its `holding` rows and rebuilt only
when its load changed (`filing.parsed_at`: a replace of the accession); a report no
longer in `nport_report` loses its rows; `is_latest` moves with the newest report of
each series. Readers never see half of a series: its rows and flags change in one
transaction (a first build of millions of rows commits a few hundred reports at a
time). A load committed while a refresh runs is picked up by the next refresh (its
parsed_at differs from what was built).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import groupby

from sqlalchemy import Connection, Engine, Integer, and_, delete, func, select, tuple_, update

from etf_assets.crossfund.rows import HOLDING_COLUMNS, report_rows
from etf_assets.warehouse.load import BATCH, write_batch
from etf_assets.warehouse.tables import filing, holding, nport_report, security_holders

# Reports whose holdings are read per query (an IN list of accessions).
READ_CHUNK = 200


@dataclass(frozen=True)
class Report:
    accession_number: str
    series_key: str
    cik: str
    series_id: str | None
    report_date: date
    filing_date: date
    parsed_at: datetime | None


@dataclass(frozen=True)
class RefreshResult:
    reports_built: int
    reports_removed: int
    rows_written: int
    rows_deleted: int
    latest_changed: int
    reports_total: int


def newest_per_series(reports: Iterable[Report]) -> dict[str, tuple[str, str]]:
    """series_key -> (accession, series_key) of its newest report: the latest report
    date, then the latest filing date (an amendment of the same period), then the
    highest accession."""
    best: dict[str, Report] = {}
    for r in reports:
        b = best.get(r.series_key)
        if b is None or ((r.report_date, r.filing_date, r.accession_number)
                         > (b.report_date, b.filing_date, b.accession_number)):
            best[r.series_key] = r
    return {s: (r.accession_number, r.series_key) for s, r in best.items()}


def _read_reports(conn: Connection) -> dict[tuple[str, str], Report]:
    rows = conn.execute(
        select(nport_report.c.accession_number, nport_report.c.series_key, nport_report.c.cik,
               nport_report.c.series_id, nport_report.c.report_date,
               nport_report.c.filing_date, filing.c.parsed_at)
        .select_from(nport_report.outerjoin(
            filing, filing.c.accession_number == nport_report.c.accession_number)))
    return {(r.accession_number, r.series_key): Report(*r) for r in rows}


def _read_built(conn: Connection) -> dict[tuple[str, str], tuple[datetime | None, bool]]:
    rows = conn.execute(
        select(security_holders.c.accession_number, security_holders.c.series_key,
               func.max(security_holders.c.source_parsed_at),
               func.max(security_holders.c.is_latest.cast(Integer)))
        .group_by(security_holders.c.accession_number, security_holders.c.series_key))
    return {(a, s): (parsed, bool(latest)) for a, s, parsed, latest in rows}


def _same_time(a: datetime | None, b: datetime | None) -> bool:
    if a is None or b is None:
        return a is b
    # SQLite keeps microseconds; PostgreSQL too. Compare without tz noise.
    return a.replace(tzinfo=None) == b.replace(tzinfo=None)


def _delete_reports(conn: Connection, keys: Sequence[tuple[str, str]]) -> int:
    deleted = 0
    for i in range(0, len(keys), READ_CHUNK):
        chunk = keys[i:i + READ_CHUNK]
        deleted += conn.execute(delete(security_holders).where(
            tuple_(security_holders.c.accession_number, security_holders.c.series_key)
            .in_(chunk))).rowcount or 0
    return deleted


def _build_reports(conn: Connection, reports: Sequence[Report],
                   latest: set[tuple[str, str]]) -> int:
    """Read the reports' holdings (a few queries, position order) and write their rows
    in batches."""
    wanted = {(r.accession_number, r.series_key): r for r in reports}
    cols = [holding.c[name] for name in HOLDING_COLUMNS]
    written = 0
    batch: list[dict] = []
    accessions = sorted({r.accession_number for r in reports})
    for i in range(0, len(accessions), READ_CHUNK):
        chunk = accessions[i:i + READ_CHUNK]
        result = conn.execute(
            select(holding.c.accession_number, holding.c.series_key, *cols)
            .where(holding.c.accession_number.in_(chunk))
            .order_by(holding.c.accession_number, holding.c.series_key, holding.c.position))
        for key, group in groupby(result.mappings(),
                                  key=lambda h: (h["accession_number"], h["series_key"])):
            report = wanted.get(key)
            if report is None:
                continue  # another series of the accession, already built
            batch.extend(report_rows(
                group, accession_number=report.accession_number,
                series_key=report.series_key, cik=report.cik, series_id=report.series_id,
                filing_date=report.filing_date, report_date=report.report_date,
                is_latest=key in latest, source_parsed_at=report.parsed_at))
            if len(batch) >= BATCH:
                write_batch(conn, security_holders, batch)
                written += len(batch)
                batch = []
    write_batch(conn, security_holders, batch)
    return written + len(batch)


def _flip_latest(conn: Connection, keys: Iterable[tuple[str, str]], latest: set) -> int:
    n = 0
    for key in keys:
        conn.execute(update(security_holders).where(
            and_(security_holders.c.accession_number == key[0],
                 security_holders.c.series_key == key[1])).values(is_latest=key in latest))
        n += 1
    return n


def refresh_security_holders(engine: Engine, *, reports_per_transaction: int = 200
                             ) -> RefreshResult:
    """Bring `security_holders` up to date with `nport_report` / `holding` (see the
    module docstring).

    One transaction per batch of whole series (about `reports_per_transaction`
    reports): a series' rows, old and new, and its `is_latest` flags always change
    together, and a first build of millions of rows never holds SQLite's write lock
    for minutes (N-PORT loads wait at most 60 s for it). During a large build, readers
    see series appear batch by batch."""
    with engine.connect() as conn:
        reports = _read_reports(conn)
        built = _read_built(conn)
    latest = set(newest_per_series(reports.values()).values())
    stale = {k for k, (parsed, _) in built.items()
             if k not in reports or not _same_time(parsed, reports[k].parsed_at)}
    to_build = [r for k, r in reports.items()
                if k not in built or not _same_time(built[k][0], r.parsed_at)]
    flips = {k for k, (_parsed, was) in built.items()
             if k not in stale and was != (k in latest)}
    by_series: dict[str, list[Report]] = {}
    for r in to_build:
        by_series.setdefault(r.series_key, []).append(r)
    touched = sorted(by_series) + sorted({k[1] for k in stale | flips} - set(by_series))
    rows_deleted = rows_written = changed = 0
    i = 0
    while i < len(touched):
        batch, size = [], 0
        while i < len(touched) and (not batch or size < reports_per_transaction):
            batch.append(touched[i])
            size += max(1, len(by_series.get(touched[i], ())))
            i += 1
        in_batch = set(batch)
        with engine.begin() as conn:
            rows_deleted += _delete_reports(conn, sorted(k for k in stale if k[1] in in_batch))
            rows_written += _build_reports(
                conn, [r for s in batch for r in by_series.get(s, ())], latest)
            changed += _flip_latest(conn, sorted(k for k in flips if k[1] in in_batch), latest)
    return RefreshResult(reports_built=len(to_build),
                         reports_removed=len([k for k in stale if k not in reports]),
                         rows_written=rows_written, rows_deleted=rows_deleted,
                         latest_changed=changed, reports_total=len(reports))


@dataclass(frozen=True)
class TotalsMismatch:
    accession_number: str
    series_key: str
    holding_positions: int
    derived_positions: int
    holding_value: Decimal | None
    derived_value: Decimal | None


def totals_mismatches(conn: Connection, tolerance: Decimal = Decimal("0.01")
                      ) -> list[TotalsMismatch]:
    """Reports whose `security_holders` rows do not add up to their `holding` rows:
    position count exactly, value within `tolerance` (SQLite sums REALs; PostgreSQL's
    NUMERIC sums are exact and compare exactly). A report with holdings and no derived
    rows (or the reverse) is a mismatch."""
    h = (select(holding.c.accession_number, holding.c.series_key,
                func.count().label("n"), func.sum(holding.c.value_usd).label("v"))
         .group_by(holding.c.accession_number, holding.c.series_key))
    d = (select(security_holders.c.accession_number, security_holders.c.series_key,
                func.sum(security_holders.c.positions).label("n"),
                func.sum(security_holders.c.value_usd).label("v"))
         .group_by(security_holders.c.accession_number, security_holders.c.series_key))
    held = {(a, s): (n, v) for a, s, n, v in conn.execute(h)}
    derived = {(a, s): (n, v) for a, s, n, v in conn.execute(d)}
    out = []
    for key in sorted(set(held) | set(derived)):
        hn, hv = held.get(key, (0, None))
        dn, dv = derived.get(key, (0, None))
        hv = None if hv is None else Decimal(str(hv))
        dv = None if dv is None else Decimal(str(dv))
        value_off = (hv is None) != (dv is None) or (
            hv is not None and abs(hv - dv) > (0 if conn.dialect.name == "postgresql"
                                               else tolerance))
        if int(hn) != int(dn or 0) or value_off:
            out.append(TotalsMismatch(key[0], key[1], int(hn), int(dn or 0), hv, dv))
    return out


def latest_problems(conn: Connection) -> list[str]:
    """Series whose rows are not flagged latest exactly for their newest report."""
    reports = _read_reports(conn)
    latest = set(newest_per_series(reports.values()).values())
    rows = conn.execute(select(security_holders.c.accession_number,
                               security_holders.c.series_key,
                               security_holders.c.is_latest).distinct())
    problems = []
    for accession, series_key, is_latest in rows:
        if bool(is_latest) != ((accession, series_key) in latest):
            problems.append(f"{series_key} {accession}: is_latest={bool(is_latest)}")
    return sorted(set(problems))
