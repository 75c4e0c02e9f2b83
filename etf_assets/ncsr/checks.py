"""Data-quality checks of the N-CSR tables: read the warehouse only, one result per
trust partition."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from dagster import AssetCheckSeverity, AssetKey
from sqlalchemy import Engine, select

from etf_assets.form_slice import CheckResults, verdicts
from etf_assets.partitions import trust_check
from etf_assets.warehouse.tables import etf, ncsr_expense, per_share_operating, performance

PERFORMANCE = AssetKey("performance")
PER_SHARE = AssetKey("per_share")
# Sane bounds (fractions, as the TSR tags them): no fund or index loses more than all
# of it, none gains more than 1,000% a year; an expense ratio is between 0 and 10%.
RETURN_BOUNDS = (Decimal("-1"), Decimal("10"))
EXPENSE_RATIO_BOUNDS = (Decimal("0"), Decimal("0.10"))
CHECKS = ("etf_classes_with_tsr_have_expense_ratio", "returns_within_bounds",
          "class_ids_belong_to_trust", "per_share_arithmetic", "highlights_attributed")

NCSR_CHECKS = [
    trust_check("etf_classes_with_tsr_have_expense_ratio", PERFORMANCE,
                "Every ETF class in a loaded tailored shareholder report has an expense "
                "ratio (oef:ExpenseRatioPct) and it is between 0 and 10%."),
    trust_check("returns_within_bounds", PERFORMANCE,
                "Every N-CSR return (fund and index) is above -100% and at most +1,000%."),
    trust_check("class_ids_belong_to_trust", PERFORMANCE,
                "Every class a shareholder report names is a class of the trust (in the "
                "universe's registry of its series and classes)."),
    trust_check("per_share_arithmetic", PER_SHARE,
                "Per Financial Highlights column: NAV begin + total from operations - "
                "distributions = NAV end (and income + gain = operations), to the "
                "report's printed rounding. A failing column is kept and flagged."),
    trust_check("highlights_attributed", PER_SHARE,
                "Every Financial Highlights table is attributed to a share class (its "
                "caption names the fund, and the class where the fund has several)."),
]
SEVERITY = {"returns_within_bounds": AssetCheckSeverity.WARN,
            "highlights_attributed": AssetCheckSeverity.WARN}


def check_results(engine: Engine, ciks: list[str] | None) -> CheckResults:
    """Each check's verdict per trust over `ciks` (None: every trust with N-CSR rows)."""
    def where(q, table):
        return q.where(table.c.cik.in_(ciks)) if ciks is not None else q

    found: dict[str, dict[str, list[str]]] = {c: {n: [] for n in CHECKS} for c in ciks or []}
    counted: dict[str, int] = defaultdict(int)

    def add(cik: str, check: str, problem: str) -> None:
        found.setdefault(cik, {n: [] for n in CHECKS})[check].append(problem)

    with engine.connect() as conn:
        expenses = conn.execute(where(select(ncsr_expense), ncsr_expense)).all()
        returns = conn.execute(where(select(performance).where(
            performance.c.source == "ncsr"), performance)).all()
        columns = conn.execute(where(select(
            per_share_operating.c.cik, per_share_operating.c.accession_number,
            per_share_operating.c.table_index, per_share_operating.c.column_index,
            per_share_operating.c.class_id, per_share_operating.c.caption,
            per_share_operating.c.arithmetic_problem), per_share_operating)).all()
        known = {r.class_id: r for r in conn.execute(where(
            select(etf.c.cik, etf.c.class_id, etf.c.is_etf), etf))}
    for r in expenses:
        counted[r.cik] += 1
        found.setdefault(r.cik, {n: [] for n in CHECKS})
        where_ = f"{r.accession_number} {r.class_key}"
        reg = known.get(r.class_id) if r.class_id else None
        if r.class_id and (reg is None or reg.cik != r.cik):
            add(r.cik, "class_ids_belong_to_trust", f"{where_}: not a class of the trust")
        elif r.class_id is None:
            add(r.cik, "class_ids_belong_to_trust",
                f"{where_}: class not identified (no class id, ticker or name match)")
        if reg is not None and reg.is_etf:
            lo, hi = EXPENSE_RATIO_BOUNDS
            if r.expense_ratio is None:
                add(r.cik, "etf_classes_with_tsr_have_expense_ratio",
                    f"{where_}: no expense ratio")
            elif not lo <= r.expense_ratio <= hi:
                add(r.cik, "etf_classes_with_tsr_have_expense_ratio",
                    f"{where_}: expense ratio {r.expense_ratio} outside [{lo}, {hi}]")
    lo, hi = RETURN_BOUNDS
    for r in returns:
        counted[r.cik] += 1
        if not lo < r.value <= hi:
            add(r.cik, "returns_within_bounds",
                f"{r.accession_number} {r.subject} {r.class_id or r.index_member} "
                f"{r.period}: {r.value}")
    for c in columns:
        counted[c.cik] += 1
        where_ = f"{c.accession_number} table {c.table_index} column {c.column_index}"
        if c.arithmetic_problem:
            add(c.cik, "per_share_arithmetic", f"{where_}: {c.arithmetic_problem}")
        if c.class_id is None and c.column_index == 0:
            add(c.cik, "highlights_attributed", f"{where_}: no class named by "
                                                f"{(c.caption or '')[:80]!r}")
        found.setdefault(c.cik, {n: [] for n in CHECKS})
    return verdicts(found, counted, "rows_checked", "problems")
