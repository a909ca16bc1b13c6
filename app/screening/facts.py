"""Turn loaded rows into the engine's frozen facts (ids become refs, codes become enums)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from app.rules.facts import (
    AdministrationFacts,
    AgreementFacts,
    AppointmentFacts,
    CaseFacts,
    CommitteeFacts,
    FactsSnapshot,
    InterestFacts,
    OperationFacts,
    OrganisationFacts,
    OrganisationSnapshot,
    Ownership,
    PersonFacts,
    RelationFacts,
    Responsibility,
    WorkArea,
)
from app.rules.vocab import BodyKind, inverse
from app.screening.codes import (
    appointment_role,
    committee_kind,
    duty_role,
    interest_kind,
    org_kind,
    relation_kind,
)


class FactsBuilder:
    """Collects rows level by level; `snapshot()` resolves every id to its ref."""

    def __init__(self) -> None:
        self.committees: dict[int, Any] = {}  # Committee or a row with its columns
        self.responsibilities: list[Any] = []
        self.participants: list[Any] = []
        self.administrations: dict[int, Any] = {}  # Administration or a row
        self.serves: list[Any] = []
        self.operations: dict[int, Any] = {}  # Operation or a row with its columns
        self.agreements: dict[int, Any] = {}  # Agreement or a row with its columns
        self.principals: list[Any] = []
        self.owners: list[Any] = []
        self.members: list[Any] = []
        self.organisations: dict[int, Any] = {}  # Organisation or (id, ref, kind, name) rows
        self.persons: dict[int, tuple[str, str]] = {}
        self.appointments: dict[int, Any] = {}  # Appointment or a row with its columns
        self.interests: dict[int, Any] = {}  # Interest or a row with its columns
        self.relations: dict[int, Any] = {}  # Relation or a row with its columns
        #: Person id -> number of ALL its interests, when the loader read only some of
        #: them: facts_seen still counts every registered fact of a participant.
        self.interest_totals: dict[int, int] = {}

    # --- collecting ----------------------------------------------------------------------

    def add_committees(self, rows: Iterable[Any]) -> None:
        self.committees.update((c.id, c) for c in rows)

    def add_responsibilities(self, rows: Iterable[Any]) -> None:
        self.responsibilities.extend(rows)

    def add_committee_participants(self, rows: Iterable[Any]) -> None:
        self.participants.extend(rows)

    def add_administrations(self, admins: Iterable[Any], serves: Iterable[Any]) -> None:
        self.administrations.update((a.id, a) for a in admins)
        self.serves.extend(serves)

    def add_operations(self, rows: Iterable[Any]) -> None:
        self.operations.update((o.id, o) for o in rows)

    def add_agreements(self, rows: Iterable[Any], principals: Iterable[Any]) -> None:
        self.agreements.update((a.id, a) for a in rows)
        self.principals.extend(principals)

    def add_owners(self, rows: Iterable[Any]) -> None:
        self.owners.extend(rows)

    def add_members(self, rows: Iterable[Any]) -> None:
        self.members.extend(rows)

    def add_organisations(self, rows: Iterable[Any]) -> None:
        self.organisations.update((o.id, o) for o in rows)

    def add_persons(self, rows: Iterable[Any]) -> None:
        self.persons.update((r.id, (r.ref, r.name)) for r in rows)

    def add_appointments(self, rows: Iterable[Any]) -> None:
        self.appointments.update((a.id, a) for a in rows)

    def add_interests(self, rows: Iterable[Any]) -> None:
        self.interests.update((i.id, i) for i in rows)

    def add_relations(self, rows: Iterable[Any]) -> None:
        self.relations.update((r.id, r) for r in rows)

    # --- what is still to load -----------------------------------------------------------

    @property
    def committee_ids(self) -> set[int]:
        return set(self.committees)

    def served_committee_ids(self) -> set[int]:
        return {row.committee_id for row in self.serves}

    def committee_org_ids(self) -> set[int]:
        ids = {c.organisation_id for c in self.committees.values()}
        ids |= {row.organisation_id for row in self.participants}
        ids |= {row.organisation_id for row in self.responsibilities if row.organisation_id}
        return ids

    def administration_org_ids(self) -> set[int]:
        return {a.organisation_id for a in self.administrations.values()}

    def owner_ids(self) -> set[int]:
        return {row.owner_id for row in self.owners}

    def samverkan_org_ids(self, committee_id: int) -> set[int]:
        """The handling committee's organisation, its gemensam-nämnd participants, and the
        members of that organisation when it is a kommunalförbund."""
        home = self.committees[committee_id].organisation_id
        orgs = {home} | {
            r.organisation_id for r in self.participants if r.committee_id == committee_id
        }
        orgs |= {r.member_id for r in self.members if r.organisation_id == home}
        return orgs

    def tillsyn_areas(self, committee_id: int) -> set[str]:
        return {
            r.area
            for r in self.responsibilities
            if r.committee_id == committee_id and r.role == "tillsyn"
        }

    def all_org_ids(self) -> set[int]:
        ids = self.committee_org_ids() | self.administration_org_ids() | self.owner_ids()
        ids |= {r.organisation_id for r in self.owners}
        ids |= {r.organisation_id for r in self.members} | {r.member_id for r in self.members}
        ids |= {a.performer_id for a in self.agreements.values()}
        ids |= {r.organisation_id for r in self.principals}
        for op in self.operations.values():
            ids.update(x for x in (op.operator_organisation_id, op.municipality_id) if x)
        for a in self.appointments.values():
            ids.update(x for x in (a.organisation_id, a.appointed_by_id) if x)
        ids |= {i.organisation_id for i in self.interests.values() if i.organisation_id}
        return ids

    def all_person_ids(self) -> set[int]:
        ids = {a.person_id for a in self.appointments.values()}
        for i in self.interests.values():
            ids.update(x for x in (i.person_id, i.on_behalf_of_id) if x)
        for r in self.relations.values():
            ids.update((r.person_id, r.related_id))
        return ids

    # --- the snapshot --------------------------------------------------------------------

    def _org_ref(self, org_id: int | None) -> str | None:
        org = self.organisations.get(org_id) if org_id else None
        return org.ref if org else None

    def _committee_ref(self, committee_id: int | None) -> str | None:
        c = self.committees.get(committee_id) if committee_id else None
        return c.ref if c else None

    def _organisations(self) -> dict[str, OrganisationFacts]:
        owners: dict[int, list[Ownership]] = {}
        for row in self.owners:
            ref = self._org_ref(row.owner_id)
            if ref:
                owners.setdefault(row.organisation_id, []).append(Ownership(ref, row.share_percent))
        members: dict[int, list[str]] = {}
        for row in self.members:
            ref = self._org_ref(row.member_id)
            if ref:
                members.setdefault(row.organisation_id, []).append(ref)
        return {
            o.ref: OrganisationFacts(
                o.ref,
                org_kind(o.kind),
                o.name,
                tuple(owners.get(o.id, ())),
                tuple(members.get(o.id, ())),
            )
            for o in self.organisations.values()
        }

    def _committees(self) -> dict[str, CommitteeFacts]:
        scopes: dict[int, list[str]] = {}
        resp: dict[int, tuple[int, str, str]] = {}
        for row in self.responsibilities:
            resp.setdefault(row.id, (row.committee_id, row.area, row.role))
            ref = self._org_ref(row.organisation_id)
            if ref:
                scopes.setdefault(row.id, []).append(ref)
        by_committee: dict[int, list[Responsibility]] = {}
        for rid, (cid, area, role) in resp.items():
            committee = self.committees.get(cid)
            own = self._org_ref(committee.organisation_id) if committee else None
            for_orgs = tuple(scopes.get(rid, ())) or ((own,) if own else ())
            by_committee.setdefault(cid, []).append(Responsibility(area, duty_role(role), for_orgs))
        parts: dict[int, list[str]] = {}
        for row in self.participants:
            ref = self._org_ref(row.organisation_id)
            if ref:
                parts.setdefault(row.committee_id, []).append(ref)
        out: dict[str, CommitteeFacts] = {}
        for c in self.committees.values():
            org = self._org_ref(c.organisation_id)
            if org is None:
                continue
            out[c.ref] = CommitteeFacts(
                c.ref,
                org,
                committee_kind(c.kind),
                c.name,
                self._committee_ref(c.parent_id),
                tuple(parts.get(c.id, ())),
                tuple(by_committee.get(c.id, ())),
            )
        return out

    def _administrations(self) -> dict[str, AdministrationFacts]:
        serves: dict[int, list[str]] = {}
        for row in self.serves:
            ref = self._committee_ref(row.committee_id)
            if ref:
                serves.setdefault(row.administration_id, []).append(ref)
        return {
            a.ref: AdministrationFacts(
                a.ref, self._org_ref(a.organisation_id) or "", a.name, tuple(serves.get(a.id, ()))
            )
            for a in self.administrations.values()
        }

    def _operations(self) -> dict[str, OperationFacts]:
        return {
            o.ref: OperationFacts(
                o.ref,
                o.area,
                o.name,
                self._committee_ref(o.operator_committee_id),
                self._org_ref(o.operator_organisation_id),
                self._org_ref(o.municipality_id),
            )
            for o in self.operations.values()
        }

    def _agreements(self) -> dict[str, AgreementFacts]:
        principals: dict[int, list[str]] = {}
        for row in self.principals:
            ref = self._org_ref(row.organisation_id)
            if ref:
                principals.setdefault(row.agreement_id, []).append(ref)
        return {
            a.ref: AgreementFacts(
                a.ref,
                self._org_ref(a.performer_id) or "",
                tuple(principals.get(a.id, ())),
                a.area,
                duty_role(a.role),
                a.valid_from,
                a.valid_to,
            )
            for a in self.agreements.values()
        }

    def _appointment(self, a: Any) -> AppointmentFacts | None:
        if a.committee_id:
            kind, body = BodyKind.COMMITTEE, self._committee_ref(a.committee_id)
        elif a.administration_id:
            adm = self.administrations.get(a.administration_id)
            kind, body = BodyKind.ADMINISTRATION, adm.ref if adm else None
        else:
            kind, body = BodyKind.ORGANISATION, self._org_ref(a.organisation_id)
        if body is None:
            return None
        works = tuple(WorkArea(w["area"], duty_role(w["role"])) for w in a.works_with or ())
        return AppointmentFacts(
            kind,
            body,
            appointment_role(a.role),
            a.valid_from,
            a.valid_to,
            self._org_ref(a.appointed_by_id),
            works,
        )

    def _interest(self, i: Any) -> InterestFacts:
        behalf = self.persons.get(i.on_behalf_of_id) if i.on_behalf_of_id else None
        return InterestFacts(
            interest_kind(i.kind),
            self._org_ref(i.organisation_id),
            behalf[0] if behalf else None,
            i.share_percent,
            i.valid_from,
            i.valid_to,
        )

    def _persons(self) -> dict[str, PersonFacts]:
        appointments: dict[int, list[AppointmentFacts]] = {}
        for a in sorted(self.appointments.values(), key=lambda x: x.id):
            facts = self._appointment(a)
            if facts is not None:
                appointments.setdefault(a.person_id, []).append(facts)
        interests: dict[int, list[InterestFacts]] = {}
        for i in sorted(self.interests.values(), key=lambda x: x.id):
            interests.setdefault(i.person_id, []).append(self._interest(i))
        relations: dict[int, list[RelationFacts]] = {}
        for r in sorted(self.relations.values(), key=lambda x: x.id):
            one, other = self.persons.get(r.person_id), self.persons.get(r.related_id)
            if one is None or other is None:
                continue
            kind = relation_kind(r.kind)
            relations.setdefault(r.person_id, []).append(
                RelationFacts(other[0], kind, r.valid_from, r.valid_to)
            )
            relations.setdefault(r.related_id, []).append(
                RelationFacts(one[0], inverse(kind), r.valid_from, r.valid_to)
            )
        return {
            ref: PersonFacts(
                ref,
                name,
                tuple(appointments.get(pid, ())),
                tuple(interests.get(pid, ())),
                tuple(relations.get(pid, ())),
            )
            for pid, (ref, name) in self.persons.items()
        }

    def _facts_seen(self, persons: dict[str, PersonFacts]) -> dict[str, int]:
        if not self.interest_totals:
            return {}
        loaded: dict[int, int] = {}
        for i in self.interests.values():
            loaded[i.person_id] = loaded.get(i.person_id, 0) + 1
        seen: dict[str, int] = {}
        for pid, (ref, _name) in self.persons.items():
            facts = persons.get(ref)
            if facts is not None:
                unread = self.interest_totals.get(pid, 0) - loaded.get(pid, 0)
                seen[ref] = facts.fact_count + max(unread, 0)
        return seen

    def snapshot(self, case: CaseFacts) -> FactsSnapshot:
        persons = self._persons()
        return FactsSnapshot(
            case=case,
            organisations=self._organisations(),
            committees=self._committees(),
            administrations=self._administrations(),
            operations=self._operations(),
            agreements=self._agreements(),
            persons=persons,
            facts_seen=self._facts_seen(persons),
        )

    def organisation_snapshot(self, as_of: date, scope: tuple[str, ...]) -> OrganisationSnapshot:
        return OrganisationSnapshot(
            as_of=as_of,
            scope=scope,
            organisations=self._organisations(),
            committees=self._committees(),
            administrations=self._administrations(),
            operations=self._operations(),
            agreements=self._agreements(),
            persons=self._persons(),
        )
