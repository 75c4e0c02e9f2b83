"""Poison filings: a failure count per filing with a backoff, and quarantine.

A filing whose load fails (a parse error, a bound of etf_assets/limits.py, the time
budget) is recorded in `filing_failure` with its reason. It is not attempted again
before `retry_after` (1 h, then 2 h, 4 h, ... after each failure), and after
QUARANTINE_AFTER failures it is quarantined: not attempted until `etf-pipeline requeue
ACCESSION|--all`. Either way the filing still counts as failed for its trust (the form
is not marked loaded, the run-all line and the coverage report name it and why), but it
costs no download and no parse. A successful load of the accession deletes its row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy import Connection, Engine, delete, select

from etf_assets.clock import utcnow
from etf_assets.warehouse.tables import filing_failure

QUARANTINE_AFTER = 3
FIRST_BACKOFF = timedelta(hours=1)
HELD = "held: "  # a held filing's "failure" reason starts so; it is not counted again


def backoff(failures: int) -> timedelta:
    return FIRST_BACKOFF * 2 ** max(0, failures - 1)


def held(conn: Connection, accession: str, now: Optional[datetime] = None) -> Optional[str]:
    """Why the filing is not to be attempted now (quarantined, or backing off), else None."""
    now = now or utcnow()
    row = conn.execute(select(filing_failure).where(
        filing_failure.c.accession_number == accession)).first()
    if row is None:
        return None
    if row.quarantined_at is not None:
        return (f"{HELD}quarantined after {row.failures} failures (etf-pipeline requeue "
                f"{accession}): {row.last_reason}")
    if row.retry_after is not None and now < row.retry_after:
        return (f"{HELD}failed {row.failures}x, next attempt after "
                f"{row.retry_after:%Y-%m-%d %H:%M} UTC: {row.last_reason}")
    return None


def record(engine: Engine, cik: str, form_group: str, failed: Mapping[str, str],
           now: Optional[datetime] = None) -> None:
    """Count each failed accession's failure (held ones are not attempts: skipped)."""
    now = now or utcnow()
    with engine.begin() as conn:
        for accession, reason in failed.items():
            if reason.startswith(HELD):
                continue
            row = conn.execute(select(filing_failure).where(
                filing_failure.c.accession_number == accession)).first()
            n = (row.failures if row else 0) + 1
            values = {"cik": cik, "form_group": form_group, "failures": n,
                      "last_failed_at": now, "retry_after": now + backoff(n),
                      "last_reason": reason[:2000],
                      "quarantined_at": now if n >= QUARANTINE_AFTER else None}
            if row is None:
                conn.execute(filing_failure.insert().values(
                    accession_number=accession, first_failed_at=now, **values))
            else:
                conn.execute(filing_failure.update().where(
                    filing_failure.c.accession_number == accession).values(**values))


def clear(conn: Connection, accession: str) -> None:
    """The accession loaded: forget its failures (in the load's transaction)."""
    conn.execute(delete(filing_failure).where(filing_failure.c.accession_number == accession))


def requeue(engine: Engine, accessions: Optional[Iterable[str]]) -> list[tuple[str, str]]:
    """Forget the failures of `accessions` (None: of every filing); the next run
    attempts them. Returns (accession, cik) of each requeued."""
    with engine.begin() as conn:
        query = select(filing_failure.c.accession_number, filing_failure.c.cik)
        if accessions is not None:
            query = query.where(filing_failure.c.accession_number.in_(list(accessions)))
        found = [(r.accession_number, r.cik) for r in conn.execute(query)]
        if found:
            conn.execute(delete(filing_failure).where(
                filing_failure.c.accession_number.in_([a for a, _ in found])))
    return found
