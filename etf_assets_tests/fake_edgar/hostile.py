"""Hostile documents: what a broken or malicious filer could put on EDGAR, for testing
that one document cannot stall or sink a run (etf_assets/limits.py).

Each attack takes a well-formed generated document of any kind (N-CEN, NPORT-P,
24F-2NT XML; 485BPOS, N-CSR inline XBRL HTML) and returns a hostile variant of it:

* ``wide``: one table (the Financial Highlights, else the first with facts) widened to
  10,000 columns, as the N-CSR of issue 24; XML gets 10,000 copies of one leaf element
  in each of the first 50 places it occurs instead (still well-formed);
* ``deep``: 100,000 nested elements in the body;
* ``entities``: a "billion laughs" internal DTD whose entity is used in the text;
* ``numbers``: absurd numbers (a 5,000-digit value, an exponent of 999,999,999, an
  inline XBRL scale of 999999999);
* ``truncated``: the first half of the bytes.

`add_hostile_trusts` adds generated trusts whose filings (all but the N-CEN, except
for the ``entities`` trust whose N-CEN is hostile too) serve one attack each:
`python -m etf_assets_tests.fake_edgar --hostile`.
"""

from __future__ import annotations

import re

from etf_assets_tests.fake_edgar.build import AccessionCounter, add_generated_trust
from etf_assets_tests.fake_edgar.corpus import Corpus, FakeFiling

ATTACKS = ("wide", "deep", "entities", "numbers", "truncated")
WIDE_COLUMNS = 10_000
DEPTH = 100_000

_ROW = re.compile(rb"(<tr\b[^>]*>)(.*?)(</tr>)", re.S | re.I)
_TABLE = re.compile(rb"<table\b.*?</table>", re.S | re.I)
_LAST_CELL = re.compile(rb"(<td\b[^>]*>.*?</td>)\s*$", re.S | re.I)


def _is_xml(doc: bytes) -> bool:
    return doc.lstrip().startswith(b"<?xml") and b"<html" not in doc[:2000].lower()


def wide(doc: bytes) -> bytes:
    """Every table row ends with its last cell repeated to WIDE_COLUMNS cells; an XML
    document without tables repeats the first leaf of each block WIDE_COLUMNS times."""
    if _is_xml(doc):
        m = re.search(rb"<(\w+:)?(\w+)>[^<>]{1,40}</\1?\2>", doc[doc.find(b"<", 50):])
        if not m:
            return doc
        leaf = m.group(0)
        return doc.replace(leaf, leaf * WIDE_COLUMNS, 50)

    def widen(m: re.Match) -> bytes:
        last = _LAST_CELL.search(m.group(2))
        if not last:
            return m.group(0)
        cell = b"<td>.5</td>" if b"ix:" not in last.group(1) else last.group(1)
        return m.group(1) + m.group(2) + cell * (WIDE_COLUMNS - 1) + m.group(3)

    tables = list(_TABLE.finditer(doc))
    if not tables:
        return doc
    # One table: the first Financial Highlights table, else the first with facts.
    target = next((t for t in tables if b"Net Asset Value" in t.group(0)), None) or next(
        (t for t in tables if b"ix:nonFraction" in t.group(0)), tables[0])
    return doc[:target.start()] + _ROW.sub(widen, target.group(0)) + doc[target.end():]


def _body_start(doc: bytes) -> int:
    """Where nested elements can go: after <body ...>, else after the root's start tag."""
    m = re.search(rb"<body\b[^>]*>", doc, re.I)
    if m:
        return m.end()
    start = doc.find(b"<", doc.find(b"?>") + 2 if doc.lstrip().startswith(b"<?xml") else 0)
    return doc.find(b">", start) + 1


def deep(doc: bytes) -> bytes:
    """DEPTH nested elements inserted at the top of the body."""
    at = _body_start(doc)
    tag = b"div" if not _is_xml(doc) else b"x"
    return (doc[:at] + (b"<" + tag + b">") * DEPTH + b"deep" + (b"</" + tag + b">") * DEPTH
            + doc[at:])


_LAUGHS = (b'<!DOCTYPE %s [\n<!ENTITY lol "lol">\n'
           + b"".join(b'<!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1) if i > 1
                                                        else b"&lol;") * 10)
                      for i in range(1, 10))
           + b"]>\n")


def entities(doc: bytes) -> bytes:
    """A billion-laughs DTD before the root element, its top entity used in the body."""
    m = re.search(rb"<([A-Za-z][\w:.-]*)", doc[doc.find(b"?>") + 2 if b"?>" in doc[:200] else 0:])
    root = m.group(1) if m else b"html"
    head_end = doc.find(b"?>") + 2 if doc.lstrip().startswith(b"<?xml") else 0
    at = _body_start(doc)
    return (doc[:head_end] + b"\n" + _LAUGHS % root + doc[head_end:at] + b"&lol9;"
            + doc[at:])


_XML_NUMBER = re.compile(rb"(<(?:\w+:)?(?:valUSD|balance|pctVal|totAssets|netAssets|"
                         rb"aggregateSalesAmt|netSales|\w*[Aa]mt\w*)>)[-0-9.]+(<)")
_IX_NUMBER = re.compile(rb"(<ix:nonFraction\b[^>]*>)([^<]*)(<)")
_HTML_NUMBER = re.compile(rb"(<td\b[^>]*>\s*\$?)(\d+\.\d+)")


def numbers(doc: bytes) -> bytes:
    """Absurd numbers where the document's numbers are."""
    huge = b"9" * 5000
    if _is_xml(doc):
        n = [0]

        def absurd(m: re.Match) -> bytes:
            n[0] += 1
            return m.group(1) + (huge if n[0] % 2 else b"9E+999999999") + m.group(2)

        return _XML_NUMBER.sub(absurd, doc)
    doc = _IX_NUMBER.sub(lambda m: re.sub(rb'scale="-?\d+"', b'scale="999999999"', m.group(1))
                         + huge + m.group(3), doc)
    return _HTML_NUMBER.sub(lambda m: m.group(1) + huge + b"." + huge, doc)


def truncated(doc: bytes) -> bytes:
    return doc[: len(doc) // 2]


ATTACK = {"wide": wide, "deep": deep, "entities": entities, "numbers": numbers,
          "truncated": truncated}


def _hostile(content, attack):
    def build() -> bytes:
        doc = content() if callable(content) else content
        return ATTACK[attack](doc)
    return build


def make_hostile(f: FakeFiling, attack: str) -> None:
    """Serve `attack` of each of `f`'s documents (the .txt follows)."""
    f.documents = [(t, name, _hostile(content, attack)) for t, name, content in f.documents]
    f._cache.clear()


# Generated trust numbers far above any test's `generated_trusts`: their CIKs, tickers
# and accessions never collide with the ordinary ones.
FIRST_HOSTILE = 900


def add_hostile_trusts(corpus: Corpus, acc: AccessionCounter | None = None, *,
                       attacks: tuple[str, ...] = ATTACKS, series_per_trust: int = 1,
                       holdings_per_series: int = 25, seed: int = 42) -> dict[int, str]:
    """One generated trust per attack, each of its filings hostile (its N-CEN too for
    ``entities``): cik -> attack."""
    acc = acc or getattr(corpus, "accessions", None) or AccessionCounter()
    out: dict[int, str] = {}
    for k, attack in enumerate(attacks):
        before = set(id(f) for f in corpus.filings)
        add_generated_trust(corpus, acc, FIRST_HOSTILE + k, series_per_trust=series_per_trust,
                            holdings_per_series=holdings_per_series, derivatives_per_series=1,
                            seed=seed)
        for f in corpus.filings:
            if id(f) in before:
                continue
            out[f.cik] = attack
            if f.form != "N-CEN" or attack == "entities":
                make_hostile(f, attack)
    corpus.tickers_mf["data"].sort(key=lambda r: (r[0], r[1] or "", r[2] or ""))
    return out
