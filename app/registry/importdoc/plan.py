"""The shape of a validated import document: entries, the plan, and the references of items.

`validation.Validator` builds a `Plan`; the writer and the scope checks read it. Kept apart
from the validator so that the modules that only read a plan do not import the validation.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, get_args

from pydantic import BaseModel
from sqlalchemy import Table

from app.models import Administration, Agreement, Committee, Operation, Organisation, Person
from app.registry.repository import Row, table_of

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
# What is read of a stored row that the document only points at (its kind's section is
# absent): its id, and the organisation of a committee or administration (audit tags).
REFERRED_COLUMNS: dict[str, tuple[str, ...]] = {
    kind: ("id", "ref", "organisation_id")
    if kind in ("committee", "administration")
    else ("id", "ref")
    for kind in KIND_TABLES
}
# The natural key's columns (`Importer.keyless_key`); relations in canonical form.
KEY_COLUMNS: dict[str, tuple[str, ...]] = {
    "appointments": (
        "person_id",
        "committee_id",
        "administration_id",
        "organisation_id",
        "role",
        "valid_from",
    ),
    "interests": ("person_id", "organisation_id", "on_behalf_of_id", "kind", "valid_from"),
    "relations": ("person_id", "related_id", "kind"),
}
SYMMETRIC_RELATIONS = frozenset(
    {"make", "sambo", "registrerad_partner", "syskon", "annan_narstaende", "nara_van", "ovan"}
)


def canonical_relation(person: Any, related: Any, kind: str) -> tuple[Any, Any, str]:
    """One stored form per fact: `barn` becomes `forelder` swapped; symmetric kinds sorted."""
    if kind == "barn":
        return related, person, "forelder"
    if kind in SYMMETRIC_RELATIONS and related < person:
        return related, person, kind
    return person, related, kind


_FIELD_SETS: dict[frozenset[str], frozenset[str]] = {}


def given_fields(names: set[str] | frozenset[str]) -> frozenset[str]:
    """An item's given fields, one shared frozenset per distinct set (the 50,000 items of
    a section have a handful of shapes)."""
    key = frozenset(names)
    return _FIELD_SETS.setdefault(key, key) if len(_FIELD_SETS) < 10_000 else key


def share_fields_sets(item: BaseModel) -> frozenset[str]:
    """The item's given fields (`given_fields`); its own set of them, and those of the
    models inside it, are replaced by the shared frozenset. A validated item's set is
    two fifths of its memory (728 bytes of an appointment's 1,860), and the plan keeps
    50,000 of them; items are never assigned to after validation (a frozenset refuses)."""
    fields = given_fields(item.__pydantic_fields_set__)
    object.__setattr__(item, "__pydantic_fields_set__", fields)
    values = item.__dict__
    for name in _model_fields_of(type(item)):  # most items have none: nothing to visit
        value = values[name]
        if isinstance(value, BaseModel):
            share_fields_sets(value)
        elif isinstance(value, list):
            for inner in value:
                if isinstance(inner, BaseModel):
                    share_fields_sets(inner)
    return fields


_MODEL_FIELDS: dict[type[BaseModel], tuple[str, ...]] = {}


def _model_fields_of(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of `model` whose type can hold a model (or a list of them)."""
    names = _MODEL_FIELDS.get(model)
    if names is None:
        names = _MODEL_FIELDS[model] = tuple(
            name for name, info in model.model_fields.items() if _holds_model(info.annotation)
        )
    return names


def _holds_model(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_holds_model(arg) for arg in get_args(annotation))


class _NoExtra(Mapping[str, Any]):
    """The empty `Entry.extra` every entry shares until `note` gives it its own dict."""

    __hash__ = object.__hash__  # a dataclass default must be hashable (immutable)

    def __getitem__(self, key: str) -> Any:
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


_NO_EXTRA = _NoExtra()


@dataclass(slots=True)
class Entry:
    section: str
    index: int
    item: Any
    fields: frozenset[str]
    # What the checks derived (normalised orgnr, personnummer hash and mask, the stored row
    # a CRUD write replaces): one shared empty mapping until `note` writes to it (an empty
    # dict per entry was 64 bytes x 50,000 in the plan).
    extra: Mapping[str, Any] = _NO_EXTRA

    def note(self, key: str, value: Any) -> None:
        extra = self.extra if isinstance(self.extra, dict) else {}
        extra[key] = value
        self.extra = extra

    @property
    def pointer(self) -> str:
        return f"/{self.section}/{self.index}"


@dataclass
class Plan:
    """A valid document, with the stored rows it declares or refers to (by kind and ref)."""

    entries: dict[str, list[Entry]]
    stored: dict[str, dict[str, Row]]
    # Per personnummer hash given in the document, the stored persons (refs) with it that
    # validation found among those the key sees (`locks.after_writes` compares).
    pnr_owners: dict[str, list[str]] = field(default_factory=dict)
    # Whether validation refused the refs taken outside a limited key's scope
    # (`scope.taken_out_of_scope`), so that writing need not ask again.
    taken_checked: bool = False

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
