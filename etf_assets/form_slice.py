"""What a form slice (universe classification, nport, ...) gives the per-trust
multi-asset (etf_assets/trust_filings.py): its assets and checks, how to load one trust,
and how to check what the warehouse holds for some trusts."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from logging import Logger
from typing import Any, Optional

from dagster import AssetCheckSeverity, AssetCheckSpec, AssetKey, AssetSpec, MetadataValue
from sqlalchemy import Engine, select

from etf_assets import limits
from etf_assets.edgar.client import SecClient, SecNotFound
from etf_assets.edgar.submissions import FilingRef, fetch_filings, raw_document_name
from etf_assets.freshness.stale import format_data_version
from etf_assets.warehouse import failures
from etf_assets.warehouse.tables import filing
from etf_assets.warehouse.universe import etf_series_ids


@dataclass(frozen=True)
class LoadOptions:
    since: Optional[date] = None  # load every report since this date, not only the newest
    until: Optional[date] = None  # with since: filings filed after this date are left out


@dataclass
class TrustLoad:
    """One trust's load of one form: what the trust has now seen (data version), each
    asset's materialization metadata, and the filings that failed (a trust with failures
    is not materialized: it stays stale and is asked for again)."""

    data_version: str
    metadata: dict[AssetKey, dict[str, Any]]
    failed: dict[str, str] = field(default_factory=dict)  # accession -> error


@dataclass
class FilingsResult:
    """What loading one form's filings for one trust did: the newest filing SEC showed,
    accessions loaded, filings skipped (by reason) or failed (by accession)."""

    latest_seen: Optional[tuple[date, str]] = None
    accessions_loaded: list[str] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1

    def see(self, filings: Sequence[Any]) -> None:
        """Remember the newest of `filings` (FilingRef) as what the trust has seen."""
        if filings:
            newest = max(filings, key=lambda f: (f.filing_date, f.accession_number))
            self.latest_seen = (newest.filing_date, newest.accession_number)

    def base_metadata(self, version_key: str) -> dict[str, Any]:
        return {
            "latest_filing_date_seen": (self.latest_seen[0].isoformat()
                                        if self.latest_seen else None),
            "accessions_loaded": MetadataValue.json(self.accessions_loaded),
            "filings_loaded": len(self.accessions_loaded),
            "filings_skipped": MetadataValue.json(self.skipped),
            "filings_failed": MetadataValue.json(self.failed),
            version_key: format_data_version(self.latest_seen),
        }


def add_counts(into: dict[str, int], counts: Mapping[str, int]) -> None:
    """Add non-zero `counts` (rows per table, items left out per kind) into `into`."""
    for key, n in counts.items():
        if n:
            into[key] = into.get(key, 0) + n


def etf_trust_filings(cik: str, client: SecClient, engine: Engine, forms: Sequence[str],
                      since: Optional[date], result: FilingsResult, *,
                      until: Optional[date] = None) -> list[FilingRef]:
    """A trust's filings of `forms` (none asked for when it has no ETF series), filed by
    `until` when given; the newest is recorded in `result` as what the trust has seen."""
    with engine.connect() as conn:
        has_etfs = bool(etf_series_ids(conn, cik))
    filings: list[FilingRef] = []
    if not has_etfs:
        result.skip("trust has no ETF series")
    else:
        try:
            filings = fetch_filings(client, cik, forms, since=since, until=until)
        except SecNotFound:
            result.skip("no submissions on EDGAR")
    filings = [f for f in filings if f.form in forms]
    result.see(filings)
    return filings


def fetch_primary(cik: str, ref: FilingRef, client: SecClient, result: FilingsResult,
                  default: str = "primary_doc.xml") -> Optional[tuple[str, bytes]]:
    """(file name, bytes) of a filing's primary document, or None with the failure
    recorded in `result` (the trust then stays stale and is asked for again)."""
    name = raw_document_name(ref.primary_document, default=default)
    if not name:
        result.failed[ref.accession_number] = "no primary document named on EDGAR"
        return None
    try:
        return name, client.filing_document(cik, ref.accession_number, name)
    except SecNotFound:
        result.failed[ref.accession_number] = "primary document not found on EDGAR"
        return None


def held(engine: Engine, accession: str, result: FilingsResult, client: SecClient,
         cik: str) -> bool:
    """A poison filing backing off or quarantined (etf_assets/warehouse/failures.py):
    failed again without a download, with the reason. A quarantined one due for a look
    costs one request (its listing): changed on EDGAR, it is attempted now."""
    reason = failures.held_unless_changed(engine, client, cik, accession)
    if reason:
        result.failed[accession] = reason
    return reason is not None


def recent_filings(filings: Sequence[FilingRef], forms: Sequence[str],
                   since: Optional[date], window_days: int) -> list[FilingRef]:
    """The filings of `forms` to have, newest first: since `since`, else those of the
    last `window_days` before the newest."""
    docs = sorted((f for f in filings if f.form in forms),
                  key=lambda f: (f.filing_date, f.accession_number), reverse=True)
    if not docs:
        return []
    if since is None:
        since = date.fromordinal(docs[0].filing_date.toordinal() - window_days)
    return [f for f in docs if f.filing_date >= since]


# A slice's loader of one document: (conn, primary document bytes, *, accession,
# filing_date, cik, url, form, report_date, acceptance_datetime) -> (rows per table,
# what was left out), e.g. prospectus.load.load_prospectus.
LoadOne = Callable[..., tuple[dict[str, int], Any]]


def load_recent_filings(cik: str, client: SecClient, engine: Engine, forms: Sequence[str],
                        options: LoadOptions, result: FilingsResult, *, window_days: int,
                        load_one: LoadOne, unreadable: type[Exception], skip_reason: str,
                        log: Logger) -> list[tuple[FilingRef, dict[str, int], Any]]:
    """Load each of a trust's recent filings of `forms` not loaded yet, one transaction
    per accession: fetch its primary document, `load_one` it. A document `load_one`
    refuses with `unreadable` (nothing in it to read: an untagged prospectus, a report
    without TSR or highlights) is skipped with `skip_reason`, not failed. Returns what
    each loaded filing wrote."""
    filings = etf_trust_filings(cik, client, engine, forms, options.since, result,
                                until=options.until)
    with engine.connect() as conn:
        loaded = set(conn.execute(select(filing.c.accession_number).where(
            filing.c.cik == cik, filing.c.form.in_(forms))).scalars())
    out = []
    for ref in recent_filings(filings, forms, options.since, window_days):
        if ref.accession_number in loaded:
            result.skip("already loaded")
            continue
        if held(engine, ref.accession_number, result, client, cik):
            continue
        fetched = fetch_primary(cik, ref, client, result, default="")
        if fetched is None:
            continue
        name, doc = fetched
        try:
            with limits.within(), engine.begin() as conn:  # bounded: etf_assets/limits.py
                written, kept = load_one(
                    conn, doc, accession=ref.accession_number, filing_date=ref.filing_date,
                    cik=cik, url=client.archive_url(cik, ref.accession_number, name),
                    form=ref.form, report_date=ref.report_date,
                    acceptance_datetime=ref.acceptance_datetime)
        except limits.LimitExceeded as exc:  # rolled back; the next filing goes on
            result.failed[ref.accession_number] = str(exc)
            log.error("%s %s failed: %s", ref.form, ref.accession_number, exc)
            continue
        except unreadable as exc:
            result.skip(f"{skip_reason}: {str(exc)[:80]}")
            log.warning("%s %s skipped: %s", ref.form, ref.accession_number, exc)
            continue
        result.accessions_loaded.append(ref.accession_number)
        log.info("%s: loaded %s (%s of %s): %s", cik, ref.accession_number, ref.form,
                 ref.filing_date, written)
        out.append((ref, written, kept))
    return out


def verdicts(problems: Mapping[str, Mapping[str, list[str]]], checked: Mapping[str, int],
             checked_key: str, off_key: str) -> "CheckResults":
    """cik -> check -> (passed, metadata) from each check's problem list per trust."""
    return {cik: {name: (not found, {checked_key: checked.get(cik, 0),
                                     off_key: len(found), "examples": found[:20]})
                  for name, found in checks.items()}
            for cik, checks in problems.items()}


# cik -> check name -> (passed, metadata)
CheckResults = Mapping[str, Mapping[str, tuple[bool, Mapping[str, Any]]]]


@dataclass(frozen=True)
class FormSlice:
    group: str  # the freshness group (etf_assets/freshness/stale.py GROUPS)
    specs: Sequence[AssetSpec]
    load: Callable[[str, SecClient, Engine, LoadOptions, Logger], TrustLoad]
    check_specs: Sequence[AssetCheckSpec] = ()
    # Over `ciks` (None: every trust the warehouse holds data of); reads the warehouse only.
    check_results: Optional[Callable[[Engine, Optional[list[str]]], CheckResults]] = None
    check_severity: Mapping[str, AssetCheckSeverity] = field(default_factory=dict)

    @property
    def keys(self) -> tuple[AssetKey, ...]:
        return tuple(s.key for s in self.specs)
