"""Serialized answers for immutable data, kept in process: one N-PORT report's holdings
never change under their accession (a reload of the accession changes its filing's
sha256 / parse time, which are part of the key), so a 50,000-position report is read
and serialized once, then served from memory (and answered 304 to a client that sends
its ETag back). Bounded by bytes, least recently used out first; per `serve` process."""

from __future__ import annotations

import threading
from collections import OrderedDict

DEFAULT_MAX_BYTES = 256 * 1024 * 1024
MAX_ENTRY_FRACTION = 4  # one answer may take at most a quarter of the cache


class ByteLRU:
    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, tuple[bytes, dict]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: str) -> tuple[bytes, dict] | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return item

    def put(self, key: str, body: bytes, meta: dict) -> None:
        if len(body) * MAX_ENTRY_FRACTION > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._size -= len(old[0])
            self._items[key] = (body, meta)
            self._size += len(body)
            while self._size > self.max_bytes and self._items:
                _, (dropped, _) = self._items.popitem(last=False)
                self._size -= len(dropped)
