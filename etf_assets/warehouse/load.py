"""The one warehouse loader: upserts for reference data, replace-by-accession for facts.

Facts (holdings, derivatives, ...) are loaded per filing: delete that accession's rows
and insert the new ones in one transaction, together with the filing's `filing` row and
the seed's `processing_log`, so a rerun never duplicates and a crash never leaves half
a filing. Reference data (trusts, series, classes, ETFs) is upserted in batches with
the dialect's INSERT ... ON CONFLICT (SQLite and PostgreSQL both have it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Table, select
from sqlalchemy.dialects import postgresql, sqlite

from etf_assets.warehouse.tables import filing, processing_log

BATCH = 5_000


def _insert(conn: Connection, table: Table):
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    if conn.dialect.name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"warehouse dialect {conn.dialect.name} is not supported")


def _batches(rows: Sequence[Mapping[str, Any]], size: int = BATCH):
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def upsert(conn: Connection, table: Table, rows: Sequence[Mapping[str, Any]],
           update_columns: Iterable[str]) -> int:
    """Insert rows; on a primary-key conflict update only `update_columns`."""
    if not rows:
        return 0
    keys = [c.name for c in table.primary_key.columns]
    update_columns = list(update_columns)
    for chunk in _batches(rows):
        stmt = _insert(conn, table)
        if update_columns:
            stmt = stmt.on_conflict_do_update(
                index_elements=keys,
                set_={c: stmt.excluded[c] for c in update_columns},
            )
        else:
            stmt = stmt.on_conflict_do_nothing(index_elements=keys)
        conn.execute(stmt, list(chunk))
    return len(rows)


def insert_rows(conn: Connection, table: Table, rows: Iterable[Mapping[str, Any]]) -> int:
    """Batched executemany (no ORM objects); returns the number of rows inserted."""
    n = 0
    chunk: list[Mapping[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= BATCH:
            conn.execute(table.insert(), chunk)
            n += len(chunk)
            chunk = []
    if chunk:
        conn.execute(table.insert(), chunk)
        n += len(chunk)
    return n


def record_filing(conn: Connection, row: Mapping[str, Any]) -> None:
    """One `filing` row per processed accession (replaced when reprocessed)."""
    upsert(conn, filing, [row], [c for c in row if c != "accession_number"])


def log_processing(conn: Connection, cik: str, parser_type: str,
                   latest_filing_date_seen: date, now: datetime | None = None) -> None:
    """The seed's processing_log: one row per (cik, parser), never moving backwards."""
    now = now or datetime.now()
    existing = conn.execute(
        select(processing_log.c.latest_filing_date_seen).where(
            processing_log.c.cik == cik, processing_log.c.parser_type == parser_type
        )
    ).scalar_one_or_none()
    seen = max(latest_filing_date_seen, existing) if existing else latest_filing_date_seen
    stmt = _insert(conn, processing_log).values(
        cik=cik, parser_type=parser_type, last_run_at=now, latest_filing_date_seen=seen
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["cik", "parser_type"],
        set_={"last_run_at": now, "latest_filing_date_seen": seen},
    )
    conn.execute(stmt)
