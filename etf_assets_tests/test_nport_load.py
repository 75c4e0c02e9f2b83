"""Tests for the N-PORT warehouse load (etf_assets/nport/rows.py + warehouse/load.py).

Real fixtures (etf_assets_tests/fixtures/sec/nport, see ../PROVENANCE.md):

* ``0001432353_GlobalX_DAX_Germany_ETF_NPORT-P_2024-01-31.xml`` (Global X DAX Germany
  ETF, S000063351), loaded under the INVENTED accession ``0009999999-24-000001``;
* ``0000810893_PIMCO_Income_NPORT_trimmed.xml`` (PIMCO Income Fund, 11 derivatives),
  under the invented accession ``0009999999-26-000002``;
* ``0000884394_SPY_NPORT_trimmed.xml`` (SPDR S&P 500 ETF Trust, a UIT without series
  id), under the invented accession ``0009999999-26-000003``.

Expected values come from an independent full lxml parse of the same files (XPath by
local name), never from the parser under test. Large documents come from
``fake_edgar.generate.generate_nport_xml``, whose netAssets is by construction the
exact sum of its valUSD values.

SQLite stores NUMERIC as INTEGER/REAL (15 significant digits): per-row values are
compared exactly (they all fit), a SQL SUM over REALs to the cent. On PostgreSQL
(NUMERIC) every comparison, the SQL SUM included, is exact.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal, localcontext
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import func, select

from etf_assets.nport.parse import Holding, NportParseError, iter_nport, parse_nport
from etf_assets.nport.rows import filing_rows, rows_for, series_key_for
from etf_assets.warehouse import load as load_module
from etf_assets.warehouse.engine import make_engine
from etf_assets.nport.load import load_nport
from etf_assets.warehouse.load import replace_filing
from etf_assets.warehouse.tables import (
    NPORT_TABLES,
    derivative,
    filing,
    holding,
    holding_identifier,
    nport_report,
    processing_log,
)
from etf_assets_tests.fake_edgar.generate import generate_nport_xml

REPO = Path(__file__).resolve().parent.parent
NPORT = Path(__file__).parent / "fixtures" / "sec" / "nport"
GLOBALX = NPORT / "0001432353_GlobalX_DAX_Germany_ETF_NPORT-P_2024-01-31.xml"
PIMCO = NPORT / "0000810893_PIMCO_Income_NPORT_trimmed.xml"
SPY = NPORT / "0000884394_SPY_NPORT_trimmed.xml"

# (file, invented accession, filer CIK, invented filing date)
REAL = {
    "globalx": (GLOBALX, "0009999999-24-000001", "0001432353", dt.date(2024, 3, 27)),
    "pimco": (PIMCO, "0009999999-26-000002", "0000810893", dt.date(2026, 5, 28)),
    "spy": (SPY, "0009999999-26-000003", "0000884394", dt.date(2026, 5, 29)),
}

BIG_N = 50_000
BIG_DERIV = 500
BIG_CIK = "0000777777"
BIG_ACCESSION = "0009999999-24-050000"

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"


# ----------------------------------------------------------------------------- helpers


def _sum(values) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 80
        return sum(values, Decimal(0))


def xml_facts(path: Path) -> dict:
    """Independent reading of a fixture: full lxml parse + XPath by local name."""
    root = etree.fromstring(path.read_bytes().lstrip())
    positions = root.xpath("//*[local-name()='invstOrSec']")
    values = {}
    for i, node in enumerate(positions, start=1):
        val = node.xpath("*[local-name()='valUSD']/text()")
        values[i] = Decimal(val[0].strip()) if val else None
    kinds: dict[str, int] = {}
    for el in root.xpath("//*[local-name()='invstOrSec']/*[local-name()='derivativeInfo']/*"):
        name = etree.QName(el).localname
        kinds[name] = kinds.get(name, 0) + 1
    return {
        "positions": len(positions),
        "values": values,
        "value_sum": _sum(v for v in values.values() if v is not None),
        "derivatives": sum(kinds.values()),
        "derivative_elements": kinds,
        "identifiers": len(root.xpath(
            "//*[local-name()='invstOrSec']/*[local-name()='identifiers']/*")),
        "net_assets": Decimal(root.xpath("string(//*[local-name()='netAssets'])").strip()),
        "monthly_flows": len(root.xpath("//*[local-name()='fundInfo']/*[starts-with("
                                        "local-name(), 'mon') and @sales]")),
        "monthly_returns": 3 * len(root.xpath("//*[local-name()='monthlyTotReturn']")),
        "monthly_gains": len(root.xpath("//*[local-name()='returnInfo']//*[@netRealizedGain]")),
        "root": root,
    }


def load_file(engine, key: str, **kw) -> dict[str, int]:
    path, accession, cik, filing_date = REAL[key]
    with engine.begin() as conn:
        return load_nport(conn, path.read_bytes(), accession=accession, cik=cik,
                          filing_date=filing_date, url=f"file://{path.name}", **kw)


def count(conn, table, accession: str | None = None) -> int:
    stmt = select(func.count()).select_from(table)
    if accession is not None:
        stmt = stmt.where(table.c.accession_number == accession)
    return conn.execute(stmt).scalar_one()


def distinct_keys(conn, table) -> int:
    cols = [c for c in table.primary_key.columns]
    sub = select(*cols).distinct().subquery()
    return conn.execute(select(func.count()).select_from(sub)).scalar_one()


def counts_by_table(conn, accession: str) -> dict[str, int]:
    return {t.name: count(conn, t, accession) for t in NPORT_TABLES}


def sqlite_engine(tmp_path: Path, name: str = "w.sqlite"):
    return make_engine(f"sqlite:///{tmp_path}/{name}")


def check_real_load(engine, key: str, *, exact_sum: bool) -> None:
    """The shared assertions for a real fixture loaded under its REAL accession."""
    path, accession, cik, _ = REAL[key]
    facts = xml_facts(path)
    with engine.connect() as conn:
        n = counts_by_table(conn, accession)
        assert n["holding"] == facts["positions"]
        assert n["derivative"] == facts["derivatives"]
        assert n["holding_identifier"] == facts["identifiers"]
        assert n["nport_report"] == 1

        # every position's value exactly, and the SQL total
        stored = dict(conn.execute(
            select(holding.c.position, holding.c.value_usd)
            .where(holding.c.accession_number == accession)).all())
        assert stored == facts["values"]
        sql_sum = conn.execute(select(func.sum(holding.c.value_usd))
                               .where(holding.c.accession_number == accession)).scalar_one()
        assert isinstance(sql_sum, Decimal)
        if exact_sum:
            assert sql_sum == facts["value_sum"]
        else:  # SQLite sums REALs
            assert sql_sum.quantize(Decimal("0.01")) == facts["value_sum"].quantize(Decimal("0.01"))

        rep = conn.execute(select(nport_report)
                           .where(nport_report.c.accession_number == accession)).mappings().one()
        assert rep["rows_written"] == rep["positions_in_document"] == facts["positions"]
        assert rep["skipped"] == []
        assert rep["net_assets"] == facts["net_assets"]
        assert rep["cik"] == cik

        fil = conn.execute(select(filing).where(filing.c.accession_number == accession)).one()
        assert fil.form == "NPORT-P" and fil.cik == cik

        # derivative rows sit on the position of a holding flagged is_derivative
        deriv_pos = set(conn.execute(select(derivative.c.position)
                                     .where(derivative.c.accession_number == accession)).scalars())
        flagged = set(conn.execute(select(holding.c.position).where(
            holding.c.accession_number == accession, holding.c.is_derivative)).scalars())
        assert deriv_pos == flagged and len(deriv_pos) == facts["derivatives"]


# ------------------------------------------------------------------------ real fixtures


@pytest.mark.parametrize("key", ["globalx", "pimco"])
def test_real_fixture_rows_match_the_xml(tmp_path, key) -> None:
    """Global X DAX (0009999999-24-000001, invented) and PIMCO Income
    (0009999999-26-000002, invented): row counts, derivative count (1 / 11), identifier
    rows, each valUSD and their total agree with an independent reading of the XML."""
    engine = sqlite_engine(tmp_path)
    written = load_file(engine, key)
    facts = xml_facts(REAL[key][0])
    assert written == {"holding": facts["positions"], "holding_identifier": facts["identifiers"],
                       "derivative": facts["derivatives"], "nport_report": 1,
                       "nport_monthly_flow": facts["monthly_flows"],
                       "nport_monthly_return": facts["monthly_returns"],
                       "nport_monthly_gain": facts["monthly_gains"]}
    assert facts["derivatives"] == {"globalx": 1, "pimco": 11}[key]
    # Global X: one class; all 6 contract categories written out with their 7
    # instruments, plus non-derivatives: (6 x 8 + 1) x 3 months. PIMCO: 7 classes.
    assert (facts["monthly_flows"], facts["monthly_returns"], facts["monthly_gains"]) == \
        {"globalx": (3, 3, 147), "pimco": (3, 21, 39)}[key]
    check_real_load(engine, key, exact_sum=False)


@pytest.mark.parametrize("key", ["globalx", "pimco", "spy"])
def test_streamed_rows_are_rows_for_of_each_parsed_holding(key) -> None:
    """The loader's rows (filing_rows over the stream's Holding fields, no records built)
    equal rows_for over parse_nport's Holding records, row for row, key order included:
    one mapping from a position to its rows, whichever way the position arrives."""
    path, accession, cik, filing_date = REAL[key]
    data = path.read_bytes()
    parsed = parse_nport(data)
    header = parsed.header
    expected = [
        (table.name, list(row.items()))
        for h in parsed.holdings
        for table, row in rows_for(h, accession=accession, filing_date=filing_date,
                                   report_date=header.rep_pd_date, cik=cik,
                                   series_id=header.series_id,
                                   series_key=series_key_for(header, cik))
    ]
    streamed = [(table.name, list(row.items())) for table, row in filing_rows(
        iter_nport(data), accession=accession, filing_date=filing_date, cik=cik)]
    assert len(expected) > len(parsed.holdings)
    assert streamed[: len(expected)] == expected
    assert {name for name, _ in streamed[len(expected):]} <= {
        "nport_monthly_flow", "nport_monthly_return", "nport_monthly_gain", "nport_report"}


def test_globalx_non_us_holding_with_cusip_na_keeps_its_isin(tmp_path) -> None:
    """Global X DAX: COMMERZBANK is written <cusip>N/A</cusip> with isin DE000CBK1001;
    every N/A-CUSIP holding has the ISIN of its XML identifiers."""
    engine = sqlite_engine(tmp_path)
    load_file(engine, "globalx")
    root = xml_facts(GLOBALX)["root"]
    expected = {}
    for i, node in enumerate(root.xpath("//*[local-name()='invstOrSec']"), start=1):
        if node.xpath("string(*[local-name()='cusip'])").strip() == "N/A":
            isin = node.xpath("*[local-name()='identifiers']/*[local-name()='isin']/@value")
            expected[i] = isin[0] if isin else None
    assert len(expected) == 40
    with engine.connect() as conn:
        rows = conn.execute(select(holding.c.position, holding.c.cusip, holding.c.isin,
                                   holding.c.country, holding.c.name)
                            .where(holding.c.cusip.is_(None))).all()
        assert {r.position: r.isin for r in rows} == expected
        cbk = [r for r in rows if r.name == "COMMERZBANK Aktiengesellschaft."]
        assert len(cbk) == 1 and cbk[0].isin == "DE000CBK1001" and cbk[0].country == "DE"
        ident = conn.execute(select(holding_identifier.c.kind, holding_identifier.c.value)
                             .where(holding_identifier.c.position == cbk[0].position)).all()
        assert ident == [("isin", "DE000CBK1001")]
        fut = conn.execute(select(derivative)).mappings().one()
    assert fut["kind"] == "future" and fut["deriv_cat"] == "FUT"
    assert fut["ref_kind"] == "index" and fut["ref_name"] == "Mini-DAX Futures Mar 2024"
    assert fut["notional"] == Decimal("366252.46") and fut["currency"] == "EUR"
    assert fut["unrealized_appreciation"] == Decimal("2919.82")
    assert fut["expiration_date"] == dt.date(2024, 3, 18)
    assert fut["counterparties"] == [{"name": "MACQUARIE CAPITAL", "lei": None}]


def test_pimco_derivative_kinds_and_nothing_dropped(tmp_path) -> None:
    """PIMCO: derivative kinds per element name; each holding's `extra` equals the
    parser's extra pairs and each identifier the parser's (kind, value, otherDesc)."""
    engine = sqlite_engine(tmp_path)
    load_file(engine, "pimco")
    facts = xml_facts(PIMCO)
    element_kind = {"futrDeriv": "future", "fwdDeriv": "forward", "swapDeriv": "swap",
                    "optionSwaptionWarrantDeriv": "option", "othDeriv": "other"}
    expected_kinds: dict[str, int] = {}
    for el, n in facts["derivative_elements"].items():
        expected_kinds[element_kind[el]] = expected_kinds.get(element_kind[el], 0) + n
    parsed = parse_nport(PIMCO.read_bytes())
    with engine.connect() as conn:
        kinds = dict(conn.execute(select(derivative.c.kind, func.count())
                                  .group_by(derivative.c.kind)).all())
        assert kinds == expected_kinds
        extras = dict(conn.execute(select(holding.c.position, holding.c.extra)).all())
        idents = conn.execute(select(holding_identifier.c.position, holding_identifier.c.kind,
                                     holding_identifier.c.value, holding_identifier.c.description)
                              .order_by(holding_identifier.c.position,
                                        holding_identifier.c.seq)).all()
        swaps = conn.execute(select(derivative).where(derivative.c.kind == "swap")).mappings().all()
    for h in parsed.holdings:
        assert extras[h.position] == ([list(p) for p in h.extra] or None)
    assert [tuple(r) for r in idents] == [
        (h.position, *i) for h in parsed.holdings for i in h.identifiers]
    for row in swaps:  # legs land in their columns
        d = parsed.holdings[row["position"] - 1].derivative
        assert row["receive_kind"] == (d.receive_leg.kind if d.receive_leg else None)
        assert row["pay_kind"] == (d.pay_leg.kind if d.pay_leg else None)


def test_spy_uit_uses_cik_series_key(tmp_path) -> None:
    """SPY (UIT, seriesName N/A, no seriesId; invented accession 0009999999-26-000003):
    series_key is CIK0000884394 and series_id stays NULL."""
    engine = sqlite_engine(tmp_path)
    load_file(engine, "spy")
    assert series_key_for(parse_nport(SPY.read_bytes()).header, "884394") == "CIK0000884394"
    with engine.connect() as conn:
        keys = set(conn.execute(select(holding.c.series_key, holding.c.series_id)).all())
        rep = conn.execute(select(nport_report.c.series_key, nport_report.c.series_id,
                                  nport_report.c.series_name)).one()
    assert keys == {("CIK0000884394", None)}
    assert tuple(rep) == ("CIK0000884394", None, None)


# ------------------------------------------------------------- idempotence, amendments


def test_loading_the_same_accession_twice_changes_nothing(tmp_path) -> None:
    """Global X DAX twice under 0009999999-24-000001: counts equal distinct-key counts
    and do not move; one filing row; one processing_log row."""
    engine = sqlite_engine(tmp_path)
    first = load_file(engine, "globalx")
    with engine.connect() as conn:
        before = {t.name: count(conn, t) for t in NPORT_TABLES}
        snapshot = conn.execute(select(holding).order_by(holding.c.position)).all()
    second = load_file(engine, "globalx")
    assert first == second
    with engine.connect() as conn:
        after = {t.name: count(conn, t) for t in NPORT_TABLES}
        assert after == before == first
        for t in NPORT_TABLES:
            assert distinct_keys(conn, t) == after[t.name]
        assert conn.execute(select(holding).order_by(holding.c.position)).all() == snapshot
        assert count(conn, filing) == 1
        assert count(conn, processing_log) == 1
        log = conn.execute(select(processing_log)).one()
    assert (log.cik, log.parser_type, log.latest_filing_date_seen) == (
        "0001432353", "nport", dt.date(2024, 3, 27))


def test_an_amendment_adds_rows_under_its_own_accession(tmp_path) -> None:
    """Same series and report date, new accession, form NPORT-P/A: the amendment's rows
    are added; the original's rows are untouched; "latest" picks the amendment."""
    engine = sqlite_engine(tmp_path)
    common = dict(cik="0000123456", series_id="S000123456", series_name="Amended Fund",
                  reg_name="Amended Trust", report_date=dt.date(2024, 6, 30))
    original = generate_nport_xml(**common, n_holdings=120, n_derivatives=5, seed=1)
    amended = generate_nport_xml(**common, n_holdings=90, n_derivatives=3, seed=2,
                                 form="NPORT-P/A")
    with engine.begin() as conn:
        load_nport(conn, original, accession="0009999999-24-000010", cik="123456",
                   filing_date=dt.date(2024, 8, 20), url="gen://original")
    with engine.connect() as conn:
        snapshot = {t.name: conn.execute(select(t).where(
            t.c.accession_number == "0009999999-24-000010")).all() for t in NPORT_TABLES}
    with engine.begin() as conn:
        load_nport(conn, amended, accession="0009999999-24-000011", cik="123456",
                   filing_date=dt.date(2024, 9, 2), url="gen://amended")
    with engine.connect() as conn:
        for t in NPORT_TABLES:
            assert conn.execute(select(t).where(
                t.c.accession_number == "0009999999-24-000010")).all() == snapshot[t.name]
        amendment = counts_by_table(conn, "0009999999-24-000011")
        assert amendment["holding"] == 90 and amendment["derivative"] == 3
        assert amendment["nport_report"] == 1 and amendment["holding_identifier"] >= 90
        assert count(conn, holding) == 210
        forms = dict(conn.execute(select(filing.c.accession_number, filing.c.form)).all())
        assert forms == {"0009999999-24-000010": "NPORT-P", "0009999999-24-000011": "NPORT-P/A"}
        latest = conn.execute(
            select(nport_report.c.accession_number)
            .where(nport_report.c.series_id == "S000123456",
                   nport_report.c.report_date == dt.date(2024, 6, 30))
            .order_by(nport_report.c.filing_date.desc(), nport_report.c.accession_number.desc())
            .limit(1)).scalar_one()
        assert latest == "0009999999-24-000011"
        log = conn.execute(select(processing_log)).one()
        assert log.latest_filing_date_seen == dt.date(2024, 9, 2)


# ----------------------------------------------------------------------------- atomicity


def _failing_rows(rows, after: int):
    for i, item in enumerate(rows):
        if i == after:
            raise RuntimeError("boom: simulated failure mid-load")
        yield item


def test_a_load_that_raises_midway_leaves_no_trace(tmp_path) -> None:
    """A rows iterator raising after 10 rows (batches of 3, so some were flushed) rolls
    back everything: no rows, no filing, no processing_log. A failed *re*load of an
    accession leaves its previous version whole. Another accession is untouched."""
    engine = sqlite_engine(tmp_path)
    load_file(engine, "pimco")
    path, accession, cik, filing_date = REAL["globalx"]

    def attempt(after: int) -> None:
        stream = iter_nport(path.read_bytes())
        rows = filing_rows(stream, accession=accession, filing_date=filing_date, cik=cik)
        flushed = []
        with pytest.raises(RuntimeError, match="boom"), engine.begin() as conn:
            replace_filing(
                conn, accession=accession, tables=NPORT_TABLES, rows=_failing_rows(rows, after),
                filing_row={"accession_number": accession, "cik": cik, "form": "NPORT-P",
                            "filing_date": filing_date, "report_date": stream.header.rep_pd_date,
                            "url": "x", "sha256": "0" * 64, "parsed_at": dt.datetime.now()},
                cik=cik, parser_type="nport", latest_filing_date_seen=filing_date,
                batch_size=3, on_flush=lambda table, n: flushed.append((table, n)))
        assert flushed  # rows did reach the database before the failure

    attempt(10)
    with engine.connect() as conn:
        assert counts_by_table(conn, accession) == dict.fromkeys(
            (t.name for t in NPORT_TABLES), 0)
        assert count(conn, filing, accession) == 0
        assert conn.execute(select(processing_log.c.cik)).scalars().all() == ["0000810893"]

    good = load_file(engine, "globalx")
    attempt(50)  # the delete of the old version is rolled back too
    with engine.connect() as conn:
        assert counts_by_table(conn, accession) == good
        assert count(conn, filing, accession) == 1
    check_real_load(engine, "pimco", exact_sum=False)


def test_broken_xml_midway_rolls_back(tmp_path) -> None:
    """Global X DAX cut off after ~70% of its bytes: the parser raises after holdings
    were already flushed (batch_size=5); nothing of the accession remains."""
    engine = sqlite_engine(tmp_path)
    data = GLOBALX.read_bytes()
    flushed = []
    with pytest.raises(NportParseError), engine.begin() as conn:
        load_nport(conn, data[: int(len(data) * 0.7)], accession="0009999999-24-000001",
                   cik="1432353", filing_date=dt.date(2024, 3, 27), url="x", batch_size=5,
                   on_flush=lambda t, n: flushed.append(t))
    assert "holding" in flushed
    with engine.connect() as conn:
        assert sum(counts_by_table(conn, "0009999999-24-000001").values()) == 0
        assert count(conn, filing) == 0 and count(conn, processing_log) == 0


# ------------------------------------------------------------------ the SQLite insert path


def _sample_value(column, i: int):
    """Row i's value for a column, by type: awkward on purpose (scales, exponents,
    microseconds, tabs and quotes, JSON null vs SQL NULL, a non-Decimal amount)."""
    from sqlalchemy import JSON, Boolean, Date, DateTime, Integer

    from etf_assets.warehouse.tables import ExactDecimal

    t = column.type
    if isinstance(t, ExactDecimal):
        return [Decimal("123456789012345678.123456789012345678"), Decimal("-0.000000000001"),
                Decimal("1E+3"), 7, Decimal("132.670000"),
                None if column.nullable else Decimal("-0")][i % 6]
    if isinstance(t, Boolean):
        return [True, False, None, 1, True, False][i % 6] if column.nullable else bool(i % 2)
    if isinstance(t, DateTime):
        return dt.datetime(2024, 1, 2, 3, 4, 5, i * 7)
    if isinstance(t, Date):
        return dt.date(2024, 1, 1 + i % 2) if not column.primary_key else dt.date(2024, 2, 1 + i)
    if isinstance(t, Integer):
        return i * 10**12 + 1
    if isinstance(t, JSON):
        return [["fundCat", "N/A"], {"k": [1, None, "\u00e9"]}, None if column.nullable else 0,
                [], "s", 2.5][i % 6]
    return ['Soci\u00e9t\u00e9 "G"\tA\\B\nC', "", "x", "N/A", "\\N", "y"][i % 6] + (
        str(i) if column.primary_key or not column.nullable else "")


def test_sqlite_insert_path_stores_what_sqlalchemy_executemany_stores(tmp_path) -> None:
    """Every warehouse table: rows inserted through the loader's SQLite path
    (``_sqlite_insert``: one compile, per-column conversion, columns NULL in the whole
    batch left out, exec_driver_sql) are stored exactly as ``conn.execute(table.insert(),
    rows)`` stores them (SQLite typeof + quote of every value), and read back through
    SQLAlchemy alike: a batch of awkward values, then a batch NULL wherever it may be."""
    from sqlalchemy import Column, Date, MetaData, String, Table, Text, create_engine

    from etf_assets.warehouse.tables import metadata

    # Not in the warehouse today, covered anyway: columns with a server or a Python-side
    # default, which a batch NULL throughout must still bind as NULL.
    defaults = Table("with_defaults", MetaData(),
                     Column("accession_number", String(20), primary_key=True),
                     Column("note", Text, server_default="from the server"),
                     Column("day", Date, default=dt.date(2000, 1, 1)))
    engines = {}
    for name in ("sqlalchemy", "fast"):
        engines[name] = create_engine(f"sqlite:///{tmp_path}/{name}.sqlite")
        metadata.create_all(engines[name])
        defaults.metadata.create_all(engines[name])
    for table in [*metadata.sorted_tables, defaults]:
        rows = [{c.name: _sample_value(c, i) for c in table.columns} for i in range(6)]
        sparse = [{c.name: _sample_value(c, i) if c.primary_key or not c.nullable else None
                   for c in table.columns} for i in range(6, 8)]
        with engines["sqlalchemy"].begin() as conn:
            conn.execute(table.insert(), rows)
            conn.execute(table.insert(), sparse)
        with engines["fast"].begin() as conn:
            order = load_module._sqlite_plan(table, tuple(rows[0]), conn.dialect)[0]
            assert load_module._sqlite_sql(table, order, conn.dialect) is not None
            if table is defaults:  # never left out: NULL is not what they would store
                assert load_module._sqlite_plan(table, order, conn.dialect)[3] == frozenset()
            load_module._sqlite_insert(conn, table, rows)
            load_module._sqlite_insert(conn, table, sparse)
        dumps, read_back = [], []
        for name, engine in engines.items():
            cols = ", ".join(f'typeof("{c.name}"), quote("{c.name}")' for c in table.columns)
            with engine.connect() as conn:
                dumps.append(conn.exec_driver_sql(
                    f'SELECT {cols} FROM "{table.name}" ORDER BY rowid').all())
                read_back.append(conn.execute(select(table)).all())
        assert len(dumps[0]) == 8
        assert dumps[0] == dumps[1], table.name
        assert read_back[0] == read_back[1], table.name
    with engines["fast"].begin() as conn, pytest.raises(ValueError, match="not columns"):
        load_module._sqlite_insert(conn, holding_identifier, [{"accession_number": "a",
                                                              "bogus": 1}])


# ---------------------------------------------- a 50,000-position document, SIGKILL, memory

_LOADER = r"""
import datetime, json, sys, time
from etf_assets.warehouse import load as load_module
from etf_assets.warehouse.engine import make_engine
from etf_assets.nport.load import load_nport

url, path, accession, cik = sys.argv[1:5]

def mb(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key):
                return int(line.split()[1]) / 1024

engine = make_engine(url)
base = mb("VmRSS")
announced = []

def on_flush(table, n):
    if not announced:
        announced.append(table)
        print("started", flush=True)

t0 = time.perf_counter()
with engine.begin() as conn, open(path, "rb") as f:
    written = load_nport(conn, f, accession=accession, cik=cik,
                         filing_date=datetime.date(2024, 5, 29), url="file://" + path,
                         sha256="0" * 64, on_flush=on_flush)
seconds = time.perf_counter() - t0
print(json.dumps({"written": written, "seconds": seconds, "rss_base_mb": base,
                  "rss_peak_mb": mb("VmHWM")}), flush=True)
"""


@pytest.fixture(scope="module")
def big_doc(tmp_path_factory) -> tuple[Path, Decimal]:
    """A generated 50,000-position N-PORT (500 derivatives) on disk + its netAssets
    (= the exact sum of its valUSD values, by the generator's construction)."""
    data = generate_nport_xml(cik=BIG_CIK, series_id="S000777777", series_name="Big Fund",
                              reg_name="Big Trust", report_date=dt.date(2024, 3, 31),
                              n_holdings=BIG_N, n_derivatives=BIG_DERIV, seed=50)
    path = tmp_path_factory.mktemp("big") / "big_nport.xml"
    path.write_bytes(data)
    head = data[: data.index(b"</netAssets>")]
    net = Decimal(head[head.rindex(b"<netAssets>") + len(b"<netAssets>"):].decode())
    return path, net


def _run_loader(url: str, path: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", _LOADER, url, str(path), BIG_ACCESSION, BIG_CIK],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def test_sigkill_mid_load_leaves_nothing_then_a_rerun_is_whole(tmp_path, big_doc) -> None:
    """A subprocess loading the 50,000-position document into a file SQLite DB is
    SIGKILLed after its first batch flush: no row of the accession, no filing row, the
    other accession intact. A rerun (also measured: RSS growth, positions/s) is whole."""
    path, net_assets = big_doc
    db = tmp_path / "w.sqlite"
    url = f"sqlite:///{db}"
    engine = make_engine(url)
    load_file(engine, "globalx")

    proc = _run_loader(url, path)
    try:
        line = proc.stdout.readline()
        assert line.strip() == "started", proc.stderr.read()
        assert proc.poll() is None, "the loader finished before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    with engine.connect() as conn:
        assert sum(counts_by_table(conn, BIG_ACCESSION).values()) == 0
        assert count(conn, filing, BIG_ACCESSION) == 0
        assert conn.execute(select(processing_log.c.cik)).scalars().all() == ["0001432353"]
    check_real_load(engine, "globalx", exact_sum=False)

    proc = _run_loader(url, path)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    report = json.loads(out.strip().splitlines()[-1])
    growth = report["rss_peak_mb"] - report["rss_base_mb"]
    rate = BIG_N / report["seconds"]
    print(f"\nSQLite: {BIG_N} positions in {report['seconds']:.2f}s = {rate:,.0f} positions/s; "
          f"RSS {report['rss_base_mb']:.0f} MB -> peak {report['rss_peak_mb']:.0f} MB "
          f"(+{growth:.0f} MB)")
    assert growth < 150, report  # streaming: one batch per table, not the document

    with engine.connect() as conn:
        n = counts_by_table(conn, BIG_ACCESSION)
        assert n["holding"] == BIG_N and n["derivative"] == BIG_DERIV
        assert n["nport_report"] == 1 and n == report["written"]
        assert n["holding_identifier"] >= BIG_N
        values = conn.execute(select(holding.c.value_usd)
                              .where(holding.c.accession_number == BIG_ACCESSION)).scalars()
        assert _sum(values) == net_assets
        rep = conn.execute(select(nport_report).where(
            nport_report.c.accession_number == BIG_ACCESSION)).mappings().one()
        assert rep["rows_written"] == rep["positions_in_document"] == BIG_N
        assert rep["net_assets"] == net_assets
        assert count(conn, filing) == 2
    check_real_load(engine, "globalx", exact_sum=False)


# ----------------------------------------------------------------------------- PostgreSQL


@pytest.mark.postgres
@pytest.mark.parametrize("key", ["globalx", "pimco"])
def test_postgres_real_values_and_load_twice(pg_engine, key) -> None:
    """PostgreSQL (COPY path): Global X DAX (0009999999-24-000001, invented) and PIMCO
    (0009999999-26-000002, invented) match the XML exactly - the SQL SUM included -
    and a second load of the same accession changes nothing."""
    first = load_file(pg_engine, key)
    check_real_load(pg_engine, key, exact_sum=True)
    with pg_engine.connect() as conn:
        snapshot = conn.execute(select(holding).order_by(holding.c.position)).all()
    assert load_file(pg_engine, key) == first
    check_real_load(pg_engine, key, exact_sum=True)
    with pg_engine.connect() as conn:
        for t in NPORT_TABLES:
            assert count(conn, t) == distinct_keys(conn, t) == first[t.name]
        assert conn.execute(select(holding).order_by(holding.c.position)).all() == snapshot
        assert count(conn, filing) == 1
        assert count(conn, processing_log) == 1
        # PostgreSQL NUMERIC keeps the scale as written (valUSD 132.670000 in PIMCO)
        if key == "pimco":
            assert str(conn.execute(select(holding.c.value_usd).where(
                holding.c.position == 1)).scalar_one()) == "132.670000"


@pytest.mark.postgres
def test_postgres_copy_round_trips_awkward_values(pg_engine, tmp_path, monkeypatch) -> None:
    """Tabs, newlines, backslashes, quotes, non-ASCII text, NULL vs JSON, booleans,
    dates and a long-scale Decimal survive COPY exactly (and executemany on SQLite)."""
    copied: list[str] = []
    real_copy = load_module._copy_batch

    def spy(conn, table, batch):
        copied.append(table.name)
        return real_copy(conn, table, batch)

    monkeypatch.setattr(load_module, "_copy_batch", spy)
    weird = 'Soci\u00e9t\u00e9 "G\u00e9n\u00e9rale"\tA\\B\nC\rD, E;F \\N'
    h = Holding(position=1, name=weird, cusip="000000000",
                identifiers=(("other", "X\tY", "Internal\\ID"), ("isin", None, None)),
                balance=Decimal("123456789012345678.123456789012345678"),
                value_usd=Decimal("-0.000000000001"), is_restricted=False,
                maturity_date=dt.date(2031, 12, 31),
                extra=(("fundCat", "N/A"), ("note", 'quote " and \\ backslash\n')))
    accession = "0009999999-24-000099"
    rows = list(rows_for(h, accession=accession, filing_date=dt.date(2024, 1, 2),
                         report_date=dt.date(2023, 12, 31), cik="0000000042",
                         series_id=None, series_key="CIK0000000042"))
    filing_row = {"accession_number": accession, "cik": "0000000042", "form": "NPORT-P",
                  "filing_date": dt.date(2024, 1, 2), "report_date": dt.date(2023, 12, 31),
                  "url": "x", "sha256": "0" * 64, "parsed_at": dt.datetime(2024, 1, 2, 3, 4, 5)}
    for engine, exact in ((pg_engine, True), (sqlite_engine(tmp_path), False)):
        with engine.begin() as conn:
            written = replace_filing(conn, accession=accession, tables=NPORT_TABLES, rows=rows,
                                     filing_row=filing_row, cik="0000000042",
                                     parser_type="nport",
                                     latest_filing_date_seen=dt.date(2024, 1, 2))
        assert written == {"holding": 1, "holding_identifier": 2, "derivative": 0,
                           "nport_report": 0, "nport_monthly_flow": 0,
                           "nport_monthly_return": 0, "nport_monthly_gain": 0}
        with engine.connect() as conn:
            row = conn.execute(select(holding)).mappings().one()
            idents = conn.execute(select(holding_identifier.c.kind, holding_identifier.c.value,
                                         holding_identifier.c.description)
                                  .order_by(holding_identifier.c.seq)).all()
        assert row["name"] == weird and row["cusip"] == "000000000"
        assert row["extra"] == [["fundCat", "N/A"], ["note", 'quote " and \\ backslash\n']]
        assert row["is_restricted"] is False and row["is_default"] is None
        assert row["is_derivative"] is False
        assert row["maturity_date"] == dt.date(2031, 12, 31)
        assert row["value_usd"] == Decimal("-0.000000000001")
        if exact:  # SQLite REAL keeps 15-17 significant digits only
            assert row["balance"] == Decimal("123456789012345678.123456789012345678")
        assert [tuple(i) for i in idents] == [("other", "X\tY", "Internal\\ID"),
                                              ("isin", None, None)]
        # PostgreSQL went through COPY (both tables), SQLite through executemany
        assert copied == ["holding", "holding_identifier"]


@pytest.mark.postgres
def test_postgres_50k_document(pg_engine, big_doc) -> None:
    """The 50,000-position document through COPY: counts, exact SQL SUM = netAssets,
    and the rate printed (not asserted)."""
    path, net_assets = big_doc
    t0 = time.perf_counter()
    with pg_engine.begin() as conn, open(path, "rb") as f:
        written = load_nport(conn, f, accession=BIG_ACCESSION, cik=BIG_CIK,
                             filing_date=dt.date(2024, 5, 29), url="file://big", sha256="0" * 64)
    seconds = time.perf_counter() - t0
    print(f"\nPostgreSQL: {BIG_N} positions in {seconds:.2f}s = {BIG_N / seconds:,.0f} positions/s")
    assert written["holding"] == BIG_N and written["derivative"] == BIG_DERIV
    with pg_engine.connect() as conn:
        assert counts_by_table(conn, BIG_ACCESSION) == written
        assert conn.execute(select(func.sum(holding.c.value_usd))).scalar_one() == net_assets
        kinds = dict(conn.execute(select(derivative.c.kind, func.count())
                                  .group_by(derivative.c.kind)).all())
        assert kinds == {k: BIG_DERIV // 5 for k in ("future", "forward", "swap", "option", "other")}


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres",
                                                            marks=pytest.mark.postgres)])
def test_numbers_the_warehouse_cannot_hold_skip_their_position_alike(backend, tmp_path,
                                                                     request) -> None:
    """<balance>1e999999999</balance> (SQLite would store Infinity, PostgreSQL refuses
    it), a valUSD with 40 decimal places and "NaN": each skips its own position with a
    reason, the same on SQLite and PostgreSQL; every other position loads."""
    engine = (sqlite_engine(tmp_path) if backend == "sqlite"
              else request.getfixturevalue("pg_engine"))
    doc = generate_nport_xml(cik="0000123456", series_id="S000123456", series_name="Odd Fund",
                             reg_name="Odd Trust", report_date=dt.date(2024, 6, 30),
                             n_holdings=20, n_derivatives=0, seed=9)
    balances = [m.start() for m in re.finditer(rb"<balance>[^<]*</balance>", doc)]
    bad = [b"<balance>1e999999999</balance>", b"<balance>NaN</balance>",
           b"<balance>1." + b"0" * 39 + b"1</balance>"]
    for start, replacement in sorted(zip(balances[:3], bad), reverse=True):
        end = doc.index(b"</balance>", start) + len(b"</balance>")
        doc = doc[:start] + replacement + doc[end:]
    with engine.begin() as conn:
        written = load_nport(conn, doc, accession="0009999999-24-000042", cik="123456",
                             filing_date=dt.date(2024, 8, 20), url="gen://odd")
    assert written["holding"] == 17
    with engine.connect() as conn:
        skipped = conn.execute(select(nport_report.c.skipped)).scalar_one()
    reasons = sorted(reason for _, reason in skipped)
    assert len(reasons) == 3
    assert "balance: out of range (10^30 or more): '1e999999999'" in reasons
    assert any("not a finite number: 'NaN'" in r for r in reasons)
    assert any("more than 30 decimal places" in r for r in reasons)


@pytest.mark.postgres
def test_four_processes_loading_one_accession_on_postgres_do_not_collide(pg_engine, tmp_path):
    """Four real processes replace the same 3,000-position filing at once on PostgreSQL
    (before the per-accession advisory lock: UniqueViolation on holding_pkey): all exit
    0, and the warehouse holds exactly one copy, equal to a single load's."""
    data = generate_nport_xml(cik="0000555555", series_id="S000555555", series_name="Race",
                              reg_name="Race Trust", report_date=dt.date(2024, 6, 30),
                              n_holdings=3000, n_derivatives=30, seed=4)
    path = tmp_path / "race.xml"
    path.write_bytes(data)
    accession = "0009999999-24-000555"
    procs = [subprocess.Popen([sys.executable, "-c", _LOADER, pg_engine.test_url, str(path),
                               accession, "555555"], cwd=REPO, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], [err[-2000:] for _, err in outs]
    with pg_engine.connect() as conn:
        n = counts_by_table(conn, accession)
        assert n["holding"] == 3000 and n["derivative"] == 30 and n["nport_report"] == 1
        assert count(conn, filing, accession) == 1
        assert distinct_keys(conn, holding) == count(conn, holding)
        once = conn.execute(select(holding).order_by(holding.c.position)).all()
    with pg_engine.begin() as conn:  # a single load afterwards changes nothing
        load_nport(conn, data, accession=accession, cik="555555",
                   filing_date=dt.date(2024, 5, 29), url="file://" + str(path),
                   sha256="0" * 64)
    with pg_engine.connect() as conn:
        again = conn.execute(select(holding).order_by(holding.c.position)).all()
    assert again == once
