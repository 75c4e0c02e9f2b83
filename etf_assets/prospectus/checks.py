"""Data-quality checks of the prospectus tables: read the warehouse only, one result per
trust partition."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from dagster import AssetCheckSeverity, AssetKey
from sqlalchemy import Engine, select

from etf_assets.form_slice import CheckResults, verdicts
from etf_assets.partitions import trust_check
from etf_assets.warehouse.tables import (
    etf,
    prospectus_expense_example,
    prospectus_fee,
    prospectus_shareholder_fee,
)

FEES = AssetKey("fees")
# Fee tables print percentages to two places: a ratio is exact to 0.0001.
RATIO_ROUNDING = Decimal("0.0001")
# The example's rounding to the dollar, plus the ratio's own rounding on $10,000.
EXAMPLE_TOLERANCE = Decimal("1.0")
CHECKS = ("net_expenses_arithmetic", "expense_example_matches_net_ratio",
          "etf_classes_have_fees")

PROSPECTUS_CHECKS = [
    trust_check("net_expenses_arithmetic", FEES,
                "Per fee table: net expenses = total annual operating expenses + the "
                "(negative) fee waiver, to the fee table's rounding (0.01%)."),
    trust_check("expense_example_matches_net_ratio", FEES,
                "Per ETF class without sales loads: the 1-year expense example on $10,000 "
                "equals 10,000 x r x (1 + (5% - r)/2) for the net ratio r (SEC's method: "
                "cost on the year's average balance), to the dollar."),
    trust_check("etf_classes_have_fees", FEES,
                "Every active ETF class of a series with a loaded prospectus has a fee row."),
]
SEVERITY = {"expense_example_matches_net_ratio": AssetCheckSeverity.WARN,
            "etf_classes_have_fees": AssetCheckSeverity.WARN}


def one_year_example(ratio: Decimal) -> Decimal:
    """SEC's 1-year cost of $10,000 growing 5% a year less expenses at `ratio` (what every
    Delaware 485BPOS figure reproduces): expenses on the year's average balance."""
    return Decimal(10000) * ratio * (1 + (Decimal("0.05") - ratio) / 2)


def fee_problems(row, example: Decimal | None, loads: bool) -> tuple[list[str], list[str]]:
    """(arithmetic problems, example problems) of one prospectus_fee row."""
    arithmetic: list[str] = []
    if row.total_annual_expenses is not None and row.net_expenses is not None:
        expected = row.total_annual_expenses + (row.fee_waiver or 0)
        if abs(row.net_expenses - expected) > RATIO_ROUNDING:
            arithmetic.append(f"net {row.net_expenses} != total {row.total_annual_expenses}"
                              f" + waiver {row.fee_waiver or 0}")
    examples: list[str] = []
    ratio = row.net_expenses if row.net_expenses is not None else row.total_annual_expenses
    if example is not None and ratio is not None and not loads:
        expected = one_year_example(ratio)
        if abs(example - expected) > EXAMPLE_TOLERANCE:
            examples.append(f"1-year example {example} vs {expected:.2f} at ratio {ratio}")
    return arithmetic, examples


def check_results(engine: Engine, ciks: list[str] | None) -> CheckResults:
    """Each check's verdict per trust over `ciks` (None: every trust with fee rows)."""
    q = select(prospectus_fee)
    if ciks is not None:
        q = q.where(prospectus_fee.c.cik.in_(ciks))
    found: dict[str, dict[str, list[str]]] = {c: {n: [] for n in CHECKS} for c in ciks or []}
    counted: dict[str, int] = defaultdict(int)
    with engine.connect() as conn:
        fees = conn.execute(q).all()
        examples = {(r.accession_number, r.fee_key): r.amount for r in conn.execute(
            select(prospectus_expense_example).where(
                prospectus_expense_example.c.years == 1,
                prospectus_expense_example.c.redemption.is_(True),
                prospectus_expense_example.c.cik.in_({r.cik for r in fees})))}
        loads = {(r.accession_number, r.fee_key) for r in conn.execute(
            select(prospectus_shareholder_fee).where(
                prospectus_shareholder_fee.c.cik.in_({r.cik for r in fees}),
                prospectus_shareholder_fee.c.value != 0,
                prospectus_shareholder_fee.c.concept.like("Maximum%SalesCharge%")))}
        series_with_fees = {(r.cik, r.series_id) for r in fees}
        classes_with_fees = {r.class_id for r in fees if r.class_id}
        q_etf = select(etf.c.cik, etf.c.series_id, etf.c.class_id, etf.c.ticker).where(
            etf.c.is_etf.is_(True), etf.c.active.is_(True))
        if ciks is not None:
            q_etf = q_etf.where(etf.c.cik.in_(ciks))
        missing = [r for r in conn.execute(q_etf)
                   if (r.cik, r.series_id) in series_with_fees
                   and r.class_id not in classes_with_fees]
    for row in fees:
        f = found.setdefault(row.cik, {n: [] for n in CHECKS})
        counted[row.cik] += 1
        key = (row.accession_number, row.fee_key)
        arithmetic, example = fee_problems(row, examples.get(key), key in loads)
        where = f"{row.accession_number} {row.fee_key}: "
        f["net_expenses_arithmetic"] += [where + p for p in arithmetic]
        f["expense_example_matches_net_ratio"] += [where + p for p in example]
    for r in missing:
        found.setdefault(r.cik, {n: [] for n in CHECKS})["etf_classes_have_fees"].append(
            f"{r.class_id} ({r.ticker}) of {r.series_id}: no fee row")
    return verdicts(found, counted, "fee_rows_checked", "problems")
