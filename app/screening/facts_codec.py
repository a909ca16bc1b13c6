"""The facts a screening evaluated, as compact canonical JSON, and back.

A :class:`FactsSnapshot` is frozen dataclasses of enums, dates, tuples and mappings.
Encoding walks the dataclass fields (a field equal to its default is left out, which
keeps the text compact); decoding walks the same fields' type hints, so a field the
rules gain later is stored and read back without a change here. The snapshot never
holds a personnummer: the loader resolves parties to refs and keeps only a hash in the
case document, which is not part of the facts.

``decode(encode(s))`` evaluates exactly like ``s`` (tests/screening/test_facts.py holds
that over every scenario and legal case).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import secrets
import types
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from datetime import date
from enum import Enum, StrEnum
from functools import cache
from typing import Any, Union, get_args, get_origin, get_type_hints

import orjson

from app.rules.facts import FactsSnapshot

#: Bumped when the stored form changes in a way old rows cannot be read by.
FACTS_FORMAT = 1


class FactsFormatError(ValueError):
    """Stored facts that do not fit the snapshot types (a bad or foreign row)."""


Encoder = Callable[[Any], Any]

#: The encoder of each concrete type met so far (built once per type, not per value: a
#: national screening's snapshot holds some 3,000 values).
_ENCODERS: dict[type, Encoder] = {}


def _encode(value: Any) -> Any:
    encoder = _ENCODERS.get(type(value))
    if encoder is None:
        encoder = _ENCODERS[type(value)] = _encoder_for(type(value))
    return encoder(value)


def _same(value: Any) -> Any:
    return value


class _NeedsJsonModule(Exception):
    """A float that orjson writes differently from the json module (1e-05, nan)."""


# Set while encoding for the json module (the slow path): every float is taken as it is.
_PLAIN_FLOATS: ContextVar[bool] = ContextVar("facts_plain_floats", default=False)


def _float(value: float) -> float:
    # orjson and json.dumps write the same text for 0 and for finite floats in [1e-4, 1e16)
    # (the shortest repr, no exponent); anything else goes through the json module.
    if value == 0.0 or (1e-4 <= abs(value) < 1e16 and math.isfinite(value)):
        return value
    if _PLAIN_FLOATS.get():
        return value
    raise _NeedsJsonModule


def _enum_value(value: Enum) -> Any:
    return value.value


def _iso(value: date) -> str:
    return value.isoformat()


# Values written as they are: no encoder call for them (most of a snapshot's leaves).
# Grows by the StrEnum classes met (`_encoder_for`): a member is a str, which orjson and
# the json module both write as its value, so it needs no conversion either (converting
# each took a quarter of the encoding: 0.75 -> 0.57-0.60 ms a national snapshot, run K).
_AS_IS: set[type] = {str, int, bool, type(None)}


def _sequence(value: Any) -> list[Any]:
    return [v if type(v) in _AS_IS else _encode(v) for v in value]


def _mapping(value: Mapping[Any, Any]) -> dict[str, Any]:
    return {str(k): v if type(v) in _AS_IS else _encode(v) for k, v in value.items()}


def _encoder_for(cls: type) -> Encoder:
    """The JSON form of a value of this type: a dataclass as an object of its fields (a
    field equal to its default left out), an enum as its value, a date in ISO form, a
    tuple or list as a list, a mapping as an object; anything else as it is."""
    if dataclasses.is_dataclass(cls):
        return _dataclass_encoder(cls)
    if cls is float:
        return _float
    if issubclass(cls, StrEnum):
        _AS_IS.add(cls)  # written as it is from now on (see `_AS_IS`)
        return _same
    if issubclass(cls, Enum):
        return _enum_value
    if issubclass(cls, date):
        return _iso
    if issubclass(cls, tuple | list):
        return _sequence
    if issubclass(cls, Mapping):
        return _mapping
    return _same


def _dataclass_encoder(cls: type) -> Encoder:
    """An encoder written for this dataclass (as `dataclasses` writes `__init__`): one
    attribute read and one default test per field, no loop and no call for a value
    written as it is. A field equal to its default is left out; the default of a
    default_factory field is made once here (the snapshot's are empty tuples and
    mappings, only ever compared)."""
    env: dict[str, Any] = {"_encode": _encode, "_AS_IS": _AS_IS}
    lines = ["def encode_dataclass(value):", "    out = {}"]
    for i, f in enumerate(dataclasses.fields(cls)):
        if not f.name.isidentifier():
            raise TypeError(f"{cls.__name__}.{f.name}: not a plain field name")
        lines.append(f"    x = value.{f.name}")
        write = f"out[{f.name!r}] = x if type(x) in _AS_IS else _encode(x)"
        if f.default is None:
            lines += ["    if x is not None:", f"        {write}"]
        elif f.default is not dataclasses.MISSING:
            env[f"default_{i}"] = f.default
            lines += [f"    if x != default_{i}:", f"        {write}"]
        elif f.default_factory is not dataclasses.MISSING:
            env[f"default_{i}"] = f.default_factory()
            lines += [f"    if x != default_{i}:", f"        {write}"]
        else:
            lines.append(f"    {write}")
    lines.append("    return out")
    exec("\n".join(lines), env)  # noqa: S102 - our own text, built from field names
    encoder: Encoder = env["encode_dataclass"]
    return encoder


Decoder = Callable[[Any], Any]


@cache
def _decoder(hint: Any) -> Decoder:
    """A decoder for one type hint, built once (replaying many screenings decodes the same
    few types again and again: no type introspection per value)."""
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        options = [a for a in get_args(hint) if a is not type(None)]
        inner = _decoder(options[0]) if len(options) == 1 else _scalar(tuple(options))
        return lambda raw: None if raw is None else inner(raw)
    if origin is tuple:
        args = get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            item = _decoder(args[0])
            return lambda raw: tuple([item(v) for v in _list(raw)])
        items = [_decoder(a) for a in args]
        return lambda raw: tuple(d(v) for d, v in zip(items, _list(raw), strict=True))
    if origin in (Mapping, dict):
        key_hint, value_hint = get_args(hint)
        key, value = _decoder(key_hint), _decoder(value_hint)
        return lambda raw: {key(k): value(v) for k, v in _dict(raw).items()}
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _dataclass_decoder(hint)
    return _scalar((hint,))


def _scalar(options: tuple[Any, ...]) -> Decoder:
    if len(options) == 1:
        return _one_scalar(options[0])
    decoders = [_one_scalar(hint) for hint in options]

    def decode_any_of(raw: Any) -> Any:
        for decoder in decoders:
            try:
                return decoder(raw)
            except FactsFormatError:
                continue
        raise FactsFormatError(f"{raw!r} fits none of {options}")

    return decode_any_of


def _one_scalar(hint: Any) -> Decoder:
    """A decoder for one scalar type, chosen once (no per-value type dispatch)."""
    if hint is Any:
        return lambda raw: raw
    if isinstance(hint, type) and issubclass(hint, Enum):
        members: dict[Any, Any] = dict(hint._value2member_map_)

        def decode_enum(raw: Any) -> Any:
            try:
                return members[raw]
            except (KeyError, TypeError):
                raise FactsFormatError(f"{raw!r} is no {hint.__name__}") from None

        return decode_enum
    if hint is date:

        def decode_date(raw: Any) -> Any:
            try:
                return date.fromisoformat(raw)
            except (TypeError, ValueError):
                raise FactsFormatError(f"{raw!r} is no date") from None

        return decode_date
    if hint is float:

        def decode_number(raw: Any) -> Any:
            if isinstance(raw, int | float) and not isinstance(raw, bool):
                return raw
            raise FactsFormatError(f"{raw!r} is no number")

        return decode_number
    if hint in (str, int, bool):

        def decode_exact(raw: Any) -> Any:
            if type(raw) is hint:
                return raw
            raise FactsFormatError(f"{raw!r} is no {hint.__name__}")

        return decode_exact
    raise TypeError(f"no decoder for {hint!r}")


def _list(raw: Any) -> list[Any]:
    if not isinstance(raw, list):
        raise FactsFormatError(f"expected a list, got {type(raw).__name__}")
    return raw


def _dict(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise FactsFormatError(f"expected an object, got {type(raw).__name__}")
    return raw


def _dataclass_decoder(cls: type) -> Decoder:
    hints = get_type_hints(cls)
    fields = {f.name: _decoder(hints[f.name]) for f in dataclasses.fields(cls)}

    def decode_dataclass(raw: Any) -> Any:
        try:
            kwargs = {name: fields[name](value) for name, value in _dict(raw).items()}
            return cls(**kwargs)
        except KeyError as exc:
            raise FactsFormatError(f"{cls.__name__}: unknown field {exc}") from None
        except (TypeError, ValueError) as exc:
            if isinstance(exc, FactsFormatError):
                raise
            raise FactsFormatError(f"{cls.__name__}: {exc}") from None

    return decode_dataclass


def encode(snapshot: FactsSnapshot) -> str:
    """The snapshot as canonical JSON text (sorted keys, no spaces, UTF-8 kept)."""
    return encode_bytes(snapshot).decode("utf-8")


def encode_bytes(snapshot: FactsSnapshot, salt: str | None = None) -> bytes:
    """:func:`encode`'s text as UTF-8. Written by orjson, which gives exactly the json
    module's text (sort_keys, no spaces, ensure_ascii=False) for what a snapshot holds;
    a float orjson writes differently (1e-05, nan), an integer over 64 bits or a lone
    surrogate sends the snapshot through the json module instead (tests hold the two
    texts equal, tests/screening/test_facts_encoding.py). A ``salt`` is stored beside
    the snapshot (see :class:`EncodedFacts`); :func:`decode` does not read it."""
    try:
        body = _body(_encode(snapshot), salt)
        return orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
    except (_NeedsJsonModule, orjson.JSONEncodeError):
        token = _PLAIN_FLOATS.set(True)
        try:
            body = _body(_encode(snapshot), salt)
        finally:
            _PLAIN_FLOATS.reset(token)
        text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return text.encode("utf-8")


def _body(encoded: Any, salt: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {"format": FACTS_FORMAT, "snapshot": encoded}
    if salt is not None:
        body["salt"] = salt
    return body


def decode(text: str) -> FactsSnapshot:
    """The snapshot stored by :func:`encode` (FactsFormatError if it does not fit)."""
    try:
        body = json.loads(text)
    except ValueError as exc:
        raise FactsFormatError(f"not JSON: {exc}") from None
    if not isinstance(body, dict) or body.get("format") != FACTS_FORMAT:
        raise FactsFormatError("unknown facts format")
    snapshot = _decoder(FactsSnapshot)(body.get("snapshot"))
    assert isinstance(snapshot, FactsSnapshot)
    return snapshot


def facts_hash(text: str) -> str:
    """SHA-256 of the stored text (which is already canonical JSON)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclasses.dataclass(frozen=True, slots=True)
class EncodedFacts:
    """The stored form of a snapshot and its hash (what the audit entry covers).

    The stored text holds a random salt (128 bits) beside the snapshot. A key limited to
    some organisations reads a screening's facts cut to its scope, and reads the
    ``facts_hash`` in the screening's audit entry on its own chain. Without the salt,
    the hash of the whole text would confirm a guess of what was cut (another kommun's
    appointment, interest or relation of a shared person) offline; with it, only the
    stored text can be checked against the hash, which `audit verify` does. Texts stored
    before the salt (run O) have none and are read the same way."""

    text: str
    hash: str

    @classmethod
    def of(cls, snapshot: FactsSnapshot, salt: str | None = None) -> EncodedFacts:
        data = encode_bytes(snapshot, salt if salt is not None else secrets.token_hex(16))
        return cls(data.decode("utf-8"), hashlib.sha256(data).hexdigest())
