"""data.sec.gov submissions JSON -> typed filing references (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any


@dataclass(frozen=True, slots=True)
class FilingRef:
    cik: str  # 10-digit
    accession_number: str
    form: str
    filing_date: date
    report_date: date | None
    acceptance_datetime: datetime | None
    primary_document: str | None


def _date(v: str | None) -> date | None:
    return date.fromisoformat(v) if v else None


def _datetime(v: str | None) -> datetime | None:
    """acceptanceDateTime is UTC ("...Z"); kept as naive UTC, like the whole warehouse."""
    if not v:
        return None
    dt = datetime.fromisoformat(v.replace("Z", "+00:00"))
    return (dt.astimezone(timezone.utc) if dt.tzinfo else dt).replace(tzinfo=None)


def parse_submissions(doc: dict[str, Any], cik: str | int | None = None) -> list[FilingRef]:
    """Filing references of a submissions JSON (the main file's `filings.recent` or a page)."""
    cik10 = f"{int(cik if cik is not None else doc['cik']):010d}"
    cols = doc["filings"]["recent"] if "filings" in doc else doc  # main file or a page
    out = []
    n = len(cols.get("accessionNumber", []))
    for i in range(n):
        out.append(FilingRef(
            cik=cik10,
            accession_number=cols["accessionNumber"][i],
            form=cols["form"][i],
            filing_date=date.fromisoformat(cols["filingDate"][i]),
            report_date=_date(cols.get("reportDate", [None] * n)[i]),
            acceptance_datetime=_datetime(cols.get("acceptanceDateTime", [None] * n)[i]),
            primary_document=(cols.get("primaryDocument", [None] * n)[i] or None),
        ))
    return out


def latest(filings: Iterable[FilingRef], forms: Iterable[str]) -> FilingRef | None:
    """The filing of any of `forms` for the newest period (then the latest filed): an
    amendment of last year's report filed late must not outrank this year's report."""
    wanted = set(forms)
    key = lambda f: (f.report_date or date.min, f.filing_date, f.accession_number)  # noqa: E731
    return max((f for f in filings if f.form in wanted), key=key, default=None)


def raw_document_name(primary_document: str | None, default: str = "primary_doc.xml") -> str:
    """The filed document's name. For XML forms SEC's `primaryDocument` points at its
    XSL rendering ("xslFormNPORT-P_X01/primary_doc.xml", HTML); the raw XML is the same
    file name at the accession folder's top."""
    name = (primary_document or "").rsplit("/", 1)[-1]
    return name or default


def fetch_filings(client, cik: str, forms: Iterable[str], *,
                  since: date | None = None, until: date | None = None) -> list[FilingRef]:
    """A trust's filings from its submissions JSON, following the older pages
    (`filings.files`) only as far as needed.

    data.sec.gov keeps about the newest 1,000 filings inline; a large trust (hundreds
    of series filing NPORT-P every quarter) pushes its yearly N-CEN into the pages.
    Without `since`: pages are read until one filing of `forms` is found. With
    `since`: pages are read while they may hold filings dated on or after it.
    With `until`: filings filed after it are left out, as if EDGAR were read that day
    (run-all --since ... --until ...: the one place the window's end is applied).
    """
    wanted = set(forms)
    doc = client.submissions(cik)
    out = parse_submissions(doc, cik)
    for page in doc.get("filings", {}).get("files", []):
        if since is None and any(f.form in wanted for f in out):
            break
        newest_on_page = page.get("filingTo")
        if since is not None and newest_on_page and date.fromisoformat(newest_on_page) < since:
            break
        oldest_on_page = page.get("filingFrom")
        if until is not None and oldest_on_page and date.fromisoformat(oldest_on_page) > until:
            continue  # all of it filed after the window
        out.extend(parse_submissions(client.submissions_page(page["name"]), cik))
    return out if until is None else [f for f in out if f.filing_date <= until]
