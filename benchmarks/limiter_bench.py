"""SEC budget under contention: several processes, one machine-wide limiter.

    .venv/bin/python -m benchmarks.limiter_bench [--rate 10] [--procs 3] [--seconds 20]
        [--code DIR] [--redis redis://127.0.0.1:6379/0]

A fake EDGAR in this process (it answers 429 past 10 arrivals in any sliding second, as
SEC does) and `--procs` worker processes, each fetching a never-cached submissions JSON
through `SecClient` as fast as the limiter lets it for `--seconds`. Reports requests/s
over the run, the most arrivals in any 1-s window at the fake (SEC's view), and the
429s. `--code DIR`: the workers import `etf_assets` from DIR (e.g. an older checkout,
`git archive main etf_assets | tar -x -C DIR`) to compare limiters on the same fake.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from etf_assets_tests.fake_edgar.build import build_corpus
from etf_assets_tests.fake_edgar.server import FakeEdgar

USER_AGENT = "Limiter Bench bench@example.com"

_WORKER = """
import sys, time
from etf_assets.edgar.client import SecClient, SecHttpError
c = SecClient.from_env(user_agent=sys.argv[1], base_url=sys.argv[2], data_url=sys.argv[2],
                       rate_limit_url=sys.argv[3], cache_dir=sys.argv[4], max_retries=0,
                       requests_per_second=float(sys.argv[6]), disposable_ttl_seconds=0,
                       pause_seconds=1, max_pauses=1000)
end = time.time() + float(sys.argv[5])
while time.time() < end:
    c.get(sys.argv[2] + "/submissions/CIK0001496608.json")  # never cached
"""


def run(rate: float, procs: int, seconds: float, code: str | None, budget: str | None) -> dict:
    edgar = FakeEdgar(build_corpus(generated_trusts=0, real_tickers=False)).start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            env = dict(os.environ)
            if code:
                env["PYTHONPATH"] = code  # the workers' etf_assets (and nothing of ours)
            state = budget or str(Path(tmp) / "budget.state")
            if state.startswith("redis://"):
                import redis

                redis.Redis.from_url(state).delete(
                    "etf-pipeline:sec:next", "etf-pipeline:sec:paused",
                    "etf-pipeline:sec:grants", "etf-pipeline:sec:seq")
            workers = [subprocess.Popen(
                [sys.executable, "-c", _WORKER, USER_AGENT, edgar.url, state,
                 str(Path(tmp) / f"cache{i}"), str(seconds), str(rate)],
                env=env, cwd=code or None, stderr=subprocess.PIPE, text=True)
                for i in range(procs)]
            errs = [w.communicate(timeout=seconds + 120)[1] for w in workers]
            if any(w.returncode for w in workers):
                raise SystemExit("a worker failed:\n" + "\n".join(e[-2000:] for e in errs))
        records = edgar.served()
    finally:
        edgar.stop()
    times = sorted(r.t for r in records)
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    ok = [r for r in records if r.status == 200]
    return {
        "requests": len(records),
        "requests_per_s": round(len(ok) / span, 2) if span else 0.0,
        "max_per_1s_window": FakeEdgar.max_per_window(records),
        "max_per_5s_window": FakeEdgar.max_per_window(records, window=5.0),
        "429s": len(edgar.served(429)),
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rate", type=float, default=10.0)
    ap.add_argument("--procs", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--code", help="directory the workers import etf_assets from")
    ap.add_argument("--redis", help="a Redis URL for the budget instead of a state file")
    args = ap.parse_args(argv)
    t0 = time.time()
    out = run(args.rate, args.procs, args.seconds, args.code, args.redis)
    out["wall_s"] = round(time.time() - t0, 1)
    print(" ".join(f"{k}={v}" for k, v in out.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
