"""The explorer's own read (etf_assets/serve/page_queries.py) and the ETF page over it,
on SQLite and PostgreSQL, with DIA's real NPORT-P 0001752724-25-158219 (30 positions;
largest Goldman Sachs, 3,024,390,234.8)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import select

from etf_assets import settings
from etf_assets.nport.load import load_nport
from etf_assets.serve import display
from etf_assets.serve import queries as Q
from etf_assets.serve.app import create_app, read_only_engine
from etf_assets.serve.page_queries import top_holdings
from etf_assets.warehouse.engine import make_engine
from etf_assets.warehouse.tables import etf, holding
from etf_assets_tests.fake_edgar.build import DIA_NPORT, fixture_path
from etf_assets_tests.serve_warehouse import DIA_CIK, DIA_CLASS, DIA_FILE, DIA_NAME


def test_top_holdings_and_the_etf_page(warehouse_url):
    url = warehouse_url or settings.warehouse_url()
    engine = make_engine(url)
    with engine.begin() as conn:
        load_nport(conn, fixture_path(DIA_FILE).read_bytes(), accession=DIA_NPORT,
                   filing_date=date(2025, 6, 26), cik=DIA_CIK, url="https://example.invalid")
        conn.execute(etf.insert(), [{
            "class_id": DIA_CLASS, "ticker": "DIA", "series_id": DIA_CLASS, "cik": DIA_CIK,
            "fund_name": DIA_NAME, "is_etf": True, "decision_source": "listed_uit",
            "first_seen": datetime(2026, 1, 5), "last_seen": datetime(2026, 1, 5),
            "active": True}])
    with engine.connect() as conn:
        values = sorted(conn.execute(select(holding.c.value_usd)).scalars(), reverse=True)
        top = top_holdings(conn, DIA_CLASS, 5)
        whole = Q.holdings_report(conn, DIA_CLASS)
    engine.dispose()
    assert top["accession_number"] == whole["accession_number"] == DIA_NPORT
    assert (top["position_count"], top["derivative_count"]) == (30, 0)
    assert [h["value_usd"] for h in top["top"]] == values[:5]
    assert top["top"][0]["name"] == "Goldman Sachs Group Inc/The"
    assert values[0] == Decimal("3024390234.8")  # PostgreSQL keeps the filed scale (.80000000)

    reader = read_only_engine(url)
    app = create_app(reader, api_keys=frozenset(), rate_per_minute=1_000_000)
    with TestClient(app, client=("127.0.0.1", 5000)) as client:
        page = client.get("/etfs/DIA")
        search = client.get("/", params={"q": "dow jones"})
    reader.dispose()
    assert page.status_code == 200
    assert f'data-value="{values[0]}"' in page.text and display.amount(values[0]) in page.text
    assert search.status_code == 200 and 'href="/etfs/DIA"' in search.text
