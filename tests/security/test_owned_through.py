"""A kommun's key sees the companies of the companies it owns (a stadshus AB's
subsidiaries), and another kommun's key does not.

Such a company is owned by a public body through its parent, so it is not shared
reference data; until run J no kommun's key saw it (only a key limited to the parent
company), and a kommun could not name its own energy company in a case (422, as
unknown). docs/security.md, "Who may see what".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.support.api import ApiClient
from tests.support.registry import import_document

REGISTRY: dict[str, Any] = {
    "organisations": [
        {"ref": "k-a", "kind": "kommun", "name": "Aby kommun"},
        {"ref": "k-b", "kind": "kommun", "name": "Bby kommun"},
        {
            "ref": "a-stadshus",
            "kind": "aktiebolag",
            "name": "Aby Stadshus AB",
            "owners": [{"organisation": "k-a", "share_percent": 100}],
        },
        {
            "ref": "a-energi",
            "kind": "aktiebolag",
            "name": "Aby Energi AB",
            "owners": [{"organisation": "a-stadshus", "share_percent": 100}],
        },
    ],
    "committees": [
        {"ref": "a-ks", "organisation": "k-a", "kind": "styrelse", "name": "KS Aby"},
        {"ref": "b-ks", "organisation": "k-b", "kind": "styrelse", "name": "KS Bby"},
    ],
}


def _case(ref: str, committee: str) -> dict[str, Any]:
    return {
        "ref": ref,
        "committee": committee,
        "matter": "upphandling",
        "decision_date": "2026-03-10",
        "parties": [{"organisation": "a-energi", "role": "part"}],
    }


def test_a_kommun_sees_and_names_its_companys_company(
    admin: ApiClient, client_for: Callable[..., ApiClient]
) -> None:
    import_document(admin, REGISTRY)
    own, other = client_for("screener", ["k-a"]), client_for("screener", ["k-b"])

    assert own.get("/v1/organisations/a-energi").status_code == 200
    stored = own.post("/v1/cases", json=_case("KS 2026/1", "a-ks"))
    assert stored.status_code == 201, stored.text
    screened = own.post("/v1/screenings", json={"case": _case("KS 2026/2", "a-ks")})
    assert screened.status_code == 201, screened.text

    # Another kommun: as if it did not exist.
    assert other.get("/v1/organisations/a-energi").status_code == 404
    refused = other.post("/v1/cases", json=_case("KS 2026/3", "b-ks"))
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["pointer"] == "/parties/0/organisation"
    listed = other.get("/v1/organisations", params={"limit": 100}).json()["items"]
    assert "a-energi" not in {o["ref"] for o in listed}


def test_a_kommuns_registry_key_changes_it_and_another_does_not(
    admin: ApiClient, client_for: Callable[..., ApiClient]
) -> None:
    import_document(admin, REGISTRY)
    own, other = client_for("registry", ["k-a"]), client_for("registry", ["k-b"])
    renamed = {"name": "Aby Energi och Värme AB"}
    assert other.patch("/v1/organisations/a-energi", json=renamed).status_code == 404
    changed = own.patch("/v1/organisations/a-energi", json=renamed)
    assert changed.status_code == 200, changed.text
    assert admin.get("/v1/organisations/a-energi").json()["name"] == renamed["name"]
