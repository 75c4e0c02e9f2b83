"""24F-2NT -> annual_flows: parser on real notices and SEC's samples, the form's
arithmetic as checks, generated ETF notices valid against SEC's XSD, and the slice end
to end (fake EDGAR -> warehouse -> Dagster, sensor, amendments, checks-only runs)."""

from __future__ import annotations

import re
from collections import namedtuple
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from dagster import AssetKey, DagsterInstance
from lxml import etree
from sqlalchemy import select

from etf_assets.cli import main
from etf_assets.edgar.client import SecClient
from etf_assets.flows.checks import block_problems
from etf_assets.flows.parse import Notice24F2Error, parse_24f2
from etf_assets.freshness.sensors import evaluate_freshness
from etf_assets.freshness.stale import read_states
from etf_assets.warehouse.engine import make_engine
from etf_assets.warehouse.tables import annual_flow, filing
from etf_assets_tests.conftest import start_fake
from etf_assets_tests.fake_edgar.build import annual_notice, fixture_path, generated_trust
from etf_assets_tests.runs import (
    check_results,
    materializations,
    metadata,
    run_checks,
    run_trusts,
    run_universe,
)

FLOWS = Path(__file__).parent / "fixtures" / "sec" / "flows"
SCHEMAS = Path(__file__).parent / "fixtures" / "sec" / "schemas" / "24f2"
BNY = FLOWS / "0000030162_24F-2NT_multi_block_bny_mellon_research_growth.xml"
AIC = FLOWS / "0000878719_24F-2NT_single_block_advisors_inner_circle.xml"
ITEM5 = {"aggregate_sales": "aggregateSalePriceOfSecuritiesSold",
         "redeemed_in_year": "aggregatePriceOfSecuritiesRedeemedOrRepurchasedInFiscalYear",
         "redeemed_prior_credits": "aggregatePriceOfSecuritiesRedeemedOrRepurchasedAnyPrior",
         "total_redemption_credits": "totalAvailableRedemptionCredits",
         "net_sales": "netSales",
         "credits_for_future_years": "redemptionCreditsAvailableForUseInFutureYears",
         "fee_rate": "multiplierForDeterminingRegistrationFee",
         "registration_fee_due": "registrationFeeDue"}


def _xml_blocks(data: bytes) -> list[dict[str, Decimal]]:
    """Independent reading: every annualFilingInfo's item 5, by XPath, "(x)" -> -x."""
    root = etree.fromstring(data)
    out = []
    for info in root.xpath("//*[local-name()='annualFilingInfo']"):
        block = {}
        for field, tag in ITEM5.items():
            text = info.xpath(f"string(.//*[local-name()='{tag}'])").strip()
            block[field] = -Decimal(text[1:-1]) if text.startswith("(") else Decimal(text)
        out.append(block)
    return out


def test_bny_mellon_keeps_every_class_block_with_signed_future_credits():
    """BNY Mellon Research Growth Fund 24F-2NT (0000030162-26-000001, FYE 02/28/2026):
    five blocks, one per class, each with its own item 5; redemptions exceed sales, so
    net sales are 0 and 5(vi) is written in parentheses (negative)."""
    notice = parse_24f2(BNY.read_bytes())
    assert notice.form == "24F-2NT" and notice.investment_company_type == "N-1A"
    assert [b.class_ids for b in notice.blocks] == [
        ("C000000108",), ("C000069523",), ("C000069524",), ("C000069525",), ("C000127666",)]
    first = notice.blocks[0]
    assert first.series_ids == ("S000000071",)
    assert first.fiscal_year_end == date(2026, 2, 28)
    assert first.aggregate_sales == Decimal("92341147.00")
    assert first.credits_for_future_years == Decimal("-695309905.00")
    assert first.securities_act_file_numbers == ("002-33733",)
    assert first.ica_file_number == "811-01899"
    assert first.signature_date == date(2026, 5, 11)
    expected = _xml_blocks(BNY.read_bytes())
    assert [{f: getattr(b, f) for f in ITEM5} for b in notice.blocks] == expected
    Row = namedtuple("Row", [*ITEM5, "interest_due", "total_due"])
    for b in notice.blocks:  # the form's own arithmetic holds on every block
        assert block_problems(Row(**{f: getattr(b, f) for f in Row._fields})) == ([], [])


def test_advisors_inner_circle_single_block_over_two_series():
    """Advisors' Inner Circle Fund 24F-2NT (0002048251-26-002390, FYE 12/31/2025): one
    block for two series; net sales 109,874,728.46 x 0.0001381 = fee 15,173.70 (written
    "15173.7": kept exactly as written)."""
    notice = parse_24f2(AIC.read_bytes())
    (block,) = notice.blocks
    assert block.series_ids == ("S000036634", "S000041278")
    assert all(s.all_classes for s in block.scope)
    assert block.aggregate_sales == Decimal("418915624")
    assert block.net_sales == Decimal("109874728.46")
    assert str(block.registration_fee_due) == "15173.7"
    assert block.net_sales * block.fee_rate == Decimal("15173.700000326")
    assert block.last_filing is False and block.filed_late is False


@pytest.mark.parametrize("sample", sorted((SCHEMAS / "samples").glob("*.xml")),
                         ids=lambda p: p.stem)
def test_every_sec_sample_parses_with_its_item5_as_written(sample):
    """SEC's 16 sample notices (24F-2 XML technical specification v2.1): every filer type's
    item 2 variant, single and multi block, /A forms."""
    data = sample.read_bytes()
    notice = parse_24f2(data)
    assert notice.form == re.search(rb"<submissionType>([^<]+)<", data).group(1).decode()
    assert [{f: getattr(b, f) for f in ITEM5} for b in notice.blocks] == _xml_blocks(data)


def test_block_arithmetic_check_catches_a_lost_sign_and_a_wrong_fee():
    notice = parse_24f2(BNY.read_bytes())
    b = notice.blocks[0]
    Row = namedtuple("Row", [*ITEM5, "interest_due", "total_due"])
    row = Row(**{f: getattr(b, f) for f in ITEM5}, interest_due=b.interest_due,
              total_due=b.total_due)
    lost_sign = row._replace(credits_for_future_years=-row.credits_for_future_years)
    assert block_problems(lost_sign)[0]
    aic = parse_24f2(AIC.read_bytes()).blocks[0]
    row = Row(**{f: getattr(aic, f) for f in ITEM5}, interest_due=aic.interest_due,
              total_due=aic.total_due)
    assert block_problems(row) == ([], [])
    assert block_problems(row._replace(registration_fee_due=Decimal("15183.70")))[1]


def test_text_and_foreign_documents_are_refused(capsys):
    with pytest.raises(Notice24F2Error, match="not a 24F-2NT XML"):
        parse_24f2(b"<SEC-DOCUMENT>0000950129-95-001652.txt : 19951228\n24F-2NT")
    with pytest.raises(Notice24F2Error, match="namespace"):
        parse_24f2(fixture_path("nport/0000884394_SPY_NPORT_trimmed.xml").read_bytes())
    bad = BNY.read_bytes().replace(b"<netSales>0.00</netSales>", b"<netSales>abc</netSales>", 1)
    with pytest.raises(Notice24F2Error, match="netSales"):
        parse_24f2(bad)
    assert main(["parse", str(AIC)]) == 0
    assert "net_sales 109874728.46" in capsys.readouterr().out


def test_generated_etf_notices_are_valid_against_the_sec_schema():
    """The fake EDGAR's ETF 24F-2NTs (per-series and trust-level blocks, negative future
    credits) validate against eis_24F_2NT_Filer.xsd, and parse back to what was meant."""
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "xsd" / "eis_24F_2NT_Filer.xsd")))
    for i in range(4):  # CIKs 101-104: trust-level and per-series, a non-ETF series in 104
        cik, name, series = generated_trust(i, 2)
        filing_ = annual_notice(cik, name, 1, series, date(2025, 12, 31), seed=i)
        data = filing_.document("primary_doc.xml")
        assert schema.validate(etree.fromstring(data)), schema.error_log
        notice = parse_24f2(data)
        assert len(notice.blocks) == (len(series) if cik % 2 == 0 else 1)
        assert [{f: getattr(b, f) for f in ITEM5} for b in notice.blocks] == _xml_blocks(data)


@pytest.fixture
def edgar(sec_env):
    edgar = start_fake(generated_trusts=4, real_tickers=False, real_filings=False,
                       holdings_per_series=5, derivatives_per_series=0)
    sec_env(edgar)
    yield edgar
    edgar.stop()


def test_annual_flows_load_check_and_keep_amendments(edgar):
    """Trusts 101-104 from the fake EDGAR: each trust's newest notice loads with every
    block equal to an independent reading of the XML; trust 104's block for its
    non-ETF interval fund is kept and marked; the checks pass per trust. A 24F-2NT/A
    published later is found by the sensor's daily index and loaded beside the notice."""
    instance = DagsterInstance.ephemeral()
    assert run_universe(instance).success
    trusts = ["0000000101", "0000000102", "0000000103", "0000000104"]
    result = run_trusts(instance, trusts)
    assert result.success
    engine = make_engine()
    notices = {f.cik: f for f in edgar.corpus.filings if f.form == "24F-2NT"}
    newest = {}
    for f in edgar.corpus.filings:
        if f.form == "24F-2NT" and (f.cik not in newest or f.report_date > newest[f.cik].report_date):
            newest[f.cik] = f
    with engine.connect() as conn:
        for cik in (101, 102, 103, 104):
            md = metadata(result, "annual_flows", f"{cik:010d}")
            assert md["accessions_loaded"] == [newest[cik].accession]  # default: newest year
            rows = conn.execute(select(annual_flow).where(
                annual_flow.c.accession_number == newest[cik].accession)
                .order_by(annual_flow.c.block)).all()
            expected = _xml_blocks(newest[cik].document("primary_doc.xml"))
            assert [{f: getattr(r, f) for f in ITEM5} for r in rows] == expected
            assert all(isinstance(r.net_sales, Decimal) for r in rows)
            assert all(r.fiscal_year_end == newest[cik].report_date for r in rows)
        covers = dict(conn.execute(select(annual_flow.c.series_or_class_id,
                                          annual_flow.c.covers_etf)
                                   .where(annual_flow.c.cik == "0000000104")).all())
    assert covers == {"S900003000": True, "S900003001": True, "S900003800": False}
    assert metadata(result, "annual_flows", "0000000104")[
        "blocks_naming_only_non_etf_funds"] == 1
    assert metadata(result, "annual_flows", "0000000101")["rows_written"] == 1  # trust-level
    checks = check_results(result)
    for cik in trusts:
        assert checks[("net_sales_arithmetic", cik)] and checks[("fee_matches_rate", cik)]
    assert len(notices) == 4

    # An amendment of trust 102's newest notice, filed Monday 2026-11-23.
    cik, name, series = generated_trust(1, 2)
    amend = annual_notice(cik, name, 99, series, newest[102].report_date, seed=77,
                          form="24F-2NT/A", filed=date(2026, 11, 23))
    edgar.corpus.add(amend)
    edgar.set_today(date(2026, 11, 24))
    edgar.reset()
    tick = evaluate_freshness(instance, SecClient.from_env(), engine,
                              {"last_index_day": "2026-11-20"}, today=date(2026, 11, 24))
    (req,) = tick.run_requests
    assert req.partition_key == "0000000102"
    assert list(req.asset_selection) == [AssetKey("annual_flows")]
    assert amend.accession in req.tags["etf/reason"]
    result = run_trusts(instance, "0000000102", req.asset_selection)
    assert result.success
    assert set(materializations(result)) == {("annual_flows", "0000000102")}
    with engine.connect() as conn:
        kept = conn.execute(select(filing.c.accession_number, filing.c.form)
                            .where(filing.c.cik == "0000000102",
                                   filing.c.form.like("24F-2NT%"))).all()
    assert sorted(kept) == sorted([(newest[102].accession, "24F-2NT"),
                                   (amend.accession, "24F-2NT/A")])
    state = read_states(instance, ["0000000102"])["0000000102"]
    assert state.seen["flows"] == (date(2026, 11, 23), amend.accession)

    # A checks-only run over every trust reads the warehouse and downloads nothing.
    edgar.reset()
    checked = run_checks(instance)
    assert checked.success and edgar.served() == []
    assert check_results(checked)[("net_sales_arithmetic", None)]


def test_spy_submissions_name_its_notices_under_the_trust_cik():
    """SPY's submissions (CIK 0000884394, trimmed to 40 filings): three 24F-2NTs under
    the '33 Act file number 033-46080, FYEs 2023-2025-09-30. Default depth picks the
    newest (0001410368-25-038164); since 2023-01-01 all three; the XSL path names the
    raw primary_doc.xml."""
    import json

    from etf_assets.edgar.submissions import parse_submissions, raw_document_name
    from etf_assets.flows.assets import candidates

    doc = json.loads(fixture_path(
        "submissions/CIK0000884394_SPY_submissions_recent40_trimmed.json").read_bytes())
    filings = parse_submissions(doc)
    assert [f.accession_number for f in candidates(filings, {}, None)] == [
        "0001410368-25-038164"]
    since = candidates(filings, {}, date(2023, 1, 1))
    assert [(f.accession_number, f.report_date) for f in since] == [
        ("0001410368-25-038164", date(2025, 9, 30)),
        ("0001752724-24-281726", date(2024, 9, 30)),
        ("0001752724-23-279160", date(2023, 9, 30))]
    assert {raw_document_name(f.primary_document) for f in since} == {"primary_doc.xml"}
    assert {f.cik for f in since} == {"0000884394"}
    cols = doc["filings"]["recent"]
    assert {cols["fileNumber"][i] for i, form in enumerate(cols["form"])
            if form == "24F-2NT"} == {"033-46080"}
