"""Re-screen a stored case: the current rules and registry, the original `as_of`.

`POST /v1/screenings/{id}/rerun` stores a new screening through the screening service
(with its own audit entry) and answers it with a diff against the original: new, removed
and changed findings, and whether the rules version or outcome moved.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session

from app.audit.chain import canonical_json
from app.db import SessionDep
from app.errors import Conflict, NotFound
from app.screening import repository as repo
from app.screening import service
from app.screening.schemas import ScreeningIn
from app.security.deps import Principal, Screener

router = APIRouter(tags=["screening"])

Key = tuple[Any, ...]
PERSON_COMPARED = ("level", "explanation", "path")
STRUCTURAL_COMPARED = ("level", "explanation", "persons")


def _person_key(finding: dict[str, Any]) -> Key:
    return finding.get("person"), finding.get("ground"), finding.get("rule")


def _structural_key(finding: dict[str, Any]) -> Key:
    return tuple(
        finding.get(k)
        for k in (
            "ground",
            "rule",
            "committee",
            "operation",
            "administration",
            "organisation",
            "area",
        )
    )


def diff_findings(
    before: Sequence[dict[str, Any]],
    after: Sequence[dict[str, Any]],
    key: Callable[[dict[str, Any]], Key],
    compared: tuple[str, ...],
) -> dict[str, list[dict[str, Any]]]:
    """Pair findings by key (several with one key pair in a stable order); a pair whose
    compared fields differ is `changed`, an unpaired one `new` or `removed`."""
    old: dict[Key, list[dict[str, Any]]] = defaultdict(list)
    for finding in sorted(before, key=canonical_json):
        old[key(finding)].append(finding)
    new, changed = [], []
    for finding in sorted(after, key=canonical_json):
        candidates = old.get(key(finding))
        if not candidates:
            new.append(finding)
            continue
        previous = candidates.pop(0)
        fields = [f for f in compared if previous.get(f) != finding.get(f)]
        if fields:
            changed.append({"changed": fields, "before": previous, "after": finding})
    removed = [f for remaining in old.values() for f in remaining]
    return {"new": new, "removed": removed, "changed": changed}


def rerun(
    session: Session, principal: Principal, screening_id: str, *, pnr_secret: str
) -> dict[str, Any]:
    """Screen the original's stored case again at its as_of; the new result and the diff."""
    original = repo.screening(session, principal, screening_id)
    if original is None:
        raise NotFound(f"No screening '{screening_id}'.")
    if original.case_id is None:
        raise Conflict(
            "This screening was of an inline case that is not stored; store the case "
            "(POST /v1/cases) and screen it by ref."
        )
    previous = dict(original.result)
    result = service.screen(
        session,
        principal,
        ScreeningIn(case=original.case_ref, as_of=original.as_of),
        pnr_secret=pnr_secret,
    )
    persons = diff_findings(
        previous.get("findings", []), result["findings"], _person_key, PERSON_COMPARED
    )
    structural = diff_findings(
        previous.get("structural", []),
        result["structural"],
        _structural_key,
        STRUCTURAL_COMPARED,
    )
    return {
        **result,
        "rerun_of": original.id,
        "diff": {
            "rules_version_changed": previous.get("rules_version") != result["rules_version"],
            "previous_rules_version": previous.get("rules_version"),
            "outcome_changed": previous.get("outcome") != result["outcome"],
            "previous_outcome": previous.get("outcome"),
            **persons,
            "structural": structural,
        },
    }


@router.post("/screenings/{screening_id}/rerun", status_code=201)
def rerun_screening(
    screening_id: str, request: Request, session: SessionDep, principal: Screener
) -> dict[str, Any]:
    """Screen the stored case again with today's rules and registry at the original as_of;
    stored and audited as a new screening, answered with a diff against the original."""
    result = rerun(
        session, principal, screening_id, pnr_secret=request.app.state.settings.pnr_secret
    )
    session.commit()
    return result
