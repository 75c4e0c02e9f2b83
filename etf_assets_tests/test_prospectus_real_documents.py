"""The untagged-prospectus reader on real ETF summary prospectuses it was not built on
(issue 25): three 497Ks copied from a public repository's fixtures (see PROVENANCE.md,
rows ``prospectus_real/``). Every number below was read by eye from the document, not
from the reader. The layouts they brought: an example with rows "After 1 Year" /
"After 3 Years" and the dollar sign in its own cell (AB), a one-column fee table with a
coloured header row and a years-across example (Columbia), and an example headed
"Year 1 | Year 3" with the dollars in an unlabelled row below (Bitwise). None of the
three has a performance table: each fund was younger than a calendar year, so a real
mutual-fund 497Ks stand in for returns tables: PIA BBB Bond Fund's (end date and
inception date printed inside the table's head) and Amana Participation Fund's (two
classes, index names on rows of their own above unlabelled rows of values, "n/a")."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from etf_assets.cli import main
from etf_assets.prospectus.read import ClassRef
from etf_assets.prospectus.untagged import parse_untagged

HERE = Path(__file__).parent / "fixtures" / "sec" / "prospectus_real"
TAFI = HERE / "0001496608_497K_2023-03-31_TAFI_excerpt.html"
CRED = HERE / "0001551950_497K_2023-04-03_CRED_excerpt.html"
IBTB = HERE / "0001928561_497K_2025-09-30_IBTB_excerpt.html"
PIA = HERE / "0001027596_497K_2023-03-31_PIA_BBB_excerpt.html"
AMANA = HERE / "0000766285_497K_2025-09-29_Amana_Participation_excerpt.html"

FEE_FIELDS = ("management_fee", "distribution_12b1_fee", "other_expenses",
              "acquired_fund_fees", "total_annual_expenses", "fee_waiver", "net_expenses")

# (fee lines in percent as printed: management, 12b-1, other, AFFE, total, waiver, net;
#  example dollars 1 / 3 years; turnover in percent or None; values read)
EXPECTED = {
    TAFI: (("0.27", "0", "0.00", None, "0.27", None, None), (28, 87), "11", 7),
    CRED: (("0.33", "0.00", "0.00", None, "0.33", None, None), (34, 106), None, 6),
    IBTB: (("0.95", "0.00", "0.00", "0.02", "0.97", None, None), (99, 309), None, 7),
}


def pct(values: tuple) -> tuple:
    return tuple(None if v is None else D(v) / 100 for v in values)


@pytest.mark.parametrize("path", list(EXPECTED), ids=lambda p: p.name.split("_")[3])
def test_every_number_of_a_real_etf_497k(path: Path):
    """AB Tax-Aware Short Duration Municipal ETF (TAFI, CIK 0001496608, summary
    prospectus of March 31, 2023: management fee 0.27%, 12b-1 "None", other 0.00%,
    total 0.27%; "After 1 Year" $28, "After 3 Years" $87; turnover 11%), Columbia
    Research Enhanced Real Estate ETF (CRED, CIK 0001551950, April 3, 2023: 0.33 / 0.00
    / 0.00 / 0.33; 1 year $34, 3 years $106; turnover not yet available) and Bitwise
    Bitcoin Option Income Strategy ETF (IBTB, CIK 0001928561, September 30, 2025: 0.95 /
    0.00 / 0.00, acquired fund fees 0.02, total 0.97; Year 1 $99, Year 3 $309; not yet
    commenced). Accessions are not printed in the documents. Every value is read, none
    skipped, no return invented."""
    fee_line, example, turnover, count = EXPECTED[path]
    p = parse_untagged(path.read_bytes(), form="497K")
    assert (p.fact_count, p.mapped, p.skipped) == (count, count, ())
    assert p.document_type == "497K" and p.read_from == "html"
    (table,) = p.fee_tables
    assert tuple(getattr(table, f) for f in FEE_FIELDS) == pct(fee_line)
    assert table.other_components == () and table.shareholder_fees == ()
    assert [(e.years, e.redemption, e.amount, e.currency) for e in table.expense_examples
            ] == [(1, True, D(example[0]), "USD"), (3, True, D(example[1]), "USD")]
    assert table.example(5) is None and table.example(10) is None
    assert [s.portfolio_turnover for s in p.series] == (
        [D(turnover) / 100] if turnover else [])
    assert p.average_returns == () and p.bar_chart == ()


def test_classes_of_the_submission_are_assigned():
    """With the class the filing's SGML header would list (ids and tickers from the
    real company_tickers_mf.json: TAFI S000076879 / C000237018, CRED S000079833 /
    C000241219), the one-column fee table is that class's and TAFI's turnover its
    series'."""
    tafi = parse_untagged(TAFI.read_bytes(), form="497K",
                          classes=[ClassRef("C000237018", "S000076879", None, "TAFI")])
    (t,) = tafi.fee_tables
    assert (t.series_id, t.class_id, t.ticker, t.total_annual_expenses) == (
        "S000076879", "C000237018", "TAFI", D("0.0027"))
    assert [(s.series_id, s.portfolio_turnover, s.class_ids) for s in tafi.series] == [
        ("S000076879", D("0.11"), ("C000237018",))]
    cred = parse_untagged(CRED.read_bytes(), form="497K",
                          classes=[ClassRef("C000241219", "S000079833", None, "CRED")])
    (c,) = cred.fee_tables
    assert (c.class_id, c.example(1), c.example(3)) == ("C000241219", D(34), D(106))


def test_parse_json_of_a_bare_real_497k(capsys):
    """`parse --json` of the bare Bitwise and AB documents (no EDGAR wrapper, so the form
    is sniffed): the same shape as a tagged prospectus, total as a fraction, the example
    by horizon, and AB's turnover under "(no series id)" (no header to take one from)."""
    assert main(["parse", str(IBTB), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["read_from"] == "html" and "sniffed" in out["form"]
    (fee,) = out["fee_tables"]
    assert (fee["total"], fee["net"], fee["examples"]) == ("0.0097", None,
                                                          {"1y": "99", "3y": "309"})
    assert (out["facts"], out["mapped"], out["average_returns"]) == (7, 7, [])
    assert main(["parse", str(TAFI), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["portfolio_turnover"] == {"(no series id)": "0.11"}
    assert out["fee_tables"][0]["examples"] == {"1y": "28", "3y": "87"}


def test_pia_bbb_497k_returns_dated_by_the_table_head():
    """PIA BBB Bond Fund, Managed Account Completion Shares (PBBBX, CIK 0001027596,
    summary prospectus of March 31, 2023; a Workiva document): management fee "None",
    other expenses 0.15%, total 0.15%; example $15 / $48 / $85 / $192 under "1 Year" ..
    "10 Years" heads with an unlabelled row of dollars; turnover 10%; and 16 average
    annual returns whose period end ("(for the periods ended December 31, 2022)") is in
    the table's corner cell and whose inception ("Since Inception (9/25/2003)") is in a
    column head. The "SHAREHOLDER FEES ... None" caption row is the one value not read,
    with its reason; the best / worst quarter are prose and not read."""
    p = parse_untagged(PIA.read_bytes(), form="497K")
    assert (p.fact_count, p.mapped) == (25, 24)
    assert [(s.concept, s.reason) for s in p.skipped] == [
        ("SHAREHOLDER FEES (fees paid directly from your investment)",
         "shareholder fees stated as a whole ('None'): no fee line to store")]
    (t,) = p.fee_tables
    assert tuple(getattr(t, f) for f in FEE_FIELDS) == pct(
        ("0", None, "0.15", None, "0.15", None, None))
    assert [t.example(y) for y in (1, 3, 5, 10)] == [D(15), D(48), D(85), D(192)]
    assert [s.portfolio_turnover for s in p.series] == [D("0.10")]
    table = {  # 1 year, 5 years, 10 years, since inception, percent as printed
        ("fund", "before_taxes"): ("-16.09", "0.48", "1.91", "4.04"),
        ("fund", "after_taxes_on_distributions"): ("-17.25", "-0.95", "0.24", "2.18"),
        ("fund", "after_taxes_on_distributions_and_sales"): ("-9.51", "-0.19", "0.77",
                                                             "2.44"),
        ("index", None): ("-15.94", "0.70", "2.17", "4.52"),
    }
    got = {(a.subject, a.measure, a.horizon): a for a in p.average_returns}
    assert len(got) == len(p.average_returns) == 16
    for (subject, measure), values in table.items():
        for horizon, v in zip(("1y", "5y", "10y", "since_inception"), values):
            a = got[(subject, measure, horizon)]
            assert a.value == D(v) / 100 and a.periods_ended == date(2022, 12, 31)
            assert a.inception_date == (date(2003, 9, 25) if horizon == "since_inception"
                                        else None)
            assert a.index_name == ("Bloomberg U.S. Credit Baa Bond Index"
                                    if subject == "index" else None)
    assert p.bar_chart == ()


def test_amana_497k_two_classes_and_indexes_on_rows_of_their_own():
    """Amana Participation Fund (CIK 0000766285, summary prospectus of September 29,
    2025), read with its two classes as its submission header lists them (AMAPX
    C000160666 "Investor Shares", AMIPX C000160667 "Institutional Shares", series
    S000050991; ids from company_tickers_mf.json): both fee columns (Institutional's
    12b-1 "None"), both example rows, turnover 21.50%, the best / worst quarter table
    ("Q2 2020 5.50%", "Q1 2020 -3.44%"), and the returns: Investor Shares before taxes
    only, Institutional Shares all three, each under its "Participation Fund ... Shares
    (TICKER)" heading; "Periods ended December 31, 2024" spans the period heads; "Life
    of Fund" is dated only by the sentence above the table ("inception on September
    28, 2015"); three indexes are named on a row of their own with their values on the
    unlabelled row below, and the four "n/a" cells are skipped with that reason."""
    refs = [ClassRef("C000160666", "S000050991", "Investor Shares", "AMAPX"),
            ClassRef("C000160667", "S000050991", "Institutional Shares", "AMIPX")]
    p = parse_untagged(AMANA.read_bytes(), form="497K", classes=refs)
    assert (p.fact_count, p.mapped) == (40, 36)
    assert [(s.concept.split(" (")[0], s.reason) for s in p.skipped] == [
        ("Bloomberg Custom Sukuk Index", "no return printed ('n/a')")] * 3 + [
        ("FTSE IdealRatings Sukuk Index", "no return printed ('n/a')")]
    inv, inst = (p.fee_table(class_id=c) for c in ("C000160666", "C000160667"))
    assert tuple(getattr(inv, f) for f in FEE_FIELDS) == pct(
        ("0.50", "0.25", "0.07", None, "0.82", None, None))
    assert tuple(getattr(inst, f) for f in FEE_FIELDS) == pct(
        ("0.50", "0", "0.09", None, "0.59", None, None))
    assert [inv.example(y) for y in (1, 3, 5, 10)] == [D(84), D(263), D(458), D(1019)]
    assert [inst.example(y) for y in (1, 3, 5, 10)] == [D(60), D(189), D(329), D(738)]
    assert [(s.series_id, s.portfolio_turnover) for s in p.series] == [
        ("S000050991", D("0.2150"))]
    assert {(b.kind, b.as_of, b.value) for b in p.bar_chart} == {
        ("highest_quarter", date(2020, 6, 30), D("0.0550")),
        ("lowest_quarter", date(2020, 3, 31), D("-0.0344"))}
    table = {  # (class id or index, measure): 1 year, 5 years, life of fund (percent)
        ("C000160666", "before_taxes"): ("3.75", "1.35", "1.86"),
        ("C000160667", "before_taxes"): ("4.00", "1.57", "2.09"),
        ("C000160667", "after_taxes_on_distributions"): ("2.56", "0.57", "1.10"),
        ("C000160667", "after_taxes_on_distributions_and_sales"): ("2.42", "0.73", "1.09"),
        ("Bloomberg Global Aggregate Bond Index", None): ("-1.69", "-1.96", "0.41"),
        ("FTSE IdealRatings Sukuk Index", None): ("3.34", "1.96", None),
    }
    got = {(a.class_id or a.index_name, a.measure, a.horizon): a for a in p.average_returns}
    assert len(got) == len(p.average_returns) == 17
    for (who, measure), values in table.items():
        for horizon, v in zip(("1y", "5y", "since_inception"), values):
            if v is None:
                assert (who, measure, horizon) not in got
                continue
            a = got[(who, measure, horizon)]
            assert a.value == D(v) / 100 and a.periods_ended == date(2024, 12, 31)
            assert a.inception_date == (date(2015, 9, 28) if horizon == "since_inception"
                                        else None)
            assert a.subject == ("fund" if who.startswith("C0") else "index")
            assert a.series_id == "S000050991"
