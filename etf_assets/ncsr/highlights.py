"""N-CSR / N-CSRS "Financial Highlights" HTML tables -> typed per-share columns. Pure.

Why this exists: the per-share data (NAV, income, distributions) and the ratios of a
share class are in the Financial Highlights of the shareholder report's financial
statements, and SEC's inline-XBRL tagging stops short of them: they are plain HTML
tables, laid out differently by every fund family and typesetter. This module reads
them positionally, maps each row label to a canonical item through a table of regexes
(:data:`LABEL_RULES`), and keeps everything it could not map, so that nothing is lost
silently and a caller (and its asset checks) can see what was left over.

What a table becomes (:class:`HighlightsTable`):

* one :class:`HighlightsColumn` per period, left to right as printed, with the header
  as written (``label``), the period end, the start when the table or its footnotes
  say it (a fund's first "Period Ended" column: inception date), the length in months
  when the header says it ("Year Ended" 12, "Six Months Ended" 6), and flags for a
  partial period, a semiannual (N-CSRS) period and "(Unaudited)";
* ``values``: canonical item -> ``Decimal`` for every row the table has.  A key is
  absent when the table has no such row; ``None`` when the row exists but this
  column's cell is blank ("not reported") or unreadable ("N/A", a value the warehouse
  cannot hold: these also land in ``problems``). A dash (em/en dash, "-", "&#8212;")
  is ZERO: that is what the reports mean by it ("—" under "Distributions from
  Realized Capital Gains" in a year without any). ``cells`` keeps each cell's text
  as written, ``labels`` each item's row label as written (provenance);
* ``unmapped``: every row that has values but matched no rule, a second row for an
  item already taken, or cells that do not line up with the period columns - with
  its label and per-column values, never dropped.

Units and signs, decided once:

* per-share items are dollars per share as printed; **distributions are returned as
  positive amounts paid** (the tables print them in parentheses as deductions):
  ``nav_begin + total_from_operations - total_distributions = nav_end``;
* ``*_pct`` items are **percent numbers as written**: ``0.17`` for "0.17%", ``13``
  for a turnover of "13%", ``-17.71`` for "(17.71)%" - not fractions. Semiannual
  ratios are as printed (usually annualized, turnover usually not);
* ``net_assets_end`` is in **dollars**: the printed value times the multiplier its
  label declares ("(Millions)", "(000)", "(in thousands)", "($ millions)"), kept in
  ``HighlightsTable.net_assets_multiplier``; the printed cell stays in ``cells``.
* a single, unqualified expense ratio row ("Ratio of Total Expenses to Average Net
  Assets", "Total expenses") is ``expense_ratio_gross_pct``: it is the ratio before any
  waiver; ``expense_ratio_net_pct`` comes only from a row that says net/after
  waivers. :attr:`HighlightsColumn.expense_ratio_pct` gives the one a shareholder
  paid (net if printed, else gross).

Footnote markers are dropped from labels and values before reading them: ``<sup>``
(and ``vertical-align:super``) content, "(a)", "(b)(c)", "*", "†", "‡", "§", and one or
two digits glued to a label ("Net Investment Income1"). ``<sup>`` text of headers is
kept to tie a "Period Ended" column to its inception footnote.

:func:`parse_financial_highlights` finds every such table of a document (a full
N-CSR holds one per class per series); the text just above a table (``caption``) and
its title rows (``title``) say which class it is. A table split over two ``<table>``
elements at a page break (the ratios part repeating the period header) is joined.
:func:`arithmetic_problem` is the per-column consistency check; it reports, it never
drops. A document without any highlights table raises :class:`HighlightsError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Iterable, Iterator, Mapping

import lxml.html
from lxml import etree

from etf_assets import limits
from etf_assets.warehouse.tables import amount_problem

__all__ = [
    "OPERATING_ITEMS", "DISTRIBUTION_ITEMS", "RATIO_ITEMS", "CAPITAL_ITEMS", "ITEMS",
    "LABEL_RULES",
    "HighlightsError", "HighlightsColumn", "UnmappedRow", "HighlightsTable",
    "parse_financial_highlights", "arithmetic_problem", "parse_cell",
]

# The three per-share tables of the warehouse (seed 000: PerShareOperating,
# PerShareDistribution, PerShareRatio) take these items.
OPERATING_ITEMS = ("nav_begin", "net_investment_income", "net_realized_unrealized_gain",
                   "total_from_operations", "nav_end", "market_price_end")
DISTRIBUTION_ITEMS = ("dist_net_investment_income", "dist_capital_gains",
                      "dist_return_of_capital", "total_distributions")
RATIO_ITEMS = ("total_return_pct", "market_total_return_pct", "net_assets_end",
               "expense_ratio_gross_pct", "expense_ratio_net_pct",
               "net_investment_income_ratio_pct", "portfolio_turnover_pct")
# Per-share capital items outside operations and distributions: a unit investment
# trust's "Net equalization credits and charges" (SPDR trusts), a sponsor's or
# trustee's contribution. NAV end = begin + operations + these - distributions.
CAPITAL_ITEMS = ("net_equalization", "other_capital")
ITEMS = OPERATING_ITEMS + DISTRIBUTION_ITEMS + RATIO_ITEMS + CAPITAL_ITEMS
_PCT_ITEMS = frozenset(i for i in ITEMS if i.endswith("_pct"))


class HighlightsError(ValueError):
    """The document has no readable Financial Highlights table (nothing of it is read)."""


@dataclass(frozen=True, slots=True)
class HighlightsColumn:
    """One period of one class: a column of a Financial Highlights table."""

    index: int                      # 0-based, left to right as printed
    label: str                      # header as written, e.g. "Year Ended December 31, 2024"
    period_end: date | None
    period_start: date | None       # only when printed (first period: inception date)
    months: int | None              # 12 "Year Ended", 6 "Six Months Ended", else None
    fiscal_year: int | None         # year of period_end, or the bare year in the header
    is_partial: bool                # shorter than a fiscal year (six months, first period)
    is_semiannual: bool             # "Six Months Ended" (N-CSRS)
    unaudited: bool
    values: Mapping[str, Decimal | None]  # canonical item -> value (see module doc)
    cells: Mapping[str, str]              # canonical item -> cell text as written

    @property
    def expense_ratio_pct(self) -> Decimal | None:
        """The expense ratio a shareholder bore: net of waivers if printed, else gross."""
        net = self.values.get("expense_ratio_net_pct")
        return net if net is not None else self.values.get("expense_ratio_gross_pct")


@dataclass(frozen=True, slots=True)
class UnmappedRow:
    """A row with values that is not in ``values`` of any column, and why."""

    label: str                          # as written ("" when the row has no label)
    section: str | None                 # "operations" | "distributions" | "ratios" | None
    reason: str
    values: tuple[Decimal | None, ...]  # one per column (None: blank or unreadable)
    cells: tuple[str, ...]              # one per column, as written


@dataclass(frozen=True, slots=True)
class HighlightsTable:
    """One Financial Highlights table (one class of one series, usually)."""

    index: int                          # 1-based, document order among highlights tables
    caption: str                        # text just above the table (class / series names)
    title: str                          # title rows inside the table ("Investor Shares")
    columns: tuple[HighlightsColumn, ...]
    labels: Mapping[str, str]           # canonical item -> row label as written
    unmapped: tuple[UnmappedRow, ...]
    net_assets_multiplier: int | None   # 1, 1_000, 1_000_000 ...; None: no net assets row
    footnotes: tuple[str, ...]          # footnote text inside / just below the table
    problems: tuple[str, ...]           # unreadable cells, layout doubts (never silent)
    parts: int = 1                      # <table> elements joined (2: split at a page break)


# --------------------------------------------------------------------------- text

_SPACES = re.compile(r"[\s\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]+")
_DASHES = "\u2012\u2013\u2014\u2015\u2212"  # figure, en, em, horizontal bar, minus


def _norm(s: str) -> str:
    return _SPACES.sub(" ", s).strip()


def _is_super(el: etree._Element) -> bool:
    if el.tag == "sup":
        return True
    style = (el.get("style") or "").replace(" ", "").lower()
    return "vertical-align:super" in style


def _cell_text(td: etree._Element) -> tuple[str, str, tuple[str, ...]]:
    """(text without superscripts, full text, superscript texts). Nested tables are
    skipped: a layout table around a highlights table is not a highlights table."""
    plain: list[str] = []
    full: list[str] = []
    sups: list[str] = []

    def walk(el: etree._Element, in_sup: bool) -> None:
        for child in el:
            tag = child.tag
            if isinstance(tag, str):
                if tag == "table":
                    pass
                elif tag == "br":
                    plain.append(" ")
                    full.append(" ")
                elif not in_sup and _is_super(child):
                    text = child.text_content()
                    sups.append(_norm(text))
                    full.append(text)
                else:
                    if child.text:
                        full.append(child.text)
                        if not in_sup:
                            plain.append(child.text)
                    walk(child, in_sup)
            if child.tail:
                full.append(child.tail)
                if not in_sup:
                    plain.append(child.tail)

    if td.text:
        plain.append(td.text)
        full.append(td.text)
    walk(td, False)
    return _norm("".join(plain)), _norm("".join(full)), tuple(s for s in sups if s)


_MARKER_PAREN = re.compile(r"\((?:[a-z]{1,2}|\d{1,2})\)", re.I)
_MARKER_SYMBOL = re.compile(r"[*\u2020\u2021\u00a7\u00b6#^\u00b9\u00b2\u00b3\u2070-\u2079]+")


def _label_key(label: str) -> str:
    """Lower-case label without footnote markers, for the rules of LABEL_RULES."""
    s = label.lower().replace("&", " and ")
    s = _MARKER_PAREN.sub(" ", s)
    s = _MARKER_SYMBOL.sub(" ", s)
    s = re.sub(r"(?<=[a-z)%])\d{1,2}(?=[\s,:;.]|$)", " ", s)  # "income1", "rate4"
    s = re.sub(f"[{_DASHES}]", " ", s)
    s = re.sub(r"[\u2018\u2019]", "'", s)
    return _norm(re.sub(r"\s*[:;,.]+\s*$", "", _norm(s)))


# --------------------------------------------------------------------------- cells

_NA = frozenset({"n/a", "na", "n.a.", "nm", "n/m", "n.m."})
_NUMBER = re.compile(r"^(?:\d+(?:\.\d*)?|\.\d+)$")
_VALUE_MARKER = re.compile(r"\([a-z]{1,2}\)", re.I)


def _strip_value_markers(text: str) -> str:
    """A value cell without footnote markers and spaces: "0.17%(c)" -> "0.17%"."""
    s = _MARKER_SYMBOL.sub("", _VALUE_MARKER.sub("", _norm(text))).replace(" ", "")
    return re.sub(r"%\d{1,2}$", "%", s)  # "0.17%3": an unraised footnote digit


def parse_cell(text: str) -> tuple[Decimal | None, bool, str | None]:
    """One value cell as written -> (value, percent sign seen, problem).

    "$102.18" -> 102.18; "(20.439)", "-17.71%", "(17.71)%" -> negative; "—" / "–" / "-"
    (any dash; the text as lxml decoded it, so "&#8212;" in the HTML) -> 0; "" -> None
    (not reported); "N/A" -> None with a problem; footnote markers ("0.17%(c)", "—(b)",
    "14.10%*") are ignored.
    """
    s = _strip_value_markers(text).replace("$", "").replace(",", "")
    pct = "%" in s
    s = s.replace("%", "")
    if not s:
        return None, pct, None
    if s.lower() in _NA:
        return None, pct, f"not reported ({text.strip()!r})"
    negative = s.startswith("(")
    s = s.strip("()")
    if s and all(ch in _DASHES + "-" for ch in s):
        return Decimal(0), pct, None
    if s and s[0] in _DASHES + "-":
        negative, s = True, s[1:]
    if not _NUMBER.match(s):
        return None, pct, f"not a number: {text.strip()!r}"
    value = Decimal(s)
    problem = amount_problem(value)
    if problem:
        return None, pct, f"{problem}: {text.strip()!r}"
    return (-value if negative else value), pct, None


# --------------------------------------------------------------------------- dates

_MONTHS = {m: i for i, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
    ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
    ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
    ("dec", "december")), 1) for m in names}
_DATE_WORDS = re.compile(r"\b(" + "|".join(sorted(_MONTHS, key=len, reverse=True))
                         + r")\.?\s+(\d{1,2})\s*,?\s*(\d{4})\b", re.I)
_DATE_NUMERIC = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b")
_YEAR = re.compile(r"\b(19\d{2}|20\d{2})\b")


def _dates(text: str) -> list[date]:
    """Every date written in ``text``, in order ("December 31, 2024", "Dec. 31, 2024",
    "10/31/24", "08/31/2024"); impossible dates are ignored."""
    found: list[tuple[int, date]] = []
    for m in _DATE_WORDS.finditer(text):
        try:
            found.append((m.start(), date(int(m[3]), _MONTHS[m[1].lower()], int(m[2]))))
        except ValueError:
            pass
    for m in _DATE_NUMERIC.finditer(text):
        year = int(m[3])
        if year < 100:
            year += 2000 if year < 70 else 1900
        try:
            found.append((m.start(), date(year, int(m[1]), int(m[2]))))
        except ValueError:
            pass
    return [d for _, d in sorted(found)]


_INCEPTION = re.compile(r"commence\w*|inception|began (?:investment )?operations|"
                        r"start\w* (?:investment )?operations|launch\w*", re.I)


def _marker_keys(texts: Iterable[str]) -> set[str]:
    keys = set()
    for t in texts:
        for m in re.finditer(r"\(([a-z]{1,2}|\d{1,2})\)|([*\u2020\u2021\u00a7]+)|^(\w{1,2})$",
                             t.strip(), re.I):
            keys.add((m[1] or m[2] or m[3]).lower())
    return keys


def _footnote_key(text: str) -> str | None:
    m = re.match(r"\s*(?:\(([a-z]{1,2}|\d{1,2})\)|([*\u2020\u2021\u00a7]+)|"
                 r"([a-z]|\d{1,2})[.)]?(?=\s))", text, re.I)
    return (m[1] or m[2] or m[3]).lower() if m else None


# --------------------------------------------------------------------------- rules

@dataclass(frozen=True, slots=True)
class _Rule:
    item: str
    where: str  # "any": the label says it all; else only in that section
    pattern: re.Pattern[str]


def _r(item: str, where: str, pattern: str) -> _Rule:
    return _Rule(item, where, re.compile(pattern))


_NET_WORDS = (r"(?:\b(?:after|net of|with|including|reflecting)\b.*\b(?:waiv\w*|reimburs\w*|"
              r"reductions?|credits?|offsets?|recoup\w*|absorb\w*|limitation)|"
              r"\bnet (?:expenses|of expenses|expense ratio)\b|\bexpenses,? net\b)")
_GROSS_WORDS = (r"(?:\b(?:before|prior to|excluding|without|absent|gross of)\b.*\b(?:waiv\w*|"
                r"reimburs\w*|reductions?|credits?|offsets?|absorb\w*|limitation)|"
                r"\bgross expenses\b|\bexpenses,? gross\b|\btotal expenses\b|"
                r"\bratio of (?:total )?(?:operating )?expenses\b|^(?:operating )?expenses\b|"
                r"\bexpense ratio\b)")

#: Label -> canonical item. Tried in three passes (first match wins in each):
#: (1) the row's own label against the "any" rules, (2) the last section/header row's
#: text joined with the label ("Total Return" + "Based on market price") against the
#: "any" rules, (3) the label against the rules of the section the row sits in
#: ("Net investment income" under "Distributions from:" or "Ratios to average net
#: assets:"). Labels are matched lower-case, footnote markers removed, "&" -> "and".
LABEL_RULES: tuple[_Rule, ...] = (
    _r("nav_begin", "any", r"\b(?:net asset value|nav)\b.*\bbeginning\b|"
                           r"\bbeginning\b.*\b(?:net asset value|nav)\b"),
    _r("nav_end", "any", r"\b(?:net asset value|nav)\b.*\bend(?:ing)?\b|"
                         r"\bending\b.*\b(?:net asset value|nav)\b"),
    _r("market_price_end", "any", r"\b(?:market (?:price|value)|closing (?:market )?price)\b.*"
                                  r"\bend(?:ing)?\b|\bending market (?:price|value)\b"),
    _r("market_total_return_pct", "any", r"\breturn\b.*\b(?:market|share price|closing price)\b|"
                                         r"\bmarket (?:price |value )?(?:total )?return\b"),
    _r("total_return_pct", "any", r"^(?:total (?:investment )?return|(?:nav|net asset value) "
                                  r"(?:total )?return)\b(?!.*\b(?:excluding|excludes|without)\b)"),
    _r("dist_return_of_capital", "any", r"\breturn of capital\b|\bcapital returned\b"),
    _r("total_distributions", "any", r"^total (?:dividends and |distributions and )?"
                                     r"(?:distributions|dividends)\b"),
    _r("dist_net_investment_income", "any",
       r"\b(?:dividends?|distributions?|paid)\b.*\bfrom\b.*\b(?:net )?investment income\b"),
    _r("dist_capital_gains", "any",
       r"\b(?:dividends?|distributions?)\b.*\bfrom\b.*\bgains?\b|"
       r"\bcapital gains? distributions?\b|"
       r"\bdistributions? of (?:net )?(?:realized )?(?:capital )?gains?"),
    _r("total_from_operations", "any",
       r"^total\b.*\boperations\b|\bfrom (?:investment )?operations$"),
    _r("net_realized_unrealized_gain", "any",
       r"\bnet (?:realized and (?:change in )?unrealized|realized/unrealized|"
       r"unrealized and realized)\b|\brealized and unrealized (?:gains?|loss|gain \(loss\))"),
    _r("net_investment_income_ratio_pct", "any",
       r"\bratio of net investment (?:income|loss)|\bnet investment (?:income|loss)\b.*"
       r"\baverage net assets\b|\baverage net assets\b.*\bnet investment (?:income|loss)\b"),
    _r("expense_ratio_net_pct", "any", r"(?=.*\bexpense).*" + _NET_WORDS),
    _r("expense_ratio_gross_pct", "any", r"(?=.*\bexpense).*" + _GROSS_WORDS),
    _r("net_assets_end", "any", r"^(?:total )?net assets\b.*\bend\b|^ending net assets\b"),
    _r("portfolio_turnover_pct", "any", r"\bportfolio turnover\b|\bturnover rate\b"),
    # -- only inside a section
    _r("net_investment_income", "operations",
       r"^net investment (?:income|loss)\b|^investment income,? net\b"),
    _r("net_realized_unrealized_gain", "operations",
       r"^net (?:gains?|losses?|gain \(loss\)|loss \(gain\))\b.*\b(?:investments?|securities)\b|"
       r"^net realized and unrealized\b"),
    _r("total_from_operations", "operations", r"^total$"),
    _r("total_distributions", "distributions", r"^total\b"),
    _r("dist_net_investment_income", "distributions",
       r"^(?:from |of )?(?:net )?investment income\b|^(?:income )?dividends$|^ordinary income\b"),
    _r("dist_capital_gains", "distributions", r"\bgains?\b"),
    _r("net_investment_income_ratio_pct", "ratios", r"^net investment (?:income|loss)\b"),
    _r("expense_ratio_net_pct", "ratios", _NET_WORDS),
    _r("expense_ratio_gross_pct", "ratios", _GROSS_WORDS),
    _r("net_assets_end", "ratios", r"^net assets\b"),
)

# Capital rules first: "Net equalization credits and charges" must not reach a
# distributions or operations rule.
LABEL_RULES = (
    _r("net_equalization", "any", r"^(?:net )?equali[sz]ation\b"),
    _r("other_capital", "any", r"^(?:capital )?contributions? (?:by|from) (?:the )?(?:trustee|"
                               r"sponsor|adviser|advisor|affiliates?)\b|^payments? by "
                               r"affiliates?\b"),
) + LABEL_RULES

_SECTION_HEADERS = (
    ("ratios", re.compile(r"\bratios?\b|\bsupplemental\b|\baverage net assets\b")),
    ("distributions", re.compile(r"\b(?:distributions?|dividends?)\b|^less\b")),
    ("operations", re.compile(r"\boperations\b|\bper share\b|\bincome from\b")),
)


def _match(key: str, context: str | None, section: str | None) -> str | None:
    for text in (key, f"{context} {key}" if context else None):
        if text:
            for rule in LABEL_RULES:
                if rule.where == "any" and rule.pattern.search(text):
                    return rule.item
    where = section or "operations"
    for rule in LABEL_RULES:
        if rule.where == where and rule.pattern.search(key):
            return rule.item
    return None


def _multiplier(text: str) -> int | None:
    s = text.lower()
    if re.search(r"\bbillions?\b|\(\s*\$?\s*(?:in\s+)?(?:bn|bil)\s*\)", s):
        return 1_000_000_000
    if re.search(r"\bmillions?\b|\(\s*\$?\s*(?:in\s+)?(?:mm|mil|mn|mln)\s*\)", s):
        return 1_000_000
    if re.search(r"\bthousands?\b|\(\s*\$?\s*(?:in\s+)?000\s*'?s?\b|\$\s*000\b", s):
        return 1_000
    return None


# --------------------------------------------------------------------------- grid

@dataclass(slots=True)
class _Cell:
    text: str
    full: str
    sups: tuple[str, ...]
    start: int
    end: int  # inclusive


def _own_rows(table: etree._Element) -> Iterator[etree._Element]:
    for tr in table.iter("tr"):
        if next(tr.iterancestors("table"), None) is table:
            yield tr


def _grid(table: etree._Element) -> list[list[_Cell]]:
    """Rows of cells with physical column spans (colspan and rowspan resolved; a
    rowspan cell is kept in its first row only, the rows below skip its columns)."""
    rows: list[list[_Cell]] = []
    carry: dict[int, int] = {}
    cells_read = 0
    for tr in _own_rows(table):
        # limits: a candidate table beyond the bounds fails its filing (not skipped
        # silently: it may be the highlights); checked before the row is read.
        cells_read += len(tr)
        limits.check_count("cells in one table", cells_read, limits.LIMITS.max_table_cells)
        limits.check_count("columns in one table row", len(tr),
                           limits.LIMITS.max_table_columns)
        limits.check_time()
        taken = {c for c, n in carry.items() if n > 0}
        carry = {c: n - 1 for c, n in carry.items() if n > 1}
        cells: list[_Cell] = []
        col = 0
        for td in tr:
            if not isinstance(td.tag, str) or td.tag not in ("td", "th"):
                continue
            while col in taken:
                col += 1
            span = _span(td.get("colspan"))
            rspan = _span(td.get("rowspan"))
            text, full, sups = _cell_text(td)
            cells.append(_Cell(text, full, sups, col, col + span - 1))
            if rspan > 1:
                for c in range(col, col + span):
                    carry[c] = max(carry.get(c, 0), rspan - 1)
            col += span
        rows.append(cells)
    return rows


def _span(raw: str | None) -> int:
    try:
        return min(max(int((raw or "1").strip()), 1), 200)
    except ValueError:
        return 1


_PERIODISH = re.compile(r"\b(?:19|20)\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b")
_VALUEISH = re.compile(r"\d\.\d|\.\d|\$|%")


def _is_value_piece(text: str) -> str:
    """'value' | 'prefix' ("$", "(") | 'suffix' (")", "%") | '' (blank)."""
    s = _strip_value_markers(text)
    if not s:
        return ""
    if re.fullmatch(r"[($]+", s):
        return "prefix"
    if re.fullmatch(r"[)%]+", s):
        return "suffix"
    return "value"


# --------------------------------------------------------------------------- one table

@dataclass(slots=True)
class _Column:
    start: int
    end: int
    label: str = ""
    markers: tuple[str, ...] = ()


@dataclass(slots=True)
class _Row:
    label: str
    key: str
    section: str | None
    context: str | None
    tokens: dict[int, str]  # column index -> cell text as written
    problem: str | None


@dataclass(slots=True)
class _Read:
    """One <table> read, before columns are typed."""

    element: etree._Element
    columns: list[_Column]
    title: list[str]
    rows: list[_Row]
    footnotes: list[str]
    problems: list[str]


def _header_columns(header: list[list[_Cell]], problems: list[str]) -> list[_Column]:
    """Period columns: the narrowest header cells that name a year or a date."""
    candidates = {(c.start, c.end) for row in header for c in row
                  if c.start > 0 and _PERIODISH.search(c.text)}
    minimal = sorted(s for s in candidates
                     if not any(o != s and s[0] <= o[0] and o[1] <= s[1] for o in candidates))
    kept: list[tuple[int, int]] = []
    for s in minimal:
        if kept and s[0] <= kept[-1][1]:  # a misaligned header: the first span wins
            problems.append(f"header cells overlap (physical columns {kept[-1]} and {s}); "
                            "the second was not made a period column")
            continue
        kept.append(s)
    columns = [_Column(s, e) for s, e in kept]
    if not columns:
        return columns
    first = columns[0].start
    for col in columns:
        texts: list[str] = []
        sups: list[str] = []
        for row in header:
            for c in row:
                if c.start >= first and c.start <= col.end and c.end >= col.start and c.text:
                    if not texts or texts[-1] != c.text:
                        texts.append(c.text)
                    sups.extend(c.sups)
        col.label = _norm(" ".join(texts))
        col.markers = tuple(sups)
    return columns


def _assign(cell: _Cell, columns: list[_Column]) -> int | None:
    best, best_overlap = None, 0
    for i, col in enumerate(columns):
        overlap = min(cell.end, col.end) - max(cell.start, col.start) + 1
        if overlap > best_overlap:
            best, best_overlap = i, overlap
    if best is not None:
        return best
    distances = sorted((max(col.start - cell.end, cell.start - col.end), i)
                       for i, col in enumerate(columns))
    if distances and distances[0][0] <= 2 and (len(distances) == 1
                                               or distances[1][0] > distances[0][0]):
        return distances[0][1]
    return None


def _data_columns(rows: list[list[_Cell]]) -> list[_Column]:
    """No period header: take the value cells of the widest data row as the columns."""
    best: list[_Cell] = []
    for row in rows:
        values = [c for c in row[1:] if _is_value_piece(c.text) == "value"]
        if len(values) > len(best):
            best = values
    return [_Column(c.start, c.end) for c in best]


def _read_table(table: etree._Element) -> _Read | None:
    grid = [row for row in _grid(table) if row]
    first_data = None
    for i, row in enumerate(grid):
        label = row[0].text if row and row[0].start == 0 else ""
        key = _label_key(label)
        if (key and _match(key, None, None)) or any(
                c.start > 0 and _VALUEISH.search(c.text) for c in row):
            first_data = i
            break
    if first_data is None:
        return None
    header, body = grid[:first_data], grid[first_data:]
    problems: list[str] = []
    columns = _header_columns(header, problems)
    if not columns:
        columns = _data_columns(body)
        problems.append("no period header found: columns taken from the value cells")
    if not columns:
        return None
    first = columns[0].start
    title = [t for row in header for c in row if c.start < first and (t := c.text)]

    rows: list[_Row] = []
    text_rows: list[tuple[int, str]] = []  # (position in rows, full text) of value-less rows
    section: str | None = None
    context: str | None = None
    for cells in body:
        label = _norm(" ".join(c.text for c in cells if c.start < first and c.text))
        full = _norm(" ".join(c.full for c in cells if c.full))
        pieces: list[tuple[_Cell, str]] = []
        pending = ""
        for c in cells:
            if c.start < first:
                continue
            kind = _is_value_piece(c.text)
            if kind == "prefix":
                pending += c.text
            elif kind == "suffix":
                if pieces:
                    pieces[-1] = (pieces[-1][0], pieces[-1][1] + c.text)
            elif kind == "value":
                pieces.append((c, pending + c.text))
                pending = ""
        key = _label_key(label)
        if not pieces:
            if full:
                text_rows.append((len(rows), full))
            if key:
                for name, pattern in _SECTION_HEADERS:
                    if pattern.search(key):
                        section = name
                        break
                context = key
            continue
        tokens: dict[int, str] = {}
        problem = None
        for cell, raw in pieces:
            i = _assign(cell, columns)
            if i is None or i in tokens:
                problem = "cells do not line up with the period columns"
                tokens.setdefault(len(columns) + len(tokens), raw)  # keep it visible
            else:
                tokens[i] = raw
        rows.append(_Row(label, key, section, context, tokens, problem))
        if _match(key, None, "-") in ("nav_begin", "total_distributions", "nav_end"):
            section = context = None  # the distributions (or operations) block is over
    # Value-less rows after the last data row, and long ones, are footnotes.
    footnotes = [t for pos, t in text_rows if pos >= len(rows) or len(t) > 90]
    return _Read(table, columns, title, rows, footnotes, problems)


# --------------------------------------------------------------------------- typing

def _period(label: str, markers: tuple[str, ...], footnotes: list[str],
            partial_count: int) -> tuple[date | None, date | None, int | None, int | None,
                                         bool, bool, bool]:
    low = label.lower()
    found = _dates(label)
    end = found[-1] if found else None
    start = found[0] if len(found) > 1 and found[0] < found[-1] else None
    semiannual = bool(re.search(r"\bsix[- ]months?\b|\b6[- ]months?\b", low))
    months = 6 if semiannual else 12 if re.search(r"\byears?\b", low) and not start else None
    partial = semiannual or start is not None or (
        months is None and bool(re.search(r"\bperiod\b|\bcommence|\binception|\bfrom\b|"
                                          r"\bthrough\b", low)))
    if partial and not semiannual and start is None:
        keys = _marker_keys(markers) | _marker_keys(re.findall(r"\([a-z]{1,2}\)|[*\u2020\u2021]+",
                                                               label, re.I))
        inceptions = [f for f in footnotes if _INCEPTION.search(f) and _dates(f)]
        chosen = [f for f in inceptions if _footnote_key(f) in keys] if keys else []
        if not chosen and len(inceptions) == 1 and partial_count == 1:
            chosen = inceptions
        if chosen:
            start = _dates(chosen[0])[0]
    year = end.year if end else (int(_YEAR.findall(label)[-1]) if _YEAR.search(label) else None)
    return end, start, months, year, partial, semiannual, "unaudited" in low


def _typed_value(item: str, raw: str, multiplier: int | None) -> tuple[Decimal | None, str | None]:
    value, _pct, problem = parse_cell(raw)
    if value is None:
        return None, problem
    if item in DISTRIBUTION_ITEMS:
        value = abs(value)
    elif item == "net_assets_end" and multiplier:
        value *= multiplier
        problem = amount_problem(value)
        if problem:
            return None, f"{problem}: {raw!r}"
    return value, None


def _build(index: int, parts: list[_Read], caption: str, after: list[str]) -> HighlightsTable:
    main = parts[0]
    columns = main.columns
    n = len(columns)
    footnotes = [f for p in parts for f in p.footnotes] + after
    problems = [q for p in parts for q in p.problems]
    labels: dict[str, str] = {}
    mapped: dict[str, dict[int, str]] = {}
    unmapped: list[UnmappedRow] = []
    multiplier: int | None = None

    for part in parts:
        for row in part.rows:
            percent = any(parse_cell(t)[1] for t in row.tokens.values())
            item = None if row.problem else _match(row.key, row.context,
                                                   "ratios" if percent else row.section)
            reason = row.problem or ("no rule matches the label" if item is None else None)
            if item is not None and item in labels:
                reason = f"second row for {item} (first: {labels[item]!r})"
            if reason:
                cells = tuple(row.tokens.get(i, "") for i in range(max([n, *[k + 1 for k in
                                                                              row.tokens]])))
                unmapped.append(UnmappedRow(row.label, row.section, reason,
                                            tuple(parse_cell(c)[0] for c in cells), cells))
                continue
            assert item is not None
            labels[item] = row.label
            mapped[item] = row.tokens
            if item == "net_assets_end":
                multiplier = (_multiplier(row.label) or _multiplier(row.context or "")
                              or _multiplier(" ".join(main.title)) or 1)

    partial_count = sum(1 for c in columns
                        if re.search(r"\bperiod\b|\bcommence|\binception", c.label, re.I))
    out: list[HighlightsColumn] = []
    for i, col in enumerate(columns):
        end, start, months, year, partial, semi, unaudited = _period(
            col.label, col.markers, footnotes, partial_count)
        values: dict[str, Decimal | None] = {}
        cells: dict[str, str] = {}
        for item, tokens in mapped.items():
            raw = tokens.get(i, "")
            value, problem = _typed_value(item, raw, multiplier)
            if problem:
                problems.append(f"{col.label or f'column {i + 1}'}: {labels[item]!r}: {problem}")
            values[item] = value
            cells[item] = raw
        out.append(HighlightsColumn(i, col.label, end, start, months, year, partial, semi,
                                    unaudited, values, cells))
    return HighlightsTable(index, caption, " / ".join(main.title), tuple(out), labels,
                           tuple(unmapped), multiplier, tuple(footnotes), tuple(problems),
                           len(parts))


# --------------------------------------------------------------------------- document

def _blocks_before(table: etree._Element, limit: int = 4, chars: int = 400) -> list[str]:
    """Text blocks just above ``table`` (nearest last), stopping at a previous table."""
    blocks: list[str] = []
    el: etree._Element | None = table
    size = 0
    while el is not None and el.tag not in ("body", "html") and len(blocks) < limit:
        for sib in el.itersiblings(preceding=True):
            if sib.tail and _norm(sib.tail):
                blocks.append(_norm(sib.tail))
            if not isinstance(sib.tag, str):
                continue
            if sib.tag == "table" or next(sib.iter("table"), None) is not None:
                return blocks[::-1]
            text = _norm(sib.text_content())
            if text:
                blocks.append(text[-200:])
                size += len(text)
            if len(blocks) >= limit or size >= chars:
                return blocks[::-1]
        parent = el.getparent()
        if parent is not None and parent.text and _norm(parent.text):
            blocks.append(_norm(parent.text))
        el = parent
    return blocks[::-1]


_MARKER_ONLY = re.compile(r"\(?(?:[a-z]{1,2}|\d{1,2})[.)]?|[*\u2020\u2021\u00a7]+", re.I)


def footnote_table_text(el: etree._Element) -> str | None:
    """``"(a) text"`` when ``el`` is (or only wraps) a one-row table whose cells with text
    are a footnote marker and the footnote: how financial printers set each footnote
    below a Financial Highlights table (SPDR S&P 500 ETF Trust's annual report, accession
    0001193125-19-302203, prints (a) to (h) so). None for any other element."""
    tables = [el] if el.tag == "table" else list(el.iter("table"))
    if len(tables) != 1:
        return None
    rows = list(tables[0].iter("tr"))
    if len(rows) != 1:
        return None
    cells = [_norm(td.text_content()) for td in rows[0] if td.tag in ("td", "th")]
    cells = [c for c in cells if c]
    if len(cells) != 2 or not _MARKER_ONLY.fullmatch(cells[0]):
        return None
    return f"{cells[0]} {cells[1]}"


def _blocks_after(table: etree._Element, chars: int = 2000) -> list[str]:
    """Text just below ``table`` up to the next table (its footnotes); footnotes set as
    one-row tables (:func:`footnote_table_text`) are read, not taken for the next table."""
    blocks: list[str] = []
    size = 0
    el: etree._Element | None = table
    while el is not None and el.tag not in ("body", "html"):
        if el.tail and _norm(el.tail):
            blocks.append(_norm(el.tail))
        for sib in el.itersiblings():
            if not isinstance(sib.tag, str):
                if sib.tail and _norm(sib.tail):
                    blocks.append(_norm(sib.tail))
                continue
            if sib.tag == "table" or next(sib.iter("table"), None) is not None:
                text = footnote_table_text(sib)
                if text is None:
                    return blocks
            else:
                text = _norm(sib.text_content())
            if text:
                blocks.append(text)
                size += len(text)
            if sib.tail and _norm(sib.tail):
                blocks.append(_norm(sib.tail))
            if size >= chars:
                return blocks
        el = el.getparent()
    return blocks


# A cheap test before reading a table: text_content() glues adjacent cells together
# ("6/30/21NAV"), so no word boundary on the left; "ratio" must not hit "Corporation".
_PREFILTER = re.compile(r"net\s*asset\s*value|nav\b|ratios?\b|turnover", re.I)


def _decode(html: bytes | str) -> str:
    if isinstance(html, bytes):
        try:
            text = html.decode("utf-8")
        except UnicodeDecodeError:
            text = html.decode("cp1252", errors="replace")
    else:
        text = html
    text = text.lstrip("\ufeff")
    return re.sub(r"^\s*<\?xml[^>]*\?>", "", text)


def parse_financial_highlights(html: bytes | str) -> list[HighlightsTable]:
    """Every Financial Highlights table of an N-CSR / N-CSRS document (or fragment), in
    document order. A table counts when a row maps to ``nav_begin`` or ``nav_end``; a
    table right after one, with the same period headers and no NAV rows, is its
    continuation and is joined to it. Raises :class:`HighlightsError` when there is
    none."""
    text = _decode(html)
    if not text.strip():
        raise HighlightsError("empty document: no Financial Highlights table")
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise HighlightsError(f"not an HTML document: {exc}") from None
    tables = list(root.iter("table"))
    found: list[tuple[list[_Read], etree._Element]] = []
    previous_was_highlights = False
    for table in tables:
        if not _PREFILTER.search(table.text_content()):
            previous_was_highlights = False
            continue
        read = _read_table(table)
        keys = {_match(r.key, r.context, r.section) for r in read.rows} if read else set()
        if read and keys & {"nav_begin", "nav_end"}:
            found.append(([read], table))
            previous_was_highlights = True
        elif (read and previous_was_highlights and len(keys & set(RATIO_ITEMS)) >= 2
              and [c.label for c in read.columns] == [c.label for c in found[-1][0][0].columns]):
            found[-1][0].append(read)  # the same table, continued after a page break
        else:
            previous_was_highlights = False
    if not found:
        raise HighlightsError(
            f"no Financial Highlights table found: none of the {len(tables)} <table> "
            "elements has a 'net asset value, beginning/end of period' row")
    return [_build(i, parts, " / ".join(_blocks_before(first)),
                   _blocks_after(parts[-1].element))
            for i, (parts, first) in enumerate(found, 1)]


# --------------------------------------------------------------------------- checks

def _half_unit(value: Decimal) -> Decimal:
    """Half a unit in the last printed place: the most that printing rounded away.
    An exact zero (a dash) rounded nothing."""
    if value == 0 and value.as_tuple().exponent >= 0:
        return Decimal(0)
    return Decimal(5).scaleb(value.as_tuple().exponent - 1)


def arithmetic_problem(column: HighlightsColumn) -> str | None:
    """Why a column's per-share figures do not add up (None: they do).

    Checks, each printed figure allowed the rounding its own printed precision implies
    (half a unit in its last place: 0.005 for cents, 0.0005 for Vanguard's three
    places), summed over the figures of the identity - the largest gap that honest
    rounding can open, and no more:

    * ``net_investment_income + net_realized_unrealized_gain = total_from_operations``
    * ``dist_net_investment_income + dist_capital_gains + dist_return_of_capital
      = total_distributions`` (when both sides are printed)
    * ``nav_begin + total_from_operations + capital items - total_distributions =
      nav_end`` (capital items: :data:`CAPITAL_ITEMS`, a UIT's net equalization; left
      out when the printed total from operations already includes them); a table
      without a total-distributions row uses the sum of its distribution rows (none:
      zero paid); without a total-from-operations row, income + gain.

    A column without a NAV at either end cannot be checked and says so. Per-share rows
    the table has but the rules do not know (an "Other capital" row, say) are not in
    the column, so a column that needs them reports a gap: that is the point.
    """
    v = column.values
    problems: list[str] = []

    def have(*items: str) -> bool:
        return all(v.get(i) is not None for i in items)

    def gap(lhs: list[Decimal], rhs: Decimal) -> tuple[Decimal, Decimal]:
        tolerance = sum((_half_unit(x) for x in [*lhs, rhs]), Decimal(0))
        return abs(sum(lhs, Decimal(0)) - rhs), tolerance

    ops = v.get("total_from_operations")
    ops_terms = [ops] if ops is not None else []
    if have("net_investment_income", "net_realized_unrealized_gain", "total_from_operations"):
        nii, gain = v["net_investment_income"], v["net_realized_unrealized_gain"]
        diff, tol = gap([nii, gain], ops)
        if diff > tol:
            problems.append(f"net investment income {nii} + gain {gain} = {nii + gain}, "
                            f"not total from operations {ops} (off by {diff}, rounding "
                            f"allows {tol})")
    elif ops is None and have("net_investment_income", "net_realized_unrealized_gain"):
        ops_terms = [v["net_investment_income"], v["net_realized_unrealized_gain"]]
        ops = sum(ops_terms, Decimal(0))

    parts = [v[i] for i in DISTRIBUTION_ITEMS[:-1] if v.get(i) is not None]
    total = v.get("total_distributions")
    if total is not None and parts:
        diff, tol = gap(parts, total)
        if diff > tol:
            problems.append(f"distributions {' + '.join(map(str, parts))} = {sum(parts)}, "
                            f"not total distributions {total} (off by {diff}, rounding "
                            f"allows {tol})")
    paid_terms = [total] if total is not None else parts
    paid = sum(paid_terms, Decimal(0))

    capital = [v[i] for i in CAPITAL_ITEMS if v.get(i) is not None]
    if capital and ops_terms and ops is not None and have("net_investment_income",
                                                          "net_realized_unrealized_gain"):
        parts = [v["net_investment_income"], v["net_realized_unrealized_gain"]]
        inside, tol = gap([*parts, *capital], ops)
        outside, _ = gap(parts, ops)
        if inside <= tol and inside < outside:  # the printed total already includes them
            capital = []
    missing = [name for name, x in (("nav_begin", v.get("nav_begin")),
                                    ("nav_end", v.get("nav_end")),
                                    ("total_from_operations", ops)) if x is None]
    if missing:
        problems.append(f"cannot check the NAV change: no {', '.join(missing)}")
    else:
        begin, end = v["nav_begin"], v["nav_end"]
        assert begin is not None and end is not None and ops is not None
        diff, tol = gap([begin, *ops_terms, *capital, *(-x for x in paid_terms)], end)
        if diff > tol:
            other = sum(capital, Decimal(0))
            problems.append(f"NAV {begin} + operations {ops}"
                            f"{f' + capital items {other}' if capital else ''} - "
                            f"distributions {paid} = {begin + ops + other - paid}, not ending "
                            f"NAV {end} (off by {diff}, rounding allows {tol})")
    return "; ".join(problems) or None
