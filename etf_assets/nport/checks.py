"""Data-quality checks of the N-PORT tables: read the warehouse only, one result per
trust partition.

They are declared on the per-trust multi-asset (etf_assets/trust_filings.py),
partitioned by trust CIK: every materialization evaluates them for exactly the trusts it
loaded, and a checks-only run (the UI's "Execute" on a check) evaluates them without
downloading anything.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from dagster import AssetCheckSeverity, AssetKey
from sqlalchemy import Engine, and_, func, select

from etf_assets.form_slice import CheckResults
from etf_assets.partitions import trust_check
from etf_assets.warehouse.tables import (
    derivative,
    etf,
    holding,
    nport_monthly_flow,
    nport_monthly_return,
    nport_report,
)

HOLDINGS = AssetKey("holdings")
DERIVATIVES = AssetKey("derivatives")
MONTHLY_FLOWS = AssetKey("monthly_flows")
MONTHLY_RETURNS = AssetKey("monthly_returns")

# Holdings omit cash and other assets/liabilities, and derivatives report unrealized
# P&L as value, so holdings rarely sum exactly to net assets; 5% flags real gaps.
VALUE_TOLERANCE = Decimal("0.05")
PCT_TOLERANCE = Decimal("5")  # percentage points around 100

NPORT_CHECKS = [
    trust_check("rows_match_positions", HOLDINGS,
                "Per filing: holding rows written == positions in the document (skipped "
                "positions make it fail, with their reasons)."),
    trust_check("keys_unique_and_series_are_etfs", HOLDINGS,
                "No duplicate (accession, series, position); every row's series (a UIT's "
                "CIK key) has an ETF class in `etf`."),
    trust_check("value_reconciles_with_net_assets", HOLDINGS,
                f"Per filing: sum(value_usd) within {VALUE_TOLERANCE:%} of net assets and "
                f"sum(pct_val) within {PCT_TOLERANCE} points of 100."),
    trust_check("derivative_rows_match_holdings", DERIVATIVES,
                "Per filing: one derivative row per derivative position."),
    trust_check("three_months_per_report", MONTHLY_FLOWS,
                "Per filing: flows for exactly months 1-3, each month ending on or before "
                "the report date."),
    trust_check("three_months_per_class", MONTHLY_RETURNS,
                "Per filing and class: total returns for exactly months 1-3, each month "
                "ending on or before the report date."),
]
SEVERITY = {"value_reconciles_with_net_assets": AssetCheckSeverity.WARN}


def _reports(conn, ciks: list[str] | None):
    q = select(nport_report)
    if ciks is not None:
        q = q.where(nport_report.c.cik.in_(ciks))
    return conn.execute(q).mappings().all()


def _counts(conn, table, ciks: list[str] | None, *extra):
    q = (select(table.c.accession_number, table.c.series_key, *extra)
         .group_by(table.c.accession_number, table.c.series_key))
    if ciks is not None:
        q = q.where(table.c.cik.in_(ciks))
    return {(r[0], r[1]): r[2:] for r in conn.execute(q)}


def _in(column, ciks: list[str] | None):
    return column.in_(ciks) if ciks is not None else column.is_not(None)


@dataclass
class TrustFindings:
    """What the checks found for one trust (one partition)."""

    filings_checked: int = 0
    mismatched: list[str] = field(default_factory=list)
    duplicate_keys: int = 0
    non_etf_rows: dict[str, int] = field(default_factory=dict)
    value_off: list[str] = field(default_factory=list)
    derivatives_off: list[str] = field(default_factory=list)
    flow_months_off: list[str] = field(default_factory=list)
    return_months_off: list[str] = field(default_factory=list)


def _months_off(conn, table, ciks: list[str] | None, *key_columns) -> list[tuple[str, str]]:
    """(cik, description) of every group of `table` (per accession, series, *key_columns)
    that does not hold exactly months 1-3, or has a month ending after the report date."""
    keys = [table.c.cik, table.c.accession_number, table.c.series_key, *key_columns]
    rows = conn.execute(
        select(*keys, func.count(), func.min(table.c.month), func.max(table.c.month),
               func.max(table.c.month_end), func.max(table.c.report_date))
        .where(_in(table.c.cik, ciks)).group_by(*keys))
    out = []
    for r in rows:
        n, lo, hi, last_end, report = r[-5:]
        if (n, lo, hi) != (3, 1, 3) or last_end > report:
            out.append((r[0], f"{' '.join(map(str, r[1:-5]))}: {n} months ({lo}-{hi}), "
                              f"last ends {last_end}, report date {report}"))
    return out


def find_problems(engine: Engine, ciks: list[str] | None) -> dict[str, TrustFindings]:
    """Every check's findings per trust, over `ciks` (None: every trust with N-PORT data),
    in a handful of queries whatever the number of trusts."""
    found: dict[str, TrustFindings] = {c: TrustFindings() for c in ciks or []}
    with engine.connect() as conn:
        reports = _reports(conn, ciks)
        holding_stats = _counts(conn, holding, ciks, func.count(),
                                func.sum(holding.c.value_usd), func.sum(holding.c.pct_val),
                                func.sum(func.cast(holding.c.is_derivative, holding.c.position.type)))
        deriv_counts = _counts(conn, derivative, ciks, func.count())
        repeated = (select(holding.c.cik, holding.c.accession_number, holding.c.series_key,
                           holding.c.position)
                    .where(_in(holding.c.cik, ciks))
                    .group_by(holding.c.cik, holding.c.accession_number,
                              holding.c.series_key, holding.c.position)
                    .having(func.count() > 1).subquery())
        dupes = conn.execute(select(repeated.c.cik, func.count()).group_by(repeated.c.cik)).all()
        flow_off = _months_off(conn, nport_monthly_flow, ciks)
        return_off = _months_off(conn, nport_monthly_return, ciks,
                                 nport_monthly_return.c.class_key)
        with_flows = {(r[0], r[1]) for r in conn.execute(
            select(nport_monthly_flow.c.accession_number, nport_monthly_flow.c.series_key)
            .where(_in(nport_monthly_flow.c.cik, ciks)).distinct())}
        not_etf = conn.execute(
            select(holding.c.cik, holding.c.series_key, func.count())
            .where(_in(holding.c.cik, ciks))
            # series_key, not series_id: a UIT's holdings have no series id, their key is
            # its CIK key, which is also its pseudo series in `etf` (universe/listed.py)
            .where(~select(etf.c.class_id).where(and_(
                etf.c.series_id == holding.c.series_key, etf.c.is_etf.is_(True))).exists())
            .group_by(holding.c.cik, holding.c.series_key)
        ).all()
    cik_of = {}
    for r in reports:
        f = found.setdefault(r["cik"], TrustFindings())
        key = (r["accession_number"], r["series_key"])
        cik_of[key] = r["cik"]
        f.filings_checked += 1
        if key not in with_flows:
            f.flow_months_off.append(f"{key[0]} {key[1]}: no monthly flows")
        n, total, pct, _ = holding_stats.get(key, (0, None, None, 0))
        if n != r["positions_in_document"]:
            f.mismatched.append(f"{key[0]} {key[1]}: {n} rows, {r['positions_in_document']} "
                                f"positions, skipped {r['skipped'][:5] if r['skipped'] else []}")
        net = r["net_assets"]
        if n:
            gap = abs(Decimal(total or 0) / Decimal(net) - 1) if net else None
            pct_gap = abs(Decimal(pct or 0) - 100)
            if gap is None or gap > VALUE_TOLERANCE or pct_gap > PCT_TOLERANCE:
                f.value_off.append(f"{key[0]} {key[1]}: sum value_usd {total} vs net assets "
                                   f"{net}, sum pct_val {pct}")
    for cik, n in dupes:
        found.setdefault(cik, TrustFindings()).duplicate_keys = n
    for cik, what in flow_off:
        found.setdefault(cik, TrustFindings()).flow_months_off.append(what)
    for cik, what in return_off:
        found.setdefault(cik, TrustFindings()).return_months_off.append(what)
    for cik, series_key, n in not_etf:
        found.setdefault(cik, TrustFindings()).non_etf_rows[series_key] = n
    for key, stats in holding_stats.items():
        flagged, rows = int(stats[3] or 0), deriv_counts.get(key, (0,))[0]
        if flagged != rows and key in cik_of:
            found[cik_of[key]].derivatives_off.append(
                f"{key[0]} {key[1]}: {flagged} derivative positions, {rows} rows")
    return found


def _results(f: TrustFindings) -> dict[str, tuple[bool, dict]]:
    scope = {"filings_checked": f.filings_checked}
    return {
        "rows_match_positions": (not f.mismatched, {
            **scope, "mismatched_filings": len(f.mismatched), "examples": f.mismatched[:20]}),
        "keys_unique_and_series_are_etfs": (f.duplicate_keys == 0 and not f.non_etf_rows, {
            **scope, "duplicate_keys": f.duplicate_keys,
            "rows_of_non_etf_series": f.non_etf_rows}),
        "value_reconciles_with_net_assets": (not f.value_off, {
            **scope, "filings_off": len(f.value_off), "examples": f.value_off[:20],
            "value_tolerance": str(VALUE_TOLERANCE),
            "pct_tolerance_points": str(PCT_TOLERANCE)}),
        "derivative_rows_match_holdings": (not f.derivatives_off, {
            **scope, "mismatched_filings": len(f.derivatives_off),
            "examples": f.derivatives_off[:20]}),
        "three_months_per_report": (not f.flow_months_off, {
            **scope, "filings_off": len(f.flow_months_off),
            "examples": f.flow_months_off[:20]}),
        "three_months_per_class": (not f.return_months_off, {
            **scope, "classes_off": len(f.return_months_off),
            "examples": f.return_months_off[:20]}),
    }


def check_results(engine: Engine, ciks: list[str] | None) -> CheckResults:
    """Each check's verdict per trust over `ciks` (None: every trust with N-PORT data)."""
    return {cik: _results(f) for cik, f in find_problems(engine, ciks).items()}
