"""Organisation scope of a case: what a key limited to organisations may name in one.

The case's committee and every person (participants, person parties, earlier handling)
must be in the key's own scope; organisations, operations and other committees may also
belong to the kommuner that take part in the case's committee (`case_view`). A ref out
of scope answers like an unknown one while a case is resolved (422); a stored case is
checked again when a limited key screens it (`require_scope`, 403).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from app.cases import repository as repo
from app.cases import scope_statement
from app.cases.schemas import CaseIn
from app.errors import Forbidden, field_error
from app.registry import reference_scope
from app.security.deps import Principal

if TYPE_CHECKING:
    from app.cases.resolve import ResolvedCase


def case_view(session: Session, principal: Principal, committee_id: int) -> Principal:
    """What a case of this committee may name, for a key that sees the committee: the
    key's scope widened by the organisations taking part in the committee (its own
    organisation; every participant of a gemensam nämnd). A gemensam nämnd handles
    matters of all its kommuner: a Borby key may store the nämnd's case about Ankeby's
    reningsverk; a kommun outside the nämnd sees none of it."""
    if not principal.scoped:
        return principal
    extra = repo.committee_organisation_refs(session, committee_id)
    return replace(
        principal, organisation_refs=(principal.organisation_refs or frozenset()) | extra
    )


def case_refs_in_scope(
    session: Session,
    principal: Principal,
    committee: tuple[str, int | None],
    wanted: Mapping[str, Iterable[str]],
) -> dict[str, set[str]]:
    """Kind -> the refs of `wanted` this limited key may name in a case of `committee`
    (its ref, and its id when it exists): persons from the key's own scope, the rest
    from `case_view`. The committee's own ref is under "committee" exactly when the key
    sees the committee itself. On PostgreSQL in one statement
    (app/cases/scope_statement.py), elsewhere kind by kind."""
    if not principal.scoped:  # an unlimited key names anything that exists
        return {
            **{kind: set(refs) for kind, refs in wanted.items()},
            "committee": {*wanted.get("committee", ()), committee[0]},
        }
    if session.get_bind().dialect.name == "postgresql":
        return scope_statement.case_refs_in_scope(
            session, principal.organisation_refs or (), committee, wanted
        )
    return case_refs_in_scope_by_kind(session, principal, committee, wanted)


def case_refs_in_scope_by_kind(
    session: Session,
    principal: Principal,
    committee: tuple[str, int | None],
    wanted: Mapping[str, Iterable[str]],
) -> dict[str, set[str]]:
    """`case_refs_in_scope` by one statement per kind (`reference_scope.referable`): the
    portable form, and what tests hold the PostgreSQL statement to."""
    committee_ref, committee_id = committee
    own = reference_scope.referable(session, principal, "committee", [committee_ref])
    sees_committee = committee_ref in own
    view = (
        case_view(session, principal, committee_id)
        if sees_committee and committee_id is not None
        else principal
    )
    seen = {
        # People (participants, parties, earlier handling) only from the key's own scope.
        kind: reference_scope.referable(
            session, principal if kind == "person" else view, kind, refs
        )
        for kind, refs in wanted.items()
    }
    seen["committee"] = (seen.get("committee", set()) - {committee_ref}) | own
    return seen


def in_scope(
    session: Session, principal: Principal, found: dict[str, dict[str, Any]], committee_ref: str
) -> dict[str, dict[str, Any]]:
    """Only what a limited key may name: a ref out of its scope reads like an unknown one.
    The case's committee and every person must be in the key's own scope; organisations,
    operations and other committees in `case_view`."""
    hit = found["committee"].get(committee_ref)
    seen = case_refs_in_scope(session, principal, (committee_ref, hit[0] if hit else None), found)
    return {
        kind: {ref: h for ref, h in hits.items() if ref in seen.get(kind, set())}
        for kind, hits in found.items()
    }


# At most this many unregistered parties given by personnummer in one case. A screening
# names the registered person a personnummer matches: with hundreds of candidates in one
# case, a key could find the one personnummer behind a mask (docs/security.md).
MAX_PERSONNUMMER_PARTIES = 20


def personnummer_parties_over_cap(case_in: CaseIn) -> list[tuple[str, str, str]]:
    """(pointer, detail, code) for each party given by personnummer beyond the cap."""
    given = [i for i, p in enumerate(case_in.parties) if p.personnummer]
    return [
        (
            f"/parties/{i}/personnummer",
            f"at most {MAX_PERSONNUMMER_PARTIES} parties of a case may be given by personnummer",
            "too_many_personnummer",
        )
        for i in given[MAX_PERSONNUMMER_PARTIES:]
    ]


def _case_references(resolved: ResolvedCase) -> list[tuple[str, str, str]]:
    """(pointer, kind, ref) for every registry reference of a case."""
    refs = [("/committee", "committee", resolved.committee_ref)]
    refs += [
        (f"/participants/{i}/person", "person", p.person_ref)
        for i, p in enumerate(resolved.participants)
    ]
    refs += [
        (f"/parties/{i}/{p.kind}", p.kind, p.ref)
        for i, p in enumerate(resolved.parties)
        if p.kind != "unregistered" and p.ref
    ]
    for i, e in enumerate(resolved.earlier_handling):
        refs.append((f"/earlier_handling/{i}/person", "person", e.person_ref))
        if e.organisation_ref:
            refs.append((f"/earlier_handling/{i}/organisation", "organisation", e.organisation_ref))
        if e.committee_ref:
            refs.append((f"/earlier_handling/{i}/committee", "committee", e.committee_ref))
    return refs


def require_scope(
    session: Session, principal: Principal, resolved: ResolvedCase, *, pointer_prefix: str = ""
) -> None:
    """403 unless the key sees every object the case names (committee, participants,
    parties, earlier handling): a limited key must not screen (and so read the facts of)
    anything outside its organisations. A new case is already refused with 422 while it
    is resolved (`resolve_case`); this holds for a stored case written by another key."""
    if not principal.scoped:
        return
    refs = _case_references(resolved)
    wanted: dict[str, set[str]] = {}
    for _, kind, ref in refs:
        wanted.setdefault(kind, set()).add(ref)
    seen = case_refs_in_scope(
        session, principal, (resolved.committee_ref, resolved.committee_id), wanted
    )
    outside = [pointer for pointer, kind, ref in refs if ref not in seen[kind]]
    if outside:
        raise Forbidden(
            "The case names objects outside this key's organisations; an unlimited key "
            "must screen it.",
            errors=[
                field_error(pointer_prefix + p, "outside the key's scope", "out_of_scope")
                for p in outside
            ],
        )
