"""Production mode (README: Production) on the local services CI provides: Dagster's
storage in PostgreSQL (DAGSTER_PG_URL, a fresh database per test), and runs executed
by two real Celery workers (RabbitMQ broker, Redis result backend and SEC budget).
Missing services FAIL these tests on CI and skip them elsewhere (conftest)."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from dagster import (
    AssetKey,
    DagsterInstance,
    DagsterRunStatus,
    RunsFilter,
    build_sensor_context,
    instance_for_test,
)
from sqlalchemy import func, select

from etf_assets import settings
from etf_assets.cli import main
from etf_assets.definitions import RESOURCES
from etf_assets.freshness.observe import edgar_today
from etf_assets.freshness.sensors import sec_filings_sensor
from etf_assets.freshness.stale import TRUST_ASSETS
from etf_assets.partitions import CIK_PARTITIONS_NAME
from etf_assets.warehouse.tables import filing, holding
from etf_assets_tests.conftest import service_missing, start_fake
from etf_assets_tests.distributed import (
    Workers,
    daemon_workspace,
    drive_backfill,
    request_backfill,
    run_workers,
    warehouse_snapshot,
)
from etf_assets_tests.fake_edgar.build import nport_filing
from etf_assets_tests.fake_edgar.server import FakeEdgar
from etf_assets_tests.runs import run_trusts, run_universe

pytestmark = pytest.mark.postgres

REPO = Path(__file__).resolve().parent.parent
NPORT_KEYS = [AssetKey("holdings"), AssetKey("derivatives"), AssetKey("monthly_flows"),
              AssetKey("monthly_returns")]
RABBITMQ = os.environ.get("ETF_TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")
REDIS = os.environ.get("ETF_TEST_REDIS_URL", "redis://127.0.0.1:6379")


def _previous_business_day(day: date) -> date:
    day -= timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def test_four_run_alls_of_four_machines_then_a_sensor_tick_on_one_postgres_storage(
        dagster_pg_url, pg_engine, sec_env, monkeypatch, tmp_path):
    """DAGSTER_PG_URL switches the instance run-all uses. 4 run-alls start together on a
    fresh Dagster database, each with its own data dir and DAGSTER_HOME (four machines):
    each home's managed dagster.yaml gets the postgres storage block and no SQLite file;
    the storage is created once (an advisory lock); no lock or unique-violation error,
    every run succeeds, nothing is duplicated (partitions, materializations, filings,
    holdings). Then the freshness sensor's tick, from a fifth machine, reads that state:
    a new NPORT-P in yesterday's daily index asks for exactly its trust, whose run loads it."""
    today = edgar_today()
    day = _previous_business_day(today)  # the sensor reads the indexes up to yesterday
    assert day > date(2026, 11, 11), "trust 102's newest NPORT-P is dated 2026-11-11"
    monkeypatch.setenv("ETF_WAREHOUSE_URL", pg_engine.test_url)
    with start_fake(generated_trusts=2, real_tickers=False, real_filings=False,
                    series_per_trust=1, holdings_per_series=8, today=today) as edgar:
        sec_env(edgar)
        homes = [tmp_path / f"m{i}" / "dagster-home" for i in range(4)]
        procs = [subprocess.Popen(
            [sys.executable, "-m", "etf_assets.cli", "run-all"], cwd=REPO,
            env={**os.environ, "ETF_DATA_DIR": str(home.parent), "DAGSTER_HOME": str(home)},
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for home in homes]
        outs = [(p.wait(timeout=300), p.stdout.read()) for p in procs]
        for code, out in outs:
            assert code == 0, out[-3000:]
            assert not any(word in out.lower() for word in (
                "deadlock", "uniqueviolation", "already exists", "lock timeout"))
        for home in homes:
            assert "postgres:\n    postgres_url:\n      env: DAGSTER_PG_URL" in \
                (home / "dagster.yaml").read_text()
            assert not [p for p in home.rglob("*") if p.suffix in (".db", ".sqlite")]

        settings.ensure_dagster_home()  # this process: a fifth machine, same database
        instance = DagsterInstance.get()
        assert len(instance.get_dynamic_partitions(CIK_PARTITIONS_NAME)) == 2
        statuses = [r.status for r in instance.get_runs(RunsFilter())]
        assert len(statuses) >= 5 and set(statuses) == {DagsterRunStatus.SUCCESS}
        assert instance.get_materialized_partitions(AssetKey("holdings")) == {
            "0000000101", "0000000102"}
        with pg_engine.connect() as conn:
            filings, distinct = conn.execute(select(
                func.count(), func.count(func.distinct(filing.c.accession_number)))).one()
            holdings = conn.execute(select(func.count()).select_from(holding)).scalar_one()
        assert filings == distinct and holdings == 2 * 1 * 8

        # The run-alls read every trust's submissions today: the indexes through
        # yesterday are covered (sec_index_day). A filing of the next business day is
        # in that day's index, which the sensor reads the day after.
        filed = day + timedelta(days=1)
        while filed.weekday() >= 5:
            filed += timedelta(days=1)
        corpus = edgar.corpus
        new = nport_filing(102, "Fakeshares Trust 002", corpus.accessions.next(filed.year),
                           "S900001000", "Fakeshares ETF", [], date(2026, 10, 31), filed,
                           n_holdings=4, n_derivatives=0, seed=11)
        corpus.add(new)
        edgar.set_today(filed + timedelta(days=1))
        edgar.reset()
        with build_sensor_context(instance=instance,
                                  resources={"sec": RESOURCES["sec"],
                                             "warehouse": RESOURCES["warehouse"]}) as ctx:
            result = sec_filings_sensor(ctx)
        # (and the current-filings feed, one request per form prefix)
        assert [r.path for r in edgar.served() if r.path != "/cgi-bin/browse-edgar"] == [
            f"/Archives/edgar/daily-index/{filed.year}/QTR{(filed.month - 1) // 3 + 1}/"
            f"form.{filed:%Y%m%d}.idx"]
        (request,) = result.run_requests
        assert request.partition_key == "0000000102"
        assert list(request.asset_selection) == [*NPORT_KEYS, AssetKey("fund_lifecycle")]
        assert run_trusts(instance, request.partition_key, request.asset_selection).success
        instance.dispose()
    with pg_engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(holding)
                            .where(holding.c.accession_number == new.accession)
                            ).scalar_one() == 4


# -- Celery --------------------------------------------------------------------------

@pytest.fixture
def celery_services():
    """RabbitMQ (broker) and Redis (result backend, SEC budget) answer, or the test
    fails on CI / skips elsewhere. Yields (broker, redis base URL, queue); the queue is
    this test's own (a concurrent test run's workers never take its runs) and is
    deleted afterwards."""
    import redis
    from kombu import Connection

    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=3).ping()
    except Exception as exc:  # noqa: BLE001
        service_missing(f"Redis at {REDIS} is unreachable ({exc}); set ETF_TEST_REDIS_URL")
    try:
        with Connection(RABBITMQ, connect_timeout=3) as conn:
            conn.ensure_connection(max_retries=1, timeout=5)
    except Exception as exc:  # noqa: BLE001
        service_missing(f"RabbitMQ at {RABBITMQ} is unreachable ({exc}); "
                        "set ETF_TEST_RABBITMQ_URL")
    queue = f"etf-test-{uuid.uuid4().hex[:10]}"
    yield RABBITMQ, REDIS, queue
    with Connection(RABBITMQ) as conn:
        try:
            conn.default_channel.queue_delete(queue)
        except Exception:  # noqa: BLE001 - never declared (the workers did not start)
            pass


RATE = 8  # the configured SEC budget (the default), shared by both workers


def test_backfill_on_two_celery_workers_equals_one_process(dagster_pg_url, pg_engine,
                                                           celery_services, sec_env,
                                                           monkeypatch, tmp_path):
    """Two `etf-pipeline worker` processes; an asset backfill of 8 trusts (two ranges:
    the UI's selection of 101-104 and 106-109, so two runs) that Dagster's backfill loop
    turns into runs, its run queue hands to the Celery run launcher and the workers
    execute. Each worker executed one run (its name in the run's event log); the fake
    EDGAR saw the configured budget kept across both workers (Redis limiter); the
    warehouse equals a single process's load of the same trusts, row for row."""
    broker, redis_url, queue = celery_services
    monkeypatch.setenv("ETF_WAREHOUSE_URL", pg_engine.test_url)
    monkeypatch.setenv("ETF_CELERY_BROKER_URL", broker)
    monkeypatch.setenv("ETF_CELERY_RESULT_BACKEND", f"{redis_url}/{random.randint(8, 15)}")
    monkeypatch.setenv("ETF_CELERY_QUEUE", queue)
    monkeypatch.setenv("SEC_REQUESTS_PER_SECOND", str(RATE))
    # A Redis database of its own: the budget's keys have one fixed name.
    monkeypatch.setenv("ETF_RATE_LIMIT_URL", f"{redis_url}/{random.randint(8, 15)}")
    ciks = [f"{c:010d}" for c in (101, 102, 103, 104, 106, 107, 108, 109)]
    with start_fake(generated_trusts=9, real_tickers=False, real_filings=False,
                    series_per_trust=1, holdings_per_series=6) as edgar:
        sec_env(edgar)
        from etf_assets.cli import _open_instance

        # Worker names are unique per run: a worker's name is its broker-wide pidbox queue
        # (w1@host.celery.pidbox), so two suites on one machine and broker (CI's "the
        # suite twice at once") would lock each other's out with the same names.
        names = [f"w{i}-{queue.rsplit('-', 1)[-1]}" for i in (1, 2)]
        with Workers(names, dict(os.environ), tmp_path) as workers:
            # While the workers start: the same trusts in one process (the refresh_trusts
            # job in-process, as run-all runs it), into a SQLite warehouse, a throwaway
            # Dagster instance, a budget and a data dir (archive cache) of its own.
            with monkeypatch.context() as single_env:
                for var in ("DAGSTER_PG_URL", "ETF_CELERY_BROKER_URL"):
                    single_env.delenv(var)
                single_env.setenv("ETF_DATA_DIR", str(tmp_path / "single"))
                single_env.setenv("ETF_WAREHOUSE_URL", f"sqlite:///{tmp_path}/single.sqlite")
                single_env.setenv("ETF_RATE_LIMIT_URL", str(tmp_path / "single-budget.state"))
                with instance_for_test() as single:
                    assert run_universe(single).success
                    for part in (ciks[:4], ciks[4:]):
                        assert run_trusts(single, part).success
            alone = warehouse_snapshot(f"sqlite:///{tmp_path}/single.sqlite")

            instance = _open_instance(settings.ensure_dagster_home())
            assert type(instance.run_launcher).__name__ == "CeleryRunLauncher"
            assert run_universe(instance).success  # the partitions (in-process)
            workers.wait_ready()
            edgar.reset()
            with daemon_workspace(instance) as ctx:
                backfill_id = request_backfill(instance, ciks, TRUST_ASSETS)
                records = drive_backfill(ctx, backfill_id, timeout=240)
            assert [r.dagster_run.status for r in records] == [DagsterRunStatus.SUCCESS] * 2, \
                workers.output()
            executed_by = run_workers(instance, [r.dagster_run.run_id for r in records])
        instance.dispose()
        requests = edgar.served()
    assert {w.split("@")[0] for w in executed_by.values()} == set(names)
    assert len(executed_by) == 2
    # One budget across the two workers. Two budgets would let ~2 x RATE a second
    # through, 80 in 5 s; one budget sends at most RATE in any 1.1 s (at most 40 in 5 s),
    # and the fake sees arrivals late by however long its own thread waits for a core:
    # with two suites at once (load 17) 10 arrivals fell in one second against 8 sent in
    # 1.1 s. So the arrivals are held to what tells one budget from two (under 6 x RATE
    # in 5 s), and the window's rule itself is asserted on the limiter's send stamps, in
    # several real processes, file and Redis, by test_rate_window.py.
    assert len(requests) > 4 * RATE and edgar.served(429) == []
    assert FakeEdgar.max_per_window(requests, window=5.0) < 6 * RATE
    distributed = warehouse_snapshot(pg_engine.test_url)
    assert distributed["holding"] and distributed["filing"]
    assert distributed == alone


def test_worker_refuses_to_start_without_production_settings(dagster_pg_url, sec_env,
                                                            monkeypatch, capsys):
    """A worker needs the shared Dagster storage and a broker that answers: exit 2 with
    one line naming the setting, before any process is started."""
    with start_fake(generated_trusts=1, real_tickers=False, real_filings=False) as edgar:
        sec_env(edgar)
        monkeypatch.delenv("DAGSTER_PG_URL")
        assert main(["worker"]) == 2
        assert "DAGSTER_PG_URL" in capsys.readouterr().err
        monkeypatch.setenv("DAGSTER_PG_URL", dagster_pg_url)
        monkeypatch.setenv("ETF_CELERY_BROKER_URL", "amqp://guest:guest@127.0.0.1:1//")
        monkeypatch.setenv("ETF_CELERY_RESULT_BACKEND", "rpc://")
        assert main(["worker"]) == 2
        assert "ETF_CELERY_RESULT_BACKEND=rpc://" in capsys.readouterr().err
        monkeypatch.setenv("ETF_CELERY_RESULT_BACKEND", "redis://127.0.0.1:6379/9")
        assert main(["worker"]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "ETF_CELERY_BROKER_URL=amqp://guest:***@127.0.0.1:1//" in err[0]
        assert edgar.served() == []


def test_daemon_refuses_a_home_of_its_own_that_ignores_postgres(dagster_pg_url, sec_env,
                                                                 capsys):
    """A DAGSTER_HOME whose dagster.yaml the user took over (no marker line) and that
    keeps SQLite storage: with DAGSTER_PG_URL set, `etf-pipeline daemon` exits 2 naming
    the file instead of running on storage no other machine sees."""
    home = Path(os.environ["DAGSTER_HOME"])
    home.mkdir(parents=True)
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    with start_fake(generated_trusts=1, real_tickers=False, real_filings=False) as edgar:
        sec_env(edgar)
        assert main(["daemon"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "dagster.yaml" in err[0] and "DAGSTER_PG_URL" in err[0]
    assert (home / "dagster.yaml").read_text() == "telemetry:\n  enabled: false\n"
