"""Sign-in sessions of the web app and their CSRF tokens.

An API key is exchanged once for a random session token. The browser keeps the token in
an HttpOnly, SameSite=Strict cookie; the database keeps only its HMAC, the key's id and
the expiry. Every request looks the session up together with its key, so a revoked key
ends its sessions at once, on every worker. The CSRF token of a session is an HMAC of
its token (nothing more to store); the sign-in form, which has no session yet, uses a
double-submit cookie.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.db_types import utcnow
from app.models import ApiKey, WebSession
from app.security.deps import Principal
from app.security.keys import hash_key
from app.security.roles import Role

SESSION_COOKIE = "javskoll_session"
SIGNIN_CSRF_COOKIE = "javskoll_signin"


def _mac(secret: str, purpose: str, value: str) -> str:
    return hmac.new(secret.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class SignedIn:
    """The principal a session acts as (built exactly as the API's bearer auth builds it)."""

    principal: Principal
    csrf_token: str
    expires_at: datetime


def principal_of(key: ApiKey) -> Principal:
    return Principal(
        key_id=key.id,
        name=key.name,
        role=Role(key.role),
        organisation_refs=(
            frozenset(key.organisation_refs) if key.organisation_refs is not None else None
        ),
    )


def key_by_value(session: Session, api_key: str, secret: str) -> ApiKey | None:
    """The active key with this value, looked up by its HMAC like the API does."""
    return session.scalar(
        select(ApiKey).where(
            ApiKey.key_hash == hash_key(api_key, secret), ApiKey.revoked_at.is_(None)
        )
    )


def start(session: Session, key: ApiKey, secret: str, minutes: int) -> tuple[str, datetime]:
    """A new session for `key`: returns the cookie value and its expiry. Expired sessions
    of every key are removed on the way (sign-in is rare; this keeps the table small)."""
    now = utcnow()
    session.execute(delete(WebSession).where(WebSession.expires_at <= now))
    token = secrets.token_urlsafe(32)
    expires_at = now + timedelta(minutes=minutes)
    session.add(
        WebSession(
            token_hash=_mac(secret, "session", token),
            api_key_id=key.id,
            created_at=now,
            expires_at=expires_at,
        )
    )
    session.flush()
    return token, expires_at


def resolve(session: Session, token: str, secret: str) -> SignedIn | None:
    """The signed-in principal, or None when the session is unknown, expired or its key
    revoked."""
    if not token:
        return None
    row = session.execute(
        select(WebSession, ApiKey)
        .join(ApiKey, ApiKey.id == WebSession.api_key_id)
        .where(
            WebSession.token_hash == _mac(secret, "session", token),
            WebSession.expires_at > utcnow(),
            ApiKey.revoked_at.is_(None),
        )
    ).first()
    if row is None:
        return None
    web_session, key = row
    return SignedIn(principal_of(key), csrf_for(token, secret), web_session.expires_at)


def end(session: Session, token: str, secret: str) -> None:
    session.execute(
        delete(WebSession).where(WebSession.token_hash == _mac(secret, "session", token))
    )


def csrf_for(token: str, secret: str) -> str:
    return _mac(secret, "csrf", token)


def new_signin_nonce() -> str:
    return secrets.token_urlsafe(32)


def tokens_match(given: str, expected: str) -> bool:
    return bool(given) and bool(expected) and hmac.compare_digest(given, expected)
