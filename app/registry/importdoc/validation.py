"""Validate an import document as a whole, collecting every error with a JSON pointer.

One path for `POST /v1/import` and the single-object CRUD writes (which are validated as
a one-item document), so the rules cannot drift. Nothing here writes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError
from sqlalchemy.orm import Session

from app.errors import (
    Unprocessable,
    field_error,
    json_pointer,
    pydantic_field_errors,
    templated_error,
)
from app.registry import repository
from app.registry.importdoc import locks
from app.registry.importdoc.checks import Checks, one_of
from app.registry.importdoc.document import SECTIONS
from app.registry.importdoc.plan import (
    KIND_TABLES,
    REF_SECTIONS,
    REFERRED_COLUMNS,
    STORED_COLUMNS,
    Entry,
    Plan,
    natural_key,
    references,
    share_fields_sets,
)
from app.registry.importdoc.seat_checks import SeatChecks
from app.registry.importdoc.stream import StreamedDocument
from app.registry.reference_scope import ReferenceScopeChecks
from app.registry.repository import Row
from app.security.deps import Principal
from app.strictmodel import UNKNOWN_FIELD, unknown_keys
from app.vocabularies import BUILTIN_AREAS

SECTION_ORDER = {name: i for i, name in enumerate(SECTIONS)}
# A refused document lists this many errors (in document order among those found) and
# counts the rest (`errors_omitted`): an answer stays small whatever the document.
MAX_LISTED_ERRORS = 100
PARSE_CHUNK = 5_000
_LIST_ADAPTERS: dict[str, TypeAdapter[list[Any]]] = {
    name: TypeAdapter(list[model])  # type: ignore[valid-type]
    for name, model in SECTIONS.items()
}
_PYDANTIC_CODES = {"literal_error": "unknown_vocabulary", "missing": "required"}


class Validator(ReferenceScopeChecks, SeatChecks, Checks):
    def __init__(
        self,
        session: Session,
        pnr_secret: str,
        principal: Principal | None = None,
        target_id: int | None = None,
    ) -> None:
        self.session = session
        self.pnr_secret = pnr_secret
        # A limited key: scope of references (None: every stored ref may be pointed at).
        self.principal = principal if principal is not None and principal.scoped else None
        self.target_id = target_id  # the stored row a one-item keyless write replaces
        self.referable: dict[str, set[str]] | None = None
        self.held: dict[tuple[str, str | int], set[tuple[str, str, str]]] = {}
        self.errors: list[tuple[tuple[int, int], dict[str, str]]] = []
        self.error_total = 0
        self.entries: dict[str, list[Entry]] = {}
        self.broken: dict[str, set[str]] = {kind: set() for kind in KIND_TABLES}
        self.stored: dict[str, dict[str, Row]] = {}
        self.pnr_owners: dict[str, list[str]] = {}
        self.areas: set[str] = set()

    # -- collecting ---------------------------------------------------------------------
    def error(self, pointer: str, detail: str, code: str) -> None:
        self.add(field_error(pointer, detail, code))

    def add(self, error: dict[str, Any]) -> None:
        parts = str(error["pointer"]).split("/")
        order = (
            SECTION_ORDER.get(parts[1], -1) if len(parts) > 1 else -1,
            int(parts[2]) if len(parts) > 2 and parts[2].isascii() and parts[2].isdigit() else -1,
        )
        self.error_total += 1
        if len(self.errors) < MAX_LISTED_ERRORS:  # the rest are counted, not kept
            self.errors.append((order, error))

    def run(self, raw: Any) -> Plan:
        self.parse(raw)
        self.check_duplicates()
        self.load_store()
        self.check_taken_refs()
        self.load_scope()
        self.check_references()
        self.check_kept_references()
        for section, entries in self.entries.items():
            check = getattr(self, f"check_{section}", None)
            dated = "valid_to" in SECTIONS[section].model_fields
            for entry in entries:
                if check is not None:
                    check(entry)
                if dated:
                    self.check_period(entry)
        self.check_personnummer_unique()
        self.check_ownership_cycles()
        self.check_committee_cycles()
        self.check_seats()
        if self.errors:
            self.errors.sort(key=lambda pair: pair[0])
            errors = [e for _, e in self.errors]
            omitted = self.error_total - len(errors)
            extra: dict[str, Any] = {"errors_omitted": omitted} if omitted else {}
            raise Unprocessable(
                f"The import document has {self.error_total} error(s); nothing was stored."
                + (f" The first {len(errors)} found are listed." if omitted else ""),
                errors=errors,
                **extra,
            )
        return Plan(self.entries, self.stored, self.pnr_owners, self.principal is not None)

    # -- structure ----------------------------------------------------------------------
    def parse(self, raw: Any) -> None:
        """Read the document's sections, in dependency order: a `StreamedDocument` (the
        API: items decoded one at a time, never the whole tree) or a parsed dict (the
        command line, the single-object writes)."""
        streamed = raw if isinstance(raw, StreamedDocument) else None
        if streamed is not None and not streamed.is_object:
            raw, streamed = streamed.whole, None
        if streamed is None and not isinstance(raw, dict):
            self.error("", "the import document must be a JSON object", "invalid_type")
            return
        keys = streamed.section_keys() if streamed is not None else list(raw)
        # Strict reading: `{"persns": [...]}` is refused, not imported as nothing.
        for unknown in unknown_keys(dict.fromkeys(keys), SECTIONS.keys()):
            suggestion = unknown["suggestion"]
            self.add(
                templated_error(
                    json_pointer([str(unknown["field"])]), UNKNOWN_FIELD, suggestion=suggestion
                )
            )
        for section, model in SECTIONS.items():
            if section not in keys:  # optional; but null is not a list (as the schema says)
                continue
            items: Iterable[Any]
            if streamed is not None:
                items = streamed.items(section) if streamed.is_list(section) else ()
                is_list = streamed.is_list(section)
            else:
                items = raw[section]
                is_list = isinstance(items, list)
            if not is_list:
                self.error(f"/{section}", "must be a list", "invalid_type")
                continue
            self.entries[section] = self._parse_list(section, model, items)

    def _parse_list(
        self, section: str, model: type[BaseModel], items: Iterable[Any]
    ) -> list[Entry]:
        # In chunks, decoded as they come: the raw items of one chunk at most are alive at
        # once, and a million bad items do not make a million error objects (issue 9: 1.9 MB
        # of `[1, 1, ...]` took 1.9 GB); errors past the listed ones are only counted.
        entries: list[Entry] = []
        start = 0
        for chunk in repository.chunks(items, PARSE_CHUNK):
            try:
                parsed = _LIST_ADAPTERS[section].validate_python(chunk)
            except ValidationError as exc:
                self._parse_bad(section, model, chunk, start, exc, entries)
            else:
                entries.extend(
                    Entry(section, start + i, it, share_fields_sets(it))
                    for i, it in enumerate(parsed)
                )
            start += len(chunk)
        return entries

    def _parse_bad(
        self,
        section: str,
        model: type[BaseModel],
        chunk: list[Any],
        start: int,
        exc: ValidationError,
        entries: list[Entry],
    ) -> None:
        bad: set[int] = set()
        for err in exc.errors(include_url=False):
            loc = list(err["loc"])
            if loc and isinstance(loc[0], int):
                bad.add(loc[0])
                loc[0] += start
            for error in pydantic_field_errors([{**err, "loc": tuple(loc)}], (section,)):
                error["code"] = _PYDANTIC_CODES.get(error["code"], error["code"])
                self.add(error)
        for i, raw_item in enumerate(chunk):
            if i not in bad:
                item = model.model_validate(raw_item)
                entries.append(Entry(section, start + i, item, share_fields_sets(item)))
            elif section in REF_SECTIONS and isinstance(raw_item, dict):
                ref = raw_item.get("ref")
                if isinstance(ref, str):  # declared, if broken: no cascade of dangling refs
                    self.broken[REF_SECTIONS[section]].add(ref.strip())

    def check_duplicates(self) -> None:
        for section, entries in self.entries.items():
            seen_refs: set[str] = set()
            seen_keys: dict[tuple[Any, ...], bool] = {}
            for e in entries:
                ref = getattr(e.item, "ref", None)
                if ref is not None:
                    if ref in seen_refs:
                        self.error(
                            e.pointer + "/ref",
                            "the same ref appears earlier in the document",
                            "duplicate_ref",
                        )
                    seen_refs.add(ref)
                if section in REF_SECTIONS or not _one_of_target(section, e.item):
                    continue
                key = natural_key(section, e.item)
                if key in seen_keys and (ref is None or not seen_keys[key]):
                    self.error(
                        e.pointer,
                        f"the same {section[:-1]} appears earlier in the document",
                        "duplicate_key",
                    )
                seen_keys[key] = seen_keys.get(key, True) and ref is not None

    # -- references ---------------------------------------------------------------------
    def load_store(self) -> None:
        wanted: dict[str, set[str]] = {kind: set() for kind in KIND_TABLES}
        for section, entries in self.entries.items():
            for e in entries:
                if section in REF_SECTIONS:
                    wanted[REF_SECTIONS[section]].add(e.item.ref)
                for _, kind, ref in references(section, e.item):
                    wanted[kind].add(ref)
        declares = {REF_SECTIONS[s] for s in self.entries if s in REF_SECTIONS}
        for kind, refs in wanted.items():
            # Only what the writer compares (timestamps and versions are never read): about
            # a third less to fetch and keep than whole rows; of a kind the document only
            # points at, just the ids (the 50,000 persons of an interests document).
            columns = STORED_COLUMNS[kind] if kind in declares else REFERRED_COLUMNS[kind]
            self.stored[kind] = (
                repository.rows_by_ref(self.session, KIND_TABLES[kind], refs, columns)
                if refs
                else {}
            )
        self.areas = set(BUILTIN_AREAS) | repository.custom_area_codes(self.session)

    def check_references(self) -> None:
        declared = self.declared()
        for section, entries in self.entries.items():
            for e in entries:
                for suffix, kind, ref in references(section, e.item):
                    # Out of the key's scope reads exactly like a ref nobody has.
                    known = (
                        ref in declared[kind]
                        or (ref in self.stored[kind] and self.may_point(e, kind, ref))
                        or ref in self.broken[kind]
                    )
                    if not known:
                        self.error(
                            e.pointer + suffix,
                            f"unknown {kind} reference: not in the document or the registry",
                            "unknown_reference",
                        )


def _one_of_target(section: str, item: Any) -> bool:
    if section == "appointments":
        return one_of(item.body, ("committee", "administration", "organisation"))
    if section == "interests":
        return one_of(item, ("organisation", "on_behalf_of"))
    return True


def validate(
    session: Session,
    raw: Any,
    *,
    pnr_secret: str,
    principal: Principal | None = None,
    target_id: int | None = None,
) -> Plan:
    """Check the whole document; raise `Unprocessable` listing every error, or return the plan.

    With a `principal` limited to organisations, references are checked against its scope
    (`reference_scope`); `target_id` is the stored keyless row a CRUD write replaces.
    Imports of a section checked as a whole take turns from here (`locks`).
    """
    locks.before_validation(session, raw)
    return Validator(session, pnr_secret, principal, target_id).run(raw)


def count_errors(errors: list[dict[str, str]]) -> Counter[str]:
    return Counter(e["code"] for e in errors)
