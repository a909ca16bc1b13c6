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
from the key's own organisations (`scope.taken_over` rules on those). The same holds for
every stored committee, administration, operation and agreement the write gives: each is
read through the organisations it hangs on (a committee's organisation and participants;
an operation's operator and municipality; an administration's organisation and the
committees it serves; an agreement's performer and principals), and adding a company
that a third kommun co-owns as a gemensam nämnd's participant or an operation's
operator showed that kommun the nämnd, its members, or the operation. A reader is a
public body, or an organisation that an API key is limited to: the organisations whose
keys see the company. Changing who takes part in a shared object takes an unlimited key.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import field_error
from app.models import (
    Administration,
    AdministrationServes,
    Agreement,
    AgreementPrincipal,
    ApiKey,
    Committee,
    CommitteeParticipant,
    Operation,
    Organisation,
)
from app.registry.crud.audit_readers import readers_of
from app.registry.importdoc.plan import Entry, Plan
from app.security import scope_sets, scoping
from app.security.deps import Principal

LINKS = ("owners", "members")


@dataclass(frozen=True)
class Readers:
    """Before a write: the organisations it may move (by id) and who read each; and who
    read each stored shared object it gives, by (section, id)."""

    entries: tuple[Entry, ...]
    readers: dict[int, set[int]]
    objects: dict[tuple[str, int], set[int]]


# Section -> the stored kind of its rows (`plan.stored`).
OBJECT_SECTIONS = {
    "committees": "committee",
    "administrations": "administration",
    "operations": "operation",
    "agreements": "agreement",
}


def _committee_organisations(session: Session, ids: set[int]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {i: set() for i in ids}
    for committee, organisation in session.execute(
        select(Committee.id, Committee.organisation_id).where(Committee.id.in_(sorted(ids)))
    ):
        found[committee].add(organisation)
    for committee, organisation in session.execute(
        select(CommitteeParticipant.committee_id, CommitteeParticipant.organisation_id).where(
            CommitteeParticipant.committee_id.in_(sorted(ids))
        )
    ):
        found[committee].add(organisation)
    return found


def _object_organisations(session: Session, kind: str, ids: set[int]) -> dict[int, set[int]]:
    """Object id -> the organisations it is read through (`scoping`'s predicates)."""
    if kind == "committee":
        return _committee_organisations(session, ids)
    found: dict[int, set[int]] = {i: set() for i in ids}
    through: dict[int, set[int]] = {}  # object id -> committees it is read through
    if kind == "operation":
        for row in session.execute(
            select(
                Operation.id,
                Operation.operator_organisation_id,
                Operation.municipality_id,
                Operation.operator_committee_id,
            ).where(Operation.id.in_(sorted(ids)))
        ):
            found[row[0]].update(o for o in row[1:3] if o is not None)
            if row[3] is not None:
                through.setdefault(row[0], set()).add(row[3])
    elif kind == "administration":
        for admin, organisation in session.execute(
            select(Administration.id, Administration.organisation_id).where(
                Administration.id.in_(sorted(ids))
            )
        ):
            found[admin].add(organisation)
        for admin, committee in session.execute(
            select(AdministrationServes.administration_id, AdministrationServes.committee_id).where(
                AdministrationServes.administration_id.in_(sorted(ids))
            )
        ):
            through.setdefault(admin, set()).add(committee)
    elif kind == "agreement":
        for agreement, performer in session.execute(
            select(Agreement.id, Agreement.performer_id).where(Agreement.id.in_(sorted(ids)))
        ):
            found[agreement].add(performer)
        for agreement, organisation in session.execute(
            select(AgreementPrincipal.agreement_id, AgreementPrincipal.organisation_id).where(
                AgreementPrincipal.agreement_id.in_(sorted(ids))
            )
        ):
            found[agreement].add(organisation)
    committees = set().union(*through.values()) if through else set()
    by_committee = _committee_organisations(session, committees) if committees else {}
    for object_id, linked in through.items():
        for committee in linked:
            found[object_id] |= by_committee.get(committee, set())
    return found


def _object_readers(
    session: Session, wanted: dict[str, set[int]]
) -> dict[tuple[str, int], set[int]]:
    organisations = {
        kind: _object_organisations(session, kind, ids) for kind, ids in wanted.items() if ids
    }
    every = set().union(*(o for by in organisations.values() for o in by.values()))
    readers = readers_of(session, every) if every else {}
    return {
        (kind, object_id): set().union(*(readers.get(o, {o}) for o in orgs))
        for kind, by in organisations.items()
        for object_id, orgs in by.items()
    }


def _stored_objects(plan: Plan) -> tuple[tuple[Entry, ...], dict[str, set[int]]]:
    entries: list[Entry] = []
    wanted: dict[str, set[int]] = {}
    for section, kind in OBJECT_SECTIONS.items():
        stored = plan.stored.get(kind, {})
        for e in plan.section(section):
            row = stored.get(e.item.ref)
            if row is not None:
                entries.append(e)
                wanted.setdefault(kind, set()).add(int(row["id"]))
    return tuple(entries), wanted


def _linked(plan: Plan) -> tuple[Entry, ...]:
    stored = plan.stored.get("organisation", {})
    return tuple(
        e
        for e in plan.section("organisations")
        if e.item.ref in stored and any(link in e.fields for link in LINKS)
    )


def readers_before(session: Session, principal: Principal, plan: Plan) -> Readers | None:
    """Before writing: who reads each stored organisation whose links the document gives,
    and each organisation those own (at any depth), and each stored committee,
    administration, operation and agreement it gives. None when nothing is to compare."""
    if not principal.scoped:
        return None
    entries = _linked(plan)
    object_entries, wanted = _stored_objects(plan)
    if not entries and not object_entries:
        return None
    moved: set[int] = set()
    if entries:
        written = select(Organisation.id).where(Organisation.ref.in_([e.item.ref for e in entries]))
        moved = set(session.scalars(written)) | set(
            session.scalars(scope_sets.owned_below(written))
        )
    return Readers(
        entries + object_entries,
        readers_of(session, moved) if moved else {},
        _object_readers(session, wanted),
    )


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
    after = readers_of(session, set(before.readers)) if before.readers else {}
    moved: set[int] = set()
    for organisation, readers in before.readers.items():
        moved |= (readers ^ after.get(organisation, set())) - own
    wanted: dict[str, set[int]] = {}
    for kind, object_id in before.objects:
        wanted.setdefault(kind, set()).add(object_id)
    objects_after = _object_readers(session, wanted)
    for key, readers in before.objects.items():
        moved |= (readers ^ objects_after.get(key, set())) - own
    if not _counted(session, moved):
        return []
    detail = (
        "this change would move what it changes into or out of the scope of other "
        "organisations' keys (as owner, member, participant, operator, served committee, "
        "performer or principal); ask an administrator with an unlimited key"
    )
    return [field_error(e.pointer, detail, "out_of_scope") for e in before.entries]
