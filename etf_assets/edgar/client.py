"""The one SEC client: every byte from EDGAR comes through `SecClient.get`.

Policy, in order: declared User-Agent (or refuse to start), the machine-wide rate
limit, the immutable-archive cache, bounded retries with exponential backoff and jitter
on 5xx / timeouts / broken connections, and a shared 10-minute pause on SEC's
rate-limit answers (429, or 403 with "Request Rate Threshold Exceeded").

edgartools fetches over its own httpx client with an in-process limiter, which other
Dagster processes cannot see, so we fetch here and hand edgartools bytes to parse.
"""

from __future__ import annotations

import json
import logging
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from etf_assets import settings, stopping
from etf_assets.edgar.cache import BodyCache, is_immutable
from etf_assets.edgar.ratelimit import Grant, RateLimiter, make_rate_limiter

log = logging.getLogger(__name__)

# "Name email@domain": at least one word, whitespace, then something email-shaped.
_USER_AGENT_RE = re.compile(r"^\S.*\s+[^@\s]+@[^@\s]+\.[^@\s]+$")
RATE_THRESHOLD_TEXT = b"Request Rate Threshold Exceeded"


# Submissions documents handed from one client to the next in this process (see
# SecClient.hand_off_submissions): url -> (monotonic time, document).
_HAND_OFF: dict[str, tuple[float, dict[str, Any]]] = {}
_HAND_OFF_LOCK = threading.Lock()
HAND_OFF_SECONDS = 600.0


class SecConfigError(ValueError):
    """The client is misconfigured; no request was sent."""


class SecHttpError(RuntimeError):
    def __init__(self, url: str, status: int | None, message: str) -> None:
        super().__init__(f"{message}: {url}" + (f" (HTTP {status})" if status else ""))
        self.url = url
        self.status = status


class SecNotFound(SecHttpError):
    """404: the document does not exist (not retried)."""


def validate_user_agent(user_agent: str | None) -> str:
    """Return the User-Agent or raise SecConfigError naming SEC_USER_AGENT."""
    ua = (user_agent or "").strip()
    if ua and not ua.isascii():  # an HTTP header is ASCII: it could never be sent
        raise SecConfigError(f"{settings.USER_AGENT_VAR}={ua!r}: use ASCII characters only")
    if not _USER_AGENT_RE.match(ua):
        shown = f" (got {ua!r})" if ua else ""
        raise SecConfigError(
            f"{settings.USER_AGENT_VAR} must declare who you are, as SEC requires: "
            f'export {settings.USER_AGENT_VAR}="Company Name admin@example.com"{shown}'
        )
    return ua


@dataclass
class RequestStats:
    """What this client did; reported in materialization metadata and by run-all."""

    sent: Counter = field(default_factory=Counter)  # by kind: document/index/submissions/...
    cache_hits: Counter = field(default_factory=Counter)
    retries: int = 0
    pauses: int = 0

    def as_metadata(self) -> dict[str, int]:
        out = {f"sec_requests_{k}": v for k, v in sorted(self.sent.items())}
        out.update({f"sec_cache_hits_{k}": v for k, v in sorted(self.cache_hits.items())})
        out["sec_retries"] = self.retries
        out["sec_rate_limit_pauses"] = self.pauses
        return out

    def snapshot(self) -> "RequestStats":
        return RequestStats(Counter(self.sent), Counter(self.cache_hits), self.retries,
                            self.pauses)

    def since(self, before: "RequestStats") -> dict[str, int]:
        """Metadata of what was done after `before` (one trust of a multi-trust run)."""
        return RequestStats(self.sent - before.sent, self.cache_hits - before.cache_hits,
                            self.retries - before.retries,
                            self.pauses - before.pauses).as_metadata()


def request_kind(path: str) -> str:
    if is_immutable(path):
        return "document"
    if "/daily-index/" in path or "/full-index/" in path:
        return "index"
    if path.startswith("/submissions/"):
        return "submissions"
    if path.startswith("/cgi-bin/browse-edgar"):
        return "current_feed"
    return "other"


class SecClient:
    def __init__(
        self,
        user_agent: str | None,
        *,
        base_url: str = settings.DEFAULT_BASE_URL,
        data_url: str = settings.DEFAULT_DATA_URL,
        limiter: RateLimiter,
        cache: BodyCache | None = None,
        timeout_seconds: float = 30.0,
        max_retries: int = 5,
        backoff_base_seconds: float = 1.0,
        backoff_max_seconds: float = 60.0,
        pause_seconds: float = settings.DEFAULT_PAUSE_SECONDS,
        max_pauses: int = 3,
    ) -> None:
        self.user_agent = validate_user_agent(user_agent)
        ceiling = settings.max_rate(base_url, data_url)
        if limiter.rate > ceiling:
            raise SecConfigError(
                f"{settings.RATE_VAR}={limiter.rate} exceeds SEC's limit of "
                f"{settings.SEC_MAX_RATE:g} requests/s" if ceiling == settings.SEC_MAX_RATE
                else f"{settings.RATE_VAR}={limiter.rate} exceeds {ceiling:g} requests/s"
            )
        self.base_url = base_url.rstrip("/")
        self.data_url = data_url.rstrip("/")
        self.limiter = limiter
        self.cache = cache
        self.max_retries = max_retries
        self.backoff_base = backoff_base_seconds
        self.backoff_max = backoff_max_seconds
        self.pause_seconds = pause_seconds
        self.max_pauses = max_pauses
        self.stats = RequestStats()
        self._one_view: dict[str, Any] | None = None  # see one_view_of_submissions()
        self._http = httpx.Client(
            headers={"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(timeout_seconds),
            follow_redirects=True,
        )
        self._lock = threading.Lock()

    @classmethod
    def from_env(
        cls,
        *,
        user_agent: str | None = None,
        base_url: str | None = None,
        data_url: str | None = None,
        requests_per_second: float | None = None,
        rate_limit_url: str | None = None,
        cache_dir: str | None = None,
        disposable_ttl_seconds: float | None = None,
        pause_seconds: float | None = None,
        **kwargs: Any,
    ) -> "SecClient":
        """A client whose unset settings come from the environment (etf_assets/settings.py)."""
        # Validate before touching the disk or the network: zero requests without it.
        ua = validate_user_agent(user_agent or settings.user_agent())
        rate = requests_per_second or settings.requests_per_second()
        kwargs = {**settings.retry_policy(), **kwargs}
        return cls(
            ua,
            base_url=base_url or settings.base_url(),
            data_url=data_url or settings.data_url(),
            limiter=make_rate_limiter(rate_limit_url or settings.rate_limit_url(), rate),
            cache=BodyCache(cache_dir or settings.cache_dir(),
                            settings.cache_ttl_seconds() if disposable_ttl_seconds is None
                            else disposable_ttl_seconds),
            pause_seconds=settings.pause_seconds() if pause_seconds is None else pause_seconds,
            **kwargs,
        )

    def close(self) -> None:
        self._http.close()

    # -- URLs -------------------------------------------------------------------
    def www(self, path: str) -> str:
        return self.base_url + path

    def data(self, path: str) -> str:
        return self.data_url + path

    # -- the one fetch ------------------------------------------------------------
    def get(self, url: str, *, cached: bool = True) -> bytes:
        """GET `url` (absolute, on the www or data host) under the full policy
        (`cached=False`: never from or into the cache, which keys on the path alone)."""
        path = httpx.URL(url).path
        kind = request_kind(path)
        if not cached:
            return self._fetch(url, kind)
        if self.cache is not None:
            hit = self.cache.get(path)
            if hit is not None:
                self.stats.cache_hits[kind] += 1
                return hit
        body = self._fetch(url, kind)
        if self.cache is not None:
            self.cache.put(path, body)
        return body

    def get_json(self, url: str) -> Any:
        return json.loads(self.get(url))

    def _backoff(self, attempt: int) -> float:
        # Exponential with "full jitter": spreads retries of parallel processes apart.
        cap = min(self.backoff_max, self.backoff_base * (2**attempt))
        return random.uniform(cap / 2, cap)

    def _stamper(self, grant: Grant):
        """httpcore's trace hook: the grant's window starts when the request headers
        are written to the socket, not when the grant was given (a connection may take a
        while to open). A failed write may have reached SEC in part: counted too."""

        def trace(event: str, info: dict[str, Any]) -> None:
            if event.endswith(("send_request_headers.complete",
                               "send_request_headers.failed")):
                self.limiter.mark_sent(grant)

        return trace

    def _fetch(self, url: str, kind: str) -> bytes:
        attempt = 0
        pauses = 0
        last_error = ""
        while True:
            stopping.check()  # stopping (SIGTERM): no new request
            grant = self.limiter.acquire()
            with self._lock:
                self.stats.sent[kind] += 1
            status: int | None = None
            try:
                try:
                    resp = self._http.get(url, extensions={"trace": self._stamper(grant)})
                    status = resp.status_code
                    body = resp.content  # raises on a truncated body (Content-Length short)
                finally:
                    self.limiter.release(grant)  # a no-op once sent: its window runs on
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                last_error = f"{type(exc).__name__}: {exc}"
            else:
                if status == 200:
                    return body
                if status == 429 or (status == 403 and RATE_THRESHOLD_TEXT in body):
                    pauses += 1
                    self.stats.pauses += 1
                    if pauses > self.max_pauses:
                        raise SecHttpError(url, status, "SEC rate limit persists after pauses")
                    until = self.limiter.pause(self.pause_seconds)
                    log.warning(
                        "SEC answered %s (rate limit) for %s: pausing ALL SEC traffic for "
                        "%.0f s, until %s",
                        status, url, self.pause_seconds,
                        time.strftime("%H:%M:%S", time.localtime(until)),
                    )
                    continue  # acquire() waits out the pause
                if status == 404:
                    raise SecNotFound(url, status, "Not found on EDGAR")
                if status < 500:
                    hint = ""
                    if status == 403:
                        hint = f" (is {settings.USER_AGENT_VAR} accepted by SEC?)"
                    raise SecHttpError(url, status, f"EDGAR refused the request{hint}")
                last_error = f"HTTP {status}"
            if attempt >= self.max_retries:
                raise SecHttpError(
                    url, status, f"Gave up after {attempt + 1} attempts ({last_error})"
                )
            delay = self._backoff(attempt)
            attempt += 1
            self.stats.retries += 1
            log.info("Retry %d/%d in %.1fs for %s (%s)", attempt, self.max_retries, delay,
                     url, last_error)
            time.sleep(delay)

    # -- EDGAR endpoints ------------------------------------------------------------
    def company_tickers_mf(self) -> bytes:
        return self.get(self.www("/files/company_tickers_mf.json"))

    def company_tickers_exchange(self) -> bytes:
        """Every exchange-listed ticker SEC knows (cik, name, ticker, exchange): the only
        SEC list that has unit-investment-trust ETFs and grantor trusts."""
        return self.get(self.www("/files/company_tickers_exchange.json"))

    def submissions(self, cik: str | int) -> dict[str, Any]:
        return self._submissions_json(self.data(f"/submissions/CIK{int(cik):010d}.json"))

    def submissions_page(self, name: str) -> dict[str, Any]:
        """Older filings live in extra pages named in `filings.files` of the main JSON."""
        return self._submissions_json(self.data(f"/submissions/{name}"))

    @contextmanager
    def one_view_of_submissions(self) -> Iterator[SecClient]:
        """Within: each submissions document is fetched at most once. One trust's form
        slices (N-CEN, N-PORT, 24F-2NT, ...) then share one request and one view of the
        trust's filings, however long its load takes (the disposable cache keeps
        documents only ETF_CACHE_TTL_SECONDS)."""
        outer = self._one_view
        self._one_view = {} if outer is None else outer
        try:
            yield self
        finally:
            self._one_view = outer

    def hand_off_submissions(self, cik: str | int, doc: dict[str, Any]) -> None:
        """A trust's submissions JSON just read, for the next client of this process
        that asks for it (run-all reads a never-loaded trust's, then runs its load in
        process): taken once, within HAND_OFF_SECONDS, instead of a second request."""
        url = self.data(f"/submissions/CIK{int(cik):010d}.json")
        with _HAND_OFF_LOCK:
            _HAND_OFF[url] = (time.monotonic(), doc)

    @staticmethod
    def drop_hand_offs() -> None:
        """Forget documents handed off and not taken (their trust's run did not ask)."""
        with _HAND_OFF_LOCK:
            _HAND_OFF.clear()

    def _submissions_json(self, url: str) -> dict[str, Any]:
        if self._one_view is not None and url in self._one_view:
            return self._one_view[url]
        with _HAND_OFF_LOCK:
            handed = _HAND_OFF.pop(url, None)
        if handed is not None and time.monotonic() - handed[0] < HAND_OFF_SECONDS:
            doc = handed[1]
            self.stats.cache_hits["submissions"] += 1
        else:
            doc = self.get_json(url)
        if self._one_view is not None:
            self._one_view[url] = doc
        return doc

    def archive_url(self, cik: str | int, accession: str, filename: str) -> str:
        """A document of a filing: /Archives/edgar/data/<cik>/<accession folder>/<file>."""
        return self.www(
            f"/Archives/edgar/data/{int(cik)}/{accession.replace('-', '')}/{filename}")

    def filing_text(self, cik: str | int, accession: str) -> bytes:
        """The full submission (.txt): SGML header plus every document of the filing."""
        return self.get(self.archive_url(cik, accession, f"{accession}.txt"))

    def filing_header(self, cik: str | int, accession: str) -> bytes:
        """A filing's SGML header alone (`<accession>.hdr.sgml`, a few KB: no document),
        or the full submission when SEC does not serve the header file."""
        try:
            return self.get(self.archive_url(cik, accession, f"{accession}.hdr.sgml"))
        except SecNotFound:
            return self.filing_text(cik, accession)

    def filing_document(self, cik: str | int, accession: str, filename: str) -> bytes:
        return self.get(self.archive_url(cik, accession, filename))

    def daily_form_index(self, day) -> bytes:
        q = (day.month - 1) // 3 + 1
        return self.get(
            self.www(f"/Archives/edgar/daily-index/{day.year}/QTR{q}/form.{day:%Y%m%d}.idx")
        )

    def current_filings_feed(self, form_prefix: str, count: int = 100) -> bytes:
        """EDGAR's latest filings whose form starts with `form_prefix`, as Atom (changes
        by the minute: never cached)."""
        return self.get(self.www(
            f"/cgi-bin/browse-edgar?action=getcurrent&type={form_prefix}&company=&dateb="
            f"&owner=include&start=0&count={count}&output=atom"), cached=False)

    def clear_disposable_cache(self) -> None:
        if self.cache is not None:
            self.cache.clear_disposable()
