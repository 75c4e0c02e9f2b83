"""`etf-pipeline`: the seed's run-all (through the Dagster instance), the UI, and tools.

    etf-pipeline run-all [--limit N]   discover the universe, then per trust CIK
    etf-pipeline ui [--port P]         the Dagster web UI on the same DAGSTER_HOME
    etf-pipeline parse FILE [--json]   summarize one N-PORT document, offline
    etf-pipeline webserver | daemon    production mode's web UI and daemon (deploy/)
    etf-pipeline worker [--name N]     a Celery worker executing runs (deploy/)
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections.abc import Sequence
from contextlib import contextmanager

from etf_assets import settings
from etf_assets.partitions import TRUSTS_PER_RUN, run_materializations


def _fail(message: str, code: int = 2) -> int:
    print(f"etf-pipeline: error: {message}", file=sys.stderr)
    return code


def _quiet_run_config() -> dict:
    # Dagster's console logger prints every event at DEBUG, and errors with their stack
    # traces; the CLI prints its own progress and one line per failure.
    return {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


def _step_error(result) -> str:
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data:
            err = event.step_failure_data.error
            while err and err.cause and "dagster" in (err.cls_name or "").lower():
                err = err.cause
            return f"{err.cls_name}: {err.message.strip()}" if err else "step failed"
    return "run failed"


def _failed_trusts(result) -> dict[str, str]:
    """cik -> error, from the `failed_trusts` metadata of the run's failed steps."""
    out: dict[str, str] = {}
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data:
            md = event.step_failure_data.user_failure_data
            entry = md.metadata.get("failed_trusts") if md else None
            if entry is not None:
                out.update(entry.value)
    return out


def _check_word(evaluation) -> str:
    """passed / warning (a failed WARN-severity check) / FAILED."""
    from dagster import AssetCheckSeverity

    if evaluation.passed:
        return "passed"
    return "warning" if evaluation.severity == AssetCheckSeverity.WARN else "FAILED"


def _metadata(result, key: str, partition: str | None) -> dict:
    return run_materializations(result).get((key, partition), {})


def _trust_line(cik: str, groups: tuple[str, ...], mats: dict) -> str:
    cm = mats.get(("etf_classification", cik), {})
    parts = []
    if "ncen" in groups:
        if not cm.get("ncen_accession"):
            parts.append("no N-CEN (earlier decision kept)")
        elif cm.get("registrant_type") == "S-6":
            parts.append(f"N-CEN {cm['ncen_accession']}, a unit investment trust (S-6)")
        else:
            parts.append(f"N-CEN {cm['ncen_accession']}, {cm.get('etf_series')} ETF series")
    nm = mats.get(("holdings", cik), {})
    if "nport" in groups:
        parts.append(f"N-PORT {nm.get('filings_loaded', 0)} filing(s), "
                     f"{nm.get('rows_holding', 0)} holdings, "
                     f"{nm.get('rows_derivative', 0)} derivatives")
    pm = mats.get(("fees", cik), {})
    if "prospectus" in groups:
        parts.append(f"485BPOS {pm.get('filings_loaded', 0)} prospectus(es), "
                     f"{pm.get('rows_written', 0)} fee row(s)")
    sm = mats.get(("performance", cik), {})
    if "ncsr" in groups:
        rows = sm.get("rows_by_table") or {}
        parts.append(f"N-CSR {sm.get('filings_loaded', 0)} report(s), "
                     f"{rows.get('performance', 0)} return(s), "
                     f"{mats.get(('per_share', cik), {}).get('rows_written', 0)} "
                     "per-share row(s)")
    fm = mats.get(("annual_flows", cik), {})
    if "flows" in groups:
        parts.append(f"24F-2NT {fm.get('filings_loaded', 0)} notice(s), "
                     f"{fm.get('rows_written', 0)} block(s)")
    lm = mats.get(("fund_lifecycle", cik), {})
    if "lifecycle" in groups:
        parts.append(f"lifecycle {lm.get('headers_read', 0)} header(s)")
    name = cm.get("trust_name") or ""
    return f"{name}: {'; '.join(parts)}"


# Any fixed number: the advisory lock under which a fresh PostgreSQL Dagster storage is
# created (the warehouse's is another, etf_assets/warehouse/engine.py).
_PG_INSTANCE_INIT_LOCK = 0x45544644  # "ETFD"


@contextmanager
def _instance_init_lock(home):
    """Serializes a Dagster storage's first use: a file lock in DAGSTER_HOME, or with
    DAGSTER_PG_URL an advisory lock in that database (processes of several machines, each
    with its own DAGSTER_HOME, share the storage)."""
    pg = settings.dagster_pg_url()
    if pg is None:
        with settings.file_lock(home / ".etf-init.lock"):
            yield
        return
    from sqlalchemy import create_engine, text

    engine = create_engine(pg)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_INSTANCE_INIT_LOCK})
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"),
                             {"k": _PG_INSTANCE_INIT_LOCK})
    finally:
        engine.dispose()


def _open_instance(home):
    """The Dagster instance of `home`, its storages created under a lock: concurrent
    first runs on a fresh home otherwise race creating the same SQLite tables and
    alembic stamps, and can leave the home broken for good."""
    from dagster import DagsterInstance

    with _instance_init_lock(home):
        instance = DagsterInstance.get()
        instance.get_runs(limit=1)  # run storage
        instance.get_dynamic_partitions("trust_cik")  # event log storage
        instance.all_instigator_state()  # schedule storage
    return instance


def _shown_url(url: str) -> str:
    """A database URL with its password hidden, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - unparseable: show no part of it
        return "<unparseable URL>"


def _check_settings() -> None:
    """The settings every command that reaches EDGAR needs, before anything is written."""
    from etf_assets.edgar.client import validate_user_agent

    from etf_assets.edgar.ratelimit import check_rate_limit_url
    from etf_assets.warehouse.engine import check_warehouse_url

    validate_user_agent(settings.user_agent())
    settings.base_url(), settings.data_url()
    settings.validate_numbers()
    settings.validate_paths()
    problem = check_rate_limit_url(settings.rate_limit_url())
    if problem:
        raise settings.SettingsError(
            f"{settings.RATE_LIMIT_URL_VAR}={settings.rate_limit_url()}: {problem}")
    problem = check_warehouse_url()
    if problem:
        shown = _shown_url(settings.warehouse_url())
        raise settings.SettingsError(f"{settings.WAREHOUSE_URL_VAR}={shown}: {problem}")
    _check_production()


def _check_production() -> None:
    """Production mode's settings, when set: the Dagster database answers, the Celery
    broker and result backend are well formed."""
    from etf_assets.warehouse.engine import check_warehouse_url

    settings.validate_production()
    pg = settings.dagster_pg_url()
    if pg:
        problem = check_warehouse_url(pg)  # same connection check as the warehouse's
        if problem:
            raise settings.SettingsError(
                f"{settings.DAGSTER_PG_URL_VAR}={_shown_url(pg)}: {problem}")


def run_all(limit: int | None, ciks: Sequence[str] | None = None,
            since: str | None = None, until: str | None = None,
            dry_run: bool = False) -> int:
    """Seed 000's flow: ensure tables; discover; then the stale trusts, several per run,
    in order; a failing trust never stops the others. SIGTERM / SIGINT stop it cleanly
    (etf_assets/stopping.py): exit 143 / 130 after the summary."""
    from etf_assets import stopping

    stopping.reset()
    previous = stopping.install_handlers()
    try:
        return _run_all(limit, ciks, since, until, dry_run)
    except stopping.Stopped:  # stopped outside a run (discovery, reading indexes)
        print(f"{stopping.signal_name()}: stopped before any trust was processed",
              flush=True)
        return stopping.exit_code()
    finally:
        stopping.restore_handlers(previous)


def parse_window(since_text: str | None, until_text: str | None):
    """(since, until) dates of run-all's --since / --until, or ValueError with the
    one-line reason: --until only closes a --since window, and not before it."""
    from datetime import date

    def day(flag: str, text: str | None):
        try:
            return date.fromisoformat(text) if text else None
        except ValueError:
            raise ValueError(f"{flag} {text!r} is not a date (YYYY-MM-DD)") from None

    since, until = day("--since", since_text), day("--until", until_text)
    if until is not None and since is None:
        raise ValueError("--until needs --since (a window of filing dates)")
    if until is not None and until < since:
        raise ValueError(f"--until {until} is before --since {since}")
    return since, until


def history_reason(since, until) -> str:
    """Why every form group of a trust is loaded in a history run (--since [--until])."""
    return f"history since {since}" + (f" until {until}" if until else "")


def _history_config(since, until) -> dict:
    """The run config of a history load (--since [--until]); {} for a normal run."""
    if since is None:
        return {}
    window = {"since": since.isoformat(), **({"until": until.isoformat()} if until else {})}
    return {"ops": {"trust_filings": {"config": window}}}


def _run_all(limit: int | None, only: Sequence[str] | None, since_text: str | None,
             until_text: str | None = None, dry_run: bool = False) -> int:
    from etf_assets import stopping
    from etf_assets.edgar.cache import BodyCache
    from etf_assets.edgar.client import SecConfigError

    try:  # zero requests (and zero files written) without a declared User-Agent
        _check_settings()
    except (SecConfigError, settings.SettingsError) as exc:
        return _fail(str(exc))
    if limit is not None and limit < 1:
        return _fail("--limit must be a positive number of trusts")
    try:
        since, until = parse_window(since_text, until_text)
    except ValueError as exc:
        return _fail(str(exc))
    wanted = None
    if only:
        if not all(c.strip().isdigit() and len(c.strip()) <= 10 for c in only):
            return _fail(f"--cik: a CIK is up to 10 digits, not {' '.join(only)!r}")
        wanted = {c.strip().zfill(10) for c in only}
    if dry_run:  # what would be loaded; nothing written (etf_assets/dry_run.py)
        from etf_assets import dry_run as planner

        return planner.dry_run(limit, wanted, since, until)

    home = settings.ensure_dagster_home()
    from etf_assets.definitions import defs
    from etf_assets.edgar.client import SecClient
    from etf_assets.freshness import observe
    from etf_assets.freshness.runs import TRIGGER_TAG, partition_tags, plan_batches
    from etf_assets.freshness.stale import (
        ALL_GROUPS,
        TRUST_ASSETS,
        assets_for,
        read_states,
        stale_groups,
    )
    from etf_assets.partitions import CIK_PARTITIONS_NAME, report_nothing_to_load
    from etf_assets.warehouse.engine import make_engine
    from etf_assets.warehouse.freshness import read_latest

    started = time.monotonic()
    engine = make_engine()  # step 0: tables exist (idempotent)
    print(f"Dagster home: {home}\nWarehouse:   {engine.url.render_as_string(hide_password=True)}"
          f"\nSEC:         {settings.base_url()} | {settings.data_url()}")
    instance = _open_instance(home)
    tags = {TRIGGER_TAG: "run-all"}
    from etf_assets.freshness.dead_runs import process_tags, reap_dead_runs

    for run_id, reason in reap_dead_runs(instance):  # kill -9'd runs: their trusts load now
        print(f"Run {run_id} marked failed: {reason}", flush=True)

    print("[1/3] Discovering the ETF universe (SEC ticker files) ...", flush=True)
    # Jobs run in a worker thread: the main thread keeps the signal handlers (Dagster
    # replaces them in the thread that executes, and raises wherever it is).
    result = stopping.run_in_thread(
        defs.resolve_job_def("refresh_universe").execute_in_process,
        instance=instance, tags=tags, run_config=_quiet_run_config(), raise_on_error=False)
    stopping.check()
    if not result.success:
        return _fail(f"universe discovery failed: {_step_error(result)}", 1)
    md = _metadata(result, "etf_universe", None)
    checks = ", ".join(f"{e.check_name} {_check_word(e)}"
                       for e in result.get_asset_check_evaluations())
    print(f"      {md.get('classes_read')} classes, {md.get('trusts')} trusts, "
          f"{md.get('etf_trusts')} ETF trusts ({md.get('partitions_added')} new partitions); "
          f"checks: {checks}")

    order = list(instance.get_dynamic_partitions(CIK_PARTITIONS_NAME))
    if wanted is not None and wanted - set(order):
        return _fail("--cik: not an ETF trust of the universe: "
                     + ", ".join(sorted(wanted - set(order))))
    chosen = set(sorted(wanted or order)[:limit] if limit is not None else (wanted or order))
    ciks = [c for c in order if c in chosen]  # partition order: runs cover key ranges
    client = SecClient.from_env()
    # What each trust has loaded, from Dagster (one query per asset): the sensors use
    # the same state and the same rule (etf_assets/freshness/stale.py).
    states = read_states(instance, order, attempts=False)
    loaded = [c for c in order if not states[c].never_loaded]
    today = observe.edgar_today()
    via_index = _observe_new_filings(client, engine, order, loaded, today)

    print(f"[3/3] Processing {len(ciks)} trust(s) ...", flush=True)
    job = defs.resolve_job_def("refresh_trusts")
    cache = BodyCache(settings.cache_dir())
    succeeded, failed, skipped, checked, stopped = [], [], [], [], []
    done = check_failures = 0
    pending: dict[str, dict[str, str]] = {}
    with engine.connect() as conn:
        latest = read_latest(conn, ciks) if via_index else {}

    def run_batches(last_checked: str | None) -> None:
        """Run the pending stale trusts of every batch that can no longer grow: full, or
        not ending with the trust just checked (None: at the end, all of them)."""
        nonlocal done
        # Contiguous in the universe's order, not the chosen trusts': a run covers a
        # partition range, which must not take in trusts --cik / --limit left out.
        ready = [b for b in plan_batches(pending, order)
                 if last_checked is None or len(b.ciks) >= TRUSTS_PER_RUN
                 or b.ciks[-1] != last_checked]
        for batch in ready:
            if "ncen" in batch.groups:
                # edgartools (the N-CEN's SGML header) costs seconds to import (more on
                # a busy machine), during which a run cannot stop: import it here, where
                # a signal still stops run-all at once.
                import edgar.sgml  # noqa: F401
            if stopping.requested():
                return
            t0 = time.monotonic()
            res = stopping.run_in_thread(
                job.execute_in_process, instance=instance, asset_selection=assets_for(batch.groups),
                tags={**tags, **partition_tags(batch.ciks), "etf/reason": batch.reason(),
                      **process_tags()},
                run_config={**_quiet_run_config(), **_history_config(since, until)},
                raise_on_error=False)
            cache.clear_disposable()  # the seed's cache cleanup (archives are kept)
            mats, errors = run_materializations(res), _failed_trusts(res)
            elapsed = time.monotonic() - t0
            for cik in batch.ciks:
                done += 1
                pending.pop(cik)
                prefix = f"  [{done}/{len(ciks)}] {cik}"
                ok = all((k.to_user_string(), cik) in mats for k in assets_for(batch.groups))
                if ok and cik not in errors:
                    succeeded.append(cik)
                    print(f"{prefix} {_trust_line(cik, batch.groups, mats)}", flush=True)
                elif stopping.requested() and cik not in errors:
                    stopped.append(cik)
                    print(f"{prefix} not loaded: {stopping.signal_name()} (run canceled; "
                          "its filing in progress rolled back)", flush=True)
                else:
                    failed.append((cik, errors.get(cik) or _step_error(res)))
                    print(f"{prefix} FAILED: {failed[-1][1]}", flush=True)
            print(f"      ({len(batch.ciks)} trust(s) in one run, {elapsed:.1f}s)", flush=True)

    for cik in ciks:
        if stopping.requested():
            break
        if since is not None:  # history asked for: every form, whatever is new
            pending[cik] = dict.fromkeys(ALL_GROUPS, history_reason(since, until))
            run_batches(last_checked=cik)
            continue
        note = "up to date"
        try:
            if states[cik].never_loaded:
                # Is there anything to load? One request, which the load then reuses.
                look = observe.first_look(client, cik)
                if look.nothing_to_load:
                    report_nothing_to_load(instance, cik, TRUST_ASSETS, look.why())
                    stale, note = {}, "nothing on EDGAR to load (recorded without a run)"
                    checked.append(cik)
                else:
                    if look.doc is not None:
                        client.hand_off_submissions(cik, look.doc)
                    stale = dict.fromkeys(ALL_GROUPS, "never loaded")
            else:
                if not via_index:  # check SEC: the trust's submissions (one request)
                    observe.observe_submissions(client, engine, cik)
                    with engine.connect() as conn:
                        latest.update(read_latest(conn, [cik]))
                stale = stale_groups(states[cik], latest.get(cik))
        except stopping.Stopped:
            break
        except Exception as exc:  # noqa: BLE001 - one trust's trouble never ends the run
            done += 1
            check_failures += 1
            failed.append((cik, f"{type(exc).__name__}: {exc}"))
            print(f"  [{done}/{len(ciks)}] {cik} FAILED checking SEC: {exc}", flush=True)
        else:
            if stale:
                pending[cik] = stale
            else:
                done += 1
                skipped.append(cik)
                print(f"  [{done}/{len(ciks)}] {cik}: {note}", flush=True)
        run_batches(last_checked=cik)
    run_batches(last_checked=None)
    SecClient.drop_hand_offs()
    if stopping.requested():
        left = len(ciks) - len(succeeded) - len(failed) - len(skipped)
        _print_summary(engine)
        print(f"{stopping.signal_name()}: stopped. {len(succeeded)} succeeded, "
              f"{len(failed)} failed, {len(skipped)} skipped, {left} not processed "
              f"({len(stopped)} of them in the canceled run) in "
              f"{time.monotonic() - started:.1f}s; the rest loads with the next run-all")
        for cik, err in failed:
            print(f"  failed {cik}: {err}")
        instance.dispose()
        return stopping.exit_code()
    if not via_index and set(loaded) <= chosen and not check_failures and since is None:
        # Every loaded trust's submissions were read (new ones loaded in full): the
        # indexes through yesterday hold nothing they did not show.
        observe.record_baseline(engine, today)
    _print_summary(engine)
    _refresh_coverage(defs, instance, engine, tags)
    print(f"{len(succeeded)} succeeded, {len(failed)} failed, {len(skipped)} skipped "
          f"(no new data; {len(checked)} of them with nothing on EDGAR to load) in "
          f"{time.monotonic() - started:.1f}s; {client.stats.sent.total()} SEC request(s) "
          "outside runs")
    for cik, err in failed:
        print(f"  failed {cik}: {err}")
    instance.dispose()  # Dagster's storage closed: SQLite folds its WAL into the files
    return 1 if failed else 0


# Beyond this many business days of daily indexes to catch up on, each loaded trust's
# submissions JSON is read instead (when that is fewer requests).
RUN_ALL_MAX_INDEX_DAYS = 65


def _observe_new_filings(client, engine, order: list[str], loaded: list[str],
                         today) -> bool:
    """What EDGAR has filed since the last run, into `sec_latest_filing`, the way the
    sensor learns it: the daily form indexes not read yet (one request per business day,
    all trusts). Returns False when the indexes cannot tell (no record of which were
    read: a new warehouse or one from before `sec_index_day`; too far behind; SEC
    trouble): the caller then reads each loaded trust's submissions."""
    from etf_assets.freshness import observe

    behind = observe.index_days_behind(engine, today)
    print("[2/3] What EDGAR filed since the last run ...", flush=True)
    if behind is not None and behind <= min(RUN_ALL_MAX_INDEX_DAYS, max(len(loaded), 1)):
        cursor: dict = {}
        days = observe.read_index_days(client, engine, order, cursor, today, time.time(),
                                       behind)
        left = behind - len(days)
        shown = f"{days[0]} .. {days[-1]}" if len(days) > 1 else ", ".join(days) or "none"
        print(f"      daily form indexes read: {len(days)} ({shown})", flush=True)
        if left == 0 or observe.only_unpublished_left(cursor, today):
            if left:
                print(f"      {left} newer index(es) not published yet: their filings "
                      "come with the next run-all or the sensor", flush=True)
            return True
        print("      SEC did not serve an older index: reading each loaded trust's "
              "submissions instead", flush=True)
    elif behind is not None:
        print(f"      {behind} business days since the last index read: each loaded "
              "trust's submissions instead", flush=True)
    else:
        print("      no daily index read yet: each loaded trust's submissions", flush=True)
    return False


def _refresh_coverage(defs, instance, engine, tags: dict) -> None:
    """The coverage report, refreshed at the end of every run-all (the daemon's
    automation does it otherwise): one line per form group."""
    from sqlalchemy import select

    from etf_assets import stopping
    from etf_assets.coverage.report import (
        BEHIND,
        NEVER_LOADED,
        NOTHING_FILED,
        UP_TO_DATE,
        summary,
    )
    from etf_assets.freshness.stale import GROUPS
    from etf_assets.warehouse.tables import coverage as coverage_table

    res = stopping.run_in_thread(
        defs.resolve_job_def("refresh_coverage").execute_in_process, instance=instance,
        tags=tags, run_config=_quiet_run_config(), raise_on_error=False)
    if not res.success:
        print(f"Coverage report not refreshed: {_step_error(res)}", flush=True)
        return
    from etf_assets.warehouse.tables import filing_failure

    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(coverage_table))]
        quarantined = conn.execute(select(filing_failure.c.accession_number).where(
            filing_failure.c.quarantined_at.is_not(None))).scalars().all()
    print("Coverage (table `coverage`; the UI's report lists late ETFs first):")
    for r in summary(rows, list(GROUPS)):
        n = r["etfs"] or 1
        print(f"  {r['form_group']:<10} {r['etfs']:>5} ETFs: "
              f"{r[UP_TO_DATE] * 100 // n}% up to date, {r[BEHIND]} behind "
              f"({r['last_attempt_failed']} failed), {r[NEVER_LOADED]} never loaded, "
              f"{r[NOTHING_FILED]} nothing filed", flush=True)
    if quarantined:
        print(f"  {len(quarantined)} filing(s) quarantined until their document changes "
              f"(table filing_failure; etf-pipeline requeue ACCESSION|--all): "
              f"{', '.join(quarantined[:10])}",
              flush=True)


def _print_summary(engine) -> None:
    from sqlalchemy import func, select

    from etf_assets.warehouse.tables import (
        annual_flow,
        derivative,
        etf,
        filing,
        holding,
        nport_monthly_flow,
        per_share_operating,
        performance,
        prospectus_fee,
    )

    with engine.connect() as conn:
        totals = {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                  for t in (filing, holding, derivative, nport_monthly_flow, annual_flow,
                            prospectus_fee, performance, per_share_operating)}
        rows = conn.execute(
            select(etf.c.decision_source, etf.c.is_etf, func.count())
            .where(etf.c.active.is_(True))
            .group_by(etf.c.decision_source, etf.c.is_etf)
        ).all()
    print("Warehouse now holds (active share classes in `etf`):")
    for source, is_etf, n in sorted(rows):
        print(f"  {n:>6} {'ETF' if is_etf else 'not ETF'} by {source}")
    print("  " + ", ".join(f"{n} {name} rows" for name, n in totals.items()))


def ui(port: int, host: str) -> int:
    """`dagster dev` (web UI + daemon) on the same DAGSTER_HOME as run-all."""
    from etf_assets.edgar.client import SecConfigError

    try:  # the daemon's sensors would fail every tick without them
        _check_settings()
        _check_celery_connection()  # with a broker, the UI's runs go to the workers
    except (SecConfigError, settings.SettingsError) as exc:
        return _fail(str(exc))
    home = settings.ensure_dagster_home()
    print(f"Dagster home: {home}\nSEC:          {settings.base_url()} | "
          f"{settings.data_url()}\nUI:           http://{host}:{port}", flush=True)
    # The dagster CLI installed beside this interpreter (the venv need not be activated).
    dagster = os.path.join(os.path.dirname(sys.executable), "dagster")
    if not os.path.exists(dagster):
        dagster = "dagster"
    # Started from DAGSTER_HOME: `dagster dev` warns about any dagster.yaml in its
    # working directory that is not DAGSTER_HOME's (the repository's, when started there).
    os.chdir(home)
    # `dagster dev` is "superseded" by the dg CLI (dagster-dg, not a dependency here).
    os.environ["PYTHONWARNINGS"] = ",".join(filter(None, [
        os.environ.get("PYTHONWARNINGS"), "ignore:Function `dev_command` is superseded"]))
    # Not exec'd: supervised, so SIGINT/SIGTERM/SIGHUP stop the web UI, daemon and code
    # server together, started in the foreground or not (etf_assets/supervise.py).
    from etf_assets import supervise

    return supervise.run([dagster, "dev", "-m", "etf_assets.definitions", "-p", str(port),
                          "-h", host])


def _check_celery_connection() -> None:
    """With ETF_CELERY_BROKER_URL: the broker and the result backend answer."""
    broker = settings.celery_broker_url()
    if not broker:
        return
    from kombu import Connection

    for var, url in ((settings.CELERY_BROKER_VAR, broker),
                     (settings.CELERY_BACKEND_VAR, settings.celery_result_backend())):
        if var == settings.CELERY_BACKEND_VAR and not url.startswith(("redis://", "rediss://")):
            continue  # another backend (a database): Celery reports it at first use
        try:
            with Connection(url, connect_timeout=3) as conn:
                conn.ensure_connection(max_retries=1, timeout=5)
        except Exception as exc:  # noqa: BLE001 - refused, auth, unknown vhost, ...
            raise settings.SettingsError(
                f"{var}={_shown_url(url)}: cannot connect ({type(exc).__name__}: "
                f"{str(exc).splitlines()[0][:160] if str(exc) else ''})") from None


def _exec_from_home(argv: list[str]) -> int:
    """Replace this process with a Dagster (or Celery) command started from DAGSTER_HOME:
    Dagster warns about any dagster.yaml in its working directory that is not the home's."""
    os.chdir(os.environ[settings.DAGSTER_HOME_VAR])
    binary = os.path.join(os.path.dirname(sys.executable), argv[0])
    os.execvp(binary if os.path.exists(binary) else argv[0], [argv[0], *argv[1:]])
    return 0  # not reached


def _production_home(component: str, need_celery: bool = False):
    """Settings checked (exit 2 naming the bad one), then the Dagster home seeded and
    its storage initialized under the lock: the services of a deployment (deploy/)
    start this way. Returns the home, or None after printing the error."""
    from etf_assets.edgar.client import SecConfigError

    try:
        _check_settings()
        if need_celery:
            for var, value in ((settings.DAGSTER_PG_URL_VAR, settings.dagster_pg_url()),
                               (settings.CELERY_BROKER_VAR, settings.celery_broker_url())):
                if not value:
                    raise settings.SettingsError(
                        f"{var}: required by `etf-pipeline {component}` (workers share "
                        "the Dagster storage and take runs from the broker)")
        _check_celery_connection()
    except (SecConfigError, settings.SettingsError) as exc:
        _fail(str(exc))
        return None
    home = settings.ensure_dagster_home()
    instance = _open_instance(home)
    try:
        problem = _instance_problem(instance)
    finally:
        instance.dispose()
    if problem:
        _fail(f"{home / 'dagster.yaml'}: {problem}")
        return None
    return home


def _instance_problem(instance) -> str | None:
    """A DAGSTER_HOME/dagster.yaml the user took over (no marker line) may ignore the
    production settings: a daemon would then run everything on its own machine, or a
    worker record runs in SQLite nobody else reads. Say so instead."""
    from dagster_postgres import PostgresRunStorage

    if settings.dagster_pg_url() and not isinstance(instance.run_storage, PostgresRunStorage):
        return (f"{settings.DAGSTER_PG_URL_VAR} is set but this Dagster home does not store "
                "in PostgreSQL (your own dagster.yaml: see deploy/dagster.yaml)")
    if settings.celery_broker_url() and type(instance.run_launcher).__name__ != "CeleryRunLauncher":
        return (f"{settings.CELERY_BROKER_VAR} is set but this Dagster home does not launch "
                "runs on Celery (your own dagster.yaml: see deploy/dagster.yaml)")
    return None


def worker(name: str | None, concurrency: int) -> int:
    """A Celery worker that executes the runs the daemon and the web UI launch (each run
    in one of its `concurrency` pool processes, steps in-process)."""
    if concurrency < 1:
        return _fail("--concurrency must be at least 1")
    home = _production_home("worker", need_celery=True)
    if home is None:
        return 2
    node = f"{name or f'etf-{os.getpid()}'}@%h"
    print(f"Dagster home: {home}\nBroker:       {_shown_url(settings.celery_broker_url())} "
          f"(queue {settings.celery_queue()})\nSEC budget:   {settings.rate_limit_url()}",
          flush=True)
    # --prefetch-multiplier=1: a worker reserves no run beyond the ones it executes
    # (dagster-celery's own `worker start` does the same).
    return _exec_from_home(["celery", "-A", "etf_assets.celery_app", "worker", "-n", node,
                            "-c", str(concurrency), "-Q", settings.celery_queue(),
                            "--prefetch-multiplier=1", "-l", "INFO"])


def webserver(port: int, host: str) -> int:
    """Production mode's web UI: `dagster-webserver` on the seeded Dagster home."""
    home = _production_home("webserver")
    if home is None:
        return 2
    return _exec_from_home(["dagster-webserver", "-m", "etf_assets.definitions",
                            "-h", host, "-p", str(port)])


def daemon() -> int:
    """Production mode's daemon: sensors, schedules, backfills, automation, run queue."""
    home = _production_home("daemon")
    if home is None:
        return 2
    return _exec_from_home(["dagster-daemon", "run", "-m", "etf_assets.definitions"])


# A 24F-2NT notice is a few kB; an N-PORT of any size is streamed.
MAX_NOTICE_BYTES = 50 * 1024 * 1024
# A large trust's N-CSR (every series' TSR and statements in one document) runs to tens
# of MB; it is read whole.
MAX_HTML_BYTES = 200 * 1024 * 1024


def _lifecycle_form(head: bytes) -> bool:
    """An SGML header (.hdr.sgml or .txt) of a form the lifecycle reads."""
    from etf_assets.lifecycle.events import HEADER_FORMS

    m = re.search(rb"CONFORMED SUBMISSION TYPE:\s*(\S+)", head)
    return bool(m) and m[1].decode() in HEADER_FORMS


# Filed forms -> the reader `parse` uses (a form absent here is not parsed by it).
_FILED_KINDS = {
    **{f: "ncsr" for f in ("N-CSR", "N-CSR/A", "N-CSRS", "N-CSRS/A")},
    **{f: "prospectus" for f in ("485BPOS", "485APOS", "485BXT", "497", "497K", "N-1A",
                                  "N-1A/A", "S-6", "S-6/A", "487", "POS AM")},
    **{f: "nport" for f in ("NPORT-P", "NPORT-P/A", "NPORT-EX")},
    **{f: "24f2" for f in ("24F-2NT", "24F-2NT/A")},
}


# An HTML document's opening: a bare excerpt (a fee table or highlights page cut from a
# filing) may start with <table> or <div>, not <html>; N-PORT XML has none of these.
_HTML_OPENING = re.compile(
    rb"<(?:!doctype\s+html|html|body|table|div|p|font|center|tr)[\s>]", re.I)


def looks_like_html(head: bytes) -> bool:
    """Whether a bare document's first bytes are (inline X)HTML rather than XML."""
    return b"http://www.xbrl.org/2013/inlineXBRL" in head or bool(_HTML_OPENING.search(head))


def filed_kind(form: str | None) -> str | None:
    """Which reader a filed form goes to (None: `parse` does not read it)."""
    return _FILED_KINDS.get((form or "").strip().upper())


def summarize_kind(kind: str, data: bytes, form: str | None, classes=()) -> dict:
    """The summary of one document read as `kind`; `form` (the filed form, None for a
    bare document) is what `document_type` says when known; `classes` (ClassRef, from
    the submission's header) are what an untagged prospectus's columns are matched to."""
    import io

    from etf_assets.flows.parse import parse_24f2
    from etf_assets.flows.parse import summarize as summarize_24f2
    from etf_assets.ncsr.parse import parse_ncsr
    from etf_assets.ncsr.parse import summarize as summarize_ncsr
    from etf_assets.nport.parse import iter_nport, summarize
    from etf_assets.prospectus.parse import summarize as summarize_prospectus
    from etf_assets.prospectus.read import read_prospectus

    if kind == "ncsr":
        out = summarize_ncsr(parse_ncsr(data))
    elif kind == "prospectus":
        prospectus, comparison = read_prospectus(data, form=form, classes=classes)
        out = summarize_prospectus(prospectus)
        if comparison is not None:
            out["tags_vs_tables"] = {"compared": comparison.compared,
                                     "differences": list(comparison.differences),
                                     "html_problem": comparison.html_problem}
    elif kind == "nport":
        return summarize(iter_nport(io.BytesIO(data)))
    else:
        return summarize_24f2(parse_24f2(data))
    if form is not None:
        out["document_type"] = form
    return out


def requeue_command(accessions: Sequence[str], every: bool) -> int:
    """`etf-pipeline requeue ACCESSION...|--all`: forget those filings' failures."""
    from etf_assets.warehouse.engine import make_engine
    from etf_assets.warehouse.failures import requeue

    if bool(accessions) == every:
        return _fail("requeue: give ACCESSION(s) or --all")
    from etf_assets.edgar.cache import BodyCache

    found = requeue(make_engine(), None if every else accessions)
    cache = BodyCache(settings.cache_dir())
    for accession, cik in found:  # read from EDGAR again: it may have been corrected
        cache.drop_accession(cik, accession)
    missing = sorted(set(accessions) - {a for a, _ in found})
    print(f"{len(found)} filing(s) requeued: the next run-all (or sensor run) attempts "
          "them" + (f"; no failures recorded for {', '.join(missing)}" if missing else ""))
    return 0


def cache_command(prune: bool) -> int:
    """`etf-pipeline cache [--prune]`: what the SEC cache holds; pruned to the cap."""
    from etf_assets.edgar.cache import BodyCache

    try:
        limit = settings.cache_max_bytes()
        cache = BodyCache(settings.cache_dir())
    except settings.SettingsError as exc:
        return _fail(str(exc))
    files, size = cache.size()
    print(f"SEC cache {settings.cache_dir()}: {files} file(s), {size / 2**20:.1f} MB "
          f"(cap {limit / 2**20:.0f} MB, {settings.CACHE_MAX_MB_VAR})")
    if prune:
        removed, freed = cache.prune(limit)
        print(f"pruned: {removed} least recently used file(s), {freed / 2**20:.1f} MB")
    return 0


def parse_file(path: str, as_json: bool) -> int:
    """Summarize one N-PORT or 24F-2NT XML document, a 485BPOS (inline XBRL HTML) or an
    N-CSR / N-CSRS (TSR inline XBRL and Financial Highlights) (no network, no database);
    the form is detected from the document. N-PORT documents are streamed from the
    file: memory stays flat whatever their size.

    The form is the filed one when the file is an EDGAR submission (.txt with the SGML
    wrapper: its <TYPE>); a bare document's form is sniffed from its content. The
    first line (`form`) says which was used."""
    import json
    import stat

    from etf_assets.edgar.sgml import is_submission, primary_document
    from etf_assets.flows.parse import NS as NS_24F2
    from etf_assets.prospectus.untagged import submission_classes
    from etf_assets.flows.parse import Notice24F2Error, parse_24f2
    from etf_assets.flows.parse import summarize as summarize_24f2
    from etf_assets.ncsr.parse import NcsrError, looks_like_ncsr
    from etf_assets.nport.parse import NportParseError, iter_nport, summarize
    from etf_assets.prospectus.parse import ProspectusError

    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return _fail(f"{path}: not a regular file")
        with open(path, "rb") as f:
            head = f.read(4096)
            f.seek(0)
            if is_submission(head):
                # The form is what EDGAR filed it as, never guessed from the text: a UIT
                # prospectus printing Financial Highlights is still a prospectus.
                if info.st_size > MAX_HTML_BYTES:
                    return _fail(f"{path}: {info.st_size:,} bytes is more than a "
                                 "submission this command reads", 1)
                raw = f.read()
                form, document = primary_document(raw)
                kind = filed_kind(form)
                lifecycle = _lifecycle_form(head)
                if lifecycle:
                    from etf_assets.lifecycle.events import summarize as summarize_header
                    from etf_assets.lifecycle.header import HeaderError, parse_header

                    try:
                        header = summarize_header(parse_header(raw[:1024 * 1024]))
                        header.pop("form", None)
                    except HeaderError:  # a wrapper without a full header: no events
                        lifecycle = False
                if lifecycle and (document is None or kind is None):
                    # a header alone (.hdr.sgml), or a form with nothing to read but its
                    # header (N-8F): what the header says and the lifecycle events it gives
                    form_line = f"{form} (the submission's header: lifecycle events)"
                    summary = header
                elif document is None:
                    return _fail(f"{path}: an EDGAR submission without a document", 1)
                elif kind is None:
                    return _fail(f"{path}: form {form}: not parsed by this command", 1)
                else:
                    form_line = (f"{form} (the submission's <TYPE>; document "
                                 f"{document.filename or document.sequence})")
                    summary = summarize_kind(kind, document.content, form,
                                             submission_classes(raw))
                    if lifecycle:
                        summary["lifecycle"] = header
            elif NS_24F2.encode() in head:
                if info.st_size > MAX_NOTICE_BYTES:
                    return _fail(f"{path}: {info.st_size:,} bytes is not a 24F-2NT notice", 1)
                form_line = "24F-2NT (sniffed from the content: no EDGAR wrapper)"
                summary = summarize_24f2(parse_24f2(f.read()))
            elif looks_like_html(head):
                if info.st_size > MAX_HTML_BYTES:
                    return _fail(f"{path}: {info.st_size:,} bytes is more than a prospectus "
                                 "or shareholder report holds", 1)
                data = f.read()
                # an untagged prospectus often mentions its financial highlights: its fee
                # table's heading decides (a tagged N-CSR says so in dei:DocumentType)
                fee_table = re.search(rb"annual\s+fund\s+operating\s+expenses", data, re.I)
                kind = ("ncsr" if looks_like_ncsr(data) and not (
                    fee_table and b"dei:DocumentType" not in data) else "prospectus")
                form_line = (f"{'N-CSR' if kind == 'ncsr' else 'prospectus'} (sniffed from "
                             "the content: a bare document without EDGAR's wrapper)")
                summary = summarize_kind(kind, data, None)
            elif b"SUBMISSION TYPE:" in head and b"24F-2NT" in head:
                return _fail(f"{path}: a text 24F-2NT (before EDGAR's XML notices of 2020): "
                             "not parsed (README, Flows)", 1)
            else:
                form_line = "NPORT-P (sniffed from the content: no EDGAR wrapper)"
                summary = summarize(iter_nport(f))
    except OSError as exc:
        return _fail(f"cannot read {path}: {exc.strerror}")
    except (NportParseError, Notice24F2Error, ProspectusError, NcsrError) as exc:
        return _fail(f"{path}: {exc}", 1)
    summary = {"form": form_line, **summary}
    if as_json:
        print(json.dumps(summary, indent=2))
        return 0
    for key, value in summary.items():
        if key == "skipped" and isinstance(value, dict):
            print(f"{'skipped':<22} {sum(value.values())}")
            for reason, n in value.items():
                print(f"{'':<22} {n} x {reason}")
        elif key == "skipped":
            print(f"{'skipped':<22} {len(value)}")
            for item in value:
                print(f"{'':<22} position {item['position']}: {item['reason']}")
        elif key in ("blocks", "fee_tables", "classes", "financial_highlights") \
                and isinstance(value, list):
            label = {"blocks": "block", "fee_tables": "fee_table", "classes": "class",
                     "financial_highlights": "highlights_table"}[key]
            for block in value:
                print(f"{label:<22} " + ", ".join(f"{k} {v}" for k, v in block.items()))
        elif isinstance(value, dict):
            print(f"{key:<22} " + ", ".join(f"{k} {v}" for k, v in value.items()))
        else:
            print(f"{key:<22} {value}")
    return 0


def serve(host: str, port: int, workers: int = 1) -> int:
    """The REST API (etf_assets/serve/) on uvicorn, over the warehouse run-all fills."""
    from etf_assets.serve.security import is_loopback
    from etf_assets.warehouse.engine import check_warehouse_url

    try:  # settings first, before anything is written or bound
        settings.validate_serving()
        if not 0 < port < 65536:
            raise settings.SettingsError(f"--port {port}: not a TCP port (1-65535)")
        if not 1 <= workers <= 64:
            raise settings.SettingsError(f"--workers {workers}: 1-64 processes")
        if not settings.api_keys() and not is_loopback(host):
            raise settings.SettingsError(
                f"--host {host}: without {settings.API_KEYS_VAR} the API answers loopback "
                f"clients only; set {settings.API_KEYS_VAR} to serve on {host}")
        settings.validate_paths()
        problem = check_warehouse_url()
        if problem:
            shown = _shown_url(settings.warehouse_url())
            raise settings.SettingsError(f"{settings.WAREHOUSE_URL_VAR}={shown}: {problem}")
        _check_production()
    except settings.SettingsError as exc:
        return _fail(str(exc))
    import uvicorn

    from etf_assets.serve.app import create_app
    from etf_assets.warehouse.engine import make_engine

    make_engine().dispose()  # tables and the API's indexes exist (idempotent upgrade)
    shown = "localhost" if host in ("127.0.0.1", "::1") else host
    print(f"Warehouse: {_shown_url(settings.warehouse_url())}\n"
          f"API:       http://{shown}:{port}/api   (OpenAPI: http://{shown}:{port}/docs)\n"
          f"Keys:      {'required (X-API-Key)' if settings.api_keys() else 'none: loopback only'}",
          flush=True)
    if workers == 1:
        uvicorn.run(create_app(), host=host, port=port, log_level="info", proxy_headers=False)
    else:  # each process builds its own app (engine, cache, rate limit buckets)
        # A worker imports FastAPI, SQLAlchemy and pyarrow before it answers uvicorn's
        # health check: more than its 5-s default on a busy machine, which kills and
        # restarts it in a loop.
        uvicorn.run("etf_assets.serve.app:create_app", factory=True, workers=workers,
                    host=host, port=port, log_level="info", proxy_headers=False,
                    timeout_worker_healthcheck=120)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="etf-pipeline", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    ra = sub.add_parser("run-all", help="discover ETFs and process every (or N) trust CIK")
    ra.add_argument("--limit", type=int, default=None, metavar="N",
                    help="process only the first N trust CIKs (alphabetical)")
    ra.add_argument("--cik", nargs="+", default=None, metavar="CIK",
                    help="process only these trusts (CIKs, leading zeros optional)")
    ra.add_argument("--since", default=None, metavar="YYYY-MM-DD",
                    help="load every report of the chosen trusts since this date (their "
                    "history), not only what is new")
    ra.add_argument("--until", default=None, metavar="YYYY-MM-DD",
                    help="with --since: leave out filings filed after this date (the "
                    "window [since, until] of filing dates, both days included)")
    ra.add_argument("--dry-run", action="store_true",
                    help="say what would be loaded (per trust: form groups, filings to "
                    "load and already held) and the SEC requests it takes; load nothing")
    u = sub.add_parser("ui", help="the Dagster web UI and daemon on the same DAGSTER_HOME")
    u.add_argument("--port", type=int, default=3000)
    u.add_argument("--host", default="127.0.0.1")
    pa = sub.add_parser("parse", help="summarize one N-PORT or 24F-2NT XML document, a "
                        "485BPOS inline XBRL prospectus or an N-CSR / N-CSRS shareholder "
                        "report (offline; the form is detected)")
    pa.add_argument("file")
    pa.add_argument("--json", action="store_true", help="machine-readable output")
    ws = sub.add_parser("webserver", help="production: the Dagster web UI alone (deploy/)")
    ws.add_argument("--port", type=int, default=3000)
    ws.add_argument("--host", default="127.0.0.1")
    sub.add_parser("daemon", help="production: the Dagster daemon alone (deploy/)")
    sv = sub.add_parser("serve", help="the REST API over the warehouse (/api, /docs)")
    sv.add_argument("--port", type=int, default=8000)
    sv.add_argument("--host", default="127.0.0.1",
                    help="a non-loopback host needs ETF_API_KEYS")
    sv.add_argument("--workers", type=int, default=1, metavar="N",
                    help="server processes (each with its own cache and rate limit)")
    rq = sub.add_parser("requeue", help="attempt quarantined / backing-off filings again "
                        "at the next run (poison filings)")
    rq.add_argument("accessions", nargs="*", metavar="ACCESSION")
    rq.add_argument("--all", action="store_true", help="every filing with failures")
    ca = sub.add_parser("cache", help="the SEC cache's size; --prune: within ETF_CACHE_MAX_MB")
    ca.add_argument("--prune", action="store_true",
                    help="remove the least recently used files beyond ETF_CACHE_MAX_MB")
    w = sub.add_parser("worker", help="production: a Celery worker executing runs (deploy/)")
    w.add_argument("--name", default=None, help="worker name (default etf-<pid>); "
                   "@<hostname> is appended")
    w.add_argument("--concurrency", type=int, default=1, metavar="N",
                   help="runs executed at once (default 1)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "run-all":
        return run_all(args.limit, args.cik, args.since, args.until, args.dry_run)
    if args.command == "ui":
        return ui(args.port, args.host)
    if args.command == "parse":
        return parse_file(args.file, args.json)
    if args.command == "worker":
        return worker(args.name, args.concurrency)
    if args.command == "webserver":
        return webserver(args.port, args.host)
    if args.command == "daemon":
        return daemon()
    if args.command == "serve":
        return serve(args.host, args.port, args.workers)
    if args.command == "cache":
        return cache_command(args.prune)
    if args.command == "requeue":
        return requeue_command(args.accessions, args.all)
    return _fail(f"unknown command {args.command}")


if __name__ == "__main__":
    sys.exit(main())
