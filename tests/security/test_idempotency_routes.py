"""Idempotency-Key on the real write routes: import, cases, screenings, decisions, rerun.

The same key and body replays the first answer with no second record or audit entry;
the same key with another body is 422.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import AuditEntry, Case, JavDecision, Organisation, Person, Screening
from tests.decisions.flow import CASE, CASE_REF, create_case, decisions_url, screen
from tests.support.api import ApiClient
from tests.support.registry import contract_document, import_document


def count(session: Session, model: Any) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def world(admin: ApiClient) -> dict[str, Any]:
    """The contract registry, the stored case and one screening of it."""
    import_document(admin, contract_document())
    create_case(admin)
    return screen(admin)


def _routes(world: dict[str, Any]) -> dict[str, tuple[str, Callable[[int], Any], Any]]:
    """name -> (path, body for variant n, model whose rows one call adds)."""
    return {
        "import": (
            "/v1/import",
            lambda n: {"organisations": [{"ref": f"idem-{n}", "kind": "kommun", "name": "K"}]},
            Organisation,
        ),
        "cases": ("/v1/cases", lambda n: {**CASE, "ref": f"IDEM {n}/2026"}, Case),
        "screenings": (
            "/v1/screenings",
            lambda n: {"case": CASE_REF, "as_of": f"2026-03-1{n}"},
            Screening,
        ),
        "decisions": (
            decisions_url(),
            lambda n: {
                "person": "p-anna",
                "raised_by": "self",
                "decision": "jav",
                "decided_on": f"2026-03-1{n}",
            },
            JavDecision,
        ),
        "rerun": (f"/v1/screenings/{world['id']}/rerun", lambda n: None, Screening),
        "registry": (
            "/v1/persons",
            lambda n: {"ref": "p-idem", "name": f"Idem Potent {n}"},
            Person,
        ),
    }


ROUTES = ["import", "cases", "screenings", "decisions", "rerun", "registry"]


@pytest.mark.parametrize("name", ROUTES)
def test_a_retry_with_the_same_key_replays_and_writes_nothing(
    admin: ApiClient, session: Session, world: dict[str, Any], name: str
) -> None:
    path, body, model = _routes(world)[name]
    rows, entries = count(session, model), count(session, AuditEntry)
    headers = {"Idempotency-Key": f"retry-{name}"}
    first = admin.post(path, json=body(1), headers=headers)
    assert first.status_code in (200, 201), first.text
    assert count(session, model) == rows + 1 and count(session, AuditEntry) == entries + 1
    again = admin.post(path, json=body(1), headers=headers)
    assert again.status_code == first.status_code
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert count(session, model) == rows + 1 and count(session, AuditEntry) == entries + 1


@pytest.mark.parametrize("name", [n for n in ROUTES if n != "rerun"])
def test_the_same_key_with_another_body_is_422_and_writes_nothing(
    admin: ApiClient, session: Session, world: dict[str, Any], name: str
) -> None:
    path, body, model = _routes(world)[name]
    headers = {"Idempotency-Key": f"reuse-{name}"}
    assert admin.post(path, json=body(1), headers=headers).status_code in (200, 201)
    rows, entries = count(session, model), count(session, AuditEntry)
    response = admin.post(path, json=body(2), headers=headers)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["code"] == "idempotency_key_reused"
    assert count(session, model) == rows and count(session, AuditEntry) == entries


def test_a_refused_request_is_replayed_as_refused(
    admin: ApiClient, session: Session, world: dict[str, Any]
) -> None:
    """A final 4xx (here: the case exists already) is stored like a success."""
    headers = {"Idempotency-Key": "dup-case"}
    first = admin.post("/v1/cases", json=CASE, headers=headers)
    assert 400 <= first.status_code < 500
    again = admin.post("/v1/cases", json=CASE, headers=headers)
    assert again.status_code == first.status_code and again.json() == first.json()


def test_creating_an_api_key_is_never_stored_for_replay(admin: ApiClient, session: Session) -> None:
    """Its answer holds the new key: replaying it would mean storing the key."""
    headers = {"Idempotency-Key": "new-key"}
    body = {"name": "twice", "role": "auditor"}
    first = admin.post("/v1/apikeys", json=body, headers=headers)
    second = admin.post("/v1/apikeys", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json()["key"] != second.json()["key"]
    assert "idempotent-replayed" not in second.headers


def test_a_key_is_bound_to_its_route(admin: ApiClient, world: dict[str, Any]) -> None:
    headers = {"Idempotency-Key": "one-key"}
    assert admin.post("/v1/screenings", json={"case": CASE_REF}, headers=headers).status_code == 201
    response = admin.post("/v1/import", json={"case": CASE_REF}, headers=headers)
    assert response.status_code == 422
