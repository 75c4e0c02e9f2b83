"""N-CSR / N-CSRS -> performance, TSR expenses and fund statistics, and the per-share
Financial Highlights tables (the ncsr slice of etf_assets/trust_filings.py).

A trust files an annual report (N-CSR) and a semiannual one (N-CSRS) per fiscal year
end; a trust with series on several fiscal years files several of each. Each is its own
accession, replaced atomically, amendments included (history is every accession
kept). One download feeds both assets: the tailored shareholder report (inline XBRL)
and the Financial Highlights (HTML) of the same primary document.
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
from etf_assets.ncsr.checks import NCSR_CHECKS, PER_SHARE, PERFORMANCE, SEVERITY, check_results
from etf_assets.ncsr.load import load_ncsr
from etf_assets.ncsr.parse import FORMS, NcsrError
from etf_assets.universe.assets import ETF_CLASSIFICATION

# Default depth: every report of the last ~13 months (the newest annual and semiannual
# report of each fiscal year end); `since` loads the history.
LATEST_WINDOW_DAYS = 400
TSR_TABLES = ("ncsr_expense", "ncsr_statistic", "ncsr_holding", "ncsr_line_graph",
              "performance")
PER_SHARE_TABLES = ("per_share_operating", "per_share_distribution", "per_share_ratio")


@dataclass
class TrustNcsrResult(FilingsResult):
    rows: dict[str, int] = field(default_factory=dict)
    left_out: dict[str, int] = field(default_factory=dict)
    unknown_class_ids: list[str] = field(default_factory=list)

    def metadata(self, tables: tuple[str, ...]) -> dict:
        return {**self.base_metadata("ncsr_data_version"),
                "rows_written": sum(self.rows.get(t, 0) for t in tables),
                "rows_by_table": MetadataValue.json({t: self.rows.get(t, 0) for t in tables}),
                "left_out": MetadataValue.json(self.left_out),
                "unknown_class_ids": MetadataValue.json(self.unknown_class_ids)}


def load_trust(cik: str, client: SecClient, engine: Engine, options: LoadOptions,
               log) -> TrustLoad:
    """Find the trust's shareholder reports and load each new one."""
    result = TrustNcsrResult()
    for _, written, kept in load_recent_filings(
            cik, client, engine, FORMS, options, result, window_days=LATEST_WINDOW_DAYS,
            load_one=load_ncsr, unreadable=NcsrError,
            skip_reason="no shareholder report or highlights", log=log):
        add_counts(result.rows, written)
        add_counts(result.left_out, kept.reasons())
        result.unknown_class_ids += kept.unknown_class_ids
    return TrustLoad(format_data_version(result.latest_seen),
                     {PERFORMANCE: result.metadata(TSR_TABLES),
                      PER_SHARE: result.metadata(PER_SHARE_TABLES)},
                     failed=result.failed)


NCSR = FormSlice(
    group="ncsr",
    specs=[
        AssetSpec(PERFORMANCE, deps=[ETF_CLASSIFICATION], group_name="ncsr", kinds={"sql"},
                  skippable=True,
                  description="N-CSR / N-CSRS tailored shareholder reports (oef inline "
                  "XBRL) of ETF classes: average annual returns of the fund and its "
                  "indexes per period (table performance, source = 'ncsr'), expenses "
                  "(ncsr_expense), key fund statistics (ncsr_statistic), holdings "
                  "breakdowns (ncsr_holding), growth of $10,000 (ncsr_line_graph)"),
        AssetSpec(PER_SHARE, deps=[ETF_CLASSIFICATION], group_name="ncsr", kinds={"sql"},
                  skippable=True,
                  description="N-CSR / N-CSRS Financial Highlights per ETF class and "
                  "fiscal period: per-share operating results, distributions and ratios "
                  "(tables per_share_operating, per_share_distribution, per_share_ratio)"),
    ],
    load=load_trust,
    check_specs=NCSR_CHECKS,
    check_results=check_results,
    check_severity=SEVERITY,
)
