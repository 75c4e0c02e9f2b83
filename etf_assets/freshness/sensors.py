"""Sensors that keep every trust partition fresh without anyone pressing a button.

* `sec_filings_sensor` (every 30 s): new ETF trusts -> partitions; EDGAR's daily form
  index, one request per new business day for all filers, and every 5 minutes its
  current-filings feed (filings accepted today) -> `sec_latest_filing`; then
  runs of `refresh_trusts` for exactly the stale (trust, form group) pairs, batched
  (etf_assets/freshness/runs.py) and never more than the run queue can take.
* `gap_repair_sensor` (every 10 min): a few trusts per tick, round-robin, through their
  submissions JSON, to catch anything the daily indexes could have missed (an outage, a
  holiday index published late); it records what it saw and asks for the stale ones.

Both decide staleness with the one rule in etf_assets/freshness/stale.py.
"""

import json
import logging
import time
from dataclasses import dataclass, field
from datetime import date

from dagster import (
    AddDynamicPartitionsRequest,
    DagsterInstance,
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    sensor,
)
from sqlalchemy import Engine

from etf_assets.edgar.client import SecClient, SecHttpError
from etf_assets.edgar.resource import SecClientResource
from etf_assets.freshness import observe
from etf_assets.freshness.dead_runs import reap_dead_runs
from etf_assets.freshness.observe import observe_submissions, read_current_feed, read_index_days
from etf_assets.freshness.runs import plan_batches, requests_within_capacity
from etf_assets.freshness.stale import read_states, stale_groups
from etf_assets.jobs import refresh_trusts_job
from etf_assets.partitions import CIK_PARTITIONS_NAME
from etf_assets.warehouse.engine import WarehouseResource
from etf_assets.warehouse.freshness import read_latest
from etf_assets.warehouse.universe import etf_ciks

FRESHNESS_INTERVAL_SECONDS = 30
GAP_REPAIR_INTERVAL_SECONDS = 600
MAX_INDEX_DAYS_PER_TICK = 10
GAP_REPAIR_PER_TICK = 5

log = logging.getLogger(__name__)


@dataclass
class FreshnessTick:
    run_requests: list[RunRequest] = field(default_factory=list)
    new_partitions: list[str] = field(default_factory=list)
    cursor: dict = field(default_factory=dict)
    index_days_read: list[str] = field(default_factory=list)
    feed_accessions: list[str] = field(default_factory=list)  # current-filings feed
    stale_trusts: int = 0
    busy_trusts: int = 0
    held_back_runs: int = 0


def plan_runs(instance: DagsterInstance, engine: Engine, order: list[str],
              ciks: list[str] | None = None, now: float | None = None
              ) -> tuple[list[RunRequest], dict[str, int]]:
    """Run requests for the stale trusts among `ciks` (default: every partition), within
    the run queue's capacity."""
    ciks = order if ciks is None else ciks
    for run_id, reason in reap_dead_runs(instance, now):  # their trusts: eligible again
        log.warning("run %s marked failed: %s", run_id, reason)
    states = read_states(instance, ciks, now)
    with engine.connect() as conn:
        latest = read_latest(conn, ciks)
    stale, busy = {}, 0
    for cik in ciks:
        groups = stale_groups(states[cik], latest.get(cik))
        if groups and states[cik].busy:
            busy += 1
        elif groups:
            stale[cik] = groups
    requests, held_back = requests_within_capacity(instance, plan_batches(stale, order))
    return requests, {"stale": len(stale), "busy": busy, "held_back": held_back}


def evaluate_freshness(instance: DagsterInstance, client: SecClient, engine: Engine,
                       cursor: dict, today: date, now: float | None = None,
                       current_feed: bool = False) -> FreshnessTick:
    """The sensor's logic, callable with an explicit `today` (tests, backfills);
    `current_feed`: also poll EDGAR's current-filings feed when due (the sensor does)."""
    now = time.time() if now is None else now
    tick = FreshnessTick(cursor=dict(cursor))
    order = list(instance.get_dynamic_partitions(CIK_PARTITIONS_NAME))
    known = set(order)
    with engine.connect() as conn:
        tick.new_partitions = [c for c in etf_ciks(conn) if c not in known]
    order += tick.new_partitions  # Dagster adds them before it launches the runs
    tick.index_days_read = read_index_days(client, engine, order, tick.cursor, today, now,
                                           MAX_INDEX_DAYS_PER_TICK)
    if current_feed and order:
        tick.feed_accessions = read_current_feed(client, engine, order, tick.cursor, now)
    tick.run_requests, counts = plan_runs(instance, engine, order, now=now)
    tick.stale_trusts, tick.busy_trusts, tick.held_back_runs = (
        counts["stale"], counts["busy"], counts["held_back"])
    return tick


@sensor(job=refresh_trusts_job, minimum_interval_seconds=FRESHNESS_INTERVAL_SECONDS,
        default_status=DefaultSensorStatus.RUNNING)
def sec_filings_sensor(context: SensorEvaluationContext, sec: SecClientResource,
                       warehouse: WarehouseResource) -> SensorResult:
    """New trusts, first loads, and new filings from EDGAR's daily form index and its
    current-filings feed (every 5 minutes): runs of refresh_trusts for the stale trusts
    only, a few trusts per run."""
    cursor = json.loads(context.cursor) if context.cursor else {}
    client = sec.get_client()
    if _paused(client, context):
        return SensorResult(cursor=context.cursor)
    tick = evaluate_freshness(context.instance, client, warehouse.get_engine(),
                              cursor, observe.edgar_today(), current_feed=True)
    context.log.info(
        "index days read: %s; current feed: %d of our filings; %d stale trusts (%d more "
        "busy); %d runs requested, %d held back for the queue; %d new partitions",
        tick.index_days_read, len(tick.feed_accessions), tick.stale_trusts,
        tick.busy_trusts, len(tick.run_requests), tick.held_back_runs,
        len(tick.new_partitions))
    return SensorResult(
        run_requests=tick.run_requests,
        dynamic_partitions_requests=[AddDynamicPartitionsRequest(
            CIK_PARTITIONS_NAME, tick.new_partitions)] if tick.new_partitions else [],
        cursor=json.dumps(tick.cursor),
    )


def _paused(client: SecClient, context: SensorEvaluationContext) -> bool:
    """During SEC's rate-limit pause a tick would only sleep past its own timeout."""
    until = client.limiter.paused_until()
    if until > time.time():
        context.log.info("SEC traffic paused for %.0f s more: skipping this tick",
                         until - time.time())
        return True
    return False


def evaluate_gap_repair(instance: DagsterInstance, client: SecClient, engine: Engine,
                        position: int, per_tick: int = GAP_REPAIR_PER_TICK,
                        now: float | None = None) -> tuple[list[RunRequest], int]:
    order = list(instance.get_dynamic_partitions(CIK_PARTITIONS_NAME))
    partitions = sorted(order)
    if not partitions:
        return [], 0
    start = position % len(partitions)
    batch = (partitions + partitions)[start:start + min(per_tick, len(partitions))]
    states = read_states(instance, batch, now)
    for cik in batch:
        if states[cik].never_loaded:
            continue  # stale anyway: sec_filings_sensor asks for its first load
        try:
            observe_submissions(client, engine, cik)
        except SecHttpError:
            continue
    requests, _ = plan_runs(instance, engine, order, batch, now)
    return requests, (start + len(batch)) % len(partitions)


@sensor(job=refresh_trusts_job, minimum_interval_seconds=GAP_REPAIR_INTERVAL_SECONDS,
        default_status=DefaultSensorStatus.RUNNING)
def gap_repair_sensor(context: SensorEvaluationContext, sec: SecClientResource,
                      warehouse: WarehouseResource) -> SensorResult:
    """Round-robin over trusts, a few per tick, by submissions JSON (one request each)."""
    position = int(context.cursor or 0)
    client = sec.get_client()
    if _paused(client, context):
        return SensorResult(cursor=context.cursor)
    requests, position = evaluate_gap_repair(context.instance, client,
                                             warehouse.get_engine(), position)
    return SensorResult(run_requests=requests, cursor=str(position))
