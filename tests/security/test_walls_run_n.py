"""Attacks on the walls between kommuner found by a review (run N), and some that held.

A kommun's registry key (Ankeby) must not rewrite another kommun's (Cederby's) facts by
naming their refs, must not widen its own scope by making a shared company its own, and
no validation error may tell it of Cederby's committees, members or companies.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.security.scope_world import World
from tests.support.api import ApiClient, path_ref
from tests.support.registry import import_document

CONTRACTOR = {"ref": "renhallning-ab", "kind": "aktiebolag", "name": "Renhållning AB"}


@pytest.mark.parametrize(
    "takeover",
    [
        {"owners": [{"organisation": "ankeby", "share_percent": 100}]},
        {"members": ["ankeby"]},
    ],
    ids=["owner", "member"],
)
def test_taking_over_a_shared_company_reads_and_changes_another_kommuns_operation(
    admin: ApiClient, world: World, client_for: Callable[..., ApiClient], takeover: dict
) -> None:
    ankeby = world.keys["registry"]
    cederby = client_for("registry", ["cederby"])
    # Ankeby registers a private contractor (shared reference data, any kommun may name it).
    assert ankeby.post("/v1/organisations", json=CONTRACTOR).status_code == 201
    # Cederby's own waste collection is run by that contractor.
    op = {
        "ref": "cederby-sophamtning",
        "name": "Cederby sophämtning",
        "area": "avfall",
        "operator": {"organisation": "renhallning-ab"},
        "municipality": "cederby",
    }
    made = cederby.post("/v1/operations", json=op)
    assert made.status_code == 201, made.text
    assert ankeby.get("/v1/operations/cederby-sophamtning").status_code == 404
    # Ankeby, the company's creator, tries to make itself its owner (or a member of it).
    took = ankeby.patch("/v1/organisations/renhallning-ab", json=takeover)
    assert took.status_code == 403, took.text
    assert took.json()["errors"][0]["code"] == "out_of_scope"
    assert (
        "owners" not in admin.get("/v1/organisations/renhallning-ab").json()
        or not (admin.get("/v1/organisations/renhallning-ab").json()["owners"])
    )
    read = ankeby.get("/v1/operations/cederby-sophamtning")
    listed = ankeby.get("/v1/operations", params={"limit": 500}).text
    changed = ankeby.patch("/v1/operations/cederby-sophamtning", json={"name": "Ankeby tog den"})
    deleted = ankeby.delete("/v1/operations/cederby-sophamtning")
    assert (read.status_code, "cederby" in listed, changed.status_code, deleted.status_code) == (
        404,
        False,
        404,
        404,
    ), (read.text[:300], changed.text[:200], deleted.status_code)


def test_taking_over_a_shared_company_reads_another_kommuns_board_member(
    admin: ApiClient, world: World
) -> None:
    ankeby = world.keys["registry"]
    assert ankeby.post("/v1/organisations", json=CONTRACTOR).status_code == 201
    # The operator's unlimited import of board seats puts Cederby's Carl on its board.
    seat = {"person": "p-carl", "body": {"organisation": "renhallning-ab"}, "role": "vd"}
    assert admin.post("/v1/appointments", json=seat).status_code == 201
    assert ankeby.get("/v1/persons/p-carl").status_code == 404
    took = ankeby.patch(
        "/v1/organisations/renhallning-ab",
        json={"owners": [{"organisation": "ankeby", "share_percent": 100}]},
    )
    assert took.status_code == 403, took.text
    carl = ankeby.get("/v1/persons/p-carl")
    assert carl.status_code == 404, carl.text


CEDERBY_AVFALL: dict[str, Any] = {
    "committees": [
        {
            "ref": "cederby-tn",
            "organisation": "cederby",
            "kind": "namnd",
            "name": "Cederby tekniska nämnd",
            "responsibilities": [{"area": "avfall", "role": "drift"}],
        },
        {
            "ref": "cederby-mn",
            "organisation": "cederby",
            "kind": "namnd",
            "name": "Cederby miljönämnd",
            "responsibilities": [{"area": "avfall", "role": "tillsyn"}],
        },
    ],
    "operations": [
        {
            "ref": "cederby-deponi",
            "name": "Cederby deponi",
            "area": "avfall",
            "operator": {"committee": "cederby-tn"},
            "municipality": "cederby",
        }
    ],
    "appointments": [
        {"person": "p-cecilia", "body": {"committee": "cederby-tn"}, "role": "ledamot"},
        {"person": "p-cecilia", "body": {"committee": "cederby-mn"}, "role": "ledamot"},
    ],
}


def test_structural_risks_of_a_shared_company_show_another_kommuns_bodies(
    admin: ApiClient, world: World, client_for: Callable[..., ApiClient]
) -> None:
    """No takeover: a shared private contractor is read by every kommun, and its
    structural-risk report walks into the kommuner it has agreements with."""
    import_document(admin, CEDERBY_AVFALL)
    ankeby = world.keys["registry"]
    cederby = client_for("registry", ["cederby"])
    assert ankeby.post("/v1/organisations", json=CONTRACTOR).status_code == 201
    deal = {
        "ref": "avtal-cederby-renhallning",
        "performer": "renhallning-ab",
        "principals": ["cederby"],
        "area": "avfall",
        "role": "drift",
    }
    made = cederby.post("/v1/agreements", json=deal)
    assert made.status_code == 201, made.text
    answer = ankeby.get("/v1/organisations/renhallning-ab/structural-risks")
    assert answer.status_code == 200
    leaked = [m for m in ("cederby", "Cederby", "p-cecilia", "Cecilia") if m in answer.text]
    assert not leaked, answer.text[:1500]


# --- differential oracle: another kommun's ref vs a ref nobody has --------------------

from tests.security.scope_world import IN_CASE, IN_CASE_DOC, OUT_CASE, meeting  # noqa: E402

MISSING = {
    "p-cecilia": "p-nobody",
    "cederby-bn": "nobody-bn",
    "cederby": "nobody",
    "cederby-bolag": "nobody-bolag",
    "cederby-op": "nobody-op",
    "cederby-adm": "nobody-adm",
    OUT_CASE: "CBN 2026/8",
}


def _probes(world: World) -> list[tuple[str, str, str, Any]]:
    case_in = dict(IN_CASE_DOC, ref="MBN 2026/777")
    probes: list[tuple[str, str, str, Any]] = []

    def add(role: str, method: str, path: str, body: Any = None) -> None:
        probes.append((role, method, path, body))

    # reads with out-of-scope refs in paths and filters
    for role in ("screener", "auditor", "admin", "registry"):
        add(role, "GET", "/v1/persons/p-cecilia/decisions")
        add(role, "GET", f"/v1/cases/{path_ref(OUT_CASE)}/decisions")
        add(role, "GET", f"/v1/cases/{path_ref(OUT_CASE)}")
        add(role, "GET", f"/v1/screenings?case={path_ref(OUT_CASE)}")
        add(role, "GET", "/v1/cases?committee=cederby-bn")
        add(role, "GET", "/v1/meetings?committee=cederby-bn")
        add(role, "GET", "/v1/persons/p-cecilia/relations")
        add(role, "GET", "/v1/organisations/cederby/structural-risks")
        add(role, "GET", "/v1/appointments?person=p-cecilia")
        add(role, "GET", "/v1/committees?organisation=cederby")
        for rep in ("screenings", "summary", "structural-risks", "samverkan"):
            add(role, "GET", f"/v1/reports/{rep}?organisation=cederby")
            add(role, "GET", f"/v1/reports/{rep}?committee=cederby-bn")
        add(role, "GET", "/v1/audit?organisation=cederby")
        add(role, "GET", "/v1/audit?committee=cederby-bn")
        add(role, "GET", "/v1/audit?person=p-cecilia")
        add(role, "GET", f"/v1/audit?case={path_ref(OUT_CASE)}")
        add(role, "GET", "/v1/audit/export?organisation=cederby")
        add(
            role,
            "POST",
            "/v1/whatif",
            {"parameters": {"x": 1}, "filter": {"organisation": "cederby"}},
        )
        add(
            role,
            "POST",
            "/v1/whatif",
            {"parameters": {"x": 1}, "filter": {"committee": "cederby-bn"}},
        )
    for role in ("screener", "admin"):
        # decisions
        base = {"raised_by": "self", "decision": "jav", "decided_on": "2026-03-10"}
        add(
            role,
            "POST",
            f"/v1/cases/{path_ref(IN_CASE)}/decisions",
            {**base, "person": "p-cecilia"},
        )
        add(role, "POST", f"/v1/cases/{path_ref(OUT_CASE)}/decisions", {**base, "person": "p-anna"})
        # screenings of stored cases
        add(role, "POST", "/v1/screenings", {"case": OUT_CASE})
        # case bodies: every reference position
        for key, doc in (
            ("committee", dict(case_in, committee="cederby-bn")),
            ("party-person", dict(case_in, parties=[{"person": "p-cecilia", "role": "part"}])),
            (
                "party-org",
                dict(case_in, parties=[{"organisation": "cederby-bolag", "role": "part"}]),
            ),
            ("party-op", dict(case_in, parties=[{"operation": "cederby-op", "role": "part"}])),
            (
                "party-committee",
                dict(case_in, parties=[{"committee": "cederby-bn", "role": "part"}]),
            ),
            (
                "earlier-person",
                dict(
                    case_in,
                    earlier_handling=[
                        {"person": "p-cecilia", "organisation": "ankeby", "final": True}
                    ],
                ),
            ),
            (
                "earlier-org",
                dict(
                    case_in,
                    earlier_handling=[
                        {"person": "p-anna", "organisation": "cederby", "final": True}
                    ],
                ),
            ),
            (
                "earlier-committee",
                dict(
                    case_in,
                    earlier_handling=[
                        {"person": "p-anna", "committee": "cederby-bn", "final": True}
                    ],
                ),
            ),
            (
                "participant",
                dict(case_in, participants=[{"person": "p-cecilia", "role": "ledamot"}]),
            ),
        ):
            add(role, "POST", "/v1/cases", doc)
            add(role, "POST", "/v1/screenings", {"case": doc})
            add(role, "PUT", f"/v1/cases/{path_ref(IN_CASE)}", dict(doc, ref=IN_CASE))
            m = meeting("MBN 2026-09-09", "ab-mbn", "")
            m["items"] = [
                {
                    "paragraph": "§ 1",
                    "case": {k: v for k, v in doc.items() if k != "committee"}
                    if key != "committee"
                    else doc,
                }
            ]
            add(role, "POST", "/v1/meetings", m)
        # meetings
        add(role, "POST", "/v1/meetings", meeting("MBN 2026-09-10", "cederby-bn", IN_CASE))
        add(role, "POST", "/v1/meetings", meeting("MBN 2026-09-11", "ab-mbn", OUT_CASE))
        add(
            role,
            "POST",
            "/v1/meetings",
            {**meeting("MBN 2026-09-12", "ab-mbn", IN_CASE), "present": ["p-cecilia"]},
        )
        add(
            role,
            "POST",
            "/v1/meetings",
            {**meeting("MBN 2026-09-13", "ab-mbn", IN_CASE), "absent": ["p-cecilia"]},
        )
        add(
            role,
            "POST",
            "/v1/meetings",
            {
                **meeting("MBN 2026-09-14", "ab-mbn", IN_CASE),
                "arrivals": [{"person": "p-cecilia", "before": "§ 1"}],
            },
        )
        add(
            role,
            "POST",
            "/v1/meetings",
            {
                **meeting("MBN 2026-09-15", "ab-mbn", IN_CASE),
                "departures": [{"person": "p-cecilia", "before": "§ 1"}],
            },
        )
    return probes


def _swap(value: Any) -> Any:
    text = json.dumps(value)
    for a, b in sorted(MISSING.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(a, b)
    return json.loads(text)


def _norm(text: str) -> str:
    import re

    for a, b in sorted(MISSING.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(a, "<REF>").replace(b, "<REF>")
        text = text.replace(path_ref(a), "<REF>").replace(path_ref(b), "<REF>")
    text = re.sub(r'"(id|created_at|updated_at|request_id|instance)":\s*"[^"]*"', '"\\1":"*"', text)
    return text


def test_out_of_scope_refs_answer_like_missing_ones(world: World, connection: Any) -> None:
    diffs = []
    for role, method, path, body in _probes(world):
        client = world.keys[role]
        answers = []
        for variant in (0, 1):
            p = path if variant == 0 else _swap_path(path)
            b = body if variant == 0 else _swap(body)
            sp = connection.begin_nested()
            try:
                r = client.request(method, p, json=b)
            finally:
                sp.rollback()
            answers.append((r.status_code, _norm(r.text)))
        if answers[0] != answers[1]:
            (out_status, out_text), (missing_status, missing_text) = answers
            diffs.append(
                f"{role} {method} {path} {json.dumps(body)[:200]}\n"
                f"   out: {out_status} {out_text[:400]}\n"
                f"   missing: {missing_status} {missing_text[:400]}"
            )
    assert not diffs, "\n".join(diffs)


def _swap_path(path: str) -> str:
    for a, b in sorted(MISSING.items(), key=lambda kv: -len(kv[0])):
        path = path.replace(path_ref(a), path_ref(b)).replace(a, b)
    return path


def test_taking_over_a_shared_company_reads_and_changes_another_kommuns_person(
    admin: ApiClient, world: World, client_for: Callable[..., ApiClient]
) -> None:
    """No unlimited key involved: Cederby's joint venture with a private company that
    Ankeby registered; after Ankeby makes itself that company's owner, Cederby's joint
    venture is Ankeby's (owned through it), and so is the person Cederby seated there."""
    ankeby = world.keys["registry"]
    cederby = client_for("registry", ["cederby"])
    assert ankeby.post("/v1/organisations", json=CONTRACTOR).status_code == 201
    venture = cederby.post(
        "/v1/import",
        json={
            "organisations": [
                {
                    "ref": "cederby-jv",
                    "kind": "aktiebolag",
                    "name": "Cederby Återvinning AB",
                    "owners": [
                        {"organisation": "cederby", "share_percent": 51},
                        {"organisation": "renhallning-ab", "share_percent": 49},
                    ],
                }
            ],
            "persons": [
                {"ref": "p-cosima", "name": "Cosima Ceder", "personnummer": "19811218-9876"}
            ],
            "appointments": [
                {"person": "p-cosima", "body": {"organisation": "cederby-jv"}, "role": "vd"}
            ],
        },
    )
    assert venture.status_code == 200, venture.text
    assert ankeby.get("/v1/persons/p-cosima").status_code == 404
    took = ankeby.post(
        "/v1/import",
        json={"organisations": [{**CONTRACTOR, "owners": [{"organisation": "ankeby"}]}]},
    )
    assert took.status_code == 403, took.text
    seen = {
        "jv": ankeby.get("/v1/organisations/cederby-jv").status_code,
        "person": ankeby.get("/v1/persons/p-cosima").status_code,
        "rename": ankeby.patch(
            "/v1/persons/p-cosima", json={"name": "Ändrad av Ankeby"}
        ).status_code,
        "jv-rename": ankeby.patch(
            "/v1/organisations/cederby-jv", json={"name": "Ankebys nu"}
        ).status_code,
    }
    assert admin.get("/v1/persons/p-cosima").json()["name"] == "Cosima Ceder"
    assert seen == {"jv": 404, "person": 404, "rename": 404, "jv-rename": 404}


def test_an_order_in_another_kommuns_committee_answers_like_an_unknown_committee(
    admin: ApiClient, world: World
) -> None:
    import_document(
        admin,
        {
            "appointments": [
                {
                    "ref": "appt-cecilia",
                    "person": "p-cecilia",
                    "body": {"committee": "cederby-bn"},
                    "role": "ledamot",
                    "party": "S",
                    "order": 1,
                },
            ]
        },
    )
    registry = world.keys["registry"]
    answers = []
    for committee in ("cederby-bn", "nobody-bn"):
        item = {
            "person": "p-olof",
            "body": {"committee": committee},
            "role": "ledamot",
            "party": "S",
            "order": 1,
        }
        r = registry.post("/v1/import", json={"appointments": [item]})
        answers.append((r.status_code, r.text.replace(committee, "<c>")))
    assert answers[0] == answers[1]


def _screen_norm(text: str, swap: dict[str, str]) -> str:
    import re

    for a, b in swap.items():
        text = text.replace(a, "<X>").replace(b, "<X>")
    text = re.sub(
        r'"(id|created_at|updated_at|hash|prev_hash|sequence|instance|screening|facts_hash)":\s*("[^"]*"|\d+)',
        '"\\1":"*"',
        text,
    )
    text = re.sub(r"scr_[0-9A-Z]+", "scr_*", text)
    return text


@pytest.mark.parametrize(
    "party_out,party_missing",
    [
        ({"name": "Carl Ceder", "role": "part"}, {"name": "Knut Ödmark", "role": "part"}),
        (
            {"name": "Cederby Energi AB", "orgnr": "556677-8899", "role": "part"},
            {"name": "Okänt Energi AB", "orgnr": "556000-0019", "role": "part"},
        ),
    ],
    ids=["name", "orgnr"],
)
def test_unregistered_party_matching_says_nothing_of_another_kommun(
    admin: ApiClient, world: World, connection: Any, party_out: dict, party_missing: dict
) -> None:
    import_document(
        admin,
        {
            "organisations": [
                {
                    "ref": "cederby-bolag",
                    "kind": "aktiebolag",
                    "name": "Cederby Energi AB",
                    "orgnr": "556677-8899",
                    "owners": [{"organisation": "cederby", "share_percent": 100}],
                }
            ]
        },
    )
    screener = world.keys["screener"]
    answers = []
    for party in (party_out, party_missing):
        doc = dict(IN_CASE_DOC, ref="MBN 2026/880", parties=[party])
        sp = connection.begin_nested()
        try:
            r = screener.post("/v1/screenings", json={"case": doc})
            facts = (
                screener.get(f"/v1/screenings/{r.json()['id']}/facts")
                if r.status_code == 201
                else None
            )
        finally:
            sp.rollback()
        swap = {party_out["name"]: party_missing["name"]}
        if "orgnr" in party_out:
            swap[party_out["orgnr"]] = party_missing["orgnr"]
            swap["5566778899"] = "5560000019"
        answers.append(
            (
                r.status_code,
                _screen_norm(r.text, swap),
                _screen_norm(facts.text if facts else "", swap),
            )
        )
    assert answers[0] == answers[1], answers


def test_taking_over_a_shared_company_reads_another_kommuns_audit_entries(
    admin: ApiClient, world: World, client_for: Callable[..., ApiClient]
) -> None:
    ankeby = world.keys["registry"]
    cederby = client_for("registry", ["cederby"])
    assert ankeby.post("/v1/organisations", json=CONTRACTOR).status_code == 201
    op = {
        "ref": "cederby-sophamtning",
        "name": "Cederby sophämtning",
        "area": "avfall",
        "operator": {"organisation": "renhallning-ab"},
        "municipality": "cederby",
    }
    assert cederby.post("/v1/operations", json=op).status_code == 201
    auditor = world.keys["auditor"]
    before = auditor.get("/v1/audit", params={"limit": 500}).text
    assert "cederby-sophamtning" not in before
    took = ankeby.patch(
        "/v1/organisations/renhallning-ab",
        json={"owners": [{"organisation": "ankeby", "share_percent": 100}]},
    )
    assert took.status_code == 403
    after = auditor.get("/v1/audit", params={"limit": 500}).json()
    leaked = [e for e in after["items"] if "cederby-sophamtning" in json.dumps(e)]
    assert not leaked


def test_an_ownership_cycle_check_tells_of_another_kommuns_company(
    world: World, client_for: Callable[..., ApiClient]
) -> None:
    """Cederby's joint venture is part-owned by a shared company Ankeby registered.
    Ankeby names Cederby's company (out of its scope) as an owner of the shared one:
    the answer should equal the one for a ref nobody has."""
    ankeby = world.keys["registry"]
    cederby = client_for("registry", ["cederby"])
    assert ankeby.post("/v1/organisations", json=CONTRACTOR).status_code == 201
    jv = {
        "ref": "cederby-jv",
        "kind": "aktiebolag",
        "name": "Cederby Återvinning AB",
        "owners": [
            {"organisation": "cederby", "share_percent": 51},
            {"organisation": "renhallning-ab", "share_percent": 49},
        ],
    }
    assert cederby.post("/v1/organisations", json=jv).status_code == 201
    answers = []
    for ref in ("cederby-jv", "nobody-jv"):
        r = ankeby.patch(
            "/v1/organisations/renhallning-ab", json={"owners": [{"organisation": ref}]}
        )
        answers.append((r.status_code, r.text.replace(ref, "<ref>")))
    assert answers[0] == answers[1]


@pytest.mark.parametrize("how", ["import", "crud"])
@pytest.mark.parametrize(
    "section,item,ref",
    [
        (
            "appointments",
            {"person": "p-olof", "body": {"committee": "ankeby-tn"}, "role": "ersattare"},
            "appt-cecilia",
        ),
        (
            "interests",
            {"person": "p-olof", "organisation": "ankeby-vatten", "kind": "medlem"},
            "int-carl",
        ),
        (
            "relations",
            {"person": "p-anna", "related": "p-olof", "kind": "nara_van"},
            "rel-cecilia-carl",
        ),
    ],
)
def test_a_write_with_another_kommuns_fact_ref_takes_over_that_row(
    admin: ApiClient, world: World, section: str, item: dict, ref: str, how: str
) -> None:
    """A limited registry key names, as the `ref` of its own appointment, interest or
    relation, the ref of one of Cederby's: the writer matches Cederby's row by ref and
    rewrites it (person, body, kind), keeping the fields not given (share_percent, party,
    order, dates...), which the Ankeby key then reads."""
    before = admin.get(f"/v1/{section}/{ref}").json()
    registry = world.keys["registry"]
    body = {**item, "ref": ref}
    if how == "import":
        r = registry.post("/v1/import", json={section: [body]})
    else:
        r = registry.post(f"/v1/{section}", json=body)
    assert r.status_code == 403, r.text
    pointer = "/ref" if how == "crud" else f"/{section}/0/ref"
    assert r.json()["errors"][0]["pointer"] == pointer
    after = admin.get(f"/v1/{section}/{ref}").json()
    assert after == before, f"Cederby's {ref} was rewritten by Ankeby's key: {after}"


def test_a_shared_company_made_own_through_the_kommuns_company_is_refused_too(
    admin: ApiClient, world: World
) -> None:
    """Owned by a company the kommun owns, the shared company would be in its scope too
    (a stadshus AB's subsidiary): refused like a direct takeover, and nothing stored."""
    ankeby = world.keys["registry"]
    own_company = {
        "ref": "ankeby-stadshus",
        "kind": "aktiebolag",
        "name": "Ankeby Stadshus AB",
        "owners": [{"organisation": "ankeby", "share_percent": 100}],
    }
    assert ankeby.post("/v1/organisations", json=own_company).status_code == 201
    assert ankeby.post("/v1/organisations", json=CONTRACTOR).status_code == 201
    took = ankeby.patch(
        "/v1/organisations/renhallning-ab",
        json={"owners": [{"organisation": "ankeby-stadshus", "share_percent": 60}]},
    )
    assert took.status_code == 403, took.text
    assert admin.get("/v1/organisations/renhallning-ab").json().get("owners") in (None, [])


def test_an_unlimited_key_may_record_a_kommuns_ownership_of_a_shared_company(
    admin: ApiClient, world: World
) -> None:
    """What a limited key may not do to its own scope, an administrator may: the kommun
    really bought the company. A new company the kommun's key creates as its own is fine."""
    ankeby = world.keys["registry"]
    assert ankeby.post("/v1/organisations", json=CONTRACTOR).status_code == 201
    took = admin.patch(
        "/v1/organisations/renhallning-ab",
        json={"owners": [{"organisation": "ankeby", "share_percent": 100}]},
    )
    assert took.status_code == 200, took.text
    new = {**CONTRACTOR, "ref": "ankeby-ny-ab", "owners": [{"organisation": "ankeby"}]}
    assert ankeby.post("/v1/organisations", json=new).status_code == 201
    changed = ankeby.patch("/v1/organisations/ankeby-ny-ab", json={"name": "Ankeby Nya AB"})
    assert changed.status_code == 200, changed.text
