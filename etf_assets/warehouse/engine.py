"""Warehouse engine: SQLite by default (WAL, busy timeout), PostgreSQL by URL."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from dagster import ConfigurableResource
from pydantic import PrivateAttr
from sqlalchemy import Engine, create_engine, event

from etf_assets import settings
from etf_assets.warehouse.tables import metadata


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


def make_engine(url: str | None = None) -> Engine:
    """Create the engine and the tables (idempotent, like the seed's create_all)."""
    url = url or settings.warehouse_url()
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = configure_sqlite(create_engine(url, connect_args={"timeout": 60}))
    else:
        if url.startswith(("postgresql://", "postgres://")):
            # SQLAlchemy 2.1 defaults to psycopg 3; we ship psycopg2 (COPY via copy_expert).
            url = "postgresql+psycopg2://" + url.split("://", 1)[1]
        engine = create_engine(url, pool_pre_ping=True)
    metadata.create_all(engine)
    return engine


class WarehouseResource(ConfigurableResource):
    """The warehouse; `url` unset -> ETF_WAREHOUSE_URL -> SQLite under ETF_DATA_DIR."""

    url: Optional[str] = None

    _engine: Optional[Engine] = PrivateAttr(default=None)

    def get_engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.url)
        return self._engine
