"""A short-lived, per-process cache of authenticated keys.

Every request authenticates; without a cache that is one query per request. Entries live
`api_key_cache_seconds` (default 2 s): a key revoked through this process's API stops
working at once (the cache is cleared), a key revoked elsewhere (the CLI, another worker)
within that many seconds. 0 turns the cache off.
"""

from __future__ import annotations

import threading
import time
from typing import Generic, TypeVar

V = TypeVar("V")
MAX_ENTRIES = 10_000


class TtlCache(Generic[V]):
    def __init__(self, ttl_seconds: float) -> None:
        self.ttl = ttl_seconds
        self._entries: dict[str, tuple[float, V]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> V | None:
        if self.ttl <= 0:
            return None
        with self._lock:
            hit = self._entries.get(key)
            if hit is None:
                return None
            if hit[0] < time.monotonic():
                del self._entries[key]
                return None
            return hit[1]

    def put(self, key: str, value: V) -> None:
        if self.ttl <= 0:
            return
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()  # bounded memory; the next requests refill it
            self._entries[key] = (time.monotonic() + self.ttl, value)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
