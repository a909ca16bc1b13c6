"""Review of commits 6262433 and 0484386 (`app/registry/readers_kept.py`): each test failed
on the code the review read, and passes since the rule was restated (exclusive own
organisations, shared objects only, deletes too, every organisation a reader).

The review also found that appointing a third kommun's person (seen through a gemensam
nämnd) to the board of a company owned with a partner shows her to the partner. That is
kept by design: a board member is read with the board, as a member of a gemensam nämnd is
by every participant, and what else of her the partner reads stops at its scope
(docs/security.md, run O).

- A förbund is one of a member kommun's "own" organisations (`visible_organisation_ids`),
  so `readers_changed` discounts it; but a key limited to the förbund is another
  organisation's key, and owner links do not pass a förbund's readers on to its members.
  A member kommun's key adds the förbund as co-owner of a company it owns with a third
  kommun: only the förbund's readership changes, the write passes, and the förbund's key
  reads the third kommun's company, its subsidiary and the people on its board.
- DELETE does not go through `apply`: a principal's key deletes a shared agreement the
  third kommun performs (for it and another kommun), where changing the same agreement's
  principals is refused.
- False refusals: a host kommun may not have its own administration serve, or its own
  operation be run by, its own gemensam nämnd (nothing but the host's own rows would
  reach the participant), though creating the same administration or operation is allowed.
- The refusal tells a limited key whether some API key is limited to a private company.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.security.scope_world import JOINT_VENTURE, build
from tests.security.test_review_run_o import JOINT, SHARED_WITH_TREDBY
from tests.support.api import ApiClient
from tests.support.registry import import_document


@pytest.fixture
def partners(admin: ApiClient, client_for: Callable[..., ApiClient]) -> dict[str, ApiClient]:
    """JOINT (Östby and Västby own joint-holding) and SHARED_WITH_TREDBY (Östby hosts a
    gemensam nämnd with Tredby, where Tredby's Tilda sits)."""
    import_document(admin, JOINT)
    import_document(admin, SHARED_WITH_TREDBY)
    return {name: client_for("registry", [name]) for name in ("ostby", "vastby", "tredby")}


def test_a_member_kommun_makes_its_forbund_co_owner_of_a_third_kommuns_joint_company(
    admin: ApiClient, client_for: Callable[..., ApiClient]
) -> None:
    """Ankeby Vatten AB and Cederby own joint-ab; joint-ab owns cederby-dotter, where
    Cederby's Carl is vd. Ankeby's key adds vmf (the förbund of Ankeby and Borby) as a
    third owner of joint-ab. Readers of joint-ab and cederby-dotter gain only vmf, which
    `readers_changed` counts as Ankeby's own; a key limited to vmf then reads Cederby's
    subsidiary and Carl."""
    world = build(admin, client_for)
    carl = {"person": "p-carl", "body": {"organisation": "cederby-dotter"}, "role": "vd"}
    import_document(admin, {**JOINT_VENTURE, "appointments": [carl]})
    vmf = client_for("registry", ["vmf"])
    paths = ["/v1/organisations/cederby-dotter", "/v1/persons/p-carl"]
    assert [vmf.get(p).status_code for p in paths] == [404, 404]
    added = world.keys["registry"].patch(
        "/v1/organisations/joint-ab",
        json={
            "owners": [
                {"organisation": "ankeby-vatten", "share_percent": 40},
                {"organisation": "cederby", "share_percent": 50},
                {"organisation": "vmf", "share_percent": 10},
            ]
        },
    )
    seen = [vmf.get(p).status_code for p in paths]
    # Ankeby's key may not bring Cederby's company and people into the förbund's scope.
    assert seen == [404, 404], (added.status_code, added.text[:300], seen)


def test_a_principal_deletes_a_third_kommuns_shared_agreement(
    admin: ApiClient, partners: dict[str, ApiClient]
) -> None:
    """Tredby performs tillsyn for Östby and Västby (avt-t). Östby's key may not drop
    Västby from it (a kept reference out of its scope), nor add a principal that a third
    kommun reads through (`readers_kept`), but DELETE skips `apply` (and `may_change` is
    the read scope) and removes the agreement for Tredby and Västby."""
    import_document(
        admin,
        {
            "agreements": [
                {
                    "ref": "avt-t",
                    "performer": "tredby",
                    "principals": ["ostby", "vastby"],
                    "area": "miljo_halsoskydd",
                    "role": "tillsyn",
                }
            ]
        },
    )
    ostby, tredby = partners["ostby"], partners["tredby"]
    dropped = ostby.patch("/v1/agreements/avt-t", json={"principals": ["ostby"]})
    assert dropped.status_code == 422, dropped.text
    deleted = ostby.delete("/v1/agreements/avt-t")
    seen = (
        tredby.get("/v1/agreements/avt-t").status_code,
        partners["vastby"].get("/v1/agreements/avt-t").status_code,
    )
    # Östby's key may not take Tredby's agreement away from Tredby and Västby.
    assert (deleted.status_code >= 400, seen) == (True, (200, 200)), (deleted.status_code, seen)


HOST_OWN: dict[str, Any] = {
    "committees": [
        {"ref": "ostby-tn", "organisation": "ostby", "kind": "namnd", "name": "Östby TN"},
    ],
    "administrations": [{"ref": "ostby-adm", "organisation": "ostby", "name": "Östby adm"}],
    "operations": [
        {
            "ref": "ostby-verket",
            "name": "Östby vattenverk",
            "area": "va",
            "operator": {"committee": "ostby-tn"},
            "municipality": "ostby",
        }
    ],
}


@pytest.mark.parametrize(
    ("path", "change"),
    [
        ("/v1/administrations/ostby-adm", {"serves": ["ostby-tn", "ot-gn"]}),
        ("/v1/operations/ostby-verket", {"operator": {"committee": "ot-gn"}}),
    ],
    ids=["administration-serves", "operation-operator"],
)
def test_a_host_kommun_hands_its_own_rows_to_its_own_gemensam_namnd(
    partners: dict[str, ApiClient], path: str, change: dict[str, Any]
) -> None:
    """ot-gn is Östby's committee (Tredby takes part). Östby's key creates the same
    administration or operation already serving or run by ot-gn (201), but may not make
    its existing, staff-less administration serve ot-gn, or move its own plant from its
    tekniska nämnd to ot-gn: Tredby would read Östby's own row, and nothing else."""
    ostby = partners["ostby"]
    assert ostby.post("/v1/import", json=HOST_OWN).status_code == 200
    created = ostby.post(
        "/v1/administrations",
        json={"ref": "ostby-adm-ny", "organisation": "ostby", "name": "Ny", "serves": ["ot-gn"]},
    )
    assert created.status_code == 201, created.text
    changed = ostby.patch(path, json=change)
    assert changed.status_code == 200, changed.text[:400]


def test_a_refusal_tells_whether_a_private_company_has_a_key(
    admin: ApiClient, client_for: Callable[..., ApiClient]
) -> None:
    """Ankeby's key adds a shared private company as a minority owner of Ankeby Vatten AB
    (its own company): allowed, unless an API key is limited to that company, which only
    unlimited keys may know of."""
    world = build(admin, client_for)
    ankeby = world.keys["registry"]
    import_document(
        admin, {"organisations": [{"ref": "privat-ab", "kind": "aktiebolag", "name": "Privat"}]}
    )
    alone = [{"organisation": "ankeby", "share_percent": 100}]
    both = [
        {"organisation": "ankeby", "share_percent": 90},
        {"organisation": "privat-ab", "share_percent": 10},
    ]
    answers = []
    for _ in range(2):
        answers.append(
            ankeby.patch("/v1/organisations/ankeby-vatten", json={"owners": both}).status_code
        )
        ankeby.patch("/v1/organisations/ankeby-vatten", json={"owners": alone})
        client_for("registry", ["privat-ab"])  # a key for the company, after the first try
    # The answer must not depend on whether a key is limited to privat-ab.
    assert answers[0] == answers[1], answers
