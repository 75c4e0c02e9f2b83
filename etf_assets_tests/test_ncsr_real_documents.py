"""A real tailored shareholder report, read end to end: The Alger Portfolios' N-CSR
0001133228-26-002293 (filed 2026-02-26, FY ended 2025-12-31, DFIN inline XBRL, oef/2025),
the TSR of Alger Capital Appreciation Portfolio Class I-2 (ALVOX, C000025034), an excerpt
(fixtures/sec/PROVENANCE.md, row ``ncsr_real/``). No real ETF TSR was found in any indexed
repository; this is a mutual-fund portfolio's, the first real TSR the project reads.

Every expected value below was read by eye from the document's own tables (the "Costs of
a $10,000 investment" table, "Average Annual Total Returns (As of December 31, 2025)",
"Key Fund Statistics" and "Sector Allocation"), not from the parser's output. The series
id S000009219 is the SGML header's (SERIES-NAME Alger Capital Appreciation Portfolio).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from etf_assets.ncsr.parse import parse_ncsr
from etf_assets.ncsr.rows import Kept, RegisteredClass, ncsr_rows
from etf_assets.ncsr.tsr import ShareholderReport, parse_tsr
from etf_assets.warehouse.tables import ncsr_expense, ncsr_holding, ncsr_statistic, performance
from etf_assets.xbrl.inline import parse_inline_xbrl

ALGER = (Path(__file__).parent / "fixtures" / "sec" / "ncsr_real"
         / "0000832566_0001133228-26-002293_N-CSR_Alger_Capital_Appreciation_I-2_excerpt.html")
ACCESSION = "0001133228-26-002293"
FY = (date(2025, 1, 1), date(2025, 12, 31))
Y5 = (date(2021, 1, 1), date(2025, 12, 31))
Y10 = (date(2016, 1, 1), date(2025, 12, 31))


@pytest.fixture(scope="module")
def report() -> ShareholderReport:
    return parse_tsr(ALGER.read_bytes())


def test_cover(report: ShareholderReport) -> None:
    """Alger N-CSR 0001133228-26-002293: the cover's dei facts."""
    assert (report.document_type, report.amendment, report.cik, report.registrant_name,
            report.investment_company_type, report.period_end, report.taxonomy) == (
        "N-CSR", False, "0000832566", "ALGER PORTFOLIOS", "N-1A", date(2025, 12, 31),
        "http://xbrl.sec.gov/oef/2025")


def test_one_class_and_no_phantom_index_class(report: ShareholderReport) -> None:
    """Alger N-CSR 0001133228-26-002293 tags each index return in a context with the index
    axis alone (``FY2025_Russell1000GrowthIndexMember``, shared by every class showing the
    index); the cells sit in Class I-2's returns table, so they are that class's. Before,
    they made a second class with no class id holding only index returns."""
    assert [c.class_id for c in report.classes] == ["C000025034"]
    c = report.classes[0]
    assert (c.class_key, c.series_id, c.fund_name, c.class_name, c.ticker, c.exchange,
            c.report_type, c.inception_date, c.graph_label) == (
        "C000025034Member", None, "Alger Capital Appreciation Portfolio", "Class I-2",
        "ALVOX", None, "annual", None, "Alger Capital Appreciation Portfolio Class I-2")


def test_costs(report: ShareholderReport) -> None:
    """Alger N-CSR 0001133228-26-002293, "Costs of a $10,000 investment": $109, 0.94%."""
    c = report.classes[0]
    assert (c.period_start, c.period_end, c.expenses_paid, c.expense_ratio,
            c.expenses_excl_extraordinary) == (*FY, Decimal("109"), Decimal("0.0094"), None)


def test_average_annual_returns_with_periods_and_index_rows(report: ShareholderReport) -> None:
    """Alger N-CSR 0001133228-26-002293, "Average Annual Total Returns (As of December 31,
    2025)": Class I-2 32.87 / 16.33 / 18.17; Russell 1000 Growth Index 18.56 / 15.32 /
    18.13 (tagged on AdditionalIndexAxis); S&P 500 Index 17.88 / 14.42 / 14.82
    (BroadBasedIndexAxis). Periods from each fact's context dates."""
    got = [(r.subject, r.measure, r.index_axis, r.index_member, r.index_name, r.start, r.end,
            r.period, r.value) for r in report.classes[0].returns]
    r1g, sp = "Russell1000GrowthIndexMember", "StandardPoors500IndexMember"
    assert got == [
        ("fund", None, None, None, None, *FY, "1y", Decimal("0.3287")),
        ("fund", None, None, None, None, *Y5, "5y", Decimal("0.1633")),
        ("fund", None, None, None, None, *Y10, "10y", Decimal("0.1817")),
        ("index", None, "additional", r1g, "Russell 1000 Growth Index", *FY, "1y",
         Decimal("0.1856")),
        ("index", None, "additional", r1g, "Russell 1000 Growth Index", *Y5, "5y",
         Decimal("0.1532")),
        ("index", None, "additional", r1g, "Russell 1000 Growth Index", *Y10, "10y",
         Decimal("0.1813")),
        ("index", None, "broad_based", sp, "S&P 500 Index", *FY, "1y", Decimal("0.1788")),
        ("index", None, "broad_based", sp, "S&P 500 Index", *Y5, "5y", Decimal("0.1442")),
        ("index", None, "broad_based", sp, "S&P 500 Index", *Y10, "10y", Decimal("0.1482")),
    ]


def test_key_fund_statistics(report: ShareholderReport) -> None:
    """Alger N-CSR 0001133228-26-002293, "Key Fund Statistics": net assets $760,429,069,
    68 holdings, turnover 75.67%, advisory fees $5,539,059."""
    assert [(s.name, s.value, s.unit, s.as_of, s.period_start)
            for s in report.classes[0].statistics] == [
        ("net_assets", Decimal("760429069"), "USD", FY[1], None),
        ("holdings_count", Decimal("68"), "ap:Holding", FY[1], None),
        ("portfolio_turnover", Decimal("0.7567"), "pure", FY[1], FY[0]),
        ("advisory_fees_paid", Decimal("5539059"), "USD", FY[1], FY[0]),
    ]


def test_sector_allocation_with_printed_labels(report: ShareholderReport) -> None:
    """Alger N-CSR 0001133228-26-002293, "Sector Allocation" (based on net assets): the
    labels as printed; the short-term line, negative (0.5)%, is tagged on
    us-gaap:InvestmentTypeAxis. The 100.0% total (no category member) is skipped."""
    assert [(h.category, h.member, h.label, h.measure, h.value, h.as_of)
            for h in report.classes[0].holdings] == [
        ("industry_sector", "CommunicationsSectorMember", "Communication Services",
         "pct_of_nav", Decimal("0.153"), FY[1]),
        ("industry_sector", "ConsumerDiscretionarySectorMember", "Consumer Discretionary",
         "pct_of_nav", Decimal("0.129"), FY[1]),
        ("industry_sector", "EnergySectorMember", "Energy", "pct_of_nav", Decimal("0.003"),
         FY[1]),
        ("industry_sector", "FinancialServicesSectorMember", "Financials", "pct_of_nav",
         Decimal("0.017"), FY[1]),
        ("industry_sector", "HealthcareSectorMember", "Health Care", "pct_of_nav",
         Decimal("0.080"), FY[1]),
        ("industry_sector", "IndustrialSectorMember", "Industrials", "pct_of_nav",
         Decimal("0.049"), FY[1]),
        ("industry_sector", "InformationTechnologySectorMember", "Information Technology",
         "pct_of_nav", Decimal("0.525"), FY[1]),
        ("industry_sector", "MaterialsSectorMember", "Materials", "pct_of_nav",
         Decimal("0.009"), FY[1]),
        ("industry_sector", "UtilitiesSectorMember", "Utilities", "pct_of_nav",
         Decimal("0.040"), FY[1]),
        ("investment_type", "ShortTermInvestmentsAndOtherNetAssetsMember",
         "Short-Term Investments and Other Net Assets", "pct_of_nav", Decimal("-0.005"),
         FY[1]),
    ]


def test_every_fact_accounted_for(report: ShareholderReport) -> None:
    """Alger N-CSR 0001133228-26-002293 excerpt: 52 facts, 38 mapped, 13 narrative text
    blocks skipped and the sector table's 100.0% total (no category member)."""
    assert (report.fact_count, report.mapped, report.duplicates) == (52, 38, 0)
    assert report.skipped_reasons() == {"text not extracted": 13,
                                        "PctOfNav without one holdings category member": 1}


def test_enclosing_context_of_an_index_cell() -> None:
    """Alger N-CSR 0001133228-26-002293: the Russell 1000 Growth 1-year cell is inside the
    class's ``AvgAnnlRtrTableTextBlock``; a sector cell is inside a continuation of the
    class's ``HoldingsTableTextBlock``; the cover's CIK (hidden) is inside no block."""
    doc = parse_inline_xbrl(ALGER.read_bytes())
    by_id = {f.fact_id: f for f in doc.facts}
    assert by_id["h_6_49327843_dfc8_43f7_a98b_5f52ffb39820"].enclosing_context == \
        "FY2025_C000025034Member"
    assert by_id["h_16_43fc4831_331a_4b05_a127_d6dbf03728f9"].enclosing_context == \
        "FY2025_C000025034Member"
    assert by_id["h1_c8e853df_f5c6_4543_9c0e_d3bc7a1db35e"].enclosing_context is None


def test_warehouse_rows_every_column() -> None:
    """Alger N-CSR 0001133228-26-002293 to rows, the class registered as an ETF class so
    that it loads (the trust is a mutual-fund trust; only ETF classes load): every column
    of ``performance``, ``ncsr_expense``, ``ncsr_statistic`` and ``ncsr_holding``."""
    registry = [RegisteredClass("C000025034", "S000009219",
                                "Alger Capital Appreciation Portfolio", "Class I-2", "ALVOX",
                                is_etf=True)]
    kept = Kept()
    rows = list(ncsr_rows(parse_ncsr(ALGER.read_bytes()), accession=ACCESSION,
                          filing_date=date(2026, 2, 26), cik="0000832566",
                          registry=registry, kept=kept))
    scope = {"accession_number": ACCESSION, "class_key": "C000025034", "cik": "0000832566",
             "series_id": "S000009219", "class_id": "C000025034",
             "filing_date": date(2026, 2, 26)}
    by_table: dict[str, list[dict]] = {}
    for table, row in rows:
        by_table.setdefault(table.name, []).append(row)
    assert sorted(by_table) == sorted(t.name for t in (ncsr_expense, ncsr_statistic,
                                                       ncsr_holding, performance))
    assert by_table["ncsr_expense"] == [{
        **scope, "ticker": "ALVOX", "fund_name": "Alger Capital Appreciation Portfolio",
        "class_name": "Class I-2", "report_type": "annual", "period_start": FY[0],
        "period_end": FY[1], "expense_ratio": Decimal("0.0094"),
        "expenses_paid": Decimal("109"), "expenses_excl_extraordinary": None,
        "inception_date": None, "class_resolved_by": "member"}]
    assert by_table["ncsr_statistic"] == [
        {**scope, "statistic": "net_assets", "value": Decimal("760429069"), "unit": "USD",
         "as_of": FY[1], "period_start": None, "fund_level": True},
        {**scope, "statistic": "holdings_count", "value": Decimal("68"), "unit": "ap:Holding",
         "as_of": FY[1], "period_start": None, "fund_level": True},
        {**scope, "statistic": "portfolio_turnover", "value": Decimal("0.7567"),
         "unit": "pure", "as_of": FY[1], "period_start": FY[0], "fund_level": True},
        {**scope, "statistic": "advisory_fees_paid", "value": Decimal("5539059"),
         "unit": "USD", "as_of": FY[1], "period_start": FY[0], "fund_level": True}]
    assert [(r["category"], r["member"], r["measure"], r["label"], r["value"], r["as_of"])
            for r in by_table["ncsr_holding"]][:2] == [
        ("industry_sector", "CommunicationsSectorMember", "pct_of_nav",
         "Communication Services", Decimal("0.153"), FY[1]),
        ("industry_sector", "ConsumerDiscretionarySectorMember", "pct_of_nav",
         "Consumer Discretionary", Decimal("0.129"), FY[1])]
    assert len(by_table["ncsr_holding"]) == 10
    assert all({k: r[k] for k in scope} == scope for r in by_table["ncsr_holding"])
    base = {"accession_number": ACCESSION, "source": "ncsr", "cik": "0000832566",
            "series_id": "S000009219", "year": None, "inception_date": None,
            "filing_date": date(2026, 2, 26)}
    fund = {**base, "class_id": "C000025034", "subject": "fund", "measure": "before_taxes",
            "index_member": None, "index_name": None, "index_role": None}
    r1g = {**base, "class_id": None, "subject": "index", "measure": None,
           "index_member": "Russell1000GrowthIndexMember",
           "index_name": "Russell 1000 Growth Index", "index_role": "additional"}
    sp = {**base, "class_id": None, "subject": "index", "measure": None,
          "index_member": "StandardPoors500IndexMember", "index_name": "S&P 500 Index",
          "index_role": "broad_based"}
    expected = []
    for seq, (kind, (start, end), period, value) in enumerate([
            (fund, FY, "1y", "0.3287"), (fund, Y5, "5y", "0.1633"), (fund, Y10, "10y", "0.1817"),
            (r1g, FY, "1y", "0.1856"), (r1g, Y5, "5y", "0.1532"), (r1g, Y10, "10y", "0.1813"),
            (sp, FY, "1y", "0.1788"), (sp, Y5, "5y", "0.1442"), (sp, Y10, "10y", "0.1482")],
            start=1):
        expected.append({**kind, "seq": seq, "period": period, "as_of": end,
                         "period_start": start, "value": Decimal(value)})
    assert by_table["performance"] == expected
    assert kept.reasons() == {"non_etf_classes": 0, "non_etf_highlights_tables": 0,
                              "unattributed_highlights_tables": 0,
                              "unresolved_tsr_classes": 0}


# --------------------------------------------------------------------------- Workiva
# American Century Quantitative Equity Funds' N-CSRS 0000827060-26-000002 (filed
# 2026-02-26, six months ended 2025-12-31, Workiva): the semi-annual TSR of Disciplined
# Core Value Fund Investor Class (BIGRX, C000016473; series S000005979 per the SGML
# header), an excerpt (PROVENANCE.md). Values read by eye from its tables.

ACI = (Path(__file__).parent / "fixtures" / "sec" / "ncsr_real"
       / "0000827060_0000827060-26-000002_N-CSRS_Disciplined_Core_Value_Investor_excerpt.html")
H2 = (date(2025, 7, 1), date(2025, 12, 31))


@pytest.fixture(scope="module")
def aci() -> ShareholderReport:
    return parse_tsr(ACI.read_bytes())


def test_workiva_semiannual_cover_and_no_registrant_phantom_class(aci: ShareholderReport
                                                                  ) -> None:
    """ACI N-CSRS 0000827060-26-000002 tags "Semi-Annual Shareholder Report" in the
    registrant context c-1 (no class): it is a default for the classes, never a class of
    its own."""
    assert (aci.document_type, aci.amendment, aci.cik, aci.registrant_name,
            aci.investment_company_type, aci.period_end) == (
        "N-CSRS", False, "0000827060", "AMERICAN CENTURY QUANTITATIVE EQUITY FUNDS, INC.",
        "N-1A", date(2025, 12, 31))
    assert [c.class_id for c in aci.classes] == ["C000016473"]
    c = aci.classes[0]
    assert (c.fund_name, c.class_name, c.ticker, c.report_type, c.period_start,
            c.period_end, c.expenses_paid, c.expense_ratio, c.returns, c.line_graph) == (
        "Disciplined Core Value Fund", "Investor Class", "BIGRX", "semiannual", *H2,
        Decimal("35"), Decimal("0.0066"), (), ())


def test_workiva_fund_statistics(aci: ShareholderReport) -> None:
    """ACI N-CSRS 0000827060-26-000002, "Fund Statistics": net assets $1,911,975,842,
    management fees $6,100,142, turnover 54%, 191 holdings."""
    assert [(s.name, s.value, s.unit, s.as_of, s.period_start)
            for s in aci.classes[0].statistics] == [
        ("net_assets", Decimal("1911975842"), "USD", H2[1], None),
        ("advisory_fees_paid", Decimal("6100142"), "USD", *H2[::-1]),
        ("portfolio_turnover", Decimal("0.54"), "pure", *H2[::-1]),
        ("holdings_count", Decimal("191"), "ck0000827060:holding", H2[1], None),
    ]


def test_workiva_side_by_side_breakdowns_with_their_own_labels(aci: ShareholderReport
                                                               ) -> None:
    """ACI N-CSRS 0000827060-26-000002 prints "Types of Investments in Portfolio"
    (us-gaap:InvestmentTypeAxis) and "Top Five Industries" (oef:IndustrySectorAxis) side
    by side, one row holding a pair of each: every value takes the label printed just
    left of it ("Banks", not the row's "Common Stocks")."""
    assert [(h.category, h.member, h.label, h.value) for h in aci.classes[0].holdings] == [
        ("investment_type", "CommonStockMember", "Common Stocks", Decimal("0.995")),
        ("industry_sector", "BanksMember", "Banks", Decimal("0.11")),
        ("investment_type", "ShortTermInvestmentMember", "Short-Term Investments",
         Decimal("0.005")),
        ("industry_sector", "PharmaceuticalsMember", "Pharmaceuticals", Decimal("0.06")),
        ("investment_type", "OtherAssetsAndLiabilitiesMember", "Other Assets and Liabilities",
         Decimal("0.000")),
        ("industry_sector", "ConsumerStaplesDistributionRetailMember",
         "Consumer Staples Distribution & Retail", Decimal("0.05")),
        ("industry_sector", "SemiconductorsAndSemiconductorEquipmentMember",
         "Semiconductors and Semiconductor Equipment", Decimal("0.05")),
        ("industry_sector", "FinancialServiceMember", "Financial Services", Decimal("0.05")),
    ]
    assert all(h.measure == "pct_of_nav" and h.as_of == H2[1]
               for h in aci.classes[0].holdings)


def test_workiva_every_fact_accounted_for(aci: ShareholderReport) -> None:
    """ACI N-CSRS 0000827060-26-000002 excerpt: 32 facts = 25 mapped + 1 consistent
    duplicate (the class name, shown twice) + 6 narrative text blocks."""
    assert (aci.fact_count, aci.mapped, aci.duplicates) == (32, 25, 1)
    assert aci.skipped_reasons() == {"text not extracted": 6}


def test_workiva_fund_level_statistics_flagged_in_rows() -> None:
    """ACI N-CSRS 0000827060-26-000002 to rows (the class registered as an ETF class so
    that it loads): the fund's net assets, fees, turnover and holdings count, tagged on
    the Investor Class, are flagged fund level."""
    registry = [RegisteredClass("C000016473", "S000005979", "Disciplined Core Value Fund",
                                "Investor Class", "BIGRX", is_etf=True)]
    rows = list(ncsr_rows(parse_ncsr(ACI.read_bytes()), accession="0000827060-26-000002",
                          filing_date=date(2026, 2, 26), cik="0000827060", registry=registry))
    stats = [(r["statistic"], r["value"], r["fund_level"], r["series_id"], r["class_id"])
             for t, r in rows if t is ncsr_statistic]
    assert stats == [
        ("net_assets", Decimal("1911975842"), True, "S000005979", "C000016473"),
        ("advisory_fees_paid", Decimal("6100142"), True, "S000005979", "C000016473"),
        ("portfolio_turnover", Decimal("0.54"), True, "S000005979", "C000016473"),
        ("holdings_count", Decimal("191"), True, "S000005979", "C000016473"),
    ]
    assert not [r for t, r in rows if t is performance]


def test_cell_label_skips_cells_without_words() -> None:
    """The label of a value is the nearest cell to its left with a letter in it: a "$"
    cell between them (layouts that set the currency sign in its own cell) and an empty
    hidden cell are passed over; outside a table there is none."""
    from lxml import etree

    from etf_assets.xbrl.inline import cell_label

    row = etree.fromstring(
        '<tr xmlns="http://www.w3.org/1999/xhtml"><td>Net Assets</td><td/><td>$</td>'
        '<td><b id="v">1,911,975,842</b></td></tr>')
    value = row.find(".//{http://www.w3.org/1999/xhtml}b")
    assert cell_label(value) == "Net Assets"
    assert cell_label(etree.fromstring("<p><b>5</b></p>")[0]) is None
