"""Test-only converter: contract documents (import + case) -> FactsSnapshot.

The real loader reads the database; this one reads the contract's JSON/YAML shapes so
that the scenarios and the YAML table tests run without a database. Unregistered
parties are matched by orgnr/personnummer (exactly) or by an explicit ``match`` given in
the test (``{"organisation"|"person": ref, "how": "name", "score": 91}``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from app.rules.facts import (
    AdministrationFacts,
    AgreementFacts,
    AppointmentFacts,
    CaseFacts,
    CommitteeFacts,
    EarlierHandlingFacts,
    FactsSnapshot,
    InterestFacts,
    OperationFacts,
    OrganisationFacts,
    OrganisationSnapshot,
    Ownership,
    ParticipantFacts,
    PartyFacts,
    PartyMatch,
    PersonFacts,
    RelationFacts,
    Responsibility,
    WorkArea,
)
from app.rules.vocab import (
    AppointmentRole,
    BodyKind,
    CommitteeKind,
    DutyRole,
    InterestKind,
    MatchHow,
    Matter,
    OrgKind,
    ParticipantRole,
    PartyKind,
    PartyRole,
    RelationKind,
    inverse,
)

Doc = Mapping[str, Any]


def _d(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _organisation(o: Doc) -> OrganisationFacts:
    owners = tuple(
        Ownership(x["organisation"], x.get("share_percent")) for x in o.get("owners", ())
    )
    return OrganisationFacts(
        o["ref"], OrgKind(o["kind"]), o.get("name", ""), owners, tuple(o.get("members", ()))
    )


def _committee(c: Doc) -> CommitteeFacts:
    resp = tuple(
        Responsibility(r["area"], DutyRole(r["role"]), tuple(r.get("for") or (c["organisation"],)))
        for r in c.get("responsibilities", ())
    )
    return CommitteeFacts(
        c["ref"],
        c["organisation"],
        CommitteeKind(c["kind"]),
        c.get("name", ""),
        c.get("parent"),
        tuple(c.get("participants", ())),
        resp,
    )


def _operation(o: Doc) -> OperationFacts:
    op = o.get("operator", {})
    return OperationFacts(
        o["ref"],
        o["area"],
        o.get("name", ""),
        op.get("committee"),
        op.get("organisation"),
        o.get("municipality"),
    )


def _agreement(a: Doc) -> AgreementFacts:
    return AgreementFacts(
        a["ref"],
        a["performer"],
        tuple(a["principals"]),
        a["area"],
        DutyRole(a["role"]),
        _d(a.get("valid_from")),
        _d(a.get("valid_to")),
    )


def _appointment(a: Doc) -> AppointmentFacts:
    ((kind, ref),) = a["body"].items()
    works = tuple(WorkArea(w["area"], DutyRole(w["role"])) for w in a.get("works_with", ()))
    return AppointmentFacts(
        BodyKind(kind),
        ref,
        AppointmentRole(a["role"]),
        _d(a.get("valid_from")),
        _d(a.get("valid_to")),
        a.get("appointed_by"),
        works,
    )


def _interest(i: Doc) -> InterestFacts:
    return InterestFacts(
        InterestKind(i["kind"]),
        i.get("organisation"),
        i.get("on_behalf_of"),
        i.get("share_percent"),
        _d(i.get("valid_from")),
        _d(i.get("valid_to")),
    )


def _persons(doc: Doc) -> dict[str, PersonFacts]:
    names = {p["ref"]: p.get("name", "") for p in doc.get("persons", ())}
    appts: dict[str, list[AppointmentFacts]] = {}
    ints: dict[str, list[InterestFacts]] = {}
    rels: dict[str, list[RelationFacts]] = {}
    for a in doc.get("appointments", ()):
        appts.setdefault(a["person"], []).append(_appointment(a))
    for i in doc.get("interests", ()):
        ints.setdefault(i["person"], []).append(_interest(i))
    for r in doc.get("relations", ()):
        kind, start, end = RelationKind(r["kind"]), _d(r.get("valid_from")), _d(r.get("valid_to"))
        mine = RelationFacts(r["related"], kind, start, end)
        theirs = RelationFacts(r["person"], inverse(kind), start, end)
        rels.setdefault(r["person"], []).append(mine)
        rels.setdefault(r["related"], []).append(theirs)
    refs = set(names) | set(appts) | set(ints) | set(rels)
    return {
        ref: PersonFacts(
            ref,
            names.get(ref, ""),
            tuple(appts.get(ref, ())),
            tuple(ints.get(ref, ())),
            tuple(rels.get(ref, ())),
        )
        for ref in sorted(refs)
    }


def _match(p: Doc, doc: Doc) -> PartyMatch | None:
    explicit = p.get("match")
    if explicit:
        kind = "person" if "person" in explicit else "organisation"
        return PartyMatch(
            PartyKind(kind),
            explicit[kind],
            MatchHow(explicit.get("how", "name")),
            float(explicit.get("score", 100)),
        )
    for o in doc.get("organisations", ()):
        if p.get("orgnr") and o.get("orgnr") == p["orgnr"]:
            return PartyMatch(PartyKind.ORGANISATION, o["ref"], MatchHow.ORGNR, 100.0)
    for q in doc.get("persons", ()):
        if p.get("personnummer") and q.get("personnummer") == p["personnummer"]:
            return PartyMatch(PartyKind.PERSON, q["ref"], MatchHow.PERSONNUMMER, 100.0)
    return None


def _party(p: Doc, doc: Doc) -> PartyFacts:
    role = PartyRole(p["role"])
    for kind in ("person", "organisation", "operation", "committee"):
        if kind in p:
            return PartyFacts(PartyKind(kind), role, ref=p[kind])
    return PartyFacts(PartyKind.UNREGISTERED, role, name=p.get("name"), match=_match(p, doc))


def case_facts(case: Doc, doc: Doc, as_of: date | None = None) -> CaseFacts:
    day = as_of or _d(case.get("decision_date"))
    assert day is not None, "as_of or decision_date is needed"
    return CaseFacts(
        ref=case["ref"],
        committee=case["committee"],
        area=case["area"],
        matter=Matter(case["matter"]),
        as_of=day,
        parties=tuple(_party(p, doc) for p in case.get("parties", ())),
        earlier_handling=tuple(
            EarlierHandlingFacts(
                e["person"], e.get("organisation"), e.get("committee"), bool(e.get("final", False))
            )
            for e in case.get("earlier_handling", ())
        ),
        participants=tuple(
            ParticipantFacts(p["person"], ParticipantRole(p["role"]))
            for p in case.get("participants", ())
        ),
        title=case.get("title"),
        audited_from=_d(case.get("audited_from")),
        audited_to=_d(case.get("audited_to")),
    )


def registry_tables(doc: Doc) -> dict[str, Any]:
    return {
        "organisations": {o["ref"]: _organisation(o) for o in doc.get("organisations", ())},
        "committees": {c["ref"]: _committee(c) for c in doc.get("committees", ())},
        "administrations": {
            a["ref"]: AdministrationFacts(
                a["ref"], a["organisation"], a.get("name", ""), tuple(a.get("serves", ()))
            )
            for a in doc.get("administrations", ())
        },
        "operations": {o["ref"]: _operation(o) for o in doc.get("operations", ())},
        "agreements": {a["ref"]: _agreement(a) for a in doc.get("agreements", ())},
        "persons": _persons(doc),
    }


def snapshot(registry: Doc, case: Doc, as_of: date | str | None = None) -> FactsSnapshot:
    """Everything in the registry document goes into the snapshot (a superset of what a
    loader would reach from the case, which the rules must tolerate)."""
    tables = registry_tables(registry)
    facts = case_facts(case, registry, _d(as_of))
    seen = {
        p.person: tables["persons"][p.person].fact_count
        for p in facts.participants
        if p.person in tables["persons"]
    }
    return FactsSnapshot(case=facts, facts_seen=seen, **tables)


def organisation_snapshot(
    registry: Doc, as_of: date | str, scope: tuple[str, ...] = ()
) -> OrganisationSnapshot:
    day = _d(as_of)
    assert day is not None
    return OrganisationSnapshot(as_of=day, scope=scope, **registry_tables(registry))
