"""Which reader a prospectus document goes to, and the cross-check of the two. Pure.

A document with risk/return inline XBRL is read from its tags
(:func:`etf_assets.prospectus.parse.parse_485bpos`); one without (UIT prospectuses,
497K / 497, older filings) from its HTML tables
(:func:`etf_assets.prospectus.untagged.parse_untagged`). A tagged document is ALSO read
from its tables and the two compared value by value (:func:`compare`): the tags stay the
source of its rows; a difference is a finding about one of the two readers (or the
filer's tagging) and is reported, never silently resolved.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Iterable

from etf_assets.prospectus.parse import FEE_FIELDS, Prospectus, ProspectusError, parse_485bpos
from etf_assets.prospectus.untagged import ClassRef, parse_untagged

__all__ = ["ClassRef", "Comparison", "compare", "read_prospectus"]


@dataclass(frozen=True)
class Comparison:
    """Tagged values also read from the HTML tables: how many agreed, which did not."""

    compared: int = 0
    differences: tuple[str, ...] = ()
    html_problem: str | None = None  # why the tables could not be read at all


def compare(tagged: Prospectus, html: Prospectus) -> Comparison:
    """Every tagged fee line, expense example and average annual return of a class that
    the HTML reading also has, compared exactly (both are the printed figure)."""
    compared = 0
    diffs: list[str] = []
    for t in tagged.fee_tables:
        if t.class_id is None:
            continue
        h = html.fee_table(class_id=t.class_id)
        if h is None:
            diffs.append(f"{t.class_id}: fee table not found in the HTML")
            continue
        for name in FEE_FIELDS.values():
            a, b = getattr(t, name), getattr(h, name)
            if a is None and b is None:
                continue
            compared += 1
            if (a or Decimal(0)) != (b or Decimal(0)):
                diffs.append(f"{t.class_id} {name}: tagged {a}, table {b}")
        hx = {(e.years, e.redemption): e.amount for e in h.expense_examples}
        for e in t.expense_examples:
            compared += 1
            if hx.get((e.years, e.redemption)) != e.amount:
                diffs.append(f"{t.class_id} example {e.years}y"
                             f"{'' if e.redemption else ' not redeemed'}: tagged {e.amount}, "
                             f"table {hx.get((e.years, e.redemption))}")
    hr = {(a.class_id, a.subject, a.measure, a.horizon): a.value
          for a in html.average_returns if a.subject == "fund"}
    hi = {(a.horizon, a.value) for a in html.average_returns if a.subject == "index"}
    for a in tagged.average_returns:
        compared += 1
        if a.subject == "index":
            if (a.horizon, a.value) not in hi:
                diffs.append(f"index {a.index_name or a.index_member} {a.horizon}: tagged "
                             f"{a.value}, not in the table")
        elif hr.get((a.class_id, a.subject, a.measure, a.horizon)) != a.value:
            diffs.append(f"{a.class_id} {a.measure} {a.horizon}: tagged {a.value}, table "
                         f"{hr.get((a.class_id, a.subject, a.measure, a.horizon))}")
    return Comparison(compared, tuple(diffs))


def read_prospectus(data: bytes, *, form: str | None = None,
                    classes: Iterable[ClassRef] = ()) -> tuple[Prospectus, Comparison | None]:
    """(the prospectus, the tags-vs-tables comparison when it is tagged). ``form`` is the
    filed form (it becomes ``document_type``); ``classes`` the trust's classes (ids,
    names, tickers) that table headers are matched to. ProspectusError when neither
    reader finds anything."""
    refs = tuple(classes)
    try:
        tagged = parse_485bpos(data)
    except ProspectusError as exc:
        if "shareholder report" in str(exc):
            raise
        html = parse_untagged(data, form=form, classes=refs)
        return html, None
    if form:
        tagged = replace(tagged, document_type=form)
    if not any(r.name for r in refs):
        return tagged, Comparison(html_problem="no class names to match the tables' "
                                               "columns to (a bare document)")
    try:
        comparison = compare(tagged, parse_untagged(data, form=form, classes=refs))
    except ProspectusError as exc:
        comparison = Comparison(html_problem=str(exc))
    return tagged, comparison
