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
from decimal import Decimal
from functools import lru_cache
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
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
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from etf_assets import clock
from etf_assets.warehouse.tables import (
    ExactDecimal,
    filing,
    filing_failure,
    filing_skip,
    processing_log,
)

BATCH = 5_000
# Rows per executemany on SQLite. Smaller batches keep the buffered row dicts and the
# per-column conversion in the CPU caches and out of the garbage collector's older
# generations: a 50,000-position N-PORT load took ~2.5 s of CPU with batches of 5,000
# and ~2.25 s with 500 (fewer rows per batch: more statements, no faster). COPY on
# PostgreSQL keeps BATCH (one round trip per batch).
SQLITE_BATCH = 500


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
    now = now or clock.utcnow()
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


# --- SQLite: executemany with values converted once per batch ----------------------------
#
# ``conn.execute(table.insert(), batch)`` spends more time in SQLAlchemy than in SQLite:
# on the 50,000-position N-PORT bench, 2.4 s per load of which the DBAPI executemany is
# 0.85 s; the rest is construct_params + one bind-processor call per value (~110k rows x
# ~40 columns). Here the INSERT SQLAlchemy would compile is compiled once per (table,
# columns), each column's values are converted once per batch with SQLAlchemy's own
# bind processor (ExactDecimal, Boolean and Date: an equivalent said beside it), so what
# is stored is the same (test_sqlite_insert_path_stores_what_sqlalchemy_executemany_stores
# compares every table), and the rows go to the DBAPI cursor's executemany through
# ``exec_driver_sql`` (same connection and transaction, same events and error wrapping;
# not applied: a schema_translate_map, which the warehouse does not use).
#
# The sqlite3 module binds str, int and float directly but sends every other value (None,
# bool) through its adapter lookup, ~0.3 us each: a column that is NULL in every row of a
# batch is left out of the INSERT (it is NULL all the same: only columns without any
# default qualify), and bools are bound as the ints SQLAlchemy's processor makes of them.
# Measured on the holding rows of SEC_NPORT_Sample_5.xml (20 of 45 columns all NULL):
# executemany 0.047 s -> 0.025 s; of a generated 20,000-position document: 0.28 -> 0.20 s.

_NONE_TYPE = type(None)
_BOOL_OR_NONE = frozenset({bool, _NONE_TYPE})
_BOOL_INT = {True: 1, False: 0}  # .get(None) is None


def _converter(column: Column[Any], dialect: Dialect) -> Callable[[tuple], Sequence[Any]] | None:
    """Column values (one batch) -> bound values, as SQLAlchemy's bind processor would
    bind them; None when every value is bound as it is."""
    coltype = column.type.dialect_impl(dialect)
    process = coltype.bind_processor(dialect)
    if process is None:  # String, Text, Integer on SQLite
        return None
    if isinstance(column.type, ExactDecimal):
        # ExactDecimal binds a Decimal as str(value) on SQLite and has no impl processor.
        def amounts(values: tuple) -> list:
            return [v if v is None else str(v) if v.__class__ is Decimal else process(v)
                    for v in values]
        return amounts
    if isinstance(coltype, Boolean):
        # The processor checks the value is a bool (or None) and binds int(value).
        def flags(values: tuple) -> Sequence[Any]:
            if set(map(type, values)) <= _BOOL_OR_NONE:
                return list(map(_BOOL_INT.get, values))
            return list(map(process, values))
        return flags
    try:
        none_as_null = process(None) is None
    except Exception:  # noqa: BLE001 - a processor that refuses None: let it say so per value
        none_as_null = False
    if not none_as_null:  # e.g. a JSON type that stores None as 'null'
        return lambda values: list(map(process, values))
    if isinstance(coltype, Date) and not isinstance(coltype, DateTime):
        # A filing's rows share a few dates: convert each distinct date once (equal
        # `date` objects have equal fields, so equal text).
        def dates(values: tuple) -> Sequence[Any]:
            distinct = set(values)
            distinct.discard(None)
            if all(v.__class__ is date for v in distinct):
                return list(map({v: process(v) for v in distinct}.get, values))
            return [v if v is None else process(v) for v in values]
        return dates
    return lambda values: [v if v is None else process(v) for v in values]


def _null_by_default(column: Column[Any]) -> bool:
    """Leaving the column out of an INSERT stores NULL, as binding None would."""
    return (column.nullable and not column.primary_key and column.default is None
            and column.server_default is None and column.computed is None
            and column.identity is None)


@lru_cache(maxsize=256)
def _sqlite_sql(table: Table, names: tuple[str, ...], dialect: Dialect) -> str | None:
    """The INSERT SQLAlchemy compiles for rows with `names` (in table order), its
    parameters in that order; None when it would differ (Python-side defaults to fill
    in, another paramstyle, other parameter names): then SQLAlchemy inserts the batch."""
    compiled = table.insert().compile(dialect=dialect, column_keys=list(names),
                                      for_executemany=True)
    if (not compiled.positional or tuple(compiled.positiontup or ()) != names
            or compiled.insert_prefetch or compiled.postfetch):
        return None
    return compiled.string


_Plan = tuple[tuple[str, ...], Callable[[Mapping[str, Any]], tuple],
              list[tuple[int, Callable[[tuple], Sequence[Any]]]], frozenset[int]]


@lru_cache(maxsize=128)
def _sqlite_plan(table: Table, names: tuple[str, ...], dialect: Dialect) -> _Plan:
    """(column names in table order, row -> values getter, [(index, converter)], indexes
    of the columns that may be left out when NULL throughout) for rows with `names`."""
    unknown = [n for n in names if n not in table.c]
    if unknown:
        raise ValueError(f"{table.name}: not columns: {unknown}")
    wanted = set(names)
    order = tuple(c.key for c in table.columns if c.key in wanted)
    getter = itemgetter(*order) if len(order) > 1 else (lambda row: (row[order[0]],))
    converters = [(i, conv) for i, name in enumerate(order)
                  if (conv := _converter(table.c[name], dialect)) is not None]
    optional = frozenset(i for i, name in enumerate(order) if _null_by_default(table.c[name]))
    return order, getter, converters, optional


def _sqlite_insert(conn: Connection, table: Table, batch: Sequence[Mapping[str, Any]]) -> None:
    """INSERT a batch of row dicts (all with the same keys) on SQLite."""
    order, getter, converters, optional = _sqlite_plan(table, tuple(batch[0]), conn.dialect)
    n = len(batch)
    columns = list(zip(*map(getter, batch)))
    for i, conv in converters:
        columns[i] = conv(columns[i])
    keep = [i for i, values in enumerate(columns)
            if i not in optional or values[0] is not None or values.count(None) != n]
    sql = _sqlite_sql(table, tuple(order[i] for i in keep), conn.dialect)
    if sql is None:
        conn.execute(table.insert(), batch)
        return
    conn.exec_driver_sql(sql, list(zip(*(columns[i] for i in keep))))


def _uses_sqlite_executemany(conn: Connection) -> bool:
    return (conn.dialect.name == "sqlite" and conn.dialect.driver == "pysqlite"
            and conn.dialect.paramstyle == "qmark")


def _uses_copy(conn: Connection) -> bool:
    """COPY needs psycopg2's copy_expert; other drivers get executemany."""
    return conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg2"


def write_batch(conn: Connection, table: Table, batch: Sequence[Mapping[str, Any]]) -> None:
    """Insert one batch of row dicts (all with the same keys) the fastest way the
    connection allows: COPY on PostgreSQL (psycopg2), the converted executemany on
    SQLite, else SQLAlchemy's executemany. In the caller's transaction."""
    if not batch:
        return
    if _uses_copy(conn):
        _copy_batch(conn, table, batch)
    elif _uses_sqlite_executemany(conn):
        _sqlite_insert(conn, table, batch)
    else:
        conn.execute(table.insert(), batch)


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
    batch_size: int | None = None,
    on_flush: Callable[[str, int], None] | None = None,
    skipped: Callable[[], Mapping[str, int]] | None = None,
) -> dict[str, int]:
    """Replace one filing's facts; run it inside the caller's transaction
    (``with engine.begin() as conn``) so that nothing is visible until it all is.

    Deletes ``accession``'s rows from every table in ``tables``, streams ``rows``
    ((table, row dict) pairs, each dict carrying every column it sets, all dicts of a
    table the same keys) into per-table buffers flushed every ``batch_size`` rows
    (default: SQLITE_BATCH on SQLite, BATCH otherwise) - executemany on SQLite,
    ``COPY FROM STDIN`` on PostgreSQL (psycopg2) - then writes
    the ``filing`` row and the ``processing_log``. No ORM objects; memory stays at
    about one batch per table whatever the filing's size. ``on_flush(table_name,
    rows_so_far)`` is called after every flush. ``skipped()``, called once ``rows`` is
    exhausted (its counts fill while they stream), gives reason -> how many were left
    out: the nonzero ones replace the accession's ``filing_skip`` rows. Returns rows
    written per table name.
    A row for a table outside ``tables``, or of another accession, is an error
    (a rerun could not replace it).
    """
    if filing_row.get("accession_number") != accession:
        raise ValueError(f"filing_row is for {filing_row.get('accession_number')!r}, not {accession!r}")
    if batch_size is None:
        batch_size = SQLITE_BATCH if _uses_sqlite_executemany(conn) else BATCH
    if batch_size < 1:
        raise ValueError("batch_size must be >= 1")
    by_name: dict[str, Table] = {}
    for table in tables:
        if "accession_number" not in table.c:
            raise ValueError(f"{table.name} has no accession_number column")
        by_name[table.name] = table
    lock_accession(conn, accession)
    delete_accession(conn, (*tables, filing_skip), accession)

    def flush(table: Table, batch: list[Mapping[str, Any]]) -> None:
        write_batch(conn, table, batch)

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
    reasons = [{"accession_number": accession, "reason": reason, "skipped": n}
               for reason, n in sorted((skipped() if skipped else {}).items()) if n]
    if reasons:
        conn.execute(filing_skip.insert(), reasons)
    record_filing(conn, filing_row)
    # Loaded: its earlier failures (etf_assets/warehouse/failures.py) are forgotten.
    conn.execute(filing_failure.delete().where(filing_failure.c.accession_number == accession))
    log_processing(conn, cik, parser_type, latest_filing_date_seen)
    return written


def insert_new(conn: Connection, table: Table, row: Mapping[str, Any]) -> bool:
    """Insert one row unless its primary key exists (INSERT ... ON CONFLICT DO NOTHING);
    True when inserted. As a transaction's first statement it also takes SQLite's write
    lock before anything is read, so concurrent writers queue instead of failing."""
    keys = [c.name for c in table.primary_key.columns]
    stmt = _insert(conn, table).on_conflict_do_nothing(index_elements=keys)
    return conn.execute(stmt, [dict(row)]).rowcount == 1
