"""Explorer page benchmark: server time of the HTML pages (render included), in process.

    .venv/bin/python -m benchmarks.explorer_bench [--positions 50000] [--repeat 30]

Builds the serving tests' warehouse (etf_assets_tests/serve_warehouse.py: DIA's real
N-PORT, the generated trust's AAAA with fees, returns, flows, per-share) in a temporary
SQLite file, adds one generated NPORT-P of `--positions` positions as AAAA's newest
report, then requests each page `--repeat` times through Starlette's TestClient (no
network; the app's read-only engine) and prints p50 / p95 per page (the API's own
figures: benchmarks/api_bench.py). Always exits 0: a report. Target: the ETF
page of a 50,000-position fund p95 < 0.5 s (it reads its top 25 positions in SQL).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

TARGET_S = 0.5


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--positions", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    from fastapi.testclient import TestClient

    from etf_assets.nport.load import load_nport
    from etf_assets.serve.app import create_app, read_only_engine
    from etf_assets.warehouse.engine import make_engine
    from etf_assets_tests.fake_edgar.generate import generate_nport_xml
    from etf_assets_tests.serve_warehouse import GEN_CIK, load_serve_warehouse

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'warehouse.sqlite'}"
        engine = make_engine(url)
        load_serve_warehouse(engine)
        doc = generate_nport_xml(cik=GEN_CIK, series_id="S900000000",
                                 series_name="Fakeshares AAAA ETF",
                                 reg_name="Fakeshares Trust 001",
                                 report_date=date(2026, 12, 31), n_holdings=args.positions,
                                 n_derivatives=args.positions // 100, seed=7,
                                 class_ids=["C900000000"])
        with engine.begin() as conn:
            load_nport(conn, doc, accession="0009999999-27-000001",
                       filing_date=date(2027, 2, 20), cik=GEN_CIK,
                       url="https://example.invalid/bench")
        engine.dispose()
        app = create_app(read_only_engine(url), api_keys=frozenset(), rate_per_minute=10**9)
        pages = ["/etfs/AAAA", "/etfs/DIA", "/?q=fake", "/trusts/101", "/filings"]
        print(f"explorer pages, {args.repeat} requests each; AAAA's newest N-PORT holds "
              f"{args.positions:,} positions")
        with TestClient(app, client=("127.0.0.1", 50000)) as client:
            for path in pages:
                assert client.get(path).status_code == 200, path  # warm-up
                times = []
                for _ in range(args.repeat):
                    start = time.perf_counter()
                    response = client.get(path)
                    times.append(time.perf_counter() - start)
                    assert response.status_code == 200
                p50, p95 = statistics.median(times), _percentile(times, 0.95)
                print(f"  {path:<28} p50 {p50 * 1000:8.1f} ms  p95 {p95 * 1000:8.1f} ms  "
                      f"{len(response.content):>10,} bytes")
                if path == "/etfs/AAAA":
                    verdict = "PASS" if p95 < TARGET_S else "MISS"
                    print(f"  {verdict}: ETF page of a {args.positions:,}-position fund "
                          f"p95 {p95:.3f} s (target < {TARGET_S} s)")


if __name__ == "__main__":
    main()
