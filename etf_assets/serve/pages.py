"""The ETF explorer: server-rendered HTML pages over the same query module as the API
(etf_assets/serve/queries.py), so a page shows exactly the numbers /api returns.

Pages: `/` (search by ticker or name), `/etfs/{id}` (and its holdings downloads),
`/etfs/{id}/changes`, `/securities/{id}`, `/compare?etfs=A,B`, `/trusts/{cik}`,
`/filings`, `/key`. The cross-fund pages call etf_assets/crossfund/queries.py, as the
cross-fund API does. Charts are inline SVG (charts.py): the pages need
no JavaScript and no internet. Access is the API's (app.caller: API keys or loopback
only, the same rate limit), plus a key a browser entered at /key; a refused or missing
page answers in HTML.
"""

from __future__ import annotations

import re
from decimal import Decimal
from importlib import resources
from typing import Annotated, Any, Optional
from urllib.parse import parse_qs, quote

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from sqlalchemy import Connection

from etf_assets.crossfund import queries as X
from etf_assets.crossfund.identity import lookup_terms, normalize_cusip, normalize_isin
from etf_assets.serve import api as api_routes
from etf_assets.serve import charts, display
from etf_assets.serve import queries as Q
from etf_assets.serve.api import Cursor, sec_url
from etf_assets.serve.app import API_KEY_HEADER, ApiError, caller, get_conn
from etf_assets.serve.page_queries import top_holdings
from etf_assets.serve.security import key_matches
from etf_assets.warehouse import lifecycle_queries as LQ

TOP_HOLDINGS = 25
LIST_LIMIT = 100
# The API's search alphabet (api.Search): a page says so instead of answering 422 JSON.
SEARCH_RE = re.compile(r"^[\w .&,()/+-]{0,100}$")
PERF_PERIODS = ("1y", "3y", "5y", "10y", "since_inception")
STATIC = ("explorer.css",)


# A browser cannot send X-API-Key: with ETF_API_KEYS set, /key stores the key in this
# cookie (HttpOnly, SameSite=Strict, Secure over https; gone when the browser closes),
# which the pages (never /api) accept in place of the header.
KEY_COOKIE = "etf_api_key"


class PageError(Exception):
    def __init__(self, status: int, message: str, headers: Optional[dict] = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers


def _take(request: Request, who: str) -> None:
    wait = request.app.state.bucket.take(who)
    if wait:
        raise PageError(429, f"rate limit: retry in {wait:.1f} s",
                        {"Retry-After": str(max(1, int(wait + 0.999)))})


def page_access(request: Request) -> Optional[str]:
    """The API's access check (keys / loopback / the same per-key rate limit), its
    refusals as HTML pages; with keys, the key may come from the /key cookie."""
    keys: frozenset[str] = request.app.state.api_keys
    cookie = request.cookies.get(KEY_COOKIE)
    if keys and cookie and not request.headers.get(API_KEY_HEADER):
        key = key_matches(cookie, keys)
        if key is None:
            raise PageError(401, "the API key saved in this browser is no longer valid")
        _take(request, "key:" + key)
        return key
    try:
        return caller(request)
    except ApiError as exc:
        raise PageError(exc.status_code, str(exc.detail), exc.headers) from exc


router = APIRouter(dependencies=[Depends(page_access)], include_in_schema=False)
key_router = APIRouter(include_in_schema=False)
Conn = Annotated[Connection, Depends(get_conn)]

_env = Environment(loader=PackageLoader("etf_assets.serve", "templates"),
                   autoescape=select_autoescape(["html"]), trim_blocks=True,
                   lstrip_blocks=True)
_env.filters.update(amount=display.amount, pct=display.fraction_pct, plain=display.plain)
_env.globals.update(period=display.period, NONE=display.NONE,
                    sec=lambda cik, acc: sec_url({"cik": cik, "accession_number": acc}))


def security_ident(h: dict) -> Optional[str]:
    """The identifier a holdings row links its security page by: its CUSIP, else its
    ISIN (normalized; a placeholder such as 000000000 links nowhere)."""
    return normalize_cusip(h.get("cusip")) or normalize_isin(h.get("isin"))


_env.globals.update(security_ident=security_ident)


def render(name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(_env.get_template(name).render(**context), status_code=status_code)


# --------------------------------------------------------------------------- charts


def performance_chart(rows: list[dict], source: str, title: str) -> Optional[Markup]:
    """Fund vs each index by period, from one source (ncsr / prospectus); the fund's
    before-tax return (the prospectus also prints after-tax ones: the table has them)."""
    rows = [r for r in rows if r[f"{source}_value"] is not None and r["period"] in PERF_PERIODS
            and (r["subject"] != "fund" or r["measure"] in (None, "before_taxes"))]
    if not rows:
        return None
    periods = [p for p in PERF_PERIODS if any(r["period"] == p for r in rows)]
    subjects: dict[str, dict[str, Decimal]] = {}
    for r in rows:
        name = "Fund" if r["subject"] == "fund" else (r["index_name"] or r["index_member"]
                                                      or "Index")
        subjects.setdefault(name, {})[r["period"]] = r[f"{source}_value"]
    ordered = sorted(subjects, key=lambda n: n != "Fund")
    series = [charts.Series(n, tuple(subjects[n].get(p) for p in periods)) for n in ordered]
    as_of = max((r[f"{source}_as_of"] for r in rows if r[f"{source}_as_of"]), default=None)
    if as_of:
        title = f"{title} to {as_of.isoformat()}"
    return Markup(charts.bar_chart([display.period(p) for p in periods], series, title=title,
                                   value_label=display.fraction_pct,
                                   tick_label=charts.percent_tick))


def performance_order(r: dict) -> tuple:
    """Table order: the standard periods, then calendar years, then anything else (best
    and worst quarters); the fund before its indexes; before-tax first."""
    p = r["period"]
    group = 0 if p in PERF_PERIODS else 1 if p == "calendar_year" else 2
    rank = PERF_PERIODS.index(p) if p in PERF_PERIODS else 0
    return (group, rank, r["year"] or 0, p, r["subject"] != "fund",
            r["index_name"] or r["index_member"] or "", r["measure"] != "before_taxes",
            r["measure"] or "")


def calendar_year_chart(rows: list[dict]) -> Optional[Markup]:
    years = sorted({r["year"] for r in rows if r["period"] == "calendar_year"
                    and r["subject"] == "fund" and r["prospectus_value"] is not None
                    and r["measure"] in (None, "before_taxes")})
    if not years:
        return None
    by_year = {r["year"]: r["prospectus_value"] for r in rows
               if r["period"] == "calendar_year" and r["subject"] == "fund"
               and r["measure"] in (None, "before_taxes")}
    return Markup(charts.bar_chart(
        [str(y) for y in years], [charts.Series("Fund", tuple(by_year.get(y) for y in years))],
        title="Calendar-year total returns (prospectus)", value_label=display.fraction_pct,
        tick_label=charts.percent_tick, css_class="chart calendar"))


def flows_chart(monthly: list[dict]) -> Markup:
    months = [m["month_end"].strftime("%Y-%m") for m in monthly]
    neg = tuple(None if m["redemption"] is None else -m["redemption"] for m in monthly)
    return Markup(charts.bar_chart(
        months, [charts.Series("Sales", tuple(m["sales"] for m in monthly)),
                 charts.Series("Redemptions", neg),
                 charts.Series("Net", tuple(m["net"] for m in monthly))],
        title="Monthly flows (N-PORT, USD)", value_label=display.amount,
        tick_label=charts.money_tick, css_class="chart flows"))


def overlap_chart(result: X.Overlap, label: dict[str, str], top: int) -> Markup:
    """Each fund's weight in the `top` common positions with the largest min weight."""
    shown = result.common[:top]

    def short(c: X.CommonPosition) -> str:  # the bar's <title> names the position in full
        text = c.name or c.security_key
        return text if len(text) <= 14 else text[:13].rstrip() + "\u2026"

    return Markup(charts.bar_chart(
        [short(c) for c in shown],
        [charts.Series(label[f.series_key], tuple(c.weights[f.series_key] for c in shown))
         for f in result.funds],
        title=f"Largest common positions: % of each fund's net assets (top {len(shown)})",
        value_label=lambda v: display.amount(v) + "%",
        tick_label=lambda v: f"{v:g}%", css_class="chart overlap",
        width=max(720, 76 + 100 * len(shown))))


# --------------------------------------------------------------------------- pages


LANDING_FILINGS = 20


@router.get("/", response_class=HTMLResponse)
def search_page(request: Request, conn: Conn,
                q: Annotated[Optional[str], Query(max_length=100)] = None,
                inactive: bool = False, browse: bool = False,
                cursor: Cursor = None) -> HTMLResponse:
    """Search by ticker or name; without a query, what the warehouse holds (its ETF
    count, the newest filings) and a link to browse every ETF by ticker."""
    q = (q or "").strip()
    form = {"q": q, "inactive": inactive}
    if not SEARCH_RE.match(q):
        return render("search.html", 422, **form, results=None,
                      message="Search with letters, digits, spaces and . & , ( ) / + - only.")
    if not q and not browse and not cursor:
        return render("search.html", **form, results=None, message=None,
                      health=Q.health(conn),
                      filings=Q.list_filings(conn, limit=LANDING_FILINGS).rows)
    page = Q.search_etfs(conn, q or None, limit=LIST_LIMIT, cursor=cursor,
                         include_inactive=inactive)
    nxt = (str(request.url.include_query_params(cursor=page.next_cursor))
           if page.next_cursor else None)
    return render("search.html", **form, results=page.rows, next_url=nxt,
                  message=None if page.rows or cursor else "No ETF matches.")


@router.get("/etfs/{etf_id}", response_class=HTMLResponse)
def etf_page(conn: Conn, etf_id: str) -> HTMLResponse:
    if not re.fullmatch(r"[A-Za-z0-9.\-]{1,20}", etf_id):
        raise PageError(404, "not an ETF ticker or class id")
    e = Q.find_etf(conn, etf_id)
    if e is None:
        raise PageError(404, f"ETF {etf_id!r} not found (no class id or ticker matches)")
    detail = Q.etf_detail(conn, e)
    perf = Q.etf_performance(conn, e)
    flows = Q.etf_flows(conn, e)
    report = top_holdings(conn, e["series_id"], TOP_HOLDINGS)
    per_share = Q.etf_per_share(conn, e)
    filings = Q.list_filings(conn, cik=e["cik"], limit=LIST_LIMIT)
    ident = e["ticker"] or e["class_id"]
    return render(
        "etf.html", e=detail, ident=ident, tickers=Q.ticker_history(conn, e["series_id"]),
        fees=Q.etf_fees(conn, e), perf=perf,
        perf_rows=sorted(perf["rows"], key=performance_order),
        perf_charts=[c for c in (
            performance_chart(perf["rows"], "ncsr", "Shareholder report (N-CSR) returns"),
            performance_chart(perf["rows"], "prospectus", "Prospectus average annual returns"),
            calendar_year_chart(perf["rows"])) if c is not None],
        flows=flows, flows_chart=flows_chart(flows["monthly"]) if flows["monthly"] else None,
        per_share=per_share, report=report,
        filings=filings.rows, more_filings=filings.next_cursor is not None,
        lifecycle=LQ.series_lifecycle(conn, e["cik"], e["series_id"]),
        api=f"/api/etfs/{ident}")


OVERLAP_CHART_TOP = 15
CROSSFUND_LIMIT = 500  # rows of a table; counts and sums are over all (the API: ?format=csv)


@router.get("/securities/{security_id}", response_class=HTMLResponse)
def security_page(conn: Conn, security_id: str) -> HTMLResponse:
    """Every ETF whose newest N-PORT holds the security, largest value first, with the
    total across ETFs (the numbers of /api/securities/{id}/holders)."""
    if not re.fullmatch(r"[A-Za-z0-9:.\- &%]{1,120}", security_id) \
            or lookup_terms(security_id).is_empty():
        raise PageError(404, "not a CUSIP, ISIN, ticker or LEI (placeholders such as "
                             "000000000 or N/A match nothing)")
    result = X.holders(conn, security_id)
    names = sorted({h.name for h in result.holders if h.name})
    return render("security.html", q=security_id, result=result,
                  shown=result.holders[:CROSSFUND_LIMIT], names=names,
                  api=f"/api/securities/{quote(security_id)}/holders")


def _page_etf(conn: Connection, etf_id: str) -> dict:
    if not re.fullmatch(r"[A-Za-z0-9.\-]{1,20}", etf_id):
        raise PageError(404, "not an ETF ticker or class id")
    e = Q.find_etf(conn, etf_id)
    if e is None:
        raise PageError(404, f"ETF {etf_id!r} not found (no class id or ticker matches)")
    return e


@router.get("/compare", response_class=HTMLResponse)
def compare_page(conn: Conn, etfs: Annotated[str, Query(max_length=220)] = "") -> HTMLResponse:
    """Overlap of 2 to 10 ETFs' newest reports (the numbers of /api/overlap)."""
    idents = [t.strip() for t in etfs.split(",") if t.strip()]
    if len(idents) < 2:  # the form, filled with what was given (the ETF page links here)
        return render("compare.html", etfs=etfs, result=None,
                      message="Add another ETF to compare with." if idents else None)
    if len(idents) > 10:
        return render("compare.html", 422, etfs=etfs, result=None,
                      message="Name 2 to 10 ETFs, comma-separated.")
    found = [_page_etf(conn, ident) for ident in idents]
    series = [e["series_id"] for e in found]
    if len(set(series)) != len(series):
        return render("compare.html", 422, etfs=etfs, result=None,
                      message="The same fund twice: classes of one series hold the same "
                              "positions.")
    result = X.overlap(conn, series, limit=CROSSFUND_LIMIT)
    label = {e["series_id"]: e["ticker"] or e["class_id"] for e in found}
    return render("compare.html", etfs=",".join(label[s] for s in series), result=result,
                  label=label, series=series, found={e["series_id"]: e for e in found},
                  chart=overlap_chart(result, label, OVERLAP_CHART_TOP) if result.common
                  else None, message=None,
                  api=f"/api/overlap?etfs={','.join(label[s] for s in series)}")


REPORT_ARG = re.compile(r"\d{4}-\d{2}-\d{2}|\d{10}-\d{2}-\d{6}")


@router.get("/etfs/{etf_id}/changes", response_class=HTMLResponse)
def changes_page(conn: Conn, etf_id: str,
                 from_: Annotated[Optional[str], Query(alias="from", max_length=20)] = None,
                 to: Annotated[Optional[str], Query(max_length=20)] = None) -> HTMLResponse:
    """Positions added, removed, increased, decreased between two N-PORT reports of the
    fund (default: its two newest), as /api/etfs/{id}/changes answers."""
    e = _page_etf(conn, etf_id)
    for name, raw in (("from", from_), ("to", to)):
        if raw and not REPORT_ARG.fullmatch(raw):
            raise PageError(422, f"{name}: a report date (YYYY-MM-DD) or an accession number")
    ident = e["ticker"] or e["class_id"]
    reports = X.reports_of(conn, e["series_id"])
    newer = X.pick_report(reports, to or None, default_index=0)
    older = X.pick_older(reports, newer, from_) if newer is not None else None
    if (to and newer is None) or (from_ and older is None):
        raise PageError(404, f"N-PORT report {to if to and newer is None else from_} of "
                             f"ETF {etf_id!r} is not loaded ({len(reports)} report(s) are)")
    result = X.changes(conn, older, newer) if older is not None else None
    order = ("added", "removed", "increased", "decreased")
    groups = {k: [c for c in result.changes if c.change == k] for k in order} if result else {}
    return render("changes.html", e=e, ident=ident, reports=reports, result=result,
                  groups=groups, api=f"/api/etfs/{ident}/changes")


@router.get("/trusts/{cik}", response_class=HTMLResponse)
def trust_page(conn: Conn, cik: str) -> HTMLResponse:
    if not re.fullmatch(r"\d{1,10}", cik):
        raise PageError(404, "not a CIK")
    cik10 = cik.zfill(10)
    t = Q.get_trust(conn, cik10)
    if t is None:
        raise PageError(404, f"trust {cik10} not found")
    etfs = Q.trust_etfs(conn, cik10, limit=LIST_LIMIT)
    series = Q.list_series(conn, cik=cik10, limit=LIST_LIMIT)
    filings = Q.list_filings(conn, cik=cik10, limit=LIST_LIMIT)
    return render("trust.html", t=t, etfs=etfs.rows, more_etfs=etfs.next_cursor is not None,
                  series=series.rows, more_series=series.next_cursor is not None,
                  filings=filings.rows, more_filings=filings.next_cursor is not None)


@router.get("/filings", response_class=HTMLResponse)
def filings_page(request: Request, conn: Conn,
                 form: Annotated[Optional[str], Query(max_length=20)] = None,
                 cik: Annotated[Optional[str], Query(max_length=10)] = None,
                 cursor: Cursor = None) -> HTMLResponse:
    form = (form or "").strip().upper() or None
    if form is not None and not re.fullmatch(r"[A-Z0-9/-]{1,20}", form):
        raise PageError(422, "form: letters, digits, / and - only")
    if cik is not None and not re.fullmatch(r"\d{1,10}", cik):
        raise PageError(422, "cik: digits only")
    cik10 = cik.zfill(10) if cik else None
    page = Q.list_filings(conn, form=form, cik=cik10, limit=LIST_LIMIT, cursor=cursor)
    nxt = (str(request.url.include_query_params(cursor=page.next_cursor))
           if page.next_cursor else None)
    trust_name = Q.get_trust(conn, cik10)["name"] if cik10 and page.rows else None
    return render("filings.html", filings=page.rows, form=form, cik=cik10,
                  trust_name=trust_name, next_url=nxt)


@router.get("/etfs/{etf_id}/holdings.{fmt}")
def holdings_download(request: Request, conn: Conn, etf_id: str, fmt: str) -> Response:
    """All positions of the newest N-PORT: the API's own answer (same bytes, cache and
    ETag as /api/etfs/{id}/holdings?format=...), here so that a browser holding its key
    in the /key cookie can download it."""
    if fmt not in ("csv", "parquet", "json") or not re.fullmatch(r"[A-Za-z0-9.\-]{1,20}",
                                                                   etf_id):
        raise PageError(404, "no such download")
    try:
        return api_routes.etf_holdings(request=request, conn=conn, etf_id=etf_id, as_of=None,
                                       fmt=fmt)
    except ApiError as exc:
        raise PageError(exc.status_code, str(exc.detail)) from exc


@router.get("/static/{name}")
def static(name: str) -> Response:
    """The explorer's packaged stylesheet (behind the same access check as the pages)."""
    if name not in STATIC:
        raise PageError(404, "no such file")
    body = resources.files("etf_assets.serve").joinpath("static", name).read_bytes()
    return Response(body, media_type="text/css",
                    headers={"Cache-Control": "max-age=3600"})


def _safe_next(target: str) -> str:
    """Only a path of this site (no scheme, no //host): no open redirect."""
    return target if re.fullmatch(r"/(?!/)[\w\-./?=&%]{0,200}", target or "") else "/"


@key_router.get("/key", response_class=HTMLResponse)
def key_form(request: Request, next: str = "/") -> HTMLResponse:
    if not request.app.state.api_keys:
        raise PageError(404, "no API keys are configured: nothing to enter")
    return render("key.html", next=_safe_next(next), message=None)


@key_router.post("/key", response_class=HTMLResponse)
async def key_submit(request: Request) -> Response:
    """Check the key (constant time; attempts count against the client address's rate
    limit) and keep it in the browser's session cookie."""
    keys: frozenset[str] = request.app.state.api_keys
    if not keys:
        raise PageError(404, "no API keys are configured: nothing to enter")
    _take(request, "addr:" + (request.client.host if request.client else ""))
    body = await request.body()
    form = parse_qs(body[:4096].decode("utf-8", "replace"))
    nxt = _safe_next((form.get("next") or ["/"])[0])
    if "forget" in form:
        response = RedirectResponse("/key", status_code=303)
        response.delete_cookie(KEY_COOKIE, path="/")
        return response
    key = key_matches((form.get("key") or [""])[0].strip(), keys)
    if key is None:
        return render("key.html", 401, next=nxt, message="That key is not valid.")
    response = RedirectResponse(nxt, status_code=303)
    response.set_cookie(KEY_COOKIE, key, path="/", httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")
    return response


def mount_explorer(app: FastAPI) -> None:
    """Add the explorer's pages to the serving app (after /api, whose paths win)."""

    async def _page_error(_request: Request, exc: PageError) -> HTMLResponse:
        keyed = exc.status == 401 and bool(_request.app.state.api_keys)
        response = render("error.html", exc.status, status=exc.status, message=exc.message,
                          key_url=f"/key?next={quote(_request.url.path)}" if keyed else None)
        response.headers.update(exc.headers or {})
        return response

    app.add_exception_handler(PageError, _page_error)
    app.include_router(key_router)
    app.include_router(router)

