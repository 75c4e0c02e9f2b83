"""Reads and writes of `sec_latest_filing` (the newest filing EDGAR has shown per trust
and form group; the freshness rule compares it with what each partition loaded) and of
`sec_index_day` (which daily form indexes have been read into it, shared by the sensor
and run-all)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import Connection, func, select

from etf_assets.warehouse.load import upsert
from etf_assets.warehouse.tables import sec_index_day, sec_latest_filing


@dataclass(frozen=True, slots=True)
class Observation:
    """One filing seen on EDGAR, already mapped to its form group."""

    cik: str
    group: str
    filing_date: date
    accession_number: str
    form: str


Latest = dict[str, dict[str, tuple[date, str]]]  # cik -> group -> (filing date, accession)


# Up to this many trusts are selected in SQL (an index lookup each: run-all and gap
# repair ask per trust); more are read with the whole table (a few rows per trust) and
# filtered here, which also stays under every database's bound-parameter limit.
_SQL_FILTER_MAX = 500


def read_latest(conn: Connection, ciks: Iterable[str] | None = None) -> Latest:
    q = select(sec_latest_filing.c.cik, sec_latest_filing.c.form_group,
               sec_latest_filing.c.filing_date, sec_latest_filing.c.accession_number)
    wanted = None if ciks is None else set(ciks)
    if wanted is not None and len(wanted) <= _SQL_FILTER_MAX:
        q = q.where(sec_latest_filing.c.cik.in_(sorted(wanted)))
    out: Latest = {}
    for r in conn.execute(q):
        if wanted is None or r.cik in wanted:
            out.setdefault(r.cik, {})[r.form_group] = (r.filing_date, r.accession_number)
    return out


def record_observations(conn: Connection, observations: Iterable[Observation], source: str,
                        now: datetime | None = None) -> int:
    """Keep the newest (filing date, accession) per (trust, group); never move backwards
    (an index read late, or a lagging submissions page, cannot hide a newer filing)."""
    newest: dict[tuple[str, str], Observation] = {}
    for o in observations:
        k = (o.cik, o.group)
        if k not in newest or (o.filing_date, o.accession_number) > (
                newest[k].filing_date, newest[k].accession_number):
            newest[k] = o
    if not newest:
        return 0
    known = read_latest(conn, {c for c, _ in newest})
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
    rows = [
        {"cik": o.cik, "form_group": o.group, "filing_date": o.filing_date,
         "accession_number": o.accession_number, "form": o.form, "source": source,
         "observed_at": now}
        for (cik, group), o in newest.items()
        if (o.filing_date, o.accession_number) > known.get(cik, {}).get(group, (date.min, ""))
    ]
    upsert(conn, sec_latest_filing, rows,
           ["filing_date", "accession_number", "form", "source", "observed_at"])
    return len(rows)


def last_index_day(conn: Connection) -> date | None:
    """The day through which EDGAR's daily indexes have been taken into
    `sec_latest_filing` (read, or covered by a read of every trust's submissions)."""
    return conn.execute(select(func.max(sec_index_day.c.day))).scalar_one_or_none()


def record_index_day(conn: Connection, day: date, status: str, index_rows: int | None = None,
                     observations: int | None = None, now: datetime | None = None) -> None:
    """`status`: read | holiday | baseline. Call in the transaction that recorded the day's
    observations: a day is never marked read without them."""
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
    upsert(conn, sec_index_day, [{"day": day, "status": status, "index_rows": index_rows,
                                  "observations": observations, "recorded_at": now}],
           # a baseline never hides that the day's index was actually read
           [] if status == "baseline" else ["status", "index_rows", "observations",
                                            "recorded_at"])
