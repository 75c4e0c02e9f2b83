"""Universe v2: UIT ETFs (SPY, DIA), exchange-traded products (GLD), ticker history and
trusts that leave, from SEC's real ticker files and SPY's / DIA's real filings."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

from dagster import DagsterInstance
from lxml import etree
from sqlalchemy import func, select

from etf_assets.cli import main
from etf_assets.partitions import CIK_PARTITIONS_NAME
from etf_assets.universe.listed import (
    CLOSED_END_FUND,
    EXCHANGE_TRADED_PRODUCT,
    NOT_A_FUND,
    UIT_ETF,
    ListedEntity,
    Observation,
    decide_listed,
    fund_like_candidates,
    parse_listed,
    ticker_periods,
)
from etf_assets.universe.parse import MfClass
from etf_assets.warehouse.engine import make_engine
from etf_assets.warehouse.tables import (
    etf,
    holding,
    listed_security,
    series,
    ticker_period,
    trust,
)
from etf_assets.warehouse.universe import load_universe
from etf_assets_tests.conftest import start_fake
from etf_assets_tests.fake_edgar.build import (
    DIA_CIK,
    DIA_NPORT,
    SPY_CIK,
    SPY_NPORT,
    fixture_path,
)
from etf_assets_tests.runs import check_results, metadata, run_universe

SPY, DIA = f"{SPY_CIK:010d}", f"{DIA_CIK:010d}"
EXCHANGE_FILE = "tickers/company_tickers_exchange_2024-03.json"
SPY_SUBMISSIONS = "submissions/CIK0000884394_SPY_submissions_recent40_trimmed.json"


def test_listed_candidates_from_the_real_exchange_ticker_file():
    """SEC's company_tickers_exchange.json (2024-03, 10,171 rows): UIT ETFs and grantor
    trusts are candidates; operating companies and trusts already in
    company_tickers_mf.json (2025-09) are not."""
    raw = json.loads(fixture_path(EXCHANGE_FILE).read_bytes())
    listed = parse_listed(fixture_path(EXCHANGE_FILE).read_bytes())
    assert len(listed) == len([r for r in raw["data"] if r[2]]) == 10_171
    spy = next(e for e in listed if e.ticker == "SPY")
    assert spy == ListedEntity("0000884394", "SPY", "SPDR S&P 500 ETF TRUST", "NYSE")
    mf = json.loads(fixture_path("tickers/company_tickers_mf_2025-09.json").read_bytes())
    mf_ciks = {f"{r[0]:010d}" for r in mf["data"]}
    tickers = {e.ticker for e in fund_like_candidates(listed, mf_ciks)}
    assert {"SPY", "DIA", "QQQ", "MDY", "GLD", "SLV", "USO"} <= tickers
    assert not {"AAPL", "MSFT", "NVDA"} & tickers
    assert "0000036405" in mf_ciks and "VTI" not in tickers  # Vanguard: in the MF file


def test_decide_listed_from_real_and_shaped_evidence():
    """SPY's real submissions (0000884394: NPORT-P, N-CEN, 485BPOS) with an S-6 N-CEN is a
    UIT ETF; with an NPORT-P under no series and no N-CEN too; N-2 is a closed-end fund;
    a 10-K filer with SIC 6221 is an exchange-traded product; a bank is not a fund."""
    subs = json.loads(fixture_path(SPY_SUBMISSIONS).read_bytes())
    spy = ListedEntity("0000884394", "SPY", "SPDR S&P 500 ETF TRUST", "NYSE")
    d = decide_listed(spy, subs, ncen_type="S-6", ncen_accession="0001410368-26-023904")
    assert d.kind == UIT_ETF and d.is_etf
    assert d.evidence_accession == "0001410368-26-023904" and "N-8B-2" in d.reason
    d = decide_listed(spy, subs, nport_has_series=False, nport_accession=SPY_NPORT)
    assert d.kind == UIT_ETF and "485BPOS" in d.reason
    # The same NPORT evidence from a trust that offers on N-2 is not a UIT.
    cef = {**subs, "filings": {"recent": {"form": ["NPORT-P", "N-2", "N-CSR"]}}}
    assert decide_listed(spy, cef, nport_has_series=False).kind != UIT_ETF
    assert decide_listed(spy, subs, ncen_type="N-2").kind == CLOSED_END_FUND
    gld = ListedEntity("0001222333", "GLD", "SPDR GOLD TRUST", "NYSE")
    ten_k = {"sic": "6221", "filings": {"recent": {"form": ["10-K", "10-Q", "8-K"]}}}
    d = decide_listed(gld, ten_k)
    assert d.kind == EXCHANGE_TRADED_PRODUCT and "no N-PORT" in d.reason
    bank = ListedEntity("0000073124", "NTRS", "NORTHERN TRUST CORP", "Nasdaq")
    assert decide_listed(bank, {**ten_k, "sic": "6022"}).kind == NOT_A_FUND


def test_ticker_periods_keep_both_periods_and_any_arrival_order():
    A, B = "OLDT", "NEWT"
    obs = [Observation(A, date(2025, 1, 2), date(2025, 6, 30), "mf: refresh"),
           Observation(B, date(2025, 7, 1), date(2025, 9, 1), "mf: refresh"),
           Observation(A, date(2025, 3, 3), date(2025, 3, 3), "SGML: 0000000001-25-000001")]
    for order in (obs, obs[::-1]):
        periods = ticker_periods(order)
        assert [(p.ticker, p.valid_from, p.valid_to, p.last_observed) for p in periods] == [
            (A, date(2025, 1, 2), date(2025, 7, 1), date(2025, 6, 30)),
            (B, date(2025, 7, 1), None, date(2025, 9, 1))]
    assert ticker_periods([]) == []


def test_ticker_moves_between_classes_across_two_refreshes(tmp_path):
    """Refresh 1: class C1 trades as ABCD; refresh 2: ABCD belongs to class C2 and C1
    trades as WXYZ. Both periods of each class are kept; ABCD is never merged across
    classes, and the universe checks see one current ticker per class."""
    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    cik = "0000000999"
    day1, day2 = datetime(2026, 1, 5, 12), datetime(2026, 2, 9, 12)
    with engine.begin() as conn:
        load_universe(conn, [MfClass(cik, "S999000001", "C999000001", "ABCD"),
                             MfClass(cik, "S999000002", "C999000002", "EFGH")], day1)
    with engine.begin() as conn:
        load_universe(conn, [MfClass(cik, "S999000001", "C999000001", "WXYZ"),
                             MfClass(cik, "S999000002", "C999000002", "ABCD")], day2)
    with engine.connect() as conn:
        rows = conn.execute(select(ticker_period.c.class_id, ticker_period.c.ticker,
                                   ticker_period.c.valid_from, ticker_period.c.valid_to)
                            .order_by(ticker_period.c.class_id, ticker_period.c.valid_from)
                            ).all()
    assert [tuple(r) for r in rows] == [
        ("C999000001", "ABCD", date(2026, 1, 5), date(2026, 2, 9)),
        ("C999000001", "WXYZ", date(2026, 2, 9), None),
        ("C999000002", "EFGH", date(2026, 1, 5), date(2026, 2, 9)),
        ("C999000002", "ABCD", date(2026, 2, 9), None),
    ]


def _document_value_sum(rel: str) -> tuple[int, Decimal]:
    """Positions and the sum of valUSD, read straight from the N-PORT XML."""
    root = etree.fromstring(fixture_path(rel).read_bytes())
    ns = {"n": root.nsmap[None]}
    vals = [Decimal(v.text) for v in root.findall(".//n:invstOrSec/n:valUSD", ns)]
    return len(vals), sum(vals, Decimal(0))


def test_run_all_loads_uit_etfs_spy_and_dia_and_explains_gld(sec_env, capsys):
    """With SEC's exchange ticker file listing SPY and DIA, run-all finds both by their
    own filings (SPY: S-6 N-CEN; DIA: NPORT-P 0001752724-25-158219 under no series plus a
    485BPOS) and loads their real N-PORTs: DIA's 30 positions summing to the document's
    value; SPY's trimmed 0001410368-26-055357 (8 positions). GLD is recorded as an
    exchange-traded product with the reason it has no holdings."""
    with start_fake(generated_trusts=0, real_tickers=False, listed=True) as edgar:
        sec_env(edgar)
        assert main(["run-all"]) == 0
        engine = make_engine()
        with engine.connect() as conn:
            kinds = dict(conn.execute(select(listed_security.c.ticker, listed_security.c.kind)
                                      ).tuples().all())
            assert kinds == {"SPY": UIT_ETF, "DIA": UIT_ETF, "GLD": EXCHANGE_TRADED_PRODUCT,
                             "NTRS": NOT_A_FUND}
            gld = conn.execute(select(listed_security.c.reason).where(
                listed_security.c.ticker == "GLD")).scalar_one()
            assert "not a registered investment company" in gld
            uits = conn.execute(select(etf).where(etf.c.decision_source == "listed_uit")
                                ).mappings().all()
            assert {(r["cik"], r["class_id"], r["series_id"], r["ticker"]) for r in uits} == {
                (SPY, "CIK0000884394", "CIK0000884394", "SPY"),
                (DIA, "CIK0001041130", "CIK0001041130", "DIA")}
            assert all(r["is_etf"] and r["active"] for r in uits)
            assert conn.execute(select(trust.c.registrant_type).where(trust.c.cik == SPY)
                                ).scalar_one() == "S-6"
            for cik, accession, rel in (
                    (DIA, DIA_NPORT,
                     "nport/0001041130_0001752724-25-158219_DIA_NPORT-P_2025-04-30.xml"),
                    (SPY, SPY_NPORT, "nport/0000884394_SPY_NPORT_trimmed.xml")):
                values = conn.execute(select(holding.c.value_usd).where(
                    holding.c.accession_number == accession)).scalars().all()
                # Summed in Decimal here: SQLite's SUM() would go through floats.
                assert (len(values), sum(values, Decimal(0))) == _document_value_sum(rel)
                assert conn.execute(select(func.count(func.distinct(holding.c.series_key)))
                                    .where(holding.c.cik == cik)).scalar_one() == 1
            assert _document_value_sum(
                "nport/0001041130_0001752724-25-158219_DIA_NPORT-P_2025-04-30.xml")[0] == 30
        partitions = DagsterInstance.get().get_dynamic_partitions(CIK_PARTITIONS_NAME)
        assert SPY in partitions and DIA in partitions
        assert f"{1222333:010d}" not in partitions  # GLD: no partition, no runs

        # A second refresh asks SEC nothing new about the decided candidates.
        before = sum(r.path.startswith("/submissions/") for r in edgar.requests)
        result = run_universe(DagsterInstance.ephemeral())
        assert metadata(result, "etf_universe")["listed_decided_now"] == 0
        assert sum(r.path.startswith("/submissions/") for r in edgar.requests) == before
        assert check_results(result)[("one_current_ticker_per_etf_class", None)]
        assert check_results(result)[("no_ticker_current_for_two_classes", None)]


def test_final_nport_marks_the_series_inactive_and_keeps_it(sec_env):
    """A UIT whose NPORT-P says isFinalFiling=Y (DIA's real document, flag flipped) is
    marked inactive with the date and the accession; its rows and partition stay."""
    with start_fake(generated_trusts=0, real_tickers=False, listed=True) as edgar:
        filing = next(f for f in edgar.corpus.filings if f.accession == DIA_NPORT)
        doc = fixture_path(
            "nport/0001041130_0001752724-25-158219_DIA_NPORT-P_2025-04-30.xml").read_bytes()
        final = doc.replace(b"<isFinalFiling>N</isFinalFiling>",
                            b"<isFinalFiling>Y</isFinalFiling>")
        assert final != doc
        filing.documents = [("NPORT-P", "primary_doc.xml", final)]
        sec_env(edgar)
        assert main(["run-all"]) == 0
        with make_engine().connect() as conn:
            row = conn.execute(select(etf.c.active, etf.c.inactive_since,
                                      etf.c.inactive_evidence).where(
                etf.c.class_id == "CIK0001041130")).one()
            assert row.active is False and row.inactive_since == date(2025, 6, 26)
            assert DIA_NPORT in row.inactive_evidence
            assert conn.execute(select(series.c.active).where(
                series.c.series_id == "CIK0001041130")).scalar_one() is False
            assert conn.execute(select(func.count()).select_from(holding).where(
                holding.c.cik == DIA)).scalar_one() == 30
        # The ticker file still lists DIA: the filing's word stands.
        run_universe(DagsterInstance.ephemeral())
        with make_engine().connect() as conn:
            assert conn.execute(select(etf.c.active).where(
                etf.c.class_id == "CIK0001041130")).scalar_one() is False
        assert DIA in DagsterInstance.get().get_dynamic_partitions(CIK_PARTITIONS_NAME)


def test_class_leaving_the_ticker_file_is_inactive_with_date_and_evidence(tmp_path):
    """A class gone from the ticker file is kept, inactive since that refresh, saying
    why; when it comes back it is active again and the evidence is cleared."""
    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    cik = "0000000999"
    keep = MfClass(cik, "S999000001", "C999000001", "ABCD")
    gone = MfClass(cik, "S999000002", "C999000002", "EFGH")
    days = [datetime(2026, 1, 5, 12), datetime(2026, 2, 9, 12), datetime(2026, 3, 9, 12)]
    with engine.begin() as conn:
        load_universe(conn, [keep, gone], days[0])
        stats = load_universe(conn, [keep], days[1])
        assert stats.deactivated["etf"] == 1 and stats.deactivated["series"] == 1
        row = conn.execute(select(etf).where(etf.c.class_id == "C999000002")).mappings().one()
        assert row["active"] is False and row["inactive_since"] == date(2026, 2, 9)
        assert row["inactive_evidence"].startswith("absent from SEC's ticker files")
        load_universe(conn, [keep, gone], days[2])
        row = conn.execute(select(etf).where(etf.c.class_id == "C999000002")).mappings().one()
        assert row["active"] is True and row["inactive_since"] is None
        assert row["inactive_evidence"] is None


def test_an_older_warehouse_is_upgraded_additively(warehouse_url, tmp_path):
    """A warehouse made before this version (no inactive_* columns, 10-character series
    ids) gains the columns and, on PostgreSQL, the wider ids a UIT key needs."""
    from sqlalchemy import inspect, text

    url = warehouse_url or f"sqlite:///{tmp_path / 'old.db'}"
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE trust DROP COLUMN inactive_evidence"))
        if conn.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE series ALTER COLUMN series_id TYPE VARCHAR(10)"))
    engine.dispose()
    engine = make_engine(url)
    cols = {c["name"]: c for c in inspect(engine).get_columns("trust")}
    assert "inactive_evidence" in cols
    with engine.begin() as conn:
        load_universe(conn, [], datetime(2026, 1, 5),
                      [(ListedEntity("0000884394", "SPY", "SPDR S&P 500 ETF TRUST", "NYSE"),
                        decide_listed(ListedEntity("0000884394", "SPY", "SPDR", "NYSE"),
                                      {"filings": {"recent": {"form": ["N-CEN"]}}},
                                      ncen_type="S-6", ncen_accession="x"))])
        assert conn.execute(select(series.c.series_id)).scalars().all() == ["CIK0000884394"]
    engine.dispose()
