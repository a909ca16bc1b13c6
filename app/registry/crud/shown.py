"""What a limited key is shown of a registry object it reads: the refs it names that the
key reads too (a shared förening's members, an appointment's appointer)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app.models import (
    Administration,
    Committee,
    CommitteeParticipant,
    Organisation,
    OrganisationOwner,
)
from app.registry import repository
from app.registry.crud.resources import RESOURCES, Resource
from app.registry.scope import refs_where
from app.security.deps import Principal


def shown(
    session: Session, principal: Principal, res: Resource, outs: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """What a limited key is shown: an organisation it reads (a förening is shared) names
    only the members it reads too. Before run Q a förening's `members` named another
    kommun's company that answered 404, which told the key it existed. Only answers are
    cut: a PATCH merges into the stored row, which keeps every member. An appointment
    names its appointer only when the key reads it, or the body names it (run R)."""
    if principal.organisation_refs is None:
        return outs
    if res.section == "appointments":
        hidden = hidden_appointers(session, principal, outs)
        return [{**out, "appointed_by": None} if out in hidden else out for out in outs]
    if res.section != "organisations":
        return outs
    named = {m for out in outs for m in out["members"]}
    if not named:
        return outs
    predicate = res.scope(principal)
    assert predicate is not None  # noqa: S101 - a limited key
    readable = refs_where(session, Organisation, predicate, named)
    return [{**out, "members": [m for m in out["members"] if m in readable]} for out in outs]


def keep_hidden(
    session: Session,
    principal: Principal,
    res: Resource,
    stored: dict[str, Any],
    item: dict[str, Any],
) -> dict[str, Any]:
    """A limited key's write keeps the appointer its answers hid: a `PUT` of the
    appointment as read (`appointed_by` null or left out) neither clears Cederby's mark
    nor is refused with an error naming it. Setting another appointer is still a
    reference taken out (`reference_scope.check_kept_references`)."""
    if (
        res.section == "appointments"
        and item.get("appointed_by") is None
        and hidden_appointers(session, principal, [stored])
    ):
        return {**item, "appointed_by": stored["appointed_by"]}
    return item


def hidden_appointers(
    session: Session, principal: Principal, outs: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The appointments (answers) whose `appointed_by` a limited key may not be shown: an
    organisation it does not read (another kommun answers 404), unless the body the
    appointment is to names it too (a gemensam nämnd's host and participants, a company's
    owners, an administration's organisation), which the key reads there anyway. Before
    run R an appointment to Ankeby's own nämnd named `appointed_by: cederby`."""
    named = {out["appointed_by"] for out in outs if out.get("appointed_by")}
    if not named or principal.organisation_refs is None:
        return []
    predicate = RESOURCES["organisations"].scope(principal)
    assert predicate is not None  # noqa: S101 - a limited key
    unread = named - refs_where(session, Organisation, predicate, named)
    if not unread:
        return []
    out_of_sight = [out for out in outs if out.get("appointed_by") in unread]
    by_body = _named_by_bodies(session, [out["body"] for out in out_of_sight])
    return [
        out
        for out in out_of_sight
        if out["appointed_by"] not in by_body.get(_body_key(out["body"]), set())
    ]


def _body_key(body: dict[str, str | None]) -> tuple[str, str]:
    kind, ref = next((k, v) for k, v in body.items() if v)
    return kind, ref


def _named_by_bodies(
    session: Session, bodies: Iterable[dict[str, str | None]]
) -> dict[tuple[str, str], set[str]]:
    """Body (kind, ref) -> the organisations its own answer names: a committee's
    organisation and participants, an organisation's owners, an administration's
    organisation."""
    wanted: dict[str, set[str]] = {}
    for body in bodies:
        kind, ref = _body_key(body)
        wanted.setdefault(kind, set()).add(ref)
    org, body_org = aliased(Organisation), aliased(Organisation)
    statements = {
        "committee": [
            select(Committee.ref, org.ref).join(org, org.id == Committee.organisation_id),
            select(Committee.ref, org.ref)
            .join(CommitteeParticipant, CommitteeParticipant.committee_id == Committee.id)
            .join(org, org.id == CommitteeParticipant.organisation_id),
        ],
        "organisation": [
            select(body_org.ref, org.ref)
            .join(OrganisationOwner, OrganisationOwner.organisation_id == body_org.id)
            .join(org, org.id == OrganisationOwner.owner_id)
        ],
        "administration": [
            select(Administration.ref, org.ref).join(org, org.id == Administration.organisation_id)
        ],
    }
    ref_of = {"committee": Committee.ref, "organisation": body_org.ref}
    out: dict[tuple[str, str], set[str]] = {}
    for kind, refs in wanted.items():
        column = ref_of.get(kind, Administration.ref)
        for stmt in statements[kind]:
            for batch in repository.chunks(sorted(refs)):
                for body_ref, org_ref in session.execute(stmt.where(column.in_(batch))):
                    out.setdefault((kind, body_ref), set()).add(org_ref)
    return out
