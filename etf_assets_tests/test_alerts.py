"""Alerts end to end against real receivers on loopback: an SMTP server (aiosmtpd), an
HTTP receiver for the Slack-compatible and the signed JSON webhooks, and a webhook
whose receiver is down. Facts are generated rows in a real warehouse (SQLite and
PostgreSQL): a loaded filing, a fund going effective in 3 days, a launch, a fee change
between two prospectuses, a failed load run (a Dagster run record), an ETF behind SEC
past the coverage limit."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
from datetime import date, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from dagster import DagsterInstance, DagsterRun, DagsterRunStatus, SkipReason, build_sensor_context
from sqlalchemy import insert, select

from etf_assets.alerts.channels import SIGNATURE_HEADER
from etf_assets.alerts.deliver import MAX_ATTEMPTS
from etf_assets.alerts.sensors import alerts_sensor, default_sender, evaluate_alerts
from etf_assets.alerts.subscriptions import SubscriptionError, load_subscriptions
from etf_assets.definitions import RESOURCES
from etf_assets.warehouse.engine import make_engine
from etf_assets.warehouse.tables import (
    alert_delivery,
    coverage,
    etf,
    filing,
    lifecycle_event,
    lifecycle_state,
    prospectus_fee,
    trust,
)

CIK = "0000000101"
NOW = datetime(2027, 3, 2, 15, 0)
TODAY = NOW.date()
SECRET = "s3cret-key"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Mailbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append((envelope.rcpt_tos, envelope.content.decode()))
        return "250 OK"


class _Receiver(ThreadingHTTPServer):
    def __init__(self) -> None:
        self.posts: list[tuple[str, dict, bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.posts.append((self.path, dict(self.headers), body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        super().__init__(("127.0.0.1", 0), Handler)
        self.daemon_threads = True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def receivers(monkeypatch):
    mailbox = _Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
    smtp.start()
    http = _Receiver()
    threading.Thread(target=http.serve_forever, daemon=True).start()
    monkeypatch.setenv("ETF_SMTP_URL", f"smtp://127.0.0.1:{smtp.port}")
    monkeypatch.setenv("ETF_ALERTS_FROM", "alerts@example.com")
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    yield mailbox, http
    http.shutdown()
    smtp.stop()


def _subscriptions(http_url: str, down_url: str) -> str:
    return f"""
[[subscription]]
name = "desk-email"
channel = "email"
to = ["desk@example.com"]
trusts = ["101"]

[[subscription]]
name = "daily"
channel = "email"
to = ["boss@example.com"]
trusts = ["101"]
digest = true

[[subscription]]
name = "slack-qntm"
channel = "slack"
url = "{http_url}/slack"
tickers = ["qntm"]
kinds = ["launched", "effective_soon"]

[[subscription]]
name = "signed-hook"
channel = "webhook"
url = "{http_url}/hook"
secret_env = "HOOK_SECRET"

[[subscription]]
name = "dead-hook"
channel = "webhook"
url = "{down_url}"
secret_env = "HOOK_SECRET"
kinds = ["fee_change"]
"""


def _seed(engine) -> None:
    """Generated facts, as the loads would have written them."""
    t = NOW - timedelta(minutes=5)
    with engine.begin() as conn:
        conn.execute(insert(trust), [{"cik": CIK, "name": "Fakeshares Trust 001",
                                      "first_seen": t, "last_seen": t, "active": True}])
        conn.execute(insert(etf), [{
            "class_id": "C900000001", "ticker": "FKAA", "series_id": "S900000001",
            "cik": CIK, "fund_name": "Fakeshares FKAA ETF", "is_etf": True,
            "decision_source": "ncen", "first_seen": t, "last_seen": t, "active": True}])
        conn.execute(insert(filing), [{
            "accession_number": acc, "cik": CIK, "form": "485BPOS", "filing_date": day,
            "url": f"https://www.sec.gov/{acc}", "sha256": "0" * 64,
            "parsed_at": parsed} for acc, day, parsed in (
                ("0009999999-26-000001", date(2026, 4, 1), datetime(2026, 4, 1, 18)),
                ("0009999999-27-000002", date(2027, 3, 2), t))])
        conn.execute(insert(prospectus_fee), [{
            "accession_number": acc, "fee_key": "C900000001", "cik": CIK,
            "series_id": "S900000001", "class_id": "C900000001", "ticker": "FKAA",
            "filing_date": day, "effective_date": day, "net_expenses": Decimal(net)}
            for acc, day, net in (("0009999999-26-000001", date(2026, 4, 1), "0.0045"),
                                  ("0009999999-27-000002", date(2027, 3, 2), "0.0039"))])
        state = {"cik": CIK, "class_key": "", "events": 1, "as_of": t}
        for row in [
            {**state, "series_id": "S900000700", "state": "effective",
             "state_since": date(2027, 3, 1), "state_evidence": "0009999948-27-001012",
             "effective_date": date(2027, 3, 5), "series_name": "Fakeshares Quantum ETF",
             "ticker": "QNTM"},
            {**state, "series_id": "S900000600", "state": "trading",
             "state_since": date(2027, 3, 1), "state_evidence": "ticker:NEWF",
             "proposed_on": date(2026, 12, 1), "trading_since": date(2027, 3, 1),
             "launched_on": date(2027, 3, 1), "series_name": "Fakeshares New ETF",
             "ticker": "NEWF"}]:
            conn.execute(insert(lifecycle_state), row)
        conn.execute(insert(coverage), [{
            "class_id": "C900000001", "form_group": "nport", "ticker": "FKAA",
            "series_id": "S900000001", "cik": CIK, "tables_loaded": "holdings",
            "status": "behind", "behind_since": date(2027, 1, 10), "lag_days": 51,
            "sec_newest_accession": "0009999999-27-000001", "as_of": t}])
        conn.execute(insert(lifecycle_event), [{
            "cik": CIK, "series_id": "S900000600", "class_key": "", "kind": "trading",
            "evidence": "ticker:NEWF", "event_date": date(2027, 3, 1), "ticker": "NEWF",
            "learned_at": t}])


def _failed_run(instance: DagsterInstance) -> str:
    run = instance.add_run(DagsterRun(job_name="refresh_trusts", run_id="f" * 36,
                                      status=DagsterRunStatus.FAILURE,
                                      tags={"dagster/partition": CIK}))
    return run.run_id


def _deliveries(engine) -> dict[tuple[str, str], tuple]:
    d = alert_delivery.c
    with engine.connect() as conn:
        return {(r.event_key, r.subscription): r for r in conn.execute(select(alert_delivery))}


def test_alerts_reach_smtp_and_webhooks_once_and_a_dead_receiver_fails_visibly(
        receivers, warehouse_url, tmp_path):
    mailbox, http = receivers
    down = f"http://127.0.0.1:{_free_port()}/hook"  # nothing listens there
    subs = load_subscriptions(_subscriptions(http.url, down))
    engine = make_engine(warehouse_url)
    _seed(engine)
    instance = DagsterInstance.ephemeral()
    run_id = _failed_run(instance)
    # Run records carry the real clock: their watermark starts before any test run.
    cursor = {"since": (NOW - timedelta(hours=1)).isoformat(),
              "runs_since": "2000-01-01T00:00:00"}
    sender = default_sender()

    tick = evaluate_alerts(instance, engine, subs, cursor, NOW, TODAY, sender)
    keys = {
        "new_filing:0009999999-27-000002", "effective_soon:0000000101:S900000700:2027-03-05",
        "launched:0000000101:S900000600", "fee_change:C900000001:0009999999-27-000002",
        f"load_failed:{run_id}", "coverage_lag:0000000101:nport:2027-01-10"}
    rows = _deliveries(engine)
    assert {k for k, _ in rows} == keys | {"digest:2027-03-02"}
    # The e-mail subscription watches trust 101: every event of the trust, one mail each.
    assert {s for k, s in rows if k.startswith("new_filing")} == {
        "desk-email", "daily", "signed-hook"}
    assert {r.status for (k, s), r in rows.items() if s == "daily"} == {"digested", "sent"}
    assert len(mailbox.messages) == 6 + 1  # one each, and the day's digest
    bodies = {m[1].split("Subject: ")[1].split("\n")[0].strip(): m[1].replace("\r\n", "\n")
              for m in mailbox.messages}
    digest = bodies["[ETF] 6 ETF alert(s) of 2027-03-02"]
    assert "boss@example.com" in digest and digest.count("\n  - ") == 6
    assert "  - FKAA: net expense ratio 0.0045 -> 0.0039" in digest
    fee = bodies["[ETF] FKAA: net expense ratio 0.0045 -> 0.0039"]
    assert "previous_accession: 0009999999-26-000001" in fee and "desk@example.com" in fee
    assert "[ETF] Fakeshares Quantum ETF goes effective on 2027-03-05" in bodies
    # Slack: only the QNTM / launched+effective-soon subscription; NEWF is not QNTM.
    slack = [json.loads(b) for p, _, b in http.posts if p == "/slack"]
    assert [m["text"].split("\n")[0] for m in slack] == [
        "Fakeshares Quantum ETF goes effective on 2027-03-05"]
    # The signed webhook: every event, each with a valid HMAC-SHA256 of its exact body.
    hooks = [(h, b) for p, h, b in http.posts if p == "/hook"]
    assert sorted(json.loads(b)["key"] for _, b in hooks) == sorted(keys)
    for headers, body in hooks:
        expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        assert headers[SIGNATURE_HEADER] == expected
        assert headers["X-ETF-Delivery"] == json.loads(body)["key"] + "/signed-hook"
    launched = next(json.loads(b) for _, b in hooks if b"launched:" in b)
    assert launched["facts"]["date"] == "2027-03-01" and launched["tickers"] == ["NEWF"]
    # The dead receiver: attempted once, to be retried.
    dead = rows[("fee_change:C900000001:0009999999-27-000002", "dead-hook")]
    assert (dead.status, dead.attempts) == ("pending", 1) and "ConnectError" in dead.last_error
    assert "[ETF] 0000000101 nport behind SEC for 51 days" in bodies
    assert len(tick.result.sent) == 6 + 1 + 1 + 6 and tick.result.retried == [
        "fee_change:C900000001:0009999999-27-000002/dead-hook"]

    # A rerun over the same facts and a second daemon with its own cursor send nothing
    # twice (the dead hook is not due yet).
    sent = (len(mailbox.messages), len(http.posts))
    evaluate_alerts(instance, engine, subs, cursor, NOW, TODAY, sender)
    evaluate_alerts(instance, engine, subs, dict(cursor), NOW + timedelta(seconds=10), TODAY,
                    sender)
    assert (len(mailbox.messages), len(http.posts)) == sent

    # Two daemons at once over a new filing: one message.
    with engine.begin() as conn:
        conn.execute(insert(filing), [{
            "accession_number": "0009999999-27-000003", "cik": CIK, "form": "497K",
            "filing_date": TODAY, "url": "u", "sha256": "0" * 64, "parsed_at": NOW}])
    later = NOW + timedelta(seconds=20)
    threads = [threading.Thread(target=evaluate_alerts,
                                args=(instance, engine, subs, cursor, later, TODAY, sender))
               for _ in range(2)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert len(mailbox.messages) == sent[0] + 1
    assert sum(p == "/hook" for p, _, _ in http.posts) == len(hooks) + 1

    # The dead receiver: retried with backoff, then failed for good, recorded.
    t = NOW
    for attempt in range(2, MAX_ATTEMPTS + 1):
        t += timedelta(hours=1)
        evaluate_alerts(instance, engine, subs, cursor, t, TODAY, sender)
        dead = _deliveries(engine)[("fee_change:C900000001:0009999999-27-000002",
                                    "dead-hook")]
        assert dead.attempts == attempt
    assert dead.status == "failed" and "ConnectError" in dead.last_error
    mails = len(mailbox.messages)
    evaluate_alerts(instance, engine, subs, cursor, t + timedelta(days=1), TODAY, sender)
    assert _deliveries(engine)[("fee_change:C900000001:0009999999-27-000002",
                                "dead-hook")].attempts == MAX_ATTEMPTS
    # The next day's digest: the 497K that came after the first digest, nothing twice.
    [(to, nextday)] = mailbox.messages[mails:]
    assert to == ["boss@example.com"] and "1 ETF alert(s) of 2027-03-03" in nextday
    assert "497K filed 2027-03-02" in nextday

    # ETF_ALERTS=off: recorded as off, nothing sent, now or later.
    with engine.begin() as conn:
        conn.execute(insert(filing), [{
            "accession_number": "0009999999-27-000004", "cik": CIK, "form": "497K",
            "filing_date": TODAY, "url": "u", "sha256": "0" * 64, "parsed_at": t}])
    before = (len(mailbox.messages), len(http.posts))
    evaluate_alerts(instance, engine, subs, cursor, t, TODAY, sender, enabled=False)
    evaluate_alerts(instance, engine, subs, cursor, t + timedelta(minutes=1), TODAY, sender)
    assert (len(mailbox.messages), len(http.posts)) == before
    assert {r.status for (k, _), r in _deliveries(engine).items()
            if k == "new_filing:0009999999-27-000004"} == {"off"}


def test_subscription_file_is_checked_and_the_sensor_never_raises(tmp_path, monkeypatch):
    with pytest.raises(SubscriptionError, match="channel"):
        load_subscriptions('[[subscription]]\nname = "x"\nchannel = "fax"\n')
    with pytest.raises(SubscriptionError, match="secret_env"):
        load_subscriptions('[[subscription]]\nchannel = "webhook"\nurl = "http://h/"\n')
    with pytest.raises(SubscriptionError, match="unknown kind"):
        load_subscriptions('[[subscription]]\nchannel = "slack"\nurl = "http://h/"\n'
                           'kinds = ["gossip"]\n')
    bad = tmp_path / "alerts.toml"
    bad.write_text("not = [toml")
    monkeypatch.setenv("ETF_ALERTS_FILE", str(bad))
    with build_sensor_context(instance=DagsterInstance.ephemeral(),
                              resources={"warehouse": RESOURCES["warehouse"]}) as ctx:
        result = alerts_sensor(ctx)
    assert isinstance(result, SkipReason) and "not TOML" in result.skip_message
