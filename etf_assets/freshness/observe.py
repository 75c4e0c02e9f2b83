"""What EDGAR shows, taken into `sec_latest_filing`: the sensors and `run-all` observe
SEC the same ways.

* Daily form indexes: one request per business day covers every filer. The days read
  are kept in the warehouse (`sec_index_day`), so the sensor and run-all continue where
  either of them stopped.
* A trust's submissions JSON: one request per trust, for trusts never loaded (is there
  anything to load?) and for gap repair.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from etf_assets import settings
from etf_assets.edgar.client import SecClient, SecHttpError, SecNotFound
from etf_assets.edgar.submissions import parse_submissions
from etf_assets.freshness.current import (
    CURRENT_FEED_INTERVAL_SECONDS,
    parse_current_feed,
    type_prefixes,
)
from etf_assets.freshness.index import business_days, parse_form_index
from etf_assets.freshness.stale import (
    FORM_TO_GROUP,
    FORM_TO_GROUPS,
    observations_from_index,
    observations_from_submissions,
)
from etf_assets.warehouse.freshness import last_index_day, record_index_day, record_observations

log = logging.getLogger(__name__)
EDGAR_TZ = ZoneInfo("America/New_York")  # EDGAR's days (and index files) are Eastern

# A weekday index that is still 404 this many days later was a holiday, not late.
INDEX_PUBLICATION_GRACE_DAYS = 3
# An index not published yet is asked for again after this long, not every tick.
INDEX_RETRY_SECONDS = 600


def edgar_today(now: datetime | None = None) -> date:
    """EDGAR's date at `now` (default: the machine's clock) in New York, or
    ETF_EDGAR_TODAY (replays against the fake EDGAR). Callers look it up on this module:
    tests follow the fake's clock by replacing it."""
    return settings.edgar_today_override() or (now or datetime.now(EDGAR_TZ)).astimezone(
        EDGAR_TZ).date()


def read_index_day(client: SecClient, day: date, today: date
                   ) -> tuple[list, str] | None:
    """One business day's form index: (entries, "read"), ([], "holiday") for an index
    still missing past the publication grace, or None: not published yet, or SEC
    trouble (the day is to be read again later)."""
    try:
        return parse_form_index(client.daily_form_index(day)), "read"
    except SecHttpError as exc:
        # A missing index answers 404 (or 403, seen for unpublished index files).
        missing = isinstance(exc, SecNotFound) or exc.status == 403
        if not missing or (today - day).days < INDEX_PUBLICATION_GRACE_DAYS:
            return None
        return [], "holiday"


def read_index_days(client: SecClient, engine: Engine, ciks: list[str], cursor: dict,
                    today: date, now: float, max_days: int) -> list[str]:
    """Read each new business day's form index (oldest first) into sec_latest_filing,
    each day recorded in `sec_index_day` in the same transaction as its observations.
    Continues after the later of the warehouse's last day and `cursor["last_index_day"]`
    (default: yesterday is the first day); stops at the first day not published yet (or
    on SEC trouble), setting `cursor["index_retry_at"]`. Returns the days read."""
    if now < float(cursor.get("index_retry_at", 0)):
        return []
    with engine.connect() as conn:
        stored = last_index_day(conn)
    known = [d for d in (stored, cursor.get("last_index_day")) if d]
    last = max(date.fromisoformat(d) if isinstance(d, str) else d for d in known) \
        if known else today - timedelta(days=1)
    read = []
    for day in business_days(last, today - timedelta(days=1))[:max_days]:
        got = read_index_day(client, day, today)
        if got is None:
            cursor["index_retry_at"] = now + INDEX_RETRY_SECONDS
            break  # not published yet, or SEC trouble: this day again later
        entries, status = got
        observations = observations_from_index(entries, ciks)
        _track_new_registrants(client, engine, entries, ciks)
        with engine.begin() as conn:
            record_observations(conn, observations, "daily_index")
            record_index_day(conn, day, status, len(entries), len(observations))
        read.append(day.isoformat())
        last = day
    cursor["last_index_day"] = last.isoformat()
    return read


def read_current_feed(client: SecClient, engine: Engine, ciks: list[str], cursor: dict,
                      now: float) -> list[str]:
    """Every CURRENT_FEED_INTERVAL_SECONDS: EDGAR's current-filings feed, one request per
    form prefix of the pipeline's forms, into sec_latest_filing (filings accepted today,
    hours before the daily index lists them). Returns the accessions of our trusts seen.
    SEC trouble or an unreadable feed skips that prefix until the next poll: the daily
    index repairs anything missed."""
    if now < float(cursor.get("feed_next_at", 0)):
        return []
    cursor["feed_next_at"] = now + CURRENT_FEED_INTERVAL_SECONDS
    entries = []
    for prefix in type_prefixes(FORM_TO_GROUPS):
        try:
            entries += parse_current_feed(client.current_filings_feed(prefix))
        except (SecHttpError, ValueError):  # lxml's XMLSyntaxError is a ValueError
            continue
    observations = observations_from_index(entries, ciks)
    if observations:
        with engine.begin() as conn:
            record_observations(conn, observations, "current_feed")
    return sorted({o.accession_number for o in observations})


def _track_new_registrants(client: SecClient, engine: Engine, entries, ciks) -> None:
    """New ETF families from the day's index (etf_assets/lifecycle/registrants.py);
    whatever goes wrong there never holds the index back."""
    from etf_assets.lifecycle.registrants import track_new_registrants

    try:
        track_new_registrants(client, engine, entries, set(ciks))
    except Exception:  # noqa: BLE001 - logged; the day's observations still count
        log.exception("new registrants of the day's index not tracked")


def only_unpublished_left(cursor: dict, today: date) -> bool:
    """After read_index_days: every day it did not read is recent enough to be not yet
    published (rather than missing through SEC trouble)."""
    last = date.fromisoformat(cursor["last_index_day"])
    return all((today - d).days < INDEX_PUBLICATION_GRACE_DAYS
               for d in business_days(last, today - timedelta(days=1)))


def index_days_behind(engine: Engine, today: date) -> int | None:
    """Business days whose index has not been taken in yet (through yesterday); None
    when no day ever was (a new warehouse, or one from before `sec_index_day`)."""
    with engine.connect() as conn:
        last = last_index_day(conn)
    return None if last is None else len(business_days(last, today - timedelta(days=1)))


def record_baseline(engine: Engine, today: date) -> None:
    """Every trust's submissions were just read (or are about to be, by first loads):
    the indexes through yesterday hold nothing they did not show."""
    with engine.begin() as conn:
        record_index_day(conn, today - timedelta(days=1), "baseline")


def observe_submissions(client: SecClient, engine: Engine, cik: str) -> None:
    """What EDGAR shows for one trust now (its submissions JSON, one request) into
    `sec_latest_filing`: gap repair and run-all check a loaded trust this way."""
    filings = parse_submissions(client.submissions(cik), cik)
    with engine.begin() as conn:
        record_observations(conn, observations_from_submissions(filings), "submissions")


@dataclass(frozen=True)
class FirstLook:
    """A never-loaded trust's submissions, read before deciding to run it."""

    doc: dict[str, Any] | None  # None: EDGAR has no submissions for the CIK (404)
    forms_found: tuple[str, ...]  # forms of any freshness group among the recent filings

    @property
    def nothing_to_load(self) -> bool:
        """No filing of any form the pipeline reads, and no older page that could hold
        one (a trust with ~1,000 newer filings keeps its N-CEN in a page)."""
        if self.doc is None:
            return True
        return not self.forms_found and not self.doc.get("filings", {}).get("files")

    def why(self) -> str:
        if self.doc is None:
            return "EDGAR has no submissions for this CIK"
        return "EDGAR shows no filing of the forms this pipeline reads"


def first_look(client: SecClient, cik: str) -> FirstLook:
    """One request: the trust's submissions JSON (hand it to the trust's run with
    SecClient.hand_off_submissions, so the load does not ask again)."""
    try:
        doc = client.submissions(cik)
    except SecNotFound:
        return FirstLook(None, ())
    forms = sorted({f.form for f in parse_submissions(doc, cik) if f.form in FORM_TO_GROUP})
    return FirstLook(doc, tuple(forms))
