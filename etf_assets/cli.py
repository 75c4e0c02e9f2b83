"""`etf-pipeline`: the seed's run-all (through the Dagster instance), the UI, and tools.

    etf-pipeline run-all [--limit N]   discover the universe, then per trust CIK
    etf-pipeline ui [--port P]         the Dagster web UI on the same DAGSTER_HOME
    etf-pipeline parse FILE [--json]   summarize one N-PORT document, offline
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence

from etf_assets import settings


def _fail(message: str, code: int = 2) -> int:
    print(f"etf-pipeline: error: {message}", file=sys.stderr)
    return code


def _quiet_run_config() -> dict:
    # Dagster's console logger prints every event at DEBUG; the CLI prints its own progress.
    return {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


def _step_error(result) -> str:
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data:
            err = event.step_failure_data.error
            while err and err.cause and "dagster" in (err.cls_name or "").lower():
                err = err.cause
            return f"{err.cls_name}: {err.message.strip()}" if err else "step failed"
    return "run failed"


def _metadata(result, node: str, asset_key, partition: str | None = None) -> dict:
    for m in result.asset_materializations_for_node(node):
        if m.asset_key == asset_key and (partition is None or m.partition == partition):
            return {k: v.value for k, v in m.metadata.items()}
    return {}


def run_all(limit: int | None) -> int:
    """Seed 000's flow: ensure tables; discover; then per CIK in order, continue on failure."""
    from etf_assets.edgar.cache import BodyCache
    from etf_assets.edgar.client import SecConfigError, validate_user_agent

    try:  # zero requests (and zero files written) without a declared User-Agent
        validate_user_agent(os.environ.get(settings.USER_AGENT_VAR))
    except SecConfigError as exc:
        return _fail(str(exc))
    if limit is not None and limit < 1:
        return _fail("--limit must be a positive number of trusts")

    home = settings.ensure_dagster_home()
    from dagster import DagsterInstance, materialize

    from etf_assets.definitions import RESOURCES
    from etf_assets.partitions import CIK_PARTITIONS_NAME
    from etf_assets.nport.assets import nport
    from etf_assets.universe.assets import etf_classification, etf_universe
    from etf_assets.warehouse.engine import make_engine

    started = time.monotonic()
    engine = make_engine()  # step 0: tables exist (idempotent)
    print(f"Dagster home: {home}\nWarehouse:   {engine.url.render_as_string(hide_password=True)}"
          f"\nSEC:         {settings.base_url()} | {settings.data_url()}")
    instance = DagsterInstance.get()
    tags = {"etf/trigger": "run-all"}

    print("[1/2] Discovering the ETF universe (company_tickers_mf.json) ...", flush=True)
    result = materialize([etf_universe], instance=instance, resources=RESOURCES,
                         raise_on_error=False, tags=tags, run_config=_quiet_run_config())
    if not result.success:
        return _fail(f"universe discovery failed: {_step_error(result)}", 1)
    md = _metadata(result, "etf_universe", etf_universe.key)
    print(f"      {md.get('classes_read')} classes, {md.get('trusts')} trusts, "
          f"{md.get('etf_trusts')} ETF trusts ({md.get('partitions_added')} new partitions)")

    ciks = sorted(instance.get_dynamic_partitions(CIK_PARTITIONS_NAME))
    if limit is not None:
        ciks = ciks[:limit]
    print(f"[2/2] Processing {len(ciks)} trust(s) ...", flush=True)
    from etf_assets.edgar.client import SecClient
    from etf_assets.edgar.submissions import parse_submissions
    from etf_assets.freshness.stale import assets_for, read_states, stale_groups_from_submissions

    client = SecClient.from_env()
    # What each trust has seen, from Dagster (one query per asset): the sensor uses the
    # same state and the same rule (etf_assets/freshness/stale.py).
    states = read_states(instance, ciks)
    assets = [etf_classification, nport]
    cache = BodyCache(settings.cache_dir())
    succeeded, failed, skipped = [], [], []
    for i, cik in enumerate(ciks, 1):
        t0 = time.monotonic()
        prefix = f"  [{i}/{len(ciks)}] {cik}"
        try:  # check SEC: the trust's submissions (one request), unless never loaded
            stale = stale_groups_from_submissions(
                [] if states[cik].never_loaded else
                parse_submissions(client.submissions(cik), cik), states[cik])
        except Exception as exc:  # noqa: BLE001 - one trust's trouble never ends the run
            failed.append((cik, f"{type(exc).__name__}: {exc}"))
            print(f"{prefix} FAILED checking SEC: {exc}", flush=True)
            continue
        if not stale:
            skipped.append(cik)
            print(f"{prefix}: up to date ({time.monotonic() - t0:.1f}s)", flush=True)
            continue
        res = materialize(assets, partition_key=cik, instance=instance, selection=assets_for(stale),
                          resources=RESOURCES, raise_on_error=False,
                          tags={**tags, "etf/reason": ", ".join(f"{g}: {a}" for g, a in stale.items())},
                          run_config=_quiet_run_config())
        cache.clear_disposable()  # the seed's per-CIK cache cleanup (archives are kept)
        elapsed = time.monotonic() - t0
        if not res.success:
            failed.append((cik, _step_error(res)))
            print(f"{prefix} FAILED ({elapsed:.1f}s): {failed[-1][1]}", flush=True)
            continue
        parts = []
        cm = _metadata(res, "etf_classification", etf_classification.key, cik)
        if "ncen" in stale:
            parts.append(f"N-CEN {cm['ncen_accession']}, {cm.get('etf_series')} ETF series"
                         if cm.get("ncen_accession") else "no N-CEN (ticker shape kept)")
        nm = _metadata(res, "nport", nport.keys_by_output_name["holdings"], cik)
        if "nport" in stale:
            parts.append(f"N-PORT {nm.get('filings_loaded', 0)} filing(s), "
                         f"{nm.get('rows_holding', 0)} holdings, "
                         f"{nm.get('rows_derivative', 0)} derivatives")
        name = cm.get("trust_name") or ""
        print(f"{prefix} {name}: {'; '.join(parts)} ({elapsed:.1f}s)", flush=True)
        succeeded.append(cik)
    _print_summary(engine)
    print(f"{len(succeeded)} succeeded, {len(failed)} failed, {len(skipped)} skipped "
          f"(no new data) in {time.monotonic() - started:.1f}s")
    for cik, err in failed:
        print(f"  failed {cik}: {err}")
    return 1 if failed else 0


def _print_summary(engine) -> None:
    from sqlalchemy import func, select

    from etf_assets.warehouse.tables import derivative, etf, filing, holding

    with engine.connect() as conn:
        totals = {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                  for t in (filing, holding, derivative)}
        rows = conn.execute(
            select(etf.c.decision_source, etf.c.is_etf, func.count())
            .where(etf.c.active.is_(True))
            .group_by(etf.c.decision_source, etf.c.is_etf)
        ).all()
    print("Warehouse now holds (active share classes in `etf`):")
    for source, is_etf, n in sorted(rows):
        print(f"  {n:>6} {'ETF' if is_etf else 'not ETF'} by {source}")
    print("  " + ", ".join(f"{n} {name} rows" for name, n in totals.items()))


def ui(port: int) -> int:
    home = settings.ensure_dagster_home()
    print(f"Dagster home: {home}", flush=True)
    # The dagster CLI installed beside this interpreter (the venv need not be activated).
    dagster = os.path.join(os.path.dirname(sys.executable), "dagster")
    if not os.path.exists(dagster):
        dagster = "dagster"
    os.execvp(dagster, [dagster, "dev", "-m", "etf_assets.definitions", "-p", str(port)])
    return 0  # not reached


def parse_file(path: str, as_json: bool) -> int:
    """Summarize one N-PORT document (no network, no database)."""
    import json

    from etf_assets.nport.parse import NportParseError, parse_nport, summarize

    try:
        data = open(path, "rb").read()
    except OSError as exc:
        return _fail(f"cannot read {path}: {exc.strerror}")
    try:
        summary = summarize(parse_nport(data))
    except NportParseError as exc:
        return _fail(f"{path}: {exc}", 1)
    if as_json:
        print(json.dumps(summary, indent=2))
        return 0
    for key, value in summary.items():
        if key == "skipped":
            print(f"{'skipped':<22} {len(value)}")
            for pos, reason in value:
                print(f"{'':<22} position {pos}: {reason}")
        elif isinstance(value, dict):
            print(f"{key:<22} " + ", ".join(f"{k} {v}" for k, v in value.items()))
        else:
            print(f"{key:<22} {value}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="etf-pipeline", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    ra = sub.add_parser("run-all", help="discover ETFs and process every (or N) trust CIK")
    ra.add_argument("--limit", type=int, default=None, metavar="N",
                    help="process only the first N trust CIKs (alphabetical)")
    u = sub.add_parser("ui", help="start the Dagster web UI on the same DAGSTER_HOME")
    u.add_argument("--port", type=int, default=3000)
    pa = sub.add_parser("parse", help="summarize one N-PORT XML document (offline)")
    pa.add_argument("file")
    pa.add_argument("--json", action="store_true", help="machine-readable output")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "run-all":
        return run_all(args.limit)
    if args.command == "ui":
        return ui(args.port)
    if args.command == "parse":
        return parse_file(args.file, args.json)
    return _fail(f"unknown command {args.command}")


if __name__ == "__main__":
    sys.exit(main())
