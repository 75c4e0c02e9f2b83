"""Untagged prospectuses read from their HTML tables (issue 25), on real filings: every
number of two real 497K submissions asserted (values read by eye from the documents),
the tagged Delaware 485BPOS read both ways and compared, the filed form deciding the
reader, and a 497K loaded into the warehouse column by column."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal as D
from functools import lru_cache

import pytest
from sqlalchemy import select

from etf_assets.cli import main
from etf_assets.edgar.sgml import primary_document
from etf_assets.prospectus.load import load_prospectus
from etf_assets.prospectus.parse import parse_485bpos
from etf_assets.prospectus.read import ClassRef, compare, read_prospectus
from etf_assets.prospectus.untagged import parse_untagged, submission_classes
from etf_assets.warehouse.engine import make_engine
from etf_assets.warehouse.tables import (
    etf,
    performance,
    prospectus_expense_example,
    prospectus_fee,
    prospectus_series,
)
from etf_assets_tests.fake_edgar.build import fixture_path

JH = "submissions_txt/0000045291_0001193125-25-148895_497K.txt"
GMO = "submissions_txt/0000772129_0001193125-25-152548_497K.txt"
DELAWARE = "prospectus/0000027574_Delaware.485BPOS.html"
NCEN_TXT = "submissions_txt/0001496608_0001410368-26-010918_N-CEN.txt"
VANGUARD_HIGHLIGHTS = "ncsr/vanguard_financial_highlights_table_excerpt.html"


@lru_cache(maxsize=None)
def read(rel: str):
    data = fixture_path(rel).read_bytes()
    form, doc = primary_document(data)
    return parse_untagged(doc.content, form=form, classes=submission_classes(data))


FEE_FIELDS = ("management_fee", "distribution_12b1_fee", "other_expenses",
              "acquired_fund_fees", "total_annual_expenses", "fee_waiver", "net_expenses")


def fees(t) -> tuple:
    return tuple(getattr(t, f) for f in FEE_FIELDS)


def test_john_hancock_497k_every_number():
    """John Hancock Classic Value Fund 497K 0001193125-25-148895 (a supplement restating
    the fee table and example; six classes A C I R2 R5 R6, footnote digits typeset as
    "0.67 1"): every fee line, both other-expense components and all 28 example figures,
    each class matched by name to its SGML class id."""
    p = read(JH)
    assert p.document_type == "497K" and p.read_from == "html"
    assert (p.fact_count, p.mapped, p.skipped) == (76, 76, ())
    by = {t.ticker: t for t in p.fee_tables}
    assert {t.series_id for t in p.fee_tables} == {"S000000617"}
    expected = {  # management, 12b-1, other, AFFE, total, waiver, net (%, as printed)
        "PZFVX": ("0.67", "0.25", "0.20", None, "1.12", "-0.01", "1.11"),   # A
        "JCVCX": ("0.67", "1.00", "0.20", None, "1.87", "-0.01", "1.86"),   # C
        "JCVIX": ("0.67", "0.00", "0.20", None, "0.87", "-0.01", "0.86"),   # I
        "JCVSX": ("0.67", "0.25", "0.34", None, "1.26", "-0.01", "1.25"),   # R2
        "JCVVX": ("0.67", "0.00", "0.14", None, "0.81", "-0.01", "0.80"),   # R5
        "JCVWX": ("0.67", "0.00", "0.09", None, "0.76", "-0.01", "0.75"),   # R6
    }
    for ticker, row in expected.items():
        assert fees(by[ticker]) == tuple(None if v is None else D(v) / 100 for v in row), ticker
    components = {"PZFVX": ("0.00", "0.20"), "JCVCX": ("0.00", "0.20"),
                  "JCVIX": ("0.00", "0.20"), "JCVSX": ("0.25", "0.09"),
                  "JCVVX": ("0.05", "0.09"), "JCVWX": ("0.00", "0.09")}
    for ticker, (service, additional) in components.items():
        assert by[ticker].other_components == (
            ("Service plan fee", D(service) / 100), ("Additional other expenses",
                                                     D(additional) / 100)), ticker
    examples = {"PZFVX": (608, 837, 1085, 1794), "JCVCX": (289, 587, 1010, 1994),
                "JCVIX": (88, 277, 481, 1072), "JCVSX": (127, 399, 691, 1522),
                "JCVVX": (82, 258, 449, 1001), "JCVWX": (77, 242, 421, 941)}
    for ticker, amounts in examples.items():
        assert [by[ticker].example(y) for y in (1, 3, 5, 10)] == list(map(D, amounts))
    # Class C's "Shares Not Sold" column: the no-redemption example
    assert [by["JCVCX"].example(y, redemption=False) for y in (1, 3, 5, 10)] == [
        D(189), D(587), D(1010), D(1994)]
    assert by["PZFVX"].class_id == "C000001745" and by["JCVSX"].class_id == "C000113483"


def test_gmo_497k_every_number():
    """GMO Multi-Sector Fixed Income Fund 497K 0001193125-25-152548: fee table (two
    classes, "(0.37%)1" waivers), example, turnover 444%, the bar chart's best / worst
    quarter and year to date, and the 16 average annual returns of Class III - a class
    this submission does not list, so it keeps its name and gets no class id."""
    p = read(GMO)
    assert (p.fact_count, p.mapped, p.skipped) == (40, 40, ())
    r6, i = (p.fee_table(class_id=c) for c in ("C000213367", "C000213366"))
    pct = [D("0.40"), D("0.32"), D("0.12"), D("0.84"), D("-0.37"), D("0.47")]
    assert fees(r6) == (pct[0] / 100, None, pct[1] / 100, pct[2] / 100, pct[3] / 100,
                        pct[4] / 100, pct[5] / 100)
    assert fees(i) == (D("0.004"), None, D("0.0044"), D("0.0012"), D("0.0096"), D("-0.0037"),
                       D("0.0059"))
    assert [r6.example(y) for y in (1, 3, 5, 10)] == [D(48), D(231), D(430), D(1003)]
    assert [i.example(y) for y in (1, 3, 5, 10)] == [D(60), D(269), D(495), D(1144)]
    assert [s.portfolio_turnover for s in p.series] == [D("4.44")]
    assert {(b.kind, b.as_of, b.value) for b in p.bar_chart} == {
        ("highest_quarter", date(2023, 12, 31), D("0.0602")),
        ("lowest_quarter", date(2022, 3, 31), D("-0.0688")),
        ("year_to_date", date(2025, 3, 31), D("0.0296"))}
    table = {  # 1 year, 5 years, 10 years, since inception (4/30/1997), percent
        "before_taxes": ("1.30", "-0.84", "1.13", "4.19"),
        "after_taxes_on_distributions": ("-0.54", "-2.12", "-0.43", "1.91"),
        "after_taxes_on_distributions_and_sales": ("0.77", "-0.96", "0.30", "2.34"),
        None: ("1.25", "-0.33", "1.35", "4.14"),  # Bloomberg U.S. Aggregate Index
    }
    got = {(a.measure, a.horizon): a for a in p.average_returns}
    assert len(got) == len(p.average_returns) == 16
    for measure, values in table.items():
        for horizon, v in zip(("1y", "5y", "10y", "since_inception"), values):
            a = got[(measure, horizon)]
            assert a.value == D(v) / 100 and a.periods_ended == date(2024, 12, 31)
            assert a.inception_date == (date(1997, 4, 30) if horizon == "since_inception"
                                        else None)
            assert a.class_id is None and a.series_id == "S000004917"
            if measure is None:
                assert (a.subject, a.index_name, a.class_name) == (
                    "index", "Bloomberg U.S. Aggregate Index (Fund benchmark)", None)
            else:
                assert (a.subject, a.class_name) == ("fund", "Class III")


def test_tagged_delaware_read_from_its_tables_matches_its_tags():
    """Delaware Value Fund 485BPOS (rr/2023): read from its HTML tables alone, with the
    class names of its cover (A, C, R, Institutional, R6), every tagged fee line, example,
    shareholder fee, average annual return (incl. R6's "lifetime" column) and the
    turnover are the same figures; the comparison finds no difference in 68 values. One
    altered table cell is found."""
    data = fixture_path(DELAWARE).read_bytes()
    tagged = parse_485bpos(data)
    names = {"DDVAX": "Class A", "DDVCX": "Class C", "DDVRX": "Class R",
             "DDVIX": "Institutional Class", "DDZRX": "Class R6"}
    refs = [ClassRef(c.class_id, c.series_id, names[c.ticker], c.ticker)
            for c in tagged.classes]
    html = parse_untagged(data, form="485BPOS", classes=refs)
    assert html.mapped == html.fact_count == 79
    for t in tagged.fee_tables:
        h = html.fee_table(class_id=t.class_id)
        assert [v or 0 for v in fees(h)] == [v or 0 for v in fees(t)]
        assert {(f.concept, f.value) for f in h.shareholder_fees} == {
            (f.concept, f.value) for f in t.shareholder_fees}
    assert html.series[0].portfolio_turnover == tagged.series[0].portfolio_turnover == D("0.19")
    p, comparison = read_prospectus(data, form="485BPOS", classes=refs)
    assert p.read_from == "ixbrl" and p.document_type == "485BPOS"
    assert (comparison.compared, comparison.differences) == (68, ())
    altered = parse_untagged(data.replace(b'id="ixv-16022">1.69<', b'id="ixv-16022">1.96<'),
                             classes=refs)
    assert compare(tagged, altered).differences == (
        "C000006335 total_annual_expenses: tagged 0.0169, table 0.0196",)


def test_parse_uses_the_filed_form(tmp_path, capsys):
    """`parse` on a .txt submission reads the form from EDGAR's wrapper and says so:
    the GMO 497K is a prospectus read from its tables (document_type 497K); the same
    Financial Highlights excerpt is an N-CSR when bare (sniffed) but a prospectus when
    filed as a 485BPOS (no fee table: exit 1, said as a prospectus problem); an N-CEN
    submission is refused by name."""
    assert main(["parse", str(fixture_path(GMO)), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["form"] == "497K (the submission's <TYPE>; document d94622d497k.htm)"
    assert (out["document_type"], out["read_from"]) == ("497K", "html")
    assert out["fee_tables"][0]["total"] == "0.0084" and out["fee_tables"][0]["net"] == "0.0047"
    assert out["fee_tables"][0]["examples"] == {"1y": "48", "3y": "231", "5y": "430",
                                                "10y": "1003"}
    assert len(out["average_returns"]) == 16
    highlights = (b"<html><body><p>Financial Highlights</p>"
                  + fixture_path(VANGUARD_HIGHLIGHTS).read_bytes() + b"</body></html>")
    bare = tmp_path / "highlights.htm"
    bare.write_bytes(highlights)
    assert main(["parse", str(bare)]) == 0
    assert "N-CSR (sniffed" in capsys.readouterr().out
    wrapped = tmp_path / "0000000000-25-000001.txt"
    wrapped.write_bytes(b"<SEC-DOCUMENT>0000000000-25-000001.txt\n<SEC-HEADER>\n"
                        b"CONFORMED SUBMISSION TYPE:\t485BPOS\n</SEC-HEADER>\n<DOCUMENT>\n"
                        b"<TYPE>485BPOS\n<SEQUENCE>1\n<FILENAME>d1.htm\n<TEXT>\n"
                        + highlights + b"\n</TEXT>\n</DOCUMENT>\n</SEC-DOCUMENT>\n")
    assert main(["parse", str(wrapped)]) == 1
    assert "no fee table or average annual returns table" in capsys.readouterr().err
    assert main(["parse", str(fixture_path(NCEN_TXT))]) == 1
    assert "form N-CEN: not parsed by this command" in capsys.readouterr().err


@pytest.fixture(scope="module")
def gmo_warehouse(tmp_path_factory):
    """The GMO 497K loaded as if both its classes were ETF classes."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('w') / 'w.db'}")
    now = date(2026, 1, 1)
    with engine.begin() as conn:
        conn.execute(etf.insert(), [
            {"class_id": c, "ticker": None, "series_id": "S000004917", "cik": "0000772129",
             "class_name": name, "is_etf": True, "decision_source": "ncen",
             "first_seen": now, "last_seen": now, "active": True}
            for c, name in (("C000213366", "Class I"), ("C000213367", "Class R6"))])
        _, doc = primary_document(fixture_path(GMO).read_bytes())
        written, _ = load_prospectus(
            conn, doc.content, accession="0001193125-25-152548", filing_date=date(2025, 6, 30),
            cik="772129", url="https://example.invalid", form="497K")
    return engine, written


def test_gmo_497k_lands_in_the_warehouse_column_by_column(gmo_warehouse):
    """Every column of prospectus_fee, prospectus_expense_example, prospectus_series and
    performance for the loaded 497K, against the figures read from the document."""
    engine, written = gmo_warehouse
    assert written == {"prospectus_fee": 2, "prospectus_shareholder_fee": 0,
                       "prospectus_expense_example": 8,
                       "prospectus_series": 1, "performance": 19}
    with engine.connect() as conn:
        fee = {r.class_id: r._asdict() for r in conn.execute(select(prospectus_fee))}
        ex = sorted(tuple(r) for r in conn.execute(select(
            prospectus_expense_example.c.fee_key, prospectus_expense_example.c.years,
            prospectus_expense_example.c.redemption, prospectus_expense_example.c.amount,
            prospectus_expense_example.c.currency)))
        series = conn.execute(select(prospectus_series)).one()._asdict()
        perf = [r._asdict() for r in conn.execute(select(performance).order_by(
            performance.c.seq))]
    assert fee["C000213367"] == {
        "accession_number": "0001193125-25-152548", "fee_key": "C000213367",
        "cik": "0000772129", "series_id": "S000004917", "class_id": "C000213367",
        "ticker": None, "filing_date": date(2025, 6, 30), "effective_date": None,
        "management_fee": D("0.004"), "distribution_12b1_fee": None,
        "distribution_non_12b1_fee": None, "other_expenses": D("0.0032"),
        "acquired_fund_fees": D("0.0012"), "total_annual_expenses": D("0.0084"),
        "fee_waiver": D("-0.0037"), "net_expenses": D("0.0047"), "other_components": None,
        "read_from": "html"}
    assert (fee["C000213366"]["other_expenses"], fee["C000213366"]["total_annual_expenses"],
            fee["C000213366"]["net_expenses"]) == (D("0.0044"), D("0.0096"), D("0.0059"))
    assert ex == sorted(
        [("C000213367", y, True, D(a), "USD") for y, a in ((1, 48), (3, 231), (5, 430),
                                                          (10, 1003))]
        + [("C000213366", y, True, D(a), "USD") for y, a in ((1, 60), (3, 269), (5, 495),
                                                            (10, 1144))])
    assert series == {"accession_number": "0001193125-25-152548", "series_id": "S000004917",
                      "cik": "0000772129", "filing_date": date(2025, 6, 30),
                      "effective_date": None, "objective": None, "objective_secondary": None,
                      "strategy": None, "portfolio_turnover": D("4.44"), "read_from": "html"}
    assert [p["seq"] for p in perf] == list(range(1, 20))
    assert {p["read_from"] for p in perf} == {"html"}
    assert {p["source"] for p in perf} == {"prospectus"}
    bars = [(p["period"], p["as_of"], p["value"]) for p in perf[:3]]
    assert bars == [("highest_quarter", date(2023, 12, 31), D("0.0602")),
                    ("lowest_quarter", date(2022, 3, 31), D("-0.0688")),
                    ("year_to_date", date(2025, 3, 31), D("0.0296"))]
    first = perf[3]
    assert {k: first[k] for k in ("series_id", "class_id", "subject", "measure",
                                  "index_member", "index_name", "period", "year", "as_of",
                                  "inception_date", "value", "period_start",
                                  "index_role")} == {
        "series_id": "S000004917", "class_id": None, "subject": "fund",
        "measure": "before_taxes", "index_member": None, "index_name": None, "period": "1y",
        "year": None, "as_of": date(2024, 12, 31), "inception_date": None,
        "value": D("0.013"), "period_start": None, "index_role": None}
    after_tax = [(p["measure"], p["period"], p["value"]) for p in perf
                 if p["measure"] and p["measure"].startswith("after")]
    assert after_tax == [
        ("after_taxes_on_distributions", "1y", D("-0.0054")),
        ("after_taxes_on_distributions", "5y", D("-0.0212")),
        ("after_taxes_on_distributions", "10y", D("-0.0043")),
        ("after_taxes_on_distributions", "since_inception", D("0.0191")),
        ("after_taxes_on_distributions_and_sales", "1y", D("0.0077")),
        ("after_taxes_on_distributions_and_sales", "5y", D("-0.0096")),
        ("after_taxes_on_distributions_and_sales", "10y", D("0.003")),
        ("after_taxes_on_distributions_and_sales", "since_inception", D("0.0234"))]
    index = [(p["index_name"], p["period"], p["value"], p["inception_date"]) for p in perf
             if p["subject"] == "index"]
    assert index == [("Bloomberg U.S. Aggregate Index (Fund benchmark)", h, D(v), i)
                     for h, v, i in (("1y", "0.0125", None), ("5y", "-0.0033", None),
                                     ("10y", "0.0135", None),
                                     ("since_inception", "0.0414", date(1997, 4, 30)))]


@pytest.fixture(scope="module")
def delaware_warehouse(tmp_path_factory):
    """The Delaware 485BPOS loaded with its five classes registered (names as its cover
    prints them) and Class A (DDVAX) as if it were the trust's ETF class."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('d') / 'w.db'}")
    now = date(2026, 1, 1)
    classes = (("C000006333", "DDVAX", "Class A", True), ("C000006335", "DDVCX", "Class C", False),
               ("C000006336", "DDVIX", "Institutional Class", False),
               ("C000031061", "DDVRX", "Class R", False), ("C000171459", "DDZRX", "Class R6", False))
    with engine.begin() as conn:
        conn.execute(etf.insert(), [
            {"class_id": c, "ticker": t, "series_id": "S000002391", "cik": "0000027574",
             "class_name": n, "is_etf": e, "decision_source": "ncen", "first_seen": now,
             "last_seen": now, "active": True} for c, t, n, e in classes])
        written, kept = load_prospectus(
            conn, fixture_path(DELAWARE).read_bytes(), accession="0000000000-24-000002",
            filing_date=date(2024, 3, 28), cik="27574", url="https://example.invalid",
            form="485BPOS")
    return engine, written, kept


def test_delaware_tagged_rows_column_by_column(delaware_warehouse):
    """Class A's rows from the tags, every column: fee lines 0.53 / 0.25 / 0.16 / 0.94%,
    shareholder fees (5.75% front load, no CDSC), example $665/857/1,065/1,663, the
    returns table's nine fund figures (before and both after-tax measures: 1y -4.05%,
    5y 6.20%, 10y 6.72% / -6.51%, 3.69%, 5.04% / -0.71%, 4.70%, 5.23%), the index
    row, ten calendar years and the two quarters; the loader compared the tags with the
    tables (68 values, no difference)."""
    from etf_assets.warehouse.tables import prospectus_shareholder_fee

    engine, written, kept = delaware_warehouse
    assert (kept.comparison.compared, kept.comparison.differences) == (68, ())
    # the four other classes: fee tables and their 12 returns counted, not loaded
    assert (kept.non_etf_fee_tables, kept.non_etf_returns, kept.unkeyed_fee_tables) == (
        4, 12, 0)
    acc, key = "0000000000-24-000002", "C000006333"
    with engine.connect() as conn:
        fee = conn.execute(select(prospectus_fee)).one()._asdict()
        holder = [r._asdict() for r in conn.execute(select(prospectus_shareholder_fee)
                                                    .order_by(prospectus_shareholder_fee.c.concept))]
        ex = [tuple(r) for r in conn.execute(select(
            prospectus_expense_example.c.years, prospectus_expense_example.c.amount)
            .order_by(prospectus_expense_example.c.years))]
        series = conn.execute(select(prospectus_series)).one()._asdict()
        perf = [r._asdict() for r in conn.execute(select(performance).order_by(
            performance.c.seq))]
    assert fee == {
        "accession_number": acc, "fee_key": key, "cik": "0000027574",
        "series_id": "S000002391", "class_id": key, "ticker": "DDVAX",
        "filing_date": date(2024, 3, 28), "effective_date": date(2024, 4, 1),
        "management_fee": D("0.0053"), "distribution_12b1_fee": D("0.0025"),
        "distribution_non_12b1_fee": None, "other_expenses": D("0.0016"),
        "acquired_fund_fees": None, "total_annual_expenses": D("0.0094"), "fee_waiver": None,
        "net_expenses": None, "other_components": None, "read_from": "ixbrl"}
    assert holder == [
        {"accession_number": acc, "fee_key": key, "concept": c, "value": v, "unit": "pure",
         "cik": "0000027574"}
        for c, v in (("MaximumDeferredSalesChargeOverOfferingPrice", D("0")),
                     ("MaximumSalesChargeImposedOnPurchasesOverOfferingPrice", D("0.0575")))]
    assert ex == [(1, D(665)), (3, D(857)), (5, D(1065)), (10, D(1663))]
    assert (series["objective"], series["portfolio_turnover"], series["read_from"],
            series["effective_date"]) == (
        "Delaware Value Fund seeks long-term capital appreciation.", D("0.19"), "ixbrl",
        date(2024, 4, 1))
    bars = [(p["period"], p["year"], p["as_of"], p["value"]) for p in perf
            if p["period"] in ("calendar_year", "highest_quarter", "lowest_quarter")]
    assert bars == [("calendar_year", y, date(y, 12, 31), D(v)) for y, v in (
        (2014, "0.1342"), (2015, "-0.0054"), (2016, "0.1444"), (2017, "0.1337"),
        (2018, "-0.0312"), (2019, "0.1994"), (2020, "-0.0012"), (2021, "0.2211"),
        (2022, "-0.0376"), (2023, "0.0182"))] + [
        ("highest_quarter", None, date(2020, 6, 30), D("0.1532")),
        ("lowest_quarter", None, date(2020, 3, 31), D("-0.2671"))]
    returns = {(p["subject"], p["measure"], p["period"]): p for p in perf
               if p["period"] in ("1y", "5y", "10y")}
    expected = {
        "before_taxes": ("-0.0405", "0.0620", "0.0672"),
        "after_taxes_on_distributions": ("-0.0651", "0.0369", "0.0504"),
        "after_taxes_on_distributions_and_sales": ("-0.0071", "0.0470", "0.0523")}
    for measure, values in expected.items():
        for period, v in zip(("1y", "5y", "10y"), values):
            row = returns.pop(("fund", measure, period))
            assert {k: row[k] for k in ("series_id", "class_id", "value", "as_of",
                                        "source", "read_from", "index_member",
                                        "inception_date")} == {
                "series_id": "S000002391", "class_id": key, "value": D(v),
                "as_of": date(2023, 12, 31), "source": "prospectus", "read_from": "ixbrl",
                "index_member": None, "inception_date": None}
    index = {k[2]: (r["index_name"], r["value"], r["class_id"], r["measure"])
             for k, r in returns.items()}
    assert index == {p: ("Russell 1000® Value Index", D(v), None, None)
                     for p, v in (("1y", "0.1146"), ("5y", "0.1091"), ("10y", "0.0840"))}
