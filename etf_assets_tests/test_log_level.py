"""Runs log at INFO by default (issue 24): dagster.yaml's `python_logs:
python_log_level: INFO` reaches the managed DAGSTER_HOME/dagster.yaml, and a run
launched with Dagster's default run config (as the UI, the daemon and the sensors launch
them) prints no DEBUG line, while the per-trust INFO line stays and every event is
still recorded."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap

from etf_assets_tests.conftest import start_fake

# In its own process: Dagster's log level is read from the instance when a run starts,
# and the console logger writes to the process's stderr.
RUN = textwrap.dedent("""
    import sys
    from dagster import DagsterEventType, DagsterInstance
    from etf_assets import settings
    home = settings.ensure_dagster_home()
    from etf_assets.cli import _quiet_run_config
    from etf_assets.definitions import defs
    instance = DagsterInstance.get()
    assert defs.resolve_job_def("refresh_universe").execute_in_process(
        instance=instance, run_config=_quiet_run_config()).success
    print("=====RUN=====", file=sys.stderr, flush=True)
    res = defs.resolve_job_def("refresh_trusts").execute_in_process(
        instance=instance, partition_key="0000000101")
    events = [e.dagster_event.event_type for e in instance.all_logs(res.run_id)
              if e.dagster_event]
    print(res.success, events.count(DagsterEventType.RUN_START),
          events.count(DagsterEventType.STEP_START),
          events.count(DagsterEventType.ASSET_MATERIALIZATION))
    print((home / "dagster.yaml").read_text())
""")


def test_launched_run_prints_no_debug_line(sec_env):
    """Fake trust 101 (one ETF series): its run loads NPORT-P 0009999999-26-000004
    (report 2026-09-30) and says so in the trust's INFO line."""
    with start_fake(generated_trusts=1, real_tickers=False, real_filings=False,
                    series_per_trust=1, holdings_per_series=8) as edgar:
        sec_env(edgar)
        env = {**os.environ, "ETF_EDGAR_TODAY": edgar.corpus.today.isoformat()}
        done = subprocess.run([sys.executable, "-c", RUN], env=env, capture_output=True,
                              text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    run = done.stderr.split("=====RUN=====\n", 1)[1]
    assert not [line for line in run.splitlines() if " - DEBUG - " in line], run
    assert re.search(r" - dagster - INFO - refresh_trusts - [0-9a-f-]{36} - trust_filings - "
                     r"0000000101:\n0000000101: loaded 0009999999-26-000004 \(S900000000, "
                     r"2026-09-30\)", run), run
    # Only the console is quieter: the run's events are all recorded (one run start,
    # one step, the 10 per-trust assets).
    assert done.stdout.splitlines()[0] == "True 1 1 10", done.stdout
    assert "python_logs:\n  python_log_level: INFO\n" in done.stdout
