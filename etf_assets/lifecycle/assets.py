"""Fund lifecycle (proposed -> delayed -> effective -> trading -> changed -> closed):
the lifecycle slice of etf_assets/trust_filings.py, asset `fund_lifecycle`.

Reads each prospectus-type filing's SGML header only (`<accession>.hdr.sgml`, a few KB,
an immutable archive: cached for good), never the prospectus itself, except a 485BXT's
short cover page when its header does not carry the new effective date. Trading and
closing come from what the universe and N-PORT slices already record (first ticker,
first N-PORT, inactive_since / inactive_evidence), fee changes from what the prospectus
slice read (`prospectus_fee`), so the slice runs after them: its
freshness group includes N-PORT and N-CEN forms, which makes it rerun when they bring
news.
"""

from collections import Counter
from dataclasses import dataclass, field

from dagster import AssetKey, AssetSpec, MetadataValue
from sqlalchemy import Engine

from etf_assets import clock
from etf_assets.edgar.client import SecClient, SecNotFound
from etf_assets.edgar.submissions import raw_document_name
from etf_assets.form_slice import (
    FilingsResult,
    FormSlice,
    LoadOptions,
    TrustLoad,
    etf_trust_filings,
    recent_filings,
)
from etf_assets.freshness.stale import format_data_version
from etf_assets.lifecycle.events import BXT_FORMS, DEREGISTRATION_FORMS, HEADER_FORMS, header_events
from etf_assets.lifecycle.header import HeaderError, designated_effective_date, parse_header
from etf_assets.lifecycle.load import (
    derived_events,
    headers_read,
    known_names,
    rebuild_state,
    record_header,
    trust_series,
)
from etf_assets.nport.checks import HOLDINGS
from etf_assets.prospectus.checks import FEES
from etf_assets.universe.assets import ETF_CLASSIFICATION

FUND_LIFECYCLE = AssetKey("fund_lifecycle")
# Forms that make the group stale: the headers it reads, and the forms whose loads
# (N-PORT: first report; N-CEN: last filing) it takes trading and closing from.
TRIGGER_FORMS = frozenset({"NPORT-P", "NPORT-P/A", "N-CEN", "N-CEN/A"})
FORMS = HEADER_FORMS | TRIGGER_FORMS
# Default depth: headers of the last ~13 months (a proposal is effective within 95
# days; `since` reads history).
LATEST_WINDOW_DAYS = 400


@dataclass
class TrustLifecycleResult(FilingsResult):
    headers_read: int = 0
    events: Counter = field(default_factory=Counter)
    states: dict[str, int] = field(default_factory=dict)

    def metadata(self) -> dict:
        return {**self.base_metadata("lifecycle_data_version"),
                "headers_read": self.headers_read,
                "events_from_headers": MetadataValue.json(dict(self.events)),
                "series_by_state": MetadataValue.json(self.states)}


def load_trust(cik: str, client: SecClient, engine: Engine, options: LoadOptions,
               log) -> TrustLoad:
    result = TrustLifecycleResult()
    filings = etf_trust_filings(cik, client, engine, sorted(FORMS), options.since, result,
                                until=options.until)
    with engine.connect() as conn:
        done = headers_read(conn, cik)
        names = known_names(conn, cik)
        all_series = trust_series(conn, cik)
    todo = [f for f in recent_filings(filings, sorted(HEADER_FORMS), options.since,
                                      LATEST_WINDOW_DAYS)
            if f.accession_number not in done]
    for ref in sorted(todo, key=lambda f: (f.filing_date, f.accession_number)):
        try:
            raw = client.filing_header(cik, ref.accession_number)
            h = parse_header(raw)
        except (SecNotFound, HeaderError) as exc:
            result.failed[ref.accession_number] = f"header unreadable: {exc}"
            continue
        designated = None
        if h.form in BXT_FORMS and not (h.effectiveness_date
                                        and h.effectiveness_date > h.filing_date):
            name = raw_document_name(ref.primary_document, default="")
            if name:  # the cover page names the new date
                try:
                    designated = designated_effective_date(
                        client.filing_document(cik, ref.accession_number, name))
                except SecNotFound:  # the event keeps no date; the next filing gives it
                    log.warning("%s: 485BXT %s cover not found", cik, ref.accession_number)
        events = header_events(cik, h, designated=designated, known_names=names,
                               trust_series=all_series if h.form in DEREGISTRATION_FORMS
                               else ())
        now = clock.utcnow()
        with engine.begin() as conn:
            record_header(conn, cik, h, events, designated=designated, raw=raw, now=now,
                          url=client.archive_url(cik, h.accession_number,
                                                 f"{h.accession_number}.hdr.sgml"))
        result.headers_read += 1
        result.accessions_loaded.append(h.accession_number)
        result.events.update(e.kind for e in events)
        log.info("%s: %s %s of %s: %d events", cik, h.form, h.accession_number,
                 h.filing_date, len(events))
    with engine.connect() as conn:  # read apart from the write transaction (SQLite WAL)
        derived = derived_events(conn, cik)
    now = clock.utcnow()
    with engine.begin() as conn:
        result.states = rebuild_state(conn, cik, now, derived)
    return TrustLoad(format_data_version(result.latest_seen),
                     {FUND_LIFECYCLE: result.metadata()}, failed=result.failed)


LIFECYCLE = FormSlice(
    group="lifecycle",
    specs=[AssetSpec(FUND_LIFECYCLE, deps=[ETF_CLASSIFICATION, HOLDINGS, FEES],
                     group_name="lifecycle", kinds={"sql"}, skippable=True,
                     description="Fund lifecycle from SGML headers (485APOS proposed, "
                     "485BXT delayed, 485BPOS effective, 497/497K renamed: changed, N-8F closed), "
                     "prospectus fees (a class's expense ratio moved: changed) and "
                     "the universe (first ticker or N-PORT: trading; inactive: closed): "
                     "tables lifecycle_event (history) and lifecycle_state (current)")],
    load=load_trust,
)
