"""Screening ids: "scr_" + a ULID (48-bit millisecond time + 80 random bits, Crockford
base32), so ids sort by creation time and never collide in practice."""

from __future__ import annotations

import secrets
import time

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX = "scr_"


def _base32(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        value, digit = divmod(value, 32)
        chars.append(_CROCKFORD[digit])
    return "".join(reversed(chars))


def new_screening_id(now_ms: int | None = None) -> str:
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    return PREFIX + _base32(ms, 10) + _base32(secrets.randbits(80), 16)
