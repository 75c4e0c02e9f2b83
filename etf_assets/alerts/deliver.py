"""Deliveries: recorded once per (event, subscription), claimed by one sender before
it sends, retried with backoff, failures kept.

Exactly once across several daemons or sensor evaluations: the row is inserted with
ON CONFLICT DO NOTHING (the first recorder wins), and a sender claims it with a
conditional UPDATE (status and attempt count unchanged since it read them) whose row
count says whether it won; only the winner sends. A sender that dies between its claim
and its result leaves a `sending` row, taken again after CLAIM_TIMEOUT (then at least
once: SMTP and HTTP cannot be made atomic with a database write).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine, and_, or_, select, update

from etf_assets.alerts.events import AlertEvent
from etf_assets.alerts.subscriptions import Subscription
from etf_assets.warehouse.load import insert_new, upsert
from etf_assets.warehouse.tables import alert_delivery

MAX_ATTEMPTS = 5
BACKOFF_BASE = timedelta(seconds=30)  # 30 s, 1 min, 2 min, 4 min, then failed
BACKOFF_MAX = timedelta(hours=1)
CLAIM_TIMEOUT = timedelta(minutes=10)
MAX_SENDS_PER_TICK = 50  # a tick stays well within Dagster's sensor time limit


def backoff(attempts: int) -> timedelta:
    return min(BACKOFF_MAX, BACKOFF_BASE * (2 ** max(0, attempts - 1)))


def record(engine: Engine, events: Sequence[AlertEvent], subs: Sequence[Subscription],
           now: datetime, *, enabled: bool = True) -> int:
    """A delivery row for each (event, matching subscription) not recorded yet; with
    alerts off they are recorded `off` (never sent, and not sent later either)."""
    rows = [{"event_key": e.key[:160], "subscription": s.name, "kind": e.kind,
             "channel": s.channel,
             "status": "off" if not enabled else "digest" if s.digest else "pending",
             "attempts": 0, "next_attempt_at": now, "title": e.title,
             "payload": e.payload(), "created_at": now}
            for e in events for s in subs if s.matches(e.kind, e.cik, e.tickers, e.form)]
    if rows:
        with engine.begin() as conn:
            upsert(conn, alert_delivery, rows, update_columns=())
    return len(rows)


@dataclass
class SendResult:
    sent: list[str] = field(default_factory=list)
    retried: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


Sender = Callable[[Subscription, dict, str], None]  # (subscription, payload, delivery id)


def send_due(engine: Engine, subs: Sequence[Subscription], now: datetime, sender: Sender,
             limit: int = MAX_SENDS_PER_TICK) -> SendResult:
    by_name = {s.name: s for s in subs}
    d = alert_delivery.c
    result = SendResult()
    with engine.connect() as conn:
        due = conn.execute(select(d.event_key, d.subscription, d.status, d.attempts, d.payload)
                           .where(or_(and_(d.status == "pending", d.next_attempt_at <= now),
                                      and_(d.status == "sending",
                                           d.claimed_at < now - CLAIM_TIMEOUT)))
                           .order_by(d.created_at, d.event_key).limit(limit)).all()
    token = uuid.uuid4().hex
    for row in due:
        sub = by_name.get(row.subscription)
        if sub is None:
            continue  # a subscription removed from the file: left as it is
        where = and_(d.event_key == row.event_key, d.subscription == row.subscription,
                     d.status == row.status, d.attempts == row.attempts)
        with engine.begin() as conn:
            won = conn.execute(update(alert_delivery).where(where).values(
                status="sending", claimed_by=token, claimed_at=now)).rowcount == 1
        if not won:
            continue  # another sender has it
        delivery_id = f"{row.event_key}/{row.subscription}"
        error = None
        try:
            sender(sub, row.payload, delivery_id)
        except Exception as exc:  # noqa: BLE001 - any failure is recorded and retried
            error = f"{type(exc).__name__}: {exc}"[:500]
        attempts = row.attempts + 1
        mine = and_(d.event_key == row.event_key, d.subscription == row.subscription,
                    d.claimed_by == token)
        if error is None:
            values = {"status": "sent", "attempts": attempts, "sent_at": now,
                      "last_error": None}
            result.sent.append(delivery_id)
        elif attempts >= MAX_ATTEMPTS:
            values = {"status": "failed", "attempts": attempts, "last_error": error}
            result.failed.append(delivery_id)
        else:
            values = {"status": "pending", "attempts": attempts, "last_error": error,
                      "next_attempt_at": now + backoff(attempts)}
            result.retried.append(delivery_id)
        with engine.begin() as conn:
            conn.execute(update(alert_delivery).where(mine).values(**values))
    return result


def roll_digests(engine: Engine, subs: Sequence[Subscription], now: datetime) -> list[str]:
    """Each digest subscription's events waiting since its last digest become one
    delivery `digest:<day>` (at most one a day; sent like any other). The digest row is
    inserted first: of two daemons, the one that inserts it takes the events."""
    d = alert_delivery.c
    day = now.date().isoformat()
    made = []
    for sub in (s for s in subs if s.digest):
        with engine.connect() as conn:
            waiting = conn.execute(select(d.event_key).where(
                d.subscription == sub.name, d.status == "digest").limit(1)).first()
        if waiting is None:
            continue
        key = f"digest:{day}"
        with engine.begin() as conn:
            if not insert_new(conn, alert_delivery, {
                    "event_key": key, "subscription": sub.name, "kind": "digest",
                    "channel": sub.channel, "status": "pending", "attempts": 0,
                    "next_attempt_at": now, "title": "", "payload": {}, "created_at": now}):
                continue  # today's digest exists: these events wait for tomorrow's
            rows = conn.execute(select(d.event_key, d.title, d.payload).where(
                d.subscription == sub.name, d.status == "digest")
                .order_by(d.created_at, d.event_key)).all()
            title = f"{len(rows)} ETF alert(s) of {day}"
            conn.execute(update(alert_delivery).where(
                d.event_key == key, d.subscription == sub.name).values(
                title=title, payload={"key": key, "kind": "digest", "title": title,
                                      "cik": None, "tickers": [], "form": None,
                                      "facts": {"events": [r.title for r in rows]},
                                      "events": [r.payload for r in rows]}))
            conn.execute(update(alert_delivery).where(
                d.subscription == sub.name, d.status == "digest",
                d.event_key.in_([r.event_key for r in rows])).values(
                status="digested", sent_at=now))
        made.append(f"{key}/{sub.name}")
    return made
