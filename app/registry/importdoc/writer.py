"""Apply a validated plan with bulk statements: insert new rows, update changed ones.

Rows are compared column by column with what is stored, so an unchanged object causes no
write at all. Inserts and updates are executemany statements per object type (and per
child table); existing rows are loaded in IN-chunks. Nothing is ever deleted except the
child rows of a list the document replaces (owners, members, participants, ...).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.orm import Session

from app.models import (
    Administration,
    Agreement,
    Appointment,
    Committee,
    Interest,
    Operation,
    Organisation,
    Person,
    Relation,
)
from app.registry import repository
from app.registry.importdoc.document import SECTIONS
from app.registry.importdoc.locks import CreatedKeys, EndChecks
from app.registry.importdoc.plan import REF_SECTIONS, Entry, Plan
from app.registry.repository import Row, table_of

T: dict[str, Table] = {
    "organisations": table_of(Organisation),
    "committees": table_of(Committee),
    "administrations": table_of(Administration),
    "operations": table_of(Operation),
    "agreements": table_of(Agreement),
    "persons": table_of(Person),
    "appointments": table_of(Appointment),
    "interests": table_of(Interest),
    "relations": table_of(Relation),
}
# Columns a document item may set, with the value a new row gets when the field is absent.
COLUMNS: dict[str, dict[str, Any]] = {
    "organisations": {"kind": None, "name": None, "orgnr": None},
    "committees": {
        "organisation_id": None,
        "kind": None,
        "name": None,
        "parent_id": None,
        "seats": None,
        "substitution_order": None,
    },
    "administrations": {"organisation_id": None, "name": None},
    "operations": {
        "name": None,
        "area": None,
        "operator_committee_id": None,
        "operator_organisation_id": None,
        "municipality_id": None,
    },
    "agreements": {
        "performer_id": None,
        "area": None,
        "role": None,
        "valid_from": None,
        "valid_to": None,
    },
    "persons": {
        "name": None,
        "name_key": None,
        "personnummer_hash": None,
        "personnummer_masked": None,
    },
    "appointments": {
        "ref": None,
        "person_id": None,
        "committee_id": None,
        "administration_id": None,
        "organisation_id": None,
        "role": None,
        "appointed_by_id": None,
        "works_with": [],
        "party": None,
        "order": None,
        "substitutes": None,
        "valid_from": None,
        "valid_to": None,
    },
    "interests": {
        "ref": None,
        "person_id": None,
        "organisation_id": None,
        "on_behalf_of_id": None,
        "kind": None,
        "share_percent": None,
        "valid_from": None,
        "valid_to": None,
    },
    "relations": {
        "ref": None,
        "person_id": None,
        "related_id": None,
        "kind": None,
        "valid_from": None,
        "valid_to": None,
    },
}
STATUSES = ("created", "updated", "unchanged")
WRITE_CHUNK = 5_000  # new rows built and inserted at a time (bounded memory)
_NO_ID: dict[str, tuple[str, int | None]] = {s: (s, None) for s in STATUSES}


@dataclass
class Outcome:
    counts: dict[str, dict[str, int]] = field(
        default_factory=lambda: {s: dict.fromkeys(STATUSES, 0) for s in SECTIONS}
    )
    # (section, index) -> (status, row id; None for a keyless row created in a large batch)
    statuses: dict[tuple[str, int], tuple[str, int | None]] = field(default_factory=dict)
    changed: dict[str, dict[str, list[Any]]] = field(default_factory=dict)
    touched_org_ids: set[int] = field(default_factory=set)
    # keyless sections: the persons whose appointments/interests/relations changed
    persons: dict[str, set[str]] = field(default_factory=dict)
    # Per changed object, for the audit entry's parts (app.audit.parts): (section, status,
    # ref or person ref, organisation ids it names, persons whose organisations it has).
    tagged: list[tuple[str, str, str, frozenset[int], tuple[str, ...]]] = field(
        default_factory=list
    )
    # natural keys of the keyless rows created (checked against concurrent imports)
    created_keys: CreatedKeys = field(default_factory=CreatedKeys)
    end_checks: EndChecks | None = None  # set by service.apply

    def audit_changes(self) -> dict[str, dict[str, list[Any]]]:
        """Refs created/updated per type; for keyless types also the persons concerned."""
        out = {section: dict(lists) for section, lists in self.changed.items()}
        for section, persons in self.persons.items():
            out.setdefault(section, {})["persons"] = sorted(persons)
        return out

    def record(self, e: Entry, status: str, row_id: int | None, ident: Any) -> None:
        """Count one item; `ident` (its ref, if any) goes into the audit's changed lists."""
        self.counts[e.section][status] += 1
        # (status, None) shared: the 50,000 keyless rows of a bulk insert have no id back
        value = (status, row_id) if row_id is not None else _NO_ID[status]
        self.statuses[(e.section, e.index)] = value
        if status != "unchanged":
            changed = self.changed.setdefault(e.section, {}).setdefault(status, [])
            if ident is not None:
                changed.append(ident)

    @property
    def any_change(self) -> bool:
        return bool(self.changed)


def _present(e: Entry, name: str) -> bool:
    """The item gives this list: replace the stored one. An explicit null clears it, like
    `[]` (and like null on a scalar field); a left-out key keeps what is stored."""
    return name in e.fields


class Writer:
    def __init__(self, session: Session, plan: Plan, created_by: int | None = None) -> None:
        self.session = session
        self.plan = plan
        # The key whose write this is: organisations it creates are its own (scope).
        self.created_by = created_by
        self.org_sets: dict[frozenset[int], frozenset[int]] = {}
        self.out = Outcome()
        self.ids: dict[str, dict[str, int]] = {
            kind: {ref: row["id"] for ref, row in rows.items()}
            for kind, rows in plan.stored.items()
        }
        self.committee_org: dict[int, int] = {
            r["id"]: r["organisation_id"] for r in plan.stored.get("committee", {}).values()
        }
        self.admin_org: dict[int, int] = {
            r["id"]: r["organisation_id"] for r in plan.stored.get("administration", {}).values()
        }

    def known_id(self, kind: str, ref: str) -> int:
        """The id of a ref that validation has proved to exist (in the store or document)."""
        found = self.id(kind, ref)
        if found is None:
            raise LookupError(f"{kind} '{ref}' was validated but has no id")
        return found

    def id(self, kind: str, ref: str | None) -> int | None:
        return self.ids[kind][ref] if ref else None

    # -- statements ---------------------------------------------------------------------
    def insert(self, table: Table, rows: list[Row]) -> None:
        """Bulk INSERT (executemany, or COPY on PostgreSQL); no ids come back."""
        repository.bulk_insert(self.session, table, rows)

    def insert_returning(self, table: Table, rows: list[Row]) -> list[int]:
        """INSERT returning the new ids in parameter order (for small batches: slower)."""
        if not rows:
            return []
        stmt = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return list(self.session.execute(stmt, rows).scalars())

    def update(self, table: Table, rows: list[Row], *, bump: bool = True) -> None:
        """executemany UPDATE by id; rows grouped by column set; bumps `version` (ETag)."""
        groups: dict[tuple[str, ...], list[Row]] = {}
        for row in rows:
            groups.setdefault(tuple(sorted(k for k in row if k != "id")), []).append(row)
        for cols, batch in groups.items():
            values: dict[str, Any] = {c: bindparam(f"b_{c}") for c in cols}
            if bump:
                values["version"] = table.c.version + 1
            stmt = update(table).where(table.c.id == bindparam("b_id")).values(values)
            params = [{f"b_{k}": v for k, v in row.items()} for row in batch]
            self.session.execute(stmt, params, execution_options={"synchronize_session": False})

    # -- objects with a ref ---------------------------------------------------------------
    def upsert_refs(
        self,
        section: str,
        values: Callable[[Entry], Row],
        children: Callable[[list[tuple[Entry, int, bool]]], set[int]] | None = None,
        late: Callable[[Entry], Row] | None = None,
    ) -> None:
        entries = self.plan.section(section)
        if not entries:
            return
        kind, table = REF_SECTIONS[section], T[section]
        stored = self.plan.stored[kind]
        new: list[Entry] = [e for e in entries if e.item.ref not in stored]
        for batch in repository.chunks(new, WRITE_CHUNK):  # rows built a chunk at a time
            self.insert_new(section, table, kind, batch, values)
        late_rows = [{"id": self.ids[kind][e.item.ref], **late(e)} for e in new] if late else []
        self.update(
            table,
            [r for r in late_rows if any(v is not None for k, v in r.items() if k != "id")],
            bump=False,
        )
        changes: dict[int, Row] = {}
        for e in entries:
            current = stored.get(e.item.ref)
            if current is None:
                continue
            wanted = values(e) | (late(e) if late else {})
            diff = {c: v for c, v in wanted.items() if current[c] != v}
            if diff:
                changes[current["id"]] = diff
        placed = [(e, self.ids[kind][e.item.ref], e.item.ref not in stored) for e in entries]
        child_changed = children(placed) if children else set()
        self.update(
            table, [{"id": i, **changes.get(i, {})} for i in sorted(changes.keys() | child_changed)]
        )
        for e, row_id, is_new in placed:
            status = (
                "created"
                if is_new
                else "updated"
                if (row_id in changes or row_id in child_changed)
                else "unchanged"
            )
            self.out.record(e, status, row_id, e.item.ref)
            if status != "unchanged":
                self.touched(section, e, row_id)

    def insert_new(
        self,
        section: str,
        table: Table,
        kind: str,
        new: list[Entry],
        values: Callable[[Entry], Row],
    ) -> None:
        fixed: Row = {"ref": None}
        if section == "organisations":  # the creating key, set as the row is inserted
            fixed["created_by_key_id"] = self.created_by
        rows = [COLUMNS[section] | values(e) | fixed | {"ref": e.item.ref} for e in new]
        reserved = repository.reserve_ids(self.session, table, len(rows))
        if reserved is None:
            self.insert(table, rows)
            # Reading the new ids back by ref beats INSERT .. RETURNING on large batches.
            refs = [e.item.ref for e in new]
            self.ids[kind].update(repository.ids_by_ref(self.session, table, refs))
        else:
            for row, row_id in zip(rows, reserved, strict=True):
                row["id"] = row_id
            self.insert(table, rows)
            self.ids[kind].update((e.item.ref, i) for e, i in zip(new, reserved, strict=True))

    def replace_children(
        self,
        table: Table,
        parent_col: str,
        wanted: dict[int, list[Row]],
        existing_parents: Iterable[int],
        key: Callable[[Row], Any],
    ) -> set[int]:
        """Replace each parent's child rows where they differ; return the changed parents."""
        stored: dict[int, list[Row]] = {}
        for row in repository.rows_where_in(self.session, table, parent_col, existing_parents):
            stored.setdefault(row[parent_col], []).append(row)
        changed = {
            pid
            for pid, rows in wanted.items()
            if sorted(map(key, rows)) != sorted(map(key, stored.get(pid, [])))
        }
        repository.delete_where_in(self.session, table, parent_col, changed & stored.keys())
        self.insert(table, [{parent_col: pid, **r} for pid in sorted(changed) for r in wanted[pid]])
        return changed

    def child_lists(
        self,
        placed: list[tuple[Entry, int, bool]],
        name: str,
        build: Callable[[Entry], list[Row]],
        table: Table,
        parent_col: str,
        key: Callable[[Row], Any],
    ) -> set[int]:
        with_list = [(e, pid, new) for e, pid, new in placed if _present(e, name)]
        wanted = {pid: build(e) for e, pid, _ in with_list}
        existing = [pid for _, pid, new in with_list if not new]
        changed = self.replace_children(table, parent_col, wanted, existing, key)
        return {pid for _, pid, new in with_list if not new and pid in changed}

    def touched(self, section: str, e: Entry, row_id: int | None) -> None:
        ids: list[int | None] = []
        item = e.item
        if section == "organisations":
            ids = [row_id]
        elif section in ("committees", "administrations"):
            ids = [self.id("organisation", item.organisation)]
        elif section == "operations":
            committee = self.id("committee", item.operator.committee)
            ids = [
                self.id("organisation", item.operator.organisation),
                self.id("organisation", item.municipality),
                self.committee_org.get(committee) if committee else None,
            ]
        elif section == "agreements":
            ids = [self.id("organisation", r) for r in [item.performer, *(item.principals or [])]]
        elif section == "appointments":
            body = item.body
            ids = [
                self.id("organisation", body.organisation),
                self.id("organisation", item.appointed_by),
                self.committee_org.get(self.id("committee", body.committee) or 0),
                self.admin_org.get(self.id("administration", body.administration) or 0),
            ]
        elif section == "interests":
            self.out.persons.setdefault(section, set()).add(item.person)
        elif section == "relations":
            self.out.persons.setdefault(section, set()).update((item.person, item.related))
        if section == "appointments":
            self.out.persons.setdefault(section, set()).add(item.person)
        self.out.touched_org_ids.update(i for i in ids if i)
        self._tag(section, e, frozenset(i for i in ids if i))

    def shared(self, orgs: frozenset[int]) -> frozenset[int]:
        """One frozenset per distinct set of organisations (216 bytes each, and the 50,000
        rows of an interests document all have the empty one)."""
        if len(self.org_sets) >= 10_000:
            return orgs
        return self.org_sets.setdefault(orgs, orgs)

    def _tag(self, section: str, e: Entry, orgs: frozenset[int]) -> None:
        """Who an audited change belongs to (issue 9.4): the organisations it names; a
        person's rows belong to the organisations the person is appointed in."""
        status = self.out.statuses[(e.section, e.index)][0]
        item = e.item
        orgs = self.shared(orgs)
        if section == "persons":
            self.out.tagged.append((section, status, item.ref, orgs, (item.ref,)))
        elif section == "relations":
            for person in (item.person, item.related):
                self.out.tagged.append((section, status, person, orgs, (person,)))
        elif section in ("appointments", "interests"):
            self.out.tagged.append((section, status, item.person, orgs, (item.person,)))
        elif section == "committees":
            # A gemensam nämnd belongs to the kommuner taking part in it as well.
            shared = (self.id("organisation", r) for r in item.participants or ())
            orgs = self.shared(orgs.union(i for i in shared if i))
            self.out.tagged.append((section, status, item.ref, orgs, ()))
        elif getattr(item, "ref", None):
            self.out.tagged.append((section, status, item.ref, orgs, ()))
