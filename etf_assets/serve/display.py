"""How the explorer prints warehouse values: exact, never through a float.

- money / amounts: the Decimal's own digits with thousands separators
  ("36544885644.96" -> "36,544,885,644.96"; "1724162501.0" keeps its ".0");
- fractions as percent: the fraction moved two places ("0.0034" -> "0.34%"), exact;
  the page labels such columns "% (fraction x 100)" so nobody mistakes the unit;
- values the filing already prints in percent (per-share ratios, N-PORT pctVal) keep
  their digits and get "%" only in the column header;
- None -> an em dash.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Optional

NONE = "\u2014"


def amount(v: Optional[Any]) -> str:
    if v is None:
        return NONE
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, (Decimal, int)):
        return f"{v:,}"
    return str(v)


def fraction_pct(v: Optional[Decimal]) -> str:
    """A fraction (0.0034) as its exact percent ("0.34%")."""
    if v is None:
        return NONE
    p = Decimal(v).scaleb(2)
    text = f"{p:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return ("0" if text in ("-0", "") else text) + "%"


def plain(v: Optional[Any]) -> str:
    if v is None:
        return NONE
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, datetime):
        return v.strftime("%Y-%m-%d %H:%M")
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


PERIODS = {"1y": "1 year", "3y": "3 years", "5y": "5 years", "10y": "10 years",
           "since_inception": "Since inception", "calendar_year": "Calendar year",
           "highest_quarter": "Best quarter", "lowest_quarter": "Worst quarter"}


def period(p: Optional[str], year: Optional[int] = None) -> str:
    if p == "calendar_year" and year:
        return str(year)
    return PERIODS.get(p or "", p or NONE)

