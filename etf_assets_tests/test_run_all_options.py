"""run-all's operator options (issue 24): --cik, --since; its output: a failed universe
download is one line and exit 1 (no Dagster stack trace); warning-severity checks are
said as warnings."""

from __future__ import annotations

from types import SimpleNamespace

from dagster import AssetCheckSeverity
from sqlalchemy import func, select

from etf_assets.cli import _check_word, main
from etf_assets.freshness.stale import GROUPS
from etf_assets.warehouse.engine import make_engine
from etf_assets.warehouse.tables import coverage
from etf_assets_tests.conftest import start_fake


def _small():
    return start_fake(generated_trusts=2, real_tickers=False, real_filings=False,
                      series_per_trust=1, holdings_per_series=8)


def test_cik_and_since(capsys, sec_env):
    """--cik 102 processes only trust 102; --since then loads its history: both N-PORT
    reports of its series (2026-06-30 and 2026-09-30), not only the newest."""
    with _small() as edgar:
        sec_env(edgar)
        assert main(["run-all", "--cik", "102"]) == 0
        out = capsys.readouterr().out
        assert "Processing 1 trust(s)" in out and "0000000101" not in out.split("[3/3]")[1]
        assert "N-PORT 1 filing(s), 8 holdings" in out
        # The coverage report is refreshed at the end (before: only by the daemon):
        # trust 102's ETF up to date, trust 101's never loaded.
        assert "  nport          2 ETFs: 50% up to date, 0 behind (0 failed), 1 never " \
               "loaded, 0 nothing filed" in out, out
        with make_engine().connect() as conn:
            # one row per ETF (2) and form group
            assert (conn.execute(select(func.count()).select_from(coverage)).scalar_one()
                    == 2 * len(GROUPS))
        assert main(["run-all", "--cik", "0000000102", "--since", "2026-01-01"]) == 0
        out = capsys.readouterr().out
        assert "N-PORT 1 filing(s), 8 holdings" in out  # the older report, now loaded
        assert main(["run-all", "--cik", "999"]) == 2
        assert "not an ETF trust of the universe: 0000000999" in capsys.readouterr().err
        assert main(["run-all", "--since", "yesterday"]) == 2


def test_universe_download_failure_is_one_line(capsys, sec_env):
    with _small() as edgar:
        sec_env(edgar)
        edgar.force_status(404, count=5)
        assert main(["run-all"]) == 1
        captured = capsys.readouterr()
        text = captured.out + captured.err
        assert "etf-pipeline: error: universe discovery failed:" in captured.err
        assert "Traceback" not in text and "Stack Trace" not in text, text[-3000:]


def test_check_words():
    ev = lambda passed, sev: SimpleNamespace(passed=passed, severity=sev)  # noqa: E731
    assert _check_word(ev(True, AssetCheckSeverity.ERROR)) == "passed"
    assert _check_word(ev(False, AssetCheckSeverity.WARN)) == "warning"
    assert _check_word(ev(False, AssetCheckSeverity.ERROR)) == "FAILED"
