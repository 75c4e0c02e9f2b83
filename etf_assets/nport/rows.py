"""Parsed N-PORT records -> warehouse rows (plain dicts). Pure: no database, no I/O.

One position gives one ``holding`` row, one ``holding_identifier`` row per entry of
its ``identifiers`` and, when it is a derivative, one ``derivative`` row with the
same position. The filing gives one ``nport_report`` row. Every row dict carries
every column of its table (the loader's executemany needs uniform keys).

JSON columns get JSON-ready values: Decimals and dates become strings, tuples lists.
Nothing the parser returns is dropped: unmapped leaves travel in ``extra``.

``series_key`` is the series id, or ``"CIK" + 10-digit filer CIK`` for filings with
no series id (unit investment trusts such as SPY, whose seriesName is "N/A").
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Table

from etf_assets.nport.parse import Derivative, Holding, NportHeader, NportStream, SwapLeg
from etf_assets.universe.listed import uit_key
from etf_assets.warehouse.tables import (
    NPORT_TABLES,
    derivative,
    holding_identifier,
    nport_monthly_flow,
    nport_monthly_gain,
    nport_monthly_return,
    nport_report,
)
from etf_assets.warehouse.tables import holding as holding_table

__all__ = [
    "NPORT_TABLES",
    "filing_rows",
    "month_end",
    "monthly_rows",
    "report_row",
    "rows_for",
    "series_key_for",
    "to_json",
]

def _cik10(cik: str | int) -> str:
    s = str(cik).strip()
    if not s.isdigit() or len(s) > 10:
        raise ValueError(f"not a CIK: {cik!r}")
    return s.zfill(10)


def series_key_for(header: NportHeader, cik: str | int) -> str:
    """The series id, or ``CIK`` + the 10-digit filer CIK when the filing has none."""
    return header.series_id or uit_key(_cik10(cik))


def to_json(value: Any) -> Any:
    """JSON-ready copy: Decimal -> exact string, date -> ISO string, tuple -> list,
    dataclass -> dict (None fields and empty tuples left out)."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return [to_json(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {}
        for f in dataclasses.fields(value):
            v = getattr(value, f.name)
            if v is None or v == ():
                continue
            out[f.name] = to_json(v)
        return out
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    raise TypeError(f"cannot make {type(value).__name__} JSON-ready")


def report_row(
    header: NportHeader,
    *,
    accession: str,
    filing_date: date,
    cik: str | int,
    positions_in_document: int = 0,
    rows_written: int = 0,
    skipped: list[tuple[int, str]] | tuple = (),
) -> dict[str, Any]:
    """The ``nport_report`` row. Counts default to 0 until the positions are streamed
    (:func:`filing_rows` fills them in after the last position)."""
    return {
        "accession_number": accession,
        "series_key": series_key_for(header, cik),
        "cik": _cik10(cik),
        "series_id": header.series_id,
        "series_name": header.series_name,
        "series_lei": header.series_lei,
        "reg_cik": header.reg_cik,
        "reg_name": header.reg_name,
        "reg_file_number": header.reg_file_number,
        "reg_lei": header.reg_lei,
        "form": header.form,
        "filing_date": filing_date,
        "report_date": header.rep_pd_date,
        "fiscal_year_end": header.rep_pd_end,
        "is_final_filing": header.is_final_filing,
        "class_ids": list(header.class_ids),
        "tot_assets": header.tot_assets,
        "tot_liabs": header.tot_liabs,
        "net_assets": header.net_assets,
        "positions_in_document": positions_in_document,
        "rows_written": rows_written,
        "skipped": [[p, r] for p, r in skipped],
    }


def _pairs(extra: tuple[tuple[str, str], ...]) -> list[list[str]] | None:
    return [[k, v] for k, v in extra] if extra else None


def _leg(prefix: str, leg: SwapLeg | None) -> dict[str, Any]:
    if leg is None:
        return {
            f"{prefix}_kind": None, f"{prefix}_fixed_rate": None,
            f"{prefix}_floating_index": None, f"{prefix}_spread": None,
            f"{prefix}_amount": None, f"{prefix}_currency": None,
            f"{prefix}_description": None,
        }
    return {
        f"{prefix}_kind": leg.kind,
        f"{prefix}_fixed_rate": leg.fixed_rate,
        f"{prefix}_floating_index": leg.floating_index,
        f"{prefix}_spread": leg.floating_spread,
        f"{prefix}_amount": leg.amount,
        f"{prefix}_currency": leg.currency,
        f"{prefix}_description": leg.description,
    }


def _derivative_row(d: Derivative, base: dict[str, Any]) -> dict[str, Any]:
    row = {
        **base,
        "kind": d.kind,
        "deriv_cat": d.deriv_cat,
        "other_desc": d.other_desc,
        "counterparty_name": d.counterparty_name,
        "counterparty_lei": d.counterparty_lei,
        "counterparties": (
            [{"name": n, "lei": lei} for n, lei in d.counterparties] if d.counterparties else None
        ),
        "payoff_profile": d.payoff_profile,
        "ref_kind": d.ref_kind,
        "ref_name": d.ref_name,
        "ref_title": d.ref_title,
        "ref_identifier": d.ref_identifier,
        "ref_description": d.ref_description,
        "ref_cusip": d.ref_cusip,
        "ref_isin": d.ref_isin,
        "ref_ticker": d.ref_ticker,
        "ref_identifiers": (
            [{"kind": k, "value": v, "description": desc} for k, v, desc in d.ref_identifiers]
            if d.ref_identifiers else None
        ),
        "notional": d.notional,
        "currency": d.currency,
        "notional_amounts": (
            [{"amount": to_json(a), "currency": c} for a, c in d.notional_amounts]
            if d.notional_amounts else None
        ),
        "unrealized_appreciation": d.unrealized_appreciation,
        "expiration_date": d.expiration_date,
        "settlement_date": d.settlement_date,
        "termination_date": d.termination_date,
        "delta": d.delta,
        "put_or_call": d.put_or_call,
        "written_or_purchased": d.written_or_purchased,
        "share_number": d.share_number,
        "principal_amount": d.principal_amount,
        "exercise_price": d.exercise_price,
        "exercise_price_currency": d.exercise_price_currency,
        "amount_sold": d.amount_sold,
        "currency_sold": d.currency_sold,
        "amount_purchased": d.amount_purchased,
        "currency_purchased": d.currency_purchased,
        "swap_flag": d.swap_flag,
        "upfront_payment": d.upfront_payment,
        "upfront_payment_currency": d.upfront_payment_currency,
        "upfront_receipt": d.upfront_receipt,
        "upfront_receipt_currency": d.upfront_receipt_currency,
        "nested": to_json(d.nested) if d.nested is not None else None,
        "extra": _pairs(d.extra),
    }
    row.update(_leg("receive", d.receive_leg))
    row.update(_leg("pay", d.pay_leg))
    return row


# Holding fields stored in the holding column of the same name, in column order.
_HOLDING_COLUMNS: tuple[str, ...] = (
    "name", "title", "cusip", "isin", "ticker", "lei", "balance", "units", "units_desc",
    "value_usd", "pct_val", "currency", "exchange_rate", "payoff_profile", "asset_category",
    "asset_category_desc", "issuer_category", "issuer_category_desc", "country",
    "other_country", "fair_value_level", "is_restricted", "maturity_date", "coupon_kind",
    "annualized_rate", "is_default", "interest_in_arrears", "is_paid_in_kind",
    "is_mandatory_convertible", "is_contingent_convertible", "is_loan_by_fund", "loan_value",
    "is_cash_collateral", "cash_collateral_value", "is_non_cash_collateral",
    "non_cash_collateral_value",
)


def _holding_prototype(base: dict[str, Any]) -> dict[str, Any]:
    """A holding row with the filing's keys and every other column None / False."""
    return {**base, **dict.fromkeys(_HOLDING_COLUMNS), "is_derivative": False, "extra": None}


def _position_rows(
    fields: dict[str, Any], prototype: dict[str, Any], base: dict[str, Any]
) -> Iterator[tuple[Table, dict[str, Any]]]:
    """The rows of one position from its Holding fields (``Holding(**fields)``, or every
    field of a Holding): only the fields it sets need be there (the rest are None)."""
    row = prototype.copy()
    row.update(fields)  # same names as the columns, plus the three popped below
    identifiers = row.pop("identifiers", ())
    deriv = row.pop("derivative", None)
    if deriv is not None:
        row["is_derivative"] = True
    extra = row["extra"]
    row["extra"] = [[k, v] for k, v in extra] if extra else None
    yield holding_table, row
    position = row["position"]
    if identifiers:
        accession, series_key = row["accession_number"], row["series_key"]
        for seq, (kind, value, desc) in enumerate(identifiers, start=1):
            yield holding_identifier, {
                "accession_number": accession,
                "series_key": series_key,
                "position": position,
                "seq": seq,
                "kind": kind,
                "value": value,
                "description": desc,
            }
    if deriv is not None:
        yield derivative, _derivative_row(deriv, {**base, "position": position})


def rows_for(
    holding: Holding,
    *,
    accession: str,
    filing_date: date,
    report_date: date,
    cik: str,
    series_id: str | None,
    series_key: str,
) -> Iterator[tuple[Table, dict[str, Any]]]:
    """(table, row) pairs for one position: its ``holding`` row, one ``holding_identifier``
    row per identifier (in document order, ``seq`` from 1), and its ``derivative`` row
    when the position is a derivative. ``cik`` is zero-padded to 10 digits."""
    base = {
        "accession_number": accession,
        "series_key": series_key,
        "position": holding.position,
        "filing_date": filing_date,
        "report_date": report_date,
        "cik": _cik10(cik),
        "series_id": series_id,
    }
    fields = {f.name: getattr(holding, f.name) for f in dataclasses.fields(holding)}
    yield from _position_rows(fields, _holding_prototype(base), base)


def month_end(report_date: date, month: int) -> date:
    """Last day of month ``month`` (1..3) of a report: month 3 is the report date's month."""
    # The first day of the month after it, minus one day.
    y, m = divmod(report_date.year * 12 + report_date.month - 1 - (3 - month) + 1, 12)
    return date.fromordinal(date(y, m + 1, 1).toordinal() - 1)


def monthly_rows(
    header: NportHeader, *, accession: str, filing_date: date, cik: str | int
) -> Iterator[tuple[Table, dict[str, Any]]]:
    """Part B.5/B.6 rows: flows per month, total return per class and month, gains per
    month and category. A class-less fund's returns are keyed by its series_key."""
    monthly = header.monthly
    if monthly is None:
        return
    cik10 = _cik10(cik)
    key = series_key_for(header, cik10)

    def common(month: int) -> dict[str, Any]:
        return {"accession_number": accession, "series_key": key, "month": month,
                "month_end": month_end(header.rep_pd_date, month),
                "filing_date": filing_date, "report_date": header.rep_pd_date,
                "cik": cik10, "series_id": header.series_id}

    for f in monthly.flows:
        yield nport_monthly_flow, {**common(f.month), "sales": f.sales,
                                   "reinvestment": f.reinvestment,
                                   "redemption": f.redemption}
    for r in monthly.returns:
        yield nport_monthly_return, {**common(r.month), "class_key": r.class_id or key,
                                     "class_id": r.class_id, "total_return": r.total_return}
    for g in monthly.gains:
        yield nport_monthly_gain, {**common(g.month), "category": g.category,
                                   "instrument": g.instrument or "",
                                   "net_realized_gain": g.net_realized_gain,
                                   "net_unrealized_appreciation": g.net_unrealized_appreciation}


def filing_rows(
    stream: NportStream, *, accession: str, filing_date: date, cik: str | int
) -> Iterator[tuple[Table, dict[str, Any]]]:
    """Every row of one N-PORT document, streamed: all positions' rows, then (once the
    document is exhausted and the counts are known) the ``nport_report`` row."""
    header = stream.header
    cik10 = _cik10(cik)
    key = series_key_for(header, cik10)
    base = {
        "accession_number": accession,
        "series_key": key,
        "position": None,
        "filing_date": filing_date,
        "report_date": header.rep_pd_date,
        "cik": cik10,
        "series_id": header.series_id,
    }
    prototype = _holding_prototype(base)
    written = 0
    # Positions as Holding fields, not Holding records: the rows are the same (rows_for
    # goes through _position_rows too) without building a frozen record per position.
    for fields in stream.fields():
        written += 1
        yield from _position_rows(fields, prototype, base)
    yield from monthly_rows(header, accession=accession, filing_date=filing_date, cik=cik10)
    yield nport_report, report_row(
        header, accession=accession, filing_date=filing_date, cik=cik10,
        positions_in_document=stream.positions, rows_written=written,
        skipped=list(stream.skipped),
    )
