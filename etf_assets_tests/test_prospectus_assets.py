"""The prospectus slice end to end: generated ETF 485BPOS documents on the fake EDGAR
through run-all and Dagster, and the real Delaware 485BPOS through the loader."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from dagster import DagsterInstance
from sqlalchemy import func, select, update

from etf_assets.cli import main
from etf_assets.prospectus.checks import one_year_example
from etf_assets.prospectus.load import load_prospectus
from etf_assets.warehouse.engine import make_engine
from etf_assets.warehouse.tables import (
    etf,
    filing_skip,
    performance,
    prospectus_expense_example,
    prospectus_fee,
    prospectus_series,
)
from etf_assets_tests.conftest import start_fake
from etf_assets_tests.fake_edgar.build import fixture_path, generated_trust
from etf_assets_tests.fake_edgar.prospectus import plan_485bpos
from etf_assets_tests.runs import check_results, run_checks

DELAWARE = "prospectus/0000027574_Delaware.485BPOS.html"


def test_run_all_loads_generated_etf_prospectuses_and_checks_pass(sec_env, capsys):
    """Three generated trusts, each with a 485BPOS (rr inline XBRL) for all its series;
    trust 003 also has a mutual-fund series, whose classes are left out. The warehouse
    holds exactly the plan's fee table, examples and objectives (expected values come
    from the generator's plan, not from the parser)."""
    with start_fake(generated_trusts=3, real_tickers=False, real_filings=False) as edgar:
        sec_env(edgar)
        assert main(["run-all"]) == 0
        out = capsys.readouterr().out
        assert "485BPOS 1 prospectus(es)" in out
        filings = {f.cik: f for f in edgar.corpus.filings if f.form == "485BPOS"}
        with make_engine().connect() as conn:
            for i in range(3):
                cik, name, series = generated_trust(i, 2)
                ref = filings[cik]
                plan = plan_485bpos(cik=f"{cik:010d}", reg_name=name, series=series,
                                    effective=ref.filing_date, seed=42 + i)
                etf_plans = [s for s in plan.series if s.is_etf]
                rows = {r.class_id: r for r in conn.execute(select(prospectus_fee).where(
                    prospectus_fee.c.accession_number == ref.accession))}
                assert set(rows) == {c.class_id for s in etf_plans for c in s.classes}
                for s in etf_plans:
                    for c in s.classes:
                        r = rows[c.class_id]
                        assert (r.management_fee, r.other_expenses,
                                r.total_annual_expenses, r.fee_waiver, r.net_expenses) == (
                            c.management_fee, c.other_expenses, c.total_annual_expenses,
                            c.fee_waiver, c.net_expenses)
                        assert r.ticker == c.ticker and r.effective_date == plan.effective
                        ex = dict(conn.execute(
                            select(prospectus_expense_example.c.years,
                                   prospectus_expense_example.c.amount).where(
                                prospectus_expense_example.c.accession_number == ref.accession,
                                prospectus_expense_example.c.fee_key == c.class_id,
                                prospectus_expense_example.c.redemption.is_(True))).all())
                        assert ex == {y: Decimal(v) for (y, red), v in c.examples.items()
                                      if red}
                    objective = conn.execute(select(prospectus_series.c.objective).where(
                        prospectus_series.c.accession_number == ref.accession,
                        prospectus_series.c.series_id == s.series_id)).scalar_one()
                    assert objective == s.objective
                    index = conn.execute(select(performance.c.value).where(
                        performance.c.accession_number == ref.accession,
                        performance.c.series_id == s.series_id,
                        performance.c.subject == "index", performance.c.period == "1y")
                    ).scalar_one()
                    assert index == s.index_returns["1y"]
            # Trust 003's mutual-fund classes are not in the warehouse.
            assert conn.execute(select(func.count()).select_from(prospectus_fee).where(
                prospectus_fee.c.class_id.like("C900029%"))).scalar_one() == 0

        instance = DagsterInstance.get()
        result = run_checks(instance)
        verdicts = check_results(result)
        for name in ("net_expenses_arithmetic", "expense_example_matches_net_ratio",
                     "etf_classes_have_fees"):
            assert verdicts[(name, "0000000103")], name

        # A broken net ratio is found by the check (the row is kept).
        with make_engine().begin() as conn:
            conn.execute(update(prospectus_fee).where(
                prospectus_fee.c.cik == "0000000101").values(net_expenses=Decimal("0.5")))
        verdicts = check_results(run_checks(instance, "0000000101"))
        assert verdicts[("net_expenses_arithmetic", "0000000101")] is False
        instance.dispose()


DELAWARE_ACCESSION = "0000000000-24-000001"  # INVENTED: the fixture's own is not kept


def _load_delaware(engine):
    """The Delaware 485BPOS loaded as if DDVIX (C000006336) were the trust's only ETF."""
    with engine.begin() as conn:
        if not conn.execute(select(func.count()).select_from(etf)).scalar_one():
            conn.execute(etf.insert(), [{
                "class_id": "C000006336", "ticker": "DDVIX", "series_id": "S000002391",
                "cik": "0000027574", "is_etf": True, "decision_source": "ncen",
                "first_seen": date(2026, 1, 1), "last_seen": date(2026, 1, 1),
                "active": True}])
        return load_prospectus(
            conn, fixture_path(DELAWARE).read_bytes(), accession=DELAWARE_ACCESSION,
            filing_date=date(2024, 3, 28), cik="27574", url="https://example.invalid",
            form="485BPOS")


def test_real_delaware_485bpos_loads_only_etf_classes(tmp_path):
    """Delaware Group Equity Funds II 485BPOS (rr/2023, mutual fund, CIK 0000027574):
    as if DDVIX (C000006336) were its only ETF class, only that class's fee table,
    examples and returns load; DDVIX 0.0069 total, 1-year example $70 (= 10,000 x r x
    (1 + (5% - r)/2) rounded); the Russell 1000 Value index rows come with its series."""
    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    written, kept = _load_delaware(engine)
    assert written["prospectus_fee"] == 1 and kept.non_etf_fee_tables == 4
    with engine.connect() as conn:
        fee = conn.execute(select(prospectus_fee)).one()
        assert (fee.class_id, fee.ticker, fee.total_annual_expenses) == (
            "C000006336", "DDVIX", Decimal("0.0069"))
        assert fee.effective_date == date(2024, 4, 1)
        one = conn.execute(select(prospectus_expense_example.c.amount).where(
            prospectus_expense_example.c.years == 1,
            prospectus_expense_example.c.redemption.is_(True))).scalar_one()
        assert one == 70 and round(one_year_example(Decimal("0.0069"))) == 70
        index = conn.execute(select(performance.c.index_name, performance.c.value).where(
            performance.c.subject == "index", performance.c.period == "1y")).one()
        assert index == ("Russell 1000® Value Index", Decimal("0.1146"))
        assert conn.execute(select(func.count()).select_from(performance).where(
            performance.c.subject == "fund", performance.c.class_id == "C000006333")
        ).scalar_one() == 0  # class A (DDVAX) is not an ETF here


def test_what_a_load_left_out_is_kept_per_accession_and_served(tmp_path):
    """The Delaware 485BPOS with DDVIX its only ETF class: the load leaves out 4 fee
    tables (the other classes') and 30 returns rows; `filing_skip` keeps them by reason
    in the load's transaction, a reload replaces them (with DDVAX an ETF too: 3 fee tables
    left out, 9 returns rows: the counts the run's metadata reports), and
    /api/filings/{accession} says so."""
    from fastapi.testclient import TestClient

    from etf_assets.serve.app import create_app, read_only_engine
    from etf_assets.serve.models import FilingDetail

    url = f"sqlite:///{tmp_path / 'w.db'}"
    engine = make_engine(url)
    _load_delaware(engine)

    def reasons():
        with engine.connect() as conn:
            return dict(conn.execute(select(filing_skip.c.reason, filing_skip.c.skipped)
                                     .where(filing_skip.c.accession_number
                                            == DELAWARE_ACCESSION)).all())

    assert reasons() == {"non_etf_fee_tables": 4, "non_etf_returns": 30}
    with engine.begin() as conn:
        conn.execute(etf.insert(), [{
            "class_id": "C000006333", "ticker": "DDVAX", "series_id": "S000002391",
            "cik": "0000027574", "is_etf": True, "decision_source": "ncen",
            "first_seen": date(2026, 1, 1), "last_seen": date(2026, 1, 1), "active": True}])
    _, kept = _load_delaware(engine)
    assert reasons() == {r: n for r, n in kept.reasons().items() if n} == {
        "non_etf_fee_tables": 3, "non_etf_returns": 9}

    app = create_app(read_only_engine(url), api_keys=frozenset(), rate_per_minute=1_000_000)
    with TestClient(app, client=("127.0.0.1", 50000)) as api:
        body = api.get(f"/api/filings/{DELAWARE_ACCESSION}").json()
    FilingDetail.model_validate(body)
    assert body["skip_reasons"] == [{"reason": "non_etf_fee_tables", "skipped": 3},
                                    {"reason": "non_etf_returns", "skipped": 9}]
    assert "filing_skip" not in body["tables"] and body["tables"]["prospectus_fee"] == 2


def test_parse_command_detects_a_485bpos_and_reads_an_untagged_one(capsys):
    """`etf-pipeline parse` on the Delaware 485BPOS names its five classes (DDVIX total
    0.0069); iShares' untagged 485APOS 0001193125-24-100942 (a new series whose fee
    table still has blanks, "___%") is read from its HTML table: 12b-1 "None" and other
    expenses 0.00% read, management fee and total skipped as not numbers (issue 25;
    before, the bare document was sniffed as an N-CSR for mentioning its highlights)."""
    assert main(["parse", str(fixture_path(DELAWARE))]) == 0
    out = capsys.readouterr().out
    assert "485BPOS" in out and "ticker DDVIX, total 0.0069" in out
    assert out.count("fee_table") == 5
    untagged = "prospectus/0001100663_0001193125-24-100942_485APOS_d782786d485apos.htm"
    assert main(["parse", str(fixture_path(untagged)), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["read_from"] == "html" and out["form"].startswith("prospectus (sniffed")
    assert (out["facts"], out["mapped"], out["skipped"]) == (
        4, 2, {"not a number: '___%'": 2})
