"""Poison filings (etf_assets/warehouse/failures.py): a failure count per filing with a
backoff, quarantine after QUARANTINE_AFTER failures (no download, no parse; still failed
for its trust, with the reason), and `etf-pipeline requeue`."""

from __future__ import annotations

from datetime import datetime, timedelta

from dagster import AssetKey, DagsterInstance
from sqlalchemy import select

from etf_assets import settings
from etf_assets.cli import _failed_trusts, main
from etf_assets.warehouse import failures
from etf_assets.warehouse.engine import make_engine
from etf_assets.warehouse.tables import filing, filing_failure
from etf_assets_tests.conftest import start_fake
from etf_assets_tests.fake_edgar.hostile import make_hostile
from etf_assets_tests.runs import run_trusts, run_universe

NPORT_KEYS = [AssetKey(k) for k in ("holdings", "derivatives", "monthly_flows",
                                    "monthly_returns")]
T0 = datetime(2026, 11, 20, 12, 0)


def test_backoff_quarantine_requeue_bookkeeping(warehouse_url):
    engine = make_engine(warehouse_url)
    acc = "0000000000-26-000001"
    with engine.connect() as conn:
        assert failures.held(conn, acc, T0) is None
    failures.record(engine, "0000000101", "nport", {acc: "broken XML"}, now=T0)
    with engine.connect() as conn:
        assert "next attempt after 2026-11-20 13:00 UTC: broken XML" in failures.held(
            conn, acc, T0 + timedelta(minutes=59))
        assert failures.held(conn, acc, T0 + timedelta(hours=1, seconds=1)) is None
    # A held "failure" is not an attempt: not counted.
    failures.record(engine, "0000000101", "nport", {acc: failures.HELD + "x"}, now=T0)
    for n in (2, 3):
        failures.record(engine, "0000000101", "nport", {acc: f"broken XML {n}"},
                        now=T0 + timedelta(hours=10 * n))
    with engine.connect() as conn:
        row = conn.execute(select(filing_failure)).one()
        assert (row.failures, row.last_reason, row.first_failed_at) == (3, "broken XML 3", T0)
        assert row.retry_after == T0 + timedelta(hours=30 + 4)  # 1 h, 2 h, 4 h
        reason = failures.held(conn, acc, T0 + timedelta(days=365))
    assert reason.startswith("held: quarantined after 3 failures (etf-pipeline requeue")
    assert failures.requeue(engine, ["0000000000-26-000009"]) == []
    assert failures.requeue(engine, None) == [(acc, "0000000101")]
    with engine.connect() as conn:
        assert failures.held(conn, acc, T0) is None
    engine.dispose()


def test_poison_nport_is_quarantined_skipped_and_loads_after_requeue(sec_env, monkeypatch,
                                                                     capsys):
    """Trust 101's newest NPORT-P is truncated: it fails 3 times (the clock moved past
    each backoff), is then quarantined: the next run does not download it and names it;
    fixed on EDGAR and requeued, it loads."""
    with start_fake(generated_trusts=1, real_tickers=False, real_filings=False,
                    series_per_trust=1, holdings_per_series=4) as edgar:
        sec_env(edgar)
        bad = max((f for f in edgar.corpus.filings if f.form == "NPORT-P"),
                  key=lambda f: f.report_date)
        original = list(bad.documents)
        make_hostile(bad, "truncated")
        settings.ensure_dagster_home()
        instance = DagsterInstance.get()
        assert run_universe(instance).success
        now = [T0]
        monkeypatch.setattr(failures, "utcnow", lambda: now[0])
        for attempt in range(1, 4):
            res = run_trusts(instance, "0000000101", NPORT_KEYS)
            assert not res.success
            now[0] += timedelta(days=1)
        engine = make_engine()
        with engine.connect() as conn:
            row = conn.execute(select(filing_failure)).one()
        assert (row.accession_number, row.failures) == (bad.accession, 3)
        assert row.quarantined_at is not None and "broken XML" in row.last_reason

        edgar.reset()
        res = run_trusts(instance, "0000000101", NPORT_KEYS)
        assert not res.success  # still failed for its trust, without a download
        assert not [r for r in edgar.served() if bad.folder in r.path]
        assert "held: quarantined after 3 failures" in _failed_trusts(res)["0000000101"]

        bad.documents = original
        bad._cache.clear()
        assert main(["requeue", bad.accession]) == 0
        assert "1 filing(s) requeued" in capsys.readouterr().out
        assert run_trusts(instance, "0000000101", NPORT_KEYS).success
        with engine.connect() as conn:
            assert conn.execute(select(filing_failure)).first() is None  # forgotten
            assert bad.accession in conn.execute(select(filing.c.accession_number)).scalars().all()
        assert main(["requeue"]) == 2  # neither accessions nor --all
        instance.dispose()
