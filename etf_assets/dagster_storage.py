"""Dagster's SQLite event log, with its databases kept open and small pages.

Dagster's `SqliteEventLogStorage` opens a new SQLite connection for every event and
closes it after (NullPool). In WAL mode the last connection to close checkpoints the
database and deletes its WAL, so every event costs a checkpoint of the pages it touched
on top of their WAL copy, and every asset event (materialization, planned
materialization, check evaluation) is written twice: into its run's database and into
the shared `index.db`. A trust's load records ~50 events.

Here each database keeps one open connection per process: WAL frames accumulate and a
checkpoint writes each page once. New databases get 1 KB pages (SQLite's default is
4 KB): an event touches 10-20 pages, its row and the event_logs indexes, each written
whole. Measured with 300 runless materializations into a fresh home (bytes the process
wrote, /proc/self/io): 221 KB an event as Dagster ships, 84 KB with the index kept
open, 37 KB with 1 KB pages as well (512-byte pages: 29 KB); e2e figures in
benchmarks/README.md.

The web UI follows a running run's events by watching its database file change. A run's
database therefore checkpoints every RUN_CHECKPOINT_PAGES pages (the file changes every
few events) and is closed when the run ends (its last events reach the file at once).
The managed dagster.yaml selects this class when Dagster's storage is SQLite
(`etf_assets/settings.py`); with DAGSTER_PG_URL, PostgreSQL storage is used instead.
"""

from __future__ import annotations

import os
import sqlite3
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

from dagster._core.events import DagsterEventType
from dagster._core.events.log import EventLogEntry
from dagster._core.instance import RUNLESS_RUN_ID
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    INDEX_SHARD_NAME,
    SqliteEventLogStorage,
)
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool

_SHARED = (INDEX_SHARD_NAME, RUNLESS_RUN_ID)  # open for the process's lifetime
PAGE_SIZE = 1024
# A run's database checkpoints after this many WAL pages (~64 KB: a few events), so
# the UI's file watcher sees it change; shared databases use SQLite's default (1,000).
RUN_CHECKPOINT_PAGES = 64
OPEN_RUN_DATABASES = 4  # runs of this process whose databases stay open (LRU)
_RUN_ENDED = {DagsterEventType.RUN_SUCCESS, DagsterEventType.RUN_FAILURE,
              DagsterEventType.RUN_CANCELED}


def _new_database(path: str | None) -> None:
    """Create an empty SQLite database with small pages, if there is none at `path`."""
    if not path or path == ":memory:" or os.path.exists(path):
        return
    conn = sqlite3.connect(path)
    try:
        conn.execute(f"PRAGMA page_size={PAGE_SIZE}")
        conn.execute("VACUUM")  # writes the header: the page size is fixed from now on
    finally:
        conn.close()


class KeptOpenSqliteEventLogStorage(SqliteEventLogStorage):
    """SqliteEventLogStorage whose databases keep one open connection each (every access
    is serialized by the storage's lock, as in Dagster's own)."""

    def __init__(self, base_dir: str, inst_data=None) -> None:
        self._open: OrderedDict[str, Engine] = OrderedDict()
        super().__init__(base_dir, inst_data=inst_data)

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> "KeptOpenSqliteEventLogStorage":
        return cls(inst_data=inst_data, **config_value)

    def _initdb(self, engine: Engine, for_index_shard: bool = False) -> None:
        _new_database(engine.url.database)
        super()._initdb(engine, for_index_shard=for_index_shard)

    def _engine(self, shard: str) -> Engine:
        engine = self._open.get(shard)
        if engine is not None:
            self._open.move_to_end(shard)
            return engine
        engine = create_engine(
            self.conn_string_for_shard(shard), poolclass=StaticPool,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS,
                          "check_same_thread": False})
        if shard not in _SHARED:
            event.listen(engine, "connect", lambda dbapi, _: dbapi.execute(
                f"PRAGMA wal_autocheckpoint={RUN_CHECKPOINT_PAGES}"))
        if shard not in self._initialized_dbs:
            self._initdb(engine, for_index_shard=shard == INDEX_SHARD_NAME)
            self._initialized_dbs.add(shard)
        self._open[shard] = engine
        runs = [s for s in self._open if s not in _SHARED]
        for old in runs[:-OPEN_RUN_DATABASES]:
            self._open.pop(old).dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            with self._engine(shard).connect() as conn, conn.begin():
                yield conn

    def _close(self, shards=None) -> None:
        with self._db_lock:
            for shard in list(self._open if shards is None else shards):
                engine = self._open.pop(shard, None)
                if engine is not None:
                    engine.dispose()  # the last connection: checkpoint, WAL removed

    def store_event(self, event_entry: EventLogEntry) -> None:
        super().store_event(event_entry)
        if event_entry.is_dagster_event and event_entry.dagster_event_type in _RUN_ENDED:
            self._close([event_entry.run_id])  # the run ended: its events to the file now

    def delete_events(self, run_id: str) -> None:
        self._close([run_id])
        super().delete_events(run_id)

    def wipe(self) -> None:
        self._close()
        super().wipe()

    def dispose(self) -> None:
        self._close()
        super().dispose()
