"""The N-CSR slice end to end: generated N-CSR / N-CSRS documents (oef-2025 TSR inline
XBRL + Financial Highlights, validated in test_ncsr_generated.py) on the fake EDGAR
through run-all and Dagster; amendments; the `parse` command.

Expected values come from the generator's plan (etf_assets_tests/fake_edgar/tsr.py),
never from the parser. No real ETF TSR exists offline (fixtures/sec/PROVENANCE.md);
the real Vanguard highlights excerpt is tested in test_ncsr_rows.py."""

from __future__ import annotations

from datetime import date

import pytest
from dagster import DagsterInstance
from sqlalchemy import func, select, update

from etf_assets.cli import main
from etf_assets.ncsr.highlights import ITEMS
from etf_assets.ncsr.load import load_ncsr
from etf_assets.warehouse.engine import make_engine
from etf_assets.warehouse.tables import (
    etf,
    ncsr_expense,
    ncsr_holding,
    ncsr_line_graph,
    ncsr_statistic,
    per_share_distribution,
    per_share_operating,
    per_share_ratio,
    performance,
)
from etf_assets_tests.conftest import start_fake
from etf_assets_tests.fake_edgar.build import NCSR_REPORTS, generated_trust
from etf_assets_tests.fake_edgar.tsr import generate_ncsr_html, plan_ncsr
from etf_assets_tests.runs import check_results, run_checks

PER_SHARE_TABLES = (per_share_operating, per_share_distribution, per_share_ratio)


def _per_share(conn, accession: str) -> dict[tuple[str, date], dict]:
    """(class id, period end) -> every per-share item of the three tables."""
    out: dict[tuple[str, date], dict] = {}
    for table in PER_SHARE_TABLES:
        for r in conn.execute(select(table).where(table.c.accession_number == accession)):
            out.setdefault((r.class_id, r.period_end), {}).update(
                {k: v for k, v in r._mapping.items() if k in ITEMS and v is not None})
    return out


def _assert_report(conn, accession: str, plan) -> None:
    etf_classes = [c for c in plan.classes if c.is_etf]
    rows = {r.class_id: r for r in conn.execute(select(ncsr_expense).where(
        ncsr_expense.c.accession_number == accession))}
    assert set(rows) == {c.class_id for c in etf_classes}  # mutual-fund classes left out
    for c in etf_classes:
        r = rows[c.class_id]
        assert (r.series_id, r.ticker, r.expense_ratio, r.expenses_paid, r.period_start,
                r.period_end, r.class_resolved_by) == (
            c.series_id, c.ticker, c.expense_ratio, c.expenses_paid, c.period_start,
            c.period_end, "member")
        stats = dict(conn.execute(select(ncsr_statistic.c.statistic, ncsr_statistic.c.value)
                                  .where(ncsr_statistic.c.accession_number == accession,
                                         ncsr_statistic.c.class_id == c.class_id)).all())
        assert stats["net_assets"] == c.net_assets
        assert stats["holdings_count"] == c.holdings_count
        assert stats["portfolio_turnover"] == c.portfolio_turnover
        assert stats["advisory_fees_paid"] == c.advisory_fees_paid
        assert stats.get("etf_premium_days") == c.premium_days
        # Every fund return of the plan, each period its own row.
        fund = {(r.period, r.period_start): r.value for r in conn.execute(
            select(performance).where(performance.c.accession_number == accession,
                                      performance.c.source == "ncsr",
                                      performance.c.class_id == c.class_id))}
        assert fund == {(x.period, x.start): x.value for x in c.returns if x.subject == "fund"}
        index = {(r.index_member, r.period, r.index_name) for r in conn.execute(
            select(performance).where(performance.c.accession_number == accession,
                                      performance.c.subject == "index",
                                      performance.c.series_id == c.series_id))}
        assert {(x.index_member, x.period, x.index_name) for x in c.returns
                if x.subject == "index"} <= index
        graph = conn.execute(select(func.count()).select_from(ncsr_line_graph).where(
            ncsr_line_graph.c.accession_number == accession,
            ncsr_line_graph.c.class_id == c.class_id)).scalar_one()
        assert graph == len(c.line_graph)
        holdings = {(h.label, h.value) for h in conn.execute(select(ncsr_holding).where(
            ncsr_holding.c.accession_number == accession,
            ncsr_holding.c.class_id == c.class_id))}
        assert {h.value for h in c.holdings} == {v for _, v in holdings}
    # Financial Highlights: every column of every ETF class's table, item for item.
    per_share = _per_share(conn, accession)
    expected = {(c.class_id, col.period.end): col.values
                for c, t in zip(plan.classes, plan.highlights) if c.is_etf
                for col in t.columns}
    assert per_share == expected


def test_run_all_loads_generated_shareholder_reports_and_checks_pass(sec_env, capsys):
    """Three generated trusts, each with an N-CSR (FYE 2026-06-30) and an N-CSRS
    (2025-12-31); trust 003 also has a mutual-fund series whose two classes are left
    out. The warehouse holds the plan's TSR figures and every highlights column."""
    with start_fake(generated_trusts=3, real_tickers=False, real_filings=False) as edgar:
        sec_env(edgar)
        assert main(["run-all"]) == 0
        out = capsys.readouterr().out
        assert "N-CSR 2 report(s)" in out
        with make_engine().connect() as conn:
            for i in range(3):
                cik, name, series = generated_trust(i, 2)
                for report, _, semiannual in NCSR_REPORTS:
                    [ref] = [f for f in edgar.corpus.filings if f.cik == cik
                             and f.report_date == report and f.form.startswith("N-CSR")]
                    plan = plan_ncsr(cik=f"{cik:010d}", reg_name=name, series=series,
                                     period_end=report, semiannual=semiannual, seed=42 + i)
                    _assert_report(conn, ref.accession, plan)
            assert conn.execute(select(func.count()).select_from(ncsr_expense).where(
                ncsr_expense.c.class_id.like("C900029%"))).scalar_one() == 0

        instance = DagsterInstance.get()
        verdicts = check_results(run_checks(instance))
        for check in ("etf_classes_with_tsr_have_expense_ratio", "returns_within_bounds",
                      "class_ids_belong_to_trust", "per_share_arithmetic",
                      "highlights_attributed"):
            for cik in ("0000000101", "0000000102", "0000000103"):
                assert verdicts[(check, cik)], (check, cik)

        # A broken NAV and a missing expense ratio are found (the rows are kept).
        with make_engine().begin() as conn:
            conn.execute(update(per_share_operating).where(
                per_share_operating.c.cik == "0000000101",
                per_share_operating.c.column_index == 0).values(
                    arithmetic_problem="nav_end off by 0.05"))
            conn.execute(update(ncsr_expense).where(
                ncsr_expense.c.cik == "0000000102").values(expense_ratio=None))
        verdicts = check_results(run_checks(instance))
        assert verdicts[("per_share_arithmetic", "0000000101")] is False
        assert verdicts[("etf_classes_with_tsr_have_expense_ratio", "0000000102")] is False
        assert verdicts[("per_share_arithmetic", "0000000102")] is True
        instance.dispose()


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres",
                                                            marks=pytest.mark.postgres)])
def test_amendment_is_kept_beside_the_original_and_one_class_report_resolves(
        backend, request, tmp_path):
    """On SQLite and PostgreSQL: an N-CSR/A adds its own rows (the original stays); a
    one-class trust's report tagged without oef:ClassAxis is resolved to the class by
    its ticker; loading a report again replaces it (same rows)."""
    engine = (make_engine(f"sqlite:///{tmp_path / 'w.db'}") if backend == "sqlite"
              else request.getfixturevalue("pg_engine"))
    cik, name, series = generated_trust(0, 1)
    s = series[0]
    with engine.begin() as conn:
        conn.execute(etf.insert(), [{
            "class_id": c["class_id"], "ticker": c["ticker"], "series_id": s.series_id,
            "cik": f"{cik:010d}", "fund_name": s.name, "class_name": c["name"],
            "is_etf": True, "decision_source": "ncen", "first_seen": date(2026, 1, 1),
            "last_seen": date(2026, 1, 1), "active": True} for c in s.classes])
    kw = dict(cik=f"{cik:010d}", reg_name=name, series=[s], period_end=date(2026, 6, 30),
              semiannual=False, seed=7)
    plan = plan_ncsr(**kw, undimensioned=True)
    docs = [("0009999930-26-000001", "N-CSR", generate_ncsr_html(**kw, undimensioned=True)),
            ("0009999930-26-000002", "N-CSR/A",
             generate_ncsr_html(**kw, undimensioned=True, amendment=True))]
    for accession, form, data in docs + docs[:1]:  # the original twice: replaced
        with engine.begin() as conn:
            load_ncsr(conn, data, accession=accession, filing_date=date(2026, 8, 25),
                      cik=str(cik), url="https://example.invalid", form=form)
    [c] = plan.classes
    with engine.connect() as conn:
        rows = conn.execute(select(ncsr_expense).order_by(ncsr_expense.c.accession_number)
                            ).all()
        assert [(r.accession_number, r.class_id, r.class_resolved_by, r.expense_ratio)
                for r in rows] == [
            ("0009999930-26-000001", c.class_id, "ticker", c.expense_ratio),
            ("0009999930-26-000002", c.class_id, "ticker", c.expense_ratio)]
        per_accession = dict(conn.execute(
            select(performance.c.accession_number, func.count())
            .group_by(performance.c.accession_number)).all())
        assert per_accession == {a: len(c.returns) for a, _, _ in docs}


def test_parse_command_summarizes_a_shareholder_report(tmp_path, capsys):
    """`etf-pipeline parse` detects an N-CSR and prints each class's expense ratio and
    returns and each highlights table."""
    cik, name, series = generated_trust(0, 2)
    plan = plan_ncsr(cik=f"{cik:010d}", reg_name=name, series=series,
                     period_end=date(2026, 6, 30), semiannual=False, seed=3)
    path = tmp_path / "ncsr.htm"
    path.write_bytes(generate_ncsr_html(cik=f"{cik:010d}", reg_name=name, series=series,
                                        period_end=date(2026, 6, 30), semiannual=False,
                                        seed=3))
    assert main(["parse", str(path)]) == 0
    out = capsys.readouterr().out
    assert "document_type          N-CSR" in out
    for c in plan.classes:
        assert f"class_id {c.class_id}, ticker {c.ticker}, expense_ratio {c.expense_ratio}" \
            in out
    assert out.count("highlights_table") == len(plan.highlights)
