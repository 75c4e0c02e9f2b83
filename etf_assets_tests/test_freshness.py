"""Freshness: the sensor and run-all re-materialize only stale partitions."""

from __future__ import annotations

import time
from collections import Counter
from datetime import date

from dagster import (
    AssetKey,
    AssetMaterialization,
    DagsterInstance,
    DagsterRunStatus,
    build_sensor_context,
    instance_for_test,
)
from dagster._core.definitions.data_version import DATA_VERSION_TAG
from sqlalchemy import func, select

from etf_assets.cli import main
from etf_assets.definitions import RESOURCES, defs
from etf_assets.edgar.client import SecClient
from etf_assets.freshness.index import business_days, parse_form_index
from etf_assets.freshness.runs import partition_tags, plan_batches
from etf_assets.freshness.observe import INDEX_RETRY_SECONDS, FirstLook
from etf_assets.freshness.sensors import evaluate_freshness, sec_filings_sensor
from etf_assets.freshness.stale import (
    GROUPS,
    NOTHING_SEEN,
    RETRY_FAILED_AFTER_SECONDS,
    TRUST_ASSETS,
    PartitionState,
    is_newer,
    parse_data_version,
    read_states,
    stale_groups,
)
from etf_assets.partitions import CIK_PARTITIONS_NAME
from etf_assets.warehouse.engine import make_engine
from etf_assets.warehouse.freshness import read_latest
from etf_assets.warehouse.tables import (
    annual_flow,
    sec_index_day,
    derivative,
    filing,
    holding,
    ncsr_expense,
    nport_monthly_flow,
    nport_monthly_return,
    per_share_operating,
    prospectus_fee,
)
from etf_assets_tests.conftest import start_fake
from etf_assets_tests.fake_edgar.build import (
    NCSR_REPORTS,
    fixture_path,
    generated_trust,
    nport_filing,
)
from etf_assets_tests.fake_edgar.server import Faults
from etf_assets_tests.fake_edgar.tsr import plan_ncsr
from etf_assets_tests.runs import run_trusts

NPORT_KEYS = [AssetKey("holdings"), AssetKey("derivatives"), AssetKey("monthly_flows"),
              AssetKey("monthly_returns")]
# A new N-PORT also asks the lifecycle for the trust (a first report is trading).
NPORT_RUN = [*NPORT_KEYS, AssetKey("fund_lifecycle")]


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
    assert stale_groups(PartitionState(), None) == {"ncen": "never loaded",
                                                    "nport": "never loaded",
                                                    "flows": "never loaded",
                                                    "prospectus": "never loaded",
                                                    "ncsr": "never loaded",
                                                    "lifecycle": "never loaded"}
    # A group never materialized is stale on its own (a form added to a loaded trust).
    state = PartitionState({"ncen": seen, "nport": seen, "flows": None, "prospectus": seen,
                            "ncsr": seen, "lifecycle": seen})
    assert not state.never_loaded
    assert stale_groups(state, None) == {"flows": "never loaded"}
    newer = (date(2026, 11, 13), "0009999999-26-000011")
    assert stale_groups(PartitionState({"ncen": seen, "nport": seen, "flows": seen,
                                        "prospectus": seen, "ncsr": seen, "lifecycle": seen}),
                        {"nport": newer, "ncen": seen}) == {"nport": newer[1]}


def _rows(conn) -> list[tuple]:
    """Every holding, derivative, monthly flow/return and annual flow row, as comparable
    tuples (row-for-row equality)."""
    out = []
    for table in (holding, derivative, nport_monthly_flow, nport_monthly_return, annual_flow,
                  prospectus_fee, ncsr_expense, per_share_operating):
        cols = [c for c in table.c if c.name not in ("extra", "nested", "counterparties",
                                                     "notional_amounts", "ref_identifiers")]
        out += [(table.name, *r) for r in conn.execute(
            select(*cols).order_by(*table.primary_key.columns))]
    return out


def test_run_all_twice_then_sensor_picks_up_a_new_filing(sec_env, capsys):
    """First run-all loads every trust; the second sends no submissions, index or
    document request and skips all; a new NPORT-P and an NPORT-P/A published later are found by the sensor through
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
        # What is new comes from the daily indexes since the first run (none published
        # since: it recorded yesterday's as covered), not from one request per trust.
        assert not [p for p in paths if p.startswith(("/submissions/", "/Archives/edgar/d"))]

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
        assert req.partition_key == "0000000102" and req.job_name == "refresh_trusts"
        assert list(req.asset_selection) == NPORT_RUN
        # The reason names the newest filing of the group; the run loads both.
        assert req.tags["etf/reason"] == f"new filing(s) {amend.accession}"
        assert req.tags["dagster/priority"] == "-1"  # a user's own runs go first
        assert tick.cursor["last_index_day"] == "2026-11-23"
        with engine.connect() as conn:  # what SEC showed is kept for SQL users
            assert read_latest(conn, ["0000000102"])["0000000102"]["nport"] == (
                date(2026, 11, 23), max(new.accession, amend.accession))

        result = run_trusts(instance, req.partition_key, req.asset_selection)
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


def test_run_all_checks_empty_trusts_without_a_run_and_refreshes_from_the_index(sec_env,
                                                                                capsys):
    """Two listed trusts with no filing at all (their submissions JSON lists none)
    beside two generated trusts. The first run-all reads each trust's submissions once
    (a never-loaded trust's is read to decide, then handed to its load), records the
    empty ones as checked without a run (data version "none" in Dagster) and runs only
    the two with filings. The second asks SEC nothing per trust. After an NPORT-P is
    filed on Monday, Tuesday's run-all learns it from the daily indexes it has not read
    (Friday's and Monday's) and loads exactly that trust."""
    with start_fake(generated_trusts=2, real_tickers=False, real_filings=False,
                    series_per_trust=1, holdings_per_series=3) as edgar:
        corpus = edgar.corpus
        for cik, ticker in ((910, "EMPA"), (911, "EMPB")):
            corpus.tickers_mf["data"].append([cik, f"S000{cik}001", f"C000{cik}001", ticker])
        sec_env(edgar)
        assert main(["run-all"]) == 0
        out = capsys.readouterr().out
        assert "2 succeeded, 0 failed, 2 skipped (no new data; 2 of them with nothing " \
            "on EDGAR to load)" in out
        ciks = ["0000000101", "0000000102", "0000000910", "0000000911"]
        subs = Counter(r.path for r in edgar.served() if r.path.startswith("/submissions/"))
        assert subs == {f"/submissions/CIK{c}.json": 1 for c in ciks}
        instance = DagsterInstance.get()
        runs = [r for r in instance.get_runs() if r.job_name == "refresh_trusts"]
        assert len(runs) == 1 and partition_tags(ciks[:2]).items() <= runs[0].tags.items()
        states = read_states(instance, ciks, attempts=False)
        assert all(v == NOTHING_SEEN for c in ciks[2:] for v in states[c].seen.values())
        assert states[ciks[0]].seen["nport"] not in (None, NOTHING_SEEN)
        empty = instance.fetch_materializations(AssetKey("derivatives"), limit=10).records
        by_partition = {r.partition_key: r.asset_materialization for r in empty}
        assert by_partition["0000000910"].metadata["checked_without_run"].value == \
            "EDGAR shows no filing of the forms this pipeline reads"
        assert by_partition["0000000910"].tags[DATA_VERSION_TAG] == "none"
        engine = make_engine()
        with engine.connect() as conn:
            days = conn.execute(select(sec_index_day.c.day, sec_index_day.c.status)).all()
        assert days == [(date(2026, 11, 19), "baseline")]  # the fake's today: 2026-11-20

        edgar.reset()
        assert main(["run-all"]) == 0
        assert "0 succeeded, 0 failed, 4 skipped" in capsys.readouterr().out
        assert not [r.path for r in edgar.served()
                    if r.path.startswith(("/submissions/", "/Archives/edgar/d"))]

        new = nport_filing(101, "Fakeshares Trust 001", corpus.accessions.next(2026),
                           "S900000000", "Fakeshares ETF", [], date(2026, 10, 31),
                           date(2026, 11, 23), n_holdings=4, n_derivatives=0, seed=3)
        corpus.add(new)
        edgar.set_today(date(2026, 11, 24))
        edgar.reset()
        assert main(["run-all"]) == 0
        assert "1 succeeded, 0 failed, 3 skipped" in capsys.readouterr().out
        paths = [r.path for r in edgar.served()]
        assert [p for p in paths if "/daily-index/" in p] == [
            "/Archives/edgar/daily-index/2026/QTR4/form.20261120.idx",
            "/Archives/edgar/daily-index/2026/QTR4/form.20261123.idx"]
        assert [p for p in paths if p.startswith("/submissions/")] == [
            "/submissions/CIK0000000101.json"]  # the load lists the trust's filings
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(holding).where(
                holding.c.accession_number == new.accession)).scalar_one() == 4
            assert conn.execute(select(func.max(sec_index_day.c.day))).scalar_one() == \
                date(2026, 11, 23)
        instance.dispose()


def test_first_look_decides_nothing_to_load_only_when_no_page_could_hold_a_form():
    """A trust whose recent filings hold none of our forms still has something to load
    when older pages exist (a large trust's N-CEN sits in a page)."""
    recent = {"accessionNumber": ["0000000001-26-000001"], "form": ["10-K"],
              "filingDate": ["2026-01-02"]}
    assert FirstLook(None, ()).nothing_to_load
    assert FirstLook({"filings": {"recent": recent, "files": []}}, ()).nothing_to_load
    assert not FirstLook({"filings": {"recent": recent, "files": [{"name": "p1.json"}]}},
                         ()).nothing_to_load
    assert not FirstLook({"filings": {"recent": recent, "files": []}},
                         ("N-CEN",)).nothing_to_load


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
    # Per trust: 8 positions + 1 derivative, 3 months of flows and of returns (one
    # class), a 24F-2NT block per series (even CIKs: 15 trusts, 27 series) or one for
    # the trust, one fee row per ETF class, a TSR expense row per ETF class in each of
    # the N-CSR and N-CSRS, their highlights columns (5 years; 6 with the six months);
    # filings: N-CEN + the newest NPORT-P + the newest 24F-2NT + the 485BPOS + N-CSR +
    # N-CSRS.
    highlights_columns = sum(
        len(t.columns) for i in range(30) for report, _, semiannual in NCSR_REPORTS
        for c, t in zip(*_ncsr_plan_parts(i, report, semiannual)) if c.is_etf)
    tables = [r[0] for r in clean]
    assert {t: tables.count(t) for t in set(tables)} == {
        "holding": 30 * 8, "derivative": 30, "nport_monthly_flow": 30 * 3,
        "nport_monthly_return": 30 * 3, "annual_flow": 15 + 27, "prospectus_fee": 30,
        "ncsr_expense": 30 * 2, "per_share_operating": highlights_columns}
    assert n_filings == 30 * 6
    assert faulty == clean


def _ncsr_plan_parts(i: int, report: date, semiannual: bool):
    """The classes and highlights tables generated trust i's report is rendered from."""
    cik, name, series = generated_trust(i, 1)
    plan = plan_ncsr(cik=f"{cik:010d}", reg_name=name, series=series, period_end=report,
                     semiannual=semiannual, seed=42 + i)
    return plan.classes, plan.highlights


def _seed_states(instance, ciks: list[str], version: str) -> None:
    """Every form group of `ciks` loaded, having seen `version`."""
    for cik in ciks:
        for group in GROUPS.values():
            instance.report_runless_asset_event(AssetMaterialization(
                group.state_asset, partition=cik, tags={DATA_VERSION_TAG: version}))


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
            AssetKey("etf_classification"), *NPORT_KEYS, AssetKey("annual_flows"),
            AssetKey("fees"), AssetKey("performance"), AssetKey("per_share"),
            AssetKey("fund_lifecycle")}


def _queue(instance, ciks: list[str]):
    """A refresh_trusts run over `ciks` as the daemon would create it (planned events
    and all), not started yet (a queued run needs a code location to be created)."""
    return instance.create_run_for_job(
        job_def=defs.resolve_job_def("refresh_trusts"), tags={
            **partition_tags(ciks), "etf/trigger": "freshness"},
        asset_selection=frozenset(TRUST_ASSETS), status=DagsterRunStatus.NOT_STARTED)


def _ranges(requests) -> list[tuple[str, str]]:
    out = []
    for r in requests:
        if r.partition_key:
            out.append((r.partition_key, r.partition_key))
        else:
            out.append((r.tags["dagster/asset_partition_range_start"],
                        r.tags["dagster/asset_partition_range_end"]))
    return out


def test_first_loads_are_batched_and_the_queue_stays_bounded(sec_env):
    """100 never-loaded trusts: runs of 10 contiguous trusts, at most 2 x the queue's
    concurrency in flight (8 here), none asked for twice while in flight; a run that
    failed is asked for again only after the back-off."""
    queue = {"run_coordinator": {
        "module": "dagster._core.run_coordinator", "class": "QueuedRunCoordinator",
        "config": {"max_concurrent_runs": 4}}}  # as in the repository's dagster.yaml
    with start_fake(generated_trusts=0, real_tickers=False, real_filings=False) as edgar, \
            instance_for_test(overrides=queue) as instance:
        sec_env(edgar)
        ciks = [f"{9_000_000 + i:010d}" for i in range(100)]
        instance.add_dynamic_partitions(CIK_PARTITIONS_NAME, ciks)
        client, engine = SecClient.from_env(), make_engine()
        cursor = {"last_index_day": "2026-11-19"}
        edgar.set_today(date(2026, 11, 20))
        tick = evaluate_freshness(instance, client, engine, cursor, date(2026, 11, 20))
        assert _ranges(tick.run_requests) == [(ciks[i], ciks[i + 9]) for i in range(0, 80, 10)]
        assert tick.held_back_runs == 2 and tick.stale_trusts == 100
        req = tick.run_requests[0]
        assert set(req.asset_selection) == set(TRUST_ASSETS)
        assert req.tags["etf/reason"] == "never loaded: 10 trust(s)"

        # The daemon queues what the tick asked for: the next tick asks for nothing
        # (the queue is full), and never again for a trust already queued.
        runs = [_queue(instance, ciks[i:i + 10]) for i in range(0, 80, 10)]
        tick = evaluate_freshness(instance, client, engine, tick.cursor, date(2026, 11, 20))
        assert tick.run_requests == [] and tick.busy_trusts == 80
        # Two runs end: one fails, one is canceled by the user.
        instance.report_run_failed(runs[0])
        instance.report_run_canceled(runs[1])
        tick = evaluate_freshness(instance, client, engine, tick.cursor, date(2026, 11, 20))
        assert _ranges(tick.run_requests) == [(ciks[80], ciks[89]), (ciks[90], ciks[99])]
        later = time.time() + RETRY_FAILED_AFTER_SECONDS + 60
        for run in runs[2:]:
            instance.report_run_canceled(run)
        tick = evaluate_freshness(instance, client, engine, tick.cursor, date(2026, 11, 20),
                                  now=later)
        assert len(tick.run_requests) == 8  # all 80 again, once the back-off is over


def test_new_filings_go_before_first_loads_and_holidays_do_not_block_the_cursor(sec_env):
    """A weekday whose index is missing long after the fact is a holiday; a missing
    index for yesterday is retried (not every tick); a trust with a new filing is asked
    for before never-loaded ones."""
    with start_fake(generated_trusts=2, real_tickers=False, real_filings=False,
                    holdings_per_series=3) as edgar, instance_for_test() as instance:
        sec_env(edgar)
        loaded = ["0000000101", "0000000102"]
        never = [f"{9_000_000 + i:010d}" for i in range(20)]
        instance.add_dynamic_partitions(CIK_PARTITIONS_NAME, loaded + never)
        _seed_states(instance, loaded, "2026-11-20|0009999999-26-000001")
        client, engine = SecClient.from_env(), make_engine()
        corpus = edgar.corpus
        new = nport_filing(102, "Fakeshares Trust 002", corpus.accessions.next(2026),
                           "S900001000", "Fakeshares ETF", [], date(2026, 10, 31),
                           date(2026, 11, 24), n_holdings=2, n_derivatives=0, seed=3)
        corpus.add(new)
        corpus.holidays.add(date(2026, 11, 26))  # Thanksgiving: no index
        edgar.set_today(date(2026, 12, 1))  # the fake has published through Nov 30
        first = evaluate_freshness(instance, client, engine,
                                   {"last_index_day": "2026-11-20"}, date(2026, 12, 2))
        # The holiday (6 days old) is passed; Dec 1 (yesterday, not published) is retried.
        assert first.index_days_read == ["2026-11-23", "2026-11-24", "2026-11-25",
                                         "2026-11-26", "2026-11-27", "2026-11-30"]
        assert first.cursor["last_index_day"] == "2026-11-30"
        assert _ranges(first.run_requests) == [
            ("0000000102", "0000000102"), (never[0], never[9]), (never[10], never[19])]
        assert first.run_requests[0].asset_selection == NPORT_RUN
        assert new.accession in first.run_requests[0].tags["etf/reason"]
        edgar.reset()
        second = evaluate_freshness(instance, client, engine, first.cursor, date(2026, 12, 2))
        assert second.index_days_read == [] and edgar.served() == []  # not every tick
        third = evaluate_freshness(instance, client, engine, first.cursor, date(2026, 12, 2),
                                   now=time.time() + INDEX_RETRY_SECONDS + 1)
        assert third.index_days_read == [] and len(edgar.served()) == 1  # retried


def test_plan_batches_keeps_runs_contiguous_and_alike():
    order = [f"{i:010d}" for i in range(1, 30)]
    stale = {order[0]: {"nport": "a"}, order[1]: {"nport": "b"}, order[2]: {"ncen": "c"},
             order[4]: {"nport": "d"}, **{c: {"ncen": "never loaded", "nport": "never loaded"}
                                          for c in order[5:28]}}
    batches = plan_batches(stale, order, size=10)
    assert [(b.ciks[0], b.ciks[-1], b.groups) for b in batches] == [
        (order[0], order[1], ("nport",)), (order[2], order[2], ("ncen",)),
        (order[4], order[4], ("nport",)), (order[5], order[14], ("ncen", "nport")),
        (order[15], order[24], ("ncen", "nport")), (order[25], order[27], ("ncen", "nport"))]
    assert batches[0].reason() == "new filing(s) a, b"
