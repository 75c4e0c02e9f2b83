"""ETF universe parsing (pure): SEC's mutual-fund ticker file and N-CEN reports.

company_tickers_mf.json maps class -> series -> CIK -> ticker for every open-end fund
class but does not say which are ETFs. The ticker shape is only a first guess (mutual
fund classes have five-letter tickers ending in X); a trust's N-CEN says per series
whether it is an Exchange-Traded Fund, and that decision wins.

edgartools 5.62's `FundCensus` parses N-CEN but leaves `fund_type` None on X0505
documents (they nest `<fundTypes><fundType>`), which is the one field we need, so
`parse_ncen` reads the few elements itself with lxml iterparse (0.02 s on the 863 KB
AB Active N-CEN).
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field

from lxml import etree

from etf_assets import limits

ETF_FUND_TYPE = "Exchange-Traded Fund"
NCEN_FORMS = ("N-CEN", "N-CEN/A")
_MUTUAL_FUND_TICKER = re.compile(r"^[A-Z]{4}X$")


@dataclass(frozen=True, slots=True)
class MfClass:
    cik: str  # 10-digit
    series_id: str
    class_id: str
    ticker: str | None


def parse_company_tickers_mf(data: bytes) -> list[MfClass]:
    """Every row of company_tickers_mf.json (fields cik, seriesId, classId, symbol)."""
    doc = json.loads(data)
    fields = doc["fields"]
    idx = {name: fields.index(name) for name in ("cik", "seriesId", "classId", "symbol")}
    out = []
    for row in doc["data"]:
        ticker = row[idx["symbol"]]
        out.append(MfClass(
            cik=f"{int(row[idx['cik']]):010d}",
            series_id=row[idx["seriesId"]],
            class_id=row[idx["classId"]],
            ticker=ticker.strip().upper() if ticker and ticker.strip() else None,
        ))
    return out


def is_etf_ticker_shape(ticker: str | None) -> bool:
    """Fallback rule: a class is an ETF candidate unless its ticker is mutual-fund shaped."""
    return bool(ticker) and not _MUTUAL_FUND_TICKER.match(ticker)


@dataclass(frozen=True, slots=True)
class NcenSeries:
    series_id: str
    name: str | None
    fund_types: tuple[str, ...]
    # (MIC, ticker) pairs from the exchangeTradedFund block
    exchanges: tuple[tuple[str | None, str | None], ...] = ()

    @property
    def is_etf(self) -> bool:
        return ETF_FUND_TYPE in self.fund_types or bool(self.exchanges)


@dataclass
class NcenReport:
    series: dict[str, NcenSeries] = field(default_factory=dict)
    # item B.6: N-1A open-end, N-2 closed-end, S-6 unit investment trust (N-8B-2), ...
    registrant_type: str | None = None
    last_filing: bool = False  # item B.5.b: the registrant's last N-CEN (deregistering)


class NcenParseError(ValueError):
    pass


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parse_ncen(xml: bytes) -> NcenReport:
    """Per series: fund types and ETF listing (exchange, ticker) from an N-CEN primary doc."""
    names: dict[str, str | None] = {}
    types: dict[str, list[str]] = {}
    listings: dict[str, list[tuple[str | None, str | None]]] = {}
    registrant_type: str | None = None
    last_filing = False
    try:
        # limits: no entity expansion, no network (a downloaded document)
        ctx = etree.iterparse(io.BytesIO(xml.lstrip()), events=("end",), **limits.SAFE_XML)
        for _, el in ctx:
            tag = _local(el.tag)
            if tag == "managementInvestmentQuestion":
                sid = _text(el, "mgmtInvSeriesId")
                if sid:
                    names[sid] = _text(el, "mgmtInvFundName")
                    types[sid] = [
                        (t.text or "").strip() for t in el.iter() if _local(t.tag) == "fundType"
                    ]
                el.clear()
            elif tag == "exchangeTradedFund":
                sid = _text(el, "etfSeriesId")
                if sid:
                    listings.setdefault(sid, []).extend(
                        (x.get("fundExchange"), x.get("fundsTickerSymbol"))
                        for x in el.iter() if _local(x.tag) == "securityExchange"
                    )
                    names.setdefault(sid, _text(el, "fundName"))
                el.clear()
            elif tag == "registrantClassificationType":
                registrant_type = (el.text or "").strip() or None
            elif tag == "isRegistrantLastFiling":
                last_filing = (el.text or "").strip().upper() in ("Y", "TRUE")
    except etree.XMLSyntaxError as exc:
        raise NcenParseError(f"N-CEN is not well-formed XML: {exc}") from exc
    report = NcenReport(registrant_type=registrant_type, last_filing=last_filing)
    for sid in dict.fromkeys([*names, *listings]):
        report.series[sid] = NcenSeries(
            series_id=sid,
            name=names.get(sid),
            fund_types=tuple(t for t in types.get(sid, []) if t),
            exchanges=tuple(listings.get(sid, [])),
        )
    return report


def _text(el, child: str) -> str | None:
    for c in el:
        if _local(c.tag) == child:
            return (c.text or "").strip() or None
    return None
