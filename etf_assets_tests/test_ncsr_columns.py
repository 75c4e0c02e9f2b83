"""N-CSR rows in the warehouse, every column (issue 25 acceptance): the hand-written
tailored shareholder report of test_ncsr_tsr (no real TSR is available offline: every
expected value is written out in that document) and the real Vanguard Financial
Highlights excerpt (values as printed in the HTML), each loaded through load_ncsr."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D
from pathlib import Path

import pytest
from sqlalchemy import select

from etf_assets.ncsr.load import load_ncsr
from etf_assets.warehouse.engine import make_engine
from etf_assets.warehouse.tables import (
    etf,
    filing_skip,
    ncsr_expense,
    ncsr_holding,
    ncsr_line_graph,
    ncsr_statistic,
    per_share_distribution,
    per_share_operating,
    per_share_ratio,
    performance,
)
from etf_assets_tests.test_ncsr_tsr import _doc

VANGUARD = Path(__file__).parent / "fixtures" / "sec" / "ncsr" / \
    "vanguard_financial_highlights_table_excerpt.html"
CIK = "0000999001"
TSR_ACC, HL_ACC = "0000999001-25-000001", "0000999001-25-000002"
FILED = date(2025, 8, 28)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('n') / 'w.db'}")
    now = datetime(2026, 1, 1)
    with engine.begin() as conn:
        conn.execute(etf.insert(), [{
            "class_id": "C000111111", "ticker": "EXFV", "series_id": "S000011111", "cik": CIK,
            "fund_name": "Example 500 ETF", "class_name": "Example 500 ETF", "is_etf": True,
            "decision_source": "ncen", "first_seen": now, "last_seen": now, "active": True}])
        load_ncsr(conn, _doc(), accession=TSR_ACC, filing_date=FILED, cik=CIK,
                  url="https://example.invalid", form="N-CSR")
        load_ncsr(conn, VANGUARD.read_bytes(), accession=HL_ACC, filing_date=FILED, cik=CIK,
                  url="https://example.invalid", form="N-CSR")
    return engine


def _all(engine, table, accession):
    with engine.connect() as conn:
        return [r._asdict() for r in conn.execute(
            select(table).where(table.c.accession_number == accession))]


SCOPE = {"accession_number": TSR_ACC, "class_key": "C000111111", "cik": CIK,
         "series_id": "S000011111", "class_id": "C000111111", "filing_date": FILED}


def test_ncsr_expense_and_statistics(warehouse):
    assert _all(warehouse, ncsr_expense, TSR_ACC) == [{
        **SCOPE, "ticker": "EXFV", "fund_name": "Example 500 ETF",
        "class_name": "Example 500 ETF", "report_type": "annual",
        "period_start": date(2024, 7, 1), "period_end": date(2025, 6, 30),
        "expense_ratio": D("0.0003"), "expenses_paid": D("3"),
        "expenses_excl_extraordinary": None, "inception_date": date(2018, 3, 15),
        "class_resolved_by": "member"}]
    stats = sorted(_all(warehouse, ncsr_statistic, TSR_ACC), key=lambda r: r["statistic"])
    instant, duration = (date(2025, 6, 30), None), (date(2025, 6, 30), date(2024, 7, 1))
    expected = [("advisory_fees_paid", "345678", "USD", duration, True),
                ("etf_premium_days", "140", "pure", duration, False),
                ("holdings_count", "503", "pure", instant, True),
                ("net_assets", "1235000000", "USD", instant, True),
                ("portfolio_turnover", "0.03", "pure", duration, True)]
    assert stats == [{**SCOPE, "statistic": n, "value": D(v), "unit": u, "as_of": p[0],
                      "period_start": p[1], "fund_level": f} for n, v, u, p, f in expected]


def test_ncsr_holdings_and_line_graph(warehouse):
    holdings = sorted(_all(warehouse, ncsr_holding, TSR_ACC), key=lambda r: r["value"])
    assert holdings == [
        {**SCOPE, "category": c, "member": m, "measure": "pct_of_nav", "label": lbl,
         "value": D(v), "as_of": date(2025, 6, 30)} for c, m, lbl, v in (
            ("largest_holding", "Apple Inc.", "Apple Inc.", "0.071"),
            ("industry_sector", "HealthCareSectorMember", "Health Care Sector", "0.098"),
            ("industry_sector", "InformationTechnologySectorMember",
             "Information Technology Sector", "0.325"))]
    graph = sorted(_all(warehouse, ncsr_line_graph, TSR_ACC), key=lambda r: r["seq"])
    assert graph == [
        {"accession_number": TSR_ACC, "seq": i, "class_key": "C000111111", "cik": CIK,
         "series_id": "S000011111", "class_id": "C000111111", "filing_date": FILED,
         "subject": s, "index_role": role, "index_member": m, "period_start": None,
         "as_of": d, "value": D(v)} for i, (s, role, m, d, v) in enumerate((
            ("fund", None, None, date(2015, 6, 30), "10000"),
            ("fund", None, None, date(2025, 6, 30), "33388"),
            ("index", "broad_based", "SP500IndexMember", date(2025, 6, 30), "33512")), 1)]


def test_ncsr_performance_rows(warehouse):
    rows = sorted(_all(warehouse, performance, TSR_ACC), key=lambda r: r["seq"])
    common = {"accession_number": TSR_ACC, "source": "ncsr", "cik": CIK,
              "series_id": "S000011111", "year": None, "as_of": date(2025, 6, 30),
              "filing_date": FILED, "read_from": None}
    fund = {"class_id": "C000111111", "subject": "fund", "measure": "before_taxes",
            "index_member": None, "index_name": None, "index_role": None}
    expected = [
        {**fund, "period": "1y", "period_start": date(2024, 7, 1), "value": D("0.1512"),
         "inception_date": None},
        {**fund, "period": "since_inception", "period_start": date(2018, 3, 15),
         "value": D("-0.0105"), "inception_date": date(2018, 3, 15)},
        {**fund, "period": "5y", "period_start": date(2020, 7, 1), "value": D("0.1512"),
         "inception_date": None},
        {**fund, "period": "10y", "period_start": date(2015, 7, 1), "value": D("0.1280"),
         "inception_date": None},
    ]
    index = {"class_id": None, "subject": "index", "measure": None, "inception_date": None}
    expected += [
        {**index, "index_member": "SP500GrowthIndexMember", "index_name": "S&P 500 Growth Index",
         "index_role": "additional", "period": "1y", "period_start": date(2024, 7, 1),
         "value": D("0.1750")},
        {**index, "index_member": "SP500IndexMember", "index_name": "S&P 500 Index",
         "index_role": "broad_based", "period": "1y", "period_start": date(2024, 7, 1),
         "value": D("0.1516")},
        {**index, "index_member": "SP500IndexMember", "index_name": "S&P 500 Index",
         "index_role": "broad_based", "period": "5y", "period_start": date(2020, 7, 1),
         "value": D("0.1664")},
    ]
    got = [{k: v for k, v in r.items() if k != "seq"} for r in rows]
    key = (lambda r: (r["subject"], r["index_member"] or "", r["period_start"]))
    assert sorted(got, key=key) == sorted(({**common, **e} for e in expected), key=key)
    assert [r["seq"] for r in rows] == list(range(1, 8))


VANGUARD_COLUMNS = (  # as printed, newest first
    # nav_begin, nii, gain, ops, dist nii, dist gains, total dist, nav_end,
    # total return %, net assets $m, expense %, nii ratio %, turnover %
    ("102.18", "1.404", "12.933", "14.337", "1.367", "0", "1.367", "115.15", "14.10", "335",
     "0.17", "1.29", "13"),
    ("87.93", "1.412", "14.314", "15.726", "1.476", "0", "1.476", "102.18", "18.05", "375",
     "0.17", "1.52", "12"),
    ("108.35", "1.256", "-20.439", "-19.183", "1.237", "0", "1.237", "87.93", "-17.71", "424",
     "0.17", "1.34", "14"),
    ("93.20", "1.230", "15.130", "16.360", "1.210", "0", "1.210", "108.35", "17.59", "619",
     "0.17", "1.17", "17"),
    ("79.35", ".928", "13.897", "14.825", ".975", "0", ".975", "93.20", "18.96", "709",
     "0.17", "1.26", "22"),
)


def test_per_share_rows_of_the_real_vanguard_table(warehouse):
    """All five printed years of the real excerpt, every column of the three tables."""
    ops = sorted(_all(warehouse, per_share_operating, HL_ACC), key=lambda r: r["column_index"])
    dist = sorted(_all(warehouse, per_share_distribution, HL_ACC),
                  key=lambda r: r["column_index"])
    ratio = sorted(_all(warehouse, per_share_ratio, HL_ACC), key=lambda r: r["column_index"])
    assert len(ops) == len(dist) == len(ratio) == 5
    for i, values in enumerate(VANGUARD_COLUMNS):
        year = 2024 - i
        keys = {"accession_number": HL_ACC, "table_index": 1, "column_index": i, "cik": CIK,
                "series_id": "S000011111", "class_id": "C000111111",
                "period_end": date(year, 12, 31), "fiscal_year": year, "filing_date": FILED}
        v = [D(x) for x in values]
        assert ops[i] == {
            **keys, "period_start": None, "months": 12, "is_partial": False,
            "is_semiannual": False, "unaudited": False,
            "column_label": f"Year Ended December 31, {year}", "caption": "",
            "title": "Investor Shares / For a Share Outstanding Throughout Each Period",
            "attributed_by": "only_class", "nav_begin": v[0], "net_investment_income": v[1],
            "net_realized_unrealized_gain": v[2], "total_from_operations": v[3],
            "nav_end": v[7], "market_price_end": None, "net_equalization": None,
            "other_capital": None, "arithmetic_problem": None, "unmapped": None}, year
        assert dist[i] == {**keys, "dist_net_investment_income": v[4],
                           "dist_capital_gains": v[5], "dist_return_of_capital": None,
                           "total_distributions": v[6]}, year
        assert ratio[i] == {**keys, "total_return_pct": v[8], "market_total_return_pct": None,
                            "net_assets_end": v[9] * 1_000_000, "net_assets_multiplier": 1_000_000,
                            "expense_ratio_gross_pct": v[10], "expense_ratio_net_pct": None,
                            "net_investment_income_ratio_pct": v[11],
                            "portfolio_turnover_pct": v[12]}, year


def test_real_vanguard_table_of_a_mutual_fund_class_is_left_out_with_its_reason(tmp_path):
    """The same real excerpt in a trust whose only class is not an ETF: no rows, and
    `filing_skip` says why (one highlights table of a non-ETF class), in the load's
    transaction."""
    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    now = datetime(2026, 1, 1)
    with engine.begin() as conn:
        conn.execute(etf.insert(), [{
            "class_id": "C000111111", "ticker": "EXFV", "series_id": "S000011111", "cik": CIK,
            "fund_name": "Example 500 Fund", "class_name": "Investor Shares",
            "is_etf": False, "decision_source": "ncen", "first_seen": now, "last_seen": now,
            "active": True}])
        written, kept = load_ncsr(conn, VANGUARD.read_bytes(), accession=HL_ACC,
                                  filing_date=FILED, cik=CIK, url="https://example.invalid",
                                  form="N-CSR")
    assert sum(written.values()) == 0 and kept.non_etf_highlights_tables == 1
    with engine.connect() as conn:
        assert conn.execute(select(filing_skip.c.accession_number, filing_skip.c.reason,
                                   filing_skip.c.skipped)).all() == [
            (HL_ACC, "non_etf_highlights_tables", 1)]
