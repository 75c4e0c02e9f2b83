"""ETF universe: the real ticker file and the real AB Active N-CEN, through Dagster."""

from __future__ import annotations

import json

from dagster import DagsterInstance
from sqlalchemy import func, select

from etf_assets.partitions import CIK_PARTITIONS_NAME
from etf_assets.universe.parse import is_etf_ticker_shape, parse_ncen
from etf_assets.warehouse.engine import make_engine
from etf_assets.warehouse.tables import etf, series, share_class, trust
from etf_assets_tests.conftest import start_fake
from etf_assets_tests.fake_edgar.build import fixture_path
from etf_assets_tests.runs import check_results, metadata, run_trusts, run_universe

AB_ACTIVE = "0001496608"


def test_ticker_shape_rule():
    assert not is_etf_ticker_shape("LACAX")  # 5 letters ending in X: mutual fund
    assert is_etf_ticker_shape("TAFI") and is_etf_ticker_shape("FWD")
    assert is_etf_ticker_shape("ABCDE")  # 5 letters not ending in X
    assert not is_etf_ticker_shape(None)


def test_parse_ncen_ab_active():
    """N-CEN 0001410368-26-010918 (AB Active ETFs): 22 series, all Exchange-Traded Funds."""
    report = parse_ncen(fixture_path(
        "ncen/0001496608_0001410368-26-010918_N-CEN_primary_doc.xml").read_bytes())
    assert len(report.series) == 22
    assert all(s.is_etf for s in report.series.values())
    cam = report.series["S000093944"]
    assert cam.name == "AB California Intermediate Municipal ETF"
    assert cam.exchanges == (("ARCX", "CAM"),)
    assert report.series["S000082566"].exchanges == (("XNAS", "BUFC"),)


def test_universe_from_real_ticker_file_and_ab_active_ncen(sec_env):
    """company_tickers_mf.json (2025-09, 28,553 classes) and AB Active's N-CEN
    0001410368-26-010918, served by the fake EDGAR, materialized through Dagster."""
    raw = json.loads(fixture_path("tickers/company_tickers_mf_2025-09.json").read_bytes())
    # SEC's file has lowercase tickers ("elfnx"): shape is judged on the upper-cased symbol.
    tickers = [(r[3] or "").strip().upper() for r in raw["data"]]
    expected_candidates = sum(
        1 for t in tickers if t and not (len(t) == 5 and t.isalpha() and t.endswith("X")))
    with start_fake(generated_trusts=0) as edgar:
        sec_env(edgar)
        instance = DagsterInstance.ephemeral()
        result = run_universe(instance)
        md = metadata(result, "etf_universe")
        assert md["classes_read"] == len(raw["data"]) == 28_553
        # + SPY and DIA: UIT ETFs found in the exchange ticker file
        assert md["trusts"] == len({r[0] for r in raw["data"]}) + 2
        assert md["listed_uit_etfs"] == ["DIA", "SPY"]
        assert md["etf_classes_ticker_shape"] == expected_candidates
        assert md["etf_classes_ncen"] == 0
        # the two ticker files (the exchange file's candidates: SPY, DIA, GLD, NTRS are
        # asked about by their submissions, SPY's N-CEN and DIA's NPORT-P)
        assert md["sec_requests_other"] == 2
        partitions = instance.get_dynamic_partitions(CIK_PARTITIONS_NAME)
        assert AB_ACTIVE in partitions and "0001432353" in partitions  # Global X (DAX)
        assert md["partitions_added"] == len(partitions)
        assert check_results(result) == {("etfs_found", None): True,
                                         ("etf_series_belong_to_their_trust", None): True,
                                         ("one_current_ticker_per_etf_class", None): True,
                                         ("no_ticker_current_for_two_classes", None): True}

        result = run_trusts(instance, AB_ACTIVE, ["etf_classification"])
        cmd = metadata(result, "etf_classification", AB_ACTIVE)
        assert cmd["ncen_accession"] == "0001410368-26-010918"
        assert cmd["etf_series"] == 22 and cmd["non_etf_series"] == 0
        assert cmd["sec_requests_submissions"] == 1 and cmd["sec_requests_document"] == 1

        engine = make_engine()
        with engine.connect() as conn:
            ab = conn.execute(select(etf).where(etf.c.cik == AB_ACTIVE)).mappings().all()
            assert len({r["series_id"] for r in ab}) == 22
            assert all(r["is_etf"] and r["decision_source"] == "ncen" for r in ab)
            tafi = next(r for r in ab if r["ticker"] == "TAFI")
            assert tafi["fund_name"] == "AB Tax-Aware Short Duration Municipal ETF"
            assert tafi["issuer_name"] == "AB Active ETFs, Inc."
            assert tafi["class_id"] == "C000237018"
            cam = next(r for r in ab if r["ticker"] == "CAM")
            assert cam["exchange"] == "ARCX"
            assert conn.execute(select(trust.c.name).where(trust.c.cik == AB_ACTIVE)
                                ).scalar_one() == "AB Active ETFs, Inc."
            # A known mutual-fund class (CIK 2110, LACAX) is not an ETF.
            assert conn.execute(select(share_class.c.ticker).where(
                share_class.c.class_id == "C000024954")).scalar_one() == "LACAX"
            assert conn.execute(select(func.count()).select_from(etf).where(
                etf.c.class_id == "C000024954", etf.c.is_etf.is_(True))).scalar_one() == 0
            assert conn.execute(select(func.count()).select_from(share_class)
                                ).scalar_one() == 28_553 + 2

        # The universe refreshed again: no duplicates, the N-CEN decision is kept.
        result = run_universe(instance)
        assert metadata(result, "etf_universe")["partitions_added"] == 0
        assert metadata(result, "etf_universe")["etf_classes_ncen"] == len(ab)
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(share_class)
                                ).scalar_one() == 28_553 + 2
            assert conn.execute(select(func.count()).select_from(etf).where(
                etf.c.cik == AB_ACTIVE, etf.c.decision_source == "ncen")).scalar_one() == len(ab)


def test_ncen_overrules_ticker_shape_and_missing_trust_is_kept(sec_env):
    """Generated trust 004 (CIK 104) has an ETF-shaped ticker on a series its N-CEN calls
    'N/A'; the ticker file later drops trust 003 (CIK 103): it is marked inactive."""
    with start_fake(generated_trusts=4, real_tickers=False, real_filings=False) as edgar:
        sec_env(edgar)
        instance = DagsterInstance.ephemeral()
        run_universe(instance)
        result = run_trusts(instance, "0000000104", ["etf_classification"])
        md = metadata(result, "etf_classification", "0000000104")
        assert md["ticker_candidates_rejected_by_ncen"] == 1
        run_trusts(instance, "0000000103", ["etf_classification"])
        engine = make_engine()
        with engine.connect() as conn:
            row = conn.execute(select(etf).where(etf.c.series_id == "S900003800")
                               ).mappings().one()
            assert row["is_etf"] is False and row["decision_source"] == "ncen"
            # trust 003's mutual-fund series was never a candidate; N-CEN says not ETF
            mf = conn.execute(select(etf.c.is_etf).where(etf.c.series_id == "S900002900")
                              ).scalars().all()
            assert mf and not any(mf)

        edgar.corpus.tickers_mf["data"] = [r for r in edgar.corpus.tickers_mf["data"]
                                           if r[0] != 103]
        result = run_universe(instance)
        assert metadata(result, "etf_universe")["deactivated"]["trust"] == 1
        with engine.connect() as conn:
            assert conn.execute(select(trust.c.active).where(trust.c.cik == "0000000103")
                                ).scalar_one() is False
            assert conn.execute(select(func.count()).select_from(series).where(
                series.c.cik == "0000000103")).scalar_one() > 0  # never deleted
        assert "0000000103" in instance.get_dynamic_partitions(CIK_PARTITIONS_NAME)


def test_ncen_keeps_mutual_fund_classes_of_an_etf_series_out(tmp_path):
    """A Vanguard-style series: one ETF class listed on an exchange, two mutual-fund
    classes. Only the listed class is an ETF; an N-CEN-deactivated class stays inactive
    after the next universe refresh."""
    from datetime import date, datetime

    from etf_assets.edgar.sgml import SgmlClass, SgmlSeries, Submission
    from etf_assets.universe.parse import MfClass, NcenReport, NcenSeries
    from etf_assets.warehouse.universe import apply_ncen, load_universe

    engine = make_engine(f"sqlite:///{tmp_path}/w.sqlite")
    cik, sid = "0000036405", "S000002848"
    classes = [MfClass(cik, sid, "C000007800", "VTSAX"), MfClass(cik, sid, "C000007801", "VITSX"),
               MfClass(cik, sid, "C000007802", "VTI"), MfClass(cik, sid, "C000007803", "VOLD")]
    sub = Submission("0000000000-26-000001", "N-CEN", date(2026, 2, 1), date(2025, 12, 31),
                     None, "Vanguard Index Funds", cik,
                     (SgmlSeries(sid, "Total Stock Market Index Fund", cik,
                                 tuple(SgmlClass(c.class_id, None, c.ticker)
                                       for c in classes[:3])),), sgml=None)
    report = NcenReport({sid: NcenSeries(sid, "Total Stock Market Index Fund",
                                         ("Exchange-Traded Fund",), (("ARCX", "VTI"),))})
    with engine.begin() as conn:
        load_universe(conn, classes, datetime(2026, 3, 1))
        apply_ncen(conn, cik, sub, report, datetime(2026, 3, 2))
        load_universe(conn, classes, datetime(2026, 3, 3))
        rows = {r.ticker: r for r in conn.execute(select(etf))}
    assert rows["VTI"].is_etf and rows["VTI"].exchange == "ARCX" and rows["VTI"].active
    assert not rows["VTSAX"].is_etf and not rows["VITSX"].is_etf
    assert not rows["VOLD"].is_etf  # in the series, not listed on an exchange
    assert {r.decision_source for r in rows.values()} == {"ncen"}
    # Next year's N-CEN no longer reports the series (merged away): its classes are no
    # longer vouched for, and the lagging ticker file must not reactivate them.
    later = Submission("0000000000-27-000001", "N-CEN", date(2027, 2, 1),
                       date(2026, 12, 31), None, "Vanguard Index Funds", cik, (), sgml=None)
    with engine.begin() as conn:
        apply_ncen(conn, cik, later, NcenReport({}), datetime(2027, 3, 1))
        load_universe(conn, classes, datetime(2027, 3, 2))
        active = {r.ticker for r in conn.execute(select(etf).where(etf.c.active.is_(True)))}
    assert active == set()


def test_sgml_header_of_the_real_ab_active_ncen():
    """0001410368-26-010918.txt: accepted 2026-02-12 11:09:58 Eastern = 16:09:58 UTC;
    every series and class of the SERIES-AND-CLASSES block is kept."""
    from datetime import date, datetime

    from etf_assets.edgar.sgml import parse_submission

    txt = fixture_path("submissions_txt/0001496608_0001410368-26-010918_N-CEN.txt").read_bytes()
    sub = parse_submission(txt)
    assert (sub.accession_number, sub.form, sub.filing_date, sub.period) == (
        "0001410368-26-010918", "N-CEN", date(2026, 2, 12), date(2025, 11, 30))
    assert sub.acceptance_datetime == datetime(2026, 2, 12, 16, 9, 58)
    assert sub.company_name == "AB Active ETFs, Inc." and sub.cik == "0001496608"
    assert len(sub.series) == 22 == txt.count(b"<SERIES-ID>")
    assert sum(len(s.classes) for s in sub.series) == txt.count(b"<CLASS-CONTRACT-ID>")
