"""Organisation-wide structural report (no case): where drift and tillsyn meet.

* ``egen_tillsyn``: a committee holding both tillsyn and drift in reaching areas for the
  same municipality, or supervising an operation it (or its utskott) runs;
* ``delad_forvaltning``: an administration serving both a supervising committee and a
  different committee that runs operations in a reached area for the same municipality;
* ``samverkan_egen_drift``: a gemensam nämnd, förbund committee or agreement performer
  supervising an operation run by its host, a participant/member or the performer;
* ``dubbla_roller``: persons seated (on as_of) in both such a supervising and operating
  committee (only when the snapshot carries persons).

"Reaching": a tillsyn area reaches itself and the operation areas listed in the dated
policy parameter ``supervision_scope``.
"""

from __future__ import annotations

from collections.abc import Iterator

from app.rules.facts import CommitteeFacts, OrganisationSnapshot, valid_on
from app.rules.grounds.structural import JO, tillsyn_basis
from app.rules.model import Explanation, PathStep, StructuralFinding
from app.rules.parameters import Parameters, default_parameters
from app.rules.texts import Names, step_sentences
from app.rules.vocab import SEAT_ROLES, BodyKind, DutyRole, Ground, OrgKind

Duty = tuple[str, frozenset[str]]  # (area, organisations covered)


class _Report:
    def __init__(self, snap: OrganisationSnapshot, params: Parameters) -> None:
        self.s = snap
        self.scope_map: dict[str, list[str]] = params.value("supervision_scope", snap.as_of)
        self.duties: dict[str, dict[DutyRole, list[Duty]]] = {
            ref: self._duties(c) for ref, c in snap.committees.items()
        }
        self.basis = tillsyn_basis(snap.as_of)
        self.names = Names(snap)
        self.children: dict[str, list[str]] = {}
        for ref, c in snap.committees.items():
            if c.parent:
                self.children.setdefault(c.parent, []).append(ref)

    def _duties(self, c: CommitteeFacts) -> dict[DutyRole, list[Duty]]:
        out: dict[DutyRole, list[Duty]] = {DutyRole.DRIFT: [], DutyRole.TILLSYN: []}
        for r in c.responsibilities:
            out[r.role].append((r.area, frozenset(r.for_orgs or (c.organisation,))))
        return out

    def reaches(self, tillsyn_area: str, area: str) -> bool:
        return tillsyn_area == area or area in self.scope_map.get(tillsyn_area, ())

    def in_scope(self, c: CommitteeFacts) -> bool:
        """The committee belongs to a scoped organisation or to a shared body (gemensam
        nämnd, kommunalförbund) a scoped organisation takes part in."""
        scope = set(self.s.scope)
        home = self.s.organisations.get(c.organisation)
        members = set(home.members) if home else set()
        return not scope or c.organisation in scope or bool(scope & (set(c.participants) | members))

    def overlap(self, sup: str, ops: str) -> Iterator[tuple[str, str]]:
        """(area, municipality) where ``sup``'s tillsyn reaches ``ops``'s drift."""
        for t_area, t_orgs in self.duties[sup][DutyRole.TILLSYN]:
            for d_area, d_orgs in self.duties[ops][DutyRole.DRIFT]:
                if self.reaches(t_area, d_area):
                    for org in sorted(t_orgs & d_orgs):
                        yield d_area, org

    def finding(
        self,
        ground: Ground,
        committee: str,
        path: tuple[PathStep, ...],
        basis: tuple[str, ...],
        *,
        area: str,
        operation: str | None = None,
        administration: str | None = None,
        organisation: str | None = None,
        persons: tuple[str, ...] = (),
    ) -> StructuralFinding:
        sv, en = step_sentences(self.names, path)
        text = Explanation(sv + " " + REPORT_TEXT[ground][0], en + " " + REPORT_TEXT[ground][1])
        return StructuralFinding(
            ground=ground,
            rule=RULE_IDS[ground],
            committee=committee,
            legal_basis=basis,
            explanation=text,
            operation=operation,
            administration=administration,
            organisation=organisation,
            area=area,
            persons=persons,
        )


REPORT_TEXT = {
    Ground.EGEN_TILLSYN: (
        "Samma nämnd har både drift och tillsyn (JO 581-2004).",
        "One committee holds both drift and tillsyn (JO 581-2004).",
    ),
    Ground.DELAD_FORVALTNING: (
        "Samma förvaltning betjänar både drift och tillsyn.",
        "One administration serves both drift and tillsyn.",
    ),
    Ground.SAMVERKAN_EGEN_DRIFT: (
        "Samverkansorganet utövar tillsyn över verksamhet som drivs "
        "av en av dess egna huvudmän eller utföraren.",
        "The joint body supervises an operation run by one of its own principals or the performer.",
    ),
    Ground.DUBBLA_ROLLER: (
        "Personerna sitter både i tillsyns- och driftorganet.",
        "These persons sit in both the supervising and the operating body.",
    ),
}
RULE_IDS = {
    Ground.EGEN_TILLSYN: "struct_egen_tillsyn",
    Ground.DELAD_FORVALTNING: "struct_delad_forvaltning",
    Ground.SAMVERKAN_EGEN_DRIFT: "struct_samverkan_egen_drift",
    Ground.DUBBLA_ROLLER: "struct_dubbla_roller",
}


def _egen(r: _Report) -> Iterator[StructuralFinding]:
    for ref, c in sorted(r.s.committees.items()):
        if not r.in_scope(c):
            continue
        for area, org in r.overlap(ref, ref):
            yield r.finding(
                Ground.EGEN_TILLSYN,
                ref,
                (PathStep(ref, "driftansvar", org),),
                (r.basis, JO),
                area=area,
                organisation=org,
            )
        for op in sorted(r.s.operations.values(), key=lambda o: o.ref):
            if op.operator_committee not in (ref, *r.children.get(ref, ())):
                continue
            if any(
                r.reaches(t, op.area) and (op.municipality or c.organisation) in orgs
                for t, orgs in r.duties[ref][DutyRole.TILLSYN]
            ):
                yield r.finding(
                    Ground.EGEN_TILLSYN,
                    ref,
                    (PathStep(ref, "driver", op.ref),),
                    (r.basis, JO),
                    operation=op.ref,
                    area=op.area,
                )


def _delad(r: _Report) -> Iterator[StructuralFinding]:
    for ref, admin in sorted(r.s.administrations.items()):
        for sup in sorted(admin.serves):
            c = r.s.committees.get(sup)
            if c is None or not r.in_scope(c):
                continue
            for ops in sorted(set(admin.serves) - {sup}):
                if ops not in r.duties:
                    continue
                for area, org in r.overlap(sup, ops):
                    path = (PathStep(ref, "betjanar", sup), PathStep(ref, "betjanar", ops))
                    yield r.finding(
                        Ground.DELAD_FORVALTNING,
                        sup,
                        path,
                        (r.basis, JO),
                        administration=ref,
                        area=area,
                        organisation=org,
                    )


def _runner(r: _Report, op_ref: str) -> str | None:
    op = r.s.operations[op_ref]
    if op.operator_organisation:
        return op.operator_organisation
    c = r.s.committees.get(op.operator_committee or "")
    return c.organisation if c else None


def _principals(r: _Report, c: CommitteeFacts) -> set[str]:
    """Host, participants, förbund members and agreement performers around ``c``."""
    orgs: set[str] = set()
    if c.participants:
        orgs |= {c.organisation, *c.participants}
    home = r.s.organisations.get(c.organisation)
    if home is not None and home.kind is OrgKind.KOMMUNALFORBUND:
        orgs |= {home.ref, *home.members}
    for ag in r.s.agreements.values():
        if (
            ag.role is DutyRole.TILLSYN
            and valid_on(ag.valid_from, ag.valid_to, r.s.as_of)
            and (c.organisation == ag.performer or c.organisation in ag.principals)
        ):
            orgs.add(ag.performer)
    return orgs


def _samverkan(r: _Report) -> Iterator[StructuralFinding]:
    for ref, c in sorted(r.s.committees.items()):
        principals = _principals(r, c) if r.in_scope(c) else set()
        for op_ref in sorted(r.s.operations) if principals else ():
            op, runner = r.s.operations[op_ref], _runner(r, op_ref)
            covered = any(
                r.reaches(t, op.area)
                and (
                    op.municipality is None
                    or op.municipality in orgs
                    or op.municipality in principals
                )
                for t, orgs in r.duties[ref][DutyRole.TILLSYN]
            )
            if runner in principals and covered:
                path = (PathStep(runner, "driver", op_ref),)
                yield r.finding(
                    Ground.SAMVERKAN_EGEN_DRIFT,
                    ref,
                    path,
                    (r.basis,),
                    operation=op_ref,
                    organisation=runner,
                    area=op.area,
                )


def _dubbla(r: _Report) -> Iterator[StructuralFinding]:
    seats: dict[tuple[str, str], set[str]] = {}
    for pref, person in r.s.persons.items():
        held = sorted(
            {
                a.body
                for a in person.appointments
                if a.body_kind is BodyKind.COMMITTEE
                and a.role in SEAT_ROLES
                and a.body in r.duties
                and valid_on(a.valid_from, a.valid_to, r.s.as_of)
            }
        )
        for sup in held:
            for ops in held:
                if sup != ops and r.in_scope(r.s.committees[sup]) and any(r.overlap(sup, ops)):
                    seats.setdefault((sup, ops), set()).add(pref)
    for (sup, ops), persons in sorted(seats.items()):
        path = tuple(PathStep(p, "ledamot", ops) for p in sorted(persons))
        yield r.finding(
            Ground.DUBBLA_ROLLER,
            sup,
            path,
            (r.basis,),
            persons=tuple(sorted(persons)),
            area=next(r.overlap(sup, ops))[0],
        )


def structural_report(
    snapshot: OrganisationSnapshot, params: Parameters | None = None
) -> tuple[StructuralFinding, ...]:
    """Every structural risk in the snapshot's scope, sorted and de-duplicated."""
    r = _Report(snapshot, params or default_parameters())
    found = {f.sort_key(): f for gen in (_egen, _delad, _samverkan, _dubbla) for f in gen(r)}
    return tuple(found[k] for k in sorted(found))
