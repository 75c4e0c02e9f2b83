"""End to end: `etf-pipeline run-all` against SEC's request floor (issue 8).

    .venv/bin/python -m benchmarks.e2e_bench [--trusts 400] [--series 10] [--holdings 40]
                                             [--rate 10]

A generated corpus (every trust an ETF trust with N-CEN, NPORT-P per series, 485BPOS,
N-CSR, 24F-2NT) is served by the fake EDGAR in this process, which answers 429 above
SEC's 10 requests/s as SEC does. `run-all` runs as a subprocess with the client's rate
at `--rate` (default 8/s, the client's default: at exactly 10/s arrival jitter can put
11 requests in one second) and its own request budget file. Three runs, each in the same data dir:

1. first load (nothing loaded): the fake's clock at Friday 2026-11-20;
2. the next business day after, nothing new filed: the clock at Tuesday 2026-11-24;
3. a refresh with one new filing: an NPORT-P filed on 11-24, the clock at 11-25.

For each: wall time of the command, SEC requests the fake served (429s separately),
and wall / (requests / rate): 1.0 means the run took exactly the time SEC's budget
needs for its requests. Also the bytes the command wrote to the Dagster home (block
writes, /usr/bin/time's "File system outputs": the warehouse, the cache and the budget
file live in /dev/shm, so what remains is Dagster's storage).

Writes nothing outside a temporary directory (and /dev/shm). Figures go in
benchmarks/README.md. Exits 0; prints PASS/MISS per target.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from etf_assets_tests.fake_edgar.build import build_corpus, generated_trust, nport_filing
from etf_assets_tests.fake_edgar.server import FakeEdgar

BIN = Path(sys.executable).parent
USER_AGENT = "ETF Platform Bench bench@example.com"
TIME = shutil.which("time") or ("/usr/bin/time" if os.path.exists("/usr/bin/time") else None)


def _run_all(env: dict, edgar: FakeEdgar, rate: float, label: str) -> dict:
    edgar.reset()
    cmd = [str(BIN / "etf-pipeline"), "run-all"]
    if TIME:
        cmd = [TIME, "-f", "__blocks_out=%O", *cmd]
    t0 = time.monotonic()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.monotonic() - t0
    served = edgar.served()
    statuses = [r.status for r in served]
    requests = len(served)
    blocks = re.search(r"__blocks_out=(\d+)", proc.stderr)
    summary = next((ln for ln in proc.stdout.splitlines() if " succeeded, " in ln), "")
    runs = len(re.findall(r"trust\(s\) in one run", proc.stdout))
    out = {
        "label": label, "exit": proc.returncode, "wall_s": round(wall, 1),
        "requests": requests, "http_429": statuses.count(429),
        "floor_s": round(requests / rate, 1),
        "ratio": round(wall / (requests / rate), 2) if requests else None,
        "dagster_home_mb_written": round(int(blocks[1]) * 512 / 1e6, 1) if blocks else None,
        "runs": runs, "summary": summary,
    }
    if proc.returncode != 0:
        out["tail"] = (proc.stdout + proc.stderr)[-2000:]
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--trusts", type=int, default=400)
    p.add_argument("--series", type=int, default=10, help="ETF series per trust")
    p.add_argument("--holdings", type=int, default=40, help="positions per N-PORT")
    p.add_argument("--rate", type=float, default=8.0,
                   help="the client's requests/s (default: its default, 8)")
    p.add_argument("--workers", type=int, default=None, help="ETF_TRUST_WORKERS")
    args = p.parse_args(argv)

    first_day, next_day, refresh_day = date(2026, 11, 20), date(2026, 11, 24), date(2026, 11, 25)
    t0 = time.monotonic()
    corpus = build_corpus(real_tickers=False, real_filings=False,
                          generated_trusts=args.trusts, series_per_trust=args.series,
                          holdings_per_series=args.holdings, today=first_day)
    etf_series = sum(1 for s in (generated_trust(i, args.series)[2]
                                 for i in range(args.trusts)) for x in s if x.is_etf)
    edgar = FakeEdgar(corpus).start()
    print(f"corpus: {args.trusts} trusts, {etf_series} ETF series, "
          f"{len(corpus.filings)} filings (built in {time.monotonic() - t0:.0f}s); "
          f"client rate {args.rate:g}/s, fake EDGAR answers 429 above 10/s", flush=True)
    work = Path(tempfile.mkdtemp(prefix="e2e-bench-"))
    shm = Path(tempfile.mkdtemp(prefix="e2e-bench-", dir="/dev/shm"
                                if os.path.isdir("/dev/shm") else None))
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("ETF_", "EDGAR_", "SEC_", "DAGSTER_"))}
    env = {**base, "ETF_DATA_DIR": str(shm), "DAGSTER_HOME": str(work / "dagster-home"),
           "EDGAR_BASE_URL": edgar.url, "EDGAR_DATA_URL": edgar.url,
           "SEC_USER_AGENT": USER_AGENT, "SEC_REQUESTS_PER_SECOND": str(args.rate),
           "ETF_RATE_LIMIT_URL": str(shm / "budget.state"),
           # a 429 would pause all traffic 10 minutes; it is counted and reported instead
           "SEC_RATE_LIMIT_PAUSE_SECONDS": "5"}
    if args.workers:
        env["ETF_TRUST_WORKERS"] = str(args.workers)
    results = []
    try:
        results.append(_run_all({**env, "ETF_EDGAR_TODAY": first_day.isoformat()}, edgar,
                                args.rate, "first load"))
        print(results[-1], flush=True)
        edgar.set_today(next_day)
        results.append(_run_all({**env, "ETF_EDGAR_TODAY": next_day.isoformat()}, edgar,
                                args.rate, "next day, nothing new"))
        print(results[-1], flush=True)
        i = args.trusts // 2
        cik, name, series = generated_trust(i, args.series)
        corpus.add(nport_filing(cik, name, corpus.accessions.next(2026), series[0].series_id,
                                series[0].name, series[0].classes, date(2026, 10, 31),
                                next_day, n_holdings=args.holdings, n_derivatives=1, seed=99))
        edgar.set_today(refresh_day)
        results.append(_run_all({**env, "ETF_EDGAR_TODAY": refresh_day.isoformat()}, edgar,
                                args.rate, "refresh, one new NPORT-P"))
        print(results[-1], flush=True)
    finally:
        edgar.stop()
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(shm, ignore_errors=True)

    first, second, refresh = results
    print("\n| run | wall s | SEC requests | 429s | requests / rate s | ratio | "
          "Dagster home MB written | runs |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['label']} | {r['wall_s']} | {r['requests']} | {r['http_429']} | "
              f"{r['floor_s']} | {r['ratio']} | {r['dagster_home_mb_written']} | {r['runs']} |")
    per_trust = (first["dagster_home_mb_written"] or 0) / args.trusts
    print(f"\nDagster home written per trust on the first load: {per_trust:.2f} MB")
    verdict = lambda ok: "PASS" if ok else "MISS"  # noqa: E731
    print(f"{verdict(first['ratio'] is not None and first['ratio'] <= 1.2)} first load "
          f"ratio {first['ratio']} (target <= 1.2)")
    print(f"{verdict(refresh['ratio'] is not None and refresh['ratio'] <= 1.2)} refresh "
          f"ratio {refresh['ratio']} (target <= 1.2)")
    print(f"{verdict(second['requests'] <= 5 and second['wall_s'] < 10)} nothing new: "
          f"{second['requests']} requests, {second['wall_s']} s (target <= 5, < 10 s)")
    if any(r["exit"] for r in results) or any(r["http_429"] for r in results):
        print("WARNING: a run failed or SEC's limit was hit:",
              [r.get("tail") for r in results if r["exit"]])
    return 0


if __name__ == "__main__":
    sys.exit(main())
