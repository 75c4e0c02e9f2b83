"""Bounded parsing (etf_assets/limits.py): size limits checked while reading, a
per-filing time budget, and a run-all against hostile documents of every kind
(etf_assets_tests/fake_edgar/hostile.py) that loads every other trust."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from etf_assets import limits
from etf_assets.cli import main
from etf_assets.ncsr.parse import parse_ncsr
from etf_assets.nport.parse import parse_nport
from etf_assets.prospectus.parse import parse_485bpos
from etf_assets.warehouse.engine import make_engine
from etf_assets.warehouse.tables import filing_failure
from etf_assets_tests.fake_edgar.build import build_corpus, nport_filing
from etf_assets_tests.fake_edgar.hostile import ATTACKS, add_hostile_trusts
from etf_assets_tests.fake_edgar.server import FakeEdgar


def _ticking(step: float = 1.0):
    """A clock that moves `step` seconds each time it is read."""
    counter = itertools.count()
    return lambda: next(counter) * step


@pytest.fixture(scope="module")
def hostile_corpus():
    corpus = build_corpus(real_tickers=False, real_filings=False, generated_trusts=1)
    attacks = add_hostile_trusts(corpus)
    return corpus, attacks


def _doc(corpus, attacks, attack: str | None, form: str) -> bytes:
    cik = 101 if attack is None else next(c for c, a in attacks.items() if a == attack)
    f = next(f for f in corpus.filings if f.cik == cik and f.form == form)
    return f.document(f.primary_document)


def test_number_problem():
    assert limits.number_problem("123.45") is None
    assert limits.number_problem("1e5") is None
    assert "41 digits" in limits.number_problem("9" * 41)
    assert "exponent 999999999" in limits.number_problem("9E+999999999")


def test_budget_raises_once_spent_and_only_inside_its_block():
    budget = limits.FilingBudget(2.5, clock=_ticking())  # started at 0
    with limits.within(budget):
        limits.check_time()  # 1
        limits.check_time()  # 2
        with pytest.raises(limits.BudgetExceeded, match="after 2.5s"):
            limits.check_time()  # 3
    limits.check_time()  # no budget outside: no-op


def test_parsers_check_the_budget_while_reading(hostile_corpus):
    """An ordinary generated N-CSR and NPORT-P parse under a budget that is never spent,
    and fail with BudgetExceeded under one that a ticking clock spends."""
    corpus, attacks = hostile_corpus
    ncsr = _doc(corpus, attacks, None, "N-CSR")
    f = nport_filing(101, "T", "0000000000-26-000001", "S000000001", "S", [],
                     date(2026, 9, 30), date(2026, 11, 1), n_holdings=300, n_derivatives=0,
                     seed=1)
    nport = f.document(f.primary_document)  # checked every 256 positions
    with limits.within(limits.FilingBudget(1e9, clock=_ticking())):
        assert parse_ncsr(ncsr).report is not None
    for parse, doc in ((parse_ncsr, ncsr), (parse_nport, nport)):
        with limits.within(limits.FilingBudget(0.5, clock=_ticking())):
            with pytest.raises(limits.BudgetExceeded):
                parse(doc)


def test_wide_highlights_table_fails_its_filing(hostile_corpus):
    corpus, attacks = hostile_corpus
    with pytest.raises(limits.LimitExceeded, match="more than 200 columns in one table row"):
        parse_ncsr(_doc(corpus, attacks, "wide", "N-CSR"))


def test_absurd_numbers_are_skipped_facts_with_reasons(hostile_corpus):
    """5,000-digit values and scale 999999999 in a 485BPOS: each fact skipped with the
    reason, nothing computed with them (10**999999999 took minutes before)."""
    corpus, attacks = hostile_corpus
    doc = parse_485bpos(_doc(corpus, attacks, "numbers", "485BPOS"))
    reasons = " ".join(s.reason for s in doc.skipped)
    assert "number with 5000 digits" in reasons
    for value in _decimals(doc):
        assert len(value.as_tuple().digits) <= 40


def _decimals(obj, depth: int = 0):
    if depth > 4:
        return
    if isinstance(obj, Decimal):
        yield obj
    elif isinstance(obj, (list, tuple)):
        for x in obj:
            yield from _decimals(x, depth + 1)
    elif hasattr(obj, "__dataclass_fields__"):
        for name in obj.__dataclass_fields__:
            yield from _decimals(getattr(obj, name), depth + 1)


def test_run_all_with_hostile_filings_loads_every_other_trust(capsys, sec_env):
    """One ordinary trust and one trust per attack (wide, deep, entities, numbers,
    truncated), each serving hostile NPORT-P, 24F-2NT, 485BPOS and N-CSR documents (and
    N-CEN for `entities`): run-all loads the ordinary trust in full, and each hostile
    trust is FAILED with every hostile filing's accession and reason, or loads what was
    readable (a widened 485BPOS keeps one value per fact slot; the deep HTML documents
    are skipped as unreadable, with the reason)."""
    corpus = build_corpus(real_tickers=False, real_filings=False, generated_trusts=1)
    attacks = add_hostile_trusts(corpus)
    with FakeEdgar(corpus).start() as edgar:
        sec_env(edgar)
        assert main(["run-all"]) == 1
    out = capsys.readouterr().out
    assert "1 succeeded, 5 failed, 0 skipped" in out
    assert "0000000101 Fakeshares Trust 001: N-CEN" in out
    failed = {line.split()[1]: line for line in out.splitlines()
              if line.startswith("  failed ")}
    by_attack = {a: failed[f"{cik:010d}:"] for cik, a in attacks.items()}
    assert set(by_attack) == set(ATTACKS)
    expected = {
        "wide": ["ncsr:", "more than 200 columns in one table row"],
        "deep": ["nport:", "flows:", "Excessive depth"],
        "entities": ["ncen:", "entity amplification"],
        "numbers": ["nport:", "flows:", "out of range (10^30 or more)", "chars)"],
        "truncated": ["nport:", "flows:", "Premature end of data"],
    }
    for attack, needles in expected.items():
        for needle in needles:
            assert needle in by_attack[attack], (attack, needle, by_attack[attack][:500])
    # Every hostile NPORT-P (each report of the default depth is read) is named, and
    # counted in filing_failure (etf_assets/warehouse/failures.py) with its reason.
    with make_engine().connect() as conn:
        counted = {r.accession_number: r for r in conn.execute(select(filing_failure))}
    for f in corpus.filings:
        attack = attacks.get(f.cik)
        if attack in ("deep", "numbers", "truncated") and f.form == "NPORT-P":
            assert f"{f.accession}: " in by_attack[attack], (attack, f.accession)
            assert counted[f.accession].failures == 1
            assert counted[f.accession].last_reason in by_attack[attack] or \
                counted[f.accession].last_reason[:100] in by_attack[attack]
    assert counted[next(f.accession for f in corpus.filings if attacks.get(f.cik) == "wide"
                        and f.form == "N-CSR")].last_reason.startswith("document too large")
