"""Read-only questions across funds and across time, for the API and for SQL users.

SQLAlchemy Core only, the same on SQLite and PostgreSQL; nothing here writes. Amounts
come back as Decimal; sums are made in Python from the rows' exact Decimals (SQLite's
SQL SUM is a float sum). "Latest" is the newest report of each series (report date,
then filing date, then accession: `security_holders.is_latest`).

* `holders`: every fund holding a security, by CUSIP, ISIN, ticker, LEI or key;
* `overlap`: common positions of 2+ ETFs, overlap by weight, what each holds alone;
* `changes`: positions added, removed, increased, decreased between two reports;
* `fee_history`: expense ratios across prospectuses and shareholder reports;
* `flows_vs_returns`: monthly flows (N-PORT B.6) beside monthly returns (B.5).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import combinations

from sqlalchemy import Connection, and_, or_, select

from etf_assets.crossfund.identity import lookup_terms
from etf_assets.warehouse.tables import (
    etf,
    filing,
    ncsr_expense,
    nport_monthly_flow,
    nport_monthly_return,
    nport_report,
    per_share_ratio,
    prospectus_fee,
    security_holders,
)

sh = security_holders.c

# --------------------------------------------------------------------------- the ETF


@dataclass(frozen=True)
class EtfRef:
    """One ETF as the questions need it: its class, its series (the N-PORT series_key:
    the series id, or CIK + 10 digits for a UIT), its trust."""

    class_id: str
    series_key: str
    cik: str
    ticker: str | None
    fund_name: str | None


def resolve_etf(conn: Connection, text: str) -> EtfRef | None:
    """An ETF by ticker (case-insensitive), class id, series id or UIT key; None when the
    warehouse knows no such ETF. A series with several ETF classes resolves to the class
    of the lowest id (its N-PORT holdings are the series')."""
    t = text.strip()
    if not t:
        return None
    cols = (etf.c.class_id, etf.c.series_id, etf.c.cik, etf.c.ticker, etf.c.fund_name)
    base = select(*cols).where(etf.c.is_etf.is_(True))
    for cond in (etf.c.ticker == t.upper(), etf.c.class_id == t.upper(),
                 etf.c.series_id == t.upper()):
        row = conn.execute(base.where(cond).order_by(etf.c.active.desc(), etf.c.class_id)
                           .limit(1)).first()
        if row is not None:
            return EtfRef(row.class_id, row.series_id, row.cik, row.ticker, row.fund_name)
    return None


def _names(conn: Connection, series_keys: Sequence[str]) -> dict[str, tuple[str | None, str | None]]:
    """series_key -> (ticker, fund name) of its ETF class (lowest class id)."""
    out: dict[str, tuple[str | None, str | None]] = {}
    keys = sorted(set(series_keys))
    for i in range(0, len(keys), 500):
        rows = conn.execute(
            select(etf.c.series_id, etf.c.class_id, etf.c.ticker, etf.c.fund_name)
            .where(etf.c.series_id.in_(keys[i:i + 500]), etf.c.is_etf.is_(True))
            .order_by(etf.c.series_id, etf.c.active.desc(), etf.c.class_id))
        for r in rows:
            out.setdefault(r.series_id, (r.ticker, r.fund_name))
    return out


def _sum(values) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None


def raw_rows(conn: Connection, stmt) -> list[tuple]:
    """The statement's rows as the DBAPI returns them (tuples; on SQLite, numerics as
    int/float and dates as text): the hot queries convert only what they keep, at a
    fraction of SQLAlchemy's per-row cost (1,000 holders, 6,000 overlap rows)."""
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = (tuple(compiled.params[name] for name in compiled.positiontup)
              if compiled.positiontup else compiled.params)
    # The DBAPI cursor itself: SQLAlchemy's result would wrap each tuple in a Row.
    cursor = conn.connection.cursor()
    try:
        cursor.execute(str(compiled), params)
        return cursor.fetchall()
    finally:
        cursor.close()


_raw_rows = raw_rows


def _to_decimal(value) -> Decimal | None:
    """A NUMERIC as the DBAPI returns it (PostgreSQL: Decimal; SQLite: int or float,
    read back the way `ExactDecimal` does)."""
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def _sqlite_decimal(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(repr(value)) if value.__class__ is float else Decimal(value)


def _decimal_reader(conn: Connection):
    """`_to_decimal` for this connection's driver, without its checks where they are
    known: psycopg2 returns NUMERIC as Decimal already; sqlite3 as int or float."""
    if conn.dialect.name == "postgresql":
        return lambda value: value
    if conn.dialect.name == "sqlite":
        return _sqlite_decimal
    return _to_decimal


def _to_date(value) -> date | None:
    """A DATE as the DBAPI returns it (PostgreSQL: date; SQLite: ISO text)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def _latest_rows(conn: Connection, series_keys: Sequence[str]) -> list[tuple]:
    """(series_key, security_key, name, pct_val, value_usd, positions, accession_number,
    report_date) of the funds' newest reports: one index range per fund
    (ix_security_holders_series), raw."""
    return _raw_rows(conn, select(sh.series_key, sh.security_key, sh.name, sh.pct_val,
                                  sh.value_usd, sh.positions, sh.accession_number,
                                  sh.report_date)
                     .where(sh.series_key.in_(list(series_keys)), sh.is_latest.is_(True)))


# --------------------------------------------------------------------------- holders


@dataclass(slots=True)  # not frozen: built thousands at a time (3x cheaper)
class Holder:
    series_key: str
    ticker: str | None
    fund_name: str | None
    cik: str
    accession_number: str
    report_date: date
    filing_date: date
    security_key: str | None
    name: str | None
    title: str | None
    cusip: str | None
    isin: str | None
    units: str | None
    payoff_profile: str | None
    balance: Decimal | None
    value_usd: Decimal | None
    pct_val: Decimal | None
    positions: int


@dataclass(frozen=True)
class Holders:
    query: str
    holders: list[Holder]
    funds: int
    total_value_usd: Decimal | None
    total_balance: dict[str, Decimal] = field(default_factory=dict)  # per unit (NS, PA, ...)


def holders(conn: Connection, identifier: str, *, limit: int | None = None) -> Holders:
    """Every fund whose newest report holds the security `identifier` (a CUSIP, ISIN,
    ticker, LEI, or a security key such as ``CUSIP:037833100``), largest value first,
    with the total across funds. An LEI names an issuer: each of its securities held is
    a line. A placeholder ("000000000", "N/A") matches nothing."""
    terms = lookup_terms(identifier)
    conds = []
    for column, value in ((sh.security_key, terms.key), (sh.cusip, terms.cusip),
                          (sh.isin, terms.isin), (sh.ticker, terms.ticker),
                          (sh.lei, terms.lei)):
        if value:
            conds.append(and_(column == value, sh.is_latest.is_(True)))
    if not conds:
        return Holders(identifier, [], 0, None, {})
    rows = _raw_rows(conn, select(
        sh.series_key, sh.cik, sh.accession_number, sh.report_date, sh.filing_date,
        sh.security_key, sh.name, sh.title, sh.cusip, sh.isin, sh.units, sh.payoff_profile,
        sh.balance, sh.value_usd, sh.pct_val, sh.positions).where(or_(*conds)))
    names = _names(conn, [r[0] for r in rows])
    dec, day = _to_decimal, _to_date
    out = [Holder(r[0], *names.get(r[0], (None, None)), r[1], r[2], day(r[3]), day(r[4]),
                  r[5], r[6], r[7], r[8], r[9], r[10], r[11], dec(r[12]), dec(r[13]),
                  dec(r[14]), r[15]) for r in rows]
    out.sort(key=lambda h: (-(h.value_usd if h.value_usd is not None else Decimal("-1e40")),
                            h.series_key, h.security_key or ""))
    balances: dict[str, Decimal] = defaultdict(Decimal)
    for h in out:
        if h.balance is not None and h.units:
            balances[h.units] += h.balance
    total = _sum(h.value_usd for h in out)
    funds = len({h.series_key for h in out})
    return Holders(identifier, out[:limit] if limit else out, funds, total, dict(balances))


# --------------------------------------------------------------------------- overlap


@dataclass(slots=True)  # not frozen: built thousands at a time (3x cheaper)
class FundPosition:
    """One fund's holding of one security in its newest report (lots summed)."""

    series_key: str
    security_key: str
    name: str | None
    pct_val: Decimal | None
    value_usd: Decimal | None
    balance: Decimal | None = None  # changes only (overlap compares weights)


@dataclass(slots=True)  # not frozen: built thousands at a time (3x cheaper)
class CommonPosition:
    security_key: str
    name: str | None
    weights: dict[str, Decimal | None]  # series_key -> percent of net assets
    values: dict[str, Decimal | None]   # series_key -> value in USD
    min_weight: Decimal | None


@dataclass(frozen=True)
class FundSide:
    series_key: str
    ticker: str | None
    fund_name: str | None
    accession_number: str | None
    report_date: date | None
    securities: int            # identified securities in its newest report
    unidentified_positions: int
    common_weight: Decimal     # its own weight in the common securities
    alone: list[FundPosition]  # what only this fund holds (among those compared)
    alone_count: int           # all of them, whatever the limit


@dataclass(frozen=True)
class PairOverlap:
    a: str
    b: str
    common: int
    overlap_weight: Decimal


@dataclass(frozen=True)
class Overlap:
    funds: list[FundSide]
    common: list[CommonPosition]
    overlap_weight: Decimal  # sum over securities held by all of the min weight
    pairs: list[PairOverlap]
    common_count: int  # all of them, whatever the limit


_ZERO = Decimal(0)


def overlap(conn: Connection, series_keys: Sequence[str], *, limit: int | None = None
            ) -> Overlap:
    """Overlap of two or more funds' newest reports. Common positions are securities
    (identity keys) held by every fund; the overlap by weight is the sum, over them, of
    the smallest of the funds' weights (pctVal, percent of net assets; a missing weight
    counts 0). Each fund's `alone` lists what none of the others holds, largest weight
    first; `limit` keeps the first `limit` of each list (common, each fund's alone):
    counts and sums are always over all. `pairs` gives every pair's common count and
    overlap weight. Sums are exact (Decimal) on both databases.

    One indexed read of the funds' rows; the set work is in Python on raw rows (on
    SQLite this beat GROUP BY + window functions in SQL, which sort 6,000 rows three
    times for two 3,000-position funds)."""
    keys = list(dict.fromkeys(series_keys))
    if len(keys) < 2:
        raise ValueError("overlap needs at least two different funds")
    # series -> security -> [name, weight, value] (raw numerics, summed as Decimals
    # only when a fund reports a security on two rows: other units, long and short).
    funds: dict[str, dict[str, list]] = {k: {} for k in keys}
    unidentified: dict[str, int] = dict.fromkeys(keys, 0)
    reports: dict[str, tuple[str, date | None]] = {}
    for series_key, key, name, pct, value, positions, accession, report_date in _latest_rows(
            conn, keys):
        if series_key not in reports:
            reports[series_key] = (accession, _to_date(report_date))
        if key is None:
            unidentified[series_key] += positions
            continue
        fund = funds[series_key]
        held = fund.get(key)
        if held is None:
            fund[key] = [name, pct, value]
        else:
            held[1] = _sum([_to_decimal(held[1]), _to_decimal(pct)])
            held[2] = _sum([_to_decimal(held[2]), _to_decimal(value)])
    held_sets = {k: funds[k].keys() for k in keys}
    common_keys = set(held_sets[keys[0]]).intersection(*(held_sets[k] for k in keys[1:]))
    dec = _decimal_reader(conn)
    common = []
    for key in common_keys:
        held = [funds[k][key] for k in keys]
        weights = [dec(h[1]) for h in held]
        name = None
        for h in held:
            if h[0]:
                name = h[0]
                break
        common.append(CommonPosition(
            key, name, dict(zip(keys, weights)), dict(zip(keys, [dec(h[2]) for h in held])),
            min([_ZERO if x is None else x for x in weights])))
    common.sort(key=lambda c: (-c.min_weight, c.security_key))
    total = sum((c.min_weight for c in common), _ZERO)

    names = _names(conn, keys)
    sides = []
    for k in keys:
        fund = funds[k]
        others = set().union(*(held_sets[o] for o in keys if o != k))
        # Raw weights sort like their Decimals (SQLite floats hold <= 15 digits exactly).
        alone_keys = sorted((key for key in fund if key not in others),
                            key=lambda key: (fund[key][1] is None,
                                             -(fund[key][1] or 0), key))
        shown = alone_keys if limit is None else alone_keys[:limit]
        accession, report_date = reports.get(k, (None, None))
        sides.append(FundSide(
            k, *names.get(k, (None, None)), accession, report_date, len(fund), unidentified[k],
            sum((c.weights[k] or _ZERO for c in common), _ZERO),
            [FundPosition(k, key, h[0], dec(h[1]), dec(h[2]))
             for h, key in zip(map(fund.__getitem__, shown), shown)],
            len(alone_keys)))
    pairs = []
    for a, b in combinations(keys, 2):
        if len(keys) == 2:
            pairs.append(PairOverlap(a, b, len(common), total))
            continue
        both = held_sets[a] & held_sets[b]
        pairs.append(PairOverlap(a, b, len(both), sum(
            (min(_to_decimal(funds[a][x][1]) or _ZERO, _to_decimal(funds[b][x][1]) or _ZERO)
             for x in both), _ZERO)))
    return Overlap(sides, common if limit is None else common[:limit], total, pairs,
                   len(common))


# --------------------------------------------------------------------------- changes


@dataclass(frozen=True)
class ReportRef:
    accession_number: str
    series_key: str
    report_date: date
    filing_date: date


@dataclass(slots=True)  # not frozen: built thousands at a time (3x cheaper)
class Change:
    security_key: str
    name: str | None
    change: str  # added | removed | increased | decreased | unchanged
    balance_from: Decimal | None
    balance_to: Decimal | None
    balance_change: Decimal | None
    value_from: Decimal | None
    value_to: Decimal | None
    value_change: Decimal | None
    pct_from: Decimal | None
    pct_to: Decimal | None


@dataclass(frozen=True)
class Changes:
    series_key: str
    from_report: ReportRef
    to_report: ReportRef
    changes: list[Change]
    counts: dict[str, int]
    unidentified_from: int  # positions without identity (not compared)
    unidentified_to: int


def reports_of(conn: Connection, series_key: str) -> list[ReportRef]:
    """The series' loaded reports, newest first (report date, filing date, accession)."""
    rows = conn.execute(
        select(nport_report.c.accession_number, nport_report.c.series_key,
               nport_report.c.report_date, nport_report.c.filing_date)
        .where(nport_report.c.series_key == series_key)
        .order_by(nport_report.c.report_date.desc(), nport_report.c.filing_date.desc(),
                  nport_report.c.accession_number.desc()))
    return [ReportRef(*r) for r in rows]


def pick_report(reports: Sequence[ReportRef], wanted: str | date | None,
                *, default_index: int) -> ReportRef | None:
    """A report among `reports` (newest first) by accession, by report date (the newest
    filing of that date), or the `default_index`-th newest; None if there is none."""
    if wanted is None:
        return reports[default_index] if len(reports) > default_index else None
    for r in reports:
        if r.accession_number == wanted or (isinstance(wanted, date) and r.report_date == wanted) \
                or (isinstance(wanted, str) and r.report_date.isoformat() == wanted):
            return r
    return None


def pick_older(reports: Sequence[ReportRef], newer: ReportRef,
               wanted: str | date | None) -> ReportRef | None:
    """The report to compare `newer` with (the changes' "from"): `wanted` as `pick_report`
    finds it if given, else the newest report before `newer` in the order of `reports`
    (report date, filing date, accession); None if there is none."""
    if wanted:
        return pick_report(reports, wanted, default_index=0)
    key = (newer.report_date, newer.filing_date, newer.accession_number)
    return next((r for r in reports
                 if (r.report_date, r.filing_date, r.accession_number) < key), None)


def _report_positions(conn: Connection, report: ReportRef) -> tuple[dict[str, FundPosition], int]:
    rows = conn.execute(
        select(sh.security_key, sh.name, sh.pct_val, sh.value_usd, sh.balance, sh.positions)
        .where(sh.accession_number == report.accession_number,
               sh.series_key == report.series_key).order_by(sh.seq))
    out: dict[str, FundPosition] = {}
    unidentified = 0
    for r in rows:
        if r.security_key is None:
            unidentified += r.positions
            continue
        held = out.get(r.security_key)
        out[r.security_key] = FundPosition(
            report.series_key, r.security_key, held.name if held else r.name,
            _sum([held.pct_val if held else None, r.pct_val]),
            _sum([held.value_usd if held else None, r.value_usd]),
            _sum([held.balance if held else None, r.balance]))
    return out, unidentified


def _diff(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return None if a is None or b is None else b - a


def changes(conn: Connection, from_report: ReportRef, to_report: ReportRef) -> Changes:
    """What changed from one report of a series to another: securities added, removed,
    increased or decreased (by balance: shares or principal; by value when a balance is
    missing), unchanged; with both accessions. Largest value change first."""
    before, unid_from = _report_positions(conn, from_report)
    after, unid_to = _report_positions(conn, to_report)
    out = []
    for key in set(before) | set(after):
        a, b = before.get(key), after.get(key)
        if a is None:
            kind = "added"
        elif b is None:
            kind = "removed"
        else:
            delta = _diff(a.balance, b.balance)
            if delta is None:
                delta = _diff(a.value_usd, b.value_usd) or Decimal(0)
            kind = "increased" if delta > 0 else "decreased" if delta < 0 else "unchanged"
        out.append(Change(
            key, (b or a).name, kind, a.balance if a else None, b.balance if b else None,
            _diff(a.balance if a else Decimal(0), b.balance if b else Decimal(0)),
            a.value_usd if a else None, b.value_usd if b else None,
            _diff(a.value_usd if a else Decimal(0), b.value_usd if b else Decimal(0)),
            a.pct_val if a else None, b.pct_val if b else None))
    out.sort(key=lambda c: (-abs(c.value_change or 0), c.security_key))
    counts = {k: 0 for k in ("added", "removed", "increased", "decreased", "unchanged")}
    for c in out:
        counts[c.change] += 1
    return Changes(to_report.series_key, from_report, to_report, out, counts, unid_from, unid_to)


# --------------------------------------------------------------------------- fees


@dataclass(frozen=True)
class FeePoint:
    """One document's statement of the class's expenses. Ratios are fractions
    (0.0009 = 0.09%); Financial Highlights percents are converted (printed / 100)."""

    as_of: date | None  # prospectus: effective date; reports: period end
    source: str         # prospectus | shareholder_report | financial_highlights
    accession_number: str
    form: str | None
    filing_date: date
    gross_expense_ratio: Decimal | None
    net_expense_ratio: Decimal | None
    management_fee: Decimal | None
    fee_waiver: Decimal | None
    expenses_paid_per_10k: Decimal | None
    period_start: date | None


def _pct_to_fraction(v: Decimal | None) -> Decimal | None:
    return None if v is None else v.scaleb(-2)


def fee_history(conn: Connection, ref: EtfRef) -> list[FeePoint]:
    """The class's fee and expense figures over time, from every loaded 485BPOS fee
    table (gross, waiver, net, management fee; a table tagged per series counts for its
    classes), N-CSR/N-CSRS tailored shareholder report (expense ratio, dollars paid on
    $10,000) and Financial Highlights column (gross and net ratios), oldest first."""
    forms = select(filing.c.accession_number, filing.c.form).subquery()
    out: list[FeePoint] = []
    p = prospectus_fee.c
    for r in conn.execute(
            select(p.accession_number, p.filing_date, p.effective_date, p.management_fee,
                   p.total_annual_expenses, p.fee_waiver, p.net_expenses, forms.c.form)
            .outerjoin(forms, forms.c.accession_number == p.accession_number)
            .where(p.cik == ref.cik, or_(p.class_id == ref.class_id,
                                          and_(p.class_id.is_(None),
                                               p.series_id == ref.series_key)))):
        out.append(FeePoint(r.effective_date, "prospectus", r.accession_number, r.form,
                            r.filing_date, r.total_annual_expenses,
                            r.net_expenses if r.net_expenses is not None
                            else r.total_annual_expenses,
                            r.management_fee, r.fee_waiver, None, None))
    e = ncsr_expense.c
    for r in conn.execute(
            select(e.accession_number, e.filing_date, e.period_start, e.period_end,
                   e.expense_ratio, e.expenses_paid, forms.c.form)
            .outerjoin(forms, forms.c.accession_number == e.accession_number)
            .where(e.class_id == ref.class_id)):
        out.append(FeePoint(r.period_end, "shareholder_report", r.accession_number, r.form,
                            r.filing_date, None, r.expense_ratio, None, None,
                            r.expenses_paid, r.period_start))
    q = per_share_ratio.c
    for r in conn.execute(
            select(q.accession_number, q.filing_date, q.period_end, q.expense_ratio_gross_pct,
                   q.expense_ratio_net_pct, forms.c.form)
            .outerjoin(forms, forms.c.accession_number == q.accession_number)
            .where(q.class_id == ref.class_id)):
        out.append(FeePoint(r.period_end, "financial_highlights", r.accession_number, r.form,
                            r.filing_date, _pct_to_fraction(r.expense_ratio_gross_pct),
                            _pct_to_fraction(r.expense_ratio_net_pct), None, None, None, None))
    out.sort(key=lambda f: (f.as_of or date.min, f.source, f.filing_date, f.accession_number))
    return out


# --------------------------------------------------------------------------- flows


@dataclass(frozen=True)
class FlowMonth:
    month_end: date
    sales: Decimal | None
    reinvestment: Decimal | None
    redemption: Decimal | None
    net_flow: Decimal | None  # sales + reinvestment - redemption
    total_return: Decimal | None  # percent, as written (-1.40 = -1.40%)
    net_assets: Decimal | None  # of the report dated this month end, if any
    flow_accession: str | None
    return_accession: str | None


def _newest_by_month(rows) -> dict[date, object]:
    """month_end -> the row of the newest report covering it (filing date, accession):
    every report restates three months, an amendment restates its report's."""
    best: dict[date, object] = {}
    for r in rows:
        b = best.get(r.month_end)
        if b is None or (r.filing_date, r.accession_number) > (b.filing_date, b.accession_number):
            best[r.month_end] = r
    return best


def flows_vs_returns(conn: Connection, ref: EtfRef) -> list[FlowMonth]:
    """Month by month, oldest first: the series' sales, reinvestments and redemptions
    (N-PORT item B.6) beside the class's total return (item B.5.a; a UIT's is keyed by
    its series), each month from the newest report that states it."""
    f = nport_monthly_flow.c
    flows = _newest_by_month(conn.execute(
        select(f.month_end, f.filing_date, f.accession_number, f.sales, f.reinvestment,
               f.redemption).where(f.series_key == ref.series_key)))
    r = nport_monthly_return.c
    returns = _newest_by_month(conn.execute(
        select(r.month_end, r.filing_date, r.accession_number, r.total_return)
        .where(r.class_key.in_({ref.class_id, ref.series_key}))))
    n = nport_report.c
    assets: dict[date, tuple] = {}
    for row in conn.execute(select(n.report_date, n.filing_date, n.accession_number,
                                   n.net_assets).where(n.series_key == ref.series_key)):
        if row.report_date not in assets or row[1:3] > assets[row.report_date][:2]:
            assets[row.report_date] = (row.filing_date, row.accession_number, row.net_assets)
    out = []
    for month in sorted(set(flows) | set(returns)):
        fl, rt = flows.get(month), returns.get(month)
        sales = fl.sales if fl else None
        reinv = fl.reinvestment if fl else None
        red = fl.redemption if fl else None
        net = (None if fl is None or sales is None or red is None
               else sales + (reinv or Decimal(0)) - red)
        out.append(FlowMonth(month, sales, reinv, red, net,
                             rt.total_return if rt else None,
                             assets[month][2] if month in assets else None,
                             fl.accession_number if fl else None,
                             rt.accession_number if rt else None))
    return out


__all__ = ["Change", "Changes", "CommonPosition", "EtfRef", "FeePoint", "FlowMonth",
           "FundPosition", "FundSide", "Holder", "Holders", "Overlap", "PairOverlap",
           "ReportRef", "changes", "fee_history", "flows_vs_returns", "holders", "overlap",
           "pick_report", "reports_of", "resolve_etf"]
