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
