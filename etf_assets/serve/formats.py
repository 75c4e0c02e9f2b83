"""Rows -> JSON, CSV or Parquet bytes, money kept exact in all three.

- JSON: pydantic-core's serializer (Rust): Decimal as a string ("36544885644.96"),
  dates ISO 8601. Never a float.
- CSV: the same strings (Decimal's exact text), dates ISO, empty for NULL.
- Parquet: typed columns. A Decimal column is `decimal128(38, s)` with `s` the largest
  scale among its values, so every value is exact and readers (pandas, DuckDB, Spark)
  get a numeric type they can sum (strings would make every reader parse); a column
  whose values need more than 38 digits at that scale (not seen in SEC data: amounts
  stay under 10^30) falls back to strings, the exact text. Dates are date32, timestamps timestamp[us], booleans bool, integers int64,
  JSON values their JSON text.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from operator import itemgetter
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
    for shape in dict.fromkeys(tuple(r) for r in rows):  # rows share a few shapes
        for k in shape:
            seen.setdefault(k, None)
    return list(seen)


def _column(rows: Sequence[dict[str, Any]], name: str) -> list[Any]:
    try:
        return list(map(itemgetter(name), rows))
    except KeyError:
        return [r.get(name) for r in rows]


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


def _decimal_array(values: Sequence[Any]):
    """Decimals -> decimal128(38, s), s the largest scale among them (exact), built from
    their text with Arrow's vectorized cast; the exact text (string) when a value needs
    more than 38 digits or is not finite. (Arrow's own Decimal inference is ~100x slower
    than this on 50,000 values.)"""
    import pyarrow as pa

    texts = pa.array([None if v is None else str(v) for v in values], type=pa.string())
    return _decimal_from_texts(texts, values.__getitem__)


def _decimal_from_texts(texts, decimal_at: Callable[[int], Any]):
    """Decimal texts (an Arrow string array) -> decimal128(38, s) as `_decimal_array`
    does. A text in exponent form or not a number (1E-7, 1E+16, NaN, Infinity: rare) is
    replaced by `format(decimal_at(i), "f")` (its digits in full); if one is still not
    a number, the column stays text."""
    import pyarrow as pa
    import pyarrow.compute as pc

    odd = pc.match_substring_regex(texts, "[EeNn]")
    if pc.any(odd).as_py():
        fixed = []
        for i in pc.indices_nonzero(odd).to_pylist():
            v = decimal_at(i)
            fixed.append(format(v, "f") if v.is_finite() else str(v))
        texts = pc.replace_with_mask(texts, odd, pa.array(fixed, type=pa.string()))
        if any(not c.lstrip("-").replace(".", "", 1).isdigit() for c in fixed):
            return texts
    point = pc.find_substring(texts, ".")
    scales = pc.if_else(pc.greater_equal(point, 0),
                        pc.subtract(pc.subtract(pc.utf8_length(texts), point), 1), 0)
    scale = pc.max(scales).as_py() or 0
    try:
        return texts.cast(pa.decimal128(38, scale))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return texts


def _arrow_column(values: list[Any]):
    import pyarrow as pa

    first = next((v for v in values if v is not None), None)
    if first is None:
        return pa.array(values, type=pa.string())
    if isinstance(first, bool):
        return pa.array(values, type=pa.bool_())
    if isinstance(first, Decimal):  # an AMOUNT column: Decimal or NULL throughout
        return _decimal_array(values)
    if isinstance(first, int):
        if any(isinstance(v, Decimal) for v in values):
            return _decimal_array([None if v is None else Decimal(v) for v in values])
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
    table = pa.table({c: _arrow_column(_column(rows, c)) for c in cols})
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


# --------------------------------------------------------------------------- columns
# One report's holdings (50,000 positions) go to Parquet column by column, straight
# from the driver's rows: no Decimal, date or dict per value (those cost ~5 s cold on
# SQLite through SQLAlchemy's result processing). Same table as `to_parquet` of the
# converted rows: same types, same scales, same values (test_serve_formats checks it).


# A row's texts joined by PACK_SEP, NULL written PACK_NULL (queries.report_holding_columns):
# XML 1.0 forbids both characters in a document, even as character references, so no
# N-PORT text holds them; one that did would change its row's field count, which
# `_unpacked` checks (PackedMismatch: the caller reads the columns unpacked).
PACK_SEP, PACK_NULL = "\x1f", "\x1e"


@dataclass(frozen=True)
class Packed:
    """Column `index` of `rows`: one text per row, the `width` packed columns' texts."""

    rows: Sequence[str]
    index: int
    width: int


class PackedMismatch(ValueError):
    """A packed row that does not split into its width of fields."""


def _unpacked(packed: Packed, split: dict):
    """The packed column as an Arrow string array (NULL for PACK_NULL); the rows are
    split once for all their columns (`split`: by id of the rows)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    flat = split.get(id(packed.rows))
    if flat is None:
        parts = pc.split_pattern(pa.array(packed.rows, type=pa.string()), PACK_SEP)
        lengths = pc.list_value_length(parts)
        if len(parts) and (pc.min(lengths).as_py() != packed.width
                           or pc.max(lengths).as_py() != packed.width):
            raise PackedMismatch(f"a packed row is not {packed.width} fields")
        flat = split[id(packed.rows)] = pc.list_flatten(parts)
    column = flat[packed.index::packed.width]
    return pc.if_else(pc.equal(column, PACK_NULL), pa.scalar(None, pa.string()), column)


def _text_arrow_column(kind: str, texts):
    """A column as the database's texts (an Arrow string array) -> the Arrow array
    `_arrow_column` builds from the same values (SQLite: booleans "0" / "1";
    PostgreSQL: "true" / "false", dates ISO, NUMERIC exact)."""
    import pyarrow as pa

    if texts.null_count == len(texts):
        return texts
    if kind == "decimal":
        return _decimal_from_texts(texts, lambda i: Decimal(texts[i].as_py()))
    target = {"date": pa.date32(), "bool": pa.bool_(), "int": pa.int64()}.get(kind)
    return texts if target is None else texts.cast(target)


def _raw_decimal_array(values: Sequence[Any]):
    """A NUMERIC column as the driver gives it -> what `_decimal_array` makes of the
    same values as Decimals. PostgreSQL: the exact text (the query casts to TEXT).
    SQLite: int or float (NUMERIC affinity), which `ExactDecimal` reads as
    Decimal(repr(float)); Arrow's float -> string cast writes the same shortest
    round-trip digits as `repr` (checked on 150,000 random values) and differs only in
    form: an integral float ("5" for repr's "5.0"), which SQLite's NUMERIC affinity
    never stores below 2**63 (it stores an INTEGER), and the exponent form, which goes
    through Decimal as before. An int beyond 2**53 (not exact as a double: Arrow
    refuses it) sends the column the per-value way."""
    import pyarrow as pa

    def decimal_at(i: int) -> Decimal:
        v = values[i]
        return v if isinstance(v, Decimal) else (
            Decimal(repr(v)) if isinstance(v, float) else Decimal(v))

    first = next(v for v in values if v is not None)
    if isinstance(first, Decimal):
        return _decimal_array(values)
    if isinstance(first, str):
        return _decimal_from_texts(pa.array(values, type=pa.string()), decimal_at)
    try:
        texts = pa.array(values, type=pa.float64()).cast(pa.string())
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return _decimal_array([None if v is None else decimal_at(i)
                               for i, v in enumerate(values)])
    return _decimal_from_texts(texts, decimal_at)


def _raw_arrow_column(kind: str, values: Sequence[Any]):
    """One column as the driver returns it (kind: decimal, date, bool, int, text) ->
    the Arrow array `_arrow_column` builds from the converted values. A column of NULLs
    only is a string column there (its type is taken from the first value): here too."""
    import pyarrow as pa

    if values.count(None) == len(values):
        return pa.array(values, type=pa.string())
    if kind == "decimal":
        return _raw_decimal_array(values)
    if kind == "date":  # SQLite: ISO text; PostgreSQL: date
        first = next(v for v in values if v is not None)
        if isinstance(first, str):
            return pa.array(values, type=pa.string()).cast(pa.date32())
        return pa.array(values, type=pa.date32())
    if kind == "bool":  # SQLite: 0 / 1; PostgreSQL: bool
        try:
            return pa.array(values, type=pa.bool_())
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            return pa.array(values, type=pa.int8()).cast(pa.bool_())
    if kind == "int":
        return pa.array(values, type=pa.int64())
    return pa.array(values, type=pa.string())


def parquet_from_columns(columns: Sequence[tuple[str, str, Any]]) -> bytes:
    """(name, kind, values as the driver returns them, or Packed) per column -> Parquet
    bytes. Raises PackedMismatch for a packed row of the wrong width."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    split: dict = {}
    table = pa.table({name: _text_arrow_column(kind, _unpacked(values, split))
                      if isinstance(values, Packed) else _raw_arrow_column(kind, values)
                      for name, kind, values in columns})
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
