"""Registry rows written straight through the session, for tests that need a registry
before (or without) the import API: two kommuner with a gemensam nämnd, a förbund, an
agreement, an owned company and an unrelated third kommun."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from app.models import (
    Agreement,
    AgreementPrincipal,
    Committee,
    CommitteeParticipant,
    Finding,
    Operation,
    Organisation,
    OrganisationMember,
    OrganisationOwner,
    Person,
    Responsibility,
    ResponsibilityScope,
    Screening,
)


@dataclass
class Registry:
    orgs: dict[str, Organisation]
    committees: dict[str, Committee]
    persons: dict[str, Person]


def _org(session: Session, ref: str, kind: str, name: str) -> Organisation:
    org = Organisation(ref=ref, kind=kind, name=name)
    session.add(org)
    return org


def _committee(
    session: Session,
    ref: str,
    org: Organisation,
    kind: str,
    name: str,
    duties: list[tuple[str, str, list[Organisation]]],
    participants: list[Organisation] = (),  # type: ignore[assignment]
) -> Committee:
    committee = Committee(ref=ref, organisation=org, kind=kind, name=name)
    committee.participants = [CommitteeParticipant(organisation=o) for o in participants]
    committee.responsibilities = [
        Responsibility(
            area=area,
            role=role,
            scopes=[ResponsibilityScope(organisation=o) for o in (scope or [org])],
        )
        for area, role, scope in duties
    ]
    session.add(committee)
    return committee


def seed_registry(session: Session) -> Registry:
    ankeby = _org(session, "ankeby", "kommun", "Ankeby kommun")
    borby = _org(session, "borby", "kommun", "Borby kommun")
    cedby = _org(session, "cedby", "kommun", "Cedby kommun")
    vatten = _org(session, "ankeby-vatten", "aktiebolag", "Ankeby Vatten AB")
    vmf = _org(session, "vmf", "kommunalforbund", "Västra miljöförbundet")
    session.flush()
    session.add(OrganisationOwner(organisation_id=vatten.id, owner_id=ankeby.id, share_percent=100))
    session.add_all(
        OrganisationMember(organisation_id=vmf.id, member_id=m.id) for m in (ankeby, borby)
    )
    committees = {
        "ankeby-tn": _committee(
            session, "ankeby-tn", ankeby, "namnd", "Tekniska nämnden", [("va", "drift", [])]
        ),
        "ab-mbn": _committee(
            session,
            "ab-mbn",
            ankeby,
            "gemensam_namnd",
            "Miljö- och byggnämnden Ankeby-Borby",
            [
                ("miljo_halsoskydd", "tillsyn", [ankeby, borby]),
                ("bygg", "tillsyn", [ankeby, borby]),
            ],
            participants=[ankeby, borby],
        ),
        "vmf-direktion": _committee(
            session,
            "vmf-direktion",
            vmf,
            "direktion",
            "Direktionen",
            [("livsmedel", "tillsyn", [ankeby, borby])],
        ),
        "cedby-bn": _committee(
            session, "cedby-bn", cedby, "namnd", "Byggnadsnämnden", [("bygg", "tillsyn", [])]
        ),
    }
    session.flush()
    session.add(
        Operation(
            ref="ankeby-avlopp",
            name="Ankeby reningsverk",
            area="va",
            operator_committee_id=committees["ankeby-tn"].id,
            municipality_id=ankeby.id,
        )
    )
    session.add(
        Agreement(
            ref="avtal-2024-7",
            performer_id=ankeby.id,
            area="livsmedel",
            role="tillsyn",
            valid_from=date(2024, 1, 1),
            principals=[AgreementPrincipal(organisation_id=borby.id)],
        )
    )
    persons = {
        ref: Person(ref=ref, name=name, name_key=name.lower())
        for ref, name in (
            ("p-anna", "Anna Berg"),
            ("p-olof", "Olof Berg"),
            ("p-cecilia", "Cecilia Ek"),
        )
    }
    session.add_all(persons.values())
    session.flush()
    orgs = {o.ref: o for o in (ankeby, borby, cedby, vatten, vmf)}
    return Registry(orgs=orgs, committees=committees, persons=persons)


def store_screening(
    session: Session,
    registry: Registry,
    *,
    id: str,
    case_ref: str,
    committee: str,
    as_of: date,
    findings: list[dict[str, object]] = (),  # type: ignore[assignment]
    structural: list[dict[str, object]] = (),  # type: ignore[assignment]
    case_id: int | None = None,
    rules_version: str = "test-1",
) -> Screening:
    """A stored screening as the screening service would leave it (without the audit entry)."""
    committee_row = registry.committees[committee]
    flagged = any(f["level"] in ("jav", "mojligt_jav") for f in findings)
    screening = Screening(
        id=id,
        case_ref=case_ref,
        case_id=case_id,
        committee_id=committee_row.id,
        organisation_id=committee_row.organisation_id,
        as_of=as_of,
        outcome="flagged" if flagged else "clear",
        rules_version=rules_version,
        case_snapshot={"ref": case_ref, "committee": committee},
        result={"findings": list(findings), "structural": list(structural)},
    )
    rows = [
        Finding(
            position=n,
            structural=False,
            person_ref=str(f["person"]),
            ground=str(f["ground"]),
            level=str(f["level"]),
            rule=str(f.get("rule", "r")),
            data=dict(f),
        )
        for n, f in enumerate(findings)
    ]
    rows += [
        Finding(
            position=len(rows) + n,
            structural=True,
            person_ref=None,
            ground=str(s["ground"]),
            level="risk",
            rule=str(s.get("rule", "s")),
            data={"level": "risk", **s},
        )
        for n, s in enumerate(structural)
    ]
    screening.findings = rows
    session.add(screening)
    session.flush()
    return screening
