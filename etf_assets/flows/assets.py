"""24F-2NT -> annual_flows (the flows slice of etf_assets/trust_filings.py).

ETFs file 24F-2NT under their '33 Act file number (SPY: 033-46080) but under the
trust's CIK, so the trust's submissions list them like its other forms. One notice a
fiscal year per fiscal-year end of the trust's series; amendments are kept beside the
notice they amend (history), each accession replaced atomically.
"""

from dataclasses import dataclass
from datetime import date
from typing import Optional

from dagster import AssetSpec
from sqlalchemy import Engine, select

from etf_assets import limits
from etf_assets.edgar.client import SecClient
from etf_assets.edgar.submissions import FilingRef
from etf_assets.flows.checks import ANNUAL_FLOWS, FLOW_CHECKS, SEVERITY, check_results
from etf_assets.flows.load import load_24f2
from etf_assets.flows.parse import FORMS, Notice24F2Error
from etf_assets.form_slice import (
    FilingsResult,
    FormSlice,
    LoadOptions,
    TrustLoad,
    etf_trust_filings,
    fetch_primary,
    held,
)
from etf_assets.freshness.stale import format_data_version
from etf_assets.universe.assets import ETF_CLASSIFICATION
from etf_assets.warehouse.tables import annual_flow, filing

# Default depth: the newest notice of each fiscal-year end of the trust (series of one
# trust may have different fiscal years): notices within 11 months of the newest one
# (the same fiscal year's notice a year earlier is older than that).
LATEST_WINDOW_DAYS = 330


@dataclass
class TrustFlowsResult(FilingsResult):
    blocks: int = 0
    blocks_not_etf: int = 0

    def metadata(self) -> dict:
        return {**self.base_metadata("flows_data_version"), "rows_written": self.blocks,
                "blocks_naming_only_non_etf_funds": self.blocks_not_etf}


def candidates(filings: list[FilingRef], loaded: dict[str, Optional[date]],
               since: Optional[date]) -> list[FilingRef]:
    """The notices to have: since `since` (by fiscal-year end), or the newest year's;
    plus amendments of any fiscal year already loaded. Newest first."""
    notices = [f for f in filings if f.form in FORMS]

    def period(f: FilingRef) -> date:
        return f.report_date or f.filing_date

    notices.sort(key=lambda f: (period(f), f.filing_date, f.accession_number), reverse=True)
    if not notices:
        return []
    if since is None:
        since = date.fromordinal(period(notices[0]).toordinal() - LATEST_WINDOW_DAYS)
    loaded_periods = {d for d in loaded.values() if d}
    return [f for f in notices if period(f) >= since
            or (f.form.endswith("/A") and period(f) in loaded_periods)]


def _loaded(engine: Engine, cik: str) -> dict[str, Optional[date]]:
    with engine.connect() as conn:
        return dict(conn.execute(
            select(filing.c.accession_number, filing.c.report_date)
            .where(filing.c.cik == cik, filing.c.form.in_(FORMS))).all())


def load_trust(cik: str, client: SecClient, engine: Engine, options: LoadOptions,
               log) -> TrustLoad:
    """Find the trust's 24F-2NT notices and load each new one."""
    result = TrustFlowsResult()
    filings = etf_trust_filings(cik, client, engine, FORMS, options.since, result,
                                until=options.until)
    loaded = _loaded(engine, cik)
    for ref in candidates(filings, loaded, options.since):
        if ref.accession_number in loaded:
            result.skip("already loaded")
            continue
        if held(engine, ref.accession_number, result, client, cik):  # poison: not now
            continue
        fetched = fetch_primary(cik, ref, client, result)
        if fetched is None:
            continue
        name, doc = fetched
        try:
            with limits.within(), engine.begin() as conn:  # bounded: etf_assets/limits.py
                written = load_24f2(conn, doc, accession=ref.accession_number,
                                    filing_date=ref.filing_date, cik=cik, form=ref.form,
                                    url=client.archive_url(cik, ref.accession_number, name),
                                    acceptance_datetime=ref.acceptance_datetime)
                not_etf = conn.execute(select(annual_flow.c.block).where(
                    annual_flow.c.accession_number == ref.accession_number,
                    annual_flow.c.covers_etf.is_(False))).all()
        except (Notice24F2Error, limits.LimitExceeded) as exc:  # the transaction rolled back
            result.failed[ref.accession_number] = str(exc)
            log.error("24F-2NT %s failed to load: %s", ref.accession_number, exc)
            continue
        result.accessions_loaded.append(ref.accession_number)
        result.blocks += written.get("annual_flow", 0)
        result.blocks_not_etf += len(not_etf)
        log.info("%s: loaded %s (%s, FYE %s): %s blocks", cik, ref.accession_number,
                 ref.form, ref.report_date, written.get("annual_flow", 0))
    return TrustLoad(format_data_version(result.latest_seen),
                     {ANNUAL_FLOWS: result.metadata()}, failed=result.failed)


FLOWS = FormSlice(
    group="flows",
    specs=[AssetSpec(ANNUAL_FLOWS, deps=[ETF_CLASSIFICATION], group_name="flows",
                     kinds={"sql"}, skippable=True,
                     description="24F-2NT annual notices: aggregate sales, redemptions, "
                     "net sales and registration fee per fiscal year, every block of every "
                     "notice (table annual_flow)")],
    load=load_trust,
    check_specs=FLOW_CHECKS,
    check_results=check_results,
    check_severity=SEVERITY,
)
