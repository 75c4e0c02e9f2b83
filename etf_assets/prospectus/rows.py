"""A parsed prospectus -> warehouse rows (pure). Only ETF classes, their series and the
indexes those series compare against are kept; the rest is counted, not loaded."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Table

from etf_assets.prospectus.parse import Prospectus
from etf_assets.prospectus.read import Comparison
from etf_assets.warehouse.tables import (
    performance,
    prospectus_expense_example,
    prospectus_fee,
    prospectus_series,
    prospectus_shareholder_fee,
)


@dataclass
class Kept:
    """What a prospectus held beyond the trust's ETFs (for the metadata)."""

    non_etf_fee_tables: int = 0
    non_etf_series: int = 0
    non_etf_returns: int = 0
    unkeyed_fee_tables: int = 0  # tagged with neither class nor series id
    etf_classes: set[str] = field(default_factory=set)
    comparison: Comparison | None = None  # tagged document: its tags vs its tables

    def reasons(self) -> dict[str, int]:
        """What was left out, by reason (the `filing_skip` rows, SCHEMA.md)."""
        return {"non_etf_fee_tables": self.non_etf_fee_tables,
                "non_etf_series": self.non_etf_series,
                "non_etf_returns": self.non_etf_returns,
                "unkeyed_fee_tables": self.unkeyed_fee_tables}


def prospectus_rows(p: Prospectus, *, accession: str, filing_date: date, cik: str,
                    etf_series: set[str], etf_classes: set[str],
                    kept: Kept | None = None) -> Iterator[tuple[Table, dict]]:
    """Rows of every table for one prospectus (accession)."""
    kept = kept if kept is not None else Kept()
    effective = {s.series_id: s.prospectus_date for s in p.series if s.series_id}

    def eff(series_id: str | None) -> date | None:
        return effective.get(series_id) or p.prospectus_date

    def is_etf(series_id: str | None, class_id: str | None) -> bool:
        return class_id in etf_classes if class_id else series_id in etf_series

    for f in p.fee_tables:
        key = f.class_id or f.series_id
        if key is None:
            kept.unkeyed_fee_tables += 1
            continue
        if not is_etf(f.series_id, f.class_id):
            kept.non_etf_fee_tables += 1
            continue
        if f.class_id:
            kept.etf_classes.add(f.class_id)
        base = {"accession_number": accession, "fee_key": key, "cik": cik}
        yield prospectus_fee, {
            **base, "series_id": f.series_id, "class_id": f.class_id, "ticker": f.ticker,
            "filing_date": filing_date, "effective_date": eff(f.series_id),
            "read_from": p.read_from,
            "management_fee": f.management_fee,
            "distribution_12b1_fee": f.distribution_12b1_fee,
            "distribution_non_12b1_fee": f.distribution_non_12b1_fee,
            "other_expenses": f.other_expenses, "acquired_fund_fees": f.acquired_fund_fees,
            "total_annual_expenses": f.total_annual_expenses, "fee_waiver": f.fee_waiver,
            "net_expenses": f.net_expenses,
            "other_components": [[c, str(v)] for c, v in f.other_components] or None,
        }
        for s in f.shareholder_fees:
            yield prospectus_shareholder_fee, {**base, "concept": s.concept,
                                               "value": s.value, "unit": s.unit}
        for e in f.expense_examples:
            yield prospectus_expense_example, {**base, "years": e.years,
                                               "redemption": e.redemption,
                                               "amount": e.amount, "currency": e.currency}
    for s in p.series:
        if not s.series_id or s.series_id not in etf_series:
            kept.non_etf_series += 1
            continue
        yield prospectus_series, {
            "accession_number": accession, "series_id": s.series_id, "cik": cik,
            "filing_date": filing_date, "effective_date": eff(s.series_id),
            "objective": s.objective, "objective_secondary": s.objective_secondary,
            "strategy": s.strategy, "portfolio_turnover": s.portfolio_turnover,
            "read_from": p.read_from,
        }
    seq = 0
    common = {"accession_number": accession, "source": "prospectus", "cik": cik,
              "filing_date": filing_date, "read_from": p.read_from}
    for b in p.bar_chart:
        if not is_etf(b.series_id, b.class_id):
            kept.non_etf_returns += 1
            continue
        seq += 1
        yield performance, {
            **common, "seq": seq, "series_id": b.series_id, "class_id": b.class_id,
            "subject": "fund", "measure": "before_taxes", "index_member": None,
            "index_name": None, "period": b.kind, "year": b.year, "as_of": b.as_of,
            "inception_date": None, "value": b.value}
    for a in p.average_returns:
        # An index belongs to the series whose table shows it.
        if not (a.series_id in etf_series if a.subject == "index"
                else is_etf(a.series_id, a.class_id)):
            kept.non_etf_returns += 1
            continue
        seq += 1
        yield performance, {
            **common, "seq": seq, "series_id": a.series_id, "class_id": a.class_id,
            "subject": a.subject,
            "measure": (a.measure or "before_taxes") if a.subject == "fund" else None,
            "index_member": a.index_member, "index_name": a.index_name,
            "period": a.horizon, "year": None, "as_of": a.periods_ended,
            "inception_date": a.inception_date, "value": a.value}
