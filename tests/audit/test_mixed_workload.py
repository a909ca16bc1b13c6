"""After a mixed workload through the API (imports, cases, screenings, a rerun, decisions,
key changes) the chain verifies, every screening and every decision has exactly one entry,
and no personnummer is in the log."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

from tests.decisions.flow import CASE_REF, case_document, decisions_url
from tests.reports.world import build
from tests.support.api import ApiClient, path_ref

PERSONNUMMER_FORMS = ("19700101-1233", "197001011233", "700101-1233", "7001011233")


def _all_entries(auditor: ApiClient, **params: Any) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    while True:
        page = auditor.get(
            "/v1/audit", params={**params, "limit": 500, "offset": len(entries)}
        ).json()
        entries += page["items"]
        if len(entries) >= page["total"]:
            return entries


@pytest.fixture
def workload(admin: ApiClient, client_for: Callable[..., ApiClient]) -> dict[str, Any]:
    screener = client_for("screener")
    world = build(admin, screener)
    rerun = screener.post(f"/v1/screenings/{world.flagged['id']}/rerun")
    assert rerun.status_code == 201, rerun.text
    etag = screener.get(f"/v1/cases/{path_ref(CASE_REF)}").headers["etag"]
    replaced = screener.put(
        f"/v1/cases/{path_ref(CASE_REF)}",
        json=case_document(title="Ny titel"),
        headers={"If-Match": etag},
    )
    assert replaced.status_code == 200, replaced.text
    key = admin.post(
        "/v1/apikeys", json={"name": "Revisor Borby", "role": "auditor", "organisations": ["borby"]}
    )
    assert key.status_code == 201
    assert admin.delete(f"/v1/apikeys/{key.json()['id']}").status_code == 200
    decided = screener.post(
        decisions_url(),
        json={
            "person": "p-olof",
            "raised_by": "screening",
            "decision": "ej_jav",
            "obviously_insignificant": True,
            "decided_on": "2026-03-10",
            "screening": rerun.json()["id"],
        },
    )
    assert decided.status_code == 201
    return {"screener": screener, "key": key.json()["key"]}


def test_the_chain_verifies_after_a_mixed_workload(
    client_for: Callable[..., ApiClient], workload: dict[str, Any]
) -> None:
    auditor = client_for("auditor")
    entries = _all_entries(auditor)
    kinds = Counter(e["kind"] for e in entries)
    for kind in (
        "registry.import",
        "case.create",
        "case.update",
        "screening",
        "decision",
        "apikey.create",
        "apikey.revoke",
    ):
        assert kinds[kind] >= 1, kind
    chains: dict[int, list[dict[str, Any]]] = {}
    for entry in entries:
        chains.setdefault(entry["chain"], []).append(entry)
    assert len(chains) >= 2, "screenings go to their organisation's chain, keys to the system's"
    for chained in chains.values():
        assert [e["sequence"] for e in chained] == list(range(1, len(chained) + 1))
        for before, after in zip(chained, chained[1:], strict=False):
            assert after["prev_hash"] == before["hash"]
    result = auditor.get("/v1/audit/verify").json()
    assert result["ok"] is True, result
    heads = {h["chain"]: h["sequence"] for h in result["heads"]}
    assert heads == {c: chained[-1]["sequence"] for c, chained in chains.items()}


def test_every_screening_and_decision_has_exactly_one_entry(
    client_for: Callable[..., ApiClient], workload: dict[str, Any]
) -> None:
    auditor, screener = client_for("auditor"), workload["screener"]
    screenings = screener.get("/v1/screenings", params={"limit": 500}).json()["items"]
    assert len(screenings) == 4
    logged = Counter(
        e["payload"]["data"]["screening"] for e in _all_entries(auditor, kind="screening")
    )
    assert logged == Counter({s["id"]: 1 for s in screenings})
    for screening in screenings:
        entry = auditor.get(f"/v1/audit/{screening['audit']['id']}").json()
        assert entry["payload"]["data"]["screening"] == screening["id"]
        assert entry["hash"] == screening["audit"]["hash"]
        assert (entry["chain"], entry["sequence"]) == (
            screening["audit"]["chain"],
            screening["audit"]["sequence"],
        )

    decisions = [
        d
        for ref in (CASE_REF, "MBN 2026/125")
        for d in screener.get(decisions_url(ref)).json()["items"]
    ]
    assert len(decisions) == 3
    logged = Counter(e["payload"]["data"]["id"] for e in _all_entries(auditor, kind="decision"))
    assert logged == Counter({d["id"]: 1 for d in decisions})
    assert all(
        auditor.get(f"/v1/audit/{d['audit']['id']}").json()["kind"] == "decision" for d in decisions
    )


def test_the_log_holds_no_personnummer_and_no_key_material(
    client_for: Callable[..., ApiClient], workload: dict[str, Any]
) -> None:
    auditor = client_for("auditor")
    text = auditor.get("/v1/audit", params={"limit": 500}).text
    for form in PERSONNUMMER_FORMS:
        assert form not in text
    assert workload["key"] not in text
    assert workload["key"][8:] not in text
