"""Deterministic synthetic 485BPOS documents: inline XBRL risk/return summaries in the SEC
rr taxonomy (rr-2023), for the fake EDGAR.

Three layers, so tests can compare a parse with what was meant, not with a parse:

* :func:`plan_485bpos` - the numbers and texts of one document (:class:`ProspectusPlan`),
  a pure function of its arguments (seeded ``random.Random``, no clock);
* :func:`render_485bpos_html` - the XHTML + iXBRL bytes of a plan;
* :func:`generate_485bpos_html` - both in one call.

What the documents look like (as the real Delaware 485BPOS and SEC's rr01 sample do):

* every concept is an rr-2023 (``http://xbrl.sec.gov/rr/2023``) or dei-2023 element of
  the right item type: ratios are ``pure`` facts written in percent with
  ``scale="-2"`` (0.45% is tagged 0.0045), dollars are ``iso4217:USD`` facts;
* contexts: one registrant context; per series ``dei:LegalEntityAxis`` =
  ``fks:S...Member``; per class that plus ``rr:ProspectusShareClassAxis`` =
  ``fks:C...Member``; after-tax rows add ``rr:PerformanceMeasureAxis`` = rr's
  ``AfterTaxesOnDistributions[AndSales]Member``; an index row is a series context
  with ``rr:PerformanceMeasureAxis`` = ``fks:<Name>IndexMember`` (no class);
* every period is the duration ``period_end``..``period_end`` (rr items are duration);
* fee waivers are negative (``FeeWaiverOrReimbursementOverAssets`` is a NonPositive
  type): ``sign="-"`` on the tag, shown in parentheses; negative returns likewise;
* transformations of ixt 4 (``num-dot-decimal``, ``fixed-zero``,
  ``date-monthname-day-year-en``, ``date-month-day-year``) and ixt-sec
  ``numwordsen`` ("None"); 12b-1 fees of ETFs show as "None", "0.00" or "—";
* dei cover facts and the tickers sit in ``ix:hidden``; each series' strategy text
  block is split in two with ``continuedAt`` / ``ix:continuation``, and the second
  part starts with an ``ix:exclude`` page marker that is not part of the value.

Expense example (``expense_example``): the method the real documents use. Both fixture
documents reproduce with it (all 20 Delaware values; rr01 except its class B, which has
a declining CDSC, and class C's 10-year figure, which reflects conversion to class A):
$10,000 invested (less any front-end load, which is itself a cost), 5% gross return a
year; each year's cost is the year's expense ratio times the average of the starting
and ending balance, the balance growing by (5% - ratio); the net (after waiver) ratio
applies in year 1 only (the waiver is contractual for one year), the gross ratio after;
a contingent deferred sales charge is paid on redemption at the end of year 1. The sum
is rounded half-up to the dollar. Hence 1-year = round(10,000 x r x (1 + (0.05 - r)/2)):
the popular shortcut 10,000 x r x 1.05 overstates it by about 10,000 x r x (0.025 +
r/2), $2.45 for Delaware's DDVIX (r = 0.69%: 70 tagged, 72.45 by the shortcut). Generated
ETF net ratios are at most 0.50%, where the shortcut stays within $2.

EDGAR has no "485BPOS/A" form type (the 2025 Q4 master index lists 485APOS, 485BPOS and
485BXT only): an amended prospectus is another 485BPOS whose ``dei:AmendmentFlag`` is
true (``amendment=True``), with ``dei:AmendmentDescription``.
"""

from __future__ import annotations

import datetime as _dt
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any, Mapping, Sequence

from etf_assets_tests.fake_edgar.ixbrl import FactWriter, inline_document

__all__ = [
    "ClassPlan",
    "ProspectusPlan",
    "SeriesPlan",
    "expense_example",
    "generate_485bpos_html",
    "plan_485bpos",
    "render_485bpos_html",
]

RR_NS = "http://xbrl.sec.gov/rr/2023"
DEI_NS = "http://xbrl.sec.gov/dei/2023"
EXT_PREFIX = "fks"
#: rr-2023 defines AnnualReturn1990 .. AnnualReturn2025.
FIRST_RETURN_YEAR, LAST_RETURN_YEAR = 1990, 2025
#: Largest generated ETF net expense ratio (keeps the 10,000 x r x 1.05 shortcut within $2).
MAX_ETF_RATIO = Decimal("0.0050")

_HORIZON_CONCEPTS = {"1y": "AverageAnnualReturnYear01", "5y": "AverageAnnualReturnYear05",
                     "10y": "AverageAnnualReturnYear10",
                     "since_inception": "AverageAnnualReturnSinceInception"}
_MEASURE_MEMBERS = {"after_taxes_on_distributions": "AfterTaxesOnDistributionsMember",
                    "after_taxes_on_distributions_and_sales":
                        "AfterTaxesOnDistributionsAndSalesMember"}
_MEASURE_LABELS = {"before_taxes": "Return Before Taxes",
                   "after_taxes_on_distributions": "Return After Taxes on Distributions",
                   "after_taxes_on_distributions_and_sales":
                       "Return After Taxes on Distributions and Sale of Fund Shares"}
_BP = Decimal("0.0001")
_MONTHS = ("January February March April May June July August September October "
           "November December").split()


# --------------------------------------------------------------------------- plan


@dataclass(frozen=True)
class ClassPlan:
    """One share class's fee table, example and returns (ratios are pure: 0.0045 = 0.45%)."""

    class_id: str
    name: str
    ticker: str | None
    management_fee: Decimal
    distribution_12b1_fee: Decimal
    other_expenses: Decimal
    acquired_fund_fees: Decimal | None  # None: no AFFE line for this class
    total_annual_expenses: Decimal
    fee_waiver: Decimal | None  # negative; None: no waiver
    net_expenses: Decimal | None  # total + waiver; None when no waiver
    front_load: Decimal | None  # MaximumSalesChargeImposedOnPurchasesOverOfferingPrice
    deferred_load: Decimal | None  # MaximumDeferredSalesChargeOverOther
    examples: Mapping[tuple[int, bool], int]  # (years, redeemed) -> dollars
    inception: _dt.date
    average_returns: Mapping[tuple[str, str], Decimal]  # (measure, horizon) -> ratio
    twelve_b1_display: str = "None"  # how a zero 12b-1 fee is shown: None / 0.00 / —

    @property
    def year1_ratio(self) -> Decimal:
        return self.net_expenses if self.net_expenses is not None else self.total_annual_expenses


@dataclass(frozen=True)
class SeriesPlan:
    series_id: str
    name: str
    is_etf: bool
    objective: str
    strategy: tuple[str, str]  # the two parts of the continued text block
    portfolio_turnover: Decimal  # pure: 0.19 = 19%
    classes: tuple[ClassPlan, ...]
    index_member: str  # local name, e.g. "FakesharesABCDIndexMember"
    index_name: str
    index_returns: Mapping[str, Decimal]  # horizon -> ratio
    annual_returns: Mapping[int, Decimal]  # bar chart (first class): year -> ratio
    best_quarter: tuple[_dt.date, Decimal] | None
    worst_quarter: tuple[_dt.date, Decimal] | None

    @property
    def bar_chart_class(self) -> ClassPlan:
        return self.classes[0]


@dataclass(frozen=True)
class ProspectusPlan:
    cik: str
    reg_name: str
    effective: _dt.date  # rr:ProspectusDate
    period_end: _dt.date  # dei:DocumentPeriodEndDate and every context's period
    amendment: bool
    series: tuple[SeriesPlan, ...]
    document_type: str = "485BPOS"
    ext_namespace: str = ""  # the filer-extension namespace of the S/C/index members


def _round_dollars(x: Decimal) -> int:
    return int(x.quantize(Decimal(1), ROUND_HALF_UP))


def expense_example(*, net: Decimal, gross: Decimal, years: int,
                    front_load: Decimal = Decimal(0), deferred_load: Decimal = Decimal(0),
                    redeemed: bool = True) -> int:
    """Dollar cost of $10,000 over `years` (see the module docstring for the method)."""
    with localcontext() as ctx:
        ctx.prec = 40
        balance = Decimal(10000) * (1 - front_load)
        cost = Decimal(10000) * front_load
        for year in range(1, years + 1):
            ratio = net if year == 1 else gross
            end = balance * (1 + Decimal("0.05") - ratio)
            cost += ratio * (balance + end) / 2
            balance = end
        if redeemed and years == 1:
            cost += Decimal(10000) * deferred_load
        return _round_dollars(cost)


def _get(obj: Any, key: str, default: Any = None) -> Any:
    return obj.get(key, default) if isinstance(obj, Mapping) else getattr(obj, key, default)


def _ratio(rng: random.Random, lo_bp: int, hi_bp: int) -> Decimal:
    """A ratio of whole basis points (shown as a percent with two decimals, exactly)."""
    return Decimal(rng.randint(lo_bp, hi_bp)) * _BP


def _annualized(returns: Sequence[Decimal]) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 40
        growth = Decimal(1)
        for r in returns:
            growth *= 1 + r
        value = growth ** (Decimal(1) / len(returns)) - 1
    return value.quantize(_BP, ROUND_HALF_UP)


def _fees(rng: random.Random, is_etf: bool, position: int, given: Mapping[str, Any] | None
          ) -> dict[str, Any]:
    """Operating expenses and loads; `given` (strings or Decimals) overrides the draw."""
    given = {k: (Decimal(str(v)) if v is not None and k != "twelve_b1_display" else v)
             for k, v in (given or {}).items()}
    for k, v in given.items():
        if isinstance(v, Decimal) and v != v.quantize(_BP):
            raise ValueError(f"{k} {v}: ratios are whole basis points (0.0045 = 0.45%)")
    if is_etf:
        fees: dict[str, Any] = {
            "management_fee": _ratio(rng, 3, 38),
            "distribution_12b1_fee": Decimal(0),
            "other_expenses": _ratio(rng, 0, 4),
            "acquired_fund_fees": _ratio(rng, 1, 3) if rng.random() < 0.25 else None,
            "fee_waiver": None,
            "front_load": None, "deferred_load": None,
            "twelve_b1_display": rng.choice(["None", "0.00", "—"]),
        }
        if rng.random() < 0.4:
            fees["fee_waiver"] = -_ratio(rng, 1, 5)
    else:
        fees = {
            "management_fee": _ratio(rng, 45, 80),
            "distribution_12b1_fee": Decimal("0.0025") if position == 0 else Decimal(0),
            "other_expenses": _ratio(rng, 8, 30),
            "acquired_fund_fees": None,
            "fee_waiver": -_ratio(rng, 2, 10) if rng.random() < 0.5 else None,
            "front_load": Decimal("0.0575") if position == 0 else Decimal(0),
            "deferred_load": Decimal(0) if position == 0 else Decimal("0.0100"),
            "twelve_b1_display": "None",
        }
    fees.update(given)
    total = (fees["management_fee"] + fees["distribution_12b1_fee"] + fees["other_expenses"]
             + (fees["acquired_fund_fees"] or 0))
    fees["total_annual_expenses"] = total
    waiver = fees["fee_waiver"]
    if waiver is not None and -waiver >= total and "fee_waiver" not in given:
        # a drawn waiver as large as the drawn expenses (a 3 bp fund, a 5 bp waiver):
        # no waiver, as for such a fund (caught serving 400 generated trusts)
        waiver = fees["fee_waiver"] = None
    if waiver is not None and (waiver >= 0 or -waiver >= total):
        raise ValueError(f"fee waiver {waiver} must be negative and smaller than {total}")
    fees["net_expenses"] = total + waiver if waiver is not None else None
    # drawn ETF ratios stay below MAX_ETF_RATIO: 38 + 4 + 3 basis points at most
    assert given or not is_etf or total <= MAX_ETF_RATIO
    return fees


def plan_485bpos(*, cik: str, reg_name: str, series: Sequence[Any], effective: _dt.date,
                 seed: int, period_end: _dt.date | None = None, amendment: bool = False,
                 document_type: str = "485BPOS") -> ProspectusPlan:
    """The contents of one 485BPOS, deterministic in the arguments.

    `series`: dicts (or ``build.GeneratedSeries``) with ``series_id``, ``name``, ``is_etf``
    and ``classes`` (dicts with ``class_id``, ``name``, ``ticker``). Non-ETF series are
    planned too (mixed trusts): their classes get loads and 12b-1 fees. A class dict may
    carry ``fees`` ({"management_fee": "0.0009", "other_expenses": ..., "fee_waiver":
    "-0.0002", "acquired_fund_fees": ..., "distribution_12b1_fee": ...}) to fix values.
    """
    last_year = effective.year - 1
    if not FIRST_RETURN_YEAR < last_year <= LAST_RETURN_YEAR:
        raise ValueError(f"effective {effective}: rr-2023 has AnnualReturn{FIRST_RETURN_YEAR}"
                         f"..AnnualReturn{LAST_RETURN_YEAR} only")
    plans = []
    for s in series:
        sid = _get(s, "series_id")
        rng = random.Random(f"485BPOS:{seed}:{cik}:{sid}")
        plans.append(_plan_series(rng, s, effective))
    return ProspectusPlan(
        cik=cik, reg_name=reg_name, effective=effective, period_end=period_end or effective,
        amendment=amendment, series=tuple(plans), document_type=document_type,
        ext_namespace=f"http://fakeshares.example.com/{int(cik):010d}/{effective:%Y%m%d}")


def _plan_series(rng: random.Random, s: Any, effective: _dt.date) -> SeriesPlan:
    sid, name, is_etf = _get(s, "series_id"), _get(s, "name"), bool(_get(s, "is_etf", True))
    classes_in = list(_get(s, "classes") or [])
    if not classes_in:
        raise ValueError(f"series {sid} has no classes")
    last_year = effective.year - 1
    # a fifth of the series are new: no full calendar year, so no performance section
    if rng.random() < 0.2:
        inception = _dt.date(last_year, rng.randint(2, 11), rng.randint(1, 28))
    else:
        inception = _dt.date(rng.randint(2010, last_year - 2), rng.randint(1, 12),
                             rng.randint(1, 28))
    first_full = inception.year + 1
    years = list(range(max(first_full, last_year - 9), last_year + 1))
    full_years = last_year - first_full + 1
    ticker0 = _get(classes_in[0], "ticker") or sid
    index_word = "".join(ch for ch in ticker0 if ch.isalnum())
    index_name = (f"Fakeshares {index_word} Index" if is_etf
                  else "Fakeshares Aggregate Bond Index")
    index_member = (f"Fakeshares{index_word}IndexMember" if is_etf
                    else "FakesharesAggregateBondIndexMember")

    fee_rows = [_fees(rng, is_etf, k, _get(c, "fees")) for k, c in enumerate(classes_in)]
    annual = {y: _ratio(rng, -2500, 3500) for y in years}
    horizons = [h for h, n in (("1y", 1), ("5y", 5), ("10y", 10)) if full_years >= n]
    if years and full_years < 10:
        horizons.append("since_inception")
    bar_fees = fee_rows[0]
    bar_ratio = bar_fees["net_expenses"] or bar_fees["total_annual_expenses"]

    def base_returns(shift: Decimal) -> dict[str, Decimal]:
        out = {}
        for h in horizons:
            span = {"1y": 1, "5y": 5, "10y": 10}.get(h)
            window = [annual[y] for y in years[-span:]] if span and span <= len(years) else \
                [annual[y] for y in years]
            out[h] = _annualized(window) + shift
        return out

    classes = []
    for k, (c, fees) in enumerate(zip(classes_in, fee_rows)):
        ratio = fees["net_expenses"] or fees["total_annual_expenses"]
        returns: dict[tuple[str, str], Decimal] = {}
        if years:
            before = base_returns(bar_ratio - ratio)  # cheaper classes return a bit more
            for h, v in before.items():
                returns[("before_taxes", h)] = v
            if k == 0:
                for h, v in before.items():
                    tax = _ratio(rng, 20, 150)
                    returns[("after_taxes_on_distributions", h)] = v - tax
                    returns[("after_taxes_on_distributions_and_sales", h)] = \
                        v - (tax / 2).quantize(_BP, ROUND_HALF_UP)
        examples = {}
        for n in (1, 3, 5, 10):
            kw = dict(net=fees["net_expenses"] or fees["total_annual_expenses"],
                      gross=fees["total_annual_expenses"], years=n,
                      front_load=fees["front_load"] or Decimal(0),
                      deferred_load=fees["deferred_load"] or Decimal(0))
            examples[(n, True)] = expense_example(**kw)
            if fees["deferred_load"]:
                examples[(n, False)] = expense_example(**kw, redeemed=False)
        classes.append(ClassPlan(
            class_id=_get(c, "class_id"), name=_get(c, "name") or _get(c, "class_id"),
            ticker=_get(c, "ticker"),
            management_fee=fees["management_fee"],
            distribution_12b1_fee=fees["distribution_12b1_fee"],
            other_expenses=fees["other_expenses"],
            acquired_fund_fees=fees["acquired_fund_fees"],
            total_annual_expenses=fees["total_annual_expenses"],
            fee_waiver=fees["fee_waiver"], net_expenses=fees["net_expenses"],
            front_load=fees["front_load"], deferred_load=fees["deferred_load"],
            examples=examples, inception=inception, average_returns=returns,
            twelve_b1_display=fees["twelve_b1_display"]))

    index_returns = {h: v + bar_ratio + _ratio(rng, 0, 6)
                     for h, v in base_returns(Decimal(0)).items()} if years else {}
    best = worst = None
    if years:
        by, wy = rng.choice(years), rng.choice(years)
        best = (_quarter_end(by, rng.randint(1, 4)), _ratio(rng, 500, 2500))
        worst = (_quarter_end(wy, rng.randint(1, 4)), -_ratio(rng, 100, 2500))
    kind = "an exchange-traded fund" if is_etf else "a mutual fund"
    strategy = (
        f"The Fund seeks to achieve its objective by investing at least 80% of its net "
        f"assets in the component securities of the {index_name} & in investments that "
        f"have economic characteristics substantially identical to them.",
        "The Fund may invest the remainder of its assets in cash, money market funds and "
        f"futures contracts. The {name} is {kind} and is classified as diversified.")
    objective = (f"The {name} (the “Fund”) seeks to track the investment results, before "
                 f"fees and expenses, of the {index_name}." if is_etf else
                 f"The {name} seeks current income consistent with preservation of capital.")
    return SeriesPlan(
        series_id=_get(s, "series_id"), name=name, is_etf=is_etf, objective=objective,
        strategy=strategy, portfolio_turnover=Decimal(rng.randint(3, 120)) / 100,
        classes=tuple(classes), index_member=index_member, index_name=index_name,
        index_returns=index_returns, annual_returns=annual, best_quarter=best,
        worst_quarter=worst)


def _quarter_end(year: int, quarter: int) -> _dt.date:
    month = quarter * 3
    return _dt.date(year, month, 31 if month in (3, 12) else 30)


# --------------------------------------------------------------------------- render


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _pct(ratio: Decimal) -> str:
    return str((abs(ratio) * 100).quantize(Decimal("0.01")))


def _long_date(d: _dt.date) -> str:
    return f"{_MONTHS[d.month - 1]} {d.day}, {d.year}"


class _Writer(FactWriter):
    """Collects the body, the hidden facts and the contexts of one document."""

    def __init__(self, plan: ProspectusPlan) -> None:
        super().__init__("f")
        self.plan = plan
        self.contexts: dict[str, str] = {}
        self.hidden: list[str] = []
        self.period = plan.period_end.isoformat()
        self.base = f"P{plan.period_end:%Y%m%d}"
        self.context(None, None, None)

    def context(self, sid: str | None, cid: str | None, measure: str | None) -> str:
        """Context id for (series, class, performance member); created on first use.
        `measure` is an rr member local name or ``fks:...`` for an index."""
        cid_part = f"_{cid}" if cid else ""
        m_part = f"_{measure.split(':')[-1]}" if measure else ""
        ident = f"{self.base}{'_' + sid if sid else ''}{cid_part}{m_part}"
        if ident not in self.contexts:
            members = []
            if sid:
                members.append(f'<xbrldi:explicitMember dimension="dei:LegalEntityAxis">'
                               f"{EXT_PREFIX}:{sid}Member</xbrldi:explicitMember>")
            if cid:
                members.append('<xbrldi:explicitMember dimension="rr:ProspectusShareClassAxis">'
                               f"{EXT_PREFIX}:{cid}Member</xbrldi:explicitMember>")
            if measure:
                qn = measure if ":" in measure else f"rr:{measure}"
                members.append('<xbrldi:explicitMember dimension="rr:PerformanceMeasureAxis">'
                               f"{qn}</xbrldi:explicitMember>")
            segment = f"<xbrli:segment>{''.join(members)}</xbrli:segment>" if members else ""
            self.contexts[ident] = (
                f'<xbrli:context id="{ident}"><xbrli:entity>'
                f'<xbrli:identifier scheme="http://www.sec.gov/CIK">{self.plan.cik}'
                f"</xbrli:identifier>{segment}</xbrli:entity><xbrli:period>"
                f"<xbrli:startDate>{self.period}</xbrli:startDate>"
                f"<xbrli:endDate>{self.period}</xbrli:endDate></xbrli:period></xbrli:context>")
        return ident

    def ratio(self, concept: str, ctx: str, value: Decimal, *, zero: str | None = None) -> str:
        """A percent cell: "0.45%"; negative values in parentheses with sign="-"; a zero
        may be shown as "None" (numwordsen) or "—" (fixed-zero)."""
        fid = self.fid()
        if value == 0 and zero in ("None", "—"):
            fmt = "ixt-sec:numwordsen" if zero == "None" else "ixt:fixed-zero"
            return (f'<ix:nonFraction name="{concept}" contextRef="{ctx}" id="{fid}" '
                    f'unitRef="pure" decimals="INF" format="{fmt}">{zero}</ix:nonFraction>')
        sign = ' sign="-"' if value < 0 else ""
        tag = (f'<ix:nonFraction name="{concept}" contextRef="{ctx}" id="{fid}" unitRef="pure"'
               f' decimals="INF" scale="-2" format="ixt:num-dot-decimal"{sign}>'
               f"{_pct(value)}</ix:nonFraction>")
        return f"({tag})%" if value < 0 else f"{tag}%"

    def dollars(self, concept: str, ctx: str, value: int) -> str:
        return (f'$<ix:nonFraction name="{concept}" contextRef="{ctx}" id="{self.fid()}" '
                f'unitRef="USD" decimals="0" scale="0" format="ixt:num-dot-decimal">'
                f"{value:,}</ix:nonFraction>")


def _row(label: str, cells: Sequence[str]) -> str:
    return f"<tr><td>{label}</td>{''.join(f'<td>{c}</td>' for c in cells)}</tr>\n"


def _series_html(w: _Writer, s: SeriesPlan, page: int) -> list[str]:
    sid = s.series_id
    sctx = w.context(sid, None, None)
    cctx = {c.class_id: w.context(sid, c.class_id, None) for c in s.classes}
    out = [f'<div class="series" id="{sid}">\n<h2>{_esc(s.name)}</h2>\n',
           "<p><b>Investment Objective</b></p>\n",
           w.text("rr:ObjectivePrimaryTextBlock", sctx, f"<p>{_esc(s.objective)}</p>",
                  escape=True), "\n<p><b>Fees and Expenses of the Fund</b></p>\n"]
    head = _row("", [_esc(c.name) for c in s.classes])
    if not s.is_etf:
        out.append("<table>\n" + head)
        out.append(_row("Maximum Sales Charge (Load) Imposed on Purchases",
                        [w.ratio("rr:MaximumSalesChargeImposedOnPurchasesOverOfferingPrice",
                                 cctx[c.class_id], c.front_load or Decimal(0), zero="None")
                         for c in s.classes]))
        out.append(_row("Maximum Deferred Sales Charge (Load)",
                        [w.ratio("rr:MaximumDeferredSalesChargeOverOther",
                                 cctx[c.class_id], c.deferred_load or Decimal(0), zero="None")
                         for c in s.classes]))
        out.append("</table>\n")
    out.append("<table>\n" + head)
    lines = [("Management Fees", "rr:ManagementFeesOverAssets", "management_fee"),
             ("Distribution and/or Service (12b-1) Fees",
              "rr:DistributionAndService12b1FeesOverAssets", "distribution_12b1_fee"),
             ("Other Expenses", "rr:OtherExpensesOverAssets", "other_expenses"),
             ("Acquired Fund Fees and Expenses", "rr:AcquiredFundFeesAndExpensesOverAssets",
              "acquired_fund_fees"),
             ("Total Annual Fund Operating Expenses", "rr:ExpensesOverAssets",
              "total_annual_expenses"),
             ("Fee Waiver and/or Expense Reimbursement",
              "rr:FeeWaiverOrReimbursementOverAssets", "fee_waiver"),
             ("Total Annual Fund Operating Expenses After Fee Waiver",
              "rr:NetExpensesOverAssets", "net_expenses")]
    for label, concept, attr in lines:
        values = [getattr(c, attr) for c in s.classes]
        if all(v is None for v in values):
            continue
        out.append(_row(label, [
            "—" if v is None else w.ratio(concept, cctx[c.class_id], v,
                                          zero=c.twelve_b1_display if attr ==
                                          "distribution_12b1_fee" else None)
            for c, v in zip(s.classes, values)]))
    out.append("</table>\n<p><b>Example</b></p>\n<table>\n")
    out.append(_row("", ["1 Year", "3 Years", "5 Years", "10 Years"]))
    for c in s.classes:
        out.append(_row(_esc(c.name), [
            w.dollars(f"rr:ExpenseExampleYear{n:02d}", cctx[c.class_id], c.examples[(n, True)])
            for n in (1, 3, 5, 10)]))
    out.append("</table>\n")
    no_redemption = [c for c in s.classes if (1, False) in c.examples]
    if no_redemption:
        out.append("<p>You would pay the following expenses if you did not redeem your "
                   "shares:</p>\n<table>\n")
        for c in no_redemption:
            out.append(_row(_esc(c.name), [
                w.dollars(f"rr:ExpenseExampleNoRedemptionYear{n:02d}", cctx[c.class_id],
                          c.examples[(n, False)]) for n in (1, 3, 5, 10)]))
        out.append("</table>\n")
    turnover = (f'<ix:nonFraction name="rr:PortfolioTurnoverRate" contextRef="{sctx}" '
                f'id="{w.fid()}" unitRef="pure" decimals="INF" scale="-2" '
                f'format="ixt:num-dot-decimal">{int(s.portfolio_turnover * 100)}</ix:nonFraction>')
    out.append(f"<p><b>Portfolio Turnover</b></p>\n<p>During the most recent fiscal year, the "
               f"Fund’s portfolio turnover rate was {turnover}% of the average value of its "
               f"portfolio.</p>\n")
    cont = f"cont-{sid}"
    out.append("<p><b>Principal Investment Strategies</b></p>\n")
    out.append(w.text("rr:StrategyNarrativeTextBlock", sctx, f"<p>{_esc(s.strategy[0])}</p>",
                      escape=True, continued_at=cont))
    out.append("\n")
    out.extend(_performance_html(w, s, sctx, cctx))
    out.append(f'<ix:continuation id="{cont}"><ix:exclude><p>— {page} —</p></ix:exclude>'
               f"<p>{_esc(s.strategy[1])}</p></ix:continuation>\n</div>\n")
    return out


def _performance_html(w: _Writer, s: SeriesPlan, sctx: str,
                      cctx: dict[str, str]) -> list[str]:
    if not s.annual_returns:
        return ["<p><b>Performance</b></p>\n<p>The Fund has not completed a full calendar "
                "year of operations; no performance information is shown.</p>\n"]
    bar = s.bar_chart_class
    bctx = cctx[bar.class_id]
    out = ["<p><b>Performance</b></p>\n<p>Calendar year total returns "
           f"({_esc(bar.name)})</p>\n<table>\n"]
    for year, value in sorted(s.annual_returns.items()):
        out.append(_row(str(year), [w.ratio(f"rr:AnnualReturn{year}", bctx, value)]))
    out.append("</table>\n")
    for label, concept, q in (("Best quarter", "BarChartHighestQuarterlyReturn", s.best_quarter),
                              ("Worst quarter", "BarChartLowestQuarterlyReturn", s.worst_quarter)):
        if q is None:
            continue
        when = w.text(f"rr:{concept}Date", bctx, _long_date(q[0]),
                      fmt="ixt:date-monthname-day-year-en")
        out.append(f"<p>{label} (quarter ended {when}): {w.ratio(f'rr:{concept}', bctx, q[1])}"
                   "</p>\n")
    horizons = [h for h in ("1y", "5y", "10y", "since_inception")
                if any(k[1] == h for c in s.classes for k in c.average_returns)]
    labels = {"1y": "1 Year", "5y": "5 Years", "10y": "10 Years",
              "since_inception": "Since Inception"}
    out.append("<p><b>Average Annual Total Returns (for the periods ended December 31, "
               f"{max(s.annual_returns)})</b></p>\n<table>\n")
    out.append(_row("", [labels[h] for h in horizons]))
    for c in s.classes:
        for measure in ("before_taxes", "after_taxes_on_distributions",
                        "after_taxes_on_distributions_and_sales"):
            if not any(k[0] == measure for k in c.average_returns):
                continue
            ctx = w.context(s.series_id, c.class_id, _MEASURE_MEMBERS.get(measure))
            out.append(_row(f"{_esc(c.name)}: {_MEASURE_LABELS[measure]}", [
                w.ratio(f"rr:{_HORIZON_CONCEPTS[h]}", ctx, c.average_returns[(measure, h)])
                if (measure, h) in c.average_returns else "—" for h in horizons]))
        if any(k[1] == "since_inception" for k in c.average_returns):
            yy = c.inception.year % 100
            w.hidden.append(w.text("rr:AverageAnnualReturnInceptionDate", cctx[c.class_id],
                                   f"{c.inception.month}/{c.inception.day}/{yy:02d}",
                                   fmt="ixt:date-month-day-year"))
    ictx = w.context(s.series_id, None, f"{EXT_PREFIX}:{s.index_member}")
    note = w.text("rr:IndexNoDeductionForFeesExpensesTaxes", ictx,
                  "(reflects no deduction for fees, expenses or taxes)")
    out.append(_row(f"{_esc(s.index_name)} {note}", [
        w.ratio(f"rr:{_HORIZON_CONCEPTS[h]}", ictx, s.index_returns[h])
        if h in s.index_returns else "—" for h in horizons]))
    out.append("</table>\n")
    return out


def render_485bpos_html(plan: ProspectusPlan) -> bytes:
    """The inline XBRL XHTML of `plan` (UTF-8)."""
    w = _Writer(plan)
    doc_ctx = w.context(None, None, None)
    body: list[str] = [
        f"<p><b>{_esc(plan.reg_name)}</b></p>\n<p>Prospectus dated ",
        w.text("rr:ProspectusDate", doc_ctx, _long_date(plan.effective),
               fmt="ixt:date-monthname-day-year-en"), "</p>\n"]
    for page, s in enumerate(plan.series, 1):
        for c in s.classes:
            if c.ticker:
                w.hidden.append(w.text("dei:TradingSymbol", w.context(s.series_id, c.class_id,
                                                                      None), _esc(c.ticker)))
        body.extend(_series_html(w, s, page))
    dei = [("dei:DocumentType", plan.document_type),
           ("dei:AmendmentFlag", "true" if plan.amendment else "false"),
           ("dei:EntityCentralIndexKey", plan.cik),
           ("dei:EntityRegistrantName", _esc(plan.reg_name)),
           ("dei:EntityInvCompanyType", "N-1A"),
           ("dei:DocumentPeriodEndDate", plan.period_end.isoformat())]
    if plan.amendment:
        dei.append(("dei:AmendmentDescription",
                    "This amendment restates the fee tables of the prospectus."))
    return inline_document(
        namespaces={"dei": DEI_NS, "rr": RR_NS, EXT_PREFIX: plan.ext_namespace},
        title=f"{_esc(plan.reg_name)} - Form {plan.document_type}",
        hidden=[w.text(name, doc_ctx, value) for name, value in dei] + w.hidden,
        schema_ref=f"fks-{plan.effective:%Y%m%d}.xsd", contexts=w.contexts.values(),
        body=body)


def generate_485bpos_html(*, cik: str, reg_name: str, series: Sequence[Any],
                          effective: _dt.date, seed: int, period_end: _dt.date | None = None,
                          amendment: bool = False, document_type: str = "485BPOS") -> bytes:
    """An inline XBRL 485BPOS for `series` (see :func:`plan_485bpos` for the arguments)."""
    return render_485bpos_html(plan_485bpos(
        cik=cik, reg_name=reg_name, series=series, effective=effective, seed=seed,
        period_end=period_end, amendment=amendment, document_type=document_type))
