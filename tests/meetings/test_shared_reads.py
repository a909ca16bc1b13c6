"""A meeting reads its committee's members' facts once and screens every item against them
(app/screening/reads.py): each item's screening must be the one the case gets alone.

Every item of one meeting is compared, field by field, with `POST /v1/screenings` of the
same case (for a case that names participants, with the committee's members added, as
the meeting screens it); only the screening's id, time and audit entry differ.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.meetings.support import post_meeting
from tests.meetings.world import case, world
from tests.support.api import ApiClient
from tests.support.registry import import_document

DAY = "2026-03-10"
OWN = ("id", "created_at", "reran", "audit")
ROLE = {"ordforande": "ordforande", "vice_ordforande": "ledamot"}


def _extra() -> dict[str, Any]:
    """Organisations a member and a party have interests in, and a relation of a party."""
    return {
        "organisations": [
            {"ref": "holding-ab", "kind": "aktiebolag", "name": "Ankeby Holding AB"},
            {
                "ref": "bygg-ab",
                "kind": "aktiebolag",
                "name": "Ankeby Bygg AB",
                "owners": [{"organisation": "holding-ab", "share_percent": 100}],
            },
        ],
        "persons": [{"ref": "p-ny", "name": "Nils Nygård"}],
        "interests": [
            {"person": "l-c2", "organisation": "bygg-ab", "kind": "styrelseledamot"},
            {"person": "e-m1", "organisation": "holding-ab", "kind": "agare", "share_percent": 60},
            {"person": "l-s3", "organisation": "holding-ab", "kind": "anstalld"},
        ],
        "relations": [{"person": "e-v1", "related": "p-ny", "kind": "syskon"}],
    }


def _members() -> list[dict[str, str]]:
    """The bn ledamöter and ersättare as the meeting adds them to a case's participants."""
    seats = [
        a
        for a in world()["appointments"]
        if a.get("body") == {"committee": "bn"}
        and a["role"] in ("ordforande", "vice_ordforande", "ledamot", "ersattare")
    ]
    return [
        {"person": a["person"], "role": ROLE.get(a["role"], a["role"])}
        for a in sorted(seats, key=lambda a: a["person"])
    ]


def _items() -> list[dict[str, Any]]:
    named = case("BN 2026/13", ("p-granne", "sokande"))
    named["participants"] = [{"person": "h-1", "role": "foredragande"}]
    return [
        {"paragraph": "§ 1", "case": "BN 2026/1"},
        {"paragraph": "§ 2", "case": case("BN 2026/2", ("p-sok", "sokande"))},
        {"paragraph": "§ 3", "case": case("BN 2026/3", ("e-s1", "sokande"), ("l-s4", "part"))},
        {"paragraph": "§ 4", "case": named},
        {
            "paragraph": "§ 5",
            "case": {
                **case("BN 2026/5"),
                "parties": [{"organisation": "bygg-ab", "role": "sokande"}],
            },
        },
        {
            "paragraph": "§ 6",
            "case": {
                **case("BN 2026/6", ("p-ny", "sokande")),
                "parties": [
                    {"person": "p-ny", "role": "sokande"},
                    {"organisation": "holding-ab", "role": "berord"},
                ],
            },
        },
        {
            "paragraph": "§ 7",
            "case": {
                **case("BN 2026/7"),
                "parties": [{"name": "Gustav Granne", "role": "sokande"}],
            },
        },
        {"paragraph": "§ 8", "case": case("BN 2026/8", ("p-sok", "sokande"))},
        {"paragraph": "§ 9", "case": case("BN 2026/9", ("p-granne", "berord"))},
    ]


def _alone(item: dict[str, Any]) -> dict[str, Any] | str:
    """The case as the meeting screened it, to screen alone."""
    doc = item["case"]
    if isinstance(doc, str) or not doc.get("participants"):
        return doc  # type: ignore[no-any-return]
    named = {p["person"] for p in doc["participants"]}
    extra = [m for m in _members() if m["person"] not in named]
    return {**doc, "participants": [*doc["participants"], *extra]}


def _comparable(result: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in result.items() if k not in OWN}


@pytest.fixture
def screener(admin: ApiClient, client_for) -> ApiClient:  # type: ignore[no-untyped-def]
    import_document(admin, world())
    import_document(admin, _extra())
    stored = admin.post("/v1/cases", json=case("BN 2026/1", ("l-s2", "sokande")))
    assert stored.status_code == 201, stored.text
    return client_for("screener")  # type: ignore[no-any-return]


def test_each_item_is_screened_as_its_case_alone(screener: ApiClient) -> None:
    items = _items()
    meeting = post_meeting(
        screener,
        {"ref": "BN shared", "committee": "bn", "date": DAY, "absent": ["l-c1"], "items": items},
    )
    flagged = 0
    for given, answered in zip(items, meeting["items"], strict=True):
        in_meeting = screener.get(f"/v1/screenings/{answered['screening']}")
        assert in_meeting.status_code == 200, in_meeting.text
        alone = screener.post("/v1/screenings", json={"case": _alone(given), "as_of": DAY})
        assert alone.status_code == 201, alone.text
        assert _comparable(in_meeting.json()) == _comparable(alone.json()), given["paragraph"]
        flagged += answered["outcome"] != "clear"
    # the items reach different facts: the comparison is not of empty screenings
    assert flagged >= 6
