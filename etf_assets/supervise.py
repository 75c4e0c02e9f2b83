"""Run a command that starts children of its own (`dagster dev`: web UI, daemon, code
server) so that stopping us stops all of them, however we were started.

`dagster dev` alone, backgrounded (`make demo-ui &`), ignores SIGINT and SIGTERM (a
background job inherits SIGINT ignored, and the ignore survives exec), and on SIGHUP it
exits leaving its webserver, daemon and code server orphaned and listening. So:

* the command runs in a session (process group) of its own, whose members are
  exactly the command and its descendants;
* we catch SIGINT, SIGTERM and SIGHUP (also when they were ignored when we started:
  the child then inherits default dispositions, not the ignore) and pass the stop on:
  SIGINT to the whole group (Dagster's graceful shutdown), then after `grace` seconds
  SIGTERM, then SIGKILL, until no member is left;
* the command gets SIGTERM if we die without a chance to do this (kill -9: Linux's
  parent-death signal).
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # in the child, between fork and exec
    os.setsid()
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        except OSError:
            pass


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        pass


def stop_group(proc: subprocess.Popen, grace: float = 20.0) -> None:
    """SIGINT to the group, then SIGTERM after `grace` s, then SIGKILL after 5 s more,
    until every member is gone (members that already exited are reaped)."""
    pgid = proc.pid  # setsid: the group id is the leader's pid
    for sig, wait in ((signal.SIGINT, grace), (signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
        _signal_group(pgid, sig)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            proc.poll()  # reap the leader, so a zombie does not count as alive
            if not _group_alive(pgid):
                return
            time.sleep(0.1)


def run(argv: Sequence[str], grace: float = 20.0, **popen_kwargs) -> int:
    """Run `argv` in its own process group until it exits or we are asked to stop;
    returns its exit code, or 128 + the signal that stopped us."""
    received: list[int] = []

    def on_signal(signum: int, _frame) -> None:
        received.append(signum)

    previous = {sig: signal.signal(sig, on_signal) for sig in STOP_SIGNALS}
    try:
        proc = subprocess.Popen(list(argv), preexec_fn=_die_with_parent, **popen_kwargs)
        while proc.poll() is None and not received:
            time.sleep(0.2)
        if received:
            print(f"\n{signal.Signals(received[0]).name}: stopping the web UI, daemon and "
                  "code server ...", file=sys.stderr, flush=True)
            stop_group(proc, grace)
            return 128 + received[0]
        stop_group(proc, grace=2.0)  # the command ended: leave no child of it behind
        return proc.returncode
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
