"""Warehouse engine: SQLite by default (WAL, busy timeout), PostgreSQL by URL."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from dagster import ConfigurableResource
from pydantic import PrivateAttr
from sqlalchemy import Engine, create_engine, event, text

from etf_assets import settings
from etf_assets.warehouse.tables import metadata
from etf_assets.warehouse.upgrade import upgrade_schema


def configure_sqlite(engine: Engine) -> Engine:
    """WAL: readers (the UI, analysts) never block the loader. busy_timeout: parallel
    Dagster steps wait for the writer lock instead of failing."""

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    return engine


def check_warehouse_url(url: str | None = None) -> str | None:
    """Why the warehouse cannot be used (None: it can), before anything is written:
    a SQLite file in a directory that cannot be written, a database that refuses the
    connection (host, port, role, password, database), an unknown URL."""
    from sqlalchemy.engine import make_url

    url = url or settings.warehouse_url()
    try:
        parsed = make_url(url)
    except Exception as exc:  # noqa: BLE001 - SQLAlchemy's ArgumentError and friends
        return f"not a database URL ({exc})"
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database
        return settings.writable_problem(Path(path)) if path and path != ":memory:" else None
    if parsed.get_backend_name() != "postgresql":
        return f"unsupported database {parsed.get_backend_name()!r} (SQLite or PostgreSQL)"
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg2")
    engine = create_engine(parsed, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:  # noqa: BLE001 - refused, unknown role, bad password, ...
        detail = str(getattr(exc, "orig", exc)).strip().splitlines()
        return f"cannot connect ({detail[0][:200] if detail else type(exc).__name__})"
    finally:
        engine.dispose()
    return None


# Any fixed number: the advisory lock under which a PostgreSQL warehouse is created.
_PG_INIT_LOCK = 0x45544650  # "ETFP"


def make_engine(url: str | None = None) -> Engine:
    """Create the engine and the tables (idempotent, like the seed's create_all).

    Creating tables is serialized across processes (a file lock beside a SQLite file,
    an advisory lock on PostgreSQL): concurrent first runs otherwise both find a table
    missing and one fails creating it ("table trust already exists", pg_type unique
    violations)."""
    url = url or settings.warehouse_url()
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        engine = configure_sqlite(create_engine(url, connect_args={"timeout": 60}))
        if path and path != ":memory:":
            with settings.file_lock(Path(path + ".init-lock")):
                _create_and_upgrade(engine)
        else:
            _create_and_upgrade(engine)
        return engine
    if url.startswith(("postgresql://", "postgres://")):
        # SQLAlchemy 2.1 defaults to psycopg 3; we ship psycopg2 (COPY via copy_expert).
        url = "postgresql+psycopg2://" + url.split("://", 1)[1]
    engine = create_engine(url, pool_pre_ping=True)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_INIT_LOCK})
        metadata.create_all(conn)
        upgrade_schema(conn)
    return engine


def _create_and_upgrade(engine: Engine) -> None:
    with engine.begin() as conn:
        metadata.create_all(conn)
        upgrade_schema(conn)


class WarehouseResource(ConfigurableResource):
    """The warehouse; `url` unset -> ETF_WAREHOUSE_URL -> SQLite under ETF_DATA_DIR."""

    url: Optional[str] = None

    _engine: Optional[Engine] = PrivateAttr(default=None)

    def get_engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.url)
        return self._engine
