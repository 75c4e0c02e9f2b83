"""Reads only the explorer needs, beside queries.py (which the API shares): the ETF
page shows the top positions of a report that may hold 50,000, so it asks the database
for those rows and two counts instead of loading the whole report as /holdings does.
The report is chosen by queries.py's own rule (`latest_report`), so the page and
/api/etfs/{id}/holdings always describe the same accession."""

from __future__ import annotations

from typing import Optional

from sqlalchemy import Connection, and_, func, select

from etf_assets.serve.queries import HOLDING_COLUMNS, Row, latest_report, rows_of
from etf_assets.warehouse.tables import derivative, holding


def top_holdings(conn: Connection, series_key: str, n: int = 25) -> Optional[Row]:
    """The series' newest N-PORT report with its `n` largest positions by value (ties
    and missing values in document order) and its numbers of positions and derivatives."""
    report = latest_report(conn, series_key)
    if report is None:
        return None
    of_report = (lambda t: and_(t.c.accession_number == report["accession_number"],
                                t.c.series_key == series_key))
    report["top"] = rows_of(conn.execute(
        select(*HOLDING_COLUMNS).where(of_report(holding))
        .order_by(holding.c.value_usd.desc().nulls_last(), holding.c.position).limit(n)))
    # No sum of the values here: exact only in Python on SQLite (it adds REALs), which
    # costs ~0.5 s at 50,000 positions; the downloads carry every value.
    report["position_count"] = conn.execute(select(func.count()).select_from(holding)
                                            .where(of_report(holding))).scalar()
    report["derivative_count"] = conn.execute(select(func.count()).select_from(derivative)
                                              .where(of_report(derivative))).scalar()
    return report
