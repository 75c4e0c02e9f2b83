"""Data-quality checks of the N-PORT tables, evaluated over the trusts of each run.

They are declared on the multi-asset (check_specs) so each materialization reports
them for exactly the partitions it touched; the UI shows them next to the assets.
"""

from collections.abc import Iterable, Iterator
from decimal import Decimal

from dagster import AssetCheckResult, AssetCheckSeverity, AssetCheckSpec, AssetKey
from sqlalchemy import Engine, and_, func, select

from etf_assets.warehouse.tables import derivative, etf, holding, nport_report

HOLDINGS = AssetKey("holdings")
DERIVATIVES = AssetKey("derivatives")

# Holdings omit cash and other assets/liabilities, and derivatives report unrealized
# P&L as value, so holdings rarely sum exactly to net assets; 5% flags real gaps.
VALUE_TOLERANCE = Decimal("0.05")
PCT_TOLERANCE = Decimal("5")  # percentage points around 100

NPORT_CHECKS = [
    AssetCheckSpec("rows_match_positions", asset=HOLDINGS,
                   description="Per filing: holding rows written == positions in the "
                   "document (skipped positions make it fail, with their reasons)."),
    AssetCheckSpec("keys_unique_and_series_are_etfs", asset=HOLDINGS,
                   description="No duplicate (accession, series, position); every row's "
                   "series has an ETF class in `etf`."),
    AssetCheckSpec("value_reconciles_with_net_assets", asset=HOLDINGS,
                   description=f"Per filing: sum(value_usd) within {VALUE_TOLERANCE:%} of "
                   f"net assets and sum(pct_val) within {PCT_TOLERANCE} points of 100."),
    AssetCheckSpec("derivative_rows_match_holdings", asset=DERIVATIVES,
                   description="Per filing: one derivative row per derivative position."),
]


def _reports(conn, ciks: list[str]):
    return conn.execute(
        select(nport_report).where(nport_report.c.cik.in_(ciks))
    ).mappings().all()


def _counts(conn, table, ciks: list[str], *extra):
    q = (select(table.c.accession_number, table.c.series_key, *extra)
         .where(table.c.cik.in_(ciks))
         .group_by(table.c.accession_number, table.c.series_key))
    return {(r[0], r[1]): r[2:] for r in conn.execute(q)}


def evaluate_checks(engine: Engine, ciks: list[str], accessions: Iterable[str],
                    selected: Iterable[AssetKey]) -> Iterator[AssetCheckResult]:
    selected = set(selected)
    new = set(accessions)
    with engine.connect() as conn:
        reports = _reports(conn, ciks)
        holding_stats = _counts(conn, holding, ciks, func.count(),
                                func.sum(holding.c.value_usd), func.sum(holding.c.pct_val),
                                func.sum(func.cast(holding.c.is_derivative, holding.c.position.type)))
        deriv_counts = _counts(conn, derivative, ciks, func.count())
        dupes = conn.execute(
            select(func.count()).select_from(
                select(holding.c.accession_number, holding.c.series_key, holding.c.position)
                .where(holding.c.cik.in_(ciks))
                .group_by(holding.c.accession_number, holding.c.series_key, holding.c.position)
                .having(func.count() > 1).subquery())
        ).scalar_one()
        not_etf = conn.execute(
            select(holding.c.series_key, func.count())
            .where(holding.c.cik.in_(ciks))
            .where(~select(etf.c.class_id).where(and_(
                etf.c.series_id == holding.c.series_id, etf.c.is_etf.is_(True))).exists())
            .group_by(holding.c.series_key)
        ).all()
    scope = {"trusts": len(ciks), "filings_checked": len(reports),
             "filings_loaded_this_run": len(new)}

    if HOLDINGS in selected:
        mismatched = []
        for r in reports:
            n = holding_stats.get((r["accession_number"], r["series_key"]), (0,))[0]
            if n != r["positions_in_document"]:
                mismatched.append(f"{r['accession_number']} {r['series_key']}: {n} rows, "
                                  f"{r['positions_in_document']} positions, skipped "
                                  f"{r['skipped'][:5] if r['skipped'] else []}")
        yield AssetCheckResult(
            asset_key=HOLDINGS, check_name="rows_match_positions", passed=not mismatched,
            severity=AssetCheckSeverity.ERROR,
            metadata={**scope, "mismatched_filings": len(mismatched),
                      "examples": mismatched[:20]})
        yield AssetCheckResult(
            asset_key=HOLDINGS, check_name="keys_unique_and_series_are_etfs",
            passed=dupes == 0 and not not_etf, severity=AssetCheckSeverity.ERROR,
            metadata={**scope, "duplicate_keys": dupes,
                      "rows_of_non_etf_series": {k: n for k, n in not_etf}})
        off = []
        for r in reports:
            n, total, pct, _ = holding_stats.get((r["accession_number"], r["series_key"]),
                                                 (0, None, None, 0))
            net = r["net_assets"]
            if not n:
                continue
            gap = abs(Decimal(total or 0) / Decimal(net) - 1) if net else None
            pct_gap = abs(Decimal(pct or 0) - 100)
            if gap is None or gap > VALUE_TOLERANCE or pct_gap > PCT_TOLERANCE:
                off.append(f"{r['accession_number']} {r['series_key']}: sum value_usd "
                           f"{total} vs net assets {net}, sum pct_val {pct}")
        yield AssetCheckResult(
            asset_key=HOLDINGS, check_name="value_reconciles_with_net_assets",
            passed=not off, severity=AssetCheckSeverity.WARN,
            metadata={**scope, "filings_off": len(off), "examples": off[:20],
                      "value_tolerance": str(VALUE_TOLERANCE),
                      "pct_tolerance_points": str(PCT_TOLERANCE)})
    if DERIVATIVES in selected:
        bad = []
        for key, stats in holding_stats.items():
            flagged = int(stats[3] or 0)
            rows = deriv_counts.get(key, (0,))[0]
            if flagged != rows:
                bad.append(f"{key[0]} {key[1]}: {flagged} derivative positions, {rows} rows")
        yield AssetCheckResult(
            asset_key=DERIVATIVES, check_name="derivative_rows_match_holdings",
            passed=not bad, severity=AssetCheckSeverity.ERROR,
            metadata={**scope, "mismatched_filings": len(bad), "examples": bad[:20]})
