"""Generated N-CSR / N-CSRS documents of the fake EDGAR (etf_assets_tests/fake_edgar/tsr.py):
tailored shareholder reports in SEC's oef-2025 inline XBRL, then Financial Highlights.

No real ETF TSR is in the fixtures, so the documents must follow the taxonomy exactly:
every generated document (ETF-only, mixed with mutual-fund series, a one-class
undimensioned report, N-CSRS, an amendment) is checked against oef-2025.xsd by the
independent checker (etf_assets_tests/xbrl_check.py) with zero problems, and broken
documents are caught. The plan (what a correct reader returns) is compared with the
facts read back by the generic inline XBRL reader, fact by fact, and no fact is left
over. The fake EDGAR files one N-CSR and one N-CSRS per generated trust without
shifting any other accession."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from etf_assets.ncsr.highlights import parse_financial_highlights
from etf_assets.xbrl.inline import parse_inline_xbrl
from etf_assets_tests import xbrl_check
from etf_assets_tests.fake_edgar.build import (
    FAKE_AGENT,
    FAKE_NCSR_AGENT,
    build_corpus,
    generated_trust,
    ncsr_filing,
)
from etf_assets_tests.fake_edgar.highlights import STYLES, highlights_table
from etf_assets_tests.fake_edgar.tsr import (
    OEF_SECTOR_MEMBERS,
    generate_ncsr_html,
    horizon_start,
    plan_ncsr,
    render_ncsr_html,
)

D = Decimal
ANNUAL, SEMIANNUAL = date(2026, 6, 30), date(2025, 12, 31)


@pytest.fixture(scope="module")
def oef():
    return xbrl_check.oef_2025()


def _trust(i: int, series_per_trust: int, seed: int, **kw) -> dict:
    cik, name, series = generated_trust(i, series_per_trust)
    return dict(cik=cik, reg_name=name, series=series, seed=seed, **kw)


# (case, plan_ncsr arguments without period_end / semiannual)
CASES = [
    ("etf-only", _trust(0, 3, 7)),
    ("mixed", _trust(2, 2, 11)),  # + a mutual-fund series of two classes
    ("interval", _trust(3, 1, 5)),  # + a non-ETF series with an ETF-shaped ticker
    ("mixed-ishares", _trust(5, 2, 3, highlights_style="ishares")),
    ("spdr", _trust(7, 2, 13, highlights_style="spdr")),
    ("vanguard", _trust(8, 1, 17, highlights_style="vanguard")),
    ("single-undimensioned", _trust(0, 1, 9, undimensioned=True)),
    ("amendment", _trust(1, 2, 21, amendment=True)),
]
DOCS = [(name, semi, kw) for name, kw in CASES for semi in (False, True)]
DOC_IDS = [f"{name}-{'N-CSRS' if semi else 'N-CSR'}" for name, semi, _ in DOCS]


def _plan(kw: dict, semiannual: bool):
    return plan_ncsr(**kw, period_end=SEMIANNUAL if semiannual else ANNUAL,
                     semiannual=semiannual)


# --------------------------------------------------------------------------- schema


@pytest.mark.parametrize("name,semi,kw", DOCS, ids=DOC_IDS)
def test_generated_documents_follow_oef_2025(oef, name, semi, kw):
    """Every concept a concrete oef-2025 (or listed dei / us-gaap) item of the right
    type, unit, decimals and period type; members on declared axes and in their
    domains; contexts, units, continuations resolve; the inline reader reads every
    fact without a problem."""
    data = render_ncsr_html(_plan(kw, semi))
    assert xbrl_check.check(data, oef) == []
    doc = parse_inline_xbrl(data)
    assert doc.problems == ()
    assert [f for f in doc.facts if f.problem] == []


def test_the_checker_reads_the_taxonomy(oef):
    """What the checker takes from oef-2025 (and what surprised: a pattern, not a list,
    for the report type; AcctVal deprecated for the duration concept AccmVal; holdings
    percentages and HoldingsCount are instants, EtfPremiumNumDays a duration)."""
    el = oef.elements
    assert el["ShareholderReportAnnualOrSemiAnnual"].type == "oef:shareholderReportTypeItemType"
    pattern = oef.types["oef:shareholderReportTypeItemType"].pattern
    for ok in ("Annual Shareholder Report", "Semi-Annual Shareholder Report",
               "semi-annual shareholder report", "Semi - Annual Shareholder Report"):
        assert re.fullmatch(pattern, ok), ok
    for wrong in ("Semiannual Shareholder Report", "Annual Report", "SEMI-ANNUAL SHAREHOLDER "
                  "REPORT"):
        assert not re.fullmatch(pattern, wrong), wrong
    assert oef.deprecated == frozenset({"AcctVal"})
    assert (el["AcctVal"].period, el["AccmVal"].period) == ("instant", "duration")
    assert {k: el[k].period for k in ("PctOfNav", "HoldingsCount", "EtfPremiumNumDays",
                                      "ExpenseRatioPct", "AvgAnnlRtrPct")} == {
        "PctOfNav": "instant", "HoldingsCount": "instant", "EtfPremiumNumDays": "duration",
        "ExpenseRatioPct": "duration", "AvgAnnlRtrPct": "duration"}
    assert el["EtfPremiumNumDays"].type == "xbrli:integerItemType"
    sectors = oef.axes[(oef.namespace, "IndustrySectorAxis")].taxonomy_members
    assert {m for _ns, m in sectors} >= OEF_SECTOR_MEMBERS
    assert "FksHealthCareSectorMember" not in {m for _ns, m in sectors}
    broad = oef.axes[(oef.namespace, "BroadBasedIndexAxis")].taxonomy_members
    assert ("http://fasb.org/us-gaap/2025", "StandardPoors500IndexMember") in broad


def _swap_context(data: bytes, concept: str, other: str) -> bytes:
    """Point the first `concept` fact at the context of the first `other` fact."""
    text = data.decode()
    want = re.search(rf'name="{other}" contextRef="([^"]+)"', text).group(1)
    text = re.sub(rf'(name="{concept}" contextRef=")[^"]+"', rf'\g<1>{want}"', text, count=1)
    return text.encode()


UNUSED_CONTEXT = (b'<xbrli:context id="c-x"><xbrli:entity><xbrli:identifier scheme='
                  b'"http://www.sec.gov/CIK">0000000103</xbrli:identifier></xbrli:entity>'
                  b"<xbrli:period><xbrli:instant>2026-06-30</xbrli:instant></xbrli:period>"
                  b"</xbrli:context></ix:resources>")
BREAKS = [  # (what, edit of an annual mixed-trust document, a problem it must cause)
    ("wrong concept", lambda d: d.replace(b'name="oef:ExpenseRatioPct"',
                                          b'name="oef:ExpenseRatio"', 1),
     "oef:ExpenseRatio: not a concrete oef-2025 item"),
    ("instant vs duration", lambda d: _swap_context(d, "us-gaap:AssetsNet",
                                                    "oef:ExpenseRatioPct"),
     "us-gaap:AssetsNet: instant item in duration context"),
    ("duration vs instant", lambda d: _swap_context(d, "oef:AvgAnnlRtrPct", "oef:PctOfNav"),
     "oef:AvgAnnlRtrPct: duration item in instant context"),
    ("wrong unit", lambda d: re.sub(rb'(name="oef:ExpensesPaidAmt"[^>]*unitRef=")USD"',
                                    rb'\1pure"', d, count=1),
     "oef:ExpensesPaidAmt: unit pure ['xbrli:pure'] for xbrli:monetaryItemType"),
    ("percent in dollars", lambda d: re.sub(rb'(name="oef:ExpenseRatioPct"[^>]*unitRef=")pure"',
                                            rb'\1USD"', d, count=1),
     "oef:ExpenseRatioPct: unit USD ['iso4217:USD'] for dtr-types:percentItemType"),
    ("report type", lambda d: re.sub(
        rb'(name="oef:ShareholderReportAnnualOrSemiAnnual"[^>]*>)[^<]+', rb"\1Annual Report",
        d, count=1), "'Annual Report' breaks the pattern of oef:shareholderReportTypeItemType"),
    ("decimals", lambda d: re.sub(rb'(name="oef:ExpenseRatioPct"[^>]*decimals=")4"', rb'\g<1>2"',
                                  d, count=1), "has more digits than decimals=2"),
    ("class member", lambda d: d.replace(b"fks:C900020000Member", b"fks:ClassOneMember", 1),
     "bad member 'fks:ClassOneMember' on ClassAxis"),
    ("unknown axis", lambda d: d.replace(b'dimension="oef:IndustrySectorAxis"',
                                         b'dimension="oef:SectorAxis"', 1),
     "unknown axis oef:SectorAxis"),
    ("member outside the domain", lambda d: d.replace(
        b">oef:InformationTechnologySectorMember<", b">oef:WithSalesLoadMember<", 1),
     "WithSalesLoadMember is not in the domain of IndustrySectorAxis"),
    ("series axis member", lambda d: d.replace(
        b'<xbrldi:explicitMember dimension="oef:ClassAxis">fks:C900020000Member',
        b'<xbrldi:explicitMember dimension="dei:LegalEntityAxis">fks:S000000001Member'
        b'</xbrldi:explicitMember><xbrldi:explicitMember dimension="oef:ClassAxis">'
        b"fks:C900020000Member", 1), None),  # a series member is allowed (well formed)
    ("integer", lambda d: re.sub(rb'(name="oef:HoldingsCount"[^>]*decimals=")0"([^>]*>)[\d,]+',
                                 rb'\g<1>1"\g<2>12.5', d, count=1),
     "12.5 is not a whole number"),
    ("text block escape", lambda d: d.replace(b' escape="true" continuedAt="cont-0"',
                                              b' continuedAt="cont-0"', 1),
     'oef:FactorsAffectingPerfTextBlock: text block without escape="true"'),
    ("continuation", lambda d: d.replace(b'<ix:continuation id="cont-1">',
                                         b'<ix:continuation id="cont-x">', 1),
     "continuation cont-1 loops or does not resolve"),
    ("duplicate id", lambda d: d.replace(b'id="f-2"', b'id="f-1"', 1), "duplicate id f-1"),
    ("inconsistent duplicate", lambda d: d.replace(b"</ix:hidden>", re.search(
        rb'<ix:nonFraction name="oef:ExpenseRatioPct"[^>]*>[^<]*</ix:nonFraction>', d).group(0)
        .replace(b'id="', b'id="x').replace(b">0.", b">9.") + b"</ix:hidden>", 1),
     "oef:ExpenseRatioPct: inconsistent duplicate"),
    ("unused context", lambda d: d.replace(b"</ix:resources>", UNUSED_CONTEXT, 1),
     "context c-x is not used by any fact"),
]


@pytest.mark.parametrize("what,edit,problem", BREAKS, ids=[b[0] for b in BREAKS])
def test_broken_documents_are_caught(oef, what, edit, problem):
    data = render_ncsr_html(_plan(dict(CASES)["mixed"], False))
    broken = edit(data)
    assert broken != data
    problems = xbrl_check.check(broken, oef)
    if problem is None:
        assert problems == []
    else:
        assert any(problem in p for p in problems), problems


def test_deprecated_line_graph_concept_is_caught(oef):
    """``line_graph_concept="AcctVal"`` writes the deprecated instant concept (periods
    right): the only problems are the deprecation."""
    kw = dict(CASES)["etf-only"]
    data = generate_ncsr_html(**kw, period_end=ANNUAL, semiannual=False,
                              line_graph_concept="AcctVal")
    problems = xbrl_check.check(data, oef)
    assert problems and all(p.endswith("oef:AcctVal: deprecated in oef-2025") for p in problems)
    points = sum(len(c.line_graph) for c in _plan(kw, False).classes)
    assert len(problems) == points


# --------------------------------------------------------------------------- plan


def test_deterministic_for_a_seed():
    kw = dict(CASES)["mixed"]
    args = dict(**kw, period_end=ANNUAL, semiannual=False)
    assert generate_ncsr_html(**args) == generate_ncsr_html(**args)
    assert plan_ncsr(**args) == plan_ncsr(**args)
    assert generate_ncsr_html(**{**args, "seed": 12}) != generate_ncsr_html(**args)


def _read(data: bytes) -> dict[tuple, list]:
    """Facts by (concept, class member, other members, instant, start, end), read with
    the generic inline XBRL reader."""
    doc = parse_inline_xbrl(data)
    out: dict[tuple, list] = {}
    for f in doc.facts:
        ctx = doc.contexts[f.context_ref]
        dims = {a.local: m.local for a, m in ctx.explicit}
        klass = dims.pop("ClassAxis", None)
        p = ctx.period
        key = (f.concept.local, klass, frozenset(dims.items()), p.instant, p.start, p.end)
        out.setdefault(key, []).append(f.value)
    return out


@pytest.mark.parametrize("name,semi,kw", DOCS, ids=DOC_IDS)
def test_document_says_what_the_plan_says(name, semi, kw):
    """Each planned value is in the document as one fact in exactly the planned context
    (class member only; an index or holdings member on top; report-period durations,
    period-end instants, return spans, graph spans), and there is no other fact."""
    plan = _plan(kw, semi)
    facts = _read(render_ncsr_html(plan))
    got = facts
    expected: dict[tuple, list] = {}

    def want(concept, cm, value, *, dims=(), instant=None, start=None, end=None):
        expected.setdefault((concept, cm, frozenset(dims), instant, start, end), []).append(value)

    doc_period = dict(start=plan.period_start, end=plan.period_end)
    for concept, value in (("DocumentType", plan.document_type),
                           ("AmendmentFlag", "true" if plan.amendment else "false"),
                           ("EntityCentralIndexKey", plan.cik),
                           ("EntityRegistrantName", plan.reg_name),
                           ("EntityInvCompanyType", "N-1A"),
                           ("DocumentPeriodEndDate", plan.period_end.isoformat())):
        want(concept, None, value, **doc_period)
    if plan.amendment:
        amend = [v for k, v in got.items() if k[0] == "AmendmentDescription"]
        assert len(amend) == 1
        want("AmendmentDescription", None, amend[0][0], **doc_period)
    for c in plan.classes:
        cm = None if plan.undimensioned else f"{c.class_id}Member"
        dur = dict(start=c.period_start, end=c.period_end)
        for concept, value in (("FundName", c.fund_name), ("ClassName", c.class_name),
                               ("ShareholderReportAnnualOrSemiAnnual", c.report_type),
                               ("PerfInceptionDate", c.inception.isoformat()),
                               ("ExpensesPaidAmt", c.expenses_paid),
                               ("ExpenseRatioPct", c.expense_ratio),
                               ("InvestmentCompanyPortfolioTurnover", c.portfolio_turnover),
                               ("AdvisoryFeesPaidAmt", c.advisory_fees_paid),
                               ("AddlInfoWebsite", "www.fakeshares.example")):
            want(concept, cm, value, **dur)
        if c.ticker:
            want("TradingSymbol", cm, c.ticker, **dur)
        if c.exchange:
            want("SecurityExchangeName", cm, c.exchange, **dur)
        want("AssetsNet", cm, c.net_assets, instant=c.period_end)
        want("HoldingsCount", cm, D(c.holdings_count), instant=c.period_end)
        if c.is_etf:
            want("EtfPremiumNumDays", cm, D(c.premium_days), **dur)
            want("EtfDiscountNumDays", cm, D(c.discount_days), **dur)
        for h in c.holdings:
            want(h.measure, cm, h.value, dims=[(h.axis, h.member)], instant=c.period_end)
        block = "AddlInfoTextBlock" if semi else "FactorsAffectingPerfTextBlock"
        text = [v for k, v in got.items() if k[:2] == (block, cm)]
        assert len(text) == 1 and text[0][0] == "\n".join(c.text_parts)  # continued
        want(block, cm, text[0][0], **dur)
        if c.graph_label:
            want("LineGraphAndTableMeasureName", cm, c.graph_label, **dur)
        axes = {}
        for r in c.returns:
            dims = []
            if r.subject == "index":
                axis = {"broad_based": "BroadBasedIndexAxis",
                        "additional": "AdditionalIndexAxis"}[r.index_axis]
                dims = [(axis, r.index_member)]
                axes[r.index_member] = axis
                if r.period == "1y":
                    want("LineGraphAndTableMeasureName", cm, r.index_name, dims=dims, **dur)
            want("AvgAnnlRtrPct", cm, r.value, dims=dims, start=r.start, end=r.end)
        for subject, member, as_of, value in c.line_graph:
            dims = [] if member is None else [(axes[member], member)]
            want("AccmVal", cm, value, dims=dims, start=c.graph_start, end=as_of)
    def canon(values: list) -> list[str]:
        return sorted(str(v.normalize()) if isinstance(v, Decimal) else str(v) for v in values)

    assert {k: canon(v) for k, v in got.items()} == {k: canon(v) for k, v in expected.items()}


@pytest.mark.parametrize("name,kw", CASES, ids=[c[0] for c in CASES])
def test_return_periods_and_class_ages(name, kw):
    """Annual: 1/5/10-year spans start the day after the same date n years earlier;
    classes under 10 years old add since-inception (inception .. period end), classes
    10+ years old have none; index rows have the class's horizons; graph from the later
    of inception and 10 years back, a point per fiscal year end. Semiannual: none."""
    plan = _plan(kw, False)
    for c in plan.classes:
        assert (c.period_start, c.period_end) == (date(2025, 7, 1), ANNUAL)
        fund = {r.period: r for r in c.returns if r.subject == "fund"}
        young = c.inception > date(2016, 6, 30)
        assert set(fund) == ({"1y", "since_inception"} | ({"5y"} if c.inception
                                                          < date(2021, 7, 1) else set())
                             if young else {"1y", "5y", "10y"})
        for period, r in fund.items():
            assert r.end == ANNUAL
            assert r.start == (c.inception if period == "since_inception"
                               else horizon_start(ANNUAL, int(period[:-1])))
        assert horizon_start(ANNUAL, 1) == date(2025, 7, 1)
        assert horizon_start(ANNUAL, 10) == date(2016, 7, 1)
        for r in c.returns:
            if r.subject == "index":
                assert fund[r.period].start == r.start and r.index_name
        start = max(c.inception, date(2016, 6, 30))
        assert c.graph_start == start
        fund_points = [p for p in c.line_graph if p[0] == "fund"]
        assert [p[2] for p in fund_points] == [start] + [
            date(y, 6, 30) for y in range(start.year + (start >= date(start.year, 6, 30)), 2027)]
        assert fund_points[0][3] == D(10000)
    semi = _plan(kw, True)
    for c in semi.classes:
        assert (c.period_start, c.period_end) == (date(2025, 7, 1), SEMIANNUAL)
        assert c.returns == () and c.line_graph == () and c.graph_label is None
        assert c.report_type.lower().startswith("semi")
    # the same trust's two reports agree on what does not change with the period
    assert [(c.inception, c.expense_ratio) for c in plan.classes] == \
        [(c.inception, c.expense_ratio) for c in semi.classes]


def test_the_generated_corpus_has_young_old_and_varied_classes():
    """Across the test trusts: young classes (1y + since inception only), old ones
    (10y), negative returns, us-gaap and extension index members, both holdings
    measures and axes, net assets in millions, hidden tickers and graphs."""
    classes = [c for _n, kw in CASES for c in _plan(kw, False).classes]
    periods = [frozenset(r.period for r in c.returns if r.subject == "fund") for c in classes]
    assert frozenset({"1y", "since_inception"}) in periods
    assert frozenset({"1y", "5y", "10y"}) in periods
    assert any(r.value < 0 for c in classes for r in c.returns)
    members = {r.index_member for c in classes for r in c.returns if r.index_member}
    assert "StandardPoors500IndexMember" in members and "FksSP500IndexMember" in members
    assert {r.index_axis for c in classes for r in c.returns} == {None, "broad_based",
                                                                 "additional"}
    assert {h.measure for c in classes for h in c.holdings} == {"PctOfNav", "PctOfTotalInv"}
    assert {h.axis for c in classes for h in c.holdings} == {
        "IndustrySectorAxis", "GeographicRegionAxis", "LargestHoldingAxis"}
    assert {c.net_assets_in_millions for c in classes} == {True, False}
    assert {c.ticker_hidden for c in classes} == {True, False}
    assert {c.graph_hidden for c in classes} == {True, False}
    assert {c.is_etf for c in classes} == {True, False}
    for c in classes:
        if c.net_assets_in_millions:
            assert c.net_assets % 1_000_000 == 0
        assert (c.premium_days is None) == (not c.is_etf)


def test_undimensioned_only_for_a_lone_class():
    kw = dict(CASES)["mixed"]
    with pytest.raises(ValueError, match="exactly one class"):
        plan_ncsr(**kw, period_end=ANNUAL, semiannual=False, undimensioned=True)
    data = render_ncsr_html(_plan(dict(CASES)["single-undimensioned"], False))
    assert b"ClassAxis" not in data
    with pytest.raises(ValueError, match="month ends"):
        plan_ncsr(**kw, period_end=date(2026, 6, 15), semiannual=False)


# --------------------------------------------------------------------------- highlights


@pytest.mark.parametrize("name,semi,kw", DOCS, ids=DOC_IDS)
def test_highlights_follow_the_report(name, semi, kw):
    """Item 7 has one Financial Highlights table per class, named by the class's fund
    and class, its fiscal years ending on the report's fiscal year end (N-CSRS: the six
    months to the period end first), the net expense ratio the TSR's; the highlights
    parser reads every table back to the generator's figures."""
    plan = _plan(kw, semi)
    assert len(plan.highlights) == len(plan.classes)
    for c, g in zip(plan.classes, plan.highlights):
        assert (g.fund_name, g.class_name) == (c.fund_name, c.class_name)
        first = g.columns[0].period
        if semi:
            assert (first.kind, first.end) == ("six_months", SEMIANNUAL)
            assert g.columns[1].period.end == date(2025, 6, 30)
        else:
            assert (first.kind, first.end) == ("year", ANNUAL)
        assert all((p.end.month, p.end.day) == (6, 30) for p in (col.period for col in g.columns)
                   if p.kind != "six_months")
        oldest = g.columns[-1].period
        if oldest.kind == "first_period":
            assert oldest.start == c.inception
        net = g.columns[0].values.get("expense_ratio_net_pct",
                                      g.columns[0].values["expense_ratio_gross_pct"])
        assert net == c.expense_ratio * 100
    tables = parse_financial_highlights(render_ncsr_html(plan))
    assert len(tables) == len(plan.highlights)
    for t, g in zip(tables, plan.highlights):
        assert g.fund_name in f"{t.caption} {t.title}"
        assert [dict(col.values) for col in t.columns] == [col.values for col in g.columns]
        assert [col.period_end for col in t.columns] == [col.period.end for col in g.columns]
        assert t.problems == ()


def test_highlights_table_takes_the_reports_names_and_year():
    """The new keyword arguments; left out, the table is what it always was."""
    assert highlights_table(5, "ishares") == highlights_table(5, "ishares", fund_name=None,
                                                              class_name=None,
                                                              fiscal_year_end=None)
    g = highlights_table(5, "ishares", fund_name="Fakeshares S&P Mid ETF", class_name="Shares",
                         fiscal_year_end=(6, 30), last_fiscal_year=2026, semiannual=True)
    assert g.fund_name == "Fakeshares S&P Mid ETF" and "Fakeshares S&amp;P Mid ETF" in g.html
    assert [c.period.end for c in g.columns][:2] == [date(2026, 12, 31), date(2026, 6, 30)]
    with pytest.raises(ValueError, match="month ends"):
        highlights_table(5, "spdr", fiscal_year_end=(6, 15))
    assert set(STYLES) == {"vanguard", "ishares", "spdr"}


# --------------------------------------------------------------------------- fake EDGAR


def test_fake_edgar_files_an_ncsr_and_ncsrs_per_trust(oef):
    """Each generated trust: an N-CSR (2026-06-30, filed 2026-08-25 + i % 5 days) and an
    N-CSRS (2025-12-31, filed 2026-02-24 + i % 5 days) listing every series and class,
    primary document fk<accession tail>_ncsr.htm that validates; accessions of their own
    filer agent, so the shared counter (every other accession) is untouched."""
    corpus = build_corpus(real_tickers=False, real_filings=False, generated_trusts=4,
                          series_per_trust=2, holdings_per_series=3)
    for i in range(4):
        cik, name, series = generated_trust(i, 2)
        reports = sorted((f for f in corpus.filings if f.cik == cik
                          and f.form.startswith("N-CSR")), key=lambda f: f.form)
        assert [(f.form, f.report_date, f.filing_date) for f in reports] == [
            ("N-CSR", ANNUAL, date(2026, 8, 25 + i % 5)),
            ("N-CSRS", SEMIANNUAL, date(2026, 2, 24 + i % 5))]
        for f in reports:
            assert f.accession.startswith(FAKE_NCSR_AGENT + "-26-")
            assert f.primary_document == f"fk{f.accession[-6:]}_ncsr.htm"
            assert [s["series_id"] for s in f.series] == [s.series_id for s in series]
            assert [c["class_id"] for s in f.series for c in s["classes"]] == [
                c["class_id"] for s in series for c in s.classes]
            data = f.document(f.primary_document)
            assert xbrl_check.check(data, oef) == []
            assert f.primary_document.encode() in f.txt()
    shared = sorted(int(f.accession[-6:]) for f in corpus.filings
                    if f.accession.startswith(FAKE_AGENT))
    assert shared == list(range(1, corpus.accessions.n + 1))
    ncsr = [f.accession for f in corpus.filings if f.form.startswith("N-CSR")]
    assert len(set(ncsr)) == len(ncsr) == 8


def test_ncsr_filing_amendment_and_undimensioned(oef):
    cik, name, series = generated_trust(0, 1)
    amended = ncsr_filing(cik, name, "0009999930-26-000900", series, ANNUAL, date(2026, 9, 1),
                          seed=4, form="N-CSR/A", undimensioned=True)
    data = amended.document(amended.primary_document)
    assert xbrl_check.check(data, oef) == []
    assert b">true</ix:nonNumeric>" in data and b"ClassAxis" not in data
    assert b'name="dei:DocumentType" contextRef="c-1" id="f-' in data
    with pytest.raises(ValueError, match="form N-CSR for a semiannual"):
        ncsr_filing(cik, name, "0009999930-26-000901", series, SEMIANNUAL, date(2026, 2, 2),
                    seed=4, semiannual=True, form="N-CSR")


# --------------------------------------------------------------------------- parse back


@pytest.mark.parametrize("name,semi,kw", DOCS + [
    ("acctval", False, {**CASES[0][1], "line_graph_concept": "AcctVal"})],
    ids=DOC_IDS + ["acctval-N-CSR"])
def test_tsr_parser_reads_back_the_plan(name, semi, kw):
    """etf_assets/ncsr/tsr.py on each generated document gives exactly its plan: every
    class's identity, expenses, statistics, each return with its own period (fund and
    index never mixed), every graph point and holdings row; every fact accounted for."""
    from etf_assets.ncsr.parse import parse_ncsr

    plan = _plan(kw, semi)
    doc = parse_ncsr(render_ncsr_html(plan))
    r = doc.report
    assert (r.document_type, r.amendment, r.cik, r.registrant_name, r.period_end) == (
        plan.document_type, plan.amendment, plan.cik, plan.reg_name, plan.period_end)
    assert r.mapped + r.duplicates + sum(1 for s in r.skipped if s.order is not None) \
        == r.fact_count
    assert set(r.skipped_reasons()) <= {"text not extracted"}
    by_key = {c.class_id: c for c in r.classes}
    assert set(by_key) == ({None} if plan.undimensioned else {c.class_id for c in plan.classes})
    for pc in plan.classes:
        c = by_key[None if plan.undimensioned else pc.class_id]
        assert (c.fund_name, c.class_name, c.ticker, c.period_start, c.period_end,
                c.expense_ratio, c.expenses_paid, c.inception_date) == (
            pc.fund_name, pc.class_name, pc.ticker, pc.period_start, pc.period_end,
            pc.expense_ratio, pc.expenses_paid, pc.inception)
        assert c.report_type == ("semiannual" if semi else "annual")
        stats = {s.name: s.value for s in c.statistics}
        assert stats == {k: D(v) for k, v in (
            ("net_assets", pc.net_assets), ("holdings_count", pc.holdings_count),
            ("portfolio_turnover", pc.portfolio_turnover),
            ("advisory_fees_paid", pc.advisory_fees_paid),
            ("etf_premium_days", pc.premium_days),
            ("etf_discount_days", pc.discount_days)) if v is not None}
        assert sorted((x.subject, x.index_axis, x.index_member, x.index_name, x.start, x.end,
                       x.period, x.value) for x in c.returns) == sorted(
            (x.subject, x.index_axis, x.index_member, x.index_name, x.start, x.end,
             x.period, x.value) for x in pc.returns)
        assert sorted((g.subject, g.index_member, g.as_of, g.value) for g in c.line_graph) \
            == sorted(pc.line_graph)
        assert sorted((h.member, h.value) for h in c.holdings) == sorted(
            (h.member, h.value) for h in pc.holdings)
    assert len(doc.highlights) == len(plan.highlights)
