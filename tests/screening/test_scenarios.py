"""Every encoded real decision in ../shared/scenarios, screened through the HTTP API.

Per the scenarios README: import `registry`, screen `case` inline (as_of defaults to the
decision_date), then for each participant the most severe finding must have the expected
level (`none`: nothing at jav or mojligt_jav) and one of the expected grounds must be among
their findings; expected structural grounds must be present (`[]`: none at all).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.api import ApiClient
from tests.support.registry import import_document
from tests.support.scenarios import scenarios_dir

SCENARIOS = scenarios_dir()
SEVERITY = {"jav": 3, "mojligt_jav": 2, "undantag": 1}


def _scenario_files() -> list[Path]:
    if not SCENARIOS.is_dir():
        raise RuntimeError(f"scenario folder missing: {SCENARIOS.resolve()}")
    files = sorted(SCENARIOS.glob("*.json"))
    if not files:
        raise RuntimeError(f"no scenarios in {SCENARIOS.resolve()}")
    return files


def _most_severe(findings: list[dict[str, Any]]) -> str:
    levels = [f["level"] for f in findings]
    return max(levels, key=lambda lv: SEVERITY[lv]) if levels else "none"


@pytest.mark.parametrize("path", _scenario_files(), ids=lambda p: p.stem)
def test_scenario(path: Path, admin: ApiClient) -> None:
    scenario = json.loads(path.read_text(encoding="utf-8"))
    import_document(admin, scenario["registry"])
    response = admin.post("/v1/screenings", json={"case": scenario["case"]})
    assert response.status_code == 201, response.text
    result = response.json()
    expected = scenario["expected"]
    problems = []
    for person, want in expected["persons"].items():
        mine = [f for f in result["findings"] if f["person"] == person]
        level = _most_severe(mine)
        if want["level"] == "none":
            if level in ("jav", "mojligt_jav"):
                problems.append(f"{person}: expected none, got {level} {mine}")
            continue
        if level != want["level"]:
            problems.append(f"{person}: expected {want['level']}, got {level} {mine}")
        grounds = {f["ground"] for f in mine}
        if not grounds & set(want["grounds"]):
            problems.append(f"{person}: none of {want['grounds']} among {sorted(grounds)}")
    structural = {s["ground"] for s in result["structural"]}
    if expected["structural"] == []:
        if structural:
            problems.append(f"expected no structural findings, got {sorted(structural)}")
    elif not set(expected["structural"]) <= structural:
        problems.append(f"structural: expected {expected['structural']}, got {sorted(structural)}")
    screened = {p["person"] for p in result["participants"]}
    assert set(expected["persons"]) <= screened
    assert not problems, "\n".join(problems)
