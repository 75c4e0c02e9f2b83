"""One report's holdings -> its `security_holders` rows. Pure: no database, no I/O.

Positions of one (accession, series) with the same identity, units and payoff profile
are summed into one row (a security held in two lots is one holder line; the lots stay
two `holding` rows). A position without identity stays a row of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from etf_assets.crossfund.identity import identity

# The `holding` columns the aggregation reads.
HOLDING_COLUMNS = ("position", "name", "title", "cusip", "isin", "ticker", "lei", "balance",
                   "units", "value_usd", "pct_val", "payoff_profile", "asset_category",
                   "is_derivative")


def _add(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    if a is None:
        return b
    return a if b is None else a + b


def report_rows(
    holdings: Iterable[Mapping[str, Any]],
    *,
    accession_number: str,
    series_key: str,
    cik: str,
    series_id: str | None,
    filing_date: date,
    report_date: date,
    is_latest: bool,
    source_parsed_at: datetime | None,
) -> list[dict[str, Any]]:
    """The report's rows, in order of each group's first position. `holdings` are the
    report's `holding` rows (HOLDING_COLUMNS), in position order."""
    groups: dict[tuple, dict[str, Any]] = {}
    for h in holdings:
        ident = identity(cusip=h["cusip"], isin=h["isin"], ticker=h["ticker"], lei=h["lei"],
                         title=h["title"], name=h["name"])
        group = ((ident.key, h["units"], h["payoff_profile"]) if ident.key
                 else ("position", h["position"]))
        row = groups.get(group)
        if row is None:
            groups[group] = {
                "accession_number": accession_number, "series_key": series_key,
                "seq": len(groups) + 1, "cik": cik, "series_id": series_id,
                "filing_date": filing_date, "report_date": report_date,
                "is_latest": is_latest, "security_key": ident.key, "id_kind": ident.kind,
                "cusip": ident.cusip, "isin": ident.isin, "ticker": ident.ticker,
                "lei": ident.lei, "name": h["name"], "title": h["title"],
                "units": h["units"], "payoff_profile": h["payoff_profile"],
                "asset_category": h["asset_category"],
                "is_derivative": bool(h["is_derivative"]), "balance": h["balance"],
                "value_usd": h["value_usd"], "pct_val": h["pct_val"], "positions": 1,
                "first_position": h["position"], "source_parsed_at": source_parsed_at,
            }
            continue
        row["balance"] = _add(row["balance"], h["balance"])
        row["value_usd"] = _add(row["value_usd"], h["value_usd"])
        row["pct_val"] = _add(row["pct_val"], h["pct_val"])
        row["positions"] += 1
        row["is_derivative"] = row["is_derivative"] or bool(h["is_derivative"])
        # Identifiers one lot gives and the first did not (a second lot with the ticker).
        for col in ("cusip", "isin", "ticker", "lei"):
            if row[col] is None:
                row[col] = getattr(ident, col)
    return list(groups.values())
