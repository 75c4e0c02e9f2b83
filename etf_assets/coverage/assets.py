"""The `coverage` asset: seed 001's coverage audit as the pipeline's own automatic
downstream step (seed 004). Unpartitioned, downstream of every per-trust table and of
the universe; Dagster's declarative automation refreshes it after they change and
once a day. It reads Dagster (what each trust partition has materialized and seen, its
last failed attempt) and the warehouse (`etf`, `sec_latest_filing`, `filing`), builds
the report (etf_assets/coverage/report.py), replaces the `coverage` table in one
transaction, and shows the report in the UI. Its check fails when an ETF has been
behind SEC for more than ETF_COVERAGE_MAX_LAG_DAYS.

The form groups are freshness/stale.py GROUPS: a new form slice is covered as soon as
it is registered there.
"""

# No `from __future__ import annotations`: Dagster reads the context annotation at runtime.
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timezone

from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetExecutionContext,
    AssetKey,
    AutomationCondition,
    DagsterEventType,
    DagsterInstance,
    DagsterRunStatus,
    MaterializeResult,
    MetadataValue,
    RunsFilter,
    TableColumn,
    TableRecord,
    TableSchema,
    asset,
    asset_check,
)
from sqlalchemy import Connection, and_, delete, func, select

from etf_assets import settings
from etf_assets.coverage.report import (
    LATE,
    Etf,
    Failure,
    TrustGroup,
    build_coverage,
    markdown,
    over_lag,
    summary,
)
from etf_assets.freshness.stale import FORM_TO_GROUP, GROUPS, TRUST_ASSETS, read_states
from etf_assets.warehouse.engine import WarehouseResource
from etf_assets.warehouse.freshness import read_latest
from etf_assets.warehouse.load import insert_rows, lock_accession
from etf_assets.warehouse.tables import coverage as coverage_table
from etf_assets.warehouse.tables import etf, filing

CHECK_NAME = "etfs_within_max_lag"
# Once a day even when nothing was loaded (lags grow with time): after the universe's
# daily refresh (06:00 New York, etf_assets/universe/sensors.py).
DAILY_CRON = "0 7 * * *"
DAILY_CRON_TZ = "America/New_York"
# Failed runs whose error is looked up, the latest first (one event-log query each).
MAX_FAILED_RUNS_READ = 100


def coverage_condition() -> AutomationCondition:
    """After any upstream table (any trust partition) or the universe changed, once no
    upstream run is in progress (a wave of loads gives one report, not one per run);
    daily; and once when there is no report yet. Not `eager()`: it waits while *any*
    upstream partition is missing, and the report exists to show the missing ones."""
    updated = (AutomationCondition.any_deps_updated().since_last_handled()
               & ~AutomationCondition.any_deps_in_progress())
    daily = AutomationCondition.cron_tick_passed(DAILY_CRON, DAILY_CRON_TZ).since_last_handled()
    # A failed first report is not asked for again every tick (the others retry it).
    first = AutomationCondition.missing() & ~AutomationCondition.execution_failed()
    return ((updated | daily | first) & ~AutomationCondition.in_progress()).with_label(
        "after upstream updates, daily, or when missing")


def read_etfs(conn: Connection) -> list[Etf]:
    rows = conn.execute(select(etf.c.class_id, etf.c.ticker, etf.c.series_id, etf.c.cik,
                               etf.c.fund_name, etf.c.first_seen)
                        .where(etf.c.is_etf.is_(True), etf.c.active.is_(True)))
    return [Etf(r.class_id, r.ticker, r.series_id, r.cik, r.fund_name, r.first_seen.date())
            for r in rows]


def newest_loaded(conn: Connection) -> dict[tuple[str, str], tuple[date, str]]:
    """(cik, group) -> the newest filing in `filing` of the group's forms."""
    newest = (select(filing.c.cik, filing.c.form, func.max(filing.c.filing_date).label("d"))
              .group_by(filing.c.cik, filing.c.form).subquery())
    rows = conn.execute(
        select(filing.c.cik, filing.c.form, filing.c.filing_date,
               func.max(filing.c.accession_number))
        .join(newest, and_(filing.c.cik == newest.c.cik, filing.c.form == newest.c.form,
                           filing.c.filing_date == newest.c.d))
        .group_by(filing.c.cik, filing.c.form, filing.c.filing_date))
    out: dict[tuple[str, str], tuple[date, str]] = {}
    for cik, form, day, accession in rows:
        group = FORM_TO_GROUP.get(form)
        if group is None:
            continue  # a form no slice reads
        if (cik, group) not in out or (day, accession) > out[(cik, group)]:
            out[(cik, group)] = (day, accession)
    return out


def last_failures(instance: DagsterInstance, key: AssetKey, ciks: set[str]
                  ) -> dict[str, Failure]:
    """cik -> its last attempt at `key`, when that attempt's run failed: the run, when it
    ended, and the trust's error (the run's `failed_trusts` metadata)."""
    attempts = instance.event_log_storage.\
        get_latest_asset_partition_materialization_attempts_without_materializations(key)
    attempts = {p: run_id for p, (run_id, _) in attempts.items() if p in ciks}
    if not attempts:
        return {}
    failed = {r.dagster_run.run_id: r for r in instance.get_run_records(
        RunsFilter(run_ids=sorted(set(attempts.values())),
                   statuses=[DagsterRunStatus.FAILURE]))}
    errors: dict[str, dict[str, str]] = {}
    newest_first = sorted(failed, key=lambda r: failed[r].end_time or 0, reverse=True)
    for run_id in newest_first[:MAX_FAILED_RUNS_READ]:
        errors[run_id] = _failed_trusts(instance, run_id)
    out = {}
    for cik, run_id in attempts.items():
        if run_id in failed:
            ended = failed[run_id].end_time
            errors_of_run = errors.get(run_id, {})
            out[cik] = Failure(
                run_id,
                datetime.fromtimestamp(ended, timezone.utc).replace(tzinfo=None)
                if ended else None,
                errors_of_run.get(cik) or errors_of_run.get("*")
                or ("run failed" if run_id in errors else None))
    return out


def _failed_trusts(instance: DagsterInstance, run_id: str) -> dict[str, str]:
    """cik -> error, from the step failure of a refresh_trusts run (trust_filings's
    `failed_trusts` metadata); "*" -> the step's error when no trust is named."""
    records = instance.get_records_for_run(run_id, of_type=DagsterEventType.STEP_FAILURE).records
    out: dict[str, str] = {}
    for rec in records:
        data = rec.event_log_entry.dagster_event.step_failure_data
        md = data.user_failure_data.metadata if data and data.user_failure_data else {}
        if "failed_trusts" in md:
            out.update(md["failed_trusts"].value)
        elif data and data.error:
            out.setdefault("*", f"{data.error.cls_name}: {data.error.message.strip()}"[:500])
    return out


def read_states_by_group(instance: DagsterInstance, conn: Connection, ciks: Sequence[str]
                         ) -> dict[tuple[str, str], TrustGroup]:
    """(cik, group) -> TrustGroup: a few queries per group whatever the number of trusts."""
    wanted = set(ciks)
    seen = read_states(instance, ciks, attempts=False)
    sec = read_latest(conn, ciks)
    loaded = newest_loaded(conn)
    out = {}
    for group, grp in GROUPS.items():
        materialized = {k.to_user_string(): instance.get_materialized_partitions(k)
                        for k in grp.assets}
        failures = last_failures(instance, grp.state_asset, wanted)
        for cik in ciks:
            out[(cik, group)] = TrustGroup(
                seen=seen[cik].seen.get(group),
                tables_loaded=tuple(name for name, parts in materialized.items() if cik in parts),
                sec_newest=sec.get(cik, {}).get(group), loaded_newest=loaded.get((cik, group)),
                failure=failures.get(cik))
    return out


def read_previous(conn: Connection) -> dict[tuple[str, str], date]:
    rows = conn.execute(select(coverage_table.c.class_id, coverage_table.c.form_group,
                               coverage_table.c.behind_since)
                        .where(coverage_table.c.status.in_(LATE),
                               coverage_table.c.behind_since.is_not(None)))
    return {(r.class_id, r.form_group): r.behind_since for r in rows}


def replace_report(conn: Connection, rows: Iterable[Mapping]) -> int:
    """The whole table in one transaction (the caller's): readers see the old report or
    the new one, never a mix."""
    conn.execute(delete(coverage_table))
    return insert_rows(conn, coverage_table, rows)


def check_result(rows: Sequence[Mapping], max_lag_days: int) -> AssetCheckResult:
    late = over_lag(rows, max_lag_days)
    return AssetCheckResult(
        passed=not late, severity=AssetCheckSeverity.ERROR,
        metadata={
            "max_lag_days": max_lag_days,
            "rows_over": len(late),
            "etfs_over": len({r["class_id"] for r in late}),
            "latest": MetadataValue.json([
                {"ticker": r["ticker"], "class_id": r["class_id"], "cik": r["cik"],
                 "form_group": r["form_group"], "status": r["status"],
                 "lag_days": r["lag_days"], "last_failure": r["last_failure"]}
                for r in late[:20]]),
        })


_SUMMARY_SCHEMA = TableSchema(columns=[
    TableColumn("form_group", "string"), TableColumn("etfs", "int"),
    TableColumn("up_to_date", "int"), TableColumn("behind", "int"),
    TableColumn("never_loaded", "int"), TableColumn("nothing_filed", "int"),
    TableColumn("last_attempt_failed", "int"), TableColumn("max_lag_days", "int")])


@asset(
    name="coverage",
    deps=[AssetKey("etf_universe"), *TRUST_ASSETS],
    automation_condition=coverage_condition(),
    description="Per ETF class and form group: which tables are loaded, the newest filing "
                "on SEC vs the newest loaded, days behind, the trust's last failure. Also "
                "the warehouse table `coverage`.",
)
def coverage(context: AssetExecutionContext, warehouse: WarehouseResource) -> MaterializeResult:
    groups = list(GROUPS)
    as_of = datetime.now(timezone.utc).replace(tzinfo=None)
    with warehouse.get_engine().begin() as conn:  # read the previous report, replace it
        # One report at a time (every run-all refreshes it, concurrent ones included): on
        # PostgreSQL two replaces would both delete, then both insert the same keys.
        lock_accession(conn, "coverage report")
        etfs = read_etfs(conn)
        states = read_states_by_group(context.instance, conn, sorted({e.cik for e in etfs}))
        rows = build_coverage(etfs, groups, states, as_of, read_previous(conn))
        replace_report(conn, rows)
    late = [r for r in rows if r["status"] in LATE]
    return MaterializeResult(metadata={
        "etfs": len(etfs),
        "rows": len(rows),
        "form_groups": MetadataValue.json(groups),
        "rows_late": len(late),
        "max_lag_days": max((r["lag_days"] for r in rows), default=0),
        "summary": MetadataValue.table([TableRecord(s) for s in summary(rows, groups)],
                                       schema=_SUMMARY_SCHEMA),
        "report": MetadataValue.md(markdown(rows, groups)),
    })


@asset_check(asset=coverage, name=CHECK_NAME, blocking=False)
def etfs_within_max_lag(warehouse: WarehouseResource) -> AssetCheckResult:
    """No ETF has been behind SEC (a filing SEC shows that is not loaded, or never loaded
    since the universe listed it) for more than ETF_COVERAGE_MAX_LAG_DAYS days (default
    45). Reads the `coverage` table: runs with every report, or alone."""
    with warehouse.get_engine().connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(coverage_table))]
    return check_result(rows, settings.coverage_max_lag_days())
