"""What users run, with the clock set explicitly (issue 24 item 9): the default
disposable-cache lifetime (every pipeline test sets it to 0) and EDGAR's day in New
York (every pipeline test replaces it)."""

from __future__ import annotations

import os
from datetime import datetime, timezone

from etf_assets import settings
from etf_assets.edgar.cache import BodyCache
from etf_assets.freshness.observe import edgar_today


def test_default_disposable_cache_lifetime_is_60_s_and_archives_are_kept(tmp_path,
                                                                         monkeypatch):
    monkeypatch.delenv(settings.CACHE_TTL_VAR, raising=False)
    assert settings.cache_ttl_seconds() == 60.0
    now = [1_800_000_000.0]
    cache = BodyCache(tmp_path, settings.cache_ttl_seconds(), clock=lambda: now[0])
    submissions, archive = "/submissions/CIK0000000101.json", \
        "/Archives/edgar/data/101/000000000126000001/primary_doc.xml"
    cache.put(submissions, b"{}")
    cache.put(archive, b"<xml/>")
    for path in (submissions, archive):  # the files' times are the machine's: align
        os.utime(cache._file(path), (now[0], now[0]))
    now[0] += 59
    assert cache.get(submissions) == b"{}"
    now[0] += 2  # 61 s old
    assert cache.get(submissions) is None
    now[0] += 10 * 365 * 86400
    assert cache.get(archive) == b"<xml/>"  # immutable: kept for good
    cache.clear_disposable()
    assert cache.get(archive) == b"<xml/>"


def test_edgar_day_is_new_york_s(monkeypatch):
    monkeypatch.delenv(settings.EDGAR_TODAY_VAR, raising=False)
    utc = timezone.utc
    # 02:30 UTC on Saturday 2026-11-21 is 21:30 on Friday 2026-11-20 in New York (EST).
    assert edgar_today(datetime(2026, 11, 21, 2, 30, tzinfo=utc)).isoformat() == "2026-11-20"
    assert edgar_today(datetime(2026, 11, 21, 5, 30, tzinfo=utc)).isoformat() == "2026-11-21"
    # Summer (EDT, UTC-4): 03:59 UTC is still the day before.
    assert edgar_today(datetime(2026, 7, 2, 3, 59, tzinfo=utc)).isoformat() == "2026-07-01"
    assert edgar_today(datetime(2026, 7, 2, 4, 0, tzinfo=utc)).isoformat() == "2026-07-02"
    monkeypatch.setenv(settings.EDGAR_TODAY_VAR, "2026-01-05")  # replays win
    assert edgar_today(datetime(2026, 7, 2, 4, 0, tzinfo=utc)).isoformat() == "2026-01-05"


def test_cache_prune_removes_least_recently_used_first(tmp_path, monkeypatch, capsys):
    """Three 1 MB archives used at t=1, 3, 2 (seconds, the injected clock) and a 2 MB
    cap: the one used longest ago goes; `etf-pipeline cache --prune` does the same."""
    now = [1.0]
    cache = BodyCache(tmp_path, clock=lambda: now[0])
    paths = [f"/Archives/edgar/data/1/{n}/doc.xml" for n in ("a", "b", "c")]
    for p in paths:
        cache.put(p, b"x" * 2**20)
    for p, t in zip(paths, (1.0, 3.0, 2.0)):
        now[0] = t
        assert cache.get(p)  # a use: its access time
    assert cache.prune(2 * 2**20) == (1, 2**20)
    assert [cache._file(p).exists() for p in paths] == [False, True, True]
    assert cache.prune(2 * 2**20) == (0, 0)

    from etf_assets.cli import main

    monkeypatch.setenv(settings.CACHE_DIR_VAR, str(tmp_path))
    monkeypatch.setenv(settings.CACHE_MAX_MB_VAR, "1")
    assert main(["cache", "--prune"]) == 0
    out = capsys.readouterr().out
    assert "2 file(s), 2.0 MB (cap 1 MB" in out and "pruned: 1 least recently used" in out
    assert [cache._file(p).exists() for p in paths] == [False, True, False]
    monkeypatch.setenv(settings.CACHE_MAX_MB_VAR, "0")
    assert main(["cache"]) == 2
