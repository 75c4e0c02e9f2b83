"""485BPOS -> fees, expense examples, objectives and prospectus performance (the
prospectus slice of etf_assets/trust_filings.py).

A trust files a 485BPOS whenever it updates the prospectus of some of its series (at
least yearly; large trusts many a year, each covering a few series). Each is its own
accession, replaced atomically; history is every accession kept. Only documents with
risk/return inline XBRL (rr taxonomy, required since 2011 for the summary section) are
loaded; an untagged one is skipped with the reason.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Optional

from dagster import AssetSpec, MetadataValue
from sqlalchemy import Engine, select

from etf_assets.edgar.client import SecClient
from etf_assets.edgar.submissions import FilingRef
from etf_assets.form_slice import (
    FilingsResult,
    FormSlice,
    LoadOptions,
    TrustLoad,
    etf_trust_filings,
    fetch_primary,
)
from etf_assets.freshness.stale import format_data_version
from etf_assets.prospectus.checks import FEES, PROSPECTUS_CHECKS, SEVERITY, check_results
from etf_assets.prospectus.load import load_prospectus
from etf_assets.prospectus.parse import ProspectusError
from etf_assets.universe.assets import ETF_CLASSIFICATION
from etf_assets.warehouse.tables import filing

FORMS = ("485BPOS",)
# Default depth: every 485BPOS of the last ~13 months (a trust's annual update can be
# spread over several filings covering different series).
LATEST_WINDOW_DAYS = 400


@dataclass
class TrustProspectusResult(FilingsResult):
    rows: dict[str, int] = field(default_factory=dict)
    left_out: dict[str, int] = field(default_factory=dict)

    def metadata(self) -> dict:
        return {**self.base_metadata("prospectus_data_version"),
                "rows_written": self.rows.get("prospectus_fee", 0),
                "rows_by_table": MetadataValue.json(self.rows),
                "not_etf_left_out": MetadataValue.json(self.left_out)}


def candidates(filings: list[FilingRef], since: Optional[date]) -> list[FilingRef]:
    """The prospectuses to have, newest first: since `since`, else the last ~13 months."""
    docs = sorted((f for f in filings if f.form in FORMS),
                  key=lambda f: (f.filing_date, f.accession_number), reverse=True)
    if not docs:
        return []
    if since is None:
        since = date.fromordinal(docs[0].filing_date.toordinal() - LATEST_WINDOW_DAYS)
    return [f for f in docs if f.filing_date >= since]


def load_trust(cik: str, client: SecClient, engine: Engine, options: LoadOptions,
               log) -> TrustLoad:
    """Find the trust's 485BPOS filings and load each new one."""
    result = TrustProspectusResult()
    filings = etf_trust_filings(cik, client, engine, FORMS, options.since, result)
    with engine.connect() as conn:
        loaded = set(conn.execute(select(filing.c.accession_number).where(
            filing.c.cik == cik, filing.c.form.in_(FORMS))).scalars())
    for ref in candidates(filings, options.since):
        if ref.accession_number in loaded:
            result.skip("already loaded")
            continue
        fetched = fetch_primary(cik, ref, client, result, default="")
        if fetched is None:
            continue
        name, doc = fetched
        try:
            with engine.begin() as conn:
                written, kept = load_prospectus(
                    conn, doc, accession=ref.accession_number, filing_date=ref.filing_date,
                    cik=cik, form=ref.form,
                    url=client.archive_url(cik, ref.accession_number, name),
                    acceptance_datetime=ref.acceptance_datetime)
        except ProspectusError as exc:  # untagged prospectus: nothing to read, not ours
            result.skip(f"no risk/return inline XBRL: {str(exc)[:80]}")
            log.warning("485BPOS %s skipped: %s", ref.accession_number, exc)
            continue
        result.accessions_loaded.append(ref.accession_number)
        for table, n in written.items():
            result.rows[table] = result.rows.get(table, 0) + n
        for what, n in (("fee_tables", kept.non_etf_fee_tables),
                        ("series", kept.non_etf_series), ("returns", kept.non_etf_returns),
                        ("fee_tables_without_class_or_series", kept.unkeyed_fee_tables)):
            if n:
                result.left_out[what] = result.left_out.get(what, 0) + n
        log.info("%s: loaded %s (485BPOS of %s): %s", cik, ref.accession_number,
                 ref.filing_date, written)
    return TrustLoad(format_data_version(result.latest_seen),
                     {FEES: result.metadata()}, failed=result.failed)


PROSPECTUS = FormSlice(
    group="prospectus",
    specs=[AssetSpec(FEES, deps=[ETF_CLASSIFICATION], group_name="prospectus",
                     kinds={"sql"}, skippable=True,
                     description="485BPOS risk/return summaries of ETF classes: fee table, "
                     "shareholder fees, expense example, objective and strategy, bar-chart "
                     "and average annual returns (tables prospectus_fee, "
                     "prospectus_shareholder_fee, prospectus_expense_example, "
                     "prospectus_series, performance with source = 'prospectus')")],
    load=load_trust,
    check_specs=PROSPECTUS_CHECKS,
    check_results=check_results,
    check_severity=SEVERITY,
)
