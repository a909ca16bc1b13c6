"""Checks of the registry facts meetings use: party, order and substitutes (a `Validator` mixin).

* `party`, `order` and `substitutes` belong to a committee appointment; `substitutes` to a
  seat (ledamot, ordförande, vice ordförande).
* Every `substitutes` entry must be an ersättare of the same committee at some time in the
  ledamot's period (the reglemente's per-ledamot list names the committee's ersättare).
* Two appointments of one party in one committee, of the same kind (ersättare; or seats:
  ledamot, ordförande, vice ordförande), cannot hold the same `order` in overlapping
  periods (the order of entry decided at the election must be unambiguous). An
  appointment is never compared with itself: the stored row a write replaces (the CRUD
  target, or the same ref, or the same natural key) is left out, whatever the write does
  to its period, so a PATCH of valid_from or valid_to is checked against the others only.

The document's own entries and the stored rows they do not replace are checked together,
so an import that moves one ersättare's order to a free place passes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from app.models import Appointment, Committee, Person

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.registry.importdoc.plan import Entry

SEAT_ROLES = frozenset({"ledamot", "ordforande", "vice_ordforande"})
MEETING_FIELDS = ("party", "order", "substitutes")


@dataclass(frozen=True, slots=True)
class _Seat:
    """One committee appointment as the checks see it (refs, effective values)."""

    person: str
    committee: str
    role: str
    party: str | None
    order: int | None
    valid_from: date | None
    valid_to: date | None
    entry: Entry | None  # None: a stored row the document leaves as it is


def overlaps(
    a_from: date | None, a_to: date | None, b_from: date | None, b_to: date | None
) -> bool:
    return (a_to is None or b_from is None or b_from <= a_to) and (
        a_from is None or b_to is None or a_from <= b_to
    )


class SeatChecks:
    session: Session
    entries: dict[str, list[Entry]]
    stored: dict[str, dict[str, Any]]
    target_id: int | None  # the stored row a one-item CRUD write replaces

    def error(self, pointer: str, detail: str, code: str) -> None:
        raise NotImplementedError

    def check_appointment_seat_fields(self, e: Entry) -> None:
        item = e.item
        given = [n for n in MEETING_FIELDS if getattr(item, n) is not None]
        if given and not item.body.committee:
            for name in given:
                self.error(
                    f"{e.pointer}/{name}",
                    f"{name} is only for an appointment to a committee",
                    "not_allowed",
                )
            return
        subs = item.substitutes or []
        if subs and item.role not in SEAT_ROLES:
            self.error(
                e.pointer + "/substitutes",
                "substitutes is only for a ledamot (or the ordförande or a vice ordförande)",
                "not_allowed",
            )
        for i, ref in enumerate(subs):
            if ref == item.person:
                self.error(
                    f"{e.pointer}/substitutes/{i}",
                    "a ledamot cannot be their own substitute",
                    "self_reference",
                )

    def may_point(self, e: Entry, kind: str, ref: str) -> bool:
        """Whether the item may point at this stored object (the key's scope; Validator)."""
        raise NotImplementedError

    def check_seats(self) -> None:
        """Whole-document checks of `substitutes` and `order` (see the module docstring)."""
        # Only committees the key may point at: the seats of one it may not are another
        # kommun's, and an error naming them would tell of its members (the reference is
        # refused as unknown already; before run N `duplicate_order` named the holder).
        mine = [
            e
            for e in self.entries.get("appointments", [])
            if e.item.body.committee
            and (e.item.order is not None or e.item.substitutes)
            and self.may_point(e, "committee", e.item.body.committee)
        ]
        if not mine:
            return
        seats = self._seats({e.item.body.committee for e in mine})
        self._check_substitutes(mine, seats)
        self._check_orders(mine, seats)

    def _check_substitutes(self, mine: list[Entry], seats: list[_Seat]) -> None:
        ersattare: dict[tuple[str, str], list[_Seat]] = {}
        for s in seats:
            if s.role == "ersattare":
                ersattare.setdefault((s.committee, s.person), []).append(s)
        known = set(self.stored.get("person", {})) | {
            p.item.ref for p in self.entries.get("persons", [])
        }
        for e in mine:
            item = e.item
            for i, ref in enumerate(item.substitutes or []):
                if ref not in known or not self.may_point(e, "person", ref):
                    continue  # reported as an unknown reference (out of scope reads so)
                found = ersattare.get((item.body.committee, ref), [])
                if not any(
                    overlaps(item.valid_from, item.valid_to, s.valid_from, s.valid_to)
                    for s in found
                ):
                    self.error(
                        f"{e.pointer}/substitutes/{i}",
                        f"'{ref}' is not an ersättare of committee '{item.body.committee}' "
                        "during this appointment",
                        "not_an_ersattare",
                    )

    def _check_orders(self, mine: list[Entry], seats: list[_Seat]) -> None:
        for e in mine:
            item = e.item
            if item.order is None or item.party is None:
                continue
            group = "ersattare" if item.role == "ersattare" else "seat"
            for other in seats:
                if other.entry is e:
                    continue
                other_group = "ersattare" if other.role == "ersattare" else "seat"
                if (
                    other.committee == item.body.committee
                    and other_group == group
                    and other.party == item.party
                    and other.order == item.order
                    and overlaps(item.valid_from, item.valid_to, other.valid_from, other.valid_to)
                ):
                    self.error(
                        e.pointer + "/order",
                        f"order {item.order} is already held by '{other.person}' in party "
                        f"{item.party} of committee '{item.body.committee}'",
                        "duplicate_order",
                    )
                    break

    def _seats(self, committees: Iterable[str]) -> list[_Seat]:
        """The document's committee appointments, and the stored ones it does not replace."""
        refs = sorted(set(committees))
        doc = [e for e in self.entries.get("appointments", []) if e.item.body.committee in refs]
        stored = self._stored(refs)
        by_ref = {r["ref"]: r for r in stored if r["ref"] is not None}
        by_key = {(r["person"], r["committee"], r["role"], r["valid_from"]): r for r in stored}
        by_id = {r["id"]: r for r in stored}
        replaced: set[int] = set()
        out: list[_Seat] = []
        for e in doc:
            item = e.item
            # A CRUD write (PUT, PATCH) replaces its target, whatever it does to the key.
            row = by_id.get(self.target_id) if self.target_id is not None else None
            row = row or (by_ref.get(item.ref) if item.ref else None)
            row = row or by_key.get((item.person, item.body.committee, item.role, item.valid_from))
            if row is not None:
                replaced.add(row["id"])

            def value(name: str, item: Any = item, row: Any = row, e: Entry = e) -> Any:
                if name in e.fields or row is None:
                    return getattr(item, name)
                return row[name]

            out.append(
                _Seat(
                    item.person,
                    item.body.committee,
                    item.role,
                    value("party"),
                    value("order"),
                    item.valid_from,
                    item.valid_to,
                    e,
                )
            )
        out.extend(
            _Seat(
                r["person"],
                r["committee"],
                r["role"],
                r["party"],
                r["order"],
                r["valid_from"],
                r["valid_to"],
                None,
            )
            for r in stored
            if r["id"] not in replaced
        )
        return out

    def _stored(self, committees: list[str]) -> list[dict[str, Any]]:
        stmt = (
            select(
                Appointment.id,
                Appointment.ref,
                Person.ref,
                Committee.ref,
                Appointment.role,
                Appointment.party,
                Appointment.order,
                Appointment.valid_from,
                Appointment.valid_to,
            )
            .join(Person, Person.id == Appointment.person_id)
            .join(Committee, Committee.id == Appointment.committee_id)
            .where(Committee.ref.in_(committees))
        )
        names = (
            "id",
            "ref",
            "person",
            "committee",
            "role",
            "party",
            "order",
            "valid_from",
            "valid_to",
        )
        return [dict(zip(names, row, strict=True)) for row in self.session.execute(stmt)]
