"""Rows -> JSON, CSV or Parquet bytes, money kept exact in all three.

- JSON: pydantic-core's serializer (Rust): Decimal as a string ("36544885644.96"),
  dates ISO 8601. Never a float.
- CSV: the same strings (Decimal's exact text), dates ISO, empty for NULL.
- Parquet: typed columns. A Decimal column is `decimal128(38, s)` with `s` the largest
  scale among its values, so every value is exact and readers (pandas, DuckDB, Spark)
  get a numeric type they can sum; a column whose values need more than 38 digits at
  that scale (not seen in SEC data: amounts stay under 10^30) falls back to strings, the
  exact text. Dates are date32, timestamps timestamp[us], booleans bool, integers int64,
  JSON values their JSON text.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pydantic_core

FORMATS = ("json", "csv", "parquet")
MEDIA = {"json": "application/json", "csv": "text/csv; charset=utf-8",
         "parquet": "application/vnd.apache.parquet"}


def to_json(payload: Any) -> bytes:
    return pydantic_core.to_json(payload)


def _columns(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None) -> list[str]:
    if columns is not None:
        return list(columns)
    seen: dict[str, None] = {}
    for r in rows:
        for k in r:
            seen.setdefault(k, None)
    return list(seen)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, dict)):
        return pydantic_core.to_json(value).decode()
    return str(value)


def to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> bytes:
    cols = _columns(rows, columns)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for r in rows:
        w.writerow([_text(r.get(c)) for c in cols])
    return buf.getvalue().encode()


def _decimal_type(values: list[Decimal]):
    import pyarrow as pa

    scale = 0
    digits = 1
    for v in values:
        if not v.is_finite():
            return pa.string()
        t = v.as_tuple()
        scale = max(scale, -t.exponent if t.exponent < 0 else 0)
    for v in values:
        t = v.as_tuple()
        whole = len(t.digits) + t.exponent if t.exponent < 0 else len(t.digits) + t.exponent
        digits = max(digits, max(whole, 0) + scale)
    if digits > 38:
        return pa.string()
    return pa.decimal128(38, scale)


def _arrow_column(values: list[Any]):
    import pyarrow as pa

    present = [v for v in values if v is not None]
    if not present:
        return pa.array(values, type=pa.string())
    first = present[0]
    if isinstance(first, bool):
        return pa.array(values, type=pa.bool_())
    if isinstance(first, Decimal) or all(isinstance(v, (Decimal, int)) and not isinstance(v, bool)
                                         for v in present) and any(isinstance(v, Decimal)
                                                                   for v in present):
        decs = [v if v is None or isinstance(v, Decimal) else Decimal(v) for v in values]
        typ = _decimal_type([v for v in decs if v is not None])
        if typ == pa.string():
            return pa.array([None if v is None else str(v) for v in decs], type=typ)
        return pa.array(decs, type=typ)
    if isinstance(first, int):
        return pa.array(values, type=pa.int64())
    if isinstance(first, datetime):
        return pa.array(values, type=pa.timestamp("us"))
    if isinstance(first, date):
        return pa.array(values, type=pa.date32())
    if isinstance(first, (list, dict)):
        return pa.array([None if v is None else json.dumps(v, default=str) for v in values],
                        type=pa.string())
    return pa.array([None if v is None else str(v) for v in values], type=pa.string())


def to_parquet(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    cols = _columns(rows, columns)
    table = pa.table({c: _arrow_column([r.get(c) for r in rows]) for c in cols})
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def tabular(rows: Sequence[dict[str, Any]], fmt: str,
            columns: Sequence[str] | None = None) -> bytes:
    if fmt == "csv":
        return to_csv(rows, columns)
    if fmt == "parquet":
        return to_parquet(rows, columns)
    raise ValueError(f"not a tabular format: {fmt}")
