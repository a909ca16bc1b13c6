"""A case or meeting ref taken by another kommun answers 409 like one the key's own object
holds (refs are one namespace), but is audited and counted as a probe (a third review of
run N found neither). The key's own duplicate is an ordinary 409, not a probe."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.security.scope_world import IN_CASE, OUT_CASE, OUT_MEETING, build, meeting
from tests.support.api import ApiClient


def _refused(admin: ApiClient) -> list[dict[str, Any]]:
    got = admin.get("/v1/audit", params={"kind": "security.refused", "limit": 500})
    assert got.status_code == 200, got.text
    items: list[dict[str, Any]] = got.json()["items"]
    return items


def _case(ref: str) -> dict[str, Any]:
    return {
        "ref": ref,
        "committee": "ab-mbn",
        "matter": "tillsyn",
        "title": "x",
        "decision_date": "2026-03-10",
    }


def test_another_kommuns_taken_refs_are_audited_probes(
    admin: ApiClient, client_for: Callable[..., ApiClient]
) -> None:
    world = build(admin, client_for)
    screener = world.keys["screener"]
    before = len(_refused(admin))
    taken_meeting = screener.post("/v1/meetings", json=meeting(OUT_MEETING, "ab-mbn", IN_CASE))
    taken_case = screener.post("/v1/cases", json=_case(OUT_CASE))
    assert (taken_meeting.status_code, taken_case.status_code) == (409, 409)
    refused = _refused(admin)[before:]
    assert len(refused) == 2
    assert {e["payload"]["data"]["path"] for e in refused} == {"/v1/meetings", "/v1/cases"}


def test_the_keys_own_taken_ref_answers_alike_and_is_no_probe(
    admin: ApiClient, client_for: Callable[..., ApiClient]
) -> None:
    world = build(admin, client_for)
    screener = world.keys["screener"]
    before = len(_refused(admin))
    own = screener.post("/v1/cases", json=_case(IN_CASE))
    other = screener.post("/v1/cases", json=_case(OUT_CASE))
    assert own.status_code == other.status_code == 409
    assert own.json()["errors"] == [{**e, "pointer": e["pointer"]} for e in other.json()["errors"]]
    assert len(_refused(admin)) - before == 1


def test_a_web_session_is_counted_and_stopped_like_a_key(
    admin: ApiClient,
    client_for: Callable[..., ApiClient],
    app: Any,
    make_key: Callable[..., str],
    session: Any,
) -> None:
    """A signed-in page asking for another kommun's case, meeting, person or nämnd by ref
    is a probe as the API's is: past the limit the session is answered 429 (before run N
    the pages were neither counted nor stopped), and a refused write is audited."""
    from sqlalchemy import func, select

    from app.models import RateLimitWindow
    from tests.web.support import WebClient

    build(admin, client_for)
    limit = app.state.settings.probe_limit
    browser = WebClient(app)
    assert browser.sign_in(make_key("screener", ["ankeby"])).status_code == 303
    before = len(_refused(admin))
    browser.page("/sammantraden")
    taken = browser.form(
        "/sammantraden/nytt",
        {
            "ref": OUT_MEETING,
            "committee": "ab-mbn",
            "date": "2026-03-10",
            "agenda": f"§ 1; {IN_CASE}",
        },
    )
    assert taken.status_code == 409, taken.text[:300]
    assert len(_refused(admin)) - before == 1
    paths = [
        "/arenden/CBN%202026%2F9",
        "/sammantraden/CBN%202026-03-10",
        "/register/personer/p-cecilia",
        "/register/namnder/cederby-bn",
    ]
    answers = [browser.get(paths[i % len(paths)]) for i in range(limit + 5)]
    assert {a.status_code for a in answers} == {404, 429}
    assert answers[-1].status_code == 429 and answers[-1].headers.get("retry-after")
    counted = session.scalar(
        select(func.count()).select_from(RateLimitWindow).where(RateLimitWindow.kind == "probe")
    )
    assert counted == 1
