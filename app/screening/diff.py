"""The difference between two evaluations of one case (rerun, replay, what-if).

Findings are paired by what makes them "the same finding" (person, ground and rule; for a
structural risk the bodies it names); a pair whose compared fields differ is `changed`,
an unpaired finding is `new` (gained) or `removed` (lost).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from pydantic import BaseModel, Field

from app.audit.chain import canonical_json
from app.screening.result import ScreeningEvaluation, ScreeningFinding, ScreeningStructuralFinding

F = TypeVar("F", ScreeningFinding, ScreeningStructuralFinding)
Key = tuple[str | None, ...]

PERSON_COMPARED = ("level", "explanation", "path")
STRUCTURAL_COMPARED = ("level", "explanation", "persons")


class ScreeningFindingChange(BaseModel):
    changed: list[str] = Field(description="The compared fields that differ")
    before: ScreeningFinding
    after: ScreeningFinding


class ScreeningStructuralChange(BaseModel):
    changed: list[str] = Field(description="The compared fields that differ")
    before: ScreeningStructuralFinding
    after: ScreeningStructuralFinding


class ScreeningStructuralDiff(BaseModel):
    new: list[ScreeningStructuralFinding]
    removed: list[ScreeningStructuralFinding]
    changed: list[ScreeningStructuralChange]


class ScreeningDiff(BaseModel):
    """What moved between the original screening and the new evaluation."""

    rules_version_changed: bool
    previous_rules_version: str
    outcome_changed: bool
    previous_outcome: str
    new: list[ScreeningFinding] = Field(description="Person findings gained")
    removed: list[ScreeningFinding] = Field(description="Person findings lost")
    changed: list[ScreeningFindingChange] = Field(
        description="Person findings whose level, explanation or path changed"
    )
    structural: ScreeningStructuralDiff

    @property
    def empty(self) -> bool:
        """No outcome, finding or structural change (the rules version may differ)."""
        s = self.structural
        return not (
            self.outcome_changed
            or self.new
            or self.removed
            or self.changed
            or s.new
            or s.removed
            or s.changed
        )


def _person_key(finding: ScreeningFinding) -> Key:
    return finding.person, str(finding.ground), finding.rule


def _structural_key(finding: ScreeningStructuralFinding) -> Key:
    return (
        str(finding.ground),
        finding.rule,
        finding.committee,
        finding.operation,
        finding.administration,
        finding.organisation,
        finding.area,
    )


class _Paired(Generic[F]):
    def __init__(self) -> None:
        self.new: list[F] = []
        self.removed: list[F] = []
        self.changed: list[tuple[list[str], F, F]] = []


def _compared(finding: ScreeningFinding | ScreeningStructuralFinding, name: str) -> object:
    value = getattr(finding, name)
    if isinstance(value, list):
        # Names on path steps were added later: compare what the facts say, not names.
        return [
            v.model_dump(exclude={"from_name", "to_name"}) if isinstance(v, BaseModel) else v
            for v in value
        ]
    return value


def pair(
    before: Sequence[F], after: Sequence[F], key: Callable[[F], Key], compared: tuple[str, ...]
) -> _Paired[F]:
    """Pair findings by key (several with one key pair in a stable order)."""

    def order(finding: F) -> str:
        return canonical_json(finding.as_json())

    old: dict[Key, list[F]] = defaultdict(list)
    for finding in sorted(before, key=order):
        old[key(finding)].append(finding)
    out: _Paired[F] = _Paired()
    for finding in sorted(after, key=order):
        candidates = old.get(key(finding))
        if not candidates:
            out.new.append(finding)
            continue
        previous = candidates.pop(0)
        fields = [f for f in compared if _compared(previous, f) != _compared(finding, f)]
        if fields:
            out.changed.append((fields, previous, finding))
    out.removed = [f for remaining in old.values() for f in remaining]
    return out


def diff(before: ScreeningEvaluation, after: ScreeningEvaluation) -> ScreeningDiff:
    persons = pair(before.findings, after.findings, _person_key, PERSON_COMPARED)
    structural = pair(before.structural, after.structural, _structural_key, STRUCTURAL_COMPARED)
    return ScreeningDiff(
        rules_version_changed=before.rules_version != after.rules_version,
        previous_rules_version=before.rules_version,
        outcome_changed=before.outcome != after.outcome,
        previous_outcome=before.outcome,
        new=persons.new,
        removed=persons.removed,
        changed=[
            ScreeningFindingChange(changed=c, before=b, after=a) for c, b, a in persons.changed
        ],
        structural=ScreeningStructuralDiff(
            new=structural.new,
            removed=structural.removed,
            changed=[
                ScreeningStructuralChange(changed=c, before=b, after=a)
                for c, b, a in structural.changed
            ],
        ),
    )
