"""Sensors that keep every trust partition fresh without anyone pressing a button.

* `sec_filings_sensor`: new ETF trusts -> partitions; never-loaded trusts -> a run of
  everything; then one daily form index per new business day (all filers, one request)
  -> runs for exactly the stale (trust, form) pairs.
* `gap_repair_sensor`: a few trusts per tick, round-robin, through their submissions
  JSON, to catch anything the daily indexes could have missed (an outage, a holiday
  index published late).
"""

import json
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from dagster import (
    AddDynamicPartitionsRequest,
    AssetSelection,
    DagsterInstance,
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SensorResult,
    sensor,
)
from sqlalchemy import Engine

from etf_assets.edgar.client import SecClient, SecHttpError, SecNotFound
from etf_assets.edgar.resource import SecClientResource
from etf_assets.edgar.submissions import parse_submissions
from etf_assets.freshness.index import business_days, parse_form_index
from etf_assets.freshness.stale import (
    ALL_GROUPS,
    assets_for,
    read_states,
    stale_from_index,
    stale_groups_from_submissions,
)
from etf_assets.partitions import CIK_PARTITIONS_NAME
from etf_assets.warehouse.engine import WarehouseResource
from etf_assets.warehouse.universe import etf_ciks

FRESHNESS_ASSETS = AssetSelection.assets(*assets_for(ALL_GROUPS))
MAX_INITIAL_RUNS_PER_TICK = 50
MAX_INDEX_DAYS_PER_TICK = 10
# A weekday index that is still 404 this many days later was a holiday, not late.
INDEX_PUBLICATION_GRACE_DAYS = 3
GAP_REPAIR_PER_TICK = 5
EDGAR_TZ = ZoneInfo("America/New_York")  # EDGAR's days (and index files) are Eastern


def edgar_today() -> date:
    return datetime.now(EDGAR_TZ).date()


@dataclass
class FreshnessTick:
    run_requests: list[RunRequest] = field(default_factory=list)
    new_partitions: list[str] = field(default_factory=list)
    cursor: dict = field(default_factory=dict)
    index_days_read: list[str] = field(default_factory=list)
    stale_pairs: int = 0


def evaluate_freshness(instance: DagsterInstance, client: SecClient, engine: Engine,
                       cursor: dict, today: date) -> FreshnessTick:
    """The sensor's logic, callable with an explicit `today` (tests, backfills)."""
    tick = FreshnessTick(cursor=dict(cursor))
    partitions = set(instance.get_dynamic_partitions(CIK_PARTITIONS_NAME))
    with engine.connect() as conn:
        tick.new_partitions = [c for c in etf_ciks(conn) if c not in partitions]
    partitions.update(tick.new_partitions)
    states = read_states(instance, partitions)

    never = sorted(c for c in partitions if states[c].never_loaded)
    # Rotate through them: trusts whose first load keeps failing must not hold the
    # first slots forever and starve the others.
    start = int(cursor.get("initial_offset", 0)) % len(never) if never else 0
    batch = (never[start:] + never[:start])[:MAX_INITIAL_RUNS_PER_TICK]
    tick.cursor["initial_offset"] = start + len(batch)
    for cik in batch:
        tick.run_requests.append(RunRequest(
            partition_key=cik, asset_selection=assets_for(ALL_GROUPS),
            # Dated: a first load that failed is asked again the next day, not never.
            run_key=f"initial-{cik}-{today.isoformat()}",
            tags={"etf/reason": "never loaded"}))

    last = date.fromisoformat(cursor["last_index_day"]) if "last_index_day" in cursor \
        else today - timedelta(days=1)
    for day in business_days(last, today - timedelta(days=1))[:MAX_INDEX_DAYS_PER_TICK]:
        try:
            entries = parse_form_index(client.daily_form_index(day))
        except SecHttpError as exc:
            # A missing index answers 404 (or 403, seen for unpublished index files).
            missing = isinstance(exc, SecNotFound) or exc.status == 403
            if not missing or (today - day).days < INDEX_PUBLICATION_GRACE_DAYS:
                break  # not published yet, or SEC trouble: this day again next tick
            entries = []  # a holiday
        stale = stale_from_index(entries, states)
        for cik, groups in sorted(stale.items()):
            accessions = sorted(a for accs in groups.values() for a in accs)
            tick.stale_pairs += len(groups)
            tick.run_requests.append(RunRequest(
                partition_key=cik, asset_selection=assets_for(groups),
                run_key=f"{cik}:{','.join(accessions)}",
                tags={"etf/reason": f"new filing(s) {', '.join(accessions)[:200]}"}))
        tick.index_days_read.append(day.isoformat())
        last = day
    tick.cursor["last_index_day"] = last.isoformat()  # only past what was handled
    return tick


@sensor(asset_selection=FRESHNESS_ASSETS, minimum_interval_seconds=300,
        default_status=DefaultSensorStatus.RUNNING)
def sec_filings_sensor(context: SensorEvaluationContext, sec: SecClientResource,
                       warehouse: WarehouseResource) -> SensorResult:
    """New trusts, never-loaded trusts, and new filings from EDGAR's daily form index."""
    cursor = json.loads(context.cursor) if context.cursor else {}
    client = sec.get_client()
    if _paused(client, context):
        return SensorResult(cursor=context.cursor)
    tick = evaluate_freshness(context.instance, client, warehouse.get_engine(),
                              cursor, edgar_today())
    context.log.info("index days read: %s; %d stale pairs; %d runs; %d new partitions",
                     tick.index_days_read, tick.stale_pairs, len(tick.run_requests),
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


def evaluate_gap_repair(instance: DagsterInstance, client: SecClient, position: int,
                        today: date, per_tick: int = GAP_REPAIR_PER_TICK
                        ) -> tuple[list[RunRequest], int]:
    partitions = sorted(instance.get_dynamic_partitions(CIK_PARTITIONS_NAME))
    if not partitions:
        return [], 0
    start = position % len(partitions)
    batch = (partitions + partitions)[start:start + min(per_tick, len(partitions))]
    states = read_states(instance, batch)
    requests = []
    for cik in batch:
        if states[cik].never_loaded:
            continue  # sec_filings_sensor's job
        try:
            filings = parse_submissions(client.submissions(cik), cik)
        except SecHttpError:
            continue
        stale = stale_groups_from_submissions(filings, states[cik])
        if stale:
            requests.append(RunRequest(
                partition_key=cik, asset_selection=assets_for(stale),
                # Dated: gap repair is also the retry path for a run that failed.
                run_key=f"{cik}:{','.join(sorted(stale.values()))}:{today.isoformat()}",
                tags={"etf/reason": "gap repair"}))
    return requests, (start + len(batch)) % len(partitions)


@sensor(asset_selection=FRESHNESS_ASSETS, minimum_interval_seconds=600,
        default_status=DefaultSensorStatus.RUNNING)
def gap_repair_sensor(context: SensorEvaluationContext, sec: SecClientResource
                      ) -> SensorResult:
    """Round-robin over trusts, a few per tick, by submissions JSON (one request each)."""
    position = int(context.cursor or 0)
    client = sec.get_client()
    if _paused(client, context):
        return SensorResult(cursor=context.cursor)
    requests, position = evaluate_gap_repair(context.instance, client, position,
                                             edgar_today())
    return SensorResult(run_requests=requests, cursor=str(position))
