"""Deterministic N-CSR "Financial Highlights" HTML tables, in the styles of three fund
families, for the parser of :mod:`etf_assets.ncsr.highlights`.

Why: only one real highlights table is in the fixtures (a Vanguard excerpt); the layouts
the parser must survive differ by family. Each style reproduces what its family prints:

* ``"vanguard"`` - as the real excerpt: class name in the first row, a rowspan label
  cell, "Year Ended December 31," over the year cells, ``$`` glued to NAVs, three
  decimals with no leading zero (".928"), ``<sup>`` footnote digits, "—" for zero,
  "Net Assets, End of Period (Millions)", one unqualified expense ratio; a six-month
  column headed "Six Months Ended June 30, 2025" (rowspan, no "(Unaudited)" in the cell)
  and a first period "Jul. 7, 2020<sup>5</sup> to Dec. 31, 2020";
* ``"ishares"`` - one header cell per column ("Year Ended 08/31/24", "Six Months
  Ended 02/28/25 (unaudited)", "Period From 09/15/20(g) to 08/31/21"), plain-text
  "(a)" markers, section rows ("Distributions(c)", "Total Return(d)", "Ratios to
  Average Net Assets(e)", "Supplemental Data") over short labels ("From net
  investment income", "Based on market price"), gross and after-waiver expenses,
  "Net assets, end of year (000)";
* ``"spdr"`` - State Street: three physical cells per column (``$`` | value | ``%``),
  two header rows ("Year Ended" over "6/30/24"), "&#8212;" zeros, "&#160;" in labels,
  markers in value cells ("0.20(d)"), "Net assets, end of period (in 000s)", a row no
  rule knows ("Shares outstanding, end of period (000s)"), a "Period Ended" first
  column whose inception date is only in a footnote, optionally split over two
  ``<table>`` elements at a page break.

Every figure is a pure function of ``(seed, style, options)``. The per-share figures
satisfy the identities exactly as printed (``nav_begin + total_from_operations -
total_distributions = nav_end``, income + gain = operations, parts = total) unless
``broken_column`` asks for one column whose printed ending NAV is 0.05 off.
:attr:`GeneratedColumn.values` is what a correct reader returns, in its units:
distributions positive, percents as printed, net assets in dollars.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Sequence

__all__ = ["STYLES", "DISTRACTORS", "Period", "GeneratedColumn", "GeneratedTable", "highlights_table",
           "ncsr_document"]

STYLES = ("vanguard", "ishares", "spdr")

_FYE = {"vanguard": (12, 31), "ishares": (8, 31), "spdr": (6, 30)}
_CENT = Decimal("0.01")
_MILL = Decimal("0.001")
_BP = Decimal("0.01")


@dataclass(frozen=True)
class Period:
    kind: str                 # "year" | "six_months" | "first_period"
    end: date
    start: date | None = None  # first_period: the inception date


@dataclass(frozen=True)
class GeneratedColumn:
    period: Period
    values: dict[str, Decimal]  # canonical item -> what a correct reader returns


@dataclass(frozen=True)
class GeneratedTable:
    style: str
    fund_name: str
    class_name: str
    columns: tuple[GeneratedColumn, ...]      # newest first, as printed
    extra_rows: tuple[tuple[str, tuple[str, ...]], ...]  # rows no rule maps: label, cells
    broken_column: int | None
    multiplier: int
    html: str                                   # heading blocks + table(s) + footnotes


# --------------------------------------------------------------------------- figures


def _months_back(d: date, months: int) -> date:
    y, m = divmod(d.year * 12 + d.month - 1 - months, 12)
    nxt = date(y + (m + 1) // 12, (m + 1) % 12 + 1, 1)
    return nxt - timedelta(days=1)  # month ends only: every FYE here is one


def _periods(style: str, last_fy: int, years: int, semiannual: bool,
             first_period: bool, rng: random.Random, fye_month_day: tuple[int, int] | None = None,
             inception: date | None = None) -> list[Period]:
    month, day = fye_month_day or _FYE[style]
    fye = [date(last_fy - i, month, day) for i in range(years)]
    out = [Period("year", d) for d in fye]
    if first_period:
        end = out[-1].end
        drawn = end - timedelta(days=rng.randint(60, 300))  # drawn either way: same stream
        out[-1] = Period("first_period", end, inception or drawn)
    if semiannual:
        out.insert(0, Period("six_months", _months_back(fye[0], -6)))
    return out


def _q(x: float | Decimal, unit: Decimal) -> Decimal:
    return Decimal(str(x)).quantize(unit)


def _figures(style: str, periods: list[Period], rng: random.Random, broken: int | None,
             multiplier: int, net_expense_pct: Decimal | None = None
             ) -> list[dict[str, Decimal]]:
    """Per-column canonical values, oldest first internally, returned newest first."""
    unit = _MILL if style == "vanguard" else _CENT
    chrono = periods[::-1]
    nav = Decimal("25.00") if chrono[0].kind == "first_period" else _q(rng.uniform(20, 150), _CENT)
    shares = rng.uniform(2e6, 4e8)
    gross = _q(rng.uniform(0.03, 0.65), _BP)
    waiver = _q(rng.choice([0, 0, 0.01, 0.05]), _BP) if style != "vanguard" else Decimal(0)
    if net_expense_pct is not None:  # after the draws, so the stream stays as it was
        gross = net_expense_pct.quantize(_BP) + waiver
    out: list[dict[str, Decimal]] = []
    for p in chrono:
        scale = 0.5 if p.kind == "six_months" else (
            (p.end - p.start).days / 365 if p.start else 1.0)
        nii = _q(float(nav) * rng.uniform(0.004, 0.03) * scale, unit)
        if rng.random() < 0.1:
            nii = -_q(float(nav) * rng.uniform(0.0005, 0.003), unit)
        end = _q(float(nav) * (1 + rng.uniform(-0.22, 0.28) * scale), _CENT)
        d_nii = _q(max(float(nii), 0) * rng.uniform(0.85, 1.0), unit)
        d_cg = _q(float(nav) * rng.uniform(0.001, 0.02), unit) if rng.random() < 0.3 else Decimal(0)
        d_roc = _q(float(nav) * rng.uniform(0.0005, 0.004), unit) if rng.random() < 0.15 \
            else Decimal(0)
        total = d_nii + d_cg + d_roc
        gain = end - nav - nii + total
        ops = nii + gain
        ret = _q(((end + total) / nav - 1) * 100, _BP)
        shares *= rng.uniform(0.7, 1.5)
        printed_assets = int(float(end) * shares / multiplier)
        v = {
            "nav_begin": nav, "net_investment_income": nii,
            "net_realized_unrealized_gain": gain, "total_from_operations": ops,
            "dist_net_investment_income": d_nii, "dist_capital_gains": d_cg,
            "dist_return_of_capital": d_roc, "total_distributions": total,
            "nav_end": end, "total_return_pct": ret,
            "net_assets_end": Decimal(printed_assets) * multiplier,
            "expense_ratio_gross_pct": gross,
            "net_investment_income_ratio_pct": _q(float(nii / nav) * 100 / scale, _BP),
            "portfolio_turnover_pct": Decimal(rng.randint(2, 60)),
        }
        if style != "vanguard":
            v["expense_ratio_net_pct"] = gross - waiver
        if style == "ishares":
            v["market_total_return_pct"] = ret + _q(rng.uniform(-0.2, 0.2), _BP)
        out.append(v)
        nav = end
    out = out[::-1]
    if broken is not None:
        out[broken]["nav_end"] += Decimal("0.05")  # printed 5 cents off: must be flagged
    return out


# --------------------------------------------------------------------------- printing


def _num(x: Decimal, *, lead_zero: bool = True, parens: bool = True, dash: str = "\u2014",
         thousands: bool = False) -> str:
    if x == 0 and x.as_tuple().exponent >= -3 and dash:
        return dash
    s = f"{abs(x):,}" if thousands else f"{abs(x)}"
    if not lead_zero and s.startswith("0."):
        s = s[1:]
    if x < 0:
        return f"({s})" if parens else f"-{s}"
    return s


def _neg_dist(x: Decimal, **kw) -> str:
    return _num(-x, **kw) if x else _num(x, **kw)


def _has(cols: Sequence[dict[str, Decimal]], item: str) -> bool:
    return any(c.get(item) for c in cols)


def _vanguard(g: dict, cols: list[dict[str, Decimal]], periods: list[Period]) -> tuple[str, str]:
    td = '<td style="text-align:right; white-space:nowrap">'
    n = len(periods)
    per = lambda x: _num(x, lead_zero=False)  # noqa: E731 - ".928" as Vanguard prints
    years = [p for p in periods if p.kind == "year"]
    head1 = ['<td rowspan="2">For a Share Outstanding<br/>\nThroughout Each Period</td>']
    head2 = []
    for p in periods:
        if p.kind == "six_months":
            head1.append(f'{td[:-1]} rowspan="2">Six Months Ended<br/>'
                         f'{p.end:%B} {p.end.day}, {p.end.year}</td>')
        elif p.kind == "first_period":
            head1.append(f'{td[:-1]} rowspan="2">{p.start:%b}. {p.start.day}, {p.start.year}'
                         f'<sup style="font-size:85%">5</sup> to<br/>{p.end:%b}. {p.end.day}, '
                         f'{p.end.year}</td>')
        elif p is years[0]:
            head1.append(f'{td[:-1]} colspan="{len(years)}">Year Ended '
                         f'{p.end:%B} {p.end.day},</td>')
        if p.kind == "year":
            head2.append(f"{td}{p.end.year}\n</td>")
    rows = [f'<tr><td style="font-weight:bold">{g["class_name"]}\n</td>'
            + f"{td}&#160;\n</td>" * n + "</tr>",
            "<tr>" + "".join(head1) + "</tr>", "<tr>" + "".join(head2) + "</tr>"]

    def row(label: str, cells: list[str]) -> None:
        rows.append(f"<tr><td>{label}\n</td>" + "".join(f"{td}{c}\n</td>" for c in cells)
                    + "</tr>")

    sup = '<sup style="font-size:85%; font-style:Normal">{}</sup>'
    row("Net Asset Value, Beginning of Period", [f"${c['nav_begin']}" for c in cols])
    row("Investment Operations", [""] * n)
    row("Net Investment Income" + sup.format(1), [per(c["net_investment_income"]) for c in cols])
    row("Net Realized and Unrealized Gain (Loss) on Investments",
        [per(c["net_realized_unrealized_gain"]) for c in cols])
    row("Total from Investment Operations", [per(c["total_from_operations"]) for c in cols])
    row("Distributions", [""] * n)
    row("Dividends from Net Investment Income",
        [_neg_dist(c["dist_net_investment_income"], lead_zero=False) for c in cols])
    row("Distributions from Realized Capital Gains",
        [_neg_dist(c["dist_capital_gains"], lead_zero=False) for c in cols])
    if _has(cols, "dist_return_of_capital"):
        row("Return of Capital", [_neg_dist(c["dist_return_of_capital"], lead_zero=False)
                                  for c in cols])
    row("Total Distributions", [_neg_dist(c["total_distributions"], lead_zero=False)
                                for c in cols])
    row("Net Asset Value, End of Period", [f"${c['nav_end']}" for c in cols])
    row("Total Return" + sup.format(2), [f"{_num(c['total_return_pct'], parens=False, dash='')}%"
                                         for c in cols])
    row("Ratios/Supplemental Data", [""] * n)
    row("Net Assets, End of Period (Millions)",
        [f"${c['net_assets_end'] // 1_000_000:,}" for c in cols])
    row("Ratio of Total Expenses to Average Net Assets",
        [f"{c['expense_ratio_gross_pct']}%" + (sup.format(3) if i == 1 else "")
         for i, c in enumerate(cols)])
    row("Ratio of Net Investment Income to Average Net Assets",
        [f"{_num(c['net_investment_income_ratio_pct'], parens=False, dash='')}%" for c in cols])
    row("Portfolio Turnover Rate" + sup.format(4),
        [f"{c['portfolio_turnover_pct']}%" for c in cols])
    table = ('<table cellpadding="0" cellspacing="0" style="border-collapse:collapse">\n'
             + "\n".join(rows) + "</table>\n")
    notes = ("<p>1 Calculated based on average shares outstanding.</p>\n"
             "<p>2 Total returns do not include transaction costs.</p>\n"
             "<p>3 The ratio of total expenses to average net assets for the period net of "
             "reduction from broker commission abatement arrangements was 0.17%.</p>\n"
             "<p>4 Excludes the value of portfolio securities received or delivered as a "
             "result of in-kind purchases or redemptions of the fund's capital shares.</p>\n"
             "<p>5 Inception.</p>\n")
    head = (f'<p style="font-weight:bold">{g["fund_name"]}</p>\n'
            "<p>Financial Highlights</p>\n")
    return head + table, notes


def _ishares(g: dict, cols: list[dict[str, Decimal]], periods: list[Period]) -> tuple[str, str]:
    n = len(periods)
    unit = "period" if any(p.kind != "year" for p in periods) else "year"
    heads = []
    for p in periods:
        if p.kind == "six_months":
            heads.append(f"Six Months Ended {p.end:%m/%d/%y} (unaudited)")
        elif p.kind == "first_period":
            heads.append(f"Period From {p.start:%m/%d/%y}(g) to {p.end:%m/%d/%y}")
        else:
            heads.append(f"Year Ended {p.end:%m/%d/%y}")
    rows = [f'<tr><th colspan="{n + 1}" style="text-align:center">{g["fund_name"]}</th></tr>',
            "<tr><th></th>" + "".join(f'<th style="text-align:right">{h}</th>'
                                      for h in heads) + "</tr>"]

    def row(label: str, cells: list[str]) -> None:
        rows.append(f"<tr><td>{label}</td>" + "".join(f'<td align="right">{c}</td>'
                                                      for c in cells) + "</tr>")

    money = lambda x: f"$ {_num(x, thousands=True)}"  # noqa: E731
    pct = lambda x: f"{_num(x, dash='0.00')}%"  # noqa: E731
    row(f"Net asset value, beginning of {unit}", [money(c["nav_begin"]) for c in cols])
    row("Net investment income (loss)(a)", [_num(c["net_investment_income"]) for c in cols])
    row("Net realized and unrealized gain (loss)(b)",
        [_num(c["net_realized_unrealized_gain"]) for c in cols])
    row("Net increase (decrease) from investment operations",
        [_num(c["total_from_operations"]) for c in cols])
    row("Distributions(c)", [""] * n)
    row("From net investment income", [_neg_dist(c["dist_net_investment_income"]) for c in cols])
    row("From net realized gain", [_neg_dist(c["dist_capital_gains"]) for c in cols])
    if _has(cols, "dist_return_of_capital"):
        row("Return of capital", [_neg_dist(c["dist_return_of_capital"]) for c in cols])
    row("Total distributions", [_neg_dist(c["total_distributions"]) for c in cols])
    row(f"Net asset value, end of {unit}", [money(c["nav_end"]) for c in cols])
    row("Total Return(d)", [""] * n)
    row("Based on net asset value", [pct(c["total_return_pct"]) for c in cols])
    row("Based on market price", [pct(c["market_total_return_pct"]) for c in cols])
    row("Ratios to Average Net Assets(e)", [""] * n)
    row("Total expenses", [pct(c["expense_ratio_gross_pct"]) for c in cols])
    row("Total expenses after fees waived", [pct(c["expense_ratio_net_pct"]) for c in cols])
    row("Net investment income (loss)", [pct(c["net_investment_income_ratio_pct"]) for c in cols])
    row("Supplemental Data", [""] * n)
    row(f"Net assets, end of {unit} (000)",
        [money(c["net_assets_end"] // 1000) for c in cols])
    row("Portfolio turnover rate(f)", [f"{c['portfolio_turnover_pct']}%" for c in cols])
    table = "<table>\n" + "\n".join(rows) + "\n</table>\n"
    head = ("<p>Financial Highlights</p>\n"
            "<p>(For a share outstanding throughout each period)</p>\n")
    notes = ("<p>(a) Based on average shares outstanding.</p>\n"
             "<p>(b) The amounts reported may not agree with the aggregate gains and losses "
             "in the Statements of Operations due to the timing of capital share "
             "transactions.</p>\n"
             "<p>(c) Distributions for annual periods determined in accordance with U.S. "
             "federal income tax regulations.</p>\n"
             "<p>(d) Where applicable, assumes the reinvestment of distributions.</p>\n"
             "<p>(e) Annualized for periods less than one year.</p>\n"
             "<p>(f) Portfolio turnover rate excludes in-kind transactions.</p>\n"
             "<p>(g) Commencement of operations.</p>\n")
    return head + table, notes


def _spdr(g: dict, cols: list[dict[str, Decimal]], periods: list[Period],
          split: bool) -> tuple[str, str]:
    n = len(periods)
    top, bottom = [], []
    for p in periods:
        if p.kind == "six_months":
            top.append("Six Months Ended")
            bottom.append(f"{p.end.month}/{p.end.day}/{p.end:%y} (Unaudited)")
        elif p.kind == "first_period":
            top.append('Period Ended<sup>(b)</sup>')
            bottom.append(f"{p.end.month}/{p.end.day}/{p.end:%y}")
        else:
            top.append("Year Ended")
            bottom.append(f"{p.end.month}/{p.end.day}/{p.end:%y}")
    header = ["<tr><td>&#160;</td>" + "".join(f'<td colspan="3" align="center">{t}</td>'
                                              for t in top) + "</tr>",
              "<tr><td>&#160;</td>" + "".join(f'<td colspan="3" align="center">{b}</td>'
                                              for b in bottom) + "</tr>"]
    rows: list[str] = []

    def row(label: str, cells: list[str], dollar: bool = False, percent: bool = False,
            target: list[str] | None = None) -> None:
        out = [f"<td>{label}</td>"]
        for c in cells:
            out.append(f"<td>{'$' if dollar and c else ''}</td><td align=\"right\">{c}</td>"
                       f"<td>{'%' if percent and c else ''}</td>")
        (rows if target is None else target).append("<tr>" + "".join(out) + "</tr>")

    num = lambda x: _num(x, dash="&#8212;")  # noqa: E731
    dist = lambda x: _neg_dist(x, dash="&#8212;")  # noqa: E731
    ann = ["(d)" if p.kind == "six_months" else "" for p in periods]
    row("Net&#160;asset&#160;value, beginning of period", [num(c["nav_begin"]) for c in cols],
        dollar=True)
    row("Income (loss) from investment operations:", [""] * n)
    row("Net investment income (loss)&#160;(a)", [num(c["net_investment_income"]) for c in cols])
    row("Net realized and unrealized gain (loss)", [num(c["net_realized_unrealized_gain"])
                                                    for c in cols])
    row("Total from investment operations", [num(c["total_from_operations"]) for c in cols])
    row("Distributions to shareholders from:", [""] * n)
    row("Net investment income", [dist(c["dist_net_investment_income"]) for c in cols])
    row("Net realized gains", [dist(c["dist_capital_gains"]) for c in cols])
    row("Return of capital", [dist(c["dist_return_of_capital"]) for c in cols])
    row("Total distributions", [dist(c["total_distributions"]) for c in cols])
    row("Net asset value, end of period", [num(c["nav_end"]) for c in cols], dollar=True)
    row("Total return&#160;(c)", [num(c["total_return_pct"]) for c in cols], percent=True)
    ratios: list[str] = []
    target = ratios if split else rows
    row("Ratios and Supplemental Data:", [""] * n, target=target)
    row("Net assets, end of period (in 000s)",
        [f"{c['net_assets_end'] // 1000:,}" for c in cols], dollar=True, target=target)
    row(g["extra_label"], g["extra_cells"], target=target)
    row("Ratios to average net assets:", [""] * n, target=target)
    row("Total expenses", [f"{c['expense_ratio_gross_pct']}{a}" for c, a in zip(cols, ann)],
        percent=True, target=target)
    row("Net expenses", [f"{c['expense_ratio_net_pct']}{a}" for c, a in zip(cols, ann)],
        percent=True, target=target)
    row("Net investment income (loss)",
        [f"{num(c['net_investment_income_ratio_pct'])}{a}" for c, a in zip(cols, ann)],
        percent=True, target=target)
    row("Portfolio turnover rate&#160;(e)", [f"{c['portfolio_turnover_pct']}" for c in cols],
        percent=True, target=target)
    table = ("<table>\n" + "\n".join(header + rows) + "\n</table>\n")
    if split:
        table += ("<p>See accompanying notes to financial statements.</p>\n"
                  '<p style="page-break-before:always">Financial Highlights (continued)</p>\n'
                  "<table>\n" + "\n".join(header + ratios) + "\n</table>\n")
    first = next((p for p in periods if p.kind == "first_period"), None)
    head = (f"<p><b>{g['fund_name']}</b></p>\n<p>Financial Highlights</p>\n"
            "<p>Selected data for a share outstanding throughout each period</p>\n")
    notes = ("<p>(a) Per share numbers have been calculated using the average shares "
             "method.</p>\n")
    if first:
        notes += (f"<p>(b) For the period {first.start:%B} {first.start.day}, "
                  f"{first.start.year} (commencement of operations) through "
                  f"{first.end:%B} {first.end.day}, {first.end.year}.</p>\n")
    notes += ("<p>(c) Total return is calculated assuming a purchase of shares at net asset "
              "value on the first day and a sale at net asset value on the last day of each "
              "period reported.</p>\n<p>(d) Annualized.</p>\n<p>(e) Portfolio turnover rate "
              "does not include securities received or delivered from processing creations "
              "or redemptions.</p>\n")
    return head + table, notes


_NAMES = {
    "vanguard": ("Vanguard {} Index Fund", "ETF Shares"),
    "ishares": ("iShares {} ETF", "Shares"),
    "spdr": ("SPDR\u00ae {} ETF", "Shares"),
}
_SUBJECTS = ("Total Stock Market", "Dividend Appreciation", "Core S&amp;P Mid-Cap",
             "Short-Term Bond", "Global Infrastructure", "S&amp;P Biotech", "Value",
             "High Dividend Yield")


def highlights_table(seed: int, style: str, *, years: int = 5, semiannual: bool = False,
                     first_period: bool = False, broken_column: int | None = None,
                     split: bool = False, last_fiscal_year: int = 2024,
                     fund_name: str | None = None, class_name: str | None = None,
                     fiscal_year_end: tuple[int, int] | None = None,
                     inception: date | None = None,
                     net_expense_pct: Decimal | None = None) -> GeneratedTable:
    """One class's Financial Highlights, printed in ``style``.

    ``years`` fiscal-year columns (newest first); ``semiannual`` adds a leading
    six-month unaudited column (an N-CSRS); ``first_period`` makes the oldest column the
    fund's first, partial period starting at its inception; ``broken_column`` (0-based,
    as printed) prints that column's ending NAV 5 cents off; ``split`` (spdr only) puts
    the ratios in a second ``<table>`` after a page break.

    For a table inside a generated N-CSR (:mod:`.tsr`), all optional and without any
    effect on the table when left out: ``fund_name`` / ``class_name`` (plain text,
    printed HTML-escaped) replace the invented names; ``fiscal_year_end`` (month, day;
    a month end) replaces the style's fiscal year end (``last_fiscal_year`` is the year
    of the newest full fiscal year); ``inception`` is the start of the ``first_period``
    column; ``net_expense_pct`` (percent as printed, 0.09 = 0.09%) is every column's net
    expense ratio (the gross one for the vanguard style, which prints no net ratio).
    """
    if style not in STYLES:
        raise ValueError(f"style {style!r} is not one of {STYLES}")
    if split and style != "spdr":
        raise ValueError("split is only drawn in the spdr style")
    if fiscal_year_end is not None:
        m, d = fiscal_year_end
        if date(2001, m, d) != _months_back(date(2001, m, 1), 0):
            raise ValueError(f"fiscal year end {fiscal_year_end}: month ends only")
    rng = random.Random(seed * 7919 + STYLES.index(style))
    periods = _periods(style, last_fiscal_year, years, semiannual, first_period, rng,
                       fiscal_year_end, inception)
    if inception is not None and first_period and not inception < periods[-1].end:
        raise ValueError(f"inception {inception} is not before the first fiscal year end "
                         f"{periods[-1].end}")
    multiplier = {"vanguard": 1_000_000, "ishares": 1_000, "spdr": 1_000}[style]
    cols = _figures(style, periods, rng, broken_column, multiplier, net_expense_pct)
    fund_fmt, drawn_class_name = _NAMES[style]
    drawn_fund_name = fund_fmt.format(rng.choice(_SUBJECTS))  # drawn either way
    # printed (HTML) and plain names: the drawn ones are written HTML-escaped already
    plain_fund = drawn_fund_name.replace("&amp;", "&") if fund_name is None else fund_name
    plain_class = drawn_class_name if class_name is None else class_name
    fund_name = drawn_fund_name if fund_name is None else _html_escape(fund_name)
    class_name = drawn_class_name if class_name is None else _html_escape(class_name)
    extra: tuple[tuple[str, tuple[str, ...]], ...] = ()
    g: dict = {"fund_name": fund_name, "class_name": class_name}
    if style == "vanguard":
        body, notes = _vanguard(g, cols, periods)
    elif style == "ishares":
        body, notes = _ishares(g, cols, periods)
    else:
        g["extra_label"] = "Shares outstanding, end of period (000s)"
        g["extra_cells"] = [f"{rng.randint(100, 90_000):,}" for _ in periods]
        extra = ((g["extra_label"], tuple(g["extra_cells"])),)
        body, notes = _spdr(g, cols, periods, split)
    if style != "spdr" and not _has(cols, "dist_return_of_capital"):
        for v in cols:  # vanguard / ishares print the row only when some column has one
            del v["dist_return_of_capital"]
    columns = tuple(GeneratedColumn(p, v) for p, v in zip(periods, cols))
    return GeneratedTable(style, plain_fund, plain_class, columns, extra, broken_column,
                          multiplier, body + notes)


def _html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_CHANGES = """<p>Statements of Changes in Net Assets</p>
<table>
<tr><td></td><td>Year Ended<br/>6/30/24</td><td>Year Ended<br/>6/30/23</td></tr>
<tr><td>Net investment income (loss)</td><td>$ 12,345,678</td><td>$ 11,002,331</td></tr>
<tr><td>Net realized gain (loss)</td><td>(1,234,567)</td><td>2,001,113</td></tr>
<tr><td>Net assets at beginning of period</td><td>812,345,678</td><td>700,123,456</td></tr>
<tr><td>Net assets at end of period</td><td>$ 912,345,678</td><td>$ 812,345,678</td></tr>
</table>
"""
_SCHEDULE = """<p>Schedule of Investments</p>
<table>
<tr><td>Security Description</td><td>Shares</td><td>Value</td></tr>
<tr><td>Apple, Inc.</td><td>1,234,567</td><td>$ 234,567,890</td></tr>
<tr><td>Microsoft Corp.</td><td>765,432</td><td>321,987,654</td></tr>
<tr><td>TOTAL INVESTMENTS &#8212; 99.8%</td><td></td><td>$ 556,555,544</td></tr>
</table>
"""

#: Tables of an N-CSR that carry money and "net assets" rows but are not highlights.
DISTRACTORS = _SCHEDULE + _CHANGES


def ncsr_document(tables: Sequence[GeneratedTable], *, distractors: bool = True) -> str:
    """A whole N-CSR-like HTML document: the tables in order, each after a schedule of
    investments and a statement of changes in net assets (tables with money and
    "net assets" rows that are not Financial Highlights) when ``distractors``."""
    parts = ['<?xml version="1.0" encoding="utf-8"?>\n<html><head><title>N-CSR</title></head>'
             "<body>\n<p>Item 7. Financial Statements and Financial Highlights</p>\n"]
    for t in tables:
        if distractors:
            parts.append(DISTRACTORS)
        parts.append('<div style="page-break-before:always">\n' + t.html + "</div>\n")
    parts.append("<p>Notes to Financial Statements</p></body></html>\n")
    return "".join(parts)
