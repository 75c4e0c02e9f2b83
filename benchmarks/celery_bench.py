"""A backfill's wall time on 1 and on 2 Celery workers, on the same trusts.

    .venv/bin/python -m benchmarks.celery_bench                      # 40 generated trusts
    .venv/bin/python -m benchmarks.celery_bench --trusts 40 --holdings 2000 --workers 1 2

Production mode on the local services (PostgreSQL, RabbitMQ, Redis: the same defaults
as the tests), against a local fake EDGAR (SEC's 10 requests/s enforced; the client's
default budget of 8/s, shared by every worker through Redis). For each worker count, in
fresh databases (the same fake EDGAR, its request log cleared): the universe is loaded
(not timed), the workers are started and ready (not timed), then an asset backfill of
every trust is requested (10 trusts per run, as the UI does) and driven by Dagster's own
backfill and run-queue iterations (etf_assets_tests/distributed.py) until it is done:
that is the wall time.
The repository's dagster.yaml lets 2 backfill runs run at once (tag limit), so a single
worker has one run waiting in the broker while it executes the other.

Reported per worker count: wall time, runs and which worker executed them, SEC requests
and the largest number in any 1-s window at the fake, and whether the warehouse equals
the other worker counts' (row for row). Writes nothing outside a temporary directory
and the databases it creates and drops. Figures go in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
import warnings
from pathlib import Path

BIN = Path(sys.executable).parent
USER_AGENT = "ETF Platform Bench bench@example.com"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _fake_edgar(args, log: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    proc = subprocess.Popen(
        [str(BIN / "python"), "-m", "etf_assets_tests.fake_edgar", "--port", str(port),
         "--trusts", str(args.trusts), "--holdings", str(args.holdings), "--no-real-tickers"],
        stdout=log.open("wb"), stderr=subprocess.STDOUT)
    for _ in range(600):
        if "fake EDGAR on" in log.read_text():
            return proc, f"http://127.0.0.1:{port}"
        time.sleep(0.1)
    raise RuntimeError(log.read_text())


def _requests(url: str) -> list[float]:
    with urllib.request.urlopen(f"{url}/__fake__/requests") as resp:
        return [r["t"] for r in json.loads(resp.read()) if r["status"] != 429]


def _max_per_window(times: list[float], window: float = 1.0) -> int:
    times, best, lo = sorted(times), 0, 0
    for hi, t in enumerate(times):
        while t - times[lo] >= window:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


class _Databases:
    """Two fresh PostgreSQL databases (Dagster storage, warehouse), dropped at exit."""

    def __init__(self, admin_url: str) -> None:
        from sqlalchemy import create_engine, make_url

        self.url = make_url(admin_url).set(drivername="postgresql+psycopg2")
        self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT")
        tag = uuid.uuid4().hex[:8]
        self.names = [f"etf_bench_dagster_{tag}", f"etf_bench_wh_{tag}"]

    def __enter__(self) -> tuple[str, str]:
        from sqlalchemy import text

        with self.admin.connect() as conn:
            for name in self.names:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        return tuple(self.url.set(database=n).render_as_string(hide_password=False)
                     for n in self.names)

    def __exit__(self, *exc) -> None:
        from sqlalchemy import text

        with self.admin.connect() as conn:
            for name in self.names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


def bench(workers: int, args, work: Path, url: str) -> dict:
    """One backfill of every trust on `workers` workers, from nothing (fresh databases
    and data dir; the same fake EDGAR, whose request log is cleared)."""
    from etf_assets_tests.distributed import (
        Workers,
        daemon_workspace,
        drive_backfill,
        request_backfill,
        run_workers,
        warehouse_snapshot,
    )

    base = work / f"w{workers}"
    base.mkdir()
    queue = f"etf-bench-{uuid.uuid4().hex[:8]}"
    try:
        with _Databases(args.pg) as (dagster_url, warehouse_url):
            env = {k: v for k, v in os.environ.items()
                   if not k.startswith(("ETF_", "EDGAR_", "SEC_", "DAGSTER_"))}
            env.update({
                "SEC_USER_AGENT": USER_AGENT, "EDGAR_BASE_URL": url, "EDGAR_DATA_URL": url,
                "ETF_DATA_DIR": str(base / "data"),
                "DAGSTER_HOME": str(base / "data" / "dagster-home"),
                "DAGSTER_PG_URL": dagster_url, "ETF_WAREHOUSE_URL": warehouse_url,
                "ETF_RATE_LIMIT_URL": f"{args.redis}/{args.redis_db}",
                "ETF_CELERY_BROKER_URL": args.broker,
                "ETF_CELERY_RESULT_BACKEND": f"{args.redis}/{args.redis_db + 1}",
                "ETF_CELERY_QUEUE": queue})
            os.environ.clear()
            os.environ.update(env)
            from etf_assets import settings
            from etf_assets.cli import _open_instance
            from etf_assets.freshness.stale import TRUST_ASSETS
            from etf_assets.partitions import CIK_PARTITIONS_NAME
            from etf_assets_tests.runs import run_universe

            instance = _open_instance(settings.ensure_dagster_home())
            assert run_universe(instance).success
            ciks = sorted(instance.get_dynamic_partitions(CIK_PARTITIONS_NAME))
            # unique names: a worker's name is its pidbox queue on the shared broker
            names = [f"w{i + 1}-{os.getpid()}" for i in range(workers)]
            with Workers(names, dict(os.environ), base) as ws:
                ws.wait_ready()
                urllib.request.urlopen(urllib.request.Request(
                    f"{url}/__fake__/reset", method="POST")).read()
                t0 = time.monotonic()
                with daemon_workspace(instance) as ctx:
                    backfill = request_backfill(instance, ciks, TRUST_ASSETS,
                                                title=f"bench {workers} worker(s)")
                    records = drive_backfill(ctx, backfill, timeout=args.timeout)
                wall = time.monotonic() - t0
                started = time.time() - wall  # t0 on the runs' clock
                by_worker = run_workers(instance, [r.dagster_run.run_id for r in records])
            instance.dispose()
            times = _requests(url)
            snapshot = warehouse_snapshot(warehouse_url)
    finally:
        from kombu import Connection

        with Connection(args.broker) as conn:
            try:
                conn.default_channel.queue_delete(queue)
            except Exception:  # noqa: BLE001 - never declared
                pass
    counts: dict[str, int] = {}
    for w in by_worker.values():
        counts[w.split("@")[0]] = counts.get(w.split("@")[0], 0) + 1
    spans = [(r.start_time - started, r.end_time - started) for r in records
             if r.start_time and r.end_time]
    return {"workers": workers, "trusts": len(ciks), "seconds": round(wall, 1),
            # first run started -> last run ended: without the backfill's planning
            "run_seconds": round(max(e for _, e in spans) - min(s for s, _ in spans), 1),
            "runs": len(records),
            "failed_runs": sum(r.dagster_run.status.value != "SUCCESS" for r in records),
            "runs_per_worker": counts,
            # each run's start and end, seconds after the backfill was requested
            "run_spans": [(round(s, 1), round(e, 1)) for s, e in spans],
            "sec_requests": len(times),
            "max_requests_in_1s": _max_per_window(times),
            "holding_rows": len(snapshot["holding"]), "_snapshot": snapshot}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--trusts", type=int, default=40, help="generated trusts (default 40)")
    p.add_argument("--holdings", type=int, default=25, help="positions per N-PORT (25)")
    p.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    p.add_argument("--pg", default=os.environ.get(
        "ETF_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    p.add_argument("--broker", default=os.environ.get(
        "ETF_TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//"))
    p.add_argument("--redis", default=os.environ.get("ETF_TEST_REDIS_URL",
                                                     "redis://127.0.0.1:6379"))
    p.add_argument("--redis-db", type=int, default=14,
                   help="SEC budget in this Redis db, task states in the next (14)")
    p.add_argument("--timeout", type=float, default=1800)
    args = p.parse_args(argv)
    # dagster-celery registers its run task again at every launch; Celery warns each time.
    warnings.filterwarnings("ignore", message="Task name 'execute_job' is already registered")
    results = []
    with tempfile.TemporaryDirectory(prefix="celery-bench-") as tmp:
        # One fake EDGAR for all: the warehouses' `filing.url` name its address.
        fake, url = _fake_edgar(args, Path(tmp) / "fake.log")
        try:
            for n in args.workers:
                results.append(bench(n, args, Path(tmp), url))
                shown = {k: v for k, v in results[-1].items() if not k.startswith("_")}
                print(json.dumps(shown), flush=True)
        finally:
            fake.terminate()
            fake.wait()
    first = results[0]
    for r in results[1:]:
        same = r["_snapshot"] == first["_snapshot"]
        if not same:
            print("tables that differ:", [t for t in first["_snapshot"]
                                          if first["_snapshot"][t] != r["_snapshot"][t]])
        print(f"{r['workers']} worker(s) vs {first['workers']}: {r['seconds']} s vs "
              f"{first['seconds']} s ({first['seconds'] / r['seconds']:.2f}x; runs only "
              f"{r['run_seconds']} s vs {first['run_seconds']} s); warehouse "
              f"{'identical' if same else 'DIFFERENT'} row for row")
    budget = 8
    for r in results:
        print(f"{'PASS' if r['failed_runs'] == 0 else 'MISS'}: {r['workers']} worker(s) - "
              f"{r['runs']} runs, {r['failed_runs']} failed")
        print(f"{'PASS' if r['max_requests_in_1s'] <= budget + 1 else 'MISS'}: "
              f"{r['workers']} worker(s) - at most {r['max_requests_in_1s']} SEC requests in "
              f"any 1-s window (budget {budget}/s, +1 for arrival jitter; SEC's limit 10)")


if __name__ == "__main__":
    main()
