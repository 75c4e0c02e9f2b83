"""Poison filings: a failure count per filing with a backoff, and quarantine.

A filing whose load fails (a parse error, a bound of etf_assets/limits.py, the time
budget) is recorded in `filing_failure` with its reason. It is not attempted again
before `retry_after` (1 h, then 2 h, 4 h, ... after each failure), and after
QUARANTINE_AFTER failures it is quarantined: not attempted until its document changes
on EDGAR or `etf-pipeline requeue ACCESSION|--all`. Either way the filing still counts as
failed for its trust (the form is not marked loaded, the run-all line and the coverage
report name it and why), but it costs no download and no parse. A successful load of
the accession deletes its row.

"Its document changes": when quarantined, the filing's `index.json` listing (each file's
name, size and last-modified) is fingerprinted. Once `retry_after` has passed, the next
run that considers the filing fetches the listing again (one request, never cached): the
same fingerprint keeps it quarantined until the next backoff; another one (a corrected
document, SEC re-disseminated the filing) lifts the quarantine, drops the filing's cached
documents, and the filing is loaded in that run. Failing again quarantines it at once.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Optional

from sqlalchemy import Connection, Engine, delete, select

from etf_assets.clock import utcnow
from etf_assets.warehouse.tables import filing_failure

if TYPE_CHECKING:
    from etf_assets.edgar.client import SecClient

log = logging.getLogger(__name__)

QUARANTINE_AFTER = 3
FIRST_BACKOFF = timedelta(hours=1)
HELD = "held: "  # a held filing's "failure" reason starts so; it is not counted again


def backoff(failures: int) -> timedelta:
    return FIRST_BACKOFF * 2 ** max(0, failures - 1)


def listing_fingerprint(index_json: bytes) -> str:
    """sha256 of a filing folder's listing: each file's name, size and last-modified,
    in name order (the order SEC lists them in is not part of the document)."""
    items = json.loads(index_json).get("directory", {}).get("item", [])
    rows = sorted([str(i.get("name", "")), str(i.get("size", "")),
                   str(i.get("last-modified", ""))] for i in items)
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


def document_fingerprint(client: "SecClient", cik: str, accession: str) -> Optional[str]:
    """The filing's listing fingerprint fetched now (uncached: the cache would answer
    with the listing of the first fetch), or None when EDGAR did not give it."""
    from etf_assets.edgar.client import SecHttpError

    try:
        body = client.get(client.archive_url(cik, accession, "index.json"), cached=False)
        return listing_fingerprint(body)
    except (SecHttpError, ValueError, AttributeError) as exc:  # no listing, or not JSON
        log.warning("%s: no index.json fingerprint (%s)", accession, exc)
        return None


def _row(conn: Connection, accession: str):
    return conn.execute(select(filing_failure).where(
        filing_failure.c.accession_number == accession)).first()


def held(conn: Connection, accession: str, now: Optional[datetime] = None) -> Optional[str]:
    """Why the filing is not to be attempted now (quarantined, or backing off), else None."""
    return _held_reason(_row(conn, accession), accession, now or utcnow())


def _held_reason(row, accession: str, now: datetime) -> Optional[str]:
    if row is None:
        return None
    if row.quarantined_at is not None:
        return (f"{HELD}quarantined after {row.failures} failures (until its document "
                f"changes, or etf-pipeline requeue {accession}): {row.last_reason}")
    if row.retry_after is not None and now < row.retry_after:
        return (f"{HELD}failed {row.failures}x, next attempt after "
                f"{row.retry_after:%Y-%m-%d %H:%M} UTC: {row.last_reason}")
    return None


def held_unless_changed(engine: Engine, client: "SecClient", cik: str, accession: str,
                        now: Optional[datetime] = None) -> Optional[str]:
    """`held`, except that a quarantined filing past its `retry_after` has its listing
    fetched again: changed, the quarantine is lifted and its cached documents dropped
    (None: attempt it now); unchanged (or no listing), it stays quarantined and is
    looked at again after another backoff."""
    now = now or utcnow()
    with engine.connect() as conn:
        row = _row(conn, accession)
    reason = _held_reason(row, accession, now)
    if (row is None or row.quarantined_at is None or row.retry_after is None
            or now < row.retry_after):
        return reason
    current = document_fingerprint(client, cik, accession)
    changed = (current is not None and row.document_fingerprint is not None
               and current != row.document_fingerprint)
    with engine.begin() as conn:
        where = filing_failure.c.accession_number == accession
        if changed:
            # Attempt now; `failures` stays, so one more failure quarantines it again.
            conn.execute(filing_failure.update().where(where).values(
                quarantined_at=None, retry_after=None, document_fingerprint=current))
        else:
            # A warehouse quarantined before fingerprints (NULL) takes today's listing
            # as its reference.
            conn.execute(filing_failure.update().where(where).values(
                retry_after=now + backoff(row.failures),
                document_fingerprint=current or row.document_fingerprint))
    if not changed:
        return reason
    if client.cache is not None:
        client.cache.drop_accession(cik, accession)  # the old bytes are what failed
    log.warning("%s: its listing on EDGAR changed since it was quarantined: attempting "
                "it again", accession)
    return None


def record(engine: Engine, cik: str, form_group: str, failed: Mapping[str, str],
           now: Optional[datetime] = None,
           fingerprint: Optional[Callable[[str], Optional[str]]] = None) -> None:
    """Count each failed accession's failure (held ones are not attempts: skipped).
    `fingerprint(accession)` is taken of each filing quarantined now (fetched before the
    transaction: no request is made while the warehouse is locked)."""
    now = now or utcnow()
    attempts = {a: r for a, r in failed.items() if not r.startswith(HELD)}
    with engine.connect() as conn:
        rows = {a: _row(conn, a) for a in attempts}
    counts = {a: (row.failures if row else 0) + 1 for a, row in rows.items()}
    prints = {a: fingerprint(a) for a, n in counts.items()
              if n >= QUARANTINE_AFTER and fingerprint is not None}
    with engine.begin() as conn:
        for accession, reason in attempts.items():
            row, n = rows[accession], counts[accession]
            values = {"cik": cik, "form_group": form_group, "failures": n,
                      "last_failed_at": now, "retry_after": now + backoff(n),
                      "last_reason": reason[:2000],
                      "quarantined_at": now if n >= QUARANTINE_AFTER else None,
                      "document_fingerprint": prints.get(accession)}
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
