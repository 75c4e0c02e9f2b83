"""The cross-fund explorer pages in a real browser (Debian's chromium through playwright,
etf_assets_tests/browser.py's server, browser, Visit and screenshots): the security page, the compare
page with its chart, the ETF page's changes page, over test_crossfund_api.py's warehouse
(real NPORT-Ps of DIA 0001752724-25-158219, XLK 0001410368-26-055331, trimmed SPY
0001410368-26-055357, and DIA's second report edited from the real one, INVENTED
accession 0009999999-25-000531: Apple up, Boeing down, NIKE sold, Adobe bought).

Every number checked is read from the `holding` table here with its own SQL (not through
etf_assets.crossfund.queries, nor security_holders). Screenshots go to
.test-output/screenshots/crossfund-*.png.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select

from etf_assets.serve.app import create_app, read_only_engine
from etf_assets.warehouse.engine import make_engine
from etf_assets.warehouse.tables import holding
from etf_assets_tests.test_crossfund import DIA_MAY, XLK, module_warehouse
from etf_assets_tests.test_crossfund_api import DIA_APRIL, _fill
from etf_assets_tests.browser import (  # noqa: F401 (module fixtures)
    browser,
    cell_values,
    needs_chromium,
    serve_on_loopback,
    shots,
    visit,
)

XLK_NPORT = "0001410368-26-055331"
APPLE = "037833100"

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Iterator[Engine]:
    with module_warehouse("sqlite", tmp_path_factory) as url:
        engine = make_engine(url)
        _fill(engine)
        yield engine
        engine.dispose()


@pytest.fixture(scope="module")
def base_url(warehouse) -> Iterator[str]:
    with serve_on_loopback(str(warehouse.url)) as base:
        yield base


def _weights(conn, accession: str) -> dict[str, Decimal]:
    """Identity (the issue's rule: CUSIP, else ISIN, else ticker, else LEI + title) ->
    pctVal of one report, lots summed. XLK's Accenture, Seagate, TE Connectivity and NXP
    file "000000000" and an ISIN; its CME future only an LEI and a title."""
    out: dict[str, Decimal] = defaultdict(Decimal)
    for cusip, isin, ticker, lei, title, pct in conn.execute(
            select(holding.c.cusip, holding.c.isin, holding.c.ticker, holding.c.lei,
                   holding.c.title, holding.c.pct_val)
            .where(holding.c.accession_number == accession)):
        key = ((cusip if cusip and cusip not in ("000000000", "N/A") else None) or isin
               or ticker or (f"{lei}:{title}" if lei and title else None))
        if key:
            out[key] += pct
    return dict(out)


def test_security_page_lists_both_holders_from_the_etf_page(visit, warehouse, shots):
    """From DIA's holdings table, Apple's name links to its security page: XLK's
    0001410368-26-055331 first, DIA's newest report (0009999999-25-000531) second, each
    with the value, shares and weight in `holding`, and their total."""
    with warehouse.connect() as conn:
        rows = {acc: (value, balance, pct) for acc, value, balance, pct in conn.execute(
            select(holding.c.accession_number, holding.c.value_usd, holding.c.balance,
                   holding.c.pct_val).where(holding.c.cusip == APPLE,
                                            holding.c.accession_number.in_([XLK_NPORT,
                                                                            DIA_MAY])))}
    assert rows[XLK_NPORT][0] == Decimal("11472266057.25")
    assert rows[DIA_MAY][0] == Decimal("1190000000")
    page = visit.open("/etfs/DIA")
    page.click(f"#top-holdings a[href='/securities/{APPLE}']")
    page.wait_for_url(f"**/securities/{APPLE}")
    table = page.locator("#holders tbody tr")
    assert table.count() == 2
    assert page.eval_on_selector_all("#holders tbody tr td:nth-child(11)",
                                     "cells => cells.map(c => c.innerText)") == [
        XLK_NPORT, DIA_MAY]
    for i, acc in enumerate((XLK_NPORT, DIA_MAY)):
        value, balance, pct = rows[acc]
        assert [Decimal(v) for v in cell_values(page, f"#holders tbody tr:nth-child({i + 1})")] \
            == [value, balance, pct]
    assert page.locator("#holders tbody tr:nth-child(1) td:nth-child(10)").inner_text() \
        == "2026-03-31"
    assert Decimal(page.get_attribute("#holders-total", "data-value")) == \
        rows[XLK_NPORT][0] + rows[DIA_MAY][0]
    assert "$12,662,266,057.25" in page.inner_text("#holders-total")
    assert page.get_attribute("#holder-funds", "data-value") == "2"
    visit.finish(shots, "crossfund-security-apple")


def test_compare_page_overlap_and_chart(visit, warehouse, shots):
    """DIA (its newest report, 0009999999-25-000531) against XLK: the common CUSIPs and
    the overlap by weight summed here from `holding`; the chart draws each fund's weight
    in each common position (2 bars a position); what each holds alone."""
    with warehouse.connect() as conn:
        dia, xlk = _weights(conn, DIA_MAY), _weights(conn, XLK_NPORT)
    common = set(dia) & set(xlk)
    assert len(common) == 7  # the six of the real reports and Adobe, bought in May
    expected = sum(min(dia[c], xlk[c]) for c in common)
    page = visit.open("/compare")
    page.fill("#compare-etfs", "DIA,XLK")
    page.click("form.compare button")
    page.wait_for_url("**/compare?etfs=DIA%2CXLK")
    assert Decimal(page.get_attribute("#overlap-weight", "data-value")) == expected
    assert page.get_attribute("#common-count", "data-value") == "7"
    keys = page.eval_on_selector_all("#common-positions tbody tr",
                                     "rows => rows.map(r => r.dataset.key)")
    assert sorted(keys) == sorted(f"CUSIP:{c}" for c in common)
    # Largest min weight first, each row's weights as the warehouse holds them.
    mins = [min(dia[k[6:]], xlk[k[6:]]) for k in keys]
    assert mins == sorted(mins, reverse=True)
    first = [Decimal(v) for v in cell_values(page, "#common-positions tbody tr:nth-child(1)")]
    assert first[:3] == [dia[keys[0][6:]], xlk[keys[0][6:]], mins[0]]
    assert page.locator("#overlap-chart svg.chart rect.bar").count() == 2 * 7
    bar_values = page.eval_on_selector_all("#overlap-chart rect.bar.s0",
                                           "bars => bars.map(b => b.dataset.value)")
    assert [Decimal(v) for v in bar_values] == [dia[k[6:]] for k in keys]
    page.locator("#overlap-chart").screenshot(path=str(shots / "crossfund-overlap-chart.png"))
    alone = page.locator("table.alone")
    assert alone.count() == 2
    assert alone.nth(0).locator("tbody tr").count() == len(set(dia) - common)
    assert alone.nth(1).locator("tbody tr").count() == len(set(xlk) - common)
    visit.finish(shots, "crossfund-compare-dia-xlk")


def test_changes_page_between_the_two_newest_reports(visit, warehouse, shots):
    """DIA's changes link: April's real report to May's edited one by default: Adobe
    added, NIKE removed, Apple increased, Boeing decreased, values from `holding`."""
    with warehouse.connect() as conn:
        value = dict(conn.execute(select(holding.c.accession_number, holding.c.value_usd)
                                  .where(holding.c.cusip == "097023105")).all())
    page = visit.open("/etfs/DIA")
    page.click("#changes-link")
    page.wait_for_url("**/etfs/DIA/changes")
    text = page.inner_text("#changes-reports")
    assert DIA_APRIL in text and DIA_MAY in text
    counts = dict(page.eval_on_selector_all(
        "#change-counts dd[data-kind]", "dds => dds.map(d => [d.dataset.kind, d.dataset.value])"))
    assert counts == {"added": "1", "removed": "1", "increased": "1", "decreased": "1",
                      "unchanged": "27"}
    for kind, key in (("added", "CUSIP:00724F101"), ("removed", "CUSIP:654106103"),
                      ("increased", "CUSIP:037833100"), ("decreased", "CUSIP:097023105")):
        assert page.eval_on_selector_all(f"table.changes[data-kind={kind}] tbody tr",
                                         "rows => rows.map(r => r.dataset.key)") == [key]
    boeing = [Decimal(v) for v in cell_values(page, "table.changes[data-kind=decreased]")]
    assert boeing[3:6] == [value[DIA_APRIL], value[DIA_MAY], value[DIA_MAY] - value[DIA_APRIL]]
    visit.finish(shots, "crossfund-changes-dia")


def test_crossfund_pages_keep_the_apis_access_rules_and_refuse_bad_input(warehouse):
    """The new pages sit behind the explorer's access check (a remote client without
    keys: 403; with keys and none given: 401 linking /key) and answer bad input in HTML."""
    from fastapi.testclient import TestClient

    engine = read_only_engine(str(warehouse.url))
    open_app = create_app(engine, api_keys=frozenset(), rate_per_minute=1_000_000)
    keyed_app = create_app(engine, api_keys=frozenset({"k" * 32}), rate_per_minute=1_000_000)
    paths = (f"/securities/{APPLE}", "/compare?etfs=DIA,XLK", "/etfs/DIA/changes")
    with TestClient(open_app, client=("10.1.2.3", 5000)) as remote:
        for path in paths:
            assert remote.get(path).status_code == 403, path
    with TestClient(keyed_app, client=("127.0.0.1", 5000)) as local:
        for path in paths:
            r = local.get(path)
            assert r.status_code == 401 and 'href="/key?next=' in r.text, path
            assert local.get(path, headers={"X-API-Key": "k" * 32}).status_code == 200, path
    with TestClient(open_app, client=("127.0.0.1", 5000)) as local:
        placeholder = local.get("/securities/000000000")
        assert placeholder.status_code == 404 and "placeholders" in placeholder.text
        assert placeholder.headers["content-type"].startswith("text/html")
        assert "No ETF" in local.get("/securities/594918103").text  # valid, unheld
        assert local.get("/compare", params={"etfs": "DIA,ZZZZ"}).status_code == 404
        assert local.get("/compare", params={"etfs": "DIA,DIA"}).status_code == 422
        assert local.get("/compare", params={"etfs": ",".join(["DIA"] * 11)}).status_code == 422
        assert "Add another ETF" in local.get("/compare", params={"etfs": "DIA"}).text
        assert local.get("/etfs/DIA/changes", params={"from": "x'--"}).status_code == 422
        gone = local.get("/etfs/DIA/changes", params={"to": "2020-01-31"})
        assert gone.status_code == 404 and "not loaded" in gone.text
        one = local.get("/etfs/XLK/changes")
        assert one.status_code == 200 and "Only one N-PORT report" in one.text
    engine.dispose()
