"""A class's expense ratio moving between two prospectuses, read from `prospectus_fee`.

One reading serves two readers: the fee-change alert (prospectuses loaded since the
alerts' watermark) and the lifecycle's `changed` events (every prospectus of a trust).
The ratio is the net expense ratio, the gross (`total_annual_expenses`) when the table
has no net line; a prospectus is compared with the class's previous one in (effective
date, filing date, accession) order, so a 497K sticker and the next 485BPOS compare
with each other whatever order they were loaded in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Connection, select

from etf_assets.warehouse.tables import filing, prospectus_fee


@dataclass(frozen=True)
class FeeRow:
    """One class's ratio in one prospectus (what `fee_steps` compares)."""

    cik: str
    series_id: str | None
    class_id: str
    ticker: str | None
    accession_number: str
    form: str | None
    filing_date: date
    effective_date: date | None
    ratio: Decimal | None
    parsed_at: datetime | None = None


@dataclass(frozen=True)
class FeeChange:
    new: FeeRow
    previous: FeeRow

    @property
    def summary(self) -> str:
        return f"net expense ratio {self.previous.ratio} -> {self.new.ratio}"


def _order(r: FeeRow) -> tuple:
    return (r.effective_date or r.filing_date, r.filing_date, r.accession_number)


def fee_steps(rows: Iterable[FeeRow]) -> list[FeeChange]:
    """Each prospectus whose ratio differs from its class's previous one (pure).

    A prospectus that does not give the ratio (None) is skipped, not compared: the next
    one is compared with the last that gave it."""
    by_class: dict[str, list[FeeRow]] = {}
    for r in rows:
        by_class.setdefault(r.class_id, []).append(r)
    out = []
    for class_rows in by_class.values():
        last: FeeRow | None = None
        for r in sorted(class_rows, key=_order):
            if r.ratio is None:
                continue
            if last is not None and r.ratio != last.ratio:
                out.append(FeeChange(r, last))
            last = r
    return sorted(out, key=lambda c: (c.new.class_id, _order(c.new)))


def fee_changes(conn: Connection, *, cik: str | None = None,
                since: datetime | None = None) -> list[FeeChange]:
    """Fee changes of one trust (`cik`), or of prospectuses loaded (`filing.parsed_at`,
    UTC) after `since`, each compared with its class's whole prospectus history."""
    f = prospectus_fee.c
    q = (select(f.cik, f.series_id, f.class_id, f.ticker, f.accession_number,
                filing.c.form, f.filing_date, f.effective_date, f.net_expenses,
                f.total_annual_expenses, filing.c.parsed_at)
         .join(filing, filing.c.accession_number == f.accession_number)
         .where(f.class_id.is_not(None)))
    if cik is not None:
        q = q.where(f.cik == cik)
    if since is not None:
        fresh = (select(f.class_id).join(filing, filing.c.accession_number == f.accession_number)
                 .where(filing.c.parsed_at > since, f.class_id.is_not(None)))
        q = q.where(f.class_id.in_(fresh.scalar_subquery()))
    rows: Sequence = conn.execute(q).all()
    steps = fee_steps(FeeRow(
        r.cik, r.series_id, r.class_id, r.ticker, r.accession_number, r.form, r.filing_date,
        r.effective_date, r.net_expenses if r.net_expenses is not None
        else r.total_annual_expenses, r.parsed_at) for r in rows)
    if since is not None:
        steps = [s for s in steps if s.new.parsed_at and s.new.parsed_at > since]
    return steps
