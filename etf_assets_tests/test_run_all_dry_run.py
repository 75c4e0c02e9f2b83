"""run-all --dry-run (issue 24): what would be loaded and the SEC requests it takes,
reading only indexes and submissions JSON, writing nothing; the real run-all then loads
exactly what it announced."""

from __future__ import annotations

import hashlib
import json
import re
import urllib.request
from datetime import date
from pathlib import Path

from sqlalchemy import select

from etf_assets.cli import main
from etf_assets.warehouse.engine import make_engine
from etf_assets.warehouse.tables import filing, lifecycle_filing, metadata
from etf_assets_tests.conftest import start_fake
from etf_assets_tests.fake_edgar.build import nport_filing

NEW_NPORT = date(2026, 10, 31), date(2026, 11, 20)  # report, filed (a Friday)


def _warehouse() -> dict[str, list]:
    """Every row of every warehouse table."""
    with make_engine().connect() as conn:
        return {t.name: sorted(map(repr, conn.execute(select(t)).all()))
                for t in metadata.sorted_tables}


def _home(home: Path) -> dict[str, str]:
    """DAGSTER_HOME's files and their contents (SQLite's -wal / -shm aside)."""
    return {str(p.relative_to(home)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(home.rglob("*")) if p.is_file()
            and not p.name.endswith(("-wal", "-shm"))}


def _request_log(url: str) -> list[str]:
    with urllib.request.urlopen(f"{url}/__fake__/requests") as r:
        return [rec["path"] for rec in json.load(r)]


def _announced(out: str) -> dict[str, dict[str, list[str]]]:
    """cik -> group -> accessions to load, from the dry run's trust lines."""
    plan: dict[str, dict[str, list[str]]] = {}
    for cik, rest in re.findall(r"^  \[\d+/\d+\] (\d{10})[^:]*: (.*)$", out, re.M):
        for group, shown in re.findall(r"(\w+) \d+ to load(?: \[([^\]]*)\])?", rest):
            plan.setdefault(cik, {})[group] = shown.split(", ") if shown else []
    return plan


def _loaded(table) -> set[tuple[str, str]]:
    with make_engine().connect() as conn:
        return set(conn.execute(select(table.c.cik, table.c.accession_number)).all())


def test_dry_run_announces_and_writes_nothing(capsys, sec_env, tmp_path):
    """Trusts 101 and 103 loaded; then 101 files NPORT-P (report 2026-10-31) and the
    clock moves to Tuesday 2026-11-24. The dry run shows 101's N-PORT stale (the new
    filing to load, its 2026-09-30 report 0009999999-26-000004 held), 102 never loaded
    (its N-CEN 0009999999-26-000006, NPORT-P 0009999999-26-000009 of 2026-09-30, ...),
    103 up to date."""
    with start_fake(generated_trusts=3, real_tickers=False, real_filings=False,
                    series_per_trust=1, holdings_per_series=8) as edgar:
        sec_env(edgar)
        assert main(["run-all", "--cik", "101", "103"]) == 0
        assert "0000000102" not in capsys.readouterr().out.split("[3/3]")[1]
        new = nport_filing(101, "Fakeshares Trust 001", edgar.corpus.accessions.next(2026),
                           "S900000000", "Fakeshares ETF", [], *NEW_NPORT, n_holdings=3,
                           n_derivatives=0, seed=5)
        edgar.corpus.add(new)
        edgar.set_today(date(2026, 11, 24))
        capsys.readouterr()
        before, home = _warehouse(), _home(tmp_path / "dagster-home")
        edgar.reset()

        assert main(["run-all", "--dry-run"]) == 0
        out = capsys.readouterr().out
        paths = _request_log(edgar.url)
        assert not [p for p in paths if p.startswith("/Archives/edgar/data/")], paths
        assert _warehouse() == before
        assert _home(tmp_path / "dagster-home") == home
        assert "  [3/3] 0000000103 Fakeshares Trust 003: up to date" in out
        assert ("Would load 2 trust(s): 8 filing(s) to load, 2 already held; 1 up to date"
                in out), out
        assert ("SEC requests: 4 made by this dry run (2 daily index(es), 2 submissions); "
                "the load would take about 11 (2 daily index(es), 1 submissions, up to 8 "
                "document(s))") in out
        plan = _announced(out)
        assert plan["0000000101"] == {"nport": [new.accession], "lifecycle": []}
        assert plan["0000000102"]["nport"] == ["0009999999-26-000008"]  # 2026-09-30
        assert plan["0000000102"]["ncsr"] == ["0009999930-26-000003", "0009999930-26-000004"]

        # The real run-all loads exactly that.
        filings, headers = _loaded(filing), _loaded(lifecycle_filing)
        edgar.reset()
        assert main(["run-all"]) == 0
        capsys.readouterr()
        documents = [p for p in _request_log(edgar.url) if p.startswith("/Archives/edgar/data/")]
        assert _loaded(filing) - filings == {
            (cik, a) for cik, groups in plan.items() for g, accs in groups.items()
            if g != "lifecycle" for a in accs}
        assert _loaded(lifecycle_filing) - headers == {
            (cik, a) for cik, groups in plan.items() for a in groups.get("lifecycle", [])}
        assert len(documents) == 8, documents


def test_dry_run_before_any_run_reads_and_writes_nothing(capsys, sec_env, tmp_path):
    with start_fake(generated_trusts=1, real_tickers=False, real_filings=False) as edgar:
        sec_env(edgar)
        assert main(["run-all", "--dry-run"]) == 0
        assert "No run-all yet" in capsys.readouterr().out
        assert _request_log(edgar.url) == []
        assert not (tmp_path / "dagster-home").exists()
        assert not (tmp_path / "data" / "warehouse.sqlite").exists()
