"""The `lifecycle_report` asset: the lifecycle queries (etf_assets/warehouse/lifecycle_queries.py)
as the UI shows them: upcoming effective dates, delayed funds, new funds, closed funds,
one markdown table each in the materialization's metadata. Refreshed like `coverage`:
after the per-trust lifecycle changes, daily, and once when missing."""

# No `from __future__ import annotations`: Dagster reads the context annotation at runtime.
from collections.abc import Sequence

from dagster import AssetExecutionContext, AssetKey, Config, MaterializeResult, MetadataValue, asset

from etf_assets.coverage.assets import coverage_condition
from etf_assets.freshness import observe
from etf_assets.warehouse.lifecycle_queries import (
    FundRow,
    closed_funds,
    delayed_funds,
    new_funds,
    upcoming_effective_dates,
)
from etf_assets.warehouse.engine import WarehouseResource

LIFECYCLE_REPORT = AssetKey("lifecycle_report")
MAX_ROWS = 200  # per table in the UI; SQL users read lifecycle_state


class LifecycleReportConfig(Config):
    upcoming_days: int = 30
    """Upcoming effective dates: the next N days."""
    new_days: int = 30
    """New funds: started trading in the last N days."""
    closed_days: int = 90
    """Closed funds: closed in the last N days."""


def markdown(rows: Sequence[FundRow], date_label: str, extra: Sequence[str] = ()) -> str:
    if not rows:
        return "_none_"
    head = ["trust", "cik", "series", "fund", "ticker", "state", date_label, *extra,
            "evidence"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows[:MAX_ROWS]:
        cells = [r.trust_name or "", r.cik, r.series_id, r.series_name or "", r.ticker or "",
                 r.state, r.on.isoformat() if r.on else "",
                 *[str(getattr(r, e)) for e in extra], r.state_evidence]
        lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    if len(rows) > MAX_ROWS:
        lines.append(f"\n{len(rows) - MAX_ROWS} more in lifecycle_state")
    return "\n".join(lines)


@asset(
    name="lifecycle_report",
    group_name="lifecycle",
    deps=[AssetKey("fund_lifecycle")],
    automation_condition=coverage_condition(),
    kinds={"sql"},
    description="Fund lifecycle queries over lifecycle_state: upcoming effective dates, "
                "delayed funds, new funds, closed funds.",
)
def lifecycle_report(context: AssetExecutionContext, config: LifecycleReportConfig,
                     warehouse: WarehouseResource) -> MaterializeResult:
    today = observe.edgar_today()
    with warehouse.get_engine().connect() as conn:
        upcoming = upcoming_effective_dates(conn, today, config.upcoming_days)
        delayed = delayed_funds(conn)
        new = new_funds(conn, today, config.new_days)
        closed = closed_funds(conn, today, config.closed_days)
    context.log.info("%s: %d upcoming, %d delayed, %d new, %d closed", today, len(upcoming),
                     len(delayed), len(new), len(closed))
    return MaterializeResult(metadata={
        "as_of": today.isoformat(),
        "upcoming_effective": len(upcoming),
        "delayed": len(delayed),
        "new_funds": len(new),
        "closed": len(closed),
        "upcoming_effective_dates": MetadataValue.md(
            f"Next {config.upcoming_days} days\n\n" + markdown(upcoming, "effective")),
        "delayed_funds": MetadataValue.md(markdown(delayed, "delayed to", ["delays"])),
        "new_funds_table": MetadataValue.md(
            f"Last {config.new_days} days\n\n" + markdown(new, "launched")),
        "closed_funds": MetadataValue.md(
            f"Last {config.closed_days} days\n\n" + markdown(closed, "closed")),
    })
