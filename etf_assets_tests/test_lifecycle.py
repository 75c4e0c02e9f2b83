"""Fund lifecycle: real SGML headers (iShares 485APOS, John Hancock 497K) through the
pure parser and event rules; then a generated story on the fake EDGAR (485APOS ->
485BXT -> 485BPOS -> ticker listed -> N-8F) through the slice's load, step by step on
the fake's clock."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from dagster import materialize
from sqlalchemy import insert, select

from etf_assets.alerts.events import fee_changes as fee_change_alerts
from etf_assets.definitions import RESOURCES
from etf_assets.edgar.client import SecClient
from etf_assets.form_slice import LoadOptions
from etf_assets.lifecycle.assets import LIFECYCLE
from etf_assets.lifecycle.events import (
    CLOSED,
    DELAYED,
    EFFECTIVE,
    PROPOSED,
    SERIES_LEVEL,
    TRADING,
    Event,
    header_events,
    rollup,
)
from etf_assets.lifecycle.header import designated_effective_date, parse_header
from etf_assets.lifecycle.load import derived_events, fee_events, rebuild_state
from etf_assets.lifecycle.report import lifecycle_report
from etf_assets.prospectus.parse import parse_485bpos
from etf_assets.prospectus.rows import Kept, prospectus_rows
from etf_assets.warehouse.lifecycle_queries import (
    closed_funds,
    delayed_funds,
    new_funds,
    upcoming_effective_dates,
)
from etf_assets.universe.assets import classify_trust
from etf_assets.universe.parse import parse_company_tickers_mf
from etf_assets.warehouse.engine import make_engine
from etf_assets.warehouse.tables import (
    etf,
    filing,
    lifecycle_event,
    lifecycle_filing,
    lifecycle_state,
    prospectus_fee,
    ticker_observation,
)
from etf_assets.warehouse.universe import load_universe
from etf_assets_tests.conftest import start_fake
from etf_assets_tests.fake_edgar.build import fixture_path

ISHARES_APOS = "submissions_txt/0001100663_0001193125-24-100942_485APOS_header.txt"
ISHARES_APOS_2 = "submissions_txt/0001100663_0001193125-24-066744_485APOS_header_only.txt"
HANCOCK_497K = "submissions_txt/0000045291_0001193125-25-148895_497K.txt"


def test_real_485apos_header_proposes_its_new_series_75_days_out():
    """iShares Trust 485APOS 0001193125-24-100942 (filed 2024-04-18) adds series
    S000085693 "iShares U.S. Manufacturing ETF" (class C000251033): proposed, expected
    effective 2024-07-02 under Rule 485(a)(2). 0001193125-24-066744 (2024-03-13, a header
    with doubled newlines) adds S000085230: expected 2024-05-27."""
    h = parse_header(fixture_path(ISHARES_APOS).read_bytes())
    assert (h.accession_number, h.form, h.filing_date, h.cik) == (
        "0001193125-24-100942", "485APOS", date(2024, 4, 18), "0001100663")
    assert h.effectiveness_date is None and h.existing_series == ()
    assert h.acceptance_datetime == datetime(2024, 4, 18, 21, 15, 50)  # 17:15:50 ET
    [s] = h.new_series
    assert (s.series_id, s.name, [(c.class_id, c.name) for c in s.classes]) == (
        "S000085693", "iShares U.S. Manufacturing ETF",
        [("C000251033", "iShares U.S. Manufacturing ETF")])
    events = header_events("0001100663", h)
    assert {(e.series_id, e.class_key, e.kind, e.effective_date) for e in events} == {
        ("S000085693", SERIES_LEVEL, PROPOSED, date(2024, 7, 2)),
        ("S000085693", "C000251033", PROPOSED, date(2024, 7, 2))}
    assert all(e.evidence == "0001193125-24-100942" for e in events)

    h2 = parse_header(fixture_path(ISHARES_APOS_2).read_bytes())
    assert [s.series_id for s in h2.new_series] == ["S000085230"]
    [e] = [e for e in header_events("0001100663", h2) if e.class_key == SERIES_LEVEL]
    assert (e.event_date, e.effective_date) == (date(2024, 3, 13), date(2024, 5, 27))


def test_real_497k_header_is_a_change_only_when_it_renames():
    """John Hancock Capital Series 497K 0001193125-25-148895: EFFECTIVENESS DATE
    2025-06-26, existing series S000000617 "Classic Value Fund". Nothing changed against
    the same name; a rename against the name the warehouse knew."""
    h = parse_header(fixture_path(HANCOCK_497K).read_bytes())
    assert (h.form, h.effectiveness_date) == ("497K", date(2025, 6, 26))
    assert [s.series_id for s in h.existing_series] == ["S000000617"]
    assert header_events("0000045291", h,
                         known_names={"S000000617": "Classic Value Fund"}) == []
    changed = header_events("0000045291", h, known_names={"S000000617": "Old Value Fund"})
    assert [(e.kind, e.class_key, e.detail) for e in changed] == [
        ("changed", SERIES_LEVEL,
         "series renamed from 'Old Value Fund' to 'Classic Value Fund'")]


def test_bxt_cover_date_and_rollup_order():
    """A 485BXT cover names its new date; BPOS outranks BXT outranks APOS whatever order
    the events arrive in."""
    cover = (b"<p>for the sole purpose of designating&nbsp;June\n30, 2027 as the new "
             b"effective date</p>")
    assert designated_effective_date(cover) == date(2027, 6, 30)
    assert designated_effective_date(b"<p>no date here</p>") is None
    ev = [Event("1", "S1", "", PROPOSED, "a", date(2027, 1, 1),
                effective_date=date(2027, 3, 17)),
          Event("1", "S1", "", EFFECTIVE, "c", date(2027, 3, 1),
                effective_date=date(2027, 3, 20)),
          Event("1", "S1", "", DELAYED, "b", date(2027, 3, 10),
                effective_date=date(2027, 4, 1))]
    [s] = rollup(ev)
    assert (s.state, s.effective_date, s.expected_effective_date) == (
        EFFECTIVE, date(2027, 3, 20), None)
    [s] = rollup(ev[::2])
    assert (s.state, s.expected_effective_date) == (DELAYED, date(2027, 4, 1))
    [s] = rollup(ev[:1])
    assert (s.state, s.expected_effective_date) == (PROPOSED, date(2027, 3, 17))


def _refresh_universe(client: SecClient, engine, day: date) -> None:
    with engine.begin() as conn:
        load_universe(conn, parse_company_tickers_mf(client.company_tickers_mf()),
                      datetime.combine(day, time(6)))


def _state(engine, series_id: str, class_key: str = SERIES_LEVEL):
    with engine.connect() as conn:
        return conn.execute(select(lifecycle_state).where(
            lifecycle_state.c.series_id == series_id,
            lifecycle_state.c.class_key == class_key)).first()


def test_story_on_the_fake_edgar_shows_each_state_with_its_dates(sec_env, warehouse_url):
    """Generated trust 101 proposes "Fakeshares Quantum Computing ETF" (485APOS of
    2026-12-01: expected 2027-02-14), delays it (485BXT of 2027-02-09 whose cover
    designates 2027-03-09), makes it effective (485BPOS of 2027-03-04, EFFECTIVENESS
    DATE 2027-03-09), lists QNTM on 2027-03-12 (company_tickers_mf.json) and
    deregisters (N-8F of 2027-07-10). After each step the slice's load shows the new
    state and keeps the earlier events as they were."""
    with start_fake(generated_trusts=1, series_per_trust=1, real_tickers=False,
                    real_filings=False, holdings_per_series=3, lifecycle_story=True) as edgar:
        sec_env(edgar)
        story = edgar.corpus.story
        cik = f"{story.cik:010d}"
        engine = make_engine(warehouse_url)
        client = SecClient.from_env()

        def step(day: date):
            edgar.set_today(day)
            _refresh_universe(client, engine, day)
            load = LIFECYCLE.load(cik, client, engine, LoadOptions(), _Log())
            assert not load.failed, load.failed
            return load

        edgar.set_today(date(2026, 11, 20))
        _refresh_universe(client, engine, date(2026, 11, 20))
        classify_trust(cik, client, engine, _Log())
        load = step(date(2026, 11, 20))
        assert _state(engine, story.series_id) is None
        # The trust's existing ETF: effective (its 485BPOS) and trading (its ticker).
        assert _state(engine, "S900000000").state == TRADING

        load = step(story.proposed)
        s = _state(engine, story.series_id)
        assert (s.state, s.proposed_on, s.expected_effective_date, s.series_name) == (
            PROPOSED, date(2026, 12, 1), date(2027, 2, 14), "Fakeshares Quantum Computing ETF")
        assert _state(engine, story.series_id, story.class_id).state == PROPOSED
        with engine.connect() as conn:
            assert upcoming_effective_dates(conn, story.proposed, 30) == []
            [up] = upcoming_effective_dates(conn, story.proposed, 90)
        assert (up.series_id, up.on, up.trust_name) == (
            story.series_id, date(2027, 2, 14), "Fakeshares Trust 001")

        step(story.delayed)
        s = _state(engine, story.series_id)
        assert (s.state, s.state_since, s.expected_effective_date) == (
            DELAYED, date(2027, 2, 9), date(2027, 3, 9))
        assert story.designated == date(2027, 3, 9)
        with engine.connect() as conn:
            [d] = delayed_funds(conn)
            [up] = upcoming_effective_dates(conn, story.delayed, 30)
        assert (d.series_id, d.on, d.delays, up.on) == (
            story.series_id, date(2027, 3, 9), 1, date(2027, 3, 9))

        step(story.effective_filed)
        s = _state(engine, story.series_id)
        assert (s.state, s.state_since, s.effective_date, s.expected_effective_date) == (
            EFFECTIVE, date(2027, 3, 4), date(2027, 3, 9), None)
        assert _state(engine, story.series_id, story.class_id).ticker == "QNTM"

        step(story.listed - timedelta(days=1))  # not listed yet: still effective
        assert _state(engine, story.series_id).state == EFFECTIVE
        step(story.listed)
        s = _state(engine, story.series_id)
        assert (s.state, s.trading_since, s.launched_on, s.ticker) == (
            TRADING, date(2027, 3, 12), date(2027, 3, 12), "QNTM")
        # The old fund was trading before the pipeline saw it proposed: not "launched".
        assert _state(engine, "S900000000").launched_on is None
        with engine.connect() as conn:
            assert [(r.series_id, r.on, r.ticker) for r in new_funds(conn, story.listed, 30)
                    ] == [(story.series_id, date(2027, 3, 12), "QNTM")]
            assert new_funds(conn, story.listed + timedelta(days=31), 30) == []
            assert delayed_funds(conn) == [] and closed_funds(conn, story.listed) == []

        step(story.deregistered)
        s = _state(engine, story.series_id)
        assert (s.state, s.closed_since, s.state_evidence) == (
            CLOSED, date(2027, 7, 10), story.accessions["N-8F"])
        assert _state(engine, "S900000000").state == CLOSED
        with engine.connect() as conn:
            closed = closed_funds(conn, story.deregistered, 30)
        assert {(r.series_id, r.on, r.state_evidence) for r in closed} == {
            (sid, date(2027, 7, 10), story.accessions["N-8F"])
            for sid in (story.series_id, "S900000000")}

        with engine.connect() as conn:
            events = conn.execute(select(
                lifecycle_event.c.kind, lifecycle_event.c.evidence,
                lifecycle_event.c.event_date, lifecycle_event.c.effective_date,
                lifecycle_event.c.learned_at).where(
                lifecycle_event.c.series_id == story.series_id,
                lifecycle_event.c.class_key == SERIES_LEVEL)).all()
            forms = dict(conn.execute(select(lifecycle_filing.c.form,
                                             lifecycle_filing.c.designated_date)).all())
        got = sorted((e.event_date, e.kind, e.evidence, e.effective_date) for e in events)
        assert got == [
            (date(2026, 12, 1), PROPOSED, story.accessions["485APOS"], date(2027, 2, 14)),
            (date(2027, 2, 9), DELAYED, story.accessions["485BXT"], date(2027, 3, 9)),
            (date(2027, 3, 4), EFFECTIVE, story.accessions["485BPOS"], date(2027, 3, 9)),
            (date(2027, 3, 12), TRADING, "ticker:QNTM", None),
            (date(2027, 7, 10), CLOSED, story.accessions["N-8F"], None)]
        assert forms["485BXT"] == date(2027, 3, 9)  # read from its cover page
        learned = {e.kind: e.learned_at for e in events}
        # A rerun neither duplicates nor re-learns anything.
        LIFECYCLE.load(cik, client, engine, LoadOptions(), _Log())
        with engine.connect() as conn:
            again = conn.execute(select(lifecycle_event.c.kind, lifecycle_event.c.learned_at)
                                 .where(lifecycle_event.c.series_id == story.series_id,
                                        lifecycle_event.c.class_key == SERIES_LEVEL)).all()
        assert dict(again) == learned and len(again) == 5
        # Only headers were read: one .hdr.sgml per filing, plus the 485BXT's cover.
        paths = [r.path for r in edgar.served(200)]
        assert sum(p.endswith(".hdr.sgml") for p in paths) == 5  # 4 story + old 485BPOS
        assert not any(p.endswith(f"{a}.txt") for a in story.accessions.values()
                       for p in paths)
        assert sum("485bxt" in p for p in paths) == 1
        client.close()

        # The UI's report: the four queries as of the fake's day.
        edgar.set_today(story.deregistered + timedelta(days=1))
        result = materialize([lifecycle_report], resources=RESOURCES)
        [mat] = result.asset_materializations_for_node("lifecycle_report")
        md = mat.metadata
        assert (md["closed"].value, md["new_funds"].value, md["delayed"].value) == (2, 0, 0)
        assert "Fakeshares Quantum Computing ETF" in md["closed_funds"].value


class _Log:
    def __getattr__(self, _name):
        return lambda *a, **k: None



def test_parse_command_reads_a_header(capsys):
    """`etf-pipeline parse` on iShares' 485APOS header 0001193125-24-100942."""
    from etf_assets.cli import main

    assert main(["parse", str(fixture_path(ISHARES_APOS)), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["events"] == ["proposed S000085693 (effective 2024-07-02)",
                             "proposed S000085693/C000251033 (effective 2024-07-02)"]
    assert out["new_series"] == ["S000085693 iShares U.S. Manufacturing ETF (1 class(es))"]


def test_a_new_etf_family_is_followed_from_the_daily_index(sec_env):
    """CIK 777 is in no ticker file: its N-1A of 2026-11-18 registers "Newco Robotics
    ETF" and its 485APOS of 2026-11-19 adds "Newco Space ETF" (expected 2027-02-02).
    CIK 778's N-1A registers only a mutual fund: not a candidate. Reading the two days'
    indexes finds 777, reads the three headers and nothing else."""
    from etf_assets.freshness.observe import read_index_days
    from etf_assets.warehouse.tables import registrant_candidate
    from etf_assets_tests.fake_edgar.lifecycle import lifecycle_filing

    with start_fake(generated_trusts=0, real_tickers=False, real_filings=False) as edgar:
        sec_env(edgar)
        c = edgar.corpus
        robo = {"series_id": "S000777001", "name": "Newco Robotics ETF",
                "classes": [{"class_id": "C000777001", "name": "Newco Robotics ETF"}]}
        space = {"series_id": "S000777002", "name": "Newco Space ETF",
                 "classes": [{"class_id": "C000777002", "name": "Newco Space ETF"}]}
        income = {"series_id": "S000778001", "name": "Plain Income Fund", "classes": []}
        n1a = c.add(lifecycle_filing(777, "NEWCO ETF TRUST", "0009999948-26-000777", "N-1A",
                                     date(2026, 11, 18), new=[robo]))
        c.add(lifecycle_filing(778, "PLAIN FUNDS TRUST", "0009999948-26-000778", "N-1A",
                               date(2026, 11, 18), new=[income]))
        apos = c.add(lifecycle_filing(777, "NEWCO ETF TRUST", "0009999948-26-000779",
                                      "485APOS", date(2026, 11, 19), existing=[robo],
                                      new=[space]))
        engine = make_engine()
        client = SecClient.from_env()
        read = read_index_days(client, engine, [], {"last_index_day": "2026-11-17"},
                               date(2026, 11, 20), 0.0, 10)
        assert read == ["2026-11-18", "2026-11-19"]
        with engine.connect() as conn:
            [cand] = conn.execute(select(registrant_candidate)).all()
            states = {r.series_id: r for r in conn.execute(select(lifecycle_state).where(
                lifecycle_state.c.class_key == SERIES_LEVEL))}
            soon = upcoming_effective_dates(conn, date(2027, 1, 25), 30)
        assert (cand.cik, cand.found_by_accession, cand.etf_series) == (
            "0000000777", n1a.accession, [["S000777001", "Newco Robotics ETF"]])
        assert {k: (s.state, s.proposed_on, s.expected_effective_date)
                for k, s in states.items()} == {
            "S000777001": (PROPOSED, date(2026, 11, 18), None),
            "S000777002": (PROPOSED, date(2026, 11, 19), date(2027, 2, 2))}
        assert [(r.series_name, r.on, r.trust_name) for r in soon] == [
            ("Newco Space ETF", date(2027, 2, 2), "NEWCO ETF TRUST")]
        headers = [r.path for r in edgar.served(200) if r.path.endswith(".hdr.sgml")]
        assert len(headers) == 3 and apos.accession + ".hdr.sgml" in headers[-1]
        client.close()


DELAWARE_485BPOS = "prospectus/0000027574_Delaware.485BPOS.html"


def test_a_prospectus_that_moves_a_class_fee_is_a_change(warehouse_url):
    """Delaware Value Fund Class R6 (C000171459, DDZRX) in the real 485BPOS
    0000027574-24-000011 (filed 2024-03-28): total annual expenses 0.61 %, no net line.
    Generated 497K stickers follow: 2024-06-03 repeats 0.61 % (no change), 2024-09-03
    caps net expenses at 0.58 % (a change), 2024-12-02 at 0.55 % (R6 only). The lifecycle
    records a `changed` event of the class for each change, beside its history; the state
    is not moved by them; the fee-change alert reads the same steps, names the 497K and
    tells only what was loaded after its watermark. Class C's first sticker gives no
    ratio at all: skipped, not a change to nothing."""
    cik, series_id, class_id = "0000027574", "S000002391", "C000171459"
    real = "0000027574-24-000011"
    p = parse_485bpos(fixture_path(DELAWARE_485BPOS).read_bytes())
    fees = {row["class_id"]: row for table, row in prospectus_rows(
        p, accession=real, filing_date=date(2024, 3, 28), cik=cik, etf_series={series_id},
        etf_classes={class_id, "C000006335"}, kept=Kept()) if table.name == prospectus_fee.name}
    fee = fees[class_id]
    assert (fee["total_annual_expenses"], fee["net_expenses"]) == (Decimal("0.0061"), None)
    # Class C (DDVCX, 1.69 %) is no ETF class: its fee moves too, but it is not followed.
    assert fees["C000006335"]["total_annual_expenses"] == Decimal("0.0169")
    loaded, later = datetime(2024, 9, 3, 20), datetime(2024, 12, 2, 20)
    stickers = [("0000027574-24-000051", date(2024, 6, 3), None),
                ("0000027574-24-000077", date(2024, 9, 3), Decimal("0.0058"))]
    engine = make_engine(warehouse_url)
    with engine.begin() as conn:
        conn.execute(insert(etf), [{
            "class_id": class_id, "ticker": "DDZRX", "series_id": series_id, "cik": cik,
            "is_etf": True, "decision_source": "test", "first_seen": loaded,
            "last_seen": loaded, "active": True}])
        conn.execute(insert(ticker_observation), [{
            "class_id": class_id, "ticker": "DDZRX", "source": "company_tickers_mf.json",
            "evidence": "test", "first_observed": date(2016, 5, 2),
            "last_observed": date(2024, 9, 3), "cik": cik}])
        conn.execute(insert(filing), [{
            "accession_number": acc, "cik": cik, "form": form, "filing_date": day,
            "url": f"https://www.sec.gov/{acc}", "sha256": "0" * 64, "parsed_at": at}
            for acc, form, day, at in (
                (real, "485BPOS", date(2024, 3, 28), datetime(2024, 3, 29)),
                (stickers[0][0], "497K", stickers[0][1], datetime(2024, 6, 4)),
                (stickers[1][0], "497K", stickers[1][1], loaded),
                ("0000027574-24-000099", "497K", date(2024, 12, 2), later))])
        conn.execute(insert(prospectus_fee), list(fees.values()) + [{
            **f, "accession_number": acc, "filing_date": day, "effective_date": day,
            "read_from": "html", "net_expenses": net and f["total_annual_expenses"] - Decimal(
                "0.0003"), "total_annual_expenses": None if (net, c) == (None, "C000006335")
            else f["total_annual_expenses"]}
            for acc, day, net in stickers for c, f in fees.items()] + [{
            **fee, "accession_number": "0000027574-24-000099", "filing_date": date(2024, 12, 2),
            "effective_date": date(2024, 12, 2), "read_from": "html",
            "net_expenses": Decimal("0.0055")}])

    with engine.connect() as conn:
        event, last = fee_events(conn, cik)
        alerts = fee_change_alerts(conn, datetime(2024, 9, 1), {})
        # Loaded after October: R6's December sticker only, not its September change.
        assert [a.key for a in fee_change_alerts(conn, datetime(2024, 10, 1), {})] == [
            "fee_change:C000171459:0000027574-24-000099"]
        assert fee_change_alerts(conn, later, {}) == []  # nothing loaded after the last
    assert (event.series_id, event.class_key, event.kind, event.evidence, event.event_date,
            event.form, event.accession_number, event.ticker, event.detail) == (
        series_id, class_id, "changed", "fees:0000027574-24-000077", date(2024, 9, 3),
        "497K", "0000027574-24-000077", "DDZRX",
        "net expense ratio 0.0061 -> 0.0058 (previous 0000027574-24-000051)")
    assert (last.evidence, last.detail) == (
        "fees:0000027574-24-000099",
        "net expense ratio 0.0058 -> 0.0055 (previous 0000027574-24-000077)")
    # The alert is about every class a subscription may watch (ETF or not).
    assert [a.key for a in alerts] == ["fee_change:C000006335:0000027574-24-000077",
                                       "fee_change:C000171459:0000027574-24-000077",
                                       "fee_change:C000171459:0000027574-24-000099"]
    assert (alerts[0].facts["previous"], alerts[0].facts["new"]) == (
        Decimal("0.0169"), Decimal("0.0166"))
    alert = alerts[1]
    assert (alert.key, alert.form, alert.facts["previous"], alert.facts["new"]) == (
        "fee_change:C000171459:0000027574-24-000077", "497K", Decimal("0.0061"),
        Decimal("0.0058"))
    with engine.begin() as conn:
        derived = derived_events(conn, cik)
    with engine.begin() as conn:
        rebuild_state(conn, cik, loaded, derived)
    with engine.begin() as conn:  # a rerun learns nothing new
        rebuild_state(conn, cik, loaded + timedelta(days=1), derived)
    s = _state(engine, series_id, class_id)
    assert (s.state, s.trading_since, s.events) == (TRADING, date(2016, 5, 2), 3)
    with engine.connect() as conn:
        kinds = conn.execute(select(lifecycle_event.c.kind, lifecycle_event.c.learned_at)
                             .where(lifecycle_event.c.class_key == class_id)).all()
    assert sorted(kinds) == [("changed", loaded), ("changed", loaded), ("trading", loaded)]
