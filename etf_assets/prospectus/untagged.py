"""An untagged prospectus (HTML without risk/return inline XBRL) -> the same records as
a tagged one (:class:`etf_assets.prospectus.parse.Prospectus`). Pure.

Who needs it: unit investment trusts (SPY, QQQ, DIA, MDY file S-6 / 485BPOS without
rr tags), 497K summary prospectuses and 497 supplements, and prospectuses from before
inline tagging. Their fee tables, expense examples and average annual total returns
tables are plain HTML tables a person reads in seconds; this module reads them the way
:mod:`etf_assets.ncsr.highlights` reads per-share tables: by ROW LABEL (regex rules),
never by position in the document, and it reuses that module's table grid (colspan /
rowspan), cell parsing (dashes, parentheses, footnote markers) and label cleaning.

Tables are recognized by their rows:

* fee table: a management-fee (or UIT trustee's-fee) row and a total row; each class
  column becomes a :class:`FeeTable` (percentages as printed -> ratios: "0.53%" and
  "0.53" under "(%)" are 0.0053; a waiver is stored negative, as rr tags it). Rows
  between "Other expenses" and "Total other expenses" are other_components. UIT lines
  ("Trustee's fee", "S&P license fee", "Marketing expenses") are other_components and
  "Estimated ordinary operating expenses" is the total.
* shareholder fees: "Maximum sales charge (load) ...", "... deferred sales charge",
  "Redemption fee", "Exchange fee", "Account fee" rows; "None" is 0.
* expense example: "1 year" / "3 years" / "After 1 Year" ... rows with a class per
  column (a column under "not redeemed" / "Shares Not Sold" is the no-redemption
  example), or one row per class with the years as columns ("1 Year", "Year 1", one head
  cell each; a row with no label is the one class's); dollars.
* average annual total returns: a header with "1 Year" and "5 Years" / "10 Years" /
  "Since Inception"; rows "Return Before Taxes", "... After Taxes on Distributions",
  "... and Sale of Fund Shares" (NAV) or a market-price row, for the class named by the
  row label or by the last class row above it; index rows (an "index" label or
  "reflects no deduction"; or an index named on a row of its own with its values on the
  unlabelled row below) are subject "index"; "n/a" cells are skipped as not printed.
  The table's end date comes from its own
  head ("(for the periods ended December 31, 2022)") or the text above it ("Periods
  Ending December 31, 2024"), the inception date from the class row, else the column
  head ("Since Inception (9/25/2003)"), else the one date the text above gives after
  "inception" / "commenced" / "began operations".
* bar-chart extremes ("Highest Quarter: 6.02% 4Q 2023", "Best quarter", "Year-to-date").
* portfolio turnover from its sentence ("... portfolio turnover rate was 444% of the
  average value of its portfolio"): the series' when the submission has one series, the
  document's (no series id) when it lists none (a bare document, a UIT).

Classes: a column header or a row label is matched to the submission's classes (from
its SGML header, ``classes``) by ticker, else by class name without the words
"class"/"shares" ("A", "Inst." = "Institutional Class", "Class R6"). A table with one
value column in a submission with one class is that class's. A class the document names
but the submission does not list (a 497K for classes I and R6 printing Class III's
returns) keeps its name in ``class_name`` and no class id: it is never assigned to
another class.

No silent loss: every value cell of a recognized table that is not read into a record
is in ``skipped`` with its reason; ``fact_count`` counts value cells of recognized
tables (plus the turnover sentence), ``mapped`` those read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Iterable, Sequence

import lxml.html
from lxml import etree

from etf_assets.ncsr.highlights import (
    _blocks_before,
    _dates,
    _decode,
    _grid,
    _label_key,
    _norm,
    parse_cell,
)
from etf_assets.prospectus.parse import (
    AverageAnnualReturn,
    BarChartReturn,
    ExpenseExample,
    FeeTable,
    Prospectus,
    ProspectusError,
    SeriesSummary,
    ShareClass,
    ShareholderFee,
)
from etf_assets.xbrl.facts import Skipped

__all__ = ["ClassRef", "parse_untagged"]

HUNDRED = Decimal(100)


def _key(label: str) -> str:
    """highlights' label key, also without footnote numbers glued as "Expenses2,3"."""
    return _label_key(re.sub(r"(?<=[a-z)])\d{1,2}(?:,\s?\d{1,2})+$", "", label.strip()))


@dataclass(frozen=True, slots=True)
class ClassRef:
    """A class the submission lists (SGML header): what column headers are matched to."""

    class_id: str
    series_id: str | None
    name: str | None
    ticker: str | None


# --------------------------------------------------------------------------- labels

_FEE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (field, re.compile(pattern)) for field, pattern in (
        ("net_expenses", r"\bafter\b.*\b(waiv|reimburs|recoup)|^net (annual )?(fund )?"
                         r"(operating )?expenses|^total .*\bnet\b|net expenses"),
        ("fee_waiver", r"waiv|reimburs|recoup"),
        ("total_annual_expenses", r"^total annual|^total (fund )?operating expenses|"
                                  r"^total expenses|ordinary operating expenses"),
        ("acquired_fund_fees", r"acquired fund"),
        ("management_fee", r"management fee|advisory fee|unitary fee"),
        ("distribution_12b1_fee", r"12b ?- ?1|distribution (and|or|and/or) service"),
        ("other_expenses", r"^(total )?other expenses$|^other (trust )?operating expenses$"),
    ))
# UIT (S-6) expense lines: kept by name in other_components.
_UIT_COMPONENTS = ((re.compile(r"trustee'?s? fee"), "TrusteeFee"),
                   (re.compile(r"license fee"), "LicenseFee"),
                   (re.compile(r"marketing"), "MarketingExpenses"))
_SHAREHOLDER_RULES = tuple((concept, re.compile(pattern)) for concept, pattern in (
    ("MaximumSalesChargeOnReinvestedDividendsAndDistributionsOverOther",
     r"sales charge.*reinvested"),
    ("MaximumSalesChargeImposedOnPurchasesOverOfferingPrice",
     r"maximum (front[- ]end )?sales charge.*purchase"),
    ("MaximumDeferredSalesChargeOverOfferingPrice",
     r"deferred sales charge.*(offering|original purchase) price"),
    ("MaximumDeferredSalesChargeOverOther", r"deferred sales charge"),
    ("RedemptionFeeOverRedemption", r"redemption fee"),
    ("ExchangeFee", r"exchange fee"),
    ("MaximumAccountFee", r"account fee"),
))
# Expense-example horizons as rows or column heads: "1 Year", "3 years", "After 1 Year"
# (AB's 497Ks), "Year 1" / "Year 3" (Bitwise's one-cell-per-year header), "1 yr".
_YEARS = re.compile(r"^(?:after\s+)?(\d{1,2})\s*-?\s*(?:years?|yrs?)\b|"
                    r"^(?:after\s+)?(?:year|yr)\s*(\d{1,2})$")
_HORIZON_WORDS = (  # "10 years or lifetime" is 10y (a younger class's row says lifetime)
    (re.compile(r"\b10\s*-?\s*years?\b|ten\s+years?"), "10y"),
    (re.compile(r"since\s+inception|incept|life\s+of|lifetime|since\b"), "since_inception"),
    (re.compile(r"\b5\s*-?\s*years?\b|five\s+years?"), "5y"),
    (re.compile(r"\b1\s*-?\s*years?\b|one\s+year"), "1y"),
)
_MEASURE_RULES = (
    (re.compile(r"after taxes on distributions and (the )?sales?\b"),
     "after_taxes_on_distributions_and_sales"),
    (re.compile(r"after taxes on distributions"), "after_taxes_on_distributions"),
    (re.compile(r"market price"), "market_price"),
    (re.compile(r"before taxes|\bnav\b|net asset value"), "before_taxes"),
)
_INDEX = re.compile(r"\bindex\b|reflects no deduction|\bbenchmark\b|\bindices\b")
_NO_DEDUCTION = re.compile(r"\s*\((?:index returns? )?(?:reflects?|do(?:es)? not reflect)"
                           r"[^)]*\)\s*", re.I)
_NOT_REDEEMED = re.compile(r"not (sold|redeemed)|do not (sell|redeem)|no redemption|"
                           r"if you (do not|don't) (sell|redeem)|held", re.I)
_PERIOD_END = re.compile(r"(?:periods?|years?)\s+end(?:ed|ing)\s+([A-Za-z]+\.?\s+\d{1,2},?"
                         r"\s+\d{4}|\d{1,2}/\d{1,2}/\d{2,4})", re.I)
_TURNOVER = re.compile(
    r"portfolio turnover rate[^.%]{0,200}?\b(?:was|of)\s+(\d{1,4}(?:\.\d+)?)\s*%\s*of\s+"
    r"the\s+average\s+value", re.I | re.S)
_QUARTER = re.compile(r"\b([1-4])\s*Q\s*'?\s*(\d{4})|\bQ\s*([1-4])\s*'?\s*(\d{4})|"
                      r"\b(first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter\s+(?:of\s+)?"
                      r"(\d{4})", re.I)
_QUARTER_WORDS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3,
                  "fourth": 4, "4th": 4}
_BAR_LABELS = ((re.compile(r"highest|best"), "highest_quarter"),
               (re.compile(r"lowest|worst"), "lowest_quarter"),
               (re.compile(r"year[- ]to[- ]date|ytd"), "year_to_date"))


def _years_of(key: str) -> int | None:
    """The number of years an example row or column head names, None if it names none."""
    m = _YEARS.match(key)
    return int(m.group(1) or m.group(2)) if m else None


def _fee_field(key: str) -> str | None:
    for field, pattern in _FEE_RULES:
        if pattern.search(key):
            return field
    return None


def _measure(key: str) -> str | None:
    for pattern, measure in _MEASURE_RULES:
        if pattern.search(key):
            return measure
    return None


# --------------------------------------------------------------------------- classes

_CLASS_WORDS = re.compile(r"\b(class(es)?|shares?|returns?|fund)\b|[^a-z0-9 ]")


def _class_key(text: str) -> str:
    s = _CLASS_WORDS.sub(" ", text.lower().replace("inst.", "institutional")
                         .replace("(if not redeemed)", ""))
    return " ".join(s.split())


class _Classes:
    def __init__(self, classes: Sequence[ClassRef]) -> None:
        self.refs = tuple(classes)
        self.by_ticker = {c.ticker.upper(): c for c in classes if c.ticker}
        by_name: dict[str, list[ClassRef]] = {}
        for c in classes:
            if c.name:
                by_name.setdefault(_class_key(c.name), []).append(c)
        self.by_name = by_name

    def match(self, text: str) -> ClassRef | None:
        """The class a header or label names, None when it names none (or several)."""
        words = re.findall(r"[A-Z]{2,6}", text)
        for w in words:
            if w in self.by_ticker:
                return self.by_ticker[w]
        key = _class_key(text)
        found = self.by_name.get(key)
        if found and len(found) == 1:
            return found[0]
        # "Class A return before taxes": the longest class name the label starts with
        best = None
        for name, refs in self.by_name.items():
            if name and len(refs) == 1 and (key == name or key.startswith(name + " ")):
                if best is None or len(name) > len(_class_key(best.name or "")):
                    best = refs[0]
        return best

    def only(self) -> ClassRef | None:
        return self.refs[0] if len(self.refs) == 1 else None


# --------------------------------------------------------------------------- tables

@dataclass(slots=True)
class _Row:
    label: str          # as written, markers dropped
    key: str            # _key(label)
    values: list[tuple[int, str]]  # (physical column, cell text) of value cells
    texts: list[tuple[int, int, str]]  # (start, end, text) of non-value cells after label
    label_cell: tuple[int, int] = (0, 0)  # (start, end) of the label cell


_VALUE = re.compile(r"^[($\-\u2012-\u2015\u2212]*\$?[\d,]*\.?\d+%?\)?%?$|^none$|"
                    r"^n/?a$|^[\u2012-\u2015\u2212\-]+$", re.I)
# A footnote number typeset after a value: "0.67 1", "0.40%1", "(0.37%)1,2", "0.12%(a)".
_TRAILING_MARKER = re.compile(r"(?:(?<=[%)])|(?<=\.\d\d)\s+|(?<=\.\d)\s+|(?<=\d)\s+(?=\d{1,2}$))"
                              r"(?:\d{1,2}(?:,\s?\d{1,2})*|\([a-z]{1,2}\)|[*\u2020\u2021]+)$",
                              re.I)


def _clean(text: str) -> str:
    """A value cell without footnote markers and spaces."""
    s = _TRAILING_MARKER.sub("", text.strip())
    return re.sub(r"\s+", "", s)


def _is_value(text: str) -> bool:
    s = _clean(text)
    return bool(s) and bool(_VALUE.match(s))


def _rows(table: etree._Element) -> list[_Row]:
    grid = [[c for c in cells if c.text] for cells in _grid(table)]
    # the label column: where rows that carry values start
    starts = [cells[0].start for cells in grid
              if len(cells) > 1 and not _is_value(cells[0].text)
              and any(_is_value(c.text) for c in cells[1:])]
    label_col = min(starts) if starts else 0
    out = []
    for texts in grid:
        if not texts:
            continue
        label = ""
        rest = texts
        if texts[0].start <= label_col and not _is_value(texts[0].text):
            label, rest = texts[0].text, texts[1:]
        span = (texts[0].start, texts[0].end)
        values: list[tuple[int, str]] = []
        others: list[tuple[int, int, str]] = []
        pending = ""
        for c in rest:
            t = c.text.strip()
            if t in ("$", "(", "-"):
                pending += t
            elif t in ("%", ")", ")%", "%)") and values:
                col, prev = values[-1]
                values[-1] = (col, prev + t)
            elif _is_value(t):
                values.append((c.start, pending + t))
                pending = ""
            else:
                others.append((c.start, c.end, t))
        out.append(_Row(label, _key(label), values, others, span))
    return out


def _number(text: str) -> Decimal | None:
    t = _clean(text)
    if t.lower() in ("none", "n/a", "na"):
        return Decimal(0) if t.lower() == "none" else None
    value, _, problem = parse_cell(t)
    return None if problem else value


@dataclass(slots=True)
class _Header:
    columns: list[tuple[int, int, str]]  # (start, end, text) of each column header


def _header(rows: list[_Row]) -> _Header:
    """Column headers: the non-value cells of the rows above the first row with values
    (the last such row wins a column; earlier rows are group headers)."""
    cols: dict[int, tuple[int, int, str]] = {}
    for r in rows:
        if r.values:
            break
        if r.label and r.texts:  # a header row's first cell heads a column too
            cols[r.label_cell[0]] = (*r.label_cell, r.label)
        for start, end, text in r.texts:
            if start in cols and _dates(text):
                continue  # an inception date under "Since Inception", not a header
            cols[start] = (start, end, text)
    return _Header(sorted(cols.values()))


def _groups_above(table_rows: list[_Row], start: int) -> list[str]:
    """Texts of header cells covering physical column ``start`` (group headers)."""
    out = []
    for r in table_rows:
        if r.values:
            break
        for s, e, text in r.texts:
            if s <= start <= e:
                out.append(text)
    return out


def _column_of(col: int, header: _Header) -> int | None:
    for i, (s, e, _) in enumerate(header.columns):
        if s <= col <= e:
            return i
    # a value typeset one cell right of its header ("$" cells): nearest header to the left
    left = [i for i, (s, _, _) in enumerate(header.columns) if s <= col]
    return left[-1] if left else None


# --------------------------------------------------------------------------- reading


class _Reader:
    def __init__(self, classes: Sequence[ClassRef]) -> None:
        self.classes = _Classes(classes)
        self.skipped: list[Skipped] = []
        self.facts = 0
        self.mapped = 0
        self.fees: dict[tuple[str | None, str | None], dict] = {}
        self.fee_order: list[tuple[str | None, str | None]] = []
        self.averages: list[AverageAnnualReturn] = []
        self.bar: list[BarChartReturn] = []
        self.turnover: Decimal | None = None
        self.seen_classes: dict[str, ClassRef] = {}

    # -- helpers
    def skip(self, where: str, label: str, reason: str, n: int = 1) -> None:
        self.facts += n
        for _ in range(n):
            self.skipped.append(Skipped(label or "-", where, reason))

    def read(self, n: int = 1) -> None:
        self.facts += n
        self.mapped += n

    def _series_of(self, ref: ClassRef | None) -> str | None:
        if ref is not None:
            return ref.series_id
        series = {c.series_id for c in self.classes.refs}
        return next(iter(series)) if len(series) == 1 else None

    def _columns(self, header: _Header, rows: list[_Row], n_values: int
                 ) -> list[tuple[ClassRef | None, str, bool]]:
        """(class, header text, redemption) per column."""
        cols = []
        for s, _, text in header.columns:
            groups = " ".join(_groups_above(rows, s))
            redemption = not (_NOT_REDEEMED.search(text) or _NOT_REDEEMED.search(groups))
            cols.append((self.classes.match(text), text, redemption))
        if not cols and n_values == 1:
            cols = [(self.classes.only(), "", True)]
        return cols

    def _fee_slot(self, ref: ClassRef | None) -> dict:
        key = (self._series_of(ref), ref.class_id if ref else None)
        if key not in self.fees:
            self.fees[key] = {"ref": ref, "fields": {}, "components": [], "holder": {},
                              "examples": {}}
            self.fee_order.append(key)
        return self.fees[key]

    # -- fee table and shareholder fees
    def fee_table(self, rows: list[_Row], where: str) -> None:
        header = _header(rows)
        width = max(len(r.values) for r in rows)
        cols = self._columns(header, rows, width)
        in_other = False
        for r in rows:
            if not r.values:
                in_other = in_other or bool(re.fullmatch(r"other expenses", r.key))
                continue
            field = _fee_field(r.key)
            holder = next((c for c, p in _SHAREHOLDER_RULES if p.search(r.key)), None)
            uit = next((name for p, name in _UIT_COMPONENTS if p.search(r.key)), None)
            if field == "other_expenses" and r.key.startswith("total"):
                in_other = False
            for col, text in r.values:
                i = _column_of(col, header) if header.columns else (
                    [c for c, _ in r.values].index(col))
                if i is None or i >= len(cols):
                    self.skip(where, r.label, "value outside the class columns")
                    continue
                ref = cols[i][0]
                if ref is None and (len(cols) > 1 or self.classes.refs):
                    if len(cols) == 1 and len(self.classes.refs) == 0:
                        pass
                    elif not (len(cols) == 1 and len({c.series_id for c in
                                                       self.classes.refs}) <= 1):
                        self.skip(where, r.label, f"column {cols[i][1]!r} matches no class "
                                                  "of the submission")
                        continue
                value = _number(text)
                if value is None:
                    self.skip(where, r.label, f"unreadable value {text!r}")
                    continue
                slot = self._fee_slot(ref)
                if holder:
                    slot["holder"][holder] = value / HUNDRED if "%" in text or value else value
                elif uit:
                    slot["components"].append((uit, value / HUNDRED))
                elif field == "fee_waiver":
                    slot["fields"][field] = -abs(value) / HUNDRED
                elif field and not (in_other and field == "other_expenses"
                                    and not r.key.startswith("total")):
                    if field in slot["fields"] and field != "other_expenses":
                        self.skip(where, r.label, f"a second {field} row")
                        continue
                    slot["fields"][field] = value / HUNDRED
                elif in_other:
                    slot["components"].append((r.label, value / HUNDRED))
                elif r.key.startswith("shareholder fees"):
                    # the caption row itself holding "None" (PIA's 497K): no fee line
                    # of the rr taxonomy says "no shareholder fees at all"
                    self.skip(where, r.label, "shareholder fees stated as a whole "
                                              f"({text!r}): no fee line to store")
                    continue
                else:
                    self.skip(where, r.label, "fee row label not recognized")
                    continue
                self.read()

    def fee_table_across(self, rows: list[_Row], where: str) -> None:
        """Fee lines as column headers, one row of values per class (iShares' one-class
        layout: "Management Fees | Distribution and Service (12b-1) Fees | ...")."""
        header = _header(rows)
        fields = [(_fee_field(_key(t)), t) for _, _, t in header.columns]
        for r in rows:
            if not r.values and not r.texts:
                continue
            if not r.values and (_fee_field(r.key) or not r.label):
                continue  # the header row itself
            ref = self.classes.match(r.label) if r.label else None
            cells = [(c, t, True) for c, t in r.values] + [(c, t, False) for c, _, t in r.texts]
            if ref is None:
                ref = self.classes.only()
                if r.label:  # not a class name: the first fee column's cell
                    cells.append((r.label_cell[0], r.label, _is_value(r.label)))
            for col, text, is_value in sorted(cells):
                i = _column_of(col, header)
                field, head = fields[i] if i is not None and i < len(fields) else (None, "")
                value = _number(text) if is_value else None
                if field is None:
                    self.skip(where, head or r.label, "fee column header not recognized")
                elif value is None:
                    self.skip(where, head, f"not a number: {text!r}")
                else:
                    slot = self._fee_slot(ref)["fields"]
                    slot[field] = -abs(value) / HUNDRED if field == "fee_waiver" \
                        else value / HUNDRED
                    self.read()

    # -- expense example
    def example(self, rows: list[_Row], where: str) -> None:
        header = _header(rows)
        year_rows = [r for r in rows if r.values and _YEARS.match(r.key)]
        if year_rows:  # years down, classes across
            cols = self._columns(header, rows, max(len(r.values) for r in year_rows))
            for r in rows:
                if not r.values:
                    continue
                m = _YEARS.match(r.key)
                if not m:
                    self.skip(where, r.label, "example row is not a number of years",
                              len(r.values))
                    continue
                years = int(m.group(1) or m.group(2))
                for col, text in r.values:
                    i = _column_of(col, header) if header.columns else 0
                    self._example_cell(cols, i, years, text, where, r.label)
            return
        # classes down, years across
        years_cols = []
        for s, e, text in header.columns:
            m = _YEARS.match(_key(text))
            years_cols.append(int(m.group(1) or m.group(2)) if m else None)
        for r in rows:
            if not r.values:
                continue
            ref = self.classes.match(r.label) if r.label else self.classes.only()
            if ref is None and (r.label and self.classes.refs
                                and not (len(self.classes.refs) == 1)):
                self.skip(where, r.label, "example row matches no class of the submission",
                          len(r.values))
                continue
            if ref is None:
                ref = self.classes.only()
            redemption = not _NOT_REDEEMED.search(r.label)
            for col, text in r.values:
                i = _column_of(col, header)
                years = years_cols[i] if i is not None and i < len(years_cols) else None
                if years is None:
                    self.skip(where, r.label, "example value under no years header")
                    continue
                value = _number(text)
                if value is None:
                    self.skip(where, r.label, f"unreadable value {text!r}")
                    continue
                self._fee_slot(ref)["examples"][(years, redemption)] = value
                self.read()

    def _example_cell(self, cols, i, years, text, where, label) -> None:
        if i is None or i >= len(cols):
            self.skip(where, label, "value outside the class columns")
            return
        ref, head, redemption = cols[i]
        if ref is None and not (len(cols) == 1 and len(self.classes.refs) <= 1):
            self.skip(where, label, f"column {head!r} matches no class of the submission")
            return
        value = _number(text)
        if value is None:
            self.skip(where, label, f"unreadable value {text!r}")
            return
        self._fee_slot(ref)["examples"][(years, redemption)] = value
        self.read()

    # -- average annual total returns
    def returns(self, rows: list[_Row], where: str, context: str) -> None:
        header = _header(rows)
        horizons: list[str | None] = []
        for _, _, text in header.columns:
            key = _key(text)
            horizons.append(next((h for p, h in _HORIZON_WORDS if p.search(key)), None))
        # the end date: in the table's own head ("(for the periods ended December 31,
        # 2022)" in PIA's corner cell, "Periods ended December 31, 2024" spanning Amana's
        # period columns) or else in the text above it
        head = " ".join(_head_texts(rows))
        ended = None
        m = _PERIOD_END.search(head) or _PERIOD_END.search(context)
        if m:
            found = _dates(m.group(1))
            ended = found[0] if found else None
        # a "Life of Fund" column dated only in the text above ("since the Fund's
        # inception on September 28, 2015", Amana)
        told_inception = _inception_in(context)
        current: ClassRef | None = None
        current_name: str | None = None
        current_inception: date | None = None
        market = False
        index_above: str | None = None  # an index named on a row of its own (Amana)
        for r in rows:
            label_dates = _dates(r.label + " " + " ".join(t for _, _, t in r.texts))
            measure = _measure(r.key)
            is_index = bool(_INDEX.search(r.key)) and measure in (None, "before_taxes") \
                and "return" not in r.key
            if is_index and not r.values:
                index_above = r.label
                continue
            if index_above and r.values and not r.label:
                # the index's values on the unlabelled row below its name
                r = _Row(index_above, _key(index_above), r.values, r.texts, r.label_cell)
                measure, is_index = None, True
            index_above = None
            if not r.values or (measure is None and not is_index):
                # a class heading ("Class III 4/30/1997", "ETF Shares") or "Based on NAV"
                if "market price" in r.key:
                    market = True
                elif re.search(r"\bnav\b|net asset value", r.key):
                    market = False
                ref = self.classes.match(r.label) if r.label else None
                if ref is not None or (r.label and not is_index and r.values == []
                                       and re.search(r"class|shares", r.key)):
                    current, current_name = ref, r.label
                    current_inception = label_dates[0] if label_dates else None
                    market = False
                if r.values:
                    self.skip(where, r.label, "returns row label not recognized",
                              len(r.values))
                continue
            if is_index:
                subject, ref, name = "index", None, _NO_DEDUCTION.sub(" ", r.label).strip()
            else:
                subject = "fund"
                ref = self.classes.match(r.label) or current
                name = None
                if market and measure == "before_taxes":
                    measure = "market_price"
            inception = current_inception
            lifetime = re.search(r"lifetime|inception", r.key)
            if lifetime and label_dates:
                inception = label_dates[0]
            for col, text in r.values:
                i = _column_of(col, header)
                horizon = horizons[i] if i is not None and i < len(horizons) else None
                if horizon == "10y" and lifetime and header.columns[i][2].lower().find(
                        "life") >= 0:
                    horizon = "since_inception"
                if horizon is None:
                    self.skip(where, r.label, "return under no period header")
                    continue
                value = _number(text)
                if value is None:
                    self.skip(where, r.label, "no return printed ('n/a')" if _clean(
                        text).lower() in ("n/a", "na") else f"unreadable value {text!r}")
                    continue
                if horizon == "since_inception" and inception is None:
                    # "Since Inception (9/25/2003)": the date in the column's head
                    inception = next(iter(_dates(header.columns[i][2])),  # type: ignore
                                     told_inception)
                self.averages.append(AverageAnnualReturn(
                    series_id=self._series_of(ref), class_id=None if subject == "index"
                    else (ref.class_id if ref else None), subject=subject,  # type: ignore
                    measure=None if subject == "index" else measure,  # type: ignore
                    index_member=None, index_name=name, horizon=horizon,  # type: ignore
                    value=value / HUNDRED,
                    inception_date=inception if horizon == "since_inception" else None,
                    periods_ended=ended,
                    class_name=None if subject == "index" or ref else current_name))
                self.read()

    # -- bar chart extremes
    def bar_chart(self, rows: list[_Row], where: str) -> None:
        for r in rows:
            kind = next((k for p, k in _BAR_LABELS if p.search(r.key)), None)
            if kind is None or not r.values:
                if r.values:
                    self.skip(where, r.label, "bar-chart row not recognized", len(r.values))
                continue
            text = r.values[0][1]
            rest = " ".join([r.label, *(t for _, t in r.values[1:]),
                             *(t for _, _, t in r.texts)])
            value = _number(text)
            as_of = _quarter_end(rest) or next(iter(_dates(rest)), None)
            extra = len(r.values) - 1 - sum(1 for _, t in r.values[1:] if _dates(t))
            if value is None:
                self.skip(where, r.label, f"unreadable value {text!r}")
                continue
            ref = self.classes.only()
            self.bar.append(BarChartReturn(self._series_of(ref), ref.class_id if ref else None,
                                           kind, None, as_of, value / HUNDRED))  # type: ignore
            self.read()
            if extra > 0:
                self.skip(where, r.label, "bar-chart cell not read", extra)


def _head_texts(rows: list[_Row]) -> list[str]:
    """Every text of the rows above a table's first row of values (its head)."""
    out = []
    for r in rows:
        if r.values:
            break
        out += [r.label] + [t for _, _, t in r.texts]
    return out


_INCEPTION_WORDS = re.compile(r"inception|commence\w*|began (?:investment )?operations",
                              re.I)


def _inception_in(text: str) -> date | None:
    """The one date the text gives right after "inception" / "commenced" / "began
    operations"; None when it gives none or several (a table of several classes)."""
    found = {d for m in _INCEPTION_WORDS.finditer(text)
             for d in _dates(text[m.end():m.end() + 40])[:1]}
    return found.pop() if len(found) == 1 else None


def _quarter_end(text: str) -> date | None:
    m = _QUARTER.search(text)
    if not m:
        return None
    if m.group(1):
        q, y = int(m.group(1)), int(m.group(2))
    elif m.group(3):
        q, y = int(m.group(3)), int(m.group(4))
    else:
        q, y = _QUARTER_WORDS[m.group(5).lower()], int(m.group(6))
    return date(y, 3 * q, 31 if q in (1, 4) else 30)


def _kind(rows: list[_Row]) -> str | None:
    heads = [_fee_field(_key(t)) for _, _, t in _header(rows).columns]
    if "management_fee" in heads and "total_annual_expenses" in heads:
        return "fees_across"
    keys = [r.key for r in rows]
    labelled = [r.key for r in rows if r.values]
    text = " ".join(keys)
    header = " ".join(t for r in rows for _, _, t in r.texts).lower()
    if any(_fee_field(k) in ("management_fee",) or any(p.search(k) for p, _ in
                                                       _UIT_COMPONENTS[:1]) for k in labelled) \
            and any(_fee_field(k) == "total_annual_expenses" for k in labelled):
        return "fees"
    if any(p.search(r.key) and any("%" in t or t.strip().lower() == "none"
                                   for _, t in r.values)
           for r in rows for _, p in _SHAREHOLDER_RULES):
        return "fees"
    if any(_measure(k) for k in labelled) and re.search(r"\b1\s*-?\s*year", header + text):
        return "returns"
    year_heads = {_years_of(_key(t)) for _, _, t in _header(rows).columns} - {None}
    if sum(1 for k in labelled if _YEARS.match(k)) >= 2 or {1, 3} <= year_heads or (
            re.search(r"\b1\s*-?\s*year", header) and re.search(r"\b3\s*-?\s*years", header)):
        return "example"
    if any(p.search(k) for k in labelled for p, _ in _BAR_LABELS) and "quarter" in text:
        return "bar"
    return None


def parse_untagged(data: bytes | str, *, form: str | None = None,
                   classes: Iterable[ClassRef] = ()) -> Prospectus:
    """Fee tables, shareholder fees, expense examples, turnover, bar-chart extremes and
    average annual returns of an untagged prospectus. ``classes``: the submission's
    classes (SGML header) to match column headers to. Raises ProspectusError when the
    document has none of these tables."""
    text = _decode(data)
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise ProspectusError(f"not an HTML document: {exc}") from None
    refs = tuple(classes)
    reader = _Reader(refs)
    for n, table in enumerate(root.iter("table"), 1):
        if next(table.iterancestors("table"), None) is not None:
            continue
        rows = _rows(table)
        if not any(r.values for r in rows) and not re.search(
                r"management fee", table.text_content(), re.I):
            continue
        kind = _kind(rows)
        if kind is None:
            continue
        where = f"table {n}"
        if kind == "fees":
            reader.fee_table(rows, where)
        elif kind == "fees_across":
            reader.fee_table_across(rows, where)
        elif kind == "example":
            reader.example(rows, where)
        elif kind == "returns":
            reader.returns(rows, where, " ".join(_blocks_before(table, limit=6, chars=800)))
        else:
            reader.bar_chart(rows, where)
    plain = _norm(root.text_content())
    m = _TURNOVER.search(plain)
    if m:
        reader.turnover = Decimal(m.group(1)) / HUNDRED
        reader.read()
    if not reader.fees and not reader.averages:
        raise ProspectusError("no fee table or average annual returns table found in the "
                              "HTML (untagged prospectus)")
    fee_tables = []
    for key in reader.fee_order:
        slot = reader.fees[key]
        ref: ClassRef | None = slot["ref"]
        examples = sorted(slot["examples"].items(), key=lambda i: (not i[0][1], i[0][0]))
        fee_tables.append(FeeTable(
            series_id=key[0], class_id=key[1], class_member=None,
            ticker=ref.ticker if ref else None, **slot["fields"],
            other_components=tuple(slot["components"]),
            shareholder_fees=tuple(ShareholderFee(c, v, "pure")
                                   for c, v in slot["holder"].items()),
            expense_examples=tuple(ExpenseExample(y, red, v, "USD")
                                   for (y, red), v in examples)))
    series_ids = sorted({c.series_id for c in refs if c.series_id})
    series = tuple(SeriesSummary(
        series_id=s, member=None,
        portfolio_turnover=reader.turnover if len(series_ids) == 1 else None,
        class_ids=tuple(c.class_id for c in refs if c.series_id == s)) for s in series_ids)
    if not series_ids and reader.turnover is not None:
        # a bare document (no SGML header: no classes) or a UIT (classes without series):
        # the document describes one fund, so its turnover sentence is that fund's; it has
        # no series id to be loaded under, but `parse` shows it.
        series = (SeriesSummary(series_id=None, member=None,
                                portfolio_turnover=reader.turnover,
                                class_ids=tuple(c.class_id for c in refs)),)
    elif reader.turnover is not None and len(series_ids) > 1:
        reader.skipped.append(Skipped("PortfolioTurnover", None,
                                      "turnover sentence of a document with several series"))
        reader.mapped -= 1
    return Prospectus(
        document_type=form, amendment=None, amendment_description=None, cik=None,
        registrant_name=None, investment_company_type=None, period_end=None,
        prospectus_date=None, taxonomy=None, series=series,
        classes=tuple(ShareClass(c.class_id, c.class_id, c.series_id, c.ticker)
                      for c in refs),
        fee_tables=tuple(fee_tables), bar_chart=tuple(reader.bar),
        average_returns=tuple(reader.averages), skipped=tuple(reader.skipped),
        duplicates=0, fact_count=reader.facts, mapped=reader.mapped, read_from="html")


def submission_classes(submission: bytes) -> tuple[ClassRef, ...]:
    """The classes an EDGAR full submission's SGML header lists."""
    from etf_assets.edgar.sgml import parse_series_and_classes

    end = submission.find(b"</SEC-HEADER>")
    header = submission[: end if end > 0 else 200_000].decode("utf-8", "replace")
    return tuple(ClassRef(c.class_id, s.series_id, c.name, c.ticker)
                 for s in parse_series_and_classes(header) for c in s.classes)
