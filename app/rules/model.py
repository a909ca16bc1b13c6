"""Result types of the rules engine: findings, structural findings and the evaluation.

``to_dict()`` gives the contract's JSON shape (plus the extra fields named below), so
the API layer can pass results through without re-mapping them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from app.rules.vocab import Ground, Level, ParticipantRole

Detail = str | int | float


class PathStep(NamedTuple):
    """One edge of the chain from the screened person to the case ("from" is a keyword).

    An immutable NamedTuple (cheap to build, hash and order; rules create many)."""

    from_: str
    relation: str
    to: str

    def to_dict(self) -> dict[str, str]:
        return {"from": str(self.from_), "relation": str(self.relation), "to": str(self.to)}


@dataclass(frozen=True, slots=True)
class Explanation:
    sv: str
    en: str

    def to_dict(self) -> dict[str, str]:
        return {"sv": self.sv, "en": self.en}


@dataclass(frozen=True, slots=True)
class Finding:
    """A finding about one person (levels jav, mojligt_jav, undantag)."""

    person: str
    ground: Ground
    level: Level
    rule: str
    legal_basis: tuple[str, ...]
    explanation: Explanation
    path: tuple[PathStep, ...]
    law_version: str
    participant_role: ParticipantRole
    #: The organisation the link runs through (board seat, ownership, employment), if any.
    organisation: str | None = None
    #: When the role behind the finding ended (a former ställföreträdare role).
    ended_on: date | None = None
    #: The score of a name-only match of an unregistered party the finding rests on.
    match_score: float | None = None
    #: For an ``undantag`` produced by an exception: the rule whose finding it removed.
    excepted_rule: str | None = None
    #: Dated parameters used (name -> value), as stated in the explanation.
    parameters: tuple[tuple[str, Detail], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "person": self.person,
            "ground": str(self.ground),
            "level": str(self.level),
            "rule": self.rule,
            "legal_basis": list(self.legal_basis),
            "explanation": self.explanation.to_dict(),
            "path": [step.to_dict() for step in self.path],
            "law_version": self.law_version,
            "participant_role": str(self.participant_role),
        }
        if self.organisation is not None:
            out["organisation"] = self.organisation
        if self.ended_on is not None:
            out["ended_on"] = self.ended_on.isoformat()
        if self.match_score is not None:
            out["match_score"] = self.match_score
        if self.excepted_rule is not None:
            out["excepted_rule"] = self.excepted_rule
        if self.parameters:
            out["parameters"] = dict(self.parameters)
        return out


@dataclass(frozen=True, slots=True)
class StructuralFinding:
    """A structural risk about bodies (level risk)."""

    ground: Ground
    rule: str
    committee: str
    legal_basis: tuple[str, ...]
    explanation: Explanation
    operation: str | None = None
    administration: str | None = None
    organisation: str | None = None
    area: str | None = None
    persons: tuple[str, ...] = ()
    level: Level = Level.RISK
    match_score: float | None = None  # set only when the unit was matched by name only

    def sort_key(self) -> tuple[str, ...]:
        return (
            str(self.ground),
            self.committee,
            self.operation or "",
            self.administration or "",
            self.organisation or "",
            self.area or "",
            ",".join(self.persons),
            self.rule,
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "ground": str(self.ground),
            "level": str(self.level),
            "rule": self.rule,
            "committee": self.committee,
        }
        for key in ("operation", "administration", "organisation", "area"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.persons:
            out["persons"] = list(self.persons)
        if self.match_score is not None:
            out["match_score"] = self.match_score
        out["legal_basis"] = list(self.legal_basis)
        out["explanation"] = self.explanation.to_dict()
        return out


@dataclass(frozen=True, slots=True)
class ParticipantSummary:
    person: str
    role: ParticipantRole
    facts_seen: int
    regime: str  # kl5 | kl6 | fl
    law_version: str  # e.g. KL2017v22
    level: Level | None  # most severe finding, None when there is none
    #: True when the participant was not named in the case but screened by default.
    by_default: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "person": self.person,
            "role": str(self.role),
            "facts_seen": self.facts_seen,
            "regime": self.regime,
            "law_version": self.law_version,
            "level": None if self.level is None else str(self.level),
            "by_default": self.by_default,
        }


@dataclass(frozen=True, slots=True)
class Evaluation:
    case: str
    as_of: date
    outcome: str  # flagged | clear
    rules_version: str
    findings: tuple[Finding, ...]
    structural: tuple[StructuralFinding, ...]
    participants: tuple[ParticipantSummary, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "as_of": self.as_of.isoformat(),
            "outcome": self.outcome,
            "rules_version": self.rules_version,
            "findings": [f.to_dict() for f in self.findings],
            "structural": [s.to_dict() for s in self.structural],
            "participants": [p.to_dict() for p in self.participants],
        }


# --- what rule functions return (engine-internal) ---------------------------------------


@dataclass(frozen=True, slots=True)
class Unsettled:
    """What an exception rule returns when it may apply but its reach to these facts is
    not settled law: the finding keeps its own rule, is at most `mojligt_jav`, and
    carries this (sv, en) note (the guide: when unsure, `mojligt_jav` with an honest
    explanation). A definite exception returns its note as a plain (sv, en) pair."""

    note: tuple[str, str]


@dataclass(slots=True)
class Hit:
    """A raw match produced by a person rule; the engine turns it into a Finding."""

    person: str
    level: Level
    path: tuple[PathStep, ...]
    reason: tuple[str, str]  # (sv, en) templates of the "why it matters" sentence
    organisation: str | None = None
    #: True when the link is the person's own (not through a närstående).
    own_link: bool = True
    ended_on: date | None = None
    match_score: float | None = None  # set only when resting on a name-only match
    details: dict[str, Detail] = field(default_factory=dict)
    #: Dated parameters used (copied to Finding.parameters).
    parameters: dict[str, Detail] = field(default_factory=dict)
    #: A more precise legal basis for this hit (replaces the rule's own, e.g. the point
    #: or stycke that applies); empty means the rule's legal_basis.
    basis: tuple[str, ...] = ()
    #: Indexes of path steps that describe a role that has ended (told in the past tense).
    past_steps: tuple[int, ...] = ()


@dataclass(slots=True)
class StructuralHit:
    """A raw structural match; the engine turns it into a StructuralFinding."""

    committee: str
    reason: tuple[str, str]
    path: tuple[PathStep, ...] = ()  # facts named in the explanation (not output)
    basis: tuple[str, ...] = ()  # legal basis for this finding (default: the rule's)
    operation: str | None = None
    administration: str | None = None
    organisation: str | None = None
    area: str | None = None
    persons: tuple[str, ...] = ()
    details: dict[str, Detail] = field(default_factory=dict)
    #: Score of the name-only match that identified the supervised unit, if it rests on one.
    match_score: float | None = None
