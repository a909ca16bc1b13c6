"""A limited key may not widen its own scope by a registry write (a third review, run N).

- A member kommun's key set itself as its förbund's owner: the förbund's company, hidden
  from members, became the kommun's, with the people on its board.
- An `annan` organisation (seen by its members only) made an ideell förening became shared
  reference data that a third kommun read, with its members.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.security.scope_world import build
from tests.support.api import ApiClient

COMPANY = {
    "ref": "vmf-lab",
    "kind": "aktiebolag",
    "name": "Förbundets Laboratorium AB",
    "orgnr": "556123-4567",
    "owners": [{"organisation": "vmf", "share_percent": 100}],
}


def test_a_member_kommun_makes_itself_owner_of_its_forbund_and_reads_its_company(
    admin: ApiClient, client_for: Callable[..., ApiClient]
) -> None:
    world = build(admin, client_for)
    assert admin.post("/v1/organisations", json=COMPANY).status_code == 201
    # A person seated only on the förbund company's board (an unlimited key records it).
    hidden = {"ref": "p-hemlig", "name": "Hemlig Borbysson"}
    assert admin.post("/v1/persons", json=hidden).status_code == 201
    seat = {"person": "p-hemlig", "body": {"organisation": "vmf-lab"}, "role": "vd"}
    assert admin.post("/v1/appointments", json=seat).status_code == 201
    ankeby = world.keys["registry"]
    assert ankeby.get("/v1/organisations/vmf").status_code == 200  # a member
    assert ankeby.get("/v1/organisations/vmf-lab").status_code == 404  # hidden
    assert ankeby.get("/v1/persons/p-hemlig").status_code == 404  # hidden

    changed = ankeby.patch("/v1/organisations/vmf", json={"owners": [{"organisation": "ankeby"}]})
    seen = ankeby.get("/v1/organisations/vmf-lab")
    person = ankeby.get("/v1/persons/p-hemlig")
    # A limited key may not widen its own scope.
    assert (changed.status_code, seen.status_code, person.status_code) == (403, 404, 404), (
        changed.text,
        seen.text,
        person.text,
    )


FINSAM = {
    "ref": "finsam-ac",
    "kind": "annan",
    "name": "Samordningsförbundet Ankeby-Cederby",
    "members": ["ankeby", "cederby"],
}


def test_a_member_makes_an_annan_organisation_private_and_shared(
    admin: ApiClient, client_for: Callable[..., ApiClient]
) -> None:
    world = build(admin, client_for)
    assert admin.post("/v1/organisations", json=FINSAM).status_code == 201
    ankeby = world.keys["registry"]
    borby = client_for("registry", ["borby"])
    assert ankeby.get("/v1/organisations/finsam-ac").status_code == 200  # a member
    assert borby.get("/v1/organisations/finsam-ac").status_code == 404  # not Borby's

    changed = ankeby.patch("/v1/organisations/finsam-ac", json={"kind": "ideell_forening"})
    seen = borby.get("/v1/organisations/finsam-ac")
    # Ankeby's key must not be able to make this organisation (and Cederby's membership)
    # readable by Borby.
    assert (changed.status_code, seen.status_code) == (403, 404), (changed.text, seen.text)
