"""Read an import document section by section, one item at a time (issue 15, part 5).

A 50,000-object document parsed whole is a Python tree several times its size, kept
alive while its items are validated and written. `StreamedDocument` never builds it: it
scans the top level of the JSON text once (which keys, and where each value lies), and
decodes a section's items one at a time when the import asks for them, with the C
scanner of the standard library. Sections can be read again (the text stays; it is the
request body, already bounded by the body-size limit), in any order: the import reads
them in dependency order whatever the order of the document's keys.

The input guard (`app.inputguard`) scans an import body once, checking each value as it
is decoded (`scan_top` with a visitor), and hands the scanned document to the route, so
that the body is decoded twice in all (once checked, once imported), never held whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from app.jsonkeys import KeyRecorder, in_document_order, may_normalise, refuse_constant

_WHITESPACE = re.compile(r"[ \t\n\r]*")


_DECODER = json.JSONDecoder(parse_constant=refuse_constant)
_scan_once = _DECODER.scan_once  # type: ignore[attr-defined]
# (text, pos) -> (value, end): a decoder's scanner; the guard's notes repeated keys.
Scanner = Callable[[str, int], tuple[Any, int]]
_scanstring = json.decoder.scanstring  # type: ignore[attr-defined]


def _error(text: str, pos: int, what: str = "Expecting value") -> json.JSONDecodeError:
    return json.JSONDecodeError(what, text, pos)


_BLANK = (" ", "\t", "\n", "\r")


def _skip(text: str, pos: int) -> int:
    if not text.startswith(_BLANK, pos):  # the usual case (compact JSON): no regex
        return pos
    match = _WHITESPACE.match(text, pos)
    return match.end() if match else pos


def _value(text: str, pos: int, scan: Scanner = _scan_once) -> tuple[Any, int]:
    try:
        return scan(text, pos)
    except StopIteration as exc:
        raise _error(text, exc.value) from None


def iter_array(text: str, pos: int, scan: Scanner = _scan_once) -> Iterator[tuple[int, Any, int]]:
    """(index, item, end) for the array starting at `text[pos] == "["`."""
    pos = _skip(text, pos + 1)
    if text.startswith("]", pos):
        return
    index = 0
    while True:
        try:
            item, pos = scan(text, pos)
        except StopIteration as exc:
            raise _error(text, exc.value) from None
        yield index, item, pos
        index += 1
        if not text.startswith(",", pos):
            pos = _skip(text, pos)
            if text.startswith("]", pos):
                return
            if not text.startswith(",", pos):
                raise _error(text, pos, "Expecting ',' delimiter")
        pos = _skip(text, pos + 1)


# Called for each value the scan decodes: (path, value, start, end) with path (key,) for
# a top-level value that is not an array and (key, index) for an array's item.
Visitor = Callable[[tuple[str | int, ...], Any, int, int], None]


def _array_end(text: str, pos: int, key: str, visit: Visitor | None, scan: Scanner) -> int:
    """Where the array starting at `text[pos] == "["` ends (after its "]")."""
    end = _skip(text, pos + 1)
    if text.startswith("]", end):
        return end + 1
    start = end
    for index, item, after in iter_array(text, pos, scan):
        end = after
        if visit is not None:
            visit((key, index), item, start, after)
            start = _skip(text, _skip(text, after) + 1)
    return _skip(text, end) + 1  # iter_array stopped at the "]"


@dataclass
class Member:
    """One top-level key: where its value starts, and whether it is an array."""

    key: str
    start: int
    is_list: bool


def scan_top(
    text: str, visit: Visitor | None = None, scan: Scanner = _scan_once
) -> list[Member] | None:
    """The members of the top-level object, in document order; None when the text is not
    an object (the caller parses it whole). Every value is decoded once, handed to
    `visit` and dropped. Raises ValueError (JSONDecodeError) where the text is not JSON."""
    pos = _skip(text, 0)
    if not text.startswith("{", pos):
        return None
    members: list[Member] = []
    pos = _skip(text, pos + 1)
    if text.startswith("}", pos):
        return _at_end(text, members, pos + 1)
    while True:
        if not text.startswith('"', pos):
            raise _error(text, pos, "Expecting property name enclosed in double quotes")
        key, pos = _scanstring(text, pos + 1)
        pos = _skip(text, pos)
        if not text.startswith(":", pos):
            raise _error(text, pos, "Expecting ':' delimiter")
        pos = _skip(text, pos + 1)
        is_list = text.startswith("[", pos)
        members.append(Member(key, pos, is_list))
        if is_list:
            pos = _array_end(text, pos, key, visit, scan)
        else:
            value, end = _value(text, pos, scan)
            if visit is not None:
                visit((key,), value, pos, end)
            pos = end
        pos = _skip(text, pos)
        if text.startswith(",", pos):
            pos = _skip(text, pos + 1)
        elif text.startswith("}", pos):
            return _at_end(text, members, pos + 1)
        else:
            raise _error(text, pos, "Expecting ',' delimiter")


def _at_end(text: str, members: list[Member], pos: int) -> list[Member]:
    if _skip(text, pos) != len(text):
        raise _error(text, _skip(text, pos), "Extra data")
    return members


@dataclass
class StreamedDocument:
    """An import document read lazily from its JSON text (already checked by the input
    guard: well formed, strings clean, depth bounded)."""

    text: str
    members: dict[str, Member] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    is_object: bool = True
    whole: Any = None  # the parsed value when the document is not an object
    normalise: bool = False  # NFC-normalise each item's strings (as the guard would)
    repeated: list[str] = field(default_factory=list)  # top-level keys given twice

    @classmethod
    def from_text(
        cls, text: str, visit: Visitor | None = None, scan: Scanner = _scan_once
    ) -> StreamedDocument:
        """Scan the document's top level (see `scan_top`)."""
        doc = cls(text, normalise=not text.isascii() or "\\u" in text)
        members = scan_top(text, visit, scan)
        if members is None:
            doc.is_object = False
            doc.whole = json.loads(text, parse_constant=refuse_constant)
            return doc
        for member in members:  # a repeated key is noted: the input guard refuses it
            if member.key not in doc.members:
                doc.order.append(member.key)
            elif member.key not in doc.repeated:
                doc.repeated.append(member.key)
            doc.members[member.key] = member
        return doc

    @classmethod
    def from_bytes(cls, body: bytes) -> StreamedDocument:
        return cls.from_text(body.decode(json.detect_encoding(body)))  # as json.loads

    def section_keys(self) -> list[str]:
        return list(self.order)

    def __contains__(self, key: str) -> bool:
        return key in self.members

    def is_list(self, key: str) -> bool:
        return self.members[key].is_list

    def value(self, key: str) -> Any:
        """A non-list value, decoded whole (for the error message only)."""
        return _value(self.text, self.members[key].start)[0]

    def items(self, key: str) -> Iterator[Any]:
        """The items of a list section, decoded one at a time."""
        from app.inputguard import normalise_strings

        for _, item, _ in iter_array(self.text, self.members[key].start):
            if self.normalise and isinstance(item, dict | list):
                normalise_strings(item)
            elif self.normalise and isinstance(item, str):
                item = normalise_strings_of(item)
            yield item


def normalise_strings_of(value: str) -> str:
    from app.security.text import nfc

    return nfc(value)


def check_streamed_body(
    body: bytes, max_depth: int
) -> tuple[StreamedDocument | None, list[dict[str, str]]]:
    """The checks of `check_body` on an import document, decoded one top-level value or
    section item at a time and dropped (the whole tree is never built); returns the
    scanned document for the route (`STREAMED_DOCUMENT_KEY`)."""
    from app.inputguard import (
        MAX_BODY_ERRORS,
        check_body,
        json_problems,
        needs_walk,
        repeated_key_problems,
        unparsable,
    )

    check_strings, may_be_deep = needs_walk(body, max_depth)
    errors: list[dict[str, str]] = []
    repeated: list[tuple[str | int, ...]] = []

    def visit(at: tuple[str | int, ...], value: Any, start: int, end: int) -> None:
        if recorder.repeated:
            repeated.extend(recorder.paths(value, at))
            recorder.repeated.clear()
        if not (check_strings or may_be_deep) or len(errors) >= MAX_BODY_ERRORS:
            return
        if (
            not check_strings
            and text.count("[", start, end) + text.count("{", start, end) + len(at) <= max_depth
        ):
            return  # too few brackets to nest deeper than the limit
        limit = MAX_BODY_ERRORS - len(errors)
        errors.extend(json_problems(value, max_depth, check_strings, at=at, limit=limit))

    try:
        text = body.decode(json.detect_encoding(body))  # as json.loads reads bytes
        # Notes a key repeated within an item, found at its visit.
        recorder = KeyRecorder(unicode=may_normalise(text))
        scan = recorder.decoder().scan_once  # type: ignore[attr-defined]
        document = StreamedDocument.from_text(text, visit, scan)
    except (RecursionError, ValueError) as exc:
        return None, unparsable(exc, max_depth)
    if not document.is_object:  # small, or refused by the import anyway
        return None, check_body(body, max_depth)[1]
    repeated += [(key,) for key in document.repeated]
    for key in document.section_keys():  # the top-level keys themselves
        errors += json_problems({key: None}, max_depth, check_strings)
    repeated_errors = repeated_key_problems(sorted(repeated, key=in_document_order))
    return document, (repeated_errors + errors)[:MAX_BODY_ERRORS]
