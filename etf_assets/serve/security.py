"""Who may call the API (seed 002, 9.1): API keys, loopback-only without keys, and a
per-key rate limit.

The rate limit is an in-process token bucket per key (per client address when no keys
are configured): each `serve` process counts its own requests, so N processes behind a
balancer allow N times the rate. Enough for one host; a shared limit (Redis) would be
the next step for a fleet.
"""

from __future__ import annotations

import hmac
import ipaddress
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def key_matches(given: str | None, keys: frozenset[str]) -> str | None:
    """The configured key `given` equals (compared in constant time), else None."""
    if not given:
        return None
    for k in keys:
        if hmac.compare_digest(given.encode(), k.encode()):
            return k
    return None


@dataclass
class TokenBucket:
    """`rate_per_minute` tokens a minute, at most that many saved up (the burst)."""

    rate_per_minute: int
    clock: Callable[[], float] = time.monotonic
    _state: dict[str, tuple[float, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, who: str) -> float:
        """0 when `who` may go ahead (a token is spent), else the seconds to wait."""
        now = self.clock()
        cap = float(self.rate_per_minute)
        per_second = cap / 60.0
        with self._lock:
            tokens, last = self._state.get(who, (cap, now))
            tokens = min(cap, tokens + (now - last) * per_second)
            if tokens >= 1:
                self._state[who] = (tokens - 1, now)
                return 0.0
            self._state[who] = (tokens, now)
            if len(self._state) > 100_000:  # bounded memory under address churn
                self._state.clear()
            return (1 - tokens) / per_second
