"""`etf-pipeline ui` stops all of `dagster dev`'s processes (etf_assets/supervise.py):
a supervisor started in the background (SIGINT ignored, as `make demo-ui &` gets it) is
sent SIGINT, SIGTERM or SIGHUP; it and the whole tree under it (a child that starts two
servers, one of which ignores SIGINT) are gone within seconds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# Stands in for `dagster dev`: writes its pid and two children's pids, then waits.
TREE = textwrap.dedent("""
    import subprocess, sys, time
    out = sys.argv[1]
    kids = [subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"]),
            subprocess.Popen([sys.executable, "-c",
                              "import signal, time; "
                              "signal.signal(signal.SIGINT, signal.SIG_IGN); time.sleep(300)"])]
    import os
    with open(out, "w") as f:
        f.write(" ".join(str(p) for p in [os.getpid(), *(k.pid for k in kids)]))
    time.sleep(300)
""")

SUPERVISOR = ("import sys; from etf_assets import supervise; "
              "sys.exit(supervise.run([sys.executable, sys.argv[1], sys.argv[2]], grace=1.0))")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by its parent) is not running.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_supervisor_stops_the_whole_tree_even_when_started_in_background(tmp_path, sig):
    tree, pids_file = tmp_path / "tree.py", tmp_path / "pids"
    tree.write_text(TREE)

    def background() -> None:  # what `cmd &` in a non-interactive shell does
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        os.setpgrp()

    proc = subprocess.Popen([sys.executable, "-c", SUPERVISOR, str(tree), str(pids_file)],
                            cwd=REPO, preexec_fn=background, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not (pids_file.exists() and len(pids_file.read_text().split()) == 3):
        assert time.monotonic() < deadline and proc.poll() is None, proc.stderr.read()
        time.sleep(0.1)
    pids = [int(p) for p in pids_file.read_text().split()]
    assert all(_alive(p) for p in pids)
    t0 = time.monotonic()
    proc.send_signal(sig)
    assert proc.wait(timeout=20) == 128 + sig
    assert time.monotonic() - t0 < 10
    deadline = time.monotonic() + 5
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [p for p in pids if _alive(p)], "left running"
