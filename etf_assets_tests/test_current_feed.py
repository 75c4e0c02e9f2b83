"""Within the day: EDGAR's current-filings feed (browse-edgar getcurrent, Atom) feeds
the freshness sensor every few minutes, so a filing accepted today is loaded and
alerted the same day; the daily index stays the backstop for what the feed missed."""

from __future__ import annotations

import threading
from datetime import date, datetime

from dagster import instance_for_test
from sqlalchemy import select

from etf_assets import clock
from etf_assets.alerts.sensors import default_sender, evaluate_alerts
from etf_assets.alerts.subscriptions import load_subscriptions
from etf_assets.edgar.client import SecClient
from etf_assets.freshness.current import (
    CURRENT_FEED_INTERVAL_SECONDS,
    parse_current_feed,
    type_prefixes,
)
from etf_assets.freshness.sensors import FRESHNESS_INTERVAL_SECONDS, evaluate_freshness
from etf_assets.freshness.stale import FORM_TO_GROUPS
from etf_assets.partitions import CIK_PARTITIONS_NAME
from etf_assets.warehouse.engine import make_engine
from etf_assets.warehouse.tables import alert_delivery, filing, nport_report, sec_latest_filing
from etf_assets_tests.conftest import start_fake
from etf_assets_tests.fake_edgar.build import fixture_path, nport_filing
from etf_assets_tests.runs import run_trusts
from etf_assets_tests.test_alerts import _free_port, _Receiver


def test_real_browse_edgar_atom_entries():
    """The real browse-edgar Atom feed of PIMCO Funds (CIK 0000810893): two NPORT-P
    entries, read like getcurrent's (form, CIK from the link, filing date, accession)."""
    entries = parse_current_feed(fixture_path(
        "submissions/0000810893_browse-edgar_atom_PIMCO.xml").read_bytes())
    assert [(e.form, e.cik, e.date_filed, e.accession_number) for e in entries] == [
        ("NPORT-P", "0000810893", date(2026, 5, 29), "0001099263-26-007248"),
        ("NPORT-P", "0000810893", date(2026, 3, 2), "0001099263-26-003023")]
    # One browse-edgar request per form prefix covers every form the pipeline reads.
    assert type_prefixes(FORM_TO_GROUPS) == [
        "24F-2NT", "485", "497", "N-8F", "N-CEN", "N-CSR", "NPORT-P"]


def test_a_filing_in_the_feed_is_loaded_and_alerted_the_same_day(sec_env, monkeypatch):
    """Friday 2026-11-20: trust 101 files an NPORT-P at 10:00; the sensor's next feed
    poll (within CURRENT_FEED_INTERVAL_SECONDS) asks for trust 101, the run loads it and
    the alert goes out. Trust 102's NPORT-P of the same day never shows in the feed:
    Monday's tick reads Friday's daily index and asks for it then."""
    # The pipeline's clock (naive UTC, what `filing.parsed_at` and the alerts' watermark
    # read) is set here: the first load at 09:00, trust 101's feed filing loaded at 15:05.
    now = [datetime(2026, 11, 20, 9, 0)]
    monkeypatch.setattr(clock, "utcnow", lambda: now[0])
    receiver = _Receiver()
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    monkeypatch.setenv("HOOK_SECRET", "k")
    with start_fake(generated_trusts=2, series_per_trust=1, real_tickers=False,
                    real_filings=False, holdings_per_series=3) as edgar, \
            instance_for_test() as instance:
        sec_env(edgar)
        trusts = ["0000000101", "0000000102"]
        instance.add_dynamic_partitions(CIK_PARTITIONS_NAME, trusts)
        assert run_trusts(instance, trusts).success  # everything on EDGAR so far
        client, engine = SecClient.from_env(), make_engine()
        t0 = 1_800_000_000.0
        cursor = {"last_index_day": "2026-11-19"}
        tick = evaluate_freshness(instance, client, engine, cursor, date(2026, 11, 20),
                                  now=t0, current_feed=True)
        assert tick.run_requests == [] and tick.feed_accessions  # what is loaded already

        corpus = edgar.corpus
        a = corpus.add(nport_filing(101, "Fakeshares Trust 001", corpus.accessions.next(2026),
                                    "S900000000", "Fakeshares ETF", [], date(2026, 10, 31),
                                    date(2026, 11, 20), n_holdings=4, n_derivatives=0, seed=1))
        b = corpus.add(nport_filing(102, "Fakeshares Trust 002", corpus.accessions.next(2026),
                                    "S900001000", "Fakeshares ETF", [], date(2026, 10, 31),
                                    date(2026, 11, 20), n_holdings=4, n_derivatives=0, seed=2))
        corpus.feed_hidden.add(b.accession)
        edgar.reset()
        # The next tick: the feed is not due yet (and today's index is not published).
        tick = evaluate_freshness(instance, client, engine, tick.cursor, date(2026, 11, 20),
                                  now=t0 + FRESHNESS_INTERVAL_SECONDS, current_feed=True)
        assert tick.run_requests == [] and edgar.served() == []
        # The feed poll: one request per form prefix, and the run for trust 101 only.
        polled = t0 + CURRENT_FEED_INTERVAL_SECONDS
        tick = evaluate_freshness(instance, client, engine, tick.cursor, date(2026, 11, 20),
                                  now=polled, current_feed=True)
        assert len(edgar.served()) == 7
        assert all(r.path == "/cgi-bin/browse-edgar" for r in edgar.served())
        assert a.accession in tick.feed_accessions and b.accession not in tick.feed_accessions
        [req] = tick.run_requests
        assert req.partition_key == "0000000101" and a.accession in req.tags["etf/reason"]
        with engine.connect() as conn:
            assert conn.execute(select(sec_latest_filing.c.source).where(
                sec_latest_filing.c.accession_number == a.accession)).scalars().all() == [
                "current_feed", "current_feed"]  # the nport and the lifecycle groups
        before_run = datetime(2026, 11, 20, 15, 0)  # the alerts' watermark
        now[0] = datetime(2026, 11, 20, 15, 5)
        assert run_trusts(instance, "0000000101", req.asset_selection).success
        with engine.connect() as conn:
            loaded = set(conn.execute(select(nport_report.c.accession_number)).scalars())
            stamped = conn.execute(select(filing.c.parsed_at).where(
                filing.c.accession_number == a.accession)).scalar_one()
        assert a.accession in loaded and b.accession not in loaded
        assert stamped == now[0]  # parsed_at is the injected clock's UTC

        # Its alert, in the alerts sensor's next tick.
        subs = load_subscriptions(f'''
[[subscription]]
name = "desk"
channel = "webhook"
url = "{receiver.url}/hook"
secret_env = "HOOK_SECRET"
kinds = ["new_filing"]

[[subscription]]
name = "down"
channel = "webhook"
url = "http://127.0.0.1:{_free_port()}/hook"
secret_env = "HOOK_SECRET"
kinds = ["new_filing"]
''')
        alert_tick = evaluate_alerts(None, engine, subs, {"since": before_run.isoformat()},
                                     datetime(2026, 11, 20, 15, 10), date(2026, 11, 20),
                                     default_sender())
        assert [b"new_filing:" + a.accession.encode() in body
                for _, _, body in receiver.posts] == [True]
        # The receiver that is down: attempted, recorded, to be retried; loads go on.
        with engine.connect() as conn:
            down = conn.execute(select(alert_delivery).where(
                alert_delivery.c.subscription == "down")).one()
        assert (down.event_key, down.status, down.attempts) == (
            f"new_filing:{a.accession}", "pending", 1) and "ConnectError" in down.last_error

        # Monday: Friday's daily index shows the filing the feed never showed.
        edgar.set_today(date(2026, 11, 23))
        tick = evaluate_freshness(instance, client, engine, tick.cursor, date(2026, 11, 23),
                                  now=polled + 60, current_feed=True)
        assert tick.index_days_read == ["2026-11-20"]
        [req] = tick.run_requests
        assert req.partition_key == "0000000102" and b.accession in req.tags["etf/reason"]
        now[0] = datetime(2026, 11, 23, 9, 0)
        assert run_trusts(instance, "0000000102", req.asset_selection).success
        with engine.connect() as conn:
            loaded = set(conn.execute(select(nport_report.c.accession_number)).scalars())
        assert b.accession in loaded
        # Its alert: the live hook gets it though the other receiver is still down.
        evaluate_alerts(None, engine, subs, alert_tick.cursor, datetime(2026, 11, 23, 9, 1),
                        date(2026, 11, 23), default_sender())
        assert [b"new_filing:" + b.accession.encode() in body
                for _, _, body in receiver.posts] == [False, True]
        client.close()
    receiver.shutdown()
