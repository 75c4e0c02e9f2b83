"""A unit investment trust's prospectus, as SPDR-style S-6 trusts print it: an
"estimated ordinary operating expenses" fee table (Trustee's fee, S&P license fee,
marketing expenses) and a per-share table with "Net equalization credits and charges".

CONSTRUCTED document: no real UIT prospectus could be found in the public fixture
corpus (issue 25 report); the labels and layout follow SPDR trusts' tables, the figures
are invented and internally consistent. It tests the readers' rules, not a filer."""

from __future__ import annotations

from decimal import Decimal as D

from etf_assets.ncsr.highlights import arithmetic_problem, parse_financial_highlights
from etf_assets.prospectus.read import read_prospectus
from etf_assets.prospectus.untagged import ClassRef

FEES = """
<p>Annual Trust Ordinary Operating Expenses (expenses that you pay each year as a
percentage of the value of your investment)</p>
<table>
<tr><td>Trustee's fee</td><td>0.0600%</td></tr>
<tr><td>S&amp;P license fee</td><td>0.0300%</td></tr>
<tr><td>Marketing expenses</td><td>0.0025%</td></tr>
<tr><td>Other operating expenses</td><td>0.0020%</td></tr>
<tr><td>Estimated ordinary operating expenses</td><td>0.0945%</td></tr>
</table>
<table>
<tr><td></td><td>1 Year</td><td>3 Years</td><td>5 Years</td><td>10 Years</td></tr>
<tr><td></td><td>$10</td><td>$30</td><td>$53</td><td>$121</td></tr>
</table>
"""

YEARS = ("Year Ended 9/30/24", "Year Ended 9/30/23", "Year Ended 9/30/22",
         "Year Ended 9/30/21", "Year Ended 9/30/20")
ROWS = (  # label, five years (newest first); NAV end = begin + ops + equalization - dist
    ("Net asset value, beginning of year", "427.48", "357.18", "434.19", "334.89", "296.77"),
    ("Net investment income (loss)", "6.58", "6.32", "6.07", "5.52", "5.64"),
    ("Net realized and unrealized gain (loss)", "144.94", "69.84", "(77.01)", "99.44", "38.16"),
    ("Total from investment operations", "151.52", "76.16", "(70.94)", "104.96", "43.80"),
    ("Net equalization credits and charges", "0.07", "0.19", "(0.01)", "(0.11)", "(0.03)"),
    ("Net investment income", "(6.47)", "(6.05)", "(6.06)", "(5.55)", "(5.65)"),
    ("Net asset value, end of year", "572.60", "427.48", "357.18", "434.19", "334.89"),
    ("Total return", "35.57%", "21.44%", "(15.55)%", "31.30%", "14.98%"),
    ("Ratio of expenses to average net assets", "0.0945%", "0.0945%", "0.0945%", "0.0945%",
     "0.0945%"),
)


def highlights_html(rows=ROWS) -> str:
    head = "".join(f"<td>{y}</td>" for y in YEARS)
    body = "".join("<tr><td>" + label + "</td>" + "".join(f"<td>{v}</td>" for v in values)
                   + "</tr>" + ("<tr><td>Less distributions from:</td></tr>" if i == 4 else "")
                   for i, (label, *values) in enumerate(rows))
    return (f"<p>Financial Highlights</p><table><tr><td></td>{head}</tr>"
            f"<tr><td>Per share operating performance:</td></tr>{body}</table>")


def document(rows=ROWS) -> bytes:
    return f"<html><body>{FEES}{highlights_html(rows)}</body></html>".encode()


UIT = ClassRef("CIK0000884394", "CIK0000884394", None, "SPY")


def test_uit_fee_table_and_example():
    """The trust's one pseudo class (its CIK key, as `etf` keeps a UIT) gets every line:
    trustee, license and marketing fees as components, other operating expenses, the
    0.0945% total, and the example read across."""
    p, comparison = read_prospectus(document(), form="485BPOS", classes=[UIT])
    assert comparison is None and p.read_from == "html" and p.document_type == "485BPOS"
    (t,) = p.fee_tables
    assert (t.series_id, t.class_id, t.ticker) == ("CIK0000884394", "CIK0000884394", "SPY")
    assert t.other_components == (("TrusteeFee", D("0.000600")), ("LicenseFee", D("0.000300")),
                                  ("MarketingExpenses", D("0.000025")))
    assert (t.other_expenses, t.total_annual_expenses) == (D("0.000020"), D("0.000945"))
    assert [t.example(y) for y in (1, 3, 5, 10)] == [D(10), D(30), D(53), D(121)]
    assert (p.fact_count, p.mapped) == (9, 9)


def test_uit_per_share_table_adds_up_with_equalization_and_one_altered_cell_fails():
    """Every year adds up once net equalization is an item (four of the five do not when
    the row is unknown, as before issue 25); altering one cell (2022's ending NAV) fails
    that year only."""
    (table,) = parse_financial_highlights(document())
    assert [c.values["net_equalization"] for c in table.columns] == [
        D("0.07"), D("0.19"), D("-0.01"), D("-0.11"), D("-0.03")]
    assert table.unmapped == ()
    assert [arithmetic_problem(c) for c in table.columns] == [None] * 5
    unknown = tuple((("Net other credits" if r[0].startswith("Net equalization") else r[0]),
                     *r[1:]) for r in ROWS)
    (before,) = parse_financial_highlights(document(unknown))
    assert [arithmetic_problem(c) is None for c in before.columns] == [
        False, False, True, False, False]
    altered = tuple(r if not r[0].endswith("end of year") else
                    (r[0], r[1], r[2], "357.28", r[4], r[5]) for r in ROWS)
    (bad,) = parse_financial_highlights(document(altered))
    problems = [arithmetic_problem(c) for c in bad.columns]
    assert problems[0] is None and problems[1] is None and problems[3:] == [None, None]
    assert "capital items -0.01" in problems[2] and "not ending NAV 357.28" in problems[2]


def test_uit_fee_rows_keep_their_components_and_unkeyed_tables_are_counted():
    """The UIT's fee row carries its lines in other_components; read without the trust's
    classes, the table has no key and is counted, not loaded."""
    from datetime import date

    from etf_assets.prospectus.rows import Kept, prospectus_rows

    p, _ = read_prospectus(document(), form="485BPOS", classes=[UIT])
    rows = [r for t, r in prospectus_rows(p, accession="a", filing_date=date(2026, 1, 30),
                                          cik="0000884394", etf_series={"CIK0000884394"},
                                          etf_classes={"CIK0000884394"})
            if t.name == "prospectus_fee"]
    assert [(r["fee_key"], r["other_components"], r["total_annual_expenses"], r["read_from"])
            for r in rows] == [("CIK0000884394", [["TrusteeFee", "0.0006"],
                                                  ["LicenseFee", "0.0003"],
                                                  ["MarketingExpenses", "0.000025"]],
                                D("0.000945"), "html")]
    bare, _ = read_prospectus(document(), form="485BPOS", classes=[])
    kept = Kept()
    assert list(prospectus_rows(bare, accession="a", filing_date=date(2026, 1, 30),
                                cik="0000884394", etf_series=set(), etf_classes=set(),
                                kept=kept)) == []
    assert (kept.unkeyed_fee_tables, kept.non_etf_fee_tables) == (1, 0)
