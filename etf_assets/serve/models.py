"""Response models of the API (pydantic): the OpenAPI schema at /docs and the contract
the tests check every JSON answer against. Money and ratios are `Decimal`, serialized
as strings ("36544885644.96"), never floats; ratios are fractions as SEC tags them
(0.0016 = 0.16%) unless a field says percent."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Generic, Optional, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer


class Model(BaseModel):
    model_config = ConfigDict(extra="allow")


def _written_as_text(value: Any) -> Any:
    # A JSON number parsed as float has already lost digits: the contract is a string.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError("an exact decimal is written as a string, never a JSON number")
    return value


# Money, shares, weights and ratios: an exact Decimal, a string in JSON ("36544885644.96").
# Checking answers against a model refuses a number in its place.
DecimalStr = Annotated[Decimal, BeforeValidator(_written_as_text),
                       PlainSerializer(str, return_type=str, when_used="json")]


class ErrorBody(BaseModel):
    status: int = Field(examples=[404])
    code: str = Field(examples=["not_found"])
    message: str = Field(examples=["ETF 'ZZZZ' not found (no class id or ticker matches)"])
    field: Optional[str] = Field(None, description="the parameter at fault (422)",
                                 examples=["limit"])
    details: Optional[list[dict[str, Any]]] = None


class ErrorResponse(BaseModel):
    """The one error shape of every non-2xx answer."""

    error: ErrorBody


T = TypeVar("T")


# The envelope of every paged list (`class TrustPage(Page[Trust]): pass` keeps the schema's
# name TrustPage). No docstring: it would become each page's description.
class Page(Model, Generic[T]):
    next_cursor: Optional[str] = Field(None, description="opaque; pass as ?cursor=")
    next: Optional[str] = Field(None, description="the next page's URL, absent on the last page")
    items: list[T]


class CoverageSummary(Model):
    as_of: Optional[datetime] = None
    max_lag_days: Optional[int] = None
    by_status: dict[str, int] = {}


class Health(Model):
    status: str = Field(examples=["ok"])
    database: str = Field(examples=["ok"])
    newest_edgar_day_read: Optional[date] = None
    coverage: CoverageSummary
    etfs: int


class Trust(Model):
    cik: str = Field(examples=["0001041130"])
    name: Optional[str] = Field(None, examples=["SPDR DOW JONES INDUSTRIAL AVERAGE ETF TRUST"])
    registrant_type: Optional[str] = None
    active: bool
    first_seen: datetime
    last_seen: datetime
    inactive_since: Optional[date] = None
    inactive_evidence: Optional[str] = None
    ncen_accession: Optional[str] = None
    ncen_report_date: Optional[date] = None


class TrustDetail(Trust):
    series_count: int
    etf_count: int
    latest_filings: dict[str, dict[str, Any]] = {}


class TrustPage(Page[Trust]):
    pass


class Series(Model):
    series_id: str = Field(examples=["S000004310"])
    cik: str
    name: Optional[str] = None
    active: bool
    first_seen: datetime
    last_seen: datetime
    inactive_since: Optional[date] = None
    inactive_evidence: Optional[str] = None


class SeriesListItem(Series):
    has_etf_class: bool


class SeriesClass(Model):
    class_id: str
    ticker: Optional[str] = None
    active: bool
    is_etf: Optional[bool] = None
    class_name: Optional[str] = None
    exchange: Optional[str] = None


class SeriesDetail(Series):
    trust_name: Optional[str] = None
    classes: list[SeriesClass]


class SeriesPage(Page[SeriesListItem]):
    pass


class TickerPeriod(Model):
    class_id: str
    ticker: str
    valid_from: date
    valid_to: Optional[date] = None
    last_observed: Optional[date] = None
    first_evidence: Optional[str] = None


class TickerHistory(Model):
    series_id: str
    items: list[TickerPeriod]


class Filing(Model):
    accession_number: str = Field(examples=["0001752724-25-158219"])
    cik: str
    form: str = Field(examples=["NPORT-P"])
    filing_date: date
    report_date: Optional[date] = None
    acceptance_datetime: Optional[datetime] = None
    url: Optional[str] = None
    parsed_at: Optional[datetime] = None
    trust_name: Optional[str] = None
    sec_url: Optional[str] = Field(None, description="the filing's index page on EDGAR")


class FilingPage(Page[Filing]):
    pass


class SkipReason(Model):
    reason: str = Field(examples=["non_etf_fee_tables"])
    skipped: int = Field(description="how many (tables, classes, ...) were left out for it",
                         examples=[4])


class FilingDetail(Filing):
    loaded: bool
    tables: dict[str, int] = Field(description="rows per warehouse table from this accession",
                                   examples=[{"holding": 30, "nport_report": 1}])
    skipped: list[dict[str, Any]] = Field(description="positions skipped, with why")
    skip_reasons: list[SkipReason] = Field(
        description="what the load left out of the document, per reason (table filing_skip)")
    why_not_loaded: Optional[str] = None


class EtfListItem(Model):
    class_id: str = Field(examples=["CIK0001041130"])
    ticker: Optional[str] = Field(None, examples=["DIA"])
    series_id: str
    cik: str
    fund_name: Optional[str] = None
    class_name: Optional[str] = None
    series_name: Optional[str] = None
    exchange: Optional[str] = None
    active: bool


class EtfPage(Page[EtfListItem]):
    pass


class Fee(Model):
    accession_number: str
    filing_date: date
    effective_date: Optional[date] = None
    class_id: Optional[str] = None
    series_id: Optional[str] = None
    management_fee: Optional[DecimalStr] = Field(None, examples=["0.0016"])
    distribution_12b1_fee: Optional[DecimalStr] = None
    other_expenses: Optional[DecimalStr] = None
    acquired_fund_fees: Optional[DecimalStr] = None
    total_annual_expenses: Optional[DecimalStr] = None
    fee_waiver: Optional[DecimalStr] = None
    net_expenses: Optional[DecimalStr] = None


class EtfDetail(EtfListItem):
    status: str = Field(examples=["active"])
    issuer_name: Optional[str] = None
    trust_name: Optional[str] = None
    is_etf: bool
    decision_source: str
    decided_by_accession: Optional[str] = None
    first_seen: datetime
    inactive_since: Optional[date] = None
    inactive_evidence: Optional[str] = None
    latest_fees: Optional[Fee] = None
    latest_expense_ratio: Optional[dict[str, Any]] = None
    latest_net_assets: Optional[dict[str, Any]] = None
    latest_class_net_assets: Optional[dict[str, Any]] = None
    newest_report_dates: dict[str, Optional[date]]
    tickers: list[dict[str, Any]]


class Position(Model):
    position: int
    name: Optional[str] = None
    cusip: Optional[str] = None
    isin: Optional[str] = None
    ticker: Optional[str] = None
    balance: Optional[DecimalStr] = None
    units: Optional[str] = None
    value_usd: Optional[DecimalStr] = Field(None, examples=["2434530876.41"])
    pct_val: Optional[DecimalStr] = None
    currency: Optional[str] = None
    asset_category: Optional[str] = None
    is_derivative: bool


class Derivative(Model):
    position: int
    kind: str
    notional: Optional[DecimalStr] = None
    unrealized_appreciation: Optional[DecimalStr] = None


class Holdings(Model):
    class_id: str
    ticker: Optional[str] = None
    series_key: str
    accession_number: str = Field(examples=["0001752724-25-158219"])
    report_date: date = Field(examples=["2025-04-30"])
    filing_date: date
    form: Optional[str] = None
    net_assets: Optional[DecimalStr] = None
    positions_in_document: int
    holdings: list[Position]
    derivatives: list[Derivative]


class Fees(Model):
    class_id: str
    items: list[Fee]


class PerformanceRow(Model):
    subject: str = Field(examples=["fund"])
    measure: Optional[str] = None
    index_name: Optional[str] = None
    period: str = Field(examples=["1y"])
    year: Optional[int] = None
    ncsr_value: Optional[DecimalStr] = None
    ncsr_as_of: Optional[date] = None
    ncsr_period_start: Optional[date] = None
    ncsr_accession_number: Optional[str] = None
    prospectus_value: Optional[DecimalStr] = None
    prospectus_as_of: Optional[date] = None
    prospectus_accession_number: Optional[str] = None


class Performance(Model):
    class_id: str
    accessions: dict[str, Optional[str]]
    items: list[PerformanceRow]


class MonthlyFlow(Model):
    month_end: date
    sales: Optional[DecimalStr] = None
    reinvestment: Optional[DecimalStr] = None
    redemption: Optional[DecimalStr] = None
    net: Optional[DecimalStr] = None
    accession_number: str
    report_date: date


class AnnualFlow(Model):
    accession_number: str
    block: int
    fiscal_year_end: date
    aggregate_sales: Optional[DecimalStr] = None
    redeemed_in_year: Optional[DecimalStr] = None
    net_sales: Optional[DecimalStr] = None
    covers: str = Field(description="named: item 2 names the ETF; whole_filer: the block "
                        "covers every series of the trust")


class Flows(Model):
    class_id: str
    monthly: list[MonthlyFlow]
    annual: list[AnnualFlow]


class PerShare(Model):
    class_id: str
    items: list[dict[str, Any]]


class LatestState(Model):
    """One series' (class_key '') or class's row of `lifecycle_state`."""
    cik: str
    series_id: str = Field(examples=["S000085693"])
    class_key: str = Field(description="class id; '' for the series row")
    series_name: Optional[str] = None
    class_name: Optional[str] = None
    ticker: Optional[str] = None
    state: str = Field(examples=["proposed"],
                       description="proposed | delayed | effective | trading | closed")
    state_since: date
    expected_effective_date: Optional[date] = None
    effective_date: Optional[date] = None
    evidence_accession: Optional[str] = Field(
        None, description="the accession that set the state (null when the evidence is a "
        "ticker file or the universe)")
    state_evidence: str = Field(description="accession, ticker:<symbol> or universe:<table>:<date>")
    sec_url: Optional[str] = None


class LatestStatePage(Page[LatestState]):
    pass


class LifecycleFund(Model):
    """One fund (series) a lifecycle query returns; `on` is the date the query is about
    (upcoming effective date, delayed-to date, launch date, closing date)."""
    cik: str
    trust_name: Optional[str] = None
    series_id: str
    series_name: Optional[str] = None
    ticker: Optional[str] = None
    state: str
    state_since: date
    state_evidence: str
    proposed_on: Optional[date] = None
    expected_effective_date: Optional[date] = None
    effective_date: Optional[date] = None
    trading_since: Optional[date] = None
    launched_on: Optional[date] = None
    closed_since: Optional[date] = None
    on: Optional[date] = None
    delays: int = 0


class LifecycleFunds(Model):
    today: date
    days: Optional[int] = None
    items: list[LifecycleFund]


class RefreshStarted(Model):
    run_id: str
    cik: str
    job_name: str = Field(examples=["refresh_trusts"])
    status: str = Field(examples=["QUEUED"])
