"""Hostile documents (etf_assets_tests/fake_edgar/hostile.py): each attack on each
document kind parsed and loaded into a fresh SQLite warehouse as run-all would, one
filing per child process (its own peak memory), under the per-filing time budget.

    .venv/bin/python -m benchmarks.hostile_bench [--budget SECONDS]

Prints, per document: its size, the outcome (loaded / skipped / failed, with the
reason), wall time and the child's peak RSS; then the worst.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time

FORMS = ("N-CEN", "NPORT-P", "24F-2NT", "485BPOS", "N-CSR")


def one(attack: str, form: str, budget: float) -> dict:
    """Child: build the document, load it the way its slice does, report."""
    import os
    from datetime import date

    from etf_assets import limits
    from etf_assets_tests.fake_edgar.build import build_corpus
    from etf_assets_tests.fake_edgar.hostile import add_hostile_trusts

    corpus = build_corpus(real_tickers=False, real_filings=False, generated_trusts=0)
    add_hostile_trusts(corpus, attacks=(attack,))
    f = next(f for f in corpus.filings if f.form == form)
    if form == "N-CEN" and attack != "entities":
        from etf_assets_tests.fake_edgar.hostile import make_hostile
        make_hostile(f, attack)
    doc = f.document(f.primary_document)
    tmp = tempfile.mkdtemp()
    os.environ["ETF_WAREHOUSE_URL"] = f"sqlite:///{tmp}/w.db"
    from etf_assets.warehouse.engine import make_engine

    engine = make_engine()
    kw = dict(accession=f.accession, filing_date=f.filing_date, cik=f"{f.cik:010d}",
              form=form, url="http://x", acceptance_datetime=f.acceptance)
    t0 = time.monotonic()
    outcome = "loaded"
    try:
        with limits.within(limits.new_budget(budget)), engine.begin() as conn:
            if form == "N-CEN":
                from etf_assets.universe.parse import parse_ncen
                parse_ncen(doc)
            elif form == "NPORT-P":
                from etf_assets.nport.load import load_nport
                load_nport(conn, doc, sha256="0" * 64, **kw)
            elif form == "24F-2NT":
                from etf_assets.flows.load import load_24f2
                load_24f2(conn, doc, **kw)
            elif form == "485BPOS":
                from etf_assets.prospectus.load import load_prospectus
                load_prospectus(conn, doc, report_date=None, **kw)
            else:
                from etf_assets.ncsr.load import load_ncsr
                load_ncsr(conn, doc, report_date=f.report_date, **kw)
    except limits.LimitExceeded as exc:
        outcome = f"failed: {str(exc)[:90]}"
    except Exception as exc:  # noqa: BLE001 - what the slice records (failed/skipped)
        outcome = f"{type(exc).__name__}: {str(exc)[:90]}"
    return {"attack": attack, "form": form, "mb": len(doc) / 1e6,
            "seconds": time.monotonic() - t0, "outcome": outcome,
            "peak_mb": _peak_mb()}


def _peak_mb() -> float:
    """VmHWM: ru_maxrss would carry the parent's peak across fork+exec."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--budget", type=float, default=300.0)
    p.add_argument("--child", nargs=2, metavar=("ATTACK", "FORM"))
    args = p.parse_args(argv)
    if args.child:
        print(json.dumps(one(*args.child, args.budget)))
        return
    from etf_assets_tests.fake_edgar.hostile import ATTACKS

    rows = []
    for attack in ATTACKS:
        for form in FORMS:
            out = subprocess.run([sys.executable, "-m", "benchmarks.hostile_bench",
                                  "--budget", str(args.budget), "--child", attack, form],
                                 capture_output=True, text=True, timeout=args.budget + 120)
            if out.returncode:
                print(out.stderr[-2000:])
                raise SystemExit(1)
            r = json.loads(out.stdout.strip().splitlines()[-1])
            rows.append(r)
            print(f"{attack:10} {form:8} {r['mb']:7.2f} MB {r['seconds']:7.2f} s "
                  f"{r['peak_mb']:6.0f} MB peak  {r['outcome']}", flush=True)
    slow = max(rows, key=lambda r: r["seconds"])
    big = max(rows, key=lambda r: r["peak_mb"])
    print(f"worst time: {slow['attack']} {slow['form']} {slow['seconds']:.2f} s; "
          f"worst peak memory: {big['attack']} {big['form']} {big['peak_mb']:.0f} MB")


if __name__ == "__main__":
    main()
