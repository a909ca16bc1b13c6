"""Meetings through the HTTP API, from a review of the law and arithmetic (run Q).

Each test named for an error failed before the run Q fixes (the docstrings say what the
product did then); the others add coverage the suite lacked.
The statute quoted is KL (2017:725) as in ../shared/legal/kl-verification.md and
docs/legal/meetings.md (source S1, riksdagen.se via Ansvar-Systems/swedish-law-mcp).
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from docx import Document

from app.office import DOCX
from tests.meetings.support import chair, item, out, post_meeting, quorum, seats, summon
from tests.meetings.world import case, seat, world
from tests.support.api import ApiClient
from tests.support.registry import import_document

DAY = "2026-03-10"
OLD = "19400101-1230"  # born 1940 (valid check digit)
YOUNG = "19800101-1231"  # born 1980


def _appointment(doc: dict[str, Any], person: str, committee: str) -> dict[str, Any]:
    return next(
        a
        for a in doc["appointments"]
        if a["person"] == person and a.get("body") == {"committee": committee}
    )


def _docx(client: ApiClient, ref: str) -> list[str]:
    r = client.get(f"/v1/meetings/{ref.replace(' ', '%20')}", headers={"Accept": DOCX})
    assert r.status_code == 200, r.text
    return [p.text for p in Document(io.BytesIO(r.content)).paragraphs]


def _screener(admin: ApiClient, client_for: Any, doc: dict[str, Any]) -> ApiClient:
    import_document(admin, doc)
    return client_for("screener")  # type: ignore[no-any-return]


def _plain(ref: str) -> dict[str, Any]:
    """An item in which nobody is jävig (nobody of the committee is a party)."""
    return case(ref, matter="ovrigt")


# --- 1. own party's ersättare first, across seats ---------------------------------------


def test_a_partys_ersattare_serve_its_own_ledamoter_before_another_partys(
    admin: ApiClient, client_for: Any
) -> None:
    """Carl Clausson (C), Maja Mark (M) and Mats Mo (M) are away, and so is C's only
    ersättare Cornelia Cirkel. M's two ersättare, Mona Malm and Magnus Mörk, are there.

    `substitution_order` says C → [C, M] and M → [M, C]: M's ersättare serve "i första
    hand" for M's own ledamöter and only "i andra hand" for another party's (the reglemente
    quoted in docs/legal/meetings.md, S3 Hultsfred: "För en frånvarande ledamot tjänstgör i
    första hand en ersättare från ledamotens egen partigrupp. I andra hand tjänstgör en
    ersättare från annan partigrupp"). So both M seats are filled by M's ersättare and C's
    seat stays empty. The product fills the seats greedily in the ledamöter's order
    (order 2: "l-c2" sorts before "l-m2"), so Carl Clausson's seat takes Mona Malm and
    Mats Mo's seat is left empty: M is one seat short, C is represented by M. Renaming
    the person refs would change the outcome."""
    screener = _screener(admin, client_for, world())
    doc = {
        "ref": "BN Q-1",
        "committee": "bn",
        "date": DAY,
        "absent": ["l-c2", "l-m2", "l-m3", "e-c1"],
        "items": [{"paragraph": "§ 1", "case": _plain("Q 1/1")}],
    }
    entry = item(post_meeting(screener, doc), "§ 1")
    assert quorum(entry) == (8, 9, 5, True)  # 8 seats filled either way
    assert seats(entry) == {"l-m2": "e-m1", "l-m3": "e-m2"}, seats(entry)
    assert [e["seat_of"] for e in entry["empty_seats"]] == ["l-c2"]


# --- 2. fullmäktige: an absent jävig ledamot is not a seat "left empty by jäv" ----------


def test_fullmaktige_below_quorum_by_absence_is_not_saved_by_5_46_for_an_absent_javig_member(
    admin: ApiClient, client_for: Any
) -> None:
    """Kommunfullmäktige, 5 seats (quorum 3), no ersättare. Only Kalle Ett and Kajsa Två
    come; Kim Tre, Klara Fyra and Krister Fem are away. The matter personally concerns Kim
    Tre (he is a party), who is not there anyway.

    KL 5 kap. 45 §: "Fullmäktige får handlägga ett ärende bara om mer än hälften av
    ledamöterna är närvarande." 5 kap. 46 §: "Om en ledamot enligt 47 eller 48 § är jävig i
    ett ärende, får fullmäktige handlägga ärendet, även om antalet deltagande på grund av
    jävet inte uppgår till det antal som föreskrivs i 45 §." Two of five are present; the
    number taking part is short because three are absent, not "på grund av jävet" (Kim
    Tre would not take part whether or not he is jävig). Fullmäktige is not beslutfört.

    The product counts every empty seat whose ledamot has a `jav` finding, present or not
    (`seating.allocate`: `empty_by_jav`), so 2 + 1 reaches 3 and it answers
    `quorate_by_jav_exception: true`, and the Word document says fullmäktige is
    "beslutfört trots jäv"."""
    screener = _screener(admin, client_for, world())
    doc = {
        "ref": "KF Q-2",
        "committee": "kf",
        "date": DAY,
        "absent": ["kf-3", "kf-4", "kf-5"],
        "items": [
            {
                "paragraph": "§ 1",
                "case": case(
                    "KF Q/2", ("kf-3", "part"), committee="kf", matter="normgivning", area="ovrigt"
                ),
            }
        ],
    }
    entry = item(post_meeting(screener, doc), "§ 1")
    assert out(entry) == []  # Kim Tre is not there: nobody steps out
    assert (entry["serving"], entry["quorum"]) == (2, 3)
    assert entry["quorate_by_jav_exception"] is False
    assert entry["quorate"] is False
    assert "inte beslutfört" in entry["minutes"]["sv"]
    text = "\n".join(_docx(screener, "KF Q-2"))
    assert "beslutfört trots jäv" not in text
    assert "Fullmäktige är inte beslutfört: 2 av 5 platser besatta, 3 krävs." in text


def test_fullmaktige_a_present_javig_member_still_carries_the_5_46_exception(
    admin: ApiClient, client_for: Any
) -> None:
    """The counterpart of the test above (passes): Kim Tre is there and concerned, so 2 take
    part out of the 3 present, and 46 § lets fullmäktige decide."""
    screener = _screener(admin, client_for, world())
    doc = {
        "ref": "KF Q-2b",
        "committee": "kf",
        "date": DAY,
        "absent": ["kf-4", "kf-5"],
        "items": [
            {
                "paragraph": "§ 1",
                "case": case(
                    "KF Q/2b", ("kf-3", "part"), committee="kf", matter="normgivning", area="ovrigt"
                ),
            }
        ],
    }
    entry = item(post_meeting(screener, doc), "§ 1")
    assert out(entry) == ["kf-3"]
    assert quorum(entry) == (2, 5, 3, True) and entry["quorate_by_jav_exception"] is True
    text = "\n".join(_docx(screener, "KF Q-2b"))
    assert "Fullmäktige är beslutfört trots jäv" in text


# --- 3. who presides when the ordförande and the vice cannot: longest service -----------


def test_chair_fallback_counts_service_across_reappointments(
    admin: ApiClient, client_for: Any
) -> None:
    """Olle Ordf (ordförande) is jävig (his sambo applies) and Vera Vice is away. KL 6 kap.
    22 §: "Fullmäktige bestämmer vem som ska fullgöra ordförandens uppgifter när varken
    ordföranden eller en vice ordförande kan tjänstgöra"; the product's default (law.py,
    `kl6_21_22_chair`) is the serving ledamot who has served longest, which is what
    reglementen say ("den som har varit ledamot längst tid", from memory).

    Maja Mark (M) has sat in the nämnd without a break since 2011: one appointment for
    2011-2022 and, after the election, one from 2023-01-01. Stina Strand (S) has sat since
    2015. Maja Mark has served longest. The product reads only the appointments valid on
    the meeting's date (`repository.members`), so Maja Mark's service starts 2023-01-01
    and Stina Strand chairs. After every election every appointment starts anew, so the
    rule degenerates to the order of person refs."""
    doc = world()
    current = _appointment(doc, "l-m2", "bn")
    earlier = {**current, "valid_from": "2011-01-01", "valid_to": "2022-12-31"}
    doc["appointments"].append(earlier)
    screener = _screener(admin, client_for, doc)
    meeting = {
        "ref": "BN Q-3",
        "committee": "bn",
        "date": DAY,
        "absent": ["l-vice"],
        "items": [{"paragraph": "§ 1", "case": case("Q 3/1", ("p-sok", "sokande"))}],
    }
    entry = item(post_meeting(screener, meeting), "§ 1")
    assert out(entry) == ["l-ordf"]
    assert chair(entry) == ("l-m2", "ledamot"), chair(entry)
    text = "\n".join(_docx(screener, "BN Q-3"))
    assert "Ordförande under ärendet: Maja Mark (M) (tjänstgörande ordförande)." in text


def test_chair_fallback_among_equal_service_is_the_eldest_not_the_first_ref(
    admin: ApiClient, client_for: Any
) -> None:
    """As above, but Cecilia Ceder (C) and Stina Strand (S) were both appointed on
    2023-01-01. Stina Strand was born in 1940, Cecilia Ceder in 1980 (their personnummer
    are in the registry; the masked form keeps the date of birth, `19400101-****`).
    Reglementen give the chair to the eldest ("den till åldern äldste ledamoten", or among
    those with equally long service "den äldste av dem"; from memory, the SKR model
    reglemente). The product breaks the tie by person ref ("l-c1" < "l-s4"), and the docs
    say "the registry does not hold ages", though it holds the date of birth."""
    doc = world()
    for a in doc["appointments"]:
        if a.get("body") == {"committee": "bn"}:
            a["valid_from"] = "2023-01-01"
    for p in doc["persons"]:
        if p["ref"] == "l-s4":
            p["personnummer"] = OLD
        if p["ref"] == "l-c1":
            p["personnummer"] = YOUNG
    screener = _screener(admin, client_for, doc)
    meeting = {
        "ref": "BN Q-4",
        "committee": "bn",
        "date": DAY,
        "absent": ["l-vice", "l-c2", "l-m2", "l-m3", "l-s2", "l-s3"],
        "items": [{"paragraph": "§ 1", "case": case("Q 4/1", ("p-sok", "sokande"))}],
    }
    entry = item(post_meeting(screener, meeting), "§ 1")
    assert out(entry) == ["l-ordf"]
    assert chair(entry) == ("l-s4", "ledamot"), chair(entry)


# --- 4. quorum at the boundary (passing: coverage) ---------------------------------------


@pytest.mark.parametrize(("away", "serving", "quorate"), [(3, 5, True), (4, 4, False)])
def test_quorum_of_an_even_nämnd_is_more_than_half(
    admin: ApiClient, client_for: Any, away: int, serving: int, quorate: bool
) -> None:
    """An 8-seat nämnd (Carl Clausson's seat removed): 5 are needed (6 kap. 27 §: "fler än
    hälften"); 4 of 8 is exactly half and not enough. No ersättare come."""
    doc = world()
    doc["committees"][0]["seats"] = 8
    doc["appointments"] = [a for a in doc["appointments"] if a["person"] != "l-c2"]
    screener = _screener(admin, client_for, doc)
    ersattare = ["e-s1", "e-s2", "e-v1", "e-m1", "e-m2", "e-c1"]
    absent = ["l-s2", "l-s3", "l-s4", "l-m3"][:away]
    meeting = {
        "ref": f"BN Q-5-{away}",
        "committee": "bn",
        "date": DAY,
        "absent": absent + ersattare,
        "items": [{"paragraph": "§ 1", "case": _plain(f"Q 5/{away}")}],
    }
    entry = item(post_meeting(screener, meeting), "§ 1")
    assert quorum(entry) == (serving, 8, 5, quorate)


def test_quorum_of_an_odd_nämnd_counts_only_those_taking_part(
    admin: ApiClient, client_for: Any
) -> None:
    """9 seats, quorum 5. Five ledamöter come, no ersättare: quorate for a plain item; when
    one of the five is jävig only 4 take part: not quorate, and whom to call in is listed
    (passing: coverage of the boundary with jäv)."""
    screener = _screener(admin, client_for, world())
    meeting = {
        "ref": "BN Q-6",
        "committee": "bn",
        "date": DAY,
        "present": ["l-ordf", "l-vice", "l-s2", "l-m2", "l-c1"],
        "items": [
            {"paragraph": "§ 1", "case": _plain("Q 6/1")},
            {"paragraph": "§ 2", "case": case("Q 6/2", ("l-s2", "sokande"))},
        ],
    }
    m = post_meeting(screener, meeting)
    assert quorum(item(m, "§ 1")) == (5, 9, 5, True)
    second = item(m, "§ 2")
    assert out(second) == ["l-s2"] and quorum(second) == (4, 9, 5, False)
    assert ("e-s1", "l-s3") in summon(second) or ("e-s1", "l-s2") in summon(second)
    text = "\n".join(_docx(screener, "BN Q-6"))
    assert "Nämnden är inte beslutför: 4 av 9 platser besatta, 5 krävs." in text


# --- 5. bodies that are not a nämnd: utskott, a gemensam nämnd's utskott, a company board


def _bodies_world() -> dict[str, Any]:
    """The world plus an arbetsutskott of the byggnadsnämnd, an utskott of the gemensam
    nämnd (one ledamot from each kommun, each kommun's ersättare) and the board of a
    municipal housing company."""
    doc = world()
    doc["organisations"].append(
        {"ref": "bostader", "kind": "aktiebolag", "name": "Ankeby Bostäder AB"}
    )
    doc["committees"] += [
        {
            "ref": "bn-au",
            "organisation": "ankeby",
            "kind": "utskott",
            "name": "Byggnadsnämndens arbetsutskott",
            "parent": "bn",
            "seats": 3,
        },
        {
            "ref": "gn-au",
            "organisation": "ankeby",
            "kind": "utskott",
            "name": "Miljönämndens utskott",
            "parent": "gn",
            "participants": ["ankeby", "borby"],
            "seats": 2,
        },
        {
            "ref": "ab-styr",
            "organisation": "bostader",
            "kind": "bolagsstyrelse",
            "name": "Styrelsen för Ankeby Bostäder AB",
            "seats": 3,
        },
    ]
    doc["persons"] += [
        {"ref": "ab-1", "name": "Bo Bolag"},
        {"ref": "ab-2", "name": "Britt Bolag"},
        {"ref": "ab-3", "name": "Bertil Bolag"},
        {"ref": "ab-s1", "name": "Siv Suppleant"},
    ]

    doc["appointments"] += [
        seat("l-ordf", "bn-au", "ordforande", "S"),
        seat("l-s2", "bn-au", "ledamot", "S", order=2),
        seat("l-m2", "bn-au", "ledamot", "M", order=2),
        seat("e-s1", "bn-au", "ersattare", "S", order=1),
        seat("g-a1", "gn-au", "ordforande", "S", appointed_by="ankeby"),
        seat("g-b1", "gn-au", "ledamot", "S", order=1, appointed_by="borby"),
        seat("g-ea1", "gn-au", "ersattare", "S", order=1, appointed_by="ankeby"),
        seat("g-eb1", "gn-au", "ersattare", "S", order=2, appointed_by="borby"),
        seat("ab-1", "ab-styr", "ordforande", "S"),
        seat("ab-2", "ab-styr", "ledamot", "S", order=2),
        seat("ab-3", "ab-styr", "ledamot", "M", order=1),
        seat("ab-s1", "ab-styr", "ersattare", "S", order=1),
    ]
    return doc


def _one_item(ref: str, committee: str, party: str, area: str) -> dict[str, Any]:
    return {
        "ref": ref,
        "committee": committee,
        "date": DAY,
        "items": [
            {
                "paragraph": "§ 1",
                "case": case(f"{ref}/1", (party, "sokande"), committee=committee, area=area),
            }
        ],
    }


def test_an_utskott_of_a_gemensam_namnd_fills_a_seat_from_the_ledamots_own_kommun(
    admin: ApiClient, client_for: Any
) -> None:
    """The gemensam nämnd's utskott: Bodil Borby (S, appointed by Borby) is jävig.
    docs/meetings.md: "In a gemensam nämnd only ersättare appointed by the ledamot's own
    kommun (`appointed_by`) enter" (KL 9 kap. 24 §; 9 kap. 23 §: "Det som gäller för en
    nämnd ... ska ... även tillämpas för en gemensam nämnd"), and an utskott is chosen by
    the nämnd among its own ledamöter and ersättare (6 kap. 42 §), so its seats keep each
    kommun's share in the same way. The product applies that rule only to committees of
    kind `gemensam_namnd` (`Body.shared`): in the utskott Ankeby's Elsa Ankeby (first in
    S's order) takes Borby's seat, and the rule `kl9_23_24_gemensam_namnd` is not
    listed."""
    screener = _screener(admin, client_for, _bodies_world())
    entry = item(
        post_meeting(screener, _one_item("GNAU Q", "gn-au", "g-b1", "miljo_halsoskydd")), "§ 1"
    )
    assert out(entry) == ["g-b1"]
    assert seats(entry) == {"g-b1": "g-eb1"}, seats(entry)
    assert any(r["rule"] == "kl9_23_24_gemensam_namnd" for r in entry["rules"])


def test_an_utskotts_quorum_is_not_6_kap_27_as_statute(admin: ApiClient, client_for: Any) -> None:
    """KL 6 kap. 27 §: "En nämnd får handlägga ärenden endast om fler än hälften av
    ledamöterna är närvarande." An utskott is not a nämnd: KL (2017:725) mentions utskott
    only in 3 kap. 5 § and 6 kap. 37, 40-42 §§ (S1, searched for "utskott"), none of them
    about beslutförhet; an utskott's quorum is what fullmäktige or the nämnd decided
    (reglemente). The product answers `kl6_27_beslutforhet` with `basis_kind: "statute"`
    for the arbetsutskott. (The arithmetic, more than half, matches the usual reglemente.)"""
    screener = _screener(admin, client_for, _bodies_world())
    entry = item(post_meeting(screener, _one_item("BNAU Q", "bn-au", "l-s2", "bygg")), "§ 1")
    assert quorum(entry) == (3, 3, 2, True)
    statute = [
        r
        for r in entry["rules"]
        if r["basis_kind"] == "statute" and any("6 kap. 27 §" in b for b in r["legal_basis"])
    ]
    assert statute == [], statute


def test_a_company_boards_meeting_is_not_judged_by_kommunallagen(
    admin: ApiClient, client_for: Any
) -> None:
    """A meeting of the board of Ankeby Bostäder AB (committee kind `bolagsstyrelse`). A
    company board is not a nämnd: its quorum, its suppleanter and its members' jäv follow
    aktiebolagslagen (8 kap.; from memory: 21 § quorum "mer än hälften av hela antalet
    styrelseledamöter", 23 § jäv), not KL 6 kap. 27 and 30 §§ (regime.py itself says "a
    company board follows ABL 8 kap. 23 §, which the engine does not model"). The product
    accepts the meeting and answers, as statute, `kl6_27_beslutforhet` (6 kap. 27 §
    kommunallagen) and `kl6_30_steps_out` (6 kap. 30 §), with ersättare "in the order
    fullmäktige decided" (6 kap. 16-17 §§). Either refuse such a meeting (422) or say the
    statute is not KL."""
    screener = _screener(admin, client_for, _bodies_world())
    response = screener.post("/v1/meetings", json=_one_item("AB Q", "ab-styr", "ab-2", "fastighet"))
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert [(e["pointer"], e["code"]) for e in errors] == [("/committee", "not_a_kl_body")]
    assert "aktiebolagslagen" in errors[0]["detail"]
    assert screener.get("/v1/meetings/AB%20Q").status_code == 404  # nothing stored


# --- 6. fullmäktige: another party's ersättare never enters -------------------------------


def test_fullmaktige_a_per_ledamot_list_cannot_bring_in_another_partys_ersattare(
    admin: ApiClient, client_for: Any
) -> None:
    """Kommunfullmäktige: Krister Fem (C) is away; his appointment's `substitutes` names
    Kerstin Ers, an ersättare elected for S. In fullmäktige the ersättare are the party's
    (KL 5 kap. 21 §: "ska den ersättare inträda som har utsetts för partiet i någon annan
    valkrets"; 5 kap. 18 §: "Ersättarna ska tjänstgöra enligt den ordning som är bestämd
    mellan dem"), and docs/meetings.md says "In fullmäktige only the own party's ersättare
    enter (KL 5 kap. 18 and 21 §§)". The product takes the `substitutes` list "exactly as
    given" before the fullmäktige rule (`_Allocation.candidates`) and the registry accepts
    such a list, so an S ersättare sits in C's seat. Either the registry refuses the list
    (422) or the meeting leaves the seat to C's own ersättare (none here: empty)."""
    doc = world()
    doc["persons"].append({"ref": "kf-e1", "name": "Kerstin Ers"})
    doc["appointments"].append(
        {
            "person": "kf-e1",
            "body": {"committee": "kf"},
            "role": "ersattare",
            "party": "S",
            "order": 1,
            "valid_from": "2023-01-01",
        }
    )
    _appointment(doc, "kf-5", "kf")["substitutes"] = ["kf-e1"]
    response = admin.post("/v1/import", json=doc)
    assert response.status_code == 200, response.text  # the meeting applies the party rule
    screener = client_for("screener")
    meeting = {
        "ref": "KF Q-7",
        "committee": "kf",
        "date": DAY,
        "absent": ["kf-5"],
        "items": [
            {
                "paragraph": "§ 1",
                "case": case("KF Q/7", committee="kf", matter="normgivning", area="ovrigt"),
            }
        ],
    }
    entry = item(post_meeting(screener, meeting), "§ 1")
    assert seats(entry) == {}, seats(entry)
    assert [e["seat_of"] for e in entry["empty_seats"]] == ["kf-5"]


# --- 7. more ledamöter appointed than `seats`: serving above the total -----------------


def test_serving_never_exceeds_the_seats_and_quorum_counts_every_ledamot(
    admin: ApiClient, client_for: Any
) -> None:
    """The byggnadsnämnd is registered with `seats: 7` while nine ledamöter hold
    appointments on the date (the registry accepts it). KL 6 kap. 27 §: "fler än hälften
    av ledamöterna": with nine ledamöter that is 5. The product answers "9 av 7 platser"
    when all come, and with only four of the nine ledamöter there (no ersättare) it says
    the nämnd is beslutför (4 of 7, quorum 4). Either refuse the meeting (422: the
    registry's seats do not match the appointments on the date) or count every ledamot."""
    doc = world()
    doc["committees"][0]["seats"] = 7
    screener = _screener(admin, client_for, doc)
    ersattare = ["e-s1", "e-s2", "e-v1", "e-m1", "e-m2", "e-c1"]

    def meeting(ref: str, absent: list[str]) -> Any:
        return screener.post(
            "/v1/meetings",
            json={
                "ref": ref,
                "committee": "bn",
                "date": DAY,
                "absent": absent,
                "items": [{"paragraph": "§ 1", "case": _plain(f"{ref}/1")}],
            },
        )

    full = meeting("BN Q-8a", [])
    few = meeting("BN Q-8b", ["l-s2", "l-s3", "l-s4", "l-m3", "l-c2", *ersattare])
    for refused in (full, few):
        assert refused.status_code == 422, refused.text
        (error,) = refused.json()["errors"]
        assert (error["pointer"], error["code"]) == ("/committee", "seats_exceeded")
        assert "9 ledamöter" in error["detail"] and "7 seats" in error["detail"]


# --- 8. fullmäktige's ersättare and chair cite the nämnd provisions ----------------------


def test_fullmaktige_meeting_does_not_cite_the_namnd_provisions_for_ersattare_and_chair(
    admin: ApiClient, client_for: Any
) -> None:
    """A fullmäktige meeting in which the ordförande is personally concerned. Its rules cite
    `kl6_16_17_ersattare_order` (6 kap. 16 and 17 §§: "Ledamöter och ersättare i en
    nämnd ...", "Fullmäktige ska besluta om ersättarnas tjänstgöring i nämnderna", with
    `basis_kind: "reglemente"`) and `kl6_21_22_chair` (6 kap. 21 §: "Fullmäktige ska bland
    nämndens ledamöter välja en ordförande ..."; 22 §). Those are the nämnd's provisions.
    For fullmäktige the ersättare's order is statute, 5 kap. 17-21 §§ (rule
    `kl5_17_20_ersattare_fullmaktige`, which the product adds only when someone is jävig),
    and the presidium is 5 kap. 11 § ("Fullmäktige väljer bland sina ledamöter en
    ordförande och en eller flera vice ordförande"), who presides otherwise being the
    arbetsordning's (5 kap. 72 §); docs/legal/meetings.md itself says "For fullmäktige
    5 kap. 11 § is the counterpart of 21 §"."""
    screener = _screener(admin, client_for, world())
    doc = {
        "ref": "KF Q-9",
        "committee": "kf",
        "date": DAY,
        "absent": ["kf-5"],
        "items": [
            {
                "paragraph": "§ 1",
                "case": case(
                    "KF Q/9", ("kf-1", "part"), committee="kf", matter="normgivning", area="ovrigt"
                ),
            }
        ],
    }
    entry = item(post_meeting(screener, doc), "§ 1")
    cited = [b for r in entry["rules"] for b in r["legal_basis"]]
    nämnd = [
        b
        for b in cited
        if b.startswith(("6 kap. 16 §", "6 kap. 17 §", "6 kap. 21 §", "6 kap. 22 §"))
    ]
    assert nämnd == [], nämnd


# --- 9. an ordförande whose jäv is in question does not lead its prövning ----------------


def test_an_ordforande_whose_jav_is_assessed_does_not_lead_the_prövning(
    admin: ApiClient, client_for: Any
) -> None:
    """Olle Ordf (ordförande) is a close friend of the applicant Gustav Granne:
    `mojligt_jav`, the nämnd decides (to_assess). KL 6 kap. 30 § tredje stycket: "Har det
    uppkommit en fråga om jäv mot en förtroendevald och har någon annan inte trätt i dennes
    ställe, ska nämnden snarast besluta i jävsfrågan. Den som jävet gäller får delta i
    prövningen av jävsfrågan endast om nämnden annars inte är beslutsför och någon annan
    inte kan tillkallas utan olägligt uppskov." Here the nämnd is beslutför without him
    (`quorate_if_assessed_out`), so he may not take part in the prövning, let alone lead
    it: the vice ordförande presides while the nämnd decides his jäv. The product names
    Olle Ordf as the item's chair and its minutes and Word document say nothing of who
    leads the prövning or that he takes no part in it."""
    doc = world()
    doc["relations"].append({"person": "l-ordf", "related": "p-granne", "kind": "nara_van"})
    screener = _screener(admin, client_for, doc)
    meeting = {
        "ref": "BN Q-10",
        "committee": "bn",
        "date": DAY,
        "items": [{"paragraph": "§ 1", "case": case("Q 10/1", ("p-granne", "sokande"))}],
    }
    entry = item(post_meeting(screener, meeting), "§ 1")
    assert "l-ordf" in [s["person"] for s in entry["to_assess"]]
    assert entry["quorate_if_assessed_out"] is True
    assert chair(entry) == ("l-ordf", "ordforande")  # he chairs the item itself
    assert entry["assessment_chair"]["person"] == "l-vice"
    assert (
        "Vice ordföranden Vera Vice (M) leder prövningen av jävsfrågan för Olle Ordf (S), "
        "som inte deltar i den." in entry["minutes"]["sv"]
    ), entry["minutes"]["sv"]
    word = "\n".join(_docx(screener, "BN Q-10"))
    assert "Prövningen av jävsfrågan för Olle Ordf (S) leds av Vera Vice (M)" in word, word


def test_an_ordforande_whose_jav_is_assessed_takes_part_when_the_namnd_cannot_decide_without(
    admin: ApiClient, client_for: Any
) -> None:
    """The counterpart: only five of nine ledamöter come and no ersättare, so without Olle
    Ordf the nämnd is not beslutför and 6 kap. 30 § tredje stycket lets him take part in
    the prövning: nobody else is named to lead it."""
    doc = world()
    doc["relations"].append({"person": "l-ordf", "related": "p-granne", "kind": "nara_van"})
    screener = _screener(admin, client_for, doc)
    away = ["l-s2", "l-s3", "l-s4", "l-m3", "e-s1", "e-s2", "e-v1", "e-m1", "e-m2", "e-c1"]
    meeting = {
        "ref": "BN Q-11",
        "committee": "bn",
        "date": DAY,
        "absent": away,
        "items": [{"paragraph": "§ 1", "case": case("Q 11/1", ("p-granne", "sokande"))}],
    }
    entry = item(post_meeting(screener, meeting), "§ 1")
    assert "l-ordf" in [s["person"] for s in entry["to_assess"]]
    assert quorum(entry) == (5, 9, 5, True)
    assert entry["quorate_if_assessed_out"] is False
    assert entry["assessment_chair"] is None
    assert "leder prövningen" not in entry["minutes"]["sv"]
