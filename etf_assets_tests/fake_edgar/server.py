"""A local EDGAR: a real HTTP server on 127.0.0.1 that behaves like SEC.

Like SEC it answers 403 without a User-Agent and 429 when more than 10 requests
arrive within any one second; it records every request; it can inject faults
(5xx, timeouts, truncated bodies, slow answers); and it has a clock so tests can
"publish" a filing by moving `today` forward.

Control endpoints (not recorded, not rate limited) live under `/__fake__/`:
`GET /__fake__/requests`, `POST /__fake__/clock?today=YYYY-MM-DD`,
`POST /__fake__/faults?error_rate=0.1&timeout_rate=0.02&truncate_rate=0.01&slow_ms=0`,
`POST /__fake__/reset` (clears the request log and the rate window).
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from etf_assets_tests.fake_edgar.corpus import Corpus
from etf_assets_tests.fake_edgar.feed import current_feed

SEC_LIMIT_PER_SECOND = 10
UNDECLARED_TOOL_PAGE = (
    b"<html><body><h1>Your Request Originates from an Undeclared Automated Tool</h1>"
    b"<p>Please declare your traffic by updating your user agent.</p></body></html>"
)
RATE_PAGE = b"<html><body><h1>Request Rate Threshold Exceeded</h1></body></html>"


@dataclass
class Faults:
    error_rate: float = 0.0  # share of 500/503 answers
    timeout_rate: float = 0.0  # share of requests that hang for `timeout_seconds`
    truncate_rate: float = 0.0  # share of bodies cut in half (Content-Length stays full)
    slow_ms: int = 0  # added to every answer
    timeout_seconds: float = 5.0
    seed: int = 0


@dataclass
class RequestRecord:
    t: float  # arrival, time.time()
    path: str
    user_agent: str | None
    status: int = 0


_ARCHIVE_FILE = re.compile(r"^/Archives/edgar/data/(\d+)/(\d{18}|\d{10}-\d{2}-\d{6})(?:/(.+))?$")
_FLAT_TXT = re.compile(r"^/Archives/edgar/data/(\d+)/(\d{10}-\d{2}-\d{6})\.txt$")
_DAILY = re.compile(r"^/Archives/edgar/daily-index/(\d{4})/QTR([1-4])/form\.(\d{8})\.idx$")
_FULL = re.compile(r"^/Archives/edgar/full-index/(\d{4})/QTR([1-4])/form\.idx$")
_SUBMISSIONS = re.compile(r"^/submissions/CIK(\d{10})\.json$")
_SUBMISSIONS_PAGE = re.compile(r"^/submissions/CIK(\d{10})-submissions-(\d{3})\.json$")


class FakeEdgar:
    """Start with `with FakeEdgar(corpus) as edgar:`; `edgar.url` is the base URL."""

    def __init__(self, corpus: Corpus, host: str = "127.0.0.1", port: int = 0,
                 faults: Faults | None = None, enforce_rate_limit: bool = True) -> None:
        self.corpus = corpus
        self.faults = faults or Faults()
        self.enforce_rate_limit = enforce_rate_limit
        self.requests: list[RequestRecord] = []
        self._window: deque[float] = deque()
        self._lock = threading.Lock()
        self._rng = random.Random(self.faults.seed)
        self._forced: list[tuple[int, bool]] = []  # (status, rate page?) for next requests
        self._server = ThreadingHTTPServer((host, port), self._handler_class())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    # -- lifecycle ----------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakeEdgar":
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "FakeEdgar":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- test knobs ------------------------------------------------------------------
    def set_today(self, today: date) -> None:
        self.corpus.today = today

    def set_faults(self, faults: Faults) -> None:
        with self._lock:
            self.faults = faults
            self._rng = random.Random(faults.seed)

    def force_status(self, status: int, count: int = 1, rate_page: bool = False) -> None:
        """Answer the next `count` requests with `status` (403 + rate_page = SEC's
        "Request Rate Threshold Exceeded" page)."""
        with self._lock:
            self._forced.extend([(status, rate_page)] * count)

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self._window.clear()

    def served(self, status: int | None = None) -> list[RequestRecord]:
        with self._lock:
            return [r for r in self.requests if status is None or r.status == status]

    @staticmethod
    def max_per_window(records: list[RequestRecord], window: float = 1.0) -> int:
        """Most requests that arrived within any `window` seconds (sliding)."""
        times = sorted(r.t for r in records)
        best, lo = 0, 0
        for hi, t in enumerate(times):
            while t - times[lo] >= window:
                lo += 1
            best = max(best, hi - lo + 1)
        return best

    # -- request handling --------------------------------------------------------------
    def _admit(self, path: str, ua: str | None) -> tuple[RequestRecord, int | None, str | None]:
        """Record the request; decide SEC's gatekeeping answer and any injected fault."""
        now = time.time()
        rec = RequestRecord(t=now, path=path, user_agent=ua)
        with self._lock:
            self.requests.append(rec)
            self._window.append(now)
            while self._window and now - self._window[0] >= 1.0:
                self._window.popleft()
            if not ua:
                return rec, 403, None
            if self.enforce_rate_limit and len(self._window) > SEC_LIMIT_PER_SECOND:
                return rec, 429, None
            if self._forced:
                status, rate_page = self._forced.pop(0)
                return rec, status, "rate_page" if rate_page else None
            f = self.faults
            roll = self._rng.random()
            if roll < f.error_rate:
                return rec, self._rng.choice([500, 503]), None
            roll -= f.error_rate
            if roll < f.timeout_rate:
                return rec, None, "timeout"
            roll -= f.timeout_rate
            if roll < f.truncate_rate:
                return rec, None, "truncate"
        return rec, None, None

    def route(self, path: str, query: str = "") -> tuple[int, bytes, str]:
        c = self.corpus
        if path == "/cgi-bin/browse-edgar":  # the current-filings feed (getcurrent, Atom)
            q = parse_qs(query)
            if q.get("action") == ["getcurrent"] and q.get("output") == ["atom"]:
                return 200, current_feed(c, q.get("type", [""])[0],
                                         int(q.get("count", ["40"])[0])), "application/atom+xml"
            return 404, b"Not Found", "text/plain"
        if path == "/files/company_tickers_mf.json":
            return 200, json.dumps(c.tickers_mf_now()).encode(), "application/json"
        if path == "/files/company_tickers_exchange.json":
            return 200, json.dumps(c.tickers_exchange).encode(), "application/json"
        if m := _SUBMISSIONS.match(path):
            sub = c.submissions(int(m.group(1)))
            if sub is None:
                return 404, b"Not Found", "text/plain"
            return 200, json.dumps(sub).encode(), "application/json"
        if m := _SUBMISSIONS_PAGE.match(path):
            page = c.submissions_page(int(m.group(1)), int(m.group(2)))
            if page is None:
                return 404, b"Not Found", "text/plain"
            return 200, json.dumps(page).encode(), "application/json"
        if m := _DAILY.match(path):
            day = date(int(m[3][:4]), int(m[3][4:6]), int(m[3][6:]))
            # EDGAR publishes a day's index after the day ends; no index on weekends.
            if day >= c.today or day.weekday() >= 5 or day in c.holidays:
                return 404, b"Not Found", "text/plain"
            return 200, c.form_index([day]), "text/plain"
        if m := _FULL.match(path):
            year, q = int(m[1]), int(m[2])
            start = date(year, 3 * q - 2, 1)
            days = [start + timedelta(d) for d in range(92)]
            days = [d for d in days if (d.month - 1) // 3 + 1 == q and d < c.today]
            if not days:
                return 404, b"Not Found", "text/plain"
            return 200, c.form_index(days), "text/plain"
        if m := _FLAT_TXT.match(path):
            f = c.find(int(m[1]), m[2])
            if f:
                return 200, f.txt(), "text/plain"
        if m := _ARCHIVE_FILE.match(path):
            f = c.find(int(m[1]), m[2])
            name = m[3]
            if f and name:
                if name == "index.json":
                    return 200, f.index_json(), "application/json"
                if name == f"{f.accession}.txt":
                    return 200, f.txt(), "text/plain"
                if name == f"{f.accession}.hdr.sgml":  # the header alone, as SEC serves it
                    txt = f.txt()
                    start = txt.find(b"<SEC-HEADER>")
                    end = txt.find(b"</SEC-HEADER>")
                    return 200, txt[start:end + len(b"</SEC-HEADER>")] + b"\n", "text/plain"
                if name.startswith("xsl") and f.document(name.rsplit("/", 1)[-1]):
                    # SEC's human rendering of an XML form: HTML, not the filed XML.
                    return 200, b"<html><body>rendered form</body></html>", "text/html"
                body = f.document(name)
                if body is not None:
                    ctype = "application/xml" if name.endswith(".xml") else "text/html"
                    return 200, body, ctype
        return 404, b"Not Found", "text/plain"

    def _control(self, method: str, path: str, query: dict) -> tuple[int, bytes]:
        if path == "/__fake__/requests":
            with self._lock:
                body = json.dumps([asdict(r) for r in self.requests])
            return 200, body.encode()
        if path == "/__fake__/clock" and method == "POST":
            self.set_today(date.fromisoformat(query["today"][0]))
            return 200, json.dumps({"today": self.corpus.today.isoformat()}).encode()
        if path == "/__fake__/clock":
            return 200, json.dumps({"today": self.corpus.today.isoformat()}).encode()
        if path == "/__fake__/faults" and method == "POST":
            kw = {k: type(getattr(Faults(), k))(v[0]) for k, v in query.items()}
            self.set_faults(Faults(**kw))
            return 200, json.dumps(asdict(self.faults)).encode()
        if path == "/__fake__/reset" and method == "POST":
            self.reset()
            return 200, b"{}"
        return 404, b"{}"

    def _handler_class(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def _send(self, status: int, body: bytes, ctype: str = "text/html",
                      truncate: bool = False) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                if truncate:
                    self.send_header("Connection", "close")
                self.end_headers()
                if truncate:
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(body)

            def _handle(self, method: str) -> None:
                parts = urlsplit(self.path)
                if parts.path.startswith("/__fake__/"):
                    status, body = fake._control(method, parts.path, parse_qs(parts.query))
                    self._send(status, body, "application/json")
                    return
                rec, status, fault = fake._admit(parts.path, self.headers.get("User-Agent"))
                if fake.faults.slow_ms:
                    time.sleep(fake.faults.slow_ms / 1000)
                if status == 403:
                    rec.status = 403
                    self._send(403, RATE_PAGE if fault == "rate_page" else UNDECLARED_TOOL_PAGE)
                    return
                if status == 429:
                    rec.status = 429
                    self._send(429, RATE_PAGE)
                    return
                if status is not None:
                    rec.status = status
                    self._send(status, b"<html>Service Unavailable</html>")
                    return
                if fault == "timeout":
                    rec.status = 0
                    time.sleep(fake.faults.timeout_seconds)
                    self.close_connection = True
                    return
                code, body, ctype = fake.route(parts.path, parts.query)
                rec.status = code
                self._send(code, body, ctype, truncate=(fault == "truncate" and code == 200))

            def do_GET(self) -> None:
                self._handle("GET")

            def do_POST(self) -> None:
                self._handle("POST")

        return Handler
