"""Screen a case: resolve it, load its facts, run the rules, store and audit the result.

The screening row, its findings and the audit entry are written in the caller's
transaction; the handler commits once before answering, so no answer is sent for a
screening that is not in the audit log.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import JsonValue
from sqlalchemy.orm import Session

from app.audit import chain
from app.cases import pg_read
from app.cases import repository as case_repo
from app.cases.resolve import ResolvedCase, resolve_case, resolve_stored
from app.cases.schemas import CaseIn
from app.cases.scope import require_scope
from app.db_types import utcnow
from app.decisions.repository import of_case
from app.errors import NotFound, Unprocessable, field_error
from app.models import Screening
from app.pagination import PageParams, paginate_within
from app.registry.repository import is_postgresql
from app.rules import evaluate, rules_version, structural_report
from app.rules.parameters import ParameterError, default_parameters
from app.screening import org_repository as org_repo
from app.screening import pg_store, store
from app.screening import repository as repo
from app.screening.facts_codec import EncodedFacts
from app.screening.ids import new_screening_id
from app.screening.loader import load_snapshot
from app.screening.orgloader import load_organisation_snapshot
from app.screening.reads import DIRECT, Reads
from app.screening.result import (
    OrganisationStructuralRisks,
    ScreeningEvaluation,
    ScreeningPage,
    ScreeningResult,
    ScreeningStructuralFinding,
)
from app.screening.schemas import ScreeningIn
from app.security.deps import Principal

logger = logging.getLogger(__name__)

DEFAULT_NAME_MIN_SCORE = 85.0


def today() -> date:
    """Today in Sweden (the municipalities' calendar), UTC if the zone is unavailable."""
    try:
        return datetime.now(ZoneInfo("Europe/Stockholm")).date()
    except ZoneInfoNotFoundError:
        return datetime.now(UTC).date()


def _name_min_score(as_of: date) -> float:
    try:
        return float(default_parameters().value("name_match_min_score", as_of))
    except ParameterError:
        return DEFAULT_NAME_MIN_SCORE


def _inline_case(
    session: Session, case_in: CaseIn, pnr_secret: str, principal: Principal
) -> ResolvedCase:
    return resolve_case(
        session, case_in, pnr_secret=pnr_secret, pointer_prefix="/case", principal=principal
    )


def _stored_case(session: Session, principal: Principal, ref: str) -> ResolvedCase | None:
    if is_postgresql(session):  # one statement (app/cases/pg_read.py)
        return pg_read.resolved_by_ref(session, principal, ref)
    stored = case_repo.case_by_ref(session, principal, ref)
    return None if stored is None else resolve_stored(session, [stored])[0]


def resolve_screened_case(
    session: Session, principal: Principal, body: ScreeningIn, *, pnr_secret: str
) -> ResolvedCase:
    """The stored case named by ref (404 out of scope; 403 if it names objects out of
    scope), or the inline case (a reference out of scope is answered as unknown, 422)."""
    checked = body.checked_case()
    if isinstance(checked, str):
        resolved = _stored_case(session, principal, checked)
        if resolved is None:
            raise NotFound(f"No case '{checked}'; send the case inline or store it first.")
        # Stored by another (perhaps unlimited) key: re-checked against this key's scope.
        require_scope(session, principal, resolved, pointer_prefix="/case")
        return resolved
    # Resolved with the key: every reference it names passed the same scope rules as
    # `require_scope` applies to a stored case (`app.cases.scope.in_scope`), and one out
    # of scope was answered as unknown (422), so it is not checked a second time.
    return _inline_case(session, checked, pnr_secret, principal)


def screen(
    session: Session,
    principal: Principal,
    body: ScreeningIn,
    *,
    pnr_secret: str,
    reran: str | None = None,
) -> ScreeningResult:
    """Run one screening, store and audit it, and return the contract's screening result.

    ``reran``: the id of the screening this one screens again (recorded on the result
    and in its audit entry).
    """
    case = resolve_screened_case(session, principal, body, pnr_secret=pnr_secret)
    as_of = body.as_of or case.decision_date or today()
    return screen_case(session, principal, case, as_of, reran=reran)


def screen_case(
    session: Session,
    principal: Principal,
    case: ResolvedCase,
    as_of: date,
    *,
    reran: str | None = None,
    reads: Reads = DIRECT,
) -> ScreeningResult:
    """Screen a resolved case (scope already checked): stored, audited, in the caller's
    transaction."""
    if is_postgresql(session) and reads is DIRECT:
        # The same rows in two statements (app/screening/pg_store.py); the entry's
        # organisations are read with the audit head's lock, in the same round trip.
        pending = evaluate_case(
            session, principal, case, as_of, reran=reran, defer_organisations=True
        )
        audited = pg_store.write(
            session, pending.row, pending.result, pending.facts, pending.prepared,
            case_organisations=pending.case_organisations, result_json=pending.result_json,
        )  # fmt: skip
    else:
        pending = evaluate_case(session, principal, case, as_of, reran=reran, reads=reads)
        write = pg_store.write if is_postgresql(session) else store.write
        audited = write(session, pending.row, pending.result, pending.facts, pending.prepared)
    logger.info("screening", extra={"screening": audited.id, "outcome": audited.outcome})
    return audited


def evaluate_case(
    session: Session,
    principal: Principal,
    case: ResolvedCase,
    as_of: date,
    *,
    reran: str | None = None,
    reads: Reads = DIRECT,
    defer_organisations: bool = False,
) -> store.PendingScreening:
    """Screen a resolved case, ready to store (`store.write`, or `store.write_many` for
    the items of a meeting, which share `reads`: `app.screening.reads.SharedReads`).

    `defer_organisations`: the audit entry's organisations are not read here but left to
    `pg_store.write` (with the head's lock): `prepared` names only the chain's
    organisation and `case_organisations` says what to read."""
    snapshot = load_snapshot(
        session,
        case,
        as_of,
        name_min_score=_name_min_score(as_of),
        principal=principal,
        reads=reads,
    )
    evaluated = ScreeningEvaluation.of(evaluate(snapshot), snapshot)
    result = ScreeningResult.build(
        evaluated, screening_id=new_screening_id(), created_at=utcnow(), reran=reran
    )
    case_document: dict[str, JsonValue] = case.document(with_hash=True)
    facts = EncodedFacts.of(snapshot)
    # The payload is serialised now; the chain head (the handling organisation's) is
    # locked last (store.write links it after the screening and its findings are
    # written), so it is held only for the link, one UPDATE and the commit. The entry
    # belongs to the organisations of the case (issue 9.4): their auditors read it.
    participants = tuple(p.person for p in result.participants)
    result_json = result.as_json()
    prepared = chain.prepare(
        kind="screening",
        actor=chain.Actor(principal.key_id, principal.name),
        data=store.audit_data(result_json, case_document, facts.hash),
        subjects=store.audit_subjects(result, case.committee_ref, case.organisation_ref),
        organisations=()
        if defer_organisations
        else reads.case_organisations(session, case.committee_id, participants),
        chain_organisation=case.organisation_id,
    )
    row = Screening(
        id=result.id,
        created_at=result.created_at,
        case_ref=case.ref,
        case_id=case.case_id,
        committee_id=case.committee_id,
        organisation_id=case.organisation_id,
        as_of=as_of,
        outcome=result.outcome,
        rules_version=result.rules_version,
        case_snapshot=case_document,
        # Every writer stores the result with its audit ref (store.write, write_many,
        # pg_store.write): nothing to serialise before.
        result={},
        api_key_id=principal.key_id,
    )
    deferred = (case.committee_id, participants) if defer_organisations else None
    return store.PendingScreening(row, result, facts, prepared, deferred, result_json)


def get_screening(session: Session, principal: Principal, screening_id: str) -> ScreeningResult:
    found = repo.screening(session, principal, screening_id)
    if found is None:
        raise NotFound(f"No screening '{screening_id}'.")
    return ScreeningResult.model_validate(found.result)


def list_screenings(
    session: Session,
    principal: Principal,
    page: PageParams,
    *,
    case_ref: str | None,
    of_stored: ResolvedCase | None = None,
) -> ScreeningPage:
    """The screenings the key reads, newest first; under `case_ref`, and when `of_stored`
    is given only that stored case's (`decisions.repository.of_case`: not another
    kommun's inline screening under the same diarienummer)."""
    stmt = repo.screenings_stmt(principal, case_ref)
    if of_stored is not None:
        stmt = stmt.where(of_case(of_stored.case_id, of_stored.ref, of_stored.committee_id))
    rows, total, limit = paginate_within(session, stmt, page, _stored_size)
    return ScreeningPage(
        items=[ScreeningResult.model_validate(r.result) for r in rows],
        total=total,
        limit=limit,
        offset=page.offset,
    )


def _stored_size(row: Screening) -> int:
    """About the bytes a stored screening adds to a page (docs/security.md)."""
    return len(json.dumps(row.result, separators=(",", ":"), default=str))


def organisation_structural_risks(
    session: Session, principal: Principal, ref: str, as_of: date | None
) -> OrganisationStructuralRisks:
    organisation = org_repo.organisation_by_ref(session, principal, ref)
    if organisation is None:
        raise NotFound(f"No organisation '{ref}'.")
    day = as_of or today()
    snapshot = load_organisation_snapshot(session, organisation, day)
    try:
        findings = structural_report(snapshot)
    except ParameterError:
        # The report needs dated parameters (what a tillsyn area reaches) that start later.
        raise Unprocessable(
            f"No structural rules are in force on {day.isoformat()}.",
            errors=[
                {
                    **field_error(
                        "/as_of", "before the structural rules' first date", "out_of_range"
                    ),
                    "in": "query",
                    "parameter": "as_of",
                }
            ],
        ) from None
    # A limited key reads an organisation it does not hold (a shared company) without its
    # bodies: the report judges only the committees the key reads (run R: a shared
    # company's report named its board, what it runs and the people in it).
    readable = org_repo.readable_committees(session, principal, (f.committee for f in findings))
    return OrganisationStructuralRisks(
        organisation=organisation.ref,
        as_of=day,
        rules_version=rules_version(),
        structural=[
            ScreeningStructuralFinding.of(f, snapshot) for f in findings if f.committee in readable
        ],
    )
