"""Attacks of review Q on the walls between kommuner: refs another kommun holds.

Kept from the review's tests (tests/security/test_attack_q.py in the helper session):

6. Creating an object under a ref another kommun uses is refused with the kept-reference
   check's detail, which names what the hidden object holds (its kommun, the committee an
   administration serves, the company running an operation, a company's owner); the
   refusal also says whether the hidden organisation is a public body or a company.
7. A right guess of what the hidden object holds answers otherwise than a wrong one
   (held references are allowed), by status and pointer alone.
8. One refused import pinpoints every taken ref among its items for one probe of the
   key's budget.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.security.scope_world import World, problem_summary
from tests.support.api import ApiClient

# --- 6. a create under another kommun's ref tells what that object holds ---------------------
TAKEN_REF_CREATES: list[tuple[str, dict[str, Any], tuple[str, ...]]] = [
    # (path, a new object of Ankeby's under a ref Cederby uses, what the answer must not name)
    (
        "/v1/committees",
        {
            "ref": "cederby-bn",
            "organisation": "ankeby",
            "kind": "namnd",
            "name": "Ny nämnd",
            "responsibilities": [],
        },
        ("'cederby'",),
    ),
    (
        "/v1/administrations",
        {"ref": "cederby-adm", "organisation": "ankeby", "name": "Ny förvaltning", "serves": []},
        ("'cederby'", "'cederby-bn'"),
    ),
    (
        "/v1/operations",
        {
            "ref": "cederby-op",
            "name": "Ny verksamhet",
            "area": "va",
            "operator": {"organisation": "ankeby"},
            "municipality": "ankeby",
        },
        ("'cederby'", "'cederby-bolag'"),
    ),
    (
        "/v1/agreements",
        {
            "ref": "avtal-c",
            "performer": "ankeby",
            "principals": [],
            "area": "bygg",
            "role": "tillsyn",
        },
        ("'cederby'",),
    ),
    (
        "/v1/organisations",
        {"ref": "cederby-bolag", "kind": "aktiebolag", "name": "Nytt AB", "owners": []},
        ("'cederby'",),
    ),
]


@pytest.mark.parametrize(
    ("path", "body", "secrets"),
    TAKEN_REF_CREATES,
    ids=[p.rsplit("/", 1)[1] for p, _, _ in TAKEN_REF_CREATES],
)
def test_creating_under_another_kommuns_ref_names_nothing_that_object_holds(
    world: World, path: str, body: dict[str, Any], secrets: tuple[str, ...]
) -> None:
    """Refs are one namespace, so creating an object under a ref Cederby uses is refused;
    docs/security.md: that "says the ref is taken, though nothing of the object". Yet the
    kept-reference check (`reference_scope.check_kept_references`, "a reference to
    organisation 'cederby', outside this key's organisations, cannot be taken out") is
    asked of the stored object Ankeby cannot read, and its detail names what that object
    holds: the committee's and administration's kommun, the committee the administration
    serves, the company that runs the operation and where, the agreement's performer, the
    company's owner. Guessing refs (or following the refs each answer gives) maps
    Cederby's structure."""
    answer = world.keys["registry"].post(path, json=body)
    assert answer.status_code in (403, 409, 422), answer.text[:300]
    named = [s for s in secrets if s in answer.text]
    assert named == [], (answer.status_code, answer.json().get("errors"))


def test_creating_under_another_kommuns_ref_says_nothing_of_its_kind(world: World) -> None:
    """The same refusal (403) carries an extra `/kind` error ("changing an organisation
    between a public body, a private one and another kind...") exactly when the kind
    given differs in class from the hidden organisation's: trying `kommun` and
    `aktiebolag` under Cederby's refs tells which is a public body and which a company
    (`scope._public_private_crossings` asked of an object the key cannot read)."""
    registry = world.keys["registry"]

    def answer(ref: str, kind: str) -> tuple[int, list[tuple[str, str]]]:
        response = registry.post("/v1/organisations", json={"ref": ref, "kind": kind, "name": "X"})
        return problem_summary(response)[0], problem_summary(response)[2]

    for ref in ("cederby", "cederby-bolag"):
        assert answer(ref, "kommun") == answer(ref, "aktiebolag") == answer(ref, "annan"), ref


# --- 7. one refused import tests a hundred refs for one probe of the budget ------------------
def test_one_import_does_not_test_many_taken_refs_for_one_probe(
    app: Any, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A taken ref of another kommun is a probe, counted against the key's budget
    (`JAVSKOLL_PROBE_LIMIT` per window; here 3). An import of many new objects under
    guessed refs is refused once, counted once, and its errors point at exactly the
    items whose refs another kommun holds (`/persons/1`, `/persons/3`, ...; up to 100
    errors a request): the budget that holds one guess per refusal holds a hundred."""
    from app.security.limits import SharedWindow

    monkeypatch.setitem(app.state._state, "probe_limiter", SharedWindow("probe", 3, 600))
    registry = world.keys["registry"]
    guesses = ["p-guess-1", "p-cecilia", "p-guess-2", "p-carl", "p-guess-3"]
    answer = registry.post(
        "/v1/import",
        json={
            "persons": [{"ref": r, "name": "Gissning"} for r in guesses],
            "organisations": [
                {"ref": r, "kind": "aktiebolag", "name": "Gissning AB"}
                for r in ("o-guess-1", "cederby-bolag", "o-guess-2")
            ],
        },
    )
    pinpointed = {e["pointer"] for e in answer.json().get("errors", [])}
    assert {"/persons/1", "/persons/3", "/organisations/1"} <= pinpointed, answer.text[:400]
    # Three guesses confirmed: with a budget of 3, the next refusal must be over it.
    follow_up = registry.get("/v1/persons/p-nobody")
    assert 429 in (answer.status_code, follow_up.status_code), (
        answer.status_code,
        follow_up.status_code,
        sorted(pinpointed),
    )


def test_a_right_guess_of_what_another_kommuns_object_holds_answers_like_a_wrong_one(
    world: World,
) -> None:
    """The same root as above, without reading any detail: a reference the stored object
    already holds is allowed (`ReferenceScopeChecks.held`), even when that stored object is
    Cederby's and the key cannot read it. So writing Cederby's förvaltning's ref with
    `organisation: cederby, serves: [cederby-bn]` answers 403 (only "taken"), while a wrong
    guess of what it serves answers 422 at `/serves`, and `organisation: cederby` under a
    fresh ref 422 `unknown_reference`: each guess of Cederby's structure is confirmed or
    denied by the pointers and codes alone."""
    registry = world.keys["registry"]

    def attempt(serves: str) -> tuple[int, Any, list[tuple[str, str]]]:
        body = {"ref": "cederby-adm", "organisation": "cederby", "name": "X", "serves": [serves]}
        return problem_summary(registry.post("/v1/administrations", json=body))

    assert attempt("cederby-bn") == attempt("nobody-bn") == attempt("ab-mbn")


# --- with the fix: what a taken ref still answers, and what is unchanged --------------------
def _probes_counted(session: Any) -> int:
    from sqlalchemy import func, select

    from app.models import RateLimitWindow

    session.rollback()
    counted = session.scalar(
        select(func.sum(RateLimitWindow.count)).where(RateLimitWindow.kind == "probe")
    )
    return int(counted or 0)


def test_an_import_lists_no_more_taken_refs_than_the_budget_has_left(
    app: Any, world: World, session: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each taken ref a refusal lists is a probe, and a refusal lists no more of them than
    the key's budget has left (at least one), without a count of the rest: one request
    never tests more refs than the budget allows."""
    from app.security.limits import SharedWindow

    monkeypatch.setitem(app.state._state, "probe_limiter", SharedWindow("probe", 3, 600))
    registry = world.keys["registry"]
    assert registry.get("/v1/persons/p-nobody").status_code == 404  # one probe spent
    answer = registry.post(
        "/v1/import",
        json={
            "organisations": [
                {"ref": r, "kind": "aktiebolag", "name": "Gissning AB"}
                for r in ("cederby", "cederby-bolag")
            ],
            "persons": [{"ref": r, "name": "Gissning"} for r in ("p-cecilia", "p-carl")],
        },
    )
    assert answer.status_code == 403, answer.text[:400]
    body = answer.json()
    assert len(body["errors"]) == 2, body
    assert all(set(e) == {"pointer", "detail", "code"} for e in body["errors"]), body
    assert "errors_omitted" not in body
    assert _probes_counted(session) == 3
    assert registry.get("/v1/persons/p-nobody").status_code == 429


def test_a_fact_under_another_kommuns_ref_answers_only_that_the_ref_is_taken(
    world: World,
) -> None:
    """An appointment given with the ref of Cederby's is refused at its `/ref` alone,
    whatever it names (before run Q a reference out of scope answered 422 first)."""
    registry = world.keys["registry"]

    def attempt(person: str, committee: str) -> tuple[int, Any, list[tuple[str, str]]]:
        item = {
            "ref": "appt-cecilia",
            "person": person,
            "body": {"committee": committee},
            "role": "ledamot",
        }
        return problem_summary(registry.post("/v1/import", json={"appointments": [item]}))

    taken = attempt("p-anna", "ankeby-tn")
    assert taken[0] == 403 and taken[2] == [("/appointments/0/ref", "out_of_scope")], taken
    assert attempt("p-cecilia", "cederby-bn") == attempt("p-nobody", "nobody-bn") == taken


def test_own_duplicates_and_unlimited_keys_answer_as_before(
    admin: ApiClient, world: World, session: Any
) -> None:
    """The key's own stored ref is an ordinary 409 at `POST`, and no probe; its import
    updates its own objects; an unlimited key writes under any ref."""
    registry = world.keys["registry"]
    own = {
        "ref": "ankeby-tn",
        "organisation": "ankeby",
        "kind": "namnd",
        "name": "Ny nämnd",
        "responsibilities": [],
    }
    before = _probes_counted(session)
    assert registry.post("/v1/committees", json=own).status_code == 409
    assert _probes_counted(session) == before
    stored = admin.get("/v1/committees/ankeby-tn").json()
    kept = {k: stored[k] for k in ("ref", "organisation", "kind", "responsibilities")}
    renamed = registry.post("/v1/import", json={"committees": [{**kept, "name": "Omdöpt"}]})
    assert renamed.status_code == 200, renamed.text[:400]
    assert admin.get("/v1/committees/ankeby-tn").json()["name"] == "Omdöpt"
    stored = admin.get("/v1/committees/cederby-bn").json()
    kept = {k: stored[k] for k in ("ref", "organisation", "kind", "responsibilities")}
    renamed = admin.post("/v1/import", json={"committees": [{**kept, "name": "Omdöpt C"}]})
    assert renamed.status_code == 200, renamed.text[:400]
    assert _probes_counted(session) == before
