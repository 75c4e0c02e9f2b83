"""The cross-fund endpoints (etf_assets/serve/crossfund.py) over one warehouse per
backend (SQLite, PostgreSQL), loaded once per module: the real NPORT-Ps of DIA
(0001752724-25-158219), XLK (0001410368-26-055331) and SPY (trimmed, 0001410368-26-055357),
plus a second DIA report edited from the real one (report 2025-05-31, INVENTED accession
0009999999-25-000531: Apple up, Boeing down, NIKE sold, Adobe bought; see
test_crossfund.py), and invented fee rows for XLK. `security_holders` is built by the
asset's function. Expected values come from the documents (lxml, test_crossfund.py's
helpers) or are summed by hand in the docstrings."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert

from etf_assets.crossfund.refresh import refresh_security_holders
from etf_assets.nport.load import load_nport
from etf_assets.serve.app import create_app, read_only_engine
from etf_assets.serve.crossfund_models import (
    Changes,
    FeeHistory,
    FlowsVsReturns,
    Overlap,
    SecurityHolders,
)
from etf_assets.warehouse.engine import make_engine
from etf_assets.warehouse.tables import etf, filing, ncsr_expense, prospectus_fee
from etf_assets_tests.test_crossfund import (
    DIA,
    DIA_MAY,
    SPY,
    XLK,
    XLK_FILE,
    _by_cusip,
    _dia_may_document,
    _etf_row,
    _load,
    module_warehouse,
)

LOOPBACK = ("127.0.0.1", 50000)
DIA_APRIL = "0001752724-25-158219"


def _fill(engine) -> None:
    _load(engine, (DIA, XLK, SPY))
    with engine.begin() as conn:
        load_nport(conn, _dia_may_document(), accession=DIA_MAY,
                   filing_date=dt.date(2025, 7, 25), cik="0001041130", url="file://edited")
        conn.execute(insert(etf), [
            _etf_row(DIA, DIA, "0001041130", "DIA", "SPDR Dow Jones Industrial Average ETF Trust"),
            _etf_row("C000017601", XLK, "0001064641", "XLK", "Technology Select Sector SPDR ETF"),
            _etf_row(SPY, SPY, "0000884394", "SPY", "SPDR S&P 500 ETF Trust")])
        conn.execute(insert(filing), [{
            "accession_number": "0000000001-25-000001", "cik": "0001064641", "form": "485BPOS",
            "filing_date": dt.date(2025, 1, 28), "url": "file://invented", "sha256": "0" * 64,
            "parsed_at": dt.datetime(2026, 1, 1)}])
        conn.execute(insert(prospectus_fee), [{
            "accession_number": "0000000001-25-000001", "fee_key": "C000017601",
            "cik": "0001064641", "series_id": XLK, "class_id": "C000017601",
            "filing_date": dt.date(2025, 1, 28), "effective_date": dt.date(2025, 2, 1),
            "management_fee": Decimal("0.0008"), "total_annual_expenses": Decimal("0.0008"),
            "fee_waiver": None, "net_expenses": None}])
        conn.execute(insert(ncsr_expense), [{
            "accession_number": "0000000001-25-000002", "class_key": "C000017601",
            "cik": "0001064641", "series_id": XLK, "class_id": "C000017601",
            "filing_date": dt.date(2025, 12, 1), "period_start": dt.date(2024, 10, 1),
            "period_end": dt.date(2025, 9, 30), "expense_ratio": Decimal("0.0008"),
            "expenses_paid": Decimal("8.47")}])
    refresh_security_holders(engine)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres",
                                                                marks=pytest.mark.postgres)])
def api(request, tmp_path_factory):
    """A loopback client of the app (no keys) over a read-only engine on a warehouse
    loaded once per backend."""
    with module_warehouse(request.param, tmp_path_factory) as url:
        engine = make_engine(url)
        _fill(engine)
        engine.dispose()
        reader = read_only_engine(url)
        app = create_app(reader, api_keys=frozenset(), rate_per_minute=1_000_000)
        with TestClient(app, client=LOOPBACK) as client:
            yield client
        reader.dispose()


def ok(api, path, model=None, **params) -> dict:
    r = api.get(path, params=params)
    assert r.status_code == 200, (path, r.status_code, r.text[:500])
    body = r.json()
    if model is not None:
        model.model_validate(body)
    return body


def error(api, path, status, **params) -> dict:
    r = api.get(path, params=params)
    assert r.status_code == status, (path, r.status_code, r.text[:500])
    return r.json()["error"]


def test_holders_json_csv_parquet(api):
    """Apple (037833100): XLK's 0001410368-26-055331 and DIA's newest report (the edited
    2025-05-31 one, 1,190,000,000.00), largest first, decimals as strings; the total
    across ETFs; the same rows as CSV and as Parquet decimals."""
    xlk = _by_cusip(XLK_FILE)["037833100"]
    body = ok(api, "/api/securities/037833100/holders", SecurityHolders)
    assert [(h["ticker"], h["accession_number"]) for h in body["items"]] == [
        ("XLK", "0001410368-26-055331"), ("DIA", DIA_MAY)]
    # Decimal strings: exact, in the scale the backend keeps (PostgreSQL: as written).
    assert Decimal(body["items"][0]["value_usd"]) == xlk["value"] == Decimal("11472266057.25")
    assert Decimal(body["items"][0]["balance"]) == Decimal(45203775)
    assert Decimal(body["items"][1]["value_usd"]) == Decimal("1190000000")
    assert body["funds"] == 2
    assert Decimal(body["total_value_usd"]) == Decimal("11472266057.25") + Decimal("1190000000")
    assert {k: Decimal(v) for k, v in body["total_balance"].items()} == {
        "NS": Decimal(45203775 + 5600000)}
    assert ok(api, "/api/securities/US0378331005/holders")["items"] == body["items"]
    assert len(ok(api, "/api/securities/037833100/holders", limit=1)["items"]) == 1

    r = api.get("/api/securities/037833100/holders", params={"format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    lines = r.text.splitlines()
    header = lines[0].split(",")
    assert len(lines) == 3
    assert Decimal(lines[1].split(",")[header.index("value_usd")]) == Decimal("11472266057.25")
    r = api.get("/api/securities/037833100/holders", params={"format": "parquet"})
    table = pq.read_table(io.BytesIO(r.content))
    assert table.num_rows == 2
    assert sum(table.column("value_usd").to_pylist()) == Decimal(body["total_value_usd"])

    assert ok(api, "/api/securities/594918103/holders")["items"] == []  # valid, unheld
    err = error(api, "/api/securities/000000000/holders", 422)
    assert err["code"] == "invalid_parameter" and err["field"] == "security_id"
    assert error(api, "/api/securities/NONE/holders", 422)["field"] == "security_id"
    assert error(api, "/api/securities/x;drop/holders", 422)["field"] == "security_id"


def test_overlap_json_and_csv(api):
    """DIA's newest report (edited: Adobe bought, NIKE sold) and XLK: the six common
    securities of the real reports (15.276041898887, summed by hand in
    test_crossfund.py) plus Adobe, whose weight both documents write as 0.888753168541:
    15.276041898887 + 0.888753168541 = 16.164795067428."""
    body = ok(api, "/api/overlap", Overlap, etfs="DIA,XLK")
    assert body["etfs"] == ["DIA", "XLK"] and body["common_count"] == 7
    assert body["overlap_weight"] == "16.164795067428"
    assert body["pairs"] == [{"a": "DIA", "b": "XLK", "common": 7,
                              "overlap_weight": "16.164795067428"}]
    dia, xlk = body["funds"]
    assert (dia["ticker"], dia["accession_number"], dia["alone_count"]) == ("DIA", DIA_MAY, 23)
    assert (xlk["securities"], xlk["alone_count"]) == (75, 68)
    msft = next(c for c in body["common"] if c["security_key"] == "CUSIP:594918104")
    assert {k: Decimal(v) for k, v in msft["weights"].items()} == {
        "DIA": Decimal("5.971779547604"), "XLK": Decimal("10.05184022050")}
    assert msft["min_weight"] == "5.971779547604"

    top = ok(api, "/api/overlap", Overlap, etfs="DIA,XLK", limit=2)
    assert (top["common_count"], top["overlap_weight"]) == (7, "16.164795067428")
    assert [c["security_key"] for c in top["common"]] == [
        c["security_key"] for c in body["common"][:2]]
    assert [(f["alone_count"], len(f["alone"])) for f in top["funds"]] == [(23, 2), (68, 2)]
    assert top["funds"][1]["alone"] == xlk["alone"][:2]

    r = api.get("/api/overlap", params={"etfs": "DIA,XLK", "format": "csv"})
    lines = r.text.splitlines()
    assert len(lines) == 1 + 7 * 2 + 23 + 68
    assert lines[0].startswith("security_key,name,held_by,etf,")

    assert error(api, "/api/overlap", 422, etfs="DIA")["field"] == "etfs"
    assert error(api, "/api/overlap", 422, etfs="DIA,CIK0001041130")["field"] == "etfs"
    assert error(api, "/api/overlap", 404, etfs="DIA,NOPE")["code"] == "not_found"
    assert ok(api, "/api/overlap", etfs="DIA,XLK,SPY")["common_count"] == 0


def test_changes_between_reports(api):
    """DIA's real April report vs the edited May one: Adobe added, NIKE removed, Apple
    increased (+76,504 shares, +16,257,100.00), Boeing decreased, 27 unchanged."""
    body = ok(api, "/api/etfs/DIA/changes", Changes)
    assert body["from"]["accession_number"] == DIA_APRIL
    assert body["to"]["accession_number"] == DIA_MAY
    assert body["counts"] == {"added": 1, "removed": 1, "increased": 1, "decreased": 1,
                              "unchanged": 27}
    apple = next(c for c in body["items"] if c["security_key"] == "CUSIP:037833100")
    assert apple["change"] == "increased"
    assert Decimal(apple["balance_change"]) == 76504
    assert Decimal(apple["value_change"]) == Decimal("16257100.00")
    same = ok(api, "/api/etfs/DIA/changes", **{"from": "2025-04-30", "to": "2025-05-31"})
    assert same == body
    assert ok(api, "/api/etfs/DIA/changes", **{"from": DIA_APRIL})["counts"] == body["counts"]
    reverse = ok(api, "/api/etfs/DIA/changes", **{"from": "2025-05-31", "to": "2025-04-30"})
    assert reverse["counts"]["added"] == 1 and reverse["counts"]["increased"] == 1  # NIKE, Boeing

    r = api.get("/api/etfs/DIA/changes", params={"format": "csv"})
    lines = r.text.splitlines()
    assert len(lines) == 1 + 31 and "from_accession" in lines[0]
    assert all(DIA_APRIL in line and DIA_MAY in line for line in lines[1:])

    assert error(api, "/api/etfs/XLK/changes", 404)["code"] == "not_found"  # one report
    assert error(api, "/api/etfs/DIA/changes", 404, to="2024-01-31")["code"] == "not_found"
    assert error(api, "/api/etfs/DIA/changes", 422, to="2025-13-01")["field"] == "to"
    assert error(api, "/api/etfs/DIA/changes", 422, **{"from": "yesterday"})["field"] == "from"
    assert error(api, "/api/etfs/NOPE/changes", 404)["code"] == "not_found"


def test_fee_history_and_flows_vs_returns(api):
    """XLK's (invented) prospectus fee and TSR rows, oldest first; DIA's monthly flows
    and returns from February to May 2025, each month from the newest report stating
    it: February from the real April report, March-May from the edited May report
    (whose month 1, March, carries the text the real report wrote for February)."""
    fees = ok(api, "/api/etfs/XLK/fees/history", FeeHistory)
    assert [(f["source"], f["as_of"], f["net_expense_ratio"]) for f in fees["items"]] == [
        ("prospectus", "2025-02-01", "0.0008"), ("shareholder_report", "2025-09-30", "0.0008")]
    assert fees["items"][0]["form"] == "485BPOS"
    assert fees["items"][1]["expenses_paid_per_10k"] == "8.47"

    flows = ok(api, "/api/etfs/DIA/flows-vs-returns", FlowsVsReturns)
    months = {m["month_end"]: m for m in flows["items"]}
    assert list(months) == ["2025-02-28", "2025-03-31", "2025-04-30", "2025-05-31"]
    assert months["2025-02-28"]["flow_accession"] == DIA_APRIL
    assert {months[m]["flow_accession"] for m in list(months)[1:]} == {DIA_MAY}
    assert Decimal(months["2025-03-31"]["sales"]) == Decimal("5034590425.60")
    assert Decimal(months["2025-03-31"]["total_return"]) == Decimal("-1.40")
    assert Decimal(months["2025-02-28"]["net_flow"]) == (
        Decimal("5034590425.60") - Decimal("3310427924.60"))
    assert Decimal(months["2025-04-30"]["net_assets"]) == Decimal("36558901941.31")
    r = api.get("/api/etfs/DIA/flows-vs-returns", params={"format": "parquet"})
    assert pq.read_table(io.BytesIO(r.content)).num_rows == 4
    assert error(api, "/api/etfs/NOPE/fees/history", 404)["code"] == "not_found"
