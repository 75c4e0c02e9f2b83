"""One process of test_rate_window.py: takes grants from a shared limiter and "sends".

Usage: python -m etf_assets_tests.rate_window_worker URL RATE COUNT SEED OUT

Each of COUNT grants waits a random 0-30 ms before its send (a connection opening: the
window must start at the send, not at the grant); one in eight is released unsent (a
connection that failed). The send stamps the limiter recorded go to OUT, one a line.
"""

from __future__ import annotations

import random
import sys
import time

from etf_assets.edgar.ratelimit import make_rate_limiter


def main(argv: list[str]) -> int:
    url, rate, count, seed, out = argv[0], float(argv[1]), int(argv[2]), int(argv[3]), argv[4]
    rng = random.Random(seed)
    limiter = make_rate_limiter(url, rate)
    stamps = []
    for _ in range(count):
        grant = limiter.acquire()
        time.sleep(rng.uniform(0, 0.03))
        if rng.random() < 1 / 8:
            limiter.release(grant)
            continue
        stamps.append(limiter.mark_sent(grant))
        limiter.release(grant)  # a no-op: sent
    with open(out, "w") as fh:
        fh.writelines(f"{s!r}\n" for s in stamps)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
