"""The REST API against its floor (issue 21).

    .venv/bin/python -m benchmarks.api_bench [--trusts 400] [--series 10] [--positions 50000]
                                             [--clients 50] [--seconds 30] [--workers 1]
                                             [--postgres URL]

A synthetic warehouse like the e2e corpus (400 trusts, 4,000 ETF series: universe rows,
a ticker period, four quarterly N-PORT reports, a fee table and a TSR expense row each,
filings; generated rows written directly) plus one ETF with a generated 50,000-position
N-PORT (500 derivatives) loaded through `load_nport`. `etf-pipeline serve` runs as a
subprocess (uvicorn, one process, the rate limit lifted); clients are httpx in threads
of this process.

Measured, p50 / p95:
1. alone (one client, sequential): ETF detail (random ETFs by ticker), search (a
   ticker prefix or a name word), the 50,000-position holdings as JSON and Parquet;
2. the floor, in the same run: the same query functions (etf_assets/serve/queries.py,
   the same SQL) called in this process with their rows serialized by pydantic-core's
   `to_json` (Rust; the stdlib's `json.dumps(default=str)` reported beside it), no
   HTTP, no framework;
3. under load: `--clients` clients for `--seconds` s, each request one of detail
   (45%), search (45%), holdings JSON (5%), holdings Parquet (5%); errors counted.

Targets: detail and search p95 < 50 ms; holdings JSON <= 2x its floor (p50 alone);
holdings Parquet < 0.5 s (p50 alone); no errors under load. Exits 0; prints PASS/MISS.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
from sqlalchemy import text

from etf_assets.nport.load import load_nport
from etf_assets.serve import formats
from etf_assets.serve import queries as Q
from etf_assets.serve.app import read_only_engine
from etf_assets.warehouse.engine import make_engine
from etf_assets.warehouse.tables import (
    etf,
    filing,
    ncsr_expense,
    nport_report,
    prospectus_fee,
    series,
    share_class,
    ticker_period,
    trust,
)
from etf_assets_tests.fake_edgar.generate import generate_nport_xml

BIN = Path(sys.executable).parent
BIG_CIK = "0000777777"
BIG_SERIES = "S000777777"
BIG_CLASS = "C000777777"
BIG_TICKER = "BIGH"
REPORTS = [date(2025, 12, 31), date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30)]


def _ticker(n: int) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWYZ"  # no X: ETF-shaped
    out = ""
    for _ in range(4):
        n, r = divmod(n, 25)
        out = letters[r] + out
    return out


def build(url: str, trusts: int, per_trust: int, positions: int) -> list[str]:
    """Write the synthetic warehouse; returns the tickers."""
    engine = make_engine(url)
    now = datetime(2026, 11, 20, 6, 0)
    rng = random.Random(21)
    t_rows, s_rows, c_rows, e_rows, tp_rows = [], [], [], [], []
    r_rows, f_rows, fee_rows, x_rows = [], [], [], []
    tickers = []
    acc_n = 0
    for i in range(trusts):
        cik = f"{1_100_000 + i:010d}"
        t_rows.append({"cik": cik, "name": f"Benchshares Trust {i:03d}", "registrant_type": "N-1A",
                       "first_seen": now, "last_seen": now, "active": True})
        for j in range(per_trust):
            k = i * per_trust + j
            sid, cid, tick = f"S8{k:08d}", f"C8{k:08d}", _ticker(k)
            tickers.append(tick)
            name = f"Benchshares {tick} {['Equity', 'Bond', 'Value', 'Growth'][k % 4]} ETF"
            seen = {"first_seen": now - timedelta(days=k % 700), "last_seen": now, "active": True}
            s_rows.append({"series_id": sid, "cik": cik, "name": name, **seen})
            c_rows.append({"class_id": cid, "series_id": sid, "cik": cik, "ticker": tick, **seen})
            e_rows.append({"class_id": cid, "ticker": tick, "series_id": sid, "cik": cik,
                           "fund_name": name, "class_name": "Shares",
                           "issuer_name": f"Benchshares Trust {i:03d}", "exchange": "ARCX",
                           "is_etf": True, "decision_source": "ncen", **seen})
            tp_rows.append({"class_id": cid, "valid_from": date(2024, 1, 2), "ticker": tick,
                            "last_observed": date(2026, 11, 20), "cik": cik,
                            "first_evidence": "company_tickers_mf.json: bench"})
            for rd in REPORTS:
                acc_n += 1
                acc = f"0008888888-26-{acc_n:06d}"
                filed = rd + timedelta(days=55)
                r_rows.append({"accession_number": acc, "series_key": sid, "cik": cik,
                               "series_id": sid, "series_name": name, "form": "NPORT-P",
                               "filing_date": filed, "report_date": rd,
                               "net_assets": Decimal(rng.randrange(10**8, 10**11)) / 100,
                               "positions_in_document": 40, "rows_written": 40})
                f_rows.append({"accession_number": acc, "cik": cik, "form": "NPORT-P",
                               "filing_date": filed, "report_date": rd,
                               "url": "https://example.invalid", "sha256": "0" * 64,
                               "parsed_at": now})
            acc_n += 1
            fee_rows.append({"accession_number": f"0008888888-26-{acc_n:06d}", "fee_key": cid,
                             "cik": cik, "series_id": sid, "class_id": cid, "ticker": tick,
                             "filing_date": date(2026, 4, 1), "effective_date": date(2026, 4, 1),
                             "management_fee": Decimal("0.0030"),
                             "total_annual_expenses": Decimal("0.0035")})
            x_rows.append({"accession_number": f"0008888889-26-{k:06d}", "class_key": cid,
                           "cik": cik, "series_id": sid, "class_id": cid, "ticker": tick,
                           "filing_date": date(2026, 8, 25), "period_start": date(2025, 7, 1),
                           "period_end": date(2026, 6, 30), "expense_ratio": Decimal("0.0027")})
    t_rows.append({"cik": BIG_CIK, "name": "Big Holdings Trust", "registrant_type": "N-1A",
                   "first_seen": now, "last_seen": now, "active": True})
    seen = {"first_seen": now, "last_seen": now, "active": True}
    s_rows.append({"series_id": BIG_SERIES, "cik": BIG_CIK, "name": "Big Holdings ETF", **seen})
    c_rows.append({"class_id": BIG_CLASS, "series_id": BIG_SERIES, "cik": BIG_CIK,
                   "ticker": BIG_TICKER, **seen})
    e_rows.append({"class_id": BIG_CLASS, "ticker": BIG_TICKER, "series_id": BIG_SERIES,
                   "cik": BIG_CIK, "fund_name": "Big Holdings ETF", "class_name": "Shares",
                   "issuer_name": "Big Holdings Trust", "exchange": "ARCX", "is_etf": True,
                   "decision_source": "ncen", **seen})
    with engine.begin() as conn:
        for table, rows in ((trust, t_rows), (series, s_rows), (share_class, c_rows),
                            (etf, e_rows), (ticker_period, tp_rows), (nport_report, r_rows),
                            (filing, f_rows), (prospectus_fee, fee_rows),
                            (ncsr_expense, x_rows)):
            for start in range(0, len(rows), 5000):
                conn.execute(table.insert(), rows[start:start + 5000])
    data = generate_nport_xml(cik=BIG_CIK, series_id=BIG_SERIES, series_name="Big Holdings ETF",
                              reg_name="Big Holdings Trust", report_date=date(2026, 9, 30),
                              n_holdings=positions, n_derivatives=positions // 100, seed=50)
    with engine.begin() as conn:
        load_nport(conn, data, accession="0008888887-26-000001", filing_date=date(2026, 11, 20),
                   cik=BIG_CIK, url="https://example.invalid/big")
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.execute(text("ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    engine.dispose()
    return tickers


def server_cpu(pid: int) -> float:
    """CPU seconds (user + system) of the server process and its children (uvicorn's
    workers), from /proc: what the requests cost the server whatever the machine's
    load (wall times include waiting for a core)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry) == pid or int(fields[1]) == pid:  # fields[1]: the parent's pid
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def plans(url: str, tickers: list[str]) -> list[str]:
    """Each SQL statement of detail, search (a 2-letter prefix, a common word, a rare
    name) and the holdings' columns, with its plan (EXPLAIN QUERY PLAN on SQLite,
    EXPLAIN ANALYZE on PostgreSQL)."""
    from sqlalchemy import event

    engine = read_only_engine(url)
    calls = {
        "detail": lambda c: Q.etf_detail(c, Q.find_etf(c, tickers[7])),
        "search 'AB'": lambda c: Q.search_etfs(c, "AB"),
        "search 'Equity'": lambda c: Q.search_etfs(c, "Equity"),
        f"search '{tickers[7]}'": lambda c: Q.search_etfs(c, tickers[7]),
        "search 'Big Holdings'": lambda c: Q.search_etfs(c, "Big Holdings"),
        "holdings columns": lambda c: Q.report_holding_columns(
            c, Q.latest_report(c, BIG_SERIES)),
    }
    out = []
    with engine.connect() as conn:
        for label, call in calls.items():
            captured: list = []

            def grab(_conn, _cursor, statement, parameters, _context, _many):
                captured.append((statement, parameters))

            event.listen(engine, "before_cursor_execute", grab)
            try:
                call(conn)
            finally:
                event.remove(engine, "before_cursor_execute", grab)
            if label == "holdings columns":  # read through the DBAPI cursor itself
                from sqlalchemy import select as sa_select

                report = Q.latest_report(conn, BIG_SERIES)
                stmt = sa_select(*Q.HOLDING_COLUMNS).where(
                    Q.holding.c.accession_number == report["accession_number"],
                    Q.holding.c.series_key == report["series_key"]).order_by(
                    Q.holding.c.position)
                compiled = stmt.compile(dialect=conn.dialect)
                params = (tuple(compiled.params[n] for n in compiled.positiontup)
                          if compiled.positiontup else compiled.params)
                captured = [(str(compiled), params)]
            out.append(f"-- {label}")
            for statement, params in captured:
                if not statement.lstrip().upper().startswith("SELECT"):
                    continue
                if engine.dialect.name == "sqlite":
                    rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement,
                                                params).all()
                    plan = "; ".join(r[3] for r in rows)
                else:
                    rows = conn.exec_driver_sql("EXPLAIN ANALYZE " + statement, params).all()
                    plan = "\n    ".join(r[0] for r in rows)
                out.append(f"  {' '.join(statement.split())[:160]}\n    {plan}")
    engine.dispose()
    return out


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def fmt(values: list[float]) -> str:
    return f"p50 {pct(values, 50) * 1000:8.1f} ms  p95 {pct(values, 95) * 1000:8.1f} ms  (n={len(values)})"


def requests_for(tickers: list[str], rng: random.Random):
    def detail():
        return f"/api/etfs/{rng.choice(tickers)}", "detail"

    def search():
        t = rng.choice(tickers)
        q = t[:2] if rng.random() < 0.5 else rng.choice(["Equity", "bond", "Value ETF", t])
        return f"/api/etfs?q={q}", "search"

    def hold_json():
        return f"/api/etfs/{BIG_TICKER}/holdings", "holdings_json"

    def hold_parquet():
        return f"/api/etfs/{BIG_TICKER}/holdings?format=parquet", "holdings_parquet"

    return {"detail": detail, "search": search, "holdings_json": hold_json,
            "holdings_parquet": hold_parquet}


def floor(url: str, tickers: list[str], n: int, n_big: int) -> dict[str, list[float]]:
    """The same SQL (the query functions) with rows serialized, in this process."""
    engine = read_only_engine(url)
    rng = random.Random(7)
    out: dict[str, list[float]] = {"detail": [], "search": [], "holdings_json": [],
                                   "holdings_json_stdlib": [], "detail_cpu": [],
                                   "search_cpu": [], "holdings_json_cpu": []}
    # The fastest serializer at hand (pydantic-core, Rust) for the floor; the stdlib's
    # json.dumps(default=str) is reported beside it for holdings.
    dump = formats.to_json
    with engine.connect() as conn:
        for _ in range(n):
            t0, c0 = time.perf_counter(), time.process_time()
            dump(Q.etf_detail(conn, Q.find_etf(conn, rng.choice(tickers))))
            out["detail"].append(time.perf_counter() - t0)
            out["detail_cpu"].append(time.process_time() - c0)
        for _ in range(n):
            t = rng.choice(tickers)
            q = t[:2] if rng.random() < 0.5 else rng.choice(["Equity", "bond", "Value ETF", t])
            t0, c0 = time.perf_counter(), time.process_time()
            dump(Q.search_etfs(conn, q).rows)
            out["search"].append(time.perf_counter() - t0)
            out["search_cpu"].append(time.process_time() - c0)
        for _ in range(n_big):
            t0, c0 = time.perf_counter(), time.process_time()
            e = Q.find_etf(conn, BIG_TICKER)
            report = Q.holdings_report(conn, e["series_id"])
            t1 = time.perf_counter()
            dump(report)
            t2 = time.perf_counter()
            out["holdings_json_cpu"].append(time.process_time() - c0)
            json.dumps(report, default=str)
            t3 = time.perf_counter()
            out["holdings_json"].append(t2 - t0)
            out["holdings_json_stdlib"].append((t1 - t0) + (t3 - t2))
    engine.dispose()
    return out


def alone(base: str, tickers: list[str], n: int, n_big: int,
          pid: int | None = None) -> dict[str, list[float]]:
    """Wall seconds per request, and under `<kind>_server_cpu` the server's CPU seconds
    per request (its CPU time over the kind's requests / their number)."""
    rng = random.Random(7)
    make = requests_for(tickers, rng)
    out: dict[str, list[float]] = {k: [] for k in make}
    with httpx.Client(base_url=base, timeout=60) as c:
        for kind, count in (("detail", n), ("search", n), ("holdings_json", n_big),
                            ("holdings_parquet", n_big)):
            cpu0 = server_cpu(pid) if pid else 0.0
            if count and pid:
                out[f"{kind}_server_cpu"] = []
            for _ in range(count):
                path, _ = make[kind]()
                t0 = time.perf_counter()
                r = c.get(path)
                out[kind].append(time.perf_counter() - t0)
                assert r.status_code == 200, (path, r.status_code, r.text[:200])
                if kind == "holdings_json":
                    assert len(r.json()["holdings"]) > 0
            if count and pid:
                out[f"{kind}_server_cpu"] = [(server_cpu(pid) - cpu0) / count]
    return out


def under_load(base: str, tickers: list[str], clients: int, seconds: float):
    out: dict[str, list[float]] = {"detail": [], "search": [], "holdings_json": [],
                                   "holdings_parquet": []}
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(i: int) -> None:
        rng = random.Random(100 + i)
        make = requests_for(tickers, rng)
        kinds = ["detail"] * 9 + ["search"] * 9 + ["holdings_json", "holdings_parquet"]
        with httpx.Client(base_url=base, timeout=120) as c:
            while time.monotonic() < stop:
                path, kind = make[rng.choice(kinds)]()
                t0 = time.perf_counter()
                try:
                    r = c.get(path)
                    ok = r.status_code == 200
                    why = f"{r.status_code} {path}"
                except Exception as exc:  # noqa: BLE001 - counted as an error
                    ok, why = False, f"{type(exc).__name__} {path}"
                dt = time.perf_counter() - t0
                with lock:
                    (out[kind].append(dt) if ok else errors.append(why))

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out, errors, time.monotonic() - t0


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--trusts", type=int, default=400)
    ap.add_argument("--series", type=int, default=10)
    ap.add_argument("--positions", type=int, default=50_000)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--requests", type=int, default=200, help="detail/search requests alone")
    ap.add_argument("--big-requests", type=int, default=10, help="holdings requests alone")
    ap.add_argument("--postgres", default=None, metavar="URL",
                    help="run on this PostgreSQL database (a fresh schema, dropped after)")
    ap.add_argument("--port", type=int, default=8765 + 21)
    ap.add_argument("--workers", type=int, default=1, help="serve --workers")
    args = ap.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="api-bench-"))
    schema = None
    if args.postgres:
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        base_url = make_url(args.postgres).set(drivername="postgresql+psycopg2")
        schema = f"api_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(base_url)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = base_url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False)
    else:
        url = f"sqlite:///{tmp / 'warehouse.sqlite'}"
    servers: list[subprocess.Popen] = []

    def start(cache_mb: int, port: int) -> str:
        env = {**os.environ, "ETF_WAREHOUSE_URL": url, "ETF_DATA_DIR": str(tmp / "data"),
               "ETF_API_RATE_PER_MINUTE": "1000000", "ETF_API_CACHE_MB": str(cache_mb)}
        env.pop("ETF_API_KEYS", None)
        proc = subprocess.Popen([str(BIN / "etf-pipeline"), "serve", "--port", str(port),
                                 "--workers", str(args.workers)],
                                env=env, stdout=subprocess.DEVNULL,
                                stderr=open(tmp / f"serve-{port}.log", "w"))
        servers.append(proc)
        base = f"http://127.0.0.1:{port}"
        for _ in range(600):
            try:
                if httpx.get(base + "/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None:
                raise RuntimeError((tmp / f"serve-{port}.log").read_text())
            time.sleep(0.2)
        # Warm-up: the first requests import and compile (Python, Arrow).
        with httpx.Client(base_url=base, timeout=120) as c:
            for path in (f"/api/etfs/{tickers[0]}", "/api/etfs?q=AB",
                         f"/api/etfs/{BIG_TICKER}/holdings",
                         f"/api/etfs/{BIG_TICKER}/holdings?format=parquet"):
                assert c.get(path).status_code == 200, path
            body = c.get(f"/api/etfs/{BIG_TICKER}/holdings").json()
            assert len(body["holdings"]) == args.positions
            assert len(body["derivatives"]) == args.positions // 100
        return base

    def report_load(label: str, base: str) -> tuple[dict, list]:
        load, errors, wall = under_load(base, tickers, args.clients, args.seconds)
        total = sum(len(v) for v in load.values())
        print(f"\nunder load, {label}: {args.clients} clients for {args.seconds:.0f}s "
              f"(all answered after {wall:.1f}s), {total} requests ({total / wall:.1f}/s), "
              f"{len(errors)} errors")
        for kind, values in load.items():
            print(f"  {kind:17s} {fmt(values)}")
        if errors:
            print("  errors:", errors[:5])
        print(f"  load average after: {_load()}", flush=True)
        return load, errors

    try:
        t0 = time.monotonic()
        tickers = build(url, args.trusts, args.series, args.positions)
        print(f"warehouse: {url.split('?')[0]}: {args.trusts} trusts, {len(tickers)} ETF series "
              f"+ one {args.positions:,}-position ETF, built in {time.monotonic() - t0:.1f}s",
              flush=True)
        fl = floor(url, tickers, args.requests, args.big_requests)
        cold = start(0, args.port)  # ETF_API_CACHE_MB=0: every holdings answer built anew
        print(f"load average before the timings: {_load()}", flush=True)
        al = alone(cold, tickers, args.requests, args.big_requests, servers[0].pid)
        print("\nalone (one client; cache off) vs floor (same SQL, rows serialized, in process):")
        for kind in ("detail", "search", "holdings_json", "holdings_parquet"):
            print(f"  {kind:17s} API   {fmt(al[kind])}; server CPU per request "
                  f"{al[kind + '_server_cpu'][0] * 1000:.1f} ms")
            if kind in fl:
                print(f"  {'':17s} floor {fmt(fl[kind])}; CPU p50 "
                      f"{pct(fl[kind + '_cpu'], 50) * 1000:.1f} ms, p95 "
                      f"{pct(fl[kind + '_cpu'], 95) * 1000:.1f} ms")
            if kind == "holdings_json":
                print(f"  {'':17s} floor, stdlib json {fmt(fl['holdings_json_stdlib'])}")
        print(f"load average after the timings alone: {_load()}", flush=True)
        load_cold, errors_cold = report_load("cache off", cold)
        servers[0].terminate()
        warm = start(256, args.port + 1)  # the default cache
        aw = alone(warm, tickers, 0, args.big_requests)
        print("\nalone, default cache (256 MB): "
              f"holdings JSON {fmt(aw['holdings_json'])}; Parquet {fmt(aw['holdings_parquet'])}")
        load_warm, errors_warm = report_load("default cache", warm)

        print("\nquery plans:")
        for line in plans(url, tickers):
            print("  " + line)
        verdict = (lambda ok: "PASS" if ok else "MISS")  # noqa: E731
        ratio = pct(al["holdings_json"], 50) / pct(fl["holdings_json"], 50)
        print()
        print(f"{verdict(pct(al['detail'], 95) < 0.05)}  ETF detail p95 < 50 ms alone: "
              f"{pct(al['detail'], 95) * 1000:.1f} ms")
        print(f"{verdict(pct(al['search'], 95) < 0.05)}  search p95 < 50 ms alone: "
              f"{pct(al['search'], 95) * 1000:.1f} ms")
        print(f"{verdict(ratio <= 2)}  {args.positions:,}-position holdings JSON <= 2x floor "
              f"(p50, cache off): {ratio:.2f}x ({pct(al['holdings_json'], 50):.3f}s vs "
              f"{pct(fl['holdings_json'], 50):.3f}s)")
        print(f"{verdict(pct(al['holdings_parquet'], 50) < 0.5)}  holdings Parquet < 0.5 s "
              f"(p50 alone, cache off): {pct(al['holdings_parquet'], 50):.3f}s; with the "
              f"cache: {pct(aw['holdings_parquet'], 50):.3f}s")
        print(f"{verdict(not errors_cold and not errors_warm)}  no errors under load: "
              f"{len(errors_cold)} (cache off), {len(errors_warm)} (default cache)")
        for label, load in (("cache off", load_cold), ("default cache", load_warm)):
            print(f"{verdict(pct(load['detail'], 95) < 0.05 and pct(load['search'], 95) < 0.05)}"
                  f"  detail and search p95 < 50 ms under load, {label}: "
                  f"{pct(load['detail'], 95) * 1000:.1f} ms, {pct(load['search'], 95) * 1000:.1f} ms")
    finally:
        for server in servers:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
        if schema:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
