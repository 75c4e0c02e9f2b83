"""What the fake EDGAR knows: filers, their filings and documents, and a clock.

Everything EDGAR publishes about a filing (submissions JSON rows, daily / full form
index lines, the accession folder's index.json, the full .txt) is derived from one
`FakeFiling`, so the endpoints can never disagree with each other.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable

from etf_assets_tests.fake_edgar.generate import wrap_full_submission

Content = bytes | Callable[[], bytes]


def _xsl_path(f: "FakeFiling") -> str:
    """SEC's submissions name an XML form's XSL rendering: xslFormNPORT-P_X01/... for
    N-PORT and N-CEN, xsl24F-2NT/... for 24F-2NT (SPY's submissions)."""
    if not f.primary_document.endswith(".xml"):
        return f.primary_document
    base = f.form.split("/")[0]
    if base == "24F-2NT":
        return f"xsl24F-2NT/{f.primary_document}"
    return f"xslForm{base}_X01/{f.primary_document}"


@dataclass
class FakeFiling:
    cik: int
    accession: str
    form: str
    filing_date: date
    report_date: date | None
    company_name: str
    acceptance: datetime
    # (type, filename, content) in sequence order; content may be a zero-arg callable
    # so generated documents are only built when first requested.
    documents: list[tuple[str, str, Content]] = field(default_factory=list)
    series: list[dict] = field(default_factory=list)  # SGML SERIES-AND-CLASSES blocks
    full_text: Content | None = None  # a real .txt to serve verbatim
    _cache: dict = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def folder(self) -> str:
        return self.accession.replace("-", "")

    @property
    def primary_document(self) -> str:
        return self.documents[0][1] if self.documents else f"{self.accession}.txt"

    def document(self, filename: str) -> bytes | None:
        for _type, name, content in self.documents:
            if name == filename:
                return self._materialize(name, content)
        return None

    def _materialize(self, key: str, content: Content) -> bytes:
        with self._lock:
            if key not in self._cache:
                self._cache[key] = content() if callable(content) else content
            return self._cache[key]

    def txt(self) -> bytes:
        if self.full_text is not None:
            return self._materialize("__txt__", self.full_text)
        docs = [(t, n, self._materialize(n, c)) for t, n, c in self.documents]
        return self._materialize(
            "__txt__",
            lambda: wrap_full_submission(
                accession=self.accession,
                form=self.form,
                cik=f"{self.cik:010d}",
                company_name=self.company_name,
                filing_date=self.filing_date,
                period=self.report_date,
                acceptance=self.acceptance,
                series=self.series,
                documents=docs,
            ),
        )

    def index_json(self) -> bytes:
        """The folder listing as SEC's index.json has it: each file's real size (a
        changed document changes the listing) and a last-modified (the acceptance)."""
        modified = self.acceptance.strftime("%Y-%m-%d %H:%M:%S")
        items = [{"name": n, "type": t, "size": str(len(self._materialize(n, c))),
                  "last-modified": modified} for t, n, c in self.documents]
        items.append({"name": f"{self.accession}.txt", "type": "text/plain",
                      "size": str(len(self.txt())), "last-modified": modified})
        return json.dumps(
            {"directory": {"name": f"/Archives/edgar/data/{self.cik}/{self.folder}",
                           "item": items}}
        ).encode()


@dataclass
class Corpus:
    tickers_mf: dict  # company_tickers_mf.json content: {"fields": [...], "data": [...]}
    # company_tickers_exchange.json: {"fields": [cik, name, ticker, exchange], "data": [...]}
    tickers_exchange: dict = field(default_factory=lambda: {
        "fields": ["cik", "name", "ticker", "exchange"], "data": []})
    # Submissions JSON header fields per CIK (sic, entityType) where not a fund trust's
    entities: dict[int, dict] = field(default_factory=dict)
    trust_names: dict[int, str] = field(default_factory=dict)
    filings: list[FakeFiling] = field(default_factory=list)
    today: date = date(2026, 11, 20)
    accessions: object = None  # build.AccessionCounter, to publish more filings
    recent_limit: int = 1000  # SEC keeps about the newest 1,000 filings in `recent`
    holidays: set = field(default_factory=set)  # weekdays without a daily index
    # class id -> the first day company_tickers_mf.json lists it (a fund listed later)
    ticker_dates: dict = field(default_factory=dict)
    story: object = None  # lifecycle.Story, when build_corpus(lifecycle_story=True)
    feed_hidden: set = field(default_factory=set)  # accessions the current feed never shows

    def tickers_mf_now(self) -> dict:
        """company_tickers_mf.json as of `today`: classes listed later are not in it."""
        if not self.ticker_dates:
            return self.tickers_mf
        return {**self.tickers_mf, "data": [
            r for r in self.tickers_mf["data"]
            if self.ticker_dates.get(r[2], self.today) <= self.today]}

    def add(self, filing: FakeFiling) -> FakeFiling:
        self.filings.append(filing)
        self.trust_names.setdefault(filing.cik, filing.company_name)
        return filing

    def visible(self) -> list[FakeFiling]:
        """Filings dated after `today` do not exist yet (tests publish by moving the clock)."""
        return [f for f in self.filings if f.filing_date <= self.today]

    def find(self, cik: int, accession_or_folder: str) -> FakeFiling | None:
        key = accession_or_folder.replace("-", "")
        for f in self.visible():
            if f.cik == cik and f.folder == key:
                return f
        return None

    def _columns(self, rows: list[FakeFiling]) -> dict:
        return {
            "accessionNumber": [f.accession for f in rows],
            "filingDate": [f.filing_date.isoformat() for f in rows],
            "reportDate": [f.report_date.isoformat() if f.report_date else "" for f in rows],
            "acceptanceDateTime": [f.acceptance.strftime("%Y-%m-%dT%H:%M:%S.000Z") for f in rows],
            "act": ["40" for _ in rows],
            "form": [f.form for f in rows],
            "fileNumber": ["" for _ in rows],
            "filmNumber": ["" for _ in rows],
            "items": ["" for _ in rows],
            "core_type": [f.form for f in rows],
            "size": [0 for _ in rows],
            "isXBRL": [0 for _ in rows],
            "isInlineXBRL": [0 for _ in rows],
            # Like SEC: XML forms point at their XSL rendering, not the raw XML.
            "primaryDocument": [_xsl_path(f) for f in rows],
            "primaryDocDescription": [f.form for f in rows],
        }

    def _filings_of(self, cik: int) -> list[FakeFiling]:
        return sorted((f for f in self.visible() if f.cik == cik),
                      key=lambda f: (f.filing_date, f.accession), reverse=True)

    def submissions(self, cik: int) -> dict | None:
        """Like data.sec.gov: the newest `recent_limit` filings inline, older ones in
        pages CIK##########-submissions-NNN.json listed under `filings.files`."""
        known = cik in self.trust_names or any(r[0] == cik for r in self.tickers_mf["data"])
        if not known:
            return None
        rows = self._filings_of(cik)
        recent, older = rows[: self.recent_limit], rows[self.recent_limit:]
        files = []
        for n, i in enumerate(range(0, len(older), self.recent_limit), 1):
            page = older[i: i + self.recent_limit]
            files.append({"name": f"CIK{cik:010d}-submissions-{n:03d}.json",
                          "filingCount": len(page),
                          "filingFrom": page[-1].filing_date.isoformat(),
                          "filingTo": page[0].filing_date.isoformat()})
        return {
            "cik": str(cik),
            "entityType": "other",
            "sic": "",
            **self.entities.get(cik, {}),
            "name": self.trust_names.get(cik, f"FUND TRUST {cik}"),
            "tickers": [],
            "exchanges": [],
            "filings": {"recent": self._columns(recent), "files": files},
        }

    def submissions_page(self, cik: int, n: int) -> dict | None:
        older = self._filings_of(cik)[self.recent_limit:]
        page = older[(n - 1) * self.recent_limit: n * self.recent_limit]
        return self._columns(page) if page else None

    def form_index(self, days: list[date]) -> bytes:
        """EDGAR's fixed-width form.idx for the filings of `days` (daily or a quarter)."""
        header = (
            "Description:           Daily Index of EDGAR Dissemination Feed by Form Type\n"
            f"Last Data Received:    {days[-1]:%b %d, %Y}\n"
            "Comments:              webmaster@sec.gov\n"
            "Anonymous FTP:         ftp://ftp.sec.gov/edgar/\n \n \n \n \n"
            "Form Type   Company Name                                                  "
            "CIK         Date Filed  File Name\n" + "-" * 141 + "\n"
        )
        wanted = set(days)
        rows = sorted(
            (f for f in self.visible() if f.filing_date in wanted),
            key=lambda f: (f.form, f.company_name, f.accession),
        )
        lines = [
            f"{f.form:<12}{f.company_name[:61]:<62}{f.cik:<12}{f.filing_date:%Y%m%d}    "
            f"edgar/data/{f.cik}/{f.accession}.txt"
            for f in rows
        ]
        return (header + "\n".join(lines) + ("\n" if lines else "")).encode()
