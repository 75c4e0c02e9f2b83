"""The `security_holders` asset: every N-PORT report's positions by security identity
(etf_assets/crossfund/identity.py), the table behind "who holds X", overlap and
changes. Unpartitioned, downstream of `holdings`; Dagster's declarative automation
refreshes it after holdings change (incrementally: only reports loaded or replaced
since). Its check compares its totals with the holdings they came from.
"""

# No `from __future__ import annotations`: Dagster reads the context annotation at runtime.
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetExecutionContext,
    AssetKey,
    AutomationCondition,
    MaterializeResult,
    MetadataValue,
    asset,
    asset_check,
)
from sqlalchemy import func, select

from etf_assets.crossfund.refresh import latest_problems, refresh_security_holders, totals_mismatches
from etf_assets.warehouse.engine import WarehouseResource
from etf_assets.warehouse.tables import security_holders as security_holders_table

CHECK_NAME = "totals_match_holdings"


def security_holders_condition() -> AutomationCondition:
    """After `holdings` changed (any trust partition), once no holdings run is in
    progress (a wave of loads gives one refresh), and once when it was never built."""
    updated = (AutomationCondition.any_deps_updated().since_last_handled()
               & ~AutomationCondition.any_deps_in_progress())
    first = AutomationCondition.missing() & ~AutomationCondition.execution_failed()
    return ((updated | first) & ~AutomationCondition.in_progress()).with_label(
        "after holdings change, or when missing")


@asset(
    name="security_holders",
    deps=[AssetKey("holdings")],
    automation_condition=security_holders_condition(),
    description="Each N-PORT report's positions summed by security identity (CUSIP, then "
                "ISIN, ticker, LEI + title; placeholders never match): who holds a "
                "security, overlap of ETFs, changes between reports. Also the warehouse "
                "table `security_holders`.",
)
def security_holders(context: AssetExecutionContext, warehouse: WarehouseResource
                     ) -> MaterializeResult:
    engine = warehouse.get_engine()
    result = refresh_security_holders(engine)
    with engine.connect() as conn:
        t = security_holders_table.c
        rows, identified, latest_rows, securities = conn.execute(select(
            func.count(), func.count(t.security_key),
            func.count().filter(t.is_latest.is_(True)),
            func.count(t.security_key.distinct()).filter(t.is_latest.is_(True)))).one()
    context.log.info(f"security_holders: {result}")
    return MaterializeResult(metadata={
        "reports": result.reports_total,
        "reports_built": result.reports_built,
        "reports_removed": result.reports_removed,
        "rows_written": result.rows_written,
        "rows_deleted": result.rows_deleted,
        "latest_changed": result.latest_changed,
        "rows": rows,
        "rows_without_identity": rows - identified,
        "latest_rows": latest_rows,
        "securities_held_now": securities,
    })


@asset_check(asset=security_holders, name=CHECK_NAME, blocking=False)
def totals_match_holdings(warehouse: WarehouseResource) -> AssetCheckResult:
    """Per report, the positions and value of `security_holders` equal those of the
    `holding` rows they came from (count exactly; value exactly on PostgreSQL, to the cent
    on SQLite), and each series has exactly its newest report flagged latest."""
    with warehouse.get_engine().connect() as conn:
        mismatches = totals_mismatches(conn)
        latest = latest_problems(conn)
    return AssetCheckResult(
        passed=not mismatches and not latest, severity=AssetCheckSeverity.ERROR,
        metadata={
            "reports_mismatched": len(mismatches),
            "series_latest_wrong": len(latest),
            "first_mismatches": MetadataValue.json([
                {"accession_number": m.accession_number, "series_key": m.series_key,
                 "holding_positions": m.holding_positions,
                 "derived_positions": m.derived_positions,
                 "holding_value": None if m.holding_value is None else str(m.holding_value),
                 "derived_value": None if m.derived_value is None else str(m.derived_value)}
                for m in mismatches[:20]]),
            "first_latest_wrong": MetadataValue.json(latest[:20]),
        })
