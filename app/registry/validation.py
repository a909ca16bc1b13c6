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
from app.identifiers import InvalidIdentifier, hash_and_mask, normalise_orgnr
from app.models import Administration, Agreement, Committee, Operation, Organisation, Person
from app.registry import repository
from app.registry.document import SECTIONS
from app.registry.repository import Row
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
    "organisation": Organisation.__table__,  # type: ignore[dict-item]
    "committee": Committee.__table__,  # type: ignore[dict-item]
    "administration": Administration.__table__,  # type: ignore[dict-item]
    "operation": Operation.__table__,  # type: ignore[dict-item]
    "agreement": Agreement.__table__,  # type: ignore[dict-item]
    "person": Person.__table__,  # type: ignore[dict-item]
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


def _one_of(obj: Any, names: tuple[str, ...]) -> bool:
    return sum(1 for n in names if getattr(obj, n)) == 1


class Validator:
    def __init__(self, session: Session, pnr_secret: str) -> None:
        self.session = session
        self.pnr_secret = pnr_secret
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
        self.check_references()
        for section, entries in self.entries.items():
            check = getattr(self, f"check_{section}", None)
            for entry in entries:
                if check is not None:
                    check(entry)
                if hasattr(entry.item, "valid_to"):
                    self.check_period(entry)
        self.check_personnummer_unique()
        self.check_ownership_cycles()
        self.check_committee_cycles()
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
            self.stored[kind] = (
                repository.rows_by_ref(self.session, KIND_TABLES[kind], refs) if refs else {}
            )
        self.areas = set(BUILTIN_AREAS) | repository.custom_area_codes(self.session)

    def check_references(self) -> None:
        declared = {kind: set() for kind in KIND_TABLES}  # type: dict[str, set[str]]
        for section, kind in REF_SECTIONS.items():
            declared[kind].update(e.item.ref for e in self.entries.get(section, []))
        for section, entries in self.entries.items():
            for e in entries:
                for suffix, kind, ref in references(section, e.item):
                    known = (
                        ref in declared[kind]
                        or ref in self.stored[kind]
                        or ref in self.broken[kind]
                    )
                    if not known:
                        self.error(
                            e.pointer + suffix,
                            f"unknown {kind} reference: not in the document or the registry",
                            "unknown_reference",
                        )

    # -- per section --------------------------------------------------------------------
    def check_period(self, e: Entry) -> None:
        item = e.item
        if item.valid_from and item.valid_to and item.valid_to < item.valid_from:
            self.error(e.pointer + "/valid_to", "valid_to is before valid_from", "invalid_period")

    def check_area(self, pointer: str, area: str) -> None:
        if area not in self.areas:
            self.error(pointer, "unknown area; see GET /v1/vocabularies", "unknown_vocabulary")

    def check_unique(self, pointer: str, values: list[Any]) -> None:
        seen: set[Any] = set()
        for i, value in enumerate(values):
            if value in seen:
                self.error(f"{pointer}/{i}", "listed twice", "duplicate")
            seen.add(value)

    def check_organisations(self, e: Entry) -> None:
        item = e.item
        if item.orgnr:
            try:
                e.extra["orgnr"] = normalise_orgnr(item.orgnr)
            except InvalidIdentifier as exc:
                self.error(e.pointer + "/orgnr", str(exc), "invalid_orgnr")
        owners = item.owners or []
        for i, owner in enumerate(owners):
            if owner.organisation == item.ref:
                self.error(
                    f"{e.pointer}/owners/{i}/organisation",
                    "an organisation cannot own itself",
                    "self_reference",
                )
        self.check_unique(e.pointer + "/owners", [o.organisation for o in owners])
        if sum(o.share_percent or 0 for o in owners) > 100:
            self.error(
                e.pointer + "/owners", "owner shares add up to more than 100 %", "shares_over_100"
            )
        for i, member in enumerate(item.members or []):
            if member == item.ref:
                self.error(
                    f"{e.pointer}/members/{i}",
                    "an organisation cannot be its own member",
                    "self_reference",
                )
        self.check_unique(e.pointer + "/members", item.members or [])

    def check_committees(self, e: Entry) -> None:
        item = e.item
        if item.parent == item.ref:
            self.error(
                e.pointer + "/parent", "a committee cannot be its own parent", "self_reference"
            )
        self.check_unique(e.pointer + "/participants", item.participants or [])
        resps = item.responsibilities or []
        for i, resp in enumerate(resps):
            self.check_area(f"{e.pointer}/responsibilities/{i}/area", resp.area)
            self.check_unique(f"{e.pointer}/responsibilities/{i}/for", resp.for_ or [])
        self.check_unique(e.pointer + "/responsibilities", [(r.area, r.role) for r in resps])

    def check_administrations(self, e: Entry) -> None:
        self.check_unique(e.pointer + "/serves", e.item.serves or [])

    def check_operations(self, e: Entry) -> None:
        self.check_area(e.pointer + "/area", e.item.area)
        if not _one_of(e.item.operator, ("committee", "organisation")):
            self.error(
                e.pointer + "/operator",
                "give exactly one of committee or organisation",
                "exactly_one",
            )

    def check_agreements(self, e: Entry) -> None:
        item = e.item
        self.check_area(e.pointer + "/area", item.area)
        principals = item.principals or []
        self.check_unique(e.pointer + "/principals", principals)
        for i, ref in enumerate(principals):
            if ref == item.performer:
                self.error(
                    f"{e.pointer}/principals/{i}",
                    "the performer cannot be its own principal",
                    "self_reference",
                )

    def check_persons(self, e: Entry) -> None:
        if e.item.personnummer:
            try:
                e.extra["pnr"] = hash_and_mask(e.item.personnummer, self.pnr_secret)
            except InvalidIdentifier as exc:
                self.error(e.pointer + "/personnummer", str(exc), "invalid_personnummer")

    def check_appointments(self, e: Entry) -> None:
        if not _one_of(e.item.body, ("committee", "administration", "organisation")):
            self.error(
                e.pointer + "/body",
                "give exactly one of committee, administration or organisation",
                "exactly_one",
            )
        works = e.item.works_with or []
        for i, w in enumerate(works):
            self.check_area(f"{e.pointer}/works_with/{i}/area", w.area)
        self.check_unique(e.pointer + "/works_with", [(w.area, w.role) for w in works])

    def check_interests(self, e: Entry) -> None:
        item = e.item
        if not _one_of(item, ("organisation", "on_behalf_of")):
            self.error(e.pointer, "give exactly one of organisation or on_behalf_of", "exactly_one")
        if item.on_behalf_of and item.on_behalf_of == item.person:
            self.error(
                e.pointer + "/on_behalf_of", "a person cannot represent themself", "self_reference"
            )
        if item.share_percent is not None and item.kind != "agare":
            self.error(
                e.pointer + "/share_percent",
                "share_percent is only for kind 'agare'",
                "not_allowed",
            )

    def check_relations(self, e: Entry) -> None:
        if e.item.person == e.item.related:
            self.error(
                e.pointer + "/related", "a relation needs two different persons", "self_reference"
            )

    # -- whole-document checks ----------------------------------------------------------
    def check_personnummer_unique(self) -> None:
        persons = [e for e in self.entries.get("persons", []) if "pnr" in e.extra]
        stored = repository.person_refs_by_pnr_hash(
            self.session, (e.extra["pnr"][0] for e in persons)
        )
        seen: set[str] = set()
        for e in persons:
            digest = e.extra["pnr"][0]
            others = [ref for ref in stored.get(digest, []) if ref != e.item.ref]
            if digest in seen or others:
                self.error(
                    e.pointer + "/personnummer",
                    "another person has the same personnummer",
                    "duplicate_personnummer",
                )
            seen.add(digest)

    def check_ownership_cycles(self) -> None:
        doc = {e.item.ref: e for e in self.entries.get("organisations", []) if e.item.owners}
        edges = {ref: [o.organisation for o in e.item.owners] for ref, e in doc.items()}
        _extend_graph(edges, lambda refs: repository.owner_refs_of(self.session, refs))
        for ref, e in doc.items():
            for i, owner in enumerate(e.item.owners):
                if owner.organisation != ref and ref in _reachable(edges, owner.organisation):
                    self.error(
                        f"{e.pointer}/owners/{i}/organisation",
                        "ownership cycle: this owner is (indirectly) owned by the organisation",
                        "ownership_cycle",
                    )

    def check_committee_cycles(self) -> None:
        doc = {e.item.ref: e for e in self.entries.get("committees", []) if e.item.parent}
        edges = {ref: [e.item.parent] for ref, e in doc.items()}
        _extend_graph(
            edges,
            lambda refs: {k: [v] for k, v in repository.parent_refs_of(self.session, refs).items()},
        )
        for ref, e in doc.items():
            if e.item.parent != ref and ref in _reachable(edges, e.item.parent):
                self.error(
                    e.pointer + "/parent",
                    "committee cycle: the parent is (indirectly) under this committee",
                    "committee_cycle",
                )


def _one_of_target(section: str, item: Any) -> bool:
    if section == "appointments":
        return _one_of(item.body, ("committee", "administration", "organisation"))
    if section == "interests":
        return _one_of(item, ("organisation", "on_behalf_of"))
    return True


def _extend_graph(edges: dict[str, list[str]], load: Any) -> None:
    """Add stored edges for every node reachable from the document's edges."""
    frontier = {t for targets in edges.values() for t in targets} - edges.keys()
    while frontier:
        found: dict[str, list[str]] = load(sorted(frontier))
        for node in frontier:
            edges[node] = found.get(node, [])
        frontier = {t for node in frontier for t in edges[node]} - edges.keys()


def _reachable(edges: dict[str, list[str]], start: str) -> set[str]:
    seen, stack = {start}, [start]
    while stack:
        for nxt in edges.get(stack.pop(), []):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def validate(session: Session, raw: Any, *, pnr_secret: str) -> Plan:
    """Check the whole document; raise `Unprocessable` listing every error, or return the plan."""
    return Validator(session, pnr_secret).run(raw)


def count_errors(errors: list[dict[str, str]]) -> Counter[str]:
    return Counter(e["code"] for e in errors)
