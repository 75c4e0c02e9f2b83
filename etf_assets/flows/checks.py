"""Data-quality checks of `annual_flow` (24F-2NT): read the warehouse only, one result
per trust partition. The arithmetic is the form's own (items 5(iv)-(viii), 7), to the
cent, on the amounts as written."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from dagster import AssetCheckSeverity, AssetKey
from sqlalchemy import Engine, select

from etf_assets.form_slice import CheckResults, verdicts
from etf_assets.partitions import trust_check
from etf_assets.warehouse.tables import annual_flow

ANNUAL_FLOWS = AssetKey("annual_flows")
CENT = Decimal("0.01")

FLOW_CHECKS = [
    trust_check("net_sales_arithmetic", ANNUAL_FLOWS,
                "Per block: credits = redeemed in the year + prior credits; net sales = "
                "sales - credits when positive, else 0 with the difference as credits for "
                "future years; to the cent."),
    trust_check("fee_matches_rate", ANNUAL_FLOWS,
                "Per block: registration fee = net sales x the stated fee rate (to the "
                "cent); total due = fee + interest."),
]
# A filer's own arithmetic slip is reported, not fatal; the net-sales identity failing
# points at our parsing (a lost sign or field), so it is an error.
SEVERITY = {"fee_matches_rate": AssetCheckSeverity.WARN}


def block_problems(row) -> tuple[list[str], list[str]]:
    """(net-sales problems, fee problems) of one annual_flow row."""
    sales, year, prior = row.aggregate_sales, row.redeemed_in_year, row.redeemed_prior_credits
    credits, net, future = row.total_redemption_credits, row.net_sales, row.credits_for_future_years
    arithmetic: list[str] = []
    if None in (sales, year, prior, credits, net, future):
        arithmetic.append("item 5 amounts missing")
    else:
        if credits != year + prior:
            arithmetic.append(f"credits {credits} != {year} + {prior}")
        diff = sales - credits
        if net != max(diff, Decimal(0)):
            arithmetic.append(f"net sales {net} != max({sales} - {credits}, 0)")
        if future != min(diff, Decimal(0)):
            arithmetic.append(f"future credits {future} != min({sales} - {credits}, 0)")
    fee: list[str] = []
    if row.fee_rate is not None and net is not None and row.registration_fee_due is not None:
        expected = (net * row.fee_rate).quantize(CENT, ROUND_HALF_UP)
        if abs(row.registration_fee_due - expected) > CENT:
            fee.append(f"fee {row.registration_fee_due} != {net} x {row.fee_rate} = {expected}")
    if row.total_due is not None and row.registration_fee_due is not None:
        total = row.registration_fee_due + (row.interest_due or 0)
        if row.total_due != total:
            fee.append(f"total due {row.total_due} != fee + interest {total}")
    return arithmetic, fee


def check_results(engine: Engine, ciks: list[str] | None) -> CheckResults:
    """Each check's verdict per trust over `ciks` (None: every trust with 24F-2NT data)."""
    q = select(annual_flow)
    if ciks is not None:
        q = q.where(annual_flow.c.cik.in_(ciks))
    found: dict[str, dict[str, list[str]]] = {
        c: {"net_sales_arithmetic": [], "fee_matches_rate": []} for c in ciks or []}
    blocks: dict[str, int] = dict.fromkeys(ciks or [], 0)
    with engine.connect() as conn:
        for row in conn.execute(q):
            f = found.setdefault(row.cik, {"net_sales_arithmetic": [], "fee_matches_rate": []})
            blocks[row.cik] = blocks.get(row.cik, 0) + 1
            arithmetic, fee = block_problems(row)
            where = f"{row.accession_number} block {row.block}: "
            f["net_sales_arithmetic"] += [where + p for p in arithmetic]
            f["fee_matches_rate"] += [where + p for p in fee]
    return verdicts(found, blocks, "blocks_checked", "blocks_off")
