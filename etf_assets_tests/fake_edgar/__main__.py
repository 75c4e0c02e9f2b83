"""Run the fake EDGAR standalone: `python -m etf_assets_tests.fake_edgar --port 8765`.

Point the pipeline at it with EDGAR_BASE_URL=EDGAR_DATA_URL=http://127.0.0.1:8765.
"""

from __future__ import annotations

import argparse
import signal
import threading
from datetime import date

from etf_assets_tests.fake_edgar.build import build_corpus
from etf_assets_tests.fake_edgar.server import Faults, FakeEdgar


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m etf_assets_tests.fake_edgar",
                                description="A local fake SEC EDGAR for development and tests.")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--trusts", type=int, default=10, help="generated trusts (default 10)")
    p.add_argument("--series", type=int, default=2, help="ETF series per generated trust")
    p.add_argument("--holdings", type=int, default=25, help="positions per N-PORT")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--today", type=date.fromisoformat, default=date(2026, 11, 20),
                   help="the fake clock: later filings stay invisible (default 2026-11-20)")
    p.add_argument("--no-real-tickers", action="store_true",
                   help="serve only generated trusts in company_tickers_mf.json")
    p.add_argument("--lifecycle-story", action="store_true",
                   help="trust 101 proposes, delays, makes effective, lists and deregisters "
                        "a fund from 2026-12-01 on (move the clock to see each step)")
    p.add_argument("--error-rate", type=float, default=0.0)
    p.add_argument("--timeout-rate", type=float, default=0.0)
    p.add_argument("--truncate-rate", type=float, default=0.0)
    p.add_argument("--hostile", action="store_true",
                   help="add one trust per hostile-document attack (fake_edgar/hostile.py)")
    args = p.parse_args(argv)
    corpus = build_corpus(real_tickers=not args.no_real_tickers, generated_trusts=args.trusts,
                          series_per_trust=args.series, holdings_per_series=args.holdings,
                          seed=args.seed, today=args.today,
                          lifecycle_story=args.lifecycle_story)
    if args.hostile:
        from etf_assets_tests.fake_edgar.hostile import add_hostile_trusts

        add_hostile_trusts(corpus)
    faults = Faults(error_rate=args.error_rate, timeout_rate=args.timeout_rate,
                    truncate_rate=args.truncate_rate)
    edgar = FakeEdgar(corpus, host=args.host, port=args.port, faults=faults).start()
    print(f"fake EDGAR on {edgar.url} (today {corpus.today}, {len(corpus.filings)} filings, "
          f"{len(corpus.tickers_mf['data'])} classes)", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    edgar.stop()


if __name__ == "__main__":
    main()
