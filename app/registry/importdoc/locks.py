"""What two imports running at once may not do together (PostgreSQL; docs/import.md,
"Concurrent imports").

Every import validates against the committed registry and writes in its own transaction.
Two imports at once must not both pass validation and leave together a registry that
one import would have refused. Unique refs are the database's job (the loser gets 409);
what the database cannot see is guarded here with transaction-level advisory locks
(released at commit or rollback):

* **Sections checked as a whole** (`SERIALISED`): organisations (owners, members:
  ownership cycles, shares over 100 %, replaced lists), committees (parent cycles,
  participants), administrations, operations, agreements (replaced lists) and
  appointments (seat order per party and committee). An import that has items in one of
  them takes that section's lock before validation reads anything, and holds it to its
  commit: imports of one such section take turns; imports of different sections still
  run together.
* **Persons, interests and relations** (`CHECKED_AT_END`, most of a registry's rows) run
  together. What one import alone refuses and two could make is a personnummer given to
  two persons (`duplicate_personnummer`), or a second row with the natural key of a row
  without a ref (`duplicate_key`). After writing, an import takes the section's end lock
  and looks again: the persons the key sees with each personnummer it gave, the rows
  now stored under the keys it created. A person or more rows than it wrote and read at
  validation means another import committed the same meanwhile, and this one answers
  409 (send it again: it is then validated against what the other stored).

Locks are taken in one order (start locks by section, before anything else; end locks
by section, after the writes; the audit chain head last), so they cannot deadlock among
themselves. SQLite needs none of this: a write transaction holds the database's single
write lock from BEGIN IMMEDIATE (app/db.py), so imports there run one at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.errors import Conflict
from app.models import Person
from app.registry import repository
from app.registry.importdoc.document import SECTIONS
from app.registry.importdoc.plan import KEY_COLUMNS, Plan
from app.registry.importdoc.stream import StreamedDocument
from app.registry.repository import Row, table_of
from app.security import scoping
from app.security.deps import Principal

SERIALISED = (
    "organisations",
    "committees",
    "administrations",
    "operations",
    "agreements",
    "appointments",
)
CHECKED_AT_END = ("persons", "interests", "relations")
# pg_advisory_xact_lock(namespace, key): the namespace keeps these apart from other
# advisory locks; a section's start lock is its position, its end lock 100 more.
NAMESPACE = 0x4A5643  # "JVC"
_START = {section: n for n, section in enumerate(SECTIONS)}
_END = 100

# A collision of two imports stored nothing: sending the same again is the remedy (and
# the idempotency layer does not keep an answer that carries Retry-After).
RETRY = {"Retry-After": "1"}
CONCURRENT_DUPLICATE = (
    "Another import stored the same facts while this one ran; nothing was stored. "
    "Send it again: its items then match the stored rows."
)


def sections_in(raw: Any) -> list[str]:
    """The document's sections, in dependency order (a dict or a scanned document)."""
    if isinstance(raw, StreamedDocument):
        present = set(raw.section_keys()) if raw.is_object else set()
    elif isinstance(raw, dict):
        present = set(raw)
    else:
        present = set()
    return [s for s in SECTIONS if s in present]


def _lock(session: Session, key: int) -> None:
    session.execute(text("SELECT pg_advisory_xact_lock(:ns, :key)"), {"ns": NAMESPACE, "key": key})


def before_validation(session: Session, raw: Any) -> None:
    """Take the start lock of every serialised section the document has (PostgreSQL)."""
    if not repository.is_postgresql(session):
        return
    for section in sections_in(raw):
        if section in SERIALISED:
            _lock(session, _START[section])


@dataclass
class KeyCount:
    """One natural key an import created rows under."""

    pointer: str  # the first item that created it
    created: int = 0
    created_refless: int = 0
    seen: int = 0  # stored rows with this key when the import read them
    seen_refless: int = 0


@dataclass
class CreatedKeys:
    """Natural keys of the keyless rows an import created, per section."""

    sections: dict[str, dict[tuple[Any, ...], KeyCount]] = field(default_factory=dict)

    def add_rows(
        self,
        section: str,
        new: list[tuple[Any, Row]],
        rows: list[Row],
        stored: dict[tuple[Any, ...], list[Row]],
        key_of: Callable[[str, Row], tuple[Any, ...]],
    ) -> None:
        """Count the new rows of a chunk (items `new`, rows `rows`) by natural key, with
        the stored rows the import read under each key (`stored`)."""
        keys = self.sections.setdefault(section, {})
        for (entry, _), row in zip(new, rows, strict=True):
            key = key_of(section, row)
            count = keys.get(key)
            if count is None:  # rows read later under this key are this import's own
                seen = stored.get(key, [])
                count = keys[key] = KeyCount(entry.pointer, seen=len(seen))
                count.seen_refless = sum(1 for r in seen if r["ref"] is None)
            count.created += 1
            count.created_refless += row.get("ref") is None


@dataclass
class EndChecks:
    """What an import looks at again under the end locks: the natural keys it created,
    and per person given a new personnummer (pointer, ref, hash, the refs validation saw
    with it). Taken from the plan after writing, so that the plan can go before the audit
    entry is built and the locks are taken only for the check, the link and the commit."""

    keys: CreatedKeys
    personnummer: list[tuple[str, str, str, frozenset[str]]]


def end_checks(created: CreatedKeys, plan: Plan) -> EndChecks:
    stored = plan.stored.get("person", {})
    given = []
    for e in plan.section("persons"):
        digest = e.extra.get("pnr", (None,))[0]
        # A personnummer the person did not have: validation checked it, so the end does.
        if digest is not None and stored.get(e.item.ref, {}).get("personnummer_hash") != digest:
            seen = frozenset(plan.pnr_owners.get(digest, ()))
            given.append((e.pointer + "/personnummer", e.item.ref, digest, seen))
    return EndChecks(created, given)


def after_writes(
    session: Session, checks: EndChecks, tables: dict[str, Any], principal: Principal
) -> None:
    """Under each section's end lock, refuse (409) when another import committed a person
    with a personnummer this one gave, or a row that makes one of its created keys a
    duplicate (PostgreSQL). The locks are held to the commit: call it last."""
    if not repository.is_postgresql(session):
        return
    for section in CHECKED_AT_END:
        if section == "persons":
            if not checks.personnummer:
                continue
            _lock(session, _END + _START[section])
            clashes = _personnummer_clashes(session, principal, checks.personnummer)
        else:
            keys = checks.keys.sections.get(section)
            if not keys:
                continue
            _lock(session, _END + _START[section])
            clashes = list(_clashes(session, section, keys, tables[section]))
        if clashes:
            errors = [
                {
                    "pointer": pointer,
                    "detail": "another import stored this meanwhile",
                    "code": "concurrent_duplicate",
                }
                for pointer in clashes[:100]
            ]
            raise Conflict(CONCURRENT_DUPLICATE, errors=errors, headers=RETRY)


def _personnummer_clashes(
    session: Session, principal: Principal, given: list[tuple[str, str, str, frozenset[str]]]
) -> list[str]:
    where = None
    if principal.scoped:  # the persons validation looked at: those the key sees
        where = scoping.person_id_predicate(principal, table_of(Person).c.id)
    now = repository.person_refs_by_pnr_hash(session, {d for *_, d, _ in given}, where)
    return [
        pointer for pointer, ref, digest, seen in given if set(now.get(digest, [])) - {ref} - seen
    ]


def _clashes(
    session: Session, section: str, keys: dict[tuple[Any, ...], KeyCount], table: Any
) -> Iterable[str]:
    # Only the keys with more rows than it created and read (the server counts and
    # compares), not the rows: an interests document created 50,000.
    limits = {key: count.created + count.seen for key, count in keys.items()}
    now = repository.counts_over(session, table, KEY_COLUMNS[section], limits)
    for key, count in keys.items():  # in document order
        if key not in now:
            continue  # others <= 0
        rows, refless = now[key]
        others = rows - count.created - count.seen
        others_refless = refless - count.created_refless - count.seen_refless
        # Two rows with refs may share a natural key; a row without one may not.
        if others > 0 and (count.created_refless or others_refless > 0):
            yield count.pointer
