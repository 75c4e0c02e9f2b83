"""On-disk HTTP body cache with two lifetimes.

`/Archives/edgar/data/...` documents never change once accepted, so they are kept
forever (shared by every process and run; that is most of our traffic on a re-run).
Everything else (submissions JSON, daily/full indexes, ticker files) changes and is
kept only `ttl_seconds`; `clear_disposable()` drops it (the seed's "clear the cache
after each CIK" applies to this part only).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from pathlib import Path

IMMUTABLE_PREFIX = "/Archives/edgar/data/"


def _size(p: Path) -> int:
    try:
        return p.stat().st_size
    except FileNotFoundError:
        return 0


def is_immutable(path: str) -> bool:
    return path.startswith(IMMUTABLE_PREFIX)


class BodyCache:
    def __init__(self, root: str | os.PathLike[str], ttl_seconds: float = 60.0,
                 clock=time.time) -> None:
        self.root = Path(root)
        self.ttl_seconds = ttl_seconds
        self.clock = clock  # injectable: tests set the time, never read the machine's

    def _file(self, path: str) -> Path:
        if is_immutable(path):
            # Keep the EDGAR layout: easy to inspect, and one folder per CIK.
            rel = path.lstrip("/").replace("..", "_")
            return self.root / "archives" / rel
        digest = hashlib.sha256(path.encode()).hexdigest()[:32]
        return self.root / "disposable" / digest

    def get(self, path: str) -> bytes | None:
        f = self._file(path)
        try:
            st = f.stat()
            if not is_immutable(path):
                if self.ttl_seconds <= 0 or self.clock() - st.st_mtime > self.ttl_seconds:
                    return None
            body = f.read_bytes()
            # Last use in the access time (the modification time is the TTL's): what
            # prune() evicts by, whatever the file system's atime policy.
            os.utime(f, (self.clock(), st.st_mtime))
            return body
        except FileNotFoundError:
            return None

    def size(self) -> tuple[int, int]:
        """(files, bytes) held."""
        files = [p for p in self.root.rglob("*") if p.is_file()]
        return len(files), sum(_size(p) for p in files)

    def prune(self, max_bytes: int) -> tuple[int, int]:
        """Remove the least recently used files until at most `max_bytes` are held
        (ETF_CACHE_MAX_MB): archives too (they are disposable: EDGAR still has them).
        Returns (files removed, bytes freed). Safe beside readers and writers of other
        processes: a removed file is a cache miss; half-written files are not seen."""
        entries = []
        for p in self.root.rglob("*"):
            if p.is_file() and not p.name.startswith(".tmp-"):
                try:
                    st = p.stat()
                except FileNotFoundError:
                    continue
                entries.append((st.st_atime, st.st_size, p))
        total = sum(e[1] for e in entries)
        removed = freed = 0
        for _, size, p in sorted(entries, key=lambda e: (e[0], str(e[2]))):
            if total - freed <= max_bytes:
                break
            p.unlink(missing_ok=True)
            removed, freed = removed + 1, freed + size
        return removed, freed

    def put(self, path: str, body: bytes) -> None:
        if not is_immutable(path) and self.ttl_seconds <= 0:
            return
        f = self._file(path)
        f.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename: a reader in another process never sees half a document.
        fd, tmp = tempfile.mkstemp(dir=f.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(body)
            os.replace(tmp, f)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def drop_accession(self, cik: str, accession: str) -> None:
        """Forget a filing's cached documents (a requeued poison filing is read from
        EDGAR again: its document may have been corrected)."""
        folder = accession.replace("-", "")
        for c in {str(int(cik)), cik}:
            shutil.rmtree(self.root / "archives" / "Archives" / "edgar" / "data" / c / folder,
                          ignore_errors=True)

    def clear_disposable(self) -> None:
        shutil.rmtree(self.root / "disposable", ignore_errors=True)
