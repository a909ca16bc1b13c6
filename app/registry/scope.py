"""Organisation scope for registry writes (import and CRUD share it).

A key limited to some organisations may change an object only if the object is in its
scope before the write (when it exists) and after it; the predicates come from
`app.security.scoping`, the one place that defines scope. An appointment must also be to
a body in scope. A refused write is refused whole (403, one pointer per object); the
caller raises after writing, so its transaction is rolled back.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from app.errors import field_error
from app.models import Administration, Committee, Organisation, Person
from app.registry import repository
from app.registry.resources import RESOURCES
from app.registry.validation import REF_SECTIONS, Plan
from app.registry.writer import Outcome
from app.security import scoping
from app.security.deps import Principal

KEYLESS = ("appointments", "interests", "relations")


def _visible_refs(
    session: Session, model: Any, predicate: ColumnElement[bool], refs: Iterable[str]
) -> set[str]:
    found: set[str] = set()
    for batch in repository.chunks(sorted(set(refs))):
        found.update(session.scalars(select(model.ref).where(model.ref.in_(batch), predicate)))
    return found


def _error(pointer: str, what: str) -> dict[str, str]:
    return field_error(
        pointer, f"{what} is outside the organisations this key may change", "out_of_scope"
    )


def existing_out_of_scope(
    session: Session, principal: Principal, plan: Plan
) -> list[dict[str, str]]:
    """Before writing: declared objects that exist but are not in the key's scope."""
    if not principal.scoped:
        return []
    errors = []
    for section, kind in REF_SECTIONS.items():
        existing = [e for e in plan.section(section) if e.item.ref in plan.stored[kind]]
        if not existing:
            continue
        res = RESOURCES[section]
        predicate = res.scope(principal)
        assert predicate is not None  # noqa: S101 - scoped principal
        visible = _visible_refs(session, res.model, predicate, (e.item.ref for e in existing))
        errors += [
            _error(e.pointer, f"the {res.label}") for e in existing if e.item.ref not in visible
        ]
    return errors


def written_out_of_scope(
    session: Session, principal: Principal, plan: Plan, outcome: Outcome
) -> list[dict[str, str]]:
    """After writing (same transaction): changed objects that are not in the key's scope."""
    if not principal.scoped:
        return []

    def changed(section: str) -> list[Any]:
        return [
            e
            for e in plan.section(section)
            if outcome.statuses[(section, e.index)][0] != "unchanged"
        ]

    errors: list[dict[str, str]] = []
    for section in REF_SECTIONS:
        entries = changed(section)
        res = RESOURCES[section]
        predicate = res.scope(principal)
        assert predicate is not None  # noqa: S101
        visible = _visible_refs(session, res.model, predicate, (e.item.ref for e in entries))
        errors += [
            _error(e.pointer, f"the {res.label}") for e in entries if e.item.ref not in visible
        ]
    persons = scoping.person_id_predicate(principal, Person.id)
    assert persons is not None  # noqa: S101
    keyless = {s: changed(s) for s in KEYLESS}
    person_refs = {
        ref
        for entries in keyless.values()
        for e in entries
        for ref in (e.item.person, getattr(e.item, "related", None))
        if ref
    }
    visible_persons = _visible_refs(session, Person, persons, person_refs)
    for e in keyless["interests"]:
        if e.item.person not in visible_persons:
            errors.append(_error(e.pointer + "/person", "the person"))
    for e in keyless["relations"]:
        if e.item.person not in visible_persons and e.item.related not in visible_persons:
            errors.append(_error(e.pointer, "both persons"))
    errors += _appointment_bodies(session, principal, keyless["appointments"])
    return errors


def _appointment_bodies(
    session: Session, principal: Principal, entries: list[Any]
) -> list[dict[str, str]]:
    kinds = {
        "committee": (Committee, scoping.committee_predicate(principal)),
        "administration": (Administration, scoping.administration_predicate(principal)),
        "organisation": (Organisation, scoping.organisation_predicate(principal)),
    }
    errors = []
    for kind, (model, predicate) in kinds.items():
        with_kind = [e for e in entries if getattr(e.item.body, kind)]
        if not with_kind or predicate is None:
            continue
        visible = _visible_refs(
            session, model, predicate, (getattr(e.item.body, kind) for e in with_kind)
        )
        errors += [
            _error(f"{e.pointer}/body/{kind}", f"the {kind}")
            for e in with_kind
            if getattr(e.item.body, kind) not in visible
        ]
    return errors
