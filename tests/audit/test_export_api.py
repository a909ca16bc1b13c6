"""GET /v1/audit/export: the period's entries as JSON lines, CSV or XLSX, read back the way
an auditor's tools read them, limited to what the key may read; the heads in verify."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from app.audit import external
from tests.audit.test_visibility_attacks import CEDBY_SECRETS, TWO_KOMMUNER, _case
from tests.support.api import ApiClient
from tests.support.registry import import_document


@pytest.fixture
def screened(admin: ApiClient, client_for: Callable[..., ApiClient]) -> None:
    import_document(admin, TWO_KOMMUNER)
    for org, committee, person in (
        ("ankeby", "ankeby-ks", "p-astrid"),
        ("cedby", "cedby-bn", "p-cecilia"),
    ):
        case = _case(f"KS 2026/{org}", committee, person)
        assert (
            client_for("screener", orgs=[org])
            .post("/v1/screenings", json={"case": case})
            .status_code
            == 201
        )


def _lines(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/jsonl")
    return [json.loads(line) for line in response.text.splitlines()]


def test_json_lines_hold_every_entry_of_the_period_as_the_log_shows_it(
    client_for: Callable[..., ApiClient], screened: None
) -> None:
    auditor = client_for("auditor")
    today = date.today().isoformat()
    lines = _lines(auditor.get("/v1/audit/export", params={"from": today, "to": today}))
    listed = auditor.get("/v1/audit", params={"limit": 500}).json()["items"]
    assert lines == listed
    assert {"registry.import", "screening"} <= {e["kind"] for e in lines}
    assert _lines(auditor.get("/v1/audit/export", params={"to": "2000-01-01"})) == []
    kinds = _lines(auditor.get("/v1/audit/export", params={"kind": "screening"}))
    assert [e["kind"] for e in kinds] == ["screening", "screening"]


def test_a_limited_auditor_exports_only_its_own_entries_and_parts(
    client_for: Callable[..., ApiClient], screened: None
) -> None:
    ankeby = client_for("auditor", orgs=["ankeby"])
    lines = _lines(ankeby.get("/v1/audit/export"))
    assert lines == ankeby.get("/v1/audit", params={"limit": 500}).json()["items"]
    assert [e["kind"] for e in lines] == ["registry.import", "screening"]
    text = json.dumps(lines, ensure_ascii=False)
    assert not [s for s in CEDBY_SECRETS if s in text]


def test_csv_and_xlsx_read_back_with_the_entries(
    client_for: Callable[..., ApiClient], screened: None
) -> None:
    auditor = client_for("auditor", orgs=["ankeby"])
    expected = auditor.get("/v1/audit", params={"limit": 500}).json()["items"]

    response = auditor.get("/v1/audit/export", params={"format": "csv"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [int(r["id"]) for r in rows] == [e["id"] for e in expected]
    assert [r["kind"] for r in rows] == [e["kind"] for e in expected]
    assert rows[1]["hash"] == expected[1]["hash"]
    assert json.loads(rows[1]["data"]) == expected[1]["payload"]["data"]
    assert not [s for s in CEDBY_SECRETS if s in response.text]

    workbook = load_workbook(io.BytesIO(auditor.get("/v1/audit/export?format=xlsx").content))
    sheet = workbook.worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    header = list(values[0])
    assert header[:3] == ["id", "chain", "sequence"]
    assert [r[0] for r in values[1:]] == [e["id"] for e in expected]
    assert values[1][header.index("kind")] == "registry.import"


@pytest.mark.parametrize(
    ("params", "pointer"),
    [({"format": "pdf"}, "/format"), ({"from": "2026-03-02", "to": "2026-03-01"}, "/to")],
)
def test_bad_export_parameters_are_422(
    client_for: Callable[..., ApiClient], params: dict[str, str], pointer: str
) -> None:
    response = client_for("auditor").get("/v1/audit/export", params=params)
    assert response.status_code == 422
    assert [e["pointer"] for e in response.json()["errors"]] == [pointer]


def test_only_auditors_and_admins_export(client_for: Callable[..., ApiClient]) -> None:
    assert client_for("screener").get("/v1/audit/export").status_code == 403
    assert client_for("admin").get("/v1/audit/export").status_code == 200


def test_verify_names_the_heads_and_the_digest_the_cli_prints(
    client_for: Callable[..., ApiClient], screened: None, session: Session
) -> None:
    body = client_for("auditor").get("/v1/audit/verify").json()
    head = external.take_head(session)
    assert body["digest"] == head["digest"]
    assert [(h["chain"], h["sequence"], h["hash"]) for h in body["heads"]] == [
        (c["chain"], c["sequence"], c["hash"]) for c in head["chains"]
    ]
    limited = client_for("auditor", orgs=["cedby"]).get("/v1/audit/verify").json()
    assert limited["digest"] is None
    assert len(limited["heads"]) == 1 and limited["heads"][0]["organisation"] is not None
