"""Cross-fund questions (etf_assets/crossfund/): position identity, the derived
`security_holders` table and its asset, and the query functions (who holds a security,
overlap, changes, fee history, flows against returns), on SQLite and PostgreSQL.

Real N-PORT documents (etf_assets_tests/fixtures/sec/nport, see ../PROVENANCE.md):

* DIA, SPDR Dow Jones Industrial Average ETF Trust (a UIT, series key CIK0001041130),
  NPORT-P 0001752724-25-158219, report date 2025-04-30: 30 positions;
* XLK, Technology Select Sector SPDR ETF (S000006415), NPORT-P 0001410368-26-055331,
  report date 2026-03-31: 76 positions, five with CUSIP "000000000";
* SPY trimmed (8 positions, three with CUSIP "000000000"), under SPY's real accession
  0001410368-26-055357 of that report;
* Global X DAX Germany ETF (S000063351), CUSIP "N/A" everywhere but Qiagen's
  (N72482149 with its NL ISIN), under the INVENTED accession 0009999999-24-000001.

Filing dates are invented (the documents do not carry them). Expected values are read
from the XML with lxml (XPath by local name) in this file, never from the parser or the
code under test, and the DIA-XLK overlap is also summed by hand below. The changes test
uses a second DIA report made here from the real one by editing its text (a report of
2025-05-31 under the INVENTED accession 0009999999-25-000531), so the expected changes
are known by construction.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest
from dagster import (
    AssetKey,
    AssetSelection,
    AssetMaterialization,
    DagsterInstance,
    evaluate_automation_conditions,
    materialize,
)
from lxml import etree
from sqlalchemy import delete, func, insert, select, text, update

from etf_assets.crossfund.identity import (
    identity,
    lookup_terms,
    normalize_cusip,
    normalize_isin,
    normalize_lei,
    normalize_ticker,
)
from etf_assets.crossfund.queries import (
    EtfRef,
    changes,
    fee_history,
    flows_vs_returns,
    holders,
    overlap,
    pick_older,
    pick_report,
    reports_of,
    resolve_etf,
)
from etf_assets.crossfund.refresh import (
    latest_problems,
    refresh_security_holders,
    totals_mismatches,
)
from etf_assets.nport.load import load_nport
from etf_assets.warehouse.engine import make_engine
from etf_assets.warehouse.tables import (
    etf,
    filing,
    holding,
    ncsr_expense,
    nport_report,
    per_share_ratio,
    prospectus_fee,
    security_holders,
)
from etf_assets.warehouse.upgrade import upgrade_schema
from etf_assets_tests.conftest import _admin_engine, _postgres_url

NPORT = Path(__file__).parent / "fixtures" / "sec" / "nport"
DIA_FILE = NPORT / "0001041130_0001752724-25-158219_DIA_NPORT-P_2025-04-30.xml"
XLK_FILE = NPORT / "0001064641_0001410368-26-055331_XLK_NPORT-P_2026-03-31.xml"
SPY_FILE = NPORT / "0000884394_SPY_NPORT_trimmed.xml"
GLOBALX_FILE = NPORT / "0001432353_GlobalX_DAX_Germany_ETF_NPORT-P_2024-01-31.xml"

DIA, XLK, SPY, GLOBALX = "CIK0001041130", "S000006415", "CIK0000884394", "S000063351"
# (file, accession, filer CIK, invented filing date)
REPORTS = {
    DIA: (DIA_FILE, "0001752724-25-158219", "0001041130", dt.date(2025, 6, 26)),
    XLK: (XLK_FILE, "0001410368-26-055331", "0001064641", dt.date(2026, 5, 28)),
    SPY: (SPY_FILE, "0001410368-26-055357", "0000884394", dt.date(2026, 5, 28)),
    GLOBALX: (GLOBALX_FILE, "0009999999-24-000001", "0001432353", dt.date(2024, 3, 27)),
}
DIA_MAY = "0009999999-25-000531"


# ----------------------------------------------------------------- independent reading


def _positions(path: Path) -> list[dict]:
    """Every invstOrSec of a document: cusip, first isin, value, balance, pctVal as
    written (lxml, by local name)."""
    root = etree.fromstring(path.read_bytes().strip())
    out = []
    for p in root.iter("{*}invstOrSec"):
        def text(tag):
            el = p.find("{*}" + tag)
            return None if el is None else el.text
        isin = p.find("{*}identifiers/{*}isin")
        out.append({"name": text("name"), "cusip": text("cusip"),
                    "isin": None if isin is None else isin.get("value"),
                    "value": Decimal(text("valUSD")), "balance": Decimal(text("balance")),
                    "pct": Decimal(text("pctVal"))})
    return out


def _by_cusip(path: Path) -> dict[str, dict]:
    """Positions with a real CUSIP, lots summed (XLK holds CUSIP 857492706 twice)."""
    out: dict[str, dict] = {}
    for p in _positions(path):
        if p["cusip"] in (None, "N/A", "000000000"):
            continue
        if p["cusip"] in out:
            q = out[p["cusip"]]
            out[p["cusip"]] = {**q, "value": q["value"] + p["value"],
                               "balance": q["balance"] + p["balance"],
                               "pct": q["pct"] + p["pct"]}
        else:
            out[p["cusip"]] = p
    return out


def _dia_may_document() -> bytes:
    """DIA's real report edited into a report of 2025-05-31: Apple 5,523,496 -> 5,600,000
    shares (valUSD 1,173,742,900.00 -> 1,190,000,000.00), Boeing 5,523,496 -> 5,000,000
    shares (valUSD 1,012,125,407.04 -> 900,000,000.00), NIKE sold, Adobe bought (XLK's
    Adobe position, as written there)."""
    text = DIA_FILE.read_text()
    text = text.replace("<repPdDate>2025-04-30</repPdDate>", "<repPdDate>2025-05-31</repPdDate>")

    def block(doc: str, cusip: str) -> str:
        at = doc.index(f"<cusip>{cusip}</cusip>")
        start = doc.rindex("<invstOrSec>", 0, at)
        return doc[start:doc.index("</invstOrSec>", at) + len("</invstOrSec>")]

    apple = block(text, "037833100")
    text = text.replace(apple, apple.replace("<balance>5523496.00000000</balance>",
                                             "<balance>5600000.00000000</balance>")
                        .replace("<valUSD>1173742900.00000000</valUSD>",
                                 "<valUSD>1190000000.00000000</valUSD>"))
    boeing = block(text, "097023105")
    text = text.replace(boeing, boeing.replace("<balance>5523496.00000000</balance>",
                                               "<balance>5000000.00000000</balance>")
                        .replace("<valUSD>1012125407.04000000</valUSD>",
                                 "<valUSD>900000000.00000000</valUSD>"))
    nike = block(text, "654106103")
    adobe = block(XLK_FILE.read_text(), "00724F101")
    text = text.replace(nike, adobe)
    return text.encode()


# ----------------------------------------------------------------- warehouse


def _load(engine, which=(DIA, XLK, SPY, GLOBALX)) -> None:
    with engine.begin() as conn:
        for key in which:
            path, accession, cik, filed = REPORTS[key]
            load_nport(conn, path.read_bytes(), accession=accession, filing_date=filed,
                       cik=cik, url=f"file://{path.name}")


def _engine(warehouse_url: str):
    return make_engine(warehouse_url or None)


def _etf_row(class_id, series_id, cik, ticker, name):
    now = dt.datetime(2026, 6, 1)
    return {"class_id": class_id, "ticker": ticker, "series_id": series_id, "cik": cik,
            "fund_name": name, "is_etf": True, "decision_source": "ncen",
            "first_seen": now, "last_seen": now, "active": True}


def _fill(engine) -> None:
    """DIA, XLK, SPY and Global X loaded, their ETF rows, `security_holders` built."""
    _load(engine)
    with engine.begin() as conn:
        conn.execute(insert(etf), [
            _etf_row(DIA, DIA, "0001041130", "DIA", "SPDR Dow Jones Industrial Average ETF Trust"),
            _etf_row("C000017601", XLK, "0001064641", "XLK", "Technology Select Sector SPDR ETF"),
            _etf_row(SPY, SPY, "0000884394", "SPY", "SPDR S&P 500 ETF Trust")])
    result = refresh_security_holders(engine, reports_per_transaction=1)
    assert result.reports_built == 4 and result.rows_deleted == 0


@contextmanager
def module_warehouse(kind: str, tmp_path_factory) -> Iterator[str]:
    """A warehouse URL for a whole module: a SQLite file, or a schema of its own on the
    test PostgreSQL (dropped afterwards)."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('crossfund') / 'warehouse.sqlite'}"
        return
    base = _postgres_url()
    admin = _admin_engine(base)
    schema = f"etf_test_{uuid.uuid4().hex[:12]}"
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres",
                                                                marks=pytest.mark.postgres)])
def shared(request, tmp_path_factory):
    """The filled warehouse, once per backend, for the tests that only read."""
    with module_warehouse(request.param, tmp_path_factory) as url:
        engine = make_engine(url)
        _fill(engine)
        yield engine
        engine.dispose()


@pytest.fixture
def loaded(warehouse_url):
    """The filled warehouse of one test (it changes it)."""
    engine = _engine(warehouse_url)
    _fill(engine)
    yield engine
    engine.dispose()


# ----------------------------------------------------------------- identity (pure)


def test_identity_normalizes_and_placeholders_never_match():
    """Check digits decide: real identifiers of the fixtures pass, placeholders and
    one-digit typos do not."""
    assert normalize_cusip("037833100") == "037833100"
    assert normalize_cusip(" 17275r102 ") == "17275R102"
    for bad in ("000000000", "N/A", "037833101", "03783310", "999999999", "", None, "XXXXXXXXX"):
        assert normalize_cusip(bad) is None, bad
    assert normalize_isin("US0378331005") == "US0378331005"
    assert normalize_isin("NL0015001WM6") == "NL0015001WM6"
    for bad in ("US0378331006", "US0000000000", "N/A", "US037833100"):
        assert normalize_isin(bad) is None, bad
    assert normalize_lei("HWUPKR0MPOU8FGXBT394") == "HWUPKR0MPOU8FGXBT394"
    assert normalize_lei("HWUPKR0MPOU8FGXBT395") is None
    assert normalize_lei("N/A") is None
    assert normalize_ticker(" aapl ") == "AAPL"
    assert normalize_ticker("N/A") is None and normalize_ticker("0") is None

    # CUSIP first; a US ISIN alone gives the same key (its CUSIP is inside it).
    apple = identity(cusip="037833100", isin="US0378331005", ticker=None,
                     lei="HWUPKR0MPOU8FGXBT394", title="Apple Inc")
    assert (apple.key, apple.kind) == ("CUSIP:037833100", "cusip")
    assert identity(cusip="000000000", isin="US0378331005", ticker=None, lei=None,
                    title=None).key == "CUSIP:037833100"
    # A foreign ISIN is the key even beside a CINS CUSIP (Qiagen in Global X's report).
    qiagen = identity(cusip="N72482149", isin="NL0015001WM6", ticker=None, lei=None, title=None)
    assert qiagen.key == "ISIN:NL0015001WM6" and qiagen.cusip == "N72482149"
    # XLK's E-mini future: "000000000", a Bloomberg id only -> issuer LEI + title.
    future = identity(cusip="000000000", isin=None, ticker=None,
                      lei="SNZ2OJLFK8MNNCLQOF39", title="XAK Technology Jun26")
    assert future.key == "LEI:SNZ2OJLFK8MNNCLQOF39:XAK TECHNOLOGY JUN26"
    assert identity(cusip="N/A", isin=None, ticker="FDXMH4", lei=None, title=None).key \
        == "TICKER:FDXMH4"
    nothing = identity(cusip="000000000", isin="N/A", ticker="N/A", lei="N/A", title="x")
    assert nothing.key is None and nothing.kind is None

    assert lookup_terms("US0378331005").cusip == "037833100"
    assert lookup_terms("aapl").ticker == "AAPL"
    assert lookup_terms("CUSIP:037833100").key == "CUSIP:037833100"
    assert lookup_terms("000000000").is_empty() and lookup_terms("N/A").is_empty()


# ----------------------------------------------------------------- security_holders


def test_security_holders_totals_and_keys(shared):
    """Every report's positions and value are kept (lots summed, nothing dropped); the
    placeholder CUSIPs of XLK and SPY are not joined into one security."""
    with shared.connect() as conn:
        assert totals_mismatches(conn) == [] and latest_problems(conn) == []
        rows = conn.execute(select(security_holders).where(
            security_holders.c.series_key == XLK)).mappings().all()
        xlk = _positions(XLK_FILE)
        assert sum(r["positions"] for r in rows) == len(xlk) == 76
        assert len(rows) == 75  # the two 857492706 lots are one line
        sweep = next(r for r in rows if r["security_key"] == "CUSIP:857492706")
        assert sweep["positions"] == 2
        assert sweep["value_usd"] == Decimal("23415500.75") + Decimal("62004869.19")
        keys = [r["security_key"] for r in rows]
        assert len(set(keys)) == len(keys) and not any("000000000" in k for k in keys)
        assert sum(1 for r in rows if r["id_kind"] == "isin") == 4  # Accenture, Seagate, TE, NXP
        assert holders(conn, "000000000").holders == []
        assert holders(conn, "N/A").holders == []


def test_holders_of_a_security_held_by_two_real_funds(shared):
    """Apple (CUSIP 037833100) is held by DIA (0001752724-25-158219) and XLK
    (0001410368-26-055331): both listed, largest first, with their exact values."""
    dia, xlk = _by_cusip(DIA_FILE)["037833100"], _by_cusip(XLK_FILE)["037833100"]
    with shared.connect() as conn:
        for query in ("037833100", "US0378331005", "CUSIP:037833100"):
            result = holders(conn, query)
            assert [(h.ticker, h.accession_number) for h in result.holders] == [
                ("XLK", "0001410368-26-055331"), ("DIA", "0001752724-25-158219")], query
            first, second = result.holders
            assert (first.value_usd, first.balance, first.pct_val) == (
                xlk["value"], xlk["balance"], xlk["pct"])
            assert (second.value_usd, second.balance, second.pct_val) == (
                dia["value"], dia["balance"], dia["pct"])
            assert second.report_date == dt.date(2025, 4, 30)
            assert first.report_date == dt.date(2026, 3, 31)
            assert result.funds == 2
            assert result.total_value_usd == Decimal("11472266057.25") + Decimal("1173742900.00")
            assert result.total_balance == {"NS": Decimal(45203775 + 5523496)}
        # Any identifier the filing gives finds the holding: Qiagen's CINS CUSIP and its
        # ISIN (Global X files both), SAP's ISIN (no CUSIP at all).
        by_cusip = holders(conn, "N72482149").holders
        by_isin = holders(conn, "NL0015001WM6").holders
        assert [h.series_key for h in by_cusip] == [h.series_key for h in by_isin] == [GLOBALX]
        assert by_isin[0].value_usd == Decimal("404998.46")
        (sap,) = holders(conn, "DE0007164600").holders
        assert sap.value_usd == Decimal("5894893.76") and sap.ticker is None  # not an etf row
        assert holders(conn, "037833100", limit=1).funds == 2
        # An LEI names the issuer: Apple's (HWUPKR0MPOU8FGXBT394) finds its stock in both.
        assert sorted(h.series_key for h in holders(conn, "HWUPKR0MPOU8FGXBT394").holders) \
            == [DIA, XLK]
        # A ticker: Global X's Mini-DAX future (ticker FDXMH4, no CUSIP or ISIN).
        (future,) = holders(conn, "fdxmh4").holders
        assert future.security_key == "TICKER:FDXMH4" and future.value_usd == Decimal("369172.28")


def test_overlap_of_dia_and_xlk_summed_by_hand(shared):
    """DIA and XLK have six securities in common (by CUSIP). Overlap by weight = sum of
    the smaller pctVal of each, summed by hand from the two documents:
    AAPL min(3.210552936968, 13.62527358946) + CSCO min(0.872212804946, 2.730502542104)
    + CRM min(4.059800845612, 1.557872057620) + IBM min(3.653533699847, 2.018008429893)
    + MSFT min(5.971779547604, 10.05184022050) + NVDA min(1.645616121856, 15.49758741302)
    = 15.276041898887."""
    dia, xlk = _by_cusip(DIA_FILE), _by_cusip(XLK_FILE)
    common = set(dia) & set(xlk)
    assert common == {"037833100", "17275R102", "79466L302", "459200101", "594918104",
                      "67066G104"}
    with shared.connect() as conn:
        result = overlap(conn, [DIA, XLK])
    assert {c.security_key for c in result.common} == {f"CUSIP:{c}" for c in common}
    assert result.overlap_weight == Decimal("15.276041898887")
    assert result.overlap_weight == sum(min(dia[c]["pct"], xlk[c]["pct"]) for c in common)
    assert [(p.a, p.b, p.common, p.overlap_weight) for p in result.pairs] == [
        (DIA, XLK, 6, Decimal("15.276041898887"))]
    side = {f.series_key: f for f in result.funds}
    assert side[DIA].ticker == "DIA" and side[DIA].securities == 30
    assert len(side[DIA].alone) == 24 and side[DIA].alone[0].security_key == "CUSIP:38141G104"
    assert side[XLK].securities == 75 and len(side[XLK].alone) == 69
    assert side[DIA].common_weight == sum(dia[c]["pct"] for c in common)
    assert side[XLK].common_weight == sum(xlk[c]["pct"] for c in common)
    msft = next(c for c in result.common if c.security_key == "CUSIP:594918104")
    assert msft.weights == {DIA: Decimal("5.971779547604"), XLK: Decimal("10.05184022050")}
    assert msft.min_weight == Decimal("5.971779547604")
    assert result.common[0].security_key == "CUSIP:594918104"  # largest min weight first

    with shared.connect() as conn:
        three = overlap(conn, [DIA, XLK, SPY])  # SPY's 8 trimmed positions: none in both
        with pytest.raises(ValueError):
            overlap(conn, [DIA, DIA])
    assert three.common == [] and three.overlap_weight == 0 and len(three.pairs) == 3


def test_changes_between_two_reports_and_latest_moves(loaded):
    """A second DIA report (edited from the real one, see the module docstring): Adobe
    added, NIKE removed, Apple increased, Boeing decreased, 27 unchanged; the newest
    report becomes the one holders and overlap read, and the rebuild is incremental."""
    with loaded.begin() as conn:
        load_nport(conn, _dia_may_document(), accession=DIA_MAY,
                   filing_date=dt.date(2025, 7, 25), cik="0001041130", url="file://edited")
    result = refresh_security_holders(loaded)
    assert (result.reports_built, result.latest_changed) == (1, 1)
    with loaded.connect() as conn:
        assert totals_mismatches(conn) == [] and latest_problems(conn) == []
        reports = reports_of(conn, DIA)
        assert [r.accession_number for r in reports] == [DIA_MAY, "0001752724-25-158219"]
        older = pick_report(reports, None, default_index=1)
        newer = pick_report(reports, "2025-05-31", default_index=0)
        assert pick_report(reports, "0001752724-25-158219", default_index=0) == older
        assert pick_report(reports, "2024-01-01", default_index=0) is None
        # The changes' "from": the report before `newer`, or the one asked for.
        assert pick_older(reports, newer, None) == older
        assert pick_older(reports, older, None) is None
        assert pick_older(reports, older, dt.date(2025, 5, 31)) == newer
        result = changes(conn, older, newer)
        (apple,) = [h for h in holders(conn, "037833100").holders if h.series_key == DIA]
    assert apple.accession_number == DIA_MAY and apple.value_usd == Decimal("1190000000")
    assert result.counts == {"added": 1, "removed": 1, "increased": 1, "decreased": 1,
                             "unchanged": 27}
    by_kind = {c.change: c for c in result.changes if c.change != "unchanged"}
    assert by_kind["added"].security_key == "CUSIP:00724F101"
    assert by_kind["added"].value_change == Decimal("748316189.16")
    assert by_kind["removed"].security_key == "CUSIP:654106103"
    assert by_kind["removed"].balance_change == Decimal("-5523496")
    assert by_kind["removed"].value_change == Decimal("-311525174.40")
    assert by_kind["increased"].security_key == "CUSIP:037833100"
    assert by_kind["increased"].balance_change == Decimal(5600000 - 5523496)
    assert by_kind["increased"].value_change == Decimal("16257100.00")
    assert by_kind["decreased"].security_key == "CUSIP:097023105"
    assert by_kind["decreased"].value_change == Decimal("900000000") - Decimal("1012125407.04")
    assert result.from_report.accession_number == "0001752724-25-158219"
    assert result.to_report.accession_number == DIA_MAY
    # Largest value change first: Adobe's purchase.
    assert result.changes[0].security_key == "CUSIP:00724F101"

    # A reload of the older accession rebuilds it alone; deleting the newer moves latest back.
    with loaded.begin() as conn:
        path, accession, cik, filed = REPORTS[DIA]
        load_nport(conn, path.read_bytes(), accession=accession, filing_date=filed, cik=cik,
                   url="file://again", parsed_at=dt.datetime(2026, 1, 1))
    again = refresh_security_holders(loaded)
    assert (again.reports_built, again.rows_deleted, again.latest_changed) == (1, 30, 0)
    with loaded.begin() as conn:
        for table in (security_holders, holding, nport_report):
            conn.execute(delete(table).where(table.c.accession_number == DIA_MAY))
    back = refresh_security_holders(loaded)
    assert back.latest_changed == 1 and back.reports_removed == 0  # its rows went by hand
    with loaded.connect() as conn:
        assert latest_problems(conn) == [] and totals_mismatches(conn) == []


def test_flows_vs_returns_month_by_month(shared):
    """DIA's flows (mon1..3Flow) and returns (rtn1..3) as written in
    0001752724-25-158219: February-April 2025; net flow = sales + reinvestment -
    redemption; net assets on the report's month."""
    ref = EtfRef(DIA, DIA, "0001041130", "DIA", None)
    with shared.connect() as conn:
        months = flows_vs_returns(conn, ref)
        assert resolve_etf(conn, "dia") == EtfRef(
            DIA, DIA, "0001041130", "DIA", "SPDR Dow Jones Industrial Average ETF Trust")
        assert resolve_etf(conn, "C000017601").series_key == XLK
        assert resolve_etf(conn, XLK).ticker == "XLK"
        assert resolve_etf(conn, "NOPE") is None
    assert [m.month_end for m in months] == [dt.date(2025, 2, 28), dt.date(2025, 3, 31),
                                             dt.date(2025, 4, 30)]
    feb, mar, apr = months
    assert (feb.sales, feb.redemption, feb.reinvestment) == (
        Decimal("5034590425.60"), Decimal("3310427924.60"), Decimal("0"))
    assert feb.net_flow == Decimal("5034590425.60") - Decimal("3310427924.60")
    assert [m.total_return for m in months] == [Decimal("-1.40"), Decimal("-4.07"),
                                                Decimal("-3.10")]
    assert apr.net_flow == Decimal("5866482730.10") - Decimal("5084629391.50")
    assert apr.net_assets == Decimal("36558901941.31") and feb.net_assets is None
    assert {m.flow_accession for m in months} == {"0001752724-25-158219"}
    assert mar.return_accession == "0001752724-25-158219"


def _insert_each(conn, table, rows):
    for row in rows:  # rows with different columns set
        conn.execute(insert(table).values(**row))


def test_fee_history_across_prospectuses_and_reports(warehouse_url):
    """Rows of each source (values invented, the way the slices store them: prospectus
    and TSR ratios as fractions, Financial Highlights percents as printed) come back
    oldest first, highlights converted to fractions, a series-level fee table counted
    for the class, another class's rows left out."""
    engine = _engine(warehouse_url)
    ref = EtfRef("C000000001", "S000000001", "0000000001", "AAA", "A fund")
    base = {"cik": ref.cik, "series_id": ref.series_key}
    with engine.begin() as conn:
        conn.execute(insert(filing), [
            {"accession_number": a, "cik": ref.cik, "form": f, "filing_date": d,
             "parsed_at": dt.datetime(2026, 1, 1), "url": "file://invented", "sha256": "0" * 64}
            for a, f, d in (("0000000001-24-000001", "485BPOS", dt.date(2024, 2, 27)),
                            ("0000000001-25-000001", "485BPOS", dt.date(2025, 2, 27)),
                            ("0000000001-25-000002", "N-CSR", dt.date(2025, 1, 5)))])
        _insert_each(conn, prospectus_fee, [
            {**base, "accession_number": "0000000001-24-000001", "fee_key": ref.class_id,
             "class_id": ref.class_id, "filing_date": dt.date(2024, 2, 27),
             "effective_date": dt.date(2024, 3, 1), "management_fee": Decimal("0.0009"),
             "total_annual_expenses": Decimal("0.0012"), "fee_waiver": Decimal("-0.0003"),
             "net_expenses": Decimal("0.0009")},
            {**base, "accession_number": "0000000001-25-000001", "fee_key": ref.series_key,
             "class_id": None, "filing_date": dt.date(2025, 2, 27),
             "effective_date": dt.date(2025, 3, 1), "management_fee": Decimal("0.0008"),
             "total_annual_expenses": Decimal("0.0008")},
            {**base, "accession_number": "0000000001-25-000001", "fee_key": "C000000002",
             "class_id": "C000000002", "filing_date": dt.date(2025, 2, 27),
             "effective_date": dt.date(2025, 3, 1), "total_annual_expenses": Decimal("0.01")}])
        conn.execute(insert(ncsr_expense), [
            {**base, "accession_number": "0000000001-25-000002", "class_key": ref.class_id,
             "class_id": ref.class_id, "filing_date": dt.date(2025, 1, 5),
             "period_start": dt.date(2023, 11, 1), "period_end": dt.date(2024, 10, 31),
             "expense_ratio": Decimal("0.0009"), "expenses_paid": Decimal("9.35")}])
        conn.execute(insert(per_share_ratio), [
            {**base, "accession_number": "0000000001-25-000002", "table_index": 1,
             "column_index": 0, "class_id": ref.class_id, "filing_date": dt.date(2025, 1, 5),
             "period_end": dt.date(2024, 10, 31), "expense_ratio_gross_pct": Decimal("0.12"),
             "expense_ratio_net_pct": Decimal("0.09")}])
    with engine.connect() as conn:
        points = fee_history(conn, ref)
    engine.dispose()
    assert [(p.as_of, p.source, p.form) for p in points] == [
        (dt.date(2024, 3, 1), "prospectus", "485BPOS"),
        (dt.date(2024, 10, 31), "financial_highlights", "N-CSR"),
        (dt.date(2024, 10, 31), "shareholder_report", "N-CSR"),
        (dt.date(2025, 3, 1), "prospectus", "485BPOS")]
    first, highlights, tsr, series_level = points
    assert (first.gross_expense_ratio, first.fee_waiver, first.net_expense_ratio) == (
        Decimal("0.0012"), Decimal("-0.0003"), Decimal("0.0009"))
    assert (highlights.gross_expense_ratio, highlights.net_expense_ratio) == (
        Decimal("0.0012"), Decimal("0.0009"))
    assert tsr.net_expense_ratio == Decimal("0.0009") and tsr.expenses_paid_per_10k == Decimal("9.35")
    assert series_level.net_expense_ratio == Decimal("0.0008")  # no waiver line: gross


# ----------------------------------------------------------------- asset and upgrade


def test_security_holders_asset_automation_and_check(monkeypatch, tmp_path):
    """Requested when missing and after `holdings` changes (not before); its check passes
    on a built table and fails when its totals no longer match the holdings."""
    from etf_assets.crossfund.assets import security_holders as asset, totals_match_holdings
    from etf_assets.definitions import RESOURCES, defs
    from etf_assets.partitions import CIK_PARTITIONS_NAME

    engine = make_engine()
    _load(engine, (DIA, XLK))
    instance = DagsterInstance.ephemeral()
    key = AssetKey("security_holders")
    tick = evaluate_automation_conditions(defs=defs, instance=instance)
    assert tick.get_num_requested(key) == 1
    result = materialize([asset, totals_match_holdings], instance=instance, resources=RESOURCES)
    assert result.success
    (mat,) = result.get_asset_materialization_events()
    md = mat.materialization.metadata
    assert (md["reports_built"].value, md["rows"].value, md["securities_held_now"].value) == (
        2, 30 + 75, 30 + 75 - 6)
    (check,) = result.get_asset_check_evaluations()
    assert check.passed
    tick = evaluate_automation_conditions(defs=defs, instance=instance, cursor=tick.cursor)
    assert tick.get_num_requested(key) == 0
    instance.add_dynamic_partitions(CIK_PARTITIONS_NAME, ["0001041130"])
    instance.report_runless_asset_event(AssetMaterialization("holdings", partition="0001041130"))
    tick = evaluate_automation_conditions(defs=defs, instance=instance, cursor=tick.cursor)
    assert tick.get_num_requested(key) == 1

    with engine.begin() as conn:
        conn.execute(update(security_holders).where(security_holders.c.seq == 1)
                     .values(value_usd=security_holders.c.value_usd + 1))
    result = materialize([asset, totals_match_holdings], instance=instance,
                         resources=RESOURCES,
                         selection=AssetSelection.checks(totals_match_holdings))
    (check,) = result.get_asset_check_evaluations()
    assert not check.passed and check.metadata["reports_mismatched"].value == 2
    engine.dispose()


def test_upgrade_adds_missing_indexes(warehouse_url):
    """A warehouse made before this table's indexes (and the serving app's monthly-flow
    index) gets them on start, once."""
    engine = _engine(warehouse_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP INDEX ix_nport_monthly_flow_series_key")
        conn.exec_driver_sql("DROP INDEX ix_security_holders_cusip")
        assert sorted(upgrade_schema(conn)) == [
            "CREATE INDEX ix_nport_monthly_flow_series_key",
            "CREATE INDEX ix_security_holders_cusip"]
        assert upgrade_schema(conn) == []
        n = conn.execute(select(func.count()).select_from(security_holders)).scalar_one()
    assert n == 0
    engine.dispose()
