"""The ETF explorer in a real browser: Debian's chromium (/usr/bin/chromium, installed by
.ci/run with apt; never a downloaded build) driven by playwright, against `serve`'s app
under uvicorn on a loopback port, over the serving tests' warehouse
(etf_assets_tests/serve_warehouse.py): DIA's real NPORT-P 0001752724-25-158219 (30
positions summing to 36,544,885,644.96; net assets 36,558,901,941.31; three months of
flows) and the generated trust's AAAA (fees, N-CSR and prospectus returns, monthly and
annual flows, per-share highlights).

Every number checked is read from the warehouse here with its own SQL (not through
etf_assets.serve.queries). Screenshots of each page go to .test-output/screenshots/ (the
path is printed). One browser for the module; the access rules are checked without it.
"""

from __future__ import annotations

import csv as csv_module
import io
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine, and_, func, or_, select

from etf_assets.serve import display
from etf_assets.serve.app import create_app, read_only_engine
from etf_assets.warehouse.engine import make_engine
from etf_assets.warehouse.tables import (
    filing,
    holding,
    nport_monthly_flow,
    nport_report,
    performance,
    prospectus_fee,
)
from etf_assets_tests.browser import (  # noqa: F401 (module fixtures)
    browser,
    cell_values,
    needs_chromium,
    serve_on_loopback,
    shots,
    visit,
)
from etf_assets_tests.fake_edgar.build import DIA_NPORT
from etf_assets_tests.serve_warehouse import (
    DIA_CIK,
    DIA_POSITIONS,
    DIA_REPORT_DATE,
    DIA_VALUE_SUM,
    GEN_CIK,
    load_serve_warehouse,
)

AAAA_CLASS, AAAA_SERIES = "C900000000", "S900000000"
STANDARD_PERIODS = ("1y", "3y", "5y", "10y", "since_inception")

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path_factory.mktemp('explorer') / 'warehouse.sqlite'}"
    engine = make_engine(url)
    load_serve_warehouse(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def base_url(warehouse) -> Iterator[str]:
    with serve_on_loopback(str(warehouse.url)) as base:
        yield base


def bars(page, selector: str) -> int:
    return page.locator(f"{selector} svg.chart rect.bar").count()


def test_search_then_dia_page_shows_its_nport(visit, warehouse, shots):
    """Search "dia", follow the result, check DIA's page against NPORT-P
    0001752724-25-158219 as loaded: net assets, the 30 positions largest first (the CSV
    it offers sums to the document's 36,544,885,644.96), three months of flows drawn as
    9 bars (sales, redemptions, net)."""
    with warehouse.connect() as conn:
        loaded = conn.execute(select(func.count()).select_from(filing)).scalar_one()
    page = visit.open("/")
    # The landing page: the newest filings loaded, newest first.
    assert page.locator("table.filings tbody tr").count() == min(loaded, 20)
    page.screenshot(path=str(shots / "home.png"), full_page=True)
    page.fill("#q", "dia")
    page.press("#q", "Enter")
    page.wait_for_url("**/?q=dia")
    assert page.locator("table.results tbody tr").count() == 1
    page.screenshot(path=str(shots / "search-dia.png"), full_page=True)
    page.click("table.results a:text-is('DIA')")
    page.wait_for_url("**/etfs/DIA")

    with warehouse.connect() as conn:
        net_assets = conn.execute(select(nport_report.c.net_assets).where(
            nport_report.c.accession_number == DIA_NPORT)).scalar_one()
        months = conn.execute(select(nport_monthly_flow.c.month_end, nport_monthly_flow.c.sales,
                                     nport_monthly_flow.c.redemption)
                              .where(nport_monthly_flow.c.accession_number == DIA_NPORT)
                              .order_by(nport_monthly_flow.c.month_end)).all()
        values = sorted(conn.execute(select(holding.c.value_usd).where(
            holding.c.accession_number == DIA_NPORT)).scalars().all(), reverse=True)
    assert net_assets == Decimal("36558901941.31") and len(months) == 3
    assert len(values) == DIA_POSITIONS and sum(values) == DIA_VALUE_SUM
    assert page.locator("#etf-ticker").inner_text() == "DIA"
    assert page.get_attribute("#net-assets", "data-value") == str(net_assets)
    assert "$36,558,901,941.31" in page.inner_text("#net-assets")
    assert page.get_attribute("#positions-count", "data-value") == str(DIA_POSITIONS)
    assert page.locator("#top-holdings tbody tr").count() == 25
    # Largest first: each row's value (the 7th cell) is the warehouse's, in order.
    shown = page.eval_on_selector_all("#top-holdings tbody tr td:nth-child(7)",
                                      "cells => cells.map(c => c.dataset.value)")
    assert shown == [str(v) for v in values[:25]]
    assert str(DIA_REPORT_DATE) in page.inner_text("#holdings")

    flows = page.locator("#monthly-flows tbody tr")
    assert flows.count() == 3
    for i, (month_end, sales, redemption) in enumerate(months):
        row = flows.nth(i)
        assert row.locator("td").first.inner_text() == month_end.isoformat()
        assert cell_values(page, f"#monthly-flows tbody tr:nth-child({i + 1})")[:3] == [
            str(sales), "0", str(redemption)]
        assert display.amount(sales) in row.inner_text()
    assert bars(page, "#flows") == 3 * len(months)
    # DIA has no fee table or returns in this warehouse: the page says so, no empty chart.
    assert "No prospectus fee table loaded." in page.inner_text("#fees")
    assert "No returns loaded." in page.inner_text("#performance")
    assert "No annual flows (24F-2NT) loaded." in page.inner_text("#flows")

    # The filings timeline links to SEC's archive folder of the accession (not fetched).
    link = page.locator("#filings-timeline a", has_text=DIA_NPORT)
    assert link.get_attribute("href") == (
        f"https://www.sec.gov/Archives/edgar/data/{int(DIA_CIK)}/"
        f"{DIA_NPORT.replace('-', '')}/")
    # The download links are the API's; the CSV has every position.
    csv_href = page.get_attribute("a:text-is('CSV')", "href")
    assert csv_href == "/etfs/DIA/holdings.csv"
    csv = page.request.get(visit.base_url + csv_href)
    assert csv.status == 200
    rows = list(csv_module.DictReader(io.StringIO(csv.text())))
    assert len(rows) == DIA_POSITIONS
    assert sum(Decimal(r["value_usd"]) for r in rows) == DIA_VALUE_SUM
    assert csv.body() == page.request.get(
        visit.base_url + "/api/etfs/DIA/holdings?format=csv").body()
    visit.finish(shots, "etf-DIA")


def test_aaaa_page_fees_performance_flows(visit, warehouse, shots):
    """AAAA: the prospectus fee table (fractions shown as exact percents), the N-CSR and
    prospectus return charts (one bar per subject and standard period, calendar years),
    monthly flows (3 bars a month) and 24F-2NT annual flows, per-share highlights."""
    with warehouse.connect() as conn:
        fee = conn.execute(select(prospectus_fee).where(
            prospectus_fee.c.class_id == AAAA_CLASS)).one()
        scope = or_(performance.c.class_id == AAAA_CLASS,
                    and_(performance.c.class_id.is_(None),
                         performance.c.series_id == AAAA_SERIES))
        newest = {}
        for source in ("ncsr", "prospectus"):
            newest[source] = conn.execute(
                select(performance.c.accession_number)
                .where(performance.c.class_id == AAAA_CLASS, performance.c.source == source)
                .order_by(performance.c.filing_date.desc()).limit(1)).scalar_one()
        charted = {source: conn.execute(
            select(func.count()).select_from(performance).where(
                performance.c.accession_number == acc, scope,
                performance.c.period.in_(STANDARD_PERIODS),
                or_(performance.c.subject == "index",
                    performance.c.measure.is_(None),
                    performance.c.measure == "before_taxes"))).scalar_one()
            for source, acc in newest.items()}
        years = conn.execute(select(func.count(func.distinct(performance.c.year))).where(
            performance.c.accession_number == newest["prospectus"], scope,
            performance.c.subject == "fund", performance.c.period == "calendar_year",
            performance.c.measure == "before_taxes")).scalar_one()
        fund_1y = conn.execute(select(performance.c.value).where(
            performance.c.accession_number == newest["ncsr"], scope,
            performance.c.subject == "fund", performance.c.period == "1y")).scalar_one()
        months = conn.execute(select(func.count(func.distinct(nport_monthly_flow.c.month_end)))
                              .where(nport_monthly_flow.c.series_key == AAAA_SERIES)).scalar_one()
        trust_filings = conn.execute(select(func.count()).select_from(filing)
                                     .where(filing.c.cik == GEN_CIK)).scalar_one()
    assert fee.total_annual_expenses == Decimal("0.0035")
    assert charted["ncsr"] >= 4 and charted["prospectus"] >= 4 and years >= 5 and months == 6

    page = visit.open("/etfs/AAAA")
    fees = cell_values(page, "#fee-table tbody tr")
    assert fees[0] == str(fee.management_fee)
    assert str(fee.total_annual_expenses) in fees
    assert "0.35%" in page.inner_text("#fee-table") and "0.35%" in page.inner_text(
        "#total-expenses")
    assert page.get_attribute("#total-expenses", "data-value") == "0.0035"

    charts = page.locator("#performance svg.chart")
    assert charts.count() == 3
    assert charts.nth(0).locator("rect.bar").count() == charted["ncsr"]
    assert charts.nth(1).locator("rect.bar").count() == charted["prospectus"]
    assert charts.nth(2).locator("rect.bar").count() == years
    assert "Shareholder report (N-CSR) returns" in charts.nth(0).text_content()
    fund_bar = charts.nth(0).locator("rect.bar").first
    assert fund_bar.get_attribute("data-value") == str(fund_1y)
    assert display.fraction_pct(fund_1y) in page.inner_text("#performance-table")

    assert bars(page, "#flows") == 3 * months
    assert page.locator("#monthly-flows tbody tr").count() == months
    assert page.locator("#annual-flows tbody tr").count() == 2
    assert page.locator("#per-share-table thead th").count() >= 3
    assert page.locator("#filings-timeline li").count() == trust_filings
    visit.finish(shots, "etf-AAAA")


def test_trust_and_recent_filings_pages(visit, warehouse, shots):
    with warehouse.connect() as conn:
        trust_filings = conn.execute(select(func.count()).select_from(filing)
                                     .where(filing.c.cik == GEN_CIK)).scalar_one()
        all_filings = conn.execute(select(func.count()).select_from(filing)).scalar_one()
    page = visit.open(f"/trusts/{int(GEN_CIK)}")
    assert [t.inner_text() for t in page.locator("#trust-etfs tbody tr td:first-child a")
            .all()] == ["AAAA", "AAAB"]
    assert page.locator("#filings table.filings tbody tr").count() == trust_filings
    page.screenshot(path=str(shots / "trust-101.png"), full_page=True)
    page = visit.open("/filings")
    rows = page.locator("table.filings tbody tr")
    dates = [date.fromisoformat(rows.nth(i).locator("td").first.inner_text())
             for i in range(rows.count())]
    assert dates == sorted(dates, reverse=True) and len(dates) == min(all_filings, 100)
    visit.finish(shots, "filings")


def test_api_docs_render_offline(visit, shots):
    """/docs is Swagger UI from the installed package (no CDN: the test's browser would
    record any request that fails or leaves loopback): it renders every /api operation,
    each with its path, from /openapi.json."""
    page = visit.open("/docs")
    page.wait_for_selector(".opblock", timeout=15_000)
    scripts = page.eval_on_selector_all("script[src], link[rel=stylesheet]",
                                        "els => els.map(e => e.src || e.href)")
    assert scripts and all(u.startswith(visit.base_url + "/docs-static/") for u in scripts)
    paths = set(page.eval_on_selector_all(".opblock-summary-path",
                                          "els => els.map(e => e.dataset.path)"))
    assert {"/api/health", "/api/etfs/{etf_id}/holdings", "/api/trusts/{cik}/refresh"} <= paths
    visit.finish(shots, "api-docs")


# --------------------------------------------------------------- access (no browser)


def test_pages_keep_the_apis_access_rules(warehouse):
    from fastapi.testclient import TestClient

    engine = read_only_engine(str(warehouse.url))
    open_app = create_app(engine, api_keys=frozenset(), rate_per_minute=1_000_000)
    keyed_app = create_app(engine, api_keys=frozenset({"k" * 32}), rate_per_minute=1_000_000)
    with TestClient(open_app, client=("10.1.2.3", 5000)) as remote:
        r = remote.get("/etfs/DIA")
        assert r.status_code == 403 and "loopback" in r.text
        assert r.headers["content-type"].startswith("text/html")
        assert remote.get("/static/explorer.css").status_code == 403
    key = "k" * 32
    with TestClient(keyed_app, client=("127.0.0.1", 5000)) as local:
        refused = local.get("/etfs/DIA")
        assert refused.status_code == 401 and 'href="/key?next=/etfs/DIA"' in refused.text
        assert local.get("/etfs/DIA", headers={"X-API-Key": key}).status_code == 200
        # A browser enters the key once (/key); the pages, not /api, accept its cookie.
        assert local.get("/key").status_code == 200
        assert local.post("/key", data={"key": "x" * 32}).status_code == 401
        saved = local.post("/key", data={"key": key, "next": "/etfs/DIA"},
                           follow_redirects=False)
        assert saved.status_code == 303 and saved.headers["location"] == "/etfs/DIA"
        cookie = saved.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        assert local.get("/etfs/DIA").status_code == 200
        assert local.get("/api/etfs/DIA").status_code == 401
        download = local.get("/etfs/DIA/holdings.parquet")
        assert download.status_code == 200 and download.content == local.get(
            "/api/etfs/DIA/holdings", params={"format": "parquet"},
            headers={"X-API-Key": key}).content
        away = local.post("/key", data={"key": key, "next": "//evil.example/x"},
                          follow_redirects=False)
        assert away.headers["location"] == "/"
        local.cookies.clear()
        local.cookies.set("etf_api_key", "y" * 32)
        assert local.get("/filings").status_code == 401
    with TestClient(open_app, client=("127.0.0.1", 5000)) as local:
        missing = local.get("/etfs/ZZZZ")
        assert missing.status_code == 404 and "ZZZZ" in missing.text
        assert local.get("/trusts/999999").status_code == 404
        hostile = local.get("/", params={"q": "x'; drop table etf; --"})
        assert hostile.status_code == 422 and "letters, digits" in hostile.text
        assert local.get("/", params={"q": "x" * 10_000}).status_code == 422
        assert local.get("/filings", params={"form": "N-1A;"}).status_code == 422
        assert local.get("/static/../app.py").status_code == 404
        assert local.get("/key").status_code == 404  # no keys: nothing to enter
        assert local.get("/etfs/DIA/holdings.exe").status_code == 404
    engine.dispose()
