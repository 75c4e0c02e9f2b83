"""The tailored shareholder report (oef inline XBRL) parser, etf_assets/ncsr/tsr.py.

No real TSR is available offline (see fixtures/sec/PROVENANCE.md); these tests use small
hand-written documents whose every expected value is written out below, and the
generated N-CSR documents of the fake EDGAR (validated against oef-2025 in
test_ncsr_generated.py) are parsed back to their plan there.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from etf_assets.ncsr.tsr import TsrError, member_label, parse_tsr, return_period

HEAD = """<?xml version="1.0" encoding="utf-8"?>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:ix="http://www.xbrl.org/2013/inlineXBRL"
 xmlns:xbrli="http://www.xbrl.org/2003/instance" xmlns:xbrldi="http://xbrl.org/2006/xbrldi"
 xmlns:iso4217="http://www.xbrl.org/2003/iso4217" xmlns:dei="http://xbrl.sec.gov/dei/2025"
 xmlns:oef="http://xbrl.sec.gov/oef/2025" xmlns:us-gaap="http://fasb.org/us-gaap/2025"
 xmlns:ixt="http://www.xbrl.org/inlineXBRL/transformation/2020-02-12"
 xmlns:fil="http://www.example.com/20250630"><body>
<div style="display:none"><ix:header><ix:hidden>
<ix:nonNumeric name="dei:DocumentType" contextRef="D">N-CSR</ix:nonNumeric>
<ix:nonNumeric name="dei:AmendmentFlag" contextRef="D">false</ix:nonNumeric>
<ix:nonNumeric name="dei:EntityCentralIndexKey" contextRef="D">0000999001</ix:nonNumeric>
<ix:nonNumeric name="dei:EntityRegistrantName" contextRef="D">Example ETF Trust</ix:nonNumeric>
<ix:nonNumeric name="dei:EntityInvCompanyType" contextRef="D">N-1A</ix:nonNumeric>
<ix:nonNumeric name="dei:DocumentPeriodEndDate" contextRef="D">2025-06-30</ix:nonNumeric>
</ix:hidden><ix:resources>
<xbrli:unit id="USD"><xbrli:measure>iso4217:USD</xbrli:measure></xbrli:unit>
<xbrli:unit id="pure"><xbrli:measure>xbrli:pure</xbrli:measure></xbrli:unit>
{contexts}
</ix:resources></ix:header></div>
"""


def _ctx(cid: str, start: str | None, end: str, *members: tuple[str, str],
         typed: tuple[str, str] | None = None) -> str:
    period = (f"<xbrli:startDate>{start}</xbrli:startDate><xbrli:endDate>{end}</xbrli:endDate>"
              if start else f"<xbrli:instant>{end}</xbrli:instant>")
    seg = "".join(f'<xbrldi:explicitMember dimension="{a}">{m}</xbrldi:explicitMember>'
                  for a, m in members)
    if typed:
        seg += (f'<xbrldi:typedMember dimension="{typed[0]}"><fil:name>{typed[1]}</fil:name>'
                "</xbrldi:typedMember>")
    seg = f"<xbrli:segment>{seg}</xbrli:segment>" if seg else ""
    return (f'<xbrli:context id="{cid}"><xbrli:entity><xbrli:identifier '
            f'scheme="http://www.sec.gov/CIK">0000999001</xbrli:identifier>{seg}</xbrli:entity>'
            f"<xbrli:period>{period}</xbrli:period></xbrli:context>")


CLS = ("oef:ClassAxis", "fil:C000111111Member")
IDX = ("oef:BroadBasedIndexAxis", "fil:SP500IndexMember")
ADD = ("oef:AdditionalIndexAxis", "fil:SP500GrowthIndexMember")
CONTEXTS = "\n".join([
    _ctx("D", "2024-07-01", "2025-06-30"),
    _ctx("C", "2024-07-01", "2025-06-30", CLS),
    _ctx("CI", None, "2025-06-30", CLS),
    _ctx("C1y", "2024-07-01", "2025-06-30", CLS),
    _ctx("C5y", "2020-07-01", "2025-06-30", CLS),
    _ctx("C10y", "2015-07-01", "2025-06-30", CLS),
    _ctx("CX", "2018-03-15", "2025-06-30", CLS),
    _ctx("I1y", "2024-07-01", "2025-06-30", CLS, IDX),
    _ctx("I5y", "2020-07-01", "2025-06-30", CLS, IDX),
    _ctx("A1y", "2024-07-01", "2025-06-30", CLS, ADD),
    _ctx("I", "2024-07-01", "2025-06-30", CLS, IDX),
    _ctx("A", "2024-07-01", "2025-06-30", CLS, ADD),
    _ctx("G15", None, "2015-06-30", CLS),
    _ctx("G25", None, "2025-06-30", CLS),
    _ctx("GI25", None, "2025-06-30", CLS, IDX),
    _ctx("S1", None, "2025-06-30", CLS, ("oef:IndustrySectorAxis",
                                           "oef:InformationTechnologySectorMember")),
    _ctx("S2", None, "2025-06-30", CLS, ("oef:IndustrySectorAxis", "fil:HealthCareSectorMember")),
    _ctx("H1", None, "2025-06-30", CLS, typed=("oef:LargestHoldingAxis", "Apple Inc.")),
    _ctx("Z", "2024-07-01", "2025-06-30", CLS, ("fil:SomeOtherAxis", "fil:FooMember")),
])

BODY = """
<p><ix:nonNumeric name="oef:FundName" contextRef="C">Example 500 ETF</ix:nonNumeric>
<ix:nonNumeric name="oef:ClassName" contextRef="C">Example 500 ETF</ix:nonNumeric>
<ix:nonNumeric name="dei:TradingSymbol" contextRef="C">EXFV</ix:nonNumeric>
<ix:nonNumeric name="oef:ShareholderReportAnnualOrSemiAnnual" contextRef="C">Annual Shareholder Report</ix:nonNumeric></p>
<table><tr><td>$<ix:nonFraction name="oef:ExpensesPaidAmt" contextRef="C" unitRef="USD" decimals="0" format="ixt:num-dot-decimal">3</ix:nonFraction></td>
<td><ix:nonFraction name="oef:ExpenseRatioPct" contextRef="C" unitRef="pure" decimals="4" scale="-2" format="ixt:num-dot-decimal">0.03</ix:nonFraction>%</td></tr></table>
<table>
<tr><td><ix:nonNumeric name="oef:LineGraphAndTableMeasureName" contextRef="C">Example 500 ETF (NAV)</ix:nonNumeric></td>
<td><ix:nonFraction name="oef:AvgAnnlRtrPct" contextRef="C1y" unitRef="pure" decimals="4" scale="-2" format="ixt:num-dot-decimal">15.12</ix:nonFraction>%</td>
<td><ix:nonFraction name="oef:AvgAnnlRtrPct" contextRef="C5y" unitRef="pure" decimals="4" scale="-2" format="ixt:num-dot-decimal">15.12</ix:nonFraction>%</td>
<td><ix:nonFraction name="oef:AvgAnnlRtrPct" contextRef="C10y" unitRef="pure" decimals="4" scale="-2" format="ixt:num-dot-decimal">12.80</ix:nonFraction>%</td>
<td>(<ix:nonFraction name="oef:AvgAnnlRtrPct" contextRef="CX" unitRef="pure" decimals="4" scale="-2" sign="-" format="ixt:num-dot-decimal">1.05</ix:nonFraction>)%</td></tr>
<tr><td><ix:nonNumeric name="oef:LineGraphAndTableMeasureName" contextRef="I">S&amp;P 500 Index</ix:nonNumeric></td>
<td><ix:nonFraction name="oef:AvgAnnlRtrPct" contextRef="I1y" unitRef="pure" decimals="4" scale="-2" format="ixt:num-dot-decimal">15.16</ix:nonFraction>%</td>
<td><ix:nonFraction name="oef:AvgAnnlRtrPct" contextRef="I5y" unitRef="pure" decimals="4" scale="-2" format="ixt:num-dot-decimal">16.64</ix:nonFraction>%</td></tr>
<tr><td><ix:nonNumeric name="oef:LineGraphAndTableMeasureName" contextRef="A">S&amp;P 500 Growth Index</ix:nonNumeric></td>
<td><ix:nonFraction name="oef:AvgAnnlRtrPct" contextRef="A1y" unitRef="pure" decimals="4" scale="-2" format="ixt:num-dot-decimal">17.50</ix:nonFraction>%</td></tr>
</table>
<p>Inception <ix:nonNumeric name="oef:PerfInceptionDate" contextRef="C" format="ixt:date-monthname-day-year-en">March 15, 2018</ix:nonNumeric></p>
<p>Net assets $<ix:nonFraction name="us-gaap:AssetsNet" contextRef="CI" unitRef="USD" decimals="-6" scale="6" format="ixt:num-dot-decimal">1,235</ix:nonFraction> million;
holdings <ix:nonFraction name="oef:HoldingsCount" contextRef="CI" unitRef="pure" decimals="0" format="ixt:num-dot-decimal">503</ix:nonFraction>;
turnover <ix:nonFraction name="us-gaap:InvestmentCompanyPortfolioTurnover" contextRef="C" unitRef="pure" decimals="2" scale="-2" format="ixt:num-dot-decimal">3</ix:nonFraction>%;
advisory fees $<ix:nonFraction name="oef:AdvisoryFeesPaidAmt" contextRef="C" unitRef="USD" decimals="0" format="ixt:num-dot-decimal">345,678</ix:nonFraction>;
premium days <ix:nonFraction name="oef:EtfPremiumNumDays" contextRef="C" unitRef="pure" decimals="0" format="ixt:num-dot-decimal">140</ix:nonFraction></p>
<p><ix:nonFraction name="oef:AcctVal" contextRef="G15" unitRef="USD" decimals="0" format="ixt:num-dot-decimal">10,000</ix:nonFraction>
<ix:nonFraction name="oef:AcctVal" contextRef="G25" unitRef="USD" decimals="0" format="ixt:num-dot-decimal">33,388</ix:nonFraction>
<ix:nonFraction name="oef:AcctVal" contextRef="GI25" unitRef="USD" decimals="0" format="ixt:num-dot-decimal">33,512</ix:nonFraction></p>
<p><ix:nonFraction name="oef:PctOfNav" contextRef="S1" unitRef="pure" decimals="3" scale="-2" format="ixt:num-dot-decimal">32.5</ix:nonFraction>
<ix:nonFraction name="oef:PctOfNav" contextRef="S2" unitRef="pure" decimals="3" scale="-2" format="ixt:num-dot-decimal">9.8</ix:nonFraction>
<ix:nonFraction name="oef:PctOfNav" contextRef="H1" unitRef="pure" decimals="3" scale="-2" format="ixt:num-dot-decimal">7.1</ix:nonFraction>
<ix:nonFraction name="oef:ExpenseRatioPct" contextRef="Z" unitRef="pure" decimals="4" scale="-2" format="ixt:num-dot-decimal">9.99</ix:nonFraction></p>
<ix:nonNumeric name="oef:AddlInfoTextBlock" contextRef="C">Visit example.com</ix:nonNumeric>
</body></html>
"""


def _doc(body: str = BODY, contexts: str = CONTEXTS) -> bytes:
    return (HEAD.format(contexts=contexts) + body).encode()


def test_cover_class_identity_and_expenses():
    r = parse_tsr(_doc())
    assert (r.document_type, r.amendment, r.cik, r.registrant_name,
            r.investment_company_type, r.period_end) == (
        "N-CSR", False, "0000999001", "Example ETF Trust", "N-1A", date(2025, 6, 30))
    assert r.taxonomy == "http://xbrl.sec.gov/oef/2025"
    [c] = r.classes
    assert (c.class_key, c.class_id, c.series_id, c.fund_name, c.ticker, c.report_type) == (
        "C000111111Member", "C000111111", None, "Example 500 ETF", "EXFV", "annual")
    assert (c.period_start, c.period_end) == (date(2024, 7, 1), date(2025, 6, 30))
    assert c.expense_ratio == Decimal("0.0003")  # "0.03%" with scale -2
    assert c.expenses_paid == Decimal("3")
    assert c.inception_date == date(2018, 3, 15)
    assert c.graph_label == "Example 500 ETF (NAV)"


def test_returns_keep_every_period_and_never_mix_fund_and_index():
    """The 1- and 5-year fund returns are both 15.12%: two rows, two periods."""
    c = parse_tsr(_doc()).classes[0]
    fund = {(r.period, r.start): r.value for r in c.returns if r.subject == "fund"}
    assert fund == {("1y", date(2024, 7, 1)): Decimal("0.1512"),
                    ("5y", date(2020, 7, 1)): Decimal("0.1512"),
                    ("10y", date(2015, 7, 1)): Decimal("0.1280"),
                    ("since_inception", date(2018, 3, 15)): Decimal("-0.0105")}
    index = {(r.index_axis, r.index_member, r.index_name, r.period): r.value
             for r in c.returns if r.subject == "index"}
    assert index == {
        ("broad_based", "SP500IndexMember", "S&P 500 Index", "1y"): Decimal("0.1516"),
        ("broad_based", "SP500IndexMember", "S&P 500 Index", "5y"): Decimal("0.1664"),
        ("additional", "SP500GrowthIndexMember", "S&P 500 Growth Index", "1y"):
            Decimal("0.1750")}
    assert all(r.measure is None for r in c.returns)
    assert c.fund_return("10y") == Decimal("0.1280")


def test_statistics_graph_and_holdings():
    c = parse_tsr(_doc()).classes[0]
    stats = {s.name: (s.value, s.unit) for s in c.statistics}
    assert stats == {"net_assets": (Decimal("1235000000"), "USD"),
                     "holdings_count": (Decimal("503"), "pure"),
                     "portfolio_turnover": (Decimal("0.03"), "pure"),
                     "advisory_fees_paid": (Decimal("345678"), "USD"),
                     "etf_premium_days": (Decimal("140"), "pure")}
    assert [(g.subject, g.index_member, g.as_of, g.value) for g in c.line_graph] == [
        ("fund", None, date(2015, 6, 30), Decimal("10000")),
        ("fund", None, date(2025, 6, 30), Decimal("33388")),
        ("index", "SP500IndexMember", date(2025, 6, 30), Decimal("33512"))]
    assert {(h.category, h.label, h.measure, h.value) for h in c.holdings} == {
        ("industry_sector", "Information Technology Sector", "pct_of_nav", Decimal("0.325")),
        ("industry_sector", "Health Care Sector", "pct_of_nav", Decimal("0.098")),
        ("largest_holding", "Apple Inc.", "pct_of_nav", Decimal("0.071"))}


def test_every_fact_is_accounted_for():
    r = parse_tsr(_doc())
    assert r.mapped + r.duplicates + len([s for s in r.skipped if s.order is not None]) \
        == r.fact_count
    assert r.skipped_reasons() == {"text not extracted": 1,
                                   "unrecognized axis fil:SomeOtherAxis": 1}


def test_undimensioned_single_class_report():
    """A single-class fund may tag without oef:ClassAxis: one class, class_key None."""
    contexts = CONTEXTS.replace(
        '<xbrldi:explicitMember dimension="oef:ClassAxis">fil:C000111111Member'
        "</xbrldi:explicitMember>", "")
    r = parse_tsr(_doc(contexts=contexts))
    assert [(c.class_key, c.class_id, c.ticker) for c in r.classes] == [(None, None, "EXFV")]
    assert r.classes[0].expense_ratio == Decimal("0.0003")


@pytest.mark.parametrize("start,end,inception,expected", [
    (date(2024, 7, 1), date(2025, 6, 30), None, "1y"),
    (date(2024, 6, 30), date(2025, 6, 30), None, "1y"),  # some filers start at the prior FYE
    (date(2020, 7, 1), date(2025, 6, 30), None, "5y"),
    (date(2015, 7, 1), date(2025, 6, 30), None, "10y"),
    (date(2025, 1, 1), date(2025, 6, 30), None, "6m"),
    (date(2022, 5, 16), date(2025, 6, 30), date(2022, 5, 16), "since_inception"),
    (date(2022, 5, 17), date(2025, 6, 30), date(2022, 5, 16), "since_inception"),
    (date(2020, 7, 1), date(2025, 6, 30), date(2020, 7, 1), "since_inception"),
])
def test_return_period(start, end, inception, expected):
    assert return_period(start, end, inception) == expected


def test_member_label():
    assert member_label("InformationTechnologySectorMember") == "Information Technology Sector"
    assert member_label("USTreasuryMember") == "US Treasury"


def test_not_a_tsr():
    with pytest.raises(TsrError, match="no inline XBRL"):
        parse_tsr(b"<html><body><p>Annual report</p></body></html>")
    rr = _doc().replace(b"http://xbrl.sec.gov/oef/2025", b"http://xbrl.sec.gov/rr/2023")
    with pytest.raises(TsrError, match="without oef facts"):
        parse_tsr(rr)


def test_index_returns_tagged_per_series_are_series_level_rows():
    """oef-2025's own average-return hypercube pairs an index axis with dei:LegalEntityAxis
    (no ClassAxis): such index returns belong to the series, and no class row is made
    for them."""
    from etf_assets.ncsr.parse import NcsrDocument
    from etf_assets.ncsr.rows import RegisteredClass, ncsr_rows

    series = ("dei:LegalEntityAxis", "fil:S000222222Member")
    contexts = CONTEXTS.replace(
        _ctx("I1y", "2024-07-01", "2025-06-30", CLS, IDX),
        _ctx("I1y", "2024-07-01", "2025-06-30", series, IDX)).replace(
        _ctx("I", "2024-07-01", "2025-06-30", CLS, IDX),
        _ctx("I", "2024-07-01", "2025-06-30", series, IDX))
    r = parse_tsr(_doc(contexts=contexts))
    by_key = {c.class_key: c for c in r.classes}
    assert set(by_key) == {"C000111111Member", None}
    assert by_key[None].series_id == "S000222222"
    assert [(x.subject, x.period, x.value, x.index_name) for x in by_key[None].returns] == [
        ("index", "1y", Decimal("0.1516"), "S&P 500 Index")]
    registry = [RegisteredClass("C000111111", "S000222222", "Example 500 ETF",
                                "Example 500 ETF", "EXFV", True)]
    rows = list(ncsr_rows(NcsrDocument(r, None, (), "none"), accession="a",
                          filing_date=date(2025, 8, 1), cik="0000999001", registry=registry))
    assert [row["class_id"] for t, row in rows if t.name == "ncsr_expense"] == ["C000111111"]
    index_rows = [row for t, row in rows if t.name == "performance" and row["subject"] == "index"
                  and row["period"] == "1y" and row["index_role"] == "broad_based"]
    assert [(x["series_id"], x["class_id"], x["value"]) for x in index_rows] == [
        ("S000222222", None, Decimal("0.1516"))]


def test_multi_class_report_generic_axis_no_phantom_class_fund_level():
    """A two-class report shaped like the real multi-class Workiva report the issue
    describes (CONSTRUCTED, values written out): holdings on us-gaap:InvestmentTypeAxis
    are read as category investment_type; the registrant-level
    ShareholderReportAnnualOrSemiAnnual is no class but every class's report type; the
    fund's net assets, tagged in each class's context, are flagged fund level."""
    c1, c2 = ("oef:ClassAxis", "fil:C000111111Member"), ("oef:ClassAxis", "fil:C000222222Member")
    inv = ("us-gaap:InvestmentTypeAxis", "us-gaap:CommonStockMember")
    contexts = "\n".join([
        _ctx("D", "2024-07-01", "2025-06-30"),
        _ctx("C1", "2024-07-01", "2025-06-30", c1), _ctx("C2", "2024-07-01", "2025-06-30", c2),
        _ctx("N1", None, "2025-06-30", c1), _ctx("N2", None, "2025-06-30", c2),
        _ctx("T1", None, "2025-06-30", c1, inv), _ctx("T2", None, "2025-06-30", c2, inv),
    ])
    body = ("""<ix:nonNumeric name="oef:ShareholderReportAnnualOrSemiAnnual" contextRef="D">"""
            "Annual Shareholder Report</ix:nonNumeric>"
            + "".join(f'<ix:nonFraction name="oef:ExpenseRatioPct" contextRef="C{i}" '
                      f'unitRef="pure" decimals="4" scale="-2">0.{i}0</ix:nonFraction>'
                      f'<ix:nonFraction name="us-gaap:AssetsNet" contextRef="N{i}" '
                      'unitRef="USD" decimals="0">1,000</ix:nonFraction>'
                      f'<ix:nonFraction name="oef:PctOfNav" contextRef="T{i}" unitRef="pure" '
                      'decimals="3" scale="-2">97.5</ix:nonFraction>' for i in (1, 2))
            + "</body></html>")
    report = parse_tsr(_doc(body.replace("1,000", "1000"), contexts))
    assert [c.class_id for c in report.classes] == ["C000111111", "C000222222"]
    for c in report.classes:
        assert c.report_type == "annual"
        assert [(h.category, h.member, h.label, h.measure, h.value) for h in c.holdings] == [
            ("investment_type", "CommonStockMember", "Common Stock", "pct_of_nav",
             Decimal("0.975"))]
        assert c.statistic("net_assets") == Decimal(1000)
    assert report.skipped == ()
    from etf_assets.ncsr.tsr import FUND_LEVEL_STATISTICS

    assert "net_assets" in FUND_LEVEL_STATISTICS and "expense_ratio" not in FUND_LEVEL_STATISTICS


def test_fund_level_statistics_are_flagged_in_the_rows():
    """The rows of the two-class report above: net assets appears once per class
    (as tagged) with fund_level true; the expense ratio is no statistic."""
    from datetime import date as _date

    from etf_assets.ncsr.parse import NcsrDocument
    from etf_assets.ncsr.rows import RegisteredClass, ncsr_rows
    from etf_assets.warehouse.tables import ncsr_statistic

    c1, c2 = ("oef:ClassAxis", "fil:C000111111Member"), ("oef:ClassAxis", "fil:C000222222Member")
    contexts = "\n".join([_ctx("N1", None, "2025-06-30", c1), _ctx("N2", None, "2025-06-30", c2)])
    body = "".join(f'<ix:nonFraction name="us-gaap:AssetsNet" contextRef="N{i}" unitRef="USD" '
                   'decimals="0">1000</ix:nonFraction><ix:nonFraction name="oef:ExpenseRatioPct" '
                   f'contextRef="N{i}" unitRef="pure" decimals="4" scale="-2">0.20'
                   "</ix:nonFraction>" for i in (1, 2)) + "</body></html>"
    report = parse_tsr(_doc(body, contexts))
    registry = [RegisteredClass(f"C000{n}", "S000000009", "F", None, None, True)
                for n in ("111111", "222222")]
    rows = [r for t, r in ncsr_rows(NcsrDocument(report, None, (), None), accession="a",
                                    filing_date=_date(2025, 8, 1), cik="0000999001",
                                    registry=registry) if t is ncsr_statistic]
    assert [(r["class_id"], r["statistic"], r["value"], r["fund_level"]) for r in rows] == [
        ("C000111111", "net_assets", Decimal(1000), True),
        ("C000222222", "net_assets", Decimal(1000), True)]
