"""Attacks of review Q on the walls between kommuner (helper session, adversarial review).

Each test marked as a hole failed on the code reviewed and passes since the run Q fixes
(docs/security.md, "Run Q"); the others are walls that held and are kept as regression
tests where nothing else covers them. Holes 6-8 are tested in test_attack_q_refs.py.

Holes:

1. A shared private organisation (an ideell förening, shared reference data) lists in its
   `members` another kommun's company that the key reads as 404, and the `member=`
   filter of `GET /v1/organisations` tells whether a hidden organisation is a member of
   anything shared (`?member=<B's ref>` answers otherwise than a ref nobody has).
2. A participant kommun's screener moves the gemensam nämnd's case (`PUT /v1/cases/{ref}`
   with another committee) into its own nämnd: the host kommun loses the case and its
   jäv decisions (404), and they now hang on the other kommun's nämnd; moved into a
   nämnd that kommun shares with a third, the third reads the host's jäv decisions.
3. The same for a meeting (`PUT /v1/meetings/{ref}` with another committee): the host's
   meeting of its gemensam nämnd becomes the participant's own and the host reads 404.
4. The personnummer budget (`JAVSKOLL_PERSONNUMMER_LIMIT`) is spent only by `/v1/cases`
   and `/v1/screenings`: a meeting's inline cases (500 items x 20 parties a request) try
   candidates against a masked personnummer uncounted.
5. So does the web page "enter a case" (then screened by ref): no budget at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.security.scope_world import (
    IN_CASE,
    IN_MEETING,
    OUT_CASE,
    OUT_MEETING,
    World,
    case,
    problem_summary,
)
from tests.support.api import ApiClient, path_ref
from tests.support.registry import import_document

# Borby (participant of Ankeby's gemensam nämnd ab-mbn) gets a nämnd of its own.
BORBY_NAMND: dict[str, Any] = {
    "committees": [
        {
            "ref": "borby-tn",
            "organisation": "borby",
            "kind": "namnd",
            "name": "Borby tekniska nämnd",
            "responsibilities": [{"area": "va", "role": "drift"}],
        }
    ]
}


# --- 1. a shared förening names another kommun's hidden company as its member ---------------
def test_a_shared_forening_does_not_name_another_kommuns_hidden_member(
    admin: ApiClient, world: World
) -> None:
    """The operator registers Energiföretagen (an ideell förening: private, so shared
    reference data that every key reads) with Cederby Energi AB as a member. Ankeby's key
    reads cederby-bolag as 404 ("anything else answers exactly as if it did not exist"),
    yet reads its ref in the förening's `members`, and `?member=cederby-bolag` finds the
    förening where `?member=<a ref nobody has>` finds nothing: an existence and
    membership oracle on every ref of another kommun."""
    import_document(
        admin,
        {
            "organisations": [
                {
                    "ref": "energiforetagen",
                    "kind": "ideell_forening",
                    "name": "Energiföretagen",
                    "members": ["cederby-bolag"],
                }
            ]
        },
    )
    ankeby = world.keys["registry"]
    assert ankeby.get("/v1/organisations/cederby-bolag").status_code == 404
    shared = ankeby.get("/v1/organisations/energiforetagen")
    assert shared.status_code == 200, shared.text
    hidden = ankeby.get("/v1/organisations", params={"member": "cederby-bolag"}).json()
    nobody = ankeby.get("/v1/organisations", params={"member": "nobody-bolag"}).json()
    assert (shared.json()["members"], hidden["total"]) == ([], nobody["total"]), (
        shared.json()["members"],
        hidden,
    )


# --- 2. a participant moves the gemensam nämnd's case into its own nämnd ---------------------
def test_a_participant_kommun_cannot_move_the_gemensam_namnds_case_away(
    admin: ApiClient, world: World, client_for: Callable[..., ApiClient]
) -> None:
    """MBN 2026/123 is a case of Ankeby's gemensam nämnd ab-mbn (host Ankeby, participant
    Borby), screened and with a recorded jäv decision. Borby's screener reads it (by
    decision: a gemensam nämnd's case is read by every kommun taking part), and PUTs it
    back with `committee: borby-tn`: the case, its decision and every later screening
    are Borby's alone, and Ankeby's own keys answer 404 for its nämnd's case. The
    registry refuses the same move of a shared object (`reference_scope.check_kept_references`,
    `readers_kept`); a case of a shared committee should keep its readers the same way."""
    import_document(admin, BORBY_NAMND)
    borby = client_for("screener", ["borby"])
    ankeby = world.keys["screener"]
    stored = borby.get(f"/v1/cases/{path_ref(IN_CASE)}")
    assert stored.status_code == 200, stored.text
    moved = {
        **{k: stored.json()[k] for k in ("ref", "matter", "title", "decision_date")},
        "committee": "borby-tn",
        "parties": [],
    }
    answer = borby.put(f"/v1/cases/{path_ref(IN_CASE)}", json=moved)
    after = (
        ankeby.get(f"/v1/cases/{path_ref(IN_CASE)}").status_code,
        ankeby.get(f"/v1/cases/{path_ref(IN_CASE)}/decisions").status_code,
    )
    assert answer.status_code == 409, answer.text[:300]
    assert [(e["pointer"], e["code"]) for e in answer.json()["errors"]] == [
        ("/committee", "committee_fixed")
    ]
    assert after == (200, 200)
    assert borby.get(f"/v1/cases/{path_ref(IN_CASE)}").json()["committee"] == "ab-mbn"


# --- 3. a participant moves the gemensam nämnd's meeting into its own nämnd ------------------
def test_a_participant_kommun_cannot_move_the_gemensam_namnds_meeting_away(
    admin: ApiClient, world: World, client_for: Callable[..., ApiClient]
) -> None:
    """The meeting MBN 2026-03-10 of Ankeby's gemensam nämnd: Borby's screener PUTs it
    with `committee: borby-tn` and an inline item, and Ankeby answers 404 for its own
    nämnd's meeting (its protokoll, its Word document) from then on."""
    import_document(admin, BORBY_NAMND)
    borby = client_for("screener", ["borby"])
    ankeby = world.keys["screener"]
    assert borby.get(f"/v1/meetings/{path_ref(IN_MEETING)}").status_code == 200
    body = {
        "ref": IN_MEETING,
        "committee": "borby-tn",
        "date": "2026-03-10",
        "items": [
            {
                "paragraph": "§ 1",
                "case": {
                    "ref": "BTN 2026/1",
                    "matter": "ovrigt",
                    "title": "Övrigt",
                    "decision_date": "2026-03-10",
                },
            }
        ],
    }
    answer = borby.put(f"/v1/meetings/{path_ref(IN_MEETING)}", json=body)
    after = ankeby.get(f"/v1/meetings/{path_ref(IN_MEETING)}").status_code
    assert answer.status_code == 422, answer.text[:300]
    assert [(e["pointer"], e["code"]) for e in answer.json()["errors"]] == [
        ("/committee", "committee_fixed")
    ]
    assert after == 200


# --- walls that held (regression) ----------------------------------------------------------
def test_refs_out_of_scope_answer_like_refs_nobody_has_across_the_case_side(
    world: World,
) -> None:
    """Every read and every reference of the case side (screenings, replay, rerun, facts,
    audit entries, meetings, decisions, what-if and report filters) answers for another
    kommun's object exactly as for one nobody has, status, type and error codes."""
    screener, auditor = world.keys["screener"], world.keys["auditor"]
    pairs: list[tuple[Callable[[str], Any], str, str]] = [
        (lambda s: screener.get(f"/v1/screenings/{s}"), world.screening_out, "scr_nobody"),
        (lambda s: screener.get(f"/v1/screenings/{s}/facts"), world.screening_out, "scr_x"),
        (lambda s: screener.post(f"/v1/screenings/{s}/replay"), world.screening_out, "scr_y"),
        (lambda s: screener.post(f"/v1/screenings/{s}/rerun"), world.screening_out, "scr_z"),
        (lambda s: auditor.get(f"/v1/audit/{s}"), str(world.audit_out), "999999"),
        (lambda s: screener.get(f"/v1/meetings/{path_ref(s)}"), OUT_MEETING, "XYZ 2026-03-10"),
        (lambda s: screener.get(f"/v1/cases/{path_ref(s)}/decisions"), OUT_CASE, "NO 1"),
        (lambda s: screener.get(f"/v1/persons/{s}/decisions"), "p-cecilia", "p-nobody"),
        (lambda s: screener.get("/v1/meetings", params={"committee": s}), "cederby-bn", "no-bn"),
        (
            lambda s: screener.post(
                f"/v1/cases/{path_ref(IN_CASE)}/decisions",
                json={
                    "person": "p-anna",
                    "raised_by": "screening",
                    "decision": "jav",
                    "decided_on": "2026-03-10",
                    "screening": s,
                },
            ),
            world.screening_out,
            "scr_nobody",
        ),
        (
            lambda s: auditor.post(
                "/v1/whatif",
                json={"parameters": {"name_match_min_score": 0.5}, "filter": {"committee": s}},
            ),
            "cederby-bn",
            "nobody-bn",
        ),
        (
            lambda s: auditor.post(
                "/v1/whatif",
                json={"parameters": {"name_match_min_score": 0.5}, "filter": {"organisation": s}},
            ),
            "cederby",
            "nobody",
        ),
    ]
    for report in ("screenings", "summary", "structural-risks", "samverkan"):
        for param, out in (("organisation", "cederby"), ("committee", "cederby-bn")):
            pairs.append(
                (
                    lambda s, r=report, p=param: auditor.get(f"/v1/reports/{r}", params={p: s}),
                    out,
                    "nobody-x",
                )
            )
    for call, out_ref, nobody in pairs:
        out, none = call(out_ref), call(nobody)
        assert out.status_code == none.status_code, (out_ref, out.text[:300], none.text[:300])
        if out.status_code >= 400:
            o, n = problem_summary(out), problem_summary(none)
            assert (o[0], o[1], o[2]) == (n[0], n[1], n[2]), (out_ref, o, n)


def test_a_shared_companys_hangers_on_stay_hidden(admin: ApiClient, world: World) -> None:
    """A shared private company's board (a committee), office (an administration), the
    friskola it runs in Cederby, its agreement with Cederby and the Cederby people on its
    board or staff: none of them comes into Ankeby's scope through the shared company."""
    import_document(
        admin,
        {
            "organisations": [{"ref": "priv-co", "kind": "aktiebolag", "name": "Privat AB"}],
            "committees": [
                {
                    "ref": "priv-board",
                    "organisation": "priv-co",
                    "kind": "bolagsstyrelse",
                    "name": "Privat AB styrelse",
                    "responsibilities": [],
                }
            ],
            "administrations": [
                {"ref": "priv-adm", "organisation": "priv-co", "name": "Kontor", "serves": []}
            ],
            "operations": [
                {
                    "ref": "cederby-skola",
                    "name": "Cederby friskola",
                    "area": "skola",
                    "operator": {"organisation": "priv-co"},
                    "municipality": "cederby",
                }
            ],
            "agreements": [
                {
                    "ref": "avtal-priv-c",
                    "performer": "priv-co",
                    "principals": ["cederby"],
                    "area": "avfall",
                    "role": "drift",
                }
            ],
            "appointments": [
                {
                    "ref": "appt-carl-board",
                    "person": "p-carl",
                    "body": {"committee": "priv-board"},
                    "role": "ledamot",
                },
                {
                    "ref": "appt-cecilia-adm",
                    "person": "p-cecilia",
                    "body": {"administration": "priv-adm"},
                    "role": "anstalld",
                },
            ],
            "interests": [
                {
                    "ref": "int-carl-priv",
                    "person": "p-carl",
                    "organisation": "priv-co",
                    "kind": "styrelseledamot",
                }
            ],
        },
    )
    ankeby = world.keys["registry"]
    for path in (
        "/v1/committees/priv-board",
        "/v1/administrations/priv-adm",
        "/v1/operations/cederby-skola",
        "/v1/agreements/avtal-priv-c",
        "/v1/persons/p-carl",
        "/v1/persons/p-cecilia",
        "/v1/appointments/appt-carl-board",
        "/v1/interests/int-carl-priv",
    ):
        assert ankeby.get(path).status_code == 404, path
    for path, params in (
        ("/v1/interests", {"organisation": "priv-co"}),
        ("/v1/appointments", {"organisation": "priv-co"}),
        ("/v1/appointments", {"committee": "priv-board"}),
        ("/v1/operations", {"organisation": "priv-co"}),
        ("/v1/agreements", {"organisation": "priv-co"}),
    ):
        listed = ankeby.get(path, params=params)
        assert listed.status_code in (200, 422), listed.text
        if listed.status_code == 200:
            assert listed.json()["items"] == [], (path, params, listed.text[:300])


def test_put_leaving_out_a_shared_objects_other_kommun_changes_nothing(
    admin: ApiClient, world: World
) -> None:
    """A full PUT that simply omits Borby (the gemensam nämnd's participants and `for`, the
    agreement's principals, the förbund's members) is refused and leaves Borby in."""
    ankeby = world.keys["registry"]
    attempts = (
        (
            "/v1/committees/ab-mbn",
            {
                "ref": "ab-mbn",
                "organisation": "ankeby",
                "kind": "gemensam_namnd",
                "name": "X",
                "responsibilities": [{"area": "miljo_halsoskydd", "role": "tillsyn"}],
            },
            "participants",
        ),
        (
            "/v1/agreements/avtal-2024-7",
            {"ref": "avtal-2024-7", "performer": "ankeby", "area": "livsmedel", "role": "tillsyn"},
            "principals",
        ),
        (
            "/v1/organisations/vmf",
            {"ref": "vmf", "kind": "kommunalforbund", "name": "V"},
            "members",
        ),
    )
    for path, body, field in attempts:
        answer = ankeby.put(path, json=body)
        assert answer.status_code in (403, 422), (path, answer.text[:300])
        assert "borby" in admin.get(path).json()[field], path


def test_an_inline_case_in_a_meeting_cannot_name_another_kommuns_case_party(
    world: World,
) -> None:
    """A meeting item's inline case naming Cederby's operation answers like one naming an
    operation nobody has (status, pointers, codes)."""
    screener = world.keys["screener"]

    def attempt(operation: str) -> Any:
        item = case("MBN 2026/900", "ab-mbn", ["p-anna"], [])
        item["parties"] = [{"operation": operation, "role": "tillsynsobjekt"}]
        del item["committee"]
        return screener.post(
            "/v1/meetings",
            json={
                "ref": "MBN 2026-04-01",
                "committee": "ab-mbn",
                "date": "2026-04-01",
                "items": [{"paragraph": "§ 1", "case": item}],
            },
        )

    out, nobody = attempt("cederby-op"), attempt("nobody-op")
    assert problem_summary(out) == problem_summary(nobody), (out.text[:300], nobody.text[:300])


# --- 4./5. personnummer probing around the per-key budget ------------------------------------
ANNA_PNR = "19700101-1233"  # p-anna in the contract's registry; screeners see ********-****


def _candidates(count: int) -> list[str]:
    """Valid personnummer born 1970-01-01, Anna's among them (serial 123)."""
    from stdnum import luhn

    out = []
    for serial in range(100, 100 + count):
        body = f"700101{serial:03d}"
        out.append(f"19{body[:6]}-{body[6:]}{luhn.calc_check_digit(body)}")
    assert ANNA_PNR in out
    return out


def _pnr_parties(numbers: list[str]) -> list[dict[str, str]]:
    return [{"name": "Kandidat", "role": "berord", "personnummer": n} for n in numbers]


def test_a_meetings_inline_cases_spend_the_personnummer_budget(
    app: Any, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A limited key may give at most `JAVSKOLL_PERSONNUMMER_LIMIT` parties by
    personnummer per window (here 30), and a case at most 20: the defence against
    recovering a masked personnummer by trying candidates. The budget is spent only by
    `POST|PUT /v1/cases...` and `POST /v1/screenings` (`probes.CASE_WRITES`): a meeting
    holds up to 500 items, each an inline case with 20 parties by personnummer, 10,000
    candidates a request, none counted. Ankeby's screener tries 60 candidates in one
    meeting of the gemensam nämnd; the item whose candidates hold Anna's number shows
    her stepping out for `part` (the oracle), and the budget is still whole after."""
    from app.security.limits import SharedWindow

    monkeypatch.setitem(
        app.state._state, "personnummer_limiter", SharedWindow("personnummer", 30, 600)
    )
    screener = world.keys["screener"]
    numbers = _candidates(60)
    items = []
    for n in range(3):
        item_case = {
            k: v
            for k, v in case(f"MBN 2026/95{n}", "ab-mbn", ["p-anna"], []).items()
            if k != "committee"
        }
        item_case["parties"] = _pnr_parties(numbers[n * 20 : (n + 1) * 20])
        items.append({"paragraph": f"§ {n + 1}", "case": item_case})
    meeting = screener.post(
        "/v1/meetings",
        json={"ref": "MBN 2026-05-05", "committee": "ab-mbn", "date": "2026-03-10", "items": items},
    )
    follow_up = screener.post(
        "/v1/screenings",
        json={
            "case": {
                **case("MBN 2026/960", "ab-mbn", ["p-anna"], []),
                "parties": _pnr_parties(numbers[:1]),
            }
        },
    )
    # 60 candidates against a budget of 30: the meeting is refused as a whole, before any
    # item is screened (it would show Anna stepping out in § 2, serials 120-139), and
    # nothing is stored; the budget is untouched, so one candidate may still be given.
    assert meeting.status_code == 429, meeting.text[:300]
    assert screener.get("/v1/meetings/MBN%202026-05-05").status_code == 404
    assert follow_up.status_code == 201, follow_up.text[:300]
    # A meeting within the budget spends it: 20 of the 29 left, then 10 more are refused.
    within = screener.post(
        "/v1/meetings",
        json={
            "ref": "MBN 2026-05-06",
            "committee": "ab-mbn",
            "date": "2026-03-10",
            "items": items[:1],
        },
    )
    assert within.status_code == 201, within.text[:300]
    over = screener.post(
        "/v1/screenings",
        json={
            "case": {
                **case("MBN 2026/961", "ab-mbn", ["p-anna"], []),
                "parties": _pnr_parties(numbers[40:50]),
            }
        },
    )
    assert over.status_code == 429, over.text[:300]


def test_the_web_case_form_spends_the_personnummer_budget(
    app: Any, world: World, make_key: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The "enter a case" page stores a case with up to 20 parties by personnummer through
    `cases.service.create_case`, outside `/v1`, so `probe_guard` counts none of them; a
    stored case is then screened by ref (page or API), which gives no personnummer in the
    body either. Ankeby's screener, signed in, stores three such cases (60 candidates
    against a budget of 30) and screens them: nothing is refused."""
    from app.security.limits import SharedWindow
    from tests.web.support import WebClient, csrf_of

    monkeypatch.setitem(
        app.state._state, "personnummer_limiter", SharedWindow("personnummer", 30, 600)
    )
    numbers = _candidates(60)
    browser = WebClient(app)
    key = make_key("screener", ["ankeby"])
    signed = browser.sign_in(key)
    assert signed.status_code == 303, signed.text[:300]
    statuses = []
    for n in range(3):
        browser.page("/arenden/nytt")
        fields: dict[str, str] = {
            "ref": f"MBN 2026/97{n}",
            "title": "Grannehörande",
            "committee": "ab-mbn",
            "matter": "myndighetsutovning",
            "decision_date": "2026-03-10",
            "party_rows": "20",
            "action": "save",
        }
        for i, number in enumerate(numbers[n * 20 : (n + 1) * 20], start=1):
            fields |= {
                f"party-{i}-kind": "other_person",
                f"party-{i}-ref": "Kandidat",
                f"party-{i}-id_number": number,
                f"party-{i}-role": "berord",
            }
        stored = browser.post(
            "/arenden/nytt", data={**fields, "csrf_token": csrf_of(browser.last_html)}
        )
        statuses.append(stored.status_code)
    screened = ApiClient(app, key).post("/v1/screenings", json={"case": "MBN 2026/971"})
    browser.close()
    # The first 20 fit the budget of 30 (stored: 303); the next 20 do not (429 page), and
    # the case that would hold Anna's number (serials 120-139) was never stored.
    assert statuses == [303, 429, 429], statuses
    assert screened.status_code == 404, screened.text[:300]


def test_a_participant_kommun_cannot_hand_the_gemensam_namnds_decisions_to_a_third(
    admin: ApiClient, world: World, client_for: Callable[..., ApiClient]
) -> None:
    """The move of test 2 into a gemensam nämnd that Borby hosts with Cederby: the case
    keeps its jäv decisions (about Ankeby's Anna, with the protocol paragraph, note and
    the recording key's name), and Cederby, which has nothing to do with Ankeby, now
    reads them."""
    import_document(
        admin,
        {
            "committees": [
                {
                    "ref": "bc-mbn",
                    "organisation": "borby",
                    "kind": "gemensam_namnd",
                    "name": "Miljönämnden Borby-Cederby",
                    "participants": ["borby", "cederby"],
                    "responsibilities": [
                        {"area": "miljo_halsoskydd", "role": "tillsyn", "for": ["borby", "cederby"]}
                    ],
                }
            ]
        },
    )
    borby = client_for("screener", ["borby"])
    cederby = client_for("screener", ["cederby"])
    path = f"/v1/cases/{path_ref(IN_CASE)}"
    assert cederby.get(f"{path}/decisions").status_code == 404
    stored = borby.get(path).json()
    moved = {
        **{k: stored[k] for k in ("ref", "matter", "title", "decision_date")},
        "committee": "bc-mbn",
        "parties": [],
    }
    answer = borby.put(path, json=moved)
    seen = cederby.get(f"{path}/decisions")
    assert (answer.status_code, seen.status_code) == (409, 404), seen.text[:400]


def test_an_unscreened_case_of_a_gemensam_namnd_moves_only_by_its_hosts_keys(
    admin: ApiClient, world: World, client_for: Callable[..., ApiClient]
) -> None:
    """A case of the gemensam nämnd with nothing screened or decided in it: Borby (a
    participant) may not move it into its own nämnd (403 at /committee, nothing changed);
    Ankeby (the host) may move it to its own tekniska nämnd, a registration corrected."""
    import_document(admin, BORBY_NAMND)
    fresh = case("MBN 2026/555", "ab-mbn", ["p-anna"], [])
    assert admin.post("/v1/cases", json=fresh).status_code == 201
    borby = client_for("screener", ["borby"])
    path = f"/v1/cases/{path_ref('MBN 2026/555')}"
    refused = borby.put(path, json={**fresh, "committee": "borby-tn", "participants": []})
    assert refused.status_code == 403, refused.text[:300]
    assert [(e["pointer"], e["code"]) for e in refused.json()["errors"]] == [
        ("/committee", "out_of_scope")
    ]
    assert admin.get(path).json()["committee"] == "ab-mbn"
    ankeby = world.keys["screener"]
    moved = ankeby.put(path, json={**fresh, "committee": "ankeby-tn"})
    assert moved.status_code == 200, moved.text[:300]
    assert admin.get(path).json()["committee"] == "ankeby-tn"


def test_a_participant_may_not_end_the_hosts_appointees_to_the_gemensam_namnd(
    admin: ApiClient, world: World, client_for: Callable[..., ApiClient]
) -> None:
    """Anna sits in Ankeby's gemensam nämnd, appointed by Ankeby. Borby, which takes part
    in the nämnd, reads her appointment but may not end or delete it: that would drop her
    from the nämnd's screenings (found by the review of run Q, as an observation). Borby
    may change its own appointee; Ankeby, the host, may change either."""
    appointed = {"person": "p-anna", "body": {"committee": "ab-mbn"}, "role": "ledamot"}
    assert (
        admin.patch("/v1/appointments/appt-anna", json={"appointed_by": "ankeby"}).status_code
        == 200
    )
    import_document(
        admin,
        {
            "persons": [{"ref": "p-bo", "name": "Bo Borby"}],
            "appointments": [
                {
                    "ref": "appt-bo",
                    "person": "p-bo",
                    "body": {"committee": "ab-mbn"},
                    "role": "ledamot",
                    "appointed_by": "borby",
                }
            ],
        },
    )
    borby = client_for("registry", ["borby"])
    before = admin.get("/v1/appointments/appt-anna").json()
    assert borby.get("/v1/appointments/appt-anna").status_code == 200
    ended = borby.patch("/v1/appointments/appt-anna", json={"valid_to": "2026-01-01"})
    assert ended.status_code == 403, ended.text[:300]
    assert borby.delete("/v1/appointments/appt-anna").status_code == 403
    gone = borby.post(
        "/v1/import",
        json={"appointments": [{**appointed, "ref": "appt-anna", "valid_to": "2026-01-01"}]},
    )
    assert gone.status_code == 403, gone.text[:300]
    assert admin.get("/v1/appointments/appt-anna").json() == before
    own = borby.patch("/v1/appointments/appt-bo", json={"valid_to": "2026-12-31"})
    assert own.status_code == 200, own.text[:300]
    host = world.keys["registry"].patch("/v1/appointments/appt-bo", json={"order": 2})
    assert host.status_code == 200, host.text[:300]
