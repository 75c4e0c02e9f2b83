"""EDGAR's current-filings feed: what was accepted today, within minutes (the daily
form index only appears after the day ends).

`/cgi-bin/browse-edgar?action=getcurrent&type=<prefix>&owner=include&count=100&output=atom`
lists the newest filings whose form starts with the prefix, newest first. The sensor
polls one request per prefix of the pipeline's forms every CURRENT_FEED_INTERVAL_SECONDS
(7 requests every 5 minutes: well within the fair-access budget), takes the entries of
its trusts into `sec_latest_filing` like the daily index does, and the stale trusts are
asked for in the same tick. The daily index stays the backstop: a filing the feed
never showed (more than 100 of a prefix between two polls, an outage) is found there
the next day.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from lxml import etree

from etf_assets.freshness.index import IndexEntry

ATOM = "{http://www.w3.org/2005/Atom}"
CURRENT_FEED_INTERVAL_SECONDS = 300
FEED_COUNT = 100  # the most browse-edgar gives in one page


def type_prefixes(forms: Iterable[str]) -> list[str]:
    """The fewest browse-edgar `type` prefixes covering `forms` (browse-edgar matches a
    form type by prefix): 485APOS, 485BPOS, 485BXT -> 485; NPORT-P(/A) -> NPORT-P; ..."""
    wanted = sorted({f.split("/")[0] for f in forms})
    prefixes: list[str] = []
    for form in wanted:
        short = form[:3] if form[:3].isdigit() else form
        if not any(short.startswith(p) for p in prefixes):
            prefixes = [p for p in prefixes if not p.startswith(short)] + [short]
    return sorted(prefixes)


_ACC = re.compile(r"\d{10}-\d{2}-\d{6}")
_DATA_CIK = re.compile(r"/edgar/data/(\d+)/")
_TITLE_CIK = re.compile(r"\((\d{10})\)")
_FILED = re.compile(r"Filed:\D*(\d{4}-\d{2}-\d{2})")


def _text(el) -> str:
    return (el.text or "").strip() if el is not None else ""


def parse_current_feed(data: bytes) -> list[IndexEntry]:
    """Entries of a browse-edgar Atom feed (getcurrent, or a company's getcompany feed)
    as index entries: form (category term), filer CIK (title "(0000036405)", else the
    link's /edgar/data/<cik>/), filing date, accession. One entry per (CIK, accession):
    a filing listed for its filer and its subject appears under each CIK."""
    root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False,
                                                         no_network=True))
    out: dict[tuple[str, str], IndexEntry] = {}
    for entry in root.iter(f"{ATOM}entry"):
        cat = entry.find(f"{ATOM}category")
        form = (cat.get("term") if cat is not None else "") or ""
        ident = _text(entry.find(f"{ATOM}id"))
        content = entry.find(f"{ATOM}content")
        acc = _ACC.search(ident) or _ACC.search(_text(entry.find(f"{ATOM}summary")))
        link = entry.find(f"{ATOM}link")
        href = link.get("href", "") if link is not None else ""
        title = _text(entry.find(f"{ATOM}title"))
        titled = _TITLE_CIK.search(title)  # getcurrent: "497K - Name (0000036405) (Filer)"
        cik = titled or _DATA_CIK.search(href)
        filed = None
        if content is not None:
            filed = _text(content.find(f"{ATOM}filing-date")) or None
        if not filed:
            m = _FILED.search(_text(entry.find(f"{ATOM}summary")))
            filed = m[1] if m else _text(entry.find(f"{ATOM}updated"))[:10]
        if not (form and acc and cik and filed):
            continue  # not a filing entry
        company = (title.split(" - ", 1)[1].rsplit(" (", 2)[0]
                   if titled and " - " in title else "")
        e = IndexEntry(form=form.strip(), company=company, cik=f"{int(cik[1]):010d}",
                       date_filed=date.fromisoformat(filed), accession_number=acc[0])
        out.setdefault((e.cik, e.accession_number), e)
    return list(out.values())
