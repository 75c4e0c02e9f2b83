"""Several real `etf-pipeline run-all` processes at once, on a fresh Dagster home and a
fresh warehouse (SQLite, then PostgreSQL): first use is initialized once, concurrent
loads of the same filings do not collide, and the data equals a single process's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from etf_assets.warehouse.engine import make_engine
from etf_assets.warehouse.tables import annual_flow, holding, nport_monthly_flow
from etf_assets_tests.conftest import start_fake

REPO = Path(__file__).resolve().parent.parent
PROCESSES = 4


def _run_alls(env: dict[str, str], n: int) -> list[tuple[int, str]]:
    procs = [subprocess.Popen([sys.executable, "-m", "etf_assets.cli", "run-all", "--limit", "3"],
                              cwd=REPO, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True) for _ in range(n)]
    return [(p.wait(timeout=600), p.stdout.read()) for p in procs]


def _facts(url: str) -> list[tuple]:
    engine = make_engine(url)
    with engine.connect() as conn:
        out = [("holding", *r) for r in conn.execute(
            select(holding.c.accession_number, holding.c.series_key, holding.c.position,
                   holding.c.value_usd).order_by(*holding.primary_key.columns))]
        out += [("flow", *r) for r in conn.execute(
            select(nport_monthly_flow.c.accession_number, nport_monthly_flow.c.month,
                   nport_monthly_flow.c.sales).order_by(*nport_monthly_flow.primary_key.columns))]
        out += [("annual", *r) for r in conn.execute(
            select(annual_flow.c.accession_number, annual_flow.c.block,
                   annual_flow.c.net_sales).order_by(*annual_flow.primary_key.columns))]
    engine.dispose()
    return out


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres",
                                                            marks=pytest.mark.postgres)])
def test_concurrent_first_run_alls_on_fresh_homes(backend, tmp_path, sec_env, request):
    """4 run-alls start together on a fresh DAGSTER_HOME and warehouse (before: alembic
    "table alembic_version already exists" and homes broken for good; "table trust
    already exists"; on PostgreSQL UniqueViolation on holding_pkey). All exit 0, a
    fifth run on the same home works, and the warehouse equals one process's."""
    with start_fake(generated_trusts=3, real_tickers=False, real_filings=False,
                    holdings_per_series=8) as edgar:
        sec_env(edgar)
        env = {**os.environ, "ETF_DATA_DIR": str(tmp_path / "shared"),
               "DAGSTER_HOME": str(tmp_path / "shared" / "dagster-home")}
        if backend == "postgres":
            env["ETF_WAREHOUSE_URL"] = request.getfixturevalue("pg_engine").test_url
        results = _run_alls(env, PROCESSES)
        assert [code for code, _ in results] == [0] * PROCESSES, \
            "\n\n".join(out[-3000:] for code, out in results if code)
        (code, out), = _run_alls(env, 1)  # the home is healthy afterwards
        assert code == 0, out[-3000:]
        url = env.get("ETF_WAREHOUSE_URL") or f"sqlite:///{tmp_path}/shared/warehouse.sqlite"
        together = _facts(url)

        single = {**os.environ, "ETF_DATA_DIR": str(tmp_path / "single"),
                  "DAGSTER_HOME": str(tmp_path / "single" / "dagster-home")}
        single.pop("ETF_WAREHOUSE_URL", None)
        (code, out), = _run_alls(single, 1)
        assert code == 0, out[-3000:]
        alone = _facts(f"sqlite:///{tmp_path}/single/warehouse.sqlite")
    assert together == alone
    assert len([r for r in alone if r[0] == "holding"]) == 3 * 2 * 8
