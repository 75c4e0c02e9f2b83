"""The one warehouse loader: upserts for reference data, replace-by-accession for facts.

Facts (holdings, derivatives, ...) are loaded per filing: delete that accession's rows
and insert the new ones in one transaction, together with the filing's `filing` row and
the seed's `processing_log`, so a rerun never duplicates and a crash never leaves half
a filing. Reference data (trusts, series, classes, ETFs) is upserted in batches with
the dialect's INSERT ... ON CONFLICT (SQLite and PostgreSQL both have it).
"""

from __future__ import annotations

import io
import json
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    Date,
    DateTime,
    Integer,
    Numeric,
    Table,
    select,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.types import TypeDecorator

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


# --- facts: replace-by-accession --------------------------------------------------------


def lock_accession(conn: Connection, accession: str) -> None:
    """Serialize replaces of one accession across processes until the transaction ends.

    PostgreSQL runs writers concurrently: two processes replacing the same filing would
    both delete (nothing yet), then both insert, and one fails on the primary key. A
    transaction-scoped advisory lock keyed by the accession makes the second wait for
    the first to commit, then replace its rows. SQLite has one writer at a time already.
    """
    if conn.dialect.name != "postgresql":
        return
    digits = accession.replace("-", "")
    # 18 digits fit a bigint exactly: no two accessions share a lock.
    key = int(digits) if digits.isdigit() and len(digits) <= 18 else zlib.crc32(
        accession.encode())
    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def delete_accession(conn: Connection, tables: Sequence[Table], accession: str) -> dict[str, int]:
    """Delete one accession's rows from each table; returns rows deleted per table."""
    out: dict[str, int] = {}
    for table in tables:
        result = conn.execute(table.delete().where(table.c.accession_number == accession))
        out[table.name] = result.rowcount
    return out


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: Any) -> str:
    return str(value).translate(_COPY_ESCAPES)


def _copy_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str).translate(
        _COPY_ESCAPES
    )


def _copy_bool(value: Any) -> str:
    return "t" if value else "f"


def _copy_temporal(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return _copy_text(value)


def _copy_converter(column) -> Callable[[Any], str]:
    """Value -> PostgreSQL COPY text-format field (None is handled by the caller)."""
    coltype = column.type
    if isinstance(coltype, TypeDecorator):
        coltype = coltype.impl_instance
    if isinstance(coltype, JSON):
        return _copy_json
    if isinstance(coltype, Boolean):
        return _copy_bool
    if isinstance(coltype, (Date, DateTime)):
        return _copy_temporal
    if isinstance(coltype, (Numeric, Integer)):
        return str
    return _copy_text


def _copy_batch(conn: Connection, table: Table, batch: Sequence[Mapping[str, Any]]) -> None:
    """PostgreSQL COPY ... FROM STDIN (text format, NULL = \\N) on the connection's own
    DBAPI connection, i.e. inside the caller's transaction."""
    names = list(batch[0].keys())
    unknown = [n for n in names if n not in table.c]
    if unknown:
        raise ValueError(f"{table.name}: not columns: {unknown}")
    convs = [_copy_converter(table.c[n]) for n in names]
    pairs = list(zip(names, convs))
    buf = io.StringIO()
    write = buf.write
    for row in batch:
        write(
            "\t".join("\\N" if (v := row[n]) is None else conv(v) for n, conv in pairs)
        )
        write("\n")
    buf.seek(0)
    prep = conn.dialect.identifier_preparer
    sql = (
        f"COPY {prep.format_table(table)} ({', '.join(prep.quote(n) for n in names)}) "
        "FROM STDIN"
    )
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.copy_expert(sql, buf)
    finally:
        cursor.close()


def _uses_copy(conn: Connection) -> bool:
    """COPY needs psycopg2's copy_expert; other drivers get executemany."""
    return conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg2"


def replace_filing(
    conn: Connection,
    *,
    accession: str,
    tables: Sequence[Table],
    rows: Iterable[tuple[Table, Mapping[str, Any]]],
    filing_row: Mapping[str, Any],
    cik: str,
    parser_type: str,
    latest_filing_date_seen: date,
    batch_size: int = BATCH,
    on_flush: Callable[[str, int], None] | None = None,
) -> dict[str, int]:
    """Replace one filing's facts; run it inside the caller's transaction
    (``with engine.begin() as conn``) so that nothing is visible until it all is.

    Deletes ``accession``'s rows from every table in ``tables``, streams ``rows``
    ((table, row dict) pairs, each dict carrying every column it sets, all dicts of a
    table the same keys) into per-table buffers flushed every ``batch_size`` rows -
    executemany on SQLite, ``COPY FROM STDIN`` on PostgreSQL (psycopg2) - then writes
    the ``filing`` row and the ``processing_log``. No ORM objects; memory stays at
    about one batch per table whatever the filing's size. ``on_flush(table_name,
    rows_so_far)`` is called after every flush. Returns rows written per table name.
    A row for a table outside ``tables``, or of another accession, is an error
    (a rerun could not replace it).
    """
    if filing_row.get("accession_number") != accession:
        raise ValueError(f"filing_row is for {filing_row.get('accession_number')!r}, not {accession!r}")
    if batch_size < 1:
        raise ValueError("batch_size must be >= 1")
    by_name: dict[str, Table] = {}
    for table in tables:
        if "accession_number" not in table.c:
            raise ValueError(f"{table.name} has no accession_number column")
        by_name[table.name] = table
    lock_accession(conn, accession)
    delete_accession(conn, tables, accession)

    copy = _uses_copy(conn)

    def flush(table: Table, batch: list[Mapping[str, Any]]) -> None:
        if copy:
            _copy_batch(conn, table, batch)
        else:
            conn.execute(table.insert(), batch)

    buffers: dict[str, list[Mapping[str, Any]]] = {name: [] for name in by_name}
    written = dict.fromkeys(by_name, 0)
    for table, row in rows:
        name = table.name
        if by_name.get(name) is not table:
            raise ValueError(f"row for table {name!r}, which is not among this filing's tables")
        if row["accession_number"] != accession:
            raise ValueError(f"{name} row of accession {row['accession_number']!r} in {accession!r}")
        buf = buffers[name]
        buf.append(row)
        if len(buf) >= batch_size:
            flush(table, buf)
            written[name] += len(buf)
            buffers[name] = []
            if on_flush is not None:
                on_flush(name, written[name])
    for name, buf in buffers.items():
        if buf:
            flush(by_name[name], buf)
            written[name] += len(buf)
            if on_flush is not None:
                on_flush(name, written[name])
    buffers.clear()
    record_filing(conn, filing_row)
    log_processing(conn, cik, parser_type, latest_filing_date_seen)
    return written
