"""What is worth telling someone, read from the warehouse and Dagster's run records.

Each event has a key that names it for good (`new_filing:<accession>`,
`effective_soon:<cik>:<series>:<date>`, ...): deliveries are recorded once per (key,
subscription), so reading the same facts again (a rerun, a second daemon, the next
tick) never tells anyone twice. Facts are read since a watermark (the sensor's cursor)
so a first start does not replay history; effective-soon is read from the current
lifecycle state every time (its key carries the date, so a delay alerts anew).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any

from dagster import DagsterInstance, DagsterRunStatus, RunsFilter
from sqlalchemy import Connection, and_, select

from etf_assets.lifecycle.events import CLOSED, DELAYED, EFFECTIVE, PROPOSED, SERIES_LEVEL, TRADING
from etf_assets.warehouse.fee_changes import fee_changes as read_fee_changes
from etf_assets.warehouse.tables import (
    coverage,
    etf,
    filing,
    lifecycle_event,
    lifecycle_filing,
    lifecycle_state,
    trust,
)

EFFECTIVE_SOON_DAYS = 7
LOAD_JOBS = ("refresh_trusts", "refresh_universe")


@dataclass(frozen=True)
class AlertEvent:
    key: str
    kind: str
    title: str
    cik: str | None = None
    tickers: frozenset[str] = frozenset()
    form: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)

    def payload(self) -> dict[str, Any]:
        return {"key": self.key, "kind": self.kind, "title": self.title, "cik": self.cik,
                "tickers": sorted(self.tickers), "form": self.form,
                "facts": {k: (v.isoformat() if isinstance(v, (date, datetime)) else
                              str(v) if v is not None and not isinstance(v, (int, str, bool))
                              else v) for k, v in self.facts.items()}}


def _names(conn: Connection) -> dict[str, str]:
    return dict(conn.execute(select(trust.c.cik, trust.c.name)).all())


def _tickers(conn: Connection) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """cik -> ETF tickers; series id -> tickers."""
    by_cik: dict[str, set[str]] = {}
    by_series: dict[str, set[str]] = {}
    for cik, sid, ticker in conn.execute(select(etf.c.cik, etf.c.series_id, etf.c.ticker)
                                         .where(etf.c.is_etf, etf.c.ticker.is_not(None))):
        by_cik.setdefault(cik, set()).add(ticker)
        by_series.setdefault(sid, set()).add(ticker)
    return by_cik, by_series


def warehouse_events(conn: Connection, since: datetime, today: date) -> list[AlertEvent]:
    names = _names(conn)
    by_cik, by_series = _tickers(conn)
    out: list[AlertEvent] = []
    # New filings: documents loaded, headers read.
    seen: set[str] = set()
    rows = [*conn.execute(select(filing.c.accession_number, filing.c.cik, filing.c.form,
                                 filing.c.filing_date, filing.c.url)
                          .where(filing.c.parsed_at > since)),
            *conn.execute(select(lifecycle_filing.c.accession_number, lifecycle_filing.c.cik,
                                 lifecycle_filing.c.form, lifecycle_filing.c.filing_date,
                                 lifecycle_filing.c.url)
                          .where(lifecycle_filing.c.read_at > since))]
    for acc, cik, form, filed, url in sorted(rows, key=lambda r: (r[3], r[0])):
        if acc in seen:
            continue
        seen.add(acc)
        out.append(AlertEvent(
            f"new_filing:{acc}", "new_filing",
            f"{form} filed {filed} by {names.get(cik, cik)}", cik,
            frozenset(by_cik.get(cik, ())), form,
            {"accession": acc, "filing_date": filed, "url": url,
             "trust": names.get(cik)}))
    # Launched and closed, as the lifecycle learned them.
    s = lifecycle_state.c
    ev = lifecycle_event.c
    for r in conn.execute(
            select(ev.cik, ev.series_id, ev.kind, ev.event_date, ev.evidence, s.series_name,
                   s.ticker, s.launched_on, s.state)
            .join(lifecycle_state, and_(s.cik == ev.cik, s.series_id == ev.series_id,
                                        s.class_key == ev.class_key))
            .where(ev.learned_at > since, ev.class_key == SERIES_LEVEL,
                   ev.kind.in_([TRADING, CLOSED]))):
        if r.kind == TRADING and (r.launched_on is None or r.state != TRADING):
            continue  # trading before it was seen proposed is no launch
        kind = "launched" if r.kind == TRADING else "closed"
        tickers = frozenset(by_series.get(r.series_id, set()) | ({r.ticker} if r.ticker else set()))
        out.append(AlertEvent(
            f"{kind}:{r.cik}:{r.series_id}", kind,
            f"{r.series_name or r.series_id} {kind} on {r.event_date}", r.cik, tickers, None,
            {"series_id": r.series_id, "fund": r.series_name, "date": r.event_date,
             "evidence": r.evidence, "trust": names.get(r.cik)}))
    # Going effective within a week (current state, not a watermark).
    for r in conn.execute(select(lifecycle_state).where(
            s.class_key == SERIES_LEVEL, s.state.in_([PROPOSED, DELAYED, EFFECTIVE]))):
        on = r.effective_date if r.state == EFFECTIVE else r.expected_effective_date
        if on is None or not today <= on <= today + timedelta(days=EFFECTIVE_SOON_DAYS):
            continue
        out.append(AlertEvent(
            f"effective_soon:{r.cik}:{r.series_id}:{on}", "effective_soon",
            f"{r.series_name or r.series_id} goes effective on {on}", r.cik,
            frozenset({r.ticker} if r.ticker else ()), None,
            {"series_id": r.series_id, "fund": r.series_name, "effective_date": on,
             "state": r.state, "evidence": r.state_evidence, "trust": names.get(r.cik)}))
    out += fee_changes(conn, since, names)
    return out


def fee_changes(conn: Connection, since: datetime, names: dict[str, str]
                ) -> list[AlertEvent]:
    """A class's net expense ratio (gross when the table has no net line) in a
    prospectus loaded (`filing.parsed_at`, UTC) after `since` differs from its previous
    prospectus's (warehouse/fee_changes.py, the reading the lifecycle's `changed`
    events share)."""
    out = []
    for step in read_fee_changes(conn, since=since):
        new, before = step.new, step.previous
        out.append(AlertEvent(
            f"fee_change:{new.class_id}:{new.accession_number}", "fee_change",
            f"{new.ticker or new.class_id}: {step.summary}",
            new.cik, frozenset({new.ticker} if new.ticker else ()), new.form,
            {"class_id": new.class_id, "previous": before.ratio, "new": new.ratio,
             "previous_accession": before.accession_number,
             "accession": new.accession_number, "effective_date": new.effective_date,
             "trust": names.get(new.cik)}))
    return out


def coverage_lag_events(conn: Connection, max_lag_days: int) -> list[AlertEvent]:
    """One event per trust and form group behind SEC longer than the limit (per spell:
    the key carries the day it fell behind)."""
    c = coverage.c
    out: dict[str, AlertEvent] = {}
    for r in conn.execute(select(c.cik, c.form_group, c.behind_since, c.lag_days, c.ticker,
                                 c.sec_newest_accession, c.last_failure)
                          .where(c.lag_days > max_lag_days)):
        key = f"coverage_lag:{r.cik}:{r.form_group}:{r.behind_since}"
        if key in out:
            continue
        out[key] = AlertEvent(
            key, "coverage_lag",
            f"{r.cik} {r.form_group} behind SEC for {r.lag_days} days", r.cik,
            frozenset({r.ticker} if r.ticker else ()), None,
            {"form_group": r.form_group, "behind_since": r.behind_since,
             "lag_days": r.lag_days, "max_lag_days": max_lag_days,
             "sec_newest_accession": r.sec_newest_accession, "last_failure": r.last_failure})
    return list(out.values())


def failed_load_events(instance: DagsterInstance, since: datetime
                       ) -> tuple[list[AlertEvent], datetime]:
    """Runs of the loading jobs that failed after `since` (naive UTC, on Dagster's clock:
    the runs' last update), and the newest update seen (the next watermark)."""
    records = instance.get_run_records(RunsFilter(
        statuses=[DagsterRunStatus.FAILURE],
        updated_after=since.replace(tzinfo=timezone.utc)), limit=200)
    out = []
    newest = since
    for rec in records:
        run = rec.dagster_run
        updated = rec.update_timestamp.astimezone(timezone.utc).replace(tzinfo=None)
        newest = max(newest, updated)
        if run.job_name not in LOAD_JOBS:
            continue
        ciks = sorted(v for k, v in run.tags.items() if k == "dagster/partition")
        out.append(AlertEvent(
            f"load_failed:{run.run_id}", "load_failed",
            f"{run.job_name} run {run.run_id[:8]} failed", ciks[0] if len(ciks) == 1 else None,
            frozenset(), None,
            {"run_id": run.run_id, "job": run.job_name, "partitions": ciks,
             "updated_at": updated}))
    return out, newest
