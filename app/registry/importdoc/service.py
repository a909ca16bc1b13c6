"""The import service: validate the whole document, apply it in bulk, audit it once.

Services flush and never commit; the router commits once before it answers.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, cast

from psycopg.errors import TransactionRollback
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from app.audit import chain
from app.audit.parts import TaggedObject, build_parts, parts_organisations
from app.db import generic_plans_until_commit
from app.errors import Conflict, Forbidden
from app.metrics.instruments import timed_import
from app.models import CustomArea, Organisation
from app.registry import readers_kept, repository, scope
from app.registry.importdoc import locks, progress
from app.registry.importdoc.plan import Plan
from app.registry.importdoc.sections import Importer
from app.registry.importdoc.tagging import person_organisations
from app.registry.importdoc.validation import validate
from app.registry.importdoc.writer import Outcome, T
from app.security.deps import Principal
from app.vocabularies import BUILTIN_AREAS

logger = logging.getLogger(__name__)

OUT_OF_SCOPE = scope.OUT_OF_SCOPE


_gc_lock = threading.Lock()
_gc_paused = 0  # imports running with the cyclic collector paused (threads share it)
_gc_was_enabled = False


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while an import runs.

    A large document keeps hundreds of thousands of long-lived objects (parsed items,
    entries, rows) alive at once, and the collector walks them again and again while they
    are built: about a third of an import's CPU (docs/import.md, "Measured"). Reference
    counting still frees everything acyclic; the collector is resumed when the last import
    running in this process ends (other threads' cyclic garbage waits until then).
    """
    global _gc_paused, _gc_was_enabled
    with _gc_lock:
        if _gc_paused == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_paused += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_paused -= 1
            if _gc_paused == 0 and _gc_was_enabled:
                gc.enable()


# After an import of a document this large (characters), free memory goes back to the system.
RELEASE_AFTER_CHARS = 1_000_000


def _libc_trim() -> Callable[[int], int] | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return cast(Callable[[int], int], libc.malloc_trim)
    except (OSError, AttributeError):  # not glibc: nothing to trim
        return None


_malloc_trim = _libc_trim()


def release_memory(size: int) -> None:
    """After a large import: collect its cyclic garbage and give the freed heap back to
    the system (glibc keeps one arena per thread, and each thread of the pool that once
    ran a large import would otherwise keep its high-water mark: issue 15, memory)."""
    if size < RELEASE_AFTER_CHARS:
        return
    gc.collect()
    if _malloc_trim is not None:
        _malloc_trim(0)


def actor(principal: Principal) -> chain.Actor:
    return chain.Actor(principal.key_id, principal.name)


def organisation_refs(session: Session, ids: set[int]) -> list[str]:
    refs: list[str] = []
    for where in repository.in_values(session, Organisation.id, ids):
        refs.extend(session.scalars(select(Organisation.ref).where(where)))
    return sorted(refs)


@contextmanager
def write_conflicts() -> Iterator[None]:
    """A write that met a concurrent one: 409, nothing stored, send it again."""
    try:
        yield
    except (IntegrityError, OperationalError) as exc:
        # Validation saw a consistent snapshot; a concurrent transaction wrote the same
        # ref (or removed a referenced row) before this one could, or the two waited for
        # each other (deadlock: PostgreSQL ends one). Retrying re-validates.
        if isinstance(exc, OperationalError) and not isinstance(exc.orig, TransactionRollback):
            raise
        logger.info("registry_write_conflict", extra={"error": type(exc.orig).__name__})
        raise Conflict(
            "A concurrent change to the registry conflicted with this write; nothing was "
            "stored. Send it again.",
            headers=locks.RETRY,
        ) from None


def apply(session: Session, principal: Principal, plan: Plan, *, check_now: bool = True) -> Outcome:
    """Write a validated plan (bulk statements); returns counts and per-item statuses.

    A key limited to some organisations is refused (403, every object out of scope
    listed) when the plan would change anything outside them; the write is then
    abandoned, and the caller's transaction must not be committed. Then the end check of
    concurrent imports (`locks`), unless `check_now` is False: the caller runs
    `locks.after_writes` with `outcome.end_checks` itself, just before its audit link.
    """
    errors = scope.existing_out_of_scope(session, principal, plan)
    if errors:
        raise Forbidden(OUT_OF_SCOPE, errors=errors)
    outside = scope.organisations_outside(session, principal, plan)
    readers = readers_kept.readers_before(session, principal, plan)
    with write_conflicts():
        # Organisations it creates are the key's (`created_by_key_id`, for its scope
        # before the after-write check): set as they are inserted.
        outcome = Importer(session, plan, created_by=principal.key_id).run()
        session.flush()
        # Fresh statistics for tables this import at least doubled, so that the next
        # import's lookups are not planned on the statistics of a (nearly) empty table.
        repository.analyze_grown(
            session, {T[section]: c["created"] for section, c in outcome.counts.items()}
        )
    errors = scope.written_out_of_scope(session, principal, plan, outcome)
    errors += scope.taken_over(session, principal, plan, outside)
    errors += readers_kept.readers_changed(session, principal, readers)
    if errors:
        raise Forbidden(OUT_OF_SCOPE, errors=errors)
    outcome.end_checks = locks.end_checks(outcome.created_keys, plan)
    if check_now:
        with write_conflicts():  # what another import stored meanwhile: 409
            locks.after_writes(session, outcome.end_checks, T, principal)
    return outcome


def import_parts(session: Session, outcome: Outcome) -> list[dict[str, Any]]:
    """The import's changes as audit parts, each object tagged with its organisations
    (those it names, and for a person's rows the organisations the person is in)."""
    people = person_organisations(session, (p for *_, persons in outcome.tagged for p in persons))
    return build_parts(
        TaggedObject(section, status, label, orgs.union(*(people.get(p, set()) for p in persons)))
        for section, status, label, orgs, persons in outcome.tagged
    )


def import_document(
    session: Session, principal: Principal, raw: Any, *, pnr_secret: str
) -> dict[str, Any]:
    """Validate and upsert a whole import document in the caller's transaction."""
    with timed_import(), cyclic_gc_paused():
        return _import_document(session, principal, raw, pnr_secret=pnr_secret)


def _import_document(
    session: Session, principal: Principal, raw: Any, *, pnr_secret: str
) -> dict[str, Any]:
    generic_plans_until_commit(session.connection())  # its array joins (app/db.py)
    plan = validate(session, raw, pnr_secret=pnr_secret, principal=principal)
    progress.advance("validated", sum(len(entries) for entries in plan.entries.values()))
    outcome = apply(session, principal, plan, check_now=False)
    del plan  # the validated items: not needed for the audit entry (memory)
    audit: dict[str, Any] | None = None
    prepared: chain.PreparedEntry | None = None
    if outcome.any_change:
        touched = organisation_refs(session, outcome.touched_org_ids)
        parts = import_parts(session, outcome)
        prepared = chain.prepare(
            kind="registry.import",
            actor=actor(principal),
            data={"counts": outcome.counts, "parts": parts},
            subjects=[("organisation", ref) for ref in touched],
            # Each part is tagged with its objects' organisations (issue 9.4): a limited
            # auditor reads only its own parts. One organisation: its chain; else system.
            organisations=parts_organisations(parts),
        )
        del parts
    # The end check of concurrent imports takes locks held to the commit: only the
    # check, the audit link and the commit run under them (imports of one section
    # overlap up to here).
    if outcome.end_checks is not None:
        with write_conflicts():
            locks.after_writes(session, outcome.end_checks, T, principal)
    if prepared is not None:
        audit = chain.entry_ref(chain.link(session, prepared))
    totals = {
        s: sum(c[s] for c in outcome.counts.values()) for s in ("created", "updated", "unchanged")
    }
    logger.info("registry_import", extra={"counts": totals})
    return {"counts": outcome.counts, "totals": totals, "audit": audit}


def add_area(session: Session, principal: Principal, *, code: str, label: str) -> dict[str, str]:
    """Add a custom area (409 if the code exists, built in or added)."""
    if code in BUILTIN_AREAS or session.get(CustomArea, code) is not None:
        raise Conflict(f"The area '{code}' exists already.")
    session.add(CustomArea(code=code, label=label))
    session.flush()
    chain.append(
        session,
        kind="registry.create",
        actor=actor(principal),
        data={"type": "area", "ref": code, "after": {"code": code, "label": label}},
        organisations=(),  # the vocabulary is everyone's: unlimited keys read the entry
    )
    return {"code": code, "label": label}
