"""The typed screening result: one set of models from the engine's Evaluation to the wire.

The same models give the HTTP answer (every screening route's ``response_model``), the
stored result (``Screening.result``), the finding rows (``findings``) and the audit
payload, so the four can never drift apart. They are built only from the engine's typed
:class:`app.rules.model.Evaluation` and the facts snapshot it evaluated (for names).

Field names and meaning are the contract's ("Screening: POST /v1/screenings"); the
fields added here (``name``, ``from_name``/``to_name``, ``people``, ``reran``) only add.
Schema names start with ``Screening`` so that no two OpenAPI schemas collide.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    SerializerFunctionWrapHandler,
    model_serializer,
    model_validator,
)

from app.rules.facts import FactsSnapshot, OrganisationSnapshot
from app.rules.model import Evaluation, Explanation, Finding, ParticipantSummary, PathStep
from app.rules.model import StructuralFinding as EngineStructural
from app.rules.vocab import Ground, Level, ParticipantRole
from app.screening.result_names import display_name, person_name

Snapshot = FactsSnapshot | OrganisationSnapshot
ParameterValue = str | int | float


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)

    #: Optional fields left out of the JSON when unset (the contract's shape: a finding
    #: names an organisation or an end date only when it has one).
    omit_if_none: ClassVar[frozenset[str]] = frozenset()

    @model_serializer(mode="wrap")
    def _omit_unset(self, handler: SerializerFunctionWrapHandler) -> object:
        data = handler(self)
        if self.omit_if_none and isinstance(data, dict):
            for name in self.omit_if_none:
                if data.get(name, 0) is None:
                    del data[name]
        return data

    def as_json(self) -> dict[str, JsonValue]:
        """The JSON form, exactly as answered (what JSON columns and the audit store)."""
        return self.model_dump(mode="json", by_alias=True)


class ScreeningExplanation(_Out):
    """Why the finding matters, in plain language."""

    sv: str = Field(description="The explanation in Swedish")
    en: str = Field(description="The explanation in English")

    @classmethod
    def of(cls, text: Explanation) -> ScreeningExplanation:
        return cls(sv=text.sv, en=text.en)


class ScreeningPathStep(_Out):
    """One edge of the chain of registry facts from the screened person to the case."""

    omit_if_none = frozenset({"from_name", "to_name"})

    from_: str = Field(alias="from", description="Ref of the object the edge starts at")
    relation: str = Field(description="The relation code (make, styrelseledamot, part, ...)")
    to: str = Field(description="Ref of the object the edge ends at (or the case ref)")
    from_name: str | None = Field(default=None, description="Display name of `from`")
    to_name: str | None = Field(default=None, description="Display name of `to`")

    @classmethod
    def of(cls, step: PathStep, snapshot: Snapshot) -> ScreeningPathStep:
        return cls.model_validate(
            {
                "from": str(step.from_),
                "relation": str(step.relation),
                "to": str(step.to),
                "from_name": display_name(snapshot, step.from_),
                "to_name": display_name(snapshot, step.to),
            }
        )


class ScreeningFinding(_Out):
    """A finding about one person (level jav, mojligt_jav or undantag)."""

    omit_if_none = frozenset(
        {"organisation", "ended_on", "match_score", "excepted_rule", "parameters"}
    )

    person: str = Field(description="Ref of the screened person the finding is about")
    name: str = Field(description="The person's name")
    ground: Ground = Field(description="The ground code (contract, 'Ground codes')")
    level: Level = Field(description="jav, mojligt_jav (needs a human assessment) or undantag")
    rule: str = Field(description="Id of the rule that produced it (GET /v1/rules)")
    legal_basis: list[str] = Field(description="The statute (and case law) it rests on")
    explanation: ScreeningExplanation
    path: list[ScreeningPathStep] = Field(description="The chain of facts, person to case")
    law_version: str = Field(description="The version of the act applied, e.g. KL2017v22")
    participant_role: ParticipantRole = Field(description="The person's role in the case")
    organisation: str | None = Field(
        default=None, description="The organisation the link runs through, if any"
    )
    ended_on: date | None = Field(
        default=None, description="When the role behind the finding ended (a former role)"
    )
    match_score: float | None = Field(
        default=None, description="Score (0-100) of a name-only match the finding rests on"
    )
    excepted_rule: str | None = Field(
        default=None, description="For an undantag: the rule whose finding it removed"
    )
    parameters: dict[str, ParameterValue] | None = Field(
        default=None, description="Dated rule parameters used (name -> value)"
    )

    @model_validator(mode="before")
    @classmethod
    def _legacy_name(cls, data: object) -> object:
        # Screenings stored before names were recorded: the ref stands in for the name.
        if isinstance(data, dict) and "name" not in data and "person" in data:
            return {**data, "name": data["person"]}
        return data

    @classmethod
    def of(cls, finding: Finding, snapshot: Snapshot) -> ScreeningFinding:
        return cls(
            person=finding.person,
            name=person_name(snapshot, finding.person),
            ground=finding.ground,
            level=finding.level,
            rule=finding.rule,
            legal_basis=list(finding.legal_basis),
            explanation=ScreeningExplanation.of(finding.explanation),
            path=[ScreeningPathStep.of(step, snapshot) for step in finding.path],
            law_version=finding.law_version,
            participant_role=finding.participant_role,
            organisation=finding.organisation,
            ended_on=finding.ended_on,
            match_score=finding.match_score,
            excepted_rule=finding.excepted_rule,
            parameters=dict(finding.parameters) or None,
        )


class ScreeningPerson(_Out):
    """A person named by ref, with the name a human reads."""

    ref: str
    name: str


class ScreeningStructuralFinding(_Out):
    """A structural risk about bodies rather than people (level risk)."""

    omit_if_none = frozenset({"operation", "administration", "organisation", "area", "match_score"})

    ground: Ground = Field(
        description="egen_tillsyn, dubbla_roller, delad_forvaltning or samverkan_egen_drift"
    )
    level: Level = Field(default=Level.RISK, description="Always risk")
    rule: str = Field(description="Id of the rule that produced it")
    committee: str = Field(description="Ref of the supervising committee")
    operation: str | None = Field(default=None, description="Ref of the operation, if any")
    administration: str | None = Field(
        default=None, description="Ref of the shared administration (delad_forvaltning)"
    )
    organisation: str | None = Field(default=None, description="Ref of the organisation")
    area: str | None = Field(default=None, description="The area of drift and tillsyn")
    persons: list[str] = Field(
        default_factory=list, description="Refs of the persons in both roles (dubbla_roller)"
    )
    people: list[ScreeningPerson] = Field(
        default_factory=list, description="The same persons with their names"
    )
    match_score: float | None = Field(
        default=None,
        description="Score (0-100) of the name-only match that identified the supervised unit",
    )
    legal_basis: list[str]
    explanation: ScreeningExplanation

    @classmethod
    def of(cls, finding: EngineStructural, snapshot: Snapshot) -> ScreeningStructuralFinding:
        return cls(
            ground=finding.ground,
            level=finding.level,
            rule=finding.rule,
            committee=finding.committee,
            operation=finding.operation,
            administration=finding.administration,
            organisation=finding.organisation,
            area=finding.area,
            persons=list(finding.persons),
            people=[ScreeningPerson(ref=p, name=person_name(snapshot, p)) for p in finding.persons],
            match_score=finding.match_score,
            legal_basis=list(finding.legal_basis),
            explanation=ScreeningExplanation.of(finding.explanation),
        )


class ScreeningParticipant(_Out):
    """One screened participant and the most severe level found for them."""

    person: str = Field(description="Ref of the participant")
    name: str = Field(description="The participant's name")
    role: ParticipantRole
    facts_seen: int = Field(description="Registry facts about the person the rules read")
    regime: str = Field(description="kl5 (fullmäktige), kl6 (nämnd) or fl (state authority)")
    law_version: str
    level: Level | None = Field(description="Most severe finding; null when there is none")
    by_default: bool = Field(
        description="True when screened as a seat holder or staff, not named in the case"
    )

    @model_validator(mode="before")
    @classmethod
    def _legacy_name(cls, data: object) -> object:
        if isinstance(data, dict) and "name" not in data and "person" in data:
            return {**data, "name": data["person"]}
        return data

    @classmethod
    def of(cls, summary: ParticipantSummary, snapshot: Snapshot) -> ScreeningParticipant:
        return cls(
            person=summary.person,
            name=person_name(snapshot, summary.person),
            role=summary.role,
            facts_seen=summary.facts_seen,
            regime=summary.regime,
            law_version=summary.law_version,
            level=summary.level,
            by_default=summary.by_default,
        )


class ScreeningAuditRef(_Out):
    """The audit entry the screening was written to before it was answered: its id
    (GET /v1/audit/{id}), its chain (the handling organisation's) and sequence in it."""

    id: int
    chain: int
    sequence: int
    hash: str


class ScreeningEvaluation(_Out):
    """What the rules said: the part of a screening that replay and what-if recompute."""

    case: str = Field(description="Ref of the screened case")
    as_of: date = Field(description="The date whose facts and law were applied")
    outcome: Literal["flagged", "clear"] = Field(
        description="flagged when any finding has level jav or mojligt_jav"
    )
    rules_version: str
    findings: list[ScreeningFinding]
    structural: list[ScreeningStructuralFinding]
    participants: list[ScreeningParticipant]

    @classmethod
    def of(cls, evaluation: Evaluation, snapshot: Snapshot) -> ScreeningEvaluation:
        return cls(
            case=evaluation.case,
            as_of=evaluation.as_of,
            outcome="flagged" if evaluation.outcome == "flagged" else "clear",
            rules_version=evaluation.rules_version,
            findings=[ScreeningFinding.of(f, snapshot) for f in evaluation.findings],
            structural=[ScreeningStructuralFinding.of(s, snapshot) for s in evaluation.structural],
            participants=[ScreeningParticipant.of(p, snapshot) for p in evaluation.participants],
        )


class ScreeningResult(ScreeningEvaluation):
    """The contract's screening result, as answered, stored and audited."""

    id: str = Field(description="The screening's id (scr_...)")
    created_at: datetime
    reran: str | None = Field(
        default=None, description="For a rerun: the id of the screening it screened again"
    )
    audit: ScreeningAuditRef | None = Field(
        default=None, description="The audit entry (always set once stored)"
    )

    @classmethod
    def build(
        cls,
        evaluated: ScreeningEvaluation,
        *,
        screening_id: str,
        created_at: datetime,
        reran: str | None,
    ) -> ScreeningResult:
        return cls(**dict(evaluated), id=screening_id, created_at=created_at, reran=reran)


class ScreeningPage(BaseModel):
    """One page of stored screenings, newest first."""

    items: list[ScreeningResult]
    total: int
    limit: int
    offset: int


class OrganisationStructuralRisks(BaseModel):
    """The organisation-wide structural report (no case)."""

    organisation: str
    as_of: date
    rules_version: str
    structural: list[ScreeningStructuralFinding]
