"""A limited key's write may not change which other organisations read a stored one.

Who reads an organisation follows from links: its members (a förbund), its owners, and
their owners up the chain (`crud.audit_readers.readers_of`, the inverse of
`scope_sets.visible_organisation_ids`); and what it owns, at any depth, is read by the
same. A kommun's key may change a company it owns jointly with another kommun (it is in
both scopes). Re-parenting or adding an owner then moved that company, its companies and
the people and operations on them out of the other kommun's scope, or into a third
kommun's: Östby moved a subsidiary of its joint holding with Västby under its own
stadshus AB, and Västby lost it; Östby added the joint holding as owner of its company
with Tredby, and Västby read Tredby's company and its vd (review of run O: scope
followed ownership to any depth from run O, which put such companies in both scopes).

So, for every stored organisation whose owners or members a limited key's write gives,
and everything those own, the readers before and after the write must be the same, apart
from the key's own organisations (`scope.taken_over` rules on those). A reader is a
public body, or an organisation that an API key is limited to: the organisations whose
keys see the company. Changing who takes part in a shared object takes an unlimited key.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import field_error
from app.models import ApiKey, Organisation
from app.registry.crud.audit_readers import readers_of
from app.registry.importdoc.plan import Entry, Plan
from app.security import scope_sets, scoping
from app.security.deps import Principal

LINKS = ("owners", "members")


@dataclass(frozen=True)
class Readers:
    """Before a write: the organisations it may move (by id) and who read each."""

    entries: tuple[Entry, ...]
    readers: dict[int, set[int]]


def _linked(plan: Plan) -> tuple[Entry, ...]:
    stored = plan.stored.get("organisation", {})
    return tuple(
        e
        for e in plan.section("organisations")
        if e.item.ref in stored and any(link in e.fields for link in LINKS)
    )


def readers_before(session: Session, principal: Principal, plan: Plan) -> Readers | None:
    """Before writing: who reads each stored organisation whose links the document gives,
    and each organisation those own (at any depth). None when nothing is to compare."""
    if not principal.scoped:
        return None
    entries = _linked(plan)
    if not entries:
        return None
    written = select(Organisation.id).where(Organisation.ref.in_([e.item.ref for e in entries]))
    moved = set(session.scalars(written)) | set(session.scalars(scope_sets.owned_below(written)))
    return Readers(entries, readers_of(session, moved))


def _key_organisations(session: Session) -> set[str]:
    refs: set[str] = set()
    for organisation_refs in session.scalars(
        select(ApiKey.organisation_refs).where(ApiKey.revoked_at.is_(None))
    ):
        refs.update(organisation_refs or ())
    return refs


def _counted(session: Session, ids: set[int]) -> set[int]:
    """Those of `ids` whose keys would read differently: public bodies, and organisations
    an API key is limited to."""
    if not ids:
        return set()
    keyed = _key_organisations(session)
    rows = session.execute(
        select(Organisation.id, Organisation.ref, Organisation.kind).where(
            Organisation.id.in_(sorted(ids))
        )
    ).all()
    return {r.id for r in rows if r.kind in scope_sets.PUBLIC_KINDS or r.ref in keyed}


def readers_changed(
    session: Session, principal: Principal, before: Readers | None, own_before: set[int] | None
) -> list[dict[str, str]]:
    """After writing (same transaction): errors for a write that changed who reads a
    stored organisation, other than the key's own organisations (`own_before`, from
    `scope.organisations_outside`, and the same after the write). They point at the
    document's linked organisations and never name what would have moved or to whom."""
    if before is None:
        return []
    own_predicate = scoping.own_organisation_predicate(principal)
    assert own_predicate is not None  # noqa: S101 - scoped principal
    own = (own_before or set()) | set(session.scalars(select(Organisation.id).where(own_predicate)))
    after = readers_of(session, set(before.readers))
    moved: set[int] = set()
    for organisation, readers in before.readers.items():
        moved |= (readers ^ after.get(organisation, set())) - own
    if not _counted(session, moved):
        return []
    detail = (
        "this change would move organisations into or out of the scope of other "
        "organisations' keys (as owner or member); ask an administrator with an "
        "unlimited key"
    )
    return [field_error(e.pointer, detail, "out_of_scope") for e in before.entries]
