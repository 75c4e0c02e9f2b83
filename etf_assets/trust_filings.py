"""The per-trust tables, all materialized by one subsettable multi-asset.

Every table that comes from a trust's filings (etf_classification from N-CEN; holdings,
derivatives, monthly_flows and monthly_returns from NPORT-P; annual_flows from 24F-2NT;
and each new form slice's tables) is an output of this one
op, partitioned by trust CIK, the way dagster-dbt puts every model in one op:

* a run is one step, whatever the forms selected: no per-step process or bookkeeping,
  and no step of a run is skipped because an upstream step of the same run had nothing
  to record for some of its trusts (Dagster skips downstream steps on a missing output);
* a run covers several trusts (the sensors and run-all batch them); each trust that
  loads gets its own materializations and check results (etf_assets/partitions.py);
* a trust never classified is classified first, in the same run, whatever was selected:
  no table is loaded from a ticker-shape guess, and no partition looks loaded before it is;
* a run with only checks selected (the UI's "Execute" on a check) reads the warehouse
  and downloads nothing.

Each form slice (etf_assets/form_slice.py) gives its asset specs, how to load one trust,
and its checks; a new slice is added to SLICES (and to freshness/stale.py GROUPS).
"""

# No `from __future__ import annotations`: Dagster reads the config annotation at runtime.
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Optional

from dagster import (
    AssetCheckSeverity,
    AssetExecutionContext,
    AssetKey,
    BackfillPolicy,
    Config,
    DagsterExecutionInterruptedError,
    Failure,
    MetadataValue,
    multi_asset,
)

from etf_assets import settings, stopping
from etf_assets.edgar.cache import BodyCache
from etf_assets.edgar.client import SecClient
from etf_assets.edgar.resource import SecClientResource
from etf_assets.flows.assets import FLOWS
from etf_assets.prospectus.assets import PROSPECTUS
from etf_assets.form_slice import FormSlice, LoadOptions
from etf_assets.freshness import dead_runs
from etf_assets.freshness.stale import GROUPS, read_states
from etf_assets.lifecycle.assets import LIFECYCLE
from etf_assets.ncsr.assets import NCSR
from etf_assets.nport.assets import NPORT
from etf_assets.partitions import (
    TRUSTS_PER_RUN,
    check_evaluation,
    check_outputs,
    cik_partitions,
    latest_materializations,
    partition_materialization,
    run_partition_keys,
)
from etf_assets.universe.assets import CLASSIFICATION
from etf_assets.warehouse import failures
from etf_assets.warehouse.engine import WarehouseResource

# Load order: classification first.
SLICES: tuple[FormSlice, ...] = (CLASSIFICATION, NPORT, FLOWS, PROSPECTUS, NCSR, LIFECYCLE)
assert [s.group for s in SLICES] == list(GROUPS), "SLICES and freshness GROUPS disagree"
assert all(tuple(s.keys) == GROUPS[s.group].assets for s in SLICES)


class TrustFilingsConfig(Config):
    since: Optional[str] = None
    """Load every report of the selected forms reported on or after this date
    (YYYY-MM-DD), e.g. 2019-10-01 for the full N-PORT history. Default: the newest report
    of each series (plus amendments of reports already loaded)."""
    until: Optional[str] = None
    """With `since` only: filings filed after this date (YYYY-MM-DD) are left out, as if
    EDGAR were read that day (the trust's classification still reads its newest N-CEN:
    the universe is today's)."""


@multi_asset(
    name="trust_filings",
    specs=[spec for s in SLICES for spec in s.specs],
    check_specs=[spec for s in SLICES for spec in s.check_specs],
    partitions_def=cik_partitions,
    can_subset=True,
    backfill_policy=BackfillPolicy.multi_run(max_partitions_per_run=TRUSTS_PER_RUN),
)
def trust_filings(context: AssetExecutionContext, config: TrustFilingsConfig,
                  sec: SecClientResource, warehouse: WarehouseResource):
    engine = warehouse.get_engine()
    ciks = run_partition_keys(context)
    if not context.selected_asset_keys:  # checks only: the warehouse, no SEC request
        yield from _checks(context, engine, ciks)
        return
    if ciks is None:
        raise Failure(description="per-trust tables load per trust: select a trust CIK "
                      "partition (or a range of them)")
    selected = [s for s in SLICES if set(s.keys) & context.selected_asset_keys]
    if config.until and not config.since:
        raise Failure(description="until needs since: a window of filing dates")
    options = LoadOptions(since=date.fromisoformat(config.since) if config.since else None,
                          until=date.fromisoformat(config.until) if config.until else None)
    states = read_states(context.instance, ciks, attempts=False)
    failed: dict[str, str] = {}
    loaded: list[str] = []

    plan: dict[str, list[FormSlice]] = {}
    for cik in ciks:
        plan[cik] = list(selected)
        if CLASSIFICATION not in selected and states[cik].seen[CLASSIFICATION.group] is None:
            context.log.info("%s was never classified: reading its N-CEN first", cik)
            plan[cik].insert(0, CLASSIFICATION)  # no table from a ticker-shape guess
    # Trusts load in worker threads, each with its own client (the limiter is shared):
    # while one parses, loads and has its events recorded here, the next ones fetch.
    # Events and logs are emitted from this thread, trust by trust, in partition order.
    # This process, on the run, with a heartbeat: a run whose process is gone is marked
    # failed by the next run-all or sensor tick (etf_assets/freshness/dead_runs.py).
    with dead_runs.heartbeat(context.instance, context.run_id):
        try:
            for outcome in _load_trusts(plan, sec, engine, options, settings.trust_workers()):
                outcome.log.replay(context.log, outcome.cik)
                for key, data_version, md in outcome.materializations:
                    yield partition_materialization(key, outcome.cik, data_version, md)
                if outcome.error:
                    failed[outcome.cik] = outcome.error
                else:
                    loaded.append(outcome.cik)
                if stopping.requested():
                    break  # the trusts in progress abandon their filing (rolled back)
        except stopping.Stopped:
            pass
    _prune_cache(context, sec)
    if stopping.requested():  # SIGTERM / SIGINT (etf_assets/stopping.py): CANCELED
        message = (f"{stopping.signal_name()}: stopped after {len(loaded) + len(failed)} "
                   f"of {len(ciks)} trust(s); the filing in progress was rolled back")
        context.log.warning(message)
        context.instance.report_run_canceling(context.dagster_run, message=message)
        raise DagsterExecutionInterruptedError(message)
    if loaded:
        yield from _checks(context, engine, loaded)
    if failed:
        raise Failure(description=f"{len(failed)} trust(s) failed: "
                      + "; ".join(f"{c}: {e}" for c, e in failed.items()),
                      metadata={"failed_trusts": MetadataValue.json(failed)})


def _prune_cache(context: AssetExecutionContext, sec: SecClientResource) -> None:
    """The SEC cache within ETF_CACHE_MAX_MB after every run, whoever launched it
    (run-all, the sensors, the UI, a Celery worker): least recently used out first."""
    try:
        removed, freed = BodyCache(sec.cache_dir or settings.cache_dir()).prune(
            settings.cache_max_bytes())
    except OSError as exc:  # a cache problem is not the run's failure
        context.log.warning("SEC cache not pruned: %s", exc)
        return
    if removed:
        context.log.info("SEC cache: %d least recently used file(s) removed (%.1f MB), "
                         "within %s", removed, freed / 2**20, settings.CACHE_MAX_MB_VAR)


class _BufferedLog:
    """A logger for a worker thread: records calls, replayed on the op's thread (Dagster
    records log messages as run events, which the op's thread emits)."""

    def __init__(self) -> None:
        self.records: list[tuple[str, str, tuple]] = []

    def __getattr__(self, level: str):
        if level not in ("debug", "info", "warning", "error", "critical"):
            raise AttributeError(level)
        return lambda msg, *args, **_: self.records.append((level, msg, args))

    def replay(self, log, cik: str) -> None:
        """Warnings and errors one by one; the rest as one message per trust (each log
        message is an event in Dagster's storage: ~15 per trust become 1)."""
        notes = []
        for level, msg, args in self.records:
            if level in ("debug", "info"):
                try:
                    notes.append(msg % args if args else str(msg))
                except (TypeError, ValueError):  # a malformed format: keep what was said
                    notes.append(f"{msg} {args}")
            else:
                getattr(log, level)(msg, *args)
        if notes:
            log.info("%s:\n%s", cik, "\n".join(notes))


@dataclass
class _TrustOutcome:
    cik: str
    materializations: list[tuple[AssetKey, str, dict]]
    error: Optional[str]
    log: _BufferedLog


def _short(reason: str, chars: int = 300) -> str:
    """A failure's reason as shown: a hostile document's 5,000-digit value is not."""
    return reason if len(reason) <= chars else f"{reason[:chars]}... ({len(reason):,} chars)"


def _load_trust(cik: str, slices: list[FormSlice], client: SecClient, engine,
                options: LoadOptions) -> _TrustOutcome:
    """One trust's selected forms, in order, sharing one view of its submissions. A form
    whose load raised, or a failing classification, ends the trust (later forms need it,
    or can wait); a form some of whose filings failed (each recorded with its reason, e.g.
    beyond etf_assets/limits.py) lets the next forms load. Either way the failing form is
    not marked loaded, so it is asked for again."""
    log = _BufferedLog()
    out: list[tuple[AssetKey, str, dict]] = []
    errors: list[str] = []
    with client.one_view_of_submissions():  # one submissions request per trust
        for form in slices:
            before = client.stats.snapshot()
            try:
                result = form.load(cik, client, engine, options, log)
            except Exception as exc:  # noqa: BLE001 - one trust's trouble stops no other
                result, error = None, f"{type(exc).__name__}: {exc}"
            else:
                error = "; ".join(f"{a}: {_short(e)}" for a, e in result.failed.items()) or None
                if result.failed:  # counted per filing: backoff, then quarantine
                    failures.record(engine, cik, form.group, result.failed,
                                    fingerprint=lambda acc: failures.document_fingerprint(
                                        client, cik, acc))
            if error:
                errors.append(f"{form.group}: {error}")
                log.error("%s %s", cik, errors[-1])
                if result is None or form.group == CLASSIFICATION.group:
                    break  # the later forms need the classification / trouble not one filing's
                continue  # some filings failed (each with its reason): the other forms go on
            stats = client.stats.since(before)
            out += [(key, result.data_version, {**md, **stats})
                    for key, md in result.metadata.items()]
    return _TrustOutcome(cik, out, "; ".join(errors) or None, log)


def _load_trusts(plan: dict[str, list[FormSlice]], sec: SecClientResource, engine,
                 options: LoadOptions, workers: int) -> Iterator[_TrustOutcome]:
    """Each trust's outcome, in the order of `plan` (cik -> its forms), loaded `workers`
    at a time."""
    local = threading.local()
    clients: list[SecClient] = []
    lock = threading.Lock()

    def work(cik: str) -> _TrustOutcome:
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = sec.new_client()
            with lock:
                clients.append(client)
        return _load_trust(cik, plan[cik], client, engine, options)

    pool = ThreadPoolExecutor(max_workers=max(1, min(workers, len(plan))),
                              thread_name_prefix="trust")
    futures = []
    try:
        futures += [pool.submit(work, cik) for cik in plan]
        for future in futures:
            yield future.result()
    finally:
        for future in futures:
            future.cancel()
        pool.shutdown(wait=True)
        for client in clients:
            client.close()


def _checks(context: AssetExecutionContext, engine, ciks: Optional[list[str]]):
    """The selected checks, one evaluation per trust, each naming the materialization it
    evaluated; `ciks` None (a run without a partition): every trust with data, plus one
    summary evaluation per check."""
    wanted = context.selected_asset_check_keys
    for form in SLICES:
        specs = [s for s in form.check_specs if s.key in wanted]
        if not specs or form.check_results is None:
            continue
        results = form.check_results(engine, ciks)
        targets = {k: latest_materializations(context.instance, k, results)
                   for k in {s.asset_key for s in specs}}
        for spec in specs:
            severity = form.check_severity.get(spec.name, AssetCheckSeverity.ERROR)
            failing = []
            for cik in sorted(results):
                passed, md = results[cik][spec.name]
                failing += [] if passed else [cik]
                yield check_evaluation(spec.key, cik, passed, md, severity=severity,
                                       target=targets[spec.asset_key].get(cik))
            if ciks is None:
                yield check_evaluation(spec.key, None, not failing, {
                    "trusts_checked": len(results), "trusts_failing": len(failing),
                    "failing_trusts": failing[:50]}, severity=severity)
        yield from check_outputs(context, [s.key for s in specs])
