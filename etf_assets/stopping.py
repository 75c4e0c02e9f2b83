"""A clean stop: SIGTERM / SIGINT ask this process to stop; the work in progress sees it
at its next check and abandons atomically.

`run-all` installs :func:`install_handlers` in its main thread and runs each Dagster
job in another thread (Dagster replaces the main thread's SIGINT/SIGTERM handlers while
it executes, and would raise in the middle of whatever the main thread does). Once a
stop is requested:

* the SEC client sends no new request (:func:`check` before each one and during a
  rate-limit pause) and the readers' loops stop (etf_assets/limits.py ``check_time``),
  both by raising :class:`Stopped`: the filing's transaction rolls back, nothing of it
  is written and nothing is recorded failed;
* the per-trust op (etf_assets/trust_filings.py) records the trusts that finished,
  starts no other, and ends its run CANCELED;
* run-all prints its summary and exits 128 + the signal (130 SIGINT, 143 SIGTERM).

A second signal ends the process at once (exit 128 + signal).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from typing import Optional

_stop = threading.Event()
_signal: list[int] = []


class Stopped(BaseException):
    """The process is stopping: abandon the current work (a BaseException, like
    KeyboardInterrupt, so no `except Exception` records it as a failure)."""


def request(signum: int = signal.SIGTERM) -> None:
    if not _signal:
        _signal.append(signum)
    _stop.set()


def requested() -> bool:
    return _stop.is_set()


def check() -> None:
    """Raise Stopped when a stop was requested."""
    if _stop.is_set():
        raise Stopped(signal_name())


def signal_number() -> Optional[int]:
    return _signal[0] if _signal else None


def signal_name() -> str:
    n = signal_number()
    return signal.Signals(n).name if n else "stop"


def exit_code() -> int:
    """128 + the signal that stopped us (130 SIGINT, 143 SIGTERM)."""
    return 128 + (signal_number() or signal.SIGTERM)


def reset() -> None:
    """Forget a stop (tests; a process serving several commands)."""
    _stop.clear()
    _signal.clear()


def _handler(signum: int, _frame) -> None:
    if _stop.is_set():  # the second signal: now
        os._exit(128 + signum)
    request(signum)
    print(f"\n{signal.Signals(signum).name}: stopping after the current filing "
          "(again to stop at once) ...", file=sys.stderr, flush=True)


def install_handlers() -> dict:
    """SIGTERM and SIGINT request a stop (main thread only; elsewhere nothing changes).
    Returns the previous handlers, for :func:`restore_handlers`."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    return {sig: signal.signal(sig, _handler) for sig in (signal.SIGTERM, signal.SIGINT)}


def restore_handlers(previous: dict) -> None:
    for sig, handler in previous.items():
        signal.signal(sig, handler)


def run_in_thread(fn, *args, **kwargs):
    """fn(*args, **kwargs) in a worker thread while the main thread waits for signals;
    its result (or exception) as if called here."""
    out: dict = {}

    def target() -> None:
        try:
            out["value"] = fn(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            out["error"] = exc

    t = threading.Thread(target=target, name="etf-run", daemon=True)
    t.start()
    while t.is_alive():
        t.join(0.2)
    if "error" in out:
        raise out["error"]
    return out["value"]
