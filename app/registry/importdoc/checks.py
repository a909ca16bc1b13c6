"""Per-section and whole-document checks of the import validation (a `Validator` mixin)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.identifiers import InvalidIdentifier, hash_and_mask, normalise_orgnr
from app.models import Person
from app.registry import repository
from app.security import scoping

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.registry.importdoc.plan import Entry
    from app.security.deps import Principal


def one_of(obj: Any, names: tuple[str, ...]) -> bool:
    return sum(1 for n in names if getattr(obj, n)) == 1


class Checks:
    session: Session
    pnr_secret: str
    principal: Principal | None
    stored: dict[str, dict[str, Any]]
    pnr_owners: dict[str, list[str]]
    areas: set[str]
    entries: dict[str, list[Entry]]

    def error(self, pointer: str, detail: str, code: str) -> None:
        raise NotImplementedError

    def check_appointment_seat_fields(self, e: Entry) -> None:
        raise NotImplementedError

    def may_point(self, e: Entry, kind: str, ref: str) -> bool:
        """Whether the item may point at this stored object (the key's scope; Validator)."""
        raise NotImplementedError

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
                e.note("orgnr", normalise_orgnr(item.orgnr))
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
        if not one_of(e.item.operator, ("committee", "organisation")):
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
                e.note("pnr", hash_and_mask(e.item.personnummer, self.pnr_secret))
            except InvalidIdentifier as exc:
                self.error(e.pointer + "/personnummer", str(exc), "invalid_personnummer")

    def check_appointments(self, e: Entry) -> None:
        if not one_of(e.item.body, ("committee", "administration", "organisation")):
            self.error(
                e.pointer + "/body",
                "give exactly one of committee, administration or organisation",
                "exactly_one",
            )
        works = e.item.works_with or []
        for i, w in enumerate(works):
            self.check_area(f"{e.pointer}/works_with/{i}/area", w.area)
        self.check_unique(e.pointer + "/works_with", [(w.area, w.role) for w in works])
        self.check_unique(e.pointer + "/substitutes", e.item.substitutes or [])
        self.check_appointment_seat_fields(e)

    def check_interests(self, e: Entry) -> None:
        item = e.item
        if not one_of(item, ("organisation", "on_behalf_of")):
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
        """A personnummer given to a person must not be another's: within the document, and
        among the stored persons the key sees. A key limited to some organisations never
        learns of a person outside them (one with the same personnummer elsewhere is a
        separate identity, docs/security.md); a personnummer a person already has is not
        checked again, so such persons stay writable by an unlimited key."""
        persons = [e for e in self.entries.get("persons", []) if "pnr" in e.extra]
        where = None
        if self.principal is not None:
            where = scoping.person_id_predicate(self.principal, Person.__table__.c.id)
        stored = repository.person_refs_by_pnr_hash(
            self.session, (e.extra["pnr"][0] for e in persons), where
        )
        seen: set[str] = set()
        for e in persons:
            digest = e.extra["pnr"][0]
            kept = self.stored.get("person", {}).get(e.item.ref, {}).get("personnummer_hash")
            others = [ref for ref in stored.get(digest, []) if ref != e.item.ref and kept != digest]
            if digest in seen or others:
                self.error(
                    e.pointer + "/personnummer",
                    "another person has the same personnummer",
                    "duplicate_personnummer",
                )
            seen.add(digest)
        self.pnr_owners = stored  # what the end check of concurrent imports compares with

    def check_ownership_cycles(self) -> None:
        doc = {e.item.ref: e for e in self.entries.get("organisations", []) if e.item.owners}
        edges = {ref: [o.organisation for o in e.item.owners] for ref, e in doc.items()}
        _extend_graph(edges, lambda refs: repository.owner_refs_of(self.session, refs))
        for ref, e in doc.items():
            for i, owner in enumerate(e.item.owners):
                if not self.may_point(e, "organisation", owner.organisation):
                    continue  # refused as unknown; a cycle through it would tell it exists
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
