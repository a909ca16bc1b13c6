"""Review of run O (deep company scope, facts salt): confirmed holes, each a test that
failed on the code the review read; fixed by `app/registry/readers_kept.py` (the first
three) and the audit payload's nonce (`app/audit/chain.py`, the last).

- Three tests: since run O a kommun sees (and so may change) a company jointly owned with
  another kommun at any depth; `reference_scope.check_kept_references` only refuses
  taking out a reference *outside* the key's scope, and `scope.taken_over` only looks
  at the key's *own* scope, so re-parenting or adding an owner moves the company out of,
  or into, another kommun's scope. (They pass on 58a7d7f, before run O.)
- One test (also fails before run O): a participant kommun's auditor reads `hash` and
  `prev_hash` of the host kommun's chain around entries it may not read.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AuditEntry
from tests.security.scope_world import IN_CASE, JOINT_VENTURE, build, case
from tests.support.api import ApiClient
from tests.support.registry import import_document


def _company(ref: str, owners: list[str], name: str | None = None) -> dict[str, Any]:
    return {
        "ref": ref,
        "kind": "aktiebolag",
        "name": name or ref.replace("-", " ").title() + " AB",
        "owners": [{"organisation": o} for o in owners],
    }


# Östby and Västby each own a stadshus AB; the two stadshus own a joint company 50/50,
# which owns a subsidiary, which owns a sub-subsidiary (a joint tree: both kommuner's,
# at levels 3 and 4). Västby's person sits on the sub-subsidiary's board.
JOINT: dict[str, Any] = {
    "organisations": [
        {"ref": "ostby", "kind": "kommun", "name": "Östby kommun"},
        {"ref": "vastby", "kind": "kommun", "name": "Västby kommun"},
        _company("ostby-stadshus", ["ostby"]),
        _company("vastby-stadshus", ["vastby"]),
        _company("joint-holding", ["ostby-stadshus", "vastby-stadshus"]),
        _company("joint-sub", ["joint-holding"]),
        _company("joint-subsub", ["joint-sub"]),
    ],
    "committees": [
        {"ref": "vastby-ks", "organisation": "vastby", "kind": "styrelse", "name": "Västby KS"},
    ],
    "persons": [{"ref": "p-vera", "name": "Vera Västbysson"}],
    "appointments": [
        {"person": "p-vera", "body": {"organisation": "joint-subsub"}, "role": "vd"},
        {"person": "p-vera", "body": {"committee": "vastby-ks"}, "role": "ledamot"},
    ],
}


@pytest.fixture
def joint(admin: ApiClient, client_for: Callable[..., ApiClient]) -> dict[str, ApiClient]:
    import_document(admin, JOINT)
    return {
        "ostby": client_for("registry", ["ostby"]),
        "vastby": client_for("registry", ["vastby"]),
    }


def test_a_kommun_evicts_its_co_owner_from_a_deep_joint_company(
    joint: dict[str, ApiClient],
) -> None:
    """joint-sub is Östby's and Västby's (through their joint holding, three levels
    down since run O). Östby's key re-parents it under Östby Stadshus AB: the joint
    holding it drops is in Östby's scope, so `check_kept_references` lets it go, and
    Västby loses joint-sub, joint-subsub and what hangs on them (Vera's board seat)."""
    ostby, vastby = joint["ostby"], joint["vastby"]
    assert vastby.get("/v1/organisations/joint-sub").status_code == 200
    assert vastby.get("/v1/organisations/joint-subsub").status_code == 200
    moved = ostby.patch(
        "/v1/organisations/joint-sub", json={"owners": [{"organisation": "ostby-stadshus"}]}
    )
    seen = (
        vastby.get("/v1/organisations/joint-sub").status_code,
        vastby.get("/v1/organisations/joint-subsub").status_code,
    )
    # Östby may not take the jointly owned subsidiary away from Västby.
    assert (moved.status_code >= 400, seen) == (True, (200, 200)), (moved.text[:300], seen)


def test_a_participant_kommun_confirms_guesses_of_the_hosts_hidden_audit_entries(
    admin: ApiClient, client_for: Callable[..., ApiClient], session: Session
) -> None:
    """Screenings, cases, meetings and decisions of a gemensam nämnd go to the host
    kommun's chain (`chain_organisation`) but belong to every participant, whose limited
    auditor reads them with `hash` and `prev_hash` (only the system chain's are withheld,
    `auditlog.service._withhold_hashes_of_redacted`). The host's chain also holds its own
    entries, hidden from the participant. An entry the participant reads right after a
    hidden one shows the hidden entry's hash as `prev_hash`, and the entry before it its
    own `hash`: sha256(hash + guess) == prev_hash confirms a guess of the hidden entry
    offline (here, of Ankeby's own case about Ankeby Vatten AB)."""
    world = build(admin, client_for)
    borby = client_for("auditor", ["borby"])
    # Hidden from Borby: Ankeby's case in its own tekniska nämnd (Ankeby's chain).
    secret = case("TN 2026/7", "ankeby-tn", ["p-anna"], [])
    secret["title"] = "Försäljning av Ankeby Vatten AB"
    assert world.keys["screener"].post("/v1/cases", json=secret).status_code == 201
    # Read by Borby: the gemensam nämnd's case screened again (Ankeby's chain too).
    again = admin.post("/v1/screenings", json={"case": IN_CASE})
    assert again.status_code == 201, again.text
    after = borby.get(f"/v1/audit/{again.json()['audit']['id']}")
    assert after.status_code == 200, after.text
    entry = after.json()
    listed = borby.get("/v1/audit", params={"limit": 500}).json()["items"]
    before = [
        e for e in listed if e["chain"] == entry["chain"] and e["sequence"] < entry["sequence"]
    ]
    assert before, "Borby reads earlier entries of Ankeby's chain"
    last_seen = max(before, key=lambda e: e["sequence"])
    hidden_sequences = range(last_seen["sequence"] + 1, entry["sequence"])
    assert len(hidden_sequences) == 1  # the gap itself tells Borby that Ankeby wrote
    # A perfect guess of the hidden entry's content, written in the canonical form. Its
    # nonce (128 random bits, app/audit/chain.py, run O) is shown to no one who may not
    # read the entry, so the guesser writes one of its own.
    stored = session.scalar(
        select(AuditEntry.payload).where(
            AuditEntry.chain_id == entry["chain"], AuditEntry.sequence == hidden_sequences[0]
        )
    )
    assert stored is not None and "Försäljning av Ankeby Vatten AB" in stored
    nonce = json.loads(stored)["nonce"]
    assert nonce not in borby.get("/v1/audit", params={"limit": 500}).text
    guess = stored.replace(nonce, secrets.token_hex(16))
    assert "Försäljning" not in borby.get("/v1/audit", params={"limit": 500}).text
    confirmed = (
        last_seen["hash"] is not None
        and entry["prev_hash"] is not None
        and hashlib.sha256((last_seen["hash"] + guess).encode()).hexdigest() == entry["prev_hash"]
    )
    # Borby's key must not be able to confirm a guess of Ankeby's hidden entry.
    assert not confirmed


def test_ankeby_takes_cederbys_subsidiary_that_run_o_brought_into_its_scope(
    admin: ApiClient, client_for: Callable[..., ApiClient]
) -> None:
    """The world of test_shared_objects_kept: Cederby (directly) and Ankeby Vatten AB own
    joint-ab 50/50; joint-ab owns cederby-dotter (Cederby's at level 2). Since run O
    Ankeby sees cederby-dotter too (level 3: ankeby -> ankeby-vatten -> joint-ab ->
    cederby-dotter) and so may change it. Dropping Cederby from joint-ab is refused,
    but moving cederby-dotter from joint-ab (in Ankeby's scope, so "kept references"
    lets it go) to Ankeby Vatten AB takes it from Cederby."""
    world = build(admin, client_for)
    import_document(admin, JOINT_VENTURE)
    ankeby = world.keys["registry"]
    cederby = client_for("registry", ["cederby"])
    assert cederby.get("/v1/organisations/cederby-dotter").status_code == 200
    moved = ankeby.patch(
        "/v1/organisations/cederby-dotter",
        json={"owners": [{"organisation": "ankeby-vatten", "share_percent": 100}]},
    )
    seen = cederby.get("/v1/organisations/cederby-dotter").status_code
    # Ankeby may not take Cederby's subsidiary away from Cederby.
    assert (moved.status_code >= 400, seen) == (True, 200), (moved.text[:300], seen)


def test_a_kommun_hands_a_third_kommuns_joint_company_to_its_other_partner(
    admin: ApiClient, client_for: Callable[..., ApiClient]
) -> None:
    """Östby owns one company with Västby (joint-holding) and another with Tredby
    (joint-ot, Tredby's Tilda is its vd). Östby's key adds joint-holding as a third owner
    of joint-ot: nothing is taken out (so `check_kept_references` passes) and Östby's own
    scope does not grow (so `taken_over` passes), but joint-ot is now Västby's too, three
    levels down, and Västby's keys read Tredby's company and Tilda."""
    import_document(admin, JOINT)
    import_document(
        admin,
        {
            "organisations": [
                {"ref": "tredby", "kind": "kommun", "name": "Tredby kommun"},
                _company("tredby-stadshus", ["tredby"]),
                _company("joint-ot", ["ostby-stadshus", "tredby-stadshus"]),
            ],
            "committees": [
                {"ref": "tredby-ks", "organisation": "tredby", "kind": "styrelse", "name": "T KS"},
            ],
            "persons": [{"ref": "p-tilda", "name": "Tilda Tredbysson"}],
            "appointments": [
                {"person": "p-tilda", "body": {"organisation": "joint-ot"}, "role": "vd"},
                {"person": "p-tilda", "body": {"committee": "tredby-ks"}, "role": "ledamot"},
            ],
        },
    )
    ostby = client_for("registry", ["ostby"])
    vastby = client_for("registry", ["vastby"])
    assert vastby.get("/v1/organisations/joint-ot").status_code == 404
    assert vastby.get("/v1/persons/p-tilda").status_code == 404
    added = ostby.patch(
        "/v1/organisations/joint-ot",
        json={
            "owners": [
                {"organisation": "ostby-stadshus"},
                {"organisation": "tredby-stadshus"},
                {"organisation": "joint-holding"},
            ]
        },
    )
    seen = (
        vastby.get("/v1/organisations/joint-ot").status_code,
        vastby.get("/v1/persons/p-tilda").status_code,
    )
    # Östby's key may not bring Tredby's company and people into Västby's scope.
    assert seen == (404, 404), (added.status_code, added.text[:300], seen)


# Östby hosts a gemensam nämnd with Tredby (Tredby's Tilda sits on it) and runs an
# operation for Tredby's area; Östby and Västby own joint-holding (JOINT above).
SHARED_WITH_TREDBY: dict[str, Any] = {
    "organisations": [{"ref": "tredby", "kind": "kommun", "name": "Tredby kommun"}],
    "committees": [
        {
            "ref": "ot-gn",
            "organisation": "ostby",
            "kind": "gemensam_namnd",
            "name": "Östby-Tredby gemensamma nämnd",
            "participants": ["ostby", "tredby"],
        },
    ],
    "operations": [
        {
            "ref": "tredby-verket",
            "name": "Tredby vattenverk",
            "area": "va",
            "operator": {"organisation": "ostby-stadshus"},
            "municipality": "tredby",
        },
    ],
    "persons": [{"ref": "p-tilda", "name": "Tilda Tredbysson"}],
    "appointments": [{"person": "p-tilda", "body": {"committee": "ot-gn"}, "role": "ledamot"}],
}


@pytest.mark.parametrize(
    ("path", "change", "shown"),
    [
        (
            "/v1/committees/ot-gn",
            {"participants": ["ostby", "tredby", "joint-holding"]},
            ["/v1/committees/ot-gn", "/v1/persons/p-tilda"],
        ),
        (
            "/v1/operations/tredby-verket",
            {"operator": {"organisation": "joint-holding"}},
            ["/v1/operations/tredby-verket"],
        ),
    ],
    ids=["participant", "operator"],
)
def test_a_kommun_shows_a_third_kommuns_shared_object_to_its_other_partner(
    admin: ApiClient,
    joint: dict[str, ApiClient],
    path: str,
    change: dict[str, Any],
    shown: list[str],
) -> None:
    """Östby's key makes joint-holding (Östby's and Västby's) a participant of its
    gemensam nämnd with Tredby, or the operator of the plant it runs in Tredby: Västby's
    keys would then read the nämnd and Tredby's member on it, or Tredby's plant."""
    import_document(admin, SHARED_WITH_TREDBY)
    assert [joint["vastby"].get(p).status_code for p in shown] == [404] * len(shown)
    changed = joint["ostby"].patch(path, json=change)
    assert changed.status_code == 403, changed.text
    told = str(changed.json()["errors"]).lower()
    assert "tredby" not in told and "vastby" not in told and "joint" not in told
    assert [joint["vastby"].get(p).status_code for p in shown] == [404] * len(shown)
