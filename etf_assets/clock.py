"""The pipeline's wall clock: naive UTC, as every TIMESTAMP column stores it (SCHEMA.md).

Code that stamps rows calls `clock.utcnow()` looked up on this module, so a test sets the
time by replacing it (`monkeypatch.setattr(clock, "utcnow", ...)`) instead of reading the
machine's clock.
"""

from __future__ import annotations

from datetime import datetime, timezone


def utcnow() -> datetime:
    """Now in UTC, without tzinfo (the warehouse's TIMESTAMP columns are naive UTC)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
