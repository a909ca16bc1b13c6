"""The facts behind a screening: stored, hashed into the audit entry, served, replayed,
and a tampered row named by `audit verify`."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from app.models import ScreeningFacts
from app.rules import engine
from app.rules.parameters import Parameters, default_parameters
from tests.screening.registry import PNR_SAMBO, case, registry
from tests.screening.test_scenarios import SCENARIOS
from tests.support.api import ApiClient
from tests.support.registry import import_document


@pytest.fixture
def screened(admin: ApiClient) -> dict[str, Any]:
    import_document(admin, registry(sambo_pnr=PNR_SAMBO))
    sambo = {"name": "Ingrid Sambo", "personnummer": PNR_SAMBO, "role": "berord"}
    response = admin.post(
        "/v1/screenings", json={"case": case(parties=[*case()["parties"], sambo])}
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_the_facts_are_stored_hashed_in_the_audit_entry_and_served(
    screened: dict[str, Any], client_for: Callable[..., ApiClient]
) -> None:
    auditor = client_for("auditor")
    response = client_for("screener").get(f"/v1/screenings/{screened['id']}/facts")
    assert response.status_code == 200, response.text
    facts = response.json()
    assert (facts["screening"], facts["case"], facts["as_of"]) == (
        screened["id"],
        "MBN 2026/7",
        "2026-03-10",
    )
    snapshot = facts["snapshot"]
    assert snapshot["case"]["ref"] == "MBN 2026/7"
    persons = snapshot["persons"]
    assert persons["p-led1"]["name"] == "Cecilia Ström"
    assert any(i["organisation"] == "bygg-ab" for i in persons["p-led1"]["interests"])
    assert "ost-mbn" in snapshot["committees"] and "bygg-ab" in snapshot["organisations"]
    # Personnummer never in clear, neither the digits nor any other form of them.
    assert PNR_SAMBO not in response.text and PNR_SAMBO.replace("-", "") not in response.text
    entry = auditor.get(f"/v1/audit/{screened['audit']['id']}").json()
    assert entry["payload"]["data"]["facts_hash"] == facts["facts_hash"]
    assert auditor.get(f"/v1/screenings/{screened['id']}/facts").status_code == 200


def test_facts_and_replay_follow_roles_and_scope(
    screened: dict[str, Any], client_for: Callable[..., ApiClient]
) -> None:
    for path in ("facts", "replay"):
        method = "get" if path == "facts" else "post"
        url = f"/v1/screenings/{screened['id']}/{path}"
        assert getattr(client_for("registry"), method)(url).status_code == 403
        assert getattr(client_for("screener", orgs=["k-ost"]), method)(url).status_code == 200
        # Out of scope answers exactly like a screening that does not exist.
        outsider = getattr(client_for("auditor", orgs=["nobody"]), method)(url)
        missing = getattr(client_for("auditor"), method)(f"/v1/screenings/scr_nope/{path}")
        assert outsider.status_code == missing.status_code == 404


def test_replay_of_an_unchanged_screening_has_no_diff_and_stores_nothing(
    screened: dict[str, Any], admin: ApiClient
) -> None:
    audit_before = admin.get("/v1/audit").json()["total"]
    listed_before = admin.get("/v1/screenings").json()["total"]
    response = admin.post(f"/v1/screenings/{screened['id']}/replay")
    assert response.status_code == 200, response.text
    replay = response.json()
    assert replay["unchanged"] is True
    diff = replay["diff"]
    assert (diff["new"], diff["removed"], diff["changed"]) == ([], [], [])
    assert diff["outcome_changed"] is False and diff["rules_version_changed"] is False
    assert replay["replayed"]["findings"] == screened["findings"]
    assert admin.get("/v1/audit").json()["total"] == audit_before
    assert admin.get("/v1/screenings").json()["total"] == listed_before


def test_replay_judges_the_stored_facts_by_the_current_rules(
    screened: dict[str, Any], admin: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Today's parameters file differs from the screening's (a rules version of its own).
    # The registry is changed too, which replay must NOT see: it judges the facts as they
    # were stored.
    text = default_parameters().text.replace(
        "name_match_min_score:", "# changed for the test\nname_match_min_score:"
    )
    monkeypatch.setattr(engine, "default_parameters", lambda: Parameters(text))
    import_document(admin, {"persons": [{"ref": "p-led1", "name": "Cecilia Annan"}]})
    replay = admin.post(f"/v1/screenings/{screened['id']}/replay").json()
    assert replay["diff"]["rules_version_changed"] is True
    assert replay["unchanged"] is True  # the same facts, same outcome and findings
    assert "Cecilia Ström" in json.dumps(replay["replayed"], ensure_ascii=False)


def test_a_tampered_facts_row_is_named_by_audit_verify(
    screened: dict[str, Any], admin: ApiClient, session: Session
) -> None:
    assert admin.get("/v1/audit/verify").json()["ok"] is True
    stored = session.get(ScreeningFacts, screened["id"])
    assert stored is not None
    assert hashlib.sha256(stored.facts.encode()).hexdigest() == stored.facts_hash
    forged = stored.facts.replace("Cecilia Ström", "Cecilia Falsk")
    session.execute(
        update(ScreeningFacts)
        .where(ScreeningFacts.screening_id == screened["id"])
        # The forger updates the convenience copy of the hash too: the audit entry wins.
        .values(facts=forged, facts_hash=hashlib.sha256(forged.encode()).hexdigest())
    )
    session.commit()
    result = admin.get("/v1/audit/verify").json()
    assert result["ok"] is False
    assert (result["first_broken_chain"], result["first_broken_sequence"]) == (
        screened["audit"]["chain"],
        screened["audit"]["sequence"],
    )
    assert screened["id"] in result["reason"] and str(screened["audit"]["id"]) in result["reason"]


def test_a_deleted_facts_row_is_named_by_audit_verify(
    screened: dict[str, Any], admin: ApiClient, session: Session
) -> None:
    stored = session.get(ScreeningFacts, screened["id"])
    session.delete(stored)
    session.commit()
    result = admin.get("/v1/audit/verify").json()
    assert result["ok"] is False and screened["id"] in result["reason"]
    assert admin.get(f"/v1/screenings/{screened['id']}/facts").status_code == 404


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.json")), ids=lambda p: p.stem)
def test_every_scenario_replays_unchanged(path: Path, admin: ApiClient) -> None:
    scenario = json.loads(path.read_text(encoding="utf-8"))
    import_document(admin, scenario["registry"])
    screening = admin.post("/v1/screenings", json={"case": scenario["case"]}).json()
    replay = admin.post(f"/v1/screenings/{screening['id']}/replay").json()
    assert replay["unchanged"] is True, replay["diff"]
    assert replay["replayed"]["outcome"] == screening["outcome"]
