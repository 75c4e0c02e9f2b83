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


@dataclass
class FilingsResult:
    """What loading one form's filings for one trust did: the newest filing SEC showed,
    accessions loaded, filings skipped (by reason) or failed (by accession)."""

    latest_seen: Optional[tuple[date, str]] = None
    accessions_loaded: list[str] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1

    def see(self, filings: Sequence[Any]) -> None:
        """Remember the newest of `filings` (FilingRef) as what the trust has seen."""
        if filings:
            newest = max(filings, key=lambda f: (f.filing_date, f.accession_number))
            self.latest_seen = (newest.filing_date, newest.accession_number)

    def base_metadata(self, version_key: str) -> dict[str, Any]:
        from dagster import MetadataValue

        from etf_assets.freshness.stale import format_data_version

        return {
            "latest_filing_date_seen": (self.latest_seen[0].isoformat()
                                        if self.latest_seen else None),
            "accessions_loaded": MetadataValue.json(self.accessions_loaded),
            "filings_loaded": len(self.accessions_loaded),
            "filings_skipped": MetadataValue.json(self.skipped),
            "filings_failed": MetadataValue.json(self.failed),
            version_key: format_data_version(self.latest_seen),
        }


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
