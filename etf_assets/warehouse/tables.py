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

# --- the ETF universe ---------------------------------------------------------------

trust = Table(
    "trust",
    metadata,
    Column("cik", CIK, primary_key=True),
    Column("name", Text, comment="COMPANY CONFORMED NAME from the latest N-CEN's SGML header"),
    Column("ncen_accession", ACCESSION, comment="N-CEN that last classified this trust"),
    Column("ncen_report_date", Date),
    Column("first_seen", DateTime, nullable=False),
    Column("last_seen", DateTime, nullable=False),
    Column("active", Boolean, nullable=False),
)

series = Table(
    "series",
    metadata,
    Column("series_id", String(10), primary_key=True),
    Column("cik", CIK, nullable=False),
    Column("name", Text, comment="SGML SERIES-NAME"),
    Column("first_seen", DateTime, nullable=False),
    Column("last_seen", DateTime, nullable=False),
    Column("active", Boolean, nullable=False),
    Index("ix_series_cik", "cik"),
)

share_class = Table(
    "share_class",
    metadata,
    Column("class_id", String(10), primary_key=True),
    Column("series_id", String(10), nullable=False),
    Column("cik", CIK, nullable=False),
    Column("ticker", String(16)),
    Column("first_seen", DateTime, nullable=False),
    Column("last_seen", DateTime, nullable=False),
    Column("active", Boolean, nullable=False),
    Index("ix_share_class_cik", "cik"),
    Index("ix_share_class_series", "series_id"),
)

etf = Table(
    "etf",
    metadata,
    Column("class_id", String(10), primary_key=True),
    Column("ticker", String(16)),
    Column("series_id", String(10), nullable=False),
    Column("cik", CIK, nullable=False),
    Column("fund_name", Text, comment="SGML SERIES-NAME of the series"),
    Column("class_name", Text, comment="SGML CLASS-CONTRACT-NAME"),
    Column("issuer_name", Text, comment="the trust's conformed name"),
    Column("exchange", String(16), comment="N-CEN securityExchange/@fundExchange (MIC)"),
    Column("is_etf", Boolean, nullable=False),
    Column("decision_source", String(16), nullable=False, comment="ncen | ticker_shape"),
    Column("decided_by_accession", ACCESSION, comment="the N-CEN, when source is ncen"),
    Column("first_seen", DateTime, nullable=False),
    Column("last_seen", DateTime, nullable=False),
    Column("active", Boolean, nullable=False),
    Index("ix_etf_cik", "cik"),
    Index("ix_etf_series", "series_id"),
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
