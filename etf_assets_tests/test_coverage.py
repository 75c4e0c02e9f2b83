"""The coverage report: the pure report, and the `coverage` asset on a fake EDGAR (what
it reports after loads, a new filing, a failed attempt and a repair; its check; its
automation condition)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from dagster import (
    AssetKey,
    AssetSelection,
    DagsterInstance,
    evaluate_automation_conditions,
    materialize,
)
from sqlalchemy import select, update

from etf_assets.cli import main
from etf_assets.coverage.assets import coverage, etfs_within_max_lag
from etf_assets.coverage.report import (
    BEHIND,
    NEVER_LOADED,
    NOTHING_FILED,
    UP_TO_DATE,
    Etf,
    Failure,
    TrustGroup,
    build_coverage,
    markdown,
    over_lag,
    summary,
)
from etf_assets.definitions import RESOURCES, defs
from etf_assets.edgar.client import SecClient
from etf_assets.freshness.observe import observe_submissions
from etf_assets.freshness.stale import GROUPS, NOTHING_SEEN, TRUST_ASSETS
from etf_assets.warehouse.engine import make_engine
from etf_assets.warehouse.tables import coverage as coverage_table
from etf_assets_tests.conftest import start_fake
from etf_assets_tests.fake_edgar.build import nport_filing
from etf_assets_tests.runs import run_trusts

AS_OF = datetime(2026, 12, 1, 8, 0)
E1 = Etf("C000000001", "AAAA", "S000000001", "0000000101", "Fund A", date(2026, 1, 5))
E2 = Etf("C000000002", "BBBB", "S000000002", "0000000102", "Fund B", date(2026, 11, 20))
NPORT_KEYS = [AssetKey(k) for k in ("holdings", "derivatives", "monthly_flows",
                                    "monthly_returns")]
NEW_NPORT_KEYS = [*NPORT_KEYS, AssetKey("fund_lifecycle")]


def _rows_by_key(rows):
    return {(r["class_id"], r["form_group"]): r for r in rows}


def test_report_statuses_lag_and_carried_behind_since():
    """Up to date (SEC shows nothing newer than the last run saw, loaded or skipped),
    behind (since the filing it lacks, or since an earlier report saw it behind),
    never loaded (since the universe listed the ETF), nothing filed; any group name
    (a new slice's) is reported alike."""
    nov10, nov20 = (date(2026, 11, 10), "0000000101-26-000010"), \
        (date(2026, 11, 20), "0000000101-26-000020")
    failure = Failure("run-1", datetime(2026, 11, 30, 9), "nport: HTTP 500")
    states = {
        ("0000000101", "ncen"): TrustGroup(seen=nov10, tables_loaded=("etf_classification",),
                                           loaded_newest=nov10),
        # SEC shows Nov 20, the last run saw Nov 10: behind since Nov 20.
        ("0000000101", "nport"): TrustGroup(seen=nov10, tables_loaded=("holdings",),
                                            sec_newest=nov20, loaded_newest=nov10,
                                            failure=failure),
        # A run saw Nov 20 and skipped it (no filing row): up to date, not behind.
        ("0000000101", "prospectus"): TrustGroup(seen=nov20, tables_loaded=("fees",)),
        ("0000000101", "flows"): TrustGroup(seen=NOTHING_SEEN, tables_loaded=("annual_flows",)),
        ("0000000101", "ncsr"): TrustGroup(seen=nov10, sec_newest=nov20),
    }
    groups = ["ncen", "nport", "flows", "prospectus", "ncsr"]
    previous = {("C000000001", "ncsr"): date(2026, 9, 1)}
    rows = _rows_by_key(build_coverage([E2, E1], groups, states, AS_OF, previous))
    assert len(rows) == 2 * len(groups)

    ncen = rows[("C000000001", "ncen")]
    assert (ncen["status"], ncen["lag_days"], ncen["behind_since"]) == (UP_TO_DATE, 0, None)
    assert ncen["sec_newest_filing_date"] == date(2026, 11, 10)  # what the run saw
    nport = rows[("C000000001", "nport")]
    assert nport["status"] == BEHIND and nport["behind_since"] == date(2026, 11, 20)
    assert nport["lag_days"] == 11
    assert (nport["sec_newest_accession"], nport["loaded_newest_accession"]) == (
        nov20[1], nov10[1])
    assert (nport["last_failure_run_id"], nport["last_failure"]) == ("run-1", "nport: HTTP 500")
    assert nport["tables_loaded"] == "holdings" and nport["ticker"] == "AAAA"
    assert rows[("C000000001", "prospectus")]["status"] == UP_TO_DATE
    assert rows[("C000000001", "flows")]["status"] == NOTHING_FILED
    ncsr = rows[("C000000001", "ncsr")]  # behind since an earlier report saw it so
    assert (ncsr["behind_since"], ncsr["lag_days"]) == (date(2026, 9, 1), 91)
    never = rows[("C000000002", "nport")]
    assert (never["status"], never["behind_since"], never["lag_days"]) == (
        NEVER_LOADED, date(2026, 11, 20), 11)
    assert never["tables_loaded"] == ""

    late = over_lag(rows.values(), 45)
    assert [(r["class_id"], r["form_group"]) for r in late] == [("C000000001", "ncsr")]
    assert over_lag(rows.values(), 91) == []
    per_group = {s["form_group"]: s for s in summary(list(rows.values()), groups)}
    assert per_group["nport"] == {"form_group": "nport", "etfs": 2, "up_to_date": 0,
                                  "behind": 1, "never_loaded": 1, "nothing_filed": 0,
                                  "last_attempt_failed": 1, "max_lag_days": 11}
    md = markdown(list(rows.values()), groups)
    lines = md.splitlines()
    assert "| nport | 2 | 0 (0%) | 1 (50%) | 1 (50%) | 1 (50%) | 0 (0%) |" in lines
    top = lines.index("| ticker | fund | trust | ncen | nport | flows | prospectus | ncsr | "
                      "max lag (d) |")
    assert lines[top + 2].startswith("| AAAA |") and "**behind 11 d** (failed)" in lines[top + 2]
    assert "ok 2026-11-10" in lines[top + 2] and "none filed" in lines[top + 2]
    assert "1 of 2 ETFs shown" in markdown(list(rows.values()), groups, limit=1)


def _report(instance):
    """Materialize `coverage` (and its check) as the automation's run does."""
    result = materialize([coverage, etfs_within_max_lag], instance=instance,
                         resources=RESOURCES)
    assert result.success
    (mat,) = result.get_asset_materialization_events()
    (check,) = result.get_asset_check_evaluations()
    engine = make_engine()
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(coverage_table))]
    return mat.materialization.metadata, check, _rows_by_key(rows)


def test_coverage_asset_after_loads_a_new_filing_a_failure_and_a_repair(sec_env, monkeypatch):
    with start_fake(generated_trusts=2, real_tickers=False, real_filings=False,
                    holdings_per_series=4) as edgar:
        sec_env(edgar)
        assert main(["run-all"]) == 0
        instance = DagsterInstance.get()
        # run-all refreshed the report at its end (before issue 24 the automation asked
        # for the first one): nothing for the automation to ask for.
        tick = evaluate_automation_conditions(defs=defs, instance=instance)
        assert tick.get_num_requested(AssetKey("coverage")) == 0
        with make_engine().connect() as conn:
            assert conn.execute(select(coverage_table)).first() is not None

        md, check, rows = _report(instance)
        etfs = {c for c, _ in rows}
        assert len(etfs) == 4 and len(rows) == 4 * len(GROUPS)
        assert md["form_groups"].value == list(GROUPS)  # a new slice is covered as it lands
        assert {r["status"] for r in rows.values()} == {UP_TO_DATE}
        for (_, group), row in rows.items():
            assert row["tables_loaded"] == ",".join(k.to_user_string()
                                                    for k in GROUPS[group].assets)
        assert check.passed and check.metadata["max_lag_days"].value == 45
        assert "| ok " in md["report"].value
        tick = evaluate_automation_conditions(defs=defs, instance=instance, cursor=tick.cursor)
        assert tick.get_num_requested(AssetKey("coverage")) == 0  # nothing changed since

        # SEC shows a newer NPORT-P of trust 102 (its submissions read by gap repair), and
        # the next attempt at it fails (SEC answers 500).
        seen = rows[(sorted(etfs)[2], "nport")]["loaded_newest_filing_date"]
        new = nport_filing(102, "Fakeshares Trust 002", edgar.corpus.accessions.next(2026),
                           "S900001000", "Fakeshares ETF", [], date(2026, 10, 31),
                           seen + timedelta(days=1), n_holdings=3, n_derivatives=0, seed=5)
        edgar.corpus.add(new)
        observe_submissions(SecClient.from_env(), make_engine(), "0000000102")
        monkeypatch.setenv("SEC_MAX_RETRIES", "0")
        edgar.force_status(500, count=1)
        # (A new N-PORT also makes the trust's lifecycle stale: a fund's first report is
        # its trading evidence.)
        failed = run_trusts(instance, "0000000102", NEW_NPORT_KEYS)
        assert not failed.success
        monkeypatch.setenv("ETF_COVERAGE_MAX_LAG_DAYS", "3650")
        md, check, rows = _report(instance)
        late = {k: r for k, r in rows.items() if r["status"] != UP_TO_DATE}
        assert {(r["cik"], g) for (_, g), r in late.items()} == {("0000000102", "nport"),
                                                                 ("0000000102", "lifecycle")}
        assert len(late) == 4  # both ETF classes of trust 102, both groups
        for (_, group), row in late.items():
            assert row["status"] == BEHIND and row["behind_since"] == new.filing_date
            assert row["sec_newest_accession"] == new.accession
            if group == "nport":  # the lifecycle keeps its own record (lifecycle_filing)
                assert row["loaded_newest_filing_date"] == seen
            assert row["lag_days"] == max(0, (row["as_of"].date() - new.filing_date).days)
            assert row["last_failure_run_id"] == failed.run_id
            assert "500" in row["last_failure"]
        assert check.passed  # within 3650 days

        # Had the report seen it behind for 60 days, the default 45 days would be over.
        monkeypatch.delenv("ETF_COVERAGE_MAX_LAG_DAYS")
        engine = make_engine()
        with engine.begin() as conn:
            conn.execute(update(coverage_table).where(coverage_table.c.status == BEHIND)
                         .values(behind_since=date.today() - timedelta(days=60)))
        md, check, rows = _report(instance)
        assert all(r["lag_days"] >= 60 for r in rows.values() if r["status"] == BEHIND)
        assert not check.passed and check.metadata["etfs_over"].value == 2
        assert {r["cik"] for r in check.metadata["latest"].value} == {"0000000102"}
        # The check alone reads the report as it stands.
        alone = materialize([coverage, etfs_within_max_lag], instance=instance,
                            resources=RESOURCES,
                            selection=AssetSelection.checks(etfs_within_max_lag))
        (again,) = alone.get_asset_check_evaluations()
        assert not again.passed and alone.get_asset_materialization_events() == []

        # Repaired: the load succeeds, the automation asks for a new report, which is clean.
        tick = evaluate_automation_conditions(defs=defs, instance=instance, cursor=tick.cursor)
        assert tick.get_num_requested(AssetKey("coverage")) == 0
        assert run_trusts(instance, "0000000102", NEW_NPORT_KEYS).success
        tick = evaluate_automation_conditions(defs=defs, instance=instance, cursor=tick.cursor)
        assert tick.get_num_requested(AssetKey("coverage")) == 1
        md, check, rows = _report(instance)
        assert {r["status"] for r in rows.values()} == {UP_TO_DATE}
        assert all(r["last_failure_run_id"] is None and r["lag_days"] == 0
                   for r in rows.values())
        assert check.passed
        instance.dispose()


def test_coverage_follows_every_per_trust_table():
    """Downstream of the universe and of every table of every form group (GROUPS), and
    under the declared automation sensor, which is on by default."""
    graph = defs.resolve_asset_graph()
    assert graph.get(AssetKey("coverage")).parent_keys == {AssetKey("etf_universe"),
                                                           *TRUST_ASSETS}
    sensor = defs.resolve_sensor_def("default_automation_condition_sensor")
    assert sensor.default_status.value == "RUNNING"


def test_report_leads_with_failed_behind_never_loaded_and_counts_nothing_filed():
    """4 ETFs: nothing filed anywhere (lowest CIK), up to date, never loaded, behind with
    a failed attempt: the table lists failed, never loaded, up to date; the
    nothing-filed one is one line above it."""
    def row(cik, cls, status, lag=0, failed=None):
        return {"cik": cik, "class_id": cls, "ticker": cls, "fund_name": cls,
                "form_group": "nport", "status": status, "lag_days": lag,
                "last_failure_run_id": failed, "loaded_newest_filing_date": None}
    rows = [row("0000000001", "NONE", NOTHING_FILED), row("0000000002", "OK", UP_TO_DATE),
            row("0000000003", "NEW", NEVER_LOADED, 3),
            row("0000000004", "FAIL", BEHIND, 2, failed="run-9")]
    md = markdown(rows, ["nport"]).splitlines()
    assert "1 ETFs have nothing filed in any form group" in "\n".join(md)
    listed = [line.split("|")[1].strip() for line in md if line.startswith("| ") and
              line.split("|")[1].strip() in {"NONE", "OK", "NEW", "FAIL"}]
    assert listed == ["FAIL", "NEW", "OK"]
    assert "| nport | 4 | 1 (25%) | 1 (25%) | 1 (25%) | 1 (25%) | 1 (25%) |" in md
