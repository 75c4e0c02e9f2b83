"""Parsed 24F-2NT notices -> `annual_flow` rows (plain dicts). Pure."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any, Optional

from sqlalchemy import Table

from etf_assets.flows.parse import Block, Notice24F2
from etf_assets.nport.rows import to_json
from etf_assets.warehouse.tables import annual_flow


def covers_etf(block: Block, etf_series: set[str], etf_classes: set[str]) -> Optional[bool]:
    """True when item 2 names an ETF series or class of the filer, False when it names
    only others (a mixed trust's mutual funds), None when it covers the whole filer."""
    if block.include_all or not (block.series_ids or block.class_ids):
        return None
    return bool(set(block.series_ids) & etf_series or set(block.class_ids) & etf_classes)


def notice_rows(notice: Notice24F2, *, accession: str, filing_date: date, cik: str,
                form: str, etf_series: set[str] = frozenset(),
                etf_classes: set[str] = frozenset()) -> Iterator[tuple[Table, dict[str, Any]]]:
    """One row per block, every block kept."""
    for b in notice.blocks:
        yield annual_flow, {
            "accession_number": accession,
            "block": b.index,
            "cik": cik,
            "form": form,
            "filing_date": filing_date,
            "fiscal_year_end": b.fiscal_year_end,
            "investment_company_type": notice.investment_company_type,
            "issuer_name": b.issuer_name,
            "ica_file_number": b.ica_file_number,
            "securities_act_file_numbers": list(b.securities_act_file_numbers),
            "scope": to_json(list(b.scope)),
            "include_all": b.include_all,
            "covers_etf": covers_etf(b, etf_series, etf_classes),
            "series_or_class_id": b.series_or_class_id,
            "aggregate_sales": b.aggregate_sales,
            "redeemed_in_year": b.redeemed_in_year,
            "redeemed_prior_credits": b.redeemed_prior_credits,
            "total_redemption_credits": b.total_redemption_credits,
            "net_sales": b.net_sales,
            "credits_for_future_years": b.credits_for_future_years,
            "fee_rate": b.fee_rate,
            "registration_fee_due": b.registration_fee_due,
            "interest_due": b.interest_due,
            "total_due": b.total_due,
            "filed_late": b.filed_late,
            "last_filing": b.last_filing,
            "explanatory_notes": b.explanatory_notes,
            "signature_date": b.signature_date,
        }
