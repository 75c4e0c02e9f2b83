"""Runs whose process is gone (kill -9, a crashed machine) are marked failed within
minutes, with or without the daemon, and their trusts are eligible again at once.

Each run records the process executing it as run tags: host, pid, the pid's start time
(so a reused pid is not taken for the run's process) and a heartbeat the per-trust op
refreshes every HEARTBEAT_SECONDS while it works (run-all sets the tags when it creates
a run; runs launched by the daemon or a Celery worker get them when their op starts).
:func:`reap_dead_runs`, called by run-all before it plans and by the sensors each tick,
marks a run in flight failed when:

* its host is this machine and its pid is not running, or runs another process; or
* its heartbeat is older than DEAD_AFTER_SECONDS (a process on another machine).

The run gets the DEAD_TAG with the reason, and freshness/stale.py does not hold its
trusts back (a failed run's trusts otherwise wait RETRY_FAILED_AFTER_SECONDS).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Optional

from dagster import DagsterInstance, DagsterRunStatus, RunsFilter

HOST_TAG = "etf/host"
PID_TAG = "etf/pid"
PID_START_TAG = "etf/pid_start"
HEARTBEAT_TAG = "etf/heartbeat"
DEAD_TAG = "etf/dead_process"
HEARTBEAT_SECONDS = 30.0
DEAD_AFTER_SECONDS = 300.0  # ten missed heartbeats

IN_FLIGHT = [DagsterRunStatus.NOT_STARTED, DagsterRunStatus.STARTING,
             DagsterRunStatus.STARTED, DagsterRunStatus.CANCELING]


def pid_start(pid: int) -> Optional[str]:
    """The process's start time (clock ticks since boot, /proc/PID/stat field 22), or
    None when there is no such process (or no /proc)."""
    try:
        stat = open(f"/proc/{pid}/stat").read()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # after "(comm)", which may hold spaces
    if fields[0] == "Z":
        return None  # a zombie: exited
    return fields[19]


def process_tags(now: Optional[float] = None) -> dict[str, str]:
    """This process, as run tags."""
    pid = os.getpid()
    return {HOST_TAG: socket.gethostname(), PID_TAG: str(pid),
            PID_START_TAG: pid_start(pid) or "",
            HEARTBEAT_TAG: f"{time.time() if now is None else now:.0f}"}


@contextmanager
def heartbeat(instance: DagsterInstance, run_id: str,
              every: float = HEARTBEAT_SECONDS) -> Iterator[None]:
    """Record this process on the run, and refresh its heartbeat every `every` s until
    the block ends."""
    instance.add_run_tags(run_id, process_tags())
    done = threading.Event()

    def beat() -> None:
        while not done.wait(every):
            try:
                instance.add_run_tags(run_id, {HEARTBEAT_TAG: f"{time.time():.0f}"})
            except Exception:  # noqa: BLE001 - a missed beat is not the run's failure
                pass

    thread = threading.Thread(target=beat, name="etf-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join(timeout=5)


def why_dead(tags: dict[str, str], now: float, host: str,
             start_of: Callable[[int], Optional[str]] = pid_start) -> Optional[str]:
    """Why the process of a run with these tags is gone, or None (alive, or unknown)."""
    if PID_TAG not in tags:
        return None  # not started by us yet: Dagster's run monitoring has it
    pid = int(tags[PID_TAG])
    if tags.get(HOST_TAG) == host:
        started = start_of(pid)
        if started is None:
            return f"its process {host}:{pid} is gone"
        if tags.get(PID_START_TAG) and started != tags[PID_START_TAG]:
            return f"its process {host}:{pid} is gone (the pid is another process now)"
        return None
    beat = float(tags.get(HEARTBEAT_TAG) or 0)
    if now - beat > DEAD_AFTER_SECONDS:
        return (f"its process {tags.get(HOST_TAG)}:{pid} sent no heartbeat for "
                f"{now - beat:.0f} s")
    return None


def reap_dead_runs(instance: DagsterInstance, now: Optional[float] = None
                   ) -> list[tuple[str, str]]:
    """Mark each in-flight run whose process is gone failed, with the reason; returns
    (run id, reason) of each."""
    now = time.time() if now is None else now
    host = socket.gethostname()
    out = []
    for run in instance.get_runs(RunsFilter(statuses=IN_FLIGHT)):
        reason = why_dead(dict(run.tags), now, host)
        if reason is None:
            continue
        message = f"Marked failed: {reason}"
        instance.add_run_tags(run.run_id, {DEAD_TAG: reason})
        instance.report_run_failed(instance.get_run_by_id(run.run_id), message=message)
        out.append((run.run_id, reason))
    return out
