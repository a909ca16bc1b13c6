"""Organisation scope for registry writes (import and CRUD share it).

Three checks, all on the predicates of `app.security.scoping` (the one place that defines
scope), and each one refusing the write whole:
- references: every ref an item points at must be one the key sees before the write
  (`app.registry.reference_scope`, applied while validating, so that a ref out of scope
  answers like a ref that does not exist);
- before the write: every object the document declares that exists already must be one
  the key may change (`existing_out_of_scope`);
- after the write (same transaction): every object and fact written must be one the key
  may change (`written_out_of_scope`), so no write moves anything out of the key's reach
  or leaves an object nobody of the key's organisations sees.

A limited key may change a person (and their interests and relations) only while the
person is appointed nowhere outside its scope: a person shared with another kommun is
read by both, changed by an unlimited key (docs/security.md, "One person, two kommuner").
Refusals are 403 with one pointer per object; the caller raises after writing, so its
transaction is rolled back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select, true
from sqlalchemy.orm import Session

from app.errors import REF_TAKEN, field_error
from app.models import (
    Administration,
    Appointment,
    Committee,
    Interest,
    Organisation,
    Person,
    Relation,
)
from app.registry import repository
from app.registry.crud.resources import RESOURCES
from app.registry.importdoc.plan import REF_SECTIONS, Entry, Plan
from app.registry.importdoc.writer import Outcome
from app.security import scope_sets, scoping
from app.security.deps import Principal

Predicate = Callable[[Principal], ColumnElement[bool] | None]
OUT_OF_SCOPE = "Nothing was stored: the key may not change some objects (see errors)."


def _writable_person(column: Any) -> Predicate:
    """`column` is a mapped attribute (a SQL column expression)."""
    return lambda principal: scoping.writable_person_predicate(principal, column)


def _writable_relation(principal: Principal) -> ColumnElement[bool] | None:
    person = scoping.writable_person_predicate(principal, Relation.__table__.c.person_id)
    related = scoping.writable_person_predicate(principal, Relation.__table__.c.related_id)
    return None if person is None or related is None else and_(person, related)


def _writable_appointment(principal: Principal) -> ColumnElement[bool] | None:
    """Appointments a limited key may change: those it reads, and of those only the ones
    its own organisations made (`appointed_by`) or that are to their own bodies. A kommun
    taking part in another's gemensam nämnd reads the host's appointees but may not end
    or delete them, which would drop them from the nämnd's screenings (run Q; the host,
    which keeps the nämnd's register, and the appointing kommun still may)."""
    read = scoping.appointment_predicate(principal)
    if read is None:
        return None
    own = scope_sets.own_organisation_ids(principal)
    ours = or_(
        Appointment.appointed_by_id.is_(None),
        Appointment.appointed_by_id.in_(own),
        Appointment.organisation_id.in_(own),
        Appointment.committee_id.in_(
            select(Committee.id).where(Committee.organisation_id.in_(own))
        ),
        Appointment.administration_id.in_(
            select(Administration.id).where(Administration.organisation_id.in_(own))
        ),
    )
    return and_(read, ours)


# What a limited key may change, per section (reads use `Resource.scope`).
WRITABLE: dict[str, Predicate] = {
    **{section: res.scope for section, res in RESOURCES.items()},
    # Shared private organisations are read by all; changed by the key that created them
    # or an unlimited one.
    "organisations": scoping.writable_organisation_predicate,
    "persons": _writable_person(Person.__table__.c.id),
    "interests": _writable_person(Interest.__table__.c.person_id),
    "relations": _writable_relation,
    "appointments": _writable_appointment,
}


def may_change(session: Session, principal: Principal, section: str, row_id: int) -> bool:
    """Whether the key may change (or delete) this stored row."""
    predicate = WRITABLE[section](principal)
    if predicate is None:
        return True
    model = RESOURCES[section].model
    return session.scalar(select(model.id).where(model.id == row_id, predicate)) is not None


def refs_where(
    session: Session, model: Any, predicate: ColumnElement[bool], refs: Iterable[str]
) -> set[str]:
    """Those of `refs` whose `model` row meets `predicate` (in chunks of bound values)."""
    found: set[str] = set()
    for batch in repository.chunks(sorted(set(refs))):
        found.update(session.scalars(select(model.ref).where(model.ref.in_(batch), predicate)))
    return found


def _error(pointer: str, what: str) -> dict[str, str]:
    return field_error(
        pointer, f"{what} is outside the organisations this key may change", "out_of_scope"
    )


def _not_changeable(
    session: Session, principal: Principal, section: str, refused: list[Entry], suffix: str = ""
) -> list[dict[str, Any]]:
    """An error at each entry whose stored object (by ref) the key may not change. Those
    it cannot even read are marked (`errors.REF_TAKEN`): that their ref is taken is all
    the answer tells, and each such error is a probe (`app.security.probes`)."""
    if not refused:
        return []
    res = RESOURCES[section]
    read = res.scope(principal)
    assert read is not None  # noqa: S101 - scoped principal
    seen = refs_where(session, res.model, read, (e.item.ref for e in refused))
    errors = []
    for e in refused:
        error: dict[str, Any] = _error(e.pointer + suffix, f"the {res.label}")
        errors.append(error if e.item.ref in seen else {**error, REF_TAKEN: True})
    return errors


def existing_out_of_scope(
    session: Session, principal: Principal, plan: Plan
) -> list[dict[str, Any]]:
    """Before writing: declared objects that exist but that the key may not change, and
    a kind changed between a public and a private one (of the key's own objects only)."""
    if not principal.scoped:
        return []
    # Validation refused every ref taken outside the key's scope already (`Validator.run`).
    errors = [] if plan.taken_checked else taken_out_of_scope(session, principal, plan)
    taken = {e["pointer"] for e in errors}
    return errors + _public_private_crossings(plan, taken)


def taken_out_of_scope(session: Session, principal: Principal, plan: Plan) -> list[dict[str, Any]]:
    """Declared objects, and facts given by ref, that exist but that the key may not
    change: one error at each such item (`.../ref` for a fact), marked as a probe
    (`errors.REF_TAKEN`) if the key cannot read the object. Refs are one namespace, so
    this says the ref is taken, and must say nothing else of the object: validation asks
    it before anything that reads what the stored object holds (run Q, docs/security.md)."""
    if not principal.scoped:
        return []
    errors = []
    for section, kind in REF_SECTIONS.items():
        existing = [e for e in plan.section(section) if e.item.ref in plan.stored[kind]]
        if not existing:
            continue
        predicate = WRITABLE[section](principal)
        assert predicate is not None  # noqa: S101 - scoped principal
        res = RESOURCES[section]
        ok = refs_where(session, res.model, predicate, (e.item.ref for e in existing))
        refused = [e for e in existing if e.item.ref not in ok]
        errors += _not_changeable(session, principal, section, refused)
    return errors + _existing_facts_out_of_scope(session, principal, plan)


def _visibility(kind: str) -> str:
    """How scope treats an organisation of this kind: a public body, a private one (shared
    reference data unless publicly owned), or neither (`annan`: seen by its members only)."""
    if kind in scope_sets.PUBLIC_KINDS:
        return "public"
    return "private" if kind in scope_sets.PRIVATE_KINDS else "other"


def _public_private_crossings(plan: Plan, taken: set[str]) -> list[dict[str, Any]]:
    """A stored organisation may not change between a public kind (kommun, region,
    förbund, myndighet) and a private one by a limited key: whether a company is shared
    reference data, read by every kommun, follows from its owners' kinds (before run N a
    kommun's key made a förbund an ideell förening, and every kommun read the förbund,
    its members and the company it owned). Not asked of an organisation the key may not
    change (`taken`, by pointer): compared with a kind the key cannot read, it told a
    hidden kommun from a company (run Q)."""
    stored = plan.stored["organisation"]
    errors = []
    for e in plan.section("organisations"):
        row = stored.get(e.item.ref)
        if e.pointer in taken:
            continue
        kind = getattr(e.item, "kind", None)
        if row is None or kind is None or _visibility(str(kind)) == _visibility(row["kind"]):
            continue
        errors.append(
            field_error(
                e.pointer + "/kind",
                "changing an organisation between a public body, a private one and another "
                "kind needs an unlimited key",
                "out_of_scope",
            )
        )
    return errors


def _existing_facts_out_of_scope(
    session: Session, principal: Principal, plan: Plan
) -> list[dict[str, Any]]:
    """A fact given with a ref is matched to the stored fact of that ref, whoever it
    belongs to: that stored fact must be one the key may change (before run N a kommun's
    import rewrote another kommun's appointment, interest or relation given its ref, and
    read back the fields it left)."""
    errors = []
    for section in FACT_OWNERS:
        given = [e for e in plan.section(section) if e.item.ref is not None]
        if not given:
            continue
        res = RESOURCES[section]
        predicate = WRITABLE[section](principal)
        assert predicate is not None  # noqa: S101 - scoped principal
        refs = {e.item.ref for e in given}
        stored = refs_where(session, res.model, true(), refs)
        ok = refs_where(session, res.model, predicate, stored)
        refused = [e for e in given if e.item.ref in stored and e.item.ref not in ok]
        errors += _not_changeable(session, principal, section, refused, "/ref")
    return errors


# Facts without a ref are checked through what they belong to: an appointment to its
# body, an interest to its person, a relation to both its persons.
FACT_OWNERS: dict[str, tuple[tuple[str, str], ...]] = {
    "appointments": (
        ("/body/committee", "committee"),
        ("/body/administration", "administration"),
        ("/body/organisation", "organisation"),
    ),
    "interests": (("/person", "person"),),
    "relations": (("/person", "person"), ("/related", "person")),
}


def _get(item: Any, suffix: str) -> str | None:
    value = item
    for part in suffix.strip("/").split("/"):
        value = getattr(value, part, None)
    return value  # type: ignore[no-any-return]


def _fact_owner_predicates(principal: Principal) -> dict[str, tuple[Any, ColumnElement[bool]]]:
    predicates = {
        "person": (Person, scoping.writable_person_predicate(principal, Person.__table__.c.id)),
        "committee": (Committee, scoping.committee_predicate(principal)),
        "administration": (Administration, scoping.administration_predicate(principal)),
        "organisation": (Organisation, scoping.organisation_point_predicate(principal)),
    }
    return {k: (m, p) for k, (m, p) in predicates.items() if p is not None}


def written_out_of_scope(
    session: Session, principal: Principal, plan: Plan, outcome: Outcome
) -> list[dict[str, str]]:
    """After writing (same transaction): written objects and facts the key may not change."""
    if not principal.scoped:
        return []

    def changed(section: str) -> list[Entry]:
        return [
            e
            for e in plan.section(section)
            if outcome.statuses[(section, e.index)][0] != "unchanged"
        ]

    errors: list[dict[str, str]] = []
    for section in REF_SECTIONS:
        entries = changed(section)
        if not entries:
            continue
        predicate = WRITABLE[section](principal)
        assert predicate is not None  # noqa: S101 - scoped principal
        res = RESOURCES[section]
        ok = refs_where(session, res.model, predicate, (e.item.ref for e in entries))
        errors += [_error(e.pointer, f"the {res.label}") for e in entries if e.item.ref not in ok]
    owners = _fact_owner_predicates(principal)
    facts = {section: changed(section) for section in FACT_OWNERS}
    wanted: dict[str, set[str]] = {kind: set() for kind in owners}
    for section, entries in facts.items():
        for suffix, kind in FACT_OWNERS[section]:
            wanted[kind].update(r for e in entries if (r := _get(e.item, suffix)))
    ok_refs = {
        kind: refs_where(session, model, predicate, wanted[kind])
        for kind, (model, predicate) in owners.items()
    }
    for section, entries in facts.items():
        for e in entries:
            for suffix, kind in FACT_OWNERS[section]:
                ref = _get(e.item, suffix)
                if ref and ref not in ok_refs[kind]:
                    errors.append(_error(e.pointer + suffix, f"the {kind}"))
    return errors + _appointments_to_shared(session, principal, facts["appointments"])


def _appointments_to_shared(
    session: Session, principal: Principal, entries: list[Entry]
) -> list[dict[str, str]]:
    """An appointment to a shared private organisation (a seat on a company's board) is a
    fact about its person, seen wherever the person is: only who may change the person
    may write it."""
    to_orgs = [e for e in entries if e.item.body.organisation]
    if not to_orgs:
        return []
    own = scoping.own_organisation_predicate(principal)
    person = scoping.writable_person_predicate(principal, Person.__table__.c.id)
    assert own is not None and person is not None  # noqa: S101 - scoped principal
    owned = refs_where(session, Organisation, own, (e.item.body.organisation for e in to_orgs))
    shared = [e for e in to_orgs if e.item.body.organisation not in owned]
    writable = refs_where(session, Person, person, (e.item.person for e in shared))
    return [
        _error(e.pointer + "/person", "the person") for e in shared if e.item.person not in writable
    ]


def organisations_outside(session: Session, principal: Principal, plan: Plan) -> set[int] | None:
    """Before writing a document that declares organisations (where owner and member
    links are written): the ids of the organisations that are the key's own now, for
    `taken_over` to compare with after the write. None when there is nothing to compare."""
    if not principal.scoped or not plan.section("organisations"):
        return None
    own = scoping.own_organisation_predicate(principal)
    assert own is not None  # noqa: S101 - scoped principal
    return set(session.scalars(select(Organisation.id).where(own)))


def taken_over(
    session: Session, principal: Principal, plan: Plan, before: set[int] | None
) -> list[dict[str, str]]:
    """After writing (same transaction): no stored organisation may have become the key's
    own by the write; only the ones it creates may. Made its own, an organisation brings
    what hangs on it into the key's scope (the companies it owns, their operations, the
    people on their boards): a limited key may not widen its own scope, so recording such
    ownership or membership takes an unlimited key. Before run N a kommun made a shared
    company it had created its own, and then its förbund (which it saw only as a member),
    and read, changed and deleted another kommun's operation, joint venture and people.
    The errors point at the document's stored organisations that were given owners or
    members; they never name what would have come into scope."""
    if before is None:
        return []
    own = scoping.own_organisation_predicate(principal)
    assert own is not None  # noqa: S101 - scoped principal
    stored = plan.stored["organisation"]
    created = {e.item.ref for e in plan.section("organisations") if e.item.ref not in stored}
    after = session.execute(select(Organisation.id, Organisation.ref).where(own)).all()
    if all(row.id in before or row.ref in created for row in after):
        return []
    linked = [
        e
        for e in plan.section("organisations")
        if e.item.ref in stored and ("owners" in e.fields or "members" in e.fields)
    ]
    detail = (
        "this change would bring organisations into the key's scope that it did not "
        "have (as owner or member); ask an administrator with an unlimited key"
    )
    pointers = [e.pointer for e in linked] or ["/organisations"]
    return [field_error(pointer, detail, "out_of_scope") for pointer in pointers]
