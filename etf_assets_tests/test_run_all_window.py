"""run-all --since ... --until ... (issue 24): a window of filing dates, both days
included; --until alone, a bad date or an inverted window exit 2 with one line."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from etf_assets.cli import main, parse_window
from etf_assets.warehouse.engine import make_engine
from etf_assets.warehouse.tables import filing
from etf_assets_tests.conftest import start_fake


def _accessions() -> dict[str, str]:
    with make_engine().connect() as conn:
        return dict(conn.execute(select(filing.c.accession_number, filing.c.form)
                                 .where(filing.c.cik == "0000000102")).all())


def test_window_loads_only_filings_filed_inside_it(capsys, sec_env):
    """Fake trust 102 (fake_edgar/build.py): N-CEN 0009999999-26-000005 (filed
    2026-03-03), 485BPOS -000006 (04-02), NPORT-P -000007 (08-21, report 06-30) and
    N-CSR 0009999930-26-000003 (08-26) are filed inside [2026-03-01, 2026-08-31];
    NPORT-P -000008 (11-11) and 24F-2NT 0009999924-26-000012 (11-14) after it, N-CSRS
    0009999930-26-000004 (02-25) before it. Then --since alone loads the later two."""
    with start_fake(generated_trusts=2, real_tickers=False, real_filings=False,
                    series_per_trust=1, holdings_per_series=8) as edgar:
        sec_env(edgar)
        assert main(["run-all", "--cik", "102", "--since", "2026-03-01",
                     "--until", "2026-08-31"]) == 0
        out = capsys.readouterr().out
        assert "N-PORT 1 filing(s), 8 holdings" in out, out
        assert _accessions() == {
            "0009999999-26-000005": "N-CEN", "0009999999-26-000006": "485BPOS",
            "0009999999-26-000007": "NPORT-P", "0009999930-26-000003": "N-CSR"}
        # The window's end is what left the later ones out: without it they load.
        assert main(["run-all", "--cik", "102", "--since", "2026-03-01"]) == 0
        capsys.readouterr()
        later = set(_accessions()) - {"0009999999-26-000005", "0009999999-26-000006",
                                      "0009999999-26-000007", "0009999930-26-000003"}
        assert later == {"0009999999-26-000008", "0009999924-26-000012"}


@pytest.mark.parametrize("args, message", [
    (["--since", "2026-03-01", "--until", "2026-02-30"],
     "--until '2026-02-30' is not a date (YYYY-MM-DD)"),
    (["--since", "2026-03-01", "--until", "2026-02-28"],
     "--until 2026-02-28 is before --since 2026-03-01"),
    (["--until", "2026-08-31"], "--until needs --since (a window of filing dates)"),
])
def test_bad_window_exits_2_with_one_line(args, message, capsys, sec_env):
    with start_fake(generated_trusts=1, real_tickers=False, real_filings=False) as edgar:
        sec_env(edgar)
        assert main(["run-all", *args]) == 2
        err = capsys.readouterr().err
        assert err == f"etf-pipeline: error: {message}\n"
        assert edgar.served() == []  # refused before any SEC request


def test_parse_window():
    assert parse_window("2026-03-01", "2026-03-01") == (date(2026, 3, 1), date(2026, 3, 1))
    assert parse_window("2026-03-01", None) == (date(2026, 3, 1), None)
    assert parse_window(None, None) == (None, None)
