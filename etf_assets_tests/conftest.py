"""Test harness: no internet, an isolated data dir per test, and a local fake EDGAR."""

from __future__ import annotations

import ipaddress
import os
import socket
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, make_url, text

from etf_assets.warehouse.engine import make_engine

from etf_assets_tests.fake_edgar.build import build_corpus
from etf_assets_tests.fake_edgar.server import FakeEdgar

USER_AGENT = "ETF Platform Tests tests@example.com"


class NetworkGuardError(RuntimeError):
    pass


def _is_loopback(address) -> bool:
    host = address[0] if isinstance(address, tuple) else address
    if not isinstance(host, str):
        return True  # AF_UNIX paths (PostgreSQL socket) and similar
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False  # a hostname that is not localhost: would need DNS, i.e. the internet


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _guarded(real):
    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
            raise NetworkGuardError(f"test tried to reach {address!r}: tests never leave loopback")
        return real(self, address)
    return connect


@pytest.fixture(autouse=True, scope="session")
def network_guard() -> Iterator[None]:
    """Any connection to a non-loopback address fails the test (sec.gov included)."""
    socket.socket.connect = _guarded(_real_connect)
    socket.socket.connect_ex = _guarded(_real_connect_ex)
    yield
    socket.socket.connect = _real_connect
    socket.socket.connect_ex = _real_connect_ex


@pytest.fixture(autouse=True)
def isolated_env(tmp_path, monkeypatch) -> None:
    """Each test gets its own data dir, Dagster home and rate-limit state, and never
    inherits the developer's SEC settings."""
    for var in ("SEC_USER_AGENT", "EDGAR_BASE_URL", "EDGAR_DATA_URL", "ETF_WAREHOUSE_URL",
                "ETF_CACHE_DIR", "ETF_RATE_LIMIT_URL", "SEC_REQUESTS_PER_SECOND",
                "SEC_RATE_LIMIT_PAUSE_SECONDS", "ETF_CACHE_TTL_SECONDS", "DAGSTER_PG_URL",
                "ETF_CELERY_BROKER_URL", "ETF_CELERY_RESULT_BACKEND", "ETF_CELERY_QUEUE",
                "ETF_COVERAGE_MAX_LAG_DAYS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("ETF_DATA_DIR", str(tmp_path / "data"))
    # The default budget file is one per machine: tests keep their own.
    monkeypatch.setenv("ETF_RATE_LIMIT_URL", str(tmp_path / "sec-budget.state"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster-home"))
    # Point edgartools (if anything imports its network layer) at nowhere routable.
    monkeypatch.setenv("EDGAR_IDENTITY", USER_AGENT)


def start_fake(**corpus_kwargs) -> FakeEdgar:
    return FakeEdgar(build_corpus(**corpus_kwargs)).start()


@pytest.fixture
def fake_edgar() -> Iterator[FakeEdgar]:
    """Real tickers file + real filings + 3 small generated trusts."""
    edgar = start_fake(generated_trusts=3)
    yield edgar
    edgar.stop()


# What loads against the fake EDGAR run at (its wall time was mostly waiting on 8/s).
FAST_RATE = 200


@pytest.fixture
def sec_env(monkeypatch):
    """Point the pipeline at a fake EDGAR with a declared User-Agent; returns a setter.

    Loads are not held to SEC's pace (the fake is on loopback, so the client allows
    more): FAST_RATE requests/s, the fake's own 10/s enforcement off. A test about the
    pace sets SEC_REQUESTS_PER_SECOND before pointing: it keeps its rate and a fake that
    answers 429 past 10/s."""
    def point(edgar: FakeEdgar) -> FakeEdgar:
        if os.environ.get("SEC_REQUESTS_PER_SECOND"):
            edgar.enforce_rate_limit = True
        else:
            monkeypatch.setenv("SEC_REQUESTS_PER_SECOND", str(FAST_RATE))
            edgar.enforce_rate_limit = False
        monkeypatch.setenv("SEC_USER_AGENT", USER_AGENT)
        monkeypatch.setenv("EDGAR_BASE_URL", edgar.url)
        monkeypatch.setenv("EDGAR_DATA_URL", edgar.url)
        monkeypatch.setenv("SEC_RATE_LIMIT_PAUSE_SECONDS", "1")
        monkeypatch.setenv("ETF_CACHE_TTL_SECONDS", "0")  # tests change EDGAR under us
        # EDGAR's "today" (which daily indexes exist) is the fake's clock, which tests move.
        monkeypatch.setattr("etf_assets.freshness.observe.edgar_today",
                            lambda: edgar.corpus.today)
        return edgar
    return point


# -- PostgreSQL (the local server on CI's machine) -------------------------------------

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"


def _postgres_url():
    url = make_url(os.environ.get("ETF_TEST_POSTGRES_URL", DEFAULT_PG_URL))
    if url.drivername in ("postgresql", "postgres"):
        # SQLAlchemy 2.1's default PostgreSQL driver is psycopg 3; the platform ships psycopg2.
        url = url.set(drivername="postgresql+psycopg2")
    return url


def service_missing(msg: str) -> None:
    """A local service a test needs is not there: FAIL when $CI is set (CI provides
    every service), else skip."""
    if os.environ.get("CI"):
        pytest.fail(msg)
    pytest.skip(msg)


def _admin_engine(url):
    admin = create_engine(url, connect_args={"connect_timeout": 5})
    try:
        with admin.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:  # noqa: BLE001 - any connection problem
        admin.dispose()
        service_missing(
            f"PostgreSQL at {url.render_as_string(hide_password=True)} is unreachable "
            f"({type(exc).__name__}: {(str(exc).strip().splitlines() or [''])[0][:200]}); "
            "set ETF_TEST_POSTGRES_URL")
    return admin


@pytest.fixture
def pg_engine():
    """A fresh schema etf_test_<random> on the test PostgreSQL, dropped afterwards.
    Unreachable: FAIL when $CI is set, else skip."""
    url = _postgres_url()
    admin = _admin_engine(url)
    schema = f"etf_test_{uuid.uuid4().hex[:12]}"
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = None
    try:
        scoped = url.update_query_dict({"options": f"-csearch_path={schema}"})
        engine = make_engine(scoped.render_as_string(hide_password=False))
        engine.test_url = scoped.render_as_string(hide_password=False)
        with engine.connect() as conn:
            assert conn.execute(text("select current_schema()")).scalar_one() == schema
        yield engine
    finally:
        if engine is not None:
            engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def warehouse_url(request, monkeypatch) -> str:
    """Run a test on the default SQLite warehouse and on PostgreSQL (a fresh schema)."""
    if request.param == "sqlite":
        return ""
    engine = request.getfixturevalue("pg_engine")
    monkeypatch.setenv("ETF_WAREHOUSE_URL", engine.test_url)
    return engine.test_url


@pytest.fixture
def dagster_pg_url(monkeypatch) -> Iterator[str]:
    """DAGSTER_PG_URL set to a fresh database etf_dagster_<random> on the test
    PostgreSQL (Dagster's storage lives in a database's public schema: a database per
    test keeps runs and partitions of tests apart), dropped afterwards. Unreachable:
    FAIL when $CI is set, else skip."""
    url = _postgres_url()
    _admin_engine(url).dispose()
    name = f"etf_dagster_{uuid.uuid4().hex[:12]}"
    autocommit = create_engine(url, isolation_level="AUTOCOMMIT")
    with autocommit.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        db_url = url.set(database=name).render_as_string(hide_password=False)
        monkeypatch.setenv("DAGSTER_PG_URL", db_url)
        yield db_url
    finally:
        with autocommit.connect() as conn:  # FORCE: a killed worker may hold a connection
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        autocommit.dispose()
