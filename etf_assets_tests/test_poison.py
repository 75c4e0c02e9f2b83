"""Poison filings (etf_assets/warehouse/failures.py): a failure count per filing with a
backoff, quarantine after QUARANTINE_AFTER failures (no download, no parse; still failed
for its trust, with the reason), and `etf-pipeline requeue`."""

from __future__ import annotations

import json
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
    assert reason.startswith("held: quarantined after 3 failures (until its document "
                             "changes, or etf-pipeline requeue")
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
        # Past its retry_after: one look at the listing (unchanged), no document.
        assert [r.path.rsplit("/", 1)[1] for r in edgar.served()
                if bad.folder in r.path] == ["index.json"]
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


def test_warehouse_before_fingerprints_gets_the_column(warehouse_url):
    """A warehouse whose filing_failure predates document_fingerprint (a quarantined row
    in it) gets the column on start, the row kept with a NULL fingerprint (its next look
    takes the listing as reference)."""
    from etf_assets.warehouse.upgrade import upgrade_schema

    engine = make_engine(warehouse_url)
    failures.record(engine, "0000000101", "nport", {"0000000000-26-000001": "x"}, now=T0)
    with engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE filing_failure DROP COLUMN document_fingerprint")
        done = upgrade_schema(conn)
        assert [d.split(" ADD COLUMN ")[0] for d in done] == ["ALTER TABLE filing_failure"]
        assert "document_fingerprint VARCHAR(64)" in done[0]
        assert conn.execute(select(filing_failure.c.document_fingerprint)).all() == [(None,)]
    engine.dispose()


def test_listing_fingerprint_is_names_sizes_and_dates():
    """The fake's listing of a folder (as SEC's index.json): order does not count; a
    size or a last-modified does."""
    item = {"name": "primary_doc.xml", "type": "", "size": "1234",
            "last-modified": "2026-11-20 16:05:00"}
    txt = {"name": "a.txt", "size": "99", "last-modified": "2026-11-20 16:05:00"}

    def listing(*items):
        return json.dumps({"directory": {"item": list(items)}}).encode()

    base = failures.listing_fingerprint(listing(item, txt))
    assert failures.listing_fingerprint(listing(txt, item)) == base
    assert failures.listing_fingerprint(listing({**item, "size": "1235"}, txt)) != base
    assert failures.listing_fingerprint(
        listing({**item, "last-modified": "2026-11-21 09:00:00"}, txt)) != base
    assert len(base) == 64


def test_quarantined_filing_is_lifted_when_its_document_changes(sec_env, monkeypatch):
    """Trust 101's newest NPORT-P is truncated: quarantined after 3 failures with its
    listing's fingerprint. Past its retry_after, an unchanged listing keeps it
    quarantined for one request (index.json) and the next look waits another backoff
    (the run after costs none). Corrected on EDGAR (its size in the listing changes), the
    next run past retry_after lifts the quarantine and loads it in that same run, with
    no requeue."""
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
        for _ in range(3):
            assert not run_trusts(instance, "0000000101", NPORT_KEYS).success
            now[0] += timedelta(days=1)
        engine = make_engine()
        with engine.connect() as conn:
            row = conn.execute(select(filing_failure)).one()
        assert row.quarantined_at is not None and len(row.document_fingerprint) == 64
        assert row.document_fingerprint == failures.listing_fingerprint(bad.index_json())

        def folder_requests():
            return [r.path.rsplit("/", 1)[1] for r in edgar.served() if bad.folder in r.path]

        edgar.reset()  # unchanged: one look at the listing, still quarantined
        res = run_trusts(instance, "0000000101", NPORT_KEYS)
        assert not res.success and folder_requests() == ["index.json"]
        assert "held: quarantined" in _failed_trusts(res)["0000000101"]
        with engine.connect() as conn:
            again = conn.execute(select(filing_failure)).one()
        assert again.retry_after == now[0] + timedelta(hours=4)  # backoff(3)
        assert again.document_fingerprint == row.document_fingerprint
        edgar.reset()  # before that backoff: no request at all
        assert not run_trusts(instance, "0000000101", NPORT_KEYS).success
        assert folder_requests() == []

        bad.documents = original  # corrected on EDGAR: the listing's sizes change
        bad._cache.clear()
        now[0] += timedelta(hours=5)
        edgar.reset()
        assert run_trusts(instance, "0000000101", NPORT_KEYS).success  # this same run
        assert folder_requests() == ["index.json", bad.primary_document]
        with engine.connect() as conn:
            assert conn.execute(select(filing_failure)).first() is None
            assert bad.accession in conn.execute(
                select(filing.c.accession_number)).scalars().all()
        instance.dispose()
