"""N-PORT documents -> warehouse rows (etf_assets/nport/rows.py), every mapped column
asserted against values read from the documents themselves (not from the code's output).

Real filings (etf_assets_tests/fixtures/sec/nport, see PROVENANCE.md):
- DIA, SPDR Dow Jones Industrial Average ETF Trust NPORT-P 0001752724-25-158219
  (a UIT: no series id, seriesName "N/A"; 30 equity positions; Part B.5/B.6 monthly);
- XLK, Select Sector SPDR Trust NPORT-P 0001410368-26-055331 (position 72: an E-mini
  Technology Select Sector future);
- PIMCO Income Fund NPORT-P for 2026-03-31 (trimmed by the fixture author; its accession
  is not in the fixture, a placeholder is passed): an FX forward and a ZAR interest-rate swap.
The filing dates are the caller's (the EDGAR index gives them), not the document's.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from etf_assets.nport.parse import iter_nport
from etf_assets.nport.rows import filing_rows, monthly_rows, report_row, rows_for, to_json
from etf_assets.warehouse.tables import (
    derivative,
    holding,
    holding_identifier,
    nport_monthly_flow,
    nport_monthly_gain,
    nport_monthly_return,
    nport_report,
)

NPORT = Path(__file__).parent / "fixtures" / "sec" / "nport"
DIA = NPORT / "0001041130_0001752724-25-158219_DIA_NPORT-P_2025-04-30.xml"
XLK = NPORT / "0001064641_0001410368-26-055331_XLK_NPORT-P_2026-03-31.xml"
PIMCO = NPORT / "0000810893_PIMCO_Income_NPORT_trimmed.xml"
D = Decimal

# The holding columns every position row carries, None unless the position sets them.
_EMPTY_HOLDING = dict.fromkeys((
    "name", "title", "cusip", "isin", "ticker", "lei", "balance", "units", "units_desc",
    "value_usd", "pct_val", "currency", "exchange_rate", "payoff_profile", "asset_category",
    "asset_category_desc", "issuer_category", "issuer_category_desc", "country",
    "other_country", "fair_value_level", "is_restricted", "maturity_date", "coupon_kind",
    "annualized_rate", "is_default", "interest_in_arrears", "is_paid_in_kind",
    "is_mandatory_convertible", "is_contingent_convertible", "is_loan_by_fund", "loan_value",
    "is_cash_collateral", "cash_collateral_value", "is_non_cash_collateral",
    "non_cash_collateral_value", "extra"))
# The derivative columns (swap legs included), None unless the derivative sets them.
_EMPTY_DERIVATIVE = dict.fromkeys((
    "kind", "deriv_cat", "other_desc", "counterparty_name", "counterparty_lei",
    "counterparties", "payoff_profile", "ref_kind", "ref_name", "ref_title",
    "ref_identifier", "ref_description", "ref_cusip", "ref_isin", "ref_ticker",
    "ref_identifiers", "notional", "currency", "notional_amounts", "unrealized_appreciation",
    "expiration_date", "settlement_date", "termination_date", "delta", "put_or_call",
    "written_or_purchased", "share_number", "principal_amount", "exercise_price",
    "exercise_price_currency", "amount_sold", "currency_sold", "amount_purchased",
    "currency_purchased", "swap_flag", "upfront_payment", "upfront_payment_currency",
    "upfront_receipt", "upfront_receipt_currency", "nested", "extra",
    *(f"{side}_{c}" for side in ("receive", "pay") for c in (
        "kind", "fixed_rate", "floating_index", "spread", "amount", "currency",
        "description"))))


def _all_rows(path: Path, accession: str, filing_date: date, cik: str):
    return list(filing_rows(iter_nport(path.read_bytes()), accession=accession,
                            filing_date=filing_date, cik=cik))


def _position(rows, table, position):
    return [r for t, r in rows if t is table and r["position"] == position]


def test_dia_position_1_every_holding_column_and_its_identifier():
    """DIA 0001752724-25-158219, position 1: Honeywell International Inc, 5,523,496
    shares (NS), USD 1,162,695,908.00 = 3.180335968149 % of net assets; the CUSIP is a
    column, the ISIN an identifier row; the UIT's rows are keyed CIK0001041130."""
    rows = _all_rows(DIA, "0001752724-25-158219", date(2025, 6, 27), "1041130")
    (h,) = _position(rows, holding, 1)
    assert h == {
        **_EMPTY_HOLDING,
        "accession_number": "0001752724-25-158219",
        "series_key": "CIK0001041130",
        "position": 1,
        "filing_date": date(2025, 6, 27),
        "report_date": date(2025, 4, 30),
        "cik": "0001041130",
        "series_id": None,
        "name": "Honeywell International Inc",
        "lei": "ISRPG12PN4EIEOEMW547",
        "title": "Honeywell International Inc",
        "cusip": "438516106",
        "isin": "US4385161066",
        "balance": D("5523496.00000000"),
        "units": "NS",
        "currency": "USD",
        "value_usd": D("1162695908.00000000"),
        "pct_val": D("3.180335968149"),
        "payoff_profile": "Long",
        "asset_category": "EC",
        "issuer_category": "CORP",
        "country": "US",
        "is_restricted": False,
        "fair_value_level": "1",
        "is_cash_collateral": False,
        "is_non_cash_collateral": False,
        "is_loan_by_fund": False,
        "is_derivative": False,
    }
    assert str(h["value_usd"]) == "1162695908.00000000"  # as written, not normalised
    assert _position(rows, holding_identifier, 1) == [{
        "accession_number": "0001752724-25-158219", "series_key": "CIK0001041130",
        "position": 1, "seq": 1, "kind": "isin", "value": "US4385161066",
        "description": None}]
    assert _position(rows, derivative, 1) == []
    assert sum(t is holding for t, _ in rows) == 30
    assert sum(t is derivative for t, _ in rows) == 0


def test_dia_report_row_and_monthly_rows():
    """DIA 0001752724-25-158219: genInfo/fundInfo as written (seriesName "N/A" is no
    name; repPdEnd 2025-10-31 is the fiscal year end, repPdDate 2025-04-30 the as-of
    date); B.6 flows, the B.5 class-less returns (keyed by the series key) and the
    non-derivative gains of February, March and April 2025; the report row comes last."""
    rows = _all_rows(DIA, "0001752724-25-158219", date(2025, 6, 27), "0001041130")
    table, report = rows[-1]
    assert table is nport_report
    assert report == {
        "accession_number": "0001752724-25-158219",
        "series_key": "CIK0001041130",
        "cik": "0001041130",
        "series_id": None,
        "series_name": None,
        "series_lei": "54930039F2SG3UG2OZ18",
        "reg_cik": "0001041130",
        "reg_name": "SPDR DOW JONES INDUSTRIAL AVERAGE ETF TRUST",
        "reg_file_number": "811-09170",
        "reg_lei": "54930039F2SG3UG2OZ18",
        "form": "NPORT-P",
        "filing_date": date(2025, 6, 27),
        "report_date": date(2025, 4, 30),
        "fiscal_year_end": date(2025, 10, 31),
        "is_final_filing": False,
        "class_ids": [],
        "tot_assets": D("36601064026.58"),
        "tot_liabs": D("42162085.27"),
        "net_assets": D("36558901941.31"),
        "positions_in_document": 30,
        "rows_written": 30,
        "skipped": [],
    }
    common = {"accession_number": "0001752724-25-158219", "series_key": "CIK0001041130",
              "filing_date": date(2025, 6, 27), "report_date": date(2025, 4, 30),
              "cik": "0001041130", "series_id": None}
    ends = {1: date(2025, 2, 28), 2: date(2025, 3, 31), 3: date(2025, 4, 30)}
    flows = [r for t, r in rows if t is nport_monthly_flow]
    assert flows == [
        {**common, "month": m, "month_end": ends[m], "sales": D(s),
         "reinvestment": D("0.00000000"), "redemption": D(r)}
        for m, s, r in ((1, "5034590425.60000000", "3310427924.60000000"),
                        (2, "3951369966.20000000", "4340870537.35000000"),
                        (3, "5866482730.10000000", "5084629391.50000000"))]
    returns = [r for t, r in rows if t is nport_monthly_return]
    assert returns == [
        {**common, "month": m, "month_end": ends[m], "class_key": "CIK0001041130",
         "class_id": None, "total_return": D(v)}
        for m, v in ((1, "-1.40000000"), (2, "-4.07000000"), (3, "-3.10000000"))]
    gains = [r for t, r in rows if t is nport_monthly_gain]
    assert gains == [
        {**common, "month": m, "month_end": ends[m], "category": "non_derivative",
         "instrument": "", "net_realized_gain": D(g), "net_unrealized_appreciation": D(u)}
        for m, g, u in ((1, "298941714.21000000", "-890552207.41000000"),
                        (2, "374155357.77000000", "-2019373976.65000000"),
                        (3, "282640601.67000000", "-1422462340.87000000"))]
    # the same rows from the header alone, and the report row before streaming
    stream = iter_nport(DIA.read_bytes())
    assert list(monthly_rows(stream.header, accession="0001752724-25-158219",
                             filing_date=date(2025, 6, 27), cik=1041130)) == [
        (t, r) for t, r in rows if t in (nport_monthly_flow, nport_monthly_return,
                                        nport_monthly_gain)]
    assert report_row(stream.header, accession="0001752724-25-158219",
                      filing_date=date(2025, 6, 27), cik="1041130") == {
        **report, "positions_in_document": 0, "rows_written": 0}


def test_xlk_future_every_holding_and_derivative_column():
    """XLK 0001410368-26-055331, position 72: 285 contracts (NC) of XAK TECHNOLOGY JUN26
    with the Chicago Mercantile Exchange, long, on the CME E-mini Technology Select
    Sector index (IXTM6 Index), expiring 2026-06-18, notional USD 79,232,850.00,
    unrealised -2,288,550.00; its payoffProfile is "N/A" (no value) and its issuer
    category "OTHER" described as "derivative"; a Bloomberg id is its only identifier."""
    rows = _all_rows(XLK, "0001410368-26-055331", date(2026, 5, 28), "0001064641")
    base = {"accession_number": "0001410368-26-055331", "series_key": "S000006415",
            "position": 72, "filing_date": date(2026, 5, 28), "report_date": date(2026, 3, 31),
            "cik": "0001064641", "series_id": "S000006415"}
    (h,) = _position(rows, holding, 72)
    assert h == {
        **_EMPTY_HOLDING, **base,
        "name": "Chicago Mercantile Exchange",
        "lei": "SNZ2OJLFK8MNNCLQOF39",
        "title": "XAK TECHNOLOGY JUN26",
        "cusip": "000000000",
        "balance": D("285.00000000"),
        "units": "NC",
        "currency": "USD",
        "value_usd": D("-2288550.00000000"),
        "pct_val": D("-0.00271804364"),
        "asset_category": "DE",
        "issuer_category": "OTHER",
        "issuer_category_desc": "derivative",
        "country": "US",
        "is_restricted": False,
        "fair_value_level": "1",
        "is_cash_collateral": False,
        "is_non_cash_collateral": False,
        "is_loan_by_fund": False,
        "is_derivative": True,
    }
    assert _position(rows, holding_identifier, 72) == [{
        "accession_number": "0001410368-26-055331", "series_key": "S000006415",
        "position": 72, "seq": 1, "kind": "other", "value": "BBG01SWCTC98",
        "description": "Bloomberg Identifier"}]
    (d,) = _position(rows, derivative, 72)
    assert d == {
        **_EMPTY_DERIVATIVE, **base,
        "kind": "future",
        "deriv_cat": "FUT",
        "counterparty_name": "Chicago Mercantile Exchange",
        "counterparty_lei": "SNZ2OJLFK8MNNCLQOF39",
        "counterparties": [{"name": "Chicago Mercantile Exchange",
                            "lei": "SNZ2OJLFK8MNNCLQOF39"}],
        "payoff_profile": "Long",
        "ref_kind": "index",
        "ref_name": "CME E-mini Technology Select Sector Futures",
        "ref_identifier": "IXTM6 Index",
        "expiration_date": date(2026, 6, 18),
        "notional": D("79232850.00000000"),
        "currency": "USD",
        "unrealized_appreciation": D("-2288550.00000000"),
    }
    assert sum(t is derivative for t, _ in rows) == 1  # the only derivative of 76
    assert rows[-1][1]["class_ids"] == ["C000017601"]
    assert rows[-1][1]["series_name"] == "State Street(R) Technology Select Sector SPDR(R) ETF"
    assert (rows[-1][1]["positions_in_document"], rows[-1][1]["rows_written"]) == (76, 76)


def test_pimco_swap_legs_and_forward_every_column():
    """PIMCO Income Fund NPORT-P (2026-03-31), position 4: a CME-cleared ZAR swap receiving
    fixed 8.0575 % and paying 3-month JIBAR ("SAFE South Africa Johannesburg Interbank
    Agreed Rate 3 Month", spread 0), notional ZAR 551,100,000, terminating 2031-01-07;
    the reset tenors stay raw in `extra`. Position 1: a forward buying CAD 69,861.21 for
    USD 50,160.23, settling 2026-05-04, with ANZ. Names and LEIs written "N/A" are None;
    the swap's ZAR value comes with the exchange rate 16.9213."""
    rows = _all_rows(PIMCO, "0000000000-26-000000", date(2026, 5, 29), "810893")
    base = {"accession_number": "0000000000-26-000000", "series_key": "S000016548",
            "filing_date": date(2026, 5, 29), "report_date": date(2026, 3, 31),
            "cik": "0000810893", "series_id": "S000016548"}
    (h,) = _position(rows, holding, 4)
    assert h == {
        **_EMPTY_HOLDING, **base, "position": 4,
        "title": "IRS ZAR 8.05750 01/07/25-6Y CME",
        "cusip": "000000000",
        "isin": "EZRGM8BPMT84",
        "balance": D("1.000000"),
        "units": "NC",
        "currency": "ZAR",
        "exchange_rate": D("16.921300"),
        "value_usd": D("618520.610000"),
        "pct_val": D("0.0002752"),
        "asset_category": "DIR",
        "issuer_category": "OTHER",
        "issuer_category_desc": "See item: C.11.b counterparty",
        "country": "ZA",
        "is_restricted": False,
        "fair_value_level": "2",
        "is_cash_collateral": False,
        "is_non_cash_collateral": False,
        "is_loan_by_fund": False,
        "is_derivative": True,
    }
    safe = "SAFE South Africa Johannesburg Interbank Agreed Rate 3 Month"
    (d,) = _position(rows, derivative, 4)
    assert d == {
        **_EMPTY_DERIVATIVE, **base, "position": 4,
        "kind": "swap",
        "deriv_cat": "SWP",
        "counterparty_name": "CHICAGO MERCANTILE EXCHANGE",
        "counterparty_lei": "SNZ2OJLFK8MNNCLQOF39",
        "counterparties": [{"name": "CHICAGO MERCANTILE EXCHANGE",
                            "lei": "SNZ2OJLFK8MNNCLQOF39"}],
        "ref_kind": "other",
        "ref_title": safe,
        "ref_identifiers": [{"kind": "other", "value": f"SWU02E799-{safe}",
                             "description": "Internal_ID"}],
        "swap_flag": True,
        "receive_kind": "fixed",
        "receive_fixed_rate": D("8.057500"),
        "receive_amount": D("0.000000"),
        "receive_currency": "ZAR",
        "pay_kind": "floating",
        "pay_floating_index": safe,
        "pay_spread": D("0.000000"),
        "pay_amount": D("0.000000"),
        "pay_currency": "ZAR",
        "termination_date": date(2031, 1, 7),
        "upfront_payment": D("0.000000"),
        "upfront_payment_currency": "ZAR",
        "upfront_receipt": D("0.000000"),
        "upfront_receipt_currency": "ZAR",
        "notional": D("551100000.000000"),
        "currency": "ZAR",
        "unrealized_appreciation": D("618520.610000"),
        "extra": [
            ["floatingPmntDesc/rtResetTenors/rtResetTenor/@rateTenor", "Month"],
            ["floatingPmntDesc/rtResetTenors/rtResetTenor/@rateTenorUnit", "3"],
            ["floatingPmntDesc/rtResetTenors/rtResetTenor/@resetDt", "Month"],
            ["floatingPmntDesc/rtResetTenors/rtResetTenor/@resetDtUnit", "3"],
        ],
    }
    (fwd,) = _position(rows, derivative, 1)
    assert fwd == {
        **_EMPTY_DERIVATIVE, **base, "position": 1,
        "kind": "forward",
        "deriv_cat": "FWD",
        "counterparty_name": "AUSTRALIA AND NEW ZEALAND BANKING GROUP LIMITED",
        "counterparty_lei": "JHE42UYNWWTJB8YTTU19",
        "counterparties": [{"name": "AUSTRALIA AND NEW ZEALAND BANKING GROUP LIMITED",
                            "lei": "JHE42UYNWWTJB8YTTU19"}],
        "amount_sold": D("50160.230000"),
        "currency_sold": "USD",
        "amount_purchased": D("69861.210000"),
        "currency_purchased": "CAD",
        "settlement_date": date(2026, 5, 4),
        "unrealized_appreciation": D("132.670000"),
    }
    (ident,) = _position(rows, holding_identifier, 1)
    assert (ident["kind"], ident["value"], ident["description"]) == (
        "other", "26CUKBB42B9", "Internal ID")
    assert rows[-1][1]["class_ids"] == ["C000046103", "C000046098", "C000046099",
                                        "C000064169", "C000200460", "C000046101",
                                        "C000046102"]


def test_rows_for_one_holding_matches_the_streamed_rows():
    """XLK 0001410368-26-055331: rows_for on the parsed Holding record of position 72 gives
    the same rows as the stream (holding, identifier, derivative), cik padded."""
    stream = iter_nport(XLK.read_bytes())
    (fut,) = [h for h in stream if h.position == 72]
    got = list(rows_for(fut, accession="0001410368-26-055331", filing_date=date(2026, 5, 28),
                        report_date=date(2026, 3, 31), cik="1064641",
                        series_id="S000006415", series_key="S000006415"))
    rows = _all_rows(XLK, "0001410368-26-055331", date(2026, 5, 28), "0001064641")
    assert got == [(t, r) for t, r in rows if t in (holding, holding_identifier, derivative)
                   and r["position"] == 72]
    assert [t for t, _ in got] == [holding, holding_identifier, derivative]


def test_a_parsed_future_as_json_leaves_out_what_it_does_not_set():
    """XLK 0001410368-26-055331 position 72's Derivative record made JSON-ready (the form
    a nested derivative is stored in): Decimals and dates as the exact strings written,
    tuples as lists, unset fields and empty tuples left out."""
    (fut,) = [h for h in iter_nport(XLK.read_bytes()) if h.position == 72]
    assert to_json(fut.derivative) == {
        "kind": "future", "deriv_cat": "FUT",
        "counterparty_name": "Chicago Mercantile Exchange",
        "counterparty_lei": "SNZ2OJLFK8MNNCLQOF39",
        "counterparties": [["Chicago Mercantile Exchange", "SNZ2OJLFK8MNNCLQOF39"]],
        "payoff_profile": "Long", "ref_kind": "index",
        "ref_name": "CME E-mini Technology Select Sector Futures",
        "ref_identifier": "IXTM6 Index", "expiration_date": "2026-06-18",
        "notional": "79232850.00000000", "currency": "USD",
        "unrealized_appreciation": "-2288550.00000000"}
    assert to_json({"a": (D("1.50"), None, True, 2)}) == {"a": ["1.50", None, True, 2]}
    with pytest.raises(TypeError, match="cannot make set JSON-ready"):
        to_json({1, 2})


GLOBALX = NPORT / "0001432353_GlobalX_DAX_Germany_ETF_NPORT-P_2024-01-31.xml"


def test_globalx_mini_dax_future_with_placeholders_and_two_identifiers():
    """Global X DAX Germany ETF NPORT-P (repPdDate 2024-01-31; accession not in the
    fixture, a placeholder is passed), position 12: 4 Mini-DAX futures (NC) in EUR at
    0.9206 per USD, USD 369,172.28; name, LEI, CUSIP, payoff profile, the issuer
    category's description, the counterparty's LEI, the index identifier and narrative
    are all written "N/A" (None); a ticker (seq 1) and a Bloomberg ticker (seq 2)."""
    rows = _all_rows(GLOBALX, "0000000000-24-000000", date(2024, 3, 28), "1432353")
    base = {"accession_number": "0000000000-24-000000", "series_key": "S000063351",
            "position": 12, "filing_date": date(2024, 3, 28), "report_date": date(2024, 1, 31),
            "cik": "0001432353", "series_id": "S000063351"}
    (h,) = _position(rows, holding, 12)
    assert h == {
        **_EMPTY_HOLDING, **base,
        "title": "DAX MINI FUTURE   MAR24 PHYSICAL INDEX FUTURE.",
        "ticker": "FDXMH4",
        "balance": D("4.00000000"), "units": "NC",
        "currency": "EUR", "exchange_rate": D("0.92060000"),
        "value_usd": D("369172.28000000"), "pct_val": D("0.668674772920"),
        "asset_category": "DE", "issuer_category": "OTHER", "country": "DE",
        "is_restricted": False, "fair_value_level": "1",
        "is_cash_collateral": False, "is_non_cash_collateral": False,
        "is_loan_by_fund": False, "is_derivative": True,
    }
    assert [(r["seq"], r["kind"], r["value"], r["description"])
            for r in _position(rows, holding_identifier, 12)] == [
        (1, "ticker", "FDXMH4", None), (2, "other", "DFWH4", "Bloomberg Ticker")]
    (d,) = _position(rows, derivative, 12)
    assert d == {
        **_EMPTY_DERIVATIVE, **base,
        "kind": "future", "deriv_cat": "FUT",
        "counterparty_name": "MACQUARIE CAPITAL",
        "counterparties": [{"name": "MACQUARIE CAPITAL", "lei": None}],
        "payoff_profile": "Long", "ref_kind": "index", "ref_name": "Mini-DAX Futures Mar 2024",
        "expiration_date": date(2024, 3, 18), "notional": D("366252.46000000"),
        "currency": "EUR", "unrealized_appreciation": D("2919.82000000"),
    }
    # the one fixture with a narrativeDesc writes "N/A": with a text there (one element
    # changed) it is the derivative's ref_description
    data = GLOBALX.read_bytes()
    assert data.count(b"<narrativeDesc>N/A<") == 1
    data = data.replace(b"<narrativeDesc>N/A<", b"<narrativeDesc>Mini-DAX index<")
    rows = list(filing_rows(iter_nport(data), accession="0000000000-24-000000",
                            filing_date=date(2024, 3, 28), cik="1432353"))
    assert _position(rows, derivative, 12)[0]["ref_description"] == "Mini-DAX index"


def test_xlk_monthly_rows_with_a_class_and_derivative_categories():
    """XLK 0001410368-26-055331 Part B.5/B.6 (report 2026-03-31: months ending January 31,
    February 28, March 31): flows; Class C000017601's returns -0.04 / -3.56 / -4.07 %;
    gains of equity contracts (the category and its futures) and of other investments."""
    rows = _all_rows(XLK, "0001410368-26-055331", date(2026, 5, 28), "1064641")
    common = {"accession_number": "0001410368-26-055331", "series_key": "S000006415",
              "filing_date": date(2026, 5, 28), "report_date": date(2026, 3, 31),
              "cik": "0001064641", "series_id": "S000006415"}
    ends = {1: date(2026, 1, 31), 2: date(2026, 2, 28), 3: date(2026, 3, 31)}
    assert [r for t, r in rows if t is nport_monthly_flow] == [
        {**common, "month": m, "month_end": ends[m], "sales": D(s),
         "reinvestment": D("0.00000000"), "redemption": D(r)}
        for m, s, r in ((1, "3428785496.90000000", "4227714180.40000000"),
                        (2, "3846334234.15000000", "4599214575.55000000"),
                        (3, "4847542509.55000000", "4648574060.05000000"))]
    assert [r for t, r in rows if t is nport_monthly_return] == [
        {**common, "month": m, "month_end": ends[m], "class_key": "C000017601",
         "class_id": "C000017601", "total_return": D(v)}
        for m, v in ((1, "-0.04000000"), (2, "-3.56000000"), (3, "-4.07000000"))]
    equity = (("16300.00000000", "-369250.00000000"), ("0.00000000", "-3206250.00000000"),
              ("-4793700.00000000", "1239750.00000000"))
    other = (("1253453826.46000000", "-1326425759.23000000"),
             ("1234599694.21000000", "-4489302526.68000000"),
             ("767912668.88000000", "-4376731346.42000000"))
    assert [r for t, r in rows if t is nport_monthly_gain] == [
        {**common, "month": m, "month_end": ends[m], "category": category,
         "instrument": instrument, "net_realized_gain": D(g),
         "net_unrealized_appreciation": D(u)}
        for category, instrument, values in (("equityContracts", "", equity),
                                             ("equityContracts", "futureCategory", equity),
                                             ("non_derivative", "", other))
        for m, (g, u) in enumerate(values, 1)]
