"""Legal cases as YAML table tests (style.md 15): ``tests/rules/cases/*.yaml``.

Each file holds a list of ``{name, as_of, facts, case, expect}``. ``facts`` is a registry
document in the contract's import format, or ``{use: <name>, add: {...}}`` taking a named
registry from ``cases/_registries.yaml`` and appending the lists in ``add``.

``expect``:
  outcome: flagged | clear
  findings: the complete list of (person, ground, level) found (``[]``: no finding at
    all). An item may also pin ``rule``, ``law_version``, ``excepted_rule``,
    ``organisation``, ``ended_on``, ``match_score``, ``basis`` (substring of a legal
    basis), ``text`` (substring of the sv or en explanation) and ``path`` (list of
    [from, relation, to]); some finding must match all given fields.
  structural: the complete list of structural grounds (strings or dicts with fields).
  participants: {person: {law_version/regime/facts_seen/by_default: ...}} (some summary
    of the person matches), or {person: [{...}, ...]} (one summary per regime, each matched)
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.rules import evaluate
from app.rules.model import Evaluation, Finding, StructuralFinding
from tests.rules.builder import snapshot

CASES_DIR = Path(__file__).with_name("cases")
REGISTRIES: dict[str, Any] = yaml.safe_load(
    (CASES_DIR / "_registries.yaml").read_text(encoding="utf-8")
)


def registry_document(facts: dict[str, Any]) -> dict[str, Any]:
    if "use" not in facts:
        return facts
    doc = {k: list(v) for k, v in REGISTRIES[facts["use"]].items()}
    for key, items in (facts.get("add") or {}).items():
        doc.setdefault(key, []).extend(items)
    return doc


def load_cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("[!_]*.yaml")):
        for i, case in enumerate(yaml.safe_load(path.read_text(encoding="utf-8"))):
            assert {"name", "as_of", "facts", "case", "expect"} <= set(case), (path, i)
            params.append(pytest.param(case, id=f"{path.stem}[{i}] {case['name']}"))
    return params


def _finding_matches(f: Finding, want: dict[str, Any]) -> bool:
    d = f.to_dict()
    for key, value in want.items():
        if key == "basis":
            ok = any(value in b for b in f.legal_basis)
        elif key == "text":
            ok = value in f.explanation.sv or value in f.explanation.en
        elif key == "path":
            ok = [[p.from_, str(p.relation), p.to] for p in f.path] == value
        elif key in (
            "ended_on",
            "match_score",
            "organisation",
            "excepted_rule",
            "rule",
            "law_version",
            "person",
            "ground",
            "level",
        ):
            ok = d.get(key) == (value.isoformat() if isinstance(value, date) else value)
        else:
            raise AssertionError(f"unknown expectation key {key!r}")
        if not ok:
            return False
    return True


def check_findings(result: Evaluation, wanted: list[dict[str, Any]]) -> list[str]:
    problems = []
    got = {(f.person, str(f.ground), str(f.level)) for f in result.findings}
    expected = {(w["person"], w["ground"], w["level"]) for w in wanted}
    if got != expected:
        problems.append(f"findings: expected {sorted(expected)}, got {sorted(got)}")
    for want in wanted:
        if not any(_finding_matches(f, want) for f in result.findings):
            problems.append(f"no finding matches {want}")
    return problems


def _structural_matches(s: StructuralFinding, want: dict[str, Any]) -> bool:
    d = s.to_dict()
    return all(d.get(k) == v for k, v in want.items())


def check_structural(result: Evaluation, wanted: list[Any]) -> list[str]:
    wants = [w if isinstance(w, dict) else {"ground": w} for w in wanted]
    got = sorted({str(s.ground) for s in result.structural})
    problems = []
    if got != sorted({w["ground"] for w in wants}):
        problems.append(f"structural: expected {sorted(w['ground'] for w in wants)}, got {got}")
    for want in wants:
        if not any(_structural_matches(s, want) for s in result.structural):
            problems.append(f"no structural finding matches {want}")
    return problems


def check_participants(result: Evaluation, wanted: dict[str, Any]) -> list[str]:
    """``{person: fields}``: some summary of the person has the fields; ``{person: [fields,
    ...]}``: the person is screened exactly that many times (one per regime), each
    matching one summary."""
    summaries: dict[str, list[dict[str, Any]]] = {}
    for p in result.participants:
        summaries.setdefault(p.person, []).append(p.to_dict())
    problems = []
    for person, fields in wanted.items():
        got = summaries.get(person, [])
        wants = fields if isinstance(fields, list) else [fields]
        if isinstance(fields, list) and len(got) != len(fields):
            problems.append(f"participant {person}: expected {len(fields)} summaries, got {got}")
        for want in wants:
            if not any(all(g.get(k) == v for k, v in want.items()) for g in got):
                problems.append(f"participant {person}: expected {want}, got {got}")
    return problems


@pytest.mark.parametrize("case", load_cases())
def test_legal_case(case: dict[str, Any]) -> None:
    result = evaluate(snapshot(registry_document(case["facts"]), case["case"], case["as_of"]))
    expect = case["expect"]
    problems: list[str] = []
    if "outcome" in expect and result.outcome != expect["outcome"]:
        problems.append(f"outcome: expected {expect['outcome']}, got {result.outcome}")
    if "findings" in expect:
        problems += check_findings(result, expect["findings"] or [])
    if "structural" in expect:
        problems += check_structural(result, expect["structural"] or [])
    problems += check_participants(result, expect.get("participants") or {})
    detail = "\n".join(f"  {f.person} {f.ground} {f.level} {f.rule}" for f in result.findings)
    assert not problems, "\n".join(problems) + "\nfindings:\n" + detail
