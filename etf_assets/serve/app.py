"""The serving app: `create_app()` builds the FastAPI application (the REST API under
/api, OpenAPI at /docs; `/` is left to the HTML explorer).

- One read-only engine per app (a dependency, `get_conn`): PostgreSQL sessions are
  read-only with a statement timeout, SQLite connections `query_only`.
- One error shape, `{"error": {"status", "code", "message", "field"}}`: 404 names what
  was not found, 422 names the parameter, 503 says why the warehouse is unreachable.
- Access (security.py): API keys (`X-API-Key`) when ETF_API_KEYS is set, else loopback
  clients only; a per-key token bucket; refresh always needs a key.
"""

from __future__ import annotations

import contextlib
import gc
import logging
from datetime import date, datetime, timezone
from collections.abc import Callable, Iterator
from typing import Any, Optional

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi_offline import FastAPIOffline
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, OperationalError

from etf_assets import settings
from etf_assets.serve import formats
from etf_assets.serve.queries import CursorError
from etf_assets.serve.security import TokenBucket, is_loopback, key_matches

log = logging.getLogger(__name__)

API_KEY_HEADER = "X-API-Key"
STATEMENT_TIMEOUT_MS = 10_000


class ApiError(HTTPException):
    """An error in the API's one shape (code: not_found, invalid_parameter, ...)."""

    def __init__(self, status: int, code: str, message: str, field: Optional[str] = None):
        super().__init__(status_code=status, detail=message)
        self.code, self.field = code, field


def not_found(what: str, why: str = "") -> ApiError:
    return ApiError(404, "not_found", f"{what} not found{f' ({why})' if why else ''}")


def read_only_engine(url: Optional[str] = None) -> Engine:
    """An engine for reading: nothing the API runs can write, and no statement runs
    longer than STATEMENT_TIMEOUT_MS on PostgreSQL (a slow query is an error, not a
    stuck worker)."""
    url = url or settings.warehouse_url()
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA query_only=ON")
            cur.close()

        return engine
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg2")
    # Appended to any options the URL carries (a search_path, say), not replacing them.
    options = " ".join(filter(None, [parsed.query.get("options"),
                                     "-c default_transaction_read_only=on",
                                     f"-c statement_timeout={STATEMENT_TIMEOUT_MS}"]))
    parsed = parsed.update_query_dict({"options": options})
    return create_engine(parsed, pool_size=10, max_overflow=40, pool_pre_ping=True,
                         connect_args={"connect_timeout": 5})


def _error(status: int, code: str, message: str, field: Optional[str] = None,
           details: Any = None, headers: Optional[dict] = None) -> JSONResponse:
    body: dict[str, Any] = {"status": status, "code": code, "message": message, "field": field}
    if details is not None:
        body["details"] = details
    return JSONResponse({"error": body}, status_code=status, headers=headers)


def _field_of(loc: tuple) -> Optional[str]:
    parts = [str(p) for p in loc if p not in ("query", "path", "body", "header")]
    return ".".join(parts) or None


@contextlib.asynccontextmanager
async def _lifespan(_app: FastAPI):
    """While the app serves, the objects alive at start (FastAPI, SQLAlchemy, pydantic,
    pyarrow: hundreds of thousands, never garbage) are out of the garbage collector's
    reach (`gc.freeze`): its full collections, triggered by the objects an answer
    builds (6,000 overlap rows), then scan only what requests made (they took an
    overlap answer's CPU p95 to 3x its median). Unfrozen at shutdown."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def create_app(engine: Optional[Engine] = None, *, api_keys: Optional[frozenset[str]] = None,
               rate_per_minute: Optional[int] = None,
               launch_refresh: Optional[Callable[[str], dict]] = None,
               clock: Optional[Callable[[], float]] = None,
               cache_bytes: Optional[int] = None,
               today: Optional[Callable[[], date]] = None) -> FastAPI:
    """The app over `engine` (default: a read-only engine on ETF_WAREHOUSE_URL); keys
    and rate default to ETF_API_KEYS / ETF_API_RATE_PER_MINUTE; `launch_refresh(cik)`
    starts a trust's run (default: etf_assets.serve.refresh.launch_refresh); `today()` is
    the date the lifecycle queries count days from (default: the UTC date; tests inject
    one)."""
    from etf_assets.serve.api import router

    # FastAPIOffline is FastAPI with /docs serving Swagger UI's files from the installed
    # package instead of a CDN: the documentation works on a machine without internet.
    app = FastAPIOffline(
        title="ETF filings API",
        summary="Every US ETF's SEC filings over time: holdings, fees, performance, flows.",
        description="Money and ratios are decimal strings (never floats). Lists paginate "
                    "by `limit` and an opaque `cursor` (follow `next`); one report's "
                    "holdings come whole. Tabular endpoints also answer `?format=csv` and "
                    "`?format=parquet`. Errors: `{\"error\": {status, code, message, "
                    "field}}`. With ETF_API_KEYS set, send `X-API-Key`.",
        version="1",
        docs_url="/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
        static_url="/docs-static",
        lifespan=_lifespan,
    )
    app.state.engine = engine if engine is not None else read_only_engine()
    app.state.api_keys = settings.api_keys() if api_keys is None else api_keys
    rate = settings.api_rate_per_minute() if rate_per_minute is None else rate_per_minute
    app.state.bucket = TokenBucket(rate, **({"clock": clock} if clock else {}))
    if launch_refresh is None:
        from etf_assets.serve.refresh import launch_refresh as default_launch

        launch_refresh = default_launch
    app.state.launch_refresh = launch_refresh
    app.state.today = today or (lambda: datetime.now(timezone.utc).date())
    from etf_assets.serve.cache import ByteLRU

    app.state.cache = ByteLRU(settings.api_cache_bytes() if cache_bytes is None else cache_bytes)

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return _error(exc.status_code, exc.code, str(exc.detail), exc.field,
                      headers=exc.headers)

    from starlette.exceptions import HTTPException as StarletteHTTPException

    @app.exception_handler(StarletteHTTPException)
    async def _starlette_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        message = "no such endpoint" if exc.status_code == 404 else str(exc.detail)
        return _error(exc.status_code, code, message, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        first = errors[0] if errors else {}
        field = _field_of(tuple(first.get("loc", ())))
        details = [{"field": _field_of(tuple(e.get("loc", ()))), "message": e.get("msg")}
                   for e in errors]
        return _error(422, "invalid_parameter",
                      f"{field or 'request'}: {first.get('msg', 'invalid')}", field, details)

    @app.exception_handler(CursorError)
    async def _bad_cursor(_request: Request, exc: CursorError) -> JSONResponse:
        return _error(422, "invalid_parameter", f"cursor: {exc}", "cursor")

    @app.exception_handler(OperationalError)
    @app.exception_handler(DBAPIError)
    async def _db_down(_request: Request, exc: DBAPIError) -> JSONResponse:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()
        log.warning("warehouse error: %s", exc)
        text = reason[0][:200] if reason else type(exc).__name__
        if "statement timeout" in text or "canceling statement" in text:
            return _error(503, "query_timeout", "the query took too long", None)
        return _error(503, "warehouse_unavailable", f"warehouse unavailable: {text}")

    app.include_router(router, prefix="/api")
    from etf_assets.serve.crossfund import router as crossfund_router  # issue 23

    app.include_router(crossfund_router, prefix="/api")
    from etf_assets.serve.pages import mount_explorer  # the HTML explorer (issue 21, part 4)

    mount_explorer(app)
    return app


def get_conn(request: Request) -> Iterator[Connection]:
    """One connection per request, returned to the pool after the answer is built."""
    with request.app.state.engine.connect() as conn:
        yield conn


def caller(request: Request) -> Optional[str]:
    """Access check for every /api request; returns the key used (None without keys).

    With keys configured: a valid X-API-Key is required (401). Without: only loopback
    clients are served (403), so an API started without keys is never open to a
    network, whatever the host it was bound to. Then the caller's token bucket (429)."""
    keys: frozenset[str] = request.app.state.api_keys
    client = request.client.host if request.client else None
    if keys:
        key = key_matches(request.headers.get(API_KEY_HEADER), keys)
        if key is None:
            raise ApiError(401, "unauthorized", f"a valid {API_KEY_HEADER} header is required",
                           API_KEY_HEADER)
        who = "key:" + key
    else:
        if not is_loopback(client):
            raise ApiError(403, "forbidden", "without ETF_API_KEYS the API answers loopback "
                           "clients only")
        key, who = None, "addr:" + (client or "")
    wait = request.app.state.bucket.take(who)
    if wait:
        err = ApiError(429, "rate_limited", f"rate limit: retry in {wait:.1f} s")
        err.headers = {"Retry-After": str(max(1, int(wait + 0.999)))}
        raise err
    return key


def respond(payload: Any, fmt: str = "json", rows: Optional[list[dict]] = None,
            columns: Optional[list[str]] = None, filename: str = "data") -> Response:
    """JSON of `payload`, or CSV / Parquet of `rows` (the tabular part)."""
    if fmt == "json":
        return Response(formats.to_json(payload), media_type=formats.MEDIA["json"])
    body = formats.tabular(rows or [], fmt, columns)
    ext = "csv" if fmt == "csv" else "parquet"
    return Response(body, media_type=formats.MEDIA[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{filename}.{ext}"'})


ConnDep = Depends(get_conn)
