"""NPORT-P -> holdings, derivatives, monthly flows and monthly returns (the NPORT slice of
etf_assets/trust_filings.py): one download feeds every table."""

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Optional

from dagster import AssetSpec, MetadataValue
from sqlalchemy import Engine, exists, select

from etf_assets import limits
from etf_assets.edgar.client import SecClient, SecNotFound
from etf_assets.edgar.submissions import FilingRef, fetch_filings, raw_document_name
from etf_assets.form_slice import FormSlice, LoadOptions, TrustLoad
from etf_assets.freshness.stale import format_data_version
from etf_assets.nport.checks import (
    DERIVATIVES,
    HOLDINGS,
    MONTHLY_FLOWS,
    MONTHLY_RETURNS,
    NPORT_CHECKS,
    SEVERITY,
    check_results,
)
from etf_assets.nport.parse import FORMS as NPORT_FORMS
from etf_assets.nport.parse import NportParseError, iter_nport
from etf_assets.universe.assets import ETF_CLASSIFICATION
from etf_assets.nport.load import load_nport
from etf_assets.warehouse import failures
from etf_assets.warehouse.tables import filing, nport_monthly_flow, nport_report
from etf_assets.nport.rows import series_key_for
from etf_assets.warehouse.universe import etf_series_ids, mark_series_final

# Default depth: the newest report of every ETF series. Series of one trust can have
# different fiscal years (and so different public quarter-ends); look this far back
# from the trust's newest report before calling a series absent.
LATEST_WINDOW_DAYS = 100


@dataclass
class TrustNportResult:
    cik: str
    latest_filing_date_seen: Optional[date] = None
    accessions_loaded: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("holding", "derivative", "holding_identifier", "nport_monthly_flow",
         "nport_monthly_return", "nport_monthly_gain"), 0))
    positions_skipped: list[str] = field(default_factory=list)  # "acc#pos: reason"
    filings_skipped: dict[str, int] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)  # accession -> error
    newest: Optional[tuple[date, str]] = None  # (report date, accession) loaded/known
    # (filing date, accession) of the newest NPORT-P/A on EDGAR when we looked: what the
    # freshness logic compares SEC against (etf_assets/freshness/stale.py).
    latest_seen: Optional[tuple[date, str]] = None

    def skip(self, reason: str) -> None:
        self.filings_skipped[reason] = self.filings_skipped.get(reason, 0) + 1

    @property
    def data_version(self) -> str:
        return format_data_version(self.latest_seen)

    def metadata(self) -> dict:
        return {
            "latest_filing_date_seen": (self.latest_filing_date_seen.isoformat()
                                        if self.latest_filing_date_seen else None),
            "accessions_loaded": MetadataValue.json(self.accessions_loaded),
            "filings_loaded": len(self.accessions_loaded),
            "rows_holding": self.rows["holding"],
            "rows_derivative": self.rows["derivative"],
            "rows_holding_identifier": self.rows["holding_identifier"],
            "rows_monthly_flow": self.rows["nport_monthly_flow"],
            "rows_monthly_return": self.rows["nport_monthly_return"],
            "rows_monthly_gain": self.rows["nport_monthly_gain"],
            "positions_skipped": len(self.positions_skipped),
            "positions_skipped_reasons": MetadataValue.json(self.positions_skipped[:200]),
            "filings_skipped": MetadataValue.json(self.filings_skipped),
            "filings_failed": MetadataValue.json(self.failed),
            "nport_data_version": self.data_version,
            "newest_report": (f"{self.newest[0].isoformat()}|{self.newest[1]}"
                              if self.newest else None),
        }


def _loaded_accessions(engine: Engine, cik: str) -> dict[str, tuple[str, date]]:
    """Accessions of this trust already in the warehouse -> (series key, report date).

    Every NPORT-P has Part B's monthly flows (required by the schema); a report without
    them was loaded before they were parsed and is loaded again (from the cache)."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(filing.c.accession_number, nport_report.c.series_key,
                   nport_report.c.report_date)
            .join(nport_report, nport_report.c.accession_number == filing.c.accession_number)
            .where(filing.c.cik == cik, filing.c.form.in_(NPORT_FORMS))
            .where(exists().where(
                nport_monthly_flow.c.accession_number == nport_report.c.accession_number,
                nport_monthly_flow.c.series_key == nport_report.c.series_key))
        )
        return {r.accession_number: (r.series_key, r.report_date) for r in rows}


def _candidates(filings: list[FilingRef], since: Optional[date]) -> list[FilingRef]:
    nport = [f for f in filings if f.form in NPORT_FORMS and f.report_date]
    nport.sort(key=lambda f: (f.report_date, f.filing_date, f.accession_number), reverse=True)
    if since is not None:
        return [f for f in nport if f.report_date >= since]
    if not nport:
        return []
    floor = date.fromordinal(nport[0].report_date.toordinal() - LATEST_WINDOW_DAYS)
    return [f for f in nport if f.report_date >= floor]


def process_trust(cik: str, client: SecClient, engine: Engine, since: Optional[date],
                  log, until: Optional[date] = None) -> TrustNportResult:
    """Find the trust's NPORT-P filings, load each new one of an ETF series."""
    result = TrustNportResult(cik)
    with engine.connect() as conn:
        etf_series = etf_series_ids(conn, cik)
    if not etf_series:
        result.skip("trust has no ETF series")
        return result
    try:
        filings = fetch_filings(client, cik, NPORT_FORMS, since=since, until=until)
    except SecNotFound:
        result.skip("no submissions on EDGAR")
        return result
    nport_filings = [f for f in filings if f.form in NPORT_FORMS]
    if nport_filings:
        newest = max(nport_filings, key=lambda f: (f.filing_date, f.accession_number))
        result.latest_seen = (newest.filing_date, newest.accession_number)
        result.latest_filing_date_seen = newest.filing_date
    loaded = _loaded_accessions(engine, cik)
    covered: dict[str, date] = {}  # series -> newest report date handled (default depth)
    queue = _candidates(filings, since)
    # Amendments of a report already in the warehouse are history too (invariant 3),
    # even when the report is older than the default depth's window.
    loaded_reports = {report for _, report in loaded.values()}
    in_queue = {f.accession_number for f in queue}
    late = {f.accession_number for f in nport_filings
            if f.form == "NPORT-P/A" and f.accession_number not in loaded
            and f.report_date in loaded_reports}
    queue += [f for f in nport_filings
              if f.accession_number in late and f.accession_number not in in_queue]
    for ref in queue:
        is_late = ref.accession_number in late
        if since is None and not is_late and etf_series <= covered.keys():
            continue  # every ETF series has its newest report: fetch nothing more
        if ref.accession_number in loaded:
            key, report = loaded[ref.accession_number]
            covered.setdefault(key, report)
            result.newest = max(filter(None, [result.newest, (report, ref.accession_number)]))
            result.skip("already loaded")
            continue
        # A poison filing: not now, unless its listing changed (warehouse/failures.py).
        hold = failures.held_unless_changed(engine, client, cik, ref.accession_number)
        if hold:
            result.failed[ref.accession_number] = hold
            continue
        try:
            doc = client.filing_document(cik, ref.accession_number,
                                         raw_document_name(ref.primary_document))
        except SecNotFound:
            result.failed[ref.accession_number] = "primary document not found on EDGAR"
            continue
        budget = limits.new_budget()  # one per filing, header and load: etf_assets/limits.py
        try:
            with limits.within(budget):
                header = iter_nport(doc).header
        except (NportParseError, limits.LimitExceeded) as exc:
            result.failed[ref.accession_number] = str(exc)
            log.error("N-PORT %s failed to parse: %s", ref.accession_number, exc)
            continue
        sid = series_key_for(header, cik)  # a UIT (SPY, DIA) has no series id
        if sid not in etf_series:
            result.skip("not an ETF series")
            continue
        if since is None and not is_late and sid in covered and header.rep_pd_date < covered[sid]:
            result.skip("older report (default depth: newest only)")
            continue
        try:
            with limits.within(budget), engine.begin() as conn:
                written = load_nport(
                    conn, doc, accession=ref.accession_number, filing_date=ref.filing_date,
                    cik=cik, form=ref.form, acceptance_datetime=ref.acceptance_datetime,
                    url=client.archive_url(cik, ref.accession_number,
                                           raw_document_name(ref.primary_document)),
                    sha256=hashlib.sha256(doc).hexdigest(),
                )
                if header.is_final_filing:  # the fund is liquidating: keep it, mark it
                    mark_series_final(conn, cik, sid, ref.accession_number, ref.filing_date)
                skipped = conn.execute(select(nport_report.c.skipped).where(
                    nport_report.c.accession_number == ref.accession_number)).scalars().all()
        except (NportParseError, limits.LimitExceeded) as exc:  # rolled back: nothing half-loaded
            result.failed[ref.accession_number] = str(exc)
            log.error("N-PORT %s failed to load: %s", ref.accession_number, exc)
            continue
        covered.setdefault(sid, header.rep_pd_date)
        result.accessions_loaded.append(ref.accession_number)
        for table in result.rows:
            result.rows[table] += written.get(table, 0)
        for sk in skipped:
            for pos, reason in sk or []:
                result.positions_skipped.append(f"{ref.accession_number}#{pos}: {reason}")
        result.newest = max(filter(None, [result.newest,
                                          (header.rep_pd_date, ref.accession_number)]))
        log.info("%s: loaded %s (%s, %s): %s", cik, ref.accession_number, sid,
                 header.rep_pd_date, written)
    missing = etf_series - covered.keys()
    if missing:
        result.filings_skipped["etf_series_without_nport"] = len(missing)
    return result


def load_trust(cik: str, client: SecClient, engine: Engine, options: LoadOptions,
               log) -> TrustLoad:
    res = process_trust(cik, client, engine, options.since, log, until=options.until)
    md = res.metadata()
    return TrustLoad(res.data_version, {
        HOLDINGS: {**md, "rows_written": res.rows["holding"]},
        DERIVATIVES: {**md, "rows_written": res.rows["derivative"]},
        MONTHLY_FLOWS: {**md, "rows_written": res.rows["nport_monthly_flow"]},
        MONTHLY_RETURNS: {**md, "rows_written": res.rows["nport_monthly_return"]},
    }, failed=res.failed)


NPORT = FormSlice(
    group="nport",
    # One document feeds every table, replaced together in one transaction: selecting
    # one of them still records all.
    specs=[
        AssetSpec(HOLDINGS, deps=[ETF_CLASSIFICATION], group_name="nport", kinds={"sql"},
                  skippable=True,
                  description="Every position of every loaded NPORT-P (tables holding, "
                  "holding_identifier, nport_report)"),
        AssetSpec(DERIVATIVES, deps=[ETF_CLASSIFICATION], group_name="nport",
                  kinds={"sql"}, skippable=True,
                  description="Derivative positions of every loaded NPORT-P (table "
                  "derivative), keyed like holdings"),
        AssetSpec(MONTHLY_FLOWS, deps=[ETF_CLASSIFICATION], group_name="nport",
                  kinds={"sql"}, skippable=True,
                  description="NPORT-P Part B.6: sales, reinvestments and redemptions for "
                  "each of the report's three months (table nport_monthly_flow)"),
        AssetSpec(MONTHLY_RETURNS, deps=[ETF_CLASSIFICATION], group_name="nport",
                  kinds={"sql"}, skippable=True,
                  description="NPORT-P Part B.5: monthly total return per class and monthly "
                  "realized/unrealized gains by category (tables nport_monthly_return, "
                  "nport_monthly_gain)"),
    ],
    load=load_trust,
    check_specs=NPORT_CHECKS,
    check_results=check_results,
    check_severity=SEVERITY,
)
