"""Warehouse tables (SQLAlchemy Core). SCHEMA.md documents each; change both together.

Money and rates are Numeric (Decimal in Python), never Float.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

CIK = String(10)  # 10-digit, zero padded: the partition key
ACCESSION = String(20)  # 0001234567-26-000123
# A series or class id (S000012345, C000012345), or for a unit investment trust without
# either (SPY, DIA: seriesName "N/A") "CIK" + the 10-digit trust CIK, standing for both
# its one series and its one pseudo class, so it joins N-PORT's series_key.
SERIES_KEY = String(16)

# --- the ETF universe ---------------------------------------------------------------

def _inactive_columns() -> list[Column]:
    """Why and since when a row is inactive (kept forever: history is never deleted)."""
    return [
        Column("inactive_since", Date, comment="the date the evidence shows it left"),
        Column("inactive_evidence", Text, comment="e.g. 'N-CEN 0001234567-26-000001: "
               "last filing (isRegistrantLastFiling)', 'absent from company_tickers_mf.json'"),
    ]


trust = Table(
    "trust",
    metadata,
    Column("cik", CIK, primary_key=True),
    Column("name", Text, comment="COMPANY CONFORMED NAME from the latest N-CEN's SGML header"),
    Column("ncen_accession", ACCESSION, comment="N-CEN that last classified this trust"),
    Column("ncen_report_date", Date),
    Column("registrant_type", String(16), comment="N-CEN item B.6: N-1A (open-end), "
           "S-6 (unit investment trust on N-8B-2), N-2, ..."),
    Column("first_seen", DateTime, nullable=False),
    Column("last_seen", DateTime, nullable=False),
    Column("active", Boolean, nullable=False),
    *_inactive_columns(),
)

series = Table(
    "series",
    metadata,
    Column("series_id", SERIES_KEY, primary_key=True),
    Column("cik", CIK, nullable=False),
    Column("name", Text, comment="SGML SERIES-NAME"),
    Column("first_seen", DateTime, nullable=False),
    Column("last_seen", DateTime, nullable=False),
    Column("active", Boolean, nullable=False),
    *_inactive_columns(),
    Index("ix_series_cik", "cik"),
)

share_class = Table(
    "share_class",
    metadata,
    Column("class_id", SERIES_KEY, primary_key=True),
    Column("series_id", SERIES_KEY, nullable=False),
    Column("cik", CIK, nullable=False),
    Column("ticker", String(16)),
    Column("first_seen", DateTime, nullable=False),
    Column("last_seen", DateTime, nullable=False),
    Column("active", Boolean, nullable=False),
    *_inactive_columns(),
    Index("ix_share_class_cik", "cik"),
    Index("ix_share_class_series", "series_id"),
)

etf = Table(
    "etf",
    metadata,
    Column("class_id", SERIES_KEY, primary_key=True),
    Column("ticker", String(16)),
    Column("series_id", SERIES_KEY, nullable=False),
    Column("cik", CIK, nullable=False),
    Column("fund_name", Text, comment="SGML SERIES-NAME of the series"),
    Column("class_name", Text, comment="SGML CLASS-CONTRACT-NAME"),
    Column("issuer_name", Text, comment="the trust's conformed name"),
    Column("exchange", String(16), comment="N-CEN securityExchange/@fundExchange (MIC)"),
    Column("is_etf", Boolean, nullable=False),
    Column("decision_source", String(16), nullable=False,
           comment="ncen | ticker_shape | listed_uit"),
    Column("decided_by_accession", ACCESSION,
           comment="the N-CEN (or, for a listed UIT without one, the NPORT-P) that decided"),
    Column("first_seen", DateTime, nullable=False),
    Column("last_seen", DateTime, nullable=False),
    Column("active", Boolean, nullable=False),
    *_inactive_columns(),
    Index("ix_etf_cik", "cik"),
    Index("ix_etf_series", "series_id"),
)

listed_security = Table(
    "listed_security",
    metadata,
    Column("cik", CIK, primary_key=True),
    Column("ticker", String(16), primary_key=True),
    Column("name", Text, comment="as SEC's company_tickers_exchange.json names it"),
    Column("exchange", String(16), comment="as SEC's file names it (NYSE, Nasdaq, ...)"),
    Column("kind", String(32), nullable=False, comment="uit_etf | exchange_traded_product | "
           "closed_end_fund | open_end_fund | other_investment_company | not_a_fund | "
           "no_submissions (etf_assets/universe/listed.py)"),
    Column("reason", Text, nullable=False, comment="the evidence, in words"),
    Column("evidence_accession", ACCESSION, comment="the filing that decided, if any"),
    Column("decided_at", DateTime, nullable=False),
    Column("first_seen", DateTime, nullable=False),
    Column("last_seen", DateTime, nullable=False),
    Column("active", Boolean, nullable=False, comment="still in SEC's ticker file"),
    Index("ix_listed_security_ticker", "ticker"),
    comment="Exchange-listed entities outside company_tickers_mf.json that look like funds "
            "(names with ETF/TRUST/FUND/...): what each is, decided once from SEC's filings.",
)

ticker_observation = Table(
    "ticker_observation",
    metadata,
    Column("class_id", SERIES_KEY, primary_key=True),
    Column("ticker", String(16), primary_key=True),
    Column("source", String(40), primary_key=True,
           comment="company_tickers_mf.json | company_tickers_exchange.json | SGML"),
    Column("evidence", String(40), primary_key=True,
           comment="the accession whose SGML header showed the pair, or the file's name"),
    Column("first_observed", Date, nullable=False),
    Column("last_observed", Date, nullable=False),
    Column("cik", CIK, nullable=False),
    comment="Where and when SEC showed a (class, ticker) pair: the facts ticker_period is "
            "derived from. A ticker file refresh extends last_observed; a filing's SGML "
            "header (CLASS-CONTRACT-TICKER-SYMBOL) is one dated observation.",
)

ticker_period = Table(
    "ticker_period",
    metadata,
    Column("class_id", SERIES_KEY, primary_key=True),
    Column("valid_from", Date, primary_key=True, comment="first day SEC showed the pair"),
    Column("ticker", String(16), nullable=False),
    Column("valid_to", Date, comment="first day SEC showed another ticker for the class; "
           "NULL while current"),
    Column("last_observed", Date, nullable=False),
    Column("first_evidence", String(80), nullable=False, comment="source: accession/refresh"),
    Column("cik", CIK, nullable=False),
    Index("ix_ticker_period_ticker", "ticker"),
    comment="Ticker history per class (seed 002): rebuilt from ticker_observation for the "
            "classes each refresh or filing touches. A ticker reused by another fund is "
            "another class's period, never merged.",
)


# --- provenance and bookkeeping -----------------------------------------------------

filing = Table(
    "filing",
    metadata,
    Column("accession_number", ACCESSION, primary_key=True),
    Column("cik", CIK, nullable=False),
    Column("form", String(20), nullable=False),
    Column("filing_date", Date, nullable=False),
    Column("report_date", Date),
    Column("acceptance_datetime", DateTime),
    Column("url", Text, nullable=False),
    Column("sha256", String(64), nullable=False, comment="of the document parsed"),
    Column("parsed_at", DateTime, nullable=False),
    Index("ix_filing_cik_form", "cik", "form", "filing_date"),
)

# Why a loaded filing's document gave fewer rows than it holds: one row per reason, with
# how many (tables, classes, ...) were left out for it. Written by replace_filing in the
# filing's own transaction and replaced with its rows (etf_assets/warehouse/load.py).
filing_skip = Table(
    "filing_skip",
    metadata,
    Column("accession_number", ACCESSION, primary_key=True),
    Column("reason", String(64), primary_key=True,
           comment="non_etf_classes, non_etf_fee_tables, ... (SCHEMA.md)"),
    Column("skipped", Integer, nullable=False, comment="how many were left out for it"),
)

processing_log = Table(
    "processing_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("cik", CIK, nullable=False),
    Column("parser_type", String(20), nullable=False),
    Column("last_run_at", DateTime, nullable=False),
    Column("latest_filing_date_seen", Date, nullable=False),
    UniqueConstraint("cik", "parser_type", name="uq_processing_log_cik_parser"),
)

sec_latest_filing = Table(
    "sec_latest_filing",
    metadata,
    Column("cik", CIK, primary_key=True),
    Column("form_group", String(20), primary_key=True,
           comment="ncen | nport | ... (etf_assets/freshness/stale.py GROUPS)"),
    Column("filing_date", Date, nullable=False),
    Column("accession_number", ACCESSION, nullable=False),
    Column("form", String(20), nullable=False),
    Column("source", String(20), nullable=False, comment="daily_index | submissions"),
    Column("observed_at", DateTime, nullable=False),
)

sec_index_day = Table(
    "sec_index_day",
    metadata,
    Column("day", Date, primary_key=True, comment="an EDGAR business day (Eastern)"),
    Column("status", String(12), nullable=False,
           comment="read | holiday | baseline (covered by submissions reads)"),
    Column("index_rows", Integer, comment="filings in that day's form index (all filers)"),
    Column("observations", Integer, comment="of them, filings of our trusts and forms"),
    Column("recorded_at", DateTime, nullable=False),
)

coverage = Table(
    "coverage",
    metadata,
    Column("class_id", SERIES_KEY, primary_key=True),
    Column("form_group", String(20), primary_key=True,
           comment="ncen | nport | ... (etf_assets/freshness/stale.py GROUPS)"),
    Column("ticker", String(16)),
    Column("series_id", SERIES_KEY, nullable=False),
    Column("cik", CIK, nullable=False),
    Column("fund_name", Text),
    Column("tables_loaded", Text, nullable=False,
           comment="the group's tables materialized for the trust, comma-separated"),
    Column("status", String(16), nullable=False,
           comment="up_to_date | behind | never_loaded | nothing_filed"),
    Column("sec_newest_filing_date", Date, comment="newest filing of the group on EDGAR"),
    Column("sec_newest_accession", ACCESSION),
    Column("loaded_newest_filing_date", Date, comment="newest filing of the group in `filing`"),
    Column("loaded_newest_accession", ACCESSION),
    Column("behind_since", Date, comment="since when the group has lacked a filing SEC shows"),
    Column("lag_days", Integer, nullable=False, comment="as_of - behind_since; 0 when current"),
    Column("last_failure_run_id", String(64)),
    Column("last_failure_at", DateTime),
    Column("last_failure", Text, comment="the error of the trust's last failed attempt"),
    Column("as_of", DateTime, nullable=False, comment="when the report was made (UTC)"),
    Index("ix_coverage_cik", "cik"),
    comment="The coverage report (the `coverage` asset): per ETF class and form group, what "
            "is loaded and how far behind SEC; replaced as a whole on each materialization.",
)

# --- N-PORT: holdings and derivatives -------------------------------------------------
#
# Facts of one N-PORT filing, loaded replace-by-accession (warehouse/load.py
# replace_filing; rows built by etf_assets/nport/rows.py). Every table keys on
# (accession_number, series_key, ...): `series_key` is the series id, or for a UIT
# without one (SPY: seriesName "N/A", no seriesId) "CIK" + the 10-digit filer CIK.
# Rows are never deduplicated on CUSIP: a security held in two lots is two rows.

from decimal import Decimal as _Decimal  # noqa: E402

from sqlalchemy import JSON, Numeric  # noqa: E402
from sqlalchemy.types import TypeDecorator  # noqa: E402


class _SQLiteNumeric(Numeric):
    """NUMERIC column on SQLite with no float conversion in SQLAlchemy."""

    def bind_processor(self, dialect):
        return None

    def result_processor(self, dialect, coltype):
        return None


# The amounts every backend stores alike: SQLite's REAL ends near 1.8e308 (beyond, it
# stores Infinity) and PostgreSQL's NUMERIC refuses some exponents; no SEC amount comes
# near 10^30 or needs more than 30 decimal places.
MAX_DIGITS_BEFORE_POINT = 30
MAX_DECIMAL_PLACES = 30


def amount_problem(value: _Decimal) -> str | None:
    """Why the warehouse cannot hold `value` exactly alike on SQLite and PostgreSQL
    (None: it can). Parsers skip such a value's record with this reason."""
    if not value.is_finite():
        return "not a finite number"
    if value and value.adjusted() >= MAX_DIGITS_BEFORE_POINT:
        return f"out of range (10^{MAX_DIGITS_BEFORE_POINT} or more)"
    _sign, digits, exponent = value.as_tuple()
    trailing_zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    if value and -(exponent + trailing_zeros) > MAX_DECIMAL_PLACES:
        return f"more than {MAX_DECIMAL_PLACES} decimal places"
    return None


class ExactDecimal(TypeDecorator):
    """Unconstrained NUMERIC, Decimal in and out, on SQLite as well as PostgreSQL.

    PostgreSQL: plain ``NUMERIC`` (no precision/scale, so nothing is ever rounded).
    SQLite: plain ``Numeric`` would bind floats and read them back through a fixed
    10-place format (224789032259.55 comes back as 224789032259.5499877930). Here the
    Decimal is bound as its exact text, SQLite's NUMERIC affinity stores it as INTEGER
    (integral values, exact to 19 digits) or REAL, and a REAL is read back through
    ``repr`` - exact for values of up to 15 significant digits (SQLite's own limit).
    """

    impl = Numeric
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(_SQLiteNumeric())
        return dialect.type_descriptor(Numeric())

    def process_bind_param(self, value, dialect):
        if value is not None and dialect.name == "sqlite" and isinstance(value, _Decimal):
            return str(value)
        return value

    def process_result_value(self, value, dialect):
        if value is None or isinstance(value, _Decimal):
            return value
        if isinstance(value, float):
            return _Decimal(repr(value))
        return _Decimal(value)


AMOUNT = ExactDecimal()
JSON_NULL = JSON(none_as_null=True)  # Python None -> SQL NULL, not the JSON 'null'

nport_report = Table(
    "nport_report",
    metadata,
    Column("accession_number", ACCESSION, primary_key=True),
    Column("series_key", SERIES_KEY, primary_key=True),
    Column("cik", CIK, nullable=False, comment="filer CIK (the partition)"),
    Column("series_id", String(10), comment="NULL for UITs (SPY)"),
    Column("series_name", Text),
    Column("series_lei", Text),
    Column("reg_cik", Text, comment="genInfo/regCik as written"),
    Column("reg_name", Text),
    Column("reg_file_number", Text),
    Column("reg_lei", Text),
    Column("form", String(20), comment="NPORT-P, NPORT-P/A, ..."),
    Column("filing_date", Date, nullable=False),
    Column("report_date", Date, nullable=False, comment="repPdDate: portfolio as-of date"),
    Column("fiscal_year_end", Date, comment="repPdEnd"),
    Column("is_final_filing", Boolean),
    Column("class_ids", JSON_NULL, comment="JSON list of classId"),
    Column("tot_assets", AMOUNT),
    Column("tot_liabs", AMOUNT),
    Column("net_assets", AMOUNT),
    Column("positions_in_document", Integer, nullable=False, comment="invstOrSec elements"),
    Column("rows_written", Integer, nullable=False, comment="holding rows written"),
    Column("skipped", JSON_NULL, comment="JSON list of [position, reason]"),
    Index("ix_nport_report_cik_report", "cik", "report_date"),
    Index("ix_nport_report_series_report", "series_id", "report_date"),
)

holding = Table(
    "holding",
    metadata,
    Column("accession_number", ACCESSION, primary_key=True),
    Column("series_key", SERIES_KEY, primary_key=True),
    Column("position", Integer, primary_key=True, comment="1-based invstOrSec order"),
    Column("filing_date", Date, nullable=False),
    Column("report_date", Date, nullable=False),
    Column("cik", CIK, nullable=False),
    Column("series_id", String(10)),
    Column("name", Text),
    Column("title", Text),
    Column("cusip", Text, comment='"N/A" -> NULL; "000000000" kept as written'),
    Column("isin", Text, comment="first isin of identifiers"),
    Column("ticker", Text, comment="first ticker of identifiers"),
    Column("lei", Text),
    Column("balance", AMOUNT),
    Column("units", Text),
    Column("units_desc", Text),
    Column("value_usd", AMOUNT),
    Column("pct_val", AMOUNT),
    Column("currency", Text),
    Column("exchange_rate", AMOUNT),
    Column("payoff_profile", Text),
    Column("asset_category", Text),
    Column("asset_category_desc", Text),
    Column("issuer_category", Text),
    Column("issuer_category_desc", Text),
    Column("country", Text),
    Column("other_country", Text),
    Column("fair_value_level", Text),
    Column("is_restricted", Boolean),
    Column("maturity_date", Date),
    Column("coupon_kind", Text),
    Column("annualized_rate", AMOUNT),
    Column("is_default", Boolean),
    Column("interest_in_arrears", Boolean),
    Column("is_paid_in_kind", Boolean),
    Column("is_mandatory_convertible", Boolean),
    Column("is_contingent_convertible", Boolean),
    Column("is_loan_by_fund", Boolean),
    Column("loan_value", AMOUNT),
    Column("is_cash_collateral", Boolean),
    Column("cash_collateral_value", AMOUNT),
    Column("is_non_cash_collateral", Boolean),
    Column("non_cash_collateral_value", AMOUNT),
    Column("is_derivative", Boolean, nullable=False),
    Column("extra", JSON_NULL, comment="JSON list of [path, raw text] the parser did not map"),
    Index("ix_holding_cik_report", "cik", "report_date"),
    Index("ix_holding_series_report", "series_id", "report_date"),
    Index("ix_holding_cusip", "cusip"),
    Index("ix_holding_isin", "isin"),
)

holding_identifier = Table(
    "holding_identifier",
    metadata,
    Column("accession_number", ACCESSION, primary_key=True),
    Column("series_key", SERIES_KEY, primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("seq", Integer, primary_key=True, comment="1-based order inside identifiers"),
    Column("kind", Text, nullable=False, comment="element name: isin, ticker, other, ..."),
    Column("value", Text),
    Column("description", Text, comment="@otherDesc"),
)

derivative = Table(
    "derivative",
    metadata,
    Column("accession_number", ACCESSION, primary_key=True),
    Column("series_key", SERIES_KEY, primary_key=True),
    Column("position", Integer, primary_key=True, comment="= its holding row's position"),
    Column("filing_date", Date, nullable=False),
    Column("report_date", Date, nullable=False),
    Column("cik", CIK, nullable=False),
    Column("series_id", String(10)),
    Column("kind", String(16), nullable=False, comment="future|forward|swap|option|other"),
    Column("deriv_cat", Text),
    Column("other_desc", Text),
    Column("counterparty_name", Text),
    Column("counterparty_lei", Text),
    Column("counterparties", JSON_NULL, comment='JSON list of {"name", "lei"}'),
    Column("payoff_profile", Text),
    Column("ref_kind", Text, comment="index | other | derivative"),
    Column("ref_name", Text),
    Column("ref_title", Text),
    Column("ref_identifier", Text),
    Column("ref_description", Text),
    Column("ref_cusip", Text),
    Column("ref_isin", Text),
    Column("ref_ticker", Text),
    Column("ref_identifiers", JSON_NULL, comment='JSON list of {"kind", "value", "description"}'),
    Column("notional", AMOUNT),
    Column("currency", Text),
    Column("notional_amounts", JSON_NULL, comment='JSON list of {"amount", "currency"}'),
    Column("unrealized_appreciation", AMOUNT),
    Column("expiration_date", Date),
    Column("settlement_date", Date),
    Column("termination_date", Date),
    Column("delta", AMOUNT),
    Column("put_or_call", Text),
    Column("written_or_purchased", Text),
    Column("share_number", AMOUNT),
    Column("principal_amount", AMOUNT),
    Column("exercise_price", AMOUNT),
    Column("exercise_price_currency", Text),
    Column("amount_sold", AMOUNT),
    Column("currency_sold", Text),
    Column("amount_purchased", AMOUNT),
    Column("currency_purchased", Text),
    Column("swap_flag", Boolean),
    Column("receive_kind", Text),
    Column("receive_fixed_rate", AMOUNT),
    Column("receive_floating_index", Text),
    Column("receive_spread", AMOUNT),
    Column("receive_amount", AMOUNT),
    Column("receive_currency", Text),
    Column("receive_description", Text),
    Column("pay_kind", Text),
    Column("pay_fixed_rate", AMOUNT),
    Column("pay_floating_index", Text),
    Column("pay_spread", AMOUNT),
    Column("pay_amount", AMOUNT),
    Column("pay_currency", Text),
    Column("pay_description", Text),
    Column("upfront_payment", AMOUNT),
    Column("upfront_payment_currency", Text),
    Column("upfront_receipt", AMOUNT),
    Column("upfront_receipt_currency", Text),
    Column("nested", JSON_NULL, comment="JSON object of a nested derivative (option on a future)"),
    Column("extra", JSON_NULL, comment="JSON list of [path, raw text] the parser did not map"),
    Index("ix_derivative_cik_report", "cik", "report_date"),
    Index("ix_derivative_kind", "kind"),
)

# --- N-PORT Part B: monthly flows, returns and gains (same document) -----------------
#
# Month 1..3 of a report; month 3 is the month of the report date. month_end is the last
# day of that month.


def _monthly_keys() -> list[Column]:
    return [
        Column("accession_number", ACCESSION, primary_key=True),
        Column("series_key", SERIES_KEY, primary_key=True),
    ]


def _monthly_facts() -> list[Column]:
    return [
        Column("month", Integer, primary_key=True, comment="1..3; 3 = month of report_date"),
        Column("month_end", Date, nullable=False),
        Column("filing_date", Date, nullable=False),
        Column("report_date", Date, nullable=False),
        Column("cik", CIK, nullable=False),
        Column("series_id", String(10)),
    ]


nport_monthly_flow = Table(
    "nport_monthly_flow",
    metadata,
    *_monthly_keys(),
    *_monthly_facts(),
    Column("sales", AMOUNT, comment="mon{N}Flow/@sales: shares sold (incl. exchanges in)"),
    Column("reinvestment", AMOUNT, comment="@reinvestment of distributions"),
    Column("redemption", AMOUNT, comment="@redemption (incl. exchanges out)"),
    Index("ix_nport_monthly_flow_cik", "cik", "month_end"),
)

nport_monthly_return = Table(
    "nport_monthly_return",
    metadata,
    *_monthly_keys(),
    Column("class_key", SERIES_KEY, primary_key=True,
           comment="classId, or series_key when the fund reports no class (UITs)"),
    *_monthly_facts(),
    Column("class_id", String(10), comment="NULL when the filing gives none"),
    Column("total_return", AMOUNT, comment="percent as written (rtnN), e.g. -1.40"),
    Index("ix_nport_monthly_return_class", "class_key", "month_end"),
)

nport_monthly_gain = Table(
    "nport_monthly_gain",
    metadata,
    *_monthly_keys(),
    Column("category", String(32), primary_key=True,
           comment="non_derivative (othMonN) or a contract category, e.g. equityContracts"),
    Column("instrument", String(32), primary_key=True,
           comment="'' for the category total, else e.g. futureCategory"),
    *_monthly_facts(),
    Column("net_realized_gain", AMOUNT),
    Column("net_unrealized_appreciation", AMOUNT),
)

#: Every table an N-PORT accession writes (replace_filing deletes from all of them).
NPORT_TABLES: tuple[Table, ...] = (holding, holding_identifier, derivative,
                                   nport_monthly_flow, nport_monthly_return,
                                   nport_monthly_gain, nport_report)

# --- 24F-2NT: annual sales and redemptions ---------------------------------------------

annual_flow = Table(
    "annual_flow",
    metadata,
    Column("accession_number", ACCESSION, primary_key=True),
    Column("block", Integer, primary_key=True, comment="1-based annualFilingInfo order"),
    Column("cik", CIK, nullable=False, comment="filer CIK (the partition)"),
    Column("form", String(20), nullable=False, comment="24F-2NT or 24F-2NT/A"),
    Column("filing_date", Date, nullable=False),
    Column("fiscal_year_end", Date, nullable=False, comment="item 4 lastDayOfFiscalYear"),
    Column("investment_company_type", String(10), comment="N-1A, S-6, ..."),
    Column("issuer_name", Text),
    Column("ica_file_number", Text, comment="811-..."),
    Column("securities_act_file_numbers", JSON_NULL, comment="JSON list, e.g. [\"033-46080\"]"),
    Column("scope", JSON_NULL, comment='item 2: JSON list of {"series_id", "series_name", '
           '"class_id", "class_name", "all_classes"}; [] with include_all set'),
    Column("include_all", String(16), comment="series | classes | all: the block covers "
           "every series/class of the filer (item 2 rpt*IncludeAll*Flag)"),
    Column("covers_etf", Boolean, comment="item 2 names an ETF series/class of the trust "
           "(true), only other funds (false), or the whole filer (NULL); as of the load"),
    Column("series_or_class_id", String(10), comment="item 5 seriesOrClassId, if given"),
    Column("aggregate_sales", AMOUNT, comment="5(i) aggregate sale price of securities sold"),
    Column("redeemed_in_year", AMOUNT, comment="5(ii) redeemed or repurchased in the year"),
    Column("redeemed_prior_credits", AMOUNT,
           comment="5(iii) redeemed in prior years, not yet used for fees"),
    Column("total_redemption_credits", AMOUNT, comment="5(iv) = 5(ii) + 5(iii)"),
    Column("net_sales", AMOUNT, comment="5(v) = 5(i) - 5(iv) if positive, else 0"),
    Column("credits_for_future_years", AMOUNT,
           comment="5(vi): 5(i) - 5(iv) if negative (written in parentheses), else 0"),
    Column("fee_rate", AMOUNT, comment="5(vii) multiplier for the registration fee"),
    Column("registration_fee_due", AMOUNT, comment="5(viii) = 5(v) x 5(vii)"),
    Column("interest_due", AMOUNT, comment="item 6"),
    Column("total_due", AMOUNT, comment="item 7 = fee + interest"),
    Column("filed_late", Boolean),
    Column("last_filing", Boolean, comment="item 4: last time the issuer files this form"),
    Column("explanatory_notes", Text, comment="item 8"),
    Column("signature_date", Date),
    Index("ix_annual_flow_cik_fye", "cik", "fiscal_year_end"),
)

ANNUAL_FLOW_TABLES: tuple[Table, ...] = (annual_flow,)

# --- 485BPOS: fees, expense examples, objectives, prospectus performance --------------
#
# One prospectus (485BPOS) of a trust, loaded replace-by-accession (rows built by
# etf_assets/prospectus/rows.py). Ratios are pure fractions exactly as tagged in the
# risk/return (rr) inline XBRL: 0.0053 = 0.53%. Only ETF classes (and their series and
# indexes) are kept; a mixed trust's mutual-fund classes are counted in the metadata.
# `fee_key` is the class id, or the series id for a fee table tagged per series.

def _prospectus_keys() -> list[Column]:
    return [
        Column("accession_number", ACCESSION, primary_key=True),
        Column("fee_key", SERIES_KEY, primary_key=True),
    ]


prospectus_fee = Table(
    "prospectus_fee",
    metadata,
    *_prospectus_keys(),
    Column("cik", CIK, nullable=False),
    Column("series_id", SERIES_KEY),
    Column("class_id", SERIES_KEY, comment="NULL when the table is tagged per series"),
    Column("ticker", String(16), comment="dei:TradingSymbol of the class"),
    Column("filing_date", Date, nullable=False),
    Column("effective_date", Date, comment="rr:ProspectusDate (the series', else the "
           "document's)"),
    Column("management_fee", AMOUNT),
    Column("distribution_12b1_fee", AMOUNT),
    Column("distribution_non_12b1_fee", AMOUNT),
    Column("other_expenses", AMOUNT),
    Column("acquired_fund_fees", AMOUNT),
    Column("total_annual_expenses", AMOUNT, comment="rr:ExpensesOverAssets (gross)"),
    Column("fee_waiver", AMOUNT, comment="negative, as tagged"),
    Column("net_expenses", AMOUNT),
    Column("other_components", JSON, comment="[[concept, ratio], ...] other tagged lines"),
    Column("read_from", String(8), comment="how the row was read: ixbrl (risk/return "
           "tags) | html (untagged tables, prospectus/untagged.py); NULL: before issue 25"),
    Index("ix_prospectus_fee_class", "class_id", "effective_date"),
    Index("ix_prospectus_fee_cik", "cik"),
)

prospectus_shareholder_fee = Table(
    "prospectus_shareholder_fee",
    metadata,
    *_prospectus_keys(),
    Column("concept", String(120), primary_key=True,
           comment="rr local name, e.g. MaximumSalesChargeImposedOnPurchasesOverOfferingPrice"),
    Column("value", AMOUNT, nullable=False),
    Column("unit", String(8), nullable=False, comment="pure (a ratio) or a currency"),
    Column("cik", CIK, nullable=False),
)

prospectus_expense_example = Table(
    "prospectus_expense_example",
    metadata,
    *_prospectus_keys(),
    Column("years", Integer, primary_key=True, comment="1, 3, 5, 10"),
    Column("redemption", Boolean, primary_key=True,
           comment="true: shares redeemed at the end (ExpenseExampleYearNN)"),
    Column("amount", AMOUNT, nullable=False, comment="cost on $10,000 at 5% a year"),
    Column("currency", String(8), nullable=False),
    Column("cik", CIK, nullable=False),
)

prospectus_series = Table(
    "prospectus_series",
    metadata,
    Column("accession_number", ACCESSION, primary_key=True),
    Column("series_id", SERIES_KEY, primary_key=True),
    Column("cik", CIK, nullable=False),
    Column("filing_date", Date, nullable=False),
    Column("effective_date", Date),
    Column("objective", Text, comment="rr:ObjectivePrimaryTextBlock as plain text"),
    Column("objective_secondary", Text),
    Column("strategy", Text, comment="rr:StrategyNarrativeTextBlock as plain text"),
    Column("portfolio_turnover", AMOUNT, comment="rr:PortfolioTurnoverRate (ratio)"),
    Column("read_from", String(8), comment="ixbrl | html (untagged tables); NULL: before "
           "issue 25"),
)

performance = Table(
    "performance",
    metadata,
    Column("accession_number", ACCESSION, primary_key=True),
    Column("seq", Integer, primary_key=True, comment="order within the filing"),
    Column("source", String(16), nullable=False, comment="prospectus (485BPOS) | ncsr "
           "(N-CSR / N-CSRS tailored shareholder report)"),
    Column("cik", CIK, nullable=False),
    Column("series_id", SERIES_KEY),
    Column("class_id", SERIES_KEY, comment="NULL for an index or a series-level figure"),
    Column("subject", String(8), nullable=False, comment="fund | index: never mixed"),
    Column("measure", String(40), comment="fund: before_taxes | after_taxes_on_"
           "distributions | after_taxes_on_distributions_and_sales"),
    Column("index_member", String(200), comment="the index axis member (stable key)"),
    Column("index_name", Text, comment="the index as the table names it"),
    Column("period", String(20), nullable=False, comment="1y | 5y | 10y | since_inception"
           " | calendar_year | highest_quarter | lowest_quarter | year_to_date; ncsr: also "
           "<n>y / <n>m for other lengths"),
    Column("year", Integer, comment="calendar_year only"),
    Column("as_of", Date, comment="period end: Dec 31 of the bar-chart year, the quarter "
           "end, or the average-returns table's (inferred) end"),
    Column("inception_date", Date),
    Column("value", AMOUNT, nullable=False, comment="ratio as tagged: -0.0054 = -0.54%"),
    Column("filing_date", Date, nullable=False),
    Column("period_start", Date, comment="ncsr: the return's context start date (the "
           "period is named from it and as_of, never assumed)"),
    Column("index_role", String(16), comment="ncsr index rows: broad_based | additional"),
    Column("read_from", String(8), comment="prospectus rows: ixbrl | html (untagged "
           "tables); NULL for ncsr rows and rows loaded before issue 25"),
    Index("ix_performance_class", "class_id", "period"),
    Index("ix_performance_cik", "cik"),
)

PROSPECTUS_TABLES: tuple[Table, ...] = (
    prospectus_fee, prospectus_shareholder_fee, prospectus_expense_example,
    prospectus_series, performance)

# --- N-CSR / N-CSRS: tailored shareholder reports and financial highlights ------------
#
# One shareholder report (N-CSR annual, N-CSRS semiannual, amendments too) of a trust,
# loaded replace-by-accession (rows built by etf_assets/ncsr/rows.py). TSR figures are
# as tagged in the oef inline XBRL: ratios are fractions (0.0009 = 0.09%), money in
# dollars. `class_key` is the class id, else (a class the report does not name by id
# and the trust registry could not resolve) the ClassAxis member or "document".
# Returns go to `performance` with source = 'ncsr'.

def _ncsr_keys() -> list[Column]:
    return [
        Column("accession_number", ACCESSION, primary_key=True),
        Column("class_key", String(64), primary_key=True),
    ]


def _ncsr_scope() -> list[Column]:
    return [
        Column("cik", CIK, nullable=False),
        Column("series_id", SERIES_KEY, comment="from the trust's registry (TSRs tag no series)"),
        Column("class_id", SERIES_KEY),
        Column("filing_date", Date, nullable=False),
    ]


ncsr_expense = Table(
    "ncsr_expense",
    metadata,
    *_ncsr_keys(),
    *_ncsr_scope(),
    Column("ticker", String(16), comment="dei:TradingSymbol"),
    Column("fund_name", Text, comment="oef:FundName"),
    Column("class_name", Text, comment="oef:ClassName"),
    Column("report_type", String(12), comment="annual | semiannual"),
    Column("period_start", Date),
    Column("period_end", Date),
    Column("expense_ratio", AMOUNT, comment="oef:ExpenseRatioPct (annualized), fraction"),
    Column("expenses_paid", AMOUNT, comment="oef:ExpensesPaidAmt: dollars paid on a $10,000 "
           "investment over the period"),
    Column("expenses_excl_extraordinary", AMOUNT,
           comment="oef:ExpensesExclExtraordinaryExpensesPct, fraction"),
    Column("inception_date", Date, comment="oef:PerfInceptionDate"),
    Column("class_resolved_by", String(16), comment="member | ticker | name | only_class"),
    Index("ix_ncsr_expense_class", "class_id", "period_end"),
    Index("ix_ncsr_expense_cik", "cik"),
)

ncsr_statistic = Table(
    "ncsr_statistic",
    metadata,
    *_ncsr_keys(),
    Column("statistic", String(120), primary_key=True,
           comment="net_assets | holdings_count | portfolio_turnover | advisory_fees_paid | "
           "etf_premium_days | etf_discount_days | any other tagged figure by concept"),
    *_ncsr_scope(),
    Column("value", AMOUNT, nullable=False),
    Column("unit", String(16), comment="USD | pure | as tagged"),
    Column("as_of", Date, comment="instant, or end of the duration"),
    Column("period_start", Date, comment="durations only"),
    Column("fund_level", Boolean, comment="true: the fund's figure (net assets, holdings "
           "count, turnover, advisory fees paid) repeated in each class's report: take it "
           "once per series, never sum it over classes"),
    Index("ix_ncsr_statistic_class", "class_id", "statistic"),
    Index("ix_ncsr_statistic_cik", "cik"),
)

ncsr_holding = Table(
    "ncsr_holding",
    metadata,
    *_ncsr_keys(),
    Column("category", String(24), primary_key=True,
           comment="industry_sector | geographic_region | credit_quality | maturity | "
           "other_category_1 | other_category_2 | largest_holding"),
    Column("member", String(200), primary_key=True, comment="axis member (or typed text)"),
    Column("measure", String(32), primary_key=True,
           comment="pct_of_nav | pct_of_total_investments | pct_of_*_exposure"),
    *_ncsr_scope(),
    Column("label", Text, comment="the member name in words"),
    Column("value", AMOUNT, nullable=False, comment="fraction: 0.325 = 32.5%"),
    Column("as_of", Date),
    Index("ix_ncsr_holding_class", "class_id"),
    Index("ix_ncsr_holding_cik", "cik"),
)

ncsr_line_graph = Table(
    "ncsr_line_graph",
    metadata,
    Column("accession_number", ACCESSION, primary_key=True),
    Column("seq", Integer, primary_key=True, comment="order within the filing"),
    Column("class_key", String(64), nullable=False),
    *_ncsr_scope(),
    Column("subject", String(8), nullable=False, comment="fund | index"),
    Column("index_role", String(16), comment="broad_based | additional"),
    Column("index_member", String(200)),
    Column("period_start", Date, comment="oef:AccmVal's start (the graph's first date)"),
    Column("as_of", Date, nullable=False),
    Column("value", AMOUNT, nullable=False, comment="oef:AccmVal (or the deprecated "
           "instant oef:AcctVal): growth of $10,000"),
    Index("ix_ncsr_line_graph_class", "class_id", "as_of"),
    Index("ix_ncsr_line_graph_cik", "cik"),
)

# Financial Highlights (seed 000's PerShareOperating / PerShareDistribution /
# PerShareRatio): one row per printed column (fiscal period) of each table, in the
# table's own units: dollars per share; percents AS PRINTED (1.25 = 1.25%, unlike the
# TSR fractions); net assets in dollars. Distributions are positive amounts paid.


def _per_share_keys() -> list[Column]:
    return [
        Column("accession_number", ACCESSION, primary_key=True),
        Column("table_index", Integer, primary_key=True,
               comment="1-based, document order among the highlights tables"),
        Column("column_index", Integer, primary_key=True, comment="0-based, as printed"),
        Column("cik", CIK, nullable=False),
        Column("series_id", SERIES_KEY),
        Column("class_id", SERIES_KEY, comment="NULL: the table could not be attributed"),
        Column("period_end", Date),
        Column("fiscal_year", Integer),
        Column("filing_date", Date, nullable=False),
    ]


per_share_operating = Table(
    "per_share_operating",
    metadata,
    *_per_share_keys(),
    Column("period_start", Date, comment="printed first periods only (inception)"),
    Column("months", Integer, comment="12 year ended, 6 six months ended, NULL otherwise"),
    Column("is_partial", Boolean, nullable=False),
    Column("is_semiannual", Boolean, nullable=False),
    Column("unaudited", Boolean, nullable=False),
    Column("column_label", Text, comment="the column header as printed"),
    Column("caption", Text, comment="text above the table (fund / class names)"),
    Column("title", Text, comment="title rows inside the table"),
    Column("attributed_by", String(16), comment="fund_and_class | fund | only_class"),
    Column("nav_begin", AMOUNT),
    Column("net_investment_income", AMOUNT),
    Column("net_realized_unrealized_gain", AMOUNT),
    Column("total_from_operations", AMOUNT),
    Column("nav_end", AMOUNT),
    Column("market_price_end", AMOUNT),
    Column("net_equalization", AMOUNT, comment="UIT: net equalization credits and charges"),
    Column("other_capital", AMOUNT, comment="a trustee's / sponsor's contribution per share"),
    Column("arithmetic_problem", Text, comment="NULL when NAV begin + operations - "
           "distributions = NAV end to the printed rounding; else why not (kept, flagged)"),
    Column("unmapped", JSON_NULL, comment="[[row label, value], ...] rows no rule maps"),
    Index("ix_per_share_operating_class", "class_id", "period_end"),
    Index("ix_per_share_operating_cik", "cik"),
)

per_share_distribution = Table(
    "per_share_distribution",
    metadata,
    *_per_share_keys(),
    Column("dist_net_investment_income", AMOUNT),
    Column("dist_capital_gains", AMOUNT),
    Column("dist_return_of_capital", AMOUNT),
    Column("total_distributions", AMOUNT),
    Index("ix_per_share_distribution_class", "class_id", "period_end"),
)

per_share_ratio = Table(
    "per_share_ratio",
    metadata,
    *_per_share_keys(),
    Column("total_return_pct", AMOUNT, comment="at NAV, percent as printed"),
    Column("market_total_return_pct", AMOUNT, comment="ETFs: at market price"),
    Column("net_assets_end", AMOUNT, comment="dollars (printed value x multiplier)"),
    Column("net_assets_multiplier", Integer, comment="1, 1000, 1000000 as the label says"),
    Column("expense_ratio_gross_pct", AMOUNT),
    Column("expense_ratio_net_pct", AMOUNT),
    Column("net_investment_income_ratio_pct", AMOUNT),
    Column("portfolio_turnover_pct", AMOUNT),
    Index("ix_per_share_ratio_class", "class_id", "period_end"),
)

NCSR_TABLES: tuple[Table, ...] = (
    ncsr_expense, ncsr_statistic, ncsr_holding, ncsr_line_graph, performance,
    per_share_operating, per_share_distribution, per_share_ratio)

# --- indexes the serving app's queries need (etf_assets/serve/queries.py) -------------
#
# Declared here, after their tables, so the API's read paths stay index-backed: ETF by
# ticker, a series' newest N-PORT (UITs have no series_id, only series_key), its monthly
# flows, the filings list newest first, new funds by first_seen. warehouse/upgrade.py
# creates any missing index on an existing warehouse.

Index("ix_etf_ticker", etf.c.ticker)
Index("ix_etf_first_seen", etf.c.first_seen)
Index("ix_nport_report_series_key_report", nport_report.c.series_key, nport_report.c.report_date)
Index("ix_nport_monthly_flow_series_key", nport_monthly_flow.c.series_key,
      nport_monthly_flow.c.month_end)
Index("ix_filing_date", filing.c.filing_date, filing.c.accession_number)
Index("ix_performance_series", performance.c.series_id)

# --- fund lifecycle (etf_assets/lifecycle/) -------------------------------------------

lifecycle_filing = Table(
    "lifecycle_filing",
    metadata,
    Column("accession_number", ACCESSION, primary_key=True),
    Column("cik", CIK, nullable=False),
    Column("form", String(20), nullable=False),
    Column("filing_date", Date, nullable=False),
    Column("effectiveness_date", Date, comment="the header's EFFECTIVENESS DATE"),
    Column("designated_date", Date, comment="485BXT: the new effective date its cover names"),
    Column("acceptance_datetime", DateTime, comment="UTC"),
    Column("url", Text, nullable=False, comment="the header document read"),
    Column("sha256", String(64), nullable=False, comment="of the header bytes"),
    Column("events", Integer, nullable=False, comment="events it gave"),
    Column("read_at", DateTime, nullable=False),
    Index("ix_lifecycle_filing_cik", "cik", "filing_date"),
    comment="Each filing whose SGML header the lifecycle slice read (its own record: the "
            "`filing` table belongs to the slices that load documents).",
)

lifecycle_event = Table(
    "lifecycle_event",
    metadata,
    Column("cik", CIK, primary_key=True),
    Column("series_id", SERIES_KEY, primary_key=True),
    Column("class_key", SERIES_KEY, primary_key=True, comment="class id; '' for the series"),
    Column("kind", String(12), primary_key=True,
           comment="proposed | delayed | effective | trading | changed | closed"),
    Column("evidence", String(80), primary_key=True,
           comment="the accession, or ticker:<symbol> / universe:<table>:<date>"),
    Column("event_date", Date, nullable=False),
    Column("form", String(20)),
    Column("accession_number", ACCESSION),
    Column("filing_date", Date),
    Column("effective_date", Date, comment="expected (proposed), designated (delayed), "
           "actual (effective)"),
    Column("series_name", Text),
    Column("class_name", Text),
    Column("ticker", String(16)),
    Column("detail", Text),
    Column("learned_at", DateTime, nullable=False, comment="when the pipeline recorded it, UTC"),
    Index("ix_lifecycle_event_kind_date", "kind", "event_date"),
    Index("ix_lifecycle_event_learned", "learned_at"),
    comment="Every lifecycle event, inserted once and never updated (history).",
)

lifecycle_state = Table(
    "lifecycle_state",
    metadata,
    Column("cik", CIK, primary_key=True),
    Column("series_id", SERIES_KEY, primary_key=True),
    Column("class_key", SERIES_KEY, primary_key=True, comment="class id; '' for the series"),
    Column("state", String(12), nullable=False,
           comment="proposed | delayed | effective | trading | closed"),
    Column("state_since", Date, nullable=False),
    Column("state_evidence", String(80), nullable=False),
    Column("proposed_on", Date),
    Column("expected_effective_date", Date),
    Column("effective_date", Date),
    Column("trading_since", Date),
    Column("launched_on", Date, comment="trading_since of a fund first seen proposed"),
    Column("closed_since", Date),
    Column("series_name", Text),
    Column("class_name", Text),
    Column("ticker", String(16)),
    Column("events", Integer, nullable=False),
    Column("as_of", DateTime, nullable=False),
    Index("ix_lifecycle_state_state", "state"),
    comment="Derived from lifecycle_event (rollup), rebuilt per trust with its events.",
)


# --- alerts (etf_assets/alerts/) ------------------------------------------------------

alert_delivery = Table(
    "alert_delivery",
    metadata,
    Column("event_key", String(160), primary_key=True,
           comment="new_filing:<accession>, effective_soon:<cik>:<series>:<date>, ..."),
    Column("subscription", String(80), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("channel", String(12), nullable=False, comment="email | slack | webhook"),
    Column("status", String(12), nullable=False,
           comment="pending | sending | sent | failed | off"),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", DateTime, nullable=False, comment="UTC"),
    Column("claimed_by", String(64), comment="the sensor evaluation that is sending it"),
    Column("claimed_at", DateTime),
    Column("sent_at", DateTime),
    Column("last_error", Text),
    Column("title", Text, nullable=False),
    Column("payload", JSON_NULL, nullable=False, comment="the event as sent (JSON)"),
    Column("created_at", DateTime, nullable=False),
    Index("ix_alert_delivery_due", "status", "next_attempt_at"),
    comment="One row per (event, subscription): inserted once, claimed by one sender "
            "before it sends (exactly once across daemons), retried with backoff, its "
            "failure kept.",
)


# --- new registrants (etf_assets/lifecycle/registrants.py) ----------------------------

registrant_candidate = Table(
    "registrant_candidate",
    metadata,
    Column("cik", CIK, primary_key=True),
    Column("name", Text, comment="COMPANY CONFORMED NAME of the filing that found it"),
    Column("found_by_accession", ACCESSION, nullable=False),
    Column("found_by_form", String(20), nullable=False, comment="N-1A, N-1A/A or 485APOS"),
    Column("filing_date", Date, nullable=False),
    Column("etf_series", JSON_NULL, nullable=False,
           comment='[["S000...", "Name ETF"], ...] the series whose names say ETF'),
    Column("found_at", DateTime, nullable=False, comment="UTC"),
    comment="Trusts outside the universe whose N-1A or 485APOS proposes a fund named ETF "
            "(the daily index shows them): their lifecycle is followed before any ticker.",
)


# --- Cross-fund questions: who holds a security, overlap, changes (etf_assets/crossfund) --
#
# Derived from the N-PORT tables by the `security_holders` asset (never loaded from SEC):
# each report's positions aggregated by position identity (etf_assets/crossfund/
# identity.py), refreshed incrementally after holdings change.

security_holders = Table(
    "security_holders",
    metadata,
    Column("accession_number", ACCESSION, primary_key=True),
    Column("series_key", SERIES_KEY, primary_key=True),
    Column("seq", Integer, primary_key=True,
           comment="1-based within the report, in order of first position"),
    Column("cik", CIK, nullable=False),
    Column("series_id", String(10), comment="NULL for UITs"),
    Column("filing_date", Date, nullable=False),
    Column("report_date", Date, nullable=False),
    Column("is_latest", Boolean, nullable=False,
           comment="the newest report of the series (report date, then filing date, then "
                   "accession)"),
    Column("security_key", Text, comment="CUSIP:<cusip> | ISIN:<isin> | TICKER:<ticker> | "
           "LEI:<lei>:<title>; NULL: the position has no usable identifier (never joined)"),
    Column("id_kind", String(12), comment="cusip | isin | ticker | lei_title"),
    Column("cusip", Text, comment="normalized: valid check digit, or embedded in a US/CA ISIN"),
    Column("isin", Text, comment="normalized: valid check digit"),
    Column("ticker", Text, comment="normalized: upper case"),
    Column("lei", Text, comment="normalized issuer LEI: valid ISO 17442 check digits"),
    Column("name", Text, comment="issuer name of the first position"),
    Column("title", Text, comment="issue title of the first position"),
    Column("units", Text, comment="NS, PA, NC, OU: positions are summed per unit"),
    Column("payoff_profile", Text, comment="Long, Short or NULL: summed per profile"),
    Column("asset_category", Text, comment="of the first position"),
    Column("is_derivative", Boolean, nullable=False, comment="any of its positions"),
    Column("balance", AMOUNT, comment="sum of the positions' balances"),
    Column("value_usd", AMOUNT, comment="sum of valUSD"),
    Column("pct_val", AMOUNT, comment="sum of pctVal (percent of net assets)"),
    Column("positions", Integer, nullable=False, comment="holding rows summed"),
    Column("first_position", Integer, nullable=False, comment="holding.position of the first"),
    Column("source_parsed_at", DateTime, comment="filing.parsed_at of the load it was built "
           "from: a reload of the accession rebuilds its rows"),
    Index("ix_security_holders_key", "security_key", "is_latest"),
    Index("ix_security_holders_cusip", "cusip", "is_latest"),
    Index("ix_security_holders_isin", "isin", "is_latest"),
    Index("ix_security_holders_ticker", "ticker", "is_latest"),
    Index("ix_security_holders_lei", "lei", "is_latest"),
    Index("ix_security_holders_series", "series_key", "is_latest", "security_key"),
)


# --- Poison filings (issue 24): each filing whose load failed, with a backoff; after
# QUARANTINE_AFTER failures it is quarantined (etf_assets/warehouse/failures.py). ------

filing_failure = Table(
    "filing_failure",
    metadata,
    Column("accession_number", String(20), primary_key=True),
    Column("cik", String(16), nullable=False),
    Column("form_group", String(16), nullable=False, comment="freshness group: nport, ..."),
    Column("failures", Integer, nullable=False, comment="failed attempts since the last "
           "success or requeue"),
    Column("first_failed_at", DateTime, nullable=False, comment="UTC"),
    Column("last_failed_at", DateTime, nullable=False, comment="UTC"),
    Column("retry_after", DateTime, comment="UTC; not attempted before (backoff)"),
    Column("quarantined_at", DateTime, comment="UTC; set: not attempted until requeued"),
    Column("last_reason", Text, nullable=False),
    Column("document_fingerprint", String(64), comment="sha256 of the filing's index.json "
           "listing (names, sizes, last-modified) when quarantined: a change lifts it"),
    Index("ix_filing_failure_cik", "cik"),
)


# --- ETF search (issue 21: /api/etfs?q=, the explorer's search): index-backed --------
#
# `search_etfs` (etf_assets/serve/queries.py) matches a ticker prefix or a substring of
# the fund or class name. A B-tree cannot serve "name contains", so each backend gets a
# trigram index (queries of 3 characters or more; shorter ones scan 4,000-odd rows):
# - SQLite: `etf_search`, an FTS5 table with the trigram tokenizer over etf's class_id
#   (unindexed), fund_name and class_name, kept by triggers on etf. It only proposes
#   candidates: the query keeps its exact LIKE conditions, so a stale or duplicate
#   entry costs nothing but a row checked (an `INSERT OR REPLACE` of etf, whose delete
#   fires no trigger, leaves one).
# - PostgreSQL: pg_trgm GIN indexes on ticker, upper(fund_name) and upper(class_name),
#   which serve LIKE 'AB%' and LIKE '%WORD%' as they are. The extension goes to the
#   public schema (a per-run schema dropped with CASCADE must not take it with it);
#   without the privilege to create it the search stays a scan, and a warning says so.

ETF_SEARCH_FTS = "etf_search"
ETF_SEARCH_TRIGRAM_INDEXES = {"ix_etf_ticker_trgm": "ticker",
                              "ix_etf_fund_name_trgm": "upper(fund_name)",
                              "ix_etf_class_name_trgm": "upper(class_name)"}

_SQLITE_SEARCH_TRIGGERS = (
    f"""CREATE TRIGGER IF NOT EXISTS {ETF_SEARCH_FTS}_insert AFTER INSERT ON etf BEGIN
        INSERT INTO {ETF_SEARCH_FTS}(class_id, fund_name, class_name)
        VALUES (new.class_id, new.fund_name, new.class_name); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {ETF_SEARCH_FTS}_update
        AFTER UPDATE OF class_id, fund_name, class_name ON etf
        WHEN old.class_id IS NOT new.class_id OR old.fund_name IS NOT new.fund_name
             OR old.class_name IS NOT new.class_name BEGIN
        DELETE FROM {ETF_SEARCH_FTS} WHERE class_id = old.class_id;
        INSERT INTO {ETF_SEARCH_FTS}(class_id, fund_name, class_name)
        VALUES (new.class_id, new.fund_name, new.class_name); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {ETF_SEARCH_FTS}_delete AFTER DELETE ON etf BEGIN
        DELETE FROM {ETF_SEARCH_FTS} WHERE class_id = old.class_id; END""",
)


def ensure_etf_search(conn) -> None:
    """Create the search index if it is missing (idempotent; fills it from etf when it
    is created). Runs after every `metadata.create_all`, so new and old warehouses
    get it alike."""
    if conn.dialect.name == "sqlite":
        have = conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                                    f"AND name = '{ETF_SEARCH_FTS}'").first()
        if have is None:
            conn.exec_driver_sql(f"CREATE VIRTUAL TABLE {ETF_SEARCH_FTS} USING fts5("
                                 "class_id UNINDEXED, fund_name, class_name, "
                                 "tokenize = 'trigram')")
            conn.exec_driver_sql(f"INSERT INTO {ETF_SEARCH_FTS}(class_id, fund_name, "
                                 "class_name) SELECT class_id, fund_name, class_name FROM etf")
        for statement in _SQLITE_SEARCH_TRIGGERS:
            conn.exec_driver_sql(statement)
        return
    if conn.dialect.name != "postgresql":
        return
    import logging

    from sqlalchemy.exc import DBAPIError

    present = {r[0] for r in conn.exec_driver_sql(
        "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
        "AND tablename = 'etf'")}
    missing = [name for name in ETF_SEARCH_TRIGRAM_INDEXES if name not in present]
    if not missing:
        return
    try:
        with conn.begin_nested():
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
    except DBAPIError as exc:
        logging.getLogger(__name__).warning(
            "pg_trgm unavailable (%s): the ETF name search scans etf",
            str(exc.orig).strip().splitlines()[0] if exc.orig else exc)
        return
    ops = conn.exec_driver_sql(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n "
        "ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'").scalar()
    for name in missing:
        conn.exec_driver_sql(f'CREATE INDEX IF NOT EXISTS {name} ON etf USING gin '
                             f'(({ETF_SEARCH_TRIGRAM_INDEXES[name]}) "{ops}".gin_trgm_ops)')


def _after_create(_metadata, connection, **_kw) -> None:
    ensure_etf_search(connection)


def _before_drop(_metadata, connection, **_kw) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {ETF_SEARCH_FTS}")


from sqlalchemy import event as _event  # noqa: E402

_event.listen(metadata, "after_create", _after_create)
_event.listen(metadata, "before_drop", _before_drop)
