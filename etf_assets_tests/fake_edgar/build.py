"""Build the fake EDGAR's corpus: real fixture filings plus generated trusts.

Real documents (etf_assets_tests/fixtures/sec, see PROVENANCE.md):
  * company_tickers_mf.json (2025-09, 28,553 classes), merged with the generated trusts;
  * AB Active ETFs' N-CEN full submission (CIK 1496608, 0001410368-26-010918), verbatim;
  * Global X DAX Germany ETF's NPORT-P primary document (CIK 1432353). The fixture's
    accession is unknown, so the fake files it under a made-up accession of the
    fake filer agent 0009999999 (never a real accession).

Generated trusts get CIKs 101, 102, ... (below every CIK in company_tickers_mf, so
`run-all --limit N` reaches them first). Trust i has `series_per_trust` ETF series;
every third trust also has a mutual-fund series (5-letter tickers ending in X), and
every fourth trust has a series with an ETF-shaped ticker that its N-CEN says is not
an ETF (N-CEN outranks the ticker shape). Each files an N-CEN, a 485BPOS, two 24F-2NT,
NPORT-Ps, and an N-CSR (FYE 2026-06-30) and N-CSRS (2025-12-31) covering every class
(inline XBRL tailored shareholder reports, :mod:`.tsr`).
"""

from __future__ import annotations

import json
import random
import string
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial
from pathlib import Path

from etf_assets_tests.fake_edgar.corpus import Corpus, FakeFiling
from etf_assets_tests.fake_edgar.generate import (
    _registrant,
    generate_24f2_xml,
    generate_ncen_xml,
    generate_nport_xml,
)
from etf_assets_tests.fake_edgar.lifecycle import add_lifecycle_story
from etf_assets_tests.fake_edgar.prospectus import generate_485bpos_html
from etf_assets_tests.fake_edgar.tsr import generate_ncsr_html

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "sec"
FAKE_AGENT = "0009999999"
# 24F-2NT notices get accessions of their own filer agent, so adding them left every
# other generated accession as it was.
FAKE_24F2_AGENT = "0009999924"
# N-CSR / N-CSRS likewise (the shared counter would have shifted every later trust's).
FAKE_NCSR_AGENT = "0009999930"
# Each generated trust's shareholder reports: (period end, first filing day, semiannual);
# trust i files (i % 5) days after the first day.
NCSR_REPORTS = ((date(2026, 6, 30), date(2026, 8, 25), False),
                (date(2025, 12, 31), date(2026, 2, 24), True))
FIRST_GENERATED_CIK = 101

AB_ACTIVE_CIK = 1496608
AB_ACTIVE_NCEN = "0001410368-26-010918"
GLOBALX_CIK = 1432353
GLOBALX_DAX_SERIES = "S000063351"


def fixture_path(rel: str) -> Path:
    return FIXTURES / rel


@dataclass
class GeneratedSeries:
    series_id: str
    name: str
    is_etf: bool
    classes: list[dict]
    exchange: str | None = None


def _ticker(n: int, length: int = 4) -> str:
    """Deterministic ETF-shaped ticker: letters, never ending in X (mutual-fund shape)."""
    last_letters = string.ascii_uppercase.replace("X", "")
    n, r = divmod(n, len(last_letters))
    out = last_letters[r]
    for _ in range(length - 1):
        n, r = divmod(n, 26)
        out = string.ascii_uppercase[r] + out
    return out


def generated_trust(i: int, series_per_trust: int) -> tuple[int, str, list[GeneratedSeries]]:
    cik = FIRST_GENERATED_CIK + i
    name = f"Fakeshares Trust {i + 1:03d}"
    series: list[GeneratedSeries] = []
    for j in range(series_per_trust):
        sid = f"S9{i:05d}{j:03d}"
        cid = f"C9{i:04d}{j:03d}0"
        series.append(GeneratedSeries(
            sid, f"Fakeshares {_ticker(i * 50 + j)} ETF", True,
            [{"class_id": cid, "name": f"Fakeshares {_ticker(i * 50 + j)} ETF",
              "ticker": _ticker(i * 50 + j)}],
            exchange=["ARCX", "XNAS", "BATS"][(i + j) % 3],
        ))
    if i % 3 == 2:  # a mutual-fund series: two classes with 5-letter X tickers
        sid = f"S9{i:05d}900"
        series.append(GeneratedSeries(
            sid, f"Fakeshares Income Fund {i}", False,
            [{"class_id": f"C9{i:04d}9001", "name": "Investor", "ticker": f"FK{_ticker(i, 2)}AX"},
             {"class_id": f"C9{i:04d}9002", "name": "Institutional",
              "ticker": f"FK{_ticker(i, 2)}IX"}],
        ))
    if i % 4 == 3:  # ETF-shaped ticker, but N-CEN says it is not an ETF
        sid = f"S9{i:05d}800"
        series.append(GeneratedSeries(
            sid, f"Fakeshares Interval Fund {i}", False,
            [{"class_id": f"C9{i:04d}8001", "name": "Shares", "ticker": _ticker(i * 50 + 49)}],
        ))
    return cik, name, series


class AccessionCounter:
    def __init__(self) -> None:
        self.n = 0

    def next(self, year: int) -> str:
        self.n += 1
        return f"{FAKE_AGENT}-{year % 100:02d}-{self.n:06d}"


def add_generated_trust(corpus: Corpus, acc: AccessionCounter, i: int, *,
                        series_per_trust: int, holdings_per_series: int,
                        derivatives_per_series: int, seed: int) -> None:
    cik, name, series = generated_trust(i, series_per_trust)
    for s in series:
        for c in s.classes:
            corpus.tickers_mf["data"].append([cik, s.series_id, c["class_id"], c["ticker"]])
    sgml_series = [{"series_id": s.series_id, "name": s.name, "classes": s.classes}
                   for s in series]
    ncen_series = [{"series_id": s.series_id, "name": s.name, "is_etf": s.is_etf,
                    "classes": s.classes, "exchange": s.exchange} for s in series]
    ncen_report = date(2025, 12, 31)
    ncen_filed = date(2026, 3, 2 + i % 25)
    corpus.add(FakeFiling(
        cik=cik, accession=acc.next(2026), form="N-CEN", filing_date=ncen_filed,
        report_date=ncen_report, company_name=name,
        acceptance=datetime.combine(ncen_filed, time(16, 5)),
        documents=[("N-CEN", "primary_doc.xml", partial(
            generate_ncen_xml, cik=f"{cik:010d}", reg_name=name, report_date=ncen_report,
            series=ncen_series))],
        series=sgml_series,
    ))
    corpus.add(prospectus_filing(cik, name, acc.next(2026), series,
                                 date(2026, 4, 1 + i % 25), seed=seed + i))
    for n, fye in enumerate(_last_fiscal_year_ends(cik, corpus.today)):
        corpus.add(annual_notice(cik, name, i * 10 + n + 1, series, fye, seed=seed + n))
    for report, filed in ((date(2026, 6, 30), date(2026, 8, 20 + i % 8)),
                          (date(2026, 9, 30), date(2026, 11, 10 + i % 8))):
        for j, s in enumerate(series):
            corpus.add(nport_filing(
                cik, name, acc.next(filed.year), s.series_id, s.name, s.classes,
                report, filed, n_holdings=holdings_per_series,
                n_derivatives=derivatives_per_series, seed=seed * 1_000_003 + i * 1009 + j,
            ))
    for k, (report, first_day, semiannual) in enumerate(NCSR_REPORTS):
        filed = first_day + timedelta(days=i % 5)
        corpus.add(ncsr_filing(cik, name, ncsr_accession(filed, i * len(NCSR_REPORTS) + k + 1),
                               series, report, filed, seed=seed + i, semiannual=semiannual))


def ncsr_accession(filed: date, sequence: int) -> str:
    """An accession of the fake N-CSR filer agent (never shifts anybody else's)."""
    return f"{FAKE_NCSR_AGENT}-{filed.year % 100:02d}-{sequence:06d}"


NOTICE_LAG_DAYS = 75  # 24F-2NT is due 90 days after the fiscal year ends


def fee_rate(filed: date) -> str:
    """Section 6(b) fee rate of SEC's fiscal year (from October 1) of the filing date:
    $138.10 per million for fiscal 2026 (both real fixtures filed in 2026 state it),
    $153.10 for 2025 (SEC's own samples), $147.60 for 2024."""
    if filed >= date(2025, 10, 1):
        return "0.0001381"
    return "0.0001531" if filed >= date(2024, 10, 1) else "0.0001476"


def _last_fiscal_year_ends(cik: int, today: date, years: int = 2) -> list[date]:
    """The trust's last `years` fiscal-year ends whose notice is filed by `today`."""
    month = int(_registrant(cik)["fye_month"])
    out: list[date] = []
    year = today.year
    while len(out) < years:
        fye = date(year, month, monthrange(year, month)[1])
        if date.fromordinal(fye.toordinal() + NOTICE_LAG_DAYS) <= today:
            out.append(fye)
        year -= 1
    return sorted(out)


def annual_notice(cik: int, trust_name: str, sequence: int, series: list[GeneratedSeries],
                  fye: date, *, seed: int, form: str = "24F-2NT",
                  filed: date | None = None) -> FakeFiling:
    """A generated 24F-2NT for fiscal year `fye`: one block per series for trusts with
    an even CIK, one trust-level block otherwise; every third block redeems more than it
    sells (net sales 0, credits for future years in parentheses)."""
    rng = random.Random(cik * 7919 + fye.year * 31 + seed)
    per_series = cik % 2 == 0
    groups = [[s] for s in series] if per_series else [series]
    blocks = []
    for k, group in enumerate(groups):
        sales = rng.randint(10_000_000, 5_000_000_000) * 100 + rng.randint(0, 99)
        redeemed = (sales * rng.randint(110, 160) // 100 if k % 3 == 2
                    else sales * rng.randint(20, 90) // 100)
        prior = rng.randint(0, 50_000_000) * 100 if k % 2 else 0
        blocks.append({"series": [(s.series_id, s.name) for s in group] if per_series
                       else None, "sales": sales, "redeemed": redeemed, "prior": prior})
    filed = filed or date.fromordinal(fye.toordinal() + NOTICE_LAG_DAYS)
    return FakeFiling(
        cik=cik, accession=f"{FAKE_24F2_AGENT}-{filed.year % 100:02d}-{sequence:06d}", form=form, filing_date=filed, report_date=fye,
        company_name=trust_name, acceptance=datetime.combine(filed, time(15, 30)),
        documents=[(form, "primary_doc.xml", partial(
            generate_24f2_xml, cik=f"{cik:010d}", reg_name=trust_name, fiscal_year_end=fye,
            signed=filed, blocks=blocks, form=form, fee_rate=fee_rate(filed),
            securities_act_file_number=f"333-{100000 + cik}"))],
    )


def prospectus_filing(cik: int, trust_name: str, accession: str,
                      series: list[GeneratedSeries], filed: date, *, seed: int) -> FakeFiling:
    """A generated 485BPOS (rr inline XBRL) covering every series of the trust, effective
    the day it is filed (a 485(b) filing can be immediately effective)."""
    return FakeFiling(
        cik=cik, accession=accession, form="485BPOS", filing_date=filed, report_date=None,
        company_name=trust_name, acceptance=datetime.combine(filed, time(17, 2)),
        documents=[("485BPOS", f"fk{accession[-6:]}_485bpos.htm", partial(
            generate_485bpos_html, cik=f"{cik:010d}", reg_name=trust_name, series=series,
            effective=filed, seed=seed))],
        series=[{"series_id": s.series_id, "name": s.name, "classes": s.classes}
                for s in series],
    )


def ncsr_filing(cik: int, trust_name: str, accession: str, series: list[GeneratedSeries],
                period_end: date, filed: date, *, seed: int, semiannual: bool = False,
                form: str | None = None, undimensioned: bool = False) -> FakeFiling:
    """A generated N-CSR (or N-CSRS when `semiannual`) whose primary document holds a
    tailored shareholder report (oef-2025 inline XBRL) for every class of every series,
    then each class's Financial Highlights. `form` "N-CSR/A" / "N-CSRS/A" files an
    amendment (``dei:AmendmentFlag`` true); `undimensioned` tags a one-class trust's
    report without oef:ClassAxis."""
    form = form or ("N-CSRS" if semiannual else "N-CSR")
    if form.split("/")[0] != ("N-CSRS" if semiannual else "N-CSR"):
        raise ValueError(f"form {form} for a {'semi' if semiannual else ''}annual report")
    return FakeFiling(
        cik=cik, accession=accession, form=form, filing_date=filed, report_date=period_end,
        company_name=trust_name, acceptance=datetime.combine(filed, time(16, 31)),
        documents=[(form, f"fk{accession[-6:]}_ncsr.htm", partial(
            generate_ncsr_html, cik=f"{cik:010d}", reg_name=trust_name, series=series,
            period_end=period_end, semiannual=semiannual, seed=seed,
            amendment=form.endswith("/A"), undimensioned=undimensioned))],
        series=[{"series_id": s.series_id, "name": s.name, "classes": s.classes}
                for s in series],
    )


def nport_filing(cik: int, trust_name: str, accession: str, series_id: str | None,
                 series_name: str, classes: list[dict], report: date, filed: date, *,
                 n_holdings: int, n_derivatives: int, seed: int,
                 form: str = "NPORT-P") -> FakeFiling:
    """A generated NPORT-P filing (tests use this to publish new filings too)."""
    return FakeFiling(
        cik=cik, accession=accession, form=form, filing_date=filed, report_date=report,
        company_name=trust_name, acceptance=datetime.combine(filed, time(12, 0)),
        documents=[(form, "primary_doc.xml", partial(
            generate_nport_xml, cik=f"{cik:010d}", series_id=series_id,
            series_name=series_name, reg_name=trust_name, report_date=report,
            n_holdings=n_holdings, n_derivatives=n_derivatives, seed=seed, form=form,
            class_ids=[c["class_id"] for c in classes] or None))],
        series=[{"series_id": series_id, "name": series_name, "classes": classes}]
        if series_id else [],
    )


def add_real_filings(corpus: Corpus, acc: AccessionCounter) -> None:
    ncen_txt = fixture_path(f"submissions_txt/{AB_ACTIVE_CIK:010d}_{AB_ACTIVE_NCEN}_N-CEN.txt")
    ncen_doc = fixture_path(f"ncen/{AB_ACTIVE_CIK:010d}_{AB_ACTIVE_NCEN}_N-CEN_primary_doc.xml")
    corpus.add(FakeFiling(
        cik=AB_ACTIVE_CIK, accession=AB_ACTIVE_NCEN, form="N-CEN",
        filing_date=date(2026, 2, 12), report_date=date(2025, 11, 30),
        company_name="AB Active ETFs, Inc.", acceptance=datetime(2026, 2, 12, 11, 9, 58),
        documents=[("N-CEN", "primary_doc.xml", ncen_doc.read_bytes)],
        full_text=ncen_txt.read_bytes,
    ))
    dax = fixture_path("nport/0001432353_GlobalX_DAX_Germany_ETF_NPORT-P_2024-01-31.xml")
    corpus.add(FakeFiling(
        cik=GLOBALX_CIK, accession=acc.next(2024), form="NPORT-P",
        filing_date=date(2024, 3, 27), report_date=date(2024, 1, 31),
        company_name="Global X Funds", acceptance=datetime(2024, 3, 27, 10, 0),
        documents=[("NPORT-P", "primary_doc.xml", dax.read_bytes)],
        series=[{"series_id": GLOBALX_DAX_SERIES, "name": "Global X DAX Germany ETF",
                 "classes": [{"class_id": "C000205374", "name": "Global X DAX Germany ETF",
                              "ticker": "DAX"}]}],
    ))


SPY_CIK, DIA_CIK, GLD_CIK, NTRS_CIK = 884394, 1041130, 1222333, 73124
# Rows of SEC's real company_tickers_exchange.json (2024-03) the fake EDGAR serves: two
# UIT ETFs, a grantor trust, a bank whose name says TRUST, and an operating company.
LISTED_TICKERS = ("SPY", "DIA", "GLD", "NTRS", "AAPL")
SPY_NPORT = "0001410368-26-055357"  # SPY's real accession of the 2026-03-31 report
DIA_NPORT = "0001752724-25-158219"


def _html_filing(cik: int, name: str, accession: str, form: str, filed: date,
                 report: date | None = None) -> FakeFiling:
    """A filing whose only document is a short HTML page (forms nobody parses here)."""
    body = (f"<html><body><p>{name}</p><p>{form} filed {filed.isoformat()}</p>"
            "</body></html>").encode()
    return FakeFiling(cik=cik, accession=accession, form=form, filing_date=filed,
                      report_date=report, company_name=name,
                      acceptance=datetime.combine(filed, time(9, 0)),
                      documents=[(form, f"d{accession[-6:]}.htm", body)])


def add_listed_entities(corpus: Corpus, acc: AccessionCounter) -> None:
    """Exchange-listed entities missing from company_tickers_mf.json, with the filings
    that decide what each is: SPY (an S-6 N-CEN, generated; its real trimmed NPORT-P),
    DIA (no N-CEN: its real NPORT-P under no series and a 485BPOS), GLD (10-K, SIC 6221)
    and Northern Trust (10-K, SIC 6022: a bank)."""
    real = json.loads(fixture_path("tickers/company_tickers_exchange_2024-03.json").read_bytes())
    corpus.tickers_exchange["data"] = [r for r in real["data"] if r[2] in LISTED_TICKERS]
    spy, dia = "SPDR S&P 500 ETF TRUST", "SPDR DOW JONES INDUSTRIAL AVERAGE ETF TRUST"
    ncen_report, ncen_filed = date(2025, 12, 31), date(2026, 3, 13)
    corpus.add(FakeFiling(
        cik=SPY_CIK, accession=acc.next(2026), form="N-CEN", filing_date=ncen_filed,
        report_date=ncen_report, company_name=spy,
        acceptance=datetime.combine(ncen_filed, time(16, 1)),
        documents=[("N-CEN", "primary_doc.xml", partial(
            generate_ncen_xml, cik=f"{SPY_CIK:010d}", reg_name=spy, report_date=ncen_report,
            series=[], registrant_type="S-6"))],
    ))
    for cik, name, accession, rel, report, filed in (
            (SPY_CIK, spy, SPY_NPORT, "nport/0000884394_SPY_NPORT_trimmed.xml",
             date(2026, 3, 31), date(2026, 5, 28)),
            (DIA_CIK, dia, DIA_NPORT,
             "nport/0001041130_0001752724-25-158219_DIA_NPORT-P_2025-04-30.xml",
             date(2025, 4, 30), date(2025, 6, 26))):
        corpus.add(FakeFiling(
            cik=cik, accession=accession, form="NPORT-P", filing_date=filed,
            report_date=report, company_name=name,
            acceptance=datetime.combine(filed, time(10, 30)),
            documents=[("NPORT-P", "primary_doc.xml", fixture_path(rel).read_bytes)]))
    corpus.add(_html_filing(DIA_CIK, dia, acc.next(2026), "485BPOS", date(2026, 1, 27)))
    corpus.add(_html_filing(GLD_CIK, "SPDR GOLD TRUST", acc.next(2025), "10-K",
                            date(2025, 11, 20), date(2025, 9, 30)))
    corpus.add(_html_filing(NTRS_CIK, "NORTHERN TRUST CORP", acc.next(2026), "10-K",
                            date(2026, 2, 25), date(2025, 12, 31)))
    corpus.entities[GLD_CIK] = {"sic": "6221", "entityType": "other"}
    corpus.entities[NTRS_CIK] = {"sic": "6022", "entityType": "operating"}


def build_corpus(*, real_tickers: bool = True, real_filings: bool = True,
                 generated_trusts: int = 5, series_per_trust: int = 2,
                 holdings_per_series: int = 25, derivatives_per_series: int = 2,
                 seed: int = 42, today: date = date(2026, 11, 20),
                 listed: bool | None = None, lifecycle_story: bool = False) -> Corpus:
    if real_tickers:
        tickers = json.loads(fixture_path("tickers/company_tickers_mf_2025-09.json").read_bytes())
    else:
        tickers = {"fields": ["cik", "seriesId", "classId", "symbol"], "data": []}
    corpus = Corpus(tickers_mf=tickers, today=today)
    acc = AccessionCounter()
    if real_filings:
        add_real_filings(corpus, acc)
        if real_tickers if listed is None else listed:
            add_listed_entities(corpus, acc)
    for i in range(generated_trusts):
        add_generated_trust(corpus, acc, i, series_per_trust=series_per_trust,
                            holdings_per_series=holdings_per_series,
                            derivatives_per_series=derivatives_per_series, seed=seed)
    if lifecycle_story and generated_trusts:  # .lifecycle: proposed ... deregistered
        cik, name, _ = generated_trust(0, series_per_trust)
        corpus.story = add_lifecycle_story(corpus, cik, name)
    corpus.tickers_mf["data"].sort(key=lambda r: (r[0], r[1] or "", r[2] or ""))
    corpus.accessions = acc  # so tests can publish more filings with fresh accessions
    return corpus
