"""Organisation scope for registry writes (import and CRUD share it).

A key limited to some organisations may change an object only if the object is in its
scope before the write (when it exists) and after it; the predicates come from
`app.security.scoping`, the one place that defines scope. Appointments, interests and
relations (facts about people) must moreover point only at objects in scope: a body,
an organisation, another person. A refused write is refused whole (403, one pointer per
object); the caller raises after writing, so its transaction is rolled back.
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
    errors += _keyless_references(session, principal, {s: changed(s) for s in KEYLESS})
    return errors


# What each kind of keyless fact points at, and where in its item: every one must be in
# scope, so a limited key cannot tie its people to (or reveal) another organisation's.
FACT_REFERENCES: dict[str, tuple[tuple[str, str], ...]] = {
    "appointments": (
        ("/body/committee", "committee"),
        ("/body/administration", "administration"),
        ("/body/organisation", "organisation"),
        ("/appointed_by", "organisation"),
    ),
    "interests": (
        ("/person", "person"),
        ("/organisation", "organisation"),
        ("/on_behalf_of", "person"),
    ),
    "relations": (("/person", "person"), ("/related", "person")),
}


def _get(item: Any, suffix: str) -> str | None:
    value = item
    for part in suffix.strip("/").split("/"):
        value = getattr(value, part, None)
    return value  # type: ignore[no-any-return]


def _keyless_references(
    session: Session, principal: Principal, changed: dict[str, list[Any]]
) -> list[dict[str, str]]:
    """Appointments (body, appointed_by), interests (person, organisation, on_behalf_of)
    and relations (both persons) may only point at objects in the key's scope."""
    models = {
        "person": (Person, scoping.person_id_predicate(principal, Person.id)),
        "committee": (Committee, scoping.committee_predicate(principal)),
        "administration": (Administration, scoping.administration_predicate(principal)),
        "organisation": (Organisation, scoping.organisation_predicate(principal)),
    }
    wanted: dict[str, set[str]] = {kind: set() for kind in models}
    for section, entries in changed.items():
        for suffix, kind in FACT_REFERENCES[section]:
            wanted[kind].update(r for e in entries if (r := _get(e.item, suffix)))
    visible: dict[str, set[str]] = {}
    for kind, (model, predicate) in models.items():
        assert predicate is not None  # noqa: S101 - scoped principal
        visible[kind] = _visible_refs(session, model, predicate, wanted[kind])
    errors = []
    for section, entries in changed.items():
        for e in entries:
            for suffix, kind in FACT_REFERENCES[section]:
                ref = _get(e.item, suffix)
                if ref and ref not in visible[kind]:
                    errors.append(_error(e.pointer + suffix, f"the {kind}"))
    return errors
