"""The coverage report, pure: per ETF class and form group, what is loaded, the newest
filing SEC shows against the newest loaded, how long the warehouse has been behind, and
the trust's last failure. No database, no Dagster: etf_assets/coverage/assets.py gathers
the inputs.

Forms are filed per trust, so an ETF's row carries its trust's facts for the group.

The lag is how long the warehouse has lacked a filing SEC shows, not the distance
between the two newest filing dates: a yearly form (485BPOS, N-CEN) filed yesterday and
not loaded yet is 1 day late, not 365; a monthly N-PORT that keeps failing grows late
past the next month's filing. `behind_since` is when the group fell behind: carried
over from the previous report while it stays behind, else the filing date of the
newest SEC filing it lacks (the report runs after every load and daily, so that is the
first one it lacks in practice). A group up to date has no `behind_since` and lag 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Optional

from etf_assets.freshness.stale import NOTHING_SEEN, Seen, is_newer

UP_TO_DATE = "up_to_date"
BEHIND = "behind"
NEVER_LOADED = "never_loaded"
NOTHING_FILED = "nothing_filed"
LATE = (BEHIND, NEVER_LOADED)


@dataclass(frozen=True)
class Etf:
    class_id: str
    ticker: Optional[str]
    series_id: str
    cik: str
    fund_name: Optional[str]
    first_seen: date  # when the universe first listed it


@dataclass(frozen=True)
class Failure:
    run_id: str
    at: Optional[datetime]
    error: Optional[str]


@dataclass(frozen=True)
class TrustGroup:
    """One trust's state for one form group."""

    seen: Optional[Seen]  # what its last materialization saw; None: never materialized
    tables_loaded: tuple[str, ...] = ()
    sec_newest: Optional[Seen] = None  # sec_latest_filing
    loaded_newest: Optional[Seen] = None  # `filing`
    failure: Optional[Failure] = None


def _newest(*filings: Optional[Seen]) -> Optional[Seen]:
    known = [f for f in filings if f is not None and f != NOTHING_SEEN]
    return max(known) if known else None


def coverage_row(etf: Etf, group: str, state: TrustGroup, as_of: datetime,
                 previous_behind_since: Optional[date]) -> dict:
    """The report's row for one ETF and one form group (a `coverage` table row)."""
    # What SEC shows is at least what the last run saw there.
    sec = _newest(state.sec_newest, state.seen)
    if state.seen is None:
        status, start = NEVER_LOADED, etf.first_seen
    elif sec is not None and is_newer(sec, state.seen):
        status, start = BEHIND, sec[0]
    elif sec is None:
        status, start = NOTHING_FILED, None
    else:
        status, start = UP_TO_DATE, None
    behind_since = None
    if status in LATE:
        behind_since = min(previous_behind_since, start) if previous_behind_since else start
    lag = max(0, (as_of.date() - behind_since).days) if behind_since else 0
    loaded = state.loaded_newest
    failure = state.failure
    return {
        "class_id": etf.class_id, "form_group": group, "ticker": etf.ticker,
        "series_id": etf.series_id, "cik": etf.cik, "fund_name": etf.fund_name,
        "tables_loaded": ",".join(state.tables_loaded), "status": status,
        "sec_newest_filing_date": sec[0] if sec else None,
        "sec_newest_accession": sec[1] if sec else None,
        "loaded_newest_filing_date": loaded[0] if loaded else None,
        "loaded_newest_accession": loaded[1] if loaded else None,
        "behind_since": behind_since, "lag_days": lag,
        "last_failure_run_id": failure.run_id if failure else None,
        "last_failure_at": failure.at if failure else None,
        "last_failure": failure.error if failure else None,
        "as_of": as_of,
    }


def build_coverage(etfs: Iterable[Etf], groups: Sequence[str],
                   states: Mapping[tuple[str, str], TrustGroup], as_of: datetime,
                   previous: Mapping[tuple[str, str], date]) -> list[dict]:
    """Every (ETF, group) row. `states`: (cik, group) -> TrustGroup (missing: never
    materialized); `previous`: (class_id, group) -> behind_since of the last report, for
    the rows that were late then."""
    never = TrustGroup(seen=None)
    return [coverage_row(e, g, states.get((e.cik, g), never), as_of, previous.get((e.class_id, g)))
            for e in sorted(etfs, key=lambda e: (e.cik, e.class_id)) for g in groups]


def over_lag(rows: Iterable[Mapping], max_lag_days: int) -> list[Mapping]:
    """Rows later than the threshold, latest first."""
    return sorted((r for r in rows if r["lag_days"] > max_lag_days),
                  key=lambda r: (-r["lag_days"], r["cik"], r["class_id"], r["form_group"]))


def summary(rows: Sequence[Mapping], groups: Sequence[str]) -> list[dict]:
    """Per form group: ETFs by status, ETFs whose trust's last attempt failed, the
    largest lag."""
    out = []
    for g in groups:
        mine = [r for r in rows if r["form_group"] == g]
        out.append({"form_group": g, "etfs": len(mine),
                    **{s: sum(r["status"] == s for r in mine)
                       for s in (UP_TO_DATE, BEHIND, NEVER_LOADED, NOTHING_FILED)},
                    "last_attempt_failed": sum(r["last_failure_run_id"] is not None
                                               for r in mine),
                    "max_lag_days": max((r["lag_days"] for r in mine), default=0)})
    return out


def _cell(row: Mapping) -> str:
    status = row["status"]
    if status == UP_TO_DATE:
        loaded = row["loaded_newest_filing_date"]
        return f"ok {loaded.isoformat()}" if loaded else "ok"
    if status == NOTHING_FILED:
        return "none filed"
    late = "never loaded" if status == NEVER_LOADED else "behind"
    cell = f"**{late} {row['lag_days']} d**"
    return cell + (" (failed)" if row["last_failure_run_id"] else "")


def _pct(n: int, total: int) -> str:
    return f"{n} ({100 * n / total:.0f}%)" if total else "0"


def summary_markdown(rows: Sequence[Mapping], groups: Sequence[str]) -> list[str]:
    """Per form group: ETFs by status, with percentages."""
    lines = ["| form group | ETFs | up to date | behind | last attempt failed | never loaded "
             "| nothing filed |", "|---|---:|---:|---:|---:|---:|---:|"]
    for s in summary(rows, groups):
        n = s["etfs"]
        lines.append(f"| {s['form_group']} | {n} | {_pct(s[UP_TO_DATE], n)} | "
                     f"{_pct(s[BEHIND], n)} | {_pct(s['last_attempt_failed'], n)} | "
                     f"{_pct(s[NEVER_LOADED], n)} | {_pct(s[NOTHING_FILED], n)} |")
    return lines


def _rank(per_group: Mapping[str, Mapping]) -> tuple:
    """What an operator looks at first: failed, then behind, then never loaded (the
    latest first within each), then the rest."""
    rows = list(per_group.values())
    late = [r for r in rows if r["status"] in LATE]
    if any(r["last_failure_run_id"] for r in late):
        kind = 0
    elif any(r["status"] == BEHIND for r in rows):
        kind = 1
    elif late:
        kind = 2
    else:
        kind = 3
    return (kind, -max(r["lag_days"] for r in rows), rows[0]["cik"], rows[0]["class_id"])


def markdown(rows: Sequence[Mapping], groups: Sequence[str], limit: int = 200) -> str:
    """The per-group summary (percentages), then one line per ETF, one column per form
    group: failed, behind and never-loaded ETFs first; ETFs with nothing filed in any
    group are counted, not listed: the report as the UI shows it (the full report is the
    `coverage` table)."""
    by_etf: dict[str, dict] = {}
    for r in rows:
        by_etf.setdefault(r["class_id"], {})[r["form_group"]] = r
    nothing = [g for g in by_etf.values()
               if all(r["status"] == NOTHING_FILED for r in g.values())]
    order = sorted((g for g in by_etf.values()
                    if not all(r["status"] == NOTHING_FILED for r in g.values())), key=_rank)
    lines = [*summary_markdown(rows, groups), ""]
    if nothing:
        lines += [f"{len(nothing)} ETFs have nothing filed in any form group (not listed "
                  "below; in the `coverage` table).", ""]
    lines += ["| ticker | fund | trust | " + " | ".join(groups) + " | max lag (d) |",
              "|---|---|---|" + "---|" * len(groups) + "---:|"]
    for per_group in order[:limit]:
        first = next(iter(per_group.values()))
        cells = [_cell(per_group[g]) if g in per_group else "" for g in groups]
        name = (first["fund_name"] or "").replace("|", "/")
        lines.append(f"| {first['ticker'] or first['class_id']} | {name} | {first['cik']} | "
                     + " | ".join(cells)
                     + f" | {max(r['lag_days'] for r in per_group.values())} |")
    if len(order) > limit:
        lines.append(f"\n{limit} of {len(order)} ETFs shown, failed, behind and never loaded "
                     "first; every row is in the warehouse table `coverage`.")
    return "\n".join(lines)
