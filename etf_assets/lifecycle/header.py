"""A filing's SGML header (the `.hdr.sgml` file, or the head of the `.txt`) -> what the
fund lifecycle needs: form, dates, and which series and classes it names, new or
existing (pure).

edgartools' header parser (used for whole submissions in etf_assets/edgar/sgml.py)
drops the NEW-SERIES / NEW-CLASSES-CONTRACTS blocks that say a 485APOS proposes a fund,
and the EFFECTIVENESS DATE line; both are read here with a few regular expressions
over SEC's header format (real samples: iShares Trust 485APOS 0001193125-24-066744 and
0001193125-24-100942, John Hancock 497K 0001193125-25-148895).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from etf_assets.edgar.sgml import SgmlClass, SgmlSeries, _as_datetime, parse_series_and_classes


class HeaderError(ValueError):
    """Not an SGML header: no accession number or form type."""


@dataclass(frozen=True)
class FilingHeader:
    accession_number: str
    form: str
    filing_date: date
    effectiveness_date: date | None  # EFFECTIVENESS DATE (485BPOS, 497, 497K, ...)
    acceptance_datetime: datetime | None  # UTC, naive
    cik: str | None  # first filer's CENTRAL INDEX KEY, 10 digits
    company_name: str | None
    existing_series: tuple[SgmlSeries, ...]
    new_series: tuple[SgmlSeries, ...]  # NEW-SERIES: a series this filing adds
    new_classes: tuple[SgmlSeries, ...]  # NEW-CLASSES-CONTRACTS: classes added to a series

    @property
    def all_series(self) -> tuple[SgmlSeries, ...]:
        return self.existing_series + self.new_series + self.new_classes


_LINE = re.compile(r"^[ \t]*([A-Z][A-Z -]+?):[ \t]*(\S[^\r\n]*?)[ \t]*$", re.M)
_ACCEPTANCE = re.compile(r"<ACCEPTANCE-DATETIME>(\d{14})")
_BLOCK = {name: re.compile(rf"<{name}>(.*?)</{name}>", re.S)
          for name in ("EXISTING-SERIES-AND-CLASSES-CONTRACTS", "NEW-SERIES-AND-CLASSES-CONTRACTS",
                       "NEW-SERIES", "NEW-CLASSES-CONTRACTS")}


def header_text(txt: bytes | str) -> str:
    """The header part of a `.hdr.sgml` or full `.txt` submission."""
    text = txt.decode("utf-8", errors="replace") if isinstance(txt, bytes) else txt
    end = text.find("</SEC-HEADER>")
    if end < 0:
        doc = text.find("<DOCUMENT>")
        end = doc if doc >= 0 else len(text)
    return text[:end]


def _date(v: str | None) -> date | None:
    if not v or not re.fullmatch(r"\d{8}", v):
        return None
    return date(int(v[:4]), int(v[4:6]), int(v[6:]))


def _as_new(blocks: list[str]) -> tuple[SgmlSeries, ...]:
    # A NEW-SERIES block is a SERIES block under another tag: reuse the series parser.
    return parse_series_and_classes("".join(f"<SERIES>{b}</SERIES>" for b in blocks))


def parse_header(txt: bytes | str) -> FilingHeader:
    text = header_text(txt)
    fields: dict[str, str] = {}
    for key, value in _LINE.findall(text):
        fields.setdefault(key.strip(), value.strip())  # the first filer's values
    accession = fields.get("ACCESSION NUMBER")
    form = fields.get("CONFORMED SUBMISSION TYPE")
    filed = _date(fields.get("FILED AS OF DATE"))
    if not accession or not form or filed is None:
        raise HeaderError("not an EDGAR SGML header (no accession number, form type or "
                          "filing date)")
    m = _ACCEPTANCE.search(text)
    acceptance = _as_datetime(datetime.strptime(m[1], "%Y%m%d%H%M%S")) if m else None
    existing = _BLOCK["EXISTING-SERIES-AND-CLASSES-CONTRACTS"].search(text)
    new = _BLOCK["NEW-SERIES-AND-CLASSES-CONTRACTS"].search(text)
    new_text = new[1] if new else ""
    cik = fields.get("CENTRAL INDEX KEY")
    return FilingHeader(
        accession_number=accession,
        form=form,
        filing_date=filed,
        effectiveness_date=_date(fields.get("EFFECTIVENESS DATE")),
        acceptance_datetime=acceptance,
        cik=f"{int(cik):010d}" if cik and cik.isdigit() else None,
        company_name=fields.get("COMPANY CONFORMED NAME"),
        existing_series=parse_series_and_classes(existing[1]) if existing else (),
        new_series=_as_new(_BLOCK["NEW-SERIES"].findall(new_text)),
        new_classes=_as_new(_BLOCK["NEW-CLASSES-CONTRACTS"].findall(new_text)),
    )


_MONTHS = ("january february march april may june july august september october "
           "november december").split()
_DESIGNATED = re.compile(
    r"designat\w*\s+(?:of\s+)?(?:a\s+new\s+effective\s+date\s+of\s+)?"
    rf"({'|'.join(_MONTHS)})\s+(\d{{1,2}}),?\s+(\d{{4}})", re.I)


def designated_effective_date(document: bytes | str) -> date | None:
    """The new effective date a 485BXT's cover designates under Rule 485(b)(1)(iii)
    ("... for the sole purpose of designating June 30, 2026 as the new effective date
    ..."), from the primary document's text; None when it names none."""
    text = document.decode("utf-8", errors="replace") if isinstance(document, bytes) \
        else document
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"(&nbsp;|&#160;|\s)+", " ", text)
    m = _DESIGNATED.search(text)
    if not m:
        return None
    try:
        return date(int(m[3]), _MONTHS.index(m[1].lower()) + 1, int(m[2]))
    except ValueError:
        return None


__all__ = ["FilingHeader", "HeaderError", "SgmlClass", "SgmlSeries", "designated_effective_date",
           "header_text", "parse_header"]
