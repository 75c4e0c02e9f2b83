"""One small warehouse for the serving app's tests (API and explorer), loaded directly
through the slices' load functions (no Dagster, no fake EDGAR server):

* DIA (SPDR Dow Jones Industrial Average ETF Trust, CIK 0001041130, a listed UIT ETF):
  its real NPORT-P 0001752724-25-158219 (report 2025-04-30, 30 positions whose valUSD
  sum to 36,544,885,644.96, three months of flows);
* DDVIX (Delaware Group Equity Funds II, CIK 0000027574, class C000006336 treated as an
  ETF as in test_prospectus_assets): its real 485BPOS (total expenses 0.0069, effective
  2024-04-01), under the invented accession 0000000000-24-000001;
* "Fakeshares Trust 001" (CIK 0000000101, AAAA / AAAB): the fake EDGAR's generated
  485BPOS, N-CSR, N-CSRS, 24F-2NTs and NPORT-Ps of one trust (fees, both kinds of
  performance, monthly and annual flows, per-share highlights);
* an NPORT-P/A of AAAA's 2026-09-30 report (0009999999-26-000077, September's sales
  1,415,644.21 corrected to 1,415,644.99): the newest accession per (series, report
  date) is what the API serves;
* EDGAR's view: one daily index day read, a newer NPORT-P of trust 101 seen but not
  loaded (0009999999-26-000099) with a failed attempt in `coverage`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Engine, update

from etf_assets.flows.load import load_24f2
from etf_assets.ncsr.load import load_ncsr
from etf_assets.nport.load import load_nport
from etf_assets.prospectus.load import load_prospectus
from etf_assets.universe.listed import UIT_ETF, ListedDecision, ListedEntity
from etf_assets.universe.parse import MfClass
from etf_assets.warehouse.tables import (
    coverage,
    etf,
    sec_index_day,
    sec_latest_filing,
    series,
    trust,
)
from etf_assets.warehouse.universe import load_universe
from etf_assets_tests.fake_edgar.build import (
    DIA_NPORT,
    build_corpus,
    fixture_path,
    generated_trust,
)

DIA_CIK = "0001041130"
DIA_CLASS = "CIK0001041130"
DIA_NAME = "SPDR DOW JONES INDUSTRIAL AVERAGE ETF TRUST"
DIA_FILE = "nport/0001041130_0001752724-25-158219_DIA_NPORT-P_2025-04-30.xml"
DIA_REPORT_DATE = date(2025, 4, 30)
DIA_VALUE_SUM = Decimal("36544885644.96")  # sum of the document's 30 valUSD
DIA_POSITIONS = 30
DELAWARE_CIK = "0000027574"
DELAWARE_FILE = "prospectus/0000027574_Delaware.485BPOS.html"
DELAWARE_ACCESSION = "0000000000-24-000001"
GEN_CIK = "0000000101"
UNLOADED_ACCESSION = "0009999999-26-000099"
AMENDED = "0009999999-26-000005"  # AAAA's NPORT-P of 2026-09-30
AMENDMENT = "0009999999-26-000077"  # its NPORT-P/A (invented), filed 2026-11-17
UNIVERSE_DAY = datetime(2026, 1, 5, 12, 0)
INDEX_DAY = date(2026, 11, 19)


@dataclass(frozen=True)
class Loaded:
    accessions: dict[str, str]  # form + series/ticker -> accession, for the tests


def _content(doc) -> bytes:
    return doc() if callable(doc) else doc


def load_serve_warehouse(engine: Engine) -> Loaded:
    corpus = build_corpus(real_tickers=False, real_filings=False, generated_trusts=1,
                          series_per_trust=2, holdings_per_series=25)
    classes = [MfClass(f"{r[0]:010d}", r[1], r[2], r[3]) for r in corpus.tickers_mf["data"]]
    classes.append(MfClass(DELAWARE_CIK, "S000002391", "C000006336", "DDVIX"))
    dia = ListedEntity(DIA_CIK, "DIA", DIA_NAME, "NYSE")
    accessions: dict[str, str] = {}
    with engine.begin() as conn:
        load_universe(conn, classes, UNIVERSE_DAY,
                      uits=[(dia, ListedDecision(UIT_ETF, "NPORT-P under no series and a "
                                                 "485BPOS", DIA_NPORT))])
        conn.execute(etf.insert(), [{
            "class_id": "C000006336", "ticker": "DDVIX", "series_id": "S000002391",
            "cik": DELAWARE_CIK, "fund_name": "Delaware Value Fund", "class_name": "Institutional",
            "is_etf": True, "decision_source": "ncen", "first_seen": UNIVERSE_DAY,
            "last_seen": UNIVERSE_DAY, "active": True}])
        # What the trust's N-CEN would record (names, exchange, the ETF decision): the
        # shareholder reports attribute their tables to classes by these names.
        _cik, trust_name, gen_series = generated_trust(0, 2)
        conn.execute(update(trust).where(trust.c.cik == GEN_CIK).values(name=trust_name))
        for s in gen_series:
            for c in s.classes:
                conn.execute(update(etf).where(etf.c.class_id == c["class_id"]).values(
                    fund_name=s.name, class_name=c["name"], issuer_name=trust_name,
                    exchange=s.exchange, decision_source="ncen"))
            conn.execute(update(series).where(series.c.series_id == s.series_id)
                         .values(name=s.name))
        load_nport(conn, fixture_path(DIA_FILE).read_bytes(), accession=DIA_NPORT,
                   filing_date=date(2025, 6, 26), cik=DIA_CIK,
                   url=f"https://www.sec.gov/Archives/edgar/data/1041130/{DIA_NPORT}.txt")
        load_prospectus(conn, fixture_path(DELAWARE_FILE).read_bytes(),
                        accession=DELAWARE_ACCESSION, filing_date=date(2024, 3, 28),
                        cik=DELAWARE_CIK, url="https://example.invalid/delaware", form="485BPOS")
        for f in corpus.filings:
            cik = f"{f.cik:010d}"
            kind, name, doc = f.documents[0]
            data = _content(doc)
            url = f"https://example.invalid/{f.accession}/{name}"
            kw = dict(accession=f.accession, filing_date=f.filing_date, cik=cik, url=url)
            if f.form.startswith("NPORT"):
                load_nport(conn, data, **kw)
            elif f.form.startswith("485BPOS"):
                load_prospectus(conn, data, form=f.form, **kw)
            elif f.form.startswith("N-CSR"):
                load_ncsr(conn, data, form=f.form, report_date=f.report_date, **kw)
            elif f.form.startswith("24F-2NT"):
                load_24f2(conn, data, form=f.form, **kw)
            else:
                continue
            accessions.setdefault(f.form, f.accession)
            if f.accession == AMENDED:
                # An amendment of AAAA's 2026-09-30 report, filed later: September's sales
                # corrected. "Latest" is the amendment (same series and report date).
                amended = data.replace(b'<submissionType>NPORT-P', b'<submissionType>NPORT-P/A')
                amended = amended.replace(b'sales="1415644.21"', b'sales="1415644.99"')
                assert amended.count(b"1415644.99") == 1
                load_nport(conn, amended, accession=AMENDMENT, filing_date=date(2026, 11, 17),
                           cik=cik, url=url, form="NPORT-P/A")
        now = datetime(2026, 11, 20, 7, 0)
        conn.execute(sec_index_day.insert(), [{
            "day": INDEX_DAY, "status": "read", "index_rows": 4321, "observations": 1,
            "recorded_at": now}])
        conn.execute(sec_latest_filing.insert(), [{
            "cik": GEN_CIK, "form_group": "nport", "filing_date": date(2026, 11, 19),
            "accession_number": UNLOADED_ACCESSION, "form": "NPORT-P",
            "source": "daily_index", "observed_at": now}])
        conn.execute(coverage.insert(), [{
            "class_id": "C900000000", "form_group": "nport", "ticker": "AAAA",
            "series_id": "S900000000", "cik": GEN_CIK, "fund_name": "Fakeshares AAAA ETF",
            "tables_loaded": "holdings", "status": "behind",
            "sec_newest_filing_date": date(2026, 11, 19),
            "sec_newest_accession": UNLOADED_ACCESSION,
            "loaded_newest_filing_date": date(2026, 11, 10), "loaded_newest_accession": None,
            "behind_since": date(2026, 11, 19), "lag_days": 1,
            "last_failure_run_id": "run-1", "last_failure_at": now,
            "last_failure": "NportParseError: truncated document", "as_of": now}])
    return Loaded(accessions)
