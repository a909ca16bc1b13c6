"""How each section of the import document maps onto rows (used by `Writer`).

Merge by presence: a field absent from an item keeps its stored value (a list absent
keeps the stored list); a field given as null clears it. A new row gets the defaults.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from app.models import (
    AdministrationServes,
    AgreementPrincipal,
    CommitteeParticipant,
    OrganisationMember,
    OrganisationOwner,
    Responsibility,
    ResponsibilityScope,
)
from app.registry import repository
from app.registry.importdoc import progress
from app.registry.importdoc.plan import KEY_COLUMNS, Entry, canonical_relation
from app.registry.importdoc.writer import COLUMNS, Outcome, T, Writer
from app.registry.names import name_key
from app.registry.repository import Row, table_of

KEYLESS = ("appointments", "interests", "relations")
SMALL_BATCH = 100  # up to this many new keyless rows, their ids are read back
WRITE_CHUNK = 5_000  # keyless items built, matched and written at a time


def _dated(e: Entry, row: Row) -> Row:
    for name in ("valid_from", "valid_to"):
        if name in e.fields:
            row[name] = getattr(e.item, name)
    return row


class Importer(Writer):
    def run(self) -> Outcome:
        self.upsert_refs("organisations", self.organisation, self.organisation_children)
        self.written("organisations")
        self.upsert_refs(
            "committees", self.committee, self.committee_children, late=self.committee_parent
        )
        self.written("committees")
        for e in self.plan.section("committees"):
            self.committee_org[self.ids["committee"][e.item.ref]] = self.ids["organisation"][
                e.item.organisation
            ]
        self.upsert_refs("administrations", self.administration, self.administration_children)
        self.written("administrations")
        for e in self.plan.section("administrations"):
            self.admin_org[self.ids["administration"][e.item.ref]] = self.ids["organisation"][
                e.item.organisation
            ]
        self.upsert_refs("operations", self.operation)
        self.written("operations")
        self.upsert_refs("agreements", self.agreement, self.agreement_children)
        self.written("agreements")
        self.upsert_refs("persons", self.person)
        self.written("persons")
        for section in KEYLESS:
            self.upsert_keyless(section)
            self.written(section)
        return self.out

    def written(self, section: str) -> None:
        progress.advance(section, len(self.plan.section(section)))

    # -- scalar values per section -------------------------------------------------------
    def organisation(self, e: Entry) -> Row:
        row = {"kind": e.item.kind, "name": e.item.name}
        if "orgnr" in e.fields:
            row["orgnr"] = e.extra.get("orgnr")
        return row

    def committee(self, e: Entry) -> Row:
        row = {
            "organisation_id": self.id("organisation", e.item.organisation),
            "kind": e.item.kind,
            "name": e.item.name,
        }
        for name in ("seats", "substitution_order"):
            if name in e.fields:
                row[name] = getattr(e.item, name)
        return row

    def committee_parent(self, e: Entry) -> Row:
        return {"parent_id": self.id("committee", e.item.parent)} if "parent" in e.fields else {}

    def administration(self, e: Entry) -> Row:
        return {
            "organisation_id": self.id("organisation", e.item.organisation),
            "name": e.item.name,
        }

    def operation(self, e: Entry) -> Row:
        item = e.item
        row = {
            "name": item.name,
            "area": item.area,
            "operator_committee_id": self.id("committee", item.operator.committee),
            "operator_organisation_id": self.id("organisation", item.operator.organisation),
        }
        if "municipality" in e.fields:
            row["municipality_id"] = self.id("organisation", item.municipality)
        return row

    def agreement(self, e: Entry) -> Row:
        item = e.item
        row = {
            "performer_id": self.id("organisation", item.performer),
            "area": item.area,
            "role": item.role,
        }
        return _dated(e, row)

    def person(self, e: Entry) -> Row:
        row = {"name": e.item.name, "name_key": name_key(e.item.name)}
        if "personnummer" in e.fields:
            digest, masked = e.extra.get("pnr") or (None, None)
            row |= {"personnummer_hash": digest, "personnummer_masked": masked}
        return row

    # -- child lists ------------------------------------------------------------------------
    def organisation_children(self, placed: list[tuple[Entry, int, bool]]) -> set[int]:
        owners = self.child_lists(
            placed,
            "owners",
            lambda e: [
                {
                    "owner_id": self.id("organisation", o.organisation),
                    "share_percent": o.share_percent,
                }
                for o in e.item.owners or []
            ],
            T_OWNERS,
            "organisation_id",
            lambda r: (r["owner_id"], r["share_percent"] or 0),
        )
        members = self.child_lists(
            placed,
            "members",
            lambda e: [{"member_id": self.id("organisation", m)} for m in e.item.members or []],
            T_MEMBERS,
            "organisation_id",
            lambda r: r["member_id"],
        )
        return owners | members

    def committee_children(self, placed: list[tuple[Entry, int, bool]]) -> set[int]:
        participants = self.child_lists(
            placed,
            "participants",
            lambda e: [
                {"organisation_id": self.id("organisation", p)} for p in e.item.participants or []
            ],
            T_PARTICIPANTS,
            "committee_id",
            lambda r: r["organisation_id"],
        )
        return participants | self.responsibilities(placed)

    def responsibilities(self, placed: list[tuple[Entry, int, bool]]) -> set[int]:
        """Responsibilities with explicit scope rows (`for` defaults to the committee's org)."""
        with_list = [(e, pid, new) for e, pid, new in placed if "responsibilities" in e.fields]
        wanted: dict[int, list[tuple[str, str, tuple[int, ...]]]] = {}
        for e, pid, _ in with_list:
            own = self.known_id("organisation", e.item.organisation)
            wanted[pid] = [
                (
                    r.area,
                    r.role,
                    tuple(sorted(self.known_id("organisation", f) for f in (r.for_ or [])))
                    or (own,),
                )
                for r in e.item.responsibilities or []
            ]
        existing = [pid for _, pid, new in with_list if not new]
        resp_rows = repository.rows_where_in(
            self.session, T_RESPONSIBILITIES, "committee_id", existing
        )
        scopes: dict[int, list[int]] = {}
        for s in repository.rows_where_in(
            self.session, T_SCOPES, "responsibility_id", [r["id"] for r in resp_rows]
        ):
            scopes.setdefault(s["responsibility_id"], []).append(s["organisation_id"])
        stored: dict[int, list[tuple[str, str, tuple[int, ...]]]] = {}
        for r in resp_rows:
            stored.setdefault(r["committee_id"], []).append(
                (r["area"], r["role"], tuple(sorted(scopes.get(r["id"], []))))
            )
        changed = {
            pid for pid, rows in wanted.items() if sorted(rows) != sorted(stored.get(pid, []))
        }
        stale = [r["id"] for r in resp_rows if r["committee_id"] in changed]
        repository.delete_where_in(self.session, T_SCOPES, "responsibility_id", stale)
        repository.delete_where_in(self.session, T_RESPONSIBILITIES, "id", stale)
        new_resps = [
            (pid, area, role, orgs) for pid in sorted(changed) for area, role, orgs in wanted[pid]
        ]
        ids = self.insert_returning(
            T_RESPONSIBILITIES,
            [{"committee_id": p, "area": a, "role": r} for p, a, r, _ in new_resps],
        )
        self.insert(
            T_SCOPES,
            [
                {"responsibility_id": rid, "organisation_id": org}
                for rid, (_, _, _, orgs) in zip(ids, new_resps, strict=True)
                for org in orgs
            ],
        )
        return {pid for _, pid, new in with_list if not new and pid in changed}

    def administration_children(self, placed: list[tuple[Entry, int, bool]]) -> set[int]:
        return self.child_lists(
            placed,
            "serves",
            lambda e: [{"committee_id": self.id("committee", c)} for c in e.item.serves or []],
            T_SERVES,
            "administration_id",
            lambda r: r["committee_id"],
        )

    def agreement_children(self, placed: list[tuple[Entry, int, bool]]) -> set[int]:
        return self.child_lists(
            placed,
            "principals",
            lambda e: [
                {"organisation_id": self.id("organisation", p)} for p in e.item.principals or []
            ],
            T_PRINCIPALS,
            "agreement_id",
            lambda r: r["organisation_id"],
        )

    # -- appointments, interests, relations (ref or natural key) ------------------------------
    def keyless_values(self, e: Entry) -> Row:
        item, section = e.item, e.section
        row: Row = {"person_id": self.id("person", item.person)}
        if section == "appointments":
            row |= {
                "committee_id": self.id("committee", item.body.committee),
                "administration_id": self.id("administration", item.body.administration),
                "organisation_id": self.id("organisation", item.body.organisation),
                "role": item.role,
            }
            if "appointed_by" in e.fields:
                row["appointed_by_id"] = self.id("organisation", item.appointed_by)
            if "works_with" in e.fields:
                row["works_with"] = [
                    {"area": w.area, "role": w.role} for w in item.works_with or []
                ]
            for name in ("party", "order", "substitutes"):
                if name in e.fields:
                    row[name] = getattr(item, name)
        elif section == "interests":
            row |= {
                "organisation_id": self.id("organisation", item.organisation),
                "on_behalf_of_id": self.id("person", item.on_behalf_of),
                "kind": item.kind,
            }
            if "share_percent" in e.fields:
                row["share_percent"] = item.share_percent
        else:
            person, related, kind = canonical_relation(
                row["person_id"], self.id("person", item.related), item.kind
            )
            row = {"person_id": person, "related_id": related, "kind": kind}
        if item.ref is not None:
            row["ref"] = item.ref
        return _dated(e, row)

    @staticmethod
    def keyless_key(section: str, row: Row) -> tuple[Any, ...]:
        """The natural key of a keyless row, in `KEY_COLUMNS` order."""
        if section == "appointments":
            return (
                row["person_id"],
                row["committee_id"],
                row["administration_id"],
                row["organisation_id"],
                row["role"],
                row.get("valid_from"),
            )
        if section == "interests":
            return (
                row["person_id"],
                row["organisation_id"],
                row["on_behalf_of_id"],
                row["kind"],
                row.get("valid_from"),
            )
        return (row["person_id"], row["related_id"], row["kind"])

    def load_keyless(
        self, section: str, entries: list[tuple[Entry, Row]]
    ) -> tuple[dict[str, Row], dict[tuple[Any, ...], list[Row]], dict[int, Row]]:
        table = T[section]
        rows: dict[int, Row] = {}
        refs = [e.item.ref for e, _ in entries if e.item.ref is not None]
        targets = [e.extra["target_id"] for e, _ in entries if "target_id" in e.extra]
        # Only persons stored before this import can have rows already.
        stored = {r["id"] for r in self.plan.stored["person"].values()}
        person_ids = {v["person_id"] for _, v in entries} & stored
        if section == "relations":
            person_ids |= {v["related_id"] for _, v in entries} & stored
        # Just the compared columns: skipping the timestamps halves the time for 100k rows.
        columns = ["id", "ref", *COLUMNS[section]]
        loads: list[tuple[str, Iterable[Any]]] = [("ref", refs), ("id", targets)]
        # Rows matching the document's natural keys (a join on PostgreSQL: linear however
        # many rows a person has), else every row of the persons concerned.
        keys = [
            key
            for _, values in entries
            if (key := self.keyless_key(section, COLUMNS[section] | values))[0] in stored
        ]
        keyed = repository.rows_by_keys(self.session, table, KEY_COLUMNS[section], keys, columns)
        if keyed is not None:
            rows.update((r["id"], r) for r in keyed)
        else:
            loads.append(("person_id", person_ids))
            if section == "relations":
                loads.append(("related_id", person_ids))
        for column, values in loads:
            found = repository.rows_where_in(self.session, table, column, values, columns)
            rows.update((r["id"], r) for r in found)
        by_ref = {r["ref"]: r for r in rows.values() if r["ref"] is not None}
        by_key: dict[tuple[Any, ...], list[Row]] = {}
        for r in sorted(rows.values(), key=lambda r: r["id"]):
            by_key.setdefault(self.keyless_key(section, r), []).append(r)
        return by_ref, by_key, rows

    def upsert_keyless(self, section: str) -> None:
        # In chunks (rows built, matched and written per chunk: bounded memory). A stored
        # row claimed by an item stays claimed; later chunks read rows after the earlier
        # chunks' writes, so a row given a ref is matched by that ref from then on.
        claimed: set[int] = set()
        for batch in repository.chunks(self.plan.section(section), WRITE_CHUNK):
            self.upsert_keyless_chunk(section, batch, claimed)

    def upsert_keyless_chunk(self, section: str, batch: list[Entry], claimed: set[int]) -> None:
        entries = [(e, self.keyless_values(e)) for e in batch]
        by_ref, by_key, by_id = self.load_keyless(section, entries)
        new: list[tuple[Entry, Row]] = []
        matched: list[tuple[Entry, Row, Row]] = []
        for e, values in entries:
            row = self.match(e, values, section, by_ref, by_key, by_id, claimed)
            if row is None:
                new.append((e, values))
            else:
                claimed.add(row["id"])
                matched.append((e, row, {c: v for c, v in values.items() if row[c] != v}))
        rows = [COLUMNS[section] | v for _, v in new]
        self.out.created_keys.add_rows(section, new, rows, by_key, self.keyless_key)
        new_ids: list[int | None] = [None] * len(rows)
        if len(rows) <= SMALL_BATCH:
            new_ids = list(self.insert_returning(T[section], rows))
        else:  # a bulk load needs no ids back, and RETURNING would slow it down
            self.insert(T[section], rows)
        self.update(T[section], [{"id": row["id"], **diff} for _, row, diff in matched if diff])
        for (e, _), row_id in zip(new, new_ids, strict=True):
            self.out.record(e, "created", row_id, e.item.ref)
            self.touched(section, e, row_id)
        for e, row, diff in matched:
            self.out.record(e, "updated" if diff else "unchanged", row["id"], e.item.ref)
            if diff:
                self.touched(section, e, row["id"])

    def match(
        self,
        e: Entry,
        values: Row,
        section: str,
        by_ref: dict[str, Row],
        by_key: dict[tuple[Any, ...], list[Row]],
        by_id: dict[int, Row],
        claimed: set[int],
    ) -> Row | None:
        if "target_id" in e.extra:
            return by_id[e.extra["target_id"]]
        if e.item.ref is not None and e.item.ref in by_ref:
            return by_ref[e.item.ref]
        key = self.keyless_key(section, COLUMNS[section] | values)
        for row in by_key.get(key, []):
            if row["id"] not in claimed and row["ref"] in (None, e.item.ref):
                return row
        return None


T_OWNERS = table_of(OrganisationOwner)
T_MEMBERS = table_of(OrganisationMember)
T_PARTICIPANTS = table_of(CommitteeParticipant)
T_RESPONSIBILITIES = table_of(Responsibility)
T_SCOPES = table_of(ResponsibilityScope)
T_SERVES = table_of(AdministrationServes)
T_PRINCIPALS = table_of(AgreementPrincipal)
