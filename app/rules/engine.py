"""Run the registered rules over a snapshot: ``evaluate(snapshot) -> Evaluation``."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any

import app
from app.rules import grounds  # noqa: F401  (registers every rule)
from app.rules.context import Context
from app.rules.facts import FactsSnapshot
from app.rules.model import (
    Evaluation,
    Finding,
    Hit,
    ParticipantSummary,
    StructuralFinding,
    StructuralHit,
    Unsettled,
)
from app.rules.parameters import Parameters, default_parameters
from app.rules.participants import Subject
from app.rules.regime import select_law
from app.rules.registry import REGISTRY, Regime, RuleKind, RuleMeta
from app.rules.texts import explain, structural_text
from app.rules.vocab import FLAGGING_LEVELS, SEVERITY, Level, ParticipantRole

NAME_NOTE = (
    "Parten är inte registrerad utan matchad enbart på namn (poäng {score:g} av "
    "100); fyndet kan därför högst vara möjligt jäv tills identiteten är bekräftad.",
    "The party is not registered and was matched by name only (score {score:g} of "
    "100); the finding is therefore at most a possible conflict until the identity "
    "is confirmed.",
)
STRUCTURAL_NAME_NOTE = (
    "Verksamheten eller organisationen som tillsynen gäller är inte registrerad som part "
    "utan matchad enbart på namn (poäng {score:g} av 100); risken gäller bara om "
    "identiteten bekräftas.",
    "The supervised operation or organisation is not registered as the party but was "
    "matched by name only (score {score:g} of 100); the risk holds only if the identity "
    "is confirmed.",
)


@lru_cache(maxsize=1)
def rules_source_digest() -> bytes:
    """SHA-256 over the engine's own source (every module under app/rules, by path): a
    change to what a rule decides or says changes the rules version, even where its
    metadata and the parameters do not. Before run N the version hashed only those two,
    so a replay said "same rules" across a code change and a what-if took findings
    stored by older code as its baseline."""
    digest = hashlib.sha256()
    for name, path in rules_source_files():
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.digest()


def rules_source_files() -> list[tuple[str, Path]]:
    """The modules `rules_source_digest` covers, by their path under app/rules."""
    root = Path(__file__).parent
    return sorted((p.relative_to(root).as_posix(), p) for p in root.rglob("*.py"))


@lru_cache(maxsize=8)
def _version(parameters_text: str) -> str:
    extra = parameters_text.encode() + b"\0" + rules_source_digest()
    return f"{app.__version__}+{REGISTRY.fingerprint(extra)}"


def rules_version(params: Parameters | None = None) -> str:
    """App version + short hash of the sorted rule metadata, the parameters file and the
    engine's source (`rules_source_digest`)."""
    return _version((params or default_parameters()).text)


def list_rules() -> list[dict[str, Any]]:
    """Metadata of every registered rule, by id (for ``GET /v1/rules``)."""
    return [meta.to_dict() for meta in REGISTRY.all()]


def list_parameters(params: Parameters | None = None) -> list[dict[str, Any]]:
    """Every dated parameter with its values, references and policy flags."""
    params = params or default_parameters()
    return [
        {
            "name": p.name,
            "description": p.description,
            "unit": p.unit,
            "values": [
                {
                    "from": v.since.isoformat(),
                    "value": v.value,
                    "policy": v.policy,
                    "reference": v.reference,
                }
                for v in p.values
            ],
        }
        for p in params.by_name.values()
    ]


UNMODELLED_NOTE = (
    "Screeningdatumet ligger före den äldsta lag som motorn modellerar; fyndet "
    "kan därför högst vara möjligt jäv och måste prövas mot den lag som gällde "
    "då.",
    "The screening date is before the oldest act the engine models; the finding "
    "is therefore at most a possible conflict and must be checked against the "
    "act then in force.",
)


# An exception rule's answer: a note when it applies, `Unsettled` when it may.
Excepted = tuple[RuleMeta, tuple[str, str] | Unsettled]


def _applies(exception: Excepted | None) -> bool:
    return exception is not None and not isinstance(exception[1], Unsettled)


def _level(hit: Hit, exception: Excepted | None, subject: Subject) -> Level:
    if _applies(exception):
        return Level.UNDANTAG
    capped = (
        hit.match_score is not None  # a name-only match
        or not subject.law.modelled  # an older act than the engine models
        or exception is not None  # an exception that may apply (`Unsettled`)
    )
    if hit.level is Level.JAV and capped:
        return Level.MOJLIGT_JAV
    return hit.level


def _finding(
    ctx: Context,
    meta: RuleMeta,
    hit: Hit,
    subject: Subject,
    level: Level,
    exception: Excepted | None,
) -> Finding:
    notes: list[tuple[str, str]] = []
    details = dict(hit.details)
    if hit.match_score is not None:
        details["score"] = hit.match_score
        notes.append(NAME_NOTE)
    if not subject.law.modelled:
        notes.append(UNMODELLED_NOTE)
    basis = (*(hit.basis or meta.legal_basis), *subject.extra_basis)
    rule_id, excepted = meta.id, None
    if exception is not None:
        exc_meta, answer = exception
        if isinstance(answer, Unsettled):
            # The finding stays the ground's; the exception it may fall under is cited after.
            basis = (*basis, *exc_meta.legal_basis)
            notes.append(answer.note)
        else:
            rule_id, excepted = exc_meta.id, meta.id
            basis = (*exc_meta.legal_basis, *basis)
            notes.append(answer)
    version = (subject.law.label_sv, subject.law.label_en)
    text = explain(
        ctx.names,
        hit.path,
        hit.reason,
        str(level),
        basis[0],
        version,
        str(subject.regime),
        details,
        notes,
        hit.past_steps,
    )
    return Finding(
        person=hit.person,
        ground=meta.ground,
        level=level,
        rule=rule_id,
        legal_basis=basis,
        explanation=text,
        path=hit.path,
        law_version=subject.law.code,
        participant_role=subject.role,
        organisation=hit.organisation,
        ended_on=hit.ended_on,
        match_score=hit.match_score,
        excepted_rule=excepted,
        parameters=tuple(sorted(hit.parameters.items())),
    )


def _exception_for(
    ctx: Context, meta: RuleMeta, hit: Hit, subject: Subject, exceptions: tuple[RuleMeta, ...]
) -> Excepted | None:
    """The first exception that applies; else the first that may (`Unsettled`)."""
    unsettled: Excepted | None = None
    for exc in exceptions:
        if exc.regime is subject.regime and meta.ground in exc.grounds:
            answer = exc.func(ctx, hit)
            if isinstance(answer, Unsettled):
                unsettled = unsettled or (exc, answer)
            elif answer is not None:
                return exc, answer
    return unsettled


def _more_recent(hit: Hit, kept: Finding) -> bool:
    """One finding per (person, ground, level, rule, path): the role that still holds, or
    else the one that ended last, not the first read. A seat held now and one ended years
    ago can share a key when both are capped at the same level (an `Unsettled` exception,
    an `undantag`), and the answer must speak of the current one (a review of run P)."""
    if kept.ended_on is None:
        return False
    return hit.ended_on is None or hit.ended_on > kept.ended_on


def _person_findings(ctx: Context) -> list[Finding]:
    by_regime: dict[Regime, list[Subject]] = defaultdict(list)
    for s in ctx.subjects:
        by_regime[s.regime].append(s)
    # a person in roles under different law is one subject per regime (participants.py)
    subjects = {(s.ref, s.regime): s for s in ctx.subjects}
    exceptions = REGISTRY.active(ctx.as_of, RuleKind.EXCEPTION)
    found: dict[tuple[Any, ...], Finding] = {}
    for meta in REGISTRY.active(ctx.as_of, RuleKind.PERSON):
        group = by_regime.get(meta.regime)
        if not group:
            continue
        for hit in meta.func(ctx, group):
            subject = subjects[(hit.person, meta.regime)]
            exc = _exception_for(ctx, meta, hit, subject, exceptions)
            level = _level(hit, exc, subject)
            rule_id = exc[0].id if exc is not None and _applies(exc) else meta.id
            key = (hit.person, meta.ground, level, rule_id, hit.path)
            if key not in found or _more_recent(hit, found[key]):
                found[key] = _finding(ctx, meta, hit, subject, level, exc)
    order: dict[str, int] = {}
    for i, s in enumerate(ctx.subjects):
        order.setdefault(s.ref, i)
    return sorted(
        found.values(),
        key=lambda f: (order[f.person], -SEVERITY[f.level], f.ground, f.rule, f.path),
    )


def _structural(ctx: Context) -> list[StructuralFinding]:
    committee, org = ctx.committee, ctx.organisation
    if committee is None:
        return []
    law = select_law(committee.kind, org.kind if org else None, True, ctx.as_of)
    if law.regime is not Regime.KL6:
        return []
    out: dict[tuple[str, ...], StructuralFinding] = {}
    for meta in REGISTRY.active(ctx.as_of, RuleKind.STRUCTURAL):
        for hit in meta.func(ctx):
            finding = _structural_finding(ctx, meta, hit)
            out.setdefault(finding.sort_key(), finding)
    return [out[k] for k in sorted(out)]


def _structural_finding(ctx: Context, meta: RuleMeta, hit: StructuralHit) -> StructuralFinding:
    details = hit.details
    notes: tuple[tuple[str, str], ...] = ()
    if hit.match_score is not None:
        details = {**details, "score": hit.match_score}
        notes = (STRUCTURAL_NAME_NOTE,)
    return StructuralFinding(
        ground=meta.ground,
        rule=meta.id,
        committee=hit.committee,
        legal_basis=hit.basis or meta.legal_basis,
        explanation=structural_text(ctx.names, hit.path, hit.reason, details, notes),
        operation=hit.operation,
        administration=hit.administration,
        organisation=hit.organisation,
        area=hit.area,
        persons=hit.persons,
        match_score=hit.match_score,
    )


def _summaries(ctx: Context, findings: list[Finding]) -> tuple[ParticipantSummary, ...]:
    worst: dict[tuple[str, ParticipantRole], Level] = {}
    for f in findings:
        key = (f.person, f.participant_role)
        if key not in worst or SEVERITY[f.level] > SEVERITY[worst[key]]:
            worst[key] = f.level
    seen = ctx.snapshot.facts_seen
    return tuple(
        ParticipantSummary(
            person=s.ref,
            role=s.role,
            facts_seen=seen.get(s.ref, s.facts.fact_count),
            regime=str(s.regime),
            law_version=s.law.code,
            level=worst.get((s.ref, s.role)),
            by_default=s.by_default,
        )
        for s in ctx.subjects
    )


def evaluate(snapshot: FactsSnapshot, params: Parameters | None = None) -> Evaluation:
    """Screen a case: person findings, structural risks, outcome and per-person summary.

    Pure: reads only the snapshot and the dated parameters. ``outcome`` is ``flagged``
    when any finding has level jav or mojligt_jav, else ``clear``.
    """
    params = params or default_parameters()
    ctx = Context(snapshot, params)
    findings = _person_findings(ctx)
    flagged = any(f.level in FLAGGING_LEVELS for f in findings)
    return Evaluation(
        case=snapshot.case.ref,
        as_of=ctx.as_of,
        outcome="flagged" if flagged else "clear",
        rules_version=rules_version(params),
        findings=tuple(findings),
        structural=tuple(_structural(ctx)),
        participants=_summaries(ctx, findings),
    )
