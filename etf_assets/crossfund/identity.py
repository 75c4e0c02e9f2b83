"""Position identity: which security a holding is, in a form that joins across funds.

Pure: strings in, a frozen record out; no database, no Dagster. The raw values stay in
`holding` as filed; this gives each holding its best identifier, normalized:

1. a valid CUSIP (9 characters, CUSIP check digit), or the CUSIP embedded in a US or
   Canadian ISIN (ISO 6166: ``US`` + CUSIP + check digit), so a fund that reports only
   the ISIN of a US stock meets one that reports only its CUSIP;
2. else a valid ISIN (12 characters, ISO 6166 check digit). A security whose ISIN is
   from another country (IE00B4BNMY34, Accenture) is keyed by its ISIN even when the
   holding also gives a CUSIP: that CUSIP is a CINS number (G1151C101) that funds
   report inconsistently (XLK files Accenture as "000000000" + ISIN), the ISIN is the
   identifier they share;
3. else the ticker (upper case);
4. else the issuer's LEI (20 characters, ISO 17442 mod-97 check) with the issue title
   (or, without one, the issuer name): an LEI names the issuer, the title the issue.

Placeholders never match anything: "000000000" CUSIPs (EDGAR's "no CUSIP"), all-zero
or one-character-repeated values, "N/A"/"NONE"/"-", too short or too long values and
values whose check digit is wrong (a typo matches nothing rather than the wrong
security). A holding without any of these has no identity (`key` None): it is its own
position and is never joined to another fund's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Identity", "LookupTerms", "cusip_check_digit", "identity", "isin_check_digit",
           "lookup_terms", "normalize_cusip",
           "normalize_isin", "normalize_lei", "normalize_ticker"]

# Which identifier decided the key, best first.
KINDS = ("cusip", "isin", "ticker", "lei_title")

_PLACEHOLDERS = {"N/A", "NA", "NONE", "NULL", "-", "--", "UNKNOWN", "TBD", "NOT APPLICABLE"}
_CUSIP = re.compile(r"[0-9A-Z*@#]{8}[0-9]")
_ISIN = re.compile(r"[A-Z]{2}[0-9A-Z]{9}[0-9]")
_LEI = re.compile(r"[0-9A-Z]{18}[0-9]{2}")
_TICKER = re.compile(r"[0-9A-Z][0-9A-Z./\- ]{0,19}")
# Countries whose ISIN's national number is the CUSIP (CUSIP Global Services).
_CUSIP_ISIN_COUNTRIES = ("US", "CA")


@dataclass(frozen=True)
class Identity:
    """A holding's identity. `key` joins across funds (None: the holding has none);
    the four normalized identifiers are each the holding's own, for lookups by any."""

    key: str | None
    kind: str | None  # cusip | isin | ticker | lei_title
    cusip: str | None
    isin: str | None
    ticker: str | None
    lei: str | None


def _clean(raw: str | None) -> str | None:
    if raw is None:
        return None
    s = " ".join(str(raw).split()).upper()
    if not s or s in _PLACEHOLDERS:
        return None
    core = s.replace(" ", "").replace("-", "")
    if not core or len(set(core)) == 1:  # 000000000, XXXXXXXX, 99999, ...
        return None
    return s


def _char_value(c: str) -> int:
    if c.isdigit():
        return int(c)
    if "A" <= c <= "Z":
        return ord(c) - ord("A") + 10
    return {"*": 36, "@": 37, "#": 38}[c]


def cusip_check_digit(first8: str) -> int:
    """The ninth character of a CUSIP (its check digit) for its first eight."""
    total = 0
    for i, c in enumerate(first8):
        v = _char_value(c)
        if i % 2 == 1:
            v *= 2
        total += v // 10 + v % 10
    return (10 - total % 10) % 10


def _luhn_valid(digits: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def isin_check_digit(first11: str) -> int:
    """The twelfth character of an ISIN (ISO 6166 check digit) for its first eleven."""
    for d in range(10):
        if _luhn_valid("".join(str(_char_value(c)) for c in first11.upper() + str(d))):
            return d
    raise ValueError(f"not the start of an ISIN: {first11!r}")


def normalize_cusip(raw: str | None) -> str | None:
    """The CUSIP, upper case, when it is a real one (check digit right); else None."""
    s = _clean(raw)
    if s is None or not _CUSIP.fullmatch(s):
        return None
    if s[:8].strip("0") == "":  # 000000000 and 00000000x
        return None
    return s if cusip_check_digit(s[:8]) == int(s[8]) else None


def normalize_isin(raw: str | None) -> str | None:
    """The ISIN, upper case, when it is a real one (ISO 6166 check digit); else None."""
    s = _clean(raw)
    if s is None or not _ISIN.fullmatch(s) or s[2:11].strip("0") == "":
        return None
    digits = "".join(str(_char_value(c)) for c in s)
    return s if _luhn_valid(digits) else None


def normalize_lei(raw: str | None) -> str | None:
    """The LEI, upper case, when it is a real one (ISO 17442: mod 97 == 1); else None."""
    s = _clean(raw)
    if s is None or not _LEI.fullmatch(s):
        return None
    number = int("".join(str(_char_value(c)) for c in s))
    return s if number % 97 == 1 else None


def normalize_ticker(raw: str | None) -> str | None:
    """The ticker, upper case with single spaces; None for placeholders."""
    s = _clean(raw)
    if s is None or not _TICKER.fullmatch(s):
        return None
    return s


def _cusip_of_isin(isin: str | None) -> str | None:
    if isin and isin[:2] in _CUSIP_ISIN_COUNTRIES:
        return normalize_cusip(isin[2:11])
    return None


def _title_key(title: str | None) -> str | None:
    s = " ".join(re.sub(r"[^0-9A-Z%./ ]+", " ", str(title).upper()).split()) if title else ""
    return s or None


def identity(*, cusip: str | None, isin: str | None, ticker: str | None, lei: str | None,
             title: str | None, name: str | None = None) -> Identity:
    """The best identifier of one holding (see the module docstring), with each of its
    normalized identifiers. `cusip`, `isin`, `ticker`, `lei`, `title`, `name` are the
    holding's values as filed (`holding` columns)."""
    n_isin = normalize_isin(isin)
    n_cusip = normalize_cusip(cusip) or _cusip_of_isin(n_isin)
    n_ticker = normalize_ticker(ticker)
    n_lei = normalize_lei(lei)
    if n_isin and not n_isin.startswith(_CUSIP_ISIN_COUNTRIES):
        key, kind = f"ISIN:{n_isin}", "isin"
    elif n_cusip:
        key, kind = f"CUSIP:{n_cusip}", "cusip"
    elif n_isin:
        key, kind = f"ISIN:{n_isin}", "isin"
    elif n_ticker:
        key, kind = f"TICKER:{n_ticker}", "ticker"
    elif n_lei and (_title_key(title) or _title_key(name)):
        key, kind = f"LEI:{n_lei}:{_title_key(title) or _title_key(name)}", "lei_title"
    else:
        key, kind = None, None
    return Identity(key, kind, n_cusip, n_isin, n_ticker, n_lei)


@dataclass(frozen=True)
class LookupTerms:
    """What a user's identifier can match: a security key, or one of the normalized
    identifier columns (None where it cannot be one)."""

    key: str | None
    cusip: str | None
    isin: str | None
    ticker: str | None
    lei: str | None

    def is_empty(self) -> bool:
        return not any((self.key, self.cusip, self.isin, self.ticker, self.lei))


def lookup_terms(text: str) -> LookupTerms:
    """What `text` (a CUSIP, ISIN, ticker, LEI, or a security key such as
    ``CUSIP:037833100``) stands for. A US/CA ISIN also matches its CUSIP; a string that
    is a valid CUSIP or ISIN is not taken as a ticker as well; a placeholder matches
    nothing."""
    raw = " ".join(str(text).split())
    head, _, rest = raw.partition(":")
    if rest and head.upper() in ("CUSIP", "ISIN", "TICKER", "LEI"):
        kind = head.upper()
        norm = {"CUSIP": normalize_cusip, "ISIN": normalize_isin,
                "TICKER": normalize_ticker, "LEI": normalize_lei}[kind]
        if kind == "LEI":  # LEI:<lei>:<title>
            lei, _, title = rest.partition(":")
            n, t = normalize_lei(lei), _title_key(title)
            return LookupTerms(f"LEI:{n}:{t}" if n and t else None, None, None, None,
                               None if t else n)
        n = norm(rest)
        return LookupTerms(f"{kind}:{n}" if n else None, None, None, None, None)
    isin = normalize_isin(raw)
    if isin:
        return LookupTerms(None, _cusip_of_isin(isin), isin, None, None)
    cusip = normalize_cusip(raw)
    if cusip:
        return LookupTerms(None, cusip, None, None, None)
    lei = normalize_lei(raw)
    if lei:
        return LookupTerms(None, None, None, None, lei)
    return LookupTerms(None, None, None, normalize_ticker(raw), None)
