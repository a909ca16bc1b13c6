"""Replay stored facts with changed parameters and compare (pure: no database).

The baseline is today's rules with today's parameters, so the report shows what the
parameter change does and nothing else. When a screening was stored under today's rules
version its stored findings ARE that baseline (the engine is deterministic over the
stored facts: tests/screening/test_facts_roundtrip.py), and only the changed evaluation
runs; otherwise both run. Worker processes call :func:`replay_chunk` with plain data.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from app.rules import evaluate, rules_version
from app.rules.model import Evaluation
from app.rules.parameter_overrides import with_overrides
from app.rules.parameters import Parameters, default_parameters
from app.screening.facts_codec import decode

#: (person ref or None for a structural risk, ground, level, rule)
FindingKey = tuple[str | None, str, str, str]


@dataclass(frozen=True, slots=True)
class StoredItem:
    screening: str
    case: str
    as_of: str
    outcome: str
    rules_version: str
    findings: tuple[FindingKey, ...]
    facts: str


@dataclass(frozen=True, slots=True)
class ItemChange:
    screening: str
    case: str
    as_of: str
    outcome_before: str
    outcome_after: str
    gained: tuple[tuple[FindingKey, str | None], ...]  # (key, person name)
    lost: tuple[tuple[FindingKey, str | None], ...]


@lru_cache(maxsize=4)
def changed_parameters(overrides_json: str) -> Parameters:
    """The changed parameters, built once per process and request."""
    overrides: dict[str, Any] = json.loads(overrides_json)
    return with_overrides(default_parameters(), overrides)


def _keys(evaluation: Evaluation) -> tuple[FindingKey, ...]:
    person: list[FindingKey] = [
        (f.person, str(f.ground), str(f.level), f.rule) for f in evaluation.findings
    ]
    structural: list[FindingKey] = [
        (None, str(s.ground), str(s.level), s.rule) for s in evaluation.structural
    ]
    return (*person, *structural)


def replay_item(item: StoredItem, changed: Parameters) -> ItemChange | None:
    """The change in one screening, or None when nothing moves."""
    snapshot = decode(item.facts)
    if item.rules_version == rules_version():
        before_outcome, before = item.outcome, item.findings
    else:
        baseline = evaluate(snapshot)
        before_outcome, before = baseline.outcome, _keys(baseline)
    after = evaluate(snapshot, changed)
    after_keys = _keys(after)
    old, new = Counter(before), Counter(after_keys)
    gained, lost = new - old, old - new
    if not gained and not lost and before_outcome == after.outcome:
        return None

    def named(keys: Counter[FindingKey]) -> tuple[tuple[FindingKey, str | None], ...]:
        out = []
        for key in sorted(keys.elements(), key=lambda k: (k[0] or "", k[1], k[2], k[3])):
            person = snapshot.persons.get(key[0]) if key[0] else None
            out.append((key, person.name if person is not None else None))
        return tuple(out)

    return ItemChange(
        item.screening,
        item.case,
        item.as_of,
        before_outcome,
        after.outcome,
        named(gained),
        named(lost),
    )


def replay_chunk(overrides_json: str, items: list[StoredItem]) -> list[ItemChange]:
    """Replay a chunk (in this process or a worker process)."""
    changed = changed_parameters(overrides_json)
    return [c for item in items if (c := replay_item(item, changed)) is not None]
