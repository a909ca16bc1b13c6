"""A limited key's write may not change who reads what it shares with others.

Who reads a registry object follows from links (`app/registry/readers.py`, the inverse of
the scope). A kommun's key may change a company it owns jointly with another kommun, a
gemensam nämnd it hosts, an operation run for another kommun: they are in its scope.
Re-linking them moved them, and what hangs on them (companies owned, people appointed),
out of another kommun's scope or into a third's (review of run O, after scope followed
ownership to any depth): Östby moved a subsidiary of its joint holding with Västby under
its own stadshus AB, and Västby lost it; Östby made the joint holding an owner of its
company with Tredby, a participant of its gemensam nämnd with Tredby or the operator of
Tredby's plant, and Västby read Tredby's company, nämnd or plant.

The rule, for each stored organisation whose owners or members a limited key's write
gives (and everything it owns), and each stored committee, administration, operation and
agreement it gives: let *others* be its readers other than the key's exclusive
organisations (its own, and those in its scope that no other public body reads: its
stadshus AB and their
companies, not its förbund or a joint company). Something read by others before the
write must be read by the same others after it; something the key's organisations alone
read may be shared (a host's own förvaltning may serve its gemensam nämnd). Deleting
something read by others takes an unlimited key too. Every organisation counts as a
reader, with or without a key: which organisations have keys is not a limited key's to
learn.

Appointments are not compared: a person appointed to a body is read with it (a member of
a gemensam nämnd by every participant, a board member by every owner), which is what the
appointment records; what else of the person another kommun reads stops at its scope
(docs/security.md, "One person, two kommuner").
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from app.errors import field_error
from app.models import Organisation
from app.registry import readers as readers_module
from app.registry.crud.audit_readers import readers_of
from app.registry.importdoc.plan import Entry, Plan
from app.registry.repository import in_values
from app.security import scope_sets, scoping
from app.security.deps import Principal

LINKS = ("owners", "members")

# Section -> the stored kind of its rows (`plan.stored`).
OBJECT_SECTIONS = {
    "committees": "committee",
    "administrations": "administration",
    "operations": "operation",
    "agreements": "agreement",
}

# Section -> kind, for a delete (`shared_with_others`).
DELETE_KINDS = {"organisations": "organisation", **OBJECT_SECTIONS}

DETAIL = (
    "this change would move what it changes into or out of the scope of other "
    "organisations' keys (as owner, member, participant, operator, served committee, "
    "performer or principal); ask an administrator with an unlimited key"
)


@dataclass(frozen=True)
class Readers:
    """Before a write: what it may move, by (kind, id), and who read each."""

    entries: tuple[Entry, ...]
    readers: dict[readers_module.Entity, set[int]]


def _wanted(session: Session, plan: Plan) -> tuple[tuple[Entry, ...], dict[str, set[int]]]:
    entries: list[Entry] = []
    wanted: dict[str, set[int]] = {}
    organisations = plan.stored.get("organisation", {})
    linked = [
        e
        for e in plan.section("organisations")
        if e.item.ref in organisations and any(link in e.fields for link in LINKS)
    ]
    if linked:
        entries += linked
        written = {int(organisations[e.item.ref]["id"]) for e in linked}
        below: set[int] = set()
        for where in in_values(session, Organisation.id, written):
            below.update(
                session.scalars(scope_sets.owned_below(select(Organisation.id).where(where)))
            )
        wanted["organisation"] = written | below
    for section, kind in OBJECT_SECTIONS.items():
        stored = plan.stored.get(kind, {})
        for e in plan.section(section):
            row = stored.get(e.item.ref)
            if row is not None:
                entries.append(e)
                wanted.setdefault(kind, set()).add(int(row["id"]))
    return tuple(entries), {kind: ids for kind, ids in wanted.items() if ids}


def readers_before(session: Session, principal: Principal, plan: Plan) -> Readers | None:
    """Before writing: who reads each thing the write may move. None when nothing is to
    compare (an unlimited key, or a write that links nothing stored)."""
    if not principal.scoped:
        return None
    entries, wanted = _wanted(session, plan)
    if not wanted:
        return None
    return Readers(entries, readers_module.readers(session, wanted))


def _ids_where(session: Session, ids: set[int], condition: ColumnElement[bool]) -> set[int]:
    """Those of the organisation `ids` that meet `condition`, in chunks (`in_values`)."""
    return {
        i
        for where in in_values(session, Organisation.id, ids)
        for i in session.scalars(select(Organisation.id).where(where, condition))
    }


def _exclusive(session: Session, principal: Principal, candidates: set[int]) -> set[int]:
    """Of `candidates`, the key's exclusive organisations: its own, and those in its scope
    that no public body other than its own reads (not its förbund, not a joint company)."""
    own_refs = sorted(principal.organisation_refs or ())
    own = set(session.scalars(select(Organisation.id).where(Organisation.ref.in_(own_refs))))
    visible = scoping.own_organisation_predicate(principal)
    assert visible is not None  # noqa: S101 - scoped principal
    in_scope = _ids_where(session, candidates, visible)
    if not in_scope - own:
        return own
    read_by = readers_of(session, in_scope - own)
    every = set().union(*read_by.values())
    public = _ids_where(session, every, Organisation.kind.in_(scope_sets.PUBLIC_KINDS))
    return own | {o for o, rs in read_by.items() if not ((rs - {o}) & public) - own}


def _moved(before: set[int], after: set[int]) -> bool:
    """Read by others before: the same others after. Read by none: anything."""
    return bool(before) and before != after


def readers_changed(
    session: Session, principal: Principal, before: Readers | None
) -> list[dict[str, str]]:
    """After writing (same transaction): errors for a write that moved something read by
    other organisations (`readers_before`). They point at the document's entries that
    link stored objects and never name what would have moved or to whom."""
    if before is None:
        return []
    wanted: dict[str, set[int]] = {}
    for kind, entity_id in before.readers:
        wanted.setdefault(kind, set()).add(entity_id)
    after = readers_module.readers(session, wanted)
    everyone = set().union(*before.readers.values(), *after.values())
    exclusive = _exclusive(session, principal, everyone)
    for entity, was in before.readers.items():
        own_self = {entity[1]} if entity[0] == "organisation" else set()
        now = after.get(entity, set())
        if _moved(was - exclusive - own_self, now - exclusive - own_self):
            return [field_error(e.pointer, DETAIL, "out_of_scope") for e in before.entries]
    return []


def shared_with_others(session: Session, principal: Principal, section: str, row_id: int) -> bool:
    """Whether a stored object of `section` a limited key would delete is read by
    organisations other than the key's exclusive ones (deleting it takes an unlimited
    key)."""
    kind = DELETE_KINDS.get(section)
    if not principal.scoped or kind is None:
        return False
    read_by = readers_module.readers(session, {kind: {row_id}}).get((kind, row_id), set())
    own_self = {row_id} if kind == "organisation" else set()
    return bool(read_by - own_self - _exclusive(session, principal, read_by))
