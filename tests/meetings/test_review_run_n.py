"""Meetings through the HTTP API, from a third review (run N).

An ersättare back after her jäv item (KL 5:18); fullmäktige's quorum if the assessed are
out (5:46); the Word document's body, statute and interest wording by date; English names
of staff roles."""

from __future__ import annotations

import io
from typing import Any

import pytest
from docx import Document

from app.office import DOCX
from tests.meetings.support import assess, chair, item, out, post_meeting, quorum, seats
from tests.meetings.world import case, world
from tests.support.api import ApiClient
from tests.support.registry import import_document

DAY = "2026-03-10"


def _world(since: str = "2015-01-01") -> dict[str, Any]:
    doc = world()
    for a in doc["appointments"]:
        if "valid_from" in a:
            a["valid_from"] = since
    # fullmäktige ersättare (own party S), and an operation/company for the boundary items
    doc["persons"] += [
        {"ref": "kf-e1", "name": "Kerstin Ers"},
        {"ref": "kf-e2", "name": "Kurt Ers"},
    ]
    doc["appointments"] += [
        {
            "person": "kf-e1",
            "body": {"committee": "kf"},
            "role": "ersattare",
            "party": "S",
            "order": 1,
            "valid_from": since,
        },
        {
            "person": "kf-e2",
            "body": {"committee": "kf"},
            "role": "ersattare",
            "party": "S",
            "order": 2,
            "valid_from": since,
        },
    ]
    doc["organisations"].append({"ref": "bygg-ab", "kind": "aktiebolag", "name": "Bygg AB"})
    doc["interests"] = [
        # Vera Vice sat on Bygg AB's board until 2022-06-15 ("har varit", v22 only)
        {
            "person": "l-vice",
            "organisation": "bygg-ab",
            "kind": "styrelseledamot",
            "valid_from": "2010-01-01",
            "valid_to": "2022-06-15",
        },
        # Stina Strand owns 30 % of Bygg AB (mojligt_jav under v18, jav under v22)
        {
            "person": "l-s4",
            "organisation": "bygg-ab",
            "kind": "agare",
            "share_percent": 30,
            "valid_from": "2010-01-01",
        },
    ]
    return doc


@pytest.fixture
def screener(admin: ApiClient, client_for) -> ApiClient:  # type: ignore[no-untyped-def]
    import_document(admin, _world())
    return client_for("screener")  # type: ignore[no-any-return]


def _docx(client: ApiClient, ref: str) -> list[str]:
    r = client.get(f"/v1/meetings/{ref.replace(' ', '%20')}", headers={"Accept": DOCX})
    assert r.status_code == 200, r.text
    return [p.text for p in Document(io.BytesIO(r.content)).paragraphs]


# --- 1. an ersättare who stepped out for jäv serves again after the item -------------


def test_nämnd_ersattare_who_stepped_out_for_jav_serves_again_in_next_item(
    screener: ApiClient,
) -> None:
    """Sven Sand (S) is away: Eva Ek (S 1) serves for him in § 1. In § 2 she is the
    applicant and steps out; Erik Ås (S 2) takes the seat. In § 3 she may serve again
    (docs/legal/meetings.md: "A ledamot who stepped out for jäv serves again from the next
    item (20 § a contrario), and so does an ersättare (18 §)")."""
    doc = {
        "ref": "BN R3-1",
        "committee": "bn",
        "date": DAY,
        "absent": ["l-s3"],
        "items": [
            {"paragraph": "§ 1", "case": case("R3 1/1", matter="ovrigt")},
            {"paragraph": "§ 2", "case": case("R3 1/2", ("e-s1", "sokande"))},
            {"paragraph": "§ 3", "case": case("R3 1/3", matter="ovrigt")},
        ],
    }
    m = post_meeting(screener, doc)
    assert seats(item(m, "§ 1"))["l-s3"] == "e-s1"
    assert out(item(m, "§ 2")) == ["e-s1"] and seats(item(m, "§ 2"))["l-s3"] == "e-s2"
    assert seats(item(m, "§ 3"))["l-s3"] == "e-s1"


def test_fullmaktige_ersattare_who_stepped_out_for_jav_serves_again_after_the_matter(
    screener: ApiClient,
) -> None:
    """KL 5 kap. 18 §: "En ersättare som avbryter tjänstgöringen på grund av jäv i ett
    ärende får åter tjänstgöra, sedan ärendet har handlagts." """
    doc = {
        "ref": "KF R3-1",
        "committee": "kf",
        "date": DAY,
        "absent": ["kf-2"],
        "items": [
            {
                "paragraph": "§ 1",
                "case": case("KF R3/1", committee="kf", matter="normgivning", area="ovrigt"),
            },
            {
                "paragraph": "§ 2",
                "case": case(
                    "KF R3/2",
                    ("kf-e1", "part"),
                    committee="kf",
                    matter="normgivning",
                    area="ovrigt",
                ),
            },
            {
                "paragraph": "§ 3",
                "case": case("KF R3/3", committee="kf", matter="normgivning", area="ovrigt"),
            },
        ],
    }
    m = post_meeting(screener, doc)
    assert seats(item(m, "§ 1")) == {"kf-2": "kf-e1"}
    assert out(item(m, "§ 2")) == ["kf-e1"] and seats(item(m, "§ 2")) == {"kf-2": "kf-e2"}
    assert seats(item(m, "§ 3")) == {"kf-2": "kf-e1"}


# --- 2. the item's as_of is the meeting date, across the 2022-07-01 boundary ----------


def test_stored_case_decided_earlier_is_screened_on_the_meeting_date(
    screener: ApiClient, admin: ApiClient
) -> None:
    stored = case("BN 2022/9", matter="myndighetsutovning", decision_date="2022-06-30")
    stored["parties"] = [{"organisation": "bygg-ab", "role": "sokande"}]
    assert admin.post("/v1/cases", json=stored).status_code == 201
    before = post_meeting(
        screener,
        {
            "ref": "BN 2022-06-30",
            "committee": "bn",
            "date": "2022-06-30",
            "items": [{"paragraph": "§ 1", "case": "BN 2022/9"}],
        },
    )
    after = post_meeting(
        screener,
        {
            "ref": "BN 2022-07-01",
            "committee": "bn",
            "date": "2022-07-01",
            "items": [{"paragraph": "§ 1", "case": "BN 2022/9"}],
        },
    )
    b, a = item(before, "§ 1"), item(after, "§ 1")
    assert b["as_of"] == "2022-06-30" and a["as_of"] == "2022-07-01"
    # v18: an ended board seat gives nothing; 30 % is mojligt_jav
    assert out(b) == [] and assess(b) == ["l-s4"]
    # v22: "har varit" ställföreträdare -> jav; 30 % >= 10 % -> jav
    assert sorted(out(a)) == ["l-s4", "l-vice"]
    vice = next(s for s in a["steps_out"] if s["person"] == "l-vice")
    assert vice["rule"] == "kl6_28_p2_v22"
    assert vice["legal_basis"] == ["6 kap. 28 § första stycket 2 kommunallagen (2017:725)"]
    assert chair(a) == ("l-ordf", "ordforande")


# --- 3. the Word document ------------------------------------------------------------


def test_word_document_for_fullmaktige_says_fullmaktige_decides_the_jav_question(
    admin: ApiClient,
    client_for,  # type: ignore[no-untyped-def]
) -> None:
    """KL 5 kap. 47 § 2 st.: 6 kap. 30 § 2-3 st. apply, and "Vad som sägs om nämnd i dessa
    bestämmelser ska i stället gälla fullmäktige". The JSON minutes already say
    "Fullmäktige prövar frågan om jäv"; the Word document says "Nämnden"."""
    doc = _world()
    doc["interests"].append(
        {"person": "kf-2", "organisation": "bygg-ab", "kind": "agare", "share_percent": 20}
    )
    import_document(admin, doc)
    client = client_for("screener")
    c = case("KF R3/9", ("kf-3", "part"), committee="kf", matter="avtal", area="ovrigt")
    c["parties"].append({"organisation": "bygg-ab", "role": "part"})
    m = post_meeting(
        client,
        {
            "ref": "KF R3-2",
            "committee": "kf",
            "date": DAY,
            "items": [{"paragraph": "§ 1", "case": c}],
        },
    )
    assert assess(item(m, "§ 1")) == ["kf-2"]
    assert "Fullmäktige prövar frågan om jäv för Kajsa Två (S)" in item(m, "§ 1")["minutes"]["sv"]
    paragraphs = _docx(client, "KF R3-2")
    text = "\n".join(paragraphs)
    problems = []
    if "Nämnden beslutar i jävsfrågan" in text:
        problems.append(paragraphs[1])
    problems += [p for p in paragraphs if "nämnden prövar" in p]
    assert not problems, problems


def test_word_document_names_the_paverkan_wording_in_force_on_the_meeting_date(
    screener: ApiClient,
) -> None:
    """A 2020 meeting is under KL 6:28 1 p. in its original wording ("synnerlig nytta eller
    skada"); "i en inte oväsentlig utsträckning" is SFS 2022:638's wording (from 2022-07-01)."""
    c = case("BN 2020/5", ("l-s2", "berord"))
    post_meeting(
        screener,
        {
            "ref": "BN 2020-05-05",
            "committee": "bn",
            "date": "2020-05-05",
            "items": [{"paragraph": "§ 1", "case": c}],
        },
    )
    text = "\n".join(_docx(screener, "BN 2020-05-05"))
    assert "Anna Berg (S), ledamot: jäv; grund:" in text
    assert "inte oväsentlig utsträckning" not in text, text


# --- 4. English minutes name staff roles in English -----------------------------------


@pytest.mark.parametrize("role", ["sakkunnig", "chef", "forvaltningschef", "delegat"])
def test_english_minutes_translate_the_staff_role(screener: ApiClient, role: str) -> None:
    c = case("BN 2026/77", ("p-granne", "sokande"), participants=[{"person": "h-1", "role": role}])
    m = post_meeting(
        screener,
        {
            "ref": f"BN R3 {role}",
            "committee": "bn",
            "date": DAY,
            "items": [{"paragraph": "§ 1", "case": c}],
        },
    )
    first = item(m, "§ 1")
    assert out(first) == ["h-1"]
    en = first["minutes"]["en"]
    assert f"({role})" not in en, en


# --- passing checks (kept as regression tests) ---------------------------------------


def test_person_javig_in_one_item_only_and_chair_falls_back(screener: ApiClient) -> None:
    doc = {
        "ref": "BN R3-3",
        "committee": "bn",
        "date": DAY,
        "absent": ["l-vice"],
        "items": [
            {"paragraph": "§ 1", "case": case("R3 3/1", ("p-sok", "sokande"))},
            {"paragraph": "§ 2", "case": case("R3 3/2", ("p-granne", "berord"), matter="ovrigt")},
        ],
    }
    m = post_meeting(screener, doc)
    first, second = item(m, "§ 1"), item(m, "§ 2")
    # ordförande out (sambo applies), vice absent: the longest appointment chairs
    assert out(first) == ["l-ordf"]
    assert chair(first) is not None and chair(first)[1] == "ledamot"
    assert chair(second) == ("l-ordf", "ordforande")
    assert quorum(first)[3] and quorum(second)[3]


def test_ledamot_named_as_foredragande_steps_out_with_her_seat(screener: ApiClient) -> None:
    c = case(
        "R3 4/1", ("p-granne", "sokande"), participants=[{"person": "l-s2", "role": "foredragande"}]
    )
    c["parties"].append({"person": "l-s2", "role": "berord"})
    m = post_meeting(
        screener,
        {
            "ref": "BN R3-4",
            "committee": "bn",
            "date": DAY,
            "items": [{"paragraph": "§ 1", "case": c}],
        },
    )
    first = item(m, "§ 1")
    row = next(s for s in first["steps_out"] if s["person"] == "l-s2")
    assert row["holds_seat"] is True
    assert "l-s2" in seats(first)


# --- 5. fullmäktige: quorate_if_assessed_out ignores KL 5 kap. 46 § for the assessed --


def test_fullmaktige_quorate_if_assessed_out_applies_5_46_to_the_assessed_too(
    admin: ApiClient,
    client_for,  # type: ignore[no-untyped-def]
) -> None:
    """KF, 5 seats (quorum 3); Klara Fyra (kf-4) is away and no ersättare is there.
    Kalle Ett (kf-1) is a party (jäv); Kajsa Två and Kim Tre own 20 % of the party company
    (mojligt_jav). If fullmäktige finds them jäviga too, all three are jäviga under 5:47 and
    5:46 lets fullmäktige decide ("även om antalet deltagande på grund av jävet inte
    uppgår till det antal som föreskrivs i 45 §"): 4 of 5 are present, jäv alone takes the
    number below 3. So quorate_if_assessed_out must be true."""
    doc = _world()
    doc["interests"] += [
        {"person": "kf-2", "organisation": "bygg-ab", "kind": "agare", "share_percent": 20},
        {"person": "kf-3", "organisation": "bygg-ab", "kind": "agare", "share_percent": 20},
    ]
    import_document(admin, doc)
    client = client_for("screener")
    c = case("KF R3/5", ("kf-1", "part"), committee="kf", matter="avtal", area="ovrigt")
    c["parties"].append({"organisation": "bygg-ab", "role": "part"})
    m = post_meeting(
        client,
        {
            "ref": "KF R3-5",
            "committee": "kf",
            "date": DAY,
            "present": ["kf-1", "kf-2", "kf-3", "kf-5"],
            "items": [{"paragraph": "§ 1", "case": c}],
        },
    )
    first = item(m, "§ 1")
    assert out(first) == ["kf-1"] and sorted(assess(first)) == ["kf-2", "kf-3"]
    assert first["quorate"] is True
    assert first["quorate_if_assessed_out"] is True
