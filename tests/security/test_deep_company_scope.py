"""A kommun's companies at any depth are its own, not shared reference data (run O).

Until run O a key's scope followed ownership two levels down (a stadshus AB and its
subsidiaries). A company owned by such a subsidiary counted as shared reference data:
every kommun's key read its name, orgnr and owners, listed it, and pointed at it, while
the kommun that owns it through its companies could not read its board or operations.
Through the HTTP API on both databases.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Organisation, OrganisationOwner
from tests.security.scope_world import case
from tests.support.api import ApiClient
from tests.support.registry import import_document


def _company(ref: str, name: str, owner: str) -> dict[str, Any]:
    return {
        "ref": ref,
        "kind": "aktiebolag",
        "name": name,
        "owners": [{"organisation": owner, "share_percent": 100}],
    }


# Djupby kommun -> Stadshus AB -> Energi AB -> Elnät AB -> Elnät Service AB.
DJUPBY: dict[str, Any] = {
    "organisations": [
        {"ref": "djupby", "kind": "kommun", "name": "Djupby kommun"},
        {"ref": "annby", "kind": "kommun", "name": "Annby kommun"},
        _company("djupby-stadshus", "Djupby Stadshus AB", "djupby"),
        _company("djupby-energi", "Djupby Energi AB", "djupby-stadshus"),
        _company("djupby-elnat", "Djupby Elnät AB", "djupby-energi"),
        _company("djupby-service", "Djupby Elnät Service AB", "djupby-elnat"),
        {"ref": "privat-ab", "kind": "aktiebolag", "name": "Privata Kablar AB"},
    ],
    "committees": [
        {"ref": "annby-ks", "organisation": "annby", "kind": "styrelse", "name": "Annby KS"},
        {"ref": "djupby-ks", "organisation": "djupby", "kind": "styrelse", "name": "Djupby KS"},
    ],
    "operations": [
        {
            "ref": "djupby-natet",
            "name": "Djupby elnät",
            "area": "energi",
            "operator": {"organisation": "djupby-elnat"},
        },
    ],
    "persons": [
        {"ref": "p-dagny", "name": "Dagny Djup"},
        {"ref": "p-arne", "name": "Arne Annbysson"},
    ],
    "appointments": [
        {"person": "p-dagny", "body": {"organisation": "djupby-service"}, "role": "vd"},
        {"person": "p-arne", "body": {"committee": "annby-ks"}, "role": "ledamot"},
        {"person": "p-dagny", "body": {"committee": "djupby-ks"}, "role": "ledamot"},
    ],
}
DEEP = ("djupby-elnat", "djupby-service")


@pytest.fixture
def keys(admin: ApiClient, client_for: Callable[..., ApiClient]) -> dict[str, ApiClient]:
    import_document(admin, DJUPBY)
    return {
        "djupby": client_for("registry", ["djupby"]),
        "annby": client_for("registry", ["annby"]),
    }


def test_another_kommun_does_not_read_a_kommuns_deep_companies(
    keys: dict[str, ApiClient],
) -> None:
    annby = keys["annby"]
    for ref in DEEP:
        assert annby.get(f"/v1/organisations/{ref}").status_code == 404, ref
    listed = annby.get("/v1/organisations", params={"limit": 500})
    assert listed.status_code == 200
    assert [ref for ref in DEEP if ref in listed.text] == []
    assert "privat-ab" in listed.text  # a private company is still shared reference data


def test_another_kommun_cannot_point_at_a_kommuns_deep_company(
    keys: dict[str, ApiClient],
) -> None:
    annby = keys["annby"]
    interest = {"person": "p-arne", "organisation": "djupby-service", "kind": "agare"}
    refused = annby.post("/v1/interests", json=interest)
    assert refused.status_code in (403, 404, 422), refused.text
    assert "Djupby" not in refused.text
    allowed = {"person": "p-arne", "organisation": "privat-ab", "kind": "agare"}
    assert annby.post("/v1/interests", json=allowed).status_code == 201


def test_the_owning_kommun_reads_its_deep_companies_their_board_and_operations(
    keys: dict[str, ApiClient],
) -> None:
    djupby = keys["djupby"]
    for ref in DEEP:
        assert djupby.get(f"/v1/organisations/{ref}").status_code == 200, ref
    assert djupby.get("/v1/operations/djupby-natet").status_code == 200
    assert djupby.get("/v1/persons/p-dagny").status_code == 200
    assert keys["annby"].get("/v1/persons/p-dagny").status_code == 404


def test_the_audit_of_a_deep_companys_change_reaches_the_owning_kommun_only(
    admin: ApiClient, keys: dict[str, ApiClient], client_for: Callable[..., ApiClient]
) -> None:
    changed = admin.patch("/v1/organisations/djupby-service", json={"name": "Djupby Nät AB"})
    assert changed.status_code == 200, changed.text
    djupby = client_for("auditor", ["djupby"]).get("/v1/audit", params={"limit": 200})
    annby = client_for("auditor", ["annby"]).get("/v1/audit", params={"limit": 200})
    assert djupby.status_code == annby.status_code == 200
    assert "Djupby Nät AB" in djupby.text
    assert "Djupby Nät AB" not in annby.text and "djupby-service" not in annby.text


def test_an_ownership_cycle_in_stored_data_ends_every_walk(
    keys: dict[str, ApiClient], session: Session, client_for: Callable[..., ApiClient]
) -> None:
    """Writes refuse ownership cycles, but a walk must end on any data: Djupby Stadshus
    AB is made (behind the API's back) to be owned by its own grandchild."""
    ids = dict(session.execute(select(Organisation.ref, Organisation.id)).all())
    session.add(
        OrganisationOwner(organisation_id=ids["djupby-stadshus"], owner_id=ids["djupby-elnat"])
    )
    session.commit()
    assert keys["djupby"].get("/v1/organisations/djupby-service").status_code == 200
    assert keys["annby"].get("/v1/organisations/djupby-service").status_code == 404
    listed = keys["annby"].get("/v1/organisations", params={"limit": 500})
    assert listed.status_code == 200 and "djupby-service" not in listed.text
    # The case-scope check walks ownership (one statement on PostgreSQL): a case that
    # names Djupby's deep company from Annby is refused, one of Djupby's is stored.
    parties = [{"organisation": "djupby-service", "role": "part"}]
    annby_screener = client_for("screener", ["annby"])
    djupby_screener = client_for("screener", ["djupby"])
    refused = annby_screener.post(
        "/v1/cases", json=case("AN 2026/1", "annby-ks", ["p-arne"], parties)
    )
    assert refused.status_code == 422, refused.text
    assert "Djupby" not in refused.text
    stored = djupby_screener.post(
        "/v1/cases", json=case("DJ 2026/1", "djupby-ks", ["p-dagny"], parties)
    )
    assert stored.status_code == 201, stored.text
