"""Attacks on the walls found after the first fixes of run N (a second review).

1. An object of one section lent what it holds to a new object of another section with
   the same ref (a committee named like a stored agreement took its other kommun).
2. A kommun's key changed a förbund's kind to a private one, which made the förbund, its
   members and its company shared reference data read by every kommun.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.security.scope_world import World
from tests.support.api import ApiClient

# --- 1. `held` refs are keyed by ref alone, across sections -----------------------------
SAMVERKAN = {
    "ref": "avtal-ac",
    "performer": "ankeby",
    "principals": ["cederby"],
    "area": "livsmedel",
    "role": "tillsyn",
}
NEW_COMMITTEE = {
    "organisation": "ankeby",
    "kind": "gemensam_namnd",
    "name": "Ankeby-Cederby nämnd",
    "participants": ["ankeby", "cederby"],
    "responsibilities": [{"area": "bygg", "role": "tillsyn", "for": ["ankeby", "cederby"]}],
}


def _case(ref: str, committee: str, party_committee: str) -> dict[str, Any]:
    return {
        "ref": ref,
        "committee": committee,
        "matter": "tillsyn",
        "title": "Tillsyn",
        "decision_date": "2026-03-10",
        "parties": [{"committee": party_committee, "role": "part"}],
        "participants": [{"person": "p-anna", "role": "ledamot"}],
    }


def test_a_new_object_borrows_the_held_refs_of_another_sections_object_of_the_same_ref(
    admin: ApiClient, world: World
) -> None:
    """An unlimited key records a samverkan agreement: Ankeby performs livsmedel
    supervision for Cederby. Ankeby's key reads and may change that agreement (it is the
    performer); Cederby is still no ref Ankeby's key may make. Ankeby declares the
    agreement unchanged next to a NEW committee given the agreement's ref: the
    committee's references are checked against what the *agreement* holds, so Cederby
    becomes a participant (and `for`) of Ankeby's new gemensam nämnd."""
    assert admin.post("/v1/agreements", json=SAMVERKAN).status_code == 201
    ankeby, screener = world.keys["registry"], world.keys["screener"]
    plain = ankeby.post("/v1/import", json={"committees": [{**NEW_COMMITTEE, "ref": "ac-x"}]})
    assert plain.status_code == 422, plain.text  # cederby: unknown_reference
    trick = ankeby.post(
        "/v1/import",
        json={"committees": [{**NEW_COMMITTEE, "ref": "avtal-ac"}], "agreements": [SAMVERKAN]},
    )
    # What the trick opens: the committee's cases may name Cederby's bodies as parties,
    # so a case naming Cederby's byggnämnd is stored and screened, one naming a ref nobody
    # has is refused: an existence oracle on every Cederby ref (and the stored facts
    # carry Cederby's refs).
    out = screener.post("/v1/screenings", json={"case": _case("AC 1", "avtal-ac", "cederby-bn")})
    missing = screener.post("/v1/screenings", json={"case": _case("AC 2", "avtal-ac", "nobody-bn")})
    assert (trick.status_code, out.status_code, missing.status_code) == (422, 422, 422), (
        trick.text[:300],
        out.text[:300],
    )


# --- 2. a kind change turns a förbund's hidden company into shared data -----------------
def test_a_member_kommun_makes_its_forbund_private_and_its_company_shared(
    admin: ApiClient, world: World, client_for: Callable[..., ApiClient]
) -> None:
    """Västra miljöförbundet (members Ankeby and Borby) owns a company. No limited key
    reads it: a förbund's companies are not in a member's scope, and publicly owned
    companies are not shared. Ankeby's key may change vmf (a member), and PATCHes its
    kind to ideell_forening: vmf and its company become shared reference data, read by
    Ankeby and by Cederby (which has nothing to do with the förbund), with Borby's
    membership."""
    company = {
        "ref": "vmf-lab",
        "kind": "aktiebolag",
        "name": "Förbundets Laboratorium AB",
        "orgnr": "556123-4567",
        "owners": [{"organisation": "vmf", "share_percent": 100}],
    }
    assert admin.post("/v1/organisations", json=company).status_code == 201
    ankeby = world.keys["registry"]
    cederby = client_for("registry", ["cederby"])
    assert ankeby.get("/v1/organisations/vmf-lab").status_code == 404
    assert cederby.get("/v1/organisations/vmf-lab").status_code == 404
    assert cederby.get("/v1/organisations/vmf").status_code == 404
    changed = ankeby.patch("/v1/organisations/vmf", json={"kind": "ideell_forening"})
    after = (
        ankeby.get("/v1/organisations/vmf-lab").status_code,
        cederby.get("/v1/organisations/vmf-lab").status_code,
        cederby.get("/v1/organisations/vmf").status_code,
    )
    assert (changed.status_code, after) == (403, (404, 404, 404)), (
        changed.text[:300],
        cederby.get("/v1/organisations/vmf").text[:300],
    )
