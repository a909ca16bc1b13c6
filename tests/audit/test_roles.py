"""Auditors read and never write; screeners write and never read the audit log or reports."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.decisions.flow import CASE, decisions_url
from tests.support.api import ApiClient
from tests.support.registry import contract_document

WRITES = [
    ("post", "/v1/import", contract_document()),
    ("post", "/v1/cases", CASE),
    ("post", "/v1/screenings", {"case": CASE}),
    (
        "post",
        decisions_url(),
        {"person": "p-anna", "raised_by": "self", "decision": "jav", "decided_on": "2026-03-10"},
    ),
    ("post", "/v1/screenings/scr_x/rerun", None),
]
READS = [
    "/v1/audit",
    "/v1/audit/verify",
    "/v1/audit/1",
    "/v1/reports/screenings",
    "/v1/reports/summary",
    "/v1/reports/structural-risks",
    "/v1/reports/samverkan",
]


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_an_auditor_cannot_write(
    client_for: Callable[..., ApiClient], method: str, path: str, body: object
) -> None:
    response = client_for("auditor").request(method, path, json=body)
    assert response.status_code == 403, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize("path", READS)
def test_a_screener_cannot_read_the_audit_log_or_reports(
    client_for: Callable[..., ApiClient], path: str
) -> None:
    assert client_for("screener").get(path).status_code == 403
    assert client_for("registry").get(path).status_code == 403
