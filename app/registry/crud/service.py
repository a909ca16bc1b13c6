"""Single-object registry reads and writes.

Writes go through the import path (`validation.validate` + `service.apply`) as a one-item
document, so an object created here obeys exactly the rules of `POST /v1/import`.
Every change is audited (`registry.create|update|delete`) in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, select
from sqlalchemy.orm import Session

from app.apikeys.service import keys_limited_to
from app.audit import chain
from app.audit.organisations import organisation_ids, person_organisations
from app.errors import (
    Conflict,
    Forbidden,
    NotFound,
    PreconditionFailed,
    Unprocessable,
    field_error,
)
from app.models import Administration, Committee, Organisation, Person, Relation
from app.pagination import PageParams, paginate
from app.registry import readers_kept, referencing, scope
from app.registry.crud import audit_readers, delete_refusal
from app.registry.crud.metadata import META, READ_ONLY, check_version, etag, split_read_only
from app.registry.crud.resources import RESOURCES, Resource, relation_from
from app.registry.crud.shown import keep_hidden, shown
from app.registry.importdoc.document import SECTIONS
from app.registry.importdoc.plan import REF_SECTIONS
from app.registry.importdoc.service import OUT_OF_SCOPE, actor, apply
from app.registry.importdoc.validation import validate
from app.security.deps import Principal

# Write-only or identity fields: leaving them out of a PUT keeps what is stored.
KEPT_WHEN_ABSENT = frozenset({"personnummer", "ref"})


def check_if_match(if_match: str | None, out: dict[str, Any]) -> None:
    """412 unless `If-Match` is absent, `*`, or lists the object's current ETag."""
    if if_match is None or if_match.strip() == "*":
        return
    tags = {t.strip().removeprefix("W/") for t in if_match.split(",")}
    if etag(out) not in tags:
        raise PreconditionFailed(
            f"If-Match does not match the current ETag {etag(out)}; read the object again.",
            headers={"ETag": etag(out)},
        )


def _base(res: Resource, principal: Principal) -> Select[Any]:
    stmt = select(res.model).options(*res.options).execution_options(populate_existing=True)
    predicate = res.scope(principal)
    return stmt if predicate is None else stmt.where(predicate)


def find(
    session: Session, principal: Principal, res: Resource, key: str, *, lock: bool = False
) -> Any:
    """By ref; for appointments, interests and relations also by numeric id (a ref wins)."""
    stmt = _base(res, principal)
    if lock:
        stmt = stmt.with_for_update(of=res.model)
    obj = session.scalars(stmt.where(res.model.ref == key)).first()
    # No id: past BIGINT (PostgreSQL refuses it), '²' (isdigit() but not int()), or more
    # digits than int() reads (4,300). Each was a 500, not a 404.
    numeric = key.isascii() and key.isdigit() and len(key) <= 19 and int(key) <= 2**62
    if obj is None and not res.has_required_ref and numeric:
        obj = session.scalars(stmt.where(res.model.id == int(key))).first()
    if obj is None:
        raise NotFound(f"No {res.label} '{key}'.")
    return obj


def by_id(session: Session, res: Resource, row_id: int) -> Any:
    return session.scalars(_base_unscoped(res).where(res.model.id == row_id)).one()


def _base_unscoped(res: Resource) -> Select[Any]:
    return select(res.model).options(*res.options).execution_options(populate_existing=True)


def read(session: Session, principal: Principal, res: Resource, key: str) -> dict[str, Any]:
    return shown(session, principal, res, [res.out(find(session, principal, res, key))])[0]


def list_objects(
    session: Session,
    principal: Principal,
    res: Resource,
    conditions: list[ColumnElement[bool]],
    page: PageParams,
) -> dict[str, Any]:
    stmt = _base(res, principal).where(*conditions).order_by(res.model.id)
    rows, total = paginate(session, stmt, page)
    items = shown(session, principal, res, [res.out(r) for r in rows])
    return {"items": items, "total": total, **page.model_dump()}


def person_relations(
    session: Session,
    principal: Principal,
    key: str,
    conditions: list[ColumnElement[bool]],
    page: PageParams,
) -> dict[str, Any]:
    """A person's relations from their side: the kind as seen from this person."""
    person = find(session, principal, RESOURCES["persons"], key)
    res = RESOURCES["relations"]
    either = (Relation.person_id == person.id) | (Relation.related_id == person.id)
    stmt = _base(res, principal).where(either, *conditions).order_by(Relation.id)
    rows, total = paginate(session, stmt, page)
    items = [relation_from(r, person.id) for r in rows]
    return {"items": items, "total": total, **page.model_dump()}


# -- writes ---------------------------------------------------------------------------------
def _strip(errors: list[dict[str, Any]], section: str) -> list[dict[str, Any]]:
    prefix = f"/{section}/0"
    return [{**e, "pointer": e["pointer"].removeprefix(prefix) or "/"} for e in errors]


def _write(
    session: Session,
    principal: Principal,
    res: Resource,
    item: dict[str, Any],
    *,
    pnr_secret: str,
    replace: bool = False,
    current: Any = None,
    precondition: Callable[[], None] | None = None,
    refused: Sequence[dict[str, Any]] = (),
) -> tuple[str, int]:
    """Validate and apply one object as a one-item import document; (status, row id).

    `refused` are errors found before (read-only fields), reported with the validation's.
    `precondition` (If-Match) runs after validation: an invalid body answers 422 first.
    """
    target_id = current.id if current is not None and not res.has_required_ref else None
    try:
        plan = validate(
            session,
            {res.section: [item]},
            pnr_secret=pnr_secret,
            principal=principal,
            target_id=target_id,
        )
    except Unprocessable as exc:
        raise Unprocessable(
            f"The {res.label} is invalid; nothing was stored.",
            errors=[*refused, *_strip(exc.errors, res.section)],
        ) from None
    except Forbidden as exc:  # its ref is taken outside the key's scope
        raise Forbidden(exc.detail, errors=_strip(exc.errors, res.section)) from None
    if refused:
        raise Unprocessable(f"The {res.label} is invalid; nothing was stored.", errors=refused)
    if precondition is not None:
        precondition()
    entry = plan.entries[res.section][0]
    if replace:
        names = set(SECTIONS[res.section].model_fields)
        entry.fields = frozenset(n for n in names if n in entry.fields or n not in KEPT_WHEN_ABSENT)
    if current is not None and not res.has_required_ref:
        entry.note("target_id", current.id)
    if (
        current is None
        and res.has_required_ref
        and item["ref"] in plan.stored[REF_SECTIONS[res.section]]
    ):
        # A ref taken outside the scope answered 403 in `validate`; here a kind crossing.
        hidden = scope.existing_out_of_scope(session, principal, plan)
        if hidden:
            raise Forbidden(OUT_OF_SCOPE, errors=_strip(hidden, res.section))
        raise Conflict(
            f"The {res.label} '{item['ref']}' already exists; use PUT or PATCH to change it."
        )
    try:
        outcome = apply(session, principal, plan)
    except Forbidden as exc:
        raise Forbidden(exc.detail, errors=_strip(exc.errors, res.section)) from None
    return outcome.statuses[(res.section, 0)]  # type: ignore[return-value]


def _preconditions(
    if_match: str | None, version: int | None, before: dict[str, Any], label: str
) -> None:
    check_if_match(if_match, before)
    check_version(version, before, label)


def _require_object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise Unprocessable(
            "The body must be a JSON object.",
            errors=[field_error("/", "must be an object", "invalid_type")],
        )
    return body


def create(
    session: Session, principal: Principal, res: Resource, body: Any, *, pnr_secret: str
) -> dict[str, Any]:
    """Create one object (409 if it exists: by ref, or for keyless objects by natural key)."""
    item = _require_object(body)
    status, row_id = _write(session, principal, res, item, pnr_secret=pnr_secret)
    if status != "created":
        raise Conflict(
            f"An identical {res.label} exists already (id {row_id}); use PUT or PATCH.",
            existing_id=row_id,
        )
    out = res.out(by_id(session, res, row_id))
    _audit(session, principal, res, "registry.create", out, {"after": _fields(out)})
    return shown(session, principal, res, [out])[0]


def update(
    session: Session,
    principal: Principal,
    res: Resource,
    key: str,
    body: Any,
    *,
    pnr_secret: str,
    if_match: str | None,
    partial: bool,
) -> dict[str, Any]:
    """PUT (replace: absent optional fields are cleared) or PATCH (merge top-level fields).

    The answer's read-only fields may be sent back (`metadata`): ignored when unchanged;
    what a limited key's answers hid is kept (`shown.keep_hidden`)."""
    current = find(session, principal, res, key, lock=True)
    before = res.out(current)
    patch, version, refused = split_read_only(_require_object(body), before)
    if res.has_required_ref and "ref" in patch and patch["ref"] != current.ref:
        raise Unprocessable(
            "The ref of an object cannot be changed.",
            errors=[field_error("/ref", "differs from the ref in the path", "immutable")],
        )
    kept = {k: v for k, v in before.items() if k not in READ_ONLY} if partial else {}
    item = kept | patch
    if res.has_required_ref:
        item["ref"] = current.ref
    item = keep_hidden(session, principal, res, before, item)
    # Who read the row before the write: an update's entry shows both states.
    read_before = _read_before(session, res, before)
    status, row_id = _write(
        session,
        principal,
        res,
        item,
        pnr_secret=pnr_secret,
        replace=not partial,
        current=current,
        precondition=lambda: _preconditions(if_match, version, before, res.label),
        refused=refused,
    )
    if status == "unchanged":
        return shown(session, principal, res, [before])[0]
    after = res.out(by_id(session, res, row_id))
    changes = {
        k: {"before": before.get(k), "after": v}
        for k, v in _fields(after).items()
        if before.get(k) != v
    }
    _audit(session, principal, res, "registry.update", after, {"changes": changes}, read_before)
    return shown(session, principal, res, [after])[0]


def remove(
    session: Session, principal: Principal, res: Resource, key: str, *, if_match: str | None
) -> None:
    """Delete one object and its own child rows; 409 while anything else refers to it."""
    current = find(session, principal, res, key, lock=True)
    before = res.out(current)
    check_if_match(if_match, before)
    if not scope.may_change(
        session, principal, res.section, current.id
    ) or readers_kept.shared_with_others(session, principal, res.section, current.id):
        detail = f"the {res.label} is shared with organisations outside this key's scope"
        raise Forbidden(OUT_OF_SCOPE, errors=[field_error("/", detail, "out_of_scope")])
    users = referencing.referencing(
        session, res.model.__table__, current.id, readable=delete_refusal.readable_tables(principal)
    )
    if res.section == "organisations":
        users += keys_limited_to(session, current.ref, principal.organisation_refs)
        users = delete_refusal.one_outside_scope(users)
    if users:
        summary = delete_refusal.summary(users)
        raise Conflict(
            f"The {res.label} is still referenced ({summary}); remove those first.",
            referenced_by=users,
        )
    _audit(session, principal, res, "registry.delete", before, {"before": _fields(before)})
    session.execute(delete(res.model.__table__).where(res.model.__table__.c.id == current.id))
    session.expunge(current)
    session.flush()


# -- audit ----------------------------------------------------------------------------------
def _fields(out: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in out.items() if k not in META}


def _subjects(session: Session, res: Resource, out: dict[str, Any]) -> list[tuple[str, str]]:
    orgs: set[str] = set()
    committees: set[str] = set()
    persons: set[str] = set()
    if res.section == "organisations":
        orgs.add(out["ref"])
    if res.section == "committees":
        committees.add(out["ref"])
    if res.section == "persons":
        persons.add(out["ref"])
    for key in ("organisation", "municipality", "performer", "appointed_by"):
        if isinstance(out.get(key), str):
            orgs.add(out[key])
    for key in ("principals", "participants", "members"):
        orgs.update(out.get(key) or [])
    orgs.update(o["organisation"] for o in out.get("owners") or [])
    for key in ("person", "related", "on_behalf_of"):
        if out.get(key):
            persons.add(out[key])
    nested = out.get("body") or out.get("operator") or {}
    if nested.get("organisation"):
        orgs.add(nested["organisation"])
    if nested.get("committee"):
        committees.add(nested["committee"])
        orgs.update(
            session.scalars(
                select(Organisation.ref)
                .join(Committee, Committee.organisation_id == Organisation.id)
                .where(Committee.ref == nested["committee"])
            )
        )
    if nested.get("administration"):
        orgs.update(
            session.scalars(
                select(Organisation.ref)
                .join(Administration, Administration.organisation_id == Organisation.id)
                .where(Administration.ref == nested["administration"])
            )
        )
    return (
        [("organisation", r) for r in orgs]
        + [("committee", r) for r in committees]
        + [("person", r) for r in persons]
    )


def _entry_organisations(
    session: Session, res: Resource, row_id: int, subjects: list[tuple[str, str]]
) -> set[int]:
    """The organisations an entry about this object belongs to, as ids now (issue 9.4):
    those it names, and for a person's rows the organisations the person is appointed in
    whose keys read the row (`audit_readers`)."""
    organisations = organisation_ids(session, (r for k, r in subjects if k == "organisation"))
    people = person_organisations(session, (r for k, r in subjects if k == "person"))
    return audit_readers.readers(session, res, row_id, organisations.union(*people.values()))


def _read_before(session: Session, res: Resource, before: dict[str, Any]) -> set[int] | None:
    """For a person's row about to be updated: who reads it now (its entry shows both)."""
    if res.section not in audit_readers.PERSON_ROWS:
        return None
    return _entry_organisations(session, res, before["id"], _subjects(session, res, before))


def _audit(
    session: Session,
    principal: Principal,
    res: Resource,
    kind: str,
    out: dict[str, Any],
    data: dict[str, Any],
    read_before: set[int] | None = None,
) -> None:
    subjects = _subjects(session, res, out)
    organisations = _entry_organisations(session, res, out["id"], subjects)
    if read_before is not None:
        organisations &= read_before
    chain.append(
        session,
        kind=kind,
        actor=actor(principal),
        data={"type": res.label, "ref": out.get("ref"), "id": out["id"], **data},
        subjects=subjects,
        organisations=organisations,
    )


def person_id_by_ref(session: Session, ref: str) -> int | None:
    return session.scalar(select(Person.id).where(Person.ref == ref))
