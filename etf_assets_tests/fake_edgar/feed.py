"""The fake EDGAR's current-filings feed (`/cgi-bin/browse-edgar?action=getcurrent&
type=<prefix>&count=N&output=atom`): the newest visible filings whose form starts with
the prefix, newest accepted first, as SEC's Atom. The entry layout follows browse-edgar's
(the real company feed PIMCO 0000810893 in the fixtures shows the shared parts:
category term, id urn with the accession, link to the -index.htm, summary "Filed: ...
AccNo: ...", updated with the Eastern offset); getcurrent's title names the filer:
"497K - NAME (0000036405) (Filer)". Accessions in `corpus.feed_hidden` never appear
(a filing the feed missed)."""

from __future__ import annotations

from datetime import datetime, time
from xml.sax.saxutils import escape

from etf_assets_tests.fake_edgar.corpus import Corpus


def current_feed(corpus: Corpus, prefix: str, count: int) -> bytes:
    rows = sorted((f for f in corpus.visible()
                   if f.form.startswith(prefix) and f.accession not in corpus.feed_hidden),
                  key=lambda f: (f.acceptance, f.accession), reverse=True)[:count]
    entries = []
    for f in rows:
        href = (f"https://www.sec.gov/Archives/edgar/data/{f.cik}/{f.folder}/"
                f"{f.accession}-index.htm")
        # Acceptance times are Eastern; EST/EDT by the usual US rule is close enough here.
        offset = "-04:00" if 3 < f.acceptance.month < 11 else "-05:00"
        entries.append(
            "<entry>\n"
            f"<title>{escape(f.form)} - {escape(f.company_name.upper())} ({f.cik:010d}) "
            "(Filer)</title>\n"
            f'<link rel="alternate" type="text/html" href="{href}"/>\n'
            f'<summary type="html"> &lt;b&gt;Filed:&lt;/b&gt; {f.filing_date:%Y-%m-%d} '
            f"&lt;b&gt;AccNo:&lt;/b&gt; {f.accession} &lt;b&gt;Size:&lt;/b&gt; 25 KB"
            "</summary>\n"
            f"<updated>{f.acceptance:%Y-%m-%dT%H:%M:%S}{offset}</updated>\n"
            f'<category scheme="https://www.sec.gov/" label="form type" term="{escape(f.form)}"/>\n'
            f"<id>urn:tag:sec.gov,2008:accession-number={f.accession}</id>\n"
            "</entry>")
    updated = rows[0].acceptance if rows else datetime.combine(corpus.today, time())
    return (
        '<?xml version="1.0" encoding="ISO-8859-1" ?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">\n'
        "<title>Latest Filings - " + f"{updated:%a, %d %b %Y %H:%M:%S} EST</title>\n"
        '<link rel="alternate" href="/cgi-bin/browse-edgar?action=getcurrent"/>\n'
        '<link rel="self" href="/cgi-bin/browse-edgar?action=getcurrent&amp;output=atom"/>\n'
        "<id>https://www.sec.gov/cgi-bin/browse-edgar?action=getcurrent</id>\n"
        "<author><name>Webmaster</name><email>webmaster@sec.gov</email></author>\n"
        f"<updated>{updated:%Y-%m-%dT%H:%M:%S}-05:00</updated>\n"
        + "\n".join(entries) + "\n</feed>\n").encode("latin-1", errors="replace")
