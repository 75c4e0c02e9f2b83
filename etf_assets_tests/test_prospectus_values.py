"""A tagged 485BPOS -> prospectus rows (etf_assets/prospectus/rows.py, pure: no database),
every column asserted against the facts read from the document itself (not from the
code's output): Delaware Group Equity Funds II 485BPOS (Delaware Value Fund, series
S000002391, ProspectusDate "April 1, 2024"; etf_assets_tests/fixtures/sec/prospectus,
see PROVENANCE.md). test_prospectus_untagged.py covers Class A through the loader;
here Class C (front load "none", CDSC 1.00 %, examples with and without redemption)
and Class R6 (since-inception return, inception "5/2/16") are declared the ETF classes.
Accession and filing date are the caller's (the EDGAR index gives them).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from etf_assets.prospectus.parse import parse_485bpos
from etf_assets.prospectus.rows import Kept, prospectus_rows
from etf_assets.warehouse.tables import (
    performance,
    prospectus_expense_example,
    prospectus_fee,
    prospectus_series,
    prospectus_shareholder_fee,
)

DELAWARE = Path(__file__).parent / "fixtures" / "sec" / "prospectus" / \
    "0000027574_Delaware.485BPOS.html"
ACC, FILED, CIK, SERIES = "0000027574-24-000011", date(2024, 3, 28), "0000027574", "S000002391"
D = Decimal


@pytest.fixture(scope="module")
def delaware():
    return parse_485bpos(DELAWARE.read_bytes())


def _rows(p, etf_series, etf_classes):
    kept = Kept()
    out: dict = {}
    for table, row in prospectus_rows(p, accession=ACC, filing_date=FILED, cik=CIK,
                                      etf_series=etf_series, etf_classes=etf_classes,
                                      kept=kept):
        out.setdefault(table.name, []).append(row)
    return out, kept


def _index_rows(first_seq):
    """The Russell 1000 Value Index rows of the performance table (1y 11.46 %, 5y 10.91 %,
    10y 8.40 %, periods ended 2023-12-31), kept with the series that shows them."""
    return [{"accession_number": ACC, "source": "prospectus", "cik": CIK, "filing_date": FILED,
             "read_from": "ixbrl", "seq": first_seq + i, "series_id": SERIES, "class_id": None,
             "subject": "index", "measure": None,
             "index_member": "Russell1000ValueIndexMember",
             "index_name": "Russell 1000® Value Index", "period": period, "year": None,
             "as_of": date(2023, 12, 31), "inception_date": None, "value": D(v)}
            for i, (period, v) in enumerate((("1y", "0.1146"), ("5y", "0.1091"),
                                             ("10y", "0.0840")))]


def test_class_c_every_fee_example_series_and_return_column(delaware):
    """Class C (C000006335, DDVCX): management 0.53 %, 12b-1 1.00 %, other 0.16 %, total
    1.69 %, no waiver; front load "none" (0), CDSC 1.00 %; example $272 / 533 / 918 / 1,998
    with redemption, $172 / 533 / 918 / 1,998 without; returns 1y 0.15 %, 5y 6.65 %,
    10y 6.54 %. The other four classes' fee tables and returns are counted, not kept."""
    rows, kept = _rows(delaware, {SERIES}, {"C000006335"})
    base = {"accession_number": ACC, "fee_key": "C000006335", "cik": CIK}
    assert rows[prospectus_fee.name] == [{
        **base, "series_id": SERIES, "class_id": "C000006335", "ticker": "DDVCX",
        "filing_date": FILED, "effective_date": date(2024, 4, 1), "read_from": "ixbrl",
        "management_fee": D("0.0053"), "distribution_12b1_fee": D("0.0100"),
        "distribution_non_12b1_fee": None, "other_expenses": D("0.0016"),
        "acquired_fund_fees": None, "total_annual_expenses": D("0.0169"),
        "fee_waiver": None, "net_expenses": None, "other_components": None}]
    assert sorted(rows[prospectus_shareholder_fee.name], key=lambda r: r["concept"]) == [
        {**base, "concept": "MaximumDeferredSalesChargeOverOfferingPrice",
         "value": D("0.0100"), "unit": "pure"},
        {**base, "concept": "MaximumSalesChargeImposedOnPurchasesOverOfferingPrice",
         "value": D("0"), "unit": "pure"}]
    assert sorted(rows[prospectus_expense_example.name],
                  key=lambda r: (r["redemption"], r["years"])) == [
        {**base, "years": y, "redemption": red, "amount": D(a), "currency": "USD"}
        for red, amounts in ((False, (172, 533, 918, 1998)), (True, (272, 533, 918, 1998)))
        for y, a in zip((1, 3, 5, 10), amounts)]
    (series,) = rows[prospectus_series.name]
    strategy = series.pop("strategy")
    assert series == {
        "accession_number": ACC, "series_id": SERIES, "cik": CIK, "filing_date": FILED,
        "effective_date": date(2024, 4, 1),
        "objective": "Delaware Value Fund seeks long-term capital appreciation.",
        "objective_secondary": None, "portfolio_turnover": D("0.19"), "read_from": "ixbrl"}
    assert strategy.startswith("Under normal circumstances, the Fund will invest at least "
                               "80% of its net assets")
    perf = rows[performance.name]
    assert [r["seq"] for r in perf] == list(range(1, 7))  # numbered over the kept rows
    fund = [r for r in perf if r["subject"] == "fund"]
    assert [{k: v for k, v in r.items() if k != "seq"} for r in fund] == [
        {"accession_number": ACC, "source": "prospectus", "cik": CIK, "filing_date": FILED,
         "read_from": "ixbrl", "series_id": SERIES, "class_id": "C000006335",
         "subject": "fund", "measure": "before_taxes", "index_member": None,
         "index_name": None, "period": period, "year": None, "as_of": date(2023, 12, 31),
         "inception_date": None, "value": D(v)}
        for period, v in (("1y", "0.0015"), ("5y", "0.0665"), ("10y", "0.0654"))]
    index = [r for r in perf if r["subject"] == "index"]
    assert [{k: v for k, v in r.items() if k != "seq"} for r in index] == [
        {k: v for k, v in r.items() if k != "seq"} for r in _index_rows(1)]
    # Class A's bar chart (10 years + 2 quarters) and the fund returns of A (9), R, I, R6
    # (3 each): 30 returns left out; four other fee tables; the one series is kept
    assert kept.reasons() == {"non_etf_fee_tables": 4, "non_etf_series": 0,
                              "non_etf_returns": 30, "unkeyed_fee_tables": 0}
    assert kept.etf_classes == {"C000006335"}


def test_class_r6_since_inception_and_no_redemption_example(delaware):
    """Class R6 (C000171459, DDZRX): 12b-1 "none" (0), other 0.08 %, total 0.61 %, no
    sales charges ("none", "none"), example $62 / 195 / 340 / 762 (with redemption only);
    returns 1y 2.15 %, 5y 7.84 %, lifetime 7.61 % (the row reads "Class R6 return before
    taxes (lifetime: 5/2/16 - 12/31/23)"): the inception date is stored on the
    since-inception figure only. The series is not
    declared an ETF series: its series row and the index rows are left out."""
    rows, kept = _rows(delaware, set(), {"C000171459"})
    (fee,) = rows[prospectus_fee.name]
    assert {k: fee[k] for k in ("ticker", "management_fee", "distribution_12b1_fee",
                                "other_expenses", "total_annual_expenses", "fee_waiver",
                                "net_expenses", "effective_date")} == {
        "ticker": "DDZRX", "management_fee": D("0.0053"), "distribution_12b1_fee": D("0"),
        "other_expenses": D("0.0008"), "total_annual_expenses": D("0.0061"),
        "fee_waiver": None, "net_expenses": None, "effective_date": date(2024, 4, 1)}
    assert sorted((r["concept"], r["value"]) for r in rows[prospectus_shareholder_fee.name]) \
        == [("MaximumDeferredSalesChargeOverOfferingPrice", D("0")),
            ("MaximumSalesChargeImposedOnPurchasesOverOfferingPrice", D("0"))]
    assert sorted((r["redemption"], r["years"], r["amount"])
                  for r in rows[prospectus_expense_example.name]) == [
        (True, 1, D(62)), (True, 3, D(195)), (True, 5, D(340)), (True, 10, D(762))]
    assert prospectus_series.name not in rows
    perf = rows[performance.name]
    assert [(r["seq"], r["subject"], r["class_id"], r["measure"], r["period"], r["value"],
             r["inception_date"]) for r in perf] == [
        (1, "fund", "C000171459", "before_taxes", "1y", D("0.0215"), None),
        (2, "fund", "C000171459", "before_taxes", "5y", D("0.0784"), None),
        (3, "fund", "C000171459", "before_taxes", "since_inception", D("0.0761"),
         date(2016, 5, 2))]
    assert kept.reasons() == {"non_etf_fee_tables": 4, "non_etf_series": 1,
                              "non_etf_returns": 33, "unkeyed_fee_tables": 0}


def test_series_only_etf_keeps_series_and_index_not_class_tables(delaware):
    """S000002391 declared an ETF series with no ETF class: every fee table is tagged with
    a class, so none is kept; the series row and the three index rows are."""
    rows, kept = _rows(delaware, {SERIES}, set())
    assert set(rows) == {prospectus_series.name, performance.name}
    assert rows[performance.name] == _index_rows(1)
    assert kept.reasons() == {"non_etf_fee_tables": 5, "non_etf_series": 0,
                              "non_etf_returns": 33, "unkeyed_fee_tables": 0}
    assert kept.etf_classes == set()
