"""Refuse hostile input before any handler, and so before the database, sees it.

An ASGI middleware that answers 422 problem+json, naming the field, for:
- a NUL byte or another control character (anything in Unicode category Cc but tab,
  line feed and carriage return) or a lone surrogate, in the path, a query parameter,
  or any key or string of a JSON body;
- a JSON body nested deeper than `settings.max_json_depth`;
- a key given twice within one JSON object (`app.jsonkeys`);
- a JSON body that does not parse (or is not UTF-8);
and answers 415 for a `/v1/` body not sent as `Content-Type: application/json` (FastAPI
would otherwise guess, and a form body would reach a handler as nothing).

The body is parsed once: here (the json module's C scanner, which also notes a key
repeated within one object: refused, `app.jsonkeys`), and the parsed value is what the
route's `request.json()` returns (`install_parsed_body_reuse`), so FastAPI does not
parse it again.

PostgreSQL cannot store NUL in text and a lone surrogate cannot be encoded, so either
would otherwise surface as a 500 deep in a handler; control characters have no place
in names, refs or notes and can forge log lines or spreadsheet content.
Error messages never echo the offending value (it may hold a personnummer).
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any
from urllib.parse import parse_qsl

from pydantic import BeforeValidator
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import jsonkeys
from app.errors import Unprocessable, UnsupportedMediaType, field_error, problem_response
from app.jsonkeys import REPEATED_KEY
from app.security.text import holds_digit_run, holds_personnummer, invisible_character, nfc

# The parsed body, left in the scope for later middleware (idempotency hashing).
PARSED_BODY_KEY = "javskoll.parsed_json"
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Under this prefix every request body is JSON: anything else is a 415.
API_PREFIX = "/v1/"
ALLOWED_CONTROLS = frozenset("\t\n\r")
# Parse bodies above this size off the event loop.
THREAD_PARSE_BYTES = 64 * 1024
# At most this many problems are listed for one body.
MAX_BODY_ERRORS = 20
# The import document is checked item by item and never kept parsed: the import reads it
# section by section itself (app/registry/stream.py; issue 15, memory per worker).
STREAMED_PATHS = frozenset({"/v1/import"})
# ... and the scanned document is left in the scope for the route (no second scan).
STREAMED_DOCUMENT_KEY = "javskoll.streamed_document"
# Anything in the raw body that may decode to a refused character. A hit only means
# "walk the strings"; the walk decides.
_SUSPECT = re.compile(
    rb"\\u00[01][0-9a-fA-F]|\\u007[fF]|\\u00[89][0-9a-fA-F]|\\u[dD][89a-fA-F][0-9a-fA-F]{2}"
    rb"|\x7f|\xc2[\x80-\x9f]"
    # invisible and bidi characters (app.security.text), raw UTF-8 or escaped
    rb"|\xe2\x80[\x8b-\x8f\xaa-\xae]|\xe2\x81[\xa0-\xaf]|\xc2\xad|\xef\xbb\xbf|\xd8\x9c"
    rb"|\\u(?:200[b-fB-F]|202[a-eA-E]|206[0-9a-fA-F]|00[aA][dD]|[fF][eE][fF][fF]|061[cC])"
)
# Fields naming other objects: no joiner (or other invisible character) at all.
REF_FIELDS = frozenset(
    {
        "ref", "person", "organisation", "committee", "administration", "operation",
        "owners", "members", "participants", "serves", "principals", "performer",
        "municipality", "parent", "related", "on_behalf_of", "appointed_by", "substitutes",
        "for", "case", "screening", "body", "operator",
    }
)  # fmt: skip
PERSONNUMMER_FIELDS = frozenset({"personnummer", "orgnr"})


_INTEGER = re.compile(r"[+-]?[0-9]+")


def _plain_integer(value: Any) -> Any:
    # Python's int() takes "1\u00a0", " 1" and "1_000"; a query parameter documented as an
    # integer should be written as one.
    if isinstance(value, str) and not _INTEGER.fullmatch(value):
        raise ValueError("must be an integer written with digits only")
    return value


# Metadata for an integer query or path parameter: digits only. Put it after the
# `Query(...)` in the `Annotated[...]`, so the bounds still show in the OpenAPI document.
PlainInteger = BeforeValidator(_plain_integer)


def bad_character(text: str) -> str | None:
    """Why `text` is refused, or None. Fast path: printable text has no Cc/Cs characters."""
    if text.isprintable():
        return None
    for char in text:
        category = unicodedata.category(char)
        if category == "Cc" and char not in ALLOWED_CONTROLS:
            return "NUL byte" if char == "\0" else "control character"
        if category == "Cs":
            return "lone surrogate"
    return None


def pointer(path: tuple[str | int, ...]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _safe_name(name: str) -> str:
    """A parameter or key name fit to echo: refused characters replaced."""
    return "".join("\ufffd" if bad_character(c) else c for c in name)


def json_problems(
    value: Any,
    max_depth: int,
    check_strings: bool,
    *,
    at: tuple[str | int, ...] = (),
    limit: int = MAX_BODY_ERRORS,
) -> list[dict[str, str]]:
    """Walk a parsed JSON value without recursion: depth and (optionally) strings. `at`
    is where the value lies in the body (a streamed import walks it item by item)."""
    errors: list[dict[str, str]] = []
    stack: list[tuple[Any, int, tuple[str | int, ...]]] = [(value, len(at) + 1, at)]
    while stack and len(errors) < limit:
        node, depth, path = stack.pop()
        if isinstance(node, dict | list):
            if depth > max_depth:
                errors.append(
                    field_error(
                        pointer(path) or "/",
                        f"nested deeper than {max_depth} levels",
                        "json_too_deep",
                    )
                )
                continue
            items = node.items() if isinstance(node, dict) else enumerate(node)
            for k, v in items:
                if check_strings and isinstance(k, str) and (why := bad_character(k)):
                    where = pointer((*path, _safe_name(k)))
                    errors.append(field_error(where, f"the key holds a {why}", "bad_character"))
                    continue
                if isinstance(v, dict | list) or (check_strings and isinstance(v, str)):
                    stack.append((v, depth + 1, (*path, k)))
        elif isinstance(node, str) and (problem := string_problem(node, path)):
            errors.append(field_error(pointer(path) or "/", *problem))
    return errors


def string_problem(text: str, path: tuple[str | int, ...]) -> tuple[str, str] | None:
    """(detail, code) for a refused JSON string: a control character; an invisible or bidi
    character (a joiner only outside references); a personnummer outside the identifier
    fields (docs/security.md: free text never holds one)."""
    if why := bad_character(text):
        return f"holds a {why}", "bad_character"
    field = next((p for p in reversed(path) if isinstance(p, str)), "")
    if why := invisible_character(text, allow_joiners=field not in REF_FIELDS):
        return f"holds an {why}", "invisible_character"
    if field not in PERSONNUMMER_FIELDS and holds_personnummer(text):
        return "holds a personnummer; give one only in a personnummer field", "personnummer_in_text"
    return None


def normalise_strings(value: Any) -> bool:
    """NFC-normalise every string of a parsed JSON value in place; whether any changed
    (refs that differ only in normalisation are one ref)."""
    changed = False
    stack: list[Any] = [value]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for k, v in list(items):
            if isinstance(v, str):
                if (n := nfc(v)) != v:
                    node[k] = n
                    changed = True
            elif isinstance(v, dict | list):
                stack.append(v)
        if isinstance(node, dict) and any(isinstance(k, str) and nfc(k) != k for k in node):
            for k in [k for k in node if nfc(k) != k]:
                node[nfc(k)] = node.pop(k)
            changed = True
    return changed


def parse_json(body: bytes) -> tuple[Any, list[dict[str, str]]]:
    """The body parsed as `json.loads` would, and a problem for each key repeated within
    one object (`app.jsonkeys`). Raises ValueError or RecursionError where it is not JSON."""
    parsed, recorder = jsonkeys.loads(body)
    return parsed, repeated_key_problems(recorder.paths(parsed))


def repeated_key_problems(paths: list[tuple[str | int, ...]]) -> list[dict[str, str]]:
    return [
        field_error(
            pointer(tuple(_safe_name(p) if isinstance(p, str) else p for p in path)),
            "the key is given more than once in this object; give it once",
            REPEATED_KEY,
        )
        for path in paths[:MAX_BODY_ERRORS]
    ]


def unparsable(exc: Exception, max_depth: int) -> list[dict[str, str]]:
    if isinstance(exc, RecursionError):
        return [field_error("/", f"nested deeper than {max_depth} levels", "json_too_deep")]
    where = f" at position {exc.pos}" if isinstance(exc, json.JSONDecodeError) else ""
    return [field_error("/", f"the body is not valid JSON{where}", "json_invalid")]


def needs_walk(body: bytes, max_depth: int) -> tuple[bool, bool]:
    """(check strings, check depth): whether the parsed body must be walked at all."""
    check_strings = _SUSPECT.search(body) is not None or holds_digit_run(body)
    # Cheap bound: with no more brackets than the limit, nothing can nest deeper.
    may_be_deep = body.count(b"[") + body.count(b"{") > max_depth
    return check_strings, may_be_deep


def check_body(body: bytes, max_depth: int) -> tuple[Any, list[dict[str, str]]]:
    """Parse a JSON body and list what is wrong with it (empty list: fine)."""
    try:
        parsed, repeated = parse_json(body)
    except (RecursionError, ValueError) as exc:  # JSONDecodeError and UnicodeDecodeError
        return None, unparsable(exc, max_depth)
    if repeated:
        return None, repeated
    check_strings, may_be_deep = needs_walk(body, max_depth)
    if not check_strings and not may_be_deep:
        return parsed, []
    return parsed, json_problems(parsed, max_depth, check_strings)


def query_problems(query_string: bytes) -> list[dict[str, str]]:
    errors: list[dict[str, str]] = []
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True, errors="replace")
    for name, value in pairs:
        why = bad_character(name)
        problem = (f"holds a {why}", "bad_character") if why else string_problem(value, (name,))
        if problem:
            item = field_error("/" + _safe_name(name), *problem)
            item.update({"in": "query", "parameter": _safe_name(name)})
            errors.append(item)
    return errors


def path_problems(path: str) -> list[dict[str, str]]:
    # The path names objects: checked like a reference (and already percent-decoded).
    problem = string_problem(path, ("ref",))
    if problem is None:
        return []
    item = field_error("/", *problem)
    item.update({"in": "path", "parameter": ""})
    return [item]


def _content_type(scope: Scope) -> bytes:
    content_type = b""
    for name, value in scope["headers"]:
        if name == b"content-type":
            content_type = value.split(b";", 1)[0].strip().lower()
    return content_type


def _is_json(content_type: bytes) -> bool:
    return content_type == b"application/json" or content_type.endswith(b"+json")


def unsupported_media_type(content_type: bytes) -> UnsupportedMediaType:
    """415 for an API body that is not declared JSON (FastAPI would guess, or drop it)."""
    got = content_type.decode("latin-1") if content_type else "no Content-Type"
    got = _safe_name(got)[:100]
    return UnsupportedMediaType(f"Send the body as Content-Type: application/json (got {got}).")


class InputGuardMiddleware:
    def __init__(self, app: ASGIApp, max_depth: int) -> None:
        self.app = app
        self.max_depth = max_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope["path"] = nfc(scope["path"])
        errors = path_problems(scope["path"])
        if errors:  # no "instance": it would echo the path
            await self._refuse(errors, scope, receive, send, instance=False)
            return
        errors = query_problems(scope["query_string"])
        if errors:
            await self._refuse(errors, scope, receive, send)
            return
        if scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        content_type = _content_type(scope)
        api = scope["path"].startswith(API_PREFIX)
        if not _is_json(content_type) and not api:  # pages post forms; not our business
            await self.app(scope, receive, send)
            return
        body = await read_body(receive)
        if body.strip() and not _is_json(content_type):
            error = unsupported_media_type(content_type)
            await problem_response(error, Request(scope))(scope, receive, send)
            return
        if body.strip() and scope["path"] in STREAMED_PATHS:
            from app.registry.importdoc.stream import check_streamed_body

            document, errors = await run_in_threadpool(check_streamed_body, body, self.max_depth)
            if errors:
                await self._refuse(errors, scope, receive, send)
                return
            scope[STREAMED_DOCUMENT_KEY] = document
        elif body.strip():
            if len(body) > THREAD_PARSE_BYTES:
                parsed, errors = await run_in_threadpool(check_body, body, self.max_depth)
            else:
                parsed, errors = check_body(body, self.max_depth)
            if errors:
                await self._refuse(errors, scope, receive, send)
                return
            if (not body.isascii() or b"\\u" in body) and normalise_strings(parsed):
                body = json.dumps(parsed, ensure_ascii=False).encode()
            scope[PARSED_BODY_KEY] = parsed
        await self.app(scope, replaying_receive(body, receive), send)

    async def _refuse(
        self,
        errors: list[dict[str, str]],
        scope: Scope,
        receive: Receive,
        send: Send,
        *,
        instance: bool = True,
    ) -> None:
        response = problem_response(
            Unprocessable(errors=errors), Request(scope), with_instance=instance
        )
        await response(scope, receive, send)


_UNSET = object()


async def _json_parsed_once(self: Request) -> Any:
    """`Request.json()` that returns the guard's parsed body (the same value json.loads
    gives for the body the route reads) instead of parsing it again."""
    if not hasattr(self, "_json"):
        parsed = self.scope.get(PARSED_BODY_KEY, _UNSET)
        self._json = json.loads(await self.body()) if parsed is _UNSET else parsed
    return self._json


def install_parsed_body_reuse() -> None:
    """FastAPI reads a JSON body with `await request.json()`: make that the guard's value.
    Starlette keeps no parsed body in the scope, so the method is replaced (idempotent)."""
    Request.json = _json_parsed_once  # type: ignore[method-assign,assignment]


async def read_body(receive: Receive) -> bytes:
    """The whole request body (the body-size middleware outside bounds it)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def replaying_receive(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands the already-read body to the app, then defers to the server."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
