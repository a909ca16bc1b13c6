"""Who reads a stored registry object: the organisations whose keys' scope takes it in.

The inverse of `app/security/scoping.py`, computed for a few objects at a time: an
organisation is read by itself, its members (a förbund) and its owners up the chain
(`crud.audit_readers.readers_of`); a committee through its organisation and its
participants; an administration through its organisation and the committees it serves;
an operation through its operator (committee or organisation) and its municipality; an
agreement through its performer and principals. Used by `app/registry/readers_kept.py`.
"""

from __future__ import annotations

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

Entity = tuple[str, int]  # (kind, id): "organisation", "committee", ...


def _committee_organisations(session: Session, ids: set[int]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {i: set() for i in ids}
    for committee, organisation in session.execute(
        select(Committee.id, Committee.organisation_id).where(Committee.id.in_(sorted(ids)))
    ):
        found[committee].add(organisation)
    for committee, organisation in session.execute(
        select(CommitteeParticipant.committee_id, CommitteeParticipant.organisation_id).where(
            CommitteeParticipant.committee_id.in_(sorted(ids))
        )
    ):
        found[committee].add(organisation)
    return found


def _object_organisations(session: Session, kind: str, ids: set[int]) -> dict[int, set[int]]:
    """Object id -> the organisations it is read through (`scoping`'s predicates)."""
    if kind == "committee":
        return _committee_organisations(session, ids)
    found: dict[int, set[int]] = {i: set() for i in ids}
    through: dict[int, set[int]] = {}  # object id -> committees it is read through
    if kind == "operation":
        for row in session.execute(
            select(
                Operation.id,
                Operation.operator_organisation_id,
                Operation.municipality_id,
                Operation.operator_committee_id,
            ).where(Operation.id.in_(sorted(ids)))
        ):
            found[row[0]].update(o for o in row[1:3] if o is not None)
            if row[3] is not None:
                through.setdefault(row[0], set()).add(row[3])
    elif kind == "administration":
        for admin, organisation in session.execute(
            select(Administration.id, Administration.organisation_id).where(
                Administration.id.in_(sorted(ids))
            )
        ):
            found[admin].add(organisation)
        for admin, committee in session.execute(
            select(AdministrationServes.administration_id, AdministrationServes.committee_id).where(
                AdministrationServes.administration_id.in_(sorted(ids))
            )
        ):
            through.setdefault(admin, set()).add(committee)
    elif kind == "agreement":
        for agreement, performer in session.execute(
            select(Agreement.id, Agreement.performer_id).where(Agreement.id.in_(sorted(ids)))
        ):
            found[agreement].add(performer)
        for agreement, organisation in session.execute(
            select(AgreementPrincipal.agreement_id, AgreementPrincipal.organisation_id).where(
                AgreementPrincipal.agreement_id.in_(sorted(ids))
            )
        ):
            found[agreement].add(organisation)
    committees = set().union(*through.values()) if through else set()
    by_committee = _committee_organisations(session, committees) if committees else {}
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
