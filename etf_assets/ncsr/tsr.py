"""N-CSR / N-CSRS Item 1, the tailored shareholder report (TSR, inline XBRL in SEC's
``oef`` taxonomy since July 2024) -> per-class expenses, returns, fund statistics,
growth-of-$10,000 points and holdings breakdowns. Pure.

Scope of a fact (who it is about) comes from its context, as SEC's TSR rules and the
oef taxonomy have filers tag it:

* share class: ``oef:ClassAxis``, member ``<prefix>:C000123456Member`` (EDGAR requires
  the class contract id in the member name). TSRs carry no series dimension: a class's
  series comes from the trust's own series/class registry (the warehouse), not from the
  document. A ``dei:LegalEntityAxis`` series member, where a filer adds one, is kept.
  A single-class fund may tag everything without any class member: its facts form one
  class with ``class_key`` None, identified later by ticker or name;
* market index: ``oef:BroadBasedIndexAxis`` (the required broad-based index) or
  ``oef:AdditionalIndexAxis``, on top of the class member. A return or graph point in
  such a context is the INDEX's (``subject`` "index"), never the fund's;
* ``oef:SalesLoadAxis``: a class's return with or without its sales load;
* holdings breakdowns: one of the oef category axes (``IndustrySectorAxis`` ...,
  ``LargestHoldingAxis``), explicit or typed member.

Return periods come from each fact's context dates and nothing else: a 1-, 5- and
10-year return of one class are three facts with three start dates and stay three
rows (``period`` "1y", "5y", "10y"; "since_inception" when the start is the class's
``oef:PerfInceptionDate``; any other length is named by its months, "6m", "37m").
Nothing is ever collapsed onto one period.

Units, decided once: percentages are ratios as tagged (``oef:ExpenseRatioPct`` of
"0.09%" with scale -2 is 0.0009); dollars are dollars (``scale`` applied: "$1,235" in
millions with scale 6 is 1,235,000,000); counts are integers as Decimal.

No silent loss: every fact is mapped, a consistent duplicate, or in ``skipped`` with
the reason (narrative text blocks are skipped as "text not extracted"); see
:mod:`etf_assets.xbrl.facts`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from etf_assets.xbrl.facts import (
    CLASS_ID,
    DEI_NAMESPACE,
    SERIES_ID,
    FactSlots,
    Skipped,
    id_in,
    num,
    reasons,
    text,
    unit_name,
)
from etf_assets.xbrl.inline import Context, Fact, InlineXbrlError, parse_inline_xbrl

__all__ = [
    "GraphPoint",
    "HoldingShare",
    "ShareholderReport",
    "Statistic",
    "TsrClass",
    "TsrError",
    "TsrReturn",
    "parse_tsr",
    "return_period",
]

OEF_NAMESPACE = re.compile(r"http://xbrl\.sec\.gov/oef/\d{4}(?:-\d\d-\d\d)?")
US_GAAP_NAMESPACE = re.compile(r"http://fasb\.org/us-gaap/\d{4}(?:-\d\d-\d\d)?")
CLASS_AXES = ("ClassAxis",)
SERIES_AXES = ("LegalEntityAxis",)
INDEX_AXES = {"BroadBasedIndexAxis": "broad_based", "AdditionalIndexAxis": "additional"}
SALES_LOAD_AXES = ("SalesLoadAxis",)
_SALES_LOAD = {"WithSalesLoadMember": "with_sales_load",
               "WithoutSalesLoadMember": "without_sales_load"}
HOLDING_AXES = {"IndustrySectorAxis": "industry_sector",
                "GeographicRegionAxis": "geographic_region",
                "CreditQualityAxis": "credit_quality", "MaturityAxis": "maturity",
                "OtherCategory1Axis": "other_category_1",
                "OtherCategory2Axis": "other_category_2",
                "LargestHoldingAxis": "largest_holding"}
HOLDING_MEASURES = {"PctOfNav": "pct_of_nav", "PctOfTotalInv": "pct_of_total_investments",
                    "PctOfTotalLongExposure": "pct_of_total_long_exposure",
                    "PctOfTotalShortExposure": "pct_of_total_short_exposure",
                    "PctOfNetLongExposure": "pct_of_net_long_exposure",
                    "PctOfNetShortExposure": "pct_of_net_short_exposure"}
_SCOPE_AXES = frozenset((*CLASS_AXES, *SERIES_AXES, *INDEX_AXES, *SALES_LOAD_AXES,
                         *HOLDING_AXES))
#: Class-level figures of the "Key Fund Statistics" and ETF sections -> statistic name.
#: Other numeric oef / us-gaap facts of a class context are kept under their concept name.
STATISTICS = {"AssetsNet": "net_assets", "HoldingsCount": "holdings_count",
              "InvestmentCompanyPortfolioTurnover": "portfolio_turnover",
              "AdvisoryFeesPaidAmt": "advisory_fees_paid",
              "EtfPremiumNumDays": "etf_premium_days",
              "EtfDiscountNumDays": "etf_discount_days"}
#: Key Fund Statistics that are the FUND's (SEC Form N-1A Item 27A(f)), whatever class
#: context the filer tags them in: summing them over classes would multiply them.
FUND_LEVEL_STATISTICS = frozenset(("net_assets", "holdings_count", "portfolio_turnover",
                                   "advisory_fees_paid"))
_EXPENSES = {"ExpenseRatioPct": "expense_ratio", "ExpensesPaidAmt": "expenses_paid",
             "ExpensesExclExtraordinaryExpensesPct": "expenses_excl_extraordinary"}
_CLASS_TEXT = {"FundName": "fund_name", "ClassName": "class_name",
               "TradingSymbol": "ticker", "SecurityExchangeName": "exchange",
               "ShareholderReportAnnualOrSemiAnnual": "report_type",
               "PerfInceptionDate": "inception_date",
               "LineGraphAndTableMeasureName": "graph_label"}
_COVER = ("DocumentType", "AmendmentFlag", "AmendmentDescription", "EntityCentralIndexKey",
          "EntityRegistrantName", "EntityInvCompanyType", "DocumentPeriodEndDate")
_MONTH_DAYS = Decimal("30.436875")  # 365.2425 / 12
# The growth-of-$10,000 line: oef:AccmVal (duration: the graph's start to the point;
# current) and oef:AcctVal (instant; deprecated 2024-07-31, still in early filings).
_GRAPH_VALUES = frozenset(("AccmVal", "AcctVal"))

Subject = Literal["fund", "index"]
ScopeKey = tuple[str | None, str | None]  # (series member, class member) local names


class TsrError(ValueError):
    """Not a tailored shareholder report in inline XBRL (nothing of it is loaded)."""


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class TsrReturn:
    """An average annual total return: the class's (``subject`` "fund", optionally with
    or without its sales load: ``measure``) or an index's (``subject`` "index", with its
    axis, member and name as the table shows it). Ratio as tagged: 0.1234 = 12.34%."""

    subject: Subject
    measure: str | None  # fund only: "with_sales_load" | "without_sales_load" | None
    index_axis: str | None  # index only: "broad_based" | "additional"
    index_member: str | None
    index_name: str | None
    start: date
    end: date
    period: str  # "1y" | "5y" | "10y" | "since_inception" | "<n>y" | "<n>m"
    value: Decimal


@dataclass(frozen=True, slots=True)
class GraphPoint:
    """One point of the growth-of-$10,000 line graph (``oef:AccmVal``, or the deprecated
    instant ``oef:AcctVal``; dollars): the value on ``as_of`` of what was invested on
    ``start`` (None for an instant)."""

    subject: Subject
    index_axis: str | None
    index_member: str | None
    start: date | None
    as_of: date
    value: Decimal


@dataclass(frozen=True, slots=True)
class HoldingShare:
    """One row of a holdings breakdown (sector, region, credit quality, largest
    holdings...): ``measure`` is what the percentage is of; ratio as tagged."""

    category: str  # "industry_sector" | "geographic_region" | ... | "largest_holding"
    member: str  # explicit member local name, or a typed member's text
    label: str  # as printed in the row ("Communication Services"), else the member in words
    measure: str  # "pct_of_nav" | "pct_of_total_investments" | ...
    value: Decimal
    as_of: date | None


@dataclass(frozen=True, slots=True)
class Statistic:
    """A class-level figure: net assets, holdings count, turnover (ratio), advisory fees
    paid, ETF premium/discount days, or another numeric fact of the class context
    (named by its concept)."""

    name: str
    value: Decimal
    unit: str  # "USD", "pure", ... as tagged
    as_of: date | None  # the instant, or the end of the duration
    period_start: date | None  # durations only


@dataclass(frozen=True, slots=True)
class TsrClass:
    """Everything the report tags for one share class (or, ``class_key`` None, for the
    single class of an undimensioned report)."""

    class_key: str | None  # the ClassAxis member's local name
    class_id: str | None  # the C-id in the member name
    series_id: str | None  # only when the document tags a series member
    fund_name: str | None
    class_name: str | None
    ticker: str | None
    exchange: str | None
    report_type: str | None  # "annual" | "semiannual" (oef:ShareholderReportAnnualOrSemiAnnual)
    period_start: date | None  # the expense figures' period
    period_end: date | None
    expense_ratio: Decimal | None  # oef:ExpenseRatioPct, ratio (annualized)
    expenses_paid: Decimal | None  # oef:ExpensesPaidAmt, dollars per $10,000 invested
    expenses_excl_extraordinary: Decimal | None
    inception_date: date | None
    graph_label: str | None  # the fund's line in the graph / returns table, as named
    returns: tuple[TsrReturn, ...]
    statistics: tuple[Statistic, ...]
    line_graph: tuple[GraphPoint, ...]
    holdings: tuple[HoldingShare, ...]

    def statistic(self, name: str) -> Decimal | None:
        return next((s.value for s in self.statistics if s.name == name), None)

    def fund_return(self, period: str, measure: str | None = None) -> Decimal | None:
        return next((r.value for r in self.returns if r.subject == "fund"
                     and r.period == period and r.measure == measure), None)


@dataclass(frozen=True, slots=True)
class ShareholderReport:
    document_type: str | None  # dei:DocumentType: N-CSR, N-CSRS
    amendment: bool | None
    amendment_description: str | None
    cik: str | None
    registrant_name: str | None
    investment_company_type: str | None
    period_end: date | None  # dei:DocumentPeriodEndDate
    taxonomy: str | None  # the oef namespace URI used
    classes: tuple[TsrClass, ...]
    skipped: tuple[Skipped, ...]
    duplicates: int
    fact_count: int  # = mapped + duplicates + facts in skipped
    mapped: int

    def for_class(self, *, class_id: str | None = None, ticker: str | None = None
                  ) -> TsrClass | None:
        return next((c for c in self.classes if (class_id and c.class_id == class_id)
                     or (ticker and c.ticker == ticker)), None)

    def skipped_reasons(self) -> dict[str, int]:
        return reasons(self.skipped)


# --------------------------------------------------------------------------- periods


def return_period(start: date, end: date, inception: date | None) -> str:
    """The name of a return's period from its context dates: "since_inception" when it
    starts at the inception date (a day either side: some filers start the day after),
    else its length in years when whole ("1y", "5y", "10y"), else in months ("6m")."""
    if inception is not None and abs((start - inception).days) <= 1:
        return "since_inception"
    months = int(((end - start).days + 1) / _MONTH_DAYS + Decimal("0.5"))
    if months >= 12 and months % 12 == 0:
        return f"{months // 12}y"
    return f"{months}m"


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def member_label(local: str) -> str:
    """"InformationTechnologySectorMember" -> "Information Technology Sector"; the
    readable name of a member whose label (in the filer's linkbase) is not at hand."""
    base = local[:-6] if local.endswith("Member") else local
    return _CAMEL.sub(" ", base).strip()


# --------------------------------------------------------------------------- parsing


@dataclass(frozen=True, slots=True)
class _Scope:
    series_key: str | None
    class_key: str | None
    index: tuple[str, str] | None  # (axis kind, member local)
    sales_load: str | None  # member local
    holding: tuple[str, str] | None  # (category, member local or typed text)
    other_axes: tuple[str, ...]

    @property
    def key(self) -> ScopeKey:
        return (self.series_key, self.class_key)


def _scope(ctx: Context) -> _Scope:
    index = next(((INDEX_AXES[a.local], m.local) for a, m in ctx.explicit
                  if a.local in INDEX_AXES), None)
    holding = next(((HOLDING_AXES[a.local], m.local) for a, m in ctx.explicit
                    if a.local in HOLDING_AXES), None) or \
        next(((HOLDING_AXES[a.local], t.strip()) for a, t in ctx.typed
              if a.local in HOLDING_AXES), None)
    series = ctx.member(*SERIES_AXES)
    klass = ctx.member(*CLASS_AXES)
    load = ctx.member(*SALES_LOAD_AXES)
    other = tuple(str(a) for a in ctx.axes if a.local not in _SCOPE_AXES)
    return _Scope(series.local if series else None, klass.local if klass else None,
                  index, load.local if load else None, holding, other)


def axis_category(local: str) -> str:
    """"InvestmentTypeAxis" -> "investment_type": a holdings axis named generically."""
    base = local[:-4] if local.endswith("Axis") else local
    return _CAMEL.sub("_", base).lower()


def _generic_holding(ctx: Context, scope: _Scope) -> _Scope:
    """A holdings measure (PctOfNav ...) on one axis oef does not list
    (``us-gaap:InvestmentTypeAxis``, a filer's own breakdown): the axis names the
    category, its member the row, as for oef's own category axes."""
    if len(scope.other_axes) != 1:
        return scope
    axis = next(a for a in ctx.axes if a.local not in _SCOPE_AXES)
    member = next((m.local for a, m in ctx.explicit if a == axis), None)
    if member is None:
        member = next((t.strip() for a, t in ctx.typed if a == axis), None)
    if not member:
        return scope
    return _Scope(scope.series_key, scope.class_key, scope.index, scope.sales_load,
                  (axis_category(axis.local), member), ())


def _class_of_table(acc: _Acc, fact: Fact, scope: _Scope) -> _Scope:
    """An index fact whose context names no class belongs to the class whose returns
    table it is printed in. Some filers (DFIN: Alger's N-CSR 0001133228-26-002293) tag
    one context per index and period, shared by every class that shows the index; the
    cell still sits inside that class's ``AvgAnnlRtrTableTextBlock``. A hidden fact (no
    enclosing block) keeps its class-less scope."""
    enc = acc.doc.contexts.get(fact.enclosing_context or "")
    klass = enc.member(*CLASS_AXES) if enc else None
    if enc is None or klass is None:
        return scope
    series = enc.member(*SERIES_AXES)
    return replace(scope, class_key=klass.local, series_key=series.local if series else None)


@dataclass(slots=True)
class _Acc(FactSlots):
    cover: dict[str, Fact] = field(default_factory=dict)
    text: dict[ScopeKey, dict[str, Fact]] = field(default_factory=dict)
    index_names: dict[tuple[ScopeKey, str], Fact] = field(default_factory=dict)
    expenses: dict[ScopeKey, dict[str, Fact]] = field(default_factory=dict)
    returns: dict[ScopeKey, dict[tuple[Any, ...], Fact]] = field(default_factory=dict)
    statistics: dict[ScopeKey, dict[str, Fact]] = field(default_factory=dict)
    graph: dict[ScopeKey, dict[tuple[Any, ...], Fact]] = field(default_factory=dict)
    holdings: dict[ScopeKey, dict[tuple[Any, ...], Fact]] = field(default_factory=dict)


def _map_fact(acc: _Acc, fact: Fact) -> None:
    local = fact.concept.local
    ns = fact.concept.namespace or ""
    if fact.problem:
        acc.skip(fact, fact.problem)
        return
    ctx = acc.doc.contexts[fact.context_ref or ""]
    scope = _scope(ctx)
    if scope.other_axes and scope.holding is None and local in HOLDING_MEASURES:
        scope = _generic_holding(ctx, scope)
    if scope.index and scope.class_key is None and scope.series_key is None:
        scope = _class_of_table(acc, fact, scope)
    if scope.other_axes:
        acc.skip(fact, f"unrecognized axis {', '.join(scope.other_axes)}")
        return
    dimensioned = scope.class_key or scope.series_key or scope.index or scope.holding
    if DEI_NAMESPACE.fullmatch(ns):
        if local in _COVER and not dimensioned:
            acc.put(acc.cover, local, fact)
        elif local in ("TradingSymbol", "SecurityExchangeName") and not (
                scope.index or scope.holding or scope.sales_load):
            acc.put(acc.text.setdefault(scope.key, {}), _CLASS_TEXT[local], fact)
        else:
            acc.skip(fact, "dei concept not extracted")
        return
    oef = OEF_NAMESPACE.fullmatch(ns)
    if not oef and not US_GAAP_NAMESPACE.fullmatch(ns):
        acc.skip(fact, f"concept outside oef/us-gaap/dei ({ns or 'no namespace'})")
        return
    if not fact.numeric:
        _map_text(acc, fact, scope)
    elif acc.number_ok(fact):
        _map_number(acc, fact, scope, ctx)


def _map_text(acc: _Acc, fact: Fact, scope: _Scope) -> None:
    local = fact.concept.local
    if local == "LineGraphAndTableMeasureName" and scope.index and not scope.holding:
        acc.put(acc.index_names, (scope.key, scope.index[1]), fact)
    elif local in _CLASS_TEXT and not (scope.index or scope.holding or scope.sales_load):
        acc.put(acc.text.setdefault(scope.key, {}), _CLASS_TEXT[local], fact)
    else:
        acc.skip(fact, "text not extracted")


def _map_number(acc: _Acc, fact: Fact, scope: _Scope, ctx: Context) -> None:
    local = fact.concept.local
    period = ctx.period
    if local == "AvgAnnlRtrPct":
        if scope.holding or period.start is None or period.end is None:
            acc.skip(fact, "return without a duration or with a holdings axis")
        elif scope.index and scope.sales_load:
            acc.skip(fact, "index return with a sales-load member: fund or index unclear")
        else:
            acc.put(acc.returns.setdefault(scope.key, {}),
                    (scope.index, scope.sales_load, period.start, period.end), fact)
    elif local in _GRAPH_VALUES:
        if scope.holding or scope.sales_load or period.end_date is None:
            acc.skip(fact, "line-graph value with an unexpected axis or no date")
        else:
            acc.put(acc.graph.setdefault(scope.key, {}),
                    (scope.index, period.start, period.end_date), fact)
    elif local in HOLDING_MEASURES:
        if scope.holding is None or scope.index or scope.sales_load:
            acc.skip(fact, f"{local} without one holdings category member")
        else:
            acc.put(acc.holdings.setdefault(scope.key, {}),
                    (scope.holding, HOLDING_MEASURES[local], period.end_date), fact)
    elif scope.index or scope.holding or scope.sales_load:
        acc.skip(fact, f"{local} with an index, holdings or sales-load member")
    elif local in _EXPENSES:
        acc.put(acc.expenses.setdefault(scope.key, {}), _EXPENSES[local], fact)
    else:
        # Key Fund Statistics and any other class-level figure, by name.
        acc.put(acc.statistics.setdefault(scope.key, {}), STATISTICS.get(local, local), fact)


def _build_class(acc: _Acc, key: ScopeKey) -> TsrClass:
    series_key, class_key = key
    txt = acc.text.get(key, {})
    inception = acc.date_of(txt.get("inception_date"))
    expenses = acc.expenses.get(key, {})
    expense_ctx = next((acc.doc.context(f) for f in expenses.values()), None)
    returns = []
    for (index, load, start, end), f in acc.returns.get(key, {}).items():
        name = acc.index_names.get((key, index[1])) if index else None
        returns.append(TsrReturn(
            subject="index" if index else "fund",
            measure=None if index else _SALES_LOAD.get(load or "", load),
            index_axis=index[0] if index else None, index_member=index[1] if index else None,
            index_name=text(name).strip() if name is not None and text(name) else None,
            start=start, end=end, period=return_period(start, end, inception),
            value=num(f)))
    returns.sort(key=lambda r: (r.subject, r.index_member or "", r.measure or "",
                                (r.end - r.start).days))
    stats = []
    for name, f in acc.statistics.get(key, {}).items():
        p = acc.doc.contexts[f.context_ref or ""].period
        stats.append(Statistic(name, num(f), unit_name(acc.doc, f), p.end_date, p.start))
    graph = sorted((GraphPoint("index" if index else "fund", index[0] if index else None,
                               index[1] if index else None, start, as_of, num(f))
                    for (index, start, as_of), f in acc.graph.get(key, {}).items()),
                   key=lambda g: (g.subject, g.index_member or "", g.as_of))
    # The label is the value's own label cell as printed ("Communication Services"), else
    # the member name in words ("Communications Sector"): the filer's label linkbase,
    # which names the member, is not fetched. The nearest cell to the left, not the
    # row's first: Workiva prints two breakdowns side by side in one row.
    holdings = tuple(HoldingShare(category, member, f.cell_label or member_label(member),
                                  measure, num(f), as_of)
                     for ((category, member), measure, as_of), f
                     in acc.holdings.get(key, {}).items())
    report_type = text(txt.get("report_type"))
    return TsrClass(
        class_key=class_key, class_id=id_in(CLASS_ID, class_key),
        series_id=id_in(SERIES_ID, series_key),
        fund_name=_stripped(txt.get("fund_name")), class_name=_stripped(txt.get("class_name")),
        ticker=_stripped(txt.get("ticker")), exchange=_stripped(txt.get("exchange")),
        report_type=(None if report_type is None else
                     "semiannual" if report_type.strip().lower().startswith("semi")
                     else "annual"),
        period_start=expense_ctx.period.start if expense_ctx else None,
        period_end=expense_ctx.period.end_date if expense_ctx else None,
        expense_ratio=num(expenses["expense_ratio"]) if "expense_ratio" in expenses else None,
        expenses_paid=num(expenses["expenses_paid"]) if "expenses_paid" in expenses else None,
        expenses_excl_extraordinary=(num(expenses["expenses_excl_extraordinary"])
                                     if "expenses_excl_extraordinary" in expenses else None),
        inception_date=inception, graph_label=_stripped(txt.get("graph_label")),
        returns=tuple(returns), statistics=tuple(stats), line_graph=tuple(graph),
        holdings=holdings)


#: Registrant-level cover texts that hold for every class of the report.
_REPORT_WIDE = ("report_type",)


def _registrant_level(acc: _Acc) -> dict[str, str]:
    """In a report with class members, facts tagged with neither class nor series
    (``oef:ShareholderReportAnnualOrSemiAnnual`` at registrant level) are not a class:
    report-wide texts become every class's default, other figures are skipped with the
    reason, index-only returns stay (rows.py keeps them per series)."""
    everything = (set(acc.text) | set(acc.expenses) | set(acc.returns) | set(acc.statistics)
                  | set(acc.graph) | set(acc.holdings))
    none: ScopeKey = (None, None)
    if none not in everything or not any(k[1] for k in everything):
        return {}
    defaults: dict[str, str] = {}
    for name, f in acc.text.pop(none, {}).items():
        value = _stripped(f)
        if name in _REPORT_WIDE and value is not None:
            defaults[name] = value
        else:
            acc.skip(f, "registrant-level text in a report with class members")
    for slots, what in ((acc.expenses, "expense figure"), (acc.statistics, "statistic"),
                        (acc.holdings, "holdings share")):
        for f in slots.pop(none, {}).values():
            acc.skip(f, f"registrant-level {what} in a report with class members: no class")
    return defaults


def _with_defaults(c: TsrClass, defaults: dict[str, str]) -> TsrClass:
    report_type = defaults.get("report_type")
    if c.report_type is not None or report_type is None:
        return c
    from dataclasses import replace

    return replace(c, report_type="semiannual" if report_type.lower().startswith("semi")
                   else "annual")


def _stripped(fact: Fact | None) -> str | None:
    value = text(fact)
    return value.strip() or None if value is not None else None


def parse_tsr(data: bytes) -> ShareholderReport:
    """The tailored shareholder report(s) of an N-CSR / N-CSRS primary document; raises
    :class:`TsrError` when it has no oef inline XBRL (an older or untagged report)."""
    try:
        doc = parse_inline_xbrl(data)
    except InlineXbrlError as exc:
        raise TsrError(f"no inline XBRL shareholder report: {exc}") from None
    taxonomy = next((f.concept.namespace for f in doc.facts
                     if OEF_NAMESPACE.fullmatch(f.concept.namespace or "")), None)
    if taxonomy is None:
        raise TsrError("inline XBRL without oef facts: not a tailored shareholder report")
    acc = _Acc(doc)
    for fact in doc.facts:
        _map_fact(acc, fact)
    registrant_text = _registrant_level(acc)
    keys = (set(acc.text) | set(acc.expenses) | set(acc.returns) | set(acc.statistics)
            | set(acc.graph) | set(acc.holdings) | {k for k, _ in acc.index_names})
    classes = tuple(_with_defaults(_build_class(acc, k), registrant_text) for k in sorted(
        keys, key=lambda k: (id_in(CLASS_ID, k[1]) or k[1] or "", k[0] or "")))
    used_names = {(c.class_key, r.index_member) for c in classes for r in c.returns}
    used_names |= {(c.class_key, g.index_member) for c in classes for g in c.line_graph}
    for (key, member), f in acc.index_names.items():
        if (key[1], member) not in used_names:
            acc.skip(f, "index name without a return or graph point")
    cover = acc.cover
    flag = text(cover.get("AmendmentFlag"))
    period_end = acc.date_of(cover.get("DocumentPeriodEndDate"))
    mapped = acc.finish()
    return ShareholderReport(
        document_type=_stripped(cover.get("DocumentType")),
        amendment=None if flag is None else flag.strip().lower() == "true",
        amendment_description=_stripped(cover.get("AmendmentDescription")),
        cik=_stripped(cover.get("EntityCentralIndexKey")),
        registrant_name=_stripped(cover.get("EntityRegistrantName")),
        investment_company_type=_stripped(cover.get("EntityInvCompanyType")),
        period_end=period_end, taxonomy=taxonomy, classes=classes,
        skipped=tuple(acc.skipped), duplicates=acc.duplicates, fact_count=len(doc.facts),
        mapped=mapped)

