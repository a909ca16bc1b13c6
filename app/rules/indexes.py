"""Indexes over one snapshot that need nothing but the snapshot and the parameters.

The base of :class:`app.rules.context.Context`; `participants` and `supervision` work on
it, so they do not import `context` (which builds on them): no import cycle. ``Link``
and ``Supervised`` are the value types both sides share.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from app.rules.facts import CommitteeFacts, FactsSnapshot, OrganisationFacts, PersonFacts, valid_on
from app.rules.model import PathStep
from app.rules.parameters import Parameters
from app.rules.vocab import GOVERNING_KINDS, MUNICIPAL_ORG_KINDS, DutyRole, OrgKind, PartyRole


class Link(NamedTuple):
    """How a registry object reaches the case: ``path`` runs from ``ref`` to the case."""

    ref: str
    path: tuple[PathStep, ...]
    role: PartyRole
    via: str  # party | owner | operator
    subject_org: str | None = None  # the party/operator organisation (ownership tests)
    factor: float | None = 1.0  # share multiplier along an owner chain (None: unknown)
    name_only: bool = False
    score: float | None = None


@dataclass(frozen=True, slots=True)
class Supervised:
    """An operation (or municipal organisation) the case supervises."""

    ref: str
    path: tuple[PathStep, ...]  # from ref to the case
    area: str
    municipality: str | None
    operator_org: str | None
    #: Operating committee -> path from it to ``ref``.
    operating: dict[str, tuple[PathStep, ...]]
    municipal: bool
    name_only: bool = False
    score: float | None = None


class SnapshotIndex:
    """The case's committee and organisation, committee kinship, validity and ownership
    tests, and drift responsibilities, over one snapshot on its as_of."""

    def __init__(self, snapshot: FactsSnapshot, params: Parameters) -> None:
        self.snapshot = snapshot
        self.case = snapshot.case
        self.as_of: date = snapshot.case.as_of
        self.params = params
        self._param_cache: dict[str, Any] = {}
        self._municipal_cache: dict[str, bool] = {}
        self.committee: CommitteeFacts | None = snapshot.committees.get(self.case.committee)
        org_ref = self.committee.organisation if self.committee else None
        self.organisation = snapshot.organisations.get(org_ref) if org_ref else None
        self.children: dict[str, list[str]] = {}
        for ref, committee in snapshot.committees.items():
            if committee.parent:
                self.children.setdefault(committee.parent, []).append(ref)
        self.family = frozenset(self.kin(self.case.committee))
        #: The nämnd the case is handled in: the committee, or for an utskott its parent
        #: (a gemensam nämnd's utskott takes part with the nämnd's kommuner; before run N
        #: it had none, and answered otherwise than the nämnd itself).
        self.namnd: CommitteeFacts | None = self.committee
        if self.committee is not None and self.committee.parent:
            self.namnd = snapshot.committees.get(self.committee.parent, self.committee)
        self._drift: dict[tuple[str, str], list[str]] | None = None
        self._supervising: frozenset[str] | None = None

    def param(self, name: str) -> Any:
        """A dated parameter on as_of. Before its first value (only for dates before the
        modelled acts, whose findings say so and are capped) the first value is used."""
        if name not in self._param_cache:
            parameter = self.params.by_name.get(name)
            first = parameter.values[0] if parameter is not None else None
            day = self.as_of if first is None or self.as_of >= first.since else first.since
            self._param_cache[name] = self.params.value(name, day)
        return self._param_cache[name]

    def valid(self, fact: Any) -> bool:
        return valid_on(fact.valid_from, fact.valid_to, self.as_of)

    def person(self, ref: str) -> PersonFacts | None:
        return self.snapshot.persons.get(ref)

    def kin(self, committee_ref: str) -> list[str]:
        """The committee, its utskott and (for an utskott) its parent nämnd."""
        refs = [committee_ref, *self.children.get(committee_ref, ())]
        committee = self.snapshot.committees.get(committee_ref)
        if committee and committee.parent:
            refs.append(committee.parent)
        return refs

    def is_municipal(self, org: OrganisationFacts | None) -> bool:
        """A kommun, region or förbund, or owned at least municipal_share_min by them or by
        organisations that are municipal in turn: a subsidiary of a municipal company is
        kommunal verksamhet too (a kommunal koncern; before run N only direct owners
        counted)."""
        return self._municipal(org, frozenset())

    def _municipal(self, org: OrganisationFacts | None, seen: frozenset[str]) -> bool:
        if org is None or org.ref in seen:
            return False
        if org.kind in MUNICIPAL_ORG_KINDS:
            return True
        cached = self._municipal_cache.get(org.ref)
        if cached is not None:
            return cached
        orgs, path = self.snapshot.organisations, seen | {org.ref}
        share = sum(
            o.share_percent or 0.0 for o in org.owners if self._municipal(orgs.get(o.owner), path)
        )
        found = share >= float(self.param("municipal_share_min"))
        if not seen:  # a result reached inside a cycle depends on the path: not cached
            self._municipal_cache[org.ref] = found
        return found

    def municipal_controllers(
        self, org_ref: str, *, through: frozenset[OrgKind] | None = None, levels: int | None = None
    ) -> dict[str, str]:
        """The kommuner, regioner and förbund above an organisation along owners that each
        hold at least municipal_share_min, each with the owner directly above the
        organisation it is reached through (itself for a direct owner), nearest first.
        `through`: the kinds a company in between may have (any, by default); `levels`: how
        many levels of companies above the organisation's own owners are read (all, by
        default). Used by the company exception's indirect reading and the samverkan risk."""
        orgs, minimum = self.snapshot.organisations, float(self.param("municipal_share_min"))
        found: dict[str, str] = {}
        seen = {org_ref}
        level: list[tuple[str, str | None]] = [(org_ref, None)]
        depth = 0
        while level and (levels is None or depth <= levels):
            above: list[tuple[str, str | None]] = []
            for ref, first in level:
                org = orgs.get(ref)
                for owner in org.owners if org else ():
                    if (owner.share_percent or 0.0) < minimum or owner.owner in seen:
                        continue
                    seen.add(owner.owner)
                    via = first or owner.owner
                    above_org = orgs.get(owner.owner)
                    if above_org is None:
                        continue
                    if above_org.kind in MUNICIPAL_ORG_KINDS:
                        found[owner.owner] = via
                    elif through is None or above_org.kind in through:
                        above.append((owner.owner, via))
            level, depth = above, depth + 1
        return found

    def is_public_body(self, org_ref: str | None) -> bool:
        org = self.snapshot.organisations.get(org_ref) if org_ref else None
        return org is not None and org.kind in (OrgKind.KOMMUN, OrgKind.REGION)

    @property
    def drift_index(self) -> dict[tuple[str, str], list[str]]:
        """(area, organisation) -> committees holding drift for it there."""
        if self._drift is None:
            self._drift = {}
            for ref, committee in self.snapshot.committees.items():
                for resp in committee.responsibilities:
                    if resp.role is DutyRole.DRIFT:
                        for org in resp.for_orgs or (committee.organisation,):
                            self._drift.setdefault((resp.area, org), []).append(ref)
        return self._drift

    def governing(self, org_ref: str) -> list[str]:
        """Board-type committees (direktion, bolagsstyrelse, styrelse) of an organisation."""
        return sorted(
            ref
            for ref, c in self.snapshot.committees.items()
            if c.organisation == org_ref and c.kind in GOVERNING_KINDS
        )

    @property
    def supervising_side(self) -> frozenset[str]:
        """The handling committee's family plus, under avtalssamverkan (KL 9 kap. 37 §),
        the performer's committees holding the tillsyn responsibility for the agreement's
        area: an administration serving one of them is on the supervising side (docs/legal/rules.md
        §2 tillsynsjav), so its staff are not drift staff by that alone."""
        if self._supervising is None:
            self._supervising = self.family | self._performer_tillsyn_committees()
        return self._supervising

    def _performer_tillsyn_committees(self) -> frozenset[str]:
        """Committees of a performer under a tillsyn agreement valid on as_of (KL 9 kap. 37 §)
        whose principal is the handling committee's organisation, holding the tillsyn
        responsibility for the agreement's area (docs/legal/rules.md §2 tillsynsjav)."""
        home = self.committee.organisation if self.committee else None
        if home is None:
            return frozenset()
        wanted = {
            (ag.performer, ag.area)
            for ag in self.snapshot.agreements.values()
            if ag.role is DutyRole.TILLSYN
            and home in ag.principals
            and ag.performer != home
            and self.valid(ag)
        }
        if not wanted:
            return frozenset()
        return frozenset(
            ref
            for ref, c in self.snapshot.committees.items()
            if any(
                r.role is DutyRole.TILLSYN and (c.organisation, r.area) in wanted
                for r in c.responsibilities
            )
        )
