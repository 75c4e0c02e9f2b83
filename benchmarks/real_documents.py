"""The untagged-prospectus reader over every real untagged prospectus in the fixtures.

    .venv/bin/python -m benchmarks.real_documents

For each real document (two mutual-fund 497K submissions with their SGML wrapper, two
bare mutual-fund 497Ks with returns tables, three bare ETF 497K summary prospectuses), the values a person reads in the document are
written out below by hand (EXPECTED: percent as printed, example dollars, dates), the
reader's output is flattened to the same keys, and the table says how many were
expected, read, right, wrong (read with another value), missed (expected, not read),
extra (read, not expected) and skipped (cells of recognized tables the reader reports
as not read). Where the expectations come from: PIA's, Amana's and the three ETF 497Ks
were read for `test_prospectus_real_documents.py`; John Hancock's and GMO's for
`test_prospectus_untagged.py` (both read by eye from the documents).

It never uses the network and always exits 0 (a report); the last line is PASS when
nothing is wrong, missed or extra.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from etf_assets.edgar.sgml import primary_document
from etf_assets.prospectus.parse import Prospectus
from etf_assets.prospectus.untagged import ClassRef, parse_untagged, submission_classes

FIXTURES = Path(__file__).resolve().parent.parent / "etf_assets_tests" / "fixtures" / "sec"
FEE_FIELDS = ("management_fee", "distribution_12b1_fee", "other_expenses",
              "acquired_fund_fees", "total_annual_expenses", "fee_waiver", "net_expenses")
SHORT = dict(zip(FEE_FIELDS, ("mgmt", "12b1", "other", "affe", "total", "waiver", "net")))


def _fees(cls: str, *values: str | None) -> dict[str, str]:
    """Fee lines in FEE_FIELDS order, percent as printed (None: no such line)."""
    return {f"{cls} {SHORT[f]}": f"{v}%" for f, v in zip(FEE_FIELDS, values) if v is not None}


def _example(cls: str, *amounts: int, redeemed: bool = True) -> dict[str, str]:
    tail = "" if redeemed else " kept"
    return {f"{cls} example {y}y{tail}": f"${a}" for y, a in zip((1, 3, 5, 10), amounts)}


def _returns(subject: str, measure: str, *values: str,
             horizons: tuple[str, ...] = ("1y", "5y", "10y", "since_inception")
             ) -> dict[str, str]:
    return {f"{subject} {measure} {h}": f"{v}%" for h, v in zip(horizons, values)
            if v != "n/a"}


AMANA = ("1y", "5y", "since_inception")  # "1 Year | 5 Years | Life of Fund"


JH_CLASSES = {  # ticker: (mgmt, 12b-1, other, total, waiver, net), (service, additional), example
    "PZFVX": (("0.67", "0.25", "0.20", "1.12", "-0.01", "1.11"), ("0.00", "0.20"),
              (608, 837, 1085, 1794)),
    "JCVCX": (("0.67", "1.00", "0.20", "1.87", "-0.01", "1.86"), ("0.00", "0.20"),
              (289, 587, 1010, 1994)),
    "JCVIX": (("0.67", "0.00", "0.20", "0.87", "-0.01", "0.86"), ("0.00", "0.20"),
              (88, 277, 481, 1072)),
    "JCVSX": (("0.67", "0.25", "0.34", "1.26", "-0.01", "1.25"), ("0.25", "0.09"),
              (127, 399, 691, 1522)),
    "JCVVX": (("0.67", "0.00", "0.14", "0.81", "-0.01", "0.80"), ("0.05", "0.09"),
              (82, 258, 449, 1001)),
    "JCVWX": (("0.67", "0.00", "0.09", "0.76", "-0.01", "0.75"), ("0.00", "0.09"),
              (77, 242, 421, 941)),
}


def _john_hancock() -> dict[str, str]:
    out: dict[str, str] = {}
    for t, ((m, d, o, tot, w, n), (service, additional), ex) in JH_CLASSES.items():
        out |= _fees(t, m, d, o, None, tot, w, n) | _example(t, *ex)
        out |= {f"{t} component Service plan fee": f"{service}%",
                f"{t} component Additional other expenses": f"{additional}%"}
    return out | _example("JCVCX", 189, 587, 1010, 1994, redeemed=False)


GMO_INDEX = "Bloomberg U.S. Aggregate Index (Fund benchmark)"
EXPECTED: dict[str, dict[str, str]] = {
    "submissions_txt/0000045291_0001193125-25-148895_497K.txt": _john_hancock(),
    "submissions_txt/0000772129_0001193125-25-152548_497K.txt": (
        _fees("C000213367", "0.40", None, "0.32", "0.12", "0.84", "-0.37", "0.47")
        | _fees("C000213366", "0.40", None, "0.44", "0.12", "0.96", "-0.37", "0.59")
        | _example("C000213367", 48, 231, 430, 1003)
        | _example("C000213366", 60, 269, 495, 1144)
        | {"turnover": "444%", "bar highest_quarter 2023-12-31": "6.02%",
           "bar lowest_quarter 2022-03-31": "-6.88%", "bar year_to_date 2025-03-31": "2.96%"}
        | _returns("Class III", "before_taxes", "1.30", "-0.84", "1.13", "4.19")
        | _returns("Class III", "after_taxes_on_distributions", "-0.54", "-2.12", "-0.43",
                   "1.91")
        | _returns("Class III", "after_taxes_on_distributions_and_sales", "0.77", "-0.96",
                   "0.30", "2.34")
        | _returns(GMO_INDEX, "index", "1.25", "-0.33", "1.35", "4.14")
        | {"returns ended": "2024-12-31", "since inception from": "1997-04-30"}),
    "prospectus_real/0001027596_497K_2023-03-31_PIA_BBB_excerpt.html": (
        _fees("-", "0", None, "0.15", None, "0.15", None, None)  # management fee "None"
        | _example("-", 15, 48, 85, 192) | {"turnover": "10%"}
        | _returns("-", "before_taxes", "-16.09", "0.48", "1.91", "4.04")
        | _returns("-", "after_taxes_on_distributions", "-17.25", "-0.95", "0.24", "2.18")
        | _returns("-", "after_taxes_on_distributions_and_sales", "-9.51", "-0.19", "0.77",
                   "2.44")
        | _returns("Bloomberg U.S. Credit Baa Bond Index", "index", "-15.94", "0.70", "2.17",
                   "4.52")
        | {"returns ended": "2022-12-31", "since inception from": "2003-09-25"}),
    "prospectus_real/0000766285_497K_2025-09-29_Amana_Participation_excerpt.html": (
        _fees("AMAPX", "0.50", "0.25", "0.07", None, "0.82", None, None)
        | _fees("AMIPX", "0.50", "0", "0.09", None, "0.59", None, None)  # 12b-1 "None"
        | _example("AMAPX", 84, 263, 458, 1019) | _example("AMIPX", 60, 189, 329, 738)
        | {"turnover": "21.50%", "bar highest_quarter 2020-06-30": "5.50%",
           "bar lowest_quarter 2020-03-31": "-3.44%"}
        | _returns("C000160666", "before_taxes", "3.75", "1.35", "1.86", horizons=AMANA)
        | _returns("C000160667", "before_taxes", "4.00", "1.57", "2.09", horizons=AMANA)
        | _returns("C000160667", "after_taxes_on_distributions", "2.56", "0.57", "1.10",
                   horizons=AMANA)
        | _returns("C000160667", "after_taxes_on_distributions_and_sales", "2.42", "0.73",
                   "1.09", horizons=AMANA)
        | _returns("Bloomberg Global Aggregate Bond Index", "index", "-1.69", "-1.96", "0.41",
                   horizons=AMANA)
        | _returns("Bloomberg Custom Sukuk Index", "index", "n/a", "n/a", "n/a",
                   horizons=AMANA)
        | _returns("FTSE IdealRatings Sukuk Index", "index", "3.34", "1.96", "n/a",
                   horizons=AMANA)
        | {"returns ended": "2024-12-31", "since inception from": "2015-09-28"}),
    "prospectus_real/0001496608_497K_2023-03-31_TAFI_excerpt.html": (
        _fees("-", "0.27", "0", "0.00", None, "0.27", None, None) | _example("-", 28, 87)
        | {"turnover": "11%"}),
    "prospectus_real/0001551950_497K_2023-04-03_CRED_excerpt.html": (
        _fees("-", "0.33", "0.00", "0.00", None, "0.33", None, None)
        | _example("-", 34, 106)),
    "prospectus_real/0001928561_497K_2025-09-30_IBTB_excerpt.html": (
        _fees("-", "0.95", "0.00", "0.00", "0.02", "0.97", None, None)
        | _example("-", 99, 309)),
}


def _value(printed: str) -> Decimal | str:
    """"0.67%" -> 0.0067, "$608" -> 608; a date stays its ISO text."""
    if printed.endswith("%"):
        return Decimal(printed[:-1]) / 100
    if printed.startswith("$"):
        return Decimal(printed[1:])
    return printed


def flatten(p: Prospectus) -> dict[str, Decimal | str]:
    """The reader's values under the keys EXPECTED uses. The dates of a returns table
    count once per document: "returns ended" (every return's period end) and "since
    inception from" (every since-inception return's start), "mixed" when they differ."""
    out: dict[str, Decimal | str] = {}
    for t in p.fee_tables:
        cls = t.ticker or t.class_id or "-"
        out |= {f"{cls} {SHORT[f]}": getattr(t, f) for f in FEE_FIELDS
                if getattr(t, f) is not None}
        out |= {f"{cls} component {name}": v for name, v in t.other_components}
        out |= {f"{cls} {f.concept}": f.value for f in t.shareholder_fees}
        out |= {f"{cls} example {e.years}y{'' if e.redemption else ' kept'}": e.amount
                for e in t.expense_examples}
    out |= {"turnover": s.portfolio_turnover for s in p.series
            if s.portfolio_turnover is not None}
    out |= {f"bar {b.kind} {b.as_of}": b.value for b in p.bar_chart}
    for a in p.average_returns:
        subject = a.index_name if a.subject == "index" else (a.class_id or a.class_name
                                                             or "-")
        out[f"{subject} {a.measure or 'index'} {a.horizon}"] = a.value
    for key, dates in (("returns ended", {a.periods_ended for a in p.average_returns}),
                       ("since inception from", {a.inception_date for a in p.average_returns
                                                 if a.horizon == "since_inception"})):
        if dates:
            out[key] = str(dates.pop()) if len(dates) == 1 else "mixed"
    return out


# A bare document has no SGML header. Amana's fee and example tables have a column /
# row per class, which are never guessed: it is read with its two classes as its
# submission's header lists them (ids from the fixtures' company_tickers_mf.json).
BARE_CLASSES = {
    "prospectus_real/0000766285_497K_2025-09-29_Amana_Participation_excerpt.html": (
        ClassRef("C000160666", "S000050991", "Investor Shares", "AMAPX"),
        ClassRef("C000160667", "S000050991", "Institutional Shares", "AMIPX")),
}


def read(rel: str) -> Prospectus:
    data = (FIXTURES / rel).read_bytes()
    if rel.endswith(".txt"):  # a full submission: its <TYPE> and its header's classes
        form, doc = primary_document(data)
        return parse_untagged(doc.content, form=form, classes=submission_classes(data))
    return parse_untagged(data, form="497K", classes=BARE_CLASSES.get(rel, ()))


@dataclass
class Row:
    document: str
    expected: int
    read: int
    right: int
    wrong: list[str]
    missed: list[str]
    extra: list[str]
    skipped: int


def measure(rel: str, expected: dict[str, str]) -> Row:
    got = flatten(read(rel))
    want = {k: _value(v) for k, v in expected.items()}
    right = [k for k in want if k in got and got[k] == want[k]]
    wrong = [f"{k}: read {got[k]}, expected {want[k]}" for k in want
             if k in got and got[k] != want[k]]
    return Row(rel.split("/")[-1], len(want), len(got), len(right), wrong,
               sorted(set(want) - set(got)), sorted(set(got) - set(want)),
               len(read(rel).skipped))


def main() -> int:
    rows = [measure(rel, exp) for rel, exp in EXPECTED.items()]
    print("| document | expected | read | right | wrong | missed | extra | skipped |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r.document} | {r.expected} | {r.read} | {r.right} | {len(r.wrong)} "
              f"| {len(r.missed)} | {len(r.extra)} | {r.skipped} |")
    total = [sum(getattr(r, f) if isinstance(getattr(r, f), int) else len(getattr(r, f))
                 for r in rows) for f in ("expected", "read", "right", "wrong", "missed",
                                          "extra", "skipped")]
    print("| **all** | " + " | ".join(str(n) for n in total) + " |")
    for r in rows:
        for line in r.wrong + [f"missed {k}" for k in r.missed] + [
                f"extra {k}" for k in r.extra]:
            print(f"  {r.document}: {line}")
    print("PASS" if total[3] == total[4] == total[5] == 0 else "MISS",
          "every expected value read and right, nothing read that was not expected")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
