"""Reads only the explorer needs, beside queries.py (which the API shares): the ETF
page shows the top positions of a report that may hold 50,000, so it asks the database
for those rows and two counts instead of loading the whole report as /holdings does.
The report is chosen by queries.py's own rule (`_latest_report`), so the page and
/api/etfs/{id}/holdings always describe the same accession."""

from __future__ import annotations

from decimal import Decimal
from typing import Optional

from sqlalchemy import Connection, and_, func, select

from etf_assets.serve.queries import HOLDING_COLUMNS, Row, _latest_report
from etf_assets.warehouse.tables import derivative, holding


def top_holdings(conn: Connection, series_key: str, n: int = 25) -> Optional[Row]:
    """The series' newest N-PORT report with its `n` largest positions by value (ties
    and missing values in document order), the number of positions and derivatives, and
    the exact sum of the positions' values (None when no position has one)."""
    report = _latest_report(conn, series_key)
    if report is None:
        return None
    of_report = (lambda t: and_(t.c.accession_number == report["accession_number"],
                                t.c.series_key == series_key))
    report["top"] = [dict(r._mapping) for r in conn.execute(
        select(*HOLDING_COLUMNS).where(of_report(holding))
        .order_by(holding.c.value_usd.desc().nulls_last(), holding.c.position).limit(n))]
    # Summed here, not in SQL: SQLite would add the values as floats.
    values = conn.execute(select(holding.c.value_usd).where(of_report(holding))).scalars().all()
    present = [v for v in values if v is not None]
    report["position_count"] = len(values)
    report["value_sum"] = sum(present, Decimal(0)) if present else None
    report["derivative_count"] = conn.execute(select(func.count()).select_from(derivative)
                                              .where(of_report(derivative))).scalar()
    return report
