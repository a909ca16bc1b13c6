"""Issue 9.4: an auditor limited to one kommun must not read another kommun's audit entries.

Written as the attacker works: Ankeby's keys try to reach Cedby's history through shared
imports, reused case refs and recreated organisation refs. Visibility is fixed when an
entry is written (the organisation ids it belongs to), never decided by ref at read time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support.api import ApiClient, path_ref
from tests.support.registry import import_document

TWO_KOMMUNER: dict[str, Any] = {
    "organisations": [
        {"ref": "ankeby", "kind": "kommun", "name": "Ankeby kommun"},
        {"ref": "cedby", "kind": "kommun", "name": "Cedby kommun"},
    ],
    "committees": [
        {"ref": "ankeby-ks", "organisation": "ankeby", "kind": "namnd", "name": "Ankeby KS"},
        {"ref": "cedby-bn", "organisation": "cedby", "kind": "namnd", "name": "Cedby BN"},
    ],
    "persons": [
        {"ref": "p-astrid", "name": "Astrid Ankare"},
        {"ref": "p-cecilia", "name": "Cecilia Hemligsson"},
    ],
    "appointments": [
        {"person": "p-astrid", "body": {"committee": "ankeby-ks"}, "role": "ledamot"},
        {"person": "p-cecilia", "body": {"committee": "cedby-bn"}, "role": "ledamot"},
    ],
}
# Everything that names Cedby's side; none of it may reach an Ankeby key.
CEDBY_SECRETS = ("cedby", "p-cecilia", "Hemligsson")


def _case(ref: str, committee: str, person: str) -> dict[str, Any]:
    return {
        "ref": ref,
        "committee": committee,
        "matter": "myndighetsutovning",
        "title": "Bygglov",
        "decision_date": "2026-03-10",
        "participants": [{"person": person, "role": "ledamot"}],
    }


@pytest.fixture
def kommuner(admin: ApiClient) -> None:
    import_document(admin, TWO_KOMMUNER)


def _entries(client: ApiClient, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/v1/audit", params={"limit": 500, **params})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def _leaks(entries: list[dict[str, Any]]) -> list[str]:
    text = repr(entries)
    return [secret for secret in CEDBY_SECRETS if secret in text]


def test_an_import_touching_two_kommuner_shows_each_only_its_own_part(
    client_for: Callable[..., ApiClient], kommuner: None
) -> None:
    ankeby_auditor = client_for("auditor", orgs=["ankeby"])
    imports = _entries(ankeby_auditor, kind="registry.import")
    assert len(imports) == 1, "the import touched Ankeby: its auditor sees the entry"
    assert "ankeby-ks" in repr(imports)
    assert _leaks(imports) == []
    assert imports[0]["redacted"] is True

    cedby_auditor = client_for("auditor", orgs=["cedby"])
    cedby_view = _entries(cedby_auditor, kind="registry.import")
    assert "cedby-bn" in repr(cedby_view) and "ankeby-ks" not in repr(cedby_view)

    everything = _entries(client_for("auditor"), kind="registry.import")
    assert "cedby-bn" in repr(everything) and "ankeby-ks" in repr(everything)
    assert everything[0]["redacted"] is False


def test_a_case_ref_reused_by_another_kommun_does_not_open_the_first_ones_screening(
    client_for: Callable[..., ApiClient], kommuner: None
) -> None:
    ref = "BN 2026/9"
    cedby = client_for("screener", orgs=["cedby"])
    screened = cedby.post("/v1/screenings", json={"case": _case(ref, "cedby-bn", "p-cecilia")})
    assert screened.status_code == 201, screened.text

    ankeby = client_for("screener", orgs=["ankeby"])
    stored = ankeby.post("/v1/cases", json=_case(ref, "ankeby-ks", "p-astrid"))
    assert stored.status_code == 201, stored.text

    ankeby_auditor = client_for("auditor", orgs=["ankeby"])
    seen = _entries(ankeby_auditor, case=ref)
    assert [e["kind"] for e in seen] == ["case.create"]
    assert _leaks(seen) == []
    screening_entry = screened.json()["audit"]
    hidden = _entries(client_for("auditor"), kind="screening", case=ref)
    assert [e["sequence"] for e in hidden] == [screening_entry["sequence"]]
    assert ankeby_auditor.get(f"/v1/audit/{hidden[0]['id']}").status_code == 404


def test_an_organisation_ref_deleted_and_recreated_does_not_carry_its_history(
    client_for: Callable[..., ApiClient], kommuner: None
) -> None:
    company = {"ref": "bolaget", "kind": "aktiebolag", "name": "Cedby Hemligsson AB"}
    cedby = client_for("registry", orgs=["cedby"])
    created = cedby.post(
        "/v1/organisations", json={**company, "owners": [{"organisation": "cedby"}]}
    )
    assert created.status_code == 201, created.text
    deleted = cedby.delete(f"/v1/organisations/{path_ref('bolaget')}")
    assert deleted.status_code in (200, 204), deleted.text

    ankeby = client_for("registry", orgs=["ankeby"])
    recreated = ankeby.post(
        "/v1/organisations",
        json={**company, "name": "Ankeby Bolag AB", "owners": [{"organisation": "ankeby"}]},
    )
    assert recreated.status_code == 201, recreated.text

    seen = _entries(client_for("auditor", orgs=["ankeby"]), organisation="bolaget")
    assert [e["kind"] for e in seen] == ["registry.create"]
    assert _leaks(seen) == []


def test_verify_for_a_limited_key_reports_only_what_it_may_see(
    client_for: Callable[..., ApiClient], kommuner: None
) -> None:
    cedby = client_for("screener", orgs=["cedby"])
    for n in range(3):
        case = _case(f"BN 2026/{n}", "cedby-bn", "p-cecilia")
        assert cedby.post("/v1/screenings", json={"case": case}).status_code == 201

    ankeby_auditor = client_for("auditor", orgs=["ankeby"])
    visible = _entries(ankeby_auditor)
    report = ankeby_auditor.get("/v1/audit/verify").json()
    assert report["ok"] is True
    assert report["entries"] == len(visible)
    assert _leaks([report]) == []
    unlimited = client_for("auditor").get("/v1/audit/verify").json()
    assert unlimited["ok"] is True and unlimited["entries"] > report["entries"]
