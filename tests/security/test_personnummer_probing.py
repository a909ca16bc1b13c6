"""A screener cannot recover a personnummer by probing (issue 9, finding 3).

The attack: read a mask `19650505-****`, then screen a case whose parties are the
candidate numbers, and read which one the screening matched. Closed three ways: the
mask gives no birth date to screeners and auditors, a case holds at most 20 parties by
personnummer, and a limited key may give only so many per window. And an Ankeby key's
screening never matches another kommun's person, whatever it is given.
"""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from stdnum import luhn

from app.cases.scope import MAX_PERSONNUMMER_PARTIES
from app.security.limits import SharedWindow
from tests.security.scope_world import IN_CASE_DOC, World
from tests.support.api import ApiClient, path_ref

ANNA_MASK = "19700101-****"  # p-anna in the contract's registry
CECILIA = "19811218-9876"


def candidates(prefix: str = "700101", count: int = 30) -> list[str]:
    """Valid personnummer sharing a birth date: what an attacker would try."""
    out = []
    for serial in range(count):
        body = f"{prefix}{serial:03d}"
        out.append(f"19{body[:6]}-{body[6:]}{luhn.calc_check_digit(body)}")
    return out


def inline(parties: list[dict[str, str]], ref: str = "MBN 2026/901") -> dict[str, object]:
    return {"case": {**IN_CASE_DOC, "ref": ref, "parties": parties}}


def test_the_mask_shows_a_birth_date_only_to_registry_keepers(
    admin: ApiClient, world: World
) -> None:
    masks = {
        role: world.keys[role].get("/v1/persons/p-anna").json()["personnummer_masked"]
        for role in ("admin", "registry", "screener", "auditor")
    }
    assert masks == {
        "admin": ANNA_MASK,
        "registry": ANNA_MASK,
        "screener": "********-****",
        "auditor": "********-****",
    }
    screened = world.keys["screener"].post(
        "/v1/screenings",
        json=inline([{"name": "Nils Granne", "role": "berord", "personnummer": CECILIA}]),
    )
    assert screened.status_code == 201, screened.text
    assert "19811218" not in screened.text
    case_ref = path_ref(IN_CASE_DOC["ref"])  # type: ignore[arg-type]
    for role in ("screener", "auditor"):
        client = world.keys[role]
        for path in (
            f"/v1/screenings/{screened.json()['id']}",
            "/v1/audit?limit=500",
            f"/v1/cases/{case_ref}",
            "/v1/persons?limit=500",
        ):
            response = client.get(path)
            if response.status_code == 200:
                assert "19811218" not in response.text and "19700101" not in response.text
    # The unlimited admin sees it (so the checks above had something to find).
    entries = admin.get("/v1/audit", params={"limit": 500}).text
    assert "MBN 2026/901" in entries and "19811218-****" in entries


def test_a_case_holds_at_most_twenty_parties_by_personnummer(world: World) -> None:
    numbers = candidates(count=MAX_PERSONNUMMER_PARTIES + 1)
    parties = [{"name": "Kandidat", "role": "berord", "personnummer": n} for n in numbers]
    response = world.keys["screener"].post("/v1/screenings", json=inline(parties))
    assert response.status_code == 422
    errors = [(e["pointer"], e["code"]) for e in response.json()["errors"]]
    assert errors == [
        (f"/case/parties/{MAX_PERSONNUMMER_PARTIES}/personnummer", "too_many_personnummer")
    ]
    assert "1233" not in response.text


def test_a_limited_key_may_give_only_so_many_personnummer_per_window(
    app: FastAPI, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(
        app.state._state, "personnummer_limiter", SharedWindow("personnummer", 30, 600)
    )
    screener = world.keys["screener"]
    numbers = candidates(count=60)
    answers = []
    for batch in range(3):
        chunk = numbers[batch * 20 : (batch + 1) * 20]
        parties = [{"name": "Kandidat", "role": "berord", "personnummer": n} for n in chunk]
        answers.append(screener.post("/v1/screenings", json=inline(parties, f"MBN 2026/9{batch}")))
    # Since run Q a request is served only when the budget has room for all its parties:
    # 20 of 30, then 20 more would pass it (before, the second was served and only the
    # third refused, so a window gave up to limit + 19).
    assert [r.status_code for r in answers] == [201, 429, 429]
    assert int(answers[2].headers["Retry-After"]) > 0
    ten = [{"name": "Kandidat", "role": "berord", "personnummer": n} for n in numbers[40:50]]
    assert screener.post("/v1/screenings", json=inline(ten, "MBN 2026/98")).status_code == 201
    # A screening without personnummer is not held back.
    assert screener.post("/v1/screenings", json=inline([], "MBN 2026/99")).status_code == 201


def test_a_screening_never_matches_another_kommuns_person(admin: ApiClient, world: World) -> None:
    assert admin.patch("/v1/persons/p-cecilia", json={"personnummer": CECILIA}).status_code == 200
    # Anna (Ankeby) is Cecilia's sambo: a screening that matches Cecilia finds jäv.
    related = {"person": "p-anna", "related": "p-cecilia", "kind": "sambo"}
    assert admin.post("/v1/relations", json=related).status_code == 201
    party = [{"name": "Cecilia Ceder", "role": "part", "personnummer": CECILIA}]
    unlimited = admin.post("/v1/screenings", json=inline(party, "MBN 2026/801"))
    assert unlimited.status_code == 201
    assert unlimited.json()["outcome"] != "clear", unlimited.text
    assert "p-cecilia" in unlimited.text  # matched for a key that may see her
    limited = world.keys["screener"].post("/v1/screenings", json=inline(party, "MBN 2026/802"))
    assert limited.status_code == 201
    assert "p-cecilia" not in limited.text and "cederby" not in limited.text
