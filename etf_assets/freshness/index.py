"""EDGAR daily form index (form.YYYYMMDD.idx) parsing and business days (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

# The fixed-width rows end with "edgar/data/<cik>/<accession>.txt"; parse from the right
# so company names with long runs of spaces or odd characters cannot shift columns.
_ROW = re.compile(
    r"^(?P<form>\S.*?)\s{2,}(?P<company>.*?)\s+(?P<cik>\d+)\s+(?P<date>\d{8})\s+"
    r"edgar/data/\d+/(?P<acc>\d{10}-\d{2}-\d{6})\.txt\s*$"
)


@dataclass(frozen=True, slots=True)
class IndexEntry:
    form: str
    company: str
    cik: str  # 10-digit
    date_filed: date
    accession_number: str


def parse_form_index(data: bytes) -> list[IndexEntry]:
    """Every filing row of a daily (or quarterly) form.idx; header lines are ignored."""
    out = []
    for line in data.decode("latin-1").splitlines():
        m = _ROW.match(line)
        if not m:
            continue
        d = m["date"]
        out.append(IndexEntry(
            form=m["form"].strip(),
            company=m["company"].strip(),
            cik=f"{int(m['cik']):010d}",
            date_filed=date(int(d[:4]), int(d[4:6]), int(d[6:])),
            accession_number=m["acc"],
        ))
    return out


def business_days(after: date, through: date) -> list[date]:
    """Weekdays in (after, through]: EDGAR publishes no index on weekends (holidays
    answer 404, which callers treat as an empty day)."""
    days = []
    d = after + timedelta(days=1)
    while d <= through:
        if d.weekday() < 5:
            days.append(d)
        d += timedelta(days=1)
    return days
