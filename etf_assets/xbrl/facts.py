"""Bookkeeping shared by the parsers that map inline XBRL facts to records (485BPOS in
:mod:`etf_assets.prospectus.parse`, N-CSR shareholder reports in
:mod:`etf_assets.ncsr.tsr`). Pure.

Both follow one rule: every fact of the document ends up in exactly one of three
places: mapped into a record slot, counted as a consistent duplicate (iXBRL repeats a
fact in ``ix:hidden`` and on the page), or in ``skipped`` with its reason. Nothing is
dropped silently, and a parser's fact accounting (mapped + duplicates + skipped = fact
count) is testable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from etf_assets.warehouse.tables import amount_problem
from etf_assets.xbrl.inline import Fact, InlineDocument

__all__ = ["CLASS_ID", "DEI_NAMESPACE", "SERIES_ID", "FactSlots", "Skipped", "id_in",
           "unit_name"]

DEI_NAMESPACE = re.compile(r"http://xbrl\.sec\.gov/dei/\d{4}(?:-\d\d-\d\d)?")
# EDGAR contract ids inside member names; never a prefix of a longer number.
SERIES_ID = re.compile(r"(?<![0-9])S\d{9}(?![0-9])")
CLASS_ID = re.compile(r"(?<![0-9])C\d{9}(?![0-9])")


def id_in(pattern: re.Pattern[str], local: str | None) -> str | None:
    """The S/C contract id inside a member's local name, if it has one."""
    m = pattern.search(local) if local else None
    return m.group(0) if m else None


@dataclass(frozen=True, slots=True)
class Skipped:
    """A fact not mapped to any record field, and why."""

    concept: str  # as written, e.g. "rr:RiskTextBlock"; "-" for a document problem
    context_id: str | None
    reason: str
    order: int | None = None  # the fact's position in the document (None: not a fact)


@dataclass(slots=True)
class FactSlots:
    """Mutable collector of one document's facts; parsers subclass it with their slots."""

    doc: InlineDocument
    skipped: list[Skipped] = field(default_factory=list)
    duplicates: int = 0
    stored: set[int] = field(default_factory=set)  # fact orders put in a slot
    skipped_orders: set[int] = field(default_factory=set)
    duplicate_orders: set[int] = field(default_factory=set)

    def skip(self, fact: Fact, reason: str) -> None:
        self.skipped.append(Skipped(str(fact.concept), fact.context_ref, reason, fact.order))
        self.skipped_orders.add(fact.order)

    def put(self, slots: dict[Any, Fact], key: Any, fact: Fact) -> None:
        """One value per slot: a repeat with the same value is a duplicate, a different
        value is skipped (the first in document order wins)."""
        old = slots.get(key)
        if old is None:
            slots[key] = fact
            self.stored.add(fact.order)
        elif old.value == fact.value:
            self.duplicates += 1
            self.duplicate_orders.add(fact.order)
        else:
            self.skip(fact, f"inconsistent duplicate: {fact.value} vs {old.value} "
                            f"(fact {old.order} kept)")

    def number_ok(self, fact: Fact) -> bool:
        """A readable number the warehouse can hold; else skipped with the reason."""
        if not isinstance(fact.value, Decimal):
            self.skip(fact, "nil" if fact.is_nil else "not a number")
            return False
        problem = amount_problem(fact.value)
        if problem:
            self.skip(fact, problem)
            return False
        return True

    def date_of(self, fact: Fact | None) -> date | None:
        if fact is None:
            return None
        try:
            return date.fromisoformat(str(fact.value).strip())
        except ValueError:
            self.skip(fact, f"not a date: {fact.value!r}")
            return None

    def finish(self) -> int:
        """Record document problems and every fact left unplaced; returns the number of
        facts whose value is in a record."""
        for problem in self.doc.problems:
            self.skipped.append(Skipped("-", None, problem))
        # One union, not one per fact: a document of 200,000 facts took minutes here.
        placed = self.stored | self.skipped_orders | self.duplicate_orders
        for fact in self.doc.facts:  # the safety net
            if fact.order not in placed:
                self.skip(fact, "read but not used")
        return len(self.stored - self.skipped_orders)

    def skipped_reasons(self) -> dict[str, int]:
        return reasons(self.skipped)


def reasons(skipped: tuple[Skipped, ...] | list[Skipped]) -> dict[str, int]:
    out: dict[str, int] = {}
    for s in skipped:
        out[s.reason] = out.get(s.reason, 0) + 1
    return out


def num(fact: Fact) -> Decimal:
    """A number slot's value (slots take numbers only after ``number_ok``)."""
    assert isinstance(fact.value, Decimal)
    return fact.value


def text(fact: Fact | None) -> str | None:
    return fact.value if fact is not None and isinstance(fact.value, str) else None


def unit_name(doc: InlineDocument, fact: Fact) -> str:
    """"pure", an ISO currency ("USD"), the unit as written, or "?" without one."""
    unit = doc.unit(fact)
    if unit is None:
        return "?"
    if unit.is_pure:
        return "pure"
    return unit.currency or str(unit)
