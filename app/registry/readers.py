"""Who reads a stored registry object: the organisations whose keys' scope takes it in.

The inverse of `app/security/scoping.py`, computed for a few objects at a time: an
organisation is read by itself, its members (a förbund) and its owners up the chain
(`crud.audit_readers.readers_of`); a committee through its organisation and its
participants; an administration through its organisation and the committees it serves;
an operation through its operator (committee or organisation) and its municipality; an
agreement through its performer and principals. Used by `app/registry/readers_kept.py`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import (
    Administration,
    AdministrationServes,
    Agreement,
    AgreementPrincipal,
    Committee,
    CommitteeParticipant,
    Operation,
)
from app.registry.crud.audit_readers import readers_of
from app.registry.repository import in_values

Entity = tuple[str, int]  # (kind, id): "organisation", "committee", ...


# Per kind: (id column, link columns) selects whose links are organisations it is read
# through directly, and those whose links are committees it is read through.
Links = tuple[tuple[Any, tuple[Any, ...]], ...]
DIRECT: dict[str, Links] = {
    "committee": (
        (Committee.id, (Committee.organisation_id,)),
        (CommitteeParticipant.committee_id, (CommitteeParticipant.organisation_id,)),
    ),
    "operation": ((Operation.id, (Operation.operator_organisation_id, Operation.municipality_id)),),
    "administration": ((Administration.id, (Administration.organisation_id,)),),
    "agreement": (
        (Agreement.id, (Agreement.performer_id,)),
        (AgreementPrincipal.agreement_id, (AgreementPrincipal.organisation_id,)),
    ),
}
THROUGH_COMMITTEES: dict[str, Links] = {
    "operation": ((Operation.id, (Operation.operator_committee_id,)),),
    "administration": (
        (AdministrationServes.administration_id, (AdministrationServes.committee_id,)),
    ),
}


def _linked(session: Session, links: Links, ids: set[int]) -> dict[int, set[int]]:
    """Object id -> the non-null ids its link columns hold."""
    found: dict[int, set[int]] = {i: set() for i in ids}
    for id_column, link_columns in links:
        for where in in_values(session, id_column, ids):
            for object_id, *linked in session.execute(
                select(id_column, *link_columns).where(where)
            ):
                found[object_id].update(o for o in linked if o is not None)
    return found


def _object_organisations(session: Session, kind: str, ids: set[int]) -> dict[int, set[int]]:
    """Object id -> the organisations it is read through (`scoping`'s predicates)."""
    found = _linked(session, DIRECT[kind], ids)
    through = _linked(session, THROUGH_COMMITTEES.get(kind, ()), ids)
    committees = set().union(*through.values())
    by_committee = _object_organisations(session, "committee", committees) if committees else {}
    for object_id, linked in through.items():
        for committee in linked:
            found[object_id] |= by_committee.get(committee, set())
    return found


def organisations_of(session: Session, wanted: dict[str, set[int]]) -> dict[Entity, set[int]]:
    """(kind, id) -> the organisations the entity is read through (an organisation: itself)."""
    found: dict[Entity, set[int]] = {}
    for kind, ids in wanted.items():
        if not ids:
            continue
        if kind == "organisation":
            by = {i: {i} for i in ids}
        else:
            by = _object_organisations(session, kind, ids)
        found.update({(kind, i): orgs for i, orgs in by.items()})
    return found


def readers(session: Session, wanted: dict[str, set[int]]) -> dict[Entity, set[int]]:
    """(kind, id) -> the organisations whose keys read it."""
    through = organisations_of(session, wanted)
    every = set().union(*through.values()) if through else set()
    by_organisation = readers_of(session, every) if every else {}
    return {
        entity: set().union(*(by_organisation.get(o, {o}) for o in orgs))
        for entity, orgs in through.items()
    }
