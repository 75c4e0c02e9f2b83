"""POST /api/trusts/{cik}/refresh: queue the trust's `refresh_trusts` run on the Dagster
instance (it shows in the UI like any run; the daemon's run queue starts it)."""

from __future__ import annotations


def launch_refresh(cik: str) -> dict:
    raise NotImplementedError("refresh launching comes in the next commit")
