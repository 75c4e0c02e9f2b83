"""485BPOS (inline XBRL, SEC risk/return "rr" taxonomy) -> fee tables, expense examples,
performance and objective/strategy text. Pure.

Form N-1A item 2-4 (the risk/return summary) has been tagged in inline XBRL since
2019-2022; the tags, not the HTML tables, are the reliable source: tables differ by
filer, tags do not. The reader is :mod:`etf_assets.xbrl.inline`; this module maps its
facts to records.

Scope of a fact (who it is about) comes from its context's dimension members, as the
rr taxonomy and both real fixtures (Delaware 485BPOS, SEC's rr01 sample) use them:

* series: ``dei:LegalEntityAxis``, member ``<prefix>:S000002391Member``;
* share class: ``rr:ProspectusShareClassAxis`` (``oef:ClassAxis`` in the 2024+
  oef-integrated taxonomy), member ``<prefix>:C000006333Member``;
* performance: ``rr:PerformanceMeasureAxis``. rr's own members
  ``AfterTaxesOnDistributionsMember`` / ``AfterTaxesOnDistributionsAndSalesMember``
  qualify a CLASS's return; any other (filer-defined) member, in a context without a
  class, is a market INDEX (``fil:Russell1000ValueIndexMember``). A class context
  with a filer-defined performance member is ambiguous and skipped, never guessed.

Series and class ids are read from the member names (EDGAR requires the S/C contract
ids there). A context with only a class member (Delaware tags tickers so) gets its
series from the other contexts pairing that class with a series. Values tagged with a
series but no class are kept at series level (``class_id`` None), never copied to
classes; facts with neither are registrant level.

Concepts are matched by LOCAL name in any ``http://xbrl.sec.gov/rr/YYYY`` or
``.../oef/YYYY`` namespace (the year changes yearly; 2024+ documents use oef).

Values are kept exactly as tagged: percentages are pure ratios (rr "...OverAssets"
items are ``pureItemType``; 0.0045 = 0.45%), signs included (a fee waiver is tagged
negative, ``FeeWaiverOrReimbursementOverAssets`` is a NonPositive type; so is
``RedemptionFeeOverRedemption``); dollars (expense examples) are amounts in the fact's
unit. Nothing is recomputed here; checks judge the numbers.

No silent loss: every fact that is not mapped to a record field (narrative text,
headings, unreadable values, unknown concepts or axes, inconsistent duplicates) is in
``skipped`` with its reason. Consistent duplicates (iXBRL repeats a fact in
``ix:hidden`` and on the page) are counted in ``duplicates``.

The oef-integrated taxonomy's period-based performance concepts (2024+:
``AvgAnnlRtrPct``, ``AnnlRtrPct``, ``PerfInceptionDate``) are read the way the
shareholder-report slice reads them: the period from the fact's context dates, an
index by ``oef:BroadBasedIndexAxis`` / ``AdditionalIndexAxis`` (:func:`_map_oef_return`).
No real 2024+ ETF 485BPOS was at hand; the mapping is tested on a constructed document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from etf_assets.xbrl.facts import (
    CLASS_ID as _CLASS_ID,
    DEI_NAMESPACE,
    SERIES_ID as _SERIES_ID,
    FactSlots,
    Skipped,
    id_in as _id,
    num as _num,
    reasons,
    text as _text,
    unit_name as _unit_name,
)
from etf_assets.xbrl.inline import (
    Context,
    Fact,
    InlineXbrlError,
    QName,
    parse_inline_xbrl,
)

__all__ = [
    "AverageAnnualReturn",
    "BarChartReturn",
    "ExpenseExample",
    "FeeTable",
    "Prospectus",
    "ProspectusError",
    "SeriesSummary",
    "ShareClass",
    "ShareholderFee",
    "Skipped",
    "parse_485bpos",
    "summarize",
]

RR_NAMESPACE = re.compile(r"http://xbrl\.sec\.gov/(?:rr|oef)/\d{4}(?:-\d\d-\d\d)?")
SERIES_AXES = ("LegalEntityAxis",)
CLASS_AXES = ("ProspectusShareClassAxis", "ClassAxis")
MEASURE_AXES = ("PerformanceMeasureAxis",)
SCOPE_AXES = frozenset(SERIES_AXES + CLASS_AXES + MEASURE_AXES)

#: rr operating-expense items (pure ratios) -> FeeTable field.
FEE_FIELDS: dict[str, str] = {
    "ManagementFeesOverAssets": "management_fee",
    "DistributionAndService12b1FeesOverAssets": "distribution_12b1_fee",
    "DistributionOrSimilarNon12b1FeesOverAssets": "distribution_non_12b1_fee",
    "OtherExpensesOverAssets": "other_expenses",
    "AcquiredFundFeesAndExpensesOverAssets": "acquired_fund_fees",
    "ExpensesOverAssets": "total_annual_expenses",
    "FeeWaiverOrReimbursementOverAssets": "fee_waiver",
    "NetExpensesOverAssets": "net_expenses",
}
#: Further operating-expense lines kept by concept in FeeTable.other_components.
OTHER_EXPENSE_COMPONENTS = frozenset((
    "Component1OtherExpensesOverAssets", "Component2OtherExpensesOverAssets",
    "Component3OtherExpensesOverAssets"))
#: rr shareholder-fee items (paid directly from the investment): pure ratios or amounts.
SHAREHOLDER_FEES = frozenset((
    "MaximumSalesChargeImposedOnPurchasesOverOfferingPrice",
    "MaximumDeferredSalesChargeOverOfferingPrice",
    "MaximumDeferredSalesChargeOverOther",
    "MaximumCumulativeSalesChargeOverOfferingPrice",
    "MaximumCumulativeSalesChargeOverOther",
    "MaximumSalesChargeOnReinvestedDividendsAndDistributionsOverOther",
    "RedemptionFeeOverRedemption",
    "RedemptionFee",
    "ExchangeFeeOverRedemption",
    "ExchangeFee",
    "MaximumAccountFeeOverAssets",
    "MaximumAccountFee",
    "ShareholderFeeOther",
))
_EXAMPLE = re.compile(r"ExpenseExample(NoRedemption)?Year(\d\d)")
_ANNUAL_RETURN = re.compile(r"AnnualReturn(\d{4})")
_HORIZONS = {"AverageAnnualReturnYear01": "1y", "AverageAnnualReturnYear05": "5y",
             "AverageAnnualReturnYear10": "10y",
             "AverageAnnualReturnSinceInception": "since_inception"}
_BAR_CHART = {"BarChartHighestQuarterlyReturn": "highest_quarter",
              "BarChartLowestQuarterlyReturn": "lowest_quarter",
              "BarChartYearToDateReturn": "year_to_date"}
_BAR_CHART_DATES = {"BarChartHighestQuarterlyReturnDate": "highest_quarter",
                    "BarChartLowestQuarterlyReturnDate": "lowest_quarter",
                    "BarChartYearToDateReturnDate": "year_to_date"}
Measure = Literal["before_taxes", "after_taxes_on_distributions",
                  "after_taxes_on_distributions_and_sales"]
_MEASURES: dict[str, Measure] = {
    "AfterTaxesOnDistributionsMember": "after_taxes_on_distributions",
    "AfterTaxesOnDistributionsAndSalesMember": "after_taxes_on_distributions_and_sales"}
_SERIES_TEXT = {"ObjectivePrimaryTextBlock": "objective",
                "ObjectiveSecondaryTextBlock": "objective_secondary",
                "StrategyNarrativeTextBlock": "strategy"}
_OEF_RETURNS = frozenset(("AnnlRtrPct", "AvgAnnlRtrPct"))
#: oef's index axes, as the shareholder-report slice reads them (ncsr/tsr.py).
OEF_INDEX_AXES = ("BroadBasedIndexAxis", "AdditionalIndexAxis")



class ProspectusError(ValueError):
    """The document is not a readable inline XBRL 485BPOS (nothing of it is loaded)."""


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class ShareClass:
    """A share class named by a ``ProspectusShareClassAxis`` member of any context."""

    class_id: str | None  # C000006333; None: the member name carries no class id
    member: str  # the member's local name, e.g. "C000006333Member"
    series_id: str | None
    ticker: str | None  # dei:TradingSymbol in the class's context


@dataclass(frozen=True, slots=True)
class ShareholderFee:
    """One shareholder-fee line: ``concept`` is the rr local name."""

    concept: str
    value: Decimal  # pure ratio (0.0575 = 5.75%) when unit is "pure", else an amount
    unit: str  # "pure" or an ISO currency ("USD")


@dataclass(frozen=True, slots=True)
class ExpenseExample:
    """Cost of $10,000 invested for `years` at 5% a year (N-1A item 3 example)."""

    years: int  # 1, 3, 5 or 10
    redemption: bool  # True: ExpenseExampleYearNN (shares redeemed at the end)
    amount: Decimal
    currency: str


@dataclass(frozen=True, slots=True)
class FeeTable:
    """Annual fund operating expenses (pure ratios, as tagged: 0.0053 = 0.53%), shareholder
    fees and the expense example of one class, or of a series when tagged without class
    (``class_id`` and ``class_member`` None)."""

    series_id: str | None
    class_id: str | None
    class_member: str | None
    ticker: str | None
    management_fee: Decimal | None = None
    distribution_12b1_fee: Decimal | None = None
    distribution_non_12b1_fee: Decimal | None = None
    other_expenses: Decimal | None = None
    acquired_fund_fees: Decimal | None = None
    total_annual_expenses: Decimal | None = None  # rr:ExpensesOverAssets (gross)
    fee_waiver: Decimal | None = None  # rr:FeeWaiverOrReimbursementOverAssets, <= 0
    net_expenses: Decimal | None = None  # rr:NetExpensesOverAssets
    other_components: tuple[tuple[str, Decimal], ...] = ()
    shareholder_fees: tuple[ShareholderFee, ...] = ()
    expense_examples: tuple[ExpenseExample, ...] = ()

    def example(self, years: int, redemption: bool = True) -> Decimal | None:
        for e in self.expense_examples:
            if e.years == years and e.redemption == redemption:
                return e.amount
        return None

    def shareholder_fee(self, concept: str) -> Decimal | None:
        for f in self.shareholder_fees:
            if f.concept == concept:
                return f.value
        return None


@dataclass(frozen=True, slots=True)
class BarChartReturn:
    """A bar-chart figure: a calendar year's total return, or the best / worst quarter or
    year-to-date return with its date. Pure ratio as tagged (-0.0054 = -0.54%)."""

    series_id: str | None
    class_id: str | None  # None: tagged at series level
    kind: Literal["calendar_year", "highest_quarter", "lowest_quarter", "year_to_date"]
    year: int | None  # the calendar year ("calendar_year" only)
    as_of: date | None  # Dec 31 of `year`, or the tagged quarter-end / YTD date
    value: Decimal


@dataclass(frozen=True, slots=True)
class AverageAnnualReturn:
    """One cell of the average annual total returns table.

    ``subject`` "fund": a class's return (``class_id``; None if tagged per series) with
    its ``measure``. ``subject`` "index": a market index's return; ``class_id`` and
    ``measure`` are then always None and ``index_member`` is set. ``periods_ended``
    is inferred (rr tags no period for the table): Dec 31 of the last calendar year in
    the series' bar chart, None without a bar chart.
    """

    series_id: str | None
    class_id: str | None
    subject: Literal["fund", "index"]
    measure: Measure | None
    index_member: str | None  # e.g. "Russell1000ValueIndexMember"
    index_name: str | None  # the table row's label as shown, e.g. "Russell 1000® Value Index"
    horizon: Literal["1y", "5y", "10y", "since_inception"]
    value: Decimal  # pure ratio as tagged
    inception_date: date | None  # rr:AverageAnnualReturnInceptionDate in the same context
    periods_ended: date | None
    # untagged HTML only: the class as the table names it when the submission does not
    # list it (no class id is guessed)
    class_name: str | None = None


@dataclass(frozen=True, slots=True)
class SeriesSummary:
    """Series-level facts: objective / strategy as plain text, turnover (pure ratio,
    0.19 = 19% of the average portfolio value)."""

    series_id: str | None
    member: str | None
    objective: str | None = None
    objective_secondary: str | None = None
    strategy: str | None = None
    portfolio_turnover: Decimal | None = None
    prospectus_date: date | None = None  # only when tagged per series
    class_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Prospectus:
    document_type: str | None  # dei:DocumentType, e.g. "485BPOS"
    amendment: bool | None  # dei:AmendmentFlag
    amendment_description: str | None
    cik: str | None  # dei:EntityCentralIndexKey
    registrant_name: str | None
    investment_company_type: str | None  # dei:EntityInvCompanyType, e.g. "N-1A"
    period_end: date | None  # dei:DocumentPeriodEndDate
    prospectus_date: date | None  # rr:ProspectusDate tagged at registrant level
    taxonomy: str | None  # the rr/oef namespace URI used
    series: tuple[SeriesSummary, ...]
    classes: tuple[ShareClass, ...]
    fee_tables: tuple[FeeTable, ...]
    bar_chart: tuple[BarChartReturn, ...]
    average_returns: tuple[AverageAnnualReturn, ...]
    skipped: tuple[Skipped, ...]
    duplicates: int  # consistent repeats of a fact (not data, not loss)
    fact_count: int  # = mapped + duplicates + facts in skipped
    mapped: int  # facts whose value is in a record above
    read_from: str = "ixbrl"  # ixbrl (risk/return tags) | html (untagged tables, untagged.py)

    def fee_table(self, *, ticker: str | None = None, class_id: str | None = None
                  ) -> FeeTable | None:
        for t in self.fee_tables:
            if (ticker and t.ticker == ticker) or (class_id and t.class_id == class_id):
                return t
        return None

    def skipped_reasons(self) -> dict[str, int]:
        return reasons(self.skipped)


# --------------------------------------------------------------------------- parsing


@dataclass(slots=True)
class _Scope:
    series_member: QName | None
    class_member: QName | None
    measure_member: QName | None
    other_axes: tuple[str, ...]

    @property
    def series_key(self) -> str | None:
        return self.series_member.local if self.series_member else None

    @property
    def class_key(self) -> str | None:
        return self.class_member.local if self.class_member else None


def _scope(ctx: Context) -> _Scope:
    other = tuple(str(a) for a in ctx.axes if a.local not in SCOPE_AXES)
    return _Scope(ctx.member(*SERIES_AXES), ctx.member(*CLASS_AXES),
                  ctx.member(*MEASURE_AXES), other)


@dataclass(slots=True)
class _Acc(FactSlots):
    """The 485BPOS slots; frozen records are built from them at the end."""

    dei: dict[str, Fact] = field(default_factory=dict)
    prospectus_date: dict[str | None, Fact] = field(default_factory=dict)  # series key
    tickers: dict[str, Fact] = field(default_factory=dict)  # class key
    fees: dict[tuple[str | None, str | None], dict[str, Fact]] = field(default_factory=dict)
    components: dict[tuple[str | None, str | None], dict[str, Fact]] = field(
        default_factory=dict)
    holder_fees: dict[tuple[str | None, str | None], dict[str, Fact]] = field(
        default_factory=dict)
    examples: dict[tuple[str | None, str | None], dict[tuple[int, bool], Fact]] = field(
        default_factory=dict)
    series_text: dict[str | None, dict[str, Fact]] = field(default_factory=dict)
    bar: dict[tuple[str | None, str | None, str, int | None], Fact] = field(
        default_factory=dict)
    bar_dates: dict[tuple[str | None, str | None, str], Fact] = field(default_factory=dict)
    averages: dict[tuple[str | None, str | None, str | None, str | None, str], Fact] = field(
        default_factory=dict)
    inception: dict[tuple[str | None, str | None, str | None], Fact] = field(
        default_factory=dict)
    # oef-integrated (2024+) AvgAnnlRtrPct: (series, class, measure member, index member,
    # start, end) -> fact; the period is named when the inception dates are all read
    oef_averages: dict[tuple[Any, ...], Fact] = field(default_factory=dict)


def _map_fact(acc: _Acc, fact: Fact) -> None:
    local = fact.concept.local
    ns = fact.concept.namespace or ""
    if fact.problem:
        acc.skip(fact, fact.problem)
        return
    ctx = acc.doc.contexts[fact.context_ref or ""]
    scope = _scope(ctx)
    if DEI_NAMESPACE.fullmatch(ns):
        if local == "TradingSymbol" and scope.class_key:
            acc.put(acc.tickers, scope.class_key, fact)
        elif local in ("DocumentType", "AmendmentFlag", "AmendmentDescription",
                       "EntityCentralIndexKey", "EntityRegistrantName",
                       "EntityInvCompanyType", "DocumentPeriodEndDate") \
                and scope.series_key is None and scope.class_key is None:
            acc.put(acc.dei, local, fact)
        else:
            acc.skip(fact, "dei concept not extracted")
        return
    if not RR_NAMESPACE.fullmatch(ns):
        acc.skip(fact, f"concept outside rr/oef/dei ({ns or 'no namespace'})")
        return
    if not fact.numeric:
        _map_text(acc, fact, scope)
        return
    if local in _OEF_RETURNS:
        _map_oef_return(acc, fact, ctx)
        return
    if scope.other_axes:
        acc.skip(fact, f"unrecognized axis {', '.join(scope.other_axes)}")
        return
    if not acc.number_ok(fact):
        return
    key = (scope.series_key, scope.class_key)
    if local in _HORIZONS:
        _map_average(acc, fact, scope, _HORIZONS[local])
        return
    if scope.measure_member is not None:
        acc.skip(fact, f"{local} with a performance measure member")
        return
    example = _EXAMPLE.fullmatch(local)
    annual = _ANNUAL_RETURN.fullmatch(local)
    if local in FEE_FIELDS:
        acc.put(acc.fees.setdefault(key, {}), FEE_FIELDS[local], fact)
    elif local in OTHER_EXPENSE_COMPONENTS:
        acc.put(acc.components.setdefault(key, {}), local, fact)
    elif local in SHAREHOLDER_FEES:
        acc.put(acc.holder_fees.setdefault(key, {}), local, fact)
    elif example:
        acc.put(acc.examples.setdefault(key, {}),
                (int(example.group(2)), example.group(1) is None), fact)
    elif annual:
        acc.put(acc.bar, (*key, "calendar_year", int(annual.group(1))), fact)
    elif local in _BAR_CHART:
        acc.put(acc.bar, (*key, _BAR_CHART[local], None), fact)
    elif local == "PortfolioTurnoverRate" and scope.class_key is None:
        acc.put(acc.series_text.setdefault(scope.series_key, {}), "portfolio_turnover", fact)
    else:
        acc.skip(fact, "numeric concept not extracted")


def _map_text(acc: _Acc, fact: Fact, scope: _Scope) -> None:
    local = fact.concept.local
    key = (scope.series_key, scope.class_key)
    if scope.other_axes or scope.measure_member is not None:
        if local in ("AverageAnnualReturnInceptionDate", "PerfInceptionDate") \
                and not scope.other_axes:
            acc.put(acc.inception, (*key, scope.measure_member.local
                                    if scope.measure_member else None), fact)
        else:
            acc.skip(fact, "text not extracted")
        return
    if local == "ProspectusDate" and scope.class_key is None:
        acc.put(acc.prospectus_date, scope.series_key, fact)
    elif local in _SERIES_TEXT and scope.class_key is None:
        acc.put(acc.series_text.setdefault(scope.series_key, {}), _SERIES_TEXT[local], fact)
    elif local in _BAR_CHART_DATES:
        acc.put(acc.bar_dates, (*key, _BAR_CHART_DATES[local]), fact)
    elif local in ("AverageAnnualReturnInceptionDate", "PerfInceptionDate"):
        acc.put(acc.inception, (*key, None), fact)
    else:
        acc.skip(fact, "text not extracted")


def _map_average(acc: _Acc, fact: Fact, scope: _Scope, horizon: str) -> None:
    member = scope.measure_member
    index = None
    if member is not None:
        rr_member = RR_NAMESPACE.fullmatch(member.namespace or "")
        if rr_member and member.local in _MEASURES:
            if scope.class_key is None and scope.series_key is None:
                acc.skip(fact, "after-tax return without series or class")
                return
        elif rr_member:
            acc.skip(fact, f"unknown rr performance member {member.local}")
            return
        elif scope.class_key is not None:
            acc.skip(fact, f"class context with filer performance member {member.local}: "
                           "fund or index unclear")
            return
        else:
            index = member.local
    acc.put(acc.averages, (scope.series_key, scope.class_key,
                           member.local if member is not None else None, index, horizon), fact)


def _map_oef_return(acc: _Acc, fact: Fact, ctx: Context) -> None:
    """oef-integrated returns, read as the shareholder-report slice reads the same
    concepts: the period is the fact's own context (``AvgAnnlRtrPct`` over start..end,
    named 1y / 5y / 10y / since_inception from its dates; ``AnnlRtrPct`` a calendar
    year ending on the context end), an index by its ``oef:BroadBasedIndexAxis`` /
    ``AdditionalIndexAxis`` member (or, as in rr, a filer performance member without a
    class), after-tax measures by rr's performance members."""
    scope = _scope(ctx)
    index_member = ctx.member(*OEF_INDEX_AXES)
    other = [a for a in scope.other_axes if a.split("}")[-1].split(":")[-1]
             not in OEF_INDEX_AXES]
    period = ctx.period
    if other:
        acc.skip(fact, f"unrecognized axis {', '.join(other)}")
        return
    if period.start is None or period.end is None:
        acc.skip(fact, "oef return without a duration context")
        return
    if not acc.number_ok(fact):
        return
    member = scope.measure_member
    measure = member.local if member is not None else None
    index = index_member.local if index_member is not None else None
    if member is not None and not RR_NAMESPACE.fullmatch(member.namespace or ""):
        if scope.class_key is not None or index is not None:
            acc.skip(fact, f"class context with filer performance member {member.local}: "
                           "fund or index unclear")
            return
        index, measure = member.local, None
    elif member is not None and member.local not in _MEASURES:
        acc.skip(fact, f"unknown rr performance member {member.local}")
        return
    if fact.concept.local == "AnnlRtrPct":
        if index is not None or measure is not None:
            acc.skip(fact, "calendar-year return of an index or after taxes")
            return
        acc.put(acc.bar, (scope.series_key, scope.class_key, "calendar_year",
                          period.end.year), fact)
        return
    acc.put(acc.oef_averages, (scope.series_key, scope.class_key, measure, index,
                               period.start, period.end), fact)


def _oef_average_returns(acc: _Acc, ids: "_Ids", used: set) -> list[AverageAnnualReturn]:
    from etf_assets.ncsr.tsr import return_period

    out = []
    for (series_key, class_key, measure, index, start, end), f in acc.oef_averages.items():
        ikey = next((k for k in ((series_key, class_key, measure),
                                 (series_key, class_key, None)) if k in acc.inception), None)
        inception = None
        if ikey is not None:
            used.add(ikey)
            inception = _date(acc.inception[ikey])
        horizon = return_period(start, end, inception)
        if horizon not in ("1y", "5y", "10y", "since_inception"):
            acc.skip(f, f"average annual return over {horizon}: not a table period")
            continue
        sid = ids.series_id(series_key, class_key)
        out.append(AverageAnnualReturn(
            series_id=sid, class_id=None if index else _id(_CLASS_ID, class_key),
            subject="index" if index else "fund",
            measure=None if index else _MEASURES.get(measure or "", "before_taxes"),
            index_member=index, index_name=_index_name(f) if index else None,
            horizon=horizon, value=_num(f),  # type: ignore[arg-type]
            inception_date=inception if horizon == "since_inception" else None,
            periods_ended=end))
    return out


def _date(fact: Fact) -> date | None:
    """A date fact's value without recording it as skipped (its own reader does)."""
    try:
        return date.fromisoformat(str(fact.value).strip())
    except ValueError:
        return None


class _Ids:
    """Series / class ids and tickers from member names, including the series of a class
    tagged in a class-only context (from the contexts pairing that class with a series)."""

    def __init__(self, acc: _Acc) -> None:
        pairs: dict[str, set[str]] = {}
        members: dict[str, None] = {}
        for ctx in acc.doc.contexts.values():
            cls = ctx.member(*CLASS_AXES)
            if cls is None:
                continue
            members[cls.local] = None
            series = ctx.member(*SERIES_AXES)
            if series is not None:
                pairs.setdefault(cls.local, set()).add(series.local)
        for c, s in pairs.items():
            if len(s) > 1:
                acc.skipped.append(Skipped("-", None, f"class {c} appears under several "
                                                      f"series {sorted(s)}: series left empty"))
        self.class_to_series = {c: next(iter(s)) for c, s in pairs.items() if len(s) == 1}
        self.class_members = tuple(members)
        self.tickers = acc.tickers

    def series_id(self, series_key: str | None, class_key: str | None) -> str | None:
        key = series_key or (self.class_to_series.get(class_key) if class_key else None)
        return _id(_SERIES_ID, key)

    def ticker(self, class_key: str | None) -> str | None:
        fact = self.tickers.get(class_key) if class_key else None
        return fact.value.strip() if fact is not None and isinstance(fact.value, str) else None

    def classes(self) -> tuple[ShareClass, ...]:
        ordered = sorted(self.class_members, key=lambda m: (self.series_id(None, m) or "", m))
        return tuple(ShareClass(_id(_CLASS_ID, m), m, self.series_id(None, m), self.ticker(m))
                     for m in ordered)


def _fee_tables(acc: _Acc, ids: _Ids) -> tuple[FeeTable, ...]:
    keys = sorted(set(acc.fees) | set(acc.components) | set(acc.holder_fees) | set(acc.examples),
                  key=lambda k: (ids.series_id(*k) or "", k[1] or "", k[0] or ""))
    tables = []
    for key in keys:
        series_key, class_key = key
        examples = sorted(acc.examples.get(key, {}).items(), key=lambda i: (not i[0][1], i[0][0]))
        tables.append(FeeTable(
            series_id=ids.series_id(series_key, class_key), class_id=_id(_CLASS_ID, class_key),
            class_member=class_key, ticker=ids.ticker(class_key),
            **{name: _num(f) for name, f in acc.fees.get(key, {}).items()},
            other_components=tuple((c, _num(f)) for c, f in acc.components.get(key, {}).items()),
            shareholder_fees=tuple(ShareholderFee(c, _num(f), _unit_name(acc.doc, f))
                                   for c, f in acc.holder_fees.get(key, {}).items()),
            expense_examples=tuple(
                ExpenseExample(years, redemption, _num(f), _unit_name(acc.doc, f))
                for (years, redemption), f in examples),
        ))
    return tuple(tables)


def _bar_chart(acc: _Acc, ids: _Ids) -> tuple[tuple[BarChartReturn, ...], dict[str | None, int]]:
    """The bar-chart figures, and each series' last calendar year (for periods_ended)."""
    out = []
    last_year: dict[str | None, int] = {}
    for (series_key, class_key, kind, year), f in acc.bar.items():
        sid = ids.series_id(series_key, class_key)
        if year is not None:
            as_of: date | None = date(year, 12, 31)
            last_year[sid] = max(last_year.get(sid, 0), year)
        else:
            as_of = acc.date_of(acc.bar_dates.pop((series_key, class_key, kind), None))
        out.append(BarChartReturn(sid, _id(_CLASS_ID, class_key), kind,  # type: ignore[arg-type]
                                  year, as_of, _num(f)))
    for f in acc.bar_dates.values():
        acc.skip(f, "bar-chart date without its return")
    return tuple(out), last_year


def _average_returns(acc: _Acc, ids: _Ids, last_year: dict[str | None, int],
                     inception_used: set[tuple[str | None, str | None, str | None]]
                     ) -> tuple[AverageAnnualReturn, ...]:
    out = []
    for (series_key, class_key, member, index, horizon), f in acc.averages.items():
        sid = ids.series_id(series_key, class_key)
        inception = None
        if horizon == "since_inception":
            # the row's own context first, then its class (or series) without measure
            for ikey in ((series_key, class_key, member), (series_key, class_key, None)):
                if ikey in acc.inception:
                    inception = acc.inception[ikey]
                    inception_used.add(ikey)
                    break
        out.append(AverageAnnualReturn(
            series_id=sid, class_id=None if index else _id(_CLASS_ID, class_key),
            subject="index" if index else "fund",
            measure=None if index else _MEASURES.get(member or "", "before_taxes"),
            index_member=index, index_name=_index_name(f) if index else None,
            horizon=horizon, value=_num(f),  # type: ignore[arg-type]
            inception_date=acc.date_of(inception),
            periods_ended=date(last_year[sid], 12, 31) if sid in last_year else None))
    for ikey, f in acc.inception.items():
        if ikey not in inception_used:
            acc.skip(f, "inception date without a since-inception return")
    return tuple(out)


def _series(acc: _Acc, ids: _Ids, classes: tuple[ShareClass, ...]
            ) -> tuple[SeriesSummary, ...]:
    keys = (set(acc.series_text) | {k[0] for k in acc.fees} | set(ids.class_to_series.values())
            | {k for k in acc.prospectus_date if k})
    out = []
    for series_key in sorted(keys, key=lambda k: (k is None, k or "")):
        text = acc.series_text.get(series_key, {})
        turnover = text.get("portfolio_turnover")
        sid = _id(_SERIES_ID, series_key)
        out.append(SeriesSummary(
            series_id=sid, member=series_key,
            objective=_text(text.get("objective")),
            objective_secondary=_text(text.get("objective_secondary")),
            strategy=_text(text.get("strategy")),
            portfolio_turnover=_num(turnover) if turnover is not None else None,
            prospectus_date=acc.date_of(acc.prospectus_date.get(series_key))
            if series_key else None,
            class_ids=tuple(c.class_id or c.member for c in classes
                            if sid is not None and c.series_id == sid)))
    return tuple(out)


def parse_485bpos(data: bytes) -> Prospectus:
    """Fee tables, expense examples, performance and objective/strategy of an inline
    XBRL 485BPOS; raises :class:`ProspectusError` for anything that is not one."""
    try:
        doc = parse_inline_xbrl(data)
    except InlineXbrlError as exc:
        raise ProspectusError(f"not an inline XBRL prospectus (485BPOS): {exc}") from None
    if not any(RR_NAMESPACE.fullmatch(f.concept.namespace or "") for f in doc.facts):
        raise ProspectusError("inline XBRL document without rr/oef risk/return facts: "
                              "not a tagged 485BPOS")
    doc_types = {f.value for f in doc.by_local("DocumentType")
                 if DEI_NAMESPACE.fullmatch(f.concept.namespace or "")}
    if any(isinstance(t, str) and t.strip().startswith("N-CSR") for t in doc_types):
        raise ProspectusError(f"dei:DocumentType {sorted(map(str, doc_types))}: a shareholder "
                              "report, not a prospectus")
    acc = _Acc(doc)
    for fact in doc.facts:
        _map_fact(acc, fact)
    ids = _Ids(acc)
    classes = ids.classes()
    fee_tables = _fee_tables(acc, ids)
    bar_chart, last_year = _bar_chart(acc, ids)
    oef_used: set[tuple[str | None, str | None, str | None]] = set()
    oef_averages = _oef_average_returns(acc, ids, oef_used)
    averages = _average_returns(acc, ids, last_year, oef_used) + tuple(oef_averages)
    series = _series(acc, ids, classes)
    dei = acc.dei
    flag = _text(dei.get("AmendmentFlag"))
    period_end = acc.date_of(dei.get("DocumentPeriodEndDate"))
    prospectus_date = acc.date_of(acc.prospectus_date.get(None))
    mapped = acc.finish()  # every fact is mapped, a duplicate or skipped
    return Prospectus(
        document_type=_text(dei.get("DocumentType")),
        amendment=None if flag is None else flag.strip().lower() == "true",
        amendment_description=_text(dei.get("AmendmentDescription")),
        cik=_text(dei.get("EntityCentralIndexKey")),
        registrant_name=_text(dei.get("EntityRegistrantName")),
        investment_company_type=_text(dei.get("EntityInvCompanyType")),
        period_end=period_end, prospectus_date=prospectus_date,
        taxonomy=next((f.concept.namespace for f in doc.facts
                       if RR_NAMESPACE.fullmatch(f.concept.namespace or "")), None),
        series=series, classes=classes, fee_tables=fee_tables, bar_chart=bar_chart,
        average_returns=averages, skipped=tuple(acc.skipped), duplicates=acc.duplicates,
        fact_count=len(doc.facts), mapped=mapped)


_NO_DEDUCTION = re.compile(r"\s*\((?:reflects )?no deduction[^)]*\)\s*$", re.IGNORECASE)


def _index_name(fact: Fact) -> str | None:
    """The index's name as its table row shows it, without a trailing "(reflects no
    deduction for fees, expenses or taxes)" note (rr tags that note separately)."""
    label = fact.row_label
    if not label:
        return None
    return _NO_DEDUCTION.sub("", label).strip() or label


def summarize(p: Prospectus) -> dict[str, Any]:
    """What `etf-pipeline parse` could print for a prospectus."""
    def s(v: Any) -> Any:
        return str(v) if isinstance(v, (Decimal, date)) else v

    return {
        "document_type": p.document_type, "read_from": p.read_from,
        "amendment": p.amendment, "cik": p.cik,
        "prospectus_date": s(p.prospectus_date), "period_end": s(p.period_end),
        "series": len(p.series), "classes": len(p.classes),
        "portfolio_turnover": {x.series_id or "(no series id)": s(x.portfolio_turnover)
                               for x in p.series
                               if x.portfolio_turnover is not None},
        "fee_tables": [{"class_id": t.class_id, "ticker": t.ticker,
                        "total": s(t.total_annual_expenses), "net": s(t.net_expenses),
                        "shareholder_fees": {f.concept: s(f.value) for f in t.shareholder_fees},
                        "examples": {f"{e.years}y{'' if e.redemption else '_kept'}": s(e.amount)
                                     for e in t.expense_examples}}
                       for t in p.fee_tables],
        "average_returns": [
            {"class_id": a.class_id, "class_name": a.class_name, "subject": a.subject,
             "measure": a.measure, "index": a.index_name or a.index_member,
             "period": a.horizon, "value": s(a.value), "periods_ended": s(a.periods_ended),
             "inception_date": s(a.inception_date)} for a in p.average_returns],
        "facts": p.fact_count, "mapped": p.mapped, "skipped": p.skipped_reasons(),
    }
