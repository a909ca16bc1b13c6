"""Validate an import document as a whole, collecting every error with a JSON pointer.

One path for `POST /v1/import` and the single-object CRUD writes (which are validated as
a one-item document), so the rules cannot drift. Nothing here writes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError
from sqlalchemy import Table
from sqlalchemy.orm import Session

from app.errors import Unprocessable, field_error, json_pointer
from app.models import Administration, Agreement, Committee, Operation, Organisation, Person
from app.registry import reference_scope, repository
from app.registry.checks import Checks, one_of
from app.registry.document import SECTIONS
from app.registry.repository import Row, table_of
from app.registry.seat_checks import SeatChecks
from app.security.deps import Principal
from app.vocabularies import BUILTIN_AREAS

# Sections whose objects carry a mandatory ref, and the reference kind each one declares.
REF_SECTIONS: dict[str, str] = {
    "organisations": "organisation",
    "committees": "committee",
    "administrations": "administration",
    "operations": "operation",
    "agreements": "agreement",
    "persons": "person",
}
KIND_TABLES: dict[str, Table] = {
    "organisation": table_of(Organisation),
    "committee": table_of(Committee),
    "administration": table_of(Administration),
    "operation": table_of(Operation),
    "agreement": table_of(Agreement),
    "person": table_of(Person),
}
# The columns of a stored row the writer compares with an item (`writer.COLUMNS`).
STORED_COLUMNS: dict[str, tuple[str, ...]] = {
    "organisation": ("id", "ref", "kind", "name", "orgnr"),
    "committee": (
        "id",
        "ref",
        "organisation_id",
        "kind",
        "name",
        "parent_id",
        "seats",
        "substitution_order",
    ),
    "administration": ("id", "ref", "organisation_id", "name"),
    "operation": (
        "id",
        "ref",
        "name",
        "area",
        "operator_committee_id",
        "operator_organisation_id",
        "municipality_id",
    ),
    "agreement": ("id", "ref", "performer_id", "area", "role", "valid_from", "valid_to"),
    "person": ("id", "ref", "name", "name_key", "personnummer_hash", "personnummer_masked"),
}
SYMMETRIC_RELATIONS = frozenset(
    {"make", "sambo", "registrerad_partner", "syskon", "annan_narstaende", "nara_van", "ovan"}
)
SECTION_ORDER = {name: i for i, name in enumerate(SECTIONS)}
_LIST_ADAPTERS = {name: TypeAdapter(list[model]) for name, model in SECTIONS.items()}  # type: ignore[valid-type]
_PYDANTIC_CODES = {"literal_error": "unknown_vocabulary", "missing": "required"}


def canonical_relation(person: Any, related: Any, kind: str) -> tuple[Any, Any, str]:
    """One stored form per fact: `barn` becomes `forelder` swapped; symmetric kinds sorted."""
    if kind == "barn":
        return related, person, "forelder"
    if kind in SYMMETRIC_RELATIONS and related < person:
        return related, person, kind
    return person, related, kind


@dataclass
class Entry:
    section: str
    index: int
    item: Any
    fields: frozenset[str]
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def pointer(self) -> str:
        return f"/{self.section}/{self.index}"


@dataclass
class Plan:
    """A valid document, with the stored rows it declares or refers to (by kind and ref)."""

    entries: dict[str, list[Entry]]
    stored: dict[str, dict[str, Row]]

    def section(self, name: str) -> list[Entry]:
        return self.entries.get(name, [])

    def declared(self, kind: str) -> dict[str, Entry]:
        section = next(s for s, k in REF_SECTIONS.items() if k == kind)
        return {e.item.ref: e for e in self.section(section)}


def references(section: str, item: Any) -> Iterator[tuple[str, str, str]]:
    """(pointer suffix, kind, ref) for every cross reference of one item."""
    if section == "organisations":
        for i, owner in enumerate(item.owners or []):
            yield f"/owners/{i}/organisation", "organisation", owner.organisation
        for i, ref in enumerate(item.members or []):
            yield f"/members/{i}", "organisation", ref
    elif section == "committees":
        yield "/organisation", "organisation", item.organisation
        if item.parent:
            yield "/parent", "committee", item.parent
        for i, ref in enumerate(item.participants or []):
            yield f"/participants/{i}", "organisation", ref
        for i, resp in enumerate(item.responsibilities or []):
            for j, ref in enumerate(resp.for_ or []):
                yield f"/responsibilities/{i}/for/{j}", "organisation", ref
    elif section == "administrations":
        yield "/organisation", "organisation", item.organisation
        for i, ref in enumerate(item.serves or []):
            yield f"/serves/{i}", "committee", ref
    elif section == "operations":
        if item.operator.committee:
            yield "/operator/committee", "committee", item.operator.committee
        if item.operator.organisation:
            yield "/operator/organisation", "organisation", item.operator.organisation
        if item.municipality:
            yield "/municipality", "organisation", item.municipality
    elif section == "agreements":
        yield "/performer", "organisation", item.performer
        for i, ref in enumerate(item.principals or []):
            yield f"/principals/{i}", "organisation", ref
    elif section == "appointments":
        yield "/person", "person", item.person
        for kind in ("committee", "administration", "organisation"):
            if getattr(item.body, kind):
                yield f"/body/{kind}", kind, getattr(item.body, kind)
        if item.appointed_by:
            yield "/appointed_by", "organisation", item.appointed_by
        for i, ref in enumerate(item.substitutes or []):
            yield f"/substitutes/{i}", "person", ref
    elif section == "interests":
        yield "/person", "person", item.person
        if item.organisation:
            yield "/organisation", "organisation", item.organisation
        if item.on_behalf_of:
            yield "/on_behalf_of", "person", item.on_behalf_of
    elif section == "relations":
        yield "/person", "person", item.person
        yield "/related", "person", item.related


def natural_key(section: str, item: Any) -> tuple[Any, ...]:
    """The contract's identity of a keyless object, in refs."""
    if section == "appointments":
        body = next(
            (k, getattr(item.body, k))
            for k in ("committee", "administration", "organisation")
            if getattr(item.body, k)
        )
        return (item.person, *body, item.role, item.valid_from)
    if section == "interests":
        target = (
            ("organisation", item.organisation)
            if item.organisation
            else ("person", item.on_behalf_of)
        )
        return (item.person, *target, item.kind, item.valid_from)
    return canonical_relation(item.person, item.related, item.kind)


class Validator(SeatChecks, Checks):
    def __init__(
        self,
        session: Session,
        pnr_secret: str,
        principal: Principal | None = None,
        target_id: int | None = None,
    ) -> None:
        self.session = session
        self.pnr_secret = pnr_secret
        # A limited key: scope of references (None: every stored ref may be pointed at).
        self.principal = principal if principal is not None and principal.scoped else None
        self.target_id = target_id  # the stored row a one-item keyless write replaces
        self.referable: dict[str, set[str]] | None = None
        self.held: dict[str | int, set[tuple[str, str]]] = {}
        self.errors: list[tuple[tuple[int, int], dict[str, str]]] = []
        self.entries: dict[str, list[Entry]] = {}
        self.broken: dict[str, set[str]] = {kind: set() for kind in KIND_TABLES}
        self.stored: dict[str, dict[str, Row]] = {}
        self.areas: set[str] = set()

    # -- collecting ---------------------------------------------------------------------
    def error(self, pointer: str, detail: str, code: str) -> None:
        parts = pointer.split("/")
        order = (
            SECTION_ORDER.get(parts[1], -1) if len(parts) > 1 else -1,
            int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else -1,
        )
        self.errors.append((order, field_error(pointer, detail, code)))

    def run(self, raw: Any) -> Plan:
        self.parse(raw)
        self.check_duplicates()
        self.load_store()
        self.load_scope()
        self.check_references()
        for section, entries in self.entries.items():
            check = getattr(self, f"check_{section}", None)
            dated = "valid_to" in SECTIONS[section].model_fields
            for entry in entries:
                if check is not None:
                    check(entry)
                if dated:
                    self.check_period(entry)
        self.check_personnummer_unique()
        self.check_ownership_cycles()
        self.check_committee_cycles()
        self.check_seats()
        if self.errors:
            self.errors.sort(key=lambda pair: pair[0])
            errors = [e for _, e in self.errors]
            raise Unprocessable(
                f"The import document has {len(errors)} error(s); nothing was stored.",
                errors=errors,
            )
        return Plan(self.entries, self.stored)

    # -- structure ----------------------------------------------------------------------
    def parse(self, raw: Any) -> None:
        if not isinstance(raw, dict):
            self.error("", "the import document must be a JSON object", "invalid_type")
            return
        for section, model in SECTIONS.items():
            if section not in raw:  # optional; but null is not a list (as the schema says)
                continue
            value = raw[section]
            if not isinstance(value, list):
                self.error(f"/{section}", "must be a list", "invalid_type")
                continue
            self.entries[section] = self._parse_list(section, model, value)

    def _parse_list(self, section: str, model: type[BaseModel], value: list[Any]) -> list[Entry]:
        try:
            items = _LIST_ADAPTERS[section].validate_python(value)
            return [
                Entry(section, i, it, frozenset(it.model_fields_set)) for i, it in enumerate(items)
            ]
        except ValidationError as exc:
            bad: set[int] = set()
            for err in exc.errors(include_url=False, include_input=False):
                loc = err["loc"]
                bad.add(int(loc[0]) if loc and isinstance(loc[0], int) else -1)
                code = _PYDANTIC_CODES.get(err["type"], err["type"])
                self.error(f"/{section}" + json_pointer(loc), err["msg"], code)
        entries = []
        for i, raw_item in enumerate(value):
            if i not in bad:
                item = model.model_validate(raw_item)
                entries.append(Entry(section, i, item, frozenset(item.model_fields_set)))
            elif section in REF_SECTIONS and isinstance(raw_item, dict):
                ref = raw_item.get("ref")
                if isinstance(ref, str):  # declared, if broken: no cascade of dangling refs
                    self.broken[REF_SECTIONS[section]].add(ref.strip())
        return entries

    def check_duplicates(self) -> None:
        for section, entries in self.entries.items():
            seen_refs: set[str] = set()
            seen_keys: dict[tuple[Any, ...], bool] = {}
            for e in entries:
                ref = getattr(e.item, "ref", None)
                if ref is not None:
                    if ref in seen_refs:
                        self.error(
                            e.pointer + "/ref",
                            "the same ref appears earlier in the document",
                            "duplicate_ref",
                        )
                    seen_refs.add(ref)
                if section in REF_SECTIONS or not _one_of_target(section, e.item):
                    continue
                key = natural_key(section, e.item)
                if key in seen_keys and (ref is None or not seen_keys[key]):
                    self.error(
                        e.pointer,
                        f"the same {section[:-1]} appears earlier in the document",
                        "duplicate_key",
                    )
                seen_keys[key] = seen_keys.get(key, True) and ref is not None

    # -- references ---------------------------------------------------------------------
    def load_store(self) -> None:
        wanted: dict[str, set[str]] = {kind: set() for kind in KIND_TABLES}
        for section, entries in self.entries.items():
            for e in entries:
                if section in REF_SECTIONS:
                    wanted[REF_SECTIONS[section]].add(e.item.ref)
                for _, kind, ref in references(section, e.item):
                    wanted[kind].add(ref)
        for kind, refs in wanted.items():
            # Only what the writer compares (timestamps and versions are never read): about
            # a third less to fetch and keep than whole rows.
            self.stored[kind] = (
                repository.rows_by_ref(self.session, KIND_TABLES[kind], refs, STORED_COLUMNS[kind])
                if refs
                else {}
            )
        self.areas = set(BUILTIN_AREAS) | repository.custom_area_codes(self.session)

    def declared(self) -> dict[str, set[str]]:
        declared: dict[str, set[str]] = {kind: set() for kind in KIND_TABLES}
        for section, kind in REF_SECTIONS.items():
            declared[kind].update(e.item.ref for e in self.entries.get(section, []))
        return declared

    def load_scope(self) -> None:
        """For a limited key: the stored refs it may point at, and those the objects it
        writes already point at (app.registry.reference_scope)."""
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
            kind: reference_scope.referable(self.session, self.principal, kind, refs)
            for kind, refs in wanted.items()
        }
        for section, kind in REF_SECTIONS.items():
            stored = self.stored[kind]
            existing = [e.item.ref for e in self.section(section) if e.item.ref in stored]
            if existing:
                self.held.update(
                    reference_scope.held_by_stored(
                        self.session, section, refs=existing, references=references
                    )
                )
        keyless = [s for s in self.entries if s not in REF_SECTIONS]
        if self.target_id is not None and keyless:
            self.held.update(
                reference_scope.held_by_stored(
                    self.session, keyless[0], row_id=self.target_id, references=references
                )
            )

    def section(self, name: str) -> list[Entry]:
        return self.entries.get(name, [])

    def may_point(self, e: Entry, kind: str, ref: str) -> bool:
        """Whether the item may point at this stored object (always, for an unlimited key)."""
        if self.referable is None or ref in self.referable[kind]:
            return True
        key = e.item.ref if e.section in REF_SECTIONS else self.target_id
        return key is not None and (kind, ref) in self.held.get(key, set())

    def check_references(self) -> None:
        declared = self.declared()
        for section, entries in self.entries.items():
            for e in entries:
                for suffix, kind, ref in references(section, e.item):
                    # Out of the key's scope reads exactly like a ref nobody has.
                    known = (
                        ref in declared[kind]
                        or (ref in self.stored[kind] and self.may_point(e, kind, ref))
                        or ref in self.broken[kind]
                    )
                    if not known:
                        self.error(
                            e.pointer + suffix,
                            f"unknown {kind} reference: not in the document or the registry",
                            "unknown_reference",
                        )


def _one_of_target(section: str, item: Any) -> bool:
    if section == "appointments":
        return one_of(item.body, ("committee", "administration", "organisation"))
    if section == "interests":
        return one_of(item, ("organisation", "on_behalf_of"))
    return True


def validate(
    session: Session,
    raw: Any,
    *,
    pnr_secret: str,
    principal: Principal | None = None,
    target_id: int | None = None,
) -> Plan:
    """Check the whole document; raise `Unprocessable` listing every error, or return the plan.

    With a `principal` limited to organisations, references are checked against its scope
    (`reference_scope`); `target_id` is the stored keyless row a CRUD write replaces.
    """
    return Validator(session, pnr_secret, principal, target_id).run(raw)


def count_errors(errors: list[dict[str, str]]) -> Counter[str]:
    return Counter(e["code"] for e in errors)
