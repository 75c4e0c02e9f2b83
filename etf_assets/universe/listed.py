"""Exchange-listed funds that company_tickers_mf.json leaves out (pure).

SEC's mutual-fund ticker file lists classes of open-end trusts only. Unit investment
trust ETFs (SPY, DIA, QQQ, MDY) have no series or classes, so they are missing from it,
as are exchange-traded products that are not investment companies at all (grantor
trusts such as GLD, commodity pools such as USO): those appear only in SEC's
company_tickers.json / company_tickers_exchange.json, beside ~10,000 operating companies.

Candidates are picked by name (ETF / TRUST / FUND / ...), which is cheap and loose; what
a candidate *is* is decided only from its own filings, never from a list of tickers:

- its N-CEN says it is a unit investment trust (item B.6: registered on Form N-8B-2,
  `registrantClassificationType` S-6) and SEC lists its units on an exchange: a UIT ETF;
  N-2 is a closed-end fund, N-1A an open-end fund, N-3..N-6 insurance accounts;
- no N-CEN yet, but it files NPORT-P under no series (seriesName "N/A") and offers units
  continuously on 485BPOS/485APOS like SPY (closed-end funds offer on N-2 / 424B): a UIT
  ETF on N-PORT evidence;
- it files 10-K / 10-Q as a commodity pool or grantor trust (SIC 6221, or "ETF" in its
  name): an exchange-traded product that is not an investment company, so it files no
  N-PORT and has no holdings here; it is recorded so a user asking for GLD learns why.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable, Optional

UIT_ETF = "uit_etf"
EXCHANGE_TRADED_PRODUCT = "exchange_traded_product"
CLOSED_END_FUND = "closed_end_fund"
OPEN_END_FUND = "open_end_fund"
OTHER_INVESTMENT_COMPANY = "other_investment_company"
NOT_A_FUND = "not_a_fund"
NO_SUBMISSIONS = "no_submissions"

# Names worth one submissions request. Loose on purpose (REITs and banks match too and
# are then recorded as not_a_fund once): 620 CIKs (746 tickers) of the 10,171 rows of the
# 2024-03 exchange file, against the 2025-09 MF file.
_FUND_LIKE_NAME = re.compile(
    r"\b(ETFS?|ETNS?|TRUST|FUNDS?|SHARES|PORTFOLIO|SPDR|ISHARES|INDEX)\b", re.IGNORECASE)
_ETF_IN_NAME = re.compile(r"\bETFS?\b", re.IGNORECASE)
COMMODITY_POOL_SIC = "6221"  # commodity contracts brokers & dealers: GLD, SLV, USO, GBTC
_CONTINUOUS_OFFERING = {"485BPOS", "485APOS", "485BXT"}
_CLOSED_END_OFFERING = {"N-2", "N-2/A", "N-2ASR", "424B1", "424B2", "424B3", "424B5"}
_PERIODIC_REPORTS = {"10-K", "10-Q", "10-K/A", "10-Q/A"}
_NCEN_KINDS = {"S-6": UIT_ETF, "N-2": CLOSED_END_FUND, "N-1A": OPEN_END_FUND}


@dataclass(frozen=True, slots=True)
class ListedEntity:
    cik: str  # 10-digit
    ticker: str
    name: str
    exchange: Optional[str]


class ListedFileError(ValueError):
    """Not a company_tickers.json / company_tickers_exchange.json document."""


def parse_listed(data: bytes) -> list[ListedEntity]:
    """Rows of company_tickers_exchange.json ({"fields": [cik, name, ticker, exchange],
    "data": [...]}) or company_tickers.json ({"0": {cik_str, ticker, title}, ...})."""
    try:
        doc = json.loads(data)
    except ValueError as exc:
        raise ListedFileError(f"ticker file is not JSON: {exc}") from exc
    out: list[ListedEntity] = []
    if isinstance(doc, dict) and "fields" in doc:
        idx = {name: doc["fields"].index(name) for name in ("cik", "name", "ticker")}
        ex = doc["fields"].index("exchange") if "exchange" in doc["fields"] else None
        rows: Iterable[tuple[Any, Any, Any, Any]] = (
            (r[idx["cik"]], r[idx["ticker"]], r[idx["name"]], r[ex] if ex is not None else None)
            for r in doc["data"])
    elif isinstance(doc, dict):
        rows = ((v["cik_str"], v["ticker"], v["title"], None) for v in doc.values())
    else:
        raise ListedFileError("ticker file is neither SEC's fields/data nor index form")
    for cik, ticker, name, exchange in rows:
        if not ticker or cik is None:
            continue
        out.append(ListedEntity(cik=f"{int(cik):010d}", ticker=str(ticker).strip().upper(),
                                name=str(name or "").strip(),
                                exchange=(str(exchange).strip() or None) if exchange else None))
    return out


def fund_like_candidates(listed: Iterable[ListedEntity],
                         known_fund_ciks: set[str]) -> list[ListedEntity]:
    """Listed entities not already in the mutual-fund file whose name looks like a fund."""
    return [e for e in listed
            if e.cik not in known_fund_ciks and _FUND_LIKE_NAME.search(e.name)]


@dataclass(frozen=True, slots=True)
class ListedDecision:
    kind: str
    reason: str
    evidence_accession: Optional[str] = None
    registrant_type: Optional[str] = None

    @property
    def is_etf(self) -> bool:
        return self.kind == UIT_ETF


def recent_forms(submissions: dict) -> set[str]:
    """Forms in the submissions JSON's `recent` block."""
    return set(submissions.get("filings", {}).get("recent", {}).get("form", []) or [])


def decide_listed(entity: ListedEntity, submissions: Optional[dict], *,
                  ncen_type: Optional[str] = None, ncen_accession: Optional[str] = None,
                  nport_has_series: Optional[bool] = None,
                  nport_accession: Optional[str] = None) -> ListedDecision:
    """What a listed candidate is, from its submissions and (when it files them) its
    newest N-CEN's registrant type or newest NPORT-P's series id."""
    where = f"listed on {entity.exchange}" if entity.exchange else "in SEC's ticker file"
    if submissions is None:
        return ListedDecision(NO_SUBMISSIONS, "EDGAR has no submissions for this CIK")
    forms = recent_forms(submissions)
    if ncen_type:
        kind = _NCEN_KINDS.get(ncen_type, OTHER_INVESTMENT_COMPANY)
        if kind == UIT_ETF and not entity.exchange and not _ETF_IN_NAME.search(entity.name):
            kind = OTHER_INVESTMENT_COMPANY  # a UIT nobody says trades on an exchange
        return ListedDecision(
            kind, f"N-CEN {ncen_accession}: registrant type {ncen_type}"
            + (" (unit investment trust, Form N-8B-2)" if ncen_type == "S-6" else "")
            + f"; {where}", ncen_accession, ncen_type)
    if nport_has_series is False and forms & _CONTINUOUS_OFFERING \
            and not forms & _CLOSED_END_OFFERING:
        return ListedDecision(
            UIT_ETF, f"NPORT-P {nport_accession} under no series (a UIT) and a continuous "
            f"offering ({', '.join(sorted(forms & _CONTINUOUS_OFFERING))}); no N-CEN yet; "
            f"{where}", nport_accession)
    if "NPORT-P" in forms or "N-CEN" in forms:
        return ListedDecision(
            OTHER_INVESTMENT_COMPANY,
            "files N-PORT/N-CEN but neither shows a unit investment trust", nport_accession)
    sic = str(submissions.get("sic") or "")
    if forms & _PERIODIC_REPORTS and (sic == COMMODITY_POOL_SIC
                                      or _ETF_IN_NAME.search(entity.name)):
        return ListedDecision(
            EXCHANGE_TRADED_PRODUCT,
            f"files 10-K/10-Q (SIC {sic or 'none'}): an exchange-traded product that is not a "
            "registered investment company, so it files no N-PORT (no holdings to load)")
    shown = ", ".join(sorted(forms)[:6]) or "no filings"
    return ListedDecision(NOT_A_FUND, f"files {shown} (SIC {sic or 'none'}): not a fund")


def uit_key(cik: str | int) -> str:
    """The series key and pseudo class id of a UIT without series: 'CIK' + 10 digits
    (the same key etf_assets/nport/rows.py gives its N-PORT rows)."""
    return f"CIK{int(cik):010d}"


# --- ticker history -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Observation:
    ticker: str
    first: date
    last: date
    evidence: str  # "source: accession-or-file"


@dataclass(frozen=True, slots=True)
class TickerPeriod:
    ticker: str
    valid_from: date
    valid_to: Optional[date]  # None: current
    last_observed: date
    first_evidence: str


def ticker_periods(observations: Iterable[Observation]) -> list[TickerPeriod]:
    """One class's ticker history from everything SEC showed about it.

    Each observation is a dated fact (first and last day a source showed the pair).
    Facts are laid on a time line; consecutive facts with the same ticker form one
    period, which ends where another ticker is first seen. Order of arrival does not
    matter (a backfilled 2023 N-CEN lands in its place)."""
    points: list[tuple[date, int, str, str]] = []
    for o in observations:
        points.append((o.first, 0, o.ticker, o.evidence))
        if o.last != o.first:
            points.append((o.last, 1, o.ticker, o.evidence))
    points.sort()
    periods: list[TickerPeriod] = []
    for day, _, ticker, evidence in points:
        if periods and periods[-1].ticker == ticker:
            p = periods[-1]
            periods[-1] = TickerPeriod(ticker, p.valid_from, None, max(p.last_observed, day),
                                       p.first_evidence)
            continue
        if periods:
            p = periods[-1]
            periods[-1] = TickerPeriod(p.ticker, p.valid_from, day, p.last_observed,
                                       p.first_evidence)
        periods.append(TickerPeriod(ticker, day, None, day, evidence))
    return periods
