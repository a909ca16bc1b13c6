"""Per-evaluation indexes over a snapshot, built once so that rules only do dict lookups.

Everything here is derived from the frozen :class:`~app.rules.facts.FactsSnapshot`:
how each registry object reaches the case (``Link``), who is screened (``Subject``, with
the participant's circle of närstående), and the supervised units of a tillsyn case.
The snapshot-only indexes that participants and supervision need are in
:mod:`app.rules.indexes`, so that neither imports this module (no import cycle).
"""

from __future__ import annotations

from app.rules.facts import (
    FactsSnapshot,
    PartyFacts,
)
from app.rules.indexes import Link as Link
from app.rules.indexes import SnapshotIndex
from app.rules.indexes import Supervised as Supervised
from app.rules.model import PathStep
from app.rules.parameters import Parameters
from app.rules.participants import Subject, build_subjects
from app.rules.supervision import (
    supervised_committee,
    supervised_operation,
    supervised_organisation,
)
from app.rules.texts import Names
from app.rules.vocab import (
    MatchHow,
    Matter,
    PartyKind,
    PartyRole,
)

# The path step that ties a registry object to an unregistered party, by how it was
# matched (an identifier match was explained as "matched by name only" before run M).
MATCH_STEP = {
    MatchHow.NAME: "namnmatchning",
    MatchHow.PERSONNUMMER: "personnummermatchning",
    MatchHow.ORGNR: "orgnrmatchning",
}

# Parties of a tillsyn case that are not what the tillsyn is over (`Context.is_supervision`).
NOT_SUPERVISED_ROLES = frozenset({PartyRole.BERORD, PartyRole.KLAGANDE})


class Context(SnapshotIndex):
    """Indexes over one snapshot (see module docstring)."""

    def __init__(self, snapshot: FactsSnapshot, params: Parameters) -> None:
        super().__init__(snapshot, params)
        self.person_links: dict[str, list[Link]] = {}
        self.org_links: dict[str, list[Link]] = {}
        self.operation_links: dict[str, list[Link]] = {}
        self.committee_links: dict[str, list[Link]] = {}
        for party in self.case.parties:
            self._index_party(party)
        # A ref reached by name only and by a registration or an identifier too is
        # reached for certain: the grounds read a ref's first link, so those come first
        # (the party order decided before, and could cap a jäv at mojligt_jav).
        by_kind = (self.person_links, self.org_links, self.operation_links, self.committee_links)
        for links in by_kind:
            for found in links.values():
                found.sort(key=lambda link: link.name_only)
        #: Organisation -> links for ownership / representation / employment tests.
        self.org_targets: dict[str, list[Link]] = {}
        self._index_targets()
        self.subjects: tuple[Subject, ...] = build_subjects(self)
        self.names = Names(snapshot)
        self._supervised: tuple[Supervised, ...] | None = None
        self._decided: tuple[Supervised, ...] | None = None

    # --- parties -------------------------------------------------------------------------

    def _index_party(self, party: PartyFacts) -> None:
        case_ref = self.case.ref
        if party.kind is not PartyKind.UNREGISTERED:
            if party.ref is not None:
                step = PathStep(party.ref, party.role, case_ref)
                self._link_party(party.kind, party.ref, (step,), party.role, False, None)
            return
        if party.match is None or party.ref is not None:
            return
        # An identifier may have matched several records of one person or company (two
        # kommuner each keep one), a name several namesakes: the party may be each.
        for match in (party.match, *party.also):
            name_only = match.how is MatchHow.NAME
            if name_only and match.score < float(self.param("name_match_min_score")):
                continue
            label = party.name or match.ref
            path = (
                PathStep(match.ref, MATCH_STEP[match.how], label),
                PathStep(label, party.role, case_ref),
            )
            self._link_party(match.kind, match.ref, path, party.role, name_only, match.score)

    def _link_party(
        self,
        kind: PartyKind,
        ref: str,
        path: tuple[PathStep, ...],
        role: PartyRole,
        name_only: bool,
        score: float | None,
    ) -> None:
        link = Link(ref, path, role, "party", None, 1.0, name_only, score)
        if kind is PartyKind.PERSON:
            self.person_links.setdefault(ref, []).append(link)
        elif kind is PartyKind.ORGANISATION:
            self.org_links.setdefault(ref, []).append(link)
        elif kind is PartyKind.OPERATION:
            self.operation_links.setdefault(ref, []).append(link)
        elif kind is PartyKind.COMMITTEE:
            self.committee_links.setdefault(ref, []).append(link)

    def _add_target(self, link: Link) -> None:
        self.org_targets.setdefault(link.ref, []).append(link)

    def _index_targets(self) -> None:
        orgs = self.snapshot.organisations
        for org_ref, links in self.org_links.items():
            org = orgs.get(org_ref)
            for link in links:
                self._add_target(
                    Link(
                        org_ref,
                        link.path,
                        link.role,
                        "party",
                        org_ref,
                        1.0,
                        link.name_only,
                        link.score,
                    )
                )
                for owner in org.owners if org else ():
                    factor = None if owner.share_percent is None else owner.share_percent / 100
                    self._add_target(
                        Link(
                            owner.owner,
                            (PathStep(owner.owner, "agare", org_ref), *link.path),
                            link.role,
                            "owner",
                            org_ref,
                            factor,
                            link.name_only,
                            link.score,
                        )
                    )
        for op_ref, links in self.operation_links.items():
            op = self.snapshot.operations.get(op_ref)
            if op is None or op.operator_organisation is None:
                continue
            operator = op.operator_organisation
            for link in links:
                self._add_target(
                    Link(
                        operator,
                        (PathStep(operator, "driver", op_ref), *link.path),
                        link.role,
                        "operator",
                        operator,
                        1.0,
                        link.name_only,
                        link.score,
                    )
                )
        for found in self.org_targets.values():  # certain links first, as the party links
            found.sort(key=lambda link: link.name_only)

    # --- supervision ---------------------------------------------------------------------

    @property
    def supervised(self) -> tuple[Supervised, ...]:
        if self._supervised is None:
            self._supervised = tuple(self._build_supervised())
        return self._supervised

    def is_supervision(self, role: PartyRole) -> bool:
        """A party named tillsynsobjekt is supervised, whatever the matter code: such a
        case "rör tillsyn" (KL 6 kap. 28 § 3 p.), e.g. a tillsyn fee filed as
        myndighetsutövning or övrigt. In a tillsyn case every other party is too (the
        operator the tillsyn is addressed to, given as `part`), except one only affected
        (berord) or one who complains (klagande): a complainant is not what the tillsyn
        is over (before run N a municipal company that filed the complaint made its staff
        tillsynsjäviga)."""
        if role is PartyRole.TILLSYNSOBJEKT:
            return True
        return self.case.matter is Matter.TILLSYN and role not in NOT_SUPERVISED_ROLES

    @property
    def concerns_supervision(self) -> bool:
        """The case is tillsyn, or names a tillsynsobjekt."""
        return self.case.matter is Matter.TILLSYN or any(
            p.role is PartyRole.TILLSYNSOBJEKT for p in self.case.parties
        )

    @property
    def decided(self) -> tuple[Supervised, ...]:
        """Municipal operations a ``myndighetsutovning`` case decides for a party
        (docs/legal/rules.md §2 stallforetradare, §4): a party operation, a party
        committee, or a party kommun or region (with the committees holding drift in the
        case's area), in any party role but ``berord`` and ``tillsynsobjekt`` (supervision
        is :attr:`supervised`). The committees that run such an operation act for the
        applicant."""
        if self._decided is None:
            self._decided = tuple(self._build_decided())
        return self._decided

    @property
    def structural_units(self) -> tuple[Supervised, ...]:
        """Units the structural risks look at: supervised ones, and municipal operations
        decided in myndighetsutövning ("supervised" includes them, docs/legal/rules.md §4)."""
        return (*self.supervised, *self.decided)

    def _build_decided(self) -> list[Supervised]:
        if self.case.matter is not Matter.MYNDIGHETSUTOVNING:
            return []
        excluded = (PartyRole.BERORD, PartyRole.TILLSYNSOBJEKT)
        units: list[Supervised] = []
        for op_ref, links in sorted(self.operation_links.items()):
            units += [
                supervised_operation(self, op_ref, k) for k in links if k.role not in excluded
            ]
        for org_ref, links in sorted(self.org_links.items()):
            if self.is_public_body(org_ref):
                units += [
                    supervised_organisation(self, org_ref, k)
                    for k in links
                    if k.role not in excluded
                ]
        for committee_ref, links in sorted(self.committee_links.items()):
            units += [
                supervised_committee(self, committee_ref, k)
                for k in links
                if k.role not in excluded
            ]
        return [u for u in units if u.operating and u.municipal]

    def _build_supervised(self) -> list[Supervised]:
        units: list[Supervised] = []
        for op_ref, links in sorted(self.operation_links.items()):
            for link in links:
                if self.is_supervision(link.role):
                    units.append(supervised_operation(self, op_ref, link))
        for org_ref, links in sorted(self.org_links.items()):
            for link in links:
                if self.is_supervision(link.role):
                    units.append(supervised_organisation(self, org_ref, link))
        for committee_ref, links in sorted(self.committee_links.items()):
            for link in links:
                if link.role is PartyRole.TILLSYNSOBJEKT:
                    units.append(supervised_committee(self, committee_ref, link))
        return [u for u in units if u.operating or u.operator_org]
