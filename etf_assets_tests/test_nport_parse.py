"""Tests for etf_assets.nport.parse on real N-PORT fixtures (etf_assets_tests/fixtures/sec/nport).

Expected values are either read off the fixture files by hand (quoted in the tests) or
recomputed independently here with a full (non-streaming) lxml parse / XPath.
"""

from __future__ import annotations

import dataclasses
import io
import itertools
import os
import re
import tracemalloc
import typing
from datetime import date
from decimal import Decimal, localcontext
from pathlib import Path

import pytest
from lxml import etree

from etf_assets.nport.parse import (
    DERIVATIVE_KINDS,
    Derivative,
    Holding,
    NportHeader,
    NportParseError,
    ParsedNport,
    SwapLeg,
    iter_nport,
    parse_nport,
    summarize,
)

FIXTURES = Path(__file__).parent / "fixtures" / "sec"
NPORT = FIXTURES / "nport"

GLOBALX = "0001432353_GlobalX_DAX_Germany_ETF_NPORT-P_2024-01-31.xml"
PIMCO = "0000810893_PIMCO_Income_NPORT_trimmed.xml"
DUPREE = "0000311101_NPORT.Dupree.xml"
AST = "0000814679_NPORT.AdvancedSeries.xml"
SPY = "0000884394_SPY_NPORT_trimmed.xml"
SAMPLE4 = "SEC_NPORT_Sample_4.xml"
SAMPLE5 = "SEC_NPORT_Sample_5.xml"
ALL_FIXTURES = [GLOBALX, PIMCO, DUPREE, AST, SPY, SAMPLE4, SAMPLE5]

DERIV_ELEMENT_KIND = {
    "futrDeriv": "future",
    "fwdDeriv": "forward",
    "swapDeriv": "swap",
    "optionSwaptionWarrantDeriv": "option",
    "othDeriv": "other",
}


def _read(name: str) -> bytes:
    return (NPORT / name).read_bytes()


def _tree(data: bytes) -> etree._Element:
    """Independent full parse (no streaming, no code from the parser under test)."""
    return etree.fromstring(data.lstrip())


def _xp(node: etree._Element, path: str) -> list:
    return node.xpath(path)


def _positions(root: etree._Element) -> list[etree._Element]:
    return _xp(root, "//*[local-name()='invstOrSec']")


def _child_text(node: etree._Element, name: str) -> str | None:
    found = _xp(node, f"*[local-name()='{name}']/text()")
    return found[0].strip() if found else None


def _top_level_derivative_kinds(root: etree._Element) -> dict[str, int]:
    """Count derivatives that ARE positions: direct children of derivativeInfo only
    (a nested derivative inside descRefInstrmnt/nestedDerivInfo is not a position)."""
    counts = dict.fromkeys(DERIVATIVE_KINDS, 0)
    for el in _xp(root, "//*[local-name()='derivativeInfo']/*"):
        counts[DERIV_ELEMENT_KIND[etree.QName(el).localname]] += 1
    return counts


def _sum(values) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 80
        return sum(values, Decimal(0))


def _iter_records(obj):
    """Yield every dataclass record reachable from obj (holdings, derivatives, legs)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        yield obj
        for f in dataclasses.fields(obj):
            yield from _iter_records(getattr(obj, f.name))
    elif isinstance(obj, (list, tuple)):
        for item in obj:
            yield from _iter_records(item)


def _iter_values(obj):
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            yield from _iter_values(getattr(obj, f.name))
    elif isinstance(obj, (list, tuple)):
        for item in obj:
            yield from _iter_values(item)
    else:
        yield obj


# ----------------------------------------------------------------- cross-checks, all files


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_every_fixture_matches_an_independent_full_parse(name: str) -> None:
    """All fixtures: position count, per-position valUSD/units/derivative kind/identifier
    count and the valUSD total agree with a plain lxml XPath reading of the same file."""
    data = _read(name)
    parsed = parse_nport(data)
    root = _tree(data)
    xml_positions = _positions(root)

    assert parsed.skipped == []
    assert parsed.positions == len(xml_positions)
    assert [h.position for h in parsed.holdings] == list(range(1, len(xml_positions) + 1))
    for holding, node in zip(parsed.holdings, xml_positions, strict=True):
        val = _child_text(node, "valUSD")
        assert holding.value_usd == Decimal(val)
        assert holding.units == _child_text(node, "units")
        ident_nodes = _xp(node, "*[local-name()='identifiers']/*")
        assert len(holding.identifiers) == len(ident_nodes)
        deriv = _xp(node, "*[local-name()='derivativeInfo']/*")
        if deriv:
            assert holding.derivative is not None
            assert holding.derivative.kind == DERIV_ELEMENT_KIND[etree.QName(deriv[0]).localname]
        else:
            assert holding.derivative is None

    expected_sum = _sum(Decimal(t) for t in _xp(root, "//*[local-name()='valUSD']/text()"))
    summary = summarize(parsed)
    assert Decimal(summary["value_usd_sum"]) == expected_sum
    assert summary["positions"] == len(xml_positions)
    assert summary["derivatives_by_kind"] == _top_level_derivative_kinds(root)


@pytest.mark.parametrize("name", [*ALL_FIXTURES, "inline"])
def test_no_float_anywhere_and_decimal_fields_are_decimal(name: str) -> None:
    """All fixtures and the constructed INLINE document: no float in any record; every
    field annotated Decimal holds a Decimal (or None); every date field a date (or None)."""
    parsed = parse_nport(INLINE if name == "inline" else _read(name))
    assert not any(isinstance(v, float) for v in _iter_values(parsed))
    checked = 0
    hints_by_type: dict[type, dict[str, str]] = {}
    for record in _iter_records(parsed):
        cls = type(record)
        if cls not in hints_by_type:
            hints_by_type[cls] = {k: str(v) for k, v in typing.get_type_hints(cls).items()}
        hints = hints_by_type[cls]
        for f in dataclasses.fields(record):
            value = getattr(record, f.name)
            hint = hints[f.name]
            if "Decimal" in hint and "tuple" not in hint:
                assert value is None or isinstance(value, Decimal), (type(record), f.name)
                checked += value is not None
            if hint.startswith("datetime.date") or "datetime.date |" in hint:
                assert value is None or isinstance(value, date), (type(record), f.name)
    header = parsed.header
    assert isinstance(header.net_assets, Decimal)
    assert isinstance(header.tot_assets, Decimal)
    assert isinstance(header.tot_liabs, Decimal)
    assert checked > 0


# ------------------------------------------------------------------------- Global X DAX


def test_globalx_dax_header() -> None:
    """0001432353_GlobalX_DAX_Germany_ETF_NPORT-P_2024-01-31.xml: header values."""
    h = dataclasses.replace(parse_nport(_read(GLOBALX)).header, monthly=None)
    assert h == NportHeader(
        form="NPORT-P",
        reg_cik="0001432353",
        reg_name="GLOBAL X FUNDS",
        reg_file_number="811-22209",
        reg_lei="5493003RA4QUTSYF1N15",
        series_id="S000063351",
        series_name="Global X DAX Germany ETF",
        series_lei="5493002JRXZHUG2RI979",
        rep_pd_end=date(2024, 10, 31),  # fiscal year end, not the report date
        rep_pd_date=date(2024, 1, 31),
        is_final_filing=False,
        tot_assets=Decimal("55220590.19"),
        tot_liabs=Decimal("11048.13"),
        net_assets=Decimal("55209542.06"),
        class_ids=("C000205374",),
    )


def test_globalx_dax_positions_future_and_sum() -> None:
    """0001432353_GlobalX_DAX_Germany_ETF_NPORT-P_2024-01-31.xml: 41 positions, exactly one
    future (the Mini-DAX), valUSD total equal to an independent Decimal sum."""
    data = _read(GLOBALX)
    parsed = parse_nport(data)
    assert len(re.findall(rb"<invstOrSec>", data)) == 41
    assert parsed.positions == 41 and len(parsed.holdings) == 41

    futures = [h for h in parsed.holdings if h.derivative is not None]
    assert len(futures) == 1 == len(re.findall(rb"<futrDeriv\b", data))
    fut = futures[0]
    assert fut.title == "DAX MINI FUTURE   MAR24 PHYSICAL INDEX FUTURE."
    assert fut.asset_category == "DE" and fut.units == "NC" and fut.balance == Decimal("4")
    assert fut.identifiers == (("ticker", "FDXMH4", None), ("other", "DFWH4", "Bloomberg Ticker"))
    d = fut.derivative
    assert d.kind == "future" and d.deriv_cat == "FUT"
    assert d.counterparty_name == "MACQUARIE CAPITAL" and d.counterparty_lei is None  # "N/A"
    assert d.payoff_profile == "Long"
    assert (d.ref_kind, d.ref_name, d.ref_identifier) == ("index", "Mini-DAX Futures Mar 2024", None)
    assert d.expiration_date == date(2024, 3, 18)
    assert d.notional == Decimal("366252.46") and d.currency == "EUR"
    assert d.unrealized_appreciation == Decimal("2919.82")

    xml_sum = _sum(Decimal(v.decode()) for v in re.findall(rb"<valUSD>([^<]+)</valUSD>", data))
    assert _sum(h.value_usd for h in parsed.holdings) == xml_sum == Decimal("55196718.89")


def test_globalx_dax_principal_amount_units_and_isin_from_identifiers() -> None:
    """0001432353_GlobalX_DAX_Germany_ETF_NPORT-P_2024-01-31.xml: the Porsche preferred
    reported with units "PA" survives; cusip "N/A" rows (German shares) get None as cusip
    and their ISIN from <identifiers>; the one real CUSIP (Qiagen) is kept."""
    data = _read(GLOBALX)
    parsed = parse_nport(data)
    root = _tree(data)
    nodes = _positions(root)
    pa_positions = [i for i, n in enumerate(nodes, 1) if _child_text(n, "units") == "PA"]
    assert len(pa_positions) == 1
    porsche = parsed.holdings[pa_positions[0] - 1]
    assert porsche.units == "PA"
    assert porsche.title == "Dr Ing hc F Porsche AG PREFERRED STOCK"
    assert porsche.name is None and porsche.lei is None  # both "N/A" in the file
    assert porsche.isin == "DE000PAG9113" and porsche.balance == Decimal("4661.00000000")
    assert porsche.value_usd == Decimal("400584.75")

    zalando = parsed.holdings[0]
    assert zalando.name == "Zalando SE" and zalando.cusip is None
    assert zalando.isin == "DE000ZAL1111"
    assert zalando.identifiers == (("isin", "DE000ZAL1111", None),)
    assert (zalando.currency, zalando.exchange_rate) == ("EUR", Decimal("0.92060000"))
    assert zalando.country == "DE" and zalando.is_restricted is True  # <isRestrictedSec>Y
    assert (zalando.issuer_category, zalando.issuer_category_desc) == ("OTHER", None)
    assert zalando.is_loan_by_fund is False

    for holding, node in zip(parsed.holdings, nodes, strict=True):
        if _child_text(node, "cusip") == "N/A":
            assert holding.cusip is None
            xml_isin = _xp(node, "*[local-name()='identifiers']/*[local-name()='isin']/@value")
            assert holding.isin == (xml_isin[0] if xml_isin else None)
    qiagen = [h for h in parsed.holdings if h.cusip is not None]
    assert [(h.name, h.cusip) for h in qiagen] == [("Qiagen N.V.", "N72482149")]


# -------------------------------------------------------------------------- PIMCO Income


def test_pimco_income_forwards_and_swaps() -> None:
    """0000810893_PIMCO_Income_NPORT_trimmed.xml: 12 positions, 11 derivatives (6 FX
    forwards, 5 swaps) and field values read off the file."""
    data = _read(PIMCO)
    parsed = parse_nport(data)
    assert parsed.positions == 12
    derivs = [h for h in parsed.holdings if h.derivative is not None]
    assert len(derivs) == 11
    kinds = [h.derivative.kind for h in derivs]
    assert kinds.count("forward") == 6 == len(re.findall(rb"<fwdDeriv\b", data))
    assert kinds.count("swap") == 5 == len(re.findall(rb"<swapDeriv\b", data))
    assert parsed.header.class_ids == (
        "C000046103", "C000046098", "C000046099", "C000064169",
        "C000200460", "C000046101", "C000046102",
    )
    assert parsed.header.net_assets == Decimal("224789032259.550000")

    # Position 2: BOUGHT BRL SOLD USD 20260702 (Goldman Sachs Bank USA).
    brl = parsed.holdings[1]
    assert brl.title == "BOUGHT BRL SOLD USD 20260702"
    f = brl.derivative
    assert (f.kind, f.deriv_cat) == ("forward", "FWD")
    assert f.counterparty_name == "Goldman Sachs Bank USA"
    assert f.counterparty_lei == "KD3XUN7C6T14HNAYLU02"
    assert (f.amount_sold, f.currency_sold) == (Decimal("248664560.000000"), "USD")
    assert (f.amount_purchased, f.currency_purchased) == (Decimal("1336323345.440000"), "BRL")
    assert f.settlement_date == date(2026, 7, 2)
    assert f.unrealized_appreciation == Decimal("4108622.530000")
    assert f.notional is None  # FX forwards report amounts, not notionalAmt

    # Position 4: IRS ZAR 8.05750 01/07/25-6Y CME.
    irs = parsed.holdings[3].derivative
    assert irs.kind == "swap" and irs.swap_flag is True
    assert (irs.notional, irs.currency) == (Decimal("551100000.000000"), "ZAR")
    assert irs.counterparty_name == "CHICAGO MERCANTILE EXCHANGE"
    assert irs.counterparty_lei == "SNZ2OJLFK8MNNCLQOF39"
    assert irs.ref_kind == "other" and irs.ref_name is None  # issuerName "N/A"
    assert irs.ref_title == "SAFE South Africa Johannesburg Interbank Agreed Rate 3 Month"
    assert irs.receive_leg == SwapLeg(
        kind="fixed", fixed_rate=Decimal("8.057500"), amount=Decimal("0.000000"), currency="ZAR"
    )
    assert irs.pay_leg == SwapLeg(
        kind="floating",
        floating_index="SAFE South Africa Johannesburg Interbank Agreed Rate 3 Month",
        floating_spread=Decimal("0.000000"),
        amount=Decimal("0.000000"),
        currency="ZAR",
    )
    assert irs.termination_date == date(2031, 1, 7)
    assert ("floatingPmntDesc/rtResetTenors/rtResetTenor/@rateTenorUnit", "3") in irs.extra

    # Position 6: COLOMBIA LA SP BPS (single-name CDS, BNP Paribas).
    cds = parsed.holdings[5]
    assert cds.asset_category == "DCR" and cds.value_usd == Decimal("-6689.360000")
    c = cds.derivative
    assert c.counterparty_name == "BNP PARIBAS"
    assert c.ref_isin == "US195325BB02" and c.ref_name == "COLOMBIAN GOVT"
    assert c.pay_leg == SwapLeg(kind="other", description="Single Leg Swap")
    assert (c.upfront_receipt, c.upfront_receipt_currency) == (Decimal("-2287162.740000"), "USD")
    assert c.notional == Decimal("47700000.000000")

    # Position 3 is the only non-derivative: INTELSAT SA, plain USD curCd.
    intelsat = parsed.holdings[2]
    assert intelsat.derivative is None and intelsat.currency == "USD"
    assert intelsat.exchange_rate is None and intelsat.issuer_category == "CORP"
    assert intelsat.cusip == "000000000"  # placeholder CUSIP kept as reported

    # Position 10: IRS EUR ... with <invCountry>N/A</invCountry>.
    assert parsed.holdings[9].country is None


# --------------------------------------------------------------------- Dupree, AST, SPY


def test_dupree_leading_newline_and_debt_fields() -> None:
    """0000311101_NPORT.Dupree.xml: starts with a newline before <?xml; 55 municipal
    bonds; first position's debtSec fields as in the file."""
    data = _read(DUPREE)
    assert data[:1] == b"\n" and data[1:6] == b"<?xml"
    parsed = parse_nport(data)
    assert parsed.positions == 55 == len(_positions(_tree(data)))
    first = parsed.holdings[0]
    assert first.name == "KENTUCKY ST PPTY & BLDGS COMMN"
    assert first.cusip == "49151FGH7" and first.isin == "US49151FGH73"
    assert first.ticker == "KYSFAC"
    assert first.identifiers == (
        ("isin", "US49151FGH73", None),
        ("ticker", "KYSFAC", None),
        ("other", "49151FGH", "Internal"),
    )
    assert (first.balance, first.units) == (Decimal("755000"), "PA")
    assert first.maturity_date == date(2028, 8, 1) and first.coupon_kind == "Fixed"
    assert first.annualized_rate == Decimal("5.000000000000")
    assert (first.is_default, first.interest_in_arrears, first.is_paid_in_kind) == (
        False, False, False,
    )
    assert first.issuer_category == "MUN" and first.asset_category == "DBT"
    assert parsed.header.series_id == "S000012000"
    assert parsed.header.rep_pd_date == date(2022, 12, 31)


def test_ast_bond_empty_portfolio_header_still_parsed() -> None:
    """0000814679_NPORT.AdvancedSeries.xml: matured series, no invstOrSecs at all, leading
    newline; header (and its final-filing flag) still parsed."""
    data = _read(AST)
    assert data[:1] == b"\n"
    parsed = parse_nport(data)
    assert parsed.holdings == [] and parsed.skipped == [] and parsed.positions == 0
    h = parsed.header
    assert h.series_id == "S000030880" and h.series_name == "AST Bond Portfolio 2022"
    assert h.rep_pd_date == date(2022, 12, 30) and h.rep_pd_end == date(2022, 12, 31)
    assert h.is_final_filing is True
    assert h.net_assets == Decimal("1389080.74")
    assert h.class_ids == ("C000095824",)


def test_spy_uit_has_no_series_id() -> None:
    """0000884394_SPY_NPORT_trimmed.xml: UIT with seriesName "N/A" and no seriesId;
    8 holdings."""
    data = _read(SPY)
    assert b"<seriesId>" not in data
    parsed = parse_nport(data)
    h = parsed.header
    assert h.series_id is None and h.series_name is None
    assert h.class_ids == ()
    assert h.reg_name == "State Street(R) SPDR(R) S&P 500(R) ETF Trust"
    assert h.rep_pd_date == date(2026, 3, 31)
    assert len(parsed.holdings) == 8
    aflac = parsed.holdings[0]
    assert (aflac.name, aflac.cusip, aflac.isin) == ("Aflac Inc", "001055102", "US0010551028")
    assert aflac.value_usd == Decimal("595382785.38000000")


# -------------------------------------------------------------------------- SEC samples


@pytest.mark.parametrize(("name", "expected"), [(SAMPLE4, 3254), (SAMPLE5, 3412)])
def test_sec_samples_counts_and_derivative_kinds(name: str, expected: int) -> None:
    """SEC_NPORT_Sample_4.xml / SEC_NPORT_Sample_5.xml: position counts; derivative kind
    counts equal an independent count of futrDeriv/fwdDeriv/swapDeriv/
    optionSwaptionWarrantDeriv/othDeriv elements (these SEC samples contain none: all 0)."""
    data = _read(name)
    parsed = parse_nport(data)
    assert parsed.positions == expected == len(re.findall(rb"<invstOrSec>", data))
    by_kind = summarize(parsed)["derivatives_by_kind"]
    for element, kind in DERIV_ELEMENT_KIND.items():
        assert by_kind[kind] == len(re.findall(rb"<(?:\w+:)?" + element.encode() + rb"\b", data))
    assert parsed.header.series_id is None  # samples carry no seriesId
    assert parsed.header.series_name == "Series Name #1"


def test_sec_sample_4_hundred_tickers_kept_and_comments_ignored() -> None:
    """SEC_NPORT_Sample_4.xml: position 1 lists 100 <ticker> identifiers (none dropped);
    <totAssets>44.0</totAssets> <!-- DCS# 44 --> keeps its value despite the comment."""
    data = _read(SAMPLE4)
    parsed = parse_nport(data)
    first = parsed.holdings[0]
    node = _positions(_tree(data))[0]
    xml_tickers = _xp(node, "*[local-name()='identifiers']/*[local-name()='ticker']/@value")
    assert len(xml_tickers) == 100
    assert [v for _, v, _ in first.identifiers] == xml_tickers
    assert first.ticker == "3F708" and first.cusip == "379006355"
    assert first.extra == (("fundCat", "N/A"),)  # liquidity classification kept raw
    assert parsed.header.tot_assets == Decimal("44.0")
    assert parsed.header.net_assets == Decimal("32.55")


# ------------------------------------------------- constructed document: every derivative

_NS_DECL = (
    'xmlns="http://www.sec.gov/edgar/nport" xmlns:com="http://www.sec.gov/edgar/common" '
    'xmlns:ncom="http://www.sec.gov/edgar/nportcommon"'
)
_LENDING = (
    "<securityLending><isCashCollateral>N</isCashCollateral>"
    "<isNonCashCollateral>N</isNonCashCollateral><isLoanByFund>N</isLoanByFund></securityLending>"
)


def _pos(title: str, val: str, body: str = "", extra_amount: str = "") -> str:
    return f"""
      <invstOrSec>
        <name>N/A</name><lei>N/A</lei><title>{title}</title><cusip>N/A</cusip>
        <identifiers><other otherDesc="SEDOL" value="XYZ{len(title)}"/></identifiers>
        <balance>1</balance><units>NC</units>{extra_amount}
        <curCd>USD</curCd><valUSD>{val}</valUSD><pctVal>0.01</pctVal>
        <payoffProfile>N/A</payoffProfile><assetCat>DE</assetCat>
        <issuerConditional desc="derivative" issuerCat="OTHER"/>
        <invCountry>US</invCountry><isRestrictedSec>N</isRestrictedSec>
        <fundCat>N/A</fundCat><fairValLevel>2</fairValLevel>
        {body}
        {_LENDING}
      </invstOrSec>"""


_CP = (
    "<counterparties><counterpartyName>Big Bank</counterpartyName>"
    "<counterpartyLei>549300AAAAAAAAAAAA01</counterpartyLei></counterparties>"
)

INLINE = f"""
<?xml version="1.0" encoding="UTF-8"?>
<edgarSubmission {_NS_DECL}>
  <headerData>
    <submissionType>NPORT-P/A</submissionType>
    <isConfidential>false</isConfidential>
    <filerInfo>
      <filer><issuerCredentials><cik>0000000001</cik><ccc>XXXXXXXX</ccc></issuerCredentials></filer>
      <seriesClassInfo><seriesId>S000000001</seriesId>
        <classId>C000000001</classId><classId>C000000002</classId></seriesClassInfo>
    </filerInfo>
  </headerData>
  <formData>
    <genInfo>
      <regName>Test Trust</regName><regFileNumber>811-00001</regFileNumber>
      <regCik>0000000001</regCik><regLei>N/A</regLei>
      <seriesName>Test Series</seriesName><seriesLei>N/A</seriesLei>
      <repPdEnd>2024-12-31</repPdEnd><repPdDate>2024-03-31</repPdDate>
      <isFinalFiling>N</isFinalFiling>
    </genInfo>
    <fundInfo><totAssets>1000.50</totAssets><totLiabs>0.50</totLiabs>
      <netAssets>1000.00</netAssets><varInfo/></fundInfo>
    <invstOrSecs>
      {_pos("FUTURE", "10.5", f'''<derivativeInfo><futrDeriv derivCat="FUT">{_CP}
        <payOffProf>Short</payOffProf>
        <descRefInstrmnt><indexBasketInfo><indexName>S&amp;P 500</indexName>
          <indexIdentifier>SPX</indexIdentifier><narrativeDesc>large caps</narrativeDesc>
        </indexBasketInfo></descRefInstrmnt>
        <expDate>2024-06-21</expDate><notionalAmt>-52000.25</notionalAmt><curCd>USD</curCd>
        <unrealizedAppr>10.5</unrealizedAppr></futrDeriv></derivativeInfo>''')}
      {_pos("FORWARD", "-3", f'''<derivativeInfo><fwdDeriv derivCat="FWD">{_CP}
        <amtCurSold>1000</amtCurSold><curSold>EUR</curSold>
        <amtCurPur>1090.12</amtCurPur><curPur>USD</curPur>
        <settlementDt>2024-04-15</settlementDt><unrealizedAppr>-3</unrealizedAppr>
        </fwdDeriv></derivativeInfo>''')}
      {_pos("SWAP", "7", f'''<derivativeInfo><swapDeriv derivCat="SWP">{_CP}
        <counterparties><counterpartyName>Second Bank</counterpartyName>
          <counterpartyLei>N/A</counterpartyLei></counterparties>
        <descRefInstrmnt><otherRefInst><issuerName>Acme Corp</issuerName>
          <issueTitle>Acme 5% 2030</issueTitle><identifiers><cusip value="000000AA1"/>
          <isin value="US000000AA11"/><ticker value="ACME"/></identifiers></otherRefInst>
        </descRefInstrmnt>
        <swapFlag>N</swapFlag>
        <otherRecDesc fixedOrFloating="Other">Total return of Acme bond</otherRecDesc>
        <fixedPmntDesc amount="125.5" curCd="USD" fixedOrFloating="Fixed" fixedRt="4.25"/>
        <terminationDt>2030-01-15</terminationDt><upfrontPmnt>0</upfrontPmnt>
        <pmntCurCd>USD</pmntCurCd><upfrontRcpt>1.5</upfrontRcpt><rcptCurCd>USD</rcptCurCd>
        <notionalAmt>250000</notionalAmt><curCd>USD</curCd><unrealizedAppr>7</unrealizedAppr>
        </swapDeriv></derivativeInfo>''')}
      {_pos("OPTION ON FUTURE", "2.25", f'''<derivativeInfo>
        <optionSwaptionWarrantDeriv derivCat="OPT">{_CP}
        <putOrCall>Call</putOrCall><writtenOrPur>Written</writtenOrPur>
        <descRefInstrmnt><nestedDerivInfo><futrDeriv derivCat="FUT">{_CP}
          <derivAddlInfo><name>N/A</name><title>Treasury future</title></derivAddlInfo>
          <payOffProf>Long</payOffProf>
          <descRefInstrmnt><otherRefInst><issuerName>US Treasury</issuerName>
            <issueTitle>10Y note</issueTitle><identifiers><other otherDesc="BBG" value="TYM4"/>
            </identifiers></otherRefInst></descRefInstrmnt>
          <expDate>2024-06-18</expDate><notionalAmt>100000</notionalAmt><curCd>USD</curCd>
        </futrDeriv></nestedDerivInfo></descRefInstrmnt>
        <shareNo>100</shareNo><exercisePrice>110.5</exercisePrice>
        <exercisePriceCurCd>USD</exercisePriceCurCd><expDt>2024-05-24</expDt>
        <delta>XXXX</delta><unrealizedAppr>2.25</unrealizedAppr>
        </optionSwaptionWarrantDeriv></derivativeInfo>''')}
      {_pos("VARIANCE SWAP", "-1", f'''<derivativeInfo>
        <othDeriv derivCat="OTH" othDesc="Variance swap">{_CP}
        <terminationDt>2025-03-31</terminationDt>
        <notionalAmts><notionalAmt amt="5000" curCd="USD"/><notionalAmt amt="4600.5" curCd="EUR"/>
        </notionalAmts><delta>N/A</delta><unrealizedAppr>-1</unrealizedAppr>
        </othDeriv></derivativeInfo>''')}
      {_pos("BROKEN VALUE", "12,5")}
      <invstOrSec>
        <name>Some Issuer</name><lei>549300BBBBBBBBBBBB02</lei><title>Some Issuer 3% 2031</title>
        <cusip>123456AB7</cusip>
        <identifiers><isin value="US123456AB70"/><other otherDesc="SEDOL" value="B0YBKJ7"/></identifiers>
        <balance>XXXX</balance><units>OU</units><descOthUnits>Contracts</descOthUnits>
        <currencyConditional curCd="GBP" exchangeRt="0.79"/>
        <valUSD>1234.56</valUSD><pctVal>XXXX</pctVal><payoffProfile>Long</payoffProfile>
        <assetConditional assetCat="OTHER" desc="Structured note"/>
        <issuerCat>CORP</issuerCat><invCountry>GB</invCountry><invOthCountry>US</invOthCountry>
        <isRestrictedSec>N</isRestrictedSec>
        <fundCats><fundCat category="HLI" pct="60"/><fundCat category="MLI" pct="40"/></fundCats>
        <fairValLevel>3</fairValLevel>
        <debtSec><maturityDt>2031-05-15</maturityDt><couponKind>Floating</couponKind>
          <annualizedRt>3.125</annualizedRt><isDefault>N</isDefault>
          <areIntrstPmntsInArrs>N</areIntrstPmntsInArrs><isPaidKind>Y</isPaidKind>
          <isMandatoryConvrtbl>N</isMandatoryConvrtbl><isContngtConvrtbl>N</isContngtConvrtbl>
          <dbtSecRefInstruments><dbtSecRefInstrument><name>Ref Co</name><title>Ref Co Ord</title>
            <curCd>GBP</curCd></dbtSecRefInstrument></dbtSecRefInstruments>
          <currencyInfos><currencyInfo convRatio="12.5" curCd="GBP"/></currencyInfos>
          <delta>XXXX</delta></debtSec>
        <securityLending>
          <cashCollateralCondition isCashCollateral="Y" cashCollateralVal="500.25"/>
          <isNonCashCollateral>N</isNonCashCollateral>
          <loanByFundCondition isLoanByFund="Y" loanVal="480"/>
        </securityLending>
      </invstOrSec>
    </invstOrSecs>
    <explntrNotes></explntrNotes>
    <signature><ncom:dateSigned>2024-04-20</ncom:dateSigned>
      <ncom:title>Treasurer</ncom:title></signature>
  </formData>
</edgarSubmission>
""".encode()


def test_inline_every_derivative_kind() -> None:
    """Constructed document (the real fixtures have no options/other derivatives): every
    derivative kind parsed; counts equal an independent count of derivativeInfo children;
    the future nested inside the option is NOT counted as a position."""
    assert INLINE.startswith(b"\n<?xml")  # same leading newline as real filings
    parsed = parse_nport(INLINE)
    root = _tree(INLINE)
    assert len(_xp(root, "//*[local-name()='futrDeriv']")) == 2  # one is nested
    summary = summarize(parsed)
    assert summary["derivatives_by_kind"] == _top_level_derivative_kinds(root) == {
        "future": 1, "forward": 1, "swap": 1, "option": 1, "other": 1,
    }
    assert summary["positions"] == 7 and summary["parsed"] == 6 and summary["holdings"] == 1
    assert summary["form"] == "NPORT-P/A"
    by_title = {h.title: h for h in parsed.holdings}

    fut = by_title["FUTURE"].derivative
    assert (fut.kind, fut.deriv_cat, fut.payoff_profile) == ("future", "FUT", "Short")
    assert (fut.ref_kind, fut.ref_name, fut.ref_identifier, fut.ref_description) == (
        "index", "S&P 500", "SPX", "large caps",
    )
    assert fut.notional == Decimal("-52000.25") and fut.expiration_date == date(2024, 6, 21)

    fwd = by_title["FORWARD"].derivative
    assert (fwd.amount_sold, fwd.currency_sold) == (Decimal("1000"), "EUR")
    assert (fwd.amount_purchased, fwd.currency_purchased) == (Decimal("1090.12"), "USD")

    swap = by_title["SWAP"].derivative
    assert swap.counterparties == (
        ("Big Bank", "549300AAAAAAAAAAAA01"), ("Second Bank", None),
    )
    assert swap.counterparty_name == "Big Bank"
    assert (swap.ref_cusip, swap.ref_isin, swap.ref_ticker) == ("000000AA1", "US000000AA11", "ACME")
    assert (swap.ref_name, swap.ref_title) == ("Acme Corp", "Acme 5% 2030")
    assert swap.swap_flag is False
    assert swap.receive_leg == SwapLeg(kind="other", description="Total return of Acme bond")
    assert swap.pay_leg == SwapLeg(
        kind="fixed", fixed_rate=Decimal("4.25"), amount=Decimal("125.5"), currency="USD"
    )
    assert swap.upfront_receipt == Decimal("1.5") and swap.termination_date == date(2030, 1, 15)

    opt = by_title["OPTION ON FUTURE"].derivative
    assert (opt.kind, opt.deriv_cat) == ("option", "OPT")
    assert opt.delta is None  # <delta>XXXX</delta>
    assert (opt.put_or_call, opt.written_or_purchased) == ("Call", "Written")
    assert opt.share_number == Decimal("100") and opt.exercise_price == Decimal("110.5")
    assert opt.exercise_price_currency == "USD" and opt.expiration_date == date(2024, 5, 24)
    assert opt.ref_kind == "derivative"
    nested = opt.nested
    assert isinstance(nested, Derivative) and nested.kind == "future"
    assert nested.notional == Decimal("100000") and nested.ref_title == "10Y note"
    assert nested.ref_identifiers == (("other", "TYM4", "BBG"),)
    assert ("derivAddlInfo/title", "Treasury future") in nested.extra
    assert ("derivAddlInfo/name", "N/A") in nested.extra  # extra is raw text

    oth = by_title["VARIANCE SWAP"].derivative
    assert (oth.kind, oth.deriv_cat, oth.other_desc) == ("other", "OTH", "Variance swap")
    assert oth.notional_amounts == ((Decimal("5000"), "USD"), (Decimal("4600.5"), "EUR"))
    assert oth.notional is None and oth.delta is None  # two amounts; delta "N/A"
    assert oth.termination_date == date(2025, 3, 31)


def test_inline_malformed_position_is_skipped_not_fatal() -> None:
    """Constructed document: <valUSD>12,5</valUSD> skips position 6 only, with a reason."""
    parsed = parse_nport(INLINE)
    assert [p for p, _ in parsed.skipped] == [6]
    assert "valUSD" in parsed.skipped[0][1] and "12,5" in parsed.skipped[0][1]
    assert [h.position for h in parsed.holdings] == [1, 2, 3, 4, 5, 7]
    assert summarize(parsed)["skipped"] == [{"position": 6, "reason": parsed.skipped[0][1]}]


def test_inline_bond_masked_values_conditions_and_extra() -> None:
    """Constructed document: XXXX balance/pctVal -> None; currencyConditional,
    assetConditional, debtSec, securityLending *Condition values; unmapped leaves in extra."""
    parsed = parse_nport(INLINE)
    bond = parsed.holdings[-1]
    assert bond.position == 7
    assert bond.balance is None and bond.pct_val is None  # masked
    assert bond.value_usd == Decimal("1234.56")
    assert (bond.units, bond.units_desc) == ("OU", "Contracts")
    assert (bond.currency, bond.exchange_rate) == ("GBP", Decimal("0.79"))
    assert (bond.asset_category, bond.asset_category_desc) == ("OTHER", "Structured note")
    assert (bond.country, bond.other_country) == ("GB", "US")
    assert bond.identifiers == (("isin", "US123456AB70", None), ("other", "B0YBKJ7", "SEDOL"))
    assert bond.maturity_date == date(2031, 5, 15) and bond.coupon_kind == "Floating"
    assert bond.is_paid_in_kind is True and bond.is_mandatory_convertible is False
    assert (bond.is_cash_collateral, bond.cash_collateral_value) == (True, Decimal("500.25"))
    assert bond.is_non_cash_collateral is False and bond.non_cash_collateral_value is None
    assert (bond.is_loan_by_fund, bond.loan_value) == (True, Decimal("480"))
    assert bond.extra == (
        ("fundCats/fundCat/@category", "HLI"),
        ("fundCats/fundCat/@pct", "60"),
        ("fundCats/fundCat/@category", "MLI"),
        ("fundCats/fundCat/@pct", "40"),
        ("debtSec/dbtSecRefInstruments/dbtSecRefInstrument/name", "Ref Co"),
        ("debtSec/dbtSecRefInstruments/dbtSecRefInstrument/title", "Ref Co Ord"),
        ("debtSec/dbtSecRefInstruments/dbtSecRefInstrument/curCd", "GBP"),
        ("debtSec/currencyInfos/currencyInfo/@convRatio", "12.5"),
        ("debtSec/currencyInfos/currencyInfo/@curCd", "GBP"),
        ("debtSec/delta", "XXXX"),
    )
    h = parsed.header
    assert h.series_id == "S000000001"  # from headerData/seriesClassInfo (none in genInfo)
    assert h.class_ids == ("C000000001", "C000000002") and h.reg_lei is None


def test_prefixed_namespace_gives_identical_records() -> None:
    """Constructed document re-serialised with an explicit prefix for the nport namespace
    (<n:invstOrSec> ...): matching by local name gives the same result."""
    prefixed = re.sub(rb"<(/?)(?!\?|ncom:)(\w+)", rb"<\1n:\2", INLINE)
    prefixed = prefixed.replace(b'xmlns="http://www.sec.gov/edgar/nport"',
                                b'xmlns:n="http://www.sec.gov/edgar/nport"')
    assert b"<n:invstOrSec>" in prefixed and b"<invstOrSec>" not in prefixed
    assert parse_nport(prefixed) == parse_nport(INLINE)


# ---------------------------------------------------------------------------- streaming


class _CountingReader:
    """Binary file stand-in recording how many bytes the parser pulled."""

    def __init__(self, data: bytes) -> None:
        self._buf = io.BytesIO(data)
        self.consumed = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self._buf.read(size)
        self.consumed += len(chunk)
        return chunk


def test_stream_header_before_holdings_and_batches() -> None:
    """SEC_NPORT_Sample_5.xml via a file object: the header is available after reading only
    the beginning of the file; batches() then yields every position."""
    data = _read(SAMPLE5)
    reader = _CountingReader(data)
    stream = iter_nport(reader)
    header = stream.header
    assert header.rep_pd_date == date(2021, 7, 20)
    assert reader.consumed < len(data) // 4
    sizes = [len(b) for b in stream.batches(1000)]
    assert sizes == [1000, 1000, 1000, 412]
    assert reader.consumed == len(data) and stream.positions == 3412 and stream.skipped == []


def test_stream_file_with_leading_newline() -> None:
    """0000311101_NPORT.Dupree.xml as a file object (leading newline before <?xml)."""
    stream = iter_nport(io.BytesIO(_read(DUPREE)))
    assert stream.header.series_id == "S000012000"
    assert sum(1 for _ in stream) == 55


class _SyntheticNport:
    """Generates an N-PORT document with ``n`` positions on the fly (never all in memory)."""

    def __init__(self, n: int) -> None:
        head = INLINE.split(b"<invstOrSecs>")[0].lstrip() + b"<invstOrSecs>"
        self._parts = itertools.chain(
            [head],
            (_pos(f"P{i}", f"{i}.01").encode() for i in range(n)),  # lazy
            [b"</invstOrSecs></formData></edgarSubmission>"],
        )
        self._pending = b""

    def read(self, size: int = -1) -> bytes:
        while len(self._pending) < size:
            part = next(self._parts, None)
            if part is None:
                break
            self._pending += part
        out, self._pending = self._pending[:size], self._pending[size:]
        return out


def test_stream_python_memory_stays_flat() -> None:
    """Synthetic document: streaming 12x more positions does not grow the peak Python
    memory (tracemalloc) in proportion; records are not retained by the parser."""

    def peak(n: int) -> tuple[int, int]:
        tracemalloc.start()
        try:
            stream = iter_nport(_SyntheticNport(n))
            count = sum(1 for _ in stream)
            return count, tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small_count, small_peak = peak(500)
    big_count, big_peak = peak(6_000)
    assert (small_count, big_count) == (500, 6_000)
    assert big_peak < small_peak * 2 + 512 * 1024


def _rss_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="needs Linux /proc")
def test_stream_lxml_tree_is_released() -> None:
    """Synthetic 30,000-position document: resident memory (which, unlike tracemalloc,
    includes libxml2's C tree) stays flat. Without element clearing it grows ~250 MB."""
    stream = iter_nport(_SyntheticNport(30_000))
    stream.header
    before = _rss_bytes()
    count = sum(1 for _ in stream)
    assert count == 30_000
    assert _rss_bytes() - before < 80 * 1024 * 1024


# ---------------------------------------------------------------------------- malformed


def test_truncated_xml_raises() -> None:
    """0001432353_GlobalX_DAX_Germany_ETF_NPORT-P_2024-01-31.xml cut in half."""
    data = _read(GLOBALX)
    with pytest.raises(NportParseError, match="broken XML"):
        parse_nport(data[: len(data) // 2])


def test_truncated_xml_streaming_raises_after_partial_output() -> None:
    """SEC_NPORT_Sample_5.xml cut in half, streamed: positions before the cut come out,
    then NportParseError."""
    data = _read(SAMPLE5)
    stream = iter_nport(data[: len(data) // 2])
    seen = 0
    with pytest.raises(NportParseError):
        for _ in stream:
            seen += 1
    assert 0 < seen < 3412


def test_ncen_document_is_rejected() -> None:
    """ncen/0001496608_0001410368-26-010918_N-CEN_primary_doc.xml: edgarSubmission in the
    N-CEN namespace is not an N-PORT document."""
    data = (FIXTURES / "ncen" / "0001496608_0001410368-26-010918_N-CEN_primary_doc.xml").read_bytes()
    with pytest.raises(NportParseError, match="not an N-PORT document"):
        parse_nport(data)


@pytest.mark.parametrize(
    "data",
    [
        b'<?xml version="1.0"?><edgarSubmission xmlns="http://example.com/nport"><formData/>'
        b"</edgarSubmission>",
        b"<edgarSubmission><formData/></edgarSubmission>",
        b'<foo xmlns="http://www.sec.gov/edgar/nport"><genInfo/></foo>',
        b"<html><body>Too Many Requests</body></html>",
    ],
    ids=["wrong-namespace", "no-namespace", "wrong-root", "html"],
)
def test_wrong_root_raises(data: bytes) -> None:
    with pytest.raises(NportParseError, match="not an N-PORT document"):
        parse_nport(data)


@pytest.mark.parametrize("data", [b"", b"   \n", b"hello", b"\x00\x01", b"<edgarSubmission"])
def test_not_xml_raises(data: bytes) -> None:
    with pytest.raises(NportParseError):
        parse_nport(data)


def test_missing_report_date_is_fatal_and_error_is_a_value_error() -> None:
    """Constructed document without repPdDate: no identity for the filing -> fatal."""
    data = INLINE.replace(b"<repPdDate>2024-03-31</repPdDate>", b"")
    with pytest.raises(ValueError, match="repPdDate"):
        parse_nport(data)
    assert issubclass(NportParseError, ValueError)


def test_records_are_frozen() -> None:
    parsed = parse_nport(INLINE)
    assert isinstance(parsed, ParsedNport)
    holding = parsed.holdings[0]
    assert isinstance(holding, Holding)
    with pytest.raises(dataclasses.FrozenInstanceError):
        holding.value_usd = Decimal(0)  # type: ignore[misc]
