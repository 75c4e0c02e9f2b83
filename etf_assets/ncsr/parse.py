"""An N-CSR / N-CSRS primary document -> its tailored shareholder report(s) and its
Financial Highlights tables. Pure.

One download feeds both: the TSR (Item 1) is inline XBRL in the oef taxonomy
(:mod:`etf_assets.ncsr.tsr`), the per-share Financial Highlights (Item 7, financial
statements) are untagged HTML tables (:mod:`etf_assets.ncsr.highlights`). A report
filed before the TSR rule (July 2024) has no oef facts but still has its highlights; a
TSR-only document (statements filed as an exhibit) has no highlights. A document with
neither raises :class:`NcsrError`: there is nothing to load and the caller says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from etf_assets.ncsr.highlights import (
    HighlightsError,
    HighlightsTable,
    arithmetic_problem,
    parse_financial_highlights,
)
from etf_assets.ncsr.tsr import ShareholderReport, TsrError, parse_tsr

__all__ = ["FORMS", "NcsrDocument", "NcsrError", "looks_like_ncsr", "parse_ncsr", "summarize"]

FORMS = ("N-CSR", "N-CSR/A", "N-CSRS", "N-CSRS/A")


class NcsrError(ValueError):
    """Neither a tailored shareholder report nor a Financial Highlights table."""


@dataclass(frozen=True)
class NcsrDocument:
    report: ShareholderReport | None
    report_problem: str | None  # why there is no TSR (None when there is one)
    highlights: tuple[HighlightsTable, ...]
    highlights_problem: str | None  # why there are no highlights


def parse_ncsr(data: bytes) -> NcsrDocument:
    """Both parts of a shareholder report; each part's absence is recorded, not fatal."""
    report = report_problem = None
    try:
        report = parse_tsr(data)
    except TsrError as exc:
        report_problem = str(exc)
    highlights: tuple[HighlightsTable, ...] = ()
    highlights_problem = None
    try:
        highlights = tuple(parse_financial_highlights(data))
    except HighlightsError as exc:
        highlights_problem = str(exc)
    if report is None and not highlights:
        raise NcsrError(f"no shareholder report to read: {report_problem}; "
                        f"{highlights_problem}")
    return NcsrDocument(report, report_problem, highlights, highlights_problem)


_DOC_TYPE = re.compile(rb'name="dei:DocumentType"[^>]*>\s*N-CSRS?(?:/A)?\s*<')
_HIGHLIGHTS = re.compile(rb"financial\s+highlights", re.IGNORECASE)
_PROSPECTUS = re.compile(rb'name="dei:DocumentType"[^>]*>\s*485', re.IGNORECASE)


def looks_like_ncsr(data: bytes) -> bool:
    """An HTML document that is a shareholder report rather than a prospectus: its
    dei:DocumentType says N-CSR(S), or (untagged) it prints Financial Highlights."""
    if _DOC_TYPE.search(data):
        return True
    return not _PROSPECTUS.search(data) and bool(_HIGHLIGHTS.search(data))


def summarize(doc: NcsrDocument) -> dict[str, Any]:
    """What `etf-pipeline parse` prints for an N-CSR / N-CSRS."""
    def s(v: Any) -> Any:
        return str(v) if v is not None and not isinstance(v, (str, int, bool)) else v

    r = doc.report
    out: dict[str, Any] = {}
    if r is None:
        out["tailored_shareholder_report"] = f"none ({doc.report_problem})"
    else:
        out.update({
            "document_type": r.document_type, "amendment": r.amendment, "cik": r.cik,
            "registrant": r.registrant_name, "period_end": s(r.period_end),
            "classes": [{"class_id": c.class_id, "ticker": c.ticker,
                         "expense_ratio": s(c.expense_ratio),
                         "net_assets": s(c.statistic("net_assets")),
                         "returns": ", ".join(
                             f"{x.subject}{'/' + x.index_member if x.index_member else ''}"
                             f" {x.period} {x.value}" for x in c.returns)}
                        for c in r.classes],
            "facts": r.fact_count, "skipped": r.skipped_reasons()})
    out["financial_highlights"] = [
        {"table": t.index, "caption": " ".join(f"{t.caption} {t.title}".split())[:80],
         "columns": len(t.columns),
         "periods": ", ".join(s(c.period_end) or c.label for c in t.columns),
         "arithmetic_problems": sum(1 for c in t.columns if arithmetic_problem(c)),
         "unmapped_rows": len(t.unmapped)}
        for t in doc.highlights]
    if not doc.highlights:
        out["financial_highlights"] = f"none ({doc.highlights_problem})"
    return out
