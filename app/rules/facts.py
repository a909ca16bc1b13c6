"""The frozen facts snapshot the rules engine reads (no ORM object ever reaches a rule).

A loader builds one :class:`FactsSnapshot` per screening. It holds everything reachable
from the case, *including* facts that are not valid on ``as_of``: appointments,
interests, relations and agreements carry ``valid_from``/``valid_to`` (both optional,
``valid_to`` inclusive) and the rules filter by date themselves, because an ended
ställföreträdare role or a committee seat "during the audited period" matters.

Loader obligations (what the rules rely on):

* every ref used anywhere in the case resolves in the lookups when it exists in the
  registry (parties, participants, the handling committee and its organisation, owners
  of party organisations, operators of party operations, administrations serving the
  handling committee and the operating committees, the bodies of each person's
  appointments, and persons reached by relations of participants);
* ``Committee.responsibilities[*].for_orgs`` is already defaulted to the committee's
  organisation when the registry left ``for`` out;
* each relation is given from both sides, with :func:`app.rules.vocab.inverse` applied
  (``forelder`` <-> ``barn``, ``foreman`` <-> ``underordnad``; symmetric kinds unchanged);
* an unregistered party carries its resolved :class:`PartyMatch` (or ``None``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from app.rules.vocab import (
    AppointmentRole,
    BodyKind,
    CommitteeKind,
    DutyRole,
    InterestKind,
    MatchHow,
    Matter,
    OrgKind,
    ParticipantRole,
    PartyKind,
    PartyRole,
    RelationKind,
)


def valid_on(valid_from: date | None, valid_to: date | None, day: date) -> bool:
    """True when ``day`` lies in [valid_from, valid_to] (open ends allowed, inclusive)."""
    return (valid_from is None or valid_from <= day) and (valid_to is None or day <= valid_to)


def overlaps(valid_from: date | None, valid_to: date | None, start: date, end: date) -> bool:
    """True when the fact's validity overlaps the closed period [start, end]."""
    return (valid_from is None or valid_from <= end) and (valid_to is None or valid_to >= start)


# --- the case ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PartyMatch:
    """How an unregistered party was matched to a registry object."""

    kind: PartyKind  # PERSON or ORGANISATION
    ref: str
    how: MatchHow
    score: float  # 0-100; 100 for identifier matches


@dataclass(frozen=True, slots=True)
class PartyFacts:
    kind: PartyKind
    role: PartyRole
    ref: str | None = None  # set for person|organisation|operation|committee
    name: str | None = None  # set for unregistered parties
    match: PartyMatch | None = None  # unregistered parties only
    # Further matches, which the rules follow as they follow `match`: the other records of
    # the identifier it was found by (two kommuner may each keep a record of one person or
    # company), or the bearers of the name near the case (app/screening/near_parties.py).
    # Empty in screenings stored before it was added (which read the same).
    also: tuple[PartyMatch, ...] = ()

    def __post_init__(self) -> None:
        if (self.kind is PartyKind.UNREGISTERED) != (self.ref is None):
            raise ValueError("a registered party needs a ref; an unregistered one has none")


@dataclass(frozen=True, slots=True)
class EarlierHandlingFacts:
    person: str
    organisation: str | None = None
    committee: str | None = None
    final: bool = False


@dataclass(frozen=True, slots=True)
class ParticipantFacts:
    person: str
    role: ParticipantRole


@dataclass(frozen=True, slots=True)
class CaseFacts:
    ref: str
    committee: str
    area: str
    matter: Matter
    as_of: date
    parties: tuple[PartyFacts, ...] = ()
    earlier_handling: tuple[EarlierHandlingFacts, ...] = ()
    #: Empty: the engine screens every seat holder of the committee on as_of and the staff
    #: of the administrations serving it (rules.md §5).
    participants: tuple[ParticipantFacts, ...] = ()
    title: str | None = None
    #: Ansvarsfrihet: the audited period; None means the calendar year before as_of.
    audited_from: date | None = None
    audited_to: date | None = None


# --- the registry -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ownership:
    owner: str  # organisation ref
    #: Share of the shares; for a stiftelse the share of board seats the owner appoints.
    share_percent: float | None = None


@dataclass(frozen=True, slots=True)
class OrganisationFacts:
    ref: str
    kind: OrgKind
    name: str = ""
    owners: tuple[Ownership, ...] = ()
    members: tuple[str, ...] = ()  # kommunalförbund members (organisation refs)


@dataclass(frozen=True, slots=True)
class Responsibility:
    area: str
    role: DutyRole
    #: Organisations whose territory or operations it covers (already defaulted).
    for_orgs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CommitteeFacts:
    ref: str
    organisation: str
    kind: CommitteeKind
    name: str = ""
    parent: str | None = None  # the nämnd an utskott belongs to
    participants: tuple[str, ...] = ()  # organisations taking part in a gemensam nämnd
    responsibilities: tuple[Responsibility, ...] = ()


@dataclass(frozen=True, slots=True)
class AdministrationFacts:
    ref: str
    organisation: str
    name: str = ""
    serves: tuple[str, ...] = ()  # committee refs


@dataclass(frozen=True, slots=True)
class OperationFacts:
    """An operation; exactly one of operator_committee / operator_organisation is set."""

    ref: str
    area: str
    name: str = ""
    operator_committee: str | None = None
    operator_organisation: str | None = None
    municipality: str | None = None  # organisation ref

    def __post_init__(self) -> None:
        if (self.operator_committee is None) == (self.operator_organisation is None):
            raise ValueError(f"operation {self.ref}: exactly one operator is required")


@dataclass(frozen=True, slots=True)
class AgreementFacts:
    ref: str
    performer: str  # organisation ref
    principals: tuple[str, ...]
    area: str
    role: DutyRole
    valid_from: date | None = None
    valid_to: date | None = None


# --- persons ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WorkArea:
    area: str
    role: DutyRole


@dataclass(frozen=True, slots=True)
class AppointmentFacts:
    body_kind: BodyKind
    body: str
    role: AppointmentRole
    valid_from: date | None = None
    valid_to: date | None = None
    appointed_by: str | None = None  # organisation ref
    works_with: tuple[WorkArea, ...] = ()


@dataclass(frozen=True, slots=True)
class InterestFacts:
    """An interest; exactly one of organisation / on_behalf_of is set."""

    kind: InterestKind
    organisation: str | None = None
    on_behalf_of: str | None = None  # person ref (god man, förvaltare, ombud, uppdrag)
    share_percent: float | None = None
    valid_from: date | None = None
    valid_to: date | None = None

    def __post_init__(self) -> None:
        if (self.organisation is None) == (self.on_behalf_of is None):
            raise ValueError("an interest points at exactly one organisation or person")


@dataclass(frozen=True, slots=True)
class RelationFacts:
    """A relation as seen from the person holding it: this person is ``kind`` of other."""

    other: str
    kind: RelationKind
    valid_from: date | None = None
    valid_to: date | None = None


@dataclass(frozen=True, slots=True)
class PersonFacts:
    ref: str
    name: str = ""
    appointments: tuple[AppointmentFacts, ...] = ()
    interests: tuple[InterestFacts, ...] = ()
    relations: tuple[RelationFacts, ...] = ()

    @property
    def fact_count(self) -> int:
        return len(self.appointments) + len(self.interests) + len(self.relations)


# --- the snapshot -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class FactsSnapshot:
    case: CaseFacts
    organisations: Mapping[str, OrganisationFacts] = field(default_factory=dict)
    committees: Mapping[str, CommitteeFacts] = field(default_factory=dict)
    administrations: Mapping[str, AdministrationFacts] = field(default_factory=dict)
    operations: Mapping[str, OperationFacts] = field(default_factory=dict)
    agreements: Mapping[str, AgreementFacts] = field(default_factory=dict)
    persons: Mapping[str, PersonFacts] = field(default_factory=dict)
    #: Registry facts seen per participant (person ref -> count), for the summary.
    facts_seen: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, eq=False)
class OrganisationSnapshot:
    """Input of the organisation-wide structural report (no case)."""

    as_of: date
    #: Organisations the report is about (their committees, and shared bodies they take
    #: part in); empty means everything in the snapshot.
    scope: tuple[str, ...] = ()
    organisations: Mapping[str, OrganisationFacts] = field(default_factory=dict)
    committees: Mapping[str, CommitteeFacts] = field(default_factory=dict)
    administrations: Mapping[str, AdministrationFacts] = field(default_factory=dict)
    operations: Mapping[str, OperationFacts] = field(default_factory=dict)
    agreements: Mapping[str, AgreementFacts] = field(default_factory=dict)
    #: Optional: persons, to report dubbla_roller (seats on both sides).
    persons: Mapping[str, PersonFacts] = field(default_factory=dict)
