"""The CLI (run-all through the Dagster instance), the definitions, and the sensor."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from dagster import DagsterInstance

from etf_assets.cli import main
from etf_assets.definitions import defs
from etf_assets.partitions import CIK_PARTITIONS_NAME
from etf_assets_tests.conftest import start_fake

REPO = Path(__file__).resolve().parent.parent


def test_run_all_without_user_agent_stops_before_any_request(capsys, monkeypatch):
    with start_fake(generated_trusts=1) as edgar:
        monkeypatch.setenv("EDGAR_BASE_URL", edgar.url)
        monkeypatch.setenv("EDGAR_DATA_URL", edgar.url)
        assert main(["run-all", "--limit", "1"]) == 2
        assert "SEC_USER_AGENT" in capsys.readouterr().err
        assert edgar.served() == []
        monkeypatch.setenv("SEC_USER_AGENT", "no-email-here")
        assert main(["run-all"]) == 2
        assert edgar.served() == []


def test_run_all_limit_processes_first_trusts_and_runs_show_in_instance(capsys, sec_env):
    """run-all --limit 3: universe from the real ticker file plus 4 generated trusts,
    then the three lowest CIKs (generated trusts 101-103) classified from their N-CEN."""
    with start_fake(generated_trusts=4) as edgar:
        sec_env(edgar)
        assert main(["run-all", "--limit", "3"]) == 0
        out = capsys.readouterr().out
        assert "3 succeeded, 0 failed, 0 skipped" in out
        for cik in ("0000000101", "0000000102", "0000000103"):
            assert cik in out
        assert "0000000104" not in out.split("[3/3]")[1]
        # The runs live in the same DAGSTER_HOME the UI reads.
        home = Path(os.environ["DAGSTER_HOME"])
        assert (home / "dagster.yaml").exists()
        instance = DagsterInstance.get()
        # Named jobs, several trusts per run: the universe, then one run for the three,
        # then the coverage report (issue 24).
        runs = instance.get_runs()
        assert sorted(r.job_name for r in runs) == ["refresh_coverage", "refresh_trusts",
                                                    "refresh_universe"]
        trusts_run = next(r for r in runs if r.job_name == "refresh_trusts")
        assert trusts_run.tags["dagster/asset_partition_range_start"] == "0000000101"
        assert trusts_run.tags["dagster/asset_partition_range_end"] == "0000000103"
        assert trusts_run.tags["etf/trigger"] == "run-all"
        assert "0000000104" in instance.get_dynamic_partitions(CIK_PARTITIONS_NAME)
        # Requests: 1 ticker file; per trust: submissions once (the N-CEN, N-PORT and
        # 24F-2NT slices share one view of it; tests disable the 60 s cache), the N-CEN .txt,
        # one NPORT-P per ETF series (2), plus trust 103's mutual-fund series, whose
        # document is read to learn its series (then skipped as not an ETF), and the
        # newest 24F-2NT. Discovery asks about the 4 listed candidates of the exchange
        # ticker file once each (SPY, DIA, GLD, NTRS), then SPY's N-CEN .txt and DIA's
        # NPORT-P (it has no N-CEN).
        paths = [r.path for r in edgar.served()]
        assert paths.count("/files/company_tickers_mf.json") == 1
        assert paths.count("/files/company_tickers_exchange.json") == 1
        assert sum(p.startswith("/submissions/") for p in paths) == 3 + 4
        assert sum(p.endswith(".txt") for p in paths) == 3 + 1
        assert sum(p.endswith("/primary_doc.xml") for p in paths) == 7 + 3 + 1
        assert "150 holding rows" in out  # 3 trusts x 2 series x 25 positions
        assert "24F-2NT 1 notice(s), 1 block(s)" in out  # trust 101: one trust-level block
        instance.dispose()


def test_run_all_reports_failed_trust_and_exits_nonzero(capsys, sec_env):
    with start_fake(generated_trusts=2) as edgar:
        sec_env(edgar)
        # Trust 101's N-CEN becomes unreadable: that CIK fails, the next one goes on.
        ncen = next(f for f in edgar.corpus.filings if f.cik == 101 and f.form == "N-CEN")
        ncen.full_text = b"<SEC-DOCUMENT>garbage"
        assert main(["run-all", "--limit", "2"]) == 1
        out = capsys.readouterr().out
        assert "1 succeeded, 1 failed, 0 skipped" in out
        assert "failed 0000000101" in out


def test_definitions_load_and_validate():
    repo = defs.get_repository_def()
    keys = {k.to_user_string() for k in repo.asset_graph.get_all_asset_keys()}
    assert {"etf_universe", "etf_classification"} <= keys
    assert {s.name for s in repo.sensor_defs} >= {"sec_filings_sensor", "gap_repair_sensor"}
    assert repo.get_schedule_def("daily_universe_refresh")
    assert len(list(repo.asset_graph.asset_check_keys)) >= 2
    env = {k: v for k, v in os.environ.items() if k != "SEC_USER_AGENT"}
    Path(env["DAGSTER_HOME"]).mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "dagster"), "definitions", "validate",
         "-w", str(REPO / "workspace.yaml")],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "All code locations passed validation" in proc.stdout + proc.stderr


def test_parse_command_summarizes_a_real_filing(capsys):
    """`etf-pipeline parse` on PIMCO Income's trimmed NPORT-P (fixture
    0000810893_PIMCO_Income_NPORT_trimmed.xml): 12 positions, 6 forwards, 5 swaps."""
    import json
    import re
    from decimal import Decimal

    from etf_assets_tests.fake_edgar.build import fixture_path

    path = fixture_path("nport/0000810893_PIMCO_Income_NPORT_trimmed.xml")
    xml = path.read_text()
    assert main(["parse", str(path), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["positions"] == len(re.findall(r"<invstOrSec>", xml)) == 12
    assert summary["series_id"] == "S000016548"
    assert summary["derivatives_by_kind"]["forward"] == len(re.findall(r"<fwdDeriv", xml))
    assert summary["derivatives_by_kind"]["swap"] == len(re.findall(r"<swapDeriv", xml))
    assert Decimal(summary["value_usd_sum"]) == sum(
        Decimal(v) for v in re.findall(r"<valUSD>([^<]+)</valUSD>", xml))
    assert main(["parse", str(path)]) == 0
    assert "derivatives_by_kind" in capsys.readouterr().out


def test_parse_command_rejects_broken_and_missing_files(tmp_path, capsys):
    broken = tmp_path / "broken.xml"
    broken.write_bytes(b"<edgarSubmission xmlns='http://www.sec.gov/edgar/nport'><formData>")
    assert main(["parse", str(broken)]) == 1
    assert "broken.xml" in capsys.readouterr().err
    assert main(["parse", str(tmp_path / "missing.xml")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_a_pinned_data_dir_never_reaches_another_edgar(capsys, monkeypatch, sec_env):
    """The demo pins its data dir to the fake EDGAR: with no EDGAR_* variables and no
    SEC_USER_AGENT the pinned ones are used; an EDGAR_BASE_URL pointing elsewhere (say
    the real SEC) is refused before anything is written or sent."""
    from etf_assets import settings

    with start_fake(generated_trusts=1, real_tickers=False, real_filings=False) as edgar:
        settings.write_edgar_pin(edgar.url, edgar.url, "ETF Platform Demo demo@example.com")
        for var in ("EDGAR_BASE_URL", "EDGAR_DATA_URL", "SEC_USER_AGENT"):
            monkeypatch.delenv(var, raising=False)
        assert settings.base_url() == settings.data_url() == edgar.url
        assert main(["run-all"]) == 0
        assert "1 succeeded" in capsys.readouterr().out
        assert {r.user_agent for r in edgar.served()} == {"ETF Platform Demo demo@example.com"}

        monkeypatch.setenv("EDGAR_BASE_URL", "https://www.sec.gov")
        home = Path(os.environ["DAGSTER_HOME"])
        for command in (["run-all"], ["ui", "--port", "1"]):
            edgar.reset()
            assert main(command) == 2
            err = capsys.readouterr().err
            assert "EDGAR_BASE_URL=https://www.sec.gov" in err and "edgar-endpoint.json" in err
            assert edgar.served() == []
        assert sorted(p.name for p in home.iterdir() if p.suffix == ".yaml") == ["dagster.yaml"]


def test_dagster_home_keeps_the_repository_settings_unless_the_user_took_over():
    """A managed copy (marker line) follows the repository's dagster.yaml; a copy whose
    marker the user deleted is never touched."""
    from etf_assets import settings

    home = settings.ensure_dagster_home()
    target = home / "dagster.yaml"
    # The repository's settings, plus (SQLite storage) the event log kept open, in home.
    template = (REPO / "dagster.yaml").read_text() + settings.SQLITE_EVENT_LOG_YAML.format(
        base_dir=f'"{home / "history" / "runs"}"')
    assert target.read_text() == settings.MANAGED_MARKER + template
    target.write_text(settings.MANAGED_MARKER + "run_coordinator: {}\n")  # an older version
    settings.ensure_dagster_home()
    assert target.read_text() == settings.MANAGED_MARKER + template
    target.write_text("telemetry:\n  enabled: false\n")  # the user's own
    settings.ensure_dagster_home()
    assert target.read_text() == "telemetry:\n  enabled: false\n"


@pytest.mark.parametrize("var,value", [
    ("SEC_REQUESTS_PER_SECOND", "nan"), ("SEC_REQUESTS_PER_SECOND", "inf"),
    ("SEC_REQUESTS_PER_SECOND", "0"), ("SEC_REQUESTS_PER_SECOND", "-1"),
    ("SEC_REQUESTS_PER_SECOND", "abc"), ("SEC_REQUESTS_PER_SECOND", "1001"),
    ("SEC_MAX_RETRIES", "abc"), ("SEC_MAX_RETRIES", "2.5"), ("SEC_TIMEOUT_SECONDS", "0"),
    ("SEC_BACKOFF_SECONDS", "-3"), ("ETF_CACHE_TTL_SECONDS", "nan"),
    ("SEC_RATE_LIMIT_PAUSE_SECONDS", "inf"), ("EDGAR_BASE_URL", "ftp://mirror.example"),
    ("ETF_WAREHOUSE_URL", "postgresql://postgres@127.0.0.1:1/nowhere"),
    ("ETF_WAREHOUSE_URL", "postgresql://no_such_role@127.0.0.1:5432/test"),
    ("ETF_WAREHOUSE_URL", "mysql://root@127.0.0.1/test"),
    ("ETF_WAREHOUSE_URL", "not a url"),
    ("ETF_RATE_LIMIT_URL", "redis://127.0.0.1:1/0"),
    ("SEC_USER_AGENT", "Zoë Research zoe@example.com"),
    ("DAGSTER_PG_URL", "postgresql://postgres@127.0.0.1:1/nowhere"),
    ("DAGSTER_PG_URL", "sqlite:////tmp/dagster.db"),
    ("ETF_CELERY_BROKER_URL", "http://127.0.0.1:5672"),
    ("ETF_CELERY_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//"),  # no result backend
    ("ETF_COVERAGE_MAX_LAG_DAYS", "0"), ("ETF_COVERAGE_MAX_LAG_DAYS", "1.5"),
    ("ETF_TRUST_WORKERS", "0"), ("ETF_TRUST_WORKERS", "two"),
    ("ETF_EDGAR_TODAY", "2026-13-01"), ("ETF_EDGAR_TODAY", "yesterday"),
])
def test_bad_settings_exit_2_with_one_line_before_anything_is_written(var, value, capsys,
                                                                      monkeypatch, sec_env):
    """Each bad setting: exit 2, one line naming it, no Dagster home or warehouse
    written, no request sent (NaN used to disable the limiter)."""
    with start_fake(generated_trusts=1, real_tickers=False, real_filings=False) as edgar:
        sec_env(edgar)
        monkeypatch.setenv(var, value)
        assert main(["run-all"]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and var in err[0], err
        assert edgar.served() == []
        assert not Path(os.environ["DAGSTER_HOME"]).exists()
        assert not Path(os.environ["ETF_DATA_DIR"]).exists()
        assert main(["ui"]) == 2


def test_unwritable_data_dir_exits_2_naming_it(tmp_path, monkeypatch, capsys, sec_env):
    """A data dir below a file (any user), and below a read-only directory (non-root
    users only: root may write anywhere): exit 2, one line, nothing written."""
    with start_fake(generated_trusts=1, real_tickers=False, real_filings=False) as edgar:
        sec_env(edgar)
        blocker = tmp_path / "a-file"
        blocker.write_text("")
        monkeypatch.setenv("ETF_DATA_DIR", str(blocker / "data"))
        monkeypatch.delenv("DAGSTER_HOME")
        assert main(["run-all"]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "ETF_DATA_DIR" in err[0] and "not a directory" in err[0]
        if os.geteuid() != 0:
            locked = tmp_path / "locked"
            locked.mkdir(mode=0o555)
            monkeypatch.setenv("ETF_DATA_DIR", str(locked / "data"))
            assert main(["run-all"]) == 2
            assert "ETF_DATA_DIR" in capsys.readouterr().err
        assert edgar.served() == []


def test_parse_streams_large_documents_and_refuses_devices(tmp_path, capsys):
    """`parse` on a generated 60,000-position N-PORT streams it (before: every position
    held in memory, 341 MB peak for 100,000 positions; now ~90 MB whatever the size);
    /dev/zero is refused with one line instead of ending in a MemoryError."""
    import datetime as dt
    import json

    from etf_assets_tests.fake_edgar.generate import generate_nport_xml

    path = tmp_path / "big.xml"
    path.write_bytes(generate_nport_xml(
        cik="0000777777", series_id="S000777777", series_name="Big Fund",
        reg_name="Big Trust", report_date=dt.date(2024, 3, 31), n_holdings=60_000,
        n_derivatives=0, seed=5))
    code = ("import sys; from etf_assets.cli import main; rc = main(['parse', sys.argv[1], "
            "'--json']); print([l for l in open('/proc/self/status') "
            "if l.startswith('VmHWM')][0].split()[1], file=sys.stderr); sys.exit(rc)")
    run = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert json.loads(run.stdout)["positions"] == 60_000
    peak_mb = int(run.stderr.strip().splitlines()[-1]) / 1024
    assert peak_mb < 150, peak_mb
    assert main(["parse", "/dev/zero"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["etf-pipeline: error: /dev/zero: not a regular file"]


def test_parse_text_output_names_each_skipped_position(tmp_path, capsys):
    """The constructed document of test_nport_parse (position 6: <valUSD>12,5</valUSD>):
    the text output says "position 6: <reason>" (before: "position position: reason")."""
    from etf_assets_tests.test_nport_parse import INLINE

    path = tmp_path / "inline.xml"
    path.write_bytes(INLINE)
    assert main(["parse", str(path)]) == 0
    lines = [ln.strip() for ln in capsys.readouterr().out.splitlines()]
    assert "skipped                1".strip() in lines
    assert any(ln.startswith("position 6: ") and "valUSD" in ln for ln in lines), lines
