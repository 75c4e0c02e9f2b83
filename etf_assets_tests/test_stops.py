"""Clean stops (etf_assets/stopping.py): SIGTERM during a run-all ends it within
seconds, its run CANCELED (none left STARTED), the filing in progress rolled back, and
the next run-all makes the warehouse equal to a clean load."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from dagster import DagsterInstance, DagsterRunStatus
from sqlalchemy import func, select

from etf_assets import stopping
from etf_assets.cli import main
from etf_assets.warehouse.engine import make_engine
from etf_assets.warehouse.tables import metadata
from etf_assets_tests.conftest import start_fake

REPO = Path(__file__).resolve().parent.parent


def _run_all(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "etf_assets.cli", "run-all"], cwd=REPO,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)


def _warehouse(data_dir: Path) -> dict[str, tuple]:
    """Per table: row count and the sorted accessions (what a load decides)."""
    engine = make_engine(f"sqlite:///{data_dir / 'warehouse.sqlite'}")
    out = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            n = conn.execute(select(func.count()).select_from(table)).scalar_one()
            accs = ()
            if "accession_number" in table.c:
                accs = tuple(sorted(conn.execute(
                    select(table.c.accession_number).distinct()).scalars()))
            out[table.name] = (n, accs)
    engine.dispose()
    return out


def test_stopping_primitives():
    stopping.reset()
    stopping.check()
    stopping.request(signal.SIGINT)
    stopping.request(signal.SIGTERM)  # the first signal is the one reported
    assert stopping.requested() and stopping.exit_code() == 130
    try:
        stopping.check()
        raise AssertionError("not stopped")
    except stopping.Stopped as exc:
        assert str(exc) == "SIGINT"
    assert not isinstance(stopping.Stopped(), Exception)  # no `except Exception` eats it
    stopping.reset()
    assert not stopping.requested()


def test_sigterm_during_run_all_cancels_cleanly_and_rerun_equals_clean_load(
        tmp_path, sec_env, monkeypatch, capsys):
    """A real run-all process gets SIGTERM mid-run (its SEC budget 2 requests/s): exit
    143 within 10 s, its run CANCELED, none STARTED; then a run-all on the same data dir
    and one on a fresh data dir (in this process: cheaper) hold the same rows."""
    with start_fake(generated_trusts=4, real_tickers=False, real_filings=False,
                    series_per_trust=1, holdings_per_series=8) as edgar:
        sec_env(edgar)
        base = {**os.environ, "ETF_EDGAR_TODAY": edgar.corpus.today.isoformat()}
        stopped_env = {**base, "ETF_DATA_DIR": str(tmp_path / "stopped"),
                       "DAGSTER_HOME": str(tmp_path / "stopped" / "home"),
                       # slow enough that the run is mid-way when the signal comes
                       "SEC_REQUESTS_PER_SECOND": "2"}
        proc = _run_all(stopped_env)
        lines = []
        for line in proc.stdout:  # wait until the trusts' run has started
            lines.append(line)
            if "[3/3] Processing" in line:
                break
        time.sleep(2.0)  # within the run (4 trusts at 2 requests/s take ~15 s)
        proc.send_signal(signal.SIGTERM)
        t0 = time.monotonic()
        rest, _ = proc.communicate(timeout=60)
        elapsed = time.monotonic() - t0
        out = "".join(lines) + rest
        assert proc.returncode == 143, out
        assert elapsed < 10, (elapsed, out)
        assert "SIGTERM: stopped." in out, out

        instance = DagsterInstance.from_config(str(tmp_path / "stopped" / "home"))
        try:
            statuses = [r.status for r in instance.get_runs()]
        finally:
            instance.dispose()
        assert DagsterRunStatus.CANCELED in statuses, statuses
        assert not {DagsterRunStatus.STARTED, DagsterRunStatus.NOT_STARTED,
                    DagsterRunStatus.CANCELING} & set(statuses), statuses

        for name in ("stopped", "clean"):  # the rerun, then a clean load
            monkeypatch.setenv("ETF_DATA_DIR", str(tmp_path / name))
            monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / name / "home"))
            assert main(["run-all"]) == 0, capsys.readouterr().out
        got, want = _warehouse(tmp_path / "stopped"), _warehouse(tmp_path / "clean")
        assert want["holding"][0] == 4 * 8  # 4 trusts, one series, newest report
        ignore = {"processing_log", "sec_index_day"}  # how it was loaded, not what
        assert {k: v for k, v in got.items() if k not in ignore} == \
            {k: v for k, v in want.items() if k not in ignore}
