"""A request budget shared by every process that talks to SEC.

SEC allows 10 requests/s per client, summed over everything we run. Dagster executes
steps and runs in separate processes, so the in-process limiter edgartools ships
cannot see the other processes. Both limiters here keep the state outside the process:

* `FileRateLimiter`: a few bytes in a file guarded by `fcntl.flock` (one machine).
* `RedisRateLimiter`: the same algorithm as a Lua script on Redis (several machines).

The algorithm is GCRA-style spacing: each request reserves the next free slot, slots
are 1/rate apart. Unlike a windowed bucket (pyrate-limiter's), it never sends a burst,
so a sliding one-second window on SEC's side sees at most ceil(rate) requests even
when arrival times jitter by a few milliseconds; the fake EDGAR's sliding-window
count verifies this in the test suite.

Both limiters also hold the shared *pause*: after a 429 (or SEC's "Request Rate
Threshold Exceeded" 403) every process stops sending until the pause ends.
"""

from __future__ import annotations

import fcntl
import logging
import math
import os
import struct
import time
from pathlib import Path
from typing import Protocol

from etf_assets import stopping
from etf_assets.settings import writable_problem

log = logging.getLogger(__name__)

_STATE = struct.Struct("<dd")  # next free slot, paused-until (unix seconds)


class RateLimiter(Protocol):
    rate: float

    def acquire(self) -> float:
        """Block until this process may send one request; return seconds waited."""

    def pause(self, seconds: float) -> float:
        """Stop all traffic (every process) for `seconds`; return the resume time."""

    def paused_until(self) -> float:
        """Unix time until which traffic is paused (0 when not paused)."""


class _SpacingLimiter:
    """The wait loop both limiters share; subclasses reserve a slot atomically."""

    rate: float

    def paused_until(self) -> float:
        raise NotImplementedError

    def _reserve(self) -> tuple[bool, float]:
        """Atomically: (True, seconds left) while paused, else (False, wait for my slot)."""
        raise NotImplementedError

    def acquire(self) -> float:
        waited = 0.0
        announced = False
        while True:
            paused, wait = self._reserve()
            if paused:
                if not announced:
                    log.warning("SEC traffic paused for another %.0f s (rate limit)", wait)
                    announced = True
                # Sleep in short steps so a pause shortened by another process is seen.
                step = min(wait, 1.0)
                stopping.check()  # a 10-minute pause does not hold up a stop
                time.sleep(step)
                waited += step
                continue
            if wait > 0:
                time.sleep(wait)
                waited += wait
                if self.paused_until() > time.time():
                    continue  # a pause began while we waited for our slot: honour it
            return waited


class FileRateLimiter(_SpacingLimiter):
    """Machine-wide limiter: state in a small file, critical section under flock."""

    def __init__(self, path: str | os.PathLike[str], rate: float) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.path = Path(path)
        self.rate = rate
        self.interval = 1.0 / rate
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def _locked(self):
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            if os.fstat(fd).st_uid == os.getuid():
                # The default file is one per machine: other users' processes share it.
                os.fchmod(fd, 0o666)
        except OSError:
            pass
        fcntl.flock(fd, fcntl.LOCK_EX)
        return fd

    @staticmethod
    def _read(fd: int) -> tuple[float, float]:
        raw = os.pread(fd, _STATE.size, 0)
        if len(raw) != _STATE.size:
            return 0.0, 0.0
        next_slot, paused = _STATE.unpack(raw)
        # A NaN written by an older version (SEC_REQUESTS_PER_SECOND=nan) would disable
        # every comparison, and so the limiter: start afresh instead.
        return (next_slot if math.isfinite(next_slot) else 0.0,
                paused if math.isfinite(paused) else 0.0)

    @staticmethod
    def _release(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

    def _reserve(self) -> tuple[bool, float]:
        fd = self._locked()
        try:
            next_slot, paused = self._read(fd)
            now = time.time()
            if paused > now:
                return True, paused - now
            slot = max(now, next_slot)
            os.pwrite(fd, _STATE.pack(slot + self.interval, paused), 0)
            return False, slot - now
        finally:
            self._release(fd)

    def pause(self, seconds: float) -> float:
        fd = self._locked()
        try:
            next_slot, paused = self._read(fd)
            until = max(paused, time.time() + seconds)
            os.pwrite(fd, _STATE.pack(next_slot, until), 0)
            return until
        finally:
            self._release(fd)

    def paused_until(self) -> float:
        fd = self._locked()
        try:
            return self._read(fd)[1]
        finally:
            self._release(fd)


_ACQUIRE_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
if paused > now then return {'p', tostring(paused - now)} end
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(now, nxt)
redis.call('SET', KEYS[1], tostring(slot + tonumber(ARGV[1])), 'EX', 3600)
return {'s', tostring(slot - now)}
"""

_PAUSE_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local paused = tonumber(redis.call('GET', KEYS[1]) or '0')
local untl = math.max(paused, now + tonumber(ARGV[1]))
redis.call('SET', KEYS[1], tostring(untl), 'EX', math.ceil(tonumber(ARGV[1])) + 60)
return {tostring(untl - now), tostring(t[1] + t[2] / 1000000)}
"""


class RedisRateLimiter(_SpacingLimiter):
    """Limiter for several machines: same spacing algorithm, Redis' clock, atomic Lua."""

    def __init__(self, url: str, rate: float, namespace: str = "etf-pipeline:sec") -> None:
        import redis  # imported here: only needed when configured

        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.interval = 1.0 / rate
        self._redis = redis.Redis.from_url(url)
        self._keys = [f"{namespace}:next", f"{namespace}:paused"]
        self._acquire = self._redis.register_script(_ACQUIRE_LUA)
        self._pause = self._redis.register_script(_PAUSE_LUA)

    def _reserve(self) -> tuple[bool, float]:
        kind, value = self._acquire(keys=self._keys, args=[self.interval])
        return kind == b"p", float(value)

    def pause(self, seconds: float) -> float:
        remaining, _ = self._pause(keys=self._keys[1:], args=[seconds])
        return time.time() + float(remaining)

    def paused_until(self) -> float:
        raw = self._redis.get(self._keys[1])
        return float(raw) if raw else 0.0


def check_rate_limit_url(url: str) -> str | None:
    """Why the budget's location cannot be used (None: it can), without writing to it."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        import redis

        try:
            redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3).ping()
        except Exception as exc:  # noqa: BLE001 - any reason: bad URL, refused, auth
            return f"cannot reach Redis ({type(exc).__name__}: {str(exc).splitlines()[0][:160]})"
        return None
    return writable_problem(Path(url.removeprefix("file://")))


def make_rate_limiter(url: str, rate: float) -> RateLimiter:
    """`redis://...` -> RedisRateLimiter; anything else is a state-file path."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisRateLimiter(url, rate)
    return FileRateLimiter(url.removeprefix("file://"), rate)
