"""API key material: generated once, stored only as an HMAC."""

from __future__ import annotations

import hashlib
import hmac
import secrets

KEY_PREFIX = "jk_"


def generate_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_key(key: str, secret: str) -> str:
    return hmac.new(secret.encode(), key.encode(), hashlib.sha256).hexdigest()
