"""A key repeated within one JSON object is refused, never settled by "the last one counts".

RFC 8259 section 4: "The names within an object SHOULD be unique", and where they are not
"the behavior of software that receives such an object is unpredictable". Python's json
and orjson keep the last value, so a case sent with `"parties"` twice was screened with
the second list only (an empty one answered `clear`), and an import document with two
`"persons"` sections dropped the first without a word. A request Jävskoll does not fully
understand is refused: 422 `repeated_key` at the key's pointer (`app.inputguard`), for
every JSON body the input guard reads, the streamed import included.

The check rides on the standard library's C scanner (`object_pairs_hook`): one decode,
about a microsecond more per object than `json.loads`.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any


def refuse_constant(name: str) -> None:
    # NaN and Infinity are not JSON (RFC 8259), though Python's parser takes them.
    raise ValueError(f"{name} is not valid JSON")


REPEATED_KEY = "repeated_key"


class KeyRecorder:
    """An `object_pairs_hook` that builds each object as `json.loads` does and notes the
    keys that repeat, by the object they repeat in (found again by identity)."""

    def __init__(self) -> None:
        self.repeated: dict[int, list[str]] = {}

    def __call__(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            counts = Counter(key for key, _ in pairs)
            self.repeated[id(obj)] = [key for key, n in counts.items() if n > 1]
        return obj

    def decoder(self) -> json.JSONDecoder:
        return json.JSONDecoder(object_pairs_hook=self, parse_constant=refuse_constant)

    def paths(self, value: Any, at: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
        """Where each noted repeated key lies, `value` lying at `at` in the body: found by
        walking it, and nothing to walk when nothing repeated."""
        if not self.repeated:
            return []
        found: list[tuple[str | int, ...]] = []
        stack: list[tuple[Any, tuple[str | int, ...]]] = [(value, at)]
        while stack:
            node, path = stack.pop()
            if isinstance(node, dict):
                found.extend((*path, key) for key in self.repeated.get(id(node), ()))
                stack.extend((v, (*path, k)) for k, v in node.items())
            elif isinstance(node, list):
                stack.extend((v, (*path, i)) for i, v in enumerate(node))
        return sorted(found, key=in_document_order)


def in_document_order(path: tuple[str | int, ...]) -> list[tuple[int, str]]:
    """A sort key for pointers: list items by number (item 2 before item 10, which text
    order puts after it), the keys of an object by name."""
    return [(p, "") if isinstance(p, int) else (-1, p) for p in path]


def loads(body: bytes) -> tuple[Any, KeyRecorder]:
    """The body parsed as `json.loads(body)` would (the same encodings, values and errors),
    with the repeated keys noted."""
    return loads_text(body.decode(json.detect_encoding(body), "surrogatepass"))


def loads_text(text: str) -> tuple[Any, KeyRecorder]:
    """`loads` of text already decoded (a file `javskoll import` reads)."""
    recorder = KeyRecorder()
    return recorder.decoder().decode(text), recorder
