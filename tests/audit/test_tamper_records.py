"""Review R: the rows a screening and a jäv decision are read from (the stored answer, the
case as screened, the finding rows the reports count, the decision row) changed, deleted
or added directly in the database are a break that `audit verify` names, at the chain and
sequence of the entry that covers them.

Before review R only the audit entries and the facts were checked: an insider could turn
a `jav` finding into `risk` in the findings table, or a decision `jav` into `ej_jav`, and
every report showed it while `GET /v1/audit/verify` said ok.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import text, update
from sqlalchemy.orm import Session

from app.models import Screening, ScreeningFacts
from tests.decisions.flow import decide, world
from tests.security.scope_world import OUT_SCOPE, SCOPE, build
from tests.support.api import ApiClient

Tamper = Callable[[Session, dict[str, Any]], None]


@pytest.fixture
def recorded(admin: ApiClient, client_for: Callable[..., ApiClient]) -> dict[str, Any]:
    """The contract's world: a stored case, its screening and a decision about p-anna."""
    screener = client_for("screener")
    screening = world(admin, screener)
    assert any(f["level"] == "jav" for f in screening["findings"])
    decision = decide(
        screener, person="p-anna", screening=screening["id"], protocol_paragraph="§ 12"
    )
    verified = admin.get("/v1/audit/verify").json()
    assert verified["ok"] is True, verified
    return {"screening": screening, "decision": decision}


def _sql(statement: str) -> Tamper:
    def tamper(session: Session, recorded: dict[str, Any]) -> None:
        session.execute(
            text(statement),
            {"screening": recorded["screening"]["id"], "decision": recorded["decision"]["id"]},
        )

    return tamper


def _answer(change: Callable[[dict[str, Any]], None]) -> Tamper:
    """Change the stored answer (what GET /v1/screenings/{id} serves)."""

    def tamper(session: Session, recorded: dict[str, Any]) -> None:
        stored = session.get(Screening, recorded["screening"]["id"])
        assert stored is not None
        result = dict(stored.result)
        change(result)
        session.execute(update(Screening).where(Screening.id == stored.id).values(result=result))

    return tamper


def _first_finding_is_risk(result: dict[str, Any]) -> None:
    result["findings"] = [{**result["findings"][0], "level": "risk"}, *result["findings"][1:]]


ANOTHER_COMMITTEE = (
    "UPDATE screenings SET committee_id = (SELECT min(id) FROM committees WHERE id <> "
    "(SELECT committee_id FROM screenings WHERE id = :screening)) WHERE id = :screening"
)
ANOTHER_ORGANISATION = (
    "UPDATE screenings SET organisation_id = (SELECT min(id) FROM organisations WHERE id <> "
    "(SELECT organisation_id FROM screenings WHERE id = :screening)) WHERE id = :screening"
)
SCREENING_TAMPERS: dict[str, tuple[Tamper, str]] = {
    "outcome": (_sql("UPDATE screenings SET outcome = 'clear' WHERE id = :screening"), "outcome"),
    "rules version": (
        _sql("UPDATE screenings SET rules_version = '0.0.1' WHERE id = :screening"),
        "rules version",
    ),
    "as_of": (_sql("UPDATE screenings SET as_of = '2026-01-02' WHERE id = :screening"), "as_of"),
    "screened at (backdated)": (
        _sql("UPDATE screenings SET created_at = '2026-01-02 08:00:00' WHERE id = :screening"),
        "created_at",
    ),
    "answer's created_at": (
        _answer(lambda r: r.update(created_at="2026-01-02T08:00:00Z")), "answer"
    ),
    "case as screened": (
        _sql("UPDATE screenings SET case_snapshot = '{}' WHERE id = :screening"),
        "case as screened",
    ),
    "committee": (_sql(ANOTHER_COMMITTEE), "committee"),
    "organisation": (_sql(ANOTHER_ORGANISATION), "organisation"),
    "points at another entry": (
        _sql("UPDATE screenings SET audit_sequence = 1 WHERE id = :screening"),
        "audit entry",
    ),
    "answer's finding level": (_answer(_first_finding_is_risk), "answer"),
    "answer's outcome": (_answer(lambda r: r.update(outcome="clear")), "answer"),
    "answer's findings removed": (_answer(lambda r: r.update(findings=[])), "answer"),
    "finding row's level": (
        _sql(
            "UPDATE findings SET level = 'risk' WHERE screening_id = :screening "
            "AND level = 'jav'"
        ),
        "finding rows",
    ),
    "finding row deleted": (
        _sql("DELETE FROM findings WHERE screening_id = :screening AND level = 'jav'"),
        "finding rows",
    ),
    "finding row added": (
        _sql(
            "INSERT INTO findings (screening_id, position, structural, person_ref, ground, "
            "level, rule, data) VALUES (:screening, 99, false, 'p-bo', 'narstaende', 'jav', "
            "'kl-6-28-1', '{}')"
        ),
        "finding rows",
    ),
}  # fmt: skip


def _broken(admin: ApiClient) -> dict[str, Any]:
    response = admin.get("/v1/audit/verify")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    assert result["ok"] is False, result
    return result


@pytest.mark.parametrize("name", list(SCREENING_TAMPERS))
def test_a_changed_screening_row_is_named_at_its_entry(
    name: str, recorded: dict[str, Any], admin: ApiClient, session: Session
) -> None:
    tamper, field = SCREENING_TAMPERS[name]
    tamper(session, recorded)
    session.commit()
    screening = recorded["screening"]
    result = _broken(admin)
    audit = screening["audit"]
    assert (result["first_broken_chain"], result["first_broken_sequence"]) == (
        audit["chain"],
        audit["sequence"],
    )
    reason = result["reason"]
    assert screening["id"] in reason and f"audit entry {audit['id']}" in reason
    assert field in reason.split(": ", 1)[1]


def test_the_organisations_auditor_sees_the_break_in_its_chain(
    recorded: dict[str, Any], client_for: Callable[..., ApiClient], session: Session
) -> None:
    _sql("UPDATE findings SET level = 'risk' WHERE screening_id = :screening")(session, recorded)
    session.commit()
    own = client_for("auditor", orgs=["ankeby"]).get("/v1/audit/verify").json()
    assert own["ok"] is False
    assert own["first_broken_sequence"] == recorded["screening"]["audit"]["sequence"]


def test_a_deleted_screening_is_named_at_its_entry(
    recorded: dict[str, Any], admin: ApiClient, session: Session
) -> None:
    for table, column in (
        ("jav_decisions", "screening_id"),
        ("findings", "screening_id"),
        ("screening_facts", "screening_id"),
        ("screenings", "id"),
    ):
        session.execute(
            text(f"DELETE FROM {table} WHERE {column} = :screening"),  # noqa: S608
            {"screening": recorded["screening"]["id"]},
        )
    session.commit()
    result = _broken(admin)
    assert result["first_broken_sequence"] == recorded["screening"]["audit"]["sequence"]
    assert recorded["screening"]["id"] in result["reason"]


def test_a_screening_added_by_hand_is_not_covered(
    recorded: dict[str, Any], admin: ApiClient, session: Session
) -> None:
    """A copy of a real screening under a new id, as a forger would make one to show a
    screening before the decision: no entry names it."""
    session.execute(
        text(
            "INSERT INTO screenings (id, created_at, case_ref, case_id, committee_id, "
            "organisation_id, as_of, outcome, rules_version, case_snapshot, result, "
            "api_key_id, audit_sequence) SELECT 'scr_forged', created_at, case_ref, case_id, "
            "committee_id, organisation_id, as_of, 'clear', rules_version, case_snapshot, "
            "result, api_key_id, NULL FROM screenings WHERE id = :screening"
        ),
        {"screening": recorded["screening"]["id"]},
    )
    session.commit()
    result = _broken(admin)
    assert "scr_forged is not covered by an audit entry" in result["reason"]


DECISION_TAMPERS: dict[str, tuple[str, str]] = {
    "decision": ("decision = 'ej_jav'", "decision"),
    "raised_by": ("raised_by = 'self'", "raised_by"),
    "obviously_insignificant": ("obviously_insignificant = true", "obviously_insignificant"),
    "protocol_paragraph": ("protocol_paragraph = '§ 99'", "protocol_paragraph"),
    "decided_on": ("decided_on = '2026-01-02'", "decided_on"),
    "recorded at (backdated)": ("created_at = '2026-01-02 08:00:00'", "recorded_at"),
    "note": ("note = 'forged'", "note"),
    "screening": ("screening_id = NULL", "screening"),
    "who recorded it (name)": ("recorded_by_name = 'Mallory'", "recorded_by"),
    "who recorded it (key)": ("recorded_by_key_id = NULL", "recorded_by"),
    "person": (
        "person_id = (SELECT min(id) FROM persons WHERE id <> jav_decisions.person_id)",
        "person",
    ),
    "points at another entry": ("audit_sequence = 1", "audit entry"),
}


@pytest.mark.parametrize("name", list(DECISION_TAMPERS))
def test_a_changed_decision_row_is_named_at_its_entry(
    name: str, recorded: dict[str, Any], admin: ApiClient, session: Session
) -> None:
    assignment, field = DECISION_TAMPERS[name]
    _sql(f"UPDATE jav_decisions SET {assignment} WHERE id = :decision")(session, recorded)  # noqa: S608
    session.commit()
    decision = recorded["decision"]
    result = _broken(admin)
    assert result["first_broken_sequence"] == decision["audit"]["sequence"]
    reason = result["reason"]
    assert f"decision {decision['id']} " in reason and field in reason.split(": ", 1)[1]


def test_a_deleted_decision_is_named_at_its_entry(
    recorded: dict[str, Any], admin: ApiClient, session: Session
) -> None:
    _sql("DELETE FROM jav_decisions WHERE id = :decision")(session, recorded)
    session.commit()
    result = _broken(admin)
    decision = recorded["decision"]
    assert result["first_broken_sequence"] == decision["audit"]["sequence"]
    assert f"decision {decision['id']} (audit entry" in result["reason"]
    assert result["reason"].endswith("is missing")


def test_a_decision_added_by_hand_is_not_covered(
    recorded: dict[str, Any], admin: ApiClient, session: Session
) -> None:
    session.execute(
        text(
            "INSERT INTO jav_decisions (case_id, person_id, screening_id, raised_by, decision, "
            "obviously_insignificant, protocol_paragraph, decided_on, note, "
            "recorded_by_key_id, recorded_by_name, created_at, audit_sequence) "
            "SELECT case_id, person_id, screening_id, raised_by, 'ej_jav', "
            "obviously_insignificant, protocol_paragraph, '2026-03-11', note, "
            "recorded_by_key_id, recorded_by_name, created_at, audit_sequence "
            "FROM jav_decisions WHERE id = :decision"
        ),
        {"decision": recorded["decision"]["id"]},
    )
    session.commit()
    result = _broken(admin)
    assert "is not covered by an audit entry" in result["reason"]
    assert result["first_broken_sequence"] == recorded["decision"]["audit"]["sequence"]


def _forge_facts(session: Session, screening: str) -> None:
    stored = session.get(ScreeningFacts, screening)
    assert stored is not None
    session.execute(
        update(ScreeningFacts)
        .where(ScreeningFacts.screening_id == screening)
        .values(facts=stored.facts.replace('"', "'", 1))
    )


ROW_AND_FACTS_TAMPERS: dict[str, Callable[[Session, str], None]] = {
    "screening row": lambda session, screening: session.execute(
        text("UPDATE screenings SET rules_version = '0.0.1' WHERE id = :screening"),
        {"screening": screening},
    ),
    "facts row": _forge_facts,
}


@pytest.mark.parametrize("name", list(ROW_AND_FACTS_TAMPERS))
def test_a_break_in_another_kommun_hides_no_break_of_ones_own(
    name: str, admin: ApiClient, client_for: Callable[..., ApiClient], session: Session
) -> None:
    """Ankeby's screening (the earlier entry) and Cederby's are both changed: each
    kommun's auditor is told of its own. Only the first changed row of the whole database
    was reported, so Cederby's auditor read ok while Ankeby's break came first, and saw
    its own break vanish the moment another kommun's row was changed."""
    world = build(admin, client_for)
    assert world.audit_in < world.audit_out
    for screening in (world.screening_in, world.screening_out):
        ROW_AND_FACTS_TAMPERS[name](session, screening)
    session.commit()
    for orgs, screening in ((SCOPE, world.screening_in), (OUT_SCOPE, world.screening_out)):
        verified = client_for("auditor", orgs=orgs).get("/v1/audit/verify").json()
        assert verified["ok"] is False, (orgs, verified)
        assert screening in verified["reason"]
    everything = _broken(admin)
    assert world.screening_in in everything["reason"]
    broken = {c["chain"] for c in everything["chains"] if not c["ok"]}
    assert len(broken) == 2, everything["chains"]
