"""Who may call the API: ETF_API_KEYS / X-API-Key, loopback-only without keys, the
refresh endpoint (always a key; submits a real `refresh_trusts` run to the Dagster
instance), the per-key token bucket (an injected clock, no sleeping), 503 when the
warehouse is unreachable, and `etf-pipeline serve`'s refusals."""

from __future__ import annotations

from datetime import datetime

import pytest
from fastapi.testclient import TestClient

from etf_assets import settings
from etf_assets.cli import main
from etf_assets.serve.app import create_app, read_only_engine
from etf_assets.serve.security import TokenBucket, is_loopback
from etf_assets.warehouse.engine import make_engine
from etf_assets.warehouse.tables import trust

KEY = "k-0123456789abcdef"
OTHER = "k-fedcba9876543210"
CIK = "0001041130"


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('sec') / 'w.sqlite'}"
    with make_engine(url).begin() as conn:
        conn.execute(trust.insert(), [{"cik": CIK, "name": "SPDR DOW JONES INDUSTRIAL AVERAGE "
                                       "ETF TRUST", "first_seen": datetime(2026, 1, 5),
                                       "last_seen": datetime(2026, 1, 5), "active": True}])
    engine = read_only_engine(url)
    yield engine
    engine.dispose()


def client(engine, keys=(), host="127.0.0.1", rate=1000, clock=None, launch=None):
    app = create_app(engine, api_keys=frozenset(keys), rate_per_minute=rate, clock=clock,
                     launch_refresh=launch or (lambda cik: {"run_id": "r1", "cik": cik,
                                                            "job_name": "refresh_trusts",
                                                            "status": "QUEUED"}))
    return TestClient(app, client=(host, 50000))


def test_with_keys_every_request_needs_a_valid_key(engine):
    api = client(engine, keys=[KEY, OTHER], host="203.0.113.7")
    r = api.get("/api/trusts")
    assert r.status_code == 401
    assert r.json()["error"] == {"status": 401, "code": "unauthorized", "field": "X-API-Key",
                                 "message": "a valid X-API-Key header is required"}
    assert api.get("/api/trusts", headers={"X-API-Key": KEY + "x"}).status_code == 401
    assert api.get("/api/trusts", headers={"X-API-Key": OTHER}).status_code == 200
    # The docs stay readable: they hold no data.
    assert api.get("/docs").status_code == 200
    spec = api.get("/openapi.json").json()
    assert "/api/etfs/{etf_id}/holdings" in spec["paths"]


def test_without_keys_only_loopback_clients(engine):
    assert client(engine, host="203.0.113.7").get("/api/trusts").status_code == 403
    assert client(engine, host="::1").get("/api/trusts").status_code == 200
    assert is_loopback("127.0.0.2") and not is_loopback("10.0.0.1") and not is_loopback(None)


def test_refresh_always_needs_a_key(engine):
    calls = []
    launch = (lambda cik: calls.append(cik) or {"run_id": "r1", "cik": cik,
                                                "job_name": "refresh_trusts",
                                                "status": "QUEUED"})
    assert client(engine, launch=launch).post("/api/trusts/1041130/refresh").status_code == 401
    keyed = client(engine, keys=[KEY], launch=launch)
    assert keyed.post("/api/trusts/1041130/refresh").status_code == 401
    r = keyed.post("/api/trusts/1041130/refresh", headers={"X-API-Key": KEY})
    assert r.status_code == 202 and r.json()["run_id"] == "r1" and calls == [CIK]
    r = keyed.post("/api/trusts/999/refresh", headers={"X-API-Key": KEY})
    assert r.status_code == 404 and "0000000999" in r.json()["error"]["message"]
    assert calls == [CIK]


def test_refresh_submits_a_refresh_trusts_run_to_the_instance(engine):
    """The default launcher: a QUEUED `refresh_trusts` run for the trust's partition in
    DAGSTER_HOME's instance (what the UI shows), under the code location name the
    daemon's `-m etf_assets.definitions` workspace gives, so the daemon can start it."""
    from dagster import DagsterInstance, DagsterRunStatus
    from dagster._core.remote_origin import ManagedGrpcPythonEnvCodeLocationOrigin
    from dagster._core.types.loadable_target_origin import LoadableTargetOrigin

    from etf_assets.partitions import CIK_PARTITIONS_NAME
    from etf_assets.serve.refresh import MODULE, launch_refresh

    settings.ensure_dagster_home()
    with DagsterInstance.get() as instance:
        instance.add_dynamic_partitions(CIK_PARTITIONS_NAME, [CIK])
    api = client(engine, keys=[KEY], launch=launch_refresh)
    r = api.post("/api/trusts/1041130/refresh", headers={"X-API-Key": KEY})
    assert r.status_code == 202, r.text
    with DagsterInstance.get() as instance:
        run = instance.get_run_by_id(r.json()["run_id"])
        assert run.job_name == "refresh_trusts" and run.status == DagsterRunStatus.QUEUED
        assert run.tags["dagster/partition"] == CIK and run.tags["etf/trigger"] == "api"
        daemon_location = ManagedGrpcPythonEnvCodeLocationOrigin(
            LoadableTargetOrigin(module_name=MODULE)).location_name
        assert run.remote_job_origin.location_name == daemon_location
        with pytest.raises(Exception, match="not a partition"):
            launch_refresh("0000000999", instance)


def test_per_key_token_bucket(engine):
    clock = Clock()
    api = client(engine, keys=[KEY, OTHER], rate=3, clock=clock)
    mine = {"X-API-Key": KEY}
    assert [api.get("/api/trusts", headers=mine).status_code for _ in range(4)] == [
        200, 200, 200, 429]
    r = api.get("/api/trusts", headers=mine)
    assert r.status_code == 429 and r.headers["Retry-After"] == "20"
    assert api.get("/api/trusts", headers={"X-API-Key": OTHER}).status_code == 200
    clock.t += 20  # one token back (3 a minute)
    assert api.get("/api/trusts", headers=mine).status_code == 200
    assert api.get("/api/trusts", headers=mine).status_code == 429
    bucket = TokenBucket(60, clock=clock)
    assert bucket.take("a") == 0 and bucket.take("b") == 0


def test_unreachable_warehouse_is_a_503_with_the_reason(tmp_path):
    gone = read_only_engine(f"sqlite:///{tmp_path / 'missing' / 'w.sqlite'}")
    r = client(gone).get("/api/health")
    assert r.status_code == 503
    err = r.json()["error"]
    assert err["code"] == "warehouse_unavailable" and "unable to open" in err["message"]


def test_serve_refuses_a_public_host_without_keys_and_bad_keys(monkeypatch, capsys):
    monkeypatch.delenv("ETF_API_KEYS", raising=False)
    monkeypatch.delenv("ETF_API_RATE_PER_MINUTE", raising=False)
    monkeypatch.delenv("ETF_API_CACHE_MB", raising=False)
    assert main(["serve", "--host", "0.0.0.0"]) == 2
    out = capsys.readouterr()
    line = (out.err or out.out).strip()
    assert "\n" not in line and "ETF_API_KEYS" in line and "0.0.0.0" in line
    monkeypatch.setenv("ETF_API_KEYS", "short")
    assert main(["serve"]) == 2
    assert "ETF_API_KEYS" in capsys.readouterr().err
    monkeypatch.setenv("ETF_API_KEYS", KEY)
    monkeypatch.setenv("ETF_API_RATE_PER_MINUTE", "0")
    assert main(["serve"]) == 2
    assert "ETF_API_RATE_PER_MINUTE" in capsys.readouterr().err
    monkeypatch.setenv("ETF_API_RATE_PER_MINUTE", "60")
    monkeypatch.setenv("ETF_API_CACHE_MB", "-1")
    assert main(["serve"]) == 2
    assert "ETF_API_CACHE_MB" in capsys.readouterr().err
