"""Alert subscriptions: who hears about what, from a TOML file (pure).

```toml
[[subscription]]
name = "etf-desk"                      # unique; part of each delivery's key
channel = "email"                      # email | slack | webhook
to = ["desk@example.com"]              # email
# url = "https://hooks.slack.com/services/..."   # slack (incoming webhook) / webhook
# secret_env = "ETF_WEBHOOK_SECRET"    # webhook: the HMAC-SHA256 key, from this variable
trusts = ["0001100663"]                # any of these trusts (CIK) ...
tickers = ["IVV"]                      # ... or of these tickers (empty both: every fund)
forms = ["485APOS", "485BPOS"]         # new_filing events of these forms only
kinds = ["new_filing", "effective_soon", "launched", "closed", "fee_change",
         "load_failed", "coverage_lag"]  # empty: every kind
digest = false                         # true: one message a day with the day's events
```
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass

KINDS = ("new_filing", "effective_soon", "launched", "closed", "fee_change", "load_failed",
         "coverage_lag")
CHANNELS = ("email", "slack", "webhook")


class SubscriptionError(ValueError):
    pass


@dataclass(frozen=True)
class Subscription:
    name: str
    channel: str
    to: tuple[str, ...] = ()
    url: str | None = None
    secret_env: str | None = None
    trusts: frozenset[str] = frozenset()
    tickers: frozenset[str] = frozenset()
    forms: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()
    digest: bool = False  # one message a day with the day's events, not one each

    def secret(self) -> bytes:
        value = os.environ.get(self.secret_env or "", "")
        if not value:
            raise SubscriptionError(f"{self.name}: {self.secret_env} is not set")
        return value.encode()

    def matches(self, kind: str, cik: str | None, tickers: frozenset[str],
                form: str | None) -> bool:
        if self.kinds and kind not in self.kinds:
            return False
        if self.trusts or self.tickers:
            if not (cik in self.trusts or tickers & self.tickers):
                return False
        if self.forms and kind == "new_filing" and form not in self.forms:
            return False
        return True


def _strings(entry: dict, key: str, name: str) -> tuple[str, ...]:
    value = entry.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise SubscriptionError(f"subscription {name!r}: {key} must be a list of strings")
    return tuple(v.strip() for v in value if v.strip())


def _flag(entry: dict, key: str, name: str) -> bool:
    value = entry.get(key, False)
    if not isinstance(value, bool):
        raise SubscriptionError(f"subscription {name!r}: {key} must be true or false")
    return value


def load_subscriptions(data: bytes | str) -> list[Subscription]:
    text = data.decode() if isinstance(data, bytes) else data
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SubscriptionError(f"not TOML: {exc}") from None
    out: list[Subscription] = []
    for i, entry in enumerate(doc.get("subscription", []), 1):
        name = str(entry.get("name") or f"subscription-{i}")
        channel = entry.get("channel")
        if channel not in CHANNELS:
            raise SubscriptionError(f"subscription {name!r}: channel must be one of "
                                    f"{', '.join(CHANNELS)}")
        kinds = _strings(entry, "kinds", name)
        bad = [k for k in kinds if k not in KINDS]
        if bad:
            raise SubscriptionError(f"subscription {name!r}: unknown kind(s) {bad}; "
                                    f"known: {', '.join(KINDS)}")
        to = _strings(entry, "to", name)
        url = entry.get("url")
        if channel == "email" and not to:
            raise SubscriptionError(f"subscription {name!r}: email needs `to`")
        if channel != "email" and not (isinstance(url, str)
                                       and url.startswith(("http://", "https://"))):
            raise SubscriptionError(f"subscription {name!r}: {channel} needs an http(s) `url`")
        secret_env = entry.get("secret_env")
        if channel == "webhook" and not secret_env:
            raise SubscriptionError(f"subscription {name!r}: webhook needs `secret_env` "
                                    "(the variable holding its HMAC key)")
        trusts = _strings(entry, "trusts", name)
        if not all(c.isdigit() for c in trusts):
            raise SubscriptionError(f"subscription {name!r}: trusts are CIKs (digits)")
        out.append(Subscription(
            name=name, channel=channel, to=to, url=url, secret_env=secret_env,
            trusts=frozenset(f"{int(c):010d}" for c in trusts),
            tickers=frozenset(t.upper() for t in _strings(entry, "tickers", name)),
            forms=frozenset(_strings(entry, "forms", name)), kinds=frozenset(kinds),
            digest=_flag(entry, "digest", name)))
    names = [s.name for s in out]
    if len(set(names)) != len(names):
        raise SubscriptionError("subscription names must be unique")
    return out
