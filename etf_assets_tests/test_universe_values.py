"""ETF universe parsing (etf_assets/universe/parse.py), every field asserted against
values read from the documents themselves (not from the code's output).

- AB Active ETFs, Inc. N-CEN 0001410368-26-010918 (CIK 0001496608, period 2025-11-30):
  22 series, each item C.3 "Exchange-Traded Fund" and each listed on one exchange (item E);
- SEC's company_tickers_mf.json as committed 2025-09-14 (28,553 classes).
(etf_assets_tests/fixtures/sec, see PROVENANCE.md.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from etf_assets.universe.parse import (
    MfClass,
    NcenParseError,
    NcenSeries,
    is_etf_ticker_shape,
    parse_company_tickers_mf,
    parse_ncen,
)

SEC = Path(__file__).parent / "fixtures" / "sec"
NCEN = SEC / "ncen" / "0001496608_0001410368-26-010918_N-CEN_primary_doc.xml"
MF = SEC / "tickers" / "company_tickers_mf_2025-09.json"
ETF = "Exchange-Traded Fund"

# (series id, name, exchange MIC, ticker) in the order of the N-CEN's item C blocks
AB_ACTIVE = [
    ("S000093944", "AB California Intermediate Municipal ETF", "ARCX", "CAM"),
    ("S000082566", "AB Conservative Buffer ETF", "XNAS", "BUFC"),
    ("S000093945", "AB Core Bond ETF", "ARCX", "CORB"),
    ("S000082567", "AB Core Plus Bond ETF", "XNAS", "CPLS"),
    ("S000082568", "AB Corporate Bond ETF", "XNAS", "EYEG"),
    ("S000079470", "AB Disruptors ETF", "ARCX", "FWD"),
    ("S000092962", "AB Emerging Markets Opportunities ETF", "XNAS", "EMOP"),
    ("S000079881", "AB High Yield ETF", "ARCX", "HYFI"),
    ("S000088373", "AB International Buffer ETF", "XNAS", "BUFI"),
    ("S000093934", "AB International Growth ETF", "ARCX", "IGGY"),
    ("S000083870", "AB International Low Volatility Equity ETF", "ARCX", "ILOW"),
    ("S000088374", "AB Moderate Buffer ETF", "XNAS", "BUFM"),
    ("S000093946", "AB New York Intermediate Municipal ETF", "ARCX", "NYM"),
    ("S000083864", "AB Short Duration High Yield ETF", "ARCX", "SYFI"),
    ("S000083865", "AB Short Duration Income ETF", "ARCX", "SDFI"),
    ("S000082569", "AB Tax-Aware Intermediate Municipal ETF", "ARCX", "TAFM"),
    ("S000082570", "AB Tax-Aware Long Municipal ETF", "ARCX", "TAFL"),
    ("S000076879", "AB Tax-Aware Short Duration Municipal ETF", "ARCX", "TAFI"),
    ("S000079471", "AB US High Dividend ETF", "ARCX", "HIDV"),
    ("S000080208", "AB US Large Cap Strategic Equities ETF", "ARCX", "LRGC"),
    ("S000079472", "AB US Low Volatility Equity ETF", "ARCX", "LOWV"),
    ("S000076880", "AB Ultra Short Income ETF", "ARCX", "YEAR"),
]


def test_ab_active_ncen_every_series_every_field():
    """0001410368-26-010918: registrant type N-1A (item B.6), not its last filing
    (isRegistrantLastFiling N); 22 series in item C order, each with its one fund type
    and its one (exchange, ticker) listing from item E."""
    report = parse_ncen(NCEN.read_bytes())
    assert report.registrant_type == "N-1A"
    assert report.last_filing is False
    assert list(report.series) == [sid for sid, *_ in AB_ACTIVE]
    assert list(report.series.values()) == [
        NcenSeries(series_id=sid, name=name, fund_types=(ETF,), exchanges=((mic, ticker),))
        for sid, name, mic, ticker in AB_ACTIVE]
    assert all(s.is_etf for s in report.series.values())
    # frozen values: a series can key a set or a cache
    assert len(set(report.series.values())) == 22


def _edit(old: bytes, new: bytes) -> bytes:
    """The real document with one element changed (the change is asserted to happen)."""
    data = NCEN.read_bytes()
    assert data.count(old) == 1, old
    return data.replace(old, new)


def test_ab_active_variants_last_filing_and_listing_alone():
    """Derived from 0001410368-26-010918, one element changed each: a "Y" last-filing
    answer is read as the registrant's last N-CEN; a series whose item C fund type is
    blanked out is still an ETF through its item E listing; one with no listing and no
    ETF fund type is not; a series named only in item E keeps its item E name."""
    assert parse_ncen(_edit(b"<isRegistrantLastFiling>N<",
                            b"<isRegistrantLastFiling>Y<")).last_filing is True
    assert parse_ncen(b"\n\n  " + NCEN.read_bytes()).registrant_type == "N-1A"  # leading blank
    # no item B.5.b answer at all: not a last filing
    assert parse_ncen(_edit(b"<isRegistrantLastFiling>N</isRegistrantLastFiling>",
                            b"")).last_filing is False

    blanked = parse_ncen(_edit(
        b"<mgmtInvSeriesId>S000079470</mgmtInvSeriesId>",
        b"<mgmtInvSeriesId>S000079470</mgmtInvSeriesId><fundTypes><fundType> </fundType>"
        b"</fundTypes>")).series["S000079470"]
    # the series' own "Exchange-Traded Fund" is still there; the blank one is dropped
    assert blanked.fund_types == (ETF,)

    unlisted = parse_ncen(_edit(b"<etfSeriesId>S000079470<", b"<etfSeriesId>S000000001<"))
    fwd = unlisted.series["S000079470"]
    assert (fwd.name, fwd.fund_types, fwd.exchanges) == ("AB Disruptors ETF", (ETF,), ())
    only_e = unlisted.series["S000000001"]
    assert only_e == NcenSeries("S000000001", "AB Disruptors ETF", (), (("ARCX", "FWD"),))
    assert only_e.is_etf  # listed on an exchange, though item C does not say ETF
    assert list(unlisted.series)[-1] == "S000000001"  # after every item C series
    assert not NcenSeries("S000000002", "x", ("Index Fund",)).is_etf


def test_not_xml_is_refused():
    """A truncated copy of 0001410368-26-010918 is not well-formed: NcenParseError."""
    with pytest.raises(NcenParseError, match="not well-formed"):
        parse_ncen(NCEN.read_bytes()[:5000])


def test_company_tickers_mf_rows_as_written():
    """company_tickers_mf.json (2025-09-14): fields cik, seriesId, classId, symbol; the CIK
    zero-padded to 10 digits; an empty symbol is no ticker. Rows read in the file:
    [2110,"S000009184","C000024954","LACAX"] (the first), [36405,"S000002839",
    "C000007774","VFIAX"], [1496608,"S000079470","C000240507","FWD"] (AB Disruptors ETF),
    [836267,"S000092397","C000260372",""]."""
    rows = parse_company_tickers_mf(MF.read_bytes())
    assert len(rows) == 28553
    assert rows[0] == MfClass("0000002110", "S000009184", "C000024954", "LACAX")
    by_class = {r.class_id: r for r in rows}
    assert by_class["C000007774"] == MfClass("0000036405", "S000002839", "C000007774", "VFIAX")
    assert by_class["C000240507"] == MfClass("0001496608", "S000079470", "C000240507", "FWD")
    assert by_class["C000260372"] == MfClass("0000836267", "S000092397", "C000260372", None)
    assert len(set(rows[:3])) == 3 and hash(rows[0]) == hash(MfClass(*(
        "0000002110", "S000009184", "C000024954", "LACAX")))  # frozen values: set-able
    # the fields' order is read from "fields", not assumed
    swapped = (b'{"fields":["symbol","classId","seriesId","cik"],'
               b'"data":[[" fwd ","C000240507","S000079470",1496608]]}')
    assert parse_company_tickers_mf(swapped) == [
        MfClass("0001496608", "S000079470", "C000240507", "FWD")]


def test_ticker_shape_on_real_tickers():
    """Tickers of the same file: VFIAX and LACAX are mutual-fund shaped (four letters and
    X), FWD, CAM and BUFC are not; no ticker is no ETF candidate."""
    assert [is_etf_ticker_shape(t) for t in ("VFIAX", "LACAX", "FWD", "CAM", "BUFC",
                                             None, "")] == [
        False, False, True, True, True, False, False]
