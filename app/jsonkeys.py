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

from app.security.text import nfc


def refuse_constant(name: str) -> None:
    # NaN and Infinity are not JSON (RFC 8259), though Python's parser takes them.
    raise ValueError(f"{name} is not valid JSON")


REPEATED_KEY = "repeated_key"


class KeyRecorder:
    """An `object_pairs_hook` that builds each object as `json.loads` does and notes the
    keys that repeat, by the object they repeat in (found again by identity).

    Keys are compared as the guard stores them, NFC-normalised (`normalise_strings`):
    "Ö" and "O\u0308" are one key given twice, which normalising afterwards merged
    silently. `unicode` says whether the text can hold a key that normalises (not ASCII,
    or an escape); an ASCII text's objects are only counted."""

    def __init__(self, unicode: bool = True) -> None:
        self.repeated: dict[int, list[str]] = {}
        self.unicode = unicode

    def __call__(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        # The usual object: no key twice, and (or) every key ASCII, which NFC keeps.
        if len(obj) == len(pairs) and not (self.unicode and not all(map(str.isascii, obj))):
            return obj
        counts = Counter(nfc(key) for key, _ in pairs)
        repeated = [key for key, n in counts.items() if n > 1]
        if repeated:
            self.repeated[id(obj)] = repeated
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
    recorder = KeyRecorder(unicode=may_normalise(text))
    return recorder.decoder().decode(text), recorder


def may_normalise(text: str) -> bool:
    """Whether `text` can hold a string that NFC changes (the guard's own test)."""
    return not text.isascii() or "\\u" in text
