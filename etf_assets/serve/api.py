"""The /api routes: thin, each one validates its parameters, calls etf_assets.serve.queries
and shapes the answer (JSON, or CSV / Parquet for tabular endpoints)."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Annotated, Any, Literal, Optional

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from sqlalchemy import Connection

from etf_assets.serve import formats, models
from etf_assets.serve import queries as Q
from etf_assets.serve.app import ApiError, caller, get_conn, not_found, respond
from etf_assets.warehouse import lifecycle_queries as LQ
from etf_assets.warehouse.lifecycle_vocabulary import STATES

ERRORS = {s: {"model": models.ErrorResponse} for s in (401, 403, 404, 422, 429, 503)}
router = APIRouter(dependencies=[Depends(caller)], responses=ERRORS)

Conn = Annotated[Connection, Depends(get_conn)]
Limit = Annotated[int, Query(ge=1, le=1000, description="rows per page (1-1000)")]
Cursor = Annotated[Optional[str], Query(max_length=512, pattern=r"^[A-Za-z0-9_-]+$",
                                        description="from the previous page's next_cursor")]
Format = Annotated[Literal["json", "csv", "parquet"],
                   Query(alias="format", description="json (default), csv or parquet")]
Cik = Annotated[str, Path(pattern=r"^\d{1,10}$", description="trust CIK, any zero padding",
                          examples=["1041130"])]
EtfId = Annotated[str, Path(pattern=r"^[A-Za-z0-9.\-]{1,20}$",
                            description="ticker (DIA) or class id (C000012345, CIK0001041130)",
                            examples=["DIA"])]
SeriesId = Annotated[str, Path(pattern=r"^(S\d{9}|CIK\d{10})$", examples=["S000004310"])]
Accession = Annotated[str, Path(pattern=r"^\d{10}-\d{2}-\d{6}$",
                                examples=["0001752724-25-158219"])]
# Letters, digits, spaces and the punctuation fund names use: quotes, semicolons, "=",
# "%", backslashes are refused (422) before any SQL is built (it is parameterized anyway).
Search = Annotated[Optional[str], Query(max_length=100, pattern=r"^[\w .&,()/+-]*$",
                                        description="ticker or name (letters, digits, "
                                        "spaces, . & , ( ) / + -)", examples=["dow jones"])]
Form = Annotated[Optional[str], Query(pattern=r"^[A-Za-z0-9/-]{1,20}$", examples=["NPORT-P"])]

TABULAR = {200: {"content": {"text/csv": {}, "application/vnd.apache.parquet": {}}}}


def _cik(raw: str) -> str:
    return raw.zfill(10)


def sec_url(row: dict) -> str:
    return (f"https://www.sec.gov/Archives/edgar/data/{int(row['cik'])}/"
            f"{row['accession_number'].replace('-', '')}/")


def _paged(request: Request, page: Q.Page, fmt: str, name: str, **extra: Any) -> Response:
    nxt = None
    if page.next_cursor:
        nxt = str(request.url.include_query_params(cursor=page.next_cursor))
    return respond({**extra, "items": page.rows, "next_cursor": page.next_cursor, "next": nxt},
                   fmt, page.rows, filename=name)


def _etf(conn: Connection, ident: str) -> dict:
    e = Q.find_etf(conn, ident)
    if e is None:
        raise not_found(f"ETF {ident!r}", "no class id or ticker matches")
    return e


# --------------------------------------------------------------------------- health


@router.get("/health", response_model=models.Health, tags=["health"],
            summary="Database reachable, newest EDGAR day read, coverage lag")
def health(conn: Conn) -> Response:
    body = Q.health(conn)
    return respond({"status": "ok", **body})


# --------------------------------------------------------------------------- trusts


@router.get("/trusts", response_model=models.TrustPage, responses=TABULAR, tags=["trusts"])
def trusts(request: Request, conn: Conn, q: Search = None, limit: Limit = 100,
           cursor: Cursor = None, fmt: Format = "json") -> Response:
    return _paged(request, Q.list_trusts(conn, q=q, limit=limit, cursor=cursor), fmt, "trusts")


@router.get("/trusts/{cik}", response_model=models.TrustDetail, tags=["trusts"])
def trust(conn: Conn, cik: Cik) -> Response:
    row = Q.get_trust(conn, _cik(cik))
    if row is None:
        raise not_found(f"trust {_cik(cik)}")
    return respond(row)


@router.get("/trusts/{cik}/series", response_model=models.SeriesPage, responses=TABULAR,
            tags=["trusts"])
def trust_series(request: Request, conn: Conn, cik: Cik, limit: Limit = 100,
                 cursor: Cursor = None, fmt: Format = "json") -> Response:
    if Q.get_trust(conn, _cik(cik)) is None:
        raise not_found(f"trust {_cik(cik)}")
    return _paged(request, Q.list_series(conn, cik=_cik(cik), limit=limit, cursor=cursor),
                  fmt, f"series-{_cik(cik)}")


def _filings_page(request, conn, fmt, name, **kw) -> Response:
    page = Q.list_filings(conn, **kw)
    for r in page.rows:
        r["sec_url"] = sec_url(r)
    return _paged(request, page, fmt, name)


@router.get("/trusts/{cik}/filings", response_model=models.FilingPage, responses=TABULAR,
            tags=["trusts"])
def trust_filings(request: Request, conn: Conn, cik: Cik, form: Form = None,
                  limit: Limit = 100, cursor: Cursor = None, fmt: Format = "json") -> Response:
    if Q.get_trust(conn, _cik(cik)) is None:
        raise not_found(f"trust {_cik(cik)}")
    return _filings_page(request, conn, fmt, f"filings-{_cik(cik)}", cik=_cik(cik), form=form,
                         limit=limit, cursor=cursor)


@router.post("/trusts/{cik}/refresh", response_model=models.RefreshStarted, status_code=202,
             tags=["trusts"], summary="Launch the trust's refresh run (needs an API key)")
def refresh(request: Request, conn: Conn, cik: Cik,
            key: Annotated[Optional[str], Depends(caller)]) -> Response:
    if not request.app.state.api_keys or key is None:
        raise ApiError(401, "unauthorized", "refresh needs an API key (set ETF_API_KEYS and "
                       "send X-API-Key)", "X-API-Key")
    cik10 = _cik(cik)
    if Q.get_trust(conn, cik10) is None:
        raise not_found(f"trust {cik10}")
    from etf_assets.serve.refresh import NotAPartition

    try:
        started = request.app.state.launch_refresh(cik10)
    except NotAPartition as exc:
        raise not_found(f"pipeline partition for trust {cik10}", str(exc)) from None
    except Exception as exc:  # noqa: BLE001 - the instance's storage or code location
        raise ApiError(503, "dagster_unavailable",
                       f"could not submit the run: {type(exc).__name__}: {exc}"[:300]) from None
    return Response(respond(started).body, status_code=202, media_type="application/json")


# --------------------------------------------------------------------------- series


@router.get("/series", response_model=models.SeriesPage, responses=TABULAR, tags=["series"])
def series_list(request: Request, conn: Conn, q: Search = None,
                cik: Annotated[Optional[str], Query(pattern=r"^\d{1,10}$")] = None,
                limit: Limit = 100, cursor: Cursor = None, fmt: Format = "json") -> Response:
    page = Q.list_series(conn, cik=_cik(cik) if cik else None, q=q, limit=limit, cursor=cursor)
    return _paged(request, page, fmt, "series")


@router.get("/series/{series_id}", response_model=models.SeriesDetail, tags=["series"])
def series_detail(conn: Conn, series_id: SeriesId) -> Response:
    row = Q.get_series(conn, series_id)
    if row is None:
        raise not_found(f"series {series_id}")
    return respond(row)


@router.get("/series/{series_id}/ticker-history", response_model=models.TickerHistory,
            responses=TABULAR, tags=["series"])
def series_tickers(conn: Conn, series_id: SeriesId, fmt: Format = "json") -> Response:
    if Q.get_series(conn, series_id) is None:
        raise not_found(f"series {series_id}")
    rows = Q.ticker_history(conn, series_id)
    return respond({"series_id": series_id, "items": rows}, fmt, rows,
                   filename=f"tickers-{series_id}")


# --------------------------------------------------------------------------- filings


@router.get("/filings", response_model=models.FilingPage, responses=TABULAR, tags=["filings"])
def filings(request: Request, conn: Conn,
            cik: Annotated[Optional[str], Query(pattern=r"^\d{1,10}$")] = None,
            form: Form = None, filed_from: Optional[date] = None,
            filed_to: Optional[date] = None, limit: Limit = 100, cursor: Cursor = None,
            fmt: Format = "json") -> Response:
    if filed_from and filed_to and filed_from > filed_to:
        raise ApiError(422, "invalid_parameter", "filed_from: after filed_to", "filed_from")
    return _filings_page(request, conn, fmt, "filings", cik=_cik(cik) if cik else None,
                         form=form, filed_from=filed_from, filed_to=filed_to, limit=limit,
                         cursor=cursor)


@router.get("/filings/{accession}", response_model=models.FilingDetail, tags=["filings"])
def filing_detail(conn: Conn, accession: Accession) -> Response:
    row = Q.filing_detail(conn, accession)
    if row is None:
        raise not_found(f"filing {accession}", "neither loaded nor seen on EDGAR")
    row["sec_url"] = sec_url(row)
    return respond(row)


# --------------------------------------------------------------------------- ETFs


@router.get("/etfs", response_model=models.EtfPage, responses=TABULAR, tags=["etfs"],
            summary="ETFs by ticker or name")
def etfs(request: Request, conn: Conn, q: Search = None, include_inactive: bool = False,
         limit: Annotated[int, Query(ge=1, le=1000)] = 50, cursor: Cursor = None,
         fmt: Format = "json") -> Response:
    page = Q.search_etfs(conn, q, limit=limit, cursor=cursor, include_inactive=include_inactive)
    return _paged(request, page, fmt, "etfs")


@router.get("/etfs/{etf_id}", response_model=models.EtfDetail, tags=["etfs"])
def etf_detail(conn: Conn, etf_id: EtfId) -> Response:
    return respond(Q.etf_detail(conn, _etf(conn, etf_id)))


HOLDING_CSV_COLUMNS = (["accession_number", "report_date"]
                       + [c.name for c in Q.HOLDING_COLUMNS])


@router.get("/etfs/{etf_id}/holdings", response_model=models.Holdings, responses=TABULAR,
            tags=["etfs"], summary="Every position and derivative of one N-PORT report")
def etf_holdings(request: Request, conn: Conn, etf_id: EtfId,
                 as_of: Annotated[Optional[date], Query(
                     description="newest report on or before this date (default: newest)")]
                 = None,
                 fmt: Format = "json") -> Response:
    e = _etf(conn, etf_id)
    report = Q.latest_report(conn, e["series_id"], as_of)
    if report is None:
        when = f" on or before {as_of}" if as_of else ""
        raise not_found(f"N-PORT report for ETF {etf_id!r} (series {e['series_id']}){when}")
    # The report is immutable under its accession (and filing version): its answer is
    # cached and has a strong ETag.
    version = "|".join(str(report[k]) for k in ("accession_number", "series_key", "sha256",
                                                  "parsed_at"))
    etag = '"' + hashlib.sha256(f"{version}|{e['class_id']}|{fmt}".encode()).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    cache = request.app.state.cache
    hit = cache.get(etag)
    if hit is not None:
        body, meta = hit
        return Response(body, media_type=meta["media_type"], headers={**headers, **meta["headers"]})
    name = f"holdings-{e['ticker'] or e['class_id']}-{report['report_date']}"
    if fmt == "parquet":
        # Column by column from the driver's rows: the same table as the rows' Parquet,
        # without a Decimal, date or dict per value (50,000 positions: ~10x faster).
        try:
            body = formats.parquet_from_columns(Q.report_holding_columns(conn, report))
        except formats.PackedMismatch:  # a text holding the separator: not from XML
            body = formats.parquet_from_columns(
                Q.report_holding_columns(conn, report, packed=False))
        resp = Response(body, media_type=formats.MEDIA["parquet"], headers={
                            "Content-Disposition": f'attachment; filename="{name}.parquet"'})
    else:
        report = Q.report_positions(conn, report)
        for k in ("sha256", "parsed_at"):
            report.pop(k, None)
        if fmt == "json":
            resp = respond({"class_id": e["class_id"], "ticker": e["ticker"], **report})
        else:
            # One table: every position (derivative details are in JSON; the CSV / Parquet
            # flag is_derivative), each row with its accession and report date.
            acc, rd = report["accession_number"], report["report_date"]
            rows = [{"accession_number": acc, "report_date": rd, **h}
                    for h in report["holdings"]]
            resp = respond(None, fmt, rows, HOLDING_CSV_COLUMNS, name)
    extra = {k: v for k, v in resp.headers.items() if k.lower() == "content-disposition"}
    cache.put(etag, resp.body, {"media_type": resp.media_type, "headers": extra})
    resp.headers.update(headers)
    return resp


@router.get("/etfs/{etf_id}/fees", response_model=models.Fees, responses=TABULAR,
            tags=["etfs"], summary="Prospectus fee tables, newest effective date first")
def etf_fees(conn: Conn, etf_id: EtfId, fmt: Format = "json") -> Response:
    e = _etf(conn, etf_id)
    rows = Q.etf_fees(conn, e)
    return respond({"class_id": e["class_id"], "items": rows}, fmt, rows,
                   filename=f"fees-{e['ticker'] or e['class_id']}")


@router.get("/etfs/{etf_id}/performance", response_model=models.Performance,
            responses=TABULAR, tags=["etfs"],
            summary="Shareholder-report and prospectus returns side by side")
def etf_performance(conn: Conn, etf_id: EtfId, fmt: Format = "json") -> Response:
    e = _etf(conn, etf_id)
    perf = Q.etf_performance(conn, e)
    return respond({"class_id": e["class_id"], "accessions": perf["accessions"],
                    "items": perf["rows"]}, fmt, perf["rows"],
                   filename=f"performance-{e['ticker'] or e['class_id']}")


@router.get("/etfs/{etf_id}/flows", response_model=models.Flows, responses=TABULAR,
            tags=["etfs"], summary="Monthly (N-PORT) and annual (24F-2NT) flows")
def etf_flows(conn: Conn, etf_id: EtfId, fmt: Format = "json") -> Response:
    e = _etf(conn, etf_id)
    flows = Q.etf_flows(conn, e)
    rows = ([{"frequency": "monthly", "period_end": m["month_end"], **m} for m in flows["monthly"]]
            + [{"frequency": "annual", "period_end": a["fiscal_year_end"], **a}
               for a in flows["annual"]])
    return respond({"class_id": e["class_id"], **flows}, fmt, rows,
                   filename=f"flows-{e['ticker'] or e['class_id']}")


@router.get("/etfs/{etf_id}/per-share", response_model=models.PerShare, responses=TABULAR,
            tags=["etfs"], summary="Financial highlights per fiscal period")
def etf_per_share(conn: Conn, etf_id: EtfId, fmt: Format = "json") -> Response:
    e = _etf(conn, etf_id)
    rows = Q.etf_per_share(conn, e)
    return respond({"class_id": e["class_id"], "items": rows}, fmt, rows,
                   filename=f"per-share-{e['ticker'] or e['class_id']}")


@router.get("/etfs/{etf_id}/filings", response_model=models.FilingPage, responses=TABULAR,
            tags=["etfs"], summary="Filings of the ETF's trust")
def etf_filings(request: Request, conn: Conn, etf_id: EtfId, form: Form = None,
                limit: Limit = 100, cursor: Cursor = None, fmt: Format = "json") -> Response:
    e = _etf(conn, etf_id)
    return _filings_page(request, conn, fmt, f"filings-{e['ticker'] or e['class_id']}",
                         cik=e["cik"], form=form, limit=limit, cursor=cursor)


# --------------------------------------------------------------------------- queries


@router.get("/queries/latest-state", response_model=models.LatestStatePage,
            responses=TABULAR, tags=["queries"],
            summary="The lifecycle rollup: every series' and class's current state")
def latest_state(request: Request, conn: Conn,
                 cik: Annotated[Optional[str], Query(pattern=r"^\d{1,10}$")] = None,
                 state: Annotated[Optional[Literal[STATES]], Query()] = None,
                 limit: Limit = 100, cursor: Cursor = None, fmt: Format = "json") -> Response:
    page = Q.lifecycle_states(conn, cik=_cik(cik) if cik else None, state=state, limit=limit,
                              cursor=cursor)
    for r in page.rows:
        r["sec_url"] = (sec_url({"cik": r["cik"], "accession_number": r["evidence_accession"]})
                        if r["evidence_accession"] else None)
    return _paged(request, page, fmt, "latest-state")


@router.get("/queries/recent-filings", response_model=models.FilingPage, responses=TABULAR,
            tags=["queries"])
def recent_filings(request: Request, conn: Conn, since: Optional[date] = None,
                   form: Form = None, limit: Limit = 100, cursor: Cursor = None,
                   fmt: Format = "json") -> Response:
    return _filings_page(request, conn, fmt, "recent-filings", form=form, filed_from=since,
                         limit=limit, cursor=cursor)


# The lifecycle queries (etf_assets/warehouse/lifecycle_queries.py, shared with the
# lifecycle_report asset), counted from the app's `today()`: whole lists, no paging (a
# window of days holds tens of funds, not thousands).
Days = Annotated[int, Query(ge=0, le=3660, description="window in days (0-3660)")]


def _lifecycle(request: Request, rows: list, fmt: str, name: str, today: date,
               days: Optional[int]) -> Response:
    items = [r.as_dict() for r in rows]
    return respond({"today": today, "days": days, "items": items}, fmt, items, filename=name)


@router.get("/queries/upcoming-effective-dates", response_model=models.LifecycleFunds,
            responses=TABULAR, tags=["queries"],
            summary="Funds not trading yet whose prospectus goes effective in the next N days")
def upcoming_effective_dates(request: Request, conn: Conn, days: Days = 30,
                             fmt: Format = "json") -> Response:
    today = request.app.state.today()
    return _lifecycle(request, LQ.upcoming_effective_dates(conn, today, days), fmt,
                      "upcoming-effective-dates", today, days)


@router.get("/queries/delayed-funds", response_model=models.LifecycleFunds,
            responses=TABULAR, tags=["queries"],
            summary="Funds a 485BXT delayed and not effective yet, with the new date")
def delayed_funds(request: Request, conn: Conn, fmt: Format = "json") -> Response:
    return _lifecycle(request, LQ.delayed_funds(conn), fmt, "delayed-funds",
                      request.app.state.today(), None)


@router.get("/queries/new-funds", response_model=models.LifecycleFunds, responses=TABULAR,
            tags=["queries"],
            summary="Funds that started trading in the last N days after being proposed")
def new_funds(request: Request, conn: Conn, days: Days = 30, fmt: Format = "json") -> Response:
    today = request.app.state.today()
    return _lifecycle(request, LQ.new_funds(conn, today, days), fmt, "new-funds", today, days)


@router.get("/queries/closed-funds", response_model=models.LifecycleFunds,
            responses=TABULAR, tags=["queries"],
            summary="Funds closed or deregistered (in the last N days if given)")
def closed_funds(request: Request, conn: Conn, days: Optional[Days] = None,
                 fmt: Format = "json") -> Response:
    today = request.app.state.today()
    return _lifecycle(request, LQ.closed_funds(conn, today, days), fmt, "closed-funds",
                      today, days)
