"""Who leaves, who takes each seat, who presides and whether the body can decide: one item.

Pure: no database. `allocate` takes the committee, its members on the meeting date, who
is present and the item's screening findings (per person), and returns the item's seats.
Every step cites its rule in `app.meetings.law` (rule ids in the docstrings below).
Each item is computed from its own attendance, so a ledamot who stepped out for jäv in
one item serves again from the next (`reglemente_serves_again`, KL 5 kap. 18 och 20 §§);
an ersättare who served in a seat in the item before keeps it while it stays vacant.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

FULLMAKTIGE_KINDS = frozenset({"fullmaktige", "forbundsfullmaktige"})
NO_ORDER = 10**9  # an ersättare without an order comes after every numbered one


@dataclass(frozen=True, slots=True)
class Member:
    """A ledamot (ordförande and vice ordförande included) or ersättare on the date."""

    person: str
    name: str
    seat: bool  # holds a ledamot seat; False: an ersättare
    party: str | None = None
    order: int | None = None
    substitutes: tuple[str, ...] = ()
    appointed_by: str | None = None
    #: When the person's uninterrupted seat in the body began: consecutive appointments
    #: (a re-election without a gap) count as one (`repository.members`).
    valid_from: date | None = None
    born: date | None = None  # from the registry's masked personnummer, when it holds one
    #: 0 ordförande, 1 vice ordförande, None otherwise (KL 6 kap. 21 §)
    chair_rank: int | None = None

    @property
    def role(self) -> str:
        if self.chair_rank == 0:
            return "ordforande"
        if self.chair_rank == 1:
            return "vice_ordforande"
        return "ledamot" if self.seat else "ersattare"


@dataclass(frozen=True, slots=True)
class Body:
    ref: str
    kind: str
    seats: int | None = None
    substitution_order: dict[str, list[str]] = field(default_factory=dict)
    parent_kind: str | None = None  # an utskott's nämnd

    @property
    def fullmaktige(self) -> bool:
        return self.kind in FULLMAKTIGE_KINDS

    @property
    def utskott(self) -> bool:
        return self.kind == "utskott"

    @property
    def shared(self) -> bool:
        """A gemensam nämnd, or an utskott of one: the utskott is chosen among the nämnd's
        ledamöter and ersättare (KL 6 kap. 42 §), so each kommun's share is kept alike."""
        return self.kind == "gemensam_namnd" or (
            self.utskott and self.parent_kind == "gemensam_namnd"
        )


@dataclass(frozen=True, slots=True)
class Flag:
    """A person's most severe finding level in the item, with the findings behind it."""

    person: str
    name: str
    level: str  # jav | mojligt_jav
    role: str  # the participant role screened (ledamot, ersattare, foredragande, ...)
    grounds: tuple[str, ...]
    findings: tuple[Mapping[str, object], ...] = ()


@dataclass(frozen=True, slots=True)
class SeatTaken:
    seat_of: Member
    person: Member


@dataclass(frozen=True, slots=True)
class Seating:
    """The outcome of one item (before it is rendered as the contract's JSON)."""

    steps_out: tuple[tuple[Flag, Member | None], ...]  # member None: staff
    to_assess: tuple[tuple[Flag, Member | None], ...]
    seats: tuple[SeatTaken, ...]
    empty_seats: tuple[Member, ...]  # seats of ledamöter absent or out, nobody to enter
    chair: Member | None
    #: Who leads the nämnd's prövning of the chair's own jäv when the chair is to be
    #: assessed and the nämnd can decide without the chair (KL 6 kap. 30 § tredje
    #: stycket: the person concerned takes part only when it otherwise cannot); None else.
    assessment_chair: Member | None
    serving: int
    seats_total: int
    quorum: int
    quorate: bool
    quorate_by_jav_exception: bool  # fullmäktige decides below quorum (KL 5 kap. 46 §)
    quorate_if_assessed_out: bool
    summon: tuple[SeatTaken, ...]
    rules: tuple[str, ...]


def _by_order(m: Member) -> tuple[int, str]:
    return (m.order if m.order is not None else NO_ORDER, m.person)


class _Allocation:
    def __init__(self, body: Body, members: Iterable[Member], present: Iterable[str]) -> None:
        self.body = body
        self.members = {m.person: m for m in members}
        self.present = frozenset(present)
        self.ledamoter = sorted((m for m in self.members.values() if m.seat), key=_by_order)
        self.ersattare = sorted((m for m in self.members.values() if not m.seat), key=_by_order)

    def candidates(self, ledamot: Member) -> list[Member]:
        """The ersättare who may enter for this ledamot, in order (`kl6_16_17_ersattare_order`;
        in a gemensam nämnd only the ledamot's own kommun's, `kl9_23_24_gemensam_namnd`)."""
        if ledamot.substitutes:  # the per-ledamot list wins, as given, within the party rule
            listed = [
                self.members[p]
                for p in ledamot.substitutes
                if p in self.members and not self.members[p].seat
            ]
            if self.body.fullmaktige and ledamot.party:
                # Not even a list brings another party's ersättare into fullmäktige (KL 5
                # kap. 18 och 21 §§): the ersättare are elected for the party.
                return [e for e in listed if e.party == ledamot.party]
            return listed
        pool = self.ersattare
        if self.body.shared and ledamot.appointed_by:
            pool = [e for e in pool if e.appointed_by in (None, ledamot.appointed_by)]
        parties = self.body.substitution_order.get(ledamot.party or "")
        if parties:
            return [e for party in parties for e in pool if e.party == party]
        own = [e for e in pool if ledamot.party and e.party == ledamot.party]
        if self.body.fullmaktige and ledamot.party:
            # Fullmäktige's ersättare are elected for the party (KL 5 kap. 18 och 21 §§,
            # vallagen): another party's ersättare never enters.
            return own
        return own + [e for e in pool if e not in own]

    def first_choice(self, ledamot: Member) -> list[Member]:
        """The candidates who serve for this ledamot "i första hand": those of the first
        party in the seat's order (the ledamot's own party by default). Every seat is
        offered its first choice before any seat takes another party's ersättare, so a
        party's ersättare do not fill another party's seat while one of its own stays
        empty (the reglementen's "i första hand ... egen partigrupp. I andra hand ...
        annan partigrupp", docs/legal/meetings.md). A per-ledamot list is one choice."""
        found = self.candidates(ledamot)
        if ledamot.substitutes:
            return found
        parties = self.body.substitution_order.get(ledamot.party or "")
        lead = parties[0] if parties else ledamot.party
        return found if lead is None else [e for e in found if e.party == lead]

    def fill(
        self, out: frozenset[str], keep: Mapping[str, str] | None = None
    ) -> tuple[list[Member], list[SeatTaken], list[Member]]:
        """(ledamöter in their own seat, seats taken by ersättare, seats left empty).

        An ersättare who served in a seat in the item before keeps it while it is still
        vacant and she can serve (`keep`: seat_of -> ersättare), whatever her place in the
        order (KL 5 kap. 18 §; the reglemente's rule for nämnder). The other seats: absent
        ledamöter's first, then those stepping out, each group in the ledamöter's order."""
        own = [m for m in self.ledamoter if m.person in self.present and m.person not in out]
        vacant = [m for m in self.ledamoter if m.person not in self.present]
        vacant += [m for m in self.ledamoter if m.person in self.present and m.person in out]
        used: set[str] = set()
        chosen: dict[str, Member] = {}

        def there(e: Member) -> bool:
            return e.person in self.present and e.person not in out

        for ledamot in vacant:
            kept = self.members.get((keep or {}).get(ledamot.person, ""))
            if kept is not None and there(kept) and kept in self.candidates(ledamot):
                chosen[ledamot.person] = kept
                used.add(kept.person)
        self._assign(vacant, there, used, chosen)
        taken = [SeatTaken(m, chosen[m.person]) for m in vacant if m.person in chosen]
        empty = [m for m in vacant if m.person not in chosen]
        return own, taken, empty

    def seats_total(self) -> int:
        return self.body.seats or len(self.ledamoter)

    def quorum(self) -> int:
        """More than half of the ledamot seats (KL 6 kap. 27 §; fullmäktige 5 kap. 45 §)."""
        return self.seats_total() // 2 + 1

    def chair(self, own: list[Member]) -> Member | None:
        """`kl6_21_22_chair` (fullmäktige: `kl5_11_chair`): ordförande, vice ordförande,
        then the serving ledamot who has sat longest without a break, and among equals the
        eldest (the reglementen's and arbetsordningens "längst tid ... den äldste")."""
        presidium = sorted(
            (m for m in own if m.chair_rank is not None),
            key=lambda m: (m.chair_rank or 0, *_by_order(m)),
        )
        if presidium:
            return presidium[0]
        senior = sorted(own, key=lambda m: (m.valid_from or date.max, m.born or date.max, m.person))
        return senior[0] if senior else None

    def summon(self, empty: list[Member], out: frozenset[str], used: set[str]) -> list[SeatTaken]:
        """Who to call in for the empty seats: the first not present, not jävig ersättare
        in each seat's order."""
        chosen: dict[str, Member] = {}
        self._assign(
            empty, lambda e: e.person not in self.present and e.person not in out, used, chosen
        )
        return [SeatTaken(m, chosen[m.person]) for m in empty if m.person in chosen]

    def _assign(
        self,
        seats: list[Member],
        eligible: Callable[[Member], bool],
        used: set[str],
        chosen: dict[str, Member],
    ) -> None:
        """Give each seat not in `chosen` the first eligible ersättare not yet `used`:
        every seat its first choice (`first_choice`) before any seat another party's."""
        for choices in (self.first_choice, self.candidates):
            for ledamot in seats:
                if ledamot.person in chosen:
                    continue
                pick = next(
                    (e for e in choices(ledamot) if eligible(e) and e.person not in used), None
                )
                if pick is not None:
                    chosen[ledamot.person] = pick
                    used.add(pick.person)


def allocate(
    body: Body,
    members: Iterable[Member],
    present: Iterable[str],
    flags: Iterable[Flag],
    keep: Mapping[str, str] | None = None,
) -> Seating:
    """The seats of one item (see the module docstring); `keep`: the seats of the item
    before (seat_of -> ersättare), which their ersättare keep while they can."""
    alloc = _Allocation(body, members, present)
    by_person = {f.person: f for f in flags}
    jav = frozenset(p for p, f in by_person.items() if f.level == "jav")
    assess = frozenset(p for p, f in by_person.items() if f.level == "mojligt_jav")
    own, taken, empty = alloc.fill(jav, keep)
    serving = len(own) + len(taken)
    quorum, total = alloc.quorum(), alloc.seats_total()
    rules = _rules(body)
    quorate = serving >= quorum
    exception = False
    if not quorate and body.fullmaktige:
        # KL 5 kap. 46 §: seats left empty by jäv do not take fullmäktige below quorum:
        # the seats of members there who may not take part, not those of members away
        # (the number is short "på grund av jävet" only where they came).
        empty_by_jav = sum(1 for m in empty if m.person in jav and m.person in alloc.present)
        exception = serving + empty_by_jav >= quorum
        quorate = exception
    if exception:
        rules.append("kl5_46_jav_beslutforhet")
    if assess:
        own_a, taken_a, empty_a = alloc.fill(jav | assess, keep)
        serving_a = len(own_a) + len(taken_a)
        quorate_a = serving_a >= quorum
        if not quorate_a and body.fullmaktige:
            # KL 5 kap. 46 §: seats left empty by jäv do not count against the quorum, and
            # if fullmäktige finds the assessed members jäviga theirs are empty by jäv too.
            by_jav = (jav | assess) & alloc.present
            quorate_a = serving_a + sum(1 for m in empty_a if m.person in by_jav) >= quorum
        rules.append("kl6_30_to_assess")
    else:
        quorate_a = quorate
    summon: list[SeatTaken] = []
    if not quorate:
        summon = alloc.summon(empty, jav, {t.person.person for t in taken})
    if jav:
        rules.append("kl5_47_steps_out" if body.fullmaktige else "kl6_30_steps_out")
        if not body.fullmaktige:  # fullmäktige's own ersättare rule already says so
            rules.append("reglemente_serves_again")
    if body.shared:
        rules.append("kl9_23_24_gemensam_namnd")

    def listed(people: frozenset[str]) -> tuple[tuple[Flag, Member | None], ...]:
        # Members count when present (a member not there has nothing to leave); staff
        # screened in the item are listed whenever the screening found them.
        rows = [
            (by_person[p], alloc.members.get(p))
            for p in people
            if p not in alloc.members or p in alloc.present
        ]
        return tuple(sorted(rows, key=_listing_order))

    chair = alloc.chair(own)
    assessment_chair = None
    if chair is not None and chair.person in assess:
        own_c, taken_c, _ = alloc.fill(jav | {chair.person}, keep)
        if len(own_c) + len(taken_c) >= quorum:
            assessment_chair = alloc.chair(own_c)

    return Seating(
        steps_out=listed(jav),
        to_assess=listed(assess),
        seats=tuple(taken),
        empty_seats=tuple(empty),
        chair=chair,
        assessment_chair=assessment_chair,
        serving=serving,
        seats_total=total,
        quorum=quorum,
        quorate=quorate,
        quorate_by_jav_exception=exception,
        quorate_if_assessed_out=quorate_a,
        summon=tuple(summon),
        rules=tuple(rules),
    )


def _rules(body: Body) -> list[str]:
    """The rules every item of the body applies: its ersättare, its chair, its quorum."""
    if body.fullmaktige:
        return ["kl5_17_20_ersattare_fullmaktige", "kl5_11_chair", "kl5_45_beslutforhet"]
    # KL 6 kap. 27 § is the nämnd's quorum; an utskott's is the nämnd's or the
    # reglemente's decision (KL says nothing of it, 6 kap. 41-42 §§).
    quorum = "reglemente_utskott_beslutforhet" if body.utskott else "kl6_27_beslutforhet"
    return ["kl6_16_17_ersattare_order", "kl6_21_22_chair", quorum]


def _listing_order(row: tuple[Flag, Member | None]) -> tuple[int, int, str]:
    flag, member = row
    if member is None:
        return (2, 0, flag.person)
    return (
        0 if member.seat else 1,
        member.chair_rank if member.chair_rank is not None else 9,
        member.person,
    )
