"""PostgreSQL's one-statement read of a stored case (app/cases/pg_read.py) gives the
`ResolvedCase` the ORM path gives (case_by_ref, then resolve_stored), field for field,
for every kind of party, earlier handling and participant, and honours the key's scope."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.cases import pg_read
from app.cases import repository as case_repo
from app.cases.resolve import resolve_stored
from app.security.deps import Principal
from app.security.roles import Role
from tests.cases.test_cases import PNR, case_doc
from tests.support.api import ApiClient
from tests.support.databases import backend
from tests.support.registry import contract_document, import_document

pytestmark = pytest.mark.skipif(backend() != "postgresql", reason="PostgreSQL's read path")

UNLIMITED = Principal(1, "tester", Role("admin"), None)


def _orm(session: Session, principal: Principal, ref: str):  # type: ignore[no-untyped-def]
    stored = case_repo.case_by_ref(session, principal, ref)
    return None if stored is None else resolve_stored(session, [stored])[0]


def _store(admin: ApiClient, **overrides: object) -> str:
    doc = case_doc(**overrides)
    response = admin.post("/v1/cases", json=doc)
    assert response.status_code == 201, response.text
    return str(doc["ref"])


def test_every_kind_of_party_reads_back_as_the_orm_path_reads_it(
    admin: ApiClient, session: Session
) -> None:
    import_document(admin, contract_document())
    refs = [
        _store(admin),  # operation, organisation, person, unregistered person and company
        _store(
            admin,
            ref="KS 2026/9",
            parties=[
                {"committee": "ab-mbn", "role": "part"},
                {"name": "Anonym", "role": "berord"},
                {"person": "p-anna", "role": "sokande"},
            ],
            earlier_handling=[
                {"person": "p-anna", "committee": "ab-mbn", "final": False},
                {
                    "person": "p-olof",
                    "organisation": "ankeby",
                    "committee": "ab-mbn",
                    "final": True,
                },
            ],
            participants=[{"person": "p-olof", "role": "ordforande"}],
            area=None,
            title=None,
            decision_date=None,
        ),
        _store(admin, ref="tomt 1", parties=[], earlier_handling=[], participants=[]),
    ]
    for ref in refs:
        one = pg_read.resolved_by_ref(session, UNLIMITED, ref)
        assert one is not None
        assert one == _orm(session, UNLIMITED, ref), ref
    unregistered = pg_read.resolved_by_ref(session, UNLIMITED, refs[0])
    assert unregistered is not None
    hashed = [p for p in unregistered.parties if p.personnummer_hash]
    assert len(hashed) == 1 and PNR not in str(hashed[0])
    assert pg_read.resolved_by_ref(session, UNLIMITED, "no such case") is None


def test_a_key_limited_elsewhere_reads_nothing_and_the_screening_says_404(
    admin: ApiClient, client_for: Callable[..., ApiClient], session: Session
) -> None:
    import_document(admin, contract_document())
    _store(admin)
    import_document(
        admin, {"organisations": [{"ref": "annan", "kind": "kommun", "name": "Annan kommun"}]}
    )
    outsider = client_for("screener", ["annan"])
    response = outsider.post("/v1/screenings", json={"case": case_doc()["ref"]})
    assert response.status_code == 404, response.text
    assert "ankeby" not in response.text.lower()
    insider = client_for("screener", ["ankeby"])
    assert insider.post("/v1/screenings", json={"case": case_doc()["ref"]}).status_code == 201


def test_a_row_gone_from_under_a_stored_case_fails_closed(
    admin: ApiClient, session: Session
) -> None:
    """The foreign keys forbid it; were a participant's person row gone anyway, the case
    is not screened without them (the ORM path raises too)."""
    import_document(admin, contract_document())
    ref = _store(admin)
    session.execute(text("SET LOCAL session_replication_role = replica"))  # no FK triggers
    session.execute(text("DELETE FROM persons WHERE ref = 'p-olof'"))
    with pytest.raises(LookupError):
        pg_read.resolved_by_ref(session, UNLIMITED, ref)
