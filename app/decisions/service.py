"""Record and list the nämnd's jäv decisions; each one is an audit entry of kind `decision`."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from app.audit import chain
from app.audit.organisations import case_organisations
from app.cases import repository as case_repo
from app.db_types import utcnow
from app.decisions import repository as repo
from app.decisions.schemas import (
    DecisionAuditRef,
    DecisionIn,
    DecisionOut,
    DecisionPage,
    RecordedBy,
    SettledFinding,
)
from app.errors import NotFound, Unprocessable, field_error
from app.identifiers import InvalidIdentifier, normalise_personnummer
from app.models import Case, Committee, JavDecision, Organisation, Person
from app.pagination import PageParams, paginate
from app.security.deps import Principal

# Ten or twelve digits with an optional separator: a personnummer candidate.
_PNR_LIKE = re.compile(r"(?<!\d)(?:\d{6}|\d{8})[-+]?\d{4}(?!\d)")


def _holds_personnummer(text: str | None) -> bool:
    for candidate in _PNR_LIKE.findall(text or ""):
        try:
            normalise_personnummer(candidate)
        except InvalidIdentifier:
            continue
        return True
    return False


def _case(session: Session, principal: Principal, ref: str) -> Case:
    case = case_repo.case_by_ref(session, principal, ref)
    if case is None:
        raise NotFound(f"No case '{ref}'.")
    return case


def _validate(
    session: Session, principal: Principal, case: Case, body: DecisionIn
) -> tuple[Person | None, list[dict[str, str]]]:
    errors = []
    if body.obviously_insignificant and body.decision == "jav":
        errors.append(
            field_error(
                "/obviously_insignificant",
                "only with decision ej_jav: jäv disregarded because impartiality obviously "
                "lacked significance means no jäv was found",
                "conflicts_with_decision",
            )
        )
    person = repo.person_by_ref(session, body.person)
    if person is None or not (
        repo.person_visible(session, principal, person.id)
        or repo.person_in_case(session, person.id, case)
    ):
        person = None
        errors.append(field_error("/person", "unknown person", "unknown_ref"))
    if body.screening is not None and repo.screening_of_case(session, body.screening, case) is None:
        errors.append(field_error("/screening", "not a screening of this case", "unknown_ref"))
    for field in ("note", "protocol_paragraph"):
        if _holds_personnummer(getattr(body, field)):
            errors.append(
                field_error(
                    f"/{field}", "must not contain a personnummer", "personnummer_not_allowed"
                )
            )
    return person, errors


def _subjects(session: Session, case: Case, person: Person) -> list[tuple[str, str]]:
    committee = session.get(Committee, case.committee_id)
    organisation = session.get(Organisation, committee.organisation_id) if committee else None
    return [
        ("case", case.ref),
        ("person", person.ref),
        ("committee", committee.ref if committee else ""),
        ("organisation", organisation.ref if organisation else ""),
    ]


def _committee_organisation(session: Session, committee_id: int) -> int | None:
    committee = session.get(Committee, committee_id)
    return committee.organisation_id if committee else None


def record_decision(
    session: Session, principal: Principal, case_ref: str, body: DecisionIn
) -> DecisionOut:
    """Validate, store and audit one decision about one person in one case."""
    case = _case(session, principal, case_ref)
    person, errors = _validate(session, principal, case, body)
    if errors or person is None:
        raise Unprocessable(errors=errors)
    # The time is set here, not by the column default, so that the entry covers it.
    recorded_at = utcnow()
    decision = JavDecision(
        case_id=case.id,
        person_id=person.id,
        screening_id=body.screening,
        raised_by=body.raised_by,
        decision=body.decision,
        obviously_insignificant=body.obviously_insignificant,
        protocol_paragraph=body.protocol_paragraph,
        decided_on=body.decided_on,
        note=body.note,
        recorded_by_key_id=principal.key_id,
        recorded_by_name=principal.name,
        created_at=recorded_at,
    )
    session.add(decision)
    session.flush()
    entry = chain.append(
        session,
        kind="decision",
        actor=chain.Actor(principal.key_id, principal.name),
        data={
            "id": decision.id,
            "case": case.ref,
            "person": person.ref,
            **body.model_dump(mode="json", exclude={"person"}),
            "recorded_at": recorded_at.isoformat(),
        },
        subjects=_subjects(session, case, person),
        organisations=case_organisations(session, case.committee_id, [person.ref]),
        chain_organisation=_committee_organisation(session, case.committee_id),
    )
    decision.audit_sequence = entry.id
    session.flush()
    return _outs(session, [decision])[0]


def _outs(session: Session, decisions: list[JavDecision]) -> list[DecisionOut]:
    cases = case_repo.refs_by_id(session, Case, (d.case_id for d in decisions))
    persons = case_repo.refs_by_id(session, Person, (d.person_id for d in decisions))
    entries = repo.audit_refs(session, (d.audit_sequence for d in decisions))
    settled = repo.settled_findings(session, decisions, persons)
    return [
        DecisionOut(
            id=d.id,
            case=cases[d.case_id],
            person=persons[d.person_id],
            raised_by=d.raised_by,
            decision=d.decision,
            obviously_insignificant=d.obviously_insignificant,
            protocol_paragraph=d.protocol_paragraph,
            decided_on=d.decided_on,
            screening=d.screening_id,
            note=d.note,
            recorded_by=RecordedBy(key_id=d.recorded_by_key_id, name=d.recorded_by_name),
            recorded_at=d.created_at,
            audit=entries.get(d.audit_sequence or 0, DecisionAuditRef(sequence=None, hash=None)),
            settles=[
                SettledFinding(screening=s, ground=g, level=lv, rule=r)
                for s, g, lv, r in settled[d.id]
            ],
        )
        for d in decisions
    ]


def _page(session: Session, stmt: object, page: PageParams) -> DecisionPage:
    decisions, total = paginate(session, stmt, page)  # type: ignore[arg-type]
    return DecisionPage(
        items=_outs(session, decisions), total=total, limit=page.limit, offset=page.offset
    )


def case_decisions(
    session: Session, principal: Principal, case_ref: str, page: PageParams
) -> DecisionPage:
    """The decisions recorded in one case, oldest first."""
    case = _case(session, principal, case_ref)
    return _page(session, repo.case_decisions_stmt(case.id), page)


def person_decisions(
    session: Session, principal: Principal, person_ref: str, page: PageParams
) -> DecisionPage:
    """One person's decisions across the cases the key can see, oldest first."""
    person = repo.person_by_ref(session, person_ref)
    if person is None:
        raise NotFound(f"No person '{person_ref}'.")
    result = _page(session, repo.person_decisions_stmt(principal, person.id), page)
    if result.total == 0 and not repo.person_visible(session, principal, person.id):
        raise NotFound(f"No person '{person_ref}'.")
    return result
