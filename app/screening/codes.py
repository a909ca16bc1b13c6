"""The engine's enums from the codes stored in the registry, by dict lookup (the facts
builder turns every stored code of a snapshot into its enum member)."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Any, TypeVar

from app.rules.vocab import (
    AppointmentRole,
    CommitteeKind,
    DutyRole,
    InterestKind,
    OrgKind,
    RelationKind,
)

E = TypeVar("E", bound=Enum)


def member_of(enum: type[E]) -> Callable[[Any], E]:
    """`enum(value)` by one dict lookup: a snapshot names some 650 codes, and the enum
    call costs eight times the lookup (2-3 % of a screening's CPU). An unknown value
    still goes through `enum(value)` and raises its ValueError."""
    table: dict[Any, E] = {m.value: m for m in enum}

    def member(value: Any) -> E:
        try:
            return table[value]
        except (KeyError, TypeError):  # TypeError: an unhashable value
            return enum(value)

    return member


org_kind = member_of(OrgKind)
committee_kind = member_of(CommitteeKind)
duty_role = member_of(DutyRole)
appointment_role = member_of(AppointmentRole)
interest_kind = member_of(InterestKind)
relation_kind = member_of(RelationKind)
