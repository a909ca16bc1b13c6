"""A page names only what the key reads (review of run L): refs it may not read are shown
as refs, as the JSON of the same route shows them."""

from __future__ import annotations

from collections.abc import Callable

from tests.security.scope_world import build
from tests.support.api import ApiClient
from tests.web.support import WebClient


def test_a_page_names_only_what_the_key_reads(
    admin: ApiClient,
    client_for: Callable[..., ApiClient],
    browser_for: Callable[..., WebClient],
) -> None:
    world = build(admin, client_for)
    registry = world.keys["registry"]
    # Ankeby gives its own company the ref of a Cederby person (refs are per kind).
    company = {"ref": "p-cecilia", "kind": "aktiebolag", "name": "Konsult AB"}
    seat = {"person": "p-olof", "organisation": "p-cecilia", "kind": "styrelseledamot"}
    made = [
        registry.post("/v1/organisations", json=company),
        registry.post("/v1/interests", json=seat),
    ]
    assert [m.status_code for m in made] == [201, 201], [m.text for m in made]
    assert registry.get("/v1/organisations/borby").status_code == 404

    browser = browser_for("registry", ["ankeby"])
    person = browser.get("/register/personer/p-olof")
    assert person.status_code == 200
    assert "Konsult AB" in person.text and "Cecilia Ceder" not in person.text
    nämnd = browser.get("/register/namnder/ab-mbn")
    assert nämnd.status_code == 200
    assert "Borby kommun" not in nämnd.text
    assert "Borby kommun" in browser_for("admin").get("/register/namnder/ab-mbn").text
