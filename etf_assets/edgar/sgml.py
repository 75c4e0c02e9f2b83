"""EDGAR full-submission (.txt) files: header, series/classes, documents (pure).

edgartools' FilingSGML parses the header and splits the documents well (2.6 ms on the
890 KB AB Active N-CEN), so we use it. Its series parser (`edgar.funds.data.
parse_fund_data`, 5.62) keeps one class per series (later CLASS-CONTRACT blocks
overwrite earlier ones), which would drop share classes; `parse_series_and_classes`
below keeps every class.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from edgar.sgml import FilingSGML


@dataclass(frozen=True, slots=True)
class SgmlClass:
    class_id: str
    name: str | None
    ticker: str | None


@dataclass(frozen=True, slots=True)
class SgmlSeries:
    series_id: str
    name: str | None
    owner_cik: str | None
    classes: tuple[SgmlClass, ...]


@dataclass(frozen=True)
class Submission:
    accession_number: str
    form: str
    filing_date: date
    period: date | None
    acceptance_datetime: datetime | None
    company_name: str | None
    cik: str | None
    series: tuple[SgmlSeries, ...]
    sgml: "FilingSGML"

    def document(self, filename: str) -> bytes | None:
        content = self.sgml.get_content(filename)
        if content is None:
            return None
        return content.encode() if isinstance(content, str) else content


_SERIES_BLOCK = re.compile(r"<SERIES>(.*?)</SERIES>", re.S)
_CLASS_BLOCK = re.compile(r"<CLASS-CONTRACT>(.*?)</CLASS-CONTRACT>", re.S)
_TAG = re.compile(r"<([A-Z-]+)>([^<\r\n]*)")


def _tags(block: str) -> dict[str, str]:
    return {k: v.strip() for k, v in _TAG.findall(block) if v.strip()}


def parse_series_and_classes(header_text: str) -> tuple[SgmlSeries, ...]:
    """Every SERIES (existing or new) with every CLASS-CONTRACT, in document order."""
    out = []
    for block in _SERIES_BLOCK.findall(header_text):
        classes = tuple(
            SgmlClass(t.get("CLASS-CONTRACT-ID", ""), t.get("CLASS-CONTRACT-NAME"),
                      t.get("CLASS-CONTRACT-TICKER-SYMBOL"))
            for t in map(_tags, _CLASS_BLOCK.findall(block))
        )
        head = _tags(_CLASS_BLOCK.sub("", block))
        if "SERIES-ID" in head:
            out.append(SgmlSeries(head["SERIES-ID"], head.get("SERIES-NAME"),
                                  head.get("OWNER-CIK"), classes))
    return tuple(out)


def parse_submission(txt: bytes | str) -> Submission:
    # Imported here, not at module level: `import edgar` costs ~3.4 s (measured with
    # python -X importtime), paid by every Dagster run process and code server that
    # loads the definitions, even those that never parse an SGML header.
    from edgar.sgml import FilingSGML

    text = txt.decode("utf-8", errors="replace") if isinstance(txt, bytes) else txt
    sgml = FilingSGML.from_text(text)
    h = sgml.header
    end = text.find("</SEC-HEADER>")
    header_text = text[: end if end > 0 else 200_000]
    company = cik = None
    if h.filers:
        info = h.filers[0].company_information
        company, cik = info.name, info.cik
    period = h.period_of_report
    return Submission(
        accession_number=h.accession_number,
        form=h.form,
        filing_date=_as_date(h.filing_date),
        period=_as_date(period) if period else None,
        acceptance_datetime=_as_datetime(h.acceptance_datetime),
        company_name=company,
        cik=f"{int(cik):010d}" if cik else None,
        series=parse_series_and_classes(header_text),
        sgml=sgml,
    )


def _as_date(v) -> date:
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    s = str(v)
    return date.fromisoformat(s if "-" in s else f"{s[:4]}-{s[4:6]}-{s[6:8]}")


def _as_datetime(v) -> datetime | None:
    """SGML's ACCEPTANCE-DATETIME is Eastern time; the warehouse keeps UTC (as the
    submissions JSON gives it), naive."""
    if v is None:
        return None
    dt = v if isinstance(v, datetime) else datetime.fromisoformat(str(v))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=ZoneInfo("America/New_York"))
    return dt.astimezone(timezone.utc).replace(tzinfo=None)


# --------------------------------------------------------------------------- documents

_DOCUMENT = re.compile(rb"<DOCUMENT>(.*?)</DOCUMENT>", re.S)
_DOC_TAG = re.compile(rb"<(TYPE|FILENAME|SEQUENCE)>([^<\r\n]*)")
_TEXT = re.compile(rb"<TEXT>\r?\n?(.*?)</TEXT>", re.S)
_SUBMISSION_TYPE = re.compile(rb"CONFORMED SUBMISSION TYPE:\s*([^\r\n]+)|<TYPE>([^<\r\n]+)")
_XML_WRAP = re.compile(rb"^\s*<XML>\s*(.*?)\s*</XML>\s*$", re.S)


def is_submission(head: bytes) -> bool:
    """The head of a file is an EDGAR full submission (.txt) or its header."""
    return (b"<SEC-DOCUMENT>" in head or b"<SEC-HEADER>" in head
            or b"<IMS-DOCUMENT>" in head or b"CONFORMED SUBMISSION TYPE:" in head)


@dataclass(frozen=True, slots=True)
class SgmlDocument:
    type: str  # the document's <TYPE>: the form for the primary document, "EX-99..." else
    filename: str | None
    sequence: int | None
    content: bytes  # what <TEXT> holds, an <XML> wrapper removed


def submission_form(data: bytes) -> str | None:
    """The form EDGAR filed the submission as: the header's CONFORMED SUBMISSION TYPE,
    else the first document's <TYPE>. Cheap (no header parse)."""
    m = _SUBMISSION_TYPE.search(data[:200_000])
    if not m:
        return None
    return (m.group(1) or m.group(2)).decode("ascii", "replace").strip() or None


def split_documents(data: bytes) -> list[SgmlDocument]:
    """Every <DOCUMENT> of a full submission, in order (pure; no header parse)."""
    out = []
    for block in _DOCUMENT.findall(data):
        tags = {k.decode(): v.decode("utf-8", "replace").strip()
                for k, v in _DOC_TAG.findall(block[:2000])}
        text = _TEXT.search(block)
        content = text.group(1) if text else b""
        xml = _XML_WRAP.match(content)
        seq = tags.get("SEQUENCE", "")
        out.append(SgmlDocument(tags.get("TYPE", ""), tags.get("FILENAME") or None,
                                int(seq) if seq.isdigit() else None,
                                xml.group(1) if xml else content))
    return out


def primary_document(data: bytes) -> tuple[str | None, SgmlDocument | None]:
    """(the filed form, its primary document): the first document whose <TYPE> is the
    submission's form (EDGAR puts it first), else the first document."""
    form = submission_form(data)
    docs = split_documents(data)
    for d in docs:
        if form and d.type == form:
            return form, d
    return form, docs[0] if docs else None
