"""Generated lifecycle filings for the fake EDGAR: 485APOS (a new series), 485BXT (a
delay), 485BPOS (effective) and N-8F (deregistration), each a full submission whose
SGML header follows SEC's layout as the real headers show it (iShares Trust 485APOS
0001193125-24-100942: the NEW-SERIES-AND-CLASSES-CONTRACTS block, two FILER blocks for
the 1940 and 1933 Act file numbers, no EFFECTIVENESS DATE; John Hancock 497K
0001193125-25-148895: EFFECTIVENESS DATE, EXISTING-SERIES-AND-CLASSES-CONTRACTS).

`add_lifecycle_story` files one story on a generated trust across the fake's clock: a
series proposed, delayed, made effective, listed (its ticker appears in
company_tickers_mf.json) and, at the end, the trust deregisters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from etf_assets_tests.fake_edgar.corpus import Corpus, FakeFiling
from etf_assets_tests.fake_edgar.generate import _registrant

FAKE_LIFECYCLE_AGENT = "0009999948"  # its own filer agent: nobody else's accessions move


def _filer(reg: dict, name: str, act: str, file_number: str, film: int) -> list[str]:
    return [
        "FILER:", "",
        "\tCOMPANY DATA:\t",
        f"\t\tCOMPANY CONFORMED NAME:\t\t\t{name}",
        f"\t\tCENTRAL INDEX KEY:\t\t\t{reg['cik10']}",
        "\t\tORGANIZATION NAME:           \t",
        f"\t\tSTATE OF INCORPORATION:\t\t\t{reg['state_inc']}",
        "", "\tFILING VALUES:",
        f"\t\tFORM TYPE:\t\t{{form}}",
        f"\t\tSEC ACT:\t\t{act}",
        f"\t\tSEC FILE NUMBER:\t{file_number}",
        f"\t\tFILM NUMBER:\t\t{film}",
        "", "\tBUSINESS ADDRESS:\t",
        f"\t\tSTREET 1:\t\t{str(reg['street1']).upper()}",
        f"\t\tCITY:\t\t\t{reg['city']}",
        f"\t\tSTATE:\t\t\t{reg['state']}",
        f"\t\tZIP:\t\t\t{reg['zip']}",
        "",
    ]


def _series_lines(series: list[dict], tag: str) -> list[str]:
    out = []
    for s in series:
        out += [f"<{tag}>", f"<SERIES-ID>{s['series_id']}", f"<SERIES-NAME>{s['name']}"]
        for c in s.get("classes") or []:
            out += ["<CLASS-CONTRACT>", f"<CLASS-CONTRACT-ID>{c['class_id']}",
                    f"<CLASS-CONTRACT-NAME>{c['name']}"]
            if c.get("ticker"):
                out.append(f"<CLASS-CONTRACT-TICKER-SYMBOL>{c['ticker']}")
            out.append("</CLASS-CONTRACT>")
        out.append(f"</{tag}>")
    return out


def sgml_header(*, accession: str, form: str, cik: int, company_name: str, filed: date,
                acceptance: datetime, documents: int, effectiveness: date | None = None,
                existing: list[dict] = (), new: list[dict] = ()) -> str:
    """The `.hdr.sgml` text: what SEC serves as `<accession>.hdr.sgml` and at the head of
    the `.txt`."""
    reg = _registrant(cik)
    fd = f"{filed:%Y%m%d}"
    film = int(accession.replace("-", "")) % 90_000_000 + 10_000_000
    h = [f"<SEC-HEADER>{accession}.hdr.sgml : {fd}",
         f"<ACCEPTANCE-DATETIME>{acceptance:%Y%m%d%H%M%S}",
         f"ACCESSION NUMBER:\t\t{accession}",
         f"CONFORMED SUBMISSION TYPE:\t{form}",
         f"PUBLIC DOCUMENT COUNT:\t\t{documents}",
         f"FILED AS OF DATE:\t\t{fd}",
         f"DATE AS OF CHANGE:\t\t{fd}"]
    if effectiveness is not None:
        h.append(f"EFFECTIVENESS DATE:\t\t{effectiveness:%Y%m%d}")
    h.append("")
    acts = [("1940 Act", str(reg["file_number"]))]
    if form != "N-8F":  # a prospectus is filed under both Acts' file numbers
        acts.append(("1933 Act", f"333-{100000 + cik}"))
    for n, (act, number) in enumerate(acts):
        h += [line.replace("{form}", form) for line in
              _filer(reg, company_name, act, number, film + n)]
    if existing or new:
        h.append("<SERIES-AND-CLASSES-CONTRACTS-DATA>")
        if existing:
            h.append("<EXISTING-SERIES-AND-CLASSES-CONTRACTS>")
            for line in _series_lines(list(existing), "SERIES"):
                h.append(line)
                if line == "<SERIES>":
                    h.append(f"<OWNER-CIK>{reg['cik10']}")
            h.append("</EXISTING-SERIES-AND-CLASSES-CONTRACTS>")
        if new:
            h += ["<NEW-SERIES-AND-CLASSES-CONTRACTS>", f"<OWNER-CIK>{reg['cik10']}",
                  *_series_lines(list(new), "NEW-SERIES"),
                  "</NEW-SERIES-AND-CLASSES-CONTRACTS>"]
        h.append("</SERIES-AND-CLASSES-CONTRACTS-DATA>")
    h.append("</SEC-HEADER>")
    return "\n".join(h) + "\n"


def _cover(form: str, company_name: str, body: str) -> bytes:
    return (f"<html><head><title>{form}</title></head><body><p>As filed with the Securities "
            f"and Exchange Commission</p><p><b>{company_name}</b></p>{body}</body></html>"
            ).encode()


def lifecycle_filing(cik: int, company_name: str, accession: str, form: str, filed: date, *,
                     existing: list[dict] = (), new: list[dict] = (),
                     effectiveness: date | None = None, cover: str = "") -> FakeFiling:
    acceptance = datetime.combine(filed, time(16, 45))
    doc_name = f"fk{accession[-6:]}_{form.lower().replace('-', '')}.htm"
    document = _cover(form, company_name, cover)
    header = sgml_header(accession=accession, form=form, cik=cik, company_name=company_name,
                         filed=filed, acceptance=acceptance, documents=1,
                         effectiveness=effectiveness, existing=existing, new=new)

    def full_text() -> bytes:
        return (f"<SEC-DOCUMENT>{accession}.txt : {filed:%Y%m%d}\n{header}"
                f"<DOCUMENT>\n<TYPE>{form}\n<SEQUENCE>1\n<FILENAME>{doc_name}\n<TEXT>\n"
                ).encode() + document + b"\n</TEXT>\n</DOCUMENT>\n</SEC-DOCUMENT>\n"

    return FakeFiling(cik=cik, accession=accession, form=form, filing_date=filed,
                      report_date=None, company_name=company_name, acceptance=acceptance,
                      documents=[(form, doc_name, document)], full_text=full_text,
                      series=list(existing) + list(new))


@dataclass(frozen=True)
class Story:
    """What `add_lifecycle_story` filed, for tests to assert against."""

    cik: int
    series_id: str
    class_id: str
    ticker: str
    proposed: date  # 485APOS filed (expected effective: +75 days)
    delayed: date  # 485BXT filed
    designated: date  # the new effective date its cover names
    effective_filed: date  # 485BPOS filed
    effective: date  # its EFFECTIVENESS DATE
    listed: date  # the ticker appears in company_tickers_mf.json
    deregistered: date  # N-8F filed
    accessions: dict[str, str]  # form -> accession


def add_lifecycle_story(corpus: Corpus, cik: int, trust_name: str, *,
                        start: date = date(2026, 12, 1)) -> Story:
    """File the story on trust `cik` of the corpus, starting on `start` (after the
    generated trusts' other filings, so they do not move)."""
    from datetime import timedelta

    series_id, class_id, ticker = f"S9{cik:05d}700", f"C9{cik:04d}7001", "QNTM"
    name = "Fakeshares Quantum Computing ETF"
    new = [{"series_id": series_id, "name": name,
            "classes": [{"class_id": class_id, "name": name}]}]
    listed_class = [{"series_id": series_id, "name": name,
                     "classes": [{"class_id": class_id, "name": name, "ticker": ticker}]}]
    d = {"485APOS": start, "485BXT": start + timedelta(days=70)}
    designated = d["485BXT"] + timedelta(days=28)
    d["485BPOS"] = designated - timedelta(days=5)
    listed = designated + timedelta(days=3)
    d["N-8F"] = listed + timedelta(days=120)
    acc = {form: f"{FAKE_LIFECYCLE_AGENT}-{day.year % 100:02d}-{cik * 10 + n:06d}"
           for n, (form, day) in enumerate(d.items())}
    corpus.add(lifecycle_filing(cik, trust_name, acc["485APOS"], "485APOS", d["485APOS"],
                                new=new, cover="<p>It is proposed that this filing will become "
                                "effective 75 days after filing pursuant to paragraph (a)(2)"
                                "</p>"))
    corpus.add(lifecycle_filing(
        cik, trust_name, acc["485BXT"], "485BXT", d["485BXT"], existing=new,
        effectiveness=d["485BXT"],
        cover=f"<p>This Post-Effective Amendment is filed pursuant to Rule 485(b)(1)(iii) "
              f"for the sole purpose of designating {designated:%B} {designated.day}, "
              f"{designated.year} as the new effective date for Post-Effective Amendment "
              f"filed on {start:%B} {start.day}, {start.year}.</p>"))
    corpus.add(lifecycle_filing(cik, trust_name, acc["485BPOS"], "485BPOS", d["485BPOS"],
                                existing=listed_class, effectiveness=designated))
    corpus.add(lifecycle_filing(cik, trust_name, acc["N-8F"], "N-8F", d["N-8F"],
                                cover="<p>Application for deregistration</p>"))
    corpus.tickers_mf["data"].append([cik, series_id, class_id, ticker])
    corpus.ticker_dates[class_id] = listed
    return Story(cik, series_id, class_id, ticker, d["485APOS"], d["485BXT"], designated,
                 d["485BPOS"], designated, listed, d["N-8F"], acc)
