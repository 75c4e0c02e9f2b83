"""`alerts_sensor`: Dagster's own means instead of a second scheduler. Every minute it
reads what the loads recorded (the warehouse tables their materializations wrote, and
Dagster's run records for failed loads), records a delivery per (event, subscription)
and sends the due ones. It never requests a run and never raises: a broken receiver or
subscription shows in `alert_delivery` and in the tick's log, never in a load.
`ETF_ALERTS=off` records new deliveries as `off` and sends nothing."""

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Optional

from dagster import DagsterInstance, DefaultSensorStatus, SensorEvaluationContext, SkipReason, sensor
from sqlalchemy import Engine

from etf_assets import clock
from etf_assets import settings
from etf_assets.alerts.channels import send
from etf_assets.alerts.deliver import SendResult, Sender, record, roll_digests, send_due
from etf_assets.alerts.events import coverage_lag_events, failed_load_events, warehouse_events
from etf_assets.alerts.subscriptions import Subscription, load_subscriptions
from etf_assets.freshness import observe
from etf_assets.warehouse.engine import WarehouseResource

ALERTS_INTERVAL_SECONDS = 60
# Facts are read again this far back: a load that set its timestamps before a tick and
# committed after it is still seen (event keys make the overlap harmless).
OVERLAP = timedelta(minutes=15)


@dataclass
class AlertTick:
    cursor: dict
    events: int = 0
    recorded: int = 0
    result: SendResult = field(default_factory=SendResult)

    def summary(self) -> str:
        r = self.result
        return (f"{self.events} events, {self.recorded} deliveries matched; sent "
                f"{len(r.sent)}, retrying {len(r.retried)}, failed {len(r.failed)}")


def evaluate_alerts(instance: Optional[DagsterInstance], engine: Engine,
                    subs: list[Subscription], cursor: dict, now: datetime, today: date,
                    sender: Sender, *, enabled: bool = True,
                    max_lag_days: int = settings.DEFAULT_COVERAGE_MAX_LAG_DAYS) -> AlertTick:
    """One evaluation. `cursor["since"]`: facts recorded after it are news (a first
    evaluation starts now: no history replayed)."""
    since = datetime.fromisoformat(cursor["since"]) if cursor.get("since") else now
    with engine.connect() as conn:
        events = warehouse_events(conn, since, today) + coverage_lag_events(conn, max_lag_days)
    next_cursor = {"since": (max(since, now - OVERLAP)).isoformat()}
    if instance is not None:
        # Run records carry Dagster's clock: their own watermark (first tick: from now).
        runs_since = (datetime.fromisoformat(cursor["runs_since"]) if cursor.get("runs_since")
                      else datetime.now(timezone.utc).replace(tzinfo=None))
        failed, newest = failed_load_events(instance, runs_since)
        events += failed
        next_cursor["runs_since"] = max(runs_since, newest - OVERLAP).isoformat()
    tick = AlertTick(next_cursor, len(events))
    tick.recorded = record(engine, events, subs, now, enabled=enabled)
    if enabled:
        roll_digests(engine, subs, now)
        tick.result = send_due(engine, subs, now, sender)
    return tick


def default_sender() -> Sender:
    smtp, sender_address = settings.smtp_url(), settings.alerts_from()
    return lambda sub, payload, delivery_id: send(sub, payload, smtp_url=smtp,
                                                  sender=sender_address,
                                                  delivery_id=delivery_id)


@sensor(minimum_interval_seconds=ALERTS_INTERVAL_SECONDS,
        default_status=DefaultSensorStatus.RUNNING)
def alerts_sensor(context: SensorEvaluationContext, warehouse: WarehouseResource):
    """Events from the loads -> subscriptions (ETF_ALERTS_FILE) -> e-mail, Slack,
    signed webhooks; each delivery once (table alert_delivery)."""
    try:
        path = settings.alerts_file()
        if path is None:
            return SkipReason("no subscriptions (ETF_ALERTS_FILE, or alerts.toml in "
                              "ETF_DATA_DIR)")
        subs = load_subscriptions(path.read_bytes())
        cursor = json.loads(context.cursor) if context.cursor else {}
        now = clock.utcnow()  # the loaders' clock: facts stamped after the watermark are news
        tick = evaluate_alerts(context.instance, warehouse.get_engine(), subs, cursor, now,
                               observe.edgar_today(), default_sender(),
                               enabled=settings.alerts_enabled(),
                               max_lag_days=settings.coverage_max_lag_days())
    except Exception as exc:  # noqa: BLE001 - alerts never fail anything else
        context.log.error("alerts: %s: %s", type(exc).__name__, exc)
        return SkipReason(f"alerts failed: {type(exc).__name__}: {exc}"[:500])
    context.update_cursor(json.dumps(tick.cursor))
    context.log.info("alerts: %s", tick.summary())
    return SkipReason(tick.summary())


