"""Worked meetings through the HTTP API, checked seat by seat (docs/meetings.md)."""

from __future__ import annotations

import io
import json

import pytest
from docx import Document
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AuditEntry
from tests.meetings.support import assess, chair, item, out, post_meeting, quorum, seats, summon
from tests.meetings.world import case, world
from tests.support.api import ApiClient
from tests.support.registry import import_document

DAY = "2026-03-10"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def screener(admin: ApiClient, client_for) -> ApiClient:  # type: ignore[no-untyped-def]
    import_document(admin, world())
    stored = admin.post("/v1/cases", json=case("BN 2026/1", ("l-s2", "sokande")))
    assert stored.status_code == 201, stored.text
    return client_for("screener")  # type: ignore[no-any-return]


def bn_meeting(ref: str = "BN 2026-03-10", **extra: object) -> dict[str, object]:
    return {
        "ref": ref,
        "committee": "bn",
        "date": DAY,
        "absent": ["l-c1", "l-s3"],
        "items": [
            {"paragraph": "§ 1", "case": "BN 2026/1"},
            {"paragraph": "§ 2", "case": case("BN 2026/2", ("p-sok", "sokande"))},
            {"paragraph": "§ 3", "case": case("BN 2026/3", ("e-s1", "sokande"), ("l-s4", "part"))},
            {
                "paragraph": "§ 4",
                "case": case(
                    "BN 2026/4",
                    ("p-granne", "sokande"),
                    participants=[{"person": "h-1", "role": "foredragande"}],
                ),
            },
        ],
        **extra,
    }


def test_a_ledamot_javig_in_item_1_serves_again_in_item_2_and_the_vice_chairs(
    screener: ApiClient,
) -> None:
    meeting = post_meeting(screener, bn_meeting())
    first, second = item(meeting, "§ 1"), item(meeting, "§ 2")
    # § 1 (stored case): Anna Berg (S) is the applicant; the absent are replaced first:
    # l-c1 by her own substitutes list (e-c1), l-s3 by S's first ersättare (e-s1); Anna's
    # seat then by S's second (e-s2).
    assert first["case"] == "BN 2026/1" and first["outcome"] == "flagged"
    assert out(first) == ["l-s2"] and first["steps_out"][0]["grounds"] == ["part"]
    assert seats(first) == {"l-c1": "e-c1", "l-s3": "e-s1", "l-s2": "e-s2"}
    assert chair(first) == ("l-ordf", "ordforande")
    assert quorum(first) == (9, 9, 5, True)
    # § 2: the ordförande's sambo applies; Anna Berg is back in her seat.
    assert out(second) == ["l-ordf"]
    assert seats(second) == {"l-c1": "e-c1", "l-s3": "e-s1", "l-ordf": "e-s2"}
    assert chair(second) == ("l-vice", "vice_ordforande")
    # The minutes name the ersättare in the absent ledamöter's seats first (they are
    # there from the start), then who steps out for jäv and who takes that seat.
    assert second["minutes"]["sv"].startswith(
        "Ersättaren Cornelia Cirkel (C) tjänstgör i stället för den frånvarande ledamoten "
        "Cecilia Ceder (C). "
        "Ersättaren Eva Ek (S) tjänstgör i stället för den frånvarande ledamoten Sven Sand (S). "
        "Olle Ordf (S) anmäler jäv och deltar inte i handläggningen av ärendet. "
        "Ersättaren Erik Ås (S) tjänstgör i Olle Ordfs ställe."
    )
    assert (
        "Vice ordföranden Vera Vice (M) är ordförande under ärendet." in (second["minutes"]["sv"])
    )


def test_a_javig_ersattare_is_skipped_and_the_party_list_falls_through(
    screener: ApiClient,
) -> None:
    third = item(post_meeting(screener, bn_meeting()), "§ 3")
    # e-s1 is the applicant herself: she leaves the room too (no seat), and is skipped.
    # l-s3's seat goes to e-s2; l-s4's to V's first ersättare (S's list: S, then V).
    assert out(third) == ["l-s4", "e-s1"]
    assert [s["holds_seat"] for s in third["steps_out"]] == [True, False]
    assert seats(third) == {"l-c1": "e-c1", "l-s3": "e-s2", "l-s4": "e-v1"}
    assert quorum(third) == (9, 9, 5, True)


def test_a_foredragande_steps_out_and_mojligt_jav_is_to_assess(screener: ApiClient) -> None:
    fourth = item(post_meeting(screener, bn_meeting()), "§ 4")
    assert out(fourth) == ["h-1"]
    staff = fourth["steps_out"][0]
    assert (staff["role"], staff["holds_seat"], staff["party"]) == ("foredragande", False, None)
    assert "6 kap. 28 §" in " ".join(staff["legal_basis"])
    assert assess(fourth) == ["l-m2"]
    assert fourth["to_assess"][0]["grounds"] == ["generalklausul"]
    # Maja Mark keeps her seat until the nämnd decides; if she left, e-m1 (M 1) would enter.
    assert "l-m2" not in seats(fourth)
    assert quorum(fourth) == (9, 9, 5, True) and fourth["quorate_if_assessed_out"] is True
    assert "Hanna Handläggare (föredraganden) anmäler jäv" in fourth["minutes"]["sv"]


def test_quorum_lost_lists_whom_to_summon_and_a_late_arrival_restores_it(
    screener: ApiClient,
) -> None:
    doc = bn_meeting(
        "BN 2026-03-11",
        absent=None,
        present=["l-ordf", "l-vice", "l-s2", "l-m2", "e-s1"],
        items=[{"paragraph": "§ 1", "case": "BN 2026/1"}],
    )
    doc.pop("absent")
    first = item(post_meeting(screener, doc), "§ 1")
    assert out(first) == ["l-s2"]
    assert seats(first) == {"l-s3": "e-s1"}
    assert quorum(first) == (4, 9, 5, False)
    assert first["quorate_if_assessed_out"] is False
    # M's first ersättare is called for M's own seat; C's second seat takes M's second
    # only after every seat had its own party's (run Q: "i första hand ... egen partigrupp").
    assert summon(first) == [
        ("e-c1", "l-c1"),
        ("e-m2", "l-c2"),
        ("e-m1", "l-m3"),
        ("e-s2", "l-s4"),
        ("e-v1", "l-s2"),
    ]
    assert "Nämnden är inte beslutför i ärendet: 4 av 9 platser" in first["minutes"]["sv"]
    # Cecilia Ceder (C) and Mats Mo (M) arrive: the PUT recomputes every item.
    doc["present"] = [*doc["present"], "l-c1", "l-m3"]  # type: ignore[list-item]
    response = screener.put("/v1/meetings/BN%202026-03-11", json=doc, headers={"If-Match": '"1"'})
    assert response.status_code == 200, response.text
    again = item(response.json(), "§ 1")
    assert seats(again) == {"l-s3": "e-s1"}
    assert quorum(again) == (6, 9, 5, True) and again["summon"] == []
    assert response.json()["version"] == 2 and response.headers["etag"] == '"2"'
    stale = screener.put("/v1/meetings/BN%202026-03-11", json=doc, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    read = screener.get("/v1/meetings/BN%202026-03-11").json()
    assert item(read, "§ 1")["serving"] == 6


def test_fullmaktige_keeps_quorum_by_kl_5_46(screener: ApiClient) -> None:
    doc = {
        "ref": "KF 2026-03-10",
        "committee": "kf",
        "date": DAY,
        "items": [
            {
                "paragraph": "§ 7",
                "case": case(
                    "KS 2026/9",
                    ("kf-1", "part"),
                    ("kf-2", "part"),
                    ("kf-3", "part"),
                    committee="kf",
                    matter="normgivning",
                    area="ovrigt",
                ),
            }
        ],
    }
    entry = item(post_meeting(screener, doc), "§ 7")
    assert out(entry) == ["kf-1", "kf-2", "kf-3"]
    assert {s["grounds"][0] for s in entry["steps_out"]} == {"fullmaktige"}
    assert seats(entry) == {}
    assert quorum(entry) == (2, 5, 3, True)
    assert entry["quorate_by_jav_exception"] is True and entry["summon"] == []
    assert "5 kap. 46 §" in entry["minutes"]["sv"]
    assert any(r["rule"] == "kl5_46_jav_beslutforhet" for r in entry["rules"])
    assert chair(entry) == ("kf-4", "ledamot")  # no vice: the longest appointment, then ref


def test_a_gemensam_namnd_fills_a_seat_from_the_ledamots_own_kommun(
    screener: ApiClient,
) -> None:
    doc = {
        "ref": "GN 2026-03-10",
        "committee": "gn",
        "date": DAY,
        "items": [
            {
                "paragraph": "§ 1",
                "case": case(
                    "GN 2026/1", ("g-b1", "sokande"), committee="gn", area="miljo_halsoskydd"
                ),
            },
            {
                "paragraph": "§ 2",
                "case": case(
                    "GN 2026/2",
                    ("g-b1", "sokande"),
                    ("g-eb1", "sokande"),
                    committee="gn",
                    area="miljo_halsoskydd",
                ),
            },
        ],
    }
    meeting = post_meeting(screener, doc)
    first, second = item(meeting, "§ 1"), item(meeting, "§ 2")
    # Borby's vice ordförande (S) steps out: Borby's S ersättare enters, not Ankeby's
    # (who stands first in S's order).
    assert out(first) == ["g-b1"] and seats(first) == {"g-b1": "g-eb1"}
    assert chair(first) == ("g-a1", "ordforande")
    assert quorum(first) == (4, 4, 3, True)
    # Borby's S ersättare is jävig too: Borby's other ersättare (M) enters.
    assert seats(second) == {"g-b1": "g-eb2"}
    assert any(r["rule"] == "kl9_23_24_gemensam_namnd" for r in first["rules"])


def test_the_meeting_and_every_screening_are_audited_in_one_go(
    screener: ApiClient,
    session: Session,
    client_for,  # type: ignore[no-untyped-def]
) -> None:
    before = session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()))
    meeting = post_meeting(screener, bn_meeting())
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.id > (before or 0)).order_by(AuditEntry.id)
    ).all()
    assert [e.kind for e in entries] == ["screening"] * 4 + ["meeting.create"]
    data = json.loads(entries[-1].payload)["data"]
    assert [i["screening"] for i in data["items"]] == [i["screening"] for i in meeting["items"]]
    assert meeting["audit"]["id"] == entries[-1].id
    assert meeting["audit"]["sequence"] == entries[-1].sequence
    for it in meeting["items"]:
        assert screener.get(f"/v1/screenings/{it['screening']}").status_code == 200
    verified = client_for("auditor").get("/v1/audit/verify")
    assert verified.status_code == 200 and verified.json()["ok"] is True


def test_list_filters_by_committee_and_date(screener: ApiClient) -> None:
    post_meeting(screener, bn_meeting())
    post_meeting(screener, {**bn_meeting("BN 2026-04-01"), "date": "2026-04-01"})
    listed = screener.get("/v1/meetings", params={"committee": "bn", "from": "2026-03-11"})
    assert listed.status_code == 200, listed.text
    assert [m["ref"] for m in listed.json()["items"]] == ["BN 2026-04-01"]
    both = screener.get("/v1/meetings", params={"to": "2026-12-31"}).json()
    assert [m["ref"] for m in both["items"]] == ["BN 2026-04-01", "BN 2026-03-10"]
    assert screener.get("/v1/meetings", params={"kommitte": "bn"}).status_code == 422
    assert screener.get("/v1/meetings", params={"committee": "nope"}).status_code == 422


def test_a_late_arrival_takes_her_seat_from_that_item_and_a_serving_ersattare_keeps_hers(
    screener: ApiClient,
) -> None:
    doc = {
        "ref": "BN 2026-03-12",
        "committee": "bn",
        "date": DAY,
        "absent": ["l-s3", "e-s1", "l-m3"],
        "arrivals": [{"person": "e-s1", "from": "§ 2"}, {"person": "l-m3", "from": "§ 2"}],
        "items": [
            {"paragraph": "§ 1", "case": "BN 2026/1"},
            {"paragraph": "§ 2", "case": case("BN 2026/2", ("p-sok", "sokande"))},
        ],
    }
    meeting = post_meeting(screener, doc)
    first, second = item(meeting, "§ 1"), item(meeting, "§ 2")
    # § 1: Eva Ek (S 1) is not there yet: Erik Ås (S 2) sits for Sven Sand, Vilma Viklund
    # (V) for Anna Berg, Mona Malm for Mats Mo.
    assert seats(first) == {"l-m3": "e-m1", "l-s3": "e-s2", "l-s2": "e-v1"}
    assert first["arrived"] == []
    # § 2: Mats Mo takes his own seat back (KL 5 kap. 19 §); Erik Ås keeps Sven Sand's seat
    # although Eva Ek ranks before him (5 kap. 18 §); Eva Ek enters for the ordförande.
    assert [a["person"] for a in second["arrived"]] == ["e-s1", "l-m3"]
    assert seats(second) == {"l-s3": "e-s2", "l-ordf": "e-s1"}
    assert quorum(second) == (9, 9, 5, True)
    assert "Mats Mo (M) inträder i sammanträdet från och med ärendet." in second["minutes"]["sv"]


def absent_meeting() -> dict[str, object]:
    """The ordförande and Carl Clausson (C) are away; Maja Mark (M) leaves before § 2.
    The case's applicant is the ordförande's sambo, but he is not there: no jäv."""
    return {
        "ref": "BN 2026-03-13",
        "committee": "bn",
        "date": DAY,
        "absent": ["l-ordf", "l-c2"],
        "departures": [{"person": "l-m2", "from": "§ 2"}],
        "items": [
            {"paragraph": "§ 1", "case": case("BN 2026/7", ("p-sok", "sokande"))},
            {"paragraph": "§ 2", "case": case("BN 2026/8", ("p-sok", "sokande"))},
        ],
    }


def test_the_minutes_name_the_ersattare_serving_for_an_absent_ledamot(
    screener: ApiClient,
) -> None:
    meeting = post_meeting(screener, absent_meeting())
    first, second = item(meeting, "§ 1"), item(meeting, "§ 2")
    assert out(first) == [] and seats(first) == {"l-ordf": "e-s1", "l-c2": "e-c1"}
    # Seat by seat, in the ledamöter's order (Clausson is C's 2, the ordförande has none).
    assert first["minutes"]["sv"] == (
        "Ersättaren Cornelia Cirkel (C) tjänstgör i stället för den frånvarande ledamoten "
        "Carl Clausson (C). "
        "Ersättaren Eva Ek (S) tjänstgör i stället för den frånvarande ordföranden "
        "Olle Ordf (S). "
        "Vice ordföranden Vera Vice (M) är ordförande under ärendet. "
        "Ingen jäv har anmälts i ärendet."
    )
    assert first["minutes"]["en"] == (
        "The substitute Cornelia Cirkel (C) serves in place of the absent member "
        "Carl Clausson (C). "
        "The substitute Eva Ek (S) serves in place of the absent chair Olle Ordf (S). "
        "The vice chair Vera Vice (M) chairs the meeting for this matter. "
        "No conflict of interest has been declared in this matter."
    )
    # § 2: Maja Mark leaves; M's first ersättare takes her seat, and the minutes say so
    # after her leaving. The seats of § 1 are kept.
    assert seats(second) == {"l-ordf": "e-s1", "l-m2": "e-m1", "l-c2": "e-c1"}
    assert second["minutes"]["sv"].startswith("Maja Mark (M) lämnar sammanträdet före ärendet. ")
    assert (
        "Ersättaren Mona Malm (M) tjänstgör i stället för den frånvarande ledamoten "
        "Maja Mark (M)." in second["minutes"]["sv"]
    )
    assert (
        "The substitute Mona Malm (M) serves in place of the absent member Maja Mark (M)."
        in second["minutes"]["en"]
    )


def test_the_word_document_repeats_the_absent_ledamots_ersattare(
    screener: ApiClient,
) -> None:
    meeting = post_meeting(screener, absent_meeting())
    response = screener.get("/v1/meetings/BN%202026-03-13", headers={"Accept": DOCX})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == DOCX
    paragraphs = [p.text for p in Document(io.BytesIO(response.content)).paragraphs]
    minutes = [p for p in paragraphs if p.startswith("Protokollstext: ")]
    assert minutes == [
        f"Protokollstext: {item(meeting, '§ 1')['minutes']['sv']}",
        f"Protokollstext: {item(meeting, '§ 2')['minutes']['sv']}",
    ]
    assert (
        "Ersättaren Eva Ek (S) tjänstgör i stället för den frånvarande ordföranden "
        "Olle Ordf (S)." in minutes[0]
    )
    assert (
        "Ersättaren Mona Malm (M) tjänstgör i stället för den frånvarande ledamoten "
        "Maja Mark (M)." in minutes[1]
    )
    assert "Tjänstgörande ersättare: Eva Ek (S) i stället för Olle Ordf." in paragraphs
