"""A REAL unit investment trust's Financial Highlights: SPDR S&P 500 ETF Trust (SPY, CIK
0000884394), annual report for the year ended September 30, 2019, Form N-30D, accession
0001193125-19-302203 (document d818891dn30d.htm). The fixture is a verbatim excerpt, the
Financial Highlights page (see fixtures/sec/PROVENANCE.md). Every expected value below
was read off the printed table by hand, not from the reader's output.

A UIT's per-Unit table has two capital rows between operations and distributions:
"Net equalization credits and charges" every year and "Contribution by Trustee"
(FY2015 only); NAV end = begin + operations + both - distributions in all five years."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from etf_assets.cli import parse_file
from etf_assets.ncsr.highlights import arithmetic_problem, parse_financial_highlights

SPY_2019 = (Path(__file__).parent / "fixtures" / "sec" / "ncsr"
            / "0000884394_0001193125-19-302203_N-30D_SPY_financial_highlights_excerpt.html")

# (period end, NAV begin, NII, gain, total ops, equalization, trustee contribution,
#  NII distribution, NAV end, total return %, net assets ($000), gross %, net %, NII %,
#  turnover %), as printed (distributions printed in parentheses, read as amounts paid)
PRINTED = (
    (date(2019, 9, 30), "290.60", "5.71", "6.05", "11.76", "-0.06", "0", "5.48", "296.82",
     "4.11", 274_259_440, "0.10", "0.09", "2.03", "3"),
    (date(2018, 9, 30), "251.30", "4.86", "39.46", "44.32", "0.00", "0", "5.02", "290.60",
     "17.72", 279_389_634, "0.10", "0.09", "1.79", "2"),
    (date(2017, 9, 30), "216.40", "4.65", "34.97", "39.62", "0.06", "0", "4.78", "251.30",
     "18.44", 243_299_576, "0.09", "0.09", "1.98", "3"),
    (date(2016, 9, 30), "191.77", "4.27", "24.76", "29.03", "0.02", "0", "4.42", "216.40",
     "15.30", 197_280_964, "0.11", "0.09", "2.07", "4"),
    (date(2015, 9, 30), "196.98", "4.28", "-5.47", "-1.19", "0.08", "0.03", "4.13", "191.77",
     "-0.64", 166_683_901, "0.11", "0.09", "2.09", "3"),
)
ITEMS = ("nav_begin", "net_investment_income", "net_realized_unrealized_gain",
         "total_from_operations", "net_equalization", "other_capital",
         "dist_net_investment_income", "nav_end", "total_return_pct")
RATIOS = ("expense_ratio_gross_pct", "expense_ratio_net_pct",
          "net_investment_income_ratio_pct", "portfolio_turnover_pct")


def spy_table(html: bytes | None = None):
    (table,) = parse_financial_highlights(html if html is not None else SPY_2019.read_bytes())
    return table


def test_spy_fy2019_every_printed_value_of_the_five_years():
    """Accession 0001193125-19-302203: each of the 5 columns, every per-Unit row, the total
    return, net assets "(in 000s)" scaled to dollars and the four ratios."""
    t = spy_table()
    assert [c.label for c in t.columns] == [f"Year Ended 9/30/{y}" for y in (19, 18, 17, 16, 15)]
    assert t.problems == () and t.net_assets_multiplier == 1000
    for col, (end, *per_unit, net_assets, gross, net, nii, turnover) in zip(t.columns, PRINTED,
                                                                         strict=True):
        assert (col.period_end, col.months, col.is_partial) == (end, 12, False)
        assert [col.values[i] for i in ITEMS] == [D(v) for v in per_unit]
        assert col.values["net_assets_end"] == net_assets * 1000
        assert [col.values[i] for i in RATIOS] == [D(gross), D(net), D(nii), D(turnover)]
        assert col.expense_ratio_pct == D(net)  # net of the Trustee's waiver
    assert t.labels["net_equalization"] == "Net equalization credits and charges(a)"
    assert t.labels["other_capital"] == "Contribution by Trustee"
    # an em dash is a printed zero; the footnote marker stays in the cell as written
    assert t.columns[0].cells["other_capital"] == "\u2014"
    assert t.columns[4].cells["total_return_pct"] == "(0.64)%(f)"


def test_spy_fy2019_the_second_gross_expense_row_is_reported_not_dropped():
    """The trust prints two gross ratios (before and after the fee waiver); the second is
    kept as an unmapped row with its five values, so nothing is silently lost."""
    (row,) = spy_table().unmapped
    assert row.label == "Total expenses (excluding Trustee earnings credit)"
    assert row.values == tuple(D(v) for v in ("0.10", "0.10", "0.09", "0.11", "0.11"))
    assert row.reason.startswith("second row for expense_ratio_gross_pct")


def test_spy_fy2019_per_unit_arithmetic_holds_every_year_with_equalization():
    """NAV begin + operations + equalization + trustee contribution - distributions =
    NAV end in all five printed years (e.g. FY2015: 196.98 - 1.19 + 0.08 + 0.03 - 4.13 =
    191.77)."""
    assert [arithmetic_problem(c) for c in spy_table().columns] == [None] * 5


def _failing_years(printed: str, altered: str) -> list[int]:
    html = SPY_2019.read_text()
    assert html.count(printed) == 1
    columns = spy_table(html.replace(printed, altered).encode()).columns
    return [i for i, c in enumerate(columns) if arithmetic_problem(c)]


@pytest.mark.parametrize(("printed", "altered", "year"), [
    ("(0.06</FONT>", "(0.16</FONT>", 0),  # FY2019 equalization
    (">0.03</FONT>", ">0.13</FONT>", 4),  # FY2015 contribution by Trustee
    ("(4.13</FONT>", "(4.31</FONT>", 4),  # FY2015 distribution
])
def test_spy_fy2019_one_altered_cell_fails_only_its_year(printed, altered, year):
    assert _failing_years(printed, altered) == [year]


def test_spy_fy2019_a_cent_is_within_printed_rounding():
    """Five printed cents in the NAV identity may each hide half a cent: 0.025 in all, so
    a one-cent change cannot be told from rounding and is (rightly) not flagged."""
    assert _failing_years("(0.06</FONT>", "(0.07</FONT>") == []


def test_spy_fy2019_footnotes_set_as_one_row_tables_are_read():
    """The printer set each footnote (a)-(h) as its own one-row <table>; they are the
    table's footnotes, in order, and the next real table is not read as one."""
    notes = spy_table().footnotes
    assert [n[:3] for n in notes[:8]] == [f"({k})" for k in "abcdefgh"]
    assert notes[2] == ("(c) Contribution paid by the Trustee (State Street Bank and Trust "
                        "Company) in the amount of $26,920,521.")
    assert notes[7].startswith("(h) Portfolio turnover rate excludes securities")


def test_spy_fy2019_parse_command(capsys):
    """`etf-pipeline parse FILE --json`: the bare excerpt is sniffed as a shareholder
    report and its one table has no arithmetic problem."""
    import json

    assert parse_file(str(SPY_2019), as_json=True) == 0
    out = json.loads(capsys.readouterr().out)
    (table,) = out["financial_highlights"]
    assert (table["columns"], table["arithmetic_problems"], table["unmapped_rows"]) == (5, 0, 1)
    assert table["periods"] == "2019-09-30, 2018-09-30, 2017-09-30, 2016-09-30, 2015-09-30"


@pytest.mark.parametrize(("html", "expected"), [
    ("<table><tr><td>(c)</td><td>Contribution paid by the Trustee.</td></tr></table>",
     "(c) Contribution paid by the Trustee."),
    ("<div><table><tr><td>*</td><td></td><td>Unaudited.</td></tr></table></div>",
     "* Unaudited."),
    # not footnotes: a label and a value, two rows, a lone cell
    ("<table><tr><td>Net assets</td><td>$1,000</td></tr></table>", None),
    ("<table><tr><td>(a)</td><td>x</td></tr><tr><td>(b)</td><td>y</td></tr></table>", None),
    ("<table><tr><td>(a) Per Unit numbers.</td></tr></table>", None),
])
def test_footnote_table_text_only_takes_a_marker_and_its_text(html, expected):
    """The layout of SPY's footnotes (accession 0001193125-19-302203), and what is not it."""
    import lxml.html

    from etf_assets.ncsr.highlights import footnote_table_text

    assert footnote_table_text(lxml.html.fragment_fromstring(html)) == expected


def test_spy_fy2019_bare_fragment_without_html_tags_is_read_as_html(tmp_path, capsys):
    """The same verbatim page with the excerpt's added <HTML><BODY> removed (a fragment as
    cut from the filing, starting at its <p>) is still sniffed as HTML, not handed to the
    N-PORT XML reader ("broken XML" before)."""
    import json

    text = SPY_2019.read_text(encoding="utf-8", errors="replace")
    fragment = text.split("-->", 1)[1].replace("<HTML><BODY>", "", 1)
    bare = tmp_path / "spy_fragment.htm"
    bare.write_text(fragment, encoding="utf-8")
    assert parse_file(str(bare), as_json=True) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["form"].startswith("N-CSR (sniffed")
    (table,) = out["financial_highlights"]
    assert (table["columns"], table["arithmetic_problems"]) == (5, 0)


@pytest.mark.parametrize(("name", "html"), [
    ("0001041130_0001752724-25-158219_DIA_NPORT-P_2025-04-30.xml", False),
    ("0000884394_SPY_NPORT_trimmed.xml", False),
])
def test_nport_documents_are_not_taken_for_html(name, html):
    """Real N-PORT XML (DIA 0001752724-25-158219, SPY) opens with no HTML element."""
    from etf_assets.cli import looks_like_html

    head = (Path(__file__).parent / "fixtures" / "sec" / "nport" / name).read_bytes()[:4096]
    assert looks_like_html(head) is html


@pytest.mark.parametrize("head", [b"<table border=0><tr><td>x", b"\n<DIV STYLE='x'>",
                                  b"<!DOCTYPE html>\n<html>", b"<P>Fees"])
def test_html_openings(head):
    from etf_assets.cli import looks_like_html

    assert looks_like_html(head)
