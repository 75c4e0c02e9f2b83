"""data.sec.gov submissions JSON -> typed filing references (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
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
    if not v:
        return None
    return datetime.fromisoformat(v.replace("Z", "+00:00")).replace(tzinfo=None)


def parse_submissions(doc: dict[str, Any], cik: str | int | None = None) -> list[FilingRef]:
    """Filing references of a submissions JSON (the main file's `filings.recent` or a page)."""
    cik10 = f"{int(cik if cik is not None else doc['cik']):010d}"
    cols = doc["filings"]["recent"] if "filings" in doc else doc
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
    """Newest filing of any of `forms` (by filing date, then accession)."""
    wanted = set(forms)
    best = None
    for f in filings:
        if f.form in wanted and (best is None or (f.filing_date, f.accession_number)
                                 > (best.filing_date, best.accession_number)):
            best = f
    return best
