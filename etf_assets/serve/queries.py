"""The one read-only query module over the warehouse, for the API and the HTML pages.

SQLAlchemy Core on `etf_assets.warehouse.tables`, the same statements on SQLite and
PostgreSQL. Every function takes a Connection and returns plain rows (dicts of Python
values: Decimal for money and ratios, date / datetime, str, bool, int) or None for
"not found"; nothing here knows about HTTP. It never imports a form slice.

Conventions (SCHEMA.md):
- "Latest" = the newest accession per (series, report date): of two filings for the same
  report date (an NPORT-P and its NPORT-P/A), the one filed last wins (filing date, then
  accession number).
- Lists of entities paginate by keyset (`Page`: the rows and an opaque cursor of the
  last row's sort key), never OFFSET, so the 1,000th page costs what the first does.
  One ETF's histories (fees, performance, flows, per-share) and one report's holdings
  come whole: they are bounded by the fund's own filings.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Optional

from sqlalchemy import (
    Boolean,
    Connection,
    Date,
    Integer,
    Text,
    and_,
    case,
    cast,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    text,
)
from sqlalchemy.sql import ColumnElement, Select

from etf_assets.serve.formats import PACK_NULL, PACK_SEP, Packed
from etf_assets.warehouse.tables import (
    ETF_SEARCH_FTS,
    ExactDecimal,
    annual_flow,
    coverage,
    derivative,
    etf,
    filing,
    filing_skip,
    holding,
    lifecycle_state,
    metadata,
    ncsr_expense,
    ncsr_statistic,
    nport_monthly_flow,
    nport_monthly_return,
    nport_report,
    per_share_distribution,
    per_share_operating,
    per_share_ratio,
    performance,
    prospectus_fee,
    sec_index_day,
    sec_latest_filing,
    series,
    share_class,
    ticker_period,
    trust,
)

Row = dict[str, Any]

CLASS_ID_RE = re.compile(r"^(C\d{9}|CIK\d{10})$")
SERIES_ID_RE = re.compile(r"^(S\d{9}|CIK\d{10})$")
ACCESSION_RE = re.compile(r"\d{10}-\d{2}-\d{6}")


def rows_of(result) -> list[Row]:
    """Plain dicts with plain `str` keys (SQLAlchemy's keys are a str subclass, which
    JSON encoders take a slow path for: 30x slower on a 50,000-position report)."""
    keys = [str(k) for k in result.keys()]
    return [dict(zip(keys, r)) for r in result]


def _plain(row) -> Row:
    return {str(k): v for k, v in row._mapping.items()}


# --------------------------------------------------------------------------- keyset


class CursorError(ValueError):
    """A cursor that this module did not make (or made for another list)."""


@dataclass(frozen=True)
class Key:
    """One sort key of a keyset-paginated list: a NOT NULL expression (coalesce a
    nullable column), its direction and how its cursor value is typed."""

    expr: ColumnElement
    desc: bool = False
    kind: str = "str"  # str | int | date


@dataclass(frozen=True)
class Page:
    rows: list[Row]
    next_cursor: Optional[str]


def _encode(values: Sequence[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, (date, datetime)) else v for v in values]
    raw = json.dumps(plain, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, keys: Sequence[Key]) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise CursorError("not a cursor this API gave") from exc
    if not isinstance(values, list) or len(values) != len(keys):
        raise CursorError("not a cursor of this list")
    out = []
    for value, key in zip(values, keys):
        try:
            if key.kind == "date":
                out.append(date.fromisoformat(value))
            elif key.kind == "datetime":
                out.append(datetime.fromisoformat(value))
            elif key.kind == "int":
                if not isinstance(value, int) or isinstance(value, bool):
                    raise TypeError
                out.append(value)
            else:
                if not isinstance(value, str) or len(value) > 200:
                    raise TypeError
                out.append(value)
        except (TypeError, ValueError) as exc:
            raise CursorError("not a cursor of this list") from exc
    return out


def _after(keys: Sequence[Key], values: Sequence[Any]) -> ColumnElement:
    """Rows strictly after `values` in the keys' order (mixed directions expanded)."""
    clauses = []
    for i, key in enumerate(keys):
        equal = [keys[j].expr == values[j] for j in range(i)]
        step = key.expr < values[i] if key.desc else key.expr > values[i]
        clauses.append(and_(*equal, step))
    return or_(*clauses)


def page(conn: Connection, stmt: Select, keys: Sequence[Key], limit: int,
         cursor: Optional[str]) -> Page:
    """Run `stmt` ordered by `keys`, after `cursor`, at most `limit` rows; the select
    must label its key expressions `_k0`, `_k1`, ... (see `keyed`)."""
    if cursor:
        stmt = stmt.where(_after(keys, _decode(cursor, keys)))
    stmt = stmt.order_by(*[k.expr.desc() if k.desc else k.expr.asc() for k in keys])
    rows = rows_of(conn.execute(stmt.limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more and rows:
        next_cursor = _encode([rows[-1][f"_k{i}"] for i in range(len(keys))])
    for r in rows:
        for i in range(len(keys)):
            r.pop(f"_k{i}", None)
    return Page(rows, next_cursor)


def keyed(stmt: Select, keys: Sequence[Key]) -> Select:
    return stmt.add_columns(*[k.expr.label(f"_k{i}") for i, k in enumerate(keys)])


def _like(q: str) -> str:
    """A LIKE pattern matching `q` literally (its % and _ escaped with backslash)."""
    return q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# --------------------------------------------------------------------------- health


def health(conn: Connection) -> Row:
    """Newest EDGAR day read, the coverage lag summary; raises if the database is down."""
    conn.execute(select(literal(1)))
    newest_day = conn.execute(select(func.max(sec_index_day.c.day))
                              .where(sec_index_day.c.status == "read")).scalar()
    by_status = dict(conn.execute(select(coverage.c.status, func.count())
                                  .group_by(coverage.c.status)).tuples().all())
    lag = conn.execute(select(func.max(coverage.c.lag_days), func.max(coverage.c.as_of))).one()
    return {
        "database": "ok",
        "newest_edgar_day_read": newest_day,
        "coverage": {"as_of": lag[1], "max_lag_days": lag[0],
                     "by_status": {k: int(v) for k, v in sorted(by_status.items())}},
        "etfs": conn.execute(select(func.count()).select_from(etf)
                             .where(etf.c.is_etf.is_(True), etf.c.active.is_(True))).scalar(),
    }


# --------------------------------------------------------------------------- trusts


TRUST_COLUMNS = (trust.c.cik, trust.c.name, trust.c.registrant_type, trust.c.active,
                 trust.c.first_seen, trust.c.last_seen, trust.c.inactive_since,
                 trust.c.inactive_evidence, trust.c.ncen_accession, trust.c.ncen_report_date)


def list_trusts(conn: Connection, *, q: Optional[str] = None, limit: int = 100,
                cursor: Optional[str] = None) -> Page:
    keys = [Key(trust.c.cik)]
    stmt = keyed(select(*TRUST_COLUMNS), keys)
    if q:
        stmt = stmt.where(or_(func.upper(trust.c.name).like(f"%{_like(q.upper())}%", escape="\\"),
                              trust.c.cik == q.zfill(10) if q.isdigit() else literal(False)))
    return page(conn, stmt, keys, limit, cursor)


def get_trust(conn: Connection, cik: str) -> Optional[Row]:
    row = conn.execute(select(*TRUST_COLUMNS).where(trust.c.cik == cik)).first()
    if row is None:
        return None
    out = _plain(row)
    out["series_count"] = conn.execute(select(func.count()).select_from(series)
                                       .where(series.c.cik == cik)).scalar()
    out["etf_count"] = conn.execute(select(func.count()).select_from(etf).where(
        etf.c.cik == cik, etf.c.is_etf.is_(True))).scalar()
    out["latest_filings"] = {r.form: {"accession_number": r.accession_number,
                                      "filing_date": r.filing_date}
                             for r in conn.execute(sec_latest_filing.select()
                                                   .where(sec_latest_filing.c.cik == cik))}
    return out


SERIES_COLUMNS = (series.c.series_id, series.c.cik, series.c.name, series.c.active,
                  series.c.first_seen, series.c.last_seen, series.c.inactive_since,
                  series.c.inactive_evidence)


def list_series(conn: Connection, *, cik: Optional[str] = None, q: Optional[str] = None,
                limit: int = 100, cursor: Optional[str] = None) -> Page:
    """Series (ETF or not) by id; `cik` narrows to a trust, `q` searches the name."""
    keys = [Key(series.c.series_id)]
    is_etf = (select(literal(True)).where(etf.c.series_id == series.c.series_id,
                                          etf.c.is_etf.is_(True)).exists())
    stmt = keyed(select(*SERIES_COLUMNS, is_etf.label("has_etf_class")), keys)
    if cik:
        stmt = stmt.where(series.c.cik == cik)
    if q:
        stmt = stmt.where(func.upper(series.c.name).like(f"%{_like(q.upper())}%", escape="\\"))
    return page(conn, stmt, keys, limit, cursor)


def get_series(conn: Connection, series_id: str) -> Optional[Row]:
    row = conn.execute(select(*SERIES_COLUMNS).where(series.c.series_id == series_id)).first()
    if row is None:
        return None
    out = _plain(row)
    out["trust_name"] = conn.execute(select(trust.c.name)
                                     .where(trust.c.cik == out["cik"])).scalar()
    classes = conn.execute(
        select(share_class.c.class_id, share_class.c.ticker, share_class.c.active,
               share_class.c.first_seen, share_class.c.inactive_since,
               etf.c.is_etf, etf.c.class_name, etf.c.exchange, etf.c.decision_source)
        .select_from(share_class.outerjoin(etf, etf.c.class_id == share_class.c.class_id))
        .where(share_class.c.series_id == series_id).order_by(share_class.c.class_id))
    out["classes"] = [_plain(r) for r in classes]
    return out


def ticker_history(conn: Connection, series_id: str) -> list[Row]:
    """Every class's ticker periods (SCHEMA.md ticker_period), oldest first."""
    classes = select(share_class.c.class_id).where(share_class.c.series_id == series_id)
    uit = select(etf.c.class_id).where(etf.c.series_id == series_id)
    stmt = (select(ticker_period.c.class_id, ticker_period.c.ticker,
                   ticker_period.c.valid_from, ticker_period.c.valid_to,
                   ticker_period.c.last_observed, ticker_period.c.first_evidence)
            .where(or_(ticker_period.c.class_id.in_(classes), ticker_period.c.class_id.in_(uit)))
            .order_by(ticker_period.c.class_id, ticker_period.c.valid_from))
    return [_plain(r) for r in conn.execute(stmt)]


# --------------------------------------------------------------------------- filings


FILING_COLUMNS = (filing.c.accession_number, filing.c.cik, filing.c.form, filing.c.filing_date,
                  filing.c.report_date, filing.c.acceptance_datetime, filing.c.url,
                  filing.c.parsed_at)


def list_filings(conn: Connection, *, cik: Optional[str] = None, form: Optional[str] = None,
                 filed_from: Optional[date] = None, filed_to: Optional[date] = None,
                 limit: int = 100, cursor: Optional[str] = None) -> Page:
    """Processed filings, newest filed first."""
    keys = [Key(filing.c.filing_date, desc=True, kind="date"),
            Key(filing.c.accession_number, desc=True)]
    stmt = keyed(select(*FILING_COLUMNS, trust.c.name.label("trust_name"))
                 .select_from(filing.outerjoin(trust, trust.c.cik == filing.c.cik)), keys)
    if cik:
        stmt = stmt.where(filing.c.cik == cik)
    if form:
        stmt = stmt.where(filing.c.form == form.upper())
    if filed_from:
        stmt = stmt.where(filing.c.filing_date >= filed_from)
    if filed_to:
        stmt = stmt.where(filing.c.filing_date <= filed_to)
    return page(conn, stmt, keys, limit, cursor)


def _accession_tables():
    """Every fact table keyed by accession (the PK starts with it: counts are cheap)."""
    return [t for t in metadata.sorted_tables
            if t.name not in ("filing", "filing_skip") and "accession_number" in t.c
            and t.primary_key.columns.values()[0].name == "accession_number"]


def filing_detail(conn: Connection, accession: str) -> Optional[Row]:
    """What was loaded from one filing: its tables and row counts. A filing that is not
    in `filing` but that EDGAR showed (`sec_latest_filing`) comes back with
    `loaded: false` and what is known of why (the trust's coverage row: last failure,
    status); None when the warehouse has never heard of it."""
    row = conn.execute(select(*FILING_COLUMNS, filing.c.sha256)
                       .where(filing.c.accession_number == accession)).first()
    if row is not None:
        out = _plain(row)
        counts = {}
        for table in _accession_tables():
            n = conn.execute(select(func.count()).select_from(table)
                             .where(table.c.accession_number == accession)).scalar()
            if n:
                counts[table.name] = int(n)
        out["loaded"] = True
        out["tables"] = counts
        skipped = conn.execute(select(nport_report.c.series_key, nport_report.c.skipped)
                               .where(nport_report.c.accession_number == accession)).all()
        out["skipped"] = [{"series_key": s, "position": p, "reason": r}
                          for s, items in skipped for p, r in (items or [])]
        out["skip_reasons"] = [{"reason": r, "skipped": n} for r, n in conn.execute(
            select(filing_skip.c.reason, filing_skip.c.skipped)
            .where(filing_skip.c.accession_number == accession)
            .order_by(filing_skip.c.reason))]
        out["why_not_loaded"] = None
        return out
    seen = conn.execute(select(sec_latest_filing)
                        .where(sec_latest_filing.c.accession_number == accession)).first()
    if seen is None:
        return None
    cov = conn.execute(select(coverage.c.status, coverage.c.last_failure,
                              coverage.c.last_failure_at, coverage.c.last_failure_run_id)
                       .where(coverage.c.cik == seen.cik,
                              coverage.c.form_group == seen.form_group).limit(1)).first()
    why = "seen on EDGAR, not loaded yet"
    if cov is not None and cov.last_failure:
        why = f"the trust's last attempt failed ({cov.last_failure_at}): {cov.last_failure}"
    elif cov is not None:
        why = f"seen on EDGAR; coverage status {cov.status}"
    return {"accession_number": accession, "cik": seen.cik, "form": seen.form,
            "filing_date": seen.filing_date, "report_date": None,
            "acceptance_datetime": None, "url": None, "parsed_at": None, "sha256": None,
            "loaded": False, "tables": {}, "skipped": [], "skip_reasons": [],
            "why_not_loaded": why}


# --------------------------------------------------------------------------- ETFs


ETF_COLUMNS = (etf.c.class_id, etf.c.ticker, etf.c.series_id, etf.c.cik, etf.c.fund_name,
               etf.c.class_name, etf.c.issuer_name, etf.c.exchange, etf.c.is_etf,
               etf.c.decision_source, etf.c.decided_by_accession, etf.c.active,
               etf.c.first_seen, etf.c.last_seen, etf.c.inactive_since, etf.c.inactive_evidence)


def find_etf(conn: Connection, ident: str) -> Optional[Row]:
    """An ETF by class id (C000012345, CIK0001041130) or ticker: the current ticker
    first (an ETF class before a non-ETF one, an active one before an inactive one),
    else the class that last traded under it (ticker_period)."""
    ident = ident.strip().upper()
    if CLASS_ID_RE.match(ident):
        row = conn.execute(select(*ETF_COLUMNS).where(etf.c.class_id == ident)).first()
        return _plain(row) if row else None
    row = conn.execute(select(*ETF_COLUMNS).where(etf.c.ticker == ident)
                       .order_by(etf.c.is_etf.desc(), etf.c.active.desc(),
                                 etf.c.last_seen.desc(), etf.c.class_id).limit(1)).first()
    if row is None:
        past = (select(ticker_period.c.class_id).where(ticker_period.c.ticker == ident)
                .order_by(ticker_period.c.valid_from.desc()).limit(1)).scalar_subquery()
        row = conn.execute(select(*ETF_COLUMNS).where(etf.c.class_id == past)).first()
    return _plain(row) if row else None


def search_etfs(conn: Connection, q: Optional[str] = None, *, limit: int = 50,
                cursor: Optional[str] = None, include_inactive: bool = False) -> Page:
    """ETF classes by ticker or name: the exact ticker first, then tickers starting
    with `q`, then names containing it; by ticker within each."""
    keys = [Key(func.coalesce(etf.c.ticker, "")), Key(etf.c.class_id)]
    if q:
        Q = q.strip().upper()
        pattern = _like(Q)
        rank = case((etf.c.ticker == Q, 0),
                    (etf.c.ticker.like(f"{pattern}%", escape="\\"), 1), else_=2)
        keys.insert(0, Key(rank, kind="int"))
    stmt = keyed(select(*ETF_COLUMNS, series.c.name.label("series_name"))
                 .select_from(etf.outerjoin(series, series.c.series_id == etf.c.series_id))
                 .where(etf.c.is_etf.is_(True)), keys)
    if not include_inactive:
        stmt = stmt.where(etf.c.active.is_(True))
    if q:
        stmt = stmt.where(or_(
            etf.c.ticker.like(f"{pattern}%", escape="\\"),
            func.upper(etf.c.fund_name).like(f"%{pattern}%", escape="\\"),
            func.upper(etf.c.class_name).like(f"%{pattern}%", escape="\\")))
        candidates = _search_candidates(conn, Q)
        if candidates is not None:
            stmt = stmt.where(candidates)
    return page(conn, stmt, keys, limit, cursor)


def _search_candidates(conn: Connection, q: str) -> Optional[ColumnElement]:
    """On SQLite, the rows the search's exact conditions are checked on, from indexes
    (SCHEMA.md, ETF search): a ticker range on ix_etf_ticker (tickers are stored upper
    case, as find_etf reads them) or a class whose name holds `q` by the trigram table
    etf_search. None (every row is checked) for a query under 3 characters, which has
    no trigram, and on PostgreSQL, whose trigram indexes serve the LIKEs themselves."""
    if conn.dialect.name != "sqlite" or len(q) < 3:
        return None
    fts = table(ETF_SEARCH_FTS, column("class_id"))
    phrase = '"' + q.replace('"', '""') + '"'  # one FTS5 phrase: q's trigrams in order
    named = select(fts.c.class_id).where(literal_column(ETF_SEARCH_FTS).op("MATCH")(phrase))
    # A word in a quarter of the names ("Equity") is read faster by the scan than by
    # SEARCH_SCAN_ABOVE lookups of candidates (the FTS probe itself: ~0.1 ms).
    probe = select(func.count()).select_from(named.limit(SEARCH_SCAN_ABOVE).subquery())
    if conn.execute(probe).scalar() >= SEARCH_SCAN_ABOVE:
        return None
    after = q[:-1] + chr(ord(q[-1]) + 1)
    return or_(and_(etf.c.ticker >= q, etf.c.ticker < after), etf.c.class_id.in_(named))


SEARCH_SCAN_ABOVE = 500


def _newest(conn: Connection, stmt: Select) -> Optional[Row]:
    row = conn.execute(stmt.limit(1)).first()
    return _plain(row) if row else None


def _fee_scope(e: Row):
    """A class's fee rows: tagged for the class, or for its series as a whole."""
    return or_(prospectus_fee.c.class_id == e["class_id"],
               and_(prospectus_fee.c.class_id.is_(None),
                    prospectus_fee.c.series_id == e["series_id"]))


FEE_COLUMNS = (prospectus_fee.c.accession_number, prospectus_fee.c.filing_date,
               prospectus_fee.c.effective_date, prospectus_fee.c.class_id,
               prospectus_fee.c.series_id, prospectus_fee.c.ticker,
               prospectus_fee.c.management_fee, prospectus_fee.c.distribution_12b1_fee,
               prospectus_fee.c.distribution_non_12b1_fee, prospectus_fee.c.other_expenses,
               prospectus_fee.c.acquired_fund_fees, prospectus_fee.c.total_annual_expenses,
               prospectus_fee.c.fee_waiver, prospectus_fee.c.net_expenses)


def _fee_order():
    return (func.coalesce(prospectus_fee.c.effective_date, prospectus_fee.c.filing_date).desc(),
            prospectus_fee.c.filing_date.desc(), prospectus_fee.c.accession_number.desc())


def etf_detail(conn: Connection, e: Row) -> Row:
    """Identity, status, latest fees, latest expense ratio and net assets, newest report
    dates of one ETF (`e` from find_etf)."""
    cid, sid, cik = e["class_id"], e["series_id"], e["cik"]
    out = dict(e)
    out["status"] = "active" if e["active"] else "inactive"
    out["trust_name"] = conn.execute(select(trust.c.name).where(trust.c.cik == cik)).scalar()
    out["series_name"] = conn.execute(select(series.c.name)
                                      .where(series.c.series_id == sid)).scalar()
    out["latest_fees"] = _newest(conn, select(*FEE_COLUMNS).where(
        prospectus_fee.c.cik == cik, _fee_scope(e)).order_by(*_fee_order()))
    out["latest_expense_ratio"] = _newest(conn, select(
        ncsr_expense.c.expense_ratio, ncsr_expense.c.period_start, ncsr_expense.c.period_end,
        ncsr_expense.c.report_type, ncsr_expense.c.accession_number, ncsr_expense.c.filing_date)
        .where(ncsr_expense.c.class_id == cid, ncsr_expense.c.expense_ratio.is_not(None))
        .order_by(ncsr_expense.c.period_end.desc().nulls_last(),
                  ncsr_expense.c.filing_date.desc(), ncsr_expense.c.accession_number.desc()))
    report = _latest_report(conn, sid)
    out["latest_net_assets"] = None if report is None else {
        "net_assets": report["net_assets"], "report_date": report["report_date"],
        "accession_number": report["accession_number"], "source": "nport"}
    shr = _newest(conn, select(ncsr_statistic.c.value, ncsr_statistic.c.as_of,
                               ncsr_statistic.c.accession_number)
                  .where(ncsr_statistic.c.class_id == cid,
                         ncsr_statistic.c.statistic == "net_assets")
                  .order_by(ncsr_statistic.c.as_of.desc().nulls_last(),
                            ncsr_statistic.c.filing_date.desc()))
    out["latest_class_net_assets"] = None if shr is None else {
        "net_assets": shr["value"], "as_of": shr["as_of"],
        "accession_number": shr["accession_number"], "source": "ncsr"}
    out["newest_report_dates"] = {
        "nport": report["report_date"] if report else None,
        "ncsr": conn.execute(select(func.max(ncsr_expense.c.period_end))
                             .where(ncsr_expense.c.class_id == cid)).scalar(),
        "prospectus": conn.execute(select(func.max(prospectus_fee.c.effective_date)).where(
            prospectus_fee.c.cik == cik, _fee_scope(e))).scalar(),
        "annual_flow": conn.execute(select(func.max(annual_flow.c.fiscal_year_end))
                                    .where(annual_flow.c.cik == cik)).scalar(),
        "ncen": conn.execute(select(trust.c.ncen_report_date)
                             .where(trust.c.cik == cik)).scalar(),
    }
    out["tickers"] = [_plain(r) for r in conn.execute(
        select(ticker_period.c.ticker, ticker_period.c.valid_from, ticker_period.c.valid_to)
        .where(ticker_period.c.class_id == cid).order_by(ticker_period.c.valid_from))]
    return out


REPORT_COLUMNS = (nport_report.c.accession_number, nport_report.c.series_key,
                  nport_report.c.series_name, nport_report.c.form, nport_report.c.filing_date,
                  nport_report.c.report_date, nport_report.c.fiscal_year_end,
                  nport_report.c.is_final_filing, nport_report.c.tot_assets,
                  nport_report.c.tot_liabs, nport_report.c.net_assets,
                  nport_report.c.positions_in_document, nport_report.c.rows_written,
                  nport_report.c.skipped)


def latest_report(conn: Connection, series_key: str,
                  as_of: Optional[date] = None) -> Optional[Row]:
    """The newest N-PORT report of the series on or before `as_of` (None: any date),
    with its filing's sha256 and parse time (they change when the accession is
    reloaded: a version for caches)."""
    stmt = (select(*REPORT_COLUMNS, filing.c.sha256, filing.c.parsed_at)
            .select_from(nport_report.outerjoin(
                filing, filing.c.accession_number == nport_report.c.accession_number))
            .where(nport_report.c.series_key == series_key))
    if as_of is not None:
        stmt = stmt.where(nport_report.c.report_date <= as_of)
    return _newest(conn, stmt.order_by(nport_report.c.report_date.desc(),
                                       nport_report.c.filing_date.desc(),
                                       nport_report.c.accession_number.desc()))


_latest_report = latest_report


_ROW_KEYS = {"accession_number", "series_key", "filing_date", "report_date", "cik",
             "series_id", "extra"}
HOLDING_COLUMNS = tuple(c for c in holding.c if c.name not in _ROW_KEYS)
DERIVATIVE_COLUMNS = tuple(c for c in derivative.c if c.name not in _ROW_KEYS)


def report_positions(conn: Connection, report: Row) -> Row:
    """Add every position and every derivative of `report` (from latest_report), in
    document order."""
    where = (lambda t: and_(t.c.accession_number == report["accession_number"],
                            t.c.series_key == report["series_key"]))
    report["holdings"] = rows_of(conn.execute(
        select(*HOLDING_COLUMNS).where(where(holding)).order_by(holding.c.position)))
    report["derivatives"] = rows_of(conn.execute(
        select(*DERIVATIVE_COLUMNS).where(where(derivative)).order_by(derivative.c.position)))
    return report


def _kind(column) -> str:
    """How the Parquet writer reads a column as the driver returns it."""
    if isinstance(column.type, ExactDecimal):
        return "decimal"
    if isinstance(column.type, Boolean):
        return "bool"
    if isinstance(column.type, Date):
        return "date"
    if isinstance(column.type, Integer):
        return "int"
    return "text"


def report_holding_columns(conn: Connection, report: Row, *, packed: bool = True
                           ) -> list[tuple[str, str, Any]]:
    """Every position of `report` (from latest_report), in document order, column by
    column: (name, kind, values), kind one of decimal / date / bool / int / text, the
    accession and report date first. For the Parquet answer
    (formats.parquet_from_columns): no SQLAlchemy result processing, no Decimal, date
    or dict per value.

    `packed` (PostgreSQL only): the database writes each row's values as one text
    (formats.Packed: the columns' texts, NUMERIC's exact, joined by PACK_SEP, NULL as
    PACK_NULL), so psycopg2 makes one string per row instead of one object per value:
    half the client's CPU for 50,000 rows. Not on SQLite: its VM concatenates slower
    than sqlite3 makes the objects (measured), and its text of a REAL has 15
    significant digits where ExactDecimal reads repr()'s shortest exact ones."""
    from etf_assets.crossfund.queries import raw_rows

    pg = conn.dialect.name == "postgresql"
    raw = list(HOLDING_COLUMNS) if not (packed and pg) else []
    raw_names = {c.name for c in raw}
    pack = [c for c in HOLDING_COLUMNS if c.name not in raw_names]
    exprs: list[Any] = [cast(c, Text).label(c.name) if pg and isinstance(c.type, ExactDecimal)
                        else c for c in raw]
    if pack:
        joined = None
        for c in pack:
            piece = func.coalesce(cast(c, Text), literal(PACK_NULL, Text))
            joined = piece if joined is None else joined + literal(PACK_SEP, Text) + piece
        exprs.insert(0, joined.label("packed"))
    rows = raw_rows(conn, select(*exprs).where(
        holding.c.accession_number == report["accession_number"],
        holding.c.series_key == report["series_key"]).order_by(holding.c.position))
    n = len(rows)
    values = list(zip(*rows)) if rows else [() for _ in exprs]
    texts = values.pop(0) if pack else ()
    raw_values = dict(zip([c.name for c in raw], values))
    pack_index = {c.name: i for i, c in enumerate(pack)}
    return ([("accession_number", "text", [report["accession_number"]] * n),
             ("report_date", "date", [report["report_date"]] * n)]
            + [(c.name, _kind(c), raw_values[c.name] if c.name in raw_values
                else Packed(texts, pack_index[c.name], len(pack)))
               for c in HOLDING_COLUMNS])


def holdings_report(conn: Connection, series_key: str,
                    as_of: Optional[date] = None) -> Optional[Row]:
    """The newest N-PORT report of the series on or before `as_of` (any date: None),
    whole: every position and every derivative, in document order."""
    report = latest_report(conn, series_key, as_of)
    return None if report is None else report_positions(conn, report)


def etf_fees(conn: Connection, e: Row) -> list[Row]:
    """Every prospectus fee table of the class (or its series), newest effective first."""
    return [_plain(r) for r in conn.execute(
        select(*FEE_COLUMNS).where(prospectus_fee.c.cik == e["cik"], _fee_scope(e))
        .order_by(*_fee_order()))]


def _newest_accession(conn: Connection, source: str, e: Row) -> Optional[str]:
    return conn.execute(
        select(performance.c.accession_number)
        .where(performance.c.cik == e["cik"], performance.c.source == source,
               performance.c.class_id == e["class_id"])
        .order_by(performance.c.filing_date.desc(), performance.c.accession_number.desc())
        .limit(1)).scalar()


PERF_SOURCES = ("ncsr", "prospectus")


def etf_performance(conn: Connection, e: Row) -> Row:
    """The newest shareholder report's (N-CSR/N-CSRS TSR) and the newest prospectus's
    returns of the class and its indexes, side by side: one row per (subject, measure,
    index, period, year), each side with its own value, period end and accession."""
    accessions = {s: _newest_accession(conn, s, e) for s in PERF_SOURCES}
    merged: dict[tuple, Row] = {}
    for source, acc in accessions.items():
        if acc is None:
            continue
        rows = conn.execute(
            select(performance).where(
                performance.c.accession_number == acc,
                or_(performance.c.class_id == e["class_id"],
                    and_(performance.c.class_id.is_(None),
                         performance.c.series_id == e["series_id"])))
            .order_by(performance.c.seq))
        for r in rows:
            key = (r.subject, r.measure or "", r.index_member or "", r.period, r.year or 0)
            row = merged.setdefault(key, {
                "subject": r.subject, "measure": r.measure, "index_name": r.index_name,
                "index_member": r.index_member, "period": r.period, "year": r.year,
                **{f"{s}_{f}": None for s in PERF_SOURCES
                   for f in ("value", "as_of", "period_start", "accession_number")}})
            row["index_name"] = row["index_name"] or r.index_name
            row[f"{source}_value"] = r.value
            row[f"{source}_as_of"] = r.as_of
            row[f"{source}_period_start"] = r.period_start
            row[f"{source}_accession_number"] = acc
    return {"accessions": accessions, "rows": list(merged.values())}


def _latest_per(stmt_rows: list[Row], key: str) -> list[Row]:
    """Of rows sorted newest report first, the first per `key` (the latest figure)."""
    seen: dict[Any, Row] = {}
    for r in stmt_rows:
        seen.setdefault(r[key], r)
    return sorted(seen.values(), key=lambda r: r[key])


def etf_flows(conn: Connection, e: Row) -> Row:
    """Monthly flows of the series (N-PORT Part B: each month from the newest report
    covering it) and the trust's annual 24F-2NT blocks that cover the ETF."""
    monthly = [_plain(r) for r in conn.execute(
        select(nport_monthly_flow.c.month_end, nport_monthly_flow.c.sales,
               nport_monthly_flow.c.reinvestment, nport_monthly_flow.c.redemption,
               nport_monthly_flow.c.accession_number, nport_monthly_flow.c.report_date)
        .where(nport_monthly_flow.c.series_key == e["series_id"])
        .order_by(nport_monthly_flow.c.month_end, nport_monthly_flow.c.report_date.desc(),
                  nport_monthly_flow.c.filing_date.desc(),
                  nport_monthly_flow.c.accession_number.desc()))]
    monthly = _latest_per(monthly, "month_end")
    for m in monthly:
        parts = [m["sales"], m["reinvestment"], m["redemption"]]
        m["net"] = (None if m["sales"] is None and m["redemption"] is None else
                    (parts[0] or 0) + (parts[1] or 0) - (parts[2] or 0))
    blocks = conn.execute(
        select(annual_flow.c.accession_number, annual_flow.c.block, annual_flow.c.form,
               annual_flow.c.filing_date, annual_flow.c.fiscal_year_end, annual_flow.c.scope,
               annual_flow.c.include_all, annual_flow.c.covers_etf,
               annual_flow.c.aggregate_sales, annual_flow.c.redeemed_in_year,
               annual_flow.c.total_redemption_credits, annual_flow.c.net_sales,
               annual_flow.c.credits_for_future_years, annual_flow.c.registration_fee_due)
        .where(annual_flow.c.cik == e["cik"])
        .order_by(annual_flow.c.fiscal_year_end, annual_flow.c.filing_date.desc(),
                  annual_flow.c.accession_number.desc(), annual_flow.c.block))
    annual = []
    for b in blocks:
        scope = b.scope or []
        named = any(s.get("series_id") == e["series_id"] or s.get("class_id") == e["class_id"]
                    for s in scope if isinstance(s, dict))
        if named or b.include_all or not scope:
            row = _plain(b)
            row["covers"] = "named" if named else "whole_filer"
            row.pop("scope")
            annual.append(row)
    return {"monthly": monthly, "annual": annual}


def etf_monthly_returns(conn: Connection, e: Row) -> list[Row]:
    rows = [_plain(r) for r in conn.execute(
        select(nport_monthly_return.c.month_end, nport_monthly_return.c.total_return,
               nport_monthly_return.c.accession_number)
        .where(nport_monthly_return.c.class_key.in_([e["class_id"], e["series_id"]]))
        .order_by(nport_monthly_return.c.month_end, nport_monthly_return.c.report_date.desc(),
                  nport_monthly_return.c.filing_date.desc()))]
    return _latest_per(rows, "month_end")


_PS_SKIP = {"cik", "series_id", "class_id", "filing_date", "unmapped", "caption", "title"}


def etf_per_share(conn: Connection, e: Row) -> list[Row]:
    """Financial highlights per fiscal period of the class (each period from the newest
    report printing it): per-share operating, distributions, ratios in one row."""
    o, d, r = per_share_operating, per_share_distribution, per_share_ratio
    join_on = (lambda t: and_(t.c.accession_number == o.c.accession_number,
                              t.c.table_index == o.c.table_index,
                              t.c.column_index == o.c.column_index))
    cols = ([c for c in o.c if c.name not in _PS_SKIP]
            + [c for c in d.c if c.name not in _PS_SKIP and c.name not in o.c]
            + [c for c in r.c if c.name not in _PS_SKIP and c.name not in o.c])
    rows = [_plain(x) for x in conn.execute(
        select(*cols, o.c.filing_date)
        .select_from(o.outerjoin(d, join_on(d)).outerjoin(r, join_on(r)))
        .where(o.c.class_id == e["class_id"], o.c.period_end.is_not(None))
        .order_by(o.c.period_end, o.c.filing_date.desc(), o.c.accession_number.desc(),
                  o.c.table_index, o.c.column_index))]
    return _latest_per(rows, "period_end")[::-1]


# --------------------------------------------------------------------------- queries


def trust_etfs(conn: Connection, cik: str, *, limit: int = 100,
               cursor: Optional[str] = None) -> Page:
    """The trust's ETF classes as the universe tables hold them (active or not, since
    when and why, first seen, current ticker), each with its newest N-PORT (report date,
    net assets, accession): the trust page's ETF list. The current lifecycle state of
    every series and class is `lifecycle_states`."""
    keys = [Key(etf.c.class_id)]
    newest = (select(nport_report.c.report_date, nport_report.c.net_assets,
                     nport_report.c.accession_number)
              .where(nport_report.c.series_key == etf.c.series_id)
              .order_by(nport_report.c.report_date.desc(), nport_report.c.filing_date.desc(),
                        nport_report.c.accession_number.desc()).limit(1))
    stmt = keyed(select(
        etf.c.class_id, etf.c.ticker, etf.c.series_id, etf.c.cik, etf.c.fund_name,
        etf.c.active, etf.c.first_seen, etf.c.inactive_since, etf.c.inactive_evidence,
        newest.with_only_columns(nport_report.c.report_date).scalar_subquery()
        .label("newest_report_date"),
        newest.with_only_columns(nport_report.c.net_assets).scalar_subquery()
        .label("net_assets"),
        newest.with_only_columns(nport_report.c.accession_number).scalar_subquery()
        .label("nport_accession"))
        .where(etf.c.is_etf.is_(True), etf.c.cik == cik), keys)
    return page(conn, stmt, keys, limit, cursor)


def lifecycle_states(conn: Connection, *, limit: int = 100, cursor: Optional[str] = None,
                     cik: Optional[str] = None, state: Optional[str] = None) -> Page:
    """The lifecycle rollup (`lifecycle_state`): per series (class_key '') and class,
    its state, since when, expected / actual effective date and the evidence (the
    accession when the evidence is a filing)."""
    s = lifecycle_state.c
    keys = [Key(s.cik), Key(s.series_id), Key(s.class_key)]
    stmt = keyed(select(s.cik, s.series_id, s.class_key, s.series_name, s.class_name,
                        s.ticker, s.state, s.state_since, s.expected_effective_date,
                        s.effective_date, s.state_evidence), keys)
    if cik:
        stmt = stmt.where(s.cik == cik)
    if state:
        stmt = stmt.where(s.state == state)
    result = page(conn, stmt, keys, limit, cursor)
    for r in result.rows:
        ev = r["state_evidence"]
        r["evidence_accession"] = ev if ACCESSION_RE.fullmatch(ev or "") else None
    return result


def recent_filings(conn: Connection, *, since: Optional[date] = None, form: Optional[str] = None,
                   limit: int = 100, cursor: Optional[str] = None) -> Page:
    """Filings loaded, newest filed first (`since`: filed on or after)."""
    return list_filings(conn, form=form, filed_from=since, limit=limit, cursor=cursor)


def ping(conn: Connection) -> None:
    conn.execute(text("select 1"))
