"""The SQLite event log that keeps its databases open (etf_assets/dagster_storage.py)."""

from __future__ import annotations

import sqlite3

from dagster import AssetKey, AssetMaterialization, DagsterInstance, job, op

from etf_assets import settings
from etf_assets.dagster_storage import KeptOpenSqliteEventLogStorage
from etf_assets.partitions import report_nothing_to_load


@op
def _two_materializations(context):
    for p in ("a", "b"):
        context.log_event(AssetMaterialization(AssetKey("x"), partition=p))


@job
def _tiny():
    _two_materializations()


def test_managed_home_uses_it_and_every_event_is_kept(tmp_path, monkeypatch):
    """The managed dagster.yaml selects the class for SQLite storage; events reported
    outside runs and a run's events read back; new databases have 1 KB pages; a run's
    database is closed when the run ends (no WAL left beside it); deleting the run
    deletes its events."""
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("DAGSTER_PG_URL", raising=False)
    home = settings.ensure_dagster_home()
    instance = DagsterInstance.get()
    storage = instance.event_log_storage
    assert isinstance(storage, KeptOpenSqliteEventLogStorage)

    report_nothing_to_load(instance, "0000000910", [AssetKey("holdings"),
                                                    AssetKey("fees")], "nothing filed")
    record = instance.fetch_materializations(AssetKey("fees"), limit=5).records
    assert [r.partition_key for r in record] == ["0000000910"]
    assert record[0].asset_materialization.metadata["checked_without_run"].value == \
        "nothing filed"

    result = _tiny.execute_in_process(instance=instance)
    assert result.success
    runs_dir = home / "history" / "runs"
    assert not (runs_dir / f"{result.run_id}.db-wal").exists()  # closed at the run's end
    assert {r.partition_key for r in instance.fetch_materializations(
        AssetKey("x"), limit=5).records} == {"a", "b"}
    for name in ("index.db", f"{result.run_id}.db"):
        with sqlite3.connect(runs_dir / name) as conn:
            assert conn.execute("PRAGMA page_size").fetchone() == (1024,)

    instance.delete_run(result.run_id)
    assert instance.get_records_for_run(result.run_id).records == []
    instance.dispose()
    assert not (runs_dir / "index.db-wal").exists()  # disposed: WAL folded into the file
