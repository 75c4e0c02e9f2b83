"""N-CSR Financial Highlights -> typed columns: the real Vanguard excerpt read figure by
figure, round trips through three fund-family styles of the generator (expectations from
the generator's inputs, never from the parser), what is left unmapped, the arithmetic
check, label and period variants, and the error without a highlights table."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from etf_assets.ncsr.highlights import (
    CAPITAL_ITEMS,
    DISTRIBUTION_ITEMS,
    ITEMS,
    OPERATING_ITEMS,
    RATIO_ITEMS,
    HighlightsError,
    arithmetic_problem,
    parse_cell,
    parse_financial_highlights,
)
from etf_assets_tests.fake_edgar.highlights import (
    DISTRACTORS,
    STYLES,
    highlights_table,
    ncsr_document,
)

VANGUARD = (Path(__file__).parent / "fixtures" / "sec" / "ncsr"
            / "vanguard_financial_highlights_table_excerpt.html")
D = Decimal

# Read off the excerpt by eye (newest first): cell text as printed in the HTML.
VANGUARD_PRINTED = {
    "nav_begin": ("$102.18", "$87.93", "$108.35", "$93.20", "$79.35"),
    "net_investment_income": ("1.404", "1.412", "1.256", "1.230", ".928"),
    "net_realized_unrealized_gain": ("12.933", "14.314", "(20.439)", "15.130", "13.897"),
    "total_from_operations": ("14.337", "15.726", "(19.183)", "16.360", "14.825"),
    "dist_net_investment_income": ("(1.367)", "(1.476)", "(1.237)", "(1.210)", "(.975)"),
    "dist_capital_gains": ("\u2014",) * 5,
    "total_distributions": ("(1.367)", "(1.476)", "(1.237)", "(1.210)", "(.975)"),
    "nav_end": ("$115.15", "$102.18", "$87.93", "$108.35", "$93.20"),
    "total_return_pct": ("14.10%", "18.05%", "-17.71%", "17.59%", "18.96%"),
    "net_assets_end": ("$335", "$375", "$424", "$619", "$709"),
    "expense_ratio_gross_pct": ("0.17%",) * 5,
    "net_investment_income_ratio_pct": ("1.29%", "1.52%", "1.34%", "1.17%", "1.26%"),
    "portfolio_turnover_pct": ("13%", "12%", "14%", "17%", "22%"),
}
# The same figures in the parser's units (distributions paid as positive amounts,
# percents as written, net assets in dollars from "(Millions)"), typed by hand.
VANGUARD_VALUES = {
    "nav_begin": ("102.18", "87.93", "108.35", "93.20", "79.35"),
    "net_investment_income": ("1.404", "1.412", "1.256", "1.230", "0.928"),
    "net_realized_unrealized_gain": ("12.933", "14.314", "-20.439", "15.130", "13.897"),
    "total_from_operations": ("14.337", "15.726", "-19.183", "16.360", "14.825"),
    "dist_net_investment_income": ("1.367", "1.476", "1.237", "1.210", "0.975"),
    "dist_capital_gains": ("0",) * 5,
    "total_distributions": ("1.367", "1.476", "1.237", "1.210", "0.975"),
    "nav_end": ("115.15", "102.18", "87.93", "108.35", "93.20"),
    "total_return_pct": ("14.10", "18.05", "-17.71", "17.59", "18.96"),
    "net_assets_end": ("335000000", "375000000", "424000000", "619000000", "709000000"),
    "expense_ratio_gross_pct": ("0.17",) * 5,
    "net_investment_income_ratio_pct": ("1.29", "1.52", "1.34", "1.17", "1.26"),
    "portfolio_turnover_pct": ("13", "12", "14", "17", "22"),
}


@pytest.fixture(scope="module")
def vanguard():
    [table] = parse_financial_highlights(VANGUARD.read_bytes())
    return table


# --------------------------------------------------------------------------- real


def test_fixture_is_the_recorded_copy():
    """fixtures/sec/ncsr/vanguard_financial_highlights_table_excerpt.html is byte-identical
    to the corpus file named in fixtures/sec/PROVENANCE.md (sha256 recorded there)."""
    digest = hashlib.sha256(VANGUARD.read_bytes()).hexdigest()
    assert digest == "13816dfb9cfea6b79d38508ab33f8e5268cfcedec155ccc20b1fe2f54a37ff95"
    assert digest in (VANGUARD.parents[1] / "PROVENANCE.md").read_text()


def test_vanguard_excerpt_2024_column(vanguard):
    """Real N-CSR excerpt (fixtures/sec/ncsr/vanguard_financial_highlights_table_excerpt.html,
    Vanguard Investor Shares, FY 2020-2024): the FY2024 column figure by figure."""
    c = vanguard.columns[0]
    assert c.label == "Year Ended December 31, 2024"
    assert (c.period_end, c.period_start, c.months, c.fiscal_year) == (
        date(2024, 12, 31), None, 12, 2024)
    assert not (c.is_partial or c.is_semiannual or c.unaudited)
    assert c.values["nav_begin"] == D("102.18")
    assert c.values["net_investment_income"] == D("1.404")
    assert c.values["net_realized_unrealized_gain"] == D("12.933")
    assert c.values["total_from_operations"] == D("14.337")
    assert c.values["dist_net_investment_income"] == D("1.367")   # printed "(1.367)"
    assert c.values["dist_capital_gains"] == 0                    # printed "—"
    assert c.values["total_distributions"] == D("1.367")
    assert c.values["nav_end"] == D("115.15")
    assert c.values["total_return_pct"] == D("14.10")             # "14.10%": a percent number
    assert c.values["net_assets_end"] == D("335000000")           # "$335" (Millions)
    assert c.values["expense_ratio_gross_pct"] == D("0.17")
    assert "expense_ratio_net_pct" not in c.values                # no such row printed
    assert c.expense_ratio_pct == D("0.17")
    assert c.values["net_investment_income_ratio_pct"] == D("1.29")
    assert c.values["portfolio_turnover_pct"] == D("13")
    assert all(isinstance(v, Decimal) for v in c.values.values())


def test_vanguard_excerpt_every_cell(vanguard):
    """Same fixture: all 5 columns x 13 rows equal the figures typed from the HTML, and
    each cell's text as written is kept for provenance."""
    t = vanguard
    assert [c.period_end for c in t.columns] == [date(y, 12, 31) for y in range(2024, 2019, -1)]
    assert t.net_assets_multiplier == 1_000_000
    assert set(t.labels) == set(VANGUARD_VALUES)
    for i, c in enumerate(t.columns):
        assert {k: str(v) for k, v in c.values.items()} == {
            k: str(D(vals[i])) for k, vals in VANGUARD_VALUES.items()}, c.label
        assert {k: c.cells[k] for k in VANGUARD_PRINTED} == {
            k: vals[i] for k, vals in VANGUARD_PRINTED.items()}, c.label
    assert t.columns[2].values["net_realized_unrealized_gain"] == D("-20.439")
    assert t.columns[2].values["total_return_pct"] == D("-17.71")
    assert t.columns[4].values["net_investment_income"] == D("0.928")  # printed ".928"


def test_vanguard_excerpt_labels_title_and_nothing_left_over(vanguard):
    """Same fixture: labels as written (the <sup> footnote digits 1-4 are not part of
    them), the class name from the title row, no unmapped row, no problem."""
    t = vanguard
    assert t.labels["nav_begin"] == "Net Asset Value, Beginning of Period"
    assert t.labels["net_investment_income"] == "Net Investment Income"        # "Income<sup>1"
    assert t.labels["total_return_pct"] == "Total Return"                      # "Return<sup>2"
    assert t.labels["portfolio_turnover_pct"] == "Portfolio Turnover Rate"     # "Rate<sup>4"
    assert t.labels["net_assets_end"] == "Net Assets, End of Period (Millions)"
    assert t.labels["expense_ratio_gross_pct"] == "Ratio of Total Expenses to Average Net Assets"
    assert t.labels["dist_capital_gains"] == "Distributions from Realized Capital Gains"
    assert t.title.startswith("Investor Shares")
    assert t.caption == ""  # the excerpt is the bare <table>
    assert t.unmapped == () and t.problems == () and t.parts == 1
    assert t.columns[2].cells["expense_ratio_gross_pct"] == "0.17%"           # "0.17%<sup>3"


def test_vanguard_excerpt_arithmetic_holds_on_every_real_column(vanguard):
    """Same fixture: every column adds up - checked here by hand, exactly, and by
    arithmetic_problem; the NAVs chain (a year's end is the next year's beginning)."""
    for c in vanguard.columns:
        v = c.values
        assert v["net_investment_income"] + v["net_realized_unrealized_gain"] == \
            v["total_from_operations"]
        assert v["nav_begin"] + v["total_from_operations"] - v["total_distributions"] == \
            v["nav_end"]
        assert arithmetic_problem(c) is None, c.label
    for newer, older in zip(vanguard.columns, vanguard.columns[1:]):
        assert newer.values["nav_begin"] == older.values["nav_end"]


def test_vanguard_excerpt_as_str_and_inside_a_document():
    """The fixture as text, wrapped in a page with a heading above and footnotes below,
    after an unrelated table: the heading becomes the caption, footnotes are kept."""
    html = ("<html><body><table><tr><td>Schedule</td><td>$1.00</td></tr></table>"
            "<h3>Vanguard Example Index Fund</h3><p>Financial Highlights</p>"
            + VANGUARD.read_text() + "<p>1 Calculated based on average shares outstanding.</p>"
            "</body></html>")
    [t] = parse_financial_highlights(html)
    assert t.caption == "Vanguard Example Index Fund / Financial Highlights"
    assert t.footnotes == ("1 Calculated based on average shares outstanding.",)
    assert t.columns[0].values["nav_end"] == D("115.15")


# --------------------------------------------------------------------------- generated

CASES = [(style, seed, opts) for style in STYLES for seed, opts in (
    (1, {}),
    (2, {"semiannual": True}),
    (3, {"first_period": True}),
    (4, {"semiannual": True, "first_period": True, "years": 3}),
)] + [("spdr", 5, {"split": True, "first_period": True})]


@pytest.mark.parametrize("style,seed,opts", CASES,
                         ids=[f"{s}-{n}-{'+'.join(o) or 'plain'}" for s, n, o in CASES])
def test_generated_round_trip(style, seed, opts):
    """Each style's table reads back to the generator's INPUT figures and periods."""
    g = highlights_table(seed, style, **opts)
    [t] = parse_financial_highlights(g.html)
    assert len(t.columns) == len(g.columns)
    assert t.parts == (2 if opts.get("split") else 1)
    assert t.net_assets_multiplier == g.multiplier
    assert g.fund_name in f"{t.caption} {t.title}"
    for got, want in zip(t.columns, g.columns):
        p = want.period
        assert dict(got.values) == want.values, got.label
        assert got.period_end == p.end, got.label
        assert got.period_start == p.start, got.label
        assert got.is_semiannual == (p.kind == "six_months")
        # "(Unaudited)" is read from the header: the vanguard style does not print it
        assert got.unaudited == (p.kind == "six_months" and style != "vanguard")
        assert got.is_partial == (p.kind != "year")
        assert got.months == {"year": 12, "six_months": 6, "first_period": None}[p.kind]
        assert arithmetic_problem(got) is None, got.label
    assert [(u.label, u.cells) for u in t.unmapped] == [(lbl, cells) for lbl, cells
                                                       in g.extra_rows]
    assert t.problems == ()


def test_generated_styles_differ_in_what_a_reader_must_survive():
    """Guard on the generator: the traps each style claims are really in its HTML."""
    v, i, s = (highlights_table(7, st, semiannual=True, first_period=True) for st in STYLES)
    assert 'rowspan="2"' in v.html and "<sup" in v.html and "\u2014" in v.html
    assert "Year Ended 08/31/24" in i.html and "(a)" in i.html
    assert "Based on market price" in i.html and "(000)" in i.html
    assert "<td>$</td>" in s.html and "<td>%</td>" in s.html and "&#8212;" in s.html
    assert "Period Ended<sup>(b)</sup>" in s.html and "(Unaudited)" in s.html
    assert "commencement of operations" in s.html
    assert highlights_table(7, "spdr").html == highlights_table(7, "spdr").html  # seeded


def test_document_with_many_tables_and_distractors():
    """A whole N-CSR-like document: one table per class in order, schedules of
    investments and statements of changes in net assets (money, "Net assets at end of
    period") are not mistaken for highlights; bytes with an XML declaration."""
    gens = [highlights_table(seed, style, semiannual=seed % 2 == 0, split=seed == 3)
            for seed in range(4) for style in STYLES if style == "spdr" or seed != 3]
    tables = parse_financial_highlights(ncsr_document(gens).encode("utf-8"))
    assert [t.index for t in tables] == list(range(1, len(gens) + 1))
    for t, g in zip(tables, gens):
        assert g.fund_name in f"{t.caption} {t.title}"
        assert [dict(c.values) for c in t.columns] == [c.values for c in g.columns]


# --------------------------------------------------------------------------- checks


@pytest.mark.parametrize("style", STYLES)
def test_broken_column_is_kept_and_flagged(style):
    """A column whose ending NAV is printed 5 cents off stays in the table, with the
    printed value, and arithmetic_problem says why; its neighbours are clean."""
    g = highlights_table(11, style, broken_column=2)
    [t] = parse_financial_highlights(g.html)
    assert len(t.columns) == len(g.columns) == 5
    broken = t.columns[2]
    assert broken.values["nav_end"] == g.columns[2].values["nav_end"]  # as printed
    problem = arithmetic_problem(broken)
    assert problem is not None and "not ending NAV" in problem and "off by 0.05" in problem
    assert [arithmetic_problem(c) for i, c in enumerate(t.columns) if i != 2] == [None] * 4


def _column(**values: str):
    from etf_assets.ncsr.highlights import HighlightsColumn
    return HighlightsColumn(0, "x", None, None, None, None, False, False, False,
                            {k: D(v) for k, v in values.items()}, {})


def test_arithmetic_tolerance_is_the_printed_rounding():
    """Each printed figure may hide half a unit of its last place: 4 cent figures allow
    0.02, three-decimal figures 0.002; a dash (exact zero) allows nothing."""
    base = dict(nav_begin="10.00", net_investment_income="0.20",
                net_realized_unrealized_gain="1.00", total_from_operations="1.20",
                total_distributions="0.20", nav_end="11.00")
    assert arithmetic_problem(_column(**base)) is None
    assert arithmetic_problem(_column(**{**base, "nav_end": "11.02"})) is None   # 0.02 <= 0.02
    assert "not ending NAV" in arithmetic_problem(_column(**{**base, "nav_end": "11.03"}))
    assert "not total from operations" in arithmetic_problem(
        _column(**{**base, "total_from_operations": "1.22", "nav_end": "11.02"}))
    assert "not total distributions" in arithmetic_problem(
        _column(**{**base, "dist_net_investment_income": "0.10", "dist_capital_gains": "0"}))
    fine = dict(nav_begin="10.000", total_from_operations="1.200", total_distributions="0",
                nav_end="11.201")
    assert arithmetic_problem(_column(**fine)) is None                          # 0.001 <= 0.0015
    assert "not ending NAV" in arithmetic_problem(_column(**{**fine, "nav_end": "11.202"}))
    assert "cannot check" in arithmetic_problem(_column(nav_begin="10.00"))


# --------------------------------------------------------------------------- hand-made


def _table(header: list[list[str]], rows: list[list[str]], before: str = "<p>ACME Fund</p>",
           after: str = "") -> str:
    def tr(cells: list[str]) -> str:
        return "<tr>" + "".join(c if c.startswith("<td") else f"<td>{c}</td>"
                                for c in cells) + "</tr>"
    return before + "<table>" + "".join(map(tr, header + rows)) + "</table>" + after


YEARS = [["", '<td colspan="2">Years Ended December 31,</td>'], ["", "2024", "2023"]]


def test_unmapped_rows_are_reported_not_dropped():
    """Rows no rule knows, a second row for a known item, and "N/A" cells are kept with
    their label and values; a per-share row left out of the identity shows in the check."""
    html = _table(YEARS, [
        ["Net asset value, beginning of year", "$10.00", "$9.50"],
        ["Net investment income<sup>*</sup>", "0.20", "0.18"],
        ["Net realized and unrealized gain (loss)", "1.00", "0.40"],
        ["Other capital", "0.05", "\u2014"],
        ["Total from investment operations", "1.25", "0.58"],
        ["Less distributions:", "", ""],
        ["Net investment income", "(0.25)", "(0.08)"],
        ["Total distributions", "(0.25)", "(0.08)"],
        ["Net asset value, end of year", "$11.00", "$10.00"],
        ["Total return", "12.50%", "6.10%"],
        ["Total return excluding payment by affiliate", "12.40%", "N/A"],
        ["Total return", "12.50%", "6.10%"],
    ])
    [t] = parse_financial_highlights(html)
    assert [(u.label, u.values, u.cells) for u in t.unmapped] == [
        ("Other capital", (D("0.05"), D(0)), ("0.05", "\u2014")),
        ("Total return excluding payment by affiliate", (D("12.40"), None), ("12.40%", "N/A")),
        ("Total return", (D("12.50"), D("6.10")), ("12.50%", "6.10%")),
    ]
    assert t.unmapped[0].reason == "no rule matches the label"
    assert t.unmapped[2].reason.startswith("second row for total_return_pct")
    assert t.labels["dist_net_investment_income"] == "Net investment income"  # by section
    assert t.columns[0].values["dist_net_investment_income"] == D("0.25")
    assert "not total from operations" in arithmetic_problem(t.columns[0])
    assert arithmetic_problem(t.columns[1]) is None


LABEL_CASES = [
    # (section row above or "", label, canonical item)
    ("", "NAV, beginning of period", "nav_begin"),
    ("", "Net asset value at end of year", "nav_end"),
    ("", "Market price, end of period", "market_price_end"),
    ("", "Net investment income (loss)(a)", "net_investment_income"),
    ("", "Net realized and unrealized gain (loss) on investments(b)",
     "net_realized_unrealized_gain"),
    ("", "Net gain (loss) on investments (both realized and unrealized)",
     "net_realized_unrealized_gain"),
    ("", "Total income (loss) from investment operations", "total_from_operations"),
    ("", "Net increase (decrease) in net asset value from operations", "total_from_operations"),
    ("", "Dividends from net investment income", "dist_net_investment_income"),
    ("", "Distributions from net realized gains on investments", "dist_capital_gains"),
    ("", "Tax return of capital", "dist_return_of_capital"),
    ("", "Total dividends and distributions", "total_distributions"),
    ("Less distributions from:", "Net investment income", "dist_net_investment_income"),
    ("Less distributions from:", "Capital gains", "dist_capital_gains"),
    ("Less distributions from:", "Total", "total_distributions"),
    ("", "Total return at NAV(c)", "total_return_pct"),
    ("", "Total investment return based on market value", "market_total_return_pct"),
    ("Total Return(d)", "Based on net asset value", "total_return_pct"),
    ("Total Return(d)", "Based on market price", "market_total_return_pct"),
    ("", "Net assets, end of period (000's omitted)", "net_assets_end"),
    ("", "Ratio of expenses to average net assets", "expense_ratio_gross_pct"),
    ("", "Ratio of net expenses to average net assets", "expense_ratio_net_pct"),
    ("", "Expenses, net of fee waivers and reimbursements", "expense_ratio_net_pct"),
    ("", "Ratio of expenses to average net assets before waivers", "expense_ratio_gross_pct"),
    ("Ratio of expenses to average net assets:", "After fee waivers", "expense_ratio_net_pct"),
    ("Ratio of expenses to average net assets:", "Before fee waivers",
     "expense_ratio_gross_pct"),
    ("Ratios to Average Net Assets(e)", "Total expenses after fees waived",
     "expense_ratio_net_pct"),
    ("Ratios to Average Net Assets(e)", "Net investment income", "net_investment_income_ratio_pct"),
    ("Ratio of net investment income to average net assets:", "After waivers",
     "net_investment_income_ratio_pct"),
    ("", "Ratio of net investment income (loss) to average net assets",
     "net_investment_income_ratio_pct"),
    ("", "Portfolio turnover rate\u2020", "portfolio_turnover_pct"),
    ("", "PORTFOLIO&#160;TURNOVER&#160;RATE<sup>4</sup>", "portfolio_turnover_pct"),
]


@pytest.mark.parametrize("section,label,item", LABEL_CASES, ids=[c[1] for c in LABEL_CASES])
def test_label_variants(section, label, item):
    """Labels of other families, markers, case and &#160; map to the canonical item."""
    rows = [["Net asset value, beginning of period", "$10.00"]]
    if section:
        rows.append([section, ""])
    rows.append([label, "1.00"])
    [t] = parse_financial_highlights(_table([["", "Year Ended 10/31/24"]], rows))
    assert item in t.labels, (t.labels, t.unmapped)


@pytest.mark.parametrize("label,multiplier", [
    ("Net assets, end of period (in thousands)", 1_000),
    ("Net assets, end of year (000)", 1_000),
    ("Net assets, end of period ($000)", 1_000),
    ("Net assets, end of period (000's omitted)", 1_000),
    ("Net assets, end of period ($ millions)", 1_000_000),
    ("Net Assets, End of Period (Millions)", 1_000_000),
    ("Net assets, end of period", 1),
])
def test_net_assets_multiplier(label, multiplier):
    html = _table([["", "Year Ended 10/31/24"]], [
        ["Net asset value, beginning of year", "$10.00"], [label, "$1,234.5"]])
    [t] = parse_financial_highlights(html)
    assert t.net_assets_multiplier == multiplier
    assert t.columns[0].values["net_assets_end"] == D("1234.5") * multiplier
    assert t.columns[0].cells["net_assets_end"] == "$1,234.5"


def test_period_headers():
    """Six months (unaudited), a first period whose inception is only in a footnote,
    a "For the Period x - y" header, and a bare year under "Years Ended"."""
    html = _table(
        [["", "Six Months Ended April 30, 2025 (Unaudited)", "Year Ended October 31, 2024",
          "Period Ended October 31, 2023<sup>(a)</sup>"]],
        [["Net asset value, beginning of period", "$21.00", "$20.00", "$25.00"]],
        after="<p>(a) The Fund commenced operations on March 2, 2023.</p>")
    [t] = parse_financial_highlights(html)
    six, year, first = t.columns
    assert (six.period_end, six.months, six.is_semiannual, six.unaudited, six.is_partial) == (
        date(2025, 4, 30), 6, True, True, True)
    assert (year.period_end, year.months, year.is_partial) == (date(2024, 10, 31), 12, False)
    assert (first.period_end, first.period_start, first.months, first.is_partial) == (
        date(2023, 10, 31), date(2023, 3, 2), None, True)
    assert t.footnotes == ("(a) The Fund commenced operations on March 2, 2023.",)

    [t] = parse_financial_highlights(_table([["", "For the Period 9/15/20* - 6/30/21"]], [
        ["NAV, beginning of period", "25.00"]]))
    assert (t.columns[0].period_start, t.columns[0].period_end) == (date(2020, 9, 15),
                                                                    date(2021, 6, 30))
    [t] = parse_financial_highlights(_table([["", '<td colspan="2">Years Ended</td>'],
                                             ["", "2024", "2023"]],
                                            [["NAV, beginning of year", "25.00", "24.00"]]))
    assert [(c.period_end, c.fiscal_year, c.months) for c in t.columns] == [
        (None, 2024, 12), (None, 2023, 12)]


def test_blank_is_not_reported_dash_is_zero_and_cp1252_bytes():
    """A blank cell is None (not reported), a dash is 0; windows-1252 bytes (0x97 is
    the em dash) read like their text."""
    html = _table(YEARS, [
        ["Net asset value, beginning of year", "$10.00", "$9.50"],
        ["Distributions from net realized gains", "\u2014", ""],
        ["Net asset value, end of year", "$10.00", "$9.50"]])
    [t] = parse_financial_highlights(html.encode("cp1252"))
    assert [c.values["dist_capital_gains"] for c in t.columns] == [D(0), None]
    assert [c.cells["dist_capital_gains"] for c in t.columns] == ["\u2014", ""]
    assert parse_financial_highlights(html)[0].columns[0].values == t.columns[0].values


@pytest.mark.parametrize("text,expected", [
    ("$102.18", (D("102.18"), False, None)),
    ("(20.439)", (D("-20.439"), False, None)),
    ("-17.71%", (D("-17.71"), True, None)),
    ("(17.71)%", (D("-17.71"), True, None)),
    ("\u221212.5", (D("-12.5"), False, None)),
    ("\u2014", (D(0), False, None)),
    ("\u2013", (D(0), False, None)),
    ("-", (D(0), False, None)),
    ("\u2014(b)", (D(0), False, None)),
    ("", (None, False, None)),
    ("0.17%(c)", (D("0.17"), True, None)),
    ("14.10%*", (D("14.10"), True, None)),
    (".928", (D("0.928"), False, None)),
    ("$ 1,234,567", (D("1234567"), False, None)),
])
def test_parse_cell(text, expected):
    assert parse_cell(text) == expected


def test_parse_cell_problems():
    assert parse_cell("N/A")[0] is None and "not reported" in parse_cell("N/A")[2]
    assert parse_cell("<0.01%")[0] is None and "not a number" in parse_cell("<0.01%")[2]
    big = "1" + "0" * 40
    assert parse_cell(big)[0] is None and "out of range" in parse_cell(big)[2]


def test_item_groups_cover_every_item_once():
    assert sorted(OPERATING_ITEMS + DISTRIBUTION_ITEMS + RATIO_ITEMS + CAPITAL_ITEMS) == sorted(
        ITEMS)
    assert len(set(ITEMS)) == len(ITEMS)
    assert all(i.endswith("_pct") for i in RATIO_ITEMS if i != "net_assets_end")


@pytest.mark.parametrize("doc", [
    b"",
    b"<html><body><p>Annual report</p></body></html>",
    DISTRACTORS,  # a schedule of investments and a statement of changes in net assets
    ("<table><tr><td>Net assets at end of period</td><td>$5</td></tr>"
     "<tr><td>Ratio of expenses to average net assets</td><td>0.2%</td></tr></table>"),
])
def test_no_highlights_table_raises(doc):
    with pytest.raises(HighlightsError, match="no Financial Highlights table"):
        parse_financial_highlights(doc)
