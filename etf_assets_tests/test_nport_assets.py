"""The NPORT-P multi-asset end to end: fake EDGAR -> parser -> warehouse -> Dagster."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from dagster import DagsterInstance
from sqlalchemy import func, select

from etf_assets.warehouse.engine import make_engine
from etf_assets.warehouse.tables import (
    derivative,
    filing,
    holding,
    nport_monthly_flow,
    nport_report,
)
from etf_assets_tests.conftest import start_fake
from etf_assets_tests.fake_edgar.build import fixture_path, nport_filing
from etf_assets.freshness.stale import GROUPS, TRUST_ASSETS, read_states
from etf_assets_tests.runs import (
    check_results,
    materializations,
    metadata,
    run_checks,
    run_trusts,
    run_universe,
)

GLOBALX = "0001432353"
TRUST = "0000000101"
NPORT = ["holdings", "derivatives"]


def _publish_amendment(edgar, report: date, n_holdings: int, seed: int):
    """Trust 101 files an NPORT-P/A of series S900000000's `report` on 2026-11-25."""
    corpus = edgar.corpus
    amend = nport_filing(101, "Fakeshares Trust 001", corpus.accessions.next(2026),
                         "S900000000", "Fakeshares ETF", [], report, date(2026, 11, 25),
                         n_holdings=n_holdings, n_derivatives=0, seed=seed,
                         form="NPORT-P/A")
    corpus.add(amend)
    return amend


def _count(conn, table, **where) -> int:
    q = select(func.count()).select_from(table)
    for col, val in where.items():
        q = q.where(table.c[col] == val)
    return conn.execute(q).scalar_one()


@pytest.fixture
def edgar(sec_env):
    edgar = start_fake(generated_trusts=2, holdings_per_series=30, derivatives_per_series=5)
    sec_env(edgar)
    yield edgar
    edgar.stop()


def test_global_x_dax_loads_from_fake_edgar(edgar, warehouse_url):
    """Global X DAX Germany ETF NPORT-P (fixture, repPdDate 2024-01-31): 41 positions,
    1 future; value sum computed here from the XML, not from the parser. On SQLite and
    on PostgreSQL."""
    xml = fixture_path("nport/0001432353_GlobalX_DAX_Germany_ETF_NPORT-P_2024-01-31.xml"
                       ).read_text()
    expected_positions = len(re.findall(r"<invstOrSec>", xml))
    expected_value = sum(Decimal(v) for v in re.findall(r"<valUSD>([^<]+)</valUSD>", xml))
    instance = DagsterInstance.ephemeral()
    assert run_universe(instance).success
    result = run_trusts(instance, GLOBALX, NPORT)
    assert result.success
    # Never classified: classified first, in the same run (no N-CEN on the fake EDGAR
    # for Global X: the ticker-shape decision stays, and says so).
    assert metadata(result, "etf_classification", GLOBALX)["ncen_accession"] is None
    md = metadata(result, "holdings", GLOBALX)
    assert md["filings_loaded"] == 1 and md["rows_holding"] == expected_positions == 41
    # Like SEC, the fake's submissions point at the XSL rendering (HTML); the raw XML
    # was fetched instead.
    sub = edgar.corpus.submissions(int(GLOBALX))["filings"]["recent"]["primaryDocument"]
    assert sub == ["xslFormNPORT-P_X01/primary_doc.xml"]
    assert not [r.path for r in edgar.served() if "/xslForm" in r.path]
    assert md["rows_derivative"] == 1
    assert md["nport_data_version"].startswith("2024-03-27|")  # filing date|accession
    assert md["newest_report"].startswith("2024-01-31|")
    checks = check_results(result)
    assert checks[("rows_match_positions", GLOBALX)]
    assert checks[("keys_unique_and_series_are_etfs", GLOBALX)]
    assert checks[("derivative_rows_match_holdings", GLOBALX)]
    with make_engine().connect() as conn:
        values = conn.execute(select(holding.c.value_usd).where(
            holding.c.cik == GLOBALX)).scalars().all()
        assert all(isinstance(v, Decimal) for v in values)
        assert sum(values) == expected_value == Decimal("55196718.89")
        assert conn.execute(select(derivative.c.kind).where(derivative.c.cik == GLOBALX)
                            ).scalar_one() == "future"


def test_trust_twice_is_idempotent_and_second_run_fetches_no_document(edgar, warehouse_url):
    """Generated trust 101: two ETF series; default depth loads each series' newest
    report (2026-09-30); a second materialization loads nothing and fetches no document."""
    instance = DagsterInstance.ephemeral()
    assert run_universe(instance).success
    assert run_trusts(instance, TRUST).success
    engine = make_engine()
    with engine.connect() as conn:
        first = {t.name: _count(conn, t, cik=TRUST) for t in (holding, derivative, filing)}
        reports = conn.execute(select(nport_report.c.series_id, nport_report.c.report_date)
                               .where(nport_report.c.cik == TRUST)).all()
    assert sorted(reports) == [("S900000000", date(2026, 9, 30)),
                               ("S900000001", date(2026, 9, 30))]
    assert first["holding"] == 60 and first["derivative"] == 10
    edgar.reset()
    result = run_trusts(instance, TRUST, NPORT)
    assert result.success
    md = metadata(result, "holdings", TRUST)
    assert md["filings_loaded"] == 0 and md["filings_skipped"]["already loaded"] == 2
    assert not [r for r in edgar.served() if r.path.endswith("primary_doc.xml")]
    with engine.connect() as conn:
        assert {t.name: _count(conn, t, cik=TRUST)
                for t in (holding, derivative, filing)} == first
        distinct = conn.execute(select(func.count()).select_from(
            select(holding.c.accession_number, holding.c.series_key, holding.c.position)
            .where(holding.c.cik == TRUST).distinct().subquery())).scalar_one()
        assert distinct == first["holding"]


def test_report_loaded_before_monthly_flows_were_parsed_is_loaded_again(edgar):
    """A warehouse filled before Part B was parsed: its reports have no monthly rows.
    The next materialization loads exactly those reports again (atomically replaced),
    so three_months_per_report passes; reports with monthly rows stay untouched."""
    instance = DagsterInstance.ephemeral()
    assert run_universe(instance).success
    assert run_trusts(instance, TRUST).success
    engine = make_engine()
    with engine.begin() as conn:
        old = conn.execute(select(nport_report.c.accession_number)
                           .where(nport_report.c.cik == TRUST)).scalars().first()
        conn.execute(nport_monthly_flow.delete().where(
            nport_monthly_flow.c.accession_number == old))
    checked = run_checks(instance, TRUST)
    assert not check_results(checked)[("three_months_per_report", TRUST)]
    edgar.reset()
    result = run_trusts(instance, TRUST, GROUPS["nport"].assets)
    assert result.success
    md = metadata(result, "holdings", TRUST)
    assert md["accessions_loaded"] == [old] and md["filings_skipped"]["already loaded"] == 1
    assert check_results(result)[("three_months_per_report", TRUST)]
    with engine.connect() as conn:
        assert _count(conn, nport_monthly_flow, accession_number=old) == 3


def test_since_loads_history_and_amendment_adds_rows(edgar):
    instance = DagsterInstance.ephemeral()
    assert run_universe(instance).success
    result = run_trusts(instance, TRUST, since="2026-01-01")
    assert metadata(result, "holdings", TRUST)["filings_loaded"] == 4  # 2 series x 2 reports
    # Publish an amendment of series S900000000's 2026-09-30 report.
    amend = _publish_amendment(edgar, date(2026, 9, 30), n_holdings=7, seed=99)
    edgar.set_today(date(2026, 11, 26))
    result = run_trusts(instance, TRUST, NPORT)
    md = metadata(result, "holdings", TRUST)
    assert md["accessions_loaded"] == [amend.accession]
    with make_engine().connect() as conn:
        assert _count(conn, holding, accession_number=amend.accession) == 7
        assert _count(conn, holding, cik=TRUST) == 4 * 30 + 7  # originals untouched
        assert _count(conn, filing, form="NPORT-P/A") == 1


def test_broken_filing_fails_its_trust_alone_in_a_batch(edgar):
    """Trusts 101 and 102 in one run; trust 101's newest NPORT-P is broken: 102 loads and
    is materialized, 101 gets no N-PORT materialization (it stays stale and is asked
    for again), and the run fails naming the trust and the accession."""
    instance = DagsterInstance.ephemeral()
    assert run_universe(instance).success
    bad = next(f for f in edgar.corpus.filings
               if f.cik == 101 and f.form == "NPORT-P" and f.report_date == date(2026, 9, 30))
    bad.documents[0] = (bad.documents[0][0], "primary_doc.xml", b"<edgarSubmission><broken")
    result = run_trusts(instance, [TRUST, "0000000102"])
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert bad.accession in failure.step_failure_data.error.message
    assert TRUST in failure.step_failure_data.user_failure_data.metadata["failed_trusts"].value
    mats = materializations(result)
    assert {k for k in mats if k[1] == "0000000102"} == {
        (k.to_user_string(), "0000000102") for k in TRUST_ASSETS}
    # The N-PORT failure is one filing's (issue 24): the trust's other forms still load;
    # its N-PORT assets wait for the retry.
    assert {k for k in mats if k[1] == TRUST} == {
        (k.to_user_string(), TRUST) for k in TRUST_ASSETS} - {
        (k, TRUST) for k in ("holdings", "derivatives", "monthly_flows", "monthly_returns")}
    checks = check_results(result)
    assert checks[("rows_match_positions", "0000000102")]
    assert ("rows_match_positions", TRUST) not in checks  # nothing new to check
    state = read_states(instance, [TRUST, "0000000102"])
    assert state[TRUST].seen["nport"] is None and state["0000000102"].seen["nport"]
    assert state[TRUST].busy and "failure" in state[TRUST].busy  # retried after back-off
    with make_engine().connect() as conn:
        assert _count(conn, holding, accession_number=bad.accession) == 0
        assert _count(conn, filing, accession_number=bad.accession) == 0
        # The other series' newest report loaded; the broken series fell back to its
        # previous report (2026-06-30) until the broken one can be read.
        loaded = conn.execute(select(nport_report.c.series_id, nport_report.c.report_date)
                              .where(nport_report.c.cik == TRUST)).all()
        assert sorted(loaded) == [(bad.series[0]["series_id"], date(2026, 6, 30)),
                                  ("S900000001", date(2026, 9, 30))]


def test_checks_only_run_reads_the_warehouse_and_names_the_failing_trust(edgar):
    """Three holding rows of trust 102 go missing from the warehouse: a checks-only run
    (no partition: every trust, plus a summary) fails rows_match_positions for 102 only,
    and downloads nothing; with a partition, only that trust is evaluated."""
    instance = DagsterInstance.ephemeral()
    assert run_universe(instance).success
    assert run_trusts(instance, [TRUST, "0000000102"]).success
    engine = make_engine()
    with engine.begin() as conn:
        victims = conn.execute(select(holding.c.accession_number, holding.c.position)
                               .where(holding.c.cik == "0000000102").limit(3)).all()
        for acc, pos in victims:
            conn.execute(holding.delete().where(holding.c.accession_number == acc,
                                                holding.c.position == pos))
    edgar.reset()
    result = run_checks(instance)
    assert result.success and edgar.served() == []
    checks = check_results(result)
    assert checks[("rows_match_positions", TRUST)] is True
    assert checks[("rows_match_positions", "0000000102")] is False
    assert checks[("rows_match_positions", None)] is False  # the summary
    summary = next(e for e in result.get_asset_check_evaluations()
                   if e.check_name == "rows_match_positions" and e.partition is None)
    assert summary.metadata["failing_trusts"].value == ["0000000102"]
    assert checks[("etfs_found", None)] is True  # the universe's checks run too
    result = run_checks(instance, TRUST)
    assert {p for _, p in check_results(result)} == {TRUST, None}  # None: universe checks
    assert edgar.served() == []


def test_filings_beyond_the_recent_block_are_found_in_submission_pages(edgar):
    """SEC keeps ~1,000 filings inline; here 3: trust 101's N-CEN and older NPORT-Ps
    move to CIK0000000101-submissions-001.json and must still be found."""
    edgar.corpus.recent_limit = 3
    instance = DagsterInstance.ephemeral()
    assert run_universe(instance).success
    result = run_trusts(instance, TRUST, ["etf_classification"])
    assert result.success
    md = metadata(result, "etf_classification", TRUST)
    assert md["ncen_accession"] and md["etf_series"] == 2
    assert "/submissions/CIK0000000101-submissions-001.json" in [
        r.path for r in edgar.served()]
    result = run_trusts(instance, TRUST, NPORT, since="2026-01-01")
    assert metadata(result, "holdings", TRUST)["filings_loaded"] == 4  # 2 of them on the page


def test_late_amendment_of_an_older_loaded_report_is_loaded(edgar):
    """Default depth loads the newest report; an NPORT-P/A of an older report that is in
    the warehouse (loaded with `since`) is loaded later under its own accession."""
    instance = DagsterInstance.ephemeral()
    assert run_universe(instance).success
    assert run_trusts(instance, TRUST, since="2026-01-01").success
    amend = _publish_amendment(edgar, date(2026, 6, 30), n_holdings=4, seed=5)
    edgar.set_today(date(2026, 12, 1))
    result = run_trusts(instance, TRUST, NPORT)  # default depth
    assert metadata(result, "holdings", TRUST)["accessions_loaded"] == [amend.accession]
    with make_engine().connect() as conn:
        assert _count(conn, holding, accession_number=amend.accession) == 4
