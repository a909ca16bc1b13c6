"""The sharpened legal cases (those naming a ``source``) screened through the HTTP API.

``test_cases.py`` evaluates every YAML case on a snapshot built in memory. This file
imports each sharpened case's registry into a real database and screens the case with
``POST /v1/screenings``, so that the loader is shown to reach every fact the sharpened
rules read (a party person's staff appointments for the colleague rule, a närstående's
friendships, the performer's tillsyn committee under avtalssamverkan, the seats of the
committee that runs a party operation).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from tests.rules.test_cases import load_cases, registry_document
from tests.support.api import ApiClient
from tests.support.registry import import_document

SHARPENED = [p for p in load_cases() if "source" in p.values[0]]


def _matches(finding: dict[str, Any], want: dict[str, Any]) -> bool:
    for key, value in want.items():
        if key == "basis":
            ok = any(value in b for b in finding["legal_basis"])
        elif key == "text":
            ok = value in finding["explanation"]["sv"] or value in finding["explanation"]["en"]
        elif key == "path":
            ok = [[p["from"], p["relation"], p["to"]] for p in finding["path"]] == value
        else:
            ok = finding.get(key) == (value.isoformat() if isinstance(value, date) else value)
        if not ok:
            return False
    return True


def _problems(result: dict[str, Any], expect: dict[str, Any]) -> list[str]:
    problems = []
    if "outcome" in expect and result["outcome"] != expect["outcome"]:
        problems.append(f"outcome {result['outcome']}")
    if "findings" in expect:
        wanted = expect["findings"] or []
        got = {(f["person"], f["ground"], f["level"]) for f in result["findings"]}
        if got != {(w["person"], w["ground"], w["level"]) for w in wanted}:
            problems.append(f"findings {sorted(got)}")
        problems += [
            f"no finding matches {w}"
            for w in wanted
            if not any(_matches(f, w) for f in result["findings"])
        ]
    if "structural" in expect:
        wants = [w if isinstance(w, dict) else {"ground": w} for w in expect["structural"] or []]
        got_s = {s["ground"] for s in result["structural"]}
        if got_s != {w["ground"] for w in wants}:
            problems.append(f"structural {sorted(got_s)}")
        problems += [
            f"no structural finding matches {w}"
            for w in wants
            if not any(all(s.get(k) == v for k, v in w.items()) for s in result["structural"])
        ]
    return problems


def _json(value: Any) -> Any:
    """YAML reads dates as date objects; the API takes ISO strings."""
    return json.loads(json.dumps(value, default=str))


def test_there_are_sharpened_cases() -> None:
    assert len(SHARPENED) >= 25


@pytest.mark.parametrize("case", SHARPENED)
def test_sharpened_case_through_the_api(case: dict[str, Any], admin: ApiClient) -> None:
    import_document(admin, _json(registry_document(case["facts"])))
    body = {"case": _json(case["case"]), "as_of": str(case["as_of"])}
    response = admin.post("/v1/screenings", json=body)
    assert response.status_code == 201, response.text
    problems = _problems(response.json(), case["expect"])
    assert not problems, "\n".join(problems) + f"\n{response.json()['findings']}"
