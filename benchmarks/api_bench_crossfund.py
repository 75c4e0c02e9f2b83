"""Cross-fund queries on a large warehouse: who holds a security, overlap of two ETFs.

    .venv/bin/python -m benchmarks.api_bench_crossfund [--sqlite PATH] [--postgres URL]
        [--series 4000] [--positions 500] [--holders 1000] [--big 3000] [--repeat 50]
        [--only sqlite|postgres] [--keep --pg-schema NAME]

Builds a warehouse of ``--series`` ETF series x ``--positions`` positions (default 4,000
x 500 = 2 million `holding` rows, one NPORT-P report per series, written directly with
the loader's batch writer: COPY on PostgreSQL, executemany on SQLite), plus two ETFs of
``--big`` positions (3,000) that share half of them. One security is held by
``--holders`` (1,000) of the series. Then:

* builds `security_holders` with the asset's own function (`refresh_security_holders`,
  the first build: every report) and times it, then ANALYZE;
* times ``holders(conn, cusip)`` of the security held by 1,000 ETFs, ``--repeat`` times
  (p50, p95, max), and ``overlap(conn, [A, B])`` of the two 3,000-position ETFs;
* prints the query plan of every SQL statement the two functions run (captured from the
  connection: EXPLAIN QUERY PLAN on SQLite, EXPLAIN ANALYZE on PostgreSQL).

Targets (issue 23): holders p95 < 200 ms on SQLite and PostgreSQL; overlap < 100 ms.
Exit status is always 0: this is a report, with a PASS/MISS line per target. Without
``--sqlite``/``--postgres`` it uses a temporary SQLite file and
postgresql://postgres@127.0.0.1:5432/test (a schema of its own, dropped afterwards).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, event, make_url, text

from etf_assets.crossfund.identity import cusip_check_digit, isin_check_digit
from etf_assets.crossfund.queries import holders, overlap
from etf_assets.crossfund.refresh import refresh_security_holders, totals_mismatches
from etf_assets.warehouse.engine import make_engine
from etf_assets.warehouse.load import write_batch
from etf_assets.warehouse.tables import etf, filing, holding, nport_report

TARGET_HOLDERS_P95_MS = 200.0
TARGET_OVERLAP_MS = 100.0
REPORT_DATE = dt.date(2026, 9, 30)
FILING_DATE = dt.date(2026, 11, 25)
BATCH = 20_000


def cusip_of(n: int) -> str:
    base = f"{n:08d}"[:8]
    base = "9" + base[1:]  # never all zeros
    return base + str(cusip_check_digit(base))


def isin_of(cusip: str) -> str:
    return "US" + cusip + str(isin_check_digit("US" + cusip))


def build(engine, n_series: int, n_positions: int, n_holders: int, n_big: int) -> dict:
    """Write the synthetic warehouse; returns what the timings need."""
    rng = random.Random(23)
    universe = 20_000  # securities: popular ones first (drawn more often)
    securities = [(cusip_of(i), f"Issuer {i}") for i in range(universe)]
    target = securities[0]
    holder_series = set(rng.sample(range(n_series), n_holders))
    series_keys = [f"S{900000000 + i}" for i in range(n_series)] + ["S999999991", "S999999992"]
    now = dt.datetime(2026, 11, 26)
    reports, filings, etfs = [], [], []
    for i, s in enumerate(series_keys):
        accession = f"0009{i:06d}-26-{i % 1000000:06d}"
        cik = f"{8000000000 + i // 10:010d}"
        reports.append({"accession_number": accession, "series_key": s, "cik": cik,
                        "series_id": s, "form": "NPORT-P", "filing_date": FILING_DATE,
                        "report_date": REPORT_DATE, "net_assets": Decimal("1000000000"),
                        "positions_in_document": 0, "rows_written": 0})
        filings.append({"accession_number": accession, "cik": cik, "form": "NPORT-P",
                        "filing_date": FILING_DATE, "report_date": REPORT_DATE,
                        "url": "bench", "sha256": "0" * 64, "parsed_at": now})
        etfs.append({"class_id": "C" + s[1:], "ticker": f"T{i:05d}", "series_id": s,
                     "cik": cik, "fund_name": f"Bench ETF {i}", "is_etf": True,
                     "decision_source": "ncen", "first_seen": now, "last_seen": now,
                     "active": True})

    def positions_of(i: int) -> list[tuple[str, str]]:
        if i == n_series:      # big A: securities 1..n_big
            return securities[1:1 + n_big]
        if i == n_series + 1:  # big B: half of A's, half others
            half = n_big // 2
            return securities[1 + half:1 + half + n_big]
        # Half from 2,000 popular names (held by many funds), half from the rest.
        n = n_positions - (1 if i in holder_series else 0)
        picks = rng.sample(range(1, 2000), n // 2) + rng.sample(range(2000, universe), n - n // 2)
        chosen = [securities[k] for k in sorted(picks)]
        return ([target] if i in holder_series else []) + chosen

    written = 0
    t0 = time.perf_counter()
    with engine.begin() as conn:
        batch: list[dict] = []
        for i, s in enumerate(series_keys):
            report = reports[i]
            held = positions_of(i)
            report["positions_in_document"] = report["rows_written"] = len(held)
            weight = Decimal(100) / len(held)
            for pos, (cusip, name) in enumerate(held, start=1):
                value = Decimal(rng.randrange(1_000_000, 900_000_000)) / 100
                batch.append({
                    "accession_number": report["accession_number"], "series_key": s,
                    "position": pos, "filing_date": FILING_DATE, "report_date": REPORT_DATE,
                    "cik": report["cik"], "series_id": s, "name": name, "title": name,
                    "cusip": cusip, "isin": isin_of(cusip) if pos % 50 == 0 else None,
                    "ticker": None, "lei": None,
                    "balance": Decimal(rng.randrange(100, 1_000_000)), "units": "NS",
                    "value_usd": value, "pct_val": weight.quantize(Decimal("0.000001")),
                    "payoff_profile": "Long", "asset_category": "EC", "is_derivative": False})
                if len(batch) >= BATCH:
                    write_batch(conn, holding, batch)
                    written += len(batch)
                    batch = []
        write_batch(conn, holding, batch)
        written += len(batch)
        write_batch(conn, nport_report, reports)
        write_batch(conn, filing, filings)
        write_batch(conn, etf, etfs)
    return {"holdings": written, "load_s": time.perf_counter() - t0, "target": target[0],
            "big": (series_keys[-2], series_keys[-1])}


def _analyze(engine) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")


def _timed(fn, repeat: int) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of each call. CPU time (this process: Python, and the
    SQLite library in-process; not PostgreSQL's server) is what the query costs when
    the machine is shared: wall time then includes waiting for a core."""
    wall, cpu = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    return wall, cpu


def _api_timings(url: str, info: dict, args) -> dict[str, tuple[list[float], list[float]]]:
    """The two endpoints through the app (Starlette's TestClient, in this process: no
    network, the app's lifespan included), wall and CPU ms per request."""
    import warnings

    from fastapi.testclient import TestClient

    from etf_assets.serve.app import create_app, read_only_engine

    warnings.simplefilter("ignore", DeprecationWarning)
    engine = read_only_engine(url)
    app = create_app(engine, api_keys=frozenset(), rate_per_minute=10**9)
    a, b = (f"T{args.series:05d}", f"T{args.series + 1:05d}")  # the two big ETFs
    paths = {"holders": f"/api/securities/{info['target']}/holders",
             "overlap": f"/api/overlap?etfs={a},{b}"}
    out = {}
    with TestClient(app, client=("127.0.0.1", 50000)) as client:
        for label, path in paths.items():
            assert client.get(path).status_code == 200, path

            def call(path=path):
                r = client.get(path)
                assert r.status_code == 200 and r.json()

            out[label] = _timed(call, args.repeat if label == "holders"
                                else max(10, args.repeat // 2))
    engine.dispose()
    return out


def _p95(ms: list[float]) -> float:
    return sorted(ms)[max(0, int(round(0.95 * len(ms))) - 1)]


def _plans(engine, fn) -> list[str]:
    """Run `fn(conn)` once, capture its SQL, return each statement with its plan."""
    captured: list[tuple[str, object]] = []

    def grab(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, parameters))

    # The hot statements go through the DBAPI cursor itself (queries.raw_rows), which
    # SQLAlchemy's events do not see: record them on the way.
    from etf_assets.crossfund import queries as xq

    original = xq._raw_rows

    def recorded(conn, stmt):
        compiled = stmt.compile(dialect=conn.dialect,
                                compile_kwargs={"render_postcompile": True})
        params = (tuple(compiled.params[name] for name in compiled.positiontup)
                  if compiled.positiontup else compiled.params)
        captured.append((str(compiled), params))
        return original(conn, stmt)

    event.listen(engine, "before_cursor_execute", grab)
    xq._raw_rows = recorded
    try:
        with engine.connect() as conn:
            fn(conn)
    finally:
        xq._raw_rows = original
        event.remove(engine, "before_cursor_execute", grab)
    out = []
    with engine.connect() as conn:
        for statement, params in captured:
            if engine.dialect.name == "sqlite":
                rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params).all()
                plan = "\n".join(f"  {r[3]}" for r in rows)
            else:
                rows = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement,
                                            params).all()
                plan = "\n".join(f"  {r[0]}" for r in rows)
            out.append(" ".join(statement.split())[:300] + "\n" + plan)
    return out


def run(label: str, url: str, args) -> dict:
    print(f"== {label}: {make_url(url).render_as_string(hide_password=True)}", flush=True)
    engine = make_engine(url)
    with engine.connect() as conn:
        have = conn.execute(text("SELECT COUNT(*) FROM nport_report")).scalar_one()
    if have:  # --keep: a warehouse this script built before
        print(f"  reusing the warehouse built before ({have:,} reports)", flush=True)
        info = {"target": cusip_of(0), "big": ("S999999991", "S999999992")}
    else:
        info = build(engine, args.series, args.positions, args.holders, args.big)
        print(f"  holdings written: {info['holdings']:,} in {info['load_s']:.1f} s", flush=True)
    t = time.perf_counter()
    result = refresh_security_holders(engine)
    build_s = time.perf_counter() - t
    print(f"  security_holders refresh: {result.rows_written:,} rows from "
          f"{result.reports_built:,} reports in {build_s:.1f} s", flush=True)
    t = time.perf_counter()
    again = refresh_security_holders(engine)
    print(f"  refresh with nothing new: {time.perf_counter() - t:.2f} s "
          f"({again.reports_built} reports built)", flush=True)
    _analyze(engine)
    with engine.connect() as conn:
        check_t = time.perf_counter()
        assert totals_mismatches(conn) == []
        check_s = time.perf_counter() - check_t
        found = holders(conn, info["target"])
        assert found.funds == args.holders, found.funds
        o = overlap(conn, list(info["big"]))
        assert len(o.common) == args.big // 2, len(o.common)
        # As in `serve` (the app's lifespan): what exists before the first call is out
        # of the garbage collector's reach, so full collections scan only the calls'
        # own objects.
        gc.collect()
        gc.freeze()
        holder_ms, holder_cpu = _timed(lambda: holders(conn, info["target"]), args.repeat)
        overlap_ms, overlap_cpu = _timed(lambda: overlap(conn, list(info["big"])),
                                         max(10, args.repeat // 2))
        gc.unfreeze()
    api = _api_timings(url, info, args)
    print(f"  check totals_match_holdings (totals part): {check_s:.1f} s")
    h95, o95 = _p95(holder_ms), _p95(overlap_ms)
    print(f"  holders of a security held by {found.funds:,} ETFs: wall p50 "
          f"{statistics.median(holder_ms):.1f} ms, p95 {h95:.1f} ms, max {max(holder_ms):.1f} ms"
          f"; CPU p50 {statistics.median(holder_cpu):.1f} ms, p95 {_p95(holder_cpu):.1f} ms"
          f" ({len(holder_ms)} runs; load average {os.getloadavg()[0]:.1f})")
    print(f"  overlap of two {args.big:,}-position ETFs ({len(o.common):,} common): wall p50 "
          f"{statistics.median(overlap_ms):.1f} ms, p95 {o95:.1f} ms, max "
          f"{max(overlap_ms):.1f} ms; CPU p50 {statistics.median(overlap_cpu):.1f} ms, p95 "
          f"{_p95(overlap_cpu):.1f} ms ({len(overlap_ms)} runs)")
    for label, (wall, cpu) in api.items():
        print(f"  API {label}: wall p50 {statistics.median(wall):.1f} ms, p95 {_p95(wall):.1f} ms"
              f", max {max(wall):.1f} ms; CPU p50 {statistics.median(cpu):.1f} ms, p95 "
              f"{_p95(cpu):.1f} ms ({len(wall)} requests, in process, JSON encoded and read)")
    print(f"  load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for label, target, values in (
            ("holders", TARGET_HOLDERS_P95_MS, holder_ms),
            ("overlap", TARGET_OVERLAP_MS, overlap_ms),
            ("API holders", TARGET_HOLDERS_P95_MS, api["holders"][0]),
            ("API overlap", TARGET_OVERLAP_MS, api["overlap"][0])):
        print(f"  {'PASS' if _p95(values) < target else 'MISS'} {label} wall p95 < "
              f"{target:.0f} ms")
    print("  query plans (holders):")
    for p in _plans(engine, lambda c: holders(c, info["target"])):
        print("  " + p.replace("\n", "\n  "))
    print("  query plans (overlap):")
    for p in _plans(engine, lambda c: overlap(c, list(info["big"]))):
        print("  " + p.replace("\n", "\n  "))
    engine.dispose()
    return {"holders_p95": h95, "overlap_p95": o95}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sqlite", help="SQLite file to create (default: a temp file)")
    ap.add_argument("--postgres", default=os.environ.get(
        "ETF_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"),
        help="PostgreSQL database (a schema of its own is created and dropped); '' to skip")
    ap.add_argument("--series", type=int, default=4000)
    ap.add_argument("--positions", type=int, default=500)
    ap.add_argument("--holders", type=int, default=1000)
    ap.add_argument("--big", type=int, default=3000)
    ap.add_argument("--repeat", type=int, default=50)
    ap.add_argument("--only", choices=("sqlite", "postgres"))
    ap.add_argument("--keep", action="store_true",
                    help="keep the SQLite file (--sqlite) and the PostgreSQL schema "
                    "(--pg-schema) and reuse them when they hold a warehouse already")
    ap.add_argument("--pg-schema", help="the PostgreSQL schema (default: a random one)")
    args = ap.parse_args(argv)
    print(f"python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f}")
    if args.only != "postgres":
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(args.sqlite) if args.sqlite else Path(tmp) / "bench.sqlite"
            run("SQLite", f"sqlite:///{path}", args)
    if args.only != "sqlite" and args.postgres:
        url = make_url(args.postgres)
        if url.drivername in ("postgresql", "postgres"):
            url = url.set(drivername="postgresql+psycopg2")
        admin = create_engine(url)
        schema = args.pg_schema or f"bench_crossfund_{uuid.uuid4().hex[:8]}"
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        try:
            scoped = url.update_query_dict({"options": f"-csearch_path={schema}"})
            run("PostgreSQL", scoped.render_as_string(hide_password=False), args)
        finally:
            if not args.keep:
                with admin.begin() as conn:
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
