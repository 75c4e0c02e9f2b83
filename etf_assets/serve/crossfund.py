"""The cross-fund /api routes (issue 23): who holds a security, how ETFs overlap, what a
fund bought and sold, fee history, flows against returns. Thin: validate, call
etf_assets.crossfund.queries, shape JSON (or CSV / Parquet: one row per item)."""

from __future__ import annotations

import dataclasses
import functools
import re
from datetime import date
from typing import Annotated, Any, Optional

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response

from etf_assets.crossfund import queries as X
from etf_assets.crossfund.identity import lookup_terms
from etf_assets.serve import models
from etf_assets.serve.api import TABULAR, Conn, EtfId, Format, _etf
from etf_assets.serve.app import ApiError, caller, not_found, respond
from etf_assets.serve.crossfund_models import (
    Changes,
    FeeHistory,
    FlowsVsReturns,
    Overlap,
    SecurityHolders,
)

ERRORS = {s: {"model": models.ErrorResponse} for s in (401, 403, 404, 422, 429, 503)}
router = APIRouter(dependencies=[Depends(caller)], responses=ERRORS)

SecurityId = Annotated[str, Path(
    min_length=1, max_length=120, pattern=r"^[A-Za-z0-9:.\- &%]+$",
    description="CUSIP (037833100), ISIN (US0378331005), ticker (AAPL), LEI, or a "
                "security key from another answer (CUSIP:037833100)",
    examples=["037833100"])]
ReportRef = Annotated[Optional[str], Query(
    pattern=r"^(\d{4}-\d{2}-\d{2}|\d{10}-\d{2}-\d{6})$",
    description="report date (YYYY-MM-DD) or accession number")]
MAX_OVERLAP_ETFS = 10


def _ref(e: dict) -> X.EtfRef:
    return X.EtfRef(e["class_id"], e["series_id"], e["cik"], e["ticker"], e["fund_name"])


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def _plain(obj: Any) -> Any:
    """A result record as a dict of its fields (one level: the records' fields are
    scalars; FundSide's `alone` is converted by the overlap route). Not
    `dataclasses.asdict`, which deep-copies every value: 10-20 ms for 3,000 positions."""
    if not dataclasses.is_dataclass(obj):
        return obj
    return {name: getattr(obj, name) for name in _field_names(type(obj))}


def _name(e: dict) -> str:
    return e["ticker"] or e["class_id"]


# --------------------------------------------------------------------------- holders


@router.get("/securities/{security_id}/holders", response_model=SecurityHolders,
            responses=TABULAR, tags=["cross-fund"],
            summary="Every ETF whose newest N-PORT holds the security, largest first")
def security_holders(conn: Conn, security_id: SecurityId,
                     limit: Annotated[Optional[int], Query(ge=1, le=10000)] = None,
                     fmt: Format = "json") -> Response:
    if lookup_terms(security_id).is_empty():
        raise ApiError(422, "invalid_parameter",
                       "security_id: not a CUSIP, ISIN, ticker or LEI (placeholders such as "
                       "000000000 or N/A match nothing)", "security_id")
    result = X.holders(conn, security_id, limit=limit)
    rows = [_plain(h) for h in result.holders]
    body = {"query": security_id, "funds": result.funds,
            "total_value_usd": result.total_value_usd, "total_balance": result.total_balance,
            "items": rows}
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", security_id)
    return respond(body, fmt, rows, filename=f"holders-{safe}")


# --------------------------------------------------------------------------- overlap


@router.get("/overlap", response_model=Overlap, responses=TABULAR, tags=["cross-fund"],
            summary="Common positions, overlap by weight and what each ETF holds alone")
def etf_overlap(conn: Conn,
                etfs: Annotated[str, Query(
                    pattern=r"^[A-Za-z0-9.\-]{1,20}(,[A-Za-z0-9.\-]{1,20}){1,9}$",
                    description="2 to 10 tickers or class ids, comma-separated",
                    examples=["DIA,XLK"])],
                limit: Annotated[Optional[int], Query(
                    ge=1, le=100000, description="first N of each list (common, each "
                    "fund's alone); counts and weights are over all. Default: all")] = None,
                fmt: Format = "json") -> Response:
    found = [_etf(conn, ident) for ident in etfs.split(",")]
    series = [e["series_id"] for e in found]
    if len(set(series)) != len(series):
        raise ApiError(422, "invalid_parameter", "etfs: the same fund twice (classes of one "
                       "series hold the same positions)", "etfs")
    result = X.overlap(conn, series, limit=limit)
    label = {e["series_id"]: _name(e) for e in found}
    funds = [{**_plain(f), "alone": [_plain(p) for p in f.alone],
              "class_id": e["class_id"], "ticker": e["ticker"]}
             for f, e in zip(result.funds, found)]
    common = [{"security_key": c.security_key, "name": c.name, "min_weight": c.min_weight,
               "weights": {label[s]: w for s, w in c.weights.items()},
               "values_usd": {label[s]: v for s, v in c.values.items()}}
              for c in result.common]
    body = {"etfs": [label[s] for s in series], "common_count": result.common_count,
            "overlap_weight": result.overlap_weight,
            "pairs": [{"a": label[p.a], "b": label[p.b], "common": p.common,
                       "overlap_weight": p.overlap_weight} for p in result.pairs],
            "funds": funds, "common": common}
    if fmt == "json":
        return respond(body)
    rows = []
    for c in result.common:
        for s in series:
            rows.append({"security_key": c.security_key, "name": c.name, "held_by": "all",
                         "etf": label[s], "series_key": s, "weight": c.weights[s],
                         "value_usd": c.values[s], "min_weight": c.min_weight})
    for f in result.funds:
        for p in f.alone:
            rows.append({"security_key": p.security_key, "name": p.name, "held_by": "alone",
                         "etf": label[f.series_key], "series_key": f.series_key,
                         "weight": p.pct_val, "value_usd": p.value_usd, "min_weight": None})
    return respond(None, fmt, rows, filename="overlap-" + "-".join(label[s] for s in series))


# --------------------------------------------------------------------------- changes


def _report_arg(raw: Optional[str], field: str) -> Optional[str | date]:
    """A report date (YYYY-MM-DD, 10 characters) or an accession (20), as given."""
    if raw is None or len(raw) != 10:
        return raw
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ApiError(422, "invalid_parameter", f"{field}: not a date", field) from None


@router.get("/etfs/{etf_id}/changes", response_model=Changes, responses=TABULAR,
            tags=["cross-fund"],
            summary="Positions added, removed, increased, decreased between two reports")
def etf_changes(conn: Conn, etf_id: EtfId,
                from_: Annotated[ReportRef, Query(alias="from")] = None,
                to: ReportRef = None, fmt: Format = "json") -> Response:
    e = _etf(conn, etf_id)
    want_from, want_to = _report_arg(from_, "from"), _report_arg(to, "to")
    reports = X.reports_of(conn, e["series_id"])
    newer = X.pick_report(reports, want_to, default_index=0)
    if newer is None:
        raise not_found(f"N-PORT report {to or ''} of ETF {etf_id!r}".replace("  ", " "),
                        f"{len(reports)} report(s) loaded")
    older = X.pick_older(reports, newer, want_from if from_ else None)
    if older is None:
        raise not_found(f"an earlier N-PORT report of ETF {etf_id!r} to compare with"
                        if not from_ else f"N-PORT report {from_} of ETF {etf_id!r}",
                        f"{len(reports)} report(s) loaded")
    result = X.changes(conn, older, newer)
    items = [_plain(c) for c in result.changes]
    body = {"class_id": e["class_id"], "ticker": e["ticker"], "series_key": e["series_id"],
            "from": _plain(result.from_report), "to": _plain(result.to_report),
            "counts": result.counts, "unidentified_from": result.unidentified_from,
            "unidentified_to": result.unidentified_to, "items": items}
    rows = [{"from_accession": older.accession_number, "from_report_date": older.report_date,
             "to_accession": newer.accession_number, "to_report_date": newer.report_date,
             **c} for c in items]
    return respond(body, fmt, rows, filename=f"changes-{_name(e)}-{older.report_date}-"
                                             f"{newer.report_date}")


# --------------------------------------------------------------------------- fees, flows


@router.get("/etfs/{etf_id}/fees/history", response_model=FeeHistory, responses=TABULAR,
            tags=["cross-fund"],
            summary="Expense ratios across prospectuses and shareholder reports, oldest first")
def etf_fee_history(conn: Conn, etf_id: EtfId, fmt: Format = "json") -> Response:
    e = _etf(conn, etf_id)
    rows = [_plain(p) for p in X.fee_history(conn, _ref(e))]
    return respond({"class_id": e["class_id"], "ticker": e["ticker"], "items": rows}, fmt,
                   rows, filename=f"fee-history-{_name(e)}")


@router.get("/etfs/{etf_id}/flows-vs-returns", response_model=FlowsVsReturns,
            responses=TABULAR, tags=["cross-fund"],
            summary="Monthly flows (N-PORT B.6) beside the monthly total return (B.5)")
def etf_flows_vs_returns(conn: Conn, etf_id: EtfId, fmt: Format = "json") -> Response:
    e = _etf(conn, etf_id)
    rows = [_plain(m) for m in X.flows_vs_returns(conn, _ref(e))]
    return respond({"class_id": e["class_id"], "ticker": e["ticker"],
                    "series_key": e["series_id"], "items": rows}, fmt, rows,
                   filename=f"flows-vs-returns-{_name(e)}")

