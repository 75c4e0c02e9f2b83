"""Ticker history: record what SEC showed (ticker_observation), derive ticker_period.

Observations come from every universe refresh (the ticker files) and from the SGML
header of every filing the pipeline reads in full (CLASS-CONTRACT-TICKER-SYMBOL). The
periods of a class are rebuilt from all its observations whenever a new (class, ticker,
source, evidence) fact arrives, so a late or backfilled filing lands in its place; a
refresh that only confirms what is known just moves `last_observed` forward.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import Connection, and_, delete, exists, select, update

from etf_assets.universe.listed import Observation, ticker_periods
from etf_assets.warehouse.load import upsert
from etf_assets.warehouse.tables import ticker_observation, ticker_period

# (cik, class_id, ticker)
Pair = tuple[str, str, str]
_CHUNK = 500


def observe_tickers(conn: Connection, pairs: Sequence[Pair], *, source: str,
                    evidence: str, day: date) -> int:
    """Record that `source` (`evidence`: a file name or an accession) showed each pair on
    `day` (a file source's days only move forward); rebuild the periods of classes with a new fact. Returns how many classes
    changed history (new pair or first sighting)."""
    pairs = [(cik, cls, t) for cik, cls, t in dict.fromkeys(pairs) if cls and t]
    if not pairs:
        return 0
    known: set[tuple[str, str]] = set()
    classes = sorted({cls for _, cls, _ in pairs})
    for i in range(0, len(classes), _CHUNK):
        known.update(conn.execute(
            select(ticker_observation.c.class_id, ticker_observation.c.ticker)
            .where(ticker_observation.c.source == source,
                   ticker_observation.c.evidence == evidence,
                   ticker_observation.c.class_id.in_(classes[i:i + _CHUNK]))).tuples())
    upsert(conn, ticker_observation, [
        {"class_id": cls, "ticker": t, "source": source, "evidence": evidence,
         "first_observed": day, "last_observed": day, "cik": cik}
        for cik, cls, t in pairs], ["last_observed"])
    changed = sorted({cls for _, cls, t in pairs if (cls, t) not in known})
    rebuild_periods(conn, changed)
    # Known facts seen again: the current period of that pair was observed today too.
    conn.execute(update(ticker_period).where(
        ticker_period.c.valid_to.is_(None), ticker_period.c.last_observed < day,
        exists().where(and_(ticker_observation.c.class_id == ticker_period.c.class_id,
                            ticker_observation.c.ticker == ticker_period.c.ticker,
                            ticker_observation.c.last_observed == day)),
    ).values(last_observed=day))
    return len(changed)


def rebuild_periods(conn: Connection, class_ids: Iterable[str]) -> None:
    """Recompute ticker_period for `class_ids` from all their observations."""
    class_ids = list(class_ids)
    for i in range(0, len(class_ids), _CHUNK):
        chunk = class_ids[i:i + _CHUNK]
        by_class: dict[str, list[Observation]] = defaultdict(list)
        cik_of: dict[str, str] = {}
        for r in conn.execute(select(ticker_observation).where(
                ticker_observation.c.class_id.in_(chunk))):
            by_class[r.class_id].append(Observation(
                r.ticker, r.first_observed, r.last_observed, f"{r.source}: {r.evidence}"))
            cik_of[r.class_id] = r.cik
        conn.execute(delete(ticker_period).where(ticker_period.c.class_id.in_(chunk)))
        rows = [{"class_id": cls, "ticker": p.ticker, "valid_from": p.valid_from,
                 "valid_to": p.valid_to, "last_observed": p.last_observed,
                 "first_evidence": p.first_evidence[:80], "cik": cik_of[cls]}
                for cls, obs in by_class.items() for p in ticker_periods(obs)]
        if rows:
            conn.execute(ticker_period.insert(), rows)


def current_tickers(conn: Connection, class_ids: Sequence[str]) -> dict[str, list[str]]:
    """Current ticker(s) per class (more than one means SEC disagrees with itself)."""
    out: dict[str, list[str]] = defaultdict(list)
    for i in range(0, len(class_ids), _CHUNK):
        for cls, t in conn.execute(select(ticker_period.c.class_id, ticker_period.c.ticker)
                                   .where(ticker_period.c.valid_to.is_(None),
                                          ticker_period.c.class_id.in_(
                                              class_ids[i:i + _CHUNK]))):
            out[cls].append(t)
    return dict(out)

