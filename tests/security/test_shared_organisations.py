"""Private organisations are shared reference data (issue 10, item 6).

An aktiebolag, förening, stiftelse, handelsbolag or enskild firma that no public body
owns is read and named by every kommun; a limited registry key may create one and point
interests at it; only the key that created it (or an unlimited key) changes it. What
each kommun's people have to do with it stays in that kommun's scope.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.security.scope_world import World
from tests.support.api import ApiClient

BYGG = {"ref": "bygg-ab", "kind": "aktiebolag", "name": "Byggare i Ankeby AB"}


def test_a_limited_key_creates_one_and_every_kommun_may_name_it(
    admin: ApiClient, world: World, client_for: Callable[..., ApiClient]
) -> None:
    ankeby = world.keys["registry"]
    cederby = client_for("registry", ["cederby"])
    assert ankeby.post("/v1/organisations", json=BYGG).status_code == 201
    anna = {"person": "p-anna", "organisation": "bygg-ab", "kind": "styrelseledamot"}
    assert ankeby.post("/v1/interests", json=anna).status_code == 201
    assert cederby.get("/v1/organisations/bygg-ab").status_code == 200
    cecilia = {
        "person": "p-cecilia",
        "organisation": "bygg-ab",
        "kind": "agare",
        "share_percent": 40,
    }
    assert cederby.post("/v1/interests", json=cecilia).status_code == 201
    # Each sees its own people's ties to it, not the other's.
    seen = cederby.get("/v1/interests", params={"organisation": "bygg-ab"}).json()["items"]
    assert [i["person"] for i in seen] == ["p-cecilia"]
    seen = ankeby.get("/v1/interests", params={"organisation": "bygg-ab"}).json()["items"]
    assert [i["person"] for i in seen] == ["p-anna"]
    # A case of either kommun may name it as a party.
    case = {
        "ref": "CBN 2026/40",
        "committee": "cederby-bn",
        "matter": "tillsyn",
        "decision_date": "2026-03-10",
        "parties": [{"organisation": "bygg-ab", "role": "part"}],
    }
    screener = client_for("screener", ["cederby"])
    assert screener.post("/v1/cases", json=case).status_code == 201


def test_only_its_creator_or_an_unlimited_key_changes_it(
    admin: ApiClient, world: World, client_for: Callable[..., ApiClient]
) -> None:
    ankeby = world.keys["registry"]
    cederby = client_for("registry", ["cederby"])
    assert ankeby.post("/v1/organisations", json=BYGG).status_code == 201
    renamed = {"name": "Byggare AB"}
    assert cederby.patch("/v1/organisations/bygg-ab", json=renamed).status_code == 403
    assert cederby.delete("/v1/organisations/bygg-ab").status_code == 403
    again = cederby.post("/v1/import", json={"organisations": [{**BYGG, "name": "X AB"}]})
    assert again.status_code == 403
    assert ankeby.patch("/v1/organisations/bygg-ab", json=renamed).status_code == 200
    assert admin.patch("/v1/organisations/bygg-ab", json={"name": "B AB"}).status_code == 200
    # One an unlimited key created is changed by an unlimited key only.
    assert admin.post("/v1/organisations", json={**BYGG, "ref": "ica"}).status_code == 201
    assert ankeby.patch("/v1/organisations/ica", json=renamed).status_code == 403


def test_a_kommunal_company_is_not_shared(admin: ApiClient, world: World) -> None:
    ankeby = world.keys["registry"]
    assert ankeby.get("/v1/organisations/cederby-bolag").status_code == 404
    # Nor can a kommun make a shared company Cederby's (it would leave Ankeby's reach).
    assert ankeby.post("/v1/organisations", json=BYGG).status_code == 201
    owned = {**BYGG, "owners": [{"organisation": "cederby", "share_percent": 100}]}
    assert ankeby.put("/v1/organisations/bygg-ab", json=owned).status_code == 422
    # And a public body is nobody's to create with a limited key.
    kommun = {"ref": "ny-kommun", "kind": "kommun", "name": "Ny kommun"}
    assert ankeby.post("/v1/organisations", json=kommun).status_code == 403
