"""POST /v1/screenings/{id}/rerun: the stored case again, current registry, original as_of."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.screening.diff import PERSON_COMPARED, _person_key, pair
from app.screening.result import ScreeningFinding
from tests.decisions.flow import CASE
from tests.support.api import ApiClient
from tests.support.registry import import_document


def _rerun(client: ApiClient, screening_id: str) -> dict[str, Any]:
    response = client.post(f"/v1/screenings/{screening_id}/rerun")
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def _keys(findings: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(f["person"], f["ground"]) for f in findings}


def test_an_unchanged_registry_gives_an_empty_diff_and_a_new_audited_screening(
    screener: ApiClient, client_for: Callable[..., ApiClient], screening: dict[str, Any]
) -> None:
    again = _rerun(screener, screening["id"])
    assert again["id"] != screening["id"] and again["rerun_of"] == screening["id"]
    assert again["as_of"] == screening["as_of"] == "2026-03-10"
    assert again["findings"] == screening["findings"]
    diff = again["diff"]
    assert (diff["new"], diff["removed"], diff["changed"]) == ([], [], [])
    assert diff["structural"] == {"new": [], "removed": [], "changed": []}
    assert diff["rules_version_changed"] is False and diff["outcome_changed"] is False
    entry = client_for("auditor").get(f"/v1/audit/{again['audit']['id']}").json()
    assert entry["kind"] == "screening" and entry["payload"]["data"]["screening"] == again["id"]
    # The new screening, its stored copy and its audit entry all say which one it reran.
    assert again["reran"] == screening["id"] and screening["reran"] is None
    assert entry["payload"]["data"]["reran"] == screening["id"]
    stored = screener.get(f"/v1/screenings/{again['id']}").json()
    assert stored["id"] == again["id"] and stored["reran"] == screening["id"]


def test_registry_changes_show_as_new_removed_and_changed_findings(
    admin: ApiClient, screener: ApiClient, screening: dict[str, Any]
) -> None:
    import_document(
        admin,
        {
            # The marriage ended before the meeting: Anna's finding through Olof goes away.
            "relations": [
                {"person": "p-anna", "related": "p-olof", "kind": "make", "valid_to": "2025-12-31"}
            ],
            # Olof's new name changes the explanations of his findings.
            "persons": [{"ref": "p-olof", "name": "Olof Bergström"}],
            # Anna now sits on the board of the party herself.
            "interests": [
                {"person": "p-anna", "organisation": "ankeby-vatten", "kind": "styrelseledamot"}
            ],
        },
    )
    again = _rerun(screener, screening["id"])
    diff = again["diff"]
    before, after = _keys(screening["findings"]), _keys(again["findings"])
    assert _keys(diff["new"]) == after - before
    assert _keys(diff["removed"]) == before - after
    assert ("p-anna", "tillsynsjav") in _keys(diff["new"])
    changed = {(c["after"]["person"], c["after"]["ground"]): c["changed"] for c in diff["changed"]}
    assert changed[("p-olof", "stallforetradare")] == ["explanation"]
    # Anna is still ställföreträdare for the party, now herself rather than through Olof.
    assert changed[("p-anna", "stallforetradare")] == ["explanation", "path"]
    assert all(
        "Bergström" in c["after"]["explanation"]["sv"]
        for c in diff["changed"]
        if c["after"]["person"] == "p-olof"
    )


def test_only_stored_cases_in_scope_can_be_rerun(
    admin: ApiClient,
    screener: ApiClient,
    client_for: Callable[..., ApiClient],
    screening: dict[str, Any],
) -> None:
    inline = screener.post("/v1/screenings", json={"case": {**CASE, "ref": "MBN 2026/900"}})
    assert inline.status_code == 201, inline.text
    conflict = screener.post(f"/v1/screenings/{inline.json()['id']}/rerun")
    assert conflict.status_code == 409
    assert screener.post("/v1/screenings/scr_nope/rerun").status_code == 404
    assert client_for("auditor").post(f"/v1/screenings/{screening['id']}/rerun").status_code == 403
    outsider = client_for("screener", orgs=["nobody"])
    assert outsider.post(f"/v1/screenings/{screening['id']}/rerun").status_code == 404


def _finding(
    person: str, ground: str, level: str = "jav", sv: str = "x", path: tuple[str, ...] = ()
) -> ScreeningFinding:
    return ScreeningFinding.model_validate(
        {
            "person": person,
            "name": person.upper(),
            "ground": ground,
            "rule": f"r_{ground}",
            "level": level,
            "legal_basis": [],
            "explanation": {"sv": sv, "en": sv},
            "path": [{"from": person, "relation": "part", "to": to} for to in path],
            "law_version": "KL2017",
            "participant_role": "ledamot",
        }
    )


def test_diff_pairs_findings_by_person_ground_and_rule() -> None:
    before = [
        _finding("a", "part"),
        _finding("a", "paverkan"),
        _finding("b", "part"),
        _finding("c", "part", path=("1",)),
    ]
    after = [
        _finding("a", "part"),  # same
        _finding("a", "paverkan", level="mojligt_jav"),  # level changed
        _finding("b", "part", sv="y"),  # explanation changed
        _finding("c", "part", path=("2",)),  # path changed
        _finding("d", "part"),  # new
    ]
    before.append(_finding("e", "generalklausul"))  # removed
    diff = pair(before, after, _person_key, PERSON_COMPARED)
    assert [f.person for f in diff.new] == ["d"]
    assert [f.person for f in diff.removed] == ["e"]
    assert sorted((after.person, tuple(changed)) for changed, _, after in diff.changed) == [
        ("a", ("level",)),
        ("b", ("explanation",)),
        ("c", ("path",)),
    ]


def test_two_findings_with_one_key_pair_in_a_stable_order() -> None:
    one = _finding("a", "part", path=("1",))
    two = _finding("a", "part", path=("2",))
    diff = pair([one, two], [two], _person_key, PERSON_COMPARED)
    assert diff.new == []
    assert diff.removed == [two]
    assert diff.changed == [(["path"], one, two)]
