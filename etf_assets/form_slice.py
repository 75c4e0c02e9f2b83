"""What a form slice (universe classification, nport, ...) gives the per-trust
multi-asset (etf_assets/trust_filings.py): its assets and checks, how to load one trust,
and how to check what the warehouse holds for some trusts."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from logging import Logger
from typing import Any, Optional

from dagster import AssetCheckSeverity, AssetCheckSpec, AssetKey, AssetSpec
from sqlalchemy import Engine

from etf_assets.edgar.client import SecClient


@dataclass(frozen=True)
class LoadOptions:
    since: Optional[date] = None  # load every report since this date, not only the newest


@dataclass
class TrustLoad:
    """One trust's load of one form: what the trust has now seen (data version), each
    asset's materialization metadata, and the filings that failed (a trust with failures
    is not materialized: it stays stale and is asked for again)."""

    data_version: str
    metadata: dict[AssetKey, dict[str, Any]]
    failed: dict[str, str] = field(default_factory=dict)  # accession -> error


# cik -> check name -> (passed, metadata)
CheckResults = Mapping[str, Mapping[str, tuple[bool, Mapping[str, Any]]]]


@dataclass(frozen=True)
class FormSlice:
    group: str  # the freshness group (etf_assets/freshness/stale.py GROUPS)
    specs: Sequence[AssetSpec]
    load: Callable[[str, SecClient, Engine, LoadOptions, Logger], TrustLoad]
    check_specs: Sequence[AssetCheckSpec] = ()
    # Over `ciks` (None: every trust the warehouse holds data of); reads the warehouse only.
    check_results: Optional[Callable[[Engine, Optional[list[str]]], CheckResults]] = None
    check_severity: Mapping[str, AssetCheckSeverity] = field(default_factory=dict)

    @property
    def keys(self) -> tuple[AssetKey, ...]:
        return tuple(s.key for s in self.specs)
