"""UIT ETFs in the N-PORT checks, and holdings rows read back column by column (issue 25
items 7 and 8) on real filings: DIA (SPDR Dow Jones Industrial Average ETF Trust, a
UIT, NPORT-P 0001752724-25-158219, complete), SPY (UIT, real filing trimmed to 8
holdings by its fixture author) and XLK (Technology Select Sector SPDR, NPORT-P
0001410368-26-055331, complete). Values below were read from the XML files by eye."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from etf_assets.nport.checks import find_problems
from etf_assets.nport.load import load_nport
from etf_assets.universe.listed import uit_key
from etf_assets.warehouse.engine import make_engine
from etf_assets.warehouse.tables import etf, holding
from etf_assets_tests.fake_edgar.build import fixture_path

DIA = ("nport/0001041130_0001752724-25-158219_DIA_NPORT-P_2025-04-30.xml",
       "0001752724-25-158219", "0001041130", date(2025, 6, 27))
SPY = ("nport/0000884394_SPY_NPORT_trimmed.xml", "0009999999-26-000003", "0000884394",
       date(2026, 5, 29))
XLK = ("nport/0001064641_0001410368-26-055331_XLK_NPORT-P_2026-03-31.xml",
       "0001410368-26-055331", "0001064641", date(2026, 5, 28))


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('w') / 'w.db'}")
    with engine.begin() as conn:
        for path, accession, cik, filed in (DIA, SPY, XLK):
            load_nport(conn, fixture_path(path).read_bytes(), accession=accession, cik=cik,
                       filing_date=filed, url="https://example.invalid")
    return engine


def _add_etf(engine, cik: str, class_id: str, series_id: str, ticker: str) -> None:
    now = datetime(2026, 1, 1)
    with engine.begin() as conn:
        conn.execute(etf.insert(), [{
            "class_id": class_id, "ticker": ticker, "series_id": series_id, "cik": cik,
            "is_etf": True, "decision_source": "listed_uit", "first_seen": now,
            "last_seen": now, "active": True}])


def test_uit_holdings_join_their_cik_key_in_etf(warehouse):
    """A UIT's holdings (series_key CIK0001041130, series_id NULL) belong to the pseudo
    series `etf` keeps for it (uit_key): before the UIT is in `etf` its rows are flagged,
    after it is they are not - for DIA and SPY alike; XLK by its series id."""
    ciks = [DIA[2], SPY[2], XLK[2]]
    before = find_problems(warehouse, ciks)
    assert before[DIA[2]].non_etf_rows == {"CIK0001041130": 30}
    assert before[SPY[2]].non_etf_rows == {"CIK0000884394": 8}
    assert before[XLK[2]].non_etf_rows == {"S000006415": 76}
    _add_etf(warehouse, DIA[2], uit_key(DIA[2]), uit_key(DIA[2]), "DIA")
    _add_etf(warehouse, SPY[2], uit_key(SPY[2]), uit_key(SPY[2]), "SPY")
    _add_etf(warehouse, XLK[2], "C000017601", "S000006415", "XLK")
    after = find_problems(warehouse, ciks)
    for cik in ciks:
        assert after[cik].non_etf_rows == {} and after[cik].duplicate_keys == 0, cik


COLUMNS = ("series_key", "series_id", "name", "title", "cusip", "isin", "lei", "balance",
           "units", "currency", "value_usd", "pct_val", "payoff_profile", "asset_category",
           "issuer_category", "country", "fair_value_level", "is_restricted", "report_date",
           "filing_date", "cik")


def _row(engine, accession: str, position: int) -> dict:
    with engine.connect() as conn:
        r = conn.execute(select(*(holding.c[c] for c in COLUMNS)).where(
            holding.c.accession_number == accession, holding.c.position == position)).one()
    return dict(zip(COLUMNS, r))


def test_dia_holdings_row_by_row(warehouse):
    """DIA positions 1, 2 and 30 (of 30), every column as the XML states it."""
    common = {"series_key": "CIK0001041130", "series_id": None, "balance": D("5523496"),
              "units": "NS", "currency": "USD", "payoff_profile": "Long",
              "asset_category": "EC", "issuer_category": "CORP", "country": "US",
              "fair_value_level": "1", "is_restricted": False,
              "report_date": date(2025, 4, 30), "filing_date": DIA[3], "cik": "0001041130"}
    expected = {
        1: ("Honeywell International Inc", "438516106", "US4385161066",
            "ISRPG12PN4EIEOEMW547", "1162695908.00", "3.180335968149"),
        2: ("Cisco Systems Inc", "17275R102", "US17275R1023", "549300LKFJ962MZ46593",
            "318871424.08", "0.872212804946"),
        30: ("American Express Co", "025816109", "US0258161092", "R4PP93JZOLY261QX3811",
             "1471514569.36", "4.025051331471"),
    }
    for position, (name, cusip, isin, lei, value, pct) in expected.items():
        row = _row(warehouse, DIA[1], position)
        assert row == {**common, "name": name, "title": name, "cusip": cusip, "isin": isin,
                       "lei": lei, "value_usd": D(value), "pct_val": D(pct)}, position


def test_xlk_holdings_row_by_row(warehouse):
    """XLK positions 1 (Adobe), 4 (a State Street money market fund, STIV) and 72 (the
    E-mini future: DE, units NC, negative value, cusip 000000000 kept as written)."""
    adobe = _row(warehouse, XLK[1], 1)
    assert {k: adobe[k] for k in ("series_key", "name", "cusip", "isin", "lei", "balance",
                                  "units", "value_usd", "pct_val", "asset_category",
                                  "issuer_category", "country")} == {
        "series_key": "S000006415", "name": "Adobe Inc", "cusip": "00724F101",
        "isin": "US00724F1012", "lei": "FU4LY2G4933NH2E1CP29", "balance": D("3078477"),
        "units": "NS", "value_usd": D("748316189.16"), "pct_val": D("0.888753168541"),
        "asset_category": "EC", "issuer_category": "CORP", "country": "US"}
    mmf = _row(warehouse, XLK[1], 4)
    assert (mmf["name"], mmf["cusip"], mmf["balance"], mmf["value_usd"], mmf["pct_val"],
            mmf["asset_category"], mmf["issuer_category"]) == (
        "State Street Global Advisors", "857492706", D("23415500.75"), D("23415500.75"),
        D("0.027809902800"), "STIV", "RF")
    future = _row(warehouse, XLK[1], 72)
    assert (future["name"], future["cusip"], future["balance"], future["units"],
            future["value_usd"], future["pct_val"], future["asset_category"],
            future["payoff_profile"]) == (
        "Chicago Mercantile Exchange", "000000000", D("285"), "NC", D("-2288550"),
        D("-0.00271804364"), "DE", None)  # payoffProfile "N/A" is stored NULL
