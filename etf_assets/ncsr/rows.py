"""A parsed N-CSR / N-CSRS -> warehouse rows (pure, given the trust's class registry).

Which class a figure belongs to:

* a TSR class is named by the class id in its ``oef:ClassAxis`` member; a class without
  one (a single-class fund tagged without the axis, or a member without an id) is
  resolved against the trust's registry by ticker, then by fund and class name, then
  as the trust's only class; its series always comes from the registry;
* a Financial Highlights table is untagged: the text above it and its title rows name
  the fund (series) and, for a fund with several classes, the class. It is attributed
  to the registry class whose series name (and class name, when the series has several
  classes) the text contains - the longest name wins ("Fund II" over "Fund") - or to the
  trust's only class. A table no name matches is kept with class_id NULL and counted.

Only ETF classes are loaded, plus classes the registry does not know (kept so that the
``class_ids_belong_to_trust`` check shows them); the trust's other classes (a mixed
trust's mutual-fund classes) are counted in ``Kept``, never loaded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Table

from etf_assets.ncsr.highlights import (
    CAPITAL_ITEMS,
    DISTRIBUTION_ITEMS,
    OPERATING_ITEMS,
    RATIO_ITEMS,
    HighlightsTable,
    arithmetic_problem,
)
from etf_assets.ncsr.parse import NcsrDocument
from etf_assets.ncsr.tsr import FUND_LEVEL_STATISTICS, TsrClass
from etf_assets.warehouse.tables import (
    ncsr_expense,
    ncsr_holding,
    ncsr_line_graph,
    ncsr_statistic,
    per_share_distribution,
    per_share_operating,
    per_share_ratio,
    performance,
)


@dataclass(frozen=True)
class RegisteredClass:
    """A class of the trust as the warehouse knows it (etf table: every class of the
    trust's series, ETF or not)."""

    class_id: str
    series_id: str
    fund_name: str | None
    class_name: str | None
    ticker: str | None
    is_etf: bool


@dataclass
class Kept:
    """What the report held beyond the trust's ETF classes (for the metadata)."""

    non_etf_classes: int = 0
    non_etf_highlights_tables: int = 0
    unattributed_highlights_tables: int = 0
    unresolved_tsr_classes: int = 0
    unknown_class_ids: list[str] = field(default_factory=list)

    def reasons(self) -> dict[str, int]:
        """What was left out, by reason (the `filing_skip` rows, SCHEMA.md)."""
        return {"non_etf_classes": self.non_etf_classes,
                "non_etf_highlights_tables": self.non_etf_highlights_tables,
                "unattributed_highlights_tables": self.unattributed_highlights_tables,
                "unresolved_tsr_classes": self.unresolved_tsr_classes}


_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalize(name: str | None) -> str:
    """Lower case, "&" as "and", marks and punctuation as spaces: how two spellings of
    one fund name are compared ("S&P 500(R) ETF" ~ "S and P 500 ETF")."""
    if not name:
        return ""
    text = name.lower().replace("&", " and ").replace("®", " ").replace("™", " ")
    return " " + _NON_WORD.sub(" ", text).strip() + " "


def _multi_class_series(registry: Sequence[RegisteredClass]) -> set[str]:
    counts: dict[str, int] = {}
    for r in registry:
        counts[r.series_id] = counts.get(r.series_id, 0) + 1
    return {s for s, n in counts.items() if n > 1}


def resolve_tsr_class(c: TsrClass, registry: Sequence[RegisteredClass]
                      ) -> tuple[RegisteredClass | None, str | None]:
    """(the registry class, how it was found) for a TSR class; (None, "member") for a
    class id the registry does not know; (None, None) when nothing identifies it."""
    by_id = {r.class_id: r for r in registry}
    if c.class_id:
        return by_id.get(c.class_id), "member"
    if c.ticker:
        hits = [r for r in registry if r.ticker and r.ticker.upper() == c.ticker.upper()]
        if len(hits) == 1:
            return hits[0], "ticker"
    fund, klass = normalize(c.fund_name), normalize(c.class_name)
    if fund.strip():
        several = _multi_class_series(registry)
        hits = [r for r in registry if normalize(r.fund_name) == fund
                and (r.series_id not in several or normalize(r.class_name) == klass)]
        if len(hits) == 1:
            return hits[0], "name"
    if len(registry) == 1:
        return registry[0], "only_class"
    return None, None


def attribute_table(t: HighlightsTable, registry: Sequence[RegisteredClass]
                    ) -> tuple[RegisteredClass | None, str | None]:
    """(the registry class, how) a Financial Highlights table belongs to, or (None, None)."""
    text = normalize(f"{t.caption} {t.title}")
    best: tuple[int, int, RegisteredClass] | None = None
    ambiguous = False
    several = _multi_class_series(registry)
    for r in registry:
        fund = normalize(r.fund_name)
        if not fund.strip() or fund not in text:
            continue
        klass = normalize(r.class_name)
        class_len = len(klass) if klass.strip() and klass in text else 0
        if r.series_id in several and not class_len:
            continue
        score = (len(fund), class_len)
        if best is None or score > best[:2]:
            best, ambiguous = (*score, r), False
        elif score == best[:2] and r.class_id != best[2].class_id:
            ambiguous = True
    if best is not None and not ambiguous:
        return best[2], "fund_and_class" if best[2].series_id in several else "fund"
    if len(registry) == 1:
        return registry[0], "only_class"
    return None, None


def ncsr_rows(doc: NcsrDocument, *, accession: str, filing_date: date, cik: str,
              registry: Sequence[RegisteredClass], kept: Kept | None = None
              ) -> Iterator[tuple[Table, dict]]:
    """Rows of every N-CSR table for one report (accession)."""
    kept = kept if kept is not None else Kept()
    if doc.report is not None:
        yield from _tsr_rows(doc, accession, filing_date, cik, registry, kept)
    for t in doc.highlights:
        yield from _highlights_rows(t, accession, filing_date, cik, registry, kept)


def _tsr_rows(doc: NcsrDocument, accession: str, filing_date: date, cik: str,
              registry: Sequence[RegisteredClass], kept: Kept
              ) -> Iterator[tuple[Table, dict]]:
    assert doc.report is not None
    seq = graph_seq = 0
    index_rows_seen: set[tuple] = set()
    for c in doc.report.classes:
        index_only = _index_only(c)
        if index_only:
            # Index figures tagged per series (dei:LegalEntityAxis + index axis, the
            # SEC hypercube's own combination), or per document: no class to resolve.
            series_id = c.series_id or _only_series(registry)
            if series_id is not None and not any(r.is_etf for r in registry
                                                  if r.series_id == series_id):
                kept.non_etf_classes += 1
                continue
            class_id, class_key = None, c.series_id or c.class_key or "document"
        else:
            reg, how = resolve_tsr_class(c, registry)
            if reg is not None and not reg.is_etf:
                kept.non_etf_classes += 1
                continue
            if reg is None and how is None:
                kept.unresolved_tsr_classes += 1
            if reg is None and c.class_id:
                kept.unknown_class_ids.append(c.class_id)
            class_id = reg.class_id if reg else c.class_id
            series_id = reg.series_id if reg else c.series_id
            class_key = class_id or c.class_key or "document"
        scope = {"accession_number": accession, "class_key": class_key, "cik": cik,
                 "series_id": series_id, "class_id": class_id, "filing_date": filing_date}
        if not index_only:
            yield from _class_rows(c, scope, how)
        for g in c.line_graph:
            graph_seq += 1
            yield ncsr_line_graph, {
                "accession_number": accession, "seq": graph_seq, "class_key": class_key,
                "cik": cik, "series_id": series_id, "class_id": class_id,
                "filing_date": filing_date, "subject": g.subject, "index_role": g.index_axis,
                "index_member": g.index_member, "period_start": g.start, "as_of": g.as_of,
                "value": g.value}
        for r in c.returns:
            if r.subject == "index":
                # Every class of a series shows its index: one row per series.
                key = (series_id or class_key, r.index_member, r.start, r.end, r.value)
                if key in index_rows_seen:
                    continue
                index_rows_seen.add(key)
            seq += 1
            yield performance, {
                "accession_number": accession, "seq": seq, "source": "ncsr", "cik": cik,
                "series_id": series_id,
                "class_id": class_id if r.subject == "fund" else None,
                "subject": r.subject,
                "measure": (r.measure or "before_taxes") if r.subject == "fund" else None,
                "index_member": r.index_member, "index_name": r.index_name,
                "period": r.period, "year": None, "as_of": r.end,
                "inception_date": (c.inception_date if r.period == "since_inception"
                                   and r.subject == "fund" else None),
                "value": r.value, "filing_date": filing_date, "period_start": r.start,
                "index_role": r.index_axis}


def _index_only(c: TsrClass) -> bool:
    """A scope holding nothing but index returns, index graph points and names."""
    return (c.class_id is None and c.ticker is None and c.fund_name is None
            and c.expense_ratio is None and c.expenses_paid is None and not c.statistics
            and not c.holdings and bool(c.returns or c.line_graph)
            and all(r.subject == "index" for r in c.returns)
            and all(g.subject == "index" for g in c.line_graph))


def _only_series(registry: Sequence[RegisteredClass]) -> str | None:
    series = {r.series_id for r in registry}
    return next(iter(series)) if len(series) == 1 else None


def _class_rows(c: TsrClass, scope: dict, how: str | None) -> Iterator[tuple[Table, dict]]:
    """A class's expense, statistics and holdings rows."""
    yield ncsr_expense, {
        **scope, "ticker": c.ticker, "fund_name": c.fund_name, "class_name": c.class_name,
        "report_type": c.report_type, "period_start": c.period_start,
        "period_end": c.period_end, "expense_ratio": c.expense_ratio,
        "expenses_paid": c.expenses_paid,
        "expenses_excl_extraordinary": c.expenses_excl_extraordinary,
        "inception_date": c.inception_date, "class_resolved_by": how}
    for s in c.statistics:
        yield ncsr_statistic, {**scope, "statistic": s.name, "value": s.value,
                               "unit": s.unit, "as_of": s.as_of,
                               "period_start": s.period_start,
                               "fund_level": s.name in FUND_LEVEL_STATISTICS}
    for h in c.holdings:
        yield ncsr_holding, {**scope, "category": h.category, "member": h.member,
                             "measure": h.measure, "label": h.label, "value": h.value,
                             "as_of": h.as_of}


def _highlights_rows(t: HighlightsTable, accession: str, filing_date: date, cik: str,
                     registry: Sequence[RegisteredClass], kept: Kept
                     ) -> Iterator[tuple[Table, dict]]:
    reg, how = attribute_table(t, registry)
    if reg is not None and not reg.is_etf:
        kept.non_etf_highlights_tables += 1
        return
    if reg is None:
        kept.unattributed_highlights_tables += 1
    for col in t.columns:
        keys = {"accession_number": accession, "table_index": t.index,
                "column_index": col.index, "cik": cik,
                "series_id": reg.series_id if reg else None,
                "class_id": reg.class_id if reg else None, "period_end": col.period_end,
                "fiscal_year": col.fiscal_year, "filing_date": filing_date}
        v = col.values
        unmapped = [[u.label, str(u.values[col.index]) if col.index < len(u.values)
                     and u.values[col.index] is not None else None] for u in t.unmapped]
        yield per_share_operating, {
            **keys, "period_start": col.period_start, "months": col.months,
            "is_partial": col.is_partial, "is_semiannual": col.is_semiannual,
            "unaudited": col.unaudited, "column_label": col.label, "caption": t.caption,
            "title": t.title, "attributed_by": how,
            **{item: v.get(item) for item in OPERATING_ITEMS + CAPITAL_ITEMS},
            "arithmetic_problem": arithmetic_problem(col), "unmapped": unmapped or None}
        yield per_share_distribution, {**keys, **{i: v.get(i) for i in DISTRIBUTION_ITEMS}}
        yield per_share_ratio, {
            **keys, "net_assets_multiplier": t.net_assets_multiplier,
            **{i: v.get(i) for i in RATIO_ITEMS}}
