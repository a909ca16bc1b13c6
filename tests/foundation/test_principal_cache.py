"""The per-process principal cache: entries expire, 0 turns it off, size is bounded."""

from __future__ import annotations

import time

from app.security import principal_cache
from app.security.principal_cache import TtlCache


def test_entries_expire_after_the_ttl() -> None:
    cache: TtlCache[str] = TtlCache(0.05)
    cache.put("k", "principal")
    assert cache.get("k") == "principal"
    time.sleep(0.06)
    assert cache.get("k") is None


def test_zero_ttl_turns_the_cache_off() -> None:
    cache: TtlCache[str] = TtlCache(0)
    cache.put("k", "principal")
    assert cache.get("k") is None


def test_the_cache_never_grows_past_its_bound(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(principal_cache, "MAX_ENTRIES", 3)
    cache: TtlCache[int] = TtlCache(60)
    for i in range(10):
        cache.put(str(i), i)
    assert cache.get("9") == 9
    assert sum(cache.get(str(i)) is not None for i in range(10)) <= 3
