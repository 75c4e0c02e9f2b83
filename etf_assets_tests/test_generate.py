"""Tests for the synthetic SEC filing generator used by the fake EDGAR server."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from etf_assets_tests.fake_edgar.generate import (
    DERIVATIVE_KINDS,
    generate_ncen_xml,
    generate_nport_xml,
    wrap_full_submission,
)

FIXTURES = Path(__file__).parent / "fixtures" / "sec"
XSD = FIXTURES / "schemas" / "nport" / "xsd_devquanty_2025" / "eis_NPORT_Filer.xsd"
REAL_NCEN = FIXTURES / "ncen" / "0001496608_0001410368-26-010918_N-CEN_primary_doc.xml"
REAL_TXT = FIXTURES / "submissions_txt" / "0001496608_0001410368-26-010918_N-CEN.txt"

NP = "{http://www.sec.gov/edgar/nport}"
NC = "{http://www.sec.gov/edgar/ncen}"
NS = {"n": "http://www.sec.gov/edgar/nport", "c": "http://www.sec.gov/edgar/ncen"}

NPORT_ARGS = dict(
    cik="1432353",
    series_id="S000063351",
    series_name="Synthetic Global Equity ETF",
    reg_name="Synthetic Funds Trust",
    report_date=dt.date(2024, 1, 31),
    n_holdings=200,
    seed=20240131,
    n_derivatives=10,
)

SERIES = [
    {"series_id": "S000000102", "name": "Zeta Equity ETF", "is_etf": True, "exchange": "ARCX",
     "classes": [{"class_id": "C000000202", "name": "Zeta Equity ETF", "ticker": "ZETA"}]},
    {"series_id": "S000000101", "name": "Alpha Income Fund", "is_etf": False,
     "classes": [{"class_id": "C000000201", "name": "Class A", "ticker": "ALPAX"},
                 {"class_id": "C000000203", "name": "Institutional Class", "ticker": None}]},
    {"series_id": "S000000103", "name": "Beta & Gamma ETF", "is_etf": True, "exchange": "XNAS",
     "classes": [{"class_id": "C000000204", "name": "Beta & Gamma ETF", "ticker": "BGE"}]},
]


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


@pytest.fixture(scope="module")
def nport_doc() -> bytes:
    return generate_nport_xml(**NPORT_ARGS)


def assert_valid(schema: etree.XMLSchema, doc: bytes) -> etree._Element:
    root = etree.fromstring(doc)
    ok = schema.validate(root)
    assert ok, "\n".join(str(e) for e in schema.error_log)
    return root


def holding_cusips(root: etree._Element) -> list[str]:
    return [c.text for c in root.iterfind("n:formData/n:invstOrSecs/n:invstOrSec/n:cusip", NS)]


# ------------------------------------------------------------------------------ N-PORT


def test_nport_validates_with_every_derivative_kind(schema, nport_doc):
    root = assert_valid(schema, nport_doc)
    assert len(root.findall(".//n:invstOrSec", NS)) == 200
    kinds = Counter(etree.QName(d[0]).localname for d in root.iterfind(".//n:invstOrSec/n:derivativeInfo", NS))
    assert kinds == {k: 2 for k in DERIVATIVE_KINDS}
    assert root.findtext("n:headerData/n:filerInfo/n:seriesClassInfo/n:seriesId", namespaces=NS) == "S000063351"
    assert root.findtext("n:formData/n:genInfo/n:seriesId", namespaces=NS) == "S000063351"
    assert root.findtext("n:formData/n:genInfo/n:repPdDate", namespaces=NS) == "2024-01-31"


def test_nport_uit_without_series_id_validates(schema):
    doc = generate_nport_xml(**{**NPORT_ARGS, "series_id": None, "n_derivatives": 0, "n_holdings": 40})
    root = assert_valid(schema, doc)
    gen = root.find("n:formData/n:genInfo", NS)
    assert gen.findtext("n:seriesName", namespaces=NS) == "N/A"
    assert gen.find("n:seriesId", NS) is None
    assert root.find(".//n:seriesClassInfo", NS) is None


@pytest.mark.parametrize(
    ("n_holdings", "n_derivatives", "form"),
    [(0, 0, "NPORT-P"), (1, 1, "NPORT-P/A"), (5, 5, "NPORT-NP"), (8, 0, "NPORT-NP/A"), (13, 5, "NPORT-P")],
)
def test_nport_edge_sizes_and_forms_validate(schema, n_holdings, n_derivatives, form):
    doc = generate_nport_xml(**{**NPORT_ARGS, "n_holdings": n_holdings, "n_derivatives": n_derivatives,
                                "form": form})
    root = assert_valid(schema, doc)
    assert len(root.findall(".//n:invstOrSec", NS)) == n_holdings
    assert root.findtext("n:headerData/n:submissionType", namespaces=NS) == form


def test_nport_is_deterministic(nport_doc):
    assert generate_nport_xml(**NPORT_ARGS) == nport_doc
    other = generate_nport_xml(**{**NPORT_ARGS, "seed": NPORT_ARGS["seed"] + 1})
    assert other != nport_doc


def test_nport_contains_the_parser_traps(nport_doc):
    root = etree.fromstring(nport_doc)
    counts = Counter(holding_cusips(root))
    assert counts["000000000"] == 2
    repeated = [c for c, n in counts.items() if n > 1 and c not in ("N/A", "000000000")]
    assert len(repeated) == 1 and len(repeated[0]) == 9
    # non-US holdings: cusip N/A with the ISIN under identifiers (derivatives aside)
    non_us = [h for h in root.iterfind(".//n:invstOrSec", NS)
              if h.findtext("n:cusip", namespaces=NS) == "N/A" and h.find("n:derivativeInfo", NS) is None]
    assert non_us
    for h in non_us:
        assert h.find("n:identifiers/n:isin", NS) is not None
        assert h.findtext("n:invCountry", namespaces=NS) != "US"
        assert h.find("n:currencyConditional", NS) is not None


def test_nport_values_reconcile(nport_doc):
    root = etree.fromstring(nport_doc)
    vals = [v.text for v in root.iterfind(".//n:invstOrSec/n:valUSD", NS)]
    assert all(len(v.rpartition(".")[2]) == 2 for v in vals)
    fund = root.find("n:formData/n:fundInfo", NS)
    net = Decimal(fund.findtext("n:netAssets", namespaces=NS))
    assert sum(map(Decimal, vals)) == net
    assert Decimal(fund.findtext("n:totAssets", namespaces=NS)) - Decimal(fund.findtext("n:totLiabs", namespaces=NS)) == net
    pct = sum(Decimal(p.text) for p in root.iterfind(".//n:invstOrSec/n:pctVal", NS))
    assert abs(pct - 100) < Decimal("0.000001")


def test_nport_5000_holdings_stays_valid_and_reconciles(schema):
    doc = generate_nport_xml(**{**NPORT_ARGS, "n_holdings": 5_000, "n_derivatives": 250})
    root = assert_valid(schema, doc)
    vals = sum(Decimal(v.text) for v in root.iterfind(".//n:invstOrSec/n:valUSD", NS))
    assert vals == Decimal(root.findtext(".//n:fundInfo/n:netAssets", namespaces=NS))


# ------------------------------------------------------------------------------- N-CEN


def child_tags(el: etree._Element) -> list[str]:
    return [etree.QName(c).localname for c in el if isinstance(c.tag, str)]


def is_in_order(tags: list[str], reference: list[str]) -> bool:
    """Every tag occurs in ``reference`` and the tags keep the reference's order."""
    first = {}
    for i, t in enumerate(reference):
        first.setdefault(t, i)
    positions = [first.get(t, -1) for t in tags]
    return -1 not in positions and positions == sorted(positions)


@pytest.fixture(scope="module")
def ncen_root() -> etree._Element:
    return etree.fromstring(generate_ncen_xml(cik="1496608", reg_name="Synthetic ETF Trust",
                                              report_date=dt.date(2025, 11, 30), series=SERIES))


def test_ncen_fund_types_and_etf_blocks(ncen_root):
    questions = ncen_root.findall(".//c:managementInvestmentQuestion", NS)
    assert len(questions) == len(SERIES)
    by_id = {s["series_id"]: s for s in SERIES}
    for q in questions:
        series = by_id[q.findtext("c:mgmtInvSeriesId", namespaces=NS)]
        assert q.findtext("c:mgmtInvFundName", namespaces=NS) == series["name"]
        assert [t.text for t in q.iterfind("c:fundTypes/c:fundType", NS)] == [
            "Exchange-Traded Fund" if series["is_etf"] else "N/A"]
        shares = q.findall("c:sharesOutstandings/c:sharesOutstanding", NS)
        assert [s.get("sharesOutstandingClassId") for s in shares] == [c["class_id"] for c in series["classes"]]
    etfs = ncen_root.findall("c:formData/c:exchangeSeriesInfo/c:exchangeTradedFund", NS)
    assert sorted(e.findtext("c:etfSeriesId", namespaces=NS) for e in etfs) == sorted(
        s["series_id"] for s in SERIES if s["is_etf"])
    for e in etfs:
        series = by_id[e.findtext("c:etfSeriesId", namespaces=NS)]
        exch = e.findall("c:securityExchanges/c:securityExchange", NS)
        assert [(x.get("fundExchange"), x.get("fundsTickerSymbol")) for x in exch] == [
            (series["exchange"], c["ticker"]) for c in series["classes"]]
    header_ids = [s.text for s in ncen_root.iterfind(".//c:rptSeriesClassInfo/c:seriesId", NS)]
    assert sorted(header_ids) == sorted(by_id)


def test_ncen_element_order_follows_the_real_filing(ncen_root):
    real = etree.fromstring(REAL_NCEN.read_bytes())
    pairs = [
        (".", "."),
        ("c:headerData", "c:headerData"),
        ("c:headerData/c:filerInfo", "c:headerData/c:filerInfo"),
        ("c:formData", "c:formData"),
        ("c:formData/c:registrantInfo", "c:formData/c:registrantInfo"),
        (".//c:managementInvestmentQuestion", ".//c:managementInvestmentQuestion"),
        (".//c:exchangeTradedFund", ".//c:exchangeTradedFund"),
    ]
    for ours, theirs in pairs:
        mine, ref = child_tags(ncen_root.find(ours, NS)), child_tags(real.find(theirs, NS))
        assert is_in_order(mine, ref), (ours, mine, ref)


def test_ncen_without_etfs_has_no_exchange_block():
    root = etree.fromstring(generate_ncen_xml(cik="1", reg_name="Mutual Trust", report_date=dt.date(2025, 6, 30),
                                              series=[SERIES[1]]))
    assert root.find(".//c:exchangeSeriesInfo", NS) is None
    assert [t.text for t in root.iterfind(".//c:fundType", NS)] == ["N/A"]


# ------------------------------------------------------------------ full submission .txt


def header_labels(text: str) -> list[str]:
    """Header lines up to </SEC-HEADER>, with each value cut off after its tabs."""
    head = text.split("</SEC-HEADER>", 1)[0]
    out = []
    for line in head.splitlines():
        if line.startswith("<"):
            out.append(line.split(">", 1)[0] + ">")
        elif ":" in line:
            label, _, rest = line.partition(":")
            out.append(label + ":" + rest[: len(rest) - len(rest.lstrip("\t "))])
        else:
            out.append(line)
    return out


def test_full_submission_round_trips_through_edgartools(nport_doc):
    from edgar.sgml import FilingSGML

    ncen = generate_ncen_xml(cik="1496608", reg_name="Synthetic ETF Trust", report_date=dt.date(2025, 11, 30),
                             series=SERIES)
    html = b"<HTML><BODY><P>Report on internal control</P></BODY></HTML>\n"
    text = wrap_full_submission(
        accession="0001410368-26-010918", form="N-CEN", cik="1496608", company_name="Synthetic ETF Trust",
        filing_date=dt.date(2026, 2, 12), period=dt.date(2025, 11, 30),
        acceptance=dt.datetime(2026, 2, 12, 11, 9, 58), series=SERIES,
        documents=[("N-CEN", "primary_doc.xml", ncen), ("INTERNAL CONTROL RPT", "ipa_report.htm", html)],
    ).decode()
    sgml = FilingSGML.from_text(text)
    assert sgml.header.accession_number == "0001410368-26-010918"
    assert sgml.header.form == "N-CEN"
    assert sgml.header.filing_date == "2026-02-12"
    assert sgml.header.period_of_report == "2025-11-30"
    assert str(sgml.header.acceptance_datetime) == "2026-02-12 11:09:58"
    assert sgml.header.filers[0].company_information.cik == "0001496608"
    assert sgml.get_content("primary_doc.xml") == ncen.decode().strip()
    assert sgml.get_content("ipa_report.htm") == html.decode().strip()
    assert text.count("<SERIES>") == len(SERIES) and text.count("<CLASS-CONTRACT>") == 4

    # every header line we write uses a label (and tab run) the real EDGAR header uses
    real = set(header_labels(REAL_TXT.read_text()))
    assert set(header_labels(text)) <= real

    nport_txt = wrap_full_submission(
        accession="0001752724-24-069133", form="NPORT-P", cik="1432353", company_name="Synthetic Funds Trust",
        filing_date=dt.date(2024, 3, 28), period=dt.date(2024, 1, 31),
        acceptance=dt.datetime(2024, 3, 28, 16, 5, 1), series=[],
        documents=[("NPORT-P", "primary_doc.xml", nport_doc)],
    ).decode()
    sgml = FilingSGML.from_text(nport_txt)
    assert (sgml.header.accession_number, sgml.header.form) == ("0001752724-24-069133", "NPORT-P")
    assert sgml.get_content("primary_doc.xml") == nport_doc.decode().strip()
    assert "<SERIES-AND-CLASSES-CONTRACTS-DATA>" not in nport_txt
