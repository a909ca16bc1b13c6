"""The case refs of a screened or stored case are looked up in one statement
(app/cases/repository.py, PG_REFERENCES) that joins nothing: each committee's
organisation is read by a subquery, one index probe, whatever plan PostgreSQL makes. Its
JOIN form, planned generically (as every statement of the service's connections was until
run I), became a merge join that walked the organisations' primary key up to the
committee's organisation: 20-30 ms a screening for a kommun imported after the national
registry. The plan's shape is what this holds; the registry here is too small to time."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from app.cases.repository import PG_REFERENCES, references
from app.cases.schemas import CaseIn
from tests.support.api import ApiClient
from tests.support.databases import backend
from tests.support.registry import CONTRACT_CASE, contract_document, import_document

pytestmark = pytest.mark.skipif(backend() != "postgresql", reason="PostgreSQL's plans")


def _nodes(plan: dict[str, Any]) -> list[str]:
    return [plan["Node Type"], *(n for child in plan.get("Plans", []) for n in _nodes(child))]


@pytest.mark.parametrize("mode", ["force_generic_plan", "force_custom_plan"])
def test_the_case_refs_statement_joins_nothing_in_any_plan(
    admin: ApiClient, connection: Connection, mode: str
) -> None:
    import_document(admin, contract_document())
    case = CaseIn.model_validate(CONTRACT_CASE)
    params = {
        "persons": sorted({p.person for p in case.parties if p.person}),
        "organisations": [],
        "operations": [],
        "committees": [case.committee],
    }
    connection.exec_driver_sql(f"SET LOCAL plan_cache_mode = {mode}")
    explained = connection.execute(text("EXPLAIN (FORMAT JSON) " + PG_REFERENCES.text), params)
    nodes = _nodes(explained.scalar_one()[0]["Plan"])
    assert not [n for n in nodes if "Join" in n or n == "Nested Loop"], nodes
    connection.exec_driver_sql("SET LOCAL plan_cache_mode = DEFAULT")
    # and it answers what the statement is for: the committee with its organisation
    found = references(Session(bind=connection), params["persons"], [], [], [case.committee])
    committee_id, organisation_id, organisation_ref = found["committee"][case.committee]
    owner = connection.execute(
        text(
            "SELECT o.id, o.ref FROM committees c JOIN organisations o"
            " ON o.id = c.organisation_id WHERE c.id = :c"
        ),
        {"c": committee_id},
    ).one()
    assert (organisation_id, organisation_ref) == tuple(owner)
