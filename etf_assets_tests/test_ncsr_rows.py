"""N-CSR rows (etf_assets/ncsr/rows.py): which class a TSR figure and a Financial
Highlights table belong to, what is left out, and the per-share rows of the real
Vanguard excerpt (fixtures/sec/ncsr/vanguard_financial_highlights_table_excerpt.html)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from etf_assets.ncsr.highlights import HighlightsTable, parse_financial_highlights
from etf_assets.ncsr.parse import NcsrDocument
from etf_assets.ncsr.rows import (
    Kept,
    RegisteredClass,
    attribute_table,
    ncsr_rows,
    normalize,
    resolve_tsr_class,
)
from etf_assets.ncsr.tsr import TsrClass, TsrReturn
from etf_assets.warehouse.tables import (
    per_share_distribution,
    per_share_operating,
    per_share_ratio,
    performance,
)

VANGUARD = Path(__file__).parent / "fixtures" / "sec" / "ncsr" / \
    "vanguard_financial_highlights_table_excerpt.html"

GROWTH = RegisteredClass("C000000011", "S000000001", "Example Growth ETF", "Example Growth ETF",
                         "EXGR", True)
GROWTH_II = RegisteredClass("C000000021", "S000000002", "Example Growth ETF II",
                            "Example Growth ETF II", "EXG2", True)
INCOME_INV = RegisteredClass("C000000031", "S000000003", "Example Income Fund",
                             "Investor Shares", "EXINX", False)
INCOME_ADM = RegisteredClass("C000000032", "S000000003", "Example Income Fund",
                             "Admiral Shares", "EXIAX", False)
DUAL_ETF = RegisteredClass("C000000033", "S000000003", "Example Income Fund", "ETF Shares",
                           "EXIE", True)
REGISTRY = [GROWTH, GROWTH_II, INCOME_INV, INCOME_ADM, DUAL_ETF]


def _tsr_class(**kw) -> TsrClass:
    base = dict(class_key=None, class_id=None, series_id=None, fund_name=None,
                class_name=None, ticker=None, exchange=None, report_type="annual",
                period_start=date(2024, 7, 1), period_end=date(2025, 6, 30),
                expense_ratio=Decimal("0.0009"), expenses_paid=Decimal("9"),
                expenses_excl_extraordinary=None, inception_date=None, graph_label=None,
                returns=(), statistics=(), line_graph=(), holdings=())
    base.update(kw)
    return TsrClass(**base)


@pytest.mark.parametrize("kw,expected", [
    ({"class_key": "C000000021Member", "class_id": "C000000021"}, (GROWTH_II, "member")),
    ({"class_key": "C000000099Member", "class_id": "C000000099"}, (None, "member")),
    ({"ticker": "exgr"}, (GROWTH, "ticker")),
    ({"fund_name": "Example Growth ETF II"}, (GROWTH_II, "name")),
    # a fund with several classes needs the class name too
    ({"fund_name": "Example Income Fund"}, (None, None)),
    ({"fund_name": "Example Income Fund", "class_name": "ETF Shares"}, (DUAL_ETF, "name")),
    ({"fund_name": "Unknown Fund"}, (None, None)),
])
def test_resolve_tsr_class(kw, expected):
    assert resolve_tsr_class(_tsr_class(**kw), REGISTRY) == expected


def test_resolve_only_class():
    assert resolve_tsr_class(_tsr_class(), [GROWTH]) == (GROWTH, "only_class")


def _table(caption: str, title: str = "") -> HighlightsTable:
    [t] = parse_financial_highlights(VANGUARD.read_bytes())
    return replace(t, caption=caption, title=title)


@pytest.mark.parametrize("caption,title,expected", [
    ("Example Growth ETF II Financial Highlights", "", (GROWTH_II, "fund")),  # longest name
    ("Example Growth ETF Financial Highlights", "", (GROWTH, "fund")),
    ("EXAMPLE GROWTH ETF", "For a share outstanding", (GROWTH, "fund")),
    ("Example Income Fund", "ETF Shares", (DUAL_ETF, "fund_and_class")),
    ("Example Income Fund", "Admiral Shares", (INCOME_ADM, "fund_and_class")),
    ("Example Income Fund", "", (None, None)),  # which of its three classes?
    ("Financial Highlights", "Investor Shares", (None, None)),
])
def test_attribute_table(caption, title, expected):
    assert attribute_table(_table(caption, title), REGISTRY) == expected


def test_normalize():
    assert normalize("S&P 500® ETF") == normalize("S and P 500 ETF") == " s and p 500 etf "


def test_vanguard_per_share_rows_for_an_etf_class():
    """The real excerpt names no fund (only "Investor Shares"): in a one-class trust it is
    that class's; every figure of its newest column lands in the three tables."""
    [t] = parse_financial_highlights(VANGUARD.read_bytes())
    doc = NcsrDocument(None, "no TSR", (t,), None)
    rows = list(ncsr_rows(doc, accession="0000000000-25-000001", filing_date=date(2025, 2, 26),
                          cik="0000000001", registry=[GROWTH]))
    by = {}
    for table, row in rows:
        by.setdefault(table.name, []).append(row)
    assert {k: len(v) for k, v in by.items()} == {
        "per_share_operating": 5, "per_share_distribution": 5, "per_share_ratio": 5}
    op, dist, ratio = (by[x.name][0] for x in (per_share_operating, per_share_distribution,
                                               per_share_ratio))
    assert (op["class_id"], op["series_id"], op["attributed_by"], op["period_end"],
            op["fiscal_year"]) == ("C000000011", "S000000001", "only_class",
                                   date(2024, 12, 31), 2024)
    assert (op["nav_begin"], op["net_investment_income"], op["net_realized_unrealized_gain"],
            op["total_from_operations"], op["nav_end"]) == (
        Decimal("102.18"), Decimal("1.404"), Decimal("12.933"), Decimal("14.337"),
        Decimal("115.15"))
    assert op["arithmetic_problem"] is None  # 102.18 + 14.337 - 1.367 = 115.15
    assert (dist["dist_net_investment_income"], dist["dist_capital_gains"],
            dist["total_distributions"]) == (Decimal("1.367"), Decimal("0"), Decimal("1.367"))
    assert (ratio["total_return_pct"], ratio["net_assets_end"], ratio["net_assets_multiplier"],
            ratio["expense_ratio_gross_pct"], ratio["portfolio_turnover_pct"]) == (
        Decimal("14.10"), Decimal("335000000"), 1_000_000, Decimal("0.17"), Decimal("13"))


def test_non_etf_tables_and_classes_are_counted_not_loaded():
    [t] = parse_financial_highlights(VANGUARD.read_bytes())
    t = replace(t, caption="Example Income Fund")  # Investor Shares: a mutual-fund class
    report_classes = (
        _tsr_class(class_key="C000000031Member", class_id="C000000031"),
        _tsr_class(class_key="C000000033Member", class_id="C000000033",
                   returns=(TsrReturn("fund", None, None, None, None, date(2024, 7, 1),
                                      date(2025, 6, 30), "1y", Decimal("0.05")),
                            TsrReturn("index", None, "broad_based", "IdxMember", "Idx",
                                      date(2024, 7, 1), date(2025, 6, 30), "1y",
                                      Decimal("0.06")))),
        _tsr_class(class_key="C000000099Member", class_id="C000000099"),
    )
    from etf_assets.ncsr.tsr import ShareholderReport
    report = ShareholderReport("N-CSR", False, None, "0000000001", None, "N-1A",
                               date(2025, 6, 30), None, report_classes, (), 0, 0, 0)
    kept = Kept()
    rows = list(ncsr_rows(NcsrDocument(report, None, (t,), None), accession="a",
                          filing_date=date(2025, 8, 1), cik="0000000001",
                          registry=REGISTRY, kept=kept))
    assert (kept.non_etf_classes, kept.non_etf_highlights_tables,
            kept.unknown_class_ids) == (1, 1, ["C000000099"])
    expense_keys = [r["class_key"] for tb, r in rows if tb.name == "ncsr_expense"]
    assert expense_keys == ["C000000033", "C000000099"]
    perf = [r for tb, r in rows if tb is performance]
    assert [(r["subject"], r["class_id"], r["series_id"], r["measure"], r["index_role"])
            for r in perf] == [("fund", "C000000033", "S000000003", "before_taxes", None),
                               ("index", None, "S000000003", None, "broad_based")]
    assert not [r for tb, r in rows if tb.name.startswith("per_share")]
