"""The 13 shared scenarios, screened purely (no DB), checked as the scenarios README says.

A participant passes when their most severe finding has the expected level and one of
the expected grounds is among their findings; ``none`` means no jav/mojligt_jav finding.
``expected.structural`` grounds must be among the structural findings (``[]``: none).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.rules import evaluate
from app.rules.vocab import FLAGGING_LEVELS, SEVERITY
from tests.rules.builder import snapshot

SCENARIOS = Path("/work/shared/scenarios")
FILES = sorted(SCENARIOS.glob("*.json")) if SCENARIOS.is_dir() else []


def check_scenario(data: dict[str, Any]) -> list[str]:
    result = evaluate(snapshot(data["registry"], data["case"]))
    problems: list[str] = []
    for person, want in data["expected"]["persons"].items():
        mine = [f for f in result.findings if f.person == person]
        if want["level"] == "none":
            bad = [f"{f.ground}/{f.level}" for f in mine if f.level in FLAGGING_LEVELS]
            if bad:
                problems.append(f"{person}: expected none, got {bad}")
            continue
        worst = max((f.level for f in mine), key=lambda lv: SEVERITY[lv], default=None)
        grounds = {str(f.ground) for f in mine}
        if worst != want["level"] or not grounds & set(want["grounds"]):
            problems.append(f"{person}: expected {want}, got {worst} {sorted(grounds)}")
    got = {str(s.ground) for s in result.structural}
    expected = set(data["expected"]["structural"])
    if (not expected and got) or not expected <= got:
        problems.append(f"structural: expected {sorted(expected)}, got {sorted(got)}")
    return problems


@pytest.mark.skipif(not FILES, reason="shared scenarios not available")
@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_scenario(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert check_scenario(data) == []
