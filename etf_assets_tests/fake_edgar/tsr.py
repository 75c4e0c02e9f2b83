"""Deterministic synthetic N-CSR / N-CSRS documents for the fake EDGAR: Item 1 is one
tailored shareholder report (TSR) per share class in inline XBRL, SEC's oef-2025
taxonomy; Item 7 holds each class's Financial Highlights table (:mod:`.highlights`).

Three layers, as :mod:`.prospectus` (tests compare a parse with what was meant):

* :func:`plan_ncsr` - the numbers and texts of one document (:class:`NcsrPlan`), a pure
  function of its arguments (seeded ``random.Random``, no clock). Values are what a
  correct reader returns: ratios (0.0009 = 0.09%), dollars, whole counts;
* :func:`render_ncsr_html` - the XHTML + iXBRL bytes of a plan;
* :func:`generate_ncsr_html` - both in one call.

Tagging conventions (checked against oef-2025.xsd by ``etf_assets_tests/xbrl_check.py``):

* namespaces: ``oef`` = http://xbrl.sec.gov/oef/2025, ``dei`` = .../dei/2025,
  ``us-gaap`` = http://fasb.org/us-gaap/2025, ixt 2020-02-12, ixt-sec 2015-08-31 and the
  filer extension ``fks`` (:attr:`NcsrPlan.ext_namespace`);
* cover facts in ``ix:hidden``, context = the document: no segment, the report period
  (``period_start`` .. ``period_end``): dei:DocumentType (N-CSR / N-CSRS; an amendment
  keeps it and says ``dei:AmendmentFlag`` true plus ``dei:AmendmentDescription``),
  dei:EntityCentralIndexKey, dei:EntityRegistrantName, dei:EntityInvCompanyType (N-1A),
  dei:DocumentPeriodEndDate;
* class scope: ``oef:ClassAxis`` = ``fks:C000000000Member`` and nothing else (no series
  axis, as real TSRs); an index adds ``oef:BroadBasedIndexAxis`` or
  ``oef:AdditionalIndexAxis`` (``fks:...IndexMember``, or us-gaap's
  ``StandardPoors500IndexMember`` which oef-2025 puts in the broad-based domain); a
  holdings row adds ``oef:IndustrySectorAxis`` / ``GeographicRegionAxis`` /
  ``LargestHoldingAxis`` (oef's own sector members where the taxonomy has one, else
  ``fks:...Member``). ``undimensioned=True`` (a one-class document) drops the class
  member: its facts sit in the document context;
* periods follow each concept's periodType: durations (the report period) for
  expenses, names, statistics, premium/discount days; instants at ``period_end`` for
  us-gaap:AssetsNet, oef:HoldingsCount and the holdings percentages; returns over
  their own span (1/5/10 years: the day after the same date n years earlier ..
  ``period_end``; since inception: oef:PerfInceptionDate .. ``period_end``);
* growth of $10,000: ``oef:AccmVal`` (oef-2025 deprecates ``oef:AcctVal``, "Account
  Value (Deprecated 2024-07-31)", for the duration concept ``AccmVal``): a duration from
  the graph's first date (the initial $10,000) to the point's date;
  ``line_graph_concept="AcctVal"`` writes the deprecated instant concept instead;
* numbers: ``ixt:num-dot-decimal``; ratios ``unitRef="pure"`` in percent with
  ``scale="-2"`` (decimals 4 for expense ratios and returns, 3 for holdings, 2 for
  turnover), negatives in parentheses with ``sign="-"``; dollars ``unitRef="USD"``
  ``decimals="0"`` (net assets of some series in millions: ``scale="6"``
  ``decimals="-6"``); counts ``unitRef="pure"`` ``decimals="0"``; dates
  ``ixt:date-monthname-day-year-en`` or ``ixt:date-month-day-year``;
* one text block per class is split with ``continuedAt`` / ``ix:continuation``
  (oef:FactorsAffectingPerfTextBlock in annual reports, oef:AddlInfoTextBlock in
  semiannual ones); context ids are opaque (``c-1``, ``c-2``...).

An N-CSRS (``semiannual=True``) has no returns, no line graph and no discussion of
performance (semiannual TSRs omit them); expenses are the six months' dollars with the
annualized ratio. Values per series (net assets, holdings, turnover, advisory fees,
premium/discount days) are repeated in each class's report, as real TSRs do.
"""

from __future__ import annotations

import datetime as _dt
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any, Mapping, Sequence

from etf_assets_tests.fake_edgar.highlights import (
    DISTRACTORS,
    STYLES,
    GeneratedTable,
    highlights_table,
)
from etf_assets_tests.fake_edgar.ixbrl import FactWriter, inline_document

__all__ = [
    "NcsrPlan",
    "TsrClassPlan",
    "TsrHolding",
    "TsrReturn",
    "generate_ncsr_html",
    "plan_ncsr",
    "render_ncsr_html",
]

OEF_NS = "http://xbrl.sec.gov/oef/2025"
DEI_NS = "http://xbrl.sec.gov/dei/2025"
US_GAAP_NS = "http://fasb.org/us-gaap/2025"
EXT_PREFIX = "fks"

#: build.GeneratedSeries exchanges (MIC) -> dei:SecurityExchangeName (EDGAR exchange code).
EXCHANGE_CODES = {"ARCX": "NYSEArca", "XNAS": "NASDAQ", "BATS": "CboeBZX", "XNYS": "NYSE"}
EXCHANGE_NAMES = {"NYSEArca": "NYSE Arca, Inc.", "NASDAQ": "The Nasdaq Stock Market LLC",
                  "CboeBZX": "Cboe BZX Exchange, Inc.", "NYSE": "New York Stock Exchange"}
#: Members the taxonomies define (everything else is in the filer extension).
OEF_SECTOR_MEMBERS = frozenset((
    "ConsumerStaplesSectorMember", "ConsumerDiscretionarySectorMember",
    "IndustrialSectorMember", "CommunicationsSectorMember", "MaterialsSectorMember",
    "UtilitiesSectorMember", "InformationTechnologySectorMember",
    "UnclassifiedSectorMember"))
US_GAAP_INDEX_MEMBERS = frozenset(("StandardPoors500IndexMember",))
INDEX_AXES = {"broad_based": "BroadBasedIndexAxis", "additional": "AdditionalIndexAxis"}

_SECTORS = (  # (label as printed, member local)
    ("Information Technology", "InformationTechnologySectorMember"),
    ("Financials", "FksFinancialsSectorMember"),
    ("Health Care", "FksHealthCareSectorMember"),
    ("Consumer Discretionary", "ConsumerDiscretionarySectorMember"),
    ("Communication Services", "CommunicationsSectorMember"),
    ("Industrials", "IndustrialSectorMember"),
    ("Consumer Staples", "ConsumerStaplesSectorMember"),
    ("Energy", "FksEnergySectorMember"),
    ("Utilities", "UtilitiesSectorMember"),
    ("Real Estate", "FksRealEstateSectorMember"),
    ("Materials", "MaterialsSectorMember"),
)
_REGIONS = (("United States", "FksUnitedStatesMember"), ("Europe", "FksEuropeMember"),
            ("Asia Pacific", "FksAsiaPacificMember"), ("Canada", "FksCanadaMember"),
            ("Emerging Markets", "FksEmergingMarketsMember"))
_COMPANIES = ("Apple Inc.", "Microsoft Corp.", "NVIDIA Corp.", "Amazon.com, Inc.",
              "Alphabet Inc., Class A", "Meta Platforms, Inc.", "Broadcom Inc.",
              "Berkshire Hathaway Inc., Class B", "JPMorgan Chase & Co.", "Eli Lilly & Co.",
              "Exxon Mobil Corp.", "Visa Inc., Class A", "UnitedHealth Group Inc.",
              "Costco Wholesale Corp.", "Procter & Gamble Co.")
_MONTHS = ("January February March April May June July August September October "
           "November December").split()
_BP = Decimal("0.0001")
_HORIZON_YEARS = {"1y": 1, "5y": 5, "10y": 10}
_HORIZON_LABELS = {"1y": "1 Year", "5y": "5 Years", "10y": "10 Years",
                   "since_inception": "Since Inception"}
# oef:shareholderReportTypeItemType is a pattern, not a list:
# ([Ss]emi[^A-Za-z0-9]+)?[Aa]nnual\s+[Ss]hareholder\s+[Rr]eport ("Semiannual ..." fails)
_SEMI_LABELS = ("Semi-Annual Shareholder Report", "Semi-annual shareholder report",
                "Semi-Annual Shareholder Report")
_ANNUAL_LABELS = ("Annual Shareholder Report", "annual shareholder report",
                  "Annual Shareholder Report")


# --------------------------------------------------------------------------- plan


@dataclass(frozen=True)
class TsrReturn:
    subject: str  # "fund" | "index"
    index_axis: str | None  # "broad_based" | "additional" | None (fund)
    index_member: str | None  # member local name, e.g. "FksSP500IndexMember"
    index_name: str | None  # oef:LineGraphAndTableMeasureName of that index
    start: _dt.date  # context startDate
    end: _dt.date  # context endDate (= report period end)
    period: str  # "1y" | "5y" | "10y" | "since_inception"
    value: Decimal  # ratio: 0.1234 = 12.34%


@dataclass(frozen=True)
class TsrHolding:
    axis: str  # "IndustrySectorAxis" | "GeographicRegionAxis" | "LargestHoldingAxis"
    member: str  # member local name (oef's where it has one, else extension)
    label: str  # the row text printed in the HTML table
    measure: str  # "PctOfNav" | "PctOfTotalInv"
    value: Decimal  # ratio


@dataclass(frozen=True)
class TsrClassPlan:
    class_id: str
    series_id: str
    fund_name: str
    class_name: str
    ticker: str | None
    exchange: str | None  # dei:SecurityExchangeName as tagged ("NYSEArca"); None: not listed
    is_etf: bool
    period_start: _dt.date
    period_end: _dt.date
    expenses_paid: Decimal  # oef:ExpensesPaidAmt, dollars on $10,000 (whole dollars)
    expense_ratio: Decimal  # oef:ExpenseRatioPct, ratio (annualized)
    net_assets: Decimal  # us-gaap:AssetsNet, dollars, instant at period_end
    holdings_count: int  # oef:HoldingsCount (instant)
    portfolio_turnover: Decimal  # us-gaap:InvestmentCompanyPortfolioTurnover, ratio
    advisory_fees_paid: Decimal  # oef:AdvisoryFeesPaidAmt, dollars
    inception: _dt.date  # oef:PerfInceptionDate
    premium_days: int | None  # oef:EtfPremiumNumDays (ETFs only)
    discount_days: int | None  # oef:EtfDiscountNumDays (ETFs only)
    returns: tuple[TsrReturn, ...]
    # (subject "fund"|"index", index member or None, as_of, dollars): growth of $10,000
    line_graph: tuple[tuple[str, str | None, _dt.date, Decimal], ...]
    holdings: tuple[TsrHolding, ...]
    # how the report is printed (render is a pure function of the plan)
    report_type: str = "Annual Shareholder Report"  # oef:ShareholderReportAnnualOrSemiAnnual
    graph_label: str | None = None  # the fund's oef:LineGraphAndTableMeasureName, if tagged
    ticker_hidden: bool = False  # dei:TradingSymbol in ix:hidden, not in the heading
    net_assets_in_millions: bool = False  # "$1,235" (in millions), scale 6
    graph_hidden: bool = False  # graph facts in ix:hidden (a picture on the page)
    numeric_dates: bool = False  # PerfInceptionDate as 03/14/2023 (date-month-day-year)
    text_parts: tuple[str, str] = ("", "")  # the continued text block, two parts

    @property
    def graph_start(self) -> _dt.date | None:
        return min((p[2] for p in self.line_graph), default=None)


@dataclass(frozen=True)
class NcsrPlan:
    cik: str
    reg_name: str
    document_type: str  # "N-CSR" | "N-CSRS"
    period_end: _dt.date
    amendment: bool
    classes: tuple[TsrClassPlan, ...]
    highlights: tuple[GeneratedTable, ...]  # one per class, in class order
    ext_prefix: str
    ext_namespace: str
    undimensioned: bool = False  # one class, no oef:ClassAxis
    line_graph_concept: str = "AccmVal"  # or the deprecated "AcctVal" (instant)
    fiscal_year_end: tuple[int, int] = (6, 30)

    @property
    def semiannual(self) -> bool:
        return self.document_type == "N-CSRS"

    @property
    def period_start(self) -> _dt.date:
        return self.classes[0].period_start


# --------------------------------------------------------------------------- dates


def _minus_years(d: _dt.date, n: int) -> _dt.date:
    try:
        return d.replace(year=d.year - n)
    except ValueError:  # Feb 29
        return d.replace(year=d.year - n, day=28)


def _month_end(year: int, month: int) -> _dt.date:
    nxt = _dt.date(year + month // 12, month % 12 + 1, 1)
    return nxt - _dt.timedelta(days=1)


def _shift_months(d: _dt.date, months: int) -> _dt.date:
    y, m = divmod(d.year * 12 + d.month - 1 + months, 12)
    end = _month_end(y, m + 1)
    if d == _month_end(d.year, d.month):
        return end
    return end if d.day > end.day else _dt.date(y, m + 1, d.day)


def _day_after(d: _dt.date) -> _dt.date:
    return d + _dt.timedelta(days=1)


def horizon_start(end: _dt.date, years: int) -> _dt.date:
    """First day of the n-year period ending `end`: 2024-07-01 for 1 year to 2025-06-30."""
    return _day_after(_minus_years(end, years))


def _long_date(d: _dt.date) -> str:
    return f"{_MONTHS[d.month - 1]} {d.day}, {d.year}"


# --------------------------------------------------------------------------- drawing


def _get(obj: Any, key: str, default: Any = None) -> Any:
    return obj.get(key, default) if isinstance(obj, Mapping) else getattr(obj, key, default)


def _bp(rng: random.Random, lo: int, hi: int) -> Decimal:
    return Decimal(rng.randint(lo, hi)) * _BP


def _q(x: Decimal, unit: Decimal) -> Decimal:
    return x.quantize(unit, ROUND_HALF_UP)


def _power(base: Decimal, exponent: Decimal) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 40
        return (base.ln() * exponent).exp()


@dataclass(frozen=True)
class _Index:
    axis: str  # "broad_based" | "additional"
    member: str
    name: str


@dataclass
class _SeriesDraw:
    """Per-series draws: `static` ones depend on (seed, cik, series) only, so a trust's
    N-CSR and N-CSRS agree on inception dates, indexes and presentation."""

    inceptions: list[_dt.date]
    indexes: list[_Index]
    in_millions: bool
    measure: str
    holdings_axis: str
    largest: bool
    graph_hidden: list[bool]
    ticker_hidden: list[bool]
    graph_labels: list[str | None]
    numeric_dates: list[bool]
    label_variant: int


def _static_draw(rng: random.Random, s: Any, n_classes: int, period_end: _dt.date
                 ) -> _SeriesDraw:
    is_etf = bool(_get(s, "is_etf", True))
    kind = rng.random()
    if kind < 0.35:  # young: 1-year and since-inception returns only
        year = rng.randint(2022, 2023)
    elif kind < 0.6:
        year = rng.randint(2016, 2019)
    else:
        year = rng.randint(2005, 2014)
    first = _dt.date(year, rng.randint(1, 12), rng.randint(5, 25))
    inceptions = [first]
    for _ in range(1, n_classes):
        later = first if rng.random() < 0.5 else first + _dt.timedelta(days=rng.randint(40, 900))
        inceptions.append(_dt.date(later.year, later.month, min(max(later.day, 5), 25)))
    inceptions = [_old_enough(d, period_end) for d in inceptions]
    ticker0 = _get(_get(s, "classes")[0], "ticker") or _get(s, "series_id")
    word = "".join(ch for ch in ticker0 if ch.isalnum()).upper()
    indexes: list[_Index] = []
    if is_etf:
        if rng.random() < 0.4:
            indexes.append(_Index("broad_based", "StandardPoors500IndexMember",
                                  "S&P 500\u00ae Index"))
        else:
            indexes.append(_Index("broad_based", "FksSP500IndexMember", "S&P 500\u00ae Index"))
        if rng.random() < 0.7:
            indexes.append(_Index("additional", f"Fakeshares{word}IndexMember",
                                  f"Fakeshares {word} Index"))
    else:
        indexes.append(_Index("broad_based", "FksBloombergUSAggregateBondIndexMember",
                              "Bloomberg U.S. Aggregate Bond Index"))
        if rng.random() < 0.5:
            indexes.append(_Index("additional", "FksBloombergUSCreditIndexMember",
                                  "Bloomberg U.S. Credit Index"))
    return _SeriesDraw(
        inceptions=inceptions, indexes=indexes, in_millions=rng.random() < 0.35,
        measure="PctOfTotalInv" if rng.random() < 0.25 else "PctOfNav",
        holdings_axis="IndustrySectorAxis" if is_etf else "GeographicRegionAxis",
        largest=rng.random() < 0.5,
        graph_hidden=[rng.random() < 0.4 for _ in range(n_classes)],
        ticker_hidden=[rng.random() < 0.35 for _ in range(n_classes)],
        graph_labels=[rng.choice((None, "NAV", "Market")) for _ in range(n_classes)],
        numeric_dates=[rng.random() < 0.25 for _ in range(n_classes)],
        label_variant=rng.randrange(3))


#: Inception dates are made old enough for this period end too, so the fake EDGAR's
#: N-CSRS (2025-12-31) and N-CSR (2026-06-30) of a trust agree on them.
AGE_ANCHOR = _dt.date(2025, 12, 31)


def _old_enough(inception: _dt.date, period_end: _dt.date) -> _dt.date:
    """At least a year and ten days old at `period_end` and at :data:`AGE_ANCHOR` (a
    1-year return and a fiscal year end in between), never within 3 days of a
    1/5/10-year start."""
    while inception > _minus_years(min(period_end, AGE_ANCHOR), 1) - _dt.timedelta(days=10):
        inception = _minus_years(inception, 1)
    while any(abs((horizon_start(period_end, n) - inception).days) <= 3 for n in (1, 5, 10)):
        inception += _dt.timedelta(days=7)
    return inception


def _fiscal_year_ends(period_end: _dt.date, semiannual: bool, back: int) -> list[_dt.date]:
    """Fiscal year ends, newest first, the newest at or before `period_end`."""
    last = _shift_months(period_end, -6) if semiannual else period_end
    out = [last]
    for _ in range(back):
        out.append(_shift_months(out[-1], -12))
    return out


def _growth(points: list[_dt.date], annual: dict[_dt.date, Decimal]) -> list[Decimal]:
    """Unrounded value of $10,000 at each point; `annual` maps each fiscal year end to the
    return of the year ending there (a partial first year compounds pro rata)."""
    values = [Decimal(10000)]
    for a, b in zip(points, points[1:]):
        r = annual[b]
        days = (b - a).days
        full = (b - _minus_years(b, 1)).days
        factor = 1 + r if days >= full else _power(1 + r, Decimal(days) / Decimal(full))
        values.append(values[-1] * factor)
    return values


def _avg_return(v_end: Decimal, v_start: Decimal, years: Decimal) -> Decimal:
    growth = v_end / v_start
    if years <= 1:
        return _q(growth - 1, _BP)
    return _q(_power(growth, 1 / years) - 1, _BP)


def _weights(rng: random.Random, n: int, total: Decimal, unit: Decimal) -> list[Decimal]:
    raw = sorted((Decimal(str(rng.uniform(0.3, 3.0))) for _ in range(n)), reverse=True)
    s = sum(raw)
    return [max(_q(r / s * total, unit), unit) for r in raw]


def _holdings(rng: random.Random, draw: _SeriesDraw, is_etf: bool) -> tuple[TsrHolding, ...]:
    out: list[TsrHolding] = []
    if draw.holdings_axis == "IndustrySectorAxis":
        rows = rng.sample(_SECTORS, rng.randint(6, len(_SECTORS)))
    else:
        rows = list(_REGIONS[:rng.randint(3, len(_REGIONS))])
    weights = _weights(rng, len(rows), Decimal("0.995"), Decimal("0.001"))
    out += [TsrHolding(draw.holdings_axis, member, label, draw.measure, w)
            for (label, member), w in zip(rows, weights)]
    if draw.largest and is_etf:
        names = rng.sample(_COMPANIES, rng.randint(5, 10))
        tops = sorted((_q(Decimal(str(rng.uniform(0.8, 7.5))) / 100, Decimal("0.001"))
                       for _ in names), reverse=True)
        for name, w in zip(names, tops):
            member = "Fks" + "".join(ch for ch in name.replace("&", "And") if ch.isalnum()) \
                + "Member"
            out.append(TsrHolding("LargestHoldingAxis", member, name, draw.measure, w))
    return tuple(out)


def _text_parts(rng: random.Random, fund: str, semiannual: bool,
                fund_1y: Decimal | None, index_1y: Decimal | None) -> tuple[str, str]:
    if semiannual:
        return (f"This report describes changes to the {fund} that occurred during the "
                "reporting period. Additional information is available in the Fund's "
                "prospectus, financial information, holdings and proxy voting information.",
                "You can also request this information by contacting us at 1-800-555-0100 "
                "or by visiting www.fakeshares.example/documents.")
    move = "rose" if (fund_1y or 0) >= 0 else "fell"
    drivers = rng.sample(["stock selection in information technology",
                          "an overweight to financials", "falling interest rates",
                          "a stronger U.S. dollar", "weakness in energy",
                          "strong earnings growth among large companies"], 2)
    one = (f"For the reporting period, the {fund} {move} "
           f"{abs(fund_1y or 0) * 100:.2f}% at net asset value"
           + (f", while its benchmark returned {(index_1y or 0) * 100:.2f}%" if index_1y
              is not None else "") + f". Performance was driven by {drivers[0]}.")
    two = (f"Returns were also affected by {drivers[1]}. The Fund's expenses reduced its "
           "return relative to the index, which bears no fees or expenses.")
    return one, two


def _plan_series(s: Any, *, cik: str, seed: int, period_end: _dt.date, semiannual: bool
                 ) -> list[TsrClassPlan]:
    sid, fund = _get(s, "series_id"), _get(s, "name")
    is_etf = bool(_get(s, "is_etf", True))
    classes_in = list(_get(s, "classes") or [])
    if not classes_in:
        raise ValueError(f"series {sid} has no classes")
    srng = random.Random(f"N-CSR:static:{seed}:{cik}:{sid}")
    draw = _static_draw(srng, s, len(classes_in), period_end)
    if is_etf:  # expense ratios rarely change: static too
        ratios = [_bp(srng, 3, 75)] * len(classes_in)
    else:
        base = _bp(srng, 45, 95)
        ratios = [base + (Decimal("0.0025") if k == 0 and len(classes_in) > 1 else 0)
                  + _bp(srng, 0, 5) for k in range(len(classes_in))]
    rng = random.Random(f"N-CSR:{seed}:{cik}:{sid}:{period_end.isoformat()}")
    start = (horizon_start(period_end, 1) if not semiannual
             else _day_after(_shift_months(period_end, -6)))
    fyes = _fiscal_year_ends(period_end, semiannual, 11)
    # an index returns the same in every report: drawn from its name and the year only
    index_annual = {ix.member: {d: Decimal(random.Random(f"index:{ix.name}:{d}").randint(
        -2200, 3400)) * _BP for d in fyes} for ix in draw.indexes}
    bench = draw.indexes[-1].member if is_etf and len(draw.indexes) > 1 else \
        draw.indexes[0].member
    tracking = {d: Decimal(rng.randint(-15, 15)) * _BP for d in fyes}
    net_assets = Decimal(rng.randint(40_000_000, 60_000_000_000))
    if draw.in_millions:
        net_assets = _q(net_assets / 1_000_000, Decimal(1)) * 1_000_000
    holdings_count = rng.randint(25, 3500) if is_etf else rng.randint(150, 2200)
    turnover = Decimal(rng.randint(2, 60 if is_etf else 140)) / 100
    fee_share = Decimal("0.5") if semiannual else Decimal(1)
    advisory = _q(net_assets * ratios[0] * Decimal(str(rng.uniform(0.75, 0.98))) * fee_share,
                  Decimal(1))
    trading_days = 126 if semiannual else 251
    if is_etf:
        at_nav = rng.randint(0, 12)
        premium = rng.randint(60, trading_days - at_nav - 40)
        discount = trading_days - at_nav - premium
    holdings = _holdings(rng, draw, is_etf)
    half_year = Decimal(rng.randint(-1200, 1800)) * _BP  # semiannual: the six months
    report_types = (_SEMI_LABELS if semiannual else _ANNUAL_LABELS)
    days = Decimal((period_end - start).days + 1)

    out = []
    for k, c in enumerate(classes_in):
        ratio = ratios[k]
        inception = draw.inceptions[k]
        returns: list[TsrReturn] = []
        graph: list[tuple[str, str | None, _dt.date, Decimal]] = []
        fund_1y = index_1y = None
        if not semiannual:
            fund_annual = {d: index_annual[bench][d] - ratio + tracking[d] for d in fyes}
            graph_start = max(inception, _minus_years(period_end, 10))
            points = [graph_start] + sorted(d for d in fyes if d > graph_start)
            horizons = [h for h, n in _HORIZON_YEARS.items()
                        if horizon_start(period_end, n) > inception]
            if inception > _minus_years(period_end, 10):
                horizons.append("since_inception")
            values = {"fund": _growth(points, fund_annual)}
            for ix in draw.indexes:
                values[ix.member] = _growth(points, index_annual[ix.member])
            at = {d: i for i, d in enumerate(points)}
            for subject, vals in values.items():
                ix = next((x for x in draw.indexes if x.member == subject), None)
                for h in horizons:
                    if h == "since_inception":
                        r_start = inception
                        years = Decimal((period_end - inception).days) / Decimal("365.25")
                        value = _avg_return(vals[-1], vals[0], years)
                    else:
                        n = _HORIZON_YEARS[h]
                        r_start = horizon_start(period_end, n)
                        value = _avg_return(vals[-1], vals[at[_minus_years(period_end, n)]],
                                            Decimal(n))
                    returns.append(TsrReturn(
                        "index" if ix else "fund", ix.axis if ix else None,
                        ix.member if ix else None, ix.name if ix else None,
                        r_start, period_end, h, value))
                for d, v in zip(points, vals):
                    graph.append(("index" if ix else "fund", ix.member if ix else None, d,
                                  _q(v, Decimal(1))))
            fund_1y = next(r.value for r in returns if r.subject == "fund" and r.period == "1y")
            index_1y = next((r.value for r in returns if r.index_member == bench
                             and r.period == "1y"), None)
            growth = fund_1y
            paid = _q(Decimal(10000) * ratio * (1 + growth / 2), Decimal(1))
        else:
            paid = _q(Decimal(10000) * ratio * days / 365 * (1 + half_year / 2), Decimal(1))
        ticker = _get(c, "ticker")
        exchange = EXCHANGE_CODES.get(_get(s, "exchange") or "") if is_etf and ticker else None
        label = {None: None, "NAV": f"{_get(c, 'name')} NAV",
                 "Market": f"{_get(c, 'name')} (at net asset value)"}[draw.graph_labels[k]]
        out.append(TsrClassPlan(
            class_id=_get(c, "class_id"), series_id=sid, fund_name=fund,
            class_name=_get(c, "name"), ticker=ticker, exchange=exchange, is_etf=is_etf,
            period_start=start, period_end=period_end, expenses_paid=paid,
            expense_ratio=ratio, net_assets=net_assets, holdings_count=holdings_count,
            portfolio_turnover=turnover, advisory_fees_paid=advisory, inception=inception,
            premium_days=premium if is_etf else None,
            discount_days=discount if is_etf else None,
            returns=tuple(returns), line_graph=tuple(graph), holdings=holdings,
            report_type=report_types[draw.label_variant],
            graph_label=label if not semiannual else None,
            ticker_hidden=draw.ticker_hidden[k] and ticker is not None,
            net_assets_in_millions=draw.in_millions,
            graph_hidden=draw.graph_hidden[k], numeric_dates=draw.numeric_dates[k],
            text_parts=_text_parts(rng, fund, semiannual, fund_1y, index_1y)))
    return out


def _highlights(plan_classes: Sequence[TsrClassPlan], *, cik: str, seed: int,
                period_end: _dt.date, semiannual: bool, style: str | None
                ) -> tuple[GeneratedTable, ...]:
    drawn = STYLES[random.Random(f"N-CSR:style:{seed}:{cik}").randrange(len(STYLES))]
    style = style or drawn
    last_fye = _fiscal_year_ends(period_end, semiannual, 0)[0]
    out = []
    for c in plan_classes:
        fyes = [d for d in _fiscal_year_ends(period_end, semiannual, 20) if d > c.inception]
        years = min(5, len(fyes))
        hseed = random.Random(f"N-CSR:highlights:{seed}:{cik}:{c.class_id}").randrange(10**6)
        out.append(highlights_table(
            hseed, style, years=years, semiannual=semiannual,
            first_period=len(fyes) <= 5, split=style == "spdr" and hseed % 3 == 0,
            last_fiscal_year=last_fye.year, fund_name=c.fund_name, class_name=c.class_name,
            fiscal_year_end=(last_fye.month, last_fye.day), inception=c.inception,
            net_expense_pct=c.expense_ratio * 100))
    return tuple(out)


def plan_ncsr(*, cik: str | int, reg_name: str, series: Sequence[Any], period_end: _dt.date,
              semiannual: bool, seed: int, amendment: bool = False,
              undimensioned: bool = False, line_graph_concept: str = "AccmVal",
              highlights_style: str | None = None) -> NcsrPlan:
    """The contents of one N-CSR (annual) or N-CSRS (``semiannual``), deterministic in
    the arguments.

    `series`: dicts (or ``build.GeneratedSeries``) with ``series_id``, ``name``,
    ``is_etf``, ``exchange`` (a MIC: ARCX, XNAS, BATS) and ``classes`` (dicts with
    ``class_id``, ``name``, ``ticker``); every class of every series gets a report.
    ``undimensioned``: the document's only class is tagged without oef:ClassAxis (as
    filers of single-class funds do); ValueError with more than one class.
    ``highlights_style``: the fund family layout of the Financial Highlights (one of
    ``highlights.STYLES``; default: drawn per trust).
    """
    if highlights_style is not None and highlights_style not in STYLES:
        raise ValueError(f"highlights style {highlights_style!r} is not one of {STYLES}")
    cik10 = f"{int(cik):010d}"
    if period_end != _month_end(period_end.year, period_end.month):
        raise ValueError(f"period end {period_end}: month ends only (fiscal year ends)")
    if line_graph_concept not in ("AccmVal", "AcctVal"):
        raise ValueError(f"line graph concept {line_graph_concept!r}: AccmVal or AcctVal")
    classes: list[TsrClassPlan] = []
    for s in series:
        classes += _plan_series(s, cik=cik10, seed=seed, period_end=period_end,
                                semiannual=semiannual)
    if not classes:
        raise ValueError("no classes to report on")
    if undimensioned and len(classes) != 1:
        raise ValueError(f"undimensioned needs exactly one class, not {len(classes)}")
    fye = _fiscal_year_ends(period_end, semiannual, 0)[0]
    return NcsrPlan(
        cik=cik10, reg_name=reg_name, document_type="N-CSRS" if semiannual else "N-CSR",
        period_end=period_end, amendment=amendment, classes=tuple(classes),
        highlights=_highlights(classes, cik=cik10, seed=seed, period_end=period_end,
                               semiannual=semiannual, style=highlights_style),
        ext_prefix=EXT_PREFIX,
        ext_namespace=f"http://www.fakeshares.example/{cik10}/{period_end:%Y%m%d}",
        undimensioned=undimensioned, line_graph_concept=line_graph_concept,
        fiscal_year_end=(fye.month, fye.day))


# --------------------------------------------------------------------------- render


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _pct(ratio: Decimal, places: int) -> str:
    return str(_q(abs(ratio) * 100, Decimal(1).scaleb(-places)))


class _Writer(FactWriter):
    """Collects contexts (opaque ids, one per distinct segment + period), hidden facts and
    fact ids of one document."""

    def __init__(self, plan: NcsrPlan) -> None:
        super().__init__("f-")
        self.plan = plan
        self.contexts: dict[tuple, tuple[str, str]] = {}
        self.hidden: list[str] = []

    def context(self, members: Sequence[tuple[str, str]], *, instant: _dt.date | None = None,
                start: _dt.date | None = None, end: _dt.date | None = None) -> str:
        key = (tuple(members), instant, start, end)
        if key not in self.contexts:
            cid = f"c-{len(self.contexts) + 1}"
            segment = "".join(f'<xbrldi:explicitMember dimension="{axis}">{member}'
                              "</xbrldi:explicitMember>" for axis, member in members)
            segment = f"<xbrli:segment>{segment}</xbrli:segment>" if members else ""
            if instant is not None:
                period = f"<xbrli:instant>{instant.isoformat()}</xbrli:instant>"
            else:
                assert start is not None and end is not None
                period = (f"<xbrli:startDate>{start.isoformat()}</xbrli:startDate>"
                          f"<xbrli:endDate>{end.isoformat()}</xbrli:endDate>")
            self.contexts[key] = (cid, (
                f'<xbrli:context id="{cid}"><xbrli:entity><xbrli:identifier '
                f'scheme="http://www.sec.gov/CIK">{self.plan.cik}</xbrli:identifier>{segment}'
                f"</xbrli:entity><xbrli:period>{period}</xbrli:period></xbrli:context>"))
        return self.contexts[key][0]

    def number(self, concept: str, ctx: str, shown: str, *, unit: str, decimals: str,
               scale: int | None = None, negative: bool = False) -> str:
        attrs = f' scale="{scale}"' if scale is not None else ""
        attrs += ' sign="-"' if negative else ""
        return (f'<ix:nonFraction name="{concept}" contextRef="{ctx}" id="{self.fid()}" '
                f'unitRef="{unit}" decimals="{decimals}"{attrs} format="ixt:num-dot-decimal">'
                f"{shown}</ix:nonFraction>")

    def percent(self, concept: str, ctx: str, ratio: Decimal, places: int) -> str:
        tag = self.number(concept, ctx, _pct(ratio, places), unit="pure",
                          decimals=str(places + 2), scale=-2, negative=ratio < 0)
        return f"({tag})%" if ratio < 0 else f"{tag}%"

    def dollars(self, concept: str, ctx: str, value: Decimal, *, millions: bool = False) -> str:
        if millions:
            shown = f"{int(value / 1_000_000):,}"
            return "$" + self.number(concept, ctx, shown, unit="USD", decimals="-6", scale=6)
        return "$" + self.number(concept, ctx, f"{int(value):,}", unit="USD", decimals="0")

    def count(self, concept: str, ctx: str, value: int) -> str:
        return self.number(concept, ctx, f"{value:,}", unit="pure", decimals="0")


def _row(label: str, cells: Sequence[str], *, head: bool = False) -> str:
    tag = "th" if head else "td"
    return (f"<tr><{tag}>{label}</{tag}>" + "".join(f"<{tag}>{c}</{tag}>" for c in cells)
            + "</tr>\n")


def _class_html(w: _Writer, c: TsrClassPlan, k: int) -> list[str]:
    plan, ext = w.plan, w.plan.ext_prefix
    cls = [] if plan.undimensioned else [("oef:ClassAxis", f"{ext}:{c.class_id}Member")]
    dur = w.context(cls, start=c.period_start, end=c.period_end)
    inst = w.context(cls, instant=c.period_end)
    semi = plan.semiannual

    def index_members(member: str, axis: str) -> list[tuple[str, str]]:
        prefix = "us-gaap" if member in US_GAAP_INDEX_MEMBERS else ext
        return cls + [(f"oef:{INDEX_AXES[axis]}", f"{prefix}:{member}")]

    out = [f'<div style="page-break-before:always" id="tsr-{k}">\n']
    name = w.text("oef:FundName", dur, _esc(c.fund_name))
    cname = w.text("oef:ClassName", dur, _esc(c.class_name))
    ticker = "" if c.ticker is None else (
        f" | {_esc(c.ticker)}" if c.ticker_hidden else
        f" | {w.text('dei:TradingSymbol', dur, _esc(c.ticker))}")
    if c.ticker is not None and c.ticker_hidden:
        w.hidden.append(w.text("dei:TradingSymbol", dur, _esc(c.ticker)))
    listed = ""
    if c.exchange:
        w.hidden.append(w.text("dei:SecurityExchangeName", dur, c.exchange))
        listed = f" | Listed on {_esc(EXCHANGE_NAMES.get(c.exchange, c.exchange))}"
    out.append(f'<p style="font-size:14pt;font-weight:bold">{name}</p>\n'
               f"<p>{cname}{ticker}{listed}</p>\n")
    out.append(f"<p>{w.text('oef:ShareholderReportAnnualOrSemiAnnual', dur, c.report_type)}"
               f" | {_long_date(c.period_end)}</p>\n")
    span = "six months" if semi else "year"
    out.append(f"<p>This {'semi-annual' if semi else 'annual'} shareholder report contains "
               f"important information about {_esc(c.fund_name)} for the period of "
               f"{_long_date(c.period_start)} to {_long_date(c.period_end)}.</p>\n")
    # expenses
    out.append(f"<p><b>What were the Fund costs for the last {span}?</b></p>\n"
               "<p>(based on a hypothetical $10,000 investment)</p>\n<table>\n")
    out.append(_row("Fund name", ["Costs of a $10,000 investment",
                                  "Costs paid as a percentage of a $10,000 investment"],
                    head=True))
    ratio = w.percent("oef:ExpenseRatioPct", dur, c.expense_ratio, 2)
    out.append(_row(_esc(c.class_name), [w.dollars("oef:ExpensesPaidAmt", dur, c.expenses_paid),
                                         ratio + ("<sup>*</sup>" if semi else "")]))
    out.append("</table>\n")
    if semi:
        out.append("<p><sup>*</sup> Annualized.</p>\n")
    # performance (annual reports only)
    cont = f"cont-{k}"
    if not semi:
        out.append("<p><b>How did the Fund perform last year?</b></p>\n")
        out.append(w.text("oef:FactorsAffectingPerfTextBlock", dur,
                          f"<p>{_esc(c.text_parts[0])}</p>", escape=True, continued_at=cont))
        out.append("\n")
        out.extend(_performance_html(w, c, cls, dur, index_members))
        out.append(f'<ix:continuation id="{cont}"><ix:exclude><p>- {k + 1} -</p></ix:exclude>'
                   f"<p>{_esc(c.text_parts[1])}</p></ix:continuation>\n")
    inception = w.text("oef:PerfInceptionDate", dur,
                       f"{c.inception:%m/%d/%Y}" if c.numeric_dates else _long_date(c.inception),
                       fmt="ixt:date-month-day-year" if c.numeric_dates
                       else "ixt:date-monthname-day-year-en")
    if semi or not any(r.period == "since_inception" for r in c.returns):
        out.append(f"<p>The Fund commenced operations on {inception}.</p>\n")
    else:
        out.append(f"<p>Since inception returns are from {inception}.</p>\n")
    # key fund statistics
    out.append("<p><b>Key Fund Statistics</b></p>\n<table>\n")
    label = "Net Assets (in millions)" if c.net_assets_in_millions else "Net Assets"
    out.append(_row(label, [w.dollars("us-gaap:AssetsNet", inst, c.net_assets,
                                      millions=c.net_assets_in_millions)]))
    out.append(_row("Number of Portfolio Holdings",
                    [w.count("oef:HoldingsCount", inst, c.holdings_count)]))
    out.append(_row("Portfolio Turnover Rate", [w.percent(
        "us-gaap:InvestmentCompanyPortfolioTurnover", dur, c.portfolio_turnover, 0)]))
    out.append(_row("Total Advisory Fees Paid",
                    [w.dollars("oef:AdvisoryFeesPaidAmt", dur, c.advisory_fees_paid)]))
    if c.premium_days is not None and c.discount_days is not None:
        out.append(_row("Number of Days at a Premium",
                        [w.count("oef:EtfPremiumNumDays", dur, c.premium_days)]))
        out.append(_row("Number of Days at a Discount",
                        [w.count("oef:EtfDiscountNumDays", dur, c.discount_days)]))
    out.append("</table>\n")
    # holdings
    out.append("<p><b>What did the Fund invest in?</b></p>\n")
    of = "Total Investments" if any(h.measure == "PctOfTotalInv" for h in c.holdings) \
        else "Net Assets"
    titles = {"IndustrySectorAxis": ("Sector Allocation", "Sector"),
              "GeographicRegionAxis": ("Geographic Allocation", "Region"),
              "LargestHoldingAxis": ("Top Ten Holdings", "Holding")}
    for axis in ("IndustrySectorAxis", "GeographicRegionAxis", "LargestHoldingAxis"):
        rows = [h for h in c.holdings if h.axis == axis]
        if not rows:
            continue
        title, col = titles[axis]
        out.append(f"<p>{title} (% of {of})</p>\n<table>\n")
        out.append(_row(col, [f"% of {of}"], head=True))
        for h in rows:
            prefix = "oef" if h.member in OEF_SECTOR_MEMBERS else ext
            ctx = w.context(cls + [(f"oef:{axis}", f"{prefix}:{h.member}")], instant=c.period_end)
            out.append(_row(_esc(h.label), [w.percent(f"oef:{h.measure}", ctx, h.value, 1)]))
        out.append("</table>\n")
    # additional information (semiannual: the continued block)
    out.append("<p><b>Availability of Additional Information</b></p>\n")
    if semi:
        out.append(w.text("oef:AddlInfoTextBlock", dur, f"<p>{_esc(c.text_parts[0])}</p>",
                          escape=True, continued_at=cont))
        out.append(f'\n<ix:continuation id="{cont}"><ix:exclude><p>- {k + 1} -</p>'
                   f"</ix:exclude><p>{_esc(c.text_parts[1])}</p></ix:continuation>\n")
    out.append(f"<p>Website: {w.text('oef:AddlInfoWebsite', dur, 'www.fakeshares.example')}"
               "</p>\n</div>\n")
    return out


def _performance_html(w: _Writer, c: TsrClassPlan, cls: list[tuple[str, str]], dur: str,
                      index_members) -> list[str]:
    plan = w.plan
    indexes: list[tuple[str, str, str]] = []  # (axis, member, name) in order
    for r in c.returns:
        if r.subject == "index" and (r.index_axis, r.index_member, r.index_name) not in indexes:
            indexes.append((r.index_axis, r.index_member, r.index_name))  # type: ignore[arg-type]
    out: list[str] = []
    # growth of $10,000
    start = c.graph_start
    dates = sorted({p[2] for p in c.line_graph})
    series_keys = [("fund", None)] + [("index", m) for _a, m, _n in indexes]
    axis_of = {m: a for a, m, _n in indexes}
    concept = f"oef:{plan.line_graph_concept}"

    def graph_cell(subject: str, member: str | None, d: _dt.date) -> str:
        value = next(p[3] for p in c.line_graph if p[0] == subject and p[1] == member
                     and p[2] == d)
        members = cls if member is None else index_members(member, axis_of[member])
        ctx = (w.context(members, instant=d) if plan.line_graph_concept == "AcctVal"
               else w.context(members, start=start, end=d))
        return w.dollars(concept, ctx, value)

    assert start is not None
    out.append(f"<p><b>Cumulative Performance</b> (initial investment of $10,000, "
               f"{_long_date(start)} to {_long_date(c.period_end)})</p>\n")
    names = [c.graph_label or c.class_name] + [n for _a, _m, n in indexes]
    if c.graph_hidden:
        out.append('<p>[Line graph: the value of a $10,000 investment in the Fund and its '
                   "indexes over the period.]</p>\n")
        for d in dates:
            for subject, member in series_keys:
                w.hidden.append(graph_cell(subject, member, d))
    else:
        out.append("<table>\n" + _row("", [_esc(n) for n in names], head=True))
        for d in dates:
            out.append(_row(f"{d:%m/%d/%y}", [graph_cell(s, m, d) for s, m in series_keys]))
        out.append("</table>\n")
    # average annual total returns
    horizons = [h for h in ("1y", "5y", "10y", "since_inception")
                if any(r.period == h for r in c.returns)]
    out.append("<p><b>Average Annual Total Returns</b></p>\n<table>\n")
    out.append(_row("", [_HORIZON_LABELS[h] for h in horizons], head=True))
    fund_label = (w.text("oef:LineGraphAndTableMeasureName", dur, _esc(c.graph_label))
                  if c.graph_label else _esc(c.class_name))
    fund_ctx = {}
    for r in c.returns:
        if r.subject == "fund":
            fund_ctx[r.period] = w.context(cls, start=r.start, end=r.end)
    out.append(_row(fund_label, [
        w.percent("oef:AvgAnnlRtrPct", fund_ctx[h], next(
            r.value for r in c.returns if r.subject == "fund" and r.period == h), 2)
        for h in horizons]))
    for axis, member, name in indexes:
        members = index_members(member, axis)
        label = w.text("oef:LineGraphAndTableMeasureName",
                       w.context(members, start=c.period_start, end=c.period_end), _esc(name))
        cells = []
        for h in horizons:
            r = next((r for r in c.returns if r.index_member == member and r.period == h), None)
            cells.append("—" if r is None else w.percent(
                "oef:AvgAnnlRtrPct", w.context(members, start=r.start, end=r.end), r.value, 2))
        out.append(_row(label, cells))
    out.append("</table>\n<p>The Fund's past performance is not a good predictor of how the "
               "Fund will perform in the future. The returns do not reflect the deduction of "
               "taxes that a shareholder would pay on fund distributions or redemption of "
               "Fund shares.</p>\n")
    return out


def _cover(plan: NcsrPlan) -> str:
    form = plan.document_type + ("/A" if plan.amendment else "")
    month, day = plan.fiscal_year_end
    return (
        "<div>\n<p>UNITED STATES SECURITIES AND EXCHANGE COMMISSION</p>\n"
        f"<p>FORM {form}</p>\n<p>CERTIFIED SHAREHOLDER REPORT OF REGISTERED MANAGEMENT "
        "INVESTMENT COMPANIES</p>\n"
        f"<p>Investment Company Act file number 811-{int(plan.cik) % 100000:05d}</p>\n"
        f"<p>{_esc(plan.reg_name)}</p>\n"
        f"<p>Date of fiscal year end: {_MONTHS[month - 1]} {day}</p>\n"
        f"<p>Date of reporting period: {_long_date(plan.period_end)}</p>\n</div>\n"
        '<p style="page-break-before:always"><b>Item 1. Reports to Stockholders.</b></p>\n')


def _item7(plan: NcsrPlan) -> str:
    parts = ['<div style="page-break-before:always">\n<p><b>Item 7. Financial Statements and '
             "Financial Highlights for Open-End Management Investment Companies.</b></p>\n"]
    seen_series: set[str] = set()
    for c, table in zip(plan.classes, plan.highlights):
        if c.series_id not in seen_series:
            seen_series.add(c.series_id)
            parts.append(f"<p><b>{_esc(c.fund_name)}</b></p>\n" + DISTRACTORS)
        parts.append('<div style="page-break-before:always">\n'
                     f"<p>{_esc(c.fund_name)} - {_esc(c.class_name)}</p>\n"
                     + table.html + "</div>\n")
    parts.append("<p>Notes to Financial Statements</p>\n<p>1. Organization. The Trust is "
                 "registered under the Investment Company Act of 1940 as an open-end "
                 "management investment company.</p>\n</div>\n"
                 "<p><b>Item 8. Changes in and Disagreements with Accountants for Open-End "
                 "Management Investment Companies.</b></p>\n<p>Not applicable.</p>\n"
                 "<p><b>Item 19. Exhibits.</b></p>\n<p>(a)(2) Certifications are attached."
                 "</p>\n")
    return "".join(parts)


def render_ncsr_html(plan: NcsrPlan) -> bytes:
    """The inline XBRL XHTML of `plan` (UTF-8)."""
    w = _Writer(plan)
    doc_ctx = w.context([], start=plan.period_start, end=plan.period_end)
    body = [_cover(plan)]
    for k, c in enumerate(plan.classes):
        body.extend(_class_html(w, c, k))
    body.append(_item7(plan))
    dei = [("dei:DocumentType", plan.document_type),
           ("dei:AmendmentFlag", "true" if plan.amendment else "false")]
    if plan.amendment:
        dei.append(("dei:AmendmentDescription", "This amendment adds the financial "
                    "statements that were omitted from the original filing."))
    dei += [("dei:EntityCentralIndexKey", plan.cik),
            ("dei:EntityRegistrantName", _esc(plan.reg_name)),
            ("dei:EntityInvCompanyType", "N-1A"),
            ("dei:DocumentPeriodEndDate", plan.period_end.isoformat())]
    return inline_document(
        namespaces={"dei": DEI_NS, "oef": OEF_NS, "us-gaap": US_GAAP_NS,
                    plan.ext_prefix: plan.ext_namespace},
        title=f"{_esc(plan.reg_name)} - Form {plan.document_type}",
        hidden=[w.text(name, doc_ctx, value) for name, value in dei] + w.hidden,
        schema_ref=f"{plan.ext_prefix}-{plan.period_end:%Y%m%d}.xsd",
        contexts=(ctx for _cid, ctx in w.contexts.values()), body=body)


def generate_ncsr_html(*, cik: str | int, reg_name: str, series: Sequence[Any],
                       period_end: _dt.date, semiannual: bool, seed: int,
                       amendment: bool = False, undimensioned: bool = False,
                       line_graph_concept: str = "AccmVal",
                       highlights_style: str | None = None) -> bytes:
    """An inline XBRL N-CSR / N-CSRS (see :func:`plan_ncsr` for the arguments)."""
    return render_ncsr_html(plan_ncsr(
        cik=cik, reg_name=reg_name, series=series, period_end=period_end,
        semiannual=semiannual, seed=seed, amendment=amendment, undimensioned=undimensioned,
        line_graph_concept=line_graph_concept, highlights_style=highlights_style))
