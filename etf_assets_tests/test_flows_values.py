"""24F-2NT notices -> `annual_flow` rows, every field of every row asserted against the
values read from the documents themselves (not from the code's output).

Real filings (etf_assets_tests/fixtures/sec/flows, see PROVENANCE.md):
- BNY Mellon Research Growth Fund, Inc. 24F-2NT 0000030162-26-000001 (five class blocks);
- Advisors' Inner Circle Fund 24F-2NT 0002048251-26-002390 (one block, two series);
and SEC's own "24F-2NT Form N-1A" sample (the 24F-2 XML technical specification v2.1),
the only fixture whose item 2 is "include all series", with a late filing, interest due
and an explanatory note. Variants of AIC's notice with one element changed (each named in its
test) check the refusals and item 2's "include all" beside named series.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from etf_assets.flows.parse import Notice24F2Error, ScopeEntry, parse_24f2, summarize
from etf_assets.flows.rows import notice_rows
from etf_assets.warehouse.tables import annual_flow

FIXTURES = Path(__file__).parent / "fixtures" / "sec"
BNY = FIXTURES / "flows" / "0000030162_24F-2NT_multi_block_bny_mellon_research_growth.xml"
AIC = FIXTURES / "flows" / "0000878719_24F-2NT_single_block_advisors_inner_circle.xml"
SEC_N1A = FIXTURES / "schemas" / "24f2" / "samples" / "24F-2NT Form N-1A.xml"

D = Decimal
BNY_SERIES = "BNY Mellon Research Growth Fund, Inc."  # one block writes it with a
# trailing space ("...Inc. "): whitespace is normalised, the name is the same

# (class name, class id, 5(i) sales, 5(ii) redeemed, 5(iii) prior credits, 5(iv) total
# credits, 5(vi) future credits as written in parentheses), in document order
BNY_BLOCKS = [
    ("Class Z", "C000000108", "92341147.00", "67705392.00", "719945660.00",
     "787651052.00", "-695309905.00"),
    ("Class A", "C000069523", "117104215.00", "90422241.00", "187501874.00",
     "277924115.00", "-160819900.00"),
    ("Class C", "C000069524", "870777.00", "1146729.00", "130970463.00",
     "132117192.00", "-131246415.00"),
    ("Class I", "C000069525", "61461470.00", "67229352.00", "363236750.00",
     "430466102.00", "-369004632.00"),
    ("Class Y", "C000127666", "11264967.00", "36419666.00", "237816672.00",
     "274236338.00", "-262971371.00"),
]


def _rows(path: Path, **kw):
    """Rows of one notice; `filing_date` and `accession` are the caller's (the index
    gives them), everything else comes from the document."""
    notice = parse_24f2(path.read_bytes())
    out = list(notice_rows(notice, **kw))
    assert all(table is annual_flow for table, _ in out)
    return [row for _, row in out]


def test_bny_mellon_every_field_of_every_block_row():
    """0000030162-26-000001: one row per class block, every column; 5(vi) is negative
    (written "(695309905.00)"), item 4's last-filing question is not answered (None),
    there is no item 8. Class A (C000069523) is declared an ETF class: only its block
    covers an ETF; the other four name only non-ETF classes (False, not None)."""
    rows = _rows(BNY, accession="0000030162-26-000001", filing_date=date(2026, 5, 12),
                 cik="0000030162", form="24F-2NT", etf_series={"S000000999"},
                 etf_classes={"C000069523"})
    expected = []
    for i, (cname, cid, sales, redeemed, prior, total, future) in enumerate(BNY_BLOCKS, 1):
        expected.append({
            "accession_number": "0000030162-26-000001",
            "block": i,
            "cik": "0000030162",
            "form": "24F-2NT",
            "filing_date": date(2026, 5, 12),
            "fiscal_year_end": date(2026, 2, 28),
            "investment_company_type": "N-1A",
            "issuer_name": "BNY MELLON RESEARCH GROWTH FUND, INC.",
            "ica_file_number": "811-01899",
            "securities_act_file_numbers": ["002-33733"],
            "scope": [{"series_id": "S000000071", "series_name": BNY_SERIES,
                       "class_id": cid, "class_name": cname, "all_classes": False}],
            "include_all": None,
            "covers_etf": cid == "C000069523",
            "series_or_class_id": cid,
            "aggregate_sales": D(sales),
            "redeemed_in_year": D(redeemed),
            "redeemed_prior_credits": D(prior),
            "total_redemption_credits": D(total),
            "net_sales": D("0.00"),
            "credits_for_future_years": D(future),
            "fee_rate": D("0.0001381"),
            "registration_fee_due": D("0.00"),
            "interest_due": D("0.00"),
            "total_due": D("0.00"),
            "filed_late": False,
            "last_filing": None,
            "explanatory_notes": None,
            "signature_date": date(2026, 5, 11),
        })
    assert rows == expected
    # Decimal equality ignores trailing zeros: the text as written is kept too
    assert [str(r["aggregate_sales"]) for r in rows] == [b[2] for b in BNY_BLOCKS]
    assert [str(r["credits_for_future_years"]) for r in rows] == [
        "-695309905.00", "-160819900.00", "-131246415.00", "-369004632.00", "-262971371.00"]


def test_bny_mellon_without_etf_lists_covers_nothing():
    """0000030162-26-000001 with no ETF series/class known: every block names classes,
    none of them an ETF's: covers_etf is False (a mixed or non-ETF trust), never None."""
    rows = _rows(BNY, accession="0000030162-26-000001", filing_date=date(2026, 5, 12),
                 cik="0000030162", form="24F-2NT")
    assert [r["covers_etf"] for r in rows] == [False] * 5
    rows = _rows(BNY, accession="0000030162-26-000001", filing_date=date(2026, 5, 12),
                 cik="0000030162", form="24F-2NT", etf_series={"S000000071"})
    assert [r["covers_etf"] for r in rows] == [True] * 5  # the series itself is an ETF's


def test_advisors_inner_circle_every_field():
    """0002048251-26-002390: one block for two series, each "include all classes"; no
    seriesOrClassId in item 5; the fee "15173.7" is kept as written; the signer's
    title spans two lines in the document."""
    (row,) = _rows(AIC, accession="0002048251-26-002390", filing_date=date(2026, 3, 27),
                   cik="0000878719", form="24F-2NT", etf_series={"S000041278"})
    assert row == {
        "accession_number": "0002048251-26-002390",
        "block": 1,
        "cik": "0000878719",
        "form": "24F-2NT",
        "filing_date": date(2026, 3, 27),
        "fiscal_year_end": date(2025, 12, 31),
        "investment_company_type": "N-1A",
        "issuer_name": "ADVISORS' INNER CIRCLE FUND",
        "ica_file_number": "811-06400",
        "securities_act_file_numbers": ["033-42484"],
        "scope": [
            {"series_id": "S000036634", "series_name": "Hamlin High Dividend Equity Fund",
             "all_classes": True},
            {"series_id": "S000041278", "series_name": "Sarofim Equity Fund",
             "all_classes": True},
        ],
        "include_all": None,
        "covers_etf": True,
        "series_or_class_id": None,
        "aggregate_sales": D("418915624"),
        "redeemed_in_year": D("309040895.54"),
        "redeemed_prior_credits": D("0"),
        "total_redemption_credits": D("309040895.54"),
        "net_sales": D("109874728.46"),
        "credits_for_future_years": D("0"),
        "fee_rate": D("0.0001381"),
        "registration_fee_due": D("15173.7"),
        "interest_due": D("0"),
        "total_due": D("15173.7"),
        "filed_late": False,
        "last_filing": False,
        "explanatory_notes": None,
        "signature_date": date(2026, 3, 27),
    }
    assert str(row["registration_fee_due"]) == "15173.7"
    notice = parse_24f2(AIC.read_bytes())
    assert (notice.form, notice.filer_cik, notice.schema_version) == (
        "24F-2NT", "0000878719", "X0102")
    assert notice.blocks[0].scope == (
        ScopeEntry("S000036634", "Hamlin High Dividend Equity Fund", all_classes=True),
        ScopeEntry("S000041278", "Sarofim Equity Fund", all_classes=True))
    assert notice.blocks[0].series_ids == ("S000036634", "S000041278")
    assert notice.blocks[0].class_ids == ()
    (row,) = _rows(AIC, accession="0002048251-26-002390", filing_date=date(2026, 3, 27),
                   cik="0000878719", form="24F-2NT", etf_classes={"C000036634"})
    assert row["covers_etf"] is False  # a class id that is not one of its series


def test_sec_n1a_sample_include_all_late_with_interest_and_note():
    """SEC sample "24F-2NT Form N-1A" (CIK 0001314805): item 2 is "include all series"
    (covers the whole filer: covers_etf None whatever the ETF lists), filed late, 2.00
    interest, an explanatory note; the document has no schemaVersion."""
    notice = parse_24f2(SEC_N1A.read_bytes())
    assert (notice.form, notice.filer_cik, notice.investment_company_type,
            notice.schema_version) == ("24F-2NT", "0001314805", "N-1A", None)
    (row,) = _rows(SEC_N1A, accession="0001314805-24-000001", filing_date=date(2024, 10, 29),
                   cik="0001314805", form="24F-2NT", etf_series={"S000000001"})
    assert row == {
        "accession_number": "0001314805-24-000001",
        "block": 1,
        "cik": "0001314805",
        "form": "24F-2NT",
        "filing_date": date(2024, 10, 29),
        "fiscal_year_end": date(2024, 10, 28),
        "investment_company_type": "N-1A",
        "issuer_name": "Fan",
        "ica_file_number": "811-100043",
        "securities_act_file_numbers": ["333-103562"],
        "scope": [],
        "include_all": "series",
        "covers_etf": None,
        "series_or_class_id": None,
        "aggregate_sales": D("5.00"),
        "redeemed_in_year": D("10.00"),
        "redeemed_prior_credits": D("15.00"),
        "total_redemption_credits": D("25.00"),
        "net_sales": D("0.00"),
        "credits_for_future_years": D("-20.00"),
        "fee_rate": D("0.0001531"),
        "registration_fee_due": D("0.00"),
        "interest_due": D("2.00"),
        "total_due": D("2.00"),
        "filed_late": True,
        "last_filing": False,
        "explanatory_notes": "asdfasdaf",
        "signature_date": date(2024, 10, 29),
    }


def test_summaries_name_scope_and_amounts_as_written():
    """What `etf-pipeline parse` prints: the scope is the include-all word, else the class
    ids, else the series ids; amounts as the exact strings written (BNY 0000030162-26-000001,
    AIC 0002048251-26-002390, SEC's N-1A sample)."""
    bny = summarize(parse_24f2(BNY.read_bytes()))
    assert bny["form"] == "24F-2NT" and bny["filer_cik"] == "0000030162"
    assert bny["investment_company_type"] == "N-1A"
    assert bny["blocks"][1] == {
        "block": 2, "fiscal_year_end": "2026-02-28", "scope": "C000069523",
        "aggregate_sales": "117104215.00", "redeemed_in_year": "90422241.00",
        "net_sales": "0.00", "registration_fee_due": "0.00", "total_due": "0.00"}
    aic = summarize(parse_24f2(AIC.read_bytes()))
    assert aic["blocks"][0]["scope"] == "S000036634, S000041278"
    assert aic["blocks"][0]["total_due"] == "15173.7"
    assert summarize(parse_24f2(SEC_N1A.read_bytes()))["blocks"][0]["scope"] == "series"


def _aic_with(old: bytes, new: bytes) -> bytes:
    """AIC's notice (0002048251-26-002390) with one element changed (asserted to happen)."""
    data = AIC.read_bytes()
    assert data.count(old) == 1, old
    return data.replace(old, new)


def test_include_all_beside_named_series_covers_the_whole_filer():
    """AIC 0002048251-26-002390 with item 2 also flagged "include all series": the block
    covers the whole filer, so covers_etf is None even though it names two series."""
    data = _aic_with(b"<reportSeriesClass>",
                     b"<reportSeriesClass><rptIncludeAllSeriesFlag>true</rptIncludeAllSeriesFlag>")
    (row,) = _rows_of(data, etf_series={"S000099999"})
    assert (row["include_all"], row["covers_etf"]) == ("series", None)
    assert [s["series_id"] for s in row["scope"]] == ["S000036634", "S000041278"]


def _rows_of(data: bytes, **kw):
    return [r for _, r in notice_rows(parse_24f2(data), accession="0002048251-26-002390",
                                      filing_date=date(2026, 3, 27), cik="0000878719",
                                      form="24F-2NT", **kw)]


@pytest.mark.parametrize(("old", "new", "reason"), [
    # an amount the warehouse cannot hold exactly is refused, not rounded
    (b"<aggregateSalePriceOfSecuritiesSold>418915624<",
     b"<aggregateSalePriceOfSecuritiesSold>1000000000000000000000000000000<",
     "aggregateSalePriceOfSecuritiesSold: out of range"),
    (b"<netSales>109874728.46<", b"<netSales>109,874,728.46 USD<", "netSales: not an amount"),
    (b"<lastDayOfFiscalYear>12/31/2025</lastDayOfFiscalYear>", b"",
     "no lastDayOfFiscalYear"),
    (b"<lastDayOfFiscalYear>12/31/2025<", b"<lastDayOfFiscalYear>2025-12-31<",
     "not an MM/DD/YYYY date"),
    (b"<annualFilingInfo>", b"<annualFilingInfoX>", "no annualFilingInfo block"),
    (b"<submissionType>24F-2NT<", b"<submissionType>N-CEN<", "is not one of"),
])
def test_a_broken_notice_is_refused_with_its_reason(old, new, reason):
    """AIC 0002048251-26-002390 with one element broken: Notice24F2Error naming it."""
    data = _aic_with(old, new)
    if new == b"<annualFilingInfoX>":
        data = data.replace(b"</annualFilingInfo>", b"</annualFilingInfoX>")
    with pytest.raises(Notice24F2Error, match=reason):
        parse_24f2(data)


def test_notices_are_values():
    """Two parses of BNY 0000030162-26-000001 are equal and hash alike (frozen records:
    a notice can key a cache or a set)."""
    a, b = parse_24f2(BNY.read_bytes()), parse_24f2(BNY.read_bytes())
    assert a == b and hash(a) == hash(b)
    assert len({a.blocks[0].scope[0], b.blocks[0].scope[0]}) == 1


def test_absent_and_empty_amounts_are_none():
    """AIC 0002048251-26-002390 without its item 6 interest (element removed) and with
    an empty netSales element: both None, the rest of the row unchanged."""
    data = _aic_with(b"<interestDue>0</interestDue>", b"")
    data = data.replace(b"<netSales>109874728.46</netSales>", b"<netSales> </netSales>")
    (row,) = _rows_of(data)
    assert (row["interest_due"], row["net_sales"]) == (None, None)
    assert (row["total_due"], row["aggregate_sales"]) == (D("15173.7"), D("418915624"))
