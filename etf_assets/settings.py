"""Every environment variable the platform reads, with its default, in one place.

README.md's configuration table mirrors this module; keep them in agreement.
"""

from __future__ import annotations

import fcntl
import ipaddress
import json
import math
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

# The SEC asks every client to declare who it is ("Company Name admin@example.com").
USER_AGENT_VAR = "SEC_USER_AGENT"
# edgartools' own variable names, so one setting points both at a mirror / fake EDGAR.
BASE_URL_VAR = "EDGAR_BASE_URL"
DATA_URL_VAR = "EDGAR_DATA_URL"
DEFAULT_BASE_URL = "https://www.sec.gov"
DEFAULT_DATA_URL = "https://data.sec.gov"

RATE_VAR = "SEC_REQUESTS_PER_SECOND"
DEFAULT_RATE = 8.0
# SEC's published ceiling; the configured rate may never exceed it, unless every EDGAR
# URL is on loopback (the fake EDGAR, a mirror on this machine): nothing read there
# reaches SEC, and the suite's loads are not throttled to SEC's pace (most of its wall
# time was waiting on 8 requests/s).
SEC_MAX_RATE = 10.0
LOOPBACK_MAX_RATE = 1000.0
RATE_LIMIT_URL_VAR = "ETF_RATE_LIMIT_URL"  # file path (default) or redis://host:port/db
PAUSE_VAR = "SEC_RATE_LIMIT_PAUSE_SECONDS"
DEFAULT_PAUSE_SECONDS = 600.0

TIMEOUT_VAR = "SEC_TIMEOUT_SECONDS"
MAX_RETRIES_VAR = "SEC_MAX_RETRIES"
BACKOFF_VAR = "SEC_BACKOFF_SECONDS"

DATA_DIR_VAR = "ETF_DATA_DIR"
WAREHOUSE_URL_VAR = "ETF_WAREHOUSE_URL"
CACHE_DIR_VAR = "ETF_CACHE_DIR"
# Submissions JSON, indexes and ticker files change; keep them this long at most.
CACHE_TTL_VAR = "ETF_CACHE_TTL_SECONDS"
DEFAULT_CACHE_TTL = 60.0
DAGSTER_HOME_VAR = "DAGSTER_HOME"
# Production mode (README: Production). Set: the Dagster instance keeps runs, event log
# and schedules in this PostgreSQL database instead of SQLite files in DAGSTER_HOME.
DAGSTER_PG_URL_VAR = "DAGSTER_PG_URL"
# Set: runs launched by the daemon and the web UI execute on Celery workers
# (`etf-pipeline worker`), through this broker (RabbitMQ amqp:// or Redis redis://).
CELERY_BROKER_VAR = "ETF_CELERY_BROKER_URL"
CELERY_BACKEND_VAR = "ETF_CELERY_RESULT_BACKEND"
CELERY_QUEUE_VAR = "ETF_CELERY_QUEUE"
DEFAULT_CELERY_QUEUE = "dagster"  # dagster-celery's default queue
# The coverage report's check fails when an ETF has been behind SEC this many days.
COVERAGE_MAX_LAG_VAR = "ETF_COVERAGE_MAX_LAG_DAYS"
DEFAULT_COVERAGE_MAX_LAG_DAYS = 45

# The EDGAR day run-all and the sensors take as today (YYYY-MM-DD): for replays against
# the fake EDGAR, whose clock is set by hand. Unset (the default): today in New York.
EDGAR_TODAY_VAR = "ETF_EDGAR_TODAY"

# Trusts of one run loaded at once: while one parses, loads and records its events, the
# next one's documents are fetched (SEC's budget stays global: the limiter is shared).
TRUST_WORKERS_VAR = "ETF_TRUST_WORKERS"
DEFAULT_TRUST_WORKERS = 3

# One filing's parse and load may take this long; then it is recorded failed with that
# reason and the run goes on (etf_assets/limits.py). A normal N-CSR takes ~2 s, a
# 50,000-position N-PORT ~20 s.
FILING_BUDGET_VAR = "ETF_FILING_BUDGET_SECONDS"
DEFAULT_FILING_BUDGET_SECONDS = 300.0

# The SEC cache's size cap: beyond it the least recently used files are removed after
# every run (etf_assets/edgar/cache.py prune; `etf-pipeline cache --prune`).
CACHE_MAX_MB_VAR = "ETF_CACHE_MAX_MB"
DEFAULT_CACHE_MAX_MB = 2048

REPO_ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """Root for everything the platform writes locally (warehouse, cache, Dagster home)."""
    raw = os.environ.get(DATA_DIR_VAR)
    if raw:
        return Path(raw).expanduser().resolve()
    xdg = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(xdg) / "etf-pipeline"


def warehouse_url() -> str:
    raw = os.environ.get(WAREHOUSE_URL_VAR)
    if raw:
        return raw
    return f"sqlite:///{data_dir() / 'warehouse.sqlite'}"


def cache_dir() -> Path:
    raw = os.environ.get(CACHE_DIR_VAR)
    return Path(raw).expanduser().resolve() if raw else data_dir() / "sec-cache"


def _number(var: str, default: float, *, low: float, high: float,
            low_inclusive: bool = True, integer: bool = False) -> float:
    """A numeric setting, or SettingsError naming it: "nan", "inf", "abc", negatives or
    zero where they make no sense never reach the limiter or the client."""
    raw = os.environ.get(var)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        kind = "a whole number" if integer else "a number"
        raise SettingsError(f"{var}={raw!r} is not {kind}") from None
    if not math.isfinite(value) or value > high or value < low or (
            not low_inclusive and value == low):
        bound = f"{'>=' if low_inclusive else '>'} {low:g} and <= {high:g}"
        raise SettingsError(f"{var}={raw!r}: must be {bound}")
    return value


def cache_ttl_seconds() -> float:
    return _number(CACHE_TTL_VAR, DEFAULT_CACHE_TTL, low=0, high=86_400)


# SEC counts requests per machine (its IP), whatever the data dir: the default budget
# file is one per machine, in the temp dir, not in ETF_DATA_DIR.
DEFAULT_RATE_LIMIT_FILE = "etf-pipeline-sec-budget.state"


def rate_limit_url() -> str:
    """Where the request budget lives: one file per machine by default (every process
    of every data dir shares it), or redis://... shared by several machines."""
    return (os.environ.get(RATE_LIMIT_URL_VAR)
            or str(Path(tempfile.gettempdir()) / DEFAULT_RATE_LIMIT_FILE))


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on `path` (created if missing) across processes, while inside.
    First use of a Dagster home or a warehouse is made under it: concurrent first runs
    would otherwise race creating the same tables."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def is_loopback_url(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def max_rate(*urls: str) -> float:
    """SEC's ceiling, or LOOPBACK_MAX_RATE when every one of `urls` is on loopback."""
    return LOOPBACK_MAX_RATE if urls and all(map(is_loopback_url, urls)) else SEC_MAX_RATE


def requests_per_second() -> float:
    return _number(RATE_VAR, DEFAULT_RATE, low=0, high=max_rate(base_url(), data_url()),
                   low_inclusive=False)


def pause_seconds() -> float:
    return _number(PAUSE_VAR, DEFAULT_PAUSE_SECONDS, low=0, high=86_400, low_inclusive=False)


def retry_policy() -> dict:
    """Client timeout and retry settings (seconds; retries after the first attempt)."""
    return {
        "timeout_seconds": _number(TIMEOUT_VAR, 30.0, low=0, high=600, low_inclusive=False),
        "max_retries": int(_number(MAX_RETRIES_VAR, 5, low=0, high=20, integer=True)),
        "backoff_base_seconds": _number(BACKOFF_VAR, 1.0, low=0, high=600),
    }


def writable_problem(path: Path) -> str | None:
    """Why `path` (a directory, or a file to create) cannot be written; None if it can."""
    target = path if path.exists() else next((p for p in path.parents if p.exists()), None)
    if target is None:
        return "no existing parent directory"
    if target != path and not target.is_dir():
        return f"{target} is a file, not a directory"
    if not os.access(target, os.W_OK | os.X_OK if target.is_dir() else os.W_OK):
        return f"{target} is not writable"
    return None


def validate_paths() -> None:
    """The directories the platform writes: SettingsError naming the setting."""
    for var, path in ((DATA_DIR_VAR, data_dir()), (CACHE_DIR_VAR, cache_dir())):
        problem = writable_problem(path)
        if problem:
            raise SettingsError(f"{var}={path}: {problem}")
    raw = os.environ.get(DAGSTER_HOME_VAR)
    home = Path(raw).expanduser() if raw else data_dir() / "dagster-home"
    problem = writable_problem(home)
    if problem:
        raise SettingsError(f"{DAGSTER_HOME_VAR}={home}: {problem}")


def coverage_max_lag_days() -> int:
    return int(_number(COVERAGE_MAX_LAG_VAR, DEFAULT_COVERAGE_MAX_LAG_DAYS, low=1,
                       high=3650, integer=True))


def edgar_today_override():
    """ETF_EDGAR_TODAY as a date, None when unset; SettingsError when not a date."""
    from datetime import date

    raw = (os.environ.get(EDGAR_TODAY_VAR) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise SettingsError(f"{EDGAR_TODAY_VAR}={raw!r} is not a date (YYYY-MM-DD)") from None


def trust_workers() -> int:
    return int(_number(TRUST_WORKERS_VAR, DEFAULT_TRUST_WORKERS, low=1, high=16,
                       integer=True))


def filing_budget_seconds() -> float:
    return _number(FILING_BUDGET_VAR, DEFAULT_FILING_BUDGET_SECONDS, low=0, high=86_400,
                   low_inclusive=False)


def cache_max_bytes() -> int:
    return int(_number(CACHE_MAX_MB_VAR, DEFAULT_CACHE_MAX_MB, low=1, high=10_000_000,
                       integer=True)) * 1024 * 1024


def validate_numbers() -> None:
    """Every numeric setting, read once: SettingsError on the first bad one."""
    cache_ttl_seconds(), requests_per_second(), pause_seconds(), retry_policy()
    coverage_max_lag_days(), trust_workers(), edgar_today_override()
    validate_alerts()
    filing_budget_seconds(), cache_max_bytes()


def _postgres_url(var: str) -> str | None:
    """A PostgreSQL URL setting with psycopg2 as its driver (SQLAlchemy 2.1 would pick
    psycopg 3, which is not installed), or None when unset."""
    raw = os.environ.get(var, "").strip()
    if not raw:
        return None
    scheme, sep, rest = raw.partition("://")
    if not sep or scheme not in ("postgresql", "postgres", "postgresql+psycopg2"):
        raise SettingsError(f"{var}: must be a postgresql:// URL "
                            "(postgresql://user:password@host:5432/database)")
    return f"postgresql+psycopg2://{rest}"


def dagster_pg_url() -> str | None:
    """DAGSTER_PG_URL: the Dagster instance's PostgreSQL (None: SQLite in DAGSTER_HOME)."""
    return _postgres_url(DAGSTER_PG_URL_VAR)


_CELERY_SCHEMES = ("amqp://", "amqps://", "pyamqp://", "redis://", "rediss://")


def celery_broker_url() -> str | None:
    """ETF_CELERY_BROKER_URL, or None: runs execute where the daemon / UI launches them."""
    raw = os.environ.get(CELERY_BROKER_VAR, "").strip()
    if not raw:
        return None
    if not raw.startswith(_CELERY_SCHEMES):
        raise SettingsError(f"{CELERY_BROKER_VAR}: must be an amqp:// (RabbitMQ) or "
                            "redis:// URL")
    return raw


def celery_result_backend() -> str:
    """Where workers record task states. Dagster's run monitoring (in the daemon) asks
    them from another process than the one that sent the task, so Celery's `rpc://`
    (answers only to the sender) would make every run look lost; default: the broker
    when it is Redis."""
    raw = os.environ.get(CELERY_BACKEND_VAR, "").strip()
    broker = celery_broker_url() or ""
    if not raw:
        if broker.startswith(("redis://", "rediss://")):
            return broker
        raise SettingsError(f"{CELERY_BACKEND_VAR}: required with a RabbitMQ "
                            f"{CELERY_BROKER_VAR} (a redis://host:6379/1 URL)")
    if raw.startswith("rpc://"):
        raise SettingsError(f"{CELERY_BACKEND_VAR}={raw}: rpc:// answers only the process "
                            "that sent a task, and Dagster's run monitoring asks from "
                            "another; use redis://")
    return raw


def celery_queue() -> str:
    raw = os.environ.get(CELERY_QUEUE_VAR, "").strip() or DEFAULT_CELERY_QUEUE
    if not raw.replace("-", "").replace("_", "").replace(".", "").isalnum():
        raise SettingsError(f"{CELERY_QUEUE_VAR}={raw!r}: letters, digits, '-', '_', '.'")
    return raw


def validate_production() -> None:
    """The production-mode settings, when set: SettingsError on the first bad one."""
    dagster_pg_url()
    if celery_broker_url():
        celery_result_backend(), celery_queue()


# A data dir loaded from one EDGAR (the demo's fake EDGAR, a mirror) names it here, so
# that no process using the data dir can reach another EDGAR by a forgotten variable:
# its sensors would otherwise mix real SEC filings into the demo's warehouse, or send a
# demo's traffic to SEC. {"base_url": ..., "data_url": ..., "user_agent": ...}
EDGAR_PIN_FILE = "edgar-endpoint.json"


class SettingsError(ValueError):
    """A setting is invalid; nothing was sent or written."""


def edgar_pin() -> dict | None:
    path = data_dir() / EDGAR_PIN_FILE
    try:
        pin = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except NotADirectoryError:  # the data dir itself is unusable: validate_paths says so
        return None
    except (OSError, ValueError) as exc:
        raise SettingsError(f"{path} is unreadable ({exc}): fix or delete it") from exc
    if not isinstance(pin, dict):
        raise SettingsError(f"{path} must hold a JSON object: fix or delete it")
    return pin


def write_edgar_pin(base: str, data: str, user_agent: str | None = None) -> Path:
    path = data_dir() / EDGAR_PIN_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    pin = {"base_url": base.rstrip("/"), "data_url": data.rstrip("/")}
    if user_agent:
        pin["user_agent"] = user_agent
    path.write_text(json.dumps(pin, indent=2) + "\n")
    return path


def _endpoint(var: str, key: str, default: str) -> str:
    env = os.environ.get(var, "").rstrip("/")
    pinned = (edgar_pin() or {}).get(key)
    if pinned and env and env != pinned.rstrip("/"):
        raise SettingsError(
            f"{var}={env} but this data dir ({data_dir()}) was loaded from {pinned} "
            f"({EDGAR_PIN_FILE}): unset {var}, or use another ETF_DATA_DIR")
    return env or (pinned or default).rstrip("/")


def _http_url(var: str, url: str) -> str:
    if not url.startswith(("http://", "https://")):
        raise SettingsError(f"{var}={url!r}: must be an http:// or https:// URL")
    return url


def base_url() -> str:
    return _http_url(BASE_URL_VAR, _endpoint(BASE_URL_VAR, "base_url", DEFAULT_BASE_URL))


def data_url() -> str:
    return _http_url(DATA_URL_VAR, _endpoint(DATA_URL_VAR, "data_url", DEFAULT_DATA_URL))


def user_agent() -> str | None:
    """SEC_USER_AGENT, else the data dir's pinned one (the demo's)."""
    return os.environ.get(USER_AGENT_VAR) or (edgar_pin() or {}).get("user_agent")


MANAGED_MARKER = ("# managed by etf-pipeline: a copy of the repository's dagster.yaml, "
                  "refreshed on every start; delete this line to keep your own edits\n")


# Appended to the managed copy of dagster.yaml when DAGSTER_PG_URL is set. The URL stays
# in the environment (it may carry a password); etf-pipeline exports it with psycopg2
# as the driver for the processes it starts.
POSTGRES_STORAGE_YAML = f"""
# {DAGSTER_PG_URL_VAR} is set: runs, event log and schedules in PostgreSQL (etf-pipeline
# adds this block; README: Production).
storage:
  postgres:
    postgres_url:
      env: {DAGSTER_PG_URL_VAR}
"""

# Appended when ETF_CELERY_BROKER_URL is set: every run the daemon dequeues (sensors,
# backfills, automation, the UI's launches) is sent to a Celery worker.
CELERY_LAUNCHER_YAML = """
# {broker_var} is set: runs execute on Celery workers
# (`etf-pipeline worker`). Keep the run queue's max_concurrent_runs at most the workers'
# slots together: a run waiting in the broker counts against run_monitoring's
# start_timeout_seconds.
run_launcher:
  module: dagster_celery.launcher
  class: CeleryRunLauncher
  config:
    broker:
      env: {broker_var}
    backend:
      env: {backend_var}
    default_queue: {queue}
"""


# Appended when Dagster's storage is SQLite (no DAGSTER_PG_URL): the event log keeps its
# databases open between events, with 1 KB pages (etf_assets/dagster_storage.py: 221 KB
# -> 37 KB written per event).
SQLITE_EVENT_LOG_YAML = """
# SQLite storage (Dagster's default) with the event log's databases kept open between
# events (etf_assets/dagster_storage.py); runs and schedules stay Dagster's defaults.
event_log_storage:
  module: etf_assets.dagster_storage
  class: KeptOpenSqliteEventLogStorage
  config:
    base_dir: {base_dir}
"""


def instance_yaml(template: str, postgres: bool, celery_queue_name: str | None,
                  home: Path | None = None) -> str:
    """The Dagster home's dagster.yaml: the repository's, plus PostgreSQL storage and the
    Celery run launcher when production mode asks for them, or with SQLite storage in
    `home` our event log class (pure: tests and deploy/dagster.yaml use it)."""
    text = template
    if postgres:
        text += POSTGRES_STORAGE_YAML
    elif home is not None:  # where Dagster's own default puts the event log
        text += SQLITE_EVENT_LOG_YAML.format(base_dir=json.dumps(str(home / "history" / "runs")))
    if celery_queue_name:
        text += CELERY_LAUNCHER_YAML.format(broker_var=CELERY_BROKER_VAR,
                                            backend_var=CELERY_BACKEND_VAR,
                                            queue=celery_queue_name)
    return text


def ensure_dagster_home() -> Path:
    """Resolve DAGSTER_HOME (default: <data dir>/dagster-home) and seed its dagster.yaml.

    The CLI and `etf-pipeline ui` both call this, so runs started by `run-all` are the
    runs the web UI shows. The repository's dagster.yaml is copied in with a marker
    line, and refreshed while the marker is there (a home made by an older version gets
    the current settings); a copy without the marker is the user's and never touched.
    Production mode (DAGSTER_PG_URL, ETF_CELERY_BROKER_URL) adds its blocks to the copy,
    and the resolved URLs are exported for Dagster, which reads them from the environment.
    """
    pg = dagster_pg_url()
    broker = celery_broker_url()
    if pg:
        os.environ[DAGSTER_PG_URL_VAR] = pg
    if broker:
        os.environ[CELERY_BACKEND_VAR] = celery_result_backend()
    raw = os.environ.get(DAGSTER_HOME_VAR)
    home = Path(raw).expanduser().resolve() if raw else data_dir() / "dagster-home"
    home.mkdir(parents=True, exist_ok=True)
    target = home / "dagster.yaml"
    template = REPO_ROOT / "dagster.yaml"
    base = template.read_text() if template.exists() else None
    if base is not None or pg or broker:  # production mode never silently falls back
        wanted = MANAGED_MARKER + instance_yaml(base or "", pg is not None,
                                                celery_queue() if broker else None, home)
        current = target.read_text() if target.exists() else None
        if current is None or (current != wanted and current.startswith(MANAGED_MARKER)):
            tmp = target.with_suffix(f".tmp{os.getpid()}")
            tmp.write_text(wanted)
            os.replace(tmp, target)  # atomic: a concurrent reader sees old or new
    os.environ[DAGSTER_HOME_VAR] = str(home)
    return home


# --- the serving app (etf-pipeline serve, etf_assets/serve/) ---------------------------

# Comma-separated API keys; set, every /api request needs one (X-API-Key); unset, the
# API answers on loopback only and `serve` refuses a non-loopback host. The refresh
# endpoint (it launches runs) always needs a key.
API_KEYS_VAR = "ETF_API_KEYS"
API_KEY_MIN_LENGTH = 16
# Requests per minute per key (per client address without keys): an in-process token
# bucket (burst = one minute's worth), per serve process.
API_RATE_VAR = "ETF_API_RATE_PER_MINUTE"
DEFAULT_API_RATE = 600


# Memory for serialized answers of immutable data (one report's holdings), per process.
API_CACHE_VAR = "ETF_API_CACHE_MB"
DEFAULT_API_CACHE_MB = 256


def api_cache_bytes() -> int:
    return int(_number(API_CACHE_VAR, DEFAULT_API_CACHE_MB, low=0, high=65_536,
                       integer=True)) * 1024 * 1024


def api_keys() -> frozenset[str]:
    """ETF_API_KEYS as a set; SettingsError naming it when a key is too short or has
    characters an HTTP header cannot carry plainly."""
    import re

    raw = os.environ.get(API_KEYS_VAR) or ""
    keys = [k.strip() for k in raw.split(",") if k.strip()]
    for k in keys:
        if len(k) < API_KEY_MIN_LENGTH or not re.fullmatch(r"[A-Za-z0-9._~+/=-]+", k):
            raise SettingsError(
                f"{API_KEYS_VAR}: every key must be at least {API_KEY_MIN_LENGTH} characters "
                "of A-Z a-z 0-9 . _ ~ + / = - (comma-separated)")
    return frozenset(keys)


def api_rate_per_minute() -> int:
    return int(_number(API_RATE_VAR, DEFAULT_API_RATE, low=1, high=1_000_000, integer=True))


def validate_serving() -> None:
    api_keys(), api_rate_per_minute(), api_cache_bytes()


# --- alerts (etf_assets/alerts/) ------------------------------------------------------

ALERTS_VAR = "ETF_ALERTS"  # "off" stops every alert from being sent
ALERTS_FILE_VAR = "ETF_ALERTS_FILE"  # the subscriptions (TOML)
SMTP_URL_VAR = "ETF_SMTP_URL"  # smtp://user:password@host:587?starttls=true, or smtps://
ALERTS_FROM_VAR = "ETF_ALERTS_FROM"
DEFAULT_ALERTS_FROM = "etf-pipeline@localhost"


def alerts_enabled() -> bool:
    raw = os.environ.get(ALERTS_VAR, "on").strip().lower() or "on"
    if raw not in ("on", "off"):
        raise SettingsError(f"{ALERTS_VAR}={raw!r}: must be 'on' or 'off'")
    return raw == "on"


def alerts_file() -> Path | None:
    """ETF_ALERTS_FILE, else $ETF_DATA_DIR/alerts.toml when it exists; None: no alerts."""
    raw = os.environ.get(ALERTS_FILE_VAR, "").strip()
    if raw:
        path = Path(raw).expanduser()
        if not path.is_file():
            raise SettingsError(f"{ALERTS_FILE_VAR}={raw}: no such file")
        return path
    default = data_dir() / "alerts.toml"
    return default if default.is_file() else None


def smtp_url() -> str | None:
    raw = os.environ.get(SMTP_URL_VAR, "").strip()
    if raw and not raw.startswith(("smtp://", "smtps://")):
        raise SettingsError(f"{SMTP_URL_VAR}: must be an smtp:// or smtps:// URL")
    return raw or None


def alerts_from() -> str:
    raw = os.environ.get(ALERTS_FROM_VAR, "").strip() or DEFAULT_ALERTS_FROM
    if "@" not in raw:
        raise SettingsError(f"{ALERTS_FROM_VAR}={raw!r}: not an e-mail address")
    return raw


def validate_alerts() -> None:
    """The alert settings and the subscriptions file: SettingsError on the first bad one."""
    alerts_enabled(), smtp_url(), alerts_from()
    path = alerts_file()
    if path is not None:
        from etf_assets.alerts.subscriptions import SubscriptionError, load_subscriptions

        try:
            subs = load_subscriptions(path.read_bytes())
        except SubscriptionError as exc:
            raise SettingsError(f"{ALERTS_FILE_VAR}={path}: {exc}") from None
        if any(s.channel == "email" for s in subs) and smtp_url() is None:
            raise SettingsError(f"{SMTP_URL_VAR}: required by the e-mail subscriptions "
                                f"of {path}")
