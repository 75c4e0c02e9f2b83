"""The lifecycle queries through the serving app (/api/queries/upcoming-effective-dates,
/delayed-funds, /new-funds, /closed-funds, /latest-state) and the explorer's ETF page,
on SQLite and PostgreSQL, with `today` injected.

One small warehouse per backend: iShares Trust's real 485APOS headers (CIK 1100663)
0001193125-24-100942 (filed 2024-04-18, new series S000085693 "iShares U.S.
Manufacturing ETF", class C000251033) and 0001193125-24-066744 (filed 2024-03-13, new
series S000085230) through the lifecycle loader, plus generated events (a ticker for
S000085230, a delayed series, a closed series) in the same trust. Expected dates are
computed here from the filing dates (Rule 485(a)(2): 75 days for a new series)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from etf_assets.lifecycle.events import (
    CLOSED,
    DELAYED,
    PROPOSED,
    SERIES_LEVEL,
    TRADING,
    Event,
    header_events,
)
from etf_assets.lifecycle.header import parse_header
from etf_assets.lifecycle.load import rebuild_state, record_header
from etf_assets.serve import models
from etf_assets.serve.app import create_app, read_only_engine
from etf_assets.universe.parse import MfClass
from etf_assets.warehouse.engine import make_engine
from etf_assets.warehouse.universe import load_universe
from etf_assets_tests.conftest import _admin_engine, _postgres_url
from etf_assets_tests.fake_edgar.build import fixture_path

CIK = "0001100663"
APOS = ("submissions_txt/0001100663_0001193125-24-100942_485APOS_header.txt",
        "0001193125-24-100942", date(2024, 4, 18), "S000085693")
APOS_2 = ("submissions_txt/0001100663_0001193125-24-066744_485APOS_header_only.txt",
          "0001193125-24-066744", date(2024, 3, 13), "S000085230")
MANUFACTURING_EXPECTED = APOS[2] + timedelta(days=75)  # 2024-07-02
LAUNCHED = date(2024, 6, 3)  # generated: S000085230's ticker appears
DELAYED_SERIES, DELAYED_TO = "S999999901", date(2024, 7, 10)  # generated 485BXT
CLOSED_SERIES, CLOSED_ON = "S999999902", date(2024, 5, 31)  # generated N-8F
TODAY = date(2024, 6, 20)
NOW = datetime(2024, 6, 20, 12, 0)
LOOPBACK = ("127.0.0.1", 50000)


def _load(engine) -> None:
    with engine.begin() as conn:
        # The new class as SEC's ticker file would list it once trading (the ETF page).
        load_universe(conn, [MfClass(CIK, APOS[3], "C000251033", "MFGX")], NOW)
        for path, *_ in (APOS, APOS_2):
            raw = fixture_path(path).read_bytes()
            h = parse_header(raw)
            record_header(conn, CIK, h, header_events(CIK, h), url="https://example.invalid/h",
                          raw=raw, designated=None, now=NOW)
        generated = [
            Event(CIK, APOS_2[3], SERIES_LEVEL, TRADING, "ticker:NEWF", LAUNCHED, ticker="NEWF"),
            Event(CIK, DELAYED_SERIES, SERIES_LEVEL, PROPOSED, "0009999999-24-000001",
                  date(2024, 4, 1), form="485APOS", accession_number="0009999999-24-000001",
                  effective_date=date(2024, 6, 15), series_name="Generated Delayed ETF"),
            Event(CIK, DELAYED_SERIES, SERIES_LEVEL, DELAYED, "0009999999-24-000002",
                  date(2024, 6, 10), form="485BXT", accession_number="0009999999-24-000002",
                  effective_date=DELAYED_TO),
            Event(CIK, CLOSED_SERIES, SERIES_LEVEL, TRADING, "ticker:GONE", date(2023, 1, 3),
                  ticker="GONE"),
            Event(CIK, CLOSED_SERIES, SERIES_LEVEL, CLOSED, "0009999999-24-000003", CLOSED_ON,
                  form="N-8F", accession_number="0009999999-24-000003"),
        ]
        rebuild_state(conn, CIK, NOW, generated)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres",
                                                                marks=pytest.mark.postgres)])
def api(request, tmp_path_factory):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('lc') / 'warehouse.sqlite'}"
        admin = schema = None
    else:
        base = _postgres_url()
        admin = _admin_engine(base)
        schema = f"etf_test_{uuid.uuid4().hex[:12]}"
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False)
    try:
        engine = make_engine(url)
        _load(engine)
        engine.dispose()
        ro = read_only_engine(url)
        app = create_app(ro, api_keys=frozenset(), rate_per_minute=1_000_000,
                         today=lambda: TODAY)
        with TestClient(app, client=LOOPBACK) as client:
            yield client
        ro.dispose()
    finally:
        if admin is not None:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


def get(api, path, **params) -> dict:
    r = api.get(path, params=params)
    assert r.status_code == 200, (path, r.status_code, r.text[:400])
    body = r.json()
    models.LifecycleFunds.model_validate(body)
    assert body["today"] == TODAY.isoformat()
    return body


def series_on(body) -> list[tuple[str, str]]:
    return [(r["series_id"], r["on"]) for r in body["items"]]


def test_upcoming_effective_dates_count_days_from_the_injected_today(api):
    """S000085693's 485APOS filed 2024-04-18: expected effective 75 days later
    (2024-07-02, 12 days after today); the generated delayed fund's new date 2024-07-10."""
    body = get(api, "/api/queries/upcoming-effective-dates", days=30)
    assert series_on(body) == [(APOS[3], MANUFACTURING_EXPECTED.isoformat()),
                               (DELAYED_SERIES, DELAYED_TO.isoformat())]
    first = body["items"][0]
    assert (first["state"], first["state_evidence"], first["series_name"]) == (
        PROPOSED, APOS[1], "iShares U.S. Manufacturing ETF")
    assert series_on(get(api, "/api/queries/upcoming-effective-dates",
                         days=(MANUFACTURING_EXPECTED - TODAY).days)) == [
        (APOS[3], MANUFACTURING_EXPECTED.isoformat())]
    assert get(api, "/api/queries/upcoming-effective-dates", days=11)["items"] == []
    assert get(api, "/api/queries/upcoming-effective-dates")["days"] == 30  # the default


def test_delayed_new_and_closed_funds(api):
    delayed = get(api, "/api/queries/delayed-funds")["items"]
    assert [(r["series_id"], r["on"], r["delays"], r["state_evidence"]) for r in delayed] == [
        (DELAYED_SERIES, DELAYED_TO.isoformat(), 1, "0009999999-24-000002")]
    new = get(api, "/api/queries/new-funds", days=30)
    assert series_on(new) == [(APOS_2[3], LAUNCHED.isoformat())]
    assert new["items"][0]["proposed_on"] == APOS_2[2].isoformat()
    assert get(api, "/api/queries/new-funds", days=(TODAY - LAUNCHED).days - 1)["items"] == []
    assert series_on(get(api, "/api/queries/closed-funds")) == [
        (CLOSED_SERIES, CLOSED_ON.isoformat())]
    assert series_on(get(api, "/api/queries/closed-funds", days=(TODAY - CLOSED_ON).days)) == [
        (CLOSED_SERIES, CLOSED_ON.isoformat())]
    assert get(api, "/api/queries/closed-funds", days=(TODAY - CLOSED_ON).days - 1)["items"] == []


def test_latest_state_is_the_lifecycle_rollup(api):
    r = api.get("/api/queries/latest-state", params={"cik": "1100663"})
    assert r.status_code == 200, r.text[:300]
    body = r.json()
    models.LatestStatePage.model_validate(body)
    by_key = {(s["series_id"], s["class_key"]): s for s in body["items"]}
    manufacturing = by_key[(APOS[3], "")]
    assert (manufacturing["state"], manufacturing["state_since"],
            manufacturing["expected_effective_date"], manufacturing["evidence_accession"],
            manufacturing["sec_url"]) == (
        PROPOSED, APOS[2].isoformat(), MANUFACTURING_EXPECTED.isoformat(), APOS[1],
        "https://www.sec.gov/Archives/edgar/data/1100663/000119312524100942/")
    assert by_key[(APOS[3], "C000251033")]["state"] == PROPOSED
    assert (by_key[(APOS_2[3], "")]["state"], by_key[(APOS_2[3], "")]["evidence_accession"]) == (
        TRADING, None)  # the evidence is a ticker, not a filing
    assert by_key[(CLOSED_SERIES, "")]["state"] == CLOSED
    only = api.get("/api/queries/latest-state", params={"state": "delayed"}).json()["items"]
    assert [(s["series_id"], s["expected_effective_date"]) for s in only] == [
        (DELAYED_SERIES, DELAYED_TO.isoformat())]
    page1 = api.get("/api/queries/latest-state", params={"limit": 2}).json()
    page2 = api.get(page1["next"]).json()
    assert len(page1["items"]) == 2 and page2["items"][0] not in page1["items"]


def test_csv_and_parquet(api):
    import csv
    import io

    import pyarrow.parquet as pq

    r = api.get("/api/queries/upcoming-effective-dates", params={"format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [(x["series_id"], x["on"]) for x in rows][0] == (
        APOS[3], MANUFACTURING_EXPECTED.isoformat())
    r = api.get("/api/queries/closed-funds", params={"format": "parquet"})
    table = pq.read_table(io.BytesIO(r.content))
    assert table.column("closed_since").to_pylist() == [CLOSED_ON]
    for path in ("/api/queries/latest-state", "/api/queries/new-funds",
                 "/api/queries/delayed-funds"):
        for fmt in ("csv", "parquet"):
            r = api.get(path, params={"format": fmt})
            assert r.status_code == 200 and len(r.content) > 0, (path, fmt)


@pytest.mark.parametrize("path", ["/api/queries/upcoming-effective-dates",
                                  "/api/queries/new-funds", "/api/queries/closed-funds"])
@pytest.mark.parametrize("days", ["-1", "3661", "1;DROP TABLE lifecycle_state", "1e9", "",
                                  "99999999999999999999999", "0x10"])
def test_hostile_days_are_422_naming_the_field(api, path, days):
    r = api.get(path, params={"days": days})
    assert r.status_code == 422, (days, r.text[:200])
    assert r.json()["error"]["field"] == "days"


def test_etf_page_shows_the_lifecycle(api):
    """The explorer's page of C000251033: state proposed since the 485APOS's filing date,
    the expected date, the events with the accession linked to SEC's archive."""
    r = api.get("/etfs/C000251033")
    assert r.status_code == 200, r.text[:300]
    html = r.text
    section = html[html.index('id="lifecycle"'):html.index('id="filings"')]
    assert "proposed</span>" in section and f"since {APOS[2].isoformat()}" in section
    assert f"expected effective {MANUFACTURING_EXPECTED.isoformat()}" in section
    assert ('href="https://www.sec.gov/Archives/edgar/data/1100663/000119312524100942/"'
            in section)
    assert section.count("<tr>") == 1 + 2  # header + the series' and the class's event
