"""Production mode in tests and benchmarks: Celery workers as real processes
(`etf-pipeline worker`), and what the Dagster daemon does for a backfill (its backfill
loop, then its run queue handing runs to the Celery run launcher), driven in this
process one iteration at a time.

Why not a `dagster-daemon` process: its backfill loop sleeps 30 s between iterations,
and its sensors (on by default) would request the same never-loaded trusts as the
backfill. The iterations here are the daemon's own functions, on the same instance.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from dagster import AssetKey, DagsterInstance, DagsterRunStatus, RunsFilter

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
_DONE = {DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED}
log = logging.getLogger("etf_assets_tests.distributed")


class Workers:
    """`etf-pipeline worker --name <name>` processes, each in its own process group."""

    def __init__(self, names: Sequence[str], env: dict[str, str], log_dir: Path,
                 concurrency: int = 1) -> None:
        self.names = list(names)
        self.logs = [log_dir / f"worker-{n}.log" for n in names]
        self.procs = [subprocess.Popen(
            [str(BIN / "etf-pipeline"), "worker", "--name", n, "--concurrency",
             str(concurrency)], env=env, cwd=REPO, start_new_session=True,
            stdout=lg.open("wb"), stderr=subprocess.STDOUT)
            for n, lg in zip(self.names, self.logs)]

    def output(self) -> str:
        return "\n".join(f"--- {lg.name}\n{lg.read_text()[-4000:]}" for lg in self.logs
                         if lg.exists())

    def wait_ready(self, timeout: float = 90) -> None:
        """Until every worker says "ready" (it consumes from the queue from then on)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for p in self.procs:
                assert p.poll() is None, f"a worker exited:\n{self.output()}"
            if all(lg.exists() and " ready." in lg.read_text() for lg in self.logs):
                return
            time.sleep(0.3)
        raise AssertionError(f"workers not ready after {timeout} s:\n{self.output()}")

    def stop(self) -> None:
        for p in self.procs:  # warm shutdown: the worker finishes nothing more
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait(timeout=10)

    def __enter__(self) -> "Workers":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


@contextmanager
def daemon_workspace(instance: DagsterInstance) -> Iterator:
    """The code location the daemon would load (etf_assets.definitions), in-process."""
    from dagster._core.remote_origin import InProcessCodeLocationOrigin
    from dagster._core.types.loadable_target_origin import LoadableTargetOrigin
    from dagster._core.workspace.context import WorkspaceProcessContext
    from dagster._core.workspace.load_target import InProcessWorkspaceLoadTarget

    origin = InProcessCodeLocationOrigin(LoadableTargetOrigin(
        executable_path=sys.executable, module_name="etf_assets.definitions",
        working_directory=str(REPO)), location_name="etf_assets")
    with WorkspaceProcessContext(instance, InProcessWorkspaceLoadTarget(origin)) as ctx:
        yield ctx


def request_backfill(instance: DagsterInstance, ciks: Sequence[str],
                     assets: Sequence[AssetKey], title: str = "test backfill") -> str:
    """An asset backfill of these trust partitions, as the UI's "Materialize" ->
    partitions -> "Launch backfill" requests it (BackfillPolicy: 10 trusts per run)."""
    from dagster._core.execution.backfill import PartitionBackfill
    from dagster._core.utils import make_new_backfill_id
    from dagster._time import get_current_timestamp

    from etf_assets.definitions import defs

    backfill = PartitionBackfill.from_asset_partitions(
        backfill_id=make_new_backfill_id(), asset_graph=defs.resolve_asset_graph(),
        partition_names=list(ciks), asset_selection=list(assets),
        backfill_timestamp=get_current_timestamp(), tags={}, dynamic_partitions_store=instance,
        all_partitions=False, title=title, description=None, run_config=None)
    instance.add_backfill(backfill)
    return backfill.backfill_id


def drive_backfill(ctx, backfill_id: str, timeout: float = 300, poll: float = 0.5,
                   backfill_every: float = 5.0) -> list:
    """The daemon's backfill and run-queue iterations until the backfill is done (every
    partition materialized or failed); returns its runs' records, oldest first.

    The run queue is served every `poll` seconds; the backfill iteration (which plans
    runs and, at the end, marks the backfill done: a few hundred ms of CPU, taken from
    the workers on a small machine) once all its runs ended, or every `backfill_every`
    seconds (the real daemon: 30)."""
    from dagster._core.execution.backfill import BulkActionStatus
    from dagster._daemon.backfill import execute_backfill_iteration
    from dagster._daemon.run_coordinator.queued_run_coordinator_daemon import (
        QueuedRunCoordinatorDaemon,
    )

    instance = ctx.instance
    queue = QueuedRunCoordinatorDaemon(interval_seconds=1)
    deadline = time.monotonic() + timeout
    last_backfill = float("-inf")
    while time.monotonic() < deadline:
        records = instance.get_run_records(RunsFilter(tags={"dagster/backfill": backfill_id}))
        ended = bool(records) and all(r.dagster_run.status in _DONE for r in records)
        if ended or time.monotonic() - last_backfill >= backfill_every:
            list(execute_backfill_iteration(ctx, log))
            last_backfill = time.monotonic()
            if instance.get_backfill(backfill_id).status not in (
                    BulkActionStatus.REQUESTED, BulkActionStatus.CANCELING):
                records = instance.get_run_records(
                    RunsFilter(tags={"dagster/backfill": backfill_id}))
                assert all(r.dagster_run.status in _DONE for r in records)
                return sorted(records, key=lambda r: r.create_timestamp)
        list(queue.run_iteration(ctx))
        time.sleep(poll)
    raise AssertionError(f"backfill {backfill_id} not done after {timeout} s")


def run_workers(instance: DagsterInstance, run_ids: Sequence[str]) -> dict[str, str]:
    """run id -> the Celery worker that executed it (from the run's event log)."""
    from dagster import DagsterEventType

    from etf_assets.celery_app import WORKER_EVENT_KEY

    out = {}
    for run_id in run_ids:
        for rec in instance.get_records_for_run(
                run_id, of_type=DagsterEventType.ENGINE_EVENT).records:
            data = rec.event_log_entry.dagster_event.engine_event_data
            if data and WORKER_EVENT_KEY in data.metadata:
                out[run_id] = data.metadata[WORKER_EVENT_KEY].value
    return out


def warehouse_snapshot(url: str) -> dict[str, list[tuple]]:
    """Every warehouse table's rows, sorted, without the columns that say *when* a row
    was written (DateTime) or in which order (processing_log.id): two loads of the same
    filings, on SQLite or PostgreSQL, compare equal row for row."""
    from sqlalchemy import DateTime, select

    from etf_assets.warehouse.engine import make_engine
    from etf_assets.warehouse.tables import metadata

    engine = make_engine(url)
    out = {}
    try:
        with engine.connect() as conn:
            for table in metadata.sorted_tables:
                cols = [c for c in table.c if not isinstance(c.type, DateTime)
                        and not (c.name == "id" and c.autoincrement is True)]
                out[table.name] = sorted(tuple(_comparable(v) for v in r)
                                         for r in conn.execute(select(*cols)))
    finally:
        engine.dispose()
    return out


def _comparable(value) -> str:
    """Equal values alike on both databases: Decimal('1.50') == Decimal('1.5')."""
    import json
    from decimal import Decimal

    if isinstance(value, Decimal):
        return f"D{value.normalize()}"
    if isinstance(value, (dict, list)):
        return "J" + json.dumps(value, sort_keys=True, default=str)
    return repr(value)
