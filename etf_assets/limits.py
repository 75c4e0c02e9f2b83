"""Bounds on the work one downloaded document may cause.

A filing is written by someone else: a Financial Highlights table of 10,000 columns, a
100,000-deep nesting, a billion-laughs DTD or a 5,000-digit number must not stall a run
or sink a worker. Two mechanisms, both pure (no Dagster, no database):

* size limits (`LIMITS`), checked by the readers while they read, at a few marked
  points (search for ``limits.``): a table, cell or fact beyond a bound is skipped with
  its reason, a document beyond one fails with :class:`LimitExceeded`;
* a per-filing time budget (:func:`within`, ``ETF_FILING_BUDGET_SECONDS``): the
  slices open one around each filing's parse and load; the readers' loops call
  :func:`check_time`, which raises :class:`BudgetExceeded` once it is spent. The
  transaction rolls back, the filing is recorded failed with that reason, and the
  trust's other filings and the run's other trusts go on.

Nesting is bounded by the parsers themselves: libxml2 refuses XML deeper than 256
levels (2048 with ``huge_tree``, which the inline XBRL reader needs for long text) and
its HTML parser stops nesting at 255; the readers walk trees iteratively. Entities are
never expanded (:data:`SAFE_XML`; libxml2 also caps entity amplification).

The budget lives in a context variable: each worker thread (etf_assets/trust_filings.py)
has its own, and a reader called outside any filing (``etf-pipeline parse``, tests) has
none and is only size-limited.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Optional

from etf_assets import stopping


@dataclass(frozen=True)
class Limits:
    # Real Financial Highlights tables have 2-12 period columns and ~40 rows; the
    # widest real table in the fixtures ~20 columns. Cells: a long schedule of
    # investments that mentions "NAV" or "turnover" is read as a candidate too.
    max_table_columns: int = 200
    max_table_cells: int = 200_000
    # One cell or one text fact (a whole prospectus section is ~50 KB).
    max_text_chars: int = 2_000_000
    # Inline XBRL facts per document (real ones: a few thousand).
    max_facts: int = 250_000
    # A number's digits (SEC's own values fit 30) and a scale / exponent's size.
    max_number_digits: int = 40
    max_exponent: int = 40


LIMITS = Limits()

# The safe lxml parser options for a downloaded XML document: no entity expansion
# (billion laughs), no network (external DTDs / entities).
SAFE_XML = {"resolve_entities": False, "no_network": True}


class LimitExceeded(Exception):  # not a ValueError: no reader's `except` swallows it
    """A document beyond one of the bounds: its filing is recorded failed with this
    reason (str(exc)), nothing of it written."""


class BudgetExceeded(LimitExceeded):
    """A filing's parse and load took longer than its time budget."""


class FilingBudget:
    """A deadline for one filing; `clock` is injectable (tests)."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.clock = clock
        self.started = clock()
        self.deadline = self.started + seconds

    def check(self) -> None:
        if self.clock() > self.deadline:
            raise BudgetExceeded(f"time budget exceeded: still parsing/loading after "
                                 f"{self.seconds:g}s (ETF_FILING_BUDGET_SECONDS)")

    def elapsed(self) -> float:
        return self.clock() - self.started


_current: ContextVar[Optional[FilingBudget]] = ContextVar("etf_filing_budget", default=None)


def new_budget(seconds: Optional[float] = None,
               clock: Callable[[], float] = time.monotonic) -> FilingBudget:
    """A filing's budget, from now (default: the ETF_FILING_BUDGET_SECONDS setting)."""
    if seconds is None:
        from etf_assets import settings

        seconds = settings.filing_budget_seconds()
    return FilingBudget(seconds, clock)


@contextmanager
def within(budget: Optional[FilingBudget] = None) -> Iterator[FilingBudget]:
    """The readers called in this block, in this thread, spend `budget` (default: a new
    one from the setting); several blocks of one filing can share one budget."""
    budget = budget or new_budget()
    token = _current.set(budget)
    try:
        yield budget
    finally:
        _current.reset(token)


def check_time() -> None:
    """Raise BudgetExceeded when the current filing's budget is spent (no budget: no-op),
    stopping.Stopped when the process is stopping.
    Cheap (a context-variable read and a clock read): readers call it every few hundred
    elements, not on every one."""
    stopping.check()  # a requested stop (SIGTERM) abandons the filing here too
    budget = _current.get()
    if budget is not None:
        budget.check()


def check_count(what: str, n: int, limit: int) -> None:
    """LimitExceeded when a document has more than `limit` of `what`."""
    if n > limit:
        raise LimitExceeded(f"document too large: more than {limit:,} {what}")


def number_problem(digits: str) -> Optional[str]:
    """Why a number's text is absurd (too many digits, a huge exponent), else None."""
    mantissa, _, exponent = digits.lower().partition("e")
    n = sum(c.isdigit() for c in mantissa)
    if n > LIMITS.max_number_digits:
        return f"number with {n} digits (limit {LIMITS.max_number_digits})"
    if exponent:
        try:
            e = int(exponent)
        except ValueError:
            return None  # not a number at all: the caller says so
        if abs(e) > LIMITS.max_exponent:
            return f"number with exponent {e} (limit {LIMITS.max_exponent})"
    return None
