"""Cases: create, replace, read and list (services flush; the handler commits)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import chain
from app.audit.organisations import case_organisations
from app.cases import repository as repo
from app.cases.resolve import ResolvedCase, resolve_case, resolve_stored
from app.cases.schemas import CaseIn
from app.cases.scope import require_scope
from app.db_types import utcnow
from app.errors import (
    Conflict,
    Forbidden,
    NotFound,
    PreconditionFailed,
    RefTaken,
    Unprocessable,
    field_error,
)
from app.models import (
    Case,
    CaseEarlierHandling,
    CaseParticipant,
    CaseParty,
    JavDecision,
    Screening,
)
from app.pagination import PageParams, paginate
from app.security.deps import Principal


def etag(version: int) -> str:
    return f'"{version}"'


def _matches(if_match: str, version: int) -> bool:
    """RFC 9110 If-Match: '*' or a list of (possibly weak-marked) entity tags."""
    tags = [t.strip() for t in if_match.split(",") if t.strip()]
    return any(t == "*" or t.removeprefix("W/") == etag(version) for t in tags)


def _children(case: Case, resolved: ResolvedCase) -> None:
    case.parties = [
        CaseParty(
            position=i,
            role=p.role,
            person_id=p.id if p.kind == "person" else None,
            organisation_id=p.id if p.kind == "organisation" else None,
            operation_id=p.id if p.kind == "operation" else None,
            committee_id=p.id if p.kind == "committee" else None,
            name=p.name,
            orgnr=p.orgnr,
            personnummer_hash=p.personnummer_hash,
            personnummer_masked=p.personnummer_masked,
        )
        for i, p in enumerate(resolved.parties)
    ]
    case.participants = [
        CaseParticipant(position=i, person_id=p.person_id, role=p.role)
        for i, p in enumerate(resolved.participants)
    ]
    case.earlier_handling = [
        CaseEarlierHandling(
            position=i,
            person_id=e.person_id,
            organisation_id=e.organisation_id,
            committee_id=e.committee_id,
            final=e.final,
        )
        for i, e in enumerate(resolved.earlier_handling)
    ]


def _audit(session: Session, principal: Principal, kind: str, resolved: ResolvedCase) -> None:
    subjects = [
        ("case", resolved.ref),
        ("committee", resolved.committee_ref),
        ("organisation", resolved.organisation_ref),
        *(("person", ref) for ref in resolved.person_refs()),
    ]
    organisations = case_organisations(
        session, resolved.committee_id, (p.person_ref for p in resolved.participants)
    )
    chain.append(
        session,
        kind=kind,
        actor=chain.Actor(principal.key_id, principal.name),
        data={"case": resolved.document(with_hash=True)},
        subjects=subjects,
        organisations=organisations,
        chain_organisation=resolved.organisation_id,
    )


def _stored(resolved: ResolvedCase, case: Case) -> ResolvedCase:
    return replace(
        resolved,
        case_id=case.id,
        stored={
            "version": case.version,
            "created_at": case.created_at,
            "updated_at": case.updated_at,
        },
    )


def create_case(
    session: Session, principal: Principal, case_in: CaseIn, *, pnr_secret: str
) -> ResolvedCase:
    """Validate and store a new case, and audit it."""
    if repo.case_exists(session, case_in.ref):
        taken = Conflict if repo.case_in_scope(session, principal, case_in.ref) else RefTaken
        raise taken(
            f"A case with ref '{case_in.ref}' exists; replace it with PUT.",
            errors=[field_error("/ref", "already exists", "duplicate")],
        )
    resolved = resolve_case(session, case_in, pnr_secret=pnr_secret, principal=principal)
    require_scope(session, principal, resolved)
    case = Case(
        ref=resolved.ref,
        committee_id=resolved.committee_id,
        area=resolved.area,
        matter=resolved.matter,
        title=resolved.title,
        decision_date=resolved.decision_date,
    )
    _children(case, resolved)
    session.add(case)
    session.flush()
    _audit(session, principal, "case.create", resolved)
    return _stored(resolved, case)


def replace_case(
    session: Session,
    principal: Principal,
    ref: str,
    case_in: CaseIn,
    *,
    pnr_secret: str,
    if_match: str | None,
) -> ResolvedCase:
    """Replace a stored case as a whole (optimistic concurrency through If-Match)."""
    case = repo.case_by_ref(session, principal, ref)
    if case is None:
        raise NotFound(f"No case '{ref}'.")
    if if_match is not None and not _matches(if_match, case.version):
        raise PreconditionFailed(
            f"The case is at version {case.version}; fetch it again and retry.",
            headers={"ETag": etag(case.version)},
        )
    if case_in.ref != ref:
        raise Unprocessable(
            "The body's ref must equal the ref in the path.",
            errors=[field_error("/ref", "must equal the ref in the path", "ref_mismatch")],
        )
    resolved = resolve_case(session, case_in, pnr_secret=pnr_secret, principal=principal)
    require_scope(session, principal, resolved)
    if resolved.committee_id != case.committee_id:
        _may_move(session, principal, case)
    case.committee_id = resolved.committee_id
    case.area, case.matter, case.title = resolved.area, resolved.matter, resolved.title
    case.decision_date = resolved.decision_date
    case.updated_at = utcnow()  # always an UPDATE, so the version moves on
    _children(case, resolved)
    session.flush()
    _audit(session, principal, "case.update", resolved)
    return _stored(resolved, case)


def _may_move(session: Session, principal: Principal, case: Case) -> None:
    """A case is the record of its nämnd: its committee changes only while nothing has
    been screened or decided in it, and by a limited key only when the nämnd is of the
    key's own organisations. Who reads a case follows its committee, so a kommun taking
    part in another's gemensam nämnd could otherwise take the nämnd's case, and its jäv
    decisions, out of the host's sight, or hand them to a third kommun (run Q)."""
    screened = select(Screening.id).where(Screening.case_id == case.id).limit(1)
    decided = select(JavDecision.id).where(JavDecision.case_id == case.id).limit(1)
    if session.scalar(screened) is not None or session.scalar(decided) is not None:
        raise Conflict(
            "The case has screenings or jäv decisions in its committee; its committee "
            "cannot change. Store the matter under a new case ref in the other committee.",
            errors=[
                field_error(
                    "/committee", "cannot change once screened or decided", "committee_fixed"
                )
            ],
        )
    owners = principal.organisation_refs
    if owners is not None and case.committee.organisation.ref not in owners:
        raise Forbidden(
            "The case belongs to a committee of another organisation; this key may "
            "not move it to another committee.",
            errors=[field_error("/committee", "not this key's committee", "out_of_scope")],
        )


def get_case(session: Session, principal: Principal, ref: str) -> ResolvedCase:
    case = repo.case_by_ref(session, principal, ref)
    if case is None:
        raise NotFound(f"No case '{ref}'.")
    return resolve_stored(session, [case])[0]


def list_cases(
    session: Session,
    principal: Principal,
    page: PageParams,
    *,
    committee: str | None = None,
    matter: str | None = None,
    decided_from: date | None = None,
    decided_to: date | None = None,
) -> tuple[list[ResolvedCase], int]:
    committee_id = None
    if committee is not None:
        committee_id = repo.committees_by_ref(session, [committee]).get(committee, (-1,))[0]
    stmt = repo.list_cases_stmt(
        principal,
        committee_id=committee_id,
        matter=matter,
        decided_from=decided_from,
        decided_to=decided_to,
    )
    cases, total = paginate(session, stmt, page)
    return resolve_stored(session, cases), total
