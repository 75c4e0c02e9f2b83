"""A request budget shared by every process that talks to SEC.

SEC allows 10 requests/s per client, summed over everything we run. Dagster executes
steps and runs in separate processes, so the in-process limiter edgartools ships
cannot see the other processes. Both limiters here keep the state outside the process:

* `FileRateLimiter`: a small JSON state file guarded by `fcntl.flock` (one machine).
* `RedisRateLimiter`: the same algorithm as one Lua script on Redis (several machines).

The algorithm is a sliding window over *sends*: at most N = floor(rate) requests in any
window of W = max(1.1 s, N / rate). Spacing requests 1/rate apart (the algorithm before)
let N + 1 requests land within one second at SEC as soon as arrival times jittered by a
few milliseconds (seen: 10 in a second from three processes at 8/s). Here the rule is
checked against the moment a request is really sent, and W keeps 0.1 s of margin for the
jitter between our send and SEC's arrival.

A request takes a *grant* (`acquire`); the client stamps it when httpcore reports the
request headers written (`sent`), and releases it if it was never sent (`release`). An
unsent grant holds its place (it may be sent any moment) but a grant waiting in a queue
does not start its window early: its window starts at the stamp. An unsent grant whose
process died is dropped after its lease (60 s).

Both limiters also hold the shared *pause*: after a 429 (or SEC's "Request Rate
Threshold Exceeded" 403) every process stops sending until the pause ends.
"""

from __future__ import annotations

import fcntl
import json
import logging
import math
import os
import struct
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from etf_assets import stopping
from etf_assets.settings import writable_problem

log = logging.getLogger(__name__)

MARGIN_SECONDS = 0.1  # SEC counts arrivals; ours is the send: jitter between the two
LEASE_SECONDS = 60.0  # an unsent grant older than this belongs to a dead process
_POLL_SECONDS = 0.05  # every slot held by unsent grants: they are sent or released soon
_OLD_STATE = struct.Struct("<dd")  # the spacing limiter's file: next slot, paused-until


def window_for(rate: float) -> tuple[int, float]:
    """(N, W): at most N sends in any W seconds, for a budget of `rate` requests/s."""
    if not (rate > 0 and math.isfinite(rate)):
        raise ValueError("rate must be positive")
    n = max(1, math.floor(rate))
    return n, max(1.0 + MARGIN_SECONDS, n / rate)


@dataclass
class Grant:
    """One request's place in the window (`id` unique within the limiter's state)."""

    id: int
    waited: float = 0.0
    sent: bool = False


class RateLimiter(Protocol):
    rate: float

    def acquire(self) -> Grant:
        """Block until this process may send one request; the grant holds its place."""

    def mark_sent(self, grant: Grant) -> float:
        """The request went out now: its window starts here (returns the stamp)."""

    def release(self, grant: Grant) -> None:
        """The request was not sent (or is done): free an unsent grant's place."""

    def pause(self, seconds: float) -> float:
        """Stop all traffic (every process) for `seconds`; return the resume time."""

    def paused_until(self) -> float:
        """Unix time until which traffic is paused (0 when not paused)."""


# -- the rule, on a plain state (the file backend; the Lua script mirrors it) ---------
def _live(grants: dict[str, list[float]], now: float, w: float, lease: float) -> dict:
    """Grants still holding a place: sent within the last W, or unsent within the lease."""
    return {k: (g, s) for k, (g, s) in grants.items()
            if (s > 0 and s + w > now) or (s == 0 and g + lease > now)}


def _wait_for_place(grants: dict, now: float, w: float) -> float:
    """Seconds until a full window may have a place: the oldest send leaves it."""
    sent = [s for _, s in grants.values() if s > 0]
    return max(0.0, min(sent) + w - now) if sent else _POLL_SECONDS


class _WindowLimiter:
    """The wait loop both limiters share; subclasses run the atomic steps."""

    rate: float

    def __init__(self, rate: float, lease_seconds: float) -> None:
        self.n, self.window = window_for(rate)
        self.rate = rate
        self.lease = lease_seconds

    def paused_until(self) -> float:
        raise NotImplementedError

    def _try(self) -> tuple[str, float]:
        """Atomically: ('p', seconds left) paused, ('w', seconds) full, ('g', id) granted."""
        raise NotImplementedError

    def _stamp(self, grant_id: int) -> float:
        raise NotImplementedError

    def _drop(self, grant_id: int) -> None:
        raise NotImplementedError

    def acquire(self) -> Grant:
        waited = 0.0
        announced = False
        while True:
            kind, value = self._try()
            if kind == "g":
                return Grant(int(value), waited)
            if kind == "p" and not announced:
                log.warning("SEC traffic paused for another %.0f s (rate limit)", value)
                announced = True
            # Short steps: a pause shortened or a place freed by another process is seen,
            # and a 10-minute pause does not hold up a stop.
            step = min(value, 1.0)
            stopping.check()
            time.sleep(step)
            waited += step

    def mark_sent(self, grant: Grant) -> float:
        # A second stamp of one grant (a redirect sends again) is recorded as one more
        # send: it happened, whatever the window says.
        stamp = self._stamp(grant.id if not grant.sent else -1)
        grant.sent = True
        return stamp

    def release(self, grant: Grant) -> None:
        if not grant.sent:
            self._drop(grant.id)
            grant.sent = True  # nothing more to free


class FileRateLimiter(_WindowLimiter):
    """Machine-wide limiter: state in a small file, critical section under flock."""

    def __init__(self, path: str | os.PathLike[str], rate: float,
                 lease_seconds: float = LEASE_SECONDS) -> None:
        super().__init__(rate, lease_seconds)
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def _locked(self) -> int:
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
    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

    @staticmethod
    def _read(fd: int) -> dict[str, Any]:
        raw = os.pread(fd, 1 << 16, 0)
        state: dict[str, Any] = {"paused": 0.0, "seq": 0, "grants": {}}
        if len(raw) == _OLD_STATE.size and not raw.startswith(b"{"):
            # The spacing limiter's file (an older version running alongside, or its
            # leftover): keep its pause; its slot means nothing here.
            state["paused"] = _OLD_STATE.unpack(raw)[1]
        else:
            try:
                state.update(json.loads(raw))
            except (ValueError, TypeError):
                pass  # empty, or torn by a crash mid-write: start afresh
        # A NaN (SEC_REQUESTS_PER_SECOND=nan in an older version) would disable every
        # comparison, and so the limiter.
        paused = float(state.get("paused") or 0.0)
        state["paused"] = paused if math.isfinite(paused) else 0.0
        state["grants"] = {k: (float(g), float(s)) for k, (g, s) in state["grants"].items()
                           if math.isfinite(float(g)) and math.isfinite(float(s))}
        return state

    @staticmethod
    def _write(fd: int, state: dict[str, Any]) -> None:
        raw = json.dumps(state, separators=(",", ":")).encode()
        os.pwrite(fd, raw, 0)
        os.ftruncate(fd, len(raw))

    def _update(self, step):
        """Run `step(state, now)` under the lock, then write the state back."""
        fd = self._locked()
        try:
            state = self._read(fd)
            now = time.time()
            state["grants"] = _live(state["grants"], now, self.window, self.lease)
            out = step(state, now)
            self._write(fd, state)
            return out
        finally:
            self._unlock(fd)

    def _try(self) -> tuple[str, float]:
        def step(state, now):
            if state["paused"] > now:
                return "p", state["paused"] - now
            if len(state["grants"]) >= self.n:
                return "w", _wait_for_place(state["grants"], now, self.window)
            state["seq"] = int(state.get("seq", 0)) + 1
            state["grants"][str(state["seq"])] = (now, 0.0)
            return "g", float(state["seq"])

        return self._update(step)

    def _stamp(self, grant_id: int) -> float:
        def step(state, now):
            key = str(grant_id)
            if key not in state["grants"]:  # lease expired, or a second send: one more
                state["seq"] = int(state.get("seq", 0)) + 1
                key = str(state["seq"])
            state["grants"][key] = (now, now)
            return now

        return self._update(step)

    def _drop(self, grant_id: int) -> None:
        def step(state, now):
            g = state["grants"].get(str(grant_id))
            if g is not None and g[1] == 0:
                del state["grants"][str(grant_id)]

        self._update(step)

    def pause(self, seconds: float) -> float:
        def step(state, now):
            state["paused"] = max(state["paused"], now + seconds)
            return state["paused"]

        return self._update(step)

    def paused_until(self) -> float:
        fd = self._locked()
        try:
            return self._read(fd)["paused"]
        finally:
            self._unlock(fd)

    def sends(self) -> list[float]:
        """Send stamps still in the window (for tests and the benchmark)."""
        fd = self._locked()
        try:
            return sorted(s for _, s in self._read(fd)["grants"].values() if s > 0)
        finally:
            self._unlock(fd)


# One script, every step atomic on Redis' clock. KEYS: grants hash, sequence, paused.
# ARGV: op (acquire / sent / release), N, W, lease, grant id. A grant is "granted,sent"
# (sent 0 until stamped). Times print with 17 digits: Lua's tostring keeps only 14
# (0.1 ms on a Unix time), enough, but %.17g costs nothing.
_WINDOW_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local op, n, w, lease = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local all = redis.call('HGETALL', KEYS[1])
local live, oldest_send = 0, nil
for i = 1, #all, 2 do
  local g, s = string.match(all[i + 1], '([^,]+),([^,]+)')
  g, s = tonumber(g), tonumber(s)
  if (s > 0 and s + w > now) or (s == 0 and g + lease > now) then
    live = live + 1
    if s > 0 and (oldest_send == nil or s < oldest_send) then oldest_send = s end
  else
    redis.call('HDEL', KEYS[1], all[i])
  end
end
local ttl = math.ceil(lease + w) + 60
if op == 'acquire' then
  local paused = tonumber(redis.call('GET', KEYS[3]) or '0')
  if paused > now then return {'p', string.format('%.17g', paused - now)} end
  if live >= n then
    if oldest_send == nil then return {'w', ARGV[6]} end
    return {'w', string.format('%.17g', math.max(0, oldest_send + w - now))}
  end
  local id = redis.call('INCR', KEYS[2])
  redis.call('HSET', KEYS[1], id, string.format('%.17g,0', now))
  redis.call('EXPIRE', KEYS[1], ttl)
  return {'g', tostring(id)}
elseif op == 'sent' then
  local id = ARGV[5]
  local cur = redis.call('HGET', KEYS[1], id)
  if id == '-1' or not cur then id = redis.call('INCR', KEYS[2]) end
  redis.call('HSET', KEYS[1], id, string.format('%.17g,%.17g', now, now))
  redis.call('EXPIRE', KEYS[1], ttl)
  return {'s', string.format('%.17g', now)}
elseif op == 'release' then
  local cur = redis.call('HGET', KEYS[1], ARGV[5])
  if cur and string.match(cur, ',0$') then redis.call('HDEL', KEYS[1], ARGV[5]) end
  return {'r', '0'}
end
return redis.error_reply('unknown op ' .. op)
"""

_PAUSE_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local paused = tonumber(redis.call('GET', KEYS[1]) or '0')
local untl = math.max(paused, now + tonumber(ARGV[1]))
redis.call('SET', KEYS[1], string.format('%.17g', untl), 'EX', math.ceil(tonumber(ARGV[1])) + 60)
return {string.format('%.17g', untl - now), string.format('%.17g', now)}
"""


class RedisRateLimiter(_WindowLimiter):
    """Limiter for several machines: the same window, Redis' clock, atomic Lua."""

    def __init__(self, url: str, rate: float, namespace: str = "etf-pipeline:sec",
                 lease_seconds: float = LEASE_SECONDS) -> None:
        import redis  # imported here: only needed when configured

        super().__init__(rate, lease_seconds)
        self._redis = redis.Redis.from_url(url)
        self._keys = [f"{namespace}:grants", f"{namespace}:seq", f"{namespace}:paused"]
        self._script = self._redis.register_script(_WINDOW_LUA)
        self._pause = self._redis.register_script(_PAUSE_LUA)

    def _run(self, op: str, grant_id: int = 0) -> tuple[str, float]:
        kind, value = self._script(keys=self._keys, args=[
            op, self.n, repr(self.window), repr(self.lease), grant_id, _POLL_SECONDS])
        return kind.decode(), float(value)

    def _try(self) -> tuple[str, float]:
        return self._run("acquire")

    def _stamp(self, grant_id: int) -> float:
        return self._run("sent", grant_id)[1]

    def _drop(self, grant_id: int) -> None:
        self._run("release", grant_id)

    def pause(self, seconds: float) -> float:
        # Redis' own end of the pause (the clock paused_until() and every process read),
        # not time.time() + remaining: this process may be descheduled between the two.
        remaining, now = self._pause(keys=self._keys[2:], args=[seconds])
        return float(now) + float(remaining)

    def paused_until(self) -> float:
        raw = self._redis.get(self._keys[2])
        return float(raw) if raw else 0.0

    def sends(self) -> list[float]:
        """Send stamps still in the window (for tests)."""
        raw = self._redis.hgetall(self._keys[0])
        return sorted(float(v.split(b",")[1]) for v in raw.values()
                      if float(v.split(b",")[1]) > 0)


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
