"""The daemon's cost against run-all's, on the same never-loaded trusts.

    .venv/bin/python -m benchmarks.daemon_bench                 # 50 generated trusts
    .venv/bin/python -m benchmarks.daemon_bench --real-tickers  # + SEC's real ticker file (254 ETF trusts)

Both start from nothing, against a local fake EDGAR (SEC's 10 requests/s enforced, the
client's default 8/s), each in a fresh data dir:

* run-all: `etf-pipeline run-all` (universe + every trust), wall time of the command.
* daemon: the universe is loaded first (the refresh_universe job, not timed), then
  `etf-pipeline ui` starts the web UI, the daemon and the code server with the
  repository's dagster.yaml (QueuedRunCoordinator, 4 concurrent runs);
  `sec_filings_sensor` finds every trust never loaded and the daemon runs them. Wall
  time from the `ui` command to the last trust materialized, and (excluding the UI's
  start-up) from the first run created to the last trust materialized. The run queue is
  sampled every second: its peak is reported.

Writes nothing outside a temporary directory. Figures go in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
USER_AGENT = "ETF Platform Bench bench@example.com"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _fake_edgar(trusts: int, real_tickers: bool, log: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    args = [str(BIN / "python"), "-m", "etf_assets_tests.fake_edgar", "--port", str(port),
            "--trusts", str(trusts)]
    if not real_tickers:
        args.append("--no-real-tickers")
    proc = subprocess.Popen(args, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    for _ in range(300):
        if "fake EDGAR on" in log.read_text():
            return proc, f"http://127.0.0.1:{port}"
        time.sleep(0.1)
    raise RuntimeError(log.read_text())


def _env(data_dir: Path, url: str) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ETF_", "EDGAR_", "SEC_", "DAGSTER_"))}
    return {**env, "ETF_DATA_DIR": str(data_dir), "DAGSTER_HOME": str(data_dir / "dagster-home"),
            "EDGAR_BASE_URL": url, "EDGAR_DATA_URL": url, "SEC_USER_AGENT": USER_AGENT}


def bench_run_all(workdir: Path, url: str) -> dict:
    env = _env(workdir / "run-all", url)
    t0 = time.monotonic()
    proc = subprocess.run([str(BIN / "etf-pipeline"), "run-all"], env=env,
                          capture_output=True, text=True)
    wall = time.monotonic() - t0
    summary = next((ln for ln in proc.stdout.splitlines() if " succeeded, " in ln), "")
    return {"seconds": round(wall, 1), "exit": proc.returncode, "summary": summary}


_MONITOR = r'''
import json, sys, time
from dagster import AssetKey, DagsterInstance, DagsterRunStatus, RunsFilter
from etf_assets.partitions import CIK_PARTITIONS_NAME
inst = DagsterInstance.get()
want = set(inst.get_dynamic_partitions(CIK_PARTITIONS_NAME))
deadline = time.time() + float(sys.argv[1])
peak_queued = peak_in_flight = 0
first_run = None
while time.time() < deadline:
    queued = inst.get_runs_count(RunsFilter(statuses=[DagsterRunStatus.QUEUED]))
    in_flight = inst.get_runs_count(RunsFilter(statuses=[
        DagsterRunStatus.QUEUED, DagsterRunStatus.NOT_STARTED, DagsterRunStatus.STARTING,
        DagsterRunStatus.STARTED]))
    peak_queued, peak_in_flight = max(peak_queued, queued), max(peak_in_flight, in_flight)
    runs = inst.get_run_records(RunsFilter(tags={"etf/trigger": "freshness"}))
    if runs and first_run is None:
        first_run = min(r.create_timestamp.timestamp() for r in runs)
    done = want <= inst.get_materialized_partitions(AssetKey("holdings"))
    if done and in_flight == 0:
        break
    time.sleep(1)
statuses = [r.dagster_run.status.value for r in
            inst.get_run_records(RunsFilter(tags={"etf/trigger": "freshness"}))]
print(json.dumps({"done": done, "end": time.time(), "first_run": first_run,
                  "peak_queued": peak_queued, "peak_in_flight": peak_in_flight,
                  "runs": len(statuses), "failed_runs": statuses.count("FAILURE"),
                  "trusts": len(want)}))
'''


def bench_daemon(workdir: Path, url: str, timeout: float) -> dict:
    env = _env(workdir / "daemon", url)
    python = str(BIN / "python")
    # The universe first (not timed): the trusts are then partitions, never loaded.
    subprocess.run([python, "-c", (
        "from etf_assets import settings; settings.ensure_dagster_home()\n"
        "from dagster import DagsterInstance\n"
        "from etf_assets.definitions import defs\n"
        "r = defs.resolve_job_def('refresh_universe').execute_in_process("
        "instance=DagsterInstance.get())\nassert r.success")], env=env, check=True,
        capture_output=True)
    port = _free_port()
    t0 = time.time()
    ui = subprocess.Popen([str(BIN / "etf-pipeline"), "ui", "--port", str(port)], env=env,
                          start_new_session=True, stdout=(workdir / "ui.log").open("wb"),
                          stderr=subprocess.STDOUT)
    try:
        mon = subprocess.run([python, "-c", _MONITOR, str(timeout)], env=env,
                             capture_output=True, text=True)
        if mon.returncode:
            raise RuntimeError(mon.stderr[-3000:])
        result = json.loads(mon.stdout.strip().splitlines()[-1])
    finally:
        os.killpg(ui.pid, signal.SIGINT)
        try:
            ui.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(ui.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return {
        "seconds_from_ui_start": round(result["end"] - t0, 1),
        "seconds_from_first_run": (round(result["end"] - result["first_run"], 1)
                                   if result["first_run"] else None),
        **{k: result[k] for k in ("done", "trusts", "runs", "failed_runs", "peak_queued",
                                  "peak_in_flight")},
    }


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--trusts", type=int, default=50, help="generated trusts (default 50)")
    p.add_argument("--real-tickers", action="store_true",
                   help="also serve SEC's real ticker file (244 more ETF trusts, no filings)")
    p.add_argument("--timeout", type=float, default=1800)
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="daemon-bench-") as tmp:
        work = Path(tmp)
        out = {}
        for name, fn in (("run_all", lambda u: bench_run_all(work, u)),
                         ("daemon", lambda u: bench_daemon(work, u, args.timeout))):
            fake, url = _fake_edgar(args.trusts, args.real_tickers, work / f"fake-{name}.log")
            try:
                out[name] = fn(url)
            finally:
                fake.terminate()
                fake.wait()
            print(f"{name}: {json.dumps(out[name])}", flush=True)
        ra, dm = out["run_all"]["seconds"], out["daemon"]["seconds_from_first_run"]
        if ra and dm:
            print(f"daemon / run-all: {dm / ra:.2f}x (from the first run), "
                  f"{out['daemon']['seconds_from_ui_start'] / ra:.2f}x (from `ui` start)")


if __name__ == "__main__":
    main()
