"""The SEC client as a Dagster resource (configured from the environment by default)."""

from __future__ import annotations

from typing import Optional

from dagster import ConfigurableResource, InitResourceContext
from pydantic import PrivateAttr

from etf_assets.edgar.client import SecClient


class SecClientResource(ConfigurableResource):
    """Every field left unset falls back to its environment variable (README, Configuration)."""

    user_agent: Optional[str] = None
    base_url: Optional[str] = None
    data_url: Optional[str] = None
    requests_per_second: Optional[float] = None
    rate_limit_url: Optional[str] = None
    cache_dir: Optional[str] = None
    disposable_ttl_seconds: Optional[float] = None
    pause_seconds: Optional[float] = None
    max_retries: Optional[int] = None
    backoff_base_seconds: Optional[float] = None
    timeout_seconds: Optional[float] = None

    _client: Optional[SecClient] = PrivateAttr(default=None)

    def get_client(self) -> SecClient:
        if self._client is None:
            self._client = self.new_client()
        return self._client

    def new_client(self) -> SecClient:
        """Another client of the same configuration (one per worker thread: a client's
        one-view-of-submissions and request counts are its own); the caller closes it."""
        return SecClient.from_env(**self.model_dump(exclude_none=True))

    def teardown_after_execution(self, context: InitResourceContext) -> None:
        if self._client is not None:
            self._client.close()
