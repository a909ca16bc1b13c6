"""POST/GET /v1/screenings, /v1/rules and the structural report, through the HTTP API."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import orjson
import pytest
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from app.db import PLAIN_STATEMENTS_OPTION
from app.screening import names, party_repository, pg_loader
from tests.screening.registry import ORGNR_BYGG, PNR_SAMBO, case, registry
from tests.support.api import ApiClient, path_ref
from tests.support.databases import backend
from tests.support.registry import import_document
from tests.support.statements import recorded_statements


@pytest.fixture
def loaded(admin: ApiClient) -> None:
    import_document(admin, registry(sambo_pnr=PNR_SAMBO))


def screen(client: ApiClient, body: dict[str, Any], status: int = 201) -> dict[str, Any]:
    response = client.post("/v1/screenings", json=body)
    assert response.status_code == status, response.text
    return response.json()  # type: ignore[no-any-return]


def findings_of(result: dict[str, Any], person: str) -> list[dict[str, Any]]:
    return [f for f in result["findings"] if f["person"] == person]


# --- the answer -------------------------------------------------------------------------


def test_inline_screening_answers_the_contract_shape(loaded: None, admin: ApiClient) -> None:
    result = screen(admin, {"case": case()})
    assert result["id"].startswith("scr_") and len(result["id"]) == 30
    assert result["created_at"].endswith("Z")
    assert (result["case"], result["as_of"], result["outcome"]) == (
        "MBN 2026/7",
        "2026-03-10",
        "flagged",
    )
    assert result["rules_version"]
    led1 = findings_of(result, "p-led1")
    assert [(f["ground"], f["level"]) for f in led1] == [("stallforetradare", "jav")]
    finding = led1[0]
    assert set(finding) >= {
        "person",
        "ground",
        "level",
        "rule",
        "legal_basis",
        "explanation",
        "path",
    }
    assert set(finding["explanation"]) == {"sv", "en"}
    assert finding["path"][0] == {
        "from": "p-led1",
        "relation": "styrelseledamot",
        "to": "bygg-ab",
        "from_name": "Cecilia Ström",
        "to_name": "Östby Bygg & Mark AB",
    }
    assert finding["path"][-1]["to"] == "MBN 2026/7"
    # People by name: every person ref in the answer comes with the person's name.
    assert finding["name"] == "Cecilia Ström"
    assert [(p["person"], p["role"]) for p in result["participants"]] == [
        ("p-ordf", "ordforande"),
        ("p-led1", "ledamot"),
    ]
    assert all(p["name"] and p["name"] != p["person"] for p in result["participants"])
    assert all("facts_seen" in p for p in result["participants"])
    assert set(result["audit"]) == {"id", "chain", "sequence", "hash"}


def test_as_of_defaults_to_the_decision_date_and_can_be_given(
    loaded: None, admin: ApiClient
) -> None:
    assert screen(admin, {"case": case(decision_date="2025-05-05")})["as_of"] == "2025-05-05"
    given = screen(admin, {"case": case(), "as_of": "2019-06-01"})
    assert given["as_of"] == "2019-06-01"
    # p-led1's board seat began 2020-01-01: nothing to find on 2019-06-01.
    assert findings_of(given, "p-led1") == []
    assert screen(admin, {"case": case(decision_date=None)})["as_of"]


def test_a_participant_without_registry_facts_is_screened_and_clear(
    loaded: None, admin: ApiClient
) -> None:
    result = screen(
        admin,
        {
            "case": case(
                participants=[{"person": "p-friend", "role": "ledamot"}],
                parties=[{"person": "p-old", "role": "sokande"}],
            )
        },
    )
    assert result["outcome"] == "clear" and result["findings"] == []
    assert result["participants"][0]["person"] == "p-friend"


# --- default participants ---------------------------------------------------------------


def test_default_participants_are_the_committees_seats_and_its_staff_on_as_of(
    loaded: None, admin: ApiClient
) -> None:
    result = screen(admin, {"case": case(participants=[])})
    screened = {p["person"]: p["role"] for p in result["participants"]}
    # Members appointed by both kommuner of the gemensam nämnd; p-old's seat ended in 2022;
    # p-insp works in the administration serving the nämnd, p-tf in one that does not.
    assert screened == {
        "p-ordf": "ordforande",
        "p-vice": "ledamot",
        "p-led1": "ledamot",
        "p-led2": "ledamot",
        "p-ers": "ersattare",
        "p-insp": "inspektor",
    }
    assert all(p["by_default"] for p in result["participants"])
    assert findings_of(result, "p-led1")[0]["ground"] == "stallforetradare"
    without = case()
    del without["participants"]
    assert {p["person"] for p in screen(admin, {"case": without})["participants"]} == set(screened)


# --- unregistered parties ---------------------------------------------------------------


def test_unregistered_party_matched_by_orgnr_counts_in_full(loaded: None, admin: ApiClient) -> None:
    party = {"name": "Helt annat namn", "orgnr": ORGNR_BYGG.replace("-", ""), "role": "sokande"}
    result = screen(admin, {"case": case(parties=[party])})
    led1 = findings_of(result, "p-led1")
    assert [(f["ground"], f["level"]) for f in led1] == [("stallforetradare", "jav")]
    assert "match_score" not in led1[0]


def test_unregistered_party_matched_by_personnummer(loaded: None, admin: ApiClient) -> None:
    party = {"name": "I. S.", "personnummer": PNR_SAMBO.replace("-", "")[2:], "role": "sokande"}
    result = screen(
        admin,
        {"case": case(parties=[party], participants=[{"person": "p-ers", "role": "ersattare"}])},
    )
    assert [(f["ground"], f["level"]) for f in findings_of(result, "p-ers")] == [("part", "jav")]
    assert PNR_SAMBO not in json.dumps(result)


@pytest.mark.parametrize(
    "name",
    [
        "östby bygg och mark",
        "Östby Bygg & Mark Aktiebolag",
        "BYGG MARK OSTBY AB",
        "Östby Byg & Mark AB i likvidation",
    ],
)
def test_unregistered_party_matched_by_name_is_at_most_mojligt_jav_and_shows_the_score(
    loaded: None, admin: ApiClient, name: str
) -> None:
    result = screen(admin, {"case": case(parties=[{"name": name, "role": "sokande"}])})
    led1 = findings_of(result, "p-led1")
    assert [(f["ground"], f["level"]) for f in led1] == [("stallforetradare", "mojligt_jav")]
    assert 85 <= led1[0]["match_score"] <= 100
    assert result["outcome"] == "flagged"


def test_person_matched_by_name_through_a_narstaende(loaded: None, admin: ApiClient) -> None:
    party = {"name": "Sambo, Ingrid", "role": "sokande"}
    result = screen(
        admin,
        {"case": case(parties=[party], participants=[{"person": "p-ers", "role": "ersattare"}])},
    )
    ers = findings_of(result, "p-ers")
    assert [(f["ground"], f["level"]) for f in ers] == [("part", "mojligt_jav")]
    assert ers[0]["match_score"] == 100


def test_an_identifier_match_outweighs_a_name_match_of_the_same_company(
    loaded: None, admin: ApiClient
) -> None:
    """Two parties reach one company, the first by name only, the second by orgnr: the
    ställföreträdare is jäv, not only possibly (each ground read the first link to a ref,
    so the party order decided; a helper's review of run M)."""
    by_name = {"name": "Östby Bygg & Mark AB", "role": "sokande"}
    by_orgnr = {"name": "Helt annat namn", "orgnr": ORGNR_BYGG.replace("-", ""), "role": "part"}
    for parties in ([by_name, by_orgnr], [by_orgnr, by_name]):
        led1 = findings_of(screen(admin, {"case": case(parties=parties)}), "p-led1")
        assert [(f["ground"], f["level"]) for f in led1] == [("stallforetradare", "jav")]
        assert "match_score" not in led1[0]


# More bearers of the name than a page of name candidates, all registered first.
CROWD = 60


@pytest.mark.parametrize("crowd", [0, CROWD])
@pytest.mark.parametrize(
    ("tie", "participants", "screened"),
    [
        # no participants named: the inspector of the serving administration is one
        ({"relations": [{"person": "p-insp", "related": "p-sven", "kind": "sambo"}]}, [], "p-insp"),
        # god man for the party
        (
            {
                "interests": [
                    {"person": "p-led1", "on_behalf_of": "p-sven", "kind": "god_man_forvaltare"}
                ]
            },
            None,
            "p-led1",
        ),
        # the participant's sambo is god man for the party
        (
            {
                "interests": [
                    {"person": "p-sambo", "on_behalf_of": "p-sven", "kind": "god_man_forvaltare"}
                ]
            },
            [{"person": "p-ers", "role": "ersattare"}],
            "p-ers",
        ),
        # the party works beside the inspector in the same administration
        (
            {
                "appointments": [
                    {
                        "person": "p-sven",
                        "body": {"administration": "ost-mf"},
                        "role": "handlaggare",
                        "valid_from": "2020-01-01",
                    }
                ]
            },
            [{"person": "p-insp", "role": "inspektor"}],
            "p-insp",
        ),
    ],
    ids=["staff-sambo", "god-man", "kin-god-man", "colleague"],
)
def test_a_common_name_keeps_the_namesakes_near_the_case(
    loaded: None,
    admin: ApiClient,
    crowd: int,
    tie: dict[str, Any],
    participants: list[Any] | None,
    screened: str,
) -> None:
    """However many others bear the party's name, the namesake tied to a participant is
    a candidate: a default participant's sambo, the person a ledamot is god man for
    (review of run M: the near set had neither)."""
    if crowd:
        others = [{"ref": f"zz-sven-{i:03d}", "name": "Sven Svensson"} for i in range(crowd)]
        import_document(admin, {"persons": others})
    import_document(admin, {"persons": [{"ref": "p-sven", "name": "Sven Svensson"}], **tie})
    parties = [{"name": "Sven Svensson", "role": "sokande"}]
    body = (
        case(parties=parties)
        if participants is None
        else case(parties=parties, participants=participants)
    )
    assert findings_of(screen(admin, {"case": body}), screened)


@pytest.mark.parametrize("crowd", [0, CROWD])
def test_a_common_company_name_keeps_the_one_a_ledamot_sits_on_the_board_of(
    loaded: None, admin: ApiClient, crowd: int
) -> None:
    """A seat in a company's bolagsstyrelse ties the ledamot to the company, however many
    companies bear its name (a helper's review of run M: the near set read only
    appointments to the organisation itself, not seats in its governing committee)."""
    if crowd:
        others = [
            {"ref": f"zz-org-{i:03d}", "kind": "aktiebolag", "name": "Svensson Fastigheter AB"}
            for i in range(crowd)
        ]
        import_document(admin, {"organisations": others})
    import_document(
        admin,
        {
            "organisations": [
                {"ref": "sv-ab", "kind": "aktiebolag", "name": "Svensson Fastigheter AB"}
            ],
            "committees": [
                {
                    "ref": "sv-styr",
                    "organisation": "sv-ab",
                    "kind": "bolagsstyrelse",
                    "name": "Styrelsen",
                }
            ],
            "appointments": [
                {
                    "person": "p-led1",
                    "body": {"committee": "sv-styr"},
                    "role": "ledamot",
                    "valid_from": "2023-01-01",
                }
            ],
        },
    )
    body = case(
        parties=[{"name": "Svensson Fastigheter AB", "role": "sokande"}],
        participants=[{"person": "p-led1", "role": "ledamot"}],
    )
    found = [
        (f["ground"], f["level"]) for f in findings_of(screen(admin, {"case": body}), "p-led1")
    ]
    assert ("stallforetradare", "mojligt_jav") in found, found


def test_a_certain_owner_link_outweighs_a_name_match_in_either_order(
    loaded: None, admin: ApiClient
) -> None:
    """The holding company is a party by ref, and owner of a company matched by name
    only: its owner's finding is the same whatever the parties' order (review of run M:
    the owner targets were not sorted as the party links were)."""
    by_name = {"name": "Östby Bygg & Mark AB", "role": "sokande"}
    by_ref = {"organisation": "holding-ab", "role": "part"}
    seats = [{"person": "p-extra", "role": "ledamot"}, {"person": "p-ordf", "role": "ordforande"}]
    found = [
        sorted(
            (f["ground"], f["level"], f.get("match_score"))
            for f in findings_of(
                screen(admin, {"case": case(parties=parties, participants=seats)}), "p-extra"
            )
        )
        for parties in ([by_name, by_ref], [by_ref, by_name])
    ]
    assert found[0] == found[1] and found[0], found


def test_an_unmatched_name_gives_nothing(loaded: None, admin: ApiClient) -> None:
    result = screen(admin, {"case": case(parties=[{"name": "Zeta Omega", "role": "sokande"}])})
    assert result["findings"] == [] and result["outcome"] == "clear"


# --- stored screenings --------------------------------------------------------------------


def test_stored_case_screened_by_ref_is_readable_and_listed(loaded: None, admin: ApiClient) -> None:
    ref = "KS 2026/123"
    assert admin.post("/v1/cases", json=case(ref=ref)).status_code == 201
    first = screen(admin, {"case": ref})
    second = screen(admin, {"case": ref, "as_of": "2026-01-01"})
    assert first["case"] == ref
    got = admin.get(f"/v1/screenings/{first['id']}")
    assert got.status_code == 200 and got.json() == first
    listed = admin.get("/v1/screenings", params={"case": ref}).json()
    assert [s["id"] for s in listed["items"]] == [second["id"], first["id"]]
    assert listed["total"] == 2
    page = admin.get("/v1/screenings", params={"case": ref, "limit": 1, "offset": 1}).json()
    assert [s["id"] for s in page["items"]] == [first["id"]]
    assert admin.get("/v1/screenings", params={"case": "other"}).json()["total"] == 0
    assert admin.get("/v1/screenings/scr_nope").status_code == 404


def test_every_screening_is_in_the_audit_log(loaded: None, admin: ApiClient) -> None:
    party = {"name": "X", "personnummer": PNR_SAMBO, "role": "berord"}
    result = screen(admin, {"case": case(parties=[*case()["parties"], party])})
    entry = admin.get(f"/v1/audit/{result['audit']['id']}").json()
    assert entry["kind"] == "screening" and entry["hash"] == result["audit"]["hash"]
    data = entry["payload"]["data"]
    assert data["screening"] == result["id"]
    assert data["rules_version"] == result["rules_version"]
    assert data["findings"] == result["findings"]
    assert data["case"]["parties"][1]["personnummer_masked"] == "19800202-****"
    assert len(data["case"]["parties"][1]["personnummer_hash"]) == 64
    assert PNR_SAMBO not in json.dumps(entry) and "198002020009" not in json.dumps(entry)
    subjects = {(s["kind"], s["ref"]) for s in entry["subjects"]}
    assert subjects >= {
        ("case", "MBN 2026/7"),
        ("committee", "ost-mbn"),
        ("organisation", "k-ost"),
        ("person", "p-ordf"),
        ("person", "p-led1"),
    }
    assert admin.get("/v1/audit/verify").json()["ok"] is True


def test_scope_applies_to_screenings(
    loaded: None, admin: ApiClient, client_for: Callable[..., ApiClient]
) -> None:
    tn_case = case(
        ref="TN 1",
        committee="ost-tn",
        area="va",
        parties=[],
        participants=[{"person": "p-led2", "role": "ledamot"}],
    )
    admin.post("/v1/cases", json=tn_case)
    stored = screen(admin, {"case": "TN 1"})
    vast = client_for("screener", orgs=["k-vast"])
    assert vast.post("/v1/screenings", json={"case": "TN 1"}).status_code == 404
    assert vast.post("/v1/screenings", json={"case": tn_case}).status_code == 422
    assert vast.get(f"/v1/screenings/{stored['id']}").status_code == 404
    assert vast.get("/v1/screenings", params={"case": "TN 1"}).json()["total"] == 0
    shared = screen(vast, {"case": case()})  # the gemensam nämnd Västby takes part in
    assert vast.get(f"/v1/screenings/{shared['id']}").status_code == 200
    assert client_for("auditor").post("/v1/screenings", json={"case": case()}).status_code == 403
    assert client_for("auditor").get(f"/v1/screenings/{shared['id']}").status_code == 200


# --- bad input ----------------------------------------------------------------------------


def test_bad_inline_case_is_422_with_pointers_and_stores_nothing(
    loaded: None, admin: ApiClient
) -> None:
    before_audit = admin.get("/v1/audit").json()["total"]
    bad = case(
        committee="nope",
        parties=[
            {"person": "ghost", "role": "part"},
            {"name": "Y", "personnummer": "19800202-0001", "role": "part"},
        ],
        participants=[
            {"person": "p-ordf", "role": "ordforande"},
            {"person": "phantom", "role": "ledamot"},
        ],
    )
    response = admin.post("/v1/screenings", json={"case": bad})
    assert response.status_code == 422
    assert {e["pointer"] for e in response.json()["errors"]} == {
        "/case/committee",
        "/case/parties/0/person",
        "/case/parties/1/personnummer",
        "/case/participants/1/person",
    }
    assert "19800202-0001" not in response.text
    shape = admin.post(
        "/v1/screenings",
        json={"case": {"ref": "X", "committee": "ost-mbn", "parties": [{"role": "part"}]}},
    )
    assert shape.status_code == 422
    assert {e["pointer"] for e in shape.json()["errors"]} == {"/case/matter", "/case/parties/0"}
    assert admin.post("/v1/screenings", json={"case": "NO SUCH 1"}).status_code == 404
    assert admin.post("/v1/screenings", json={"case": case(), "as_of": "soon"}).status_code == 422
    assert admin.post("/v1/screenings", json={}).status_code == 422
    assert admin.get("/v1/screenings").json()["total"] == 0
    assert admin.get("/v1/audit").json()["total"] == before_audit


# --- rules --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["admin", "registry", "screener", "auditor"])
def test_rules_are_listed_for_every_role(client_for: Callable[..., ApiClient], role: str) -> None:
    body = client_for(role).get("/v1/rules").json()
    assert body["rules_version"]
    assert body["rules"]
    for rule in body["rules"]:
        assert {
            "id",
            "ground",
            "level",
            "legal_basis",
            "valid_from",
            "valid_to",
            "description",
        } <= set(rule)
        assert rule["legal_basis"]
    grounds = {r["ground"] for r in body["rules"] if isinstance(r["ground"], str)}
    assert {"part", "paverkan", "stallforetradare", "tillsynsjav", "egen_tillsyn"} <= grounds


def test_rules_version_is_the_one_stamped_on_screenings(loaded: None, admin: ApiClient) -> None:
    assert (
        screen(admin, {"case": case()})["rules_version"]
        == admin.get("/v1/rules").json()["rules_version"]
    )


# --- statement count ----------------------------------------------------------------------


@pytest.fixture
def statements(connection: Connection) -> Iterator[list[str]]:
    with recorded_statements(connection) as seen:
        yield seen


def _count(admin: ApiClient, statements: list[str], body: dict[str, Any]) -> tuple[int, int]:
    """(statements issued by one POST /v1/screenings, findings in its answer)."""
    statements.clear()
    result = screen(admin, body)
    return len(statements), len(result["findings"]) + len(result["structural"])


def test_statement_count_does_not_grow_with_participants_or_parties(
    loaded: None, admin: ApiClient, statements: list[str]
) -> None:
    base_parties = [
        {"organisation": "bygg-ab", "role": "sokande"},
        {"operation": "ost-rv", "role": "berord"},
        {"person": "p-sambo", "role": "berord"},
    ]
    base_participants = [
        {"person": "p-ordf", "role": "ordforande"},
        {"person": "p-led1", "role": "ledamot"},
    ]
    # The organisation's first audited screening also creates its audit chain: warm up.
    _count(admin, statements, {"case": case(parties=base_parties, participants=base_participants)})
    base = _count(
        admin, statements, {"case": case(parties=base_parties, participants=base_participants)}
    )
    more_people = _count(
        admin,
        statements,
        {
            "case": case(
                parties=base_parties,
                participants=[
                    *base_participants,
                    {"person": "p-ers", "role": "ersattare"},
                    {"person": "p-vice", "role": "ledamot"},
                    {"person": "p-led2", "role": "ledamot"},
                ],
            )
        },
    )
    more_parties = _count(
        admin,
        statements,
        {
            "case": case(
                participants=base_participants,
                parties=[
                    *base_parties,
                    {"organisation": "vatten-ab", "role": "part"},
                    {"committee": "ost-tn", "role": "part"},
                    {"person": "p-ordf", "role": "berord"},
                    {"name": "Hultarps snickeri AB", "role": "berord"},
                    {"name": "Q", "orgnr": "5560000001", "role": "berord"},
                ],
            )
        },
    )
    one_unregistered = _count(
        admin,
        statements,
        {
            "case": case(
                participants=base_participants,
                parties=[*base_parties, {"name": "Hultarps snickeri AB", "role": "berord"}],
            )
        },
    )
    # More participants and parties reach more facts and give more findings, in the same
    # number of statements (authentication, loading, evaluation, audit, storing). Parties
    # given without a ref are matched by one statement, however many there are; a case
    # naming every party by ref runs none (app/screening/matching.py).
    assert more_people[1] > base[1] and more_parties[1] > base[1]
    assert base[0] == more_people[0], (base, more_people)
    assert more_parties[0] == one_unregistered[0] == base[0] + 1, (
        base, one_unregistered, more_parties,
    )  # fmt: skip
    # PostgreSQL: the case's references in one statement, the facts in one (the whole
    # reach as one JSON document, after the SET LOCAL that gives it a generic plan; the
    # base case has no party to match), and the write in two (lock the head and read the
    # entry's organisations, then one statement of CTEs, app/screening/pg_store.py): 7 in
    # all with the harness's SAVEPOINT and RELEASE.
    # SQLite keeps the batched loader (18 selects without a party to match) and the ORM
    # write: 31. No name-index drain: a screening writes no names. (An unlimited key reads
    # no rate-limit row; a limited key adds that one read, app/security/limits.py.)
    assert not [s for s in statements if "name_index_queue" in s], statements
    assert base[0] <= (7 if backend() == "postgresql" else 31), (base, statements)


def test_postgresql_prepares_the_reach_once_per_connection(
    loaded: None, admin: ApiClient, statements: list[str], connection: Connection
) -> None:
    """The reach is a server-side prepared statement: PREPAREd on a connection's first
    screening, EXECUTEd after; it outlives the request's transaction (issue 15)."""
    if backend() != "postgresql":
        pytest.skip("SQLite has the batched loader and no prepared statements")
    body = {
        "case": case(
            parties=[
                {"organisation": "bygg-ab", "role": "sokande"},
                {"operation": "ost-rv", "role": "berord"},
                {"person": "p-sambo", "role": "berord"},
            ],
            participants=[
                {"person": "p-ordf", "role": "ordforande"},
                {"person": "p-led1", "role": "ledamot"},
            ],
        )
    }
    first = _count(admin, statements, body)
    second = _count(admin, statements, body)
    assert not [s for s in statements if s.startswith("PREPARE")], statements
    assert len([s for s in statements if s.startswith("EXECUTE javskoll_reach(")]) == 1
    assert first[1] == second[1] > 0  # the same findings as on the first run
    prepared = connection.exec_driver_sql(
        "SELECT count(*) FROM pg_prepared_statements WHERE name = 'javskoll_reach'"
    ).scalar_one()
    assert prepared == 1


def test_postgresql_reach_keeps_its_generic_plan(
    loaded: None, admin: ApiClient, connection: Connection
) -> None:
    """The reach runs with a generic plan (app/screening/pg_loader.py): planned once per
    connection, never per screening, whatever the first runs' estimates say. Only from
    the reach on, in its transaction: a connection starts with "auto", so the ORM's
    statements are planned with their parameters' values (a generic JOIN plan walked a
    whole index, tests/cases/test_pg_plans.py)."""
    if backend() != "postgresql":
        pytest.skip("SQLite has the batched loader and no prepared statements")
    for participants in ([{"person": "p-ordf", "role": "ordforande"}], []):
        for _ in range(4):
            response = admin.post("/v1/screenings", json={"case": case(participants=participants)})
            assert response.status_code == 201, response.text
    generic, custom = connection.exec_driver_sql(
        "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
        " WHERE name = 'javskoll_reach'"
    ).one()
    assert custom == 0 and generic >= 8, (generic, custom)
    assert connection.exec_driver_sql("SHOW plan_cache_mode").scalar_one() == (
        "force_generic_plan"  # LOCAL to this test's one transaction, which ran them all
    )
    with connection.engine.connect() as fresh:
        assert fresh.exec_driver_sql("SHOW plan_cache_mode").scalar_one() == "auto"


def test_postgresql_plain_reach_when_prepared_statements_are_off(
    loaded: None, connection: Connection
) -> None:
    """JAVSKOLL_DB_PREPARE_REACH=false (PgBouncer in transaction mode): the same document
    from a plain statement, and no PREPARE or EXECUTE."""
    if backend() != "postgresql":
        pytest.skip("SQLite has the batched loader and no prepared statements")
    committee, organisation = connection.exec_driver_sql(
        "SELECT id, organisation_id FROM committees ORDER BY id LIMIT 1"
    ).one()
    values = {
        "case_committee": committee,
        "committee_ids": [committee],
        "org_ids": [organisation],
        "party_org_ids": [organisation],
        "party_person_ids": [],
        "person_ids": [],
        "participant_ids": [],
        "defaults": True,
        "op_ids": [],
        "earlier_committee_ids": [],
        "case_area": ["bygglov"],
        "as_of": date(2026, 3, 10),
    }
    prepared = pg_loader._reach_document(Session(bind=connection), values)
    with recorded_statements(connection) as seen:
        plain = pg_loader._reach_document(
            Session(bind=connection.execution_options(**{PLAIN_STATEMENTS_OPTION: True})), values
        )
    assert orjson.loads(plain) == orjson.loads(prepared)
    assert '"around":[[' in prepared.replace(" ", "")  # the committee was reached
    assert seen and not [s for s in seen if s.startswith(("PREPARE", "EXECUTE"))], seen


# --- structural report --------------------------------------------------------------------


def test_structural_report_for_an_organisation(loaded: None, admin: ApiClient) -> None:
    doc = registry()
    # The Tekniska förvaltningen also serves the miljö- och byggnämnd, which supervises
    # miljö (reaching va) for Östby: a shared administration.
    doc["administrations"][1]["serves"] = ["ost-tn", "ost-mbn"]
    import_document(admin, {"administrations": doc["administrations"]})
    response = admin.get("/v1/organisations/k-ost/structural-risks", params={"as_of": "2026-03-10"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["organisation"], body["as_of"]) == ("k-ost", "2026-03-10")
    found = {(s["ground"], s["committee"]) for s in body["structural"]}
    assert ("delad_forvaltning", "ost-mbn") in found
    assert ("samverkan_egen_drift", "ost-mbn") in found
    assert ("dubbla_roller", "ost-mbn") in found  # p-led2 sits in both
    for s in body["structural"]:
        assert s["level"] == "risk" and s["legal_basis"] and set(s["explanation"]) == {"sv", "en"}
    # Västby takes part in the gemensam nämnd: the same risks concern it.
    vast = admin.get("/v1/organisations/k-vast/structural-risks").json()
    assert ("samverkan_egen_drift", "ost-mbn") in {
        (s["ground"], s["committee"]) for s in vast["structural"]
    }
    assert admin.get("/v1/organisations/nope/structural-risks").status_code == 404


def test_structural_report_scope_and_refs_with_slashes(
    admin: ApiClient, client_for: Callable[..., ApiClient]
) -> None:
    import_document(
        admin,
        {
            "organisations": [
                {"ref": "Kommun A/1", "kind": "kommun", "name": "A kommun"},
                {"ref": "kommun-b", "kind": "kommun", "name": "B kommun"},
            ]
        },
    )
    url = "/v1/organisations/" + path_ref("Kommun A/1") + "/structural-risks"
    assert admin.get(url).json() == {
        **admin.get(url).json(),
        "organisation": "Kommun A/1",
        "structural": [],
    }
    assert client_for("auditor", orgs=["kommun-b"]).get(url).status_code == 404
    assert client_for("auditor", orgs=["Kommun A/1"]).get(url).status_code == 200


# --- the name index follows the registry ---------------------------------------------------


def test_name_matching_follows_renames(loaded: None, admin: ApiClient) -> None:
    party = {"name": "Ingrid Andersson", "role": "sokande"}
    body = {"case": case(parties=[party], participants=[{"person": "p-ers", "role": "ersattare"}])}
    assert screen(admin, body)["findings"] == []
    renamed = admin.patch("/v1/persons/p-sambo", json={"name": "Ingrid Andersson"})
    assert renamed.status_code == 200, renamed.text
    ers = findings_of(screen(admin, body), "p-ers")
    assert [(f["ground"], f["level"], f["match_score"]) for f in ers] == [
        ("part", "mojligt_jav", 100.0)
    ]
    old_name = {
        "case": case(
            parties=[{"name": "Ingrid Sambo", "role": "sokande"}],
            participants=[{"person": "p-ers", "role": "ersattare"}],
        )
    }
    assert screen(admin, old_name)["findings"] == []
    snickeri = {
        "case": case(
            parties=[{"name": "Hultarps Snickeri AB", "role": "sokande"}],
            participants=[{"person": "p-ers", "role": "ersattare"}],
        )
    }
    assert findings_of(screen(admin, snickeri), "p-ers")  # the sambo is VD of the company


def test_out_of_scope_participants_and_loose_dates_are_refused(
    loaded: None, admin: ApiClient, client_for: Callable[..., ApiClient]
) -> None:
    vast = client_for("screener", orgs=["k-vast"])
    # p-extra sits only in Östby's tekniska nämnd: not in Västby's scope.
    named = case(
        participants=[
            {"person": "p-ordf", "role": "ordforande"},
            {"person": "p-extra", "role": "ledamot"},
        ]
    )
    response = vast.post("/v1/screenings", json={"case": named})
    assert response.status_code == 422  # as if p-extra did not exist
    assert [e["pointer"] for e in response.json()["errors"]] == ["/case/participants/1/person"]
    assert screen(vast, {"case": case()})["outcome"] == "flagged"
    for as_of in (0, "20260310"):
        refused = admin.post("/v1/screenings", json={"case": case(), "as_of": as_of})
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["pointer"] == "/as_of"
    early = admin.get("/v1/organisations/k-ost/structural-risks", params={"as_of": "1970-01-01"})
    assert early.status_code == 422
    assert early.json()["errors"][0]["parameter"] == "as_of"
    assert admin.get("/v1/screenings").json()["total"] == 1


def test_the_no_names_declaration_ends_with_its_transaction(session: Session) -> None:
    """`writes_no_names` skips the drain of one commit only: a rollback or the commit
    ends it, so a later transaction that writes names is drained as before."""
    from app.screening.name_index import NO_NAMES_WRITTEN, writes_no_names  # noqa: PLC0415

    session.execute(text("SELECT 1"))
    writes_no_names(session)
    session.rollback()
    assert NO_NAMES_WRITTEN not in session.info
    session.execute(text("SELECT 1"))
    writes_no_names(session)
    session.commit()
    assert NO_NAMES_WRITTEN not in session.info


def test_the_audit_data_built_from_the_result_json_is_the_models(
    loaded: None, session: Session, settings: Any
) -> None:
    """`store.audit_data` (from the result's JSON, issue 15) gives the audit payload's
    data exactly as `ScreeningAuditData` did, for a first screening and a rerun."""
    from app.screening import service, store  # noqa: PLC0415
    from app.screening.schemas import ScreeningIn  # noqa: PLC0415
    from app.security.deps import Principal  # noqa: PLC0415
    from app.security.roles import Role  # noqa: PLC0415

    principal = Principal(1, "tester", Role("admin"), None)
    body = ScreeningIn.model_validate(
        {
            "case": case(
                parties=[
                    {"organisation": "bygg-ab", "role": "sokande"},
                    {"person": "p-sambo", "role": "berord"},
                    {"name": "Hultarps snickeri AB", "role": "berord"},
                ],
                participants=[
                    {"person": "p-ordf", "role": "ordforande"},
                    {"person": "p-led1", "role": "ledamot"},
                    {"person": "p-led2", "role": "ledamot"},
                ],
            )
        }
    )
    resolved = service.resolve_screened_case(
        session, principal, body, pnr_secret=settings.pnr_secret
    )
    for reran in (None, "scr_00000000000000000000000000"):
        pending = service.evaluate_case(
            session, principal, resolved, date(2026, 3, 10), reran=reran
        )
        document = resolved.document(with_hash=True)
        for facts_hash in (pending.facts.hash, None):
            models = store.ScreeningAuditData.of(pending.result, document, facts_hash).as_json()
            built = store.audit_data(pending.result.as_json(), document, facts_hash)
            assert json.dumps(built, sort_keys=True) == json.dumps(models, sort_keys=True)
        assert pending.result_json == pending.result.as_json()
        assert pending.result.findings and pending.result.structural is not None


def test_no_case_has_no_one_near(loaded: None, session: Session) -> None:
    """Without a committee or participants nothing is near (`committee_id = NULL` must
    not read as the appointments without a committee)."""
    tokens = names.index_tokens("Gun Holm")  # an inspector: no committee appointment
    built = list(session.execute(party_repository.built_lookup([], [], tokens)))
    assert built and not any(row[0] == "near" for row in built)
    assert not party_repository.near_name_candidates(session, tokens, None, ())
