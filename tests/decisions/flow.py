"""A small end-to-end world through the API: the contract's registry, one stored case
(ref with a space and a slash) and its screening. Shared by decisions and reports tests."""

from __future__ import annotations

import copy
from typing import Any

from tests.support.api import ApiClient, path_ref
from tests.support.registry import (
    CONTRACT_CASE,
    CONTRACT_CASE_REF,
    contract_document,
    import_document,
)

CASE_REF = CONTRACT_CASE_REF
CASE: dict[str, Any] = CONTRACT_CASE


def case_document(**changes: Any) -> dict[str, Any]:
    document = copy.deepcopy(CASE)
    document.update(changes)
    return document


def create_case(client: ApiClient, document: dict[str, Any] | None = None) -> dict[str, Any]:
    response = client.post("/v1/cases", json=document or CASE)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def screen(client: ApiClient, case: str = CASE_REF, **more: Any) -> dict[str, Any]:
    response = client.post("/v1/screenings", json={"case": case, **more})
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def decisions_url(case: str = CASE_REF) -> str:
    return f"/v1/cases/{path_ref(case)}/decisions"


def decide(client: ApiClient, case: str = CASE_REF, **body: Any) -> dict[str, Any]:
    payload = {"raised_by": "screening", "decision": "jav", "decided_on": "2026-03-10", **body}
    response = client.post(decisions_url(case), json=payload)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def world(admin: ApiClient, screener: ApiClient) -> dict[str, Any]:
    """Import the contract registry, store the case, screen it; return the screening."""
    import_document(admin, contract_document())
    create_case(screener)
    return screen(screener)


def flags(screening: dict[str, Any], person: str | None = None) -> list[dict[str, Any]]:
    return [
        f
        for f in screening["findings"]
        if f["level"] in ("jav", "mojligt_jav") and person in (None, f["person"])
    ]
