"""New registrants: a trust outside the universe whose N-1A (initial registration) or
485APOS proposes a fund whose name says ETF becomes a candidate the day the daily
index shows the filing, and its lifecycle (lifecycle_event / lifecycle_state) is
followed from its filings' headers, so a brand-new ETF family is seen before its first
ticker exists. Once SEC's ticker files list it, it is a trust of the universe like any
other (the headers read here are not read again)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timezone

from sqlalchemy import Engine, select

from etf_assets.edgar.client import SecClient, SecHttpError
from etf_assets.freshness.index import IndexEntry
from etf_assets.lifecycle.events import HEADER_FORMS, REGISTRATION_FORMS, header_events
from etf_assets.lifecycle.header import HeaderError, parse_header
from etf_assets.lifecycle.load import rebuild_state, record_header
from etf_assets.warehouse.load import insert_new
from etf_assets.warehouse.tables import lifecycle_filing, registrant_candidate

DISCOVERY_FORMS = REGISTRATION_FORMS | {"485APOS"}
_ETF_NAME = re.compile(r"\bETFs?\b|\bexchange[- ]traded\b", re.I)


def says_etf(name: str | None) -> bool:
    return bool(name and _ETF_NAME.search(name))


def track_new_registrants(client: SecClient, engine: Engine, entries: Iterable[IndexEntry],
                          universe: set[str]) -> list[str]:
    """From one day's index entries (all filers): headers of discovery forms filed by
    trusts outside `universe`, and of every lifecycle form of candidates already found.
    One request per such filing (a few a day). Returns the new candidates' CIKs. SEC
    trouble skips a filing (it stays unread; nothing else waits on it)."""
    entries = [e for e in entries if e.cik not in universe
               and e.form in DISCOVERY_FORMS | HEADER_FORMS]
    if not entries:
        return []
    with engine.connect() as conn:
        candidates = set(conn.execute(select(registrant_candidate.c.cik)).scalars())
        read = set(conn.execute(select(lifecycle_filing.c.accession_number).where(
            lifecycle_filing.c.accession_number.in_([e.accession_number for e in entries])
        )).scalars())
    found: list[str] = []
    for e in entries:
        if e.accession_number in read:
            continue
        if e.cik not in candidates and e.form not in DISCOVERY_FORMS:
            continue
        try:
            raw = client.filing_header(e.cik, e.accession_number)
            h = parse_header(raw)
        except (SecHttpError, HeaderError):
            continue
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        etf_series = [[s.series_id, s.name] for s in h.new_series + h.existing_series
                      if says_etf(s.name)]
        if e.cik not in candidates:
            if not etf_series:
                continue  # a new fund family, but no ETF among its funds
            with engine.begin() as conn:
                insert_new(conn, registrant_candidate, {
                    "cik": e.cik, "name": h.company_name,
                    "found_by_accession": h.accession_number, "found_by_form": h.form,
                    "filing_date": h.filing_date, "etf_series": etf_series, "found_at": now})
            candidates.add(e.cik)
            found.append(e.cik)
        events = header_events(e.cik, h)
        with engine.begin() as conn:
            record_header(conn, e.cik, h, events, designated=None, raw=raw, now=now,
                          url=client.archive_url(e.cik, h.accession_number,
                                                 f"{h.accession_number}.hdr.sgml"))
        with engine.begin() as conn:
            rebuild_state(conn, e.cik, now)
    return found
