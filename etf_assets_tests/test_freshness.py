"""Freshness: the sensor and run-all re-materialize only stale partitions."""

from __future__ import annotations

import time
from datetime import date

from dagster import (
    AssetKey,
    AssetMaterialization,
    DagsterInstance,
    build_sensor_context,
    instance_for_test,
    materialize,
)
from dagster._core.definitions.data_version import DATA_VERSION_TAG
from sqlalchemy import func, select

from etf_assets.cli import main
from etf_assets.definitions import RESOURCES
from etf_assets.edgar.client import SecClient
from etf_assets.freshness.index import business_days, parse_form_index
from etf_assets.freshness.sensors import evaluate_freshness, sec_filings_sensor
from etf_assets.freshness.stale import (
    PartitionState,
    is_newer,
    parse_data_version,
    stale_groups_from_submissions,
)
from etf_assets.nport.assets import nport
from etf_assets.partitions import CIK_PARTITIONS_NAME
from etf_assets.universe.assets import etf_classification
from etf_assets.warehouse.engine import make_engine
from etf_assets.warehouse.tables import derivative, filing, holding
from etf_assets_tests.conftest import start_fake
from etf_assets_tests.fake_edgar.build import fixture_path, nport_filing
from etf_assets_tests.fake_edgar.server import Faults

NPORT_KEYS = [AssetKey("holdings"), AssetKey("derivatives")]


def test_parse_real_daily_form_index():
    """form.20200318.idx (real daily index of 2020-03-18, all filers)."""
    data = fixture_path("index/form.20200318.idx").read_bytes()
    entries = parse_form_index(data)
    rows = [ln for ln in data.decode("latin-1").splitlines() if "edgar/data/" in ln]
    assert len(entries) == len(rows)
    gs = next(e for e in entries if e.accession_number == "0001752724-20-052894")
    assert (gs.form, gs.company, gs.cik, gs.date_filed) == (
        "NPORT-P", "GOLDMAN SACHS TRUST", "0000822977", date(2020, 3, 18))
    assert {e.form for e in entries} >= {"NPORT-P", "NPORT-P/A", "N-CEN/A", "485BPOS", "24F-2NT"}
    assert sum(e.form == "NPORT-P" for e in entries) == 30


def test_business_days_skip_weekends():
    assert business_days(date(2026, 11, 20), date(2026, 11, 24)) == [
        date(2026, 11, 23), date(2026, 11, 24)]


def test_staleness_rule():
    seen = (date(2026, 11, 12), "0009999999-26-000010")
    assert not is_newer(seen, seen)
    assert is_newer((date(2026, 11, 12), "0009999999-26-000011"), seen)  # same day, new
    assert is_newer((date(2026, 11, 13), "x"), seen)
    assert not is_newer((date(2026, 11, 11), "y"), seen)
    assert is_newer((date(2026, 1, 1), "z"), None)  # never materialized
    assert parse_data_version("none") is None
    assert parse_data_version("2026-11-12|0009999999-26-000010") == seen
    state = PartitionState({"ncen": seen, "nport": None})
    assert stale_groups_from_submissions([], state) == {"ncen": "never loaded",
                                                        "nport": "never loaded"}


def _rows(conn) -> list[tuple]:
    """Every holding and derivative row, as comparable tuples (row-for-row equality)."""
    out = []
    for table in (holding, derivative):
        cols = [c for c in table.c if c.name not in ("extra", "nested", "counterparties",
                                                     "notional_amounts", "ref_identifiers")]
        out += [(table.name, *r) for r in conn.execute(
            select(*cols).order_by(*table.primary_key.columns))]
    return out


def test_run_all_twice_then_sensor_picks_up_a_new_filing(sec_env, capsys):
    """First run-all loads every trust; the second sends no document request and skips
    all; a new NPORT-P and an NPORT-P/A published later are found by the sensor through
    one daily index request, for exactly that trust and only the N-PORT assets."""
    with start_fake(generated_trusts=3, real_tickers=False, real_filings=False,
                    holdings_per_series=12) as edgar:
        sec_env(edgar)
        assert main(["run-all"]) == 0
        out = capsys.readouterr().out
        assert "3 succeeded, 0 failed, 0 skipped" in out
        engine = make_engine()
        with engine.connect() as conn:
            before = conn.execute(select(func.count()).select_from(holding)).scalar_one()
        assert before == 3 * 2 * 12  # 3 trusts x 2 ETF series x 12 positions

        edgar.reset()
        assert main(["run-all"]) == 0
        out = capsys.readouterr().out
        assert "0 succeeded, 0 failed, 3 skipped" in out
        paths = [r.path for r in edgar.served()]
        assert not [p for p in paths if p.startswith("/Archives/edgar/data/")]
        assert sum(p.startswith("/submissions/") for p in paths) == 3

        # Publish: a new NPORT-P of trust 102's first series, and an amendment of trust
        # 102's second series' 2026-09-30 report, filed on Monday 2026-11-23.
        corpus = edgar.corpus
        new = nport_filing(102, "Fakeshares Trust 002", corpus.accessions.next(2026),
                           "S900001000", "Fakeshares ETF", [], date(2026, 10, 31),
                           date(2026, 11, 23), n_holdings=9, n_derivatives=1, seed=7)
        amend = nport_filing(102, "Fakeshares Trust 002", corpus.accessions.next(2026),
                             "S900001001", "Fakeshares ETF", [], date(2026, 9, 30),
                             date(2026, 11, 23), n_holdings=5, n_derivatives=0, seed=8,
                             form="NPORT-P/A")
        corpus.add(new)
        corpus.add(amend)
        instance = DagsterInstance.get()
        client = SecClient.from_env()
        cursor = {"last_index_day": "2026-11-20"}  # Friday; run-all saw everything
        edgar.reset()
        tick = evaluate_freshness(instance, client, engine, cursor, today=date(2026, 11, 23))
        assert tick.run_requests == [] and tick.index_days_read == []  # not published yet
        assert tick.cursor["last_index_day"] == cursor["last_index_day"]
        edgar.set_today(date(2026, 11, 24))
        tick = evaluate_freshness(instance, client, engine, cursor, today=date(2026, 11, 24))
        assert [r.path for r in edgar.served()] == [
            "/Archives/edgar/daily-index/2026/QTR4/form.20261123.idx"]
        assert len(tick.run_requests) == 1
        req = tick.run_requests[0]
        assert req.partition_key == "0000000102"
        assert list(req.asset_selection) == NPORT_KEYS
        assert new.accession in req.run_key and amend.accession in req.run_key
        assert tick.cursor["last_index_day"] == "2026-11-23"

        result = materialize([etf_classification, nport], instance=instance,
                             resources=RESOURCES, partition_key=req.partition_key,
                             selection=req.asset_selection)
        assert result.success
        with engine.connect() as conn:
            counts = dict(conn.execute(select(holding.c.accession_number, func.count())
                                       .where(holding.c.cik == "0000000102")
                                       .group_by(holding.c.accession_number)).all())
            total = conn.execute(select(func.count()).select_from(holding)).scalar_one()
        assert counts[new.accession] == 9 and counts[amend.accession] == 5
        assert total == before + 9 + 5  # the old reports' rows are all still there
        # The next tick finds nothing new: the data version moved past both filings.
        edgar.reset()
        edgar.set_today(date(2026, 11, 25))
        tick = evaluate_freshness(instance, client, engine, tick.cursor,
                                  today=date(2026, 11, 25))
        assert tick.run_requests == [] and tick.index_days_read == ["2026-11-24"]
        instance.dispose()


def test_run_all_under_faults_then_rerun_equals_fault_free(sec_env, monkeypatch, capsys,
                                                           tmp_path):
    """30 generated trusts behind 10% 5xx, 2% timeouts, 1% truncated bodies, with a
    single retry allowed so failures happen: run-all finishes and names the failed
    trusts; a second run completes them; the warehouse equals a fault-free run's."""
    kwargs = dict(generated_trusts=30, real_tickers=False, real_filings=False,
                  series_per_trust=1, holdings_per_series=8, derivatives_per_series=1)
    monkeypatch.setenv("SEC_MAX_RETRIES", "1")
    monkeypatch.setenv("SEC_BACKOFF_SECONDS", "0.05")
    monkeypatch.setenv("SEC_TIMEOUT_SECONDS", "0.5")
    with start_fake(**kwargs) as edgar:
        sec_env(edgar)
        edgar.set_faults(Faults(error_rate=0.10, timeout_rate=0.02, truncate_rate=0.01,
                                timeout_seconds=1.0, seed=5))
        first = main(["run-all"])
        out = capsys.readouterr().out
        summary = next(ln for ln in out.splitlines() if " succeeded, " in ln)
        failed = int(summary.split(" succeeded, ")[1].split(" failed")[0])
        assert failed > 0 and first == 1  # faults did bite, and were reported
        assert out.count("  failed 0000000") == failed
        edgar.set_faults(Faults())
        assert main(["run-all"]) == 0
        assert "0 failed" in capsys.readouterr().out
        with make_engine().connect() as conn:
            faulty = _rows(conn)
            n_filings = conn.execute(select(func.count()).select_from(filing)).scalar_one()

    monkeypatch.setenv("ETF_DATA_DIR", str(tmp_path / "clean"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "clean" / "dagster-home"))
    with start_fake(**kwargs) as edgar:
        sec_env(edgar)
        assert main(["run-all"]) == 0
        with make_engine().connect() as conn:
            clean = _rows(conn)
    assert len(clean) == 30 * (8 + 1) and n_filings == 30 * 2  # N-CEN + NPORT-P each
    assert faulty == clean


def _seed_states(instance, ciks: list[str], version: str) -> None:
    for cik in ciks:
        for key in ("holdings", "etf_classification"):
            instance.report_runless_asset_event(AssetMaterialization(
                key, partition=cik, tags={DATA_VERSION_TAG: version}))


def test_sensor_tick_over_many_partitions_makes_one_request_per_day(sec_env):
    """300 loaded partitions, nothing new on SEC: one index request for the one new
    business day, no run. (benchmarks/sensor_bench.py measures 5,000.)"""
    with start_fake(generated_trusts=0, real_tickers=False, real_filings=False) as edgar, \
            instance_for_test() as instance:
        sec_env(edgar)
        ciks = [f"{9_000_000 + i:010d}" for i in range(300)]
        instance.add_dynamic_partitions(CIK_PARTITIONS_NAME, ciks)
        _seed_states(instance, ciks, "2026-11-19|0009999999-26-000001")
        edgar.set_today(date(2026, 11, 24))
        client = SecClient.from_env()
        t0 = time.monotonic()
        tick = evaluate_freshness(instance, client, make_engine(),
                                  {"last_index_day": "2026-11-20"}, date(2026, 11, 24))
        elapsed = time.monotonic() - t0
        assert tick.run_requests == []
        assert len(edgar.served()) == 1 and tick.index_days_read == ["2026-11-23"]
        assert elapsed < 10
        # Through the real sensor entry point: never-loaded partitions get a first run.
        instance.add_dynamic_partitions(CIK_PARTITIONS_NAME, ["0000000042"])
        with build_sensor_context(instance=instance, cursor='{"last_index_day": "%s"}'
                                  % date.today().isoformat(),
                                  resources={"sec": RESOURCES["sec"],
                                             "warehouse": RESOURCES["warehouse"]}) as ctx:
            result = sec_filings_sensor(ctx)
        assert [r.partition_key for r in result.run_requests] == ["0000000042"]
        assert set(result.run_requests[0].asset_selection) == {
            AssetKey("etf_classification"), *NPORT_KEYS}


def test_never_loaded_trusts_rotate_and_holidays_do_not_block_the_cursor(sec_env):
    """60 never-loaded trusts are all requested within two ticks (none starved); a
    weekday whose index is missing long after the fact is a holiday; a missing index
    for yesterday is retried."""
    with start_fake(generated_trusts=0, real_tickers=False, real_filings=False) as edgar, \
            instance_for_test() as instance:
        sec_env(edgar)
        ciks = [f"{9_000_000 + i:010d}" for i in range(60)]
        instance.add_dynamic_partitions(CIK_PARTITIONS_NAME, ciks)
        client, engine = SecClient.from_env(), make_engine()
        edgar.corpus.holidays.add(date(2026, 11, 26))  # Thanksgiving: no index
        edgar.set_today(date(2026, 12, 1))  # the fake has published through Nov 30
        first = evaluate_freshness(instance, client, engine,
                                   {"last_index_day": "2026-11-20"}, date(2026, 12, 2))
        second = evaluate_freshness(instance, client, engine, first.cursor, date(2026, 12, 2))
        requested = [r.partition_key for r in first.run_requests + second.run_requests]
        assert set(requested) == set(ciks)
        # The holiday (6 days old) is passed; Dec 1 (yesterday, not published) is retried.
        assert first.index_days_read == ["2026-11-23", "2026-11-24", "2026-11-25",
                                         "2026-11-26", "2026-11-27", "2026-11-30"]
        assert first.cursor["last_index_day"] == "2026-11-30"
        assert second.index_days_read == []
