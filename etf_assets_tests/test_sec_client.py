"""The one SEC client: identity, global rate limit, retries, pause, cache."""

from __future__ import annotations

import json
import logging
import os
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

from etf_assets import settings
from etf_assets.edgar.client import SecClient, SecConfigError, SecNotFound
from etf_assets.edgar.ratelimit import FileRateLimiter, RedisRateLimiter
from etf_assets.edgar.resource import SecClientResource
from etf_assets_tests.conftest import USER_AGENT, NetworkGuardError, start_fake
from etf_assets_tests.fake_edgar.server import FakeEdgar, Faults

NCEN_TXT = "/Archives/edgar/data/1496608/000141036826010918/0001410368-26-010918.txt"


def client_for(edgar: FakeEdgar, tmp_path: Path, **kw) -> SecClient:
    kw.setdefault("disposable_ttl_seconds", 0)
    return SecClient.from_env(
        user_agent=USER_AGENT, base_url=edgar.url, data_url=edgar.url,
        rate_limit_url=str(tmp_path / "rl.state"), cache_dir=str(tmp_path / "cache"), **kw)


@pytest.mark.parametrize("ua", [None, "", "curl/8.0", "Acme Corp"])
def test_no_user_agent_refuses_before_any_request(fake_edgar, tmp_path, ua):
    with pytest.raises(SecConfigError, match="SEC_USER_AGENT"):
        SecClient.from_env(user_agent=ua, base_url=fake_edgar.url, data_url=fake_edgar.url)
    with pytest.raises(SecConfigError, match="SEC_USER_AGENT"):
        SecClientResource(base_url=fake_edgar.url, user_agent=ua).get_client()
    assert fake_edgar.served() == []


def test_fake_edgar_refuses_requests_without_user_agent(fake_edgar):
    import httpx

    r = httpx.get(fake_edgar.url + "/files/company_tickers_mf.json", headers={"User-Agent": ""})
    assert r.status_code == 403 and b"Undeclared Automated Tool" in r.content


def test_rate_above_sec_limit_is_refused(fake_edgar, tmp_path, monkeypatch):
    """SEC's ceiling (10/s) holds for every EDGAR not on loopback, including one URL of
    the two; only an EDGAR wholly on this machine (the fake, a local mirror) is read
    faster, up to LOOPBACK_MAX_RATE."""
    for base, data in (("https://www.sec.gov", "https://data.sec.gov"),
                       (fake_edgar.url, "https://data.sec.gov"),
                       ("http://mirror.example.com", "http://mirror.example.com")):
        with pytest.raises(SecConfigError, match="exceeds SEC's limit of 10"):
            SecClient.from_env(user_agent=USER_AGENT, base_url=base, data_url=data,
                               rate_limit_url=str(tmp_path / "rl.state"),
                               requests_per_second=12)
        monkeypatch.setenv("EDGAR_BASE_URL", base)
        monkeypatch.setenv("EDGAR_DATA_URL", data)
        monkeypatch.setenv("SEC_REQUESTS_PER_SECOND", "12")
        with pytest.raises(settings.SettingsError, match="<= 10"):
            settings.requests_per_second()
    client_for(fake_edgar, tmp_path, requests_per_second=12).close()
    with pytest.raises(SecConfigError, match="exceeds 1000"):
        client_for(fake_edgar, tmp_path, requests_per_second=1001)
    monkeypatch.setenv("EDGAR_BASE_URL", "http://localhost:1")
    monkeypatch.setenv("EDGAR_DATA_URL", "http://[::1]:1")
    assert settings.requests_per_second() == 12


_HAMMER = """
import sys, time
from etf_assets.edgar.client import SecClient
c = SecClient.from_env(user_agent=sys.argv[1], base_url=sys.argv[2], data_url=sys.argv[2],
                       rate_limit_url=sys.argv[3], cache_dir=sys.argv[4], max_retries=0,
                       disposable_ttl_seconds=0)
end = time.time() + float(sys.argv[5])
n = 0
while time.time() < end:
    c.get(sys.argv[2] + "/submissions/CIK0001496608.json")  # never cached
    n += 1
print(n)
"""


def test_four_processes_share_one_budget(fake_edgar, tmp_path):
    """4 processes, each as fast as it can for 5 s, share one budget (8/s: at most 8
    sends per 1.1 s). The window's rule itself is asserted on send stamps in
    test_rate_window.py; here arrivals at the fake are held to what tells one shared
    budget from four (four would send ~4x as many in 5 s): arrival stamps bunch when the
    fake's threads wait for a core, which under a busy suite drew a rare 429 (its
    request is re-sent after the shared pause) though no window of sends was over."""
    state = tmp_path / "shared.state"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _HAMMER, USER_AGENT, fake_edgar.url, str(state),
             str(tmp_path / f"cache{i}"), "5"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "SEC_RATE_LIMIT_PAUSE_SECONDS": "1"},  # default rate: 8/s
        )
        for i in range(4)
    ]
    outs = [p.communicate(timeout=60) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1][-2000:] for o in outs]
    answered = fake_edgar.served(200)
    assert sum(int(o[0]) for o in outs) == len(answered)  # one answer per counted get
    assert len(answered) >= 35  # the budget was actually used (~40 at 8/s over 5 s)
    assert len(fake_edgar.served(429)) <= 1
    assert FakeEdgar.max_per_window(fake_edgar.served(), window=5.0) <= 6 * 8


def test_data_dirs_of_one_machine_share_the_default_budget(fake_edgar, tmp_path):
    """3 processes with different ETF_DATA_DIRs and no ETF_RATE_LIMIT_URL (before: one
    budget per data dir, 12 requests in a second, 429s): the default budget file is the
    machine's (in the temp dir), so no 1-s window goes over 10 and nothing draws a 429.
    A NaN left in the shared state by an older version does not disable the limiter."""
    env = {k: v for k, v in os.environ.items() if k != "ETF_RATE_LIMIT_URL"}
    env["TMPDIR"] = str(tmp_path)  # this test's "machine"
    state = tmp_path / "etf-pipeline-sec-budget.state"
    state.write_bytes(struct.pack("<dd", float("nan"), float("nan")))
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _HAMMER, USER_AGENT, fake_edgar.url, "",
             str(tmp_path / f"cache{i}"), "3"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**env, "ETF_DATA_DIR": str(tmp_path / f"data{i}"),
                 "SEC_RATE_LIMIT_PAUSE_SECONDS": "1"})
        for i in range(3)
    ]
    outs = [p.communicate(timeout=60) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1][-2000:] for o in outs]
    records = fake_edgar.served()
    assert len(records) >= 20
    assert fake_edgar.served(429) == []
    assert FakeEdgar.max_per_window(records) <= 10
    assert not any((tmp_path / f"data{i}" / "sec-rate-limit.state").exists() for i in range(3))


def test_retries_5xx_and_timeouts_then_succeeds(tmp_path):
    with start_fake(generated_trusts=0, real_tickers=False) as edgar:
        edgar.set_faults(Faults(error_rate=0.5, seed=3))
        c = client_for(edgar, tmp_path, backoff_base_seconds=0.01, max_retries=10)
        body = c.get(edgar.url + NCEN_TXT)
        assert body.startswith(b"<SEC-DOCUMENT>0001410368-26-010918.txt")
        assert c.stats.retries >= 1
        assert len(edgar.served()) == c.stats.retries + 1


def test_truncated_body_is_retried(tmp_path):
    with start_fake(generated_trusts=0, real_tickers=False) as edgar:
        edgar.set_faults(Faults(truncate_rate=0.6, seed=1))
        c = client_for(edgar, tmp_path, backoff_base_seconds=0.01, max_retries=10)
        body = c.get(edgar.url + NCEN_TXT)
        assert len(body) == 890_786  # the real .txt, whole
        assert c.stats.retries >= 1


def test_timeout_is_retried(tmp_path):
    with start_fake(generated_trusts=0, real_tickers=False) as edgar:
        edgar.set_faults(Faults(timeout_rate=0.5, timeout_seconds=2, seed=1))  # first roll 0.13: a timeout
        c = client_for(edgar, tmp_path, backoff_base_seconds=0.01, max_retries=10,
                       timeout_seconds=0.3)
        assert c.submissions(1496608)["name"]
        assert c.stats.retries >= 1


def test_not_found_is_not_retried(fake_edgar, tmp_path):
    c = client_for(fake_edgar, tmp_path)
    with pytest.raises(SecNotFound):
        c.get(fake_edgar.url + "/Archives/edgar/data/1/000000000000000000/nothing.xml")
    assert len(fake_edgar.served()) == 1


def test_archives_are_cached_index_and_submissions_are_not(fake_edgar, tmp_path):
    c = client_for(fake_edgar, tmp_path)
    first = c.get(fake_edgar.url + NCEN_TXT)
    c2 = client_for(fake_edgar, tmp_path)  # another process' view
    assert c2.get(fake_edgar.url + NCEN_TXT) == first
    c.submissions(1496608)
    c2.submissions(1496608)
    paths = [r.path for r in fake_edgar.served()]
    assert paths.count(NCEN_TXT) == 1
    assert paths.count("/submissions/CIK0001496608.json") == 2


def test_429_pauses_all_traffic(tmp_path, caplog):
    """A 429 makes every client sharing the budget wait out the (shortened) pause."""
    with start_fake(generated_trusts=0, real_tickers=False) as edgar:
        c = client_for(edgar, tmp_path, pause_seconds=1.5)
        other = client_for(edgar, tmp_path, pause_seconds=1.5)
        edgar.force_status(429, 1)
        t0 = time.monotonic()
        with caplog.at_level(logging.WARNING):
            assert c.submissions(1496608)["name"]
        assert time.monotonic() - t0 >= 1.4
        assert c.stats.pauses == 1
        assert "pausing ALL SEC traffic" in caplog.text
        # The pause is shared: a 403 rate page pauses the other client's traffic too.
        edgar.force_status(403, 1, rate_page=True)
        t1 = time.monotonic()
        assert other.submissions(1496608)["name"]
        assert time.monotonic() - t1 >= 1.4
        assert c.limiter.paused_until() > 0


def test_redis_limiter_keeps_the_window():
    """The multi-machine budget (Redis on localhost, as on CI): 11 sends at rate 10
    (N=10 in W=1.1 s) take at least W, and its pause holds the next grant."""
    limiter = RedisRateLimiter("redis://127.0.0.1:6379/0", rate=10,
                               namespace=f"etf-test:{os.getpid()}:{time.time()}")
    t0 = time.monotonic()
    for _ in range(11):
        limiter.mark_sent(limiter.acquire())
    assert time.monotonic() - t0 >= 1.05
    until = limiter.pause(0.5)
    assert limiter.paused_until() >= until - 0.1
    limiter.acquire()
    # The rule, not the wait: no grant before the pause's end (Redis' clock, this
    # machine's); a process descheduled after pause() waits less, never ends earlier.
    assert time.time() >= until - 0.05


def test_file_limiter_window(tmp_path):
    """21 sends at rate 20 (N=20 in W=1.1 s): the 21st waits for the first to leave."""
    lim = FileRateLimiter(tmp_path / "s", rate=20)
    t0 = time.monotonic()
    for _ in range(21):
        lim.mark_sent(lim.acquire())
    assert 1.05 <= time.monotonic() - t0 < 2.0


def test_client_stamps_the_send_and_releases_a_failed_connection(fake_edgar, tmp_path):
    """The client's grant is stamped by httpcore's trace when the request headers are
    written: one send recorded per request. A connection refused never sends: its grant
    is released, so nothing is recorded and no place is held for the lease."""
    c = client_for(fake_edgar, tmp_path)
    c.company_tickers_mf()
    assert len(c.limiter.sends()) == 1
    dead = client_for(fake_edgar, tmp_path, max_retries=0)
    dead.base_url = "http://127.0.0.1:1"
    with pytest.raises(Exception):
        dead.company_tickers_mf()
    assert len(c.limiter.sends()) == 1
    assert c.limiter._try()[0] == "g"


def test_network_guard_blocks_sec_gov():
    import socket

    with pytest.raises(NetworkGuardError):
        socket.create_connection(("93.184.216.34", 443), timeout=1)
    with pytest.raises(NetworkGuardError):
        s = socket.socket()
        try:
            s.connect(("www.sec.gov", 443))
        finally:
            s.close()


def test_fake_request_log_over_http(fake_edgar, tmp_path):
    c = client_for(fake_edgar, tmp_path)
    c.company_tickers_mf()
    import httpx

    log = httpx.get(fake_edgar.url + "/__fake__/requests").json()
    assert [r["path"] for r in log] == ["/files/company_tickers_mf.json"]
    assert log[0]["user_agent"] == USER_AGENT and log[0]["status"] == 200
    assert json.loads(httpx.get(fake_edgar.url + "/__fake__/clock").content)["today"]
