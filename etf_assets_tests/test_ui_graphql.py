"""The UI path, through the GraphQL API the web UI itself uses: `etf-pipeline ui`
(dagster-webserver + dagster-daemon + code server, real processes, the repository's
dagster.yaml with its QueuedRunCoordinator) on a fake EDGAR.

One scenario, as a user would click it: load the universe, backfill three trusts,
"Execute all" on the holdings checks (a checks-only run), then turn the freshness
sensor on and let it load the remaining trusts.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from dagster import AssetKey, DagsterInstance
from sqlalchemy import func, select

from etf_assets.warehouse.engine import make_engine
from etf_assets.warehouse.tables import holding
from etf_assets_tests.conftest import USER_AGENT, start_fake

LOCATION = "etf_assets.definitions"
REPOSITORY = "__repository__"
TRUSTS = [f"{101 + i:010d}" for i in range(5)]
HOLDINGS_PER_SERIES = 6
CHECKS = ["keys_unique_and_series_are_etfs", "rows_match_positions",
          "value_reconciles_with_net_assets"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Ui:
    """`etf-pipeline ui` in its own process group, and a GraphQL client for it."""

    def __init__(self, env: dict, log: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/graphql"
        self.log = log
        cli = Path(sys.executable).parent / "etf-pipeline"
        self.proc = subprocess.Popen(
            [str(cli), "ui", "--port", str(self.port)], env=env, start_new_session=True,
            stdout=log.open("wb"), stderr=subprocess.STDOUT)

    def query(self, query: str, **variables) -> dict:
        resp = httpx.post(self.url, json={"query": query, "variables": variables}, timeout=60)
        body = resp.json()
        assert "errors" not in body, body["errors"]
        return body["data"]

    def wait_ready(self, timeout: float = 300) -> None:
        # ~15 s on a quiet 2-core machine (26 s beside the other xdist worker); CI once
        # saw no line from the daemon or webserver within 120 s while the other worker
        # ran the Celery and PostgreSQL tests.
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.log.read_text()[-3000:]
            try:
                data = self.query("{ repositoriesOrError { ... on RepositoryConnection "
                                  "{ nodes { name } } } }")
                if data["repositoriesOrError"].get("nodes"):
                    return
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(1)
        raise AssertionError("the UI did not come up:\n" + self.log.read_text()[-3000:])

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # anything it left behind
        except ProcessLookupError:
            pass


def _selector(**extra) -> dict:
    return {"repositoryLocationName": LOCATION, "repositoryName": REPOSITORY, **extra}


LAUNCH = """mutation($p: ExecutionParams!) { launchPipelineExecution(executionParams: $p) {
  __typename ... on LaunchRunSuccess { run { runId } } ... on PythonError { message } } }"""
RUN = """query($id: ID!) { runOrError(runId: $id) { ... on Run { status jobName
  tags { key value } } } }"""
EVALUATIONS = """query($id: ID!) { logsForRun(runId: $id) { ... on EventConnection { events {
  __typename ... on AssetCheckEvaluationEvent { evaluation { checkName partition success } }
  ... on MaterializationEvent { assetKey { path } partition } } } } }"""


def _launch(ui: Ui, job: str, checks: list[str] | None = None) -> str:
    """What the UI sends: a job, an asset check selection (checks-only: no assets)."""
    params = {"mode": "default", "runConfigData": "{}", "executionMetadata": {},
              "selector": _selector(jobName=job, assetSelection=[], assetCheckSelection=[
                  {"assetKey": {"path": ["holdings"]}, "name": c} for c in checks or []])}
    out = ui.query(LAUNCH, p=params)["launchPipelineExecution"]
    assert out["__typename"] == "LaunchRunSuccess", out
    return out["run"]["runId"]


def _wait_run(ui: Ui, run_id: str, timeout: float = 600) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = ui.query(RUN, id=run_id)["runOrError"]
        if run["status"] in ("SUCCESS", "FAILURE", "CANCELED"):
            return run
        time.sleep(1)
    raise AssertionError(f"run {run_id} did not finish")


def _events(ui: Ui, run_id: str) -> tuple[set, set]:
    events = ui.query(EVALUATIONS, id=run_id)["logsForRun"]["events"]
    checks = {(e["evaluation"]["checkName"], e["evaluation"]["partition"],
               e["evaluation"]["success"])
              for e in events if e["__typename"] == "AssetCheckEvaluationEvent"}
    mats = {("/".join(e["assetKey"]["path"]), e["partition"])
            for e in events if e["__typename"] == "MaterializationEvent"}
    return checks, mats


def _set_sensor(ui: Ui, name: str, on: bool) -> None:
    if on:
        out = ui.query("""mutation($s: SensorSelector!) { startSensor(sensorSelector: $s) {
            __typename ... on Sensor { sensorState { status } } } }""",
                       s=_selector(sensorName=name))["startSensor"]
        assert out["sensorState"]["status"] == "RUNNING", out
        return
    state = ui.query("""query($s: SensorSelector!) { sensorOrError(sensorSelector: $s) {
        ... on Sensor { sensorState { id } } } }""", s=_selector(sensorName=name))
    out = ui.query("""mutation($id: String!) { stopSensor(id: $id) { __typename
        ... on StopSensorMutationResult { instigationState { status } } } }""",
                   id=state["sensorOrError"]["sensorState"]["id"])["stopSensor"]
    assert out["instigationState"]["status"] == "STOPPED", out


@pytest.fixture
def ui(tmp_path, sec_env):
    edgar = start_fake(generated_trusts=len(TRUSTS), real_tickers=False, real_filings=False,
                       holdings_per_series=HOLDINGS_PER_SERIES, derivatives_per_series=1)
    sec_env(edgar)
    env = {**os.environ, "SEC_USER_AGENT": USER_AGENT}
    server = Ui(env, tmp_path / "ui.log")
    try:
        server.wait_ready()
        server.edgar = edgar
        yield server
    finally:
        server.stop()
        edgar.stop()


def test_ui_backfill_checks_only_run_and_sensor_through_graphql(ui):
    # Automation off while the scenario is set up (a user pausing it from the UI).
    for sensor in ("sec_filings_sensor", "gap_repair_sensor"):
        _set_sensor(ui, sensor, on=False)

    run = _wait_run(ui, _launch(ui, "refresh_universe"))
    assert run["status"] == "SUCCESS" and run["jobName"] == "refresh_universe"
    instance = DagsterInstance.get()
    assert sorted(instance.get_dynamic_partitions("trust_cik")) == TRUSTS

    # A 3-partition backfill of holdings (as the UI's "Materialize" on partitions).
    out = ui.query("""mutation($p: LaunchBackfillParams!) { launchPartitionBackfill(
        backfillParams: $p) { __typename ... on LaunchBackfillSuccess { backfillId } } }""",
                   p={"assetSelection": [{"path": ["holdings"]}],
                      "partitionNames": TRUSTS[:3]})["launchPartitionBackfill"]
    assert out["__typename"] == "LaunchBackfillSuccess", out
    # The wait ends at the first terminal state; the generous deadline only bounds a
    # hang (the backfill daemon ticks every 30 s and a loaded CI machine is slow).
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        backfill = ui.query("""query($id: String!) { partitionBackfillOrError(backfillId: $id) {
            ... on PartitionBackfill { status runs(limit: 10) { runId status } } } }""",
                            id=out["backfillId"])["partitionBackfillOrError"]
        if backfill["status"].startswith("COMPLETED") or backfill["status"] == "FAILED":
            break
        time.sleep(2)
    assert backfill["status"] == "COMPLETED_SUCCESS", backfill
    assert len(backfill["runs"]) == 1  # three trusts, one run (BackfillPolicy)
    checks, mats = _events(ui, backfill["runs"][0]["runId"])
    # Never classified: classified first in the same run; derivatives and the monthly
    # tables recorded with holdings though only holdings was selected (one document).
    assert mats == {(k, c) for c in TRUSTS[:3]
                    for k in ("etf_classification", "holdings", "derivatives",
                              "monthly_flows", "monthly_returns")}
    assert {(n, p) for n, p, ok in checks if ok} == {(n, c) for c in TRUSTS[:3]
                                                      for n in CHECKS}
    with make_engine().connect() as conn:
        assert conn.execute(select(func.count()).select_from(holding)).scalar_one() == \
            3 * 2 * HOLDINGS_PER_SERIES

    # "Execute all" on the holdings checks: a checks-only run, without a partition.
    ui.edgar.reset()
    run_id = _launch(ui, "__ASSET_JOB", CHECKS)
    assert _wait_run(ui, run_id)["status"] == "SUCCESS"
    checks, mats = _events(ui, run_id)
    assert mats == set() and ui.edgar.served() == []  # nothing downloaded or reloaded
    assert checks == {(n, p, True) for n in CHECKS for p in [*TRUSTS[:3], None]}

    # The freshness sensor on: the two trusts never loaded, in one run of refresh_trusts;
    # the three backfilled ones never had their 24F-2NT, 485BPOS and N-CSR loaded: one
    # run of those groups.
    _set_sensor(ui, "sec_filings_sensor", on=True)
    flows = AssetKey("annual_flows")
    # The wait ends at the first terminal state; the generous deadline only bounds a
    # hang (the backfill daemon ticks every 30 s and a loaded CI machine is slow).
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        done = (instance.get_materialized_partitions(AssetKey("holdings"))
                & instance.get_materialized_partitions(flows))
        if set(TRUSTS) <= done:
            break
        time.sleep(2)
    assert set(TRUSTS) <= instance.get_materialized_partitions(AssetKey("holdings"))
    assert set(TRUSTS) <= instance.get_materialized_partitions(flows)
    sensor_runs = sorted((r for r in instance.get_runs()
                          if r.tags.get("etf/trigger") == "freshness"),
                         key=lambda r: r.tags["dagster/asset_partition_range_start"])
    assert [(r.tags["dagster/asset_partition_range_start"],
             r.tags["dagster/asset_partition_range_end"],
             r.asset_selection == {flows, AssetKey("fees"), AssetKey("performance"),
                                   AssetKey("per_share"), AssetKey("fund_lifecycle")})
            for r in sensor_runs] == [(TRUSTS[0], TRUSTS[2], True),
                                      (TRUSTS[3], TRUSTS[-1], False)]
    assert all(r.job_name == "refresh_trusts" for r in sensor_runs)
    assert all(r.tags["dagster/priority"] == "-1" for r in sensor_runs)
    ticks = ui.query("""query($s: SensorSelector!) { sensorOrError(sensorSelector: $s) {
        ... on Sensor { sensorState { ticks(limit: 20) { status runIds } } } } }""",
                     s=_selector(sensorName="sec_filings_sensor"))
    statuses = [t["status"] for t in ticks["sensorOrError"]["sensorState"]["ticks"]]
    assert "SUCCESS" in statuses and "FAILURE" not in statuses
    instance.dispose()
