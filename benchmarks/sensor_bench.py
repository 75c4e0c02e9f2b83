"""Freshness tick over many trust partitions: daily index vs one submissions JSON per CIK.

    python -m benchmarks.sensor_bench [--partitions 5000] [--per-cik-sample 80]

Sets up a Dagster test instance with N loaded partitions (each with an N-PORT and an
N-CEN data version), a fake EDGAR with nothing new, and measures:
  * the sensor's tick (evaluate_freshness) for one new business day: time and SEC requests;
  * the per-CIK approach (seed 000: one submissions request per trust), measured on a
    sample of CIKs through the same rate-limited client and extrapolated to N.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import date

from dagster import AssetMaterialization, instance_for_test
from dagster._core.definitions.data_version import DATA_VERSION_TAG


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--partitions", type=int, default=5000)
    p.add_argument("--per-cik-sample", type=int, default=80)
    args = p.parse_args()
    tmp = tempfile.mkdtemp(prefix="sensor-bench-")
    os.environ.update({
        "ETF_DATA_DIR": tmp, "SEC_USER_AGENT": "ETF Bench bench@example.com",
        "ETF_CACHE_TTL_SECONDS": "0", "DAGSTER_HOME": os.path.join(tmp, "dh"),
    })
    from etf_assets.edgar.client import SecClient
    from etf_assets.edgar.submissions import parse_submissions
    from etf_assets.freshness.sensors import evaluate_freshness
    from etf_assets.freshness.stale import read_states, stale_groups_from_submissions
    from etf_assets.partitions import CIK_PARTITIONS_NAME
    from etf_assets.warehouse.engine import make_engine
    from etf_assets_tests.fake_edgar.build import build_corpus
    from etf_assets_tests.fake_edgar.server import FakeEdgar

    ciks = [f"{101 + i:010d}" for i in range(args.partitions)]
    corpus = build_corpus(real_tickers=False, real_filings=False, generated_trusts=0,
                          today=date(2026, 11, 24))
    corpus.tickers_mf["data"] = [[int(c), "S000000001", f"C{i:09d}", "ABCD"]
                                 for i, c in enumerate(ciks)]
    with FakeEdgar(corpus) as edgar, instance_for_test() as instance:
        os.environ["EDGAR_BASE_URL"] = os.environ["EDGAR_DATA_URL"] = edgar.url
        instance.add_dynamic_partitions(CIK_PARTITIONS_NAME, ciks)
        t0 = time.monotonic()
        for cik in ciks:
            for key in ("holdings", "etf_classification"):
                instance.report_runless_asset_event(AssetMaterialization(
                    key, partition=cik,
                    tags={DATA_VERSION_TAG: "2026-11-19|0009999999-26-000001"}))
        print(f"setup: {2 * len(ciks)} materializations in {time.monotonic() - t0:.0f}s")
        client = SecClient.from_env()
        engine = make_engine()

        edgar.reset()
        t0 = time.monotonic()
        tick = evaluate_freshness(instance, client, engine, {"last_index_day": "2026-11-20"},
                                  date(2026, 11, 24))
        tick_s = time.monotonic() - t0
        print(f"sensor tick over {len(ciks)} partitions, 1 new business day: "
              f"{tick_s:.2f}s, {len(edgar.served())} SEC request(s), "
              f"{len(tick.run_requests)} run request(s)")

        edgar.reset()
        sample = ciks[: args.per_cik_sample]
        t0 = time.monotonic()
        states = read_states(instance, sample)
        stale = 0
        for cik in sample:
            filings = parse_submissions(client.submissions(cik), cik)
            stale += bool(stale_groups_from_submissions(filings, states[cik]))
        per = (time.monotonic() - t0) / len(sample)
        print(f"per-CIK submissions: {len(edgar.served())} requests for {len(sample)} CIKs "
              f"({per * 1000:.0f} ms each at the rate limit) -> {len(ciks)} requests, "
              f"~{per * len(ciks):.0f}s for {len(ciks)} partitions")


if __name__ == "__main__":
    main()
