"""Every environment variable the platform reads, with its default, in one place.

README.md's configuration table mirrors this module; keep them in agreement.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

# The SEC asks every client to declare who it is ("Company Name admin@example.com").
USER_AGENT_VAR = "SEC_USER_AGENT"
# edgartools' own variable names, so one setting points both at a mirror / fake EDGAR.
BASE_URL_VAR = "EDGAR_BASE_URL"
DATA_URL_VAR = "EDGAR_DATA_URL"
DEFAULT_BASE_URL = "https://www.sec.gov"
DEFAULT_DATA_URL = "https://data.sec.gov"

RATE_VAR = "SEC_REQUESTS_PER_SECOND"
DEFAULT_RATE = 8.0
# SEC's published ceiling; the configured rate may never exceed it.
SEC_MAX_RATE = 10.0
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


def cache_ttl_seconds() -> float:
    return float(os.environ.get(CACHE_TTL_VAR, DEFAULT_CACHE_TTL))


def rate_limit_url() -> str:
    """Where the machine-wide request budget lives: a lock file by default."""
    return os.environ.get(RATE_LIMIT_URL_VAR) or str(data_dir() / "sec-rate-limit.state")


def requests_per_second() -> float:
    return float(os.environ.get(RATE_VAR, DEFAULT_RATE))


def pause_seconds() -> float:
    return float(os.environ.get(PAUSE_VAR, DEFAULT_PAUSE_SECONDS))


def retry_policy() -> dict:
    """Client timeout and retry settings (seconds; retries after the first attempt)."""
    return {
        "timeout_seconds": float(os.environ.get(TIMEOUT_VAR, 30)),
        "max_retries": int(os.environ.get(MAX_RETRIES_VAR, 5)),
        "backoff_base_seconds": float(os.environ.get(BACKOFF_VAR, 1)),
    }


def base_url() -> str:
    return os.environ.get(BASE_URL_VAR, DEFAULT_BASE_URL).rstrip("/")


def data_url() -> str:
    return os.environ.get(DATA_URL_VAR, DEFAULT_DATA_URL).rstrip("/")


def ensure_dagster_home() -> Path:
    """Resolve DAGSTER_HOME (default: <data dir>/dagster-home) and seed its dagster.yaml.

    The CLI and `etf-pipeline ui` both call this, so runs started by `run-all` are the
    runs the web UI shows. The repository's dagster.yaml is copied in once; a user's
    edited copy is never overwritten.
    """
    raw = os.environ.get(DAGSTER_HOME_VAR)
    home = Path(raw).expanduser().resolve() if raw else data_dir() / "dagster-home"
    home.mkdir(parents=True, exist_ok=True)
    target = home / "dagster.yaml"
    template = REPO_ROOT / "dagster.yaml"
    if not target.exists() and template.exists():
        shutil.copyfile(template, target)
    os.environ[DAGSTER_HOME_VAR] = str(home)
    return home
