"""ETF universe: the SEC ticker file (one request) and, per trust, its N-CEN.

`etf_classification` is one of the per-trust tables of etf_assets/trust_filings.py
(the CLASSIFICATION slice below): every run that loads a form for a trust never
classified classifies it first.
"""

import hashlib

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetSpec,
    MaterializeResult,
    MetadataValue,
    asset,
)

from sqlalchemy import Engine

from etf_assets import clock
from etf_assets.edgar.client import SecClient, SecNotFound
from etf_assets.edgar.resource import SecClientResource
from etf_assets.edgar.sgml import parse_submission
from etf_assets.edgar.submissions import fetch_filings, latest, raw_document_name
from etf_assets.form_slice import FormSlice, LoadOptions, TrustLoad
from etf_assets.partitions import CIK_PARTITIONS_NAME
from etf_assets.universe.discover import decide_candidates
from etf_assets.universe.listed import fund_like_candidates, parse_listed
from etf_assets.universe.parse import NCEN_FORMS, parse_company_tickers_mf, parse_ncen
from etf_assets.warehouse.engine import WarehouseResource
from etf_assets.warehouse.load import log_processing, record_filing
from etf_assets.warehouse.universe import (
    apply_ncen,
    decided_listed,
    etf_ciks,
    etf_counts_by_source,
    listed_kinds,
    load_listed,
    load_universe,
)

ETF_CLASSIFICATION = AssetKey("etf_classification")


@asset(group_name="universe", kinds={"sql"})
def etf_universe(
    context: AssetExecutionContext, sec: SecClientResource, warehouse: WarehouseResource
) -> MaterializeResult:
    """Every fund class SEC lists (company_tickers_mf.json) into trust/series/share_class;
    ETF candidates by ticker shape into `etf`; exchange-listed funds missing from that
    file (company_tickers_exchange.json: UIT ETFs such as SPY, grantor trusts such as
    GLD) decided from their own filings into `listed_security`, UIT ETFs into `etf`;
    ticker history; one dynamic partition per ETF trust."""
    client = sec.get_client()
    classes = parse_company_tickers_mf(client.company_tickers_mf())
    listed = parse_listed(client.company_tickers_exchange())
    candidates = fund_like_candidates(listed, {c.cik for c in classes})
    engine = warehouse.get_engine()
    with engine.connect() as conn:
        known = decided_listed(conn)
    new = [e for e in candidates if (e.cik, e.ticker) not in known]
    if new:
        context.log.info("%d listed candidates to decide (%d known)", len(new), len(known))
    found = decide_candidates(new, client)
    decision = dict(known)
    decision.update({(e.cik, e.ticker): d for e, d in found.decided})
    uits: dict[str, tuple] = {}
    for e in candidates:  # one pseudo class per UIT trust: its first listed ticker
        d = decision.get((e.cik, e.ticker))
        if d is not None and d.is_etf:
            uits.setdefault(e.cik, (e, d))
    now = clock.utcnow()
    with engine.begin() as conn:
        stats = load_universe(conn, classes, now, list(uits.values()))
        load_listed(conn, found.decided, listed, now)
        ciks = etf_ciks(conn)
        by_source = etf_counts_by_source(conn)
        kinds = listed_kinds(conn)
    existing = set(context.instance.get_dynamic_partitions(CIK_PARTITIONS_NAME))
    added = [c for c in ciks if c not in existing]
    if added:
        context.instance.add_dynamic_partitions(CIK_PARTITIONS_NAME, added)
    context.log.info("%d classes, %d trusts, %d ETF trusts (%d new partitions), "
                     "%d listed UIT ETFs", stats.classes_read, stats.trusts, len(ciks),
                     len(added), len(uits))
    return MaterializeResult(metadata={
        "classes_read": stats.classes_read,
        "trusts": stats.trusts,
        "series": stats.series,
        "etf_trusts": len(ciks),
        "etf_classes_by_source": MetadataValue.json(by_source),
        "etf_classes_ncen": by_source.get("ncen", 0),
        "etf_classes_ticker_shape": by_source.get("ticker_shape", 0),
        "listed_uit_etfs": MetadataValue.json(sorted(e.ticker for e, _ in uits.values())),
        "listed_candidates": len(candidates),
        "listed_decided_now": len(found.decided),
        "listed_undecided": MetadataValue.json(found.failed),
        "listed_by_kind": MetadataValue.json(kinds),
        "partitions_added": len(added),
        "deactivated": MetadataValue.json(dict(stats.deactivated)),
        **client.stats.as_metadata(),
    })


def classify_trust(cik: str, client: SecClient, engine: Engine, log) -> dict:
    """One trust: its latest N-CEN decides, per series, which classes are ETFs; names
    come from the SGML header. Two requests: submissions JSON, then the (cached) .txt
    (plus older submissions pages when the N-CEN is not among the newest ~1,000).
    Returns the partition's materialization metadata."""
    try:
        filings = fetch_filings(client, cik, NCEN_FORMS)
    except SecNotFound:
        filings = []
    ncen = latest(filings, NCEN_FORMS)
    if ncen is None:
        log.info("CIK %s has no N-CEN on EDGAR: ticker-shape decisions stay", cik)
        return {"ncen_accession": None, "decision": "ticker_shape (no N-CEN)",
                "classification_data_version": "none"}
    txt = client.filing_text(cik, ncen.accession_number)
    sub = parse_submission(txt)
    primary = sub.document(raw_document_name(ncen.primary_document))
    if primary is None:
        raise ValueError(f"{ncen.accession_number}: N-CEN has no primary_doc.xml")
    report = parse_ncen(primary)
    now = clock.utcnow()
    with engine.begin() as conn:
        stats = apply_ncen(conn, cik, sub, report, now)
        record_filing(conn, {
            "accession_number": sub.accession_number, "cik": cik, "form": sub.form,
            "filing_date": sub.filing_date, "report_date": sub.period,
            "acceptance_datetime": sub.acceptance_datetime,
            "url": client.archive_url(cik, sub.accession_number,
                                      f"{sub.accession_number}.txt"),
            "sha256": hashlib.sha256(txt).hexdigest(), "parsed_at": now,
        })
        log_processing(conn, cik, "ncen", ncen.filing_date, now)
    return {
        "ncen_accession": ncen.accession_number,
        "ncen_filing_date": ncen.filing_date.isoformat(),
        "latest_filing_date_seen": ncen.filing_date.isoformat(),
        "trust_name": sub.company_name,
        "registrant_type": report.registrant_type,
        "last_filing": report.last_filing,
        "series_in_ncen": stats.series_in_ncen,
        "etf_series": stats.etf_series,
        "non_etf_series": stats.non_etf_series,
        "etf_classes": stats.etf_classes,
        "ticker_candidates_rejected_by_ncen": stats.rejected_candidates,
        "series_decided_by_ticker_shape_only": stats.series_not_in_ncen,
        "classification_data_version": f"{ncen.filing_date.isoformat()}|{ncen.accession_number}",
    }


def load_classification(cik: str, client: SecClient, engine: Engine, _options: LoadOptions,
                        log) -> TrustLoad:
    md = classify_trust(cik, client, engine, log)
    return TrustLoad(md.pop("classification_data_version"), {ETF_CLASSIFICATION: md})


CLASSIFICATION = FormSlice(
    group="ncen",
    specs=[AssetSpec(ETF_CLASSIFICATION, deps=[etf_universe], group_name="universe",
                     kinds={"sql"}, skippable=True,
                     description="Per trust CIK: which share classes are ETFs, decided by "
                     "the trust's latest N-CEN (tables trust, series, etf).")],
    load=load_classification,
)
