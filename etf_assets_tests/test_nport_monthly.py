"""N-PORT Part B.5/B.6 -> monthly flows, class returns and gains (real ETF filings).

Values are read off the fixtures by hand (quoted) and checked against the warehouse
after a load through the one loader, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from etf_assets.nport.load import load_nport
from etf_assets.nport.parse import iter_nport
from etf_assets.nport.rows import month_end
from etf_assets.warehouse.engine import make_engine
from etf_assets.warehouse.tables import nport_monthly_flow, nport_monthly_gain, nport_monthly_return
from etf_assets_tests.fake_edgar.build import fixture_path

DIA = fixture_path("nport/0001041130_0001752724-25-158219_DIA_NPORT-P_2025-04-30.xml")
XLK = fixture_path("nport/0001064641_0001410368-26-055331_XLK_NPORT-P_2026-03-31.xml")


def test_month_ends_count_back_from_the_report_date():
    assert [month_end(date(2025, 4, 30), m) for m in (1, 2, 3)] == [
        date(2025, 2, 28), date(2025, 3, 31), date(2025, 4, 30)]
    assert [month_end(date(2024, 1, 31), m) for m in (1, 2, 3)] == [
        date(2023, 11, 30), date(2023, 12, 31), date(2024, 1, 31)]
    assert month_end(date(2024, 2, 29), 3) == date(2024, 2, 29)


def test_dia_uit_flows_and_returns_without_a_class():
    """DIA NPORT-P 0001752724-25-158219 (repPdDate 2025-04-30), a unit investment trust:
    mon1Flow sales 5034590425.60 / redemption 3310427924.60; one monthlyTotReturn with
    no classId: -1.40, -4.07, -3.10; othMon3 netRealizedGain 282640601.67."""
    monthly = iter_nport(DIA.read_bytes()).header.monthly
    assert [(f.month, f.sales, f.redemption) for f in monthly.flows] == [
        (1, Decimal("5034590425.60"), Decimal("3310427924.60")),
        (2, Decimal("3951369966.20"), Decimal("4340870537.35")),
        (3, Decimal("5866482730.10"), Decimal("5084629391.50"))]
    assert [(r.class_id, r.total_return) for r in monthly.returns] == [
        (None, Decimal("-1.40")), (None, Decimal("-4.07")), (None, Decimal("-3.10"))]
    assert [(g.category, g.month, g.net_realized_gain) for g in monthly.gains][-1] == (
        "non_derivative", 3, Decimal("282640601.67"))


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres",
                                                            marks=pytest.mark.postgres)])
def test_xlk_monthly_rows_in_the_warehouse(backend, tmp_path, request):
    """XLK NPORT-P 0001410368-26-055331 (S000006415, class C000017601, repPdDate
    2026-03-31): returns -0.04, -3.56, -4.07 for Jan-Mar 2026; equity futures realized
    16,300.00 in January both as the category total and as futureCategory; mon3Flow
    sales 4847542509.55."""
    engine = (make_engine(f"sqlite:///{tmp_path}/w.sqlite") if backend == "sqlite"
              else request.getfixturevalue("pg_engine"))
    acc = "0001410368-26-055331"
    with engine.begin() as conn:
        written = load_nport(conn, XLK.read_bytes(), accession=acc, cik="1064641",
                             filing_date=date(2026, 5, 28), url="file://xlk")
    assert (written["nport_monthly_flow"], written["nport_monthly_return"],
            written["nport_monthly_gain"]) == (3, 3, 9)
    with engine.connect() as conn:
        returns = conn.execute(select(nport_monthly_return.c.class_key,
                                      nport_monthly_return.c.month_end,
                                      nport_monthly_return.c.total_return)
                               .where(nport_monthly_return.c.accession_number == acc)
                               .order_by(nport_monthly_return.c.month)).all()
        assert returns == [("C000017601", date(2026, 1, 31), Decimal("-0.04")),
                           ("C000017601", date(2026, 2, 28), Decimal("-3.56")),
                           ("C000017601", date(2026, 3, 31), Decimal("-4.07"))]
        january = dict(conn.execute(
            select(nport_monthly_gain.c.instrument, nport_monthly_gain.c.net_realized_gain)
            .where(nport_monthly_gain.c.accession_number == acc,
                   nport_monthly_gain.c.category == "equityContracts",
                   nport_monthly_gain.c.month == 1)).all())
        assert january == {"": Decimal("16300"), "futureCategory": Decimal("16300")}
        march = conn.execute(select(nport_monthly_flow).where(
            nport_monthly_flow.c.accession_number == acc,
            nport_monthly_flow.c.month == 3)).one()
        assert march.sales == Decimal("4847542509.55")
        assert march.series_key == "S000006415" and march.cik == "0001064641"
