"""Which stored objects a registry write may point at, for a key limited to organisations.

Every reference inside every item of a write (import or CRUD: owners, members, a
committee's organisation, parent, participants and `for`, `serves`, an operation's
`operator` and municipality, performer and principals, an appointment's person, body and
`appointed_by`, an interest's person, organisation and `on_behalf_of`, both persons of a
relation) is checked on the state *before* the write: it must name an object the key
sees. Checking after the write is not enough: appointing another kommun's person to one's
own nämnd brings that person into scope by the very write being checked.

Two exceptions, neither of which widens the key's scope:
- a reference the stored object already holds is kept, not added (a gemensam nämnd of
  Ankeby lists Borby as participant; Ankeby may still rename it), if the key may change
  that object: a document that declares a stored object it may not change is refused
  first, saying only that the ref is taken (`check_taken_refs`, run Q);
- an object declared in the same document is checked after the write, as every written
  object is (`app.registry.scope.written_out_of_scope`).

A reference the key may not make is reported exactly like a ref that does not exist
(422 `unknown_reference`), so the answer never tells whether another kommun has it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, select
from sqlalchemy.orm import Session

from app.errors import Forbidden
from app.models import Administration, Agreement, Committee, Operation, Organisation, Person
from app.registry import repository, scope
from app.registry.crud.resources import RESOURCES
from app.registry.importdoc.document import SECTIONS
from app.registry.importdoc.plan import KIND_TABLES, REF_SECTIONS, Entry, Plan, references
from app.security import scope_sets, scoping
from app.security.deps import Principal

Reference = tuple[str, str]  # (kind, ref)
HeldReference = tuple[str, str, str]  # (field, kind, ref)
References = Callable[[str, Any], Iterator[tuple[str, str, str]]]
# A refusal lists at most this many refs taken outside the key's scope (the validator's
# cap on listed errors; the probe budget may list fewer, `app.security.probes`).
LISTED_TAKEN = 100


def _person_predicate(principal: Principal) -> ColumnElement[bool] | None:
    return scoping.person_point_predicate(principal, Person.__table__.c.id)


# kind -> (model, what a key may point at). Persons: anyone appointed in the scope (a
# person shared with another kommun may be appointed here too; changing them may not).
REFERABLE: dict[str, tuple[Any, Callable[[Principal], ColumnElement[bool] | None]]] = {
    "organisation": (Organisation, scoping.organisation_point_predicate),
    "committee": (Committee, scoping.committee_predicate),
    "administration": (Administration, scoping.administration_predicate),
    "operation": (Operation, scoping.operation_predicate),
    "agreement": (Agreement, scoping.agreement_predicate),
    "person": (Person, _person_predicate),
}


def referable(session: Session, principal: Principal, kind: str, refs: Iterable[str]) -> set[str]:
    """The refs of `kind` among `refs` that the key may point at (all, for an unlimited key)."""
    wanted = sorted(set(refs))
    if not principal.scoped:
        return set(wanted)
    statement = _referable_statement(kind)
    scope = sorted(principal.organisation_refs or ())
    found: set[str] = set()
    for batch in repository.chunks(wanted):
        found.update(session.scalars(statement, {"refs": batch, scope_sets.SCOPE_REFS: scope}))
    return found


@cache
def _referable_statement(kind: str) -> Select[tuple[str]]:
    """`referable`'s statement, built once per kind for every key: the scope predicates
    are large expression trees, and building one and computing its cache key for every
    check was most of a limited key's screening CPU; built once per key they took some
    0.3 MB each (a national deployment's 290 kommun keys: a worker over 300 MB;
    BENCHMARKS.md run J). The refs asked about and the key's organisations are bound
    parameters (`scope_sets.bound_principal`)."""
    model, predicate_of = REFERABLE[kind]
    predicate = predicate_of(scope_sets.bound_principal())
    assert predicate is not None  # noqa: S101 - a scoped key has a predicate for every kind
    return select(model.ref).where(model.ref.in_(bindparam("refs", expanding=True)), predicate)


def held_by_stored(
    session: Session,
    section: str,
    *,
    refs: Iterable[str] = (),
    row_id: int | None = None,
    references: References,
) -> dict[str | int, set[HeldReference]]:
    """What stored objects already point at, by field: by ref (objects with a ref) or by
    row id."""
    res = RESOURCES[section]
    stmt = select(res.model).options(*res.options)
    if row_id is not None:
        rows = list(session.scalars(stmt.where(res.model.id == row_id)))
    else:
        rows = []
        for batch in repository.chunks(sorted(set(refs))):
            rows.extend(session.scalars(stmt.where(res.model.ref.in_(batch))))
    model = SECTIONS[section]
    fields = {f.alias or name for name, f in model.model_fields.items()}
    held: dict[str | int, set[HeldReference]] = {}
    for row in rows:
        out = res.out(row)
        item = model.model_validate({k: v for k, v in out.items() if k in fields})
        key: str | int = row.id if row_id is not None else row.ref
        held[key] = {(_field(suffix), kind, ref) for suffix, kind, ref in references(section, item)}
    return held


def _field(suffix: str) -> str:
    """The item's field a reference sits in: '/owners/0/organisation' -> 'owners'."""
    return suffix.split("/", 2)[1]


class ReferenceScopeChecks:
    """The `Validator` mixin that applies the above while a document is validated."""

    session: Session
    principal: Principal | None
    target_id: int | None
    entries: dict[str, list[Entry]]
    stored: dict[str, dict[str, Any]]
    referable: dict[str, set[str]] | None
    # By (section, ref or row id): an object of one section never lends what it holds to
    # an object of another with the same ref (before run N a new committee named like a
    # stored agreement took the agreement's other kommun as its participant).
    held: dict[tuple[str, str | int], set[HeldReference]]

    def declared(self) -> dict[str, set[str]]:

        declared: dict[str, set[str]] = {kind: set() for kind in KIND_TABLES}
        for section, kind in REF_SECTIONS.items():
            declared[kind].update(e.item.ref for e in self.entries.get(section, []))
        return declared

    def check_taken_refs(self) -> None:
        """For a limited key: refuse the document (403, one error at each such item) if it
        declares an object, or gives a fact by ref, that exists but that the key may not
        change: the ref is taken, and that is all the answer may say. So this is asked
        before anything that reads what the stored object holds (its references, its
        kind): before run Q the checks below named them ("a reference to organisation
        'cederby' ... cannot be taken out"), or answered a right guess of them otherwise
        than a wrong one. At most `LISTED_TAKEN` are listed, without a count of the rest;
        each listed one the key cannot read is a probe of its budget (`app.security.probes`)."""
        if self.principal is None:
            return
        taken = scope.taken_out_of_scope(
            self.session, self.principal, Plan(self.entries, self.stored)
        )
        if taken:
            raise Forbidden(scope.OUT_OF_SCOPE, errors=taken[:LISTED_TAKEN])

    def load_scope(self) -> None:
        """For a limited key: the stored refs it may point at, and those the objects it
        writes already point at (app.registry.reference_scope). Held references are
        loaded only for stored objects the key may change: `check_taken_refs` refused
        the document if it declares any other, and a keyless row is loaded only if the
        key may change it."""

        if self.principal is None:
            return
        declared = self.declared()
        wanted: dict[str, set[str]] = {kind: set() for kind in KIND_TABLES}
        for section, entries in self.entries.items():
            for e in entries:
                for _, kind, ref in references(section, e.item):
                    if ref in self.stored[kind] and ref not in declared[kind]:
                        wanted[kind].add(ref)
        self.referable = {
            kind: referable(self.session, self.principal, kind, refs)
            for kind, refs in wanted.items()
        }
        for section, kind in REF_SECTIONS.items():
            stored = self.stored[kind]
            existing = [e.item.ref for e in self.section(section) if e.item.ref in stored]
            if existing:
                found = held_by_stored(self.session, section, refs=existing, references=references)
                self.held.update(((section, key), refs) for key, refs in found.items())
        keyless = [s for s in self.entries if s not in REF_SECTIONS]
        if (
            self.target_id is not None
            and keyless
            and scope.may_change(self.session, self.principal, keyless[0], self.target_id)
        ):
            found = held_by_stored(
                self.session, keyless[0], row_id=self.target_id, references=references
            )
            self.held.update(((keyless[0], key), refs) for key, refs in found.items())

    def section(self, name: str) -> list[Entry]:
        return self.entries.get(name, [])

    def may_point(self, e: Entry, kind: str, ref: str) -> bool:
        """Whether the item may point at this stored object (always, for an unlimited key)."""

        if self.referable is None or ref in self.referable[kind]:
            return True
        key = self._held_key(e)
        held = self.held.get((e.section, key), set()) if key is not None else set()
        return any(k == kind and r == ref for _, k, r in held)

    def _held_key(self, e: Entry) -> str | int | None:
        return e.item.ref if e.section in REF_SECTIONS else self.target_id

    def check_kept_references(self) -> None:
        """A limited key may not take out of a stored object a reference to something
        outside its scope (another kommun as host or participant of a shared nämnd, as
        co-owner of a company, as the organisation of an administration or the performer
        of an agreement): that would take the object from the other kommun, or make its
        companies shared (a fourth review of run N found all four). Only the fields the
        item gives are compared; what it leaves out is kept. The error names no ref: the
        key may not read the one it would take out (an appointment's appointer, run R)."""
        if self.principal is None or not self.principal.scoped:
            return
        removed: list[tuple[Entry, str, str, str]] = []
        for section, entries in self.entries.items():
            for e in entries:
                key = self._held_key(e)
                held = self.held.get((section, key), set()) if key is not None else set()
                if not held:
                    continue
                kept = {(_field(s), k, r) for s, k, r in references(section, e.item)}
                removed.extend(
                    (e, field, kind, ref)
                    for field, kind, ref in sorted(held - kept)
                    if field in e.fields
                )
        if not removed:
            return
        wanted: dict[str, set[str]] = {}
        for _, _, kind, ref in removed:
            wanted.setdefault(kind, set()).add(ref)
        ours = {
            kind: referable(self.session, self.principal, kind, refs)
            for kind, refs in wanted.items()
        }
        for e, field, kind, ref in removed:
            if ref not in ours[kind]:
                self.error(
                    f"{e.pointer}/{field}",
                    f"this {kind} reference, outside this key's organisations, cannot be "
                    "taken out; ask an administrator with an unlimited key",
                    "out_of_scope",
                )

    def error(self, pointer: str, detail: str, code: str) -> None:
        raise NotImplementedError
