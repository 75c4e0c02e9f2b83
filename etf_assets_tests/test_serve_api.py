"""The REST API (etf_assets/serve/) over one warehouse per backend (SQLite, PostgreSQL),
loaded once per module from real documents (etf_assets_tests/serve_warehouse.py):
DIA's real NPORT-P 0001752724-25-158219 (30 positions, valUSD sum 36,544,885,644.96, net
assets 36,558,901,941.31, monthly flows), Delaware's real 485BPOS (DDVIX total expenses
0.0069, Russell 1000 Value 1-year 0.1146) and one generated trust (AAAA / AAAB: fees,
N-CSR and prospectus returns, flows, per-share highlights)."""

from __future__ import annotations

import base64
import io
import uuid
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from etf_assets.serve import models
from etf_assets.serve.app import create_app, read_only_engine
from etf_assets.warehouse.engine import make_engine
from etf_assets_tests.conftest import _admin_engine, _postgres_url
from etf_assets_tests.serve_warehouse import (
    AMENDMENT,
    DELAWARE_ACCESSION,
    DIA_CIK,
    DIA_CLASS,
    DIA_POSITIONS,
    DIA_REPORT_DATE,
    DIA_VALUE_SUM,
    GEN_CIK,
    UNLOADED_ACCESSION,
    load_serve_warehouse,
)
from etf_assets_tests.fake_edgar.build import DIA_NPORT

LOOPBACK = ("127.0.0.1", 50000)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres",
                                                                marks=pytest.mark.postgres)])
def warehouse(request, tmp_path_factory):
    """The served warehouse's URL, loaded once per backend for the whole module."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('serve') / 'warehouse.sqlite'}"
        engine = make_engine(url)
        load_serve_warehouse(engine)
        engine.dispose()
        yield url
        return
    base = _postgres_url()
    admin = _admin_engine(base)
    schema = f"etf_test_{uuid.uuid4().hex[:12]}"
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False)
        engine = make_engine(url)
        load_serve_warehouse(engine)
        engine.dispose()
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="module")
def api(warehouse):
    """A loopback client of the app without API keys, over the read-only engine."""
    engine = read_only_engine(warehouse)
    app = create_app(engine, api_keys=frozenset(), rate_per_minute=1_000_000)
    with TestClient(app, client=LOOPBACK) as client:
        yield client
    engine.dispose()


def ok(api, path, model=None, **params) -> dict:
    r = api.get(path, params=params)
    assert r.status_code == 200, (path, r.status_code, r.text[:500])
    body = r.json()
    if model is not None:
        model.model_validate(body)  # the documented contract holds
    return body


def error(api, path, status, **params) -> dict:
    r = api.get(path, params=params)
    assert r.status_code == status, (path, params, r.status_code, r.text[:300])
    body = r.json()
    assert set(body) == {"error"} and body["error"]["status"] == status
    return body["error"]


def parquet(api, path, **params) -> pa.Table:
    r = api.get(path, params={**params, "format": "parquet"})
    assert r.status_code == 200, r.text[:300]
    assert r.headers["content-type"] == "application/vnd.apache.parquet"
    return pq.read_table(io.BytesIO(r.content))


def csv_rows(api, path, **params) -> list[dict]:
    import csv

    r = api.get(path, params={**params, "format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(r.text)))


# --------------------------------------------------------------------------- DIA


def test_dia_holdings_sum_to_the_documents_sum_in_json_csv_and_parquet(api):
    """DIA's NPORT-P 0001752724-25-158219: 30 positions whose valUSD sum to
    36,544,885,644.96, as decimal strings in JSON, exact text in CSV, decimal128 in
    Parquet; the answer names the accession and the report date."""
    body = ok(api, "/api/etfs/DIA/holdings", models.Holdings)
    assert (body["accession_number"], body["report_date"]) == (DIA_NPORT, "2025-04-30")
    assert body["class_id"] == DIA_CLASS and len(body["holdings"]) == DIA_POSITIONS
    assert all(isinstance(h["value_usd"], str) for h in body["holdings"])
    assert sum(Decimal(h["value_usd"]) for h in body["holdings"]) == DIA_VALUE_SUM
    assert Decimal(body["net_assets"]) == Decimal("36558901941.31")
    assert body["derivatives"] == []
    rows = csv_rows(api, "/api/etfs/DIA/holdings")
    assert len(rows) == DIA_POSITIONS and {r["accession_number"] for r in rows} == {DIA_NPORT}
    assert sum(Decimal(r["value_usd"]) for r in rows) == DIA_VALUE_SUM
    table = parquet(api, "/api/etfs/DIA/holdings")
    assert pa.types.is_decimal(table.schema.field("value_usd").type)
    assert table.schema.field("report_date").type == pa.date32()
    assert sum(table.column("value_usd").to_pylist()) == DIA_VALUE_SUM
    assert table.num_rows == DIA_POSITIONS


def test_holdings_answers_carry_an_etag_and_come_from_the_cache(api):
    """A report is immutable under its accession: the second answer is the cached bytes,
    and a client sending the ETag back gets 304."""
    first = api.get("/api/etfs/DIA/holdings")
    again = api.get("/api/etfs/DIA/holdings")
    assert first.content == again.content and first.headers["etag"] == again.headers["etag"]
    assert api.get("/api/etfs/DIA/holdings", headers={
        "If-None-Match": first.headers["etag"]}).status_code == 304
    csv = api.get("/api/etfs/DIA/holdings?format=csv")
    assert csv.headers["etag"] != first.headers["etag"]
    assert csv.headers["content-disposition"] == (
        'attachment; filename="holdings-DIA-2025-04-30.csv"')
    assert api.get("/api/etfs/DIA/holdings?format=csv").content == csv.content


@pytest.mark.parametrize("ticker", ["DIA", "AAAA"])
def test_holdings_parquet_is_the_table_of_the_json_rows(api, ticker):
    """The Parquet answer is built column by column from the driver's rows
    (formats.parquet_from_columns): the same table, types and scales as the Parquet of
    the converted rows (formats.to_parquet), and the same values as the JSON."""
    from etf_assets.serve import formats
    from etf_assets.serve.api import HOLDING_CSV_COLUMNS

    body = ok(api, f"/api/etfs/{ticker}/holdings")
    table = parquet(api, f"/api/etfs/{ticker}/holdings")
    engine = api.app.state.engine
    from etf_assets.serve import queries as Q

    with engine.connect() as conn:
        e = Q.find_etf(conn, ticker)
        report = Q.holdings_report(conn, e["series_id"])
    rows = [{"accession_number": report["accession_number"],
             "report_date": report["report_date"], **h} for h in report["holdings"]]
    expected = pq.read_table(io.BytesIO(formats.to_parquet(rows, HOLDING_CSV_COLUMNS)))
    assert table.schema == expected.schema
    assert table.equals(expected)
    assert table.column("value_usd").to_pylist() == [
        None if h["value_usd"] is None else Decimal(h["value_usd"]) for h in body["holdings"]]


def test_raw_columns_convert_like_the_decimals_they_stand_for():
    """Edge values of the driver's NUMERIC values (SQLite: int / float; PostgreSQL: the
    exact text): exponent forms (1e-07, 1e+16), ints beyond 2**53 and columns of NULLs
    give the same Arrow column as the Decimals ExactDecimal reads."""
    from etf_assets.serve import formats

    def same(raw, decimals):
        new = formats._raw_arrow_column("decimal", tuple(raw))
        old = formats._arrow_column(decimals)
        assert new.type == old.type and new.equals(old), (raw, new, old)

    floats = [None, 1.5, -8.44305e-07, 1e-07, 123456.789, 1e16, 2.5e21, 3]
    same(floats, [None if v is None else Decimal(repr(v)) for v in floats])
    big = [2**53 + 1, 0.25, None, 10**18]
    same(big, [None if v is None else Decimal(repr(v)) for v in big])
    texts = ["36544885644.96", None, "0.000000100", "1E+3", "12"]
    same(texts, [None if v is None else Decimal(v) for v in texts])
    same([None, None], [None, None])
    same([Decimal("1.10"), None], [Decimal("1.10"), None])


def test_holdings_as_of_a_date(api):
    """as_of picks the newest report on or before it; before DIA's only report: 404
    naming what is missing."""
    assert ok(api, "/api/etfs/dia/holdings", as_of="2025-12-31")["accession_number"] == DIA_NPORT
    assert ok(api, "/api/etfs/DIA/holdings",
              as_of=DIA_REPORT_DATE.isoformat())["report_date"] == "2025-04-30"
    err = error(api, "/api/etfs/DIA/holdings", 404, as_of="2025-04-29")
    assert "N-PORT report" in err["message"] and "2025-04-29" in err["message"]
    # AAAA's series has two quarterly reports: as_of between them takes the older one.
    older = ok(api, "/api/etfs/AAAA/holdings", as_of="2026-08-01")
    newer = ok(api, "/api/etfs/AAAA/holdings")
    assert (older["report_date"], newer["report_date"]) == ("2026-06-30", "2026-09-30")
    assert len(newer["holdings"]) == 25 and len(newer["derivatives"]) == 2
    # Two filings of the 2026-09-30 report: the amendment, filed last, is the latest.
    assert (newer["accession_number"], newer["form"]) == (AMENDMENT, "NPORT-P/A")


def test_etf_detail_by_ticker_or_class_id(api):
    dia = ok(api, "/api/etfs/DIA", models.EtfDetail)
    assert ok(api, f"/api/etfs/{DIA_CLASS.lower()}")["class_id"] == DIA_CLASS
    assert dia["status"] == "active" and dia["cik"] == DIA_CIK
    assert Decimal(dia["latest_net_assets"]["net_assets"]) == Decimal("36558901941.31")
    assert dia["newest_report_dates"]["nport"] == "2025-04-30"
    assert dia["tickers"][0]["ticker"] == "DIA"
    aaaa = ok(api, "/api/etfs/AAAA", models.EtfDetail)
    assert aaaa["latest_fees"]["total_annual_expenses"] == "0.0035"
    assert aaaa["latest_expense_ratio"]["expense_ratio"] == "0.0027"
    assert aaaa["newest_report_dates"] == {"nport": "2026-09-30", "ncsr": "2026-06-30",
                                           "prospectus": "2026-04-01",
                                           "annual_flow": "2025-12-31", "ncen": None}
    assert error(api, "/api/etfs/ZZZZ", 404)["message"].startswith("ETF 'ZZZZ' not found")


def test_search_by_ticker_or_name_exact_ticker_first(api):
    items = ok(api, "/api/etfs", models.EtfPage, q="aaa")["items"]
    assert [i["ticker"] for i in items] == ["AAAA", "AAAB"]
    assert [i["ticker"] for i in ok(api, "/api/etfs", q="AAAB")["items"]] == ["AAAB"]
    assert [i["ticker"] for i in ok(api, "/api/etfs", q="dow jones")["items"]] == ["DIA"]
    assert ok(api, "/api/etfs", q="AA_A")["items"] == []  # LIKE's _ is literal
    assert {i["ticker"] for i in ok(api, "/api/etfs")["items"]} == {"AAAA", "AAAB", "DDVIX",
                                                                      "DIA"}


def test_search_index_follows_etf_writes(api, warehouse):
    """The name search is index-backed (SQLite: the trigram table etf_search, kept by
    triggers on etf; PostgreSQL: pg_trgm indexes) and its answers follow etf's writes:
    a new fund is found by a word and by the middle of a word, a renamed one by its new
    name only; the exact LIKE conditions still decide."""
    from datetime import datetime

    from etf_assets.serve import queries as Q
    from etf_assets.warehouse.tables import etf

    engine = make_engine(warehouse)
    now = datetime(2026, 11, 20)
    row = {"class_id": "C000999991", "ticker": "QQZZ", "series_id": "S000999991",
           "cik": "0000999991", "fund_name": "Zanzibar Quantum Equity ETF",
           "class_name": "Shares", "is_etf": True, "decision_source": "ncen",
           "first_seen": now, "last_seen": now, "active": True}

    def found(q):
        return [i["ticker"] for i in ok(api, "/api/etfs", q=q)["items"]]

    try:
        with engine.begin() as conn:
            conn.execute(etf.insert(), [row])
        assert found("zanzibar") == ["QQZZ"] and found("anzib") == ["QQZZ"]
        assert found("QQZ") == ["QQZZ"] and found("zanzibar quantum") == ["QQZZ"]
        assert found("zanzibar equity") == []  # words in this order only, as before
        with engine.begin() as conn:
            conn.execute(etf.update().where(etf.c.class_id == row["class_id"])
                         .values(fund_name="Kalahari Growth ETF"))
        assert found("zanzibar") == [] and found("kalahari") == ["QQZZ"]
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                captured = []
                from sqlalchemy import event

                def grab(_c, _cur, statement, parameters, _ctx, _many):
                    captured.append((statement, parameters))

                event.listen(conn, "before_cursor_execute", grab)
                Q.search_etfs(conn, "kalahari")
                event.remove(conn, "before_cursor_execute", grab)
                statement, params = captured[-1]
                plan = " | ".join(r[3] for r in conn.exec_driver_sql(
                    "EXPLAIN QUERY PLAN " + statement, params))
                assert "etf_search VIRTUAL TABLE" in plan and "SCAN etf " not in plan + " ", plan
            else:
                names = set(conn.execute(text(
                    "SELECT indexname FROM pg_indexes WHERE tablename = 'etf' "
                    "AND schemaname = current_schema()")).scalars())
                assert {"ix_etf_fund_name_trgm", "ix_etf_class_name_trgm",
                        "ix_etf_ticker_trgm"} <= names
    finally:
        with engine.begin() as conn:
            conn.execute(etf.delete().where(etf.c.class_id == row["class_id"]))
        engine.dispose()
    assert found("kalahari") == []


def test_packed_rows_unpack_to_their_columns_or_refuse():
    """PostgreSQL's holdings are read packed (one text per row); the unpacked columns
    are typed like the values they stand for, NULL marks are NULLs, and a row with one
    field too many (a text holding the separator) is refused, not misread."""
    from datetime import date

    from etf_assets.serve import formats
    from etf_assets.serve.formats import PACK_NULL, PACK_SEP, Packed

    rows = [PACK_SEP.join(["1", "Apple Inc", "true", "2026-09-30", "12.50"]),
            PACK_SEP.join(["2", "", "false", PACK_NULL, "0.000000100"]),
            PACK_SEP.join(["3", PACK_NULL, PACK_NULL, PACK_NULL, PACK_NULL])]
    kinds = ["int", "text", "bool", "date", "decimal"]
    table = pq.read_table(io.BytesIO(formats.parquet_from_columns(
        [(f"c{i}", kind, Packed(rows, i, 5)) for i, kind in enumerate(kinds)])))
    assert table.to_pydict() == {
        "c0": [1, 2, 3], "c1": ["Apple Inc", "", None], "c2": [True, False, None],
        "c3": [date(2026, 9, 30), None, None],
        "c4": [Decimal("12.500000000"), Decimal("1.00E-7"), None]}
    assert table.schema.field("c4").type == pa.decimal128(38, 9)
    bad = rows + [PACK_SEP.join(["4", "A" + PACK_SEP + "B", "true", PACK_NULL, "1"])]
    with pytest.raises(formats.PackedMismatch):
        formats.parquet_from_columns([("c0", "int", Packed(bad, 0, 5))])


# --------------------------------------------------------------------------- per ETF


def test_fees_history(api):
    """Delaware's real 485BPOS: DDVIX total 0.0069, effective 2024-04-01."""
    fees = ok(api, "/api/etfs/DDVIX/fees", models.Fees)["items"]
    assert [(f["accession_number"], f["effective_date"], f["total_annual_expenses"])
            for f in fees] == [(DELAWARE_ACCESSION, "2024-04-01", "0.0069")]
    assert [r["total_annual_expenses"] for r in csv_rows(api, "/api/etfs/DDVIX/fees")] == [
        "0.0069"]


def test_performance_side_by_side(api):
    """DDVIX's prospectus returns (Russell 1000 Value 1y 0.1146, as of 2023-12-31); AAAA's
    N-CSR and prospectus returns in the same rows, each with its own period."""
    perf = ok(api, "/api/etfs/DDVIX/performance", models.Performance)
    assert perf["accessions"] == {"ncsr": None, "prospectus": DELAWARE_ACCESSION}
    index = [r for r in perf["items"] if r["subject"] == "index" and r["period"] == "1y"]
    assert [(r["index_name"], r["prospectus_value"], r["prospectus_as_of"]) for r in index] == [
        ("Russell 1000® Value Index", "0.1146", "2023-12-31")]
    aaaa = ok(api, "/api/etfs/AAAA/performance", models.Performance)["items"]
    one = next(r for r in aaaa if r["subject"] == "fund" and r["period"] == "1y")
    assert one["ncsr_as_of"] == "2026-06-30" and one["ncsr_period_start"] == "2025-07-01"
    assert one["prospectus_as_of"] == "2025-12-31"
    assert one["ncsr_value"] is not None and one["prospectus_value"] is not None
    table = parquet(api, "/api/etfs/AAAA/performance")
    assert table.num_rows == len(aaaa) and pa.types.is_decimal(table.schema.field(
        "ncsr_value").type)


def test_flows_monthly_and_annual(api):
    """DIA's real monthly flows (mon1..3 of 0001752724-25-158219); AAAA's 24F-2NT
    blocks cover the whole trust (rptIncludeAllSeriesFlag)."""
    flows = ok(api, "/api/etfs/DIA/flows", models.Flows)
    got = [(m["month_end"], Decimal(m["sales"]), Decimal(m["redemption"]), Decimal(m["net"]))
           for m in flows["monthly"]]
    assert got == [
        ("2025-02-28", Decimal("5034590425.6"), Decimal("3310427924.6"), Decimal("1724162501")),
        ("2025-03-31", Decimal("3951369966.2"), Decimal("4340870537.35"),
         Decimal("-389500571.15")),
        ("2025-04-30", Decimal("5866482730.1"), Decimal("5084629391.5"),
         Decimal("781853338.6"))]
    assert flows["annual"] == []
    aaaa = ok(api, "/api/etfs/AAAA/flows", models.Flows)
    assert [m["month_end"] for m in aaaa["monthly"]] == [
        "2026-04-30", "2026-05-31", "2026-06-30", "2026-07-31", "2026-08-31", "2026-09-30"]
    september = aaaa["monthly"][-1]  # from the NPORT-P/A, not the original
    assert (september["accession_number"], Decimal(september["sales"])) == (
        AMENDMENT, Decimal("1415644.99"))
    assert [a["fiscal_year_end"] for a in aaaa["annual"]] == ["2024-12-31", "2025-12-31"]
    rows = csv_rows(api, "/api/etfs/AAAA/flows")
    assert [r["frequency"] for r in rows] == ["monthly"] * 6 + ["annual"] * 2


def test_per_share_and_filings_of_an_etf(api):
    items = ok(api, "/api/etfs/AAAA/per-share", models.PerShare)["items"]
    fy26 = next(i for i in items if i["period_end"] == "2026-06-30")
    assert [Decimal(fy26[k]) for k in ("nav_begin", "nav_end", "total_distributions")] == [
        Decimal("31.8"), Decimal("30.96"), Decimal("0.768")]
    assert [i["period_end"] for i in items] == sorted({i["period_end"] for i in items},
                                                      reverse=True)
    filings = ok(api, "/api/etfs/AAAA/filings", models.FilingPage)["items"]
    assert len(filings) == 10 and {f["cik"] for f in filings} == {GEN_CIK}
    assert [f["filing_date"] for f in filings] == sorted(
        (f["filing_date"] for f in filings), reverse=True)


# --------------------------------------------------------------------------- trusts, series, filings


def test_trusts_series_and_ticker_history(api):
    trusts = ok(api, "/api/trusts", models.TrustPage)["items"]
    assert [t["cik"] for t in trusts] == ["0000000101", "0000027574", DIA_CIK]
    assert [t["cik"] for t in ok(api, "/api/trusts", q="dow jones")["items"]] == [DIA_CIK]
    assert [t["cik"] for t in ok(api, "/api/trusts", q="1041130")["items"]] == [DIA_CIK]
    dia = ok(api, "/api/trusts/1041130", models.TrustDetail)
    assert (dia["name"], dia["etf_count"]) == ("SPDR DOW JONES INDUSTRIAL AVERAGE ETF TRUST", 1)
    gen = ok(api, f"/api/trusts/{GEN_CIK}", models.TrustDetail)
    assert gen["latest_filings"]["NPORT-P"]["accession_number"] == UNLOADED_ACCESSION
    series = ok(api, "/api/trusts/101/series", models.SeriesPage)["items"]
    assert [s["series_id"] for s in series] == ["S900000000", "S900000001"]
    assert ok(api, "/api/series", models.SeriesPage, cik="27574")["items"][0][
        "series_id"] == "S000002391"
    detail = ok(api, "/api/series/S900000000", models.SeriesDetail)
    assert [c["ticker"] for c in detail["classes"]] == ["AAAA"]
    hist = ok(api, f"/api/series/{DIA_CLASS}/ticker-history", models.TickerHistory)["items"]
    assert [(h["ticker"], h["valid_from"], h["valid_to"]) for h in hist] == [
        ("DIA", "2026-01-05", None)]
    assert error(api, "/api/trusts/999", 404)["message"] == "trust 0000000999 not found"
    assert "S000000001" in error(api, "/api/series/S000000001", 404)["message"]
    tf = ok(api, "/api/trusts/1041130/filings", models.FilingPage)["items"]
    assert [f["accession_number"] for f in tf] == [DIA_NPORT]
    assert tf[0]["sec_url"] == (
        "https://www.sec.gov/Archives/edgar/data/1041130/000175272425158219/")


def test_filings_filters_and_detail(api):
    nports = ok(api, "/api/filings", models.FilingPage, form="nport-p")["items"]
    assert len(nports) == 5 and {f["form"] for f in nports} == {"NPORT-P"}
    assert [f["accession_number"] for f in ok(api, "/api/filings", form="NPORT-P/A")[
        "items"]] == [AMENDMENT]
    window = ok(api, "/api/filings", cik="101", filed_from="2026-08-20",
                filed_to="2026-08-25")["items"]
    assert [(f["filing_date"], f["form"]) for f in window] == [
        ("2026-08-25", "N-CSR"), ("2026-08-20", "NPORT-P"), ("2026-08-20", "NPORT-P")]
    detail = ok(api, f"/api/filings/{DIA_NPORT}", models.FilingDetail)
    assert detail["loaded"] is True
    assert detail["tables"] == {"holding": 30, "holding_identifier": 30,
                                "nport_monthly_flow": 3, "nport_monthly_gain": 3,
                                "nport_monthly_return": 3, "nport_report": 1}
    seen = ok(api, f"/api/filings/{UNLOADED_ACCESSION}", models.FilingDetail)
    assert seen["loaded"] is False and "truncated document" in seen["why_not_loaded"]
    err = error(api, "/api/filings/0000000000-00-000000", 404)
    assert "0000000000-00-000000" in err["message"]
    assert error(api, "/api/filings", 422, filed_from="2026-02-01",
                 filed_to="2026-01-01")["field"] == "filed_from"


def test_queries(api):
    """recent-filings here; the lifecycle queries (latest-state, new-funds, ...) are in
    test_serve_lifecycle.py: this warehouse holds no lifecycle rows."""
    recent = ok(api, "/api/queries/recent-filings", models.FilingPage, since="2026-11-01")
    assert [f["filing_date"] for f in recent["items"]] == ["2026-11-17", "2026-11-10",
                                                           "2026-11-10"]
    assert ok(api, "/api/queries/latest-state", models.LatestStatePage)["items"] == []
    assert ok(api, "/api/queries/new-funds", models.LifecycleFunds)["items"] == []


def test_health(api):
    h = ok(api, "/api/health", models.Health)
    assert (h["status"], h["database"], h["newest_edgar_day_read"]) == ("ok", "ok", "2026-11-19")
    assert h["coverage"]["by_status"] == {"behind": 1} and h["coverage"]["max_lag_days"] == 1
    assert h["etfs"] == 4


# --------------------------------------------------------------------------- pagination, formats


def test_keyset_pagination_follows_next_links(api):
    """limit=1 walks every ETF through `next` links: the same rows as one big page, none
    twice; a cursor that this API did not make is a 422 on `cursor`."""
    whole = [i["class_id"] for i in ok(api, "/api/etfs", limit=1000)["items"]]
    seen, url = [], "/api/etfs?limit=1"
    while url:
        body = api.get(url).json()
        seen += [i["class_id"] for i in body["items"]]
        url = body["next"]
        assert len(seen) <= len(whole)
    assert seen == whole and len(whole) == 4
    filings = [f["accession_number"] for f in ok(api, "/api/filings")["items"]]
    page1 = ok(api, "/api/filings", limit=4)
    page2 = ok(api, "/api/filings", limit=4, cursor=page1["next_cursor"])
    assert [f["accession_number"] for f in page1["items"] + page2["items"]] == filings[:8]
    forged = base64.urlsafe_b64encode(b'["x"]').decode().rstrip("=")
    assert error(api, "/api/filings", 422, cursor=forged)["field"] == "cursor"
    assert error(api, "/api/etfs", 422, cursor="bm90IGpzb24")["field"] == "cursor"


TABULAR = ["/api/trusts", "/api/trusts/101/series", "/api/trusts/101/filings", "/api/series",
           "/api/series/S900000000/ticker-history", "/api/filings", "/api/etfs",
           "/api/etfs/AAAA/holdings", "/api/etfs/AAAA/fees", "/api/etfs/AAAA/performance",
           "/api/etfs/AAAA/flows", "/api/etfs/AAAA/per-share", "/api/etfs/AAAA/filings",
           "/api/queries/recent-filings"]  # the lifecycle queries: test_serve_lifecycle.py


def test_every_tabular_endpoint_answers_csv_and_parquet(api):
    for path in TABULAR:
        rows = csv_rows(api, path)
        table = parquet(api, path)
        assert table.num_rows == len(rows) > 0, path
        assert table.column_names == list(rows[0]), path


# --------------------------------------------------------------------------- hostile input


HOSTILE = [
    ("/api/etfs", {"limit": "10" * 20}, "limit"),
    ("/api/etfs", {"limit": "-1"}, "limit"),
    ("/api/filings", {"limit": "0"}, "limit"),
    ("/api/etfs", {"format": "xml"}, "format"),
    ("/api/etfs", {"q": "A" * 10_240}, "q"),
    ("/api/etfs", {"q": "x'; DROP TABLE etf; --"}, "q"),
    ("/api/trusts", {"q": "' OR 1=1"}, "q"),
    ("/api/filings", {"form": "NPORT-P' OR '1'='1"}, "form"),
    ("/api/filings", {"cik": "1 OR 1=1"}, "cik"),
    ("/api/filings", {"filed_from": "2025-13-01"}, "filed_from"),
    ("/api/etfs/DIA/holdings", {"as_of": "yesterday"}, "as_of"),
    ("/api/etfs", {"cursor": "A" * 10_240}, "cursor"),
    ("/api/trusts/12345678901", {}, "cik"),
    ("/api/trusts/-5", {}, "cik"),
    ("/api/filings/1' OR '1", {}, "accession"),
    ("/api/etfs/" + "A" * 300, {}, "etf_id"),
    ("/api/etfs/DIA%3B%20DROP", {}, "etf_id"),
    ("/api/series/S1", {}, "series_id"),
]


@pytest.mark.parametrize("path,params,field", HOSTILE)
def test_hostile_parameters_get_422_naming_the_field(api, path, params, field):
    err = error(api, path, 422, **params)
    assert err["field"] == field and err["code"] == "invalid_parameter"


def test_no_such_endpoint_is_a_404_in_the_one_shape(api):
    assert error(api, "/api/nothing", 404)["code"] == "not_found"


def test_models_decimals_are_strings_and_pages_keep_their_names():
    """The shared model pieces: a DecimalStr field takes the exact text and refuses a JSON
    number (a float has lost digits), writes a string back; a Page[...] subclass keeps its
    own schema name and the envelope's fields."""
    from pydantic import ValidationError

    fee = models.Fee.model_validate({"accession_number": "0001752724-25-158219",
                                     "filing_date": "2025-06-27", "management_fee": "0.0016"})
    assert fee.management_fee == Decimal("0.0016")
    assert '"management_fee":"0.0016"' in fee.model_dump_json()
    with pytest.raises(ValidationError, match="never a JSON number"):
        models.Fee.model_validate({"accession_number": "0001752724-25-158219",
                                   "filing_date": "2025-06-27", "management_fee": 0.0016})
    schema = models.TrustPage.model_json_schema(mode="serialization")
    assert schema["title"] == "TrustPage" and "description" not in schema
    assert list(schema["properties"]) == ["next_cursor", "next", "items"]
    assert schema["properties"]["items"]["items"] == {"$ref": "#/$defs/Trust"}
