"""Strict reading (contract, "Strict reading"): a field the contract does not know is refused.

Every request document (import, case, screening, decision, CRUD bodies, meeting, what-if)
is built from `StrictModel`. A silently dropped field is a safety defect here: a misspelled
`parties` would screen a case without its parties and answer "clear".

Pydantic's own `extra="forbid"` refuses the field but cannot say what was meant, so a
before-validator finds the unknown keys first and raises one `unknown_field` error whose
context lists each key with the closest known name. `app.errors.pydantic_field_errors`
expands it into one field error per key, with a JSON pointer to the key itself.
`extra="forbid"` stays as well: it is what the OpenAPI document shows
(`additionalProperties: false`).
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic_core import PydanticCustomError

UNKNOWN_FIELD = "unknown_field"


def closest(name: str, known: Iterable[str]) -> str | None:
    """The known name a misspelled `name` most likely meant, or None when none is close."""
    matches = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    if matches:
        return matches[0]
    folded = name.casefold()
    return next((k for k in known if k.casefold() == folded), None)


def unknown_keys(data: dict[Any, Any], known: Collection[str]) -> list[dict[str, str | None]]:
    """Each key of `data` not in `known`, with the closest known name (or None)."""
    return [
        {"field": str(key), "suggestion": closest(str(key), known)}
        for key in data
        if key not in known
    ]


def unknown_field_error(unknown: list[dict[str, str | None]]) -> PydanticCustomError:
    """One error listing every unknown key (expanded per key by the error renderer)."""
    fields = ", ".join(str(u["field"]) for u in unknown)
    return PydanticCustomError(
        UNKNOWN_FIELD, "unknown field(s): {fields}", {"fields": fields, "unknown": unknown}
    )


class StrictModel(BaseModel):
    """Base of every request document: unknown fields are a 422 that names them."""

    model_config = ConfigDict(extra="forbid")

    _known_names: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        names: set[str] = set()
        by_name = bool(
            cls.model_config.get("populate_by_name") or cls.model_config.get("validate_by_name")
        )
        for name, field in cls.model_fields.items():
            names.add(field.alias or name)
            if by_name or field.alias is None:
                names.add(name)
        cls._known_names = frozenset(names)

    @model_validator(mode="before")
    @classmethod
    def _refuse_unknown_fields(cls, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = unknown_keys(data, cls._known_names)
            if unknown:
                raise unknown_field_error(unknown)
        return data
