"""API keys committed to an app's own database (process-level tests that run an app of
their own, outside the suite's shared transaction; the suite's `make_key` fixture makes
them inside it)."""

from __future__ import annotations

from typing import Any

from app.apikeys.service import create_key
from app.audit.chain import Actor


def committed_key(app: Any, role: str, name: str, orgs: list[str] | None = None) -> str:
    """A new key with this role (limited to `orgs`, or unlimited), committed; its secret."""
    with app.state.sessionmaker() as session:
        key = create_key(
            session,
            role=role,
            name=name,
            organisation_refs=orgs,
            secret=app.state.settings.hash_secret,
            actor=Actor(None, "test"),
        ).key
        session.commit()
    return key
