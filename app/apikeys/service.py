"""Creating, listing and revoking API keys (CLI and admin API share this)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.audit import chain
from app.db_types import utcnow
from app.errors import NotFound, Unprocessable, field_error
from app.models import ApiKey, Organisation
from app.security.keys import generate_key, hash_key
from app.security.roles import Role

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CreatedKey:
    record: ApiKey
    key: str  # shown once, never stored


def key_summary(record: ApiKey) -> dict[str, object]:
    return {
        "id": record.id,
        "name": record.name,
        "role": record.role,
        "prefix": record.key_prefix,
        "organisations": record.organisation_refs,
        "created_at": record.created_at.isoformat(),
        "revoked_at": record.revoked_at.isoformat() if record.revoked_at else None,
    }


def require_known_organisations(session: Session, refs: Sequence[str] | None) -> None:
    """422 for a key limited to an organisation the registry does not have (a typo would
    otherwise make a key that sees nothing, or later whatever gets that ref)."""
    # FOR SHARE: an organisation being deleted (locked FOR UPDATE, which refuses while a
    # key names it) is waited for and then not found, so no key outlives it.
    known = set(
        session.scalars(
            select(Organisation.ref)
            .where(Organisation.ref.in_(refs or []))
            .with_for_update(read=True)
        )
    )
    errors = [
        field_error(f"/organisations/{i}", "unknown organisation", "unknown_reference")
        for i, ref in enumerate(refs or [])
        if ref not in known
    ]
    if errors:
        raise Unprocessable("invalid API key request", errors=errors)


def _validate(role: str, name: str, organisation_refs: Sequence[str] | None) -> None:
    errors = []
    # An empty list used to mean "unlimited": a key is limited to some organisations or
    # (null) to none, never made unlimited by accident.
    if organisation_refs is not None and not organisation_refs:
        errors.append(
            field_error(
                "/organisations",
                "list at least one organisation, or leave it out for an unlimited key",
                "empty",
            )
        )

    if role not in {r.value for r in Role}:
        errors.append(field_error("/role", f"unknown role; use one of {[r.value for r in Role]}"))
    if not name.strip():
        errors.append(field_error("/name", "a name is required"))
    if errors:
        raise Unprocessable("invalid API key request", errors=errors)


def create_key(
    session: Session,
    *,
    role: str,
    name: str,
    organisation_refs: Sequence[str] | None,
    secret: str,
    actor: chain.Actor,
    key: str | None = None,
) -> CreatedKey:
    _validate(role, name, organisation_refs)
    key = key or generate_key()
    refs = sorted(set(organisation_refs)) if organisation_refs is not None else None
    record = ApiKey(
        name=name.strip(),
        role=role,
        key_hash=hash_key(key, secret),
        key_prefix="id-",
        organisation_refs=refs,
    )
    session.add(record)
    session.flush()
    # What tells keys apart in lists is the key's id, never characters of the key itself
    # (a bootstrap key chosen by a person would otherwise be partly shown).
    record.key_prefix = f"id-{record.id}"
    session.flush()
    chain.append(
        session,
        kind="apikey.create",
        actor=actor,
        data={"key": key_summary(record)},
        subjects=[("organisation", r) for r in refs or ()],
        # Keys concern every organisation (a limited key may not manage keys): the
        # system chain, read by unlimited keys only.
        organisations=(),
    )
    logger.info("apikey_created", extra={"key_id": record.id, "role": role})
    return CreatedKey(record, key)


def keys_limited_to(
    session: Session, organisation_ref: str, within: frozenset[str] | None = None
) -> list[dict[str, object]]:
    """The keys in use that are limited to an organisation, as a 409's `referenced_by`
    entry: an organisation is not deleted while a key names it, or the key would go on
    to scope whatever later gets its ref (docs/security.md, "Deleted organisations").
    With `within` (a limited key asking), only keys limited to those organisations alone
    are listed; any other is one `outside_scope` entry, without count or prefix."""
    live = session.scalars(
        select(ApiKey).where(ApiKey.revoked_at.is_(None)).order_by(ApiKey.id)
    ).all()
    naming = [k for k in live if organisation_ref in (k.organisation_refs or ())]
    shown = [k for k in naming if within is None or set(k.organisation_refs or ()) <= within]
    out: list[dict[str, object]] = []
    if shown:
        prefixes = [k.key_prefix for k in shown]
        out.append({"type": "api_keys", "count": len(prefixes), "refs": prefixes[:5]})
    if len(shown) < len(naming):
        out.append({"type": "outside_scope"})
    return out


def list_keys(session: Session) -> Sequence[ApiKey]:
    return session.scalars(select(ApiKey).order_by(ApiKey.id)).all()


def revoke_key(session: Session, key_id: int, *, actor: chain.Actor) -> ApiKey:
    record = session.get(ApiKey, key_id)
    if record is None:
        raise NotFound(f"no API key with id {key_id}")
    if record.revoked_at is None:
        record.revoked_at = utcnow()
        session.flush()
        chain.append(
            session,
            kind="apikey.revoke",
            actor=actor,
            data={"key": key_summary(record)},
            organisations=(),
        )
        logger.info("apikey_revoked", extra={"key_id": record.id})
    return record


def key_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(ApiKey)) or 0


def ensure_bootstrap_key(session: Session, *, bootstrap_key: str | None, secret: str) -> str:
    """On an empty key table, create the bootstrap admin key, or say how to make one."""
    if key_count(session) > 0:
        return "keys-present"
    if bootstrap_key:
        create_key(
            session,
            role=Role.ADMIN,
            name="bootstrap",
            organisation_refs=None,
            secret=secret,
            actor=chain.Actor(None, "system:bootstrap"),
            key=bootstrap_key,
        )
        return "bootstrapped"
    return "empty"
