"""The sliding-window SEC budget: at most N = floor(rate) sends in any W-second window
(W = max(1.1, N / rate)), counted from the moment each request is sent, on both backends
(a state file under flock, and Redis). The assertions are on the limiter's own send
stamps: the rule itself, not how fast a loaded machine happens to run."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from etf_assets.edgar.ratelimit import FileRateLimiter, RedisRateLimiter, window_for
from etf_assets_tests.conftest import service_missing

REDIS_URL = "redis://127.0.0.1:6379/0"


def max_in_window(stamps: list[float], window: float) -> int:
    """Most stamps within any half-open window [t, t + window)."""
    stamps = sorted(stamps)
    lo = best = 0
    for hi, t in enumerate(stamps):
        while t - stamps[lo] >= window:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


def _redis_or_missing() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001 - any connection problem
        service_missing(f"Redis at {REDIS_URL} is unreachable ({type(exc).__name__})")


@pytest.fixture(params=["file", "redis"])
def limiter_url(request, tmp_path) -> str:
    if request.param == "file":
        return str(tmp_path / "budget.state")
    _redis_or_missing()
    # A database of the tests' own would collide between runs: a namespace per test.
    return REDIS_URL + "#" + uuid.uuid4().hex


def make(url: str, rate: float, **kw):
    if url.startswith("redis://"):
        base, ns = url.split("#")
        return RedisRateLimiter(base, rate, namespace=f"etf-test:{ns}", **kw)
    return FileRateLimiter(url, rate, **kw)


def test_window_follows_the_rate():
    assert window_for(8) == (8, 1.1)
    assert window_for(10) == (10, 1.1)
    assert window_for(2.5) == (2, 1.1)
    assert window_for(0.5) == (1, 2.0)  # under 1/s: one send per 1/rate seconds
    with pytest.raises(ValueError):
        window_for(float("nan"))


def test_max_in_window_counts_half_open_windows():
    assert max_in_window([0.0, 0.5, 1.0999, 1.1, 2.0], 1.1) == 3
    assert max_in_window([0.0, 1.1, 2.2], 1.1) == 1


def test_processes_sharing_one_limiter_keep_the_window(limiter_url, tmp_path):
    """Three worker processes, 30 grants each at rate 8 (N=8, W=1.1 s), each send after a
    random 0-30 ms wait, one grant in eight released unsent: the recorded send stamps
    never put more than 8 in any 1.1-s window, and every process got its sends."""
    rate, count = 8, 30
    n, w = window_for(rate)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    outs = [tmp_path / f"stamps{i}" for i in range(3)]
    procs = [subprocess.Popen(
        [sys.executable, "-m", "etf_assets_tests.rate_window_worker", limiter_url,
         str(rate), str(count), str(i), str(out)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for i, out in enumerate(outs)]
    results = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [r[1][-2000:] for r in results]
    per_process = [[float(x) for x in out.read_text().split()] for out in outs]
    stamps = [s for ps in per_process for s in ps]
    assert all(len(ps) >= count // 2 for ps in per_process)  # ~26 each (1 in 8 released)
    assert max_in_window(stamps, w) <= n
    # The budget was used: some window is full (the rule binds, not a slow machine).
    assert max_in_window(stamps, w) == n


def test_window_starts_at_the_send_not_the_grant(limiter_url):
    """A grant held unsent for 0.4 s opens its window when it is sent: the stamp is
    the send's time, and the window's place stays taken until stamp + W."""
    lim = make(limiter_url, 1)  # N=1, W=1.1
    g = lim.acquire()
    time.sleep(0.4)
    before = time.time()
    stamp = lim.mark_sent(g)
    assert stamp >= before - 0.05  # Redis' clock, a few ms apart from ours at most
    assert lim.sends() == [stamp]
    assert lim._try()[0] == "w"  # the one place is taken by the send


def test_unsent_grant_released_frees_its_place(limiter_url):
    lim = make(limiter_url, 2)  # N=2
    a, b = lim.acquire(), lim.acquire()
    assert lim._try()[0] == "w"
    lim.release(a)  # its connection failed: never sent
    kind, _ = lim._try()
    assert kind == "g"
    lim.release(b)
    lim.release(b)  # twice: harmless
    assert lim.sends() == []


def test_release_after_send_keeps_the_send(limiter_url):
    lim = make(limiter_url, 1)
    g = lim.acquire()
    lim.mark_sent(g)
    lim.release(g)
    assert len(lim.sends()) == 1 and lim._try()[0] == "w"


def test_lease_expires_an_unsent_grant(limiter_url):
    """A process that took a grant and died frees its place after the lease."""
    lim = make(limiter_url, 1, lease_seconds=0.3)
    lim.acquire()  # never sent, never released
    assert lim._try()[0] == "w"
    time.sleep(0.35)
    assert lim._try()[0] == "g"


def test_late_stamp_of_an_expired_grant_still_counts(limiter_url):
    """A grant sent after its lease ran out is still a send SEC saw: recorded."""
    lim = make(limiter_url, 2, lease_seconds=0.2)
    g = lim.acquire()
    time.sleep(0.25)
    lim.mark_sent(g)
    assert len(lim.sends()) == 1


def test_a_second_send_of_one_grant_counts_twice(limiter_url):
    """A redirect sends a second request under one grant: two sends recorded."""
    lim = make(limiter_url, 5)
    g = lim.acquire()
    lim.mark_sent(g)
    lim.mark_sent(g)
    assert len(lim.sends()) == 2


def test_pause_is_shared(limiter_url):
    lim, other = make(limiter_url, 8), make(limiter_url, 8)
    until = lim.pause(0.4)
    assert other.paused_until() >= until - 0.1
    assert other._try()[0] == "p"
    t0 = time.monotonic()
    other.acquire()
    assert time.monotonic() - t0 >= 0.25


def test_old_spacing_state_file_keeps_its_pause(tmp_path):
    """The spacing limiter's 16-byte file (next slot, paused-until) is read as a pause:
    an upgrade during a 10-minute pause does not resume early; NaN means no pause."""
    import struct

    path = tmp_path / "s"
    path.write_bytes(struct.pack("<dd", 0.0, time.time() + 100))
    assert FileRateLimiter(path, 8)._try()[0] == "p"
    path.write_bytes(struct.pack("<dd", float("nan"), float("nan")))
    assert FileRateLimiter(path, 8)._try()[0] == "g"
