"""Response models of the cross-fund endpoints (etf_assets/serve/crossfund.py): the
OpenAPI schema and the contract the tests check answers against. Money, shares and
weights are Decimal, serialized as strings; weights (`pct_val`, `weight`) are percent of
net assets as N-PORT reports them (3.21 = 3.21%); expense ratios are fractions
(0.0009 = 0.09%); monthly returns are percent as written (-1.40 = -1.40%)."""

from __future__ import annotations

from datetime import date
from typing import Optional

from pydantic import Field

from etf_assets.serve.models import DecimalStr, Model


class Holder(Model):
    series_key: str = Field(examples=["S000006415"])
    ticker: Optional[str] = Field(None, examples=["XLK"])
    fund_name: Optional[str] = None
    cik: str
    accession_number: str = Field(examples=["0001410368-26-055331"])
    report_date: date
    filing_date: date
    security_key: Optional[str] = Field(None, examples=["CUSIP:037833100"])
    name: Optional[str] = Field(None, examples=["Apple Inc"])
    title: Optional[str] = None
    cusip: Optional[str] = None
    isin: Optional[str] = None
    units: Optional[str] = Field(None, examples=["NS"])
    payoff_profile: Optional[str] = None
    balance: Optional[DecimalStr] = Field(None, examples=["45203775"])
    value_usd: Optional[DecimalStr] = Field(None, examples=["11472266057.25"])
    pct_val: Optional[DecimalStr] = Field(None, description="percent of the fund's net assets",
                                          examples=["13.62527358946"])
    positions: int = Field(description="the fund's positions summed (lots)")


class SecurityHolders(Model):
    query: str = Field(examples=["037833100"])
    funds: int = Field(description="funds holding it (all, whatever the limit)")
    total_value_usd: Optional[DecimalStr] = Field(None, description="across all funds")
    total_balance: dict[str, DecimalStr] = Field(description="shares / principal across all "
                                                 "funds, per unit (NS, PA, ...)")
    items: list[Holder]


class FundPosition(Model):
    series_key: str
    security_key: str
    name: Optional[str] = None
    pct_val: Optional[DecimalStr] = None
    value_usd: Optional[DecimalStr] = None
    balance: Optional[DecimalStr] = None


class OverlapFund(Model):
    series_key: str
    class_id: str
    ticker: Optional[str] = None
    fund_name: Optional[str] = None
    accession_number: Optional[str] = None
    report_date: Optional[date] = None
    securities: int = Field(description="identified securities in its newest report")
    unidentified_positions: int = Field(description="positions without a usable "
                                        "identifier: never common")
    common_weight: DecimalStr = Field(description="its own weight in the common securities")
    alone_count: int
    alone: list[FundPosition] = Field(description="held by none of the others, largest first")


class CommonPosition(Model):
    security_key: str
    name: Optional[str] = None
    min_weight: DecimalStr
    weights: dict[str, Optional[DecimalStr]] = Field(description="ETF -> percent of net assets")
    values_usd: dict[str, Optional[DecimalStr]]


class Pair(Model):
    a: str
    b: str
    common: int
    overlap_weight: DecimalStr


class Overlap(Model):
    etfs: list[str] = Field(examples=[["DIA", "XLK"]])
    common_count: int
    overlap_weight: DecimalStr = Field(description="sum over the common securities of the "
                                       "smallest weight (percent)", examples=["15.276041898887"])
    pairs: list[Pair]
    funds: list[OverlapFund]
    common: list[CommonPosition]


class Report(Model):
    accession_number: str
    series_key: str
    report_date: date
    filing_date: date


class Change(Model):
    security_key: str
    name: Optional[str] = None
    change: str = Field(examples=["increased"],
                        description="added | removed | increased | decreased | unchanged")
    balance_from: Optional[DecimalStr] = None
    balance_to: Optional[DecimalStr] = None
    balance_change: Optional[DecimalStr] = None
    value_from: Optional[DecimalStr] = None
    value_to: Optional[DecimalStr] = None
    value_change: Optional[DecimalStr] = None
    pct_from: Optional[DecimalStr] = None
    pct_to: Optional[DecimalStr] = None


class Changes(Model):
    class_id: str
    ticker: Optional[str] = None
    series_key: str
    from_: Report = Field(alias="from")
    to: Report
    counts: dict[str, int]
    unidentified_from: int
    unidentified_to: int
    items: list[Change]


class FeePoint(Model):
    as_of: Optional[date] = Field(None, description="prospectus: effective date; reports: "
                                  "period end")
    source: str = Field(examples=["prospectus"],
                        description="prospectus | shareholder_report | financial_highlights")
    accession_number: str
    form: Optional[str] = None
    filing_date: date
    gross_expense_ratio: Optional[DecimalStr] = None
    net_expense_ratio: Optional[DecimalStr] = None
    management_fee: Optional[DecimalStr] = None
    fee_waiver: Optional[DecimalStr] = None
    expenses_paid_per_10k: Optional[DecimalStr] = None
    period_start: Optional[date] = None


class FeeHistory(Model):
    class_id: str
    ticker: Optional[str] = None
    items: list[FeePoint]


class FlowMonth(Model):
    month_end: date
    sales: Optional[DecimalStr] = None
    reinvestment: Optional[DecimalStr] = None
    redemption: Optional[DecimalStr] = None
    net_flow: Optional[DecimalStr] = Field(None, description="sales + reinvestment - redemption")
    total_return: Optional[DecimalStr] = Field(None, description="percent, as written")
    net_assets: Optional[DecimalStr] = Field(None, description="of the report dated this month")
    flow_accession: Optional[str] = None
    return_accession: Optional[str] = None


class FlowsVsReturns(Model):
    class_id: str
    ticker: Optional[str] = None
    series_key: str
    items: list[FlowMonth]
