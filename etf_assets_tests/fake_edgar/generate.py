"""Deterministic synthetic SEC fund filings for the local fake EDGAR server.

Four public functions:

* :func:`generate_nport_xml` - an N-PORT ``primary_doc.xml`` that validates against
  the SEC N-PORT XSD in ``fixtures/sec/schemas/nport/xsd_devquanty_2025``;
* :func:`generate_ncen_xml` - an N-CEN ``primary_doc.xml`` shaped like the real
  AB Active ETFs filing in ``fixtures/sec/ncen`` (no XSD available);
* :func:`generate_24f2_xml` - a 24F-2NT ``primary_doc.xml`` that validates against the
  SEC 24F-2 XSD in ``fixtures/sec/schemas/24f2/xsd``;
* :func:`wrap_full_submission` - the EDGAR full-submission ``.txt`` (SGML) around
  any documents, in the dialect of ``fixtures/sec/submissions_txt``.

Everything is a pure function of the arguments (no clock, no network, no global
state), so equal arguments give byte-identical output.

N-PORT holdings are written as text chunks into one growing buffer, never as an
element tree; 50,000 holdings cost little more than the size of the output.

Parser traps planted in every N-PORT document with at least ``TRAP_MIN_PLAIN``
non-derivative holdings (derivatives do not count):

* non-US equities with ``<cusip>N/A</cusip>`` and the ISIN under ``identifiers``
  (at least one);
* exactly two ``<cusip>000000000</cusip>`` placeholders (one identified by ISIN,
  one by an ``other`` "Internal ID" with name and LEI ``N/A``);
* one US security held in two lots, so its 9-character CUSIP appears twice;
* one money-market sweep (``STIV``, issuer category ``RF``).

Derivatives (``n_derivatives`` of the ``n_holdings``) cycle future, forward, swap,
option, other, and always carry ``<cusip>N/A</cusip>``.  Every valUSD has two
decimals and ``netAssets`` equals the exact sum of the valUSD values.

Every security is a pure function of a universe index, so the same security (name,
CUSIP, ISIN, LEI) turns up in different funds' filings.
"""

from __future__ import annotations

import datetime as _dt
import io
import math
import random
from array import array
from calendar import monthrange
from decimal import ROUND_HALF_UP, Decimal
from typing import Callable, Sequence

__all__ = [
    "TRAP_MIN_PLAIN",
    "DERIVATIVE_KINDS",
    "generate_nport_xml",
    "generate_ncen_xml",
    "wrap_full_submission",
]

#: Non-derivative holdings needed before the trap holdings are planted.
TRAP_MIN_PLAIN = 8

#: Element names of the derivative kinds, in the order they cycle.
DERIVATIVE_KINDS = ("futrDeriv", "fwdDeriv", "swapDeriv", "optionSwaptionWarrantDeriv", "othDeriv")

NPORT_FORMS = frozenset({"NPORT-P", "NPORT-NP", "NPORT-P/A", "NPORT-NP/A"})

_M64 = (1 << 64) - 1
_B36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

# Holding kind codes (one byte each in the plan).
_PLAIN, _ZERO_ISIN, _ZERO_OTHER, _REPEAT, _STIV = 0, 1, 2, 3, 4
_FUT, _FWD, _SWP, _OPT, _OTH = 10, 11, 12, 13, 14
_DERIV_CODES = (_FUT, _FWD, _SWP, _OPT, _OTH)


# --------------------------------------------------------------------------- helpers


def _esc(s: str) -> str:
    """Escape text for XML element content and double-quoted attributes."""
    if "&" in s:
        s = s.replace("&", "&amp;")
    if "<" in s:
        s = s.replace("<", "&lt;")
    if ">" in s:
        s = s.replace(">", "&gt;")
    if '"' in s:
        s = s.replace('"', "&quot;")
    return s


def _mix(x: int) -> int:
    """64-bit integer hash (splitmix64 finaliser)."""
    x = (x + 0x9E3779B97F4A7C15) & _M64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _M64
    return x ^ (x >> 31)


_B36_PAIRS = tuple(a + b for a in _B36 for b in _B36)
_TO_DIGITS = str.maketrans({c: str(int(c, 36)) for c in _B36})  # "A" -> "10", ...
_LUHN_PLAIN = {str(d): d for d in range(10)}
_LUHN_DOUBLE = {str(d): (2 * d if d < 5 else 2 * d - 9) for d in range(10)}
_CUSIP_VALUE = {c: int(c, 36) for c in _B36} | {"*": 36, "@": 37, "#": 38}
_CUSIP_EVEN = {c: v // 10 + v % 10 for c, v in _CUSIP_VALUE.items()}
_CUSIP_ODD = {c: (2 * v) // 10 + (2 * v) % 10 for c, v in _CUSIP_VALUE.items()}


def _b36(n: int, width: int) -> str:
    """``n`` in base 36, zero-padded to ``width`` characters (``width`` even)."""
    out = []
    for _ in range(width // 2):
        n, r = divmod(n, 1296)
        out.append(_B36_PAIRS[r])
    return "".join(reversed(out))


def _cusip_check(s8: str) -> str:
    total = sum(map(_CUSIP_EVEN.__getitem__, s8[0::2])) + sum(map(_CUSIP_ODD.__getitem__, s8[1::2]))
    return str((10 - total % 10) % 10)


def _isin_check(s11: str) -> str:
    digits = s11.translate(_TO_DIGITS)[::-1]
    total = sum(map(_LUHN_DOUBLE.__getitem__, digits[0::2])) + sum(map(_LUHN_PLAIN.__getitem__, digits[1::2]))
    return str((10 - total % 10) % 10)


def _lei(key: int) -> str:
    """A well-formed LEI (ISO 17442, mod 97-10 check digits) derived from ``key``."""
    base = "5493" + _b36(_mix(key) % 36**14, 14)
    return f"{base}{98 - int(base.translate(_TO_DIGITS) + '00') % 97:02d}"


def _cents(c: int) -> str:
    """Integer cents -> decimal string with two places."""
    if c < 0:
        q, r = divmod(-c, 100)
        return f"-{q}.{r:02d}"
    q, r = divmod(c, 100)
    return f"{q}.{r:02d}"


def _cik10(cik: str | int) -> str:
    return str(int(cik)).zfill(10)


_ADDRESSES = (
    # street1, city, state, zip, phone
    ("100 Harbor Boulevard", "NEW YORK", "NY", "10005", "212-555-0140"),
    ("1 Congress Street", "BOSTON", "MA", "02114", "617-555-0188"),
    ("500 Lake Shore Drive", "CHICAGO", "IL", "60611", "312-555-0123"),
    ("2200 Market Street", "SAN FRANCISCO", "CA", "94114", "415-555-0199"),
    ("40 Liberty Plaza", "WILMINGTON", "DE", "19801", "302-555-0110"),
    ("700 Congress Avenue", "AUSTIN", "TX", "78701", "512-555-0161"),
)
_FYE_MONTHS = (12, 3, 6, 9, 10, 8, 5, 11)
_SIGNERS = (("Jane Q. Doe", "Treasurer"), ("John R. Roe", "President"), ("Maria Lopez", "Principal Financial Officer"))


def _registrant(cik: str | int) -> dict[str, str | int]:
    """Stable registrant facts derived from the CIK (file number, LEI, address, FYE)."""
    c = int(cik)
    h = _mix(c * 7 + 3)
    street, city, state, zip_, phone = _ADDRESSES[h % len(_ADDRESSES)]
    signer, title = _SIGNERS[(h >> 8) % len(_SIGNERS)]
    return {
        "cik10": _cik10(c),
        "file_number": f"811-{c % 90000 + 10000}",
        "lei": _lei(c * 31 + 1),
        "street1": street,
        "city": city,
        "state": state,
        "zip": zip_,
        "phone": phone,
        "fye_month": _FYE_MONTHS[(h >> 16) % len(_FYE_MONTHS)],
        "state_inc": ("DE", "MD", "MA", "OH")[(h >> 24) % 4],
        "signer": signer,
        "signer_title": title,
    }


def _fiscal_year_end(report_date: _dt.date, month: int) -> _dt.date:
    year = report_date.year if report_date.month <= month else report_date.year + 1
    return _dt.date(year, month, monthrange(year, month)[1])


def _series_lei(series_id: str) -> str:
    return _lei(int(series_id[1:]) * 131 + 7)


# --------------------------------------------------------------------- security master

_W1 = ("Apex", "Blue", "Cedar", "Delta", "Ever", "Falcon", "Granite", "Harbor", "Iron", "Juniper",
       "Keystone", "Lumen", "Maple", "North", "Orion", "Pioneer", "Quartz", "River", "Summit", "Terra",
       "Union", "Vertex", "West", "Zenith", "Aurora", "Beacon", "Cobalt", "Dune", "Echo", "Forge",
       "O'Brien", "Horizon")
_W2 = ("Systems", "Dynamics", "Energy", "Foods", "Health", "Networks", "Materials", "Logistics",
       "Pharma", "Motors", "Semiconductor", "Software", "Realty", "Financial", "Retail", "Media",
       "Biotech", "Industries", "Airlines", "Mining", "Utilities", "Insurance", "Telecom", "Brands")
_US_SUFFIX = ("Inc", "Corp", "Co", "Holdings Inc", "Group Inc", "Inc.", "& Co", "Ltd")
_NON_US = (
    # country, currency, units of currency per USD, legal-form suffixes
    ("DE", "EUR", "0.92060000", ("AG", "SE", "GmbH & Co KGaA")),
    ("FR", "EUR", "0.92060000", ("SA", "SE")),
    ("NL", "EUR", "0.92060000", ("NV",)),
    ("GB", "GBP", "0.78740000", ("PLC", "Group PLC")),
    ("JP", "JPY", "147.85000000", ("Co Ltd", "Holdings Co Ltd", "Corp")),
    ("CH", "CHF", "0.86120000", ("AG", "Holding AG")),
    ("CA", "CAD", "1.34560000", ("Inc", "Ltd")),
    ("AU", "AUD", "1.52340000", ("Ltd",)),
    ("KR", "KRW", "1329.50000000", ("Co Ltd",)),
    ("HK", "HKD", "7.82130000", ("Holdings Ltd",)),
)


_US_ISSUERS = 100_000 * 36  # distinct US issuer numbers, so the universe is capped at this


def _is_us(k: int) -> bool:
    return _mix(k) % 100 < 72


def _price_cents(k: int) -> int:
    """USD price of security ``k`` in cents (the same number ``_security`` returns)."""
    return 500 + (_mix(k) // (100 * 32 * 24 * 25)) % 50_000


def _security(k: int) -> tuple:
    """Security ``k`` of the synthetic universe.

    Returns (name, lei, title, cusip, isin, ticker, country, currency, exchange_rate,
    asset_cat, price_cents); cusip is None for non-US securities, currency None for USD.
    """
    h = _mix(k)
    us = h % 100 < 72
    h //= 100
    w1 = _W1[h % 32]
    h //= 32
    w2 = _W2[h % 24]
    h //= 24
    preferred = h % 25 == 0
    h //= 25
    price_cents = 500 + h % 50_000
    h //= 50_000
    no_lei = h % 11 == 0
    h //= 11
    has_ticker = h % 3 == 0
    h //= 3
    kind = "PREFERRED STOCK" if preferred else "COMMON STOCK"
    asset_cat = "EP" if preferred else "EC"
    lei = "N/A" if no_lei else _lei(k * 17 + 5)
    if us:
        name = f"{w1} {w2} {_US_SUFFIX[h % len(_US_SUFFIX)]}"
        n = (k * 1_000_003 + 7_777_777) % _US_ISSUERS  # bijective: gcd(1_000_003, 3_600_000) == 1
        issuer = f"{n // 36:05d}{_B36[n % 36]}"  # 5 digits + 1 alphanumeric, like 88160R
        s8 = issuer + ("20" if preferred else "10")
        cusip = s8 + _cusip_check(s8)
        s11 = "US" + cusip
        isin = s11 + _isin_check(s11)
        ticker = (w1[:2] + w2[:2]).upper().replace("'", "") if has_ticker else None
        return (name, lei, f"{name.upper()} {kind}", cusip, isin, ticker, "US", None, None,
                asset_cat, price_cents)
    country, currency, rate, suffixes = _NON_US[h % len(_NON_US)]
    h //= len(_NON_US)
    name = f"{w1} {w2} {suffixes[h % len(suffixes)]}"
    s11 = country + "000" + _b36((k * 999_983 + 1_234_567) % 36**6, 6)
    isin = s11 + _isin_check(s11)
    return (name, lei, f"{name.upper()} {kind}", None, isin, None, country, currency, rate,
            asset_cat, price_cents)


# ------------------------------------------------------------------- derivative pools

_COUNTERPARTIES = (
    ("Meridian Clearing Corp", _lei(9001)),
    ("Harborview Bank NA", _lei(9002)),
    ("Atlas Securities LLC", _lei(9003)),
    ("Crescent Capital Markets Ltd", _lei(9004)),
    ("Pinnacle Futures Commission Merchant", "N/A"),
)
_INDEXES = (
    ("S&P 500 Index", "SPX", "ES"),
    ("Nasdaq-100 Index", "NDX", "NQ"),
    ("Russell 2000 Index", "RTY", "RTY"),
    ("DAX Index", "DAX", "FDAX"),
    ("Nikkei 225 Index", "NKY", "NK"),
    ("FTSE 100 Index", "UKX", "Z"),
)
_FX = (("EUR", 0.9206), ("GBP", 0.7874), ("JPY", 147.85), ("CAD", 1.3456), ("CHF", 0.8612), ("AUD", 1.5234))
_MONTH_CODES = "FGHJKMNQUVXZ"
_DERIV_ISSUER = '<issuerConditional desc="See item: C.11.b counterparty" issuerCat="OTHER"/>'


def _counterparty(rng: random.Random) -> str:
    name, lei = _COUNTERPARTIES[rng.randrange(len(_COUNTERPARTIES))]
    return (f"            <counterparties>\n"
            f"              <counterpartyName>{name}</counterpartyName>\n"
            f"              <counterpartyLei>{lei}</counterpartyLei>\n"
            f"            </counterparties>\n")


def _deriv(code: int, idx: int, val_cents: int, rng: random.Random, report_date: _dt.date) -> tuple:
    """One derivative holding -> (name, lei, title, identifiers, balance, units, payoff,
    asset_cat, issuer_xml, fair_value_level, derivativeInfo body)."""
    val = _cents(val_cents)
    cp = _counterparty(rng)
    internal = f"SYN{idx:07d}"
    ident = f'          <other otherDesc="Internal ID" value="{internal}"/>\n'
    if code == _FUT:
        iname, iid, root = _INDEXES[rng.randrange(len(_INDEXES))]
        exp = report_date + _dt.timedelta(days=rng.randint(20, 200))
        contracts = rng.randint(1, 400)
        long_ = val_cents >= 0 or rng.random() < 0.5
        notional = contracts * rng.randint(2_000_000, 25_000_000)
        title = f"{iname.upper()} FUTURE {_MONTH_CODES[exp.month - 1]}{exp.year % 100:02d}"
        ident = f'          <ticker value="{root}{_MONTH_CODES[exp.month - 1]}{exp.year % 10}"/>\n'
        body = (f'          <futrDeriv derivCat="FUT">\n{cp}'
                f"            <payOffProf>{'Long' if long_ else 'Short'}</payOffProf>\n"
                f"            <descRefInstrmnt>\n"
                f"              <indexBasketInfo>\n"
                f"                <indexName>{_esc(iname)}</indexName>\n"
                f"                <indexIdentifier>{iid}</indexIdentifier>\n"
                f"              </indexBasketInfo>\n"
                f"            </descRefInstrmnt>\n"
                f"            <expDate>{exp.isoformat()}</expDate>\n"
                f"            <notionalAmt>{_cents(notional if long_ else -notional)}</notionalAmt>\n"
                f"            <curCd>USD</curCd>\n"
                f"            <unrealizedAppr>{val}</unrealizedAppr>\n"
                f"          </futrDeriv>\n")
        return ("N/A", "N/A", _esc(title), ident, f"{contracts}.00000000", "NC",
                "Long" if long_ else "Short", "DE", "<issuerCat>CORP</issuerCat>", "1", body)
    if code == _FWD:
        ccy, rate = _FX[rng.randrange(len(_FX))]
        settle = report_date + _dt.timedelta(days=rng.randint(5, 120))
        usd = rng.randint(100_000_00, 50_000_000_00)
        foreign = int(usd * rate * (1 + rng.uniform(-0.01, 0.01)))
        buy_foreign = rng.random() < 0.5
        if buy_foreign:
            sold, cur_sold, bought, cur_pur = usd, "USD", foreign, ccy
        else:
            sold, cur_sold, bought, cur_pur = foreign, ccy, usd, "USD"
        title = f"BOUGHT {cur_pur} SOLD {cur_sold} {settle:%Y%m%d}"
        body = (f'          <fwdDeriv derivCat="FWD">\n{cp}'
                f"            <amtCurSold>{_cents(sold)}</amtCurSold>\n"
                f"            <curSold>{cur_sold}</curSold>\n"
                f"            <amtCurPur>{_cents(bought)}</amtCurPur>\n"
                f"            <curPur>{cur_pur}</curPur>\n"
                f"            <settlementDt>{settle.isoformat()}</settlementDt>\n"
                f"            <unrealizedAppr>{val}</unrealizedAppr>\n"
                f"          </fwdDeriv>\n")
        return ("N/A", "N/A", title, ident, "1.00000000", "NC", "N/A", "DFE", _DERIV_ISSUER, "2", body)
    if code == _SWP:
        term = report_date + _dt.timedelta(days=rng.randint(180, 3650))
        notional = rng.randint(1_000_000, 200_000_000) * 100
        if idx % 2 == 0:  # interest-rate swap: receive fixed, pay SOFR
            fixed = f"{rng.uniform(2.5, 5.0):.4f}"
            title = f"IRS USD {fixed} {term:%m/%d/%Y} SOFR"
            ref = (f"            <descRefInstrmnt>\n"
                   f"              <otherRefInst>\n"
                   f"                <issuerName>N/A</issuerName>\n"
                   f"                <issueTitle>Secured Overnight Financing Rate</issueTitle>\n"
                   f"                <identifiers>\n"
                   f'                  <other otherDesc="Internal ID" value="SOFR-{internal}"/>\n'
                   f"                </identifiers>\n"
                   f"              </otherRefInst>\n"
                   f"            </descRefInstrmnt>\n")
            rec = f'            <fixedRecDesc amount="0.00" curCd="USD" fixedOrFloating="Fixed" fixedRt="{fixed}"/>\n'
            asset = "DIR"
        else:  # total return swap on an index: receive index return, pay SOFR + spread
            iname, iid, _root = _INDEXES[rng.randrange(len(_INDEXES))]
            title = f"TRS {iname.upper()} {term:%m/%d/%Y}"
            ref = (f"            <descRefInstrmnt>\n"
                   f"              <indexBasketInfo>\n"
                   f"                <indexName>{_esc(iname)}</indexName>\n"
                   f"                <indexIdentifier>{iid}</indexIdentifier>\n"
                   f"              </indexBasketInfo>\n"
                   f"            </descRefInstrmnt>\n")
            rec = f'            <otherRecDesc fixedOrFloating="Other">Total return of {_esc(iname)}</otherRecDesc>\n'
            asset = "DE"
        spread = f"{rng.choice((0.0, 0.25, 0.4, 0.5)):.4f}"
        body = (f'          <swapDeriv derivCat="SWP">\n{cp}{ref}'
                f"            <swapFlag>{'Y' if rng.random() < 0.5 else 'N'}</swapFlag>\n{rec}"
                f'            <floatingPmntDesc curCd="USD" fixedOrFloating="Floating" floatingRtIndex="SOFR"'
                f' floatingRtSpread="{spread}" pmntAmt="0.00">\n'
                f"              <rtResetTenors>\n"
                f'                <rtResetTenor rateTenor="Day" rateTenorUnit="1" resetDt="Day" resetDtUnit="1"/>\n'
                f"              </rtResetTenors>\n"
                f"            </floatingPmntDesc>\n"
                f"            <terminationDt>{term.isoformat()}</terminationDt>\n"
                f"            <upfrontPmnt>0.00</upfrontPmnt>\n"
                f"            <pmntCurCd>USD</pmntCurCd>\n"
                f"            <upfrontRcpt>0.00</upfrontRcpt>\n"
                f"            <rcptCurCd>USD</rcptCurCd>\n"
                f"            <notionalAmt>{_cents(notional)}</notionalAmt>\n"
                f"            <curCd>USD</curCd>\n"
                f"            <unrealizedAppr>{val}</unrealizedAppr>\n"
                f"          </swapDeriv>\n")
        return ("N/A", "N/A", _esc(title), ident, "1.00000000", "NC", "N/A", asset, _DERIV_ISSUER, "2", body)
    if code == _OPT:
        iname, iid, _root = _INDEXES[rng.randrange(len(_INDEXES))]
        purchased = val_cents >= 0
        call = rng.random() < 0.5
        exp = report_date + _dt.timedelta(days=rng.randint(7, 365))
        contracts = rng.randint(1, 200)
        strike = f"{rng.randint(1000, 20000)}.00"
        delta = rng.uniform(0.05, 0.95) * (1 if call else -1) * (1 if purchased else -1)
        unreal = _cents(rng.randint(-1_000_000, 1_000_000))
        pc = "Call" if call else "Put"
        title = f"{iid} {exp:%m/%d/%Y} {strike} {pc.upper()}"
        ident = f'          <ticker value="{iid} {exp:%y%m%d}{pc[0]}{strike[:-3]}"/>\n'
        body = (f'          <optionSwaptionWarrantDeriv derivCat="OPT">\n{cp}'
                f"            <putOrCall>{pc}</putOrCall>\n"
                f"            <writtenOrPur>{'Purchased' if purchased else 'Written'}</writtenOrPur>\n"
                f"            <descRefInstrmnt>\n"
                f"              <indexBasketInfo>\n"
                f"                <indexName>{_esc(iname)}</indexName>\n"
                f"                <indexIdentifier>{iid}</indexIdentifier>\n"
                f"              </indexBasketInfo>\n"
                f"            </descRefInstrmnt>\n"
                f"            <shareNo>{contracts * 100}.00</shareNo>\n"
                f"            <exercisePrice>{strike}</exercisePrice>\n"
                f"            <exercisePriceCurCd>USD</exercisePriceCurCd>\n"
                f"            <expDt>{exp.isoformat()}</expDt>\n"
                f"            <delta>{delta:.6f}</delta>\n"
                f"            <unrealizedAppr>{unreal}</unrealizedAppr>\n"
                f"          </optionSwaptionWarrantDeriv>\n")
        return ("N/A", "N/A", title, ident, f"{contracts}.00000000", "NC",
                "Long" if purchased else "Short", "DE", _DERIV_ISSUER, "1", body)
    # other derivative: contract for difference on a universe security
    ref = _security(rng.randrange(1_000_000))
    term = report_date + _dt.timedelta(days=rng.randint(30, 720))
    notional = rng.randint(100_000, 20_000_000) * 100
    ref_id = (f'<cusip value="{ref[3]}"/>' if ref[3] else f'<isin value="{ref[4]}"/>')
    body = (f'          <othDeriv derivCat="OTH" othDesc="Contract for difference">\n{cp}'
            f"            <descRefInstrmnt>\n"
            f"              <otherRefInst>\n"
            f"                <issuerName>{_esc(ref[0])}</issuerName>\n"
            f"                <issueTitle>{_esc(ref[2])}</issueTitle>\n"
            f"                <identifiers>\n"
            f"                  {ref_id}\n"
            f"                </identifiers>\n"
            f"              </otherRefInst>\n"
            f"            </descRefInstrmnt>\n"
            f"            <terminationDt>{term.isoformat()}</terminationDt>\n"
            f"            <notionalAmts>\n"
            f'              <notionalAmt amt="{_cents(notional)}" curCd="USD"/>\n'
            f"            </notionalAmts>\n"
            f"            <delta>1.000000</delta>\n"
            f"            <unrealizedAppr>{val}</unrealizedAppr>\n"
            f"          </othDeriv>\n")
    title = f"CFD {ref[2]}"[:150]
    return ("N/A", "N/A", _esc(title), ident, "1.00000000", "NC", "Long", "DO", _DERIV_ISSUER, "2", body)


# ------------------------------------------------------------------------------ N-PORT


def _plan(seed: int, n: int, n_deriv: int) -> tuple[bytearray, array, array, array, random.Random]:
    """Decide every holding's kind, security and value (the numbers netAssets needs).

    Returns (kinds, ks, balances, values_in_cents, attribute_rng).
    """
    rng = random.Random(seed)
    kinds = bytearray(n)
    ks = array("q", bytes(8 * n))
    bal = array("q", bytes(8 * n))
    val = array("q", bytes(8 * n))

    deriv_pos = sorted(rng.sample(range(n), n_deriv)) if n_deriv else []
    for j, p in enumerate(deriv_pos):
        kinds[p] = _DERIV_CODES[j % len(_DERIV_CODES)]
    del deriv_pos
    plain = [i for i in range(n) if kinds[i] == _PLAIN]
    m = len(plain)
    universe = min(max(8 * m, 4096), _US_ISSUERS)
    picks = rng.sample(range(universe), m)
    for i, k in zip(plain, picks):
        ks[i] = k

    if m >= TRAP_MIN_PLAIN:
        slots = rng.sample(range(m), 4)
        zero_isin, zero_other, repeat, stiv = (plain[s] for s in slots)
        normal = [plain[s] for s in range(m) if s not in slots]
        used: set[int] | None = None

        def force(pos: int, want_us: bool) -> None:
            nonlocal used
            if used is None:
                used = set(picks)
            k = ks[pos]
            while _is_us(k) != want_us or k in used:
                k += 1
            used.add(k)
            ks[pos] = k

        if not any(_is_us(ks[p]) for p in normal):
            force(normal[0], True)
        elif all(_is_us(ks[p]) for p in normal):
            force(normal[-1], False)
        us_pos = [p for p in normal if _is_us(ks[p])]
        kinds[zero_isin] = _ZERO_ISIN
        kinds[zero_other] = _ZERO_OTHER
        kinds[stiv] = _STIV
        kinds[repeat] = _REPEAT
        ks[repeat] = ks[us_pos[rng.randrange(len(us_pos))]]
        del normal, us_pos
    del plain, picks

    log_lo, log_hi = math.log(50), math.log(250_000)
    for i in range(n):
        code = kinds[i]
        if code <= _REPEAT:
            shares = rng.randint(1, 2_000) if code == _REPEAT else int(math.exp(rng.uniform(log_lo, log_hi)))
            bal[i] = shares
            val[i] = shares * _price_cents(ks[i])
        elif code == _STIV:
            dollars = rng.randint(50_000, 5_000_000)
            bal[i] = dollars
            val[i] = dollars * 100
        elif code == _OPT:
            v = rng.randint(10_000, 5_000_000)
            val[i] = v if rng.random() < 0.7 else -v
        else:
            val[i] = rng.randint(-2_500_000, 2_500_000)
    return kinds, ks, bal, val, random.Random(rng.getrandbits(64))


_CAT_BLOCK = (
    "          <{cat}>\n"
    '            <mon1 netRealizedGain="{a}" netUnrealizedAppr="{b}"/>\n'
    '            <mon2 netRealizedGain="{c}" netUnrealizedAppr="{d}"/>\n'
    '            <mon3 netRealizedGain="{e}" netUnrealizedAppr="{f}"/>\n'
    "          </{cat}>\n"
)


def generate_nport_xml(
    *,
    cik: str,
    series_id: str | None,
    series_name: str,
    reg_name: str,
    report_date: _dt.date,
    n_holdings: int,
    seed: int,
    n_derivatives: int = 0,
    form: str = "NPORT-P",
    class_ids: Sequence[str] | None = None,
) -> bytes:
    """Return an XSD-valid N-PORT ``edgarSubmission`` document (UTF-8 bytes).

    ``series_id=None`` gives a UIT-style document (seriesName ``N/A``, no seriesId,
    no seriesClassInfo).  ``class_ids`` defaults to one class ``C`` + the series digits.
    """
    if form not in NPORT_FORMS:
        raise ValueError(f"form must be one of {sorted(NPORT_FORMS)}, not {form!r}")
    if n_holdings < 0 or not 0 <= n_derivatives <= n_holdings:
        raise ValueError("need 0 <= n_derivatives <= n_holdings")
    reg = _registrant(cik)
    class_ids = list(class_ids or [])
    if series_id is not None and not class_ids:
        class_ids = ["C" + series_id[1:]]

    kinds, ks, bal, val, rng = _plan(seed, n_holdings, n_derivatives)
    net = sum(val)
    liabs = rng.randint(0, 5_000_000) * 100 + rng.randint(0, 99)
    pct_scale = 100.0 / net if net else 0.0

    out = io.BytesIO()
    w = out.write
    series_class = ""
    if series_id is not None:
        series_class = (
            "      <seriesClassInfo>\n"
            f"        <seriesId>{series_id}</seriesId>\n"
            + "".join(f"        <classId>{c}</classId>\n" for c in class_ids)
            + "      </seriesClassInfo>\n"
        )
    fye = _fiscal_year_end(report_date, int(reg["fye_month"]))
    if series_id is not None:
        series_xml = (f"      <seriesName>{_esc(series_name)}</seriesName>\n"
                      f"      <seriesId>{series_id}</seriesId>\n"
                      f"      <seriesLei>{_series_lei(series_id)}</seriesLei>\n")
    else:
        series_xml = ("      <seriesName>N/A</seriesName>\n"
                      f"      <seriesLei>{reg['lei']}</seriesLei>\n")
    rtn = [f"{rng.uniform(-8, 8):.2f}" for _ in range(3)]
    if class_ids:
        returns = "".join(
            f'          <monthlyTotReturn classId="{c}" rtn1="{rtn[0]}" rtn2="{rtn[1]}" rtn3="{rtn[2]}"/>\n'
            for c in class_ids)
    else:
        returns = f'          <monthlyTotReturn rtn1="{rtn[0]}" rtn2="{rtn[1]}" rtn3="{rtn[2]}"/>\n'
    cats = ""
    if n_derivatives:
        cats = "        <monthlyReturnCats>\n"
        for cat in ("equityContracts", "foreignExchgContracts", "interestRtContracts"):
            g = [_cents(rng.randint(-50_000_000, 50_000_000)) for _ in range(6)]
            cats += _CAT_BLOCK.format(cat=cat, a=g[0], b=g[1], c=g[2], d=g[3], e=g[4], f=g[5])
        cats += "        </monthlyReturnCats>\n"
    oth = [_cents(rng.randint(-5 * abs(net) // 100 - 1, 5 * abs(net) // 100 + 1)) for _ in range(6)]
    flows = [(_cents(rng.randint(0, abs(net) // 10 + 1)), _cents(rng.randint(0, abs(net) // 10 + 1)))
             for _ in range(3)]
    zero = "0.00"
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<edgarSubmission xmlns="http://www.sec.gov/edgar/nport"'
        ' xmlns:com="http://www.sec.gov/edgar/common"'
        ' xmlns:ncom="http://www.sec.gov/edgar/nportcommon"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
        ' xsi:schemaLocation="http://www.sec.gov/edgar/nport eis_NPORT_Filer.xsd">\n'
        "  <headerData>\n"
        f"    <submissionType>{form}</submissionType>\n"
        f"    <isConfidential>{'true' if form.startswith('NPORT-NP') else 'false'}</isConfidential>\n"
        "    <filerInfo>\n"
        "      <filer>\n"
        "        <issuerCredentials>\n"
        f"          <cik>{reg['cik10']}</cik>\n"
        "          <ccc>XXXXXXXX</ccc>\n"
        "        </issuerCredentials>\n"
        "      </filer>\n"
        f"{series_class}"
        "    </filerInfo>\n"
        "  </headerData>\n"
        "  <formData>\n"
        "    <genInfo>\n"
        f"      <regName>{_esc(reg_name)}</regName>\n"
        f"      <regFileNumber>{reg['file_number']}</regFileNumber>\n"
        f"      <regCik>{reg['cik10']}</regCik>\n"
        f"      <regLei>{reg['lei']}</regLei>\n"
        f"      <regStreet1>{reg['street1']}</regStreet1>\n"
        f"      <regCity>{reg['city']}</regCity>\n"
        f'      <regStateConditional regCountry="US" regState="US-{reg["state"]}"/>\n'
        f"      <regZipOrPostalCode>{reg['zip']}</regZipOrPostalCode>\n"
        f"      <regPhone>{reg['phone']}</regPhone>\n"
        f"{series_xml}"
        f"      <repPdEnd>{fye.isoformat()}</repPdEnd>\n"
        f"      <repPdDate>{report_date.isoformat()}</repPdDate>\n"
        "      <isFinalFiling>N</isFinalFiling>\n"
        "    </genInfo>\n"
        "    <fundInfo>\n"
        f"      <totAssets>{_cents(net + liabs)}</totAssets>\n"
        f"      <totLiabs>{_cents(liabs)}</totLiabs>\n"
        f"      <netAssets>{_cents(net)}</netAssets>\n"
        + "".join(f"      <{t}>{zero}</{t}>\n" for t in (
            "assetsAttrMiscSec", "assetsInvested", "amtPayOneYrBanksBorr", "amtPayOneYrCtrldComp",
            "amtPayOneYrOthAffil", "amtPayOneYrOther", "amtPayAftOneYrBanksBorr", "amtPayAftOneYrCtrldComp",
            "amtPayAftOneYrOthAffil", "amtPayAftOneYrOther", "delayDeliv", "standByCommit", "liquidPref",
            "cshNotRptdInCorD"))
        + "      <isNonCashCollateral>N</isNonCashCollateral>\n"
        "      <returnInfo>\n"
        "        <monthlyTotReturns>\n"
        f"{returns}"
        "        </monthlyTotReturns>\n"
        f"{cats}"
        f'        <othMon1 netRealizedGain="{oth[0]}" netUnrealizedAppr="{oth[1]}"/>\n'
        f'        <othMon2 netRealizedGain="{oth[2]}" netUnrealizedAppr="{oth[3]}"/>\n'
        f'        <othMon3 netRealizedGain="{oth[4]}" netUnrealizedAppr="{oth[5]}"/>\n'
        "      </returnInfo>\n"
        + "".join(f'      <mon{i + 1}Flow redemption="{r}" reinvestment="0.00" sales="{s}"/>\n'
                  for i, (s, r) in enumerate(flows))
        + "    </fundInfo>\n"
    )
    w(head.encode())
    if n_holdings:
        w(b"    <invstOrSecs>\n")
        _write_holdings(w, kinds, ks, bal, val, pct_scale, rng, report_date)
        w(b"    </invstOrSecs>\n")
    signed = report_date + _dt.timedelta(days=24 + rng.randrange(30))
    tail = (
        "    <signature>\n"
        f"      <ncom:dateSigned>{signed.isoformat()}</ncom:dateSigned>\n"
        f"      <ncom:nameOfApplicant>{_esc(reg_name)}</ncom:nameOfApplicant>\n"
        f"      <ncom:signature>{reg['signer']}</ncom:signature>\n"
        f"      <ncom:signerName>{reg['signer']}</ncom:signerName>\n"
        f"      <ncom:title>{reg['signer_title']}</ncom:title>\n"
        "    </signature>\n"
        "  </formData>\n"
        "</edgarSubmission>\n"
    )
    w(tail.encode())
    return out.getvalue()


# Issue code 80 never occurs in the security universe (10 and 20 only), so no clash.
_STIV_CUSIP = "85749X80" + _cusip_check("85749X80")
_STIV_ISIN = "US" + _STIV_CUSIP + _isin_check("US" + _STIV_CUSIP)

_LENDING_N = (
    "        <securityLending>\n"
    "          <isCashCollateral>N</isCashCollateral>\n"
    "          <isNonCashCollateral>N</isNonCashCollateral>\n"
    "          <isLoanByFund>N</isLoanByFund>\n"
    "        </securityLending>\n"
)


def _write_holdings(
    w: Callable[[bytes], object],
    kinds: bytearray,
    ks: array,
    bal: array,
    val: array,
    pct_scale: float,
    rng: random.Random,
    report_date: _dt.date,
) -> None:
    """Write every ``invstOrSec`` element, in batches, through ``w``."""
    rand = rng.random
    chunks: list[str] = []
    deriv_idx = 0
    for i in range(len(kinds)):
        code = kinds[i]
        v = val[i]
        pct = f"{v * pct_scale:.12f}"
        lending = _LENDING_N
        deriv = ""
        restricted = "N"
        if code >= _FUT:
            (name, lei, title, ident, balance, units, payoff, asset, issuer, fvl,
             body) = _deriv(code, deriv_idx, v, rng, report_date)
            deriv_idx += 1
            cusip = "N/A"
            cur = "<curCd>USD</curCd>"
            country = "US"
            deriv = f"        <derivativeInfo>\n{body}        </derivativeInfo>\n"
        elif code == _STIV:
            name, lei = "Synthetic Government Money Market Fund", _lei(4242)
            title = "SYNTHETIC GOVT MMF INSTITUTIONAL CLASS"
            cusip = _STIV_CUSIP
            ident = f'          <isin value="{_STIV_ISIN}"/>\n'
            balance, units, cur, payoff = f"{bal[i]}.00000000", "NS", "<curCd>USD</curCd>", "Long"
            asset, issuer, country, fvl = "STIV", "<issuerCat>RF</issuerCat>", "US", "1"
        else:
            (sname, lei, stitle, scusip, isin, ticker, country, ccy, rate, asset,
             _price) = _security(ks[i])
            name, title = _esc(sname), _esc(stitle)
            balance, units, payoff, issuer, fvl = f"{bal[i]}.00000000", "NS", "Long", "<issuerCat>CORP</issuerCat>", "1"
            cur = (f'<currencyConditional curCd="{ccy}" exchangeRt="{rate}"/>' if ccy
                   else "<curCd>USD</curCd>")
            if code == _ZERO_ISIN:
                cusip = "000000000"
                ident = f'          <isin value="{isin}"/>\n'
                restricted, fvl = "Y", "3"
            elif code == _ZERO_OTHER:
                name, lei, cusip = "N/A", "N/A", "000000000"
                title = _esc(f"{sname.upper()} RIGHTS")
                ident = f'          <other otherDesc="Internal ID" value="RTS{ks[i]:08d}"/>\n'
                fvl = "2"
            else:
                cusip = scusip or "N/A"
                ident = f'          <isin value="{isin}"/>\n'
                if ticker:
                    ident += f'          <ticker value="{ticker}"/>\n'
                if code == _PLAIN and rand() < 0.04:
                    loan = v * rng.randint(5, 60) // 100
                    lending = ("        <securityLending>\n"
                               "          <isCashCollateral>N</isCashCollateral>\n"
                               "          <isNonCashCollateral>N</isNonCashCollateral>\n"
                               f'          <loanByFundCondition isLoanByFund="Y" loanVal="{_cents(loan)}"/>\n'
                               "        </securityLending>\n")
        chunks.append(
            "      <invstOrSec>\n"
            f"        <name>{name}</name>\n"
            f"        <lei>{lei}</lei>\n"
            f"        <title>{title}</title>\n"
            f"        <cusip>{cusip}</cusip>\n"
            "        <identifiers>\n"
            f"{ident}"
            "        </identifiers>\n"
            f"        <balance>{balance}</balance>\n"
            f"        <units>{units}</units>\n"
            f"        {cur}\n"
            f"        <valUSD>{_cents(v)}</valUSD>\n"
            f"        <pctVal>{pct}</pctVal>\n"
            f"        <payoffProfile>{payoff}</payoffProfile>\n"
            f"        <assetCat>{asset}</assetCat>\n"
            f"        {issuer}\n"
            f"        <invCountry>{country}</invCountry>\n"
            f"        <isRestrictedSec>{restricted}</isRestrictedSec>\n"
            f"        <fairValLevel>{fvl}</fairValLevel>\n"
            f"{deriv}{lending}"
            "      </invstOrSec>\n"
        )
        if len(chunks) >= 512:
            w("".join(chunks).encode())
            chunks.clear()
    if chunks:
        w("".join(chunks).encode())


# ------------------------------------------------------------------------------- N-CEN


def _filer_info(form: str, reg: dict, *, with_file_number: bool,
                company_type: str = "N-1A") -> str:
    """headerData's opening through filerInfo, as N-CEN and 24F-2NT filers write it."""
    file_number = (f"        <fileNumber>{reg['file_number']}</fileNumber>\n"
                   if with_file_number else "")
    return ("  <headerData>\n"
            f"    <submissionType>{form}</submissionType>\n"
            "    <filerInfo>\n"
            "      <liveTestFlag>LIVE</liveTestFlag>\n"
            "      <filer>\n"
            "        <issuerCredentials>\n"
            f"          <cik>{reg['cik10']}</cik>\n"
            "          <ccc>XXXXXXXX</ccc>\n"
            "        </issuerCredentials>\n"
            f"{file_number}"
            "      </filer>\n"
            "      <flags>\n"
            "        <overrideInternetFlag>false</overrideInternetFlag>\n"
            "        <confirmingCopyFlag>false</confirmingCopyFlag>\n"
            "      </flags>\n"
            f"      <investmentCompanyType>{company_type}</investmentCompanyType>\n"
            "    </filerInfo>\n")


def _sorted_series(series: list[dict]) -> list[dict]:
    return sorted(series, key=lambda s: s["series_id"])


def generate_ncen_xml(*, cik: str, reg_name: str, report_date: _dt.date, series: list[dict],
                      registrant_type: str = "N-1A", last_filing: bool = False) -> bytes:
    """Return an N-CEN ``primary_doc.xml`` for a registrant and its series (UTF-8 bytes).

    Header series are sorted by series id and the body by fund name, as in real filings;
    ETF series get an ``exchangeTradedFund`` block under ``exchangeSeriesInfo``. A unit
    investment trust (``registrant_type`` "S-6", item B.6.g) has no series: the form's
    management-company Part C is absent.
    """
    reg = _registrant(cik)
    by_name = sorted(series, key=lambda s: (s["name"], s["series_id"]))
    p: list[str] = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<edgarSubmission xmlns="http://www.sec.gov/edgar/ncen" xmlns:com="http://www.sec.gov/edgar/common">\n'
        "  <schemaVersion>X0505</schemaVersion>\n"
        + _filer_info("N-CEN", reg, with_file_number=True, company_type=registrant_type)
    ]
    if series:
        p.append("    <seriesClass>\n      <reportSeriesClass>\n")
        for s in _sorted_series(series):
            p.append(f"        <rptSeriesClassInfo>\n          <seriesId>{s['series_id']}</seriesId>\n")
            for c in s.get("classes") or []:
                p.append(f"          <classInfo>\n            <classId>{c['class_id']}</classId>\n"
                         "          </classInfo>\n")
            p.append("        </rptSeriesClassInfo>\n")
        p.append("      </reportSeriesClass>\n    </seriesClass>\n")
    p.append(
        "  </headerData>\n"
        "  <formData>\n"
        f'    <generalInfo reportEndingPeriod="{report_date.isoformat()}" isReportPeriodLt12="N"/>\n'
        "    <registrantInfo>\n"
        f"      <registrantFullName>{_esc(reg_name)}</registrantFullName>\n"
        f"      <investmentCompFileNo>{reg['file_number']}</investmentCompFileNo>\n"
        f"      <registrantCik>{reg['cik10']}</registrantCik>\n"
        f"      <registrantLei>{reg['lei']}</registrantLei>\n"
        f"      <registrantstreet1>{reg['street1']}</registrantstreet1>\n"
        f"      <registrantcity>{reg['city']}</registrantcity>\n"
        f"      <registrantzipCode>{reg['zip']}</registrantzipCode>\n"
        f"      <registrantstate>US-{reg['state']}</registrantstate>\n"
        "      <registrantcountry>US</registrantcountry>\n"
        f"      <registrantphoneNumber>{reg['phone']}</registrantphoneNumber>\n"
        "      <isRegistrantFirstFiling>N</isRegistrantFirstFiling>\n"
        f"      <isRegistrantLastFiling>{'Y' if last_filing else 'N'}</isRegistrantLastFiling>\n"
        f"      <registrantClassificationType>{registrant_type}</registrantClassificationType>\n"
        f"      <totalSeries>{len(series)}</totalSeries>\n"
        "      <isSecuritiesActRegistration>Y</isSecuritiesActRegistration>\n"
        "    </registrantInfo>\n"
    )
    if series:
        p.append("    <managementInvestmentQuestionSeriesInfo>\n")
        for s in by_name:
            classes = s.get("classes") or []
            p.append(
                "      <managementInvestmentQuestion>\n"
                f"        <mgmtInvFundName>{_esc(s['name'])}</mgmtInvFundName>\n"
                f"        <mgmtInvSeriesId>{s['series_id']}</mgmtInvSeriesId>\n"
                f"        <mgmtInvLei>{_series_lei(s['series_id'])}</mgmtInvLei>\n"
                "        <isFirstFilingByFund>N</isFirstFilingByFund>\n"
                f"        <numAuthorizedClass>{len(classes)}</numAuthorizedClass>\n"
                "        <numAddedClass>0</numAddedClass>\n"
                "        <numTerminatedClass>0</numTerminatedClass>\n"
                "        <sharesOutstandings>\n"
            )
            for c in classes:
                tick = f' sharesOutstandingTickerSymbol="{_esc(c["ticker"])}"' if c.get("ticker") else ""
                p.append(f'          <sharesOutstanding sharesOutstandingClassName="{_esc(c["name"])}"'
                         f' sharesOutstandingClassId="{c["class_id"]}"{tick}/>\n')
            fund_type = "Exchange-Traded Fund" if s.get("is_etf") else "N/A"
            rules = "          <relyOnRuleType>Rule 6c-11 (17 CFR 270.6c-11)</relyOnRuleType>\n" if s.get("is_etf") else ""
            p.append(
                "        </sharesOutstandings>\n"
                "        <fundTypes>\n"
                f"          <fundType>{fund_type}</fundType>\n"
                "        </fundTypes>\n"
                "        <isNonDiversifiedCompany>N</isNonDiversifiedCompany>\n"
                "        <isForeignSubsidiary>N</isForeignSubsidiary>\n"
                "        <isFundSecuritiesLending>N</isFundSecuritiesLending>\n"
                "        <didFundLendSecurities>N</didFundLendSecurities>\n"
                "        <relyOnRuleTypes>\n"
                "          <relyOnRuleType>Rule 12d1-1 (17 CFR 270.12d1-1)</relyOnRuleType>\n"
                f"{rules}"
                "        </relyOnRuleTypes>\n"
                "        <isExpenseLimitationInPlace>N</isExpenseLimitationInPlace>\n"
                "        <isInterfundLending>N</isInterfundLending>\n"
                "        <isInterfundBorrowing>N</isInterfundBorrowing>\n"
                "      </managementInvestmentQuestion>\n"
            )
        p.append("    </managementInvestmentQuestionSeriesInfo>\n")
    etfs = [s for s in by_name if s.get("is_etf")]
    if etfs:
        p.append("    <exchangeSeriesInfo>\n")
        for s in etfs:
            exch = _esc(s.get("exchange") or "ARCX")
            p.append(
                "      <exchangeTradedFund>\n"
                f"        <fundName>{_esc(s['name'])}</fundName>\n"
                f"        <etfSeriesId>{s['series_id']}</etfSeriesId>\n"
                "        <securityExchanges>\n"
            )
            tickers = [c["ticker"] for c in s.get("classes") or [] if c.get("ticker")] or ["N/A"]
            for t in tickers:
                p.append(f'          <securityExchange fundExchange="{exch}" fundsTickerSymbol="{_esc(t)}"/>\n')
            p.append(
                "        </securityExchanges>\n"
                "        <authorizedParticipants>\n"
                '          <authorizedParticipant authorizedParticipantName="Atlas Securities LLC"'
                ' authorizedParticipantFileNo="8-12345" authorizedParticipantCrdNo="000012345"'
                f' authorizedParticipantLei="{_COUNTERPARTIES[2][1]}"'
                ' authorizedParticipantPurchaseValue="0.00000000" authorizedParticipantRedeemValue="0.00000000"/>\n'
                "        </authorizedParticipants>\n"
                "        <isCollateralRequired>N</isCollateralRequired>\n"
                "        <creationUnitNumOfShares>50000.00000000</creationUnitNumOfShares>\n"
                "        <isInKindETF>N</isInKindETF>\n"
                "      </exchangeTradedFund>\n"
            )
        p.append("    </exchangeSeriesInfo>\n")
    signed = report_date + _dt.timedelta(days=67)
    p.append(
        "    <attachmentsTab>\n"
        "      <isIPAReportInternalControl>false</isIPAReportInternalControl>\n"
        "    </attachmentsTab>\n"
        f'    <signature registrantSignedName="{_esc(reg_name)}" signedDate="{signed.isoformat()}"'
        f' signature="{reg["signer"]}" title="{reg["signer_title"]}"/>\n'
        "  </formData>\n"
        "</edgarSubmission>\n"
    )
    return "".join(p).encode()


# ------------------------------------------------------------------ full submission .txt


def wrap_full_submission(
    *,
    accession: str,
    form: str,
    cik: str,
    company_name: str,
    filing_date: _dt.date,
    period: _dt.date | None,
    acceptance: _dt.datetime,
    series: list[dict],
    documents: list[tuple[str, str, bytes]],
) -> bytes:
    """Return the EDGAR full-submission ``.txt`` (SGML) holding ``documents``.

    ``documents`` items are (type, filename, content); ``.xml`` documents are wrapped
    in ``<XML>``.  ``series`` uses the N-CEN dict shape (series_id, name, classes).
    """
    reg = _registrant(cik)
    fd = f"{filing_date:%Y%m%d}"
    fye = f"{reg['fye_month']:02d}{monthrange(2001, int(reg['fye_month']))[1]:02d}"
    film = int("".join(ch for ch in accession if ch.isdigit()) or "0") % 90_000_000 + 10_000_000
    h = [
        f"<SEC-DOCUMENT>{accession}.txt : {fd}",
        f"<SEC-HEADER>{accession}.hdr.sgml : {fd}",
        f"<ACCEPTANCE-DATETIME>{acceptance:%Y%m%d%H%M%S}",
        f"ACCESSION NUMBER:\t\t{accession}",
        f"CONFORMED SUBMISSION TYPE:\t{form}",
        f"PUBLIC DOCUMENT COUNT:\t\t{len(documents)}",
    ]
    if period is not None:
        h.append(f"CONFORMED PERIOD OF REPORT:\t{period:%Y%m%d}")
    h += [
        f"FILED AS OF DATE:\t\t{fd}",
        f"DATE AS OF CHANGE:\t\t{fd}",
        f"EFFECTIVENESS DATE:\t\t{fd}",
        "",
        "FILER:",
        "",
        "\tCOMPANY DATA:\t",
        f"\t\tCOMPANY CONFORMED NAME:\t\t\t{company_name}",
        f"\t\tCENTRAL INDEX KEY:\t\t\t{reg['cik10']}",
        "\t\tORGANIZATION NAME:           \t",
        "\t\tEIN:\t\t\t\t000000000",
        f"\t\tSTATE OF INCORPORATION:\t\t\t{reg['state_inc']}",
        f"\t\tFISCAL YEAR END:\t\t\t{fye}",
        "",
        "\tFILING VALUES:",
        f"\t\tFORM TYPE:\t\t{form}",
        "\t\tSEC ACT:\t\t1940 Act",
        f"\t\tSEC FILE NUMBER:\t{reg['file_number']}",
        f"\t\tFILM NUMBER:\t\t{film}",
        "",
        "\tBUSINESS ADDRESS:\t",
        f"\t\tSTREET 1:\t\t{reg['street1'].upper()}",
        f"\t\tCITY:\t\t\t{reg['city']}",
        f"\t\tSTATE:\t\t\t{reg['state']}",
        f"\t\tZIP:\t\t\t{reg['zip']}",
        f"\t\tBUSINESS PHONE:\t\t{reg['phone']}",
        "",
        "\tMAIL ADDRESS:\t",
        f"\t\tSTREET 1:\t\t{reg['street1'].upper()}",
        f"\t\tCITY:\t\t\t{reg['city']}",
        f"\t\tSTATE:\t\t\t{reg['state']}",
        f"\t\tZIP:\t\t\t{reg['zip']}",
    ]
    if series:
        h += ["<SERIES-AND-CLASSES-CONTRACTS-DATA>", "<EXISTING-SERIES-AND-CLASSES-CONTRACTS>"]
        for s in _sorted_series(series):
            h += ["<SERIES>", f"<OWNER-CIK>{reg['cik10']}", f"<SERIES-ID>{s['series_id']}",
                  f"<SERIES-NAME>{s['name']}"]
            for c in s.get("classes") or []:
                h += ["<CLASS-CONTRACT>", f"<CLASS-CONTRACT-ID>{c['class_id']}",
                      f"<CLASS-CONTRACT-NAME>{c['name']}"]
                if c.get("ticker"):
                    h.append(f"<CLASS-CONTRACT-TICKER-SYMBOL>{c['ticker']}")
                h.append("</CLASS-CONTRACT>")
            h.append("</SERIES>")
        h += ["</EXISTING-SERIES-AND-CLASSES-CONTRACTS>", "</SERIES-AND-CLASSES-CONTRACTS-DATA>"]
    h.append("</SEC-HEADER>")
    parts: list[bytes] = ["\n".join(h).encode() + b"\n"]
    for seq, (doc_type, filename, content) in enumerate(documents, start=1):
        body = content.rstrip(b"\r\n")
        is_xml = filename.lower().endswith(".xml") or content.lstrip().startswith(b"<?xml")
        parts.append(f"<DOCUMENT>\n<TYPE>{doc_type}\n<SEQUENCE>{seq}\n<FILENAME>{filename}\n<TEXT>\n".encode())
        if is_xml:
            parts += [b"<XML>\n", body, b"\n</XML>\n"]
        else:
            parts += [body, b"\n"]
        parts.append(b"</TEXT>\n</DOCUMENT>\n")
    parts.append(b"</SEC-DOCUMENT>\n")
    return b"".join(parts)


# --------------------------------------------------------------------------- 24F-2NT

def _money(cents: int) -> str:
    """EDGAR_MONEY / EDGAR_MONEY_NEGATIVE as filers write them: negatives in parentheses."""
    return f"({_cents(-cents)})" if cents < 0 else _cents(cents)


def generate_24f2_xml(*, cik: str, reg_name: str, fiscal_year_end: _dt.date, signed: _dt.date,
                      blocks: Sequence[dict], securities_act_file_number: str,
                      fee_rate: str, form: str = "24F-2NT") -> bytes:
    """An XSD-valid 24F-2NT notice (schema X0102, investment company type N-1A).

    Each block: ``series`` (list of (series_id, series_name)) or None for the whole
    trust (rptIncludeAllSeriesFlag), ``sales``, ``redeemed``, ``prior`` in cents.
    Items 5(iv)-(viii) and 7 are computed as the form's instructions say.
    """
    reg = _registrant(cik)
    rate = Decimal(fee_rate)
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n'
           '<edgarSubmission xmlns="http://www.sec.gov/edgar/twentyfourf2filer"'
           ' xmlns:feec="http://www.sec.gov/edgar/feecommon">\n'
           "  <schemaVersion>X0102</schemaVersion>\n"
           + _filer_info(form, reg, with_file_number=False)
           + "  </headerData>\n"
           "  <formData>\n"
           "    <annualFilings>\n"]
    for b in blocks:
        if b.get("series"):
            scope = "".join(
                "            <rptSeriesClassInfo>\n"
                f"              <seriesName>{_esc(name)}</seriesName>\n"
                f"              <seriesId>{sid}</seriesId>\n"
                "              <includeAllClassesFlag>true</includeAllClassesFlag>\n"
                "            </rptSeriesClassInfo>\n" for sid, name in b["series"])
        else:
            scope = "            <rptIncludeAllSeriesFlag>true</rptIncludeAllSeriesFlag>\n"
        credits = b["redeemed"] + b["prior"]
        diff = b["sales"] - credits
        net = max(diff, 0)
        fee = int((Decimal(net) / 100 * rate).quantize(Decimal("0.01"), ROUND_HALF_UP) * 100)
        series_id = (f"          <seriesOrClassId>{b['series'][0][0]}</seriesOrClassId>\n"
                     if b.get("series") and len(b["series"]) == 1 else "")
        out.append(
            "      <annualFilingInfo>\n"
            "        <item1>\n"
            f"          <nameOfIssuer>{_esc(reg_name.upper())}</nameOfIssuer>\n"
            "          <addressOfIssuer>\n"
            f"            <street1>{reg['street1']}</street1>\n"
            f"            <city>{reg['city']}</city>\n"
            f"            <state>{reg['state']}</state>\n"
            "            <country>X1</country>\n"
            f"            <zipCode>{reg['zip']}</zipCode>\n"
            "          </addressOfIssuer>\n"
            "        </item1>\n"
            "        <item2>\n"
            "          <reportSeriesClass>\n"
            f"{scope}"
            "          </reportSeriesClass>\n"
            "        </item2>\n"
            "        <item3>\n"
            f"          <investmentCompActFileNo>{reg['file_number']}</investmentCompActFileNo>\n"
            "          <securitiesActFileNumbers>\n"
            "            <securitiesActFileNo>\n"
            f"              <fileNumber>{securities_act_file_number}</fileNumber>\n"
            "            </securitiesActFileNo>\n"
            "          </securitiesActFileNumbers>\n"
            "        </item3>\n"
            "        <item4>\n"
            f"          <lastDayOfFiscalYear>{fiscal_year_end:%m/%d/%Y}</lastDayOfFiscalYear>\n"
            "          <isThisFormBeingFiledLate>false</isThisFormBeingFiledLate>\n"
            "          <isThisTheLastTimeIssuerFilingThisForm>false"
            "</isThisTheLastTimeIssuerFilingThisForm>\n"
            "        </item4>\n"
            "        <item5>\n"
            f"{series_id}"
            f"          <aggregateSalePriceOfSecuritiesSold>{_cents(b['sales'])}"
            "</aggregateSalePriceOfSecuritiesSold>\n"
            "          <aggregatePriceOfSecuritiesRedeemedOrRepurchasedInFiscalYear>"
            f"{_cents(b['redeemed'])}"
            "</aggregatePriceOfSecuritiesRedeemedOrRepurchasedInFiscalYear>\n"
            "          <aggregatePriceOfSecuritiesRedeemedOrRepurchasedAnyPrior>"
            f"{_cents(b['prior'])}</aggregatePriceOfSecuritiesRedeemedOrRepurchasedAnyPrior>\n"
            f"          <totalAvailableRedemptionCredits>{_cents(credits)}"
            "</totalAvailableRedemptionCredits>\n"
            f"          <netSales>{_cents(net)}</netSales>\n"
            "          <redemptionCreditsAvailableForUseInFutureYears>"
            f"{_money(min(diff, 0))}</redemptionCreditsAvailableForUseInFutureYears>\n"
            f"          <multiplierForDeterminingRegistrationFee>{fee_rate}"
            "</multiplierForDeterminingRegistrationFee>\n"
            f"          <registrationFeeDue>{_cents(fee)}</registrationFeeDue>\n"
            "        </item5>\n"
            "        <item6>\n"
            "          <interestDue>0.00</interestDue>\n"
            "        </item6>\n"
            "        <item7>\n"
            f"          <totalOfRegistrationFeePlusAnyInterestDue>{_cents(fee)}"
            "</totalOfRegistrationFeePlusAnyInterestDue>\n"
            "        </item7>\n"
            "        <signature>\n"
            f"          <signature>/s/ {reg['signer']}</signature>\n"
            f"          <nameAndTitle>{reg['signer']}, {reg['signer_title']}</nameAndTitle>\n"
            f"          <signatureDate>{signed:%m/%d/%Y}</signatureDate>\n"
            "        </signature>\n"
            "      </annualFilingInfo>\n")
    out.append("    </annualFilings>\n  </formData>\n</edgarSubmission>\n")
    return "".join(out).encode()
