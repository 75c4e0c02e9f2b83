"""485BPOS -> fees, expense examples, objectives and prospectus performance (the
prospectus slice of etf_assets/trust_filings.py).

A trust files a 485BPOS whenever it updates the prospectus of some of its series (at
least yearly; large trusts many a year, each covering a few series). Each is its own
accession, replaced atomically; history is every accession kept. Only documents with
risk/return inline XBRL (rr taxonomy, required since 2011 for the summary section) are
loaded; an untagged one is skipped with the reason.
"""

from dataclasses import dataclass, field

from dagster import AssetSpec, MetadataValue
from sqlalchemy import Engine

from etf_assets.edgar.client import SecClient
from etf_assets.form_slice import (
    FilingsResult,
    FormSlice,
    LoadOptions,
    TrustLoad,
    add_counts,
    load_recent_filings,
)
from etf_assets.freshness.stale import format_data_version
from etf_assets.prospectus.checks import FEES, PROSPECTUS_CHECKS, SEVERITY, check_results
from etf_assets.prospectus.load import load_prospectus
from etf_assets.prospectus.parse import ProspectusError
from etf_assets.universe.assets import ETF_CLASSIFICATION

# 485BPOS (tagged, or a UIT's untagged one), 497K summary prospectuses and 497
# supplements (untagged HTML tables): every document is its own accession, all kept as
# history; the newest that states a fee table is the current one (README, Prospectus).
FORMS = ("485BPOS", "497K", "497")
# Default depth: every 485BPOS of the last ~13 months (a trust's annual update can be
# spread over several filings covering different series).
LATEST_WINDOW_DAYS = 400


@dataclass
class TrustProspectusResult(FilingsResult):
    rows: dict[str, int] = field(default_factory=dict)
    left_out: dict[str, int] = field(default_factory=dict)
    tags_vs_tables: dict[str, int] = field(default_factory=dict)

    def metadata(self) -> dict:
        return {**self.base_metadata("prospectus_data_version"),
                "rows_written": self.rows.get("prospectus_fee", 0),
                "rows_by_table": MetadataValue.json(self.rows),
                "not_etf_left_out": MetadataValue.json(self.left_out),
                "tags_vs_tables": MetadataValue.json(self.tags_vs_tables)}


def load_trust(cik: str, client: SecClient, engine: Engine, options: LoadOptions,
               log) -> TrustLoad:
    """Find the trust's 485BPOS filings and load each new one."""
    result = TrustProspectusResult()
    for _, written, kept in load_recent_filings(
            cik, client, engine, FORMS, options, result, window_days=LATEST_WINDOW_DAYS,
            load_one=load_prospectus, unreadable=ProspectusError,
            skip_reason="no fee or returns table (tagged or HTML)", log=log):
        add_counts(result.rows, written)
        add_counts(result.left_out, {
            "fee_tables": kept.non_etf_fee_tables, "series": kept.non_etf_series,
            "returns": kept.non_etf_returns,
            "fee_tables_without_class_or_series": kept.unkeyed_fee_tables})
        if kept.comparison is not None:
            add_counts(result.tags_vs_tables, {
                "compared": kept.comparison.compared,
                "differences": len(kept.comparison.differences),
                "tables_unreadable": int(kept.comparison.html_problem is not None)})
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
