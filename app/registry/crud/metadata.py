"""The read-only fields of a registry answer, when a write sends them back.

A demanding client reads an object, edits it and PUTs it back whole, metadata and all.
Each object's answer carries fields a write does not set: `id`, `version`, `created_at`,
`updated_at` (and a person's `personnummer_masked`). In a PUT or PATCH body they are read:
equal to what is stored, they are ignored; different, refused at the field (422
`read_only`). A different `version` (and with it `updated_at`) means the object changed
since it was read: 409, the body-borne twin of a stale `If-Match` (412), so a
GET → edit → PUT never overwrites a change it did not see.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.errors import Conflict, field_error

META = ("id", "version", "created_at", "updated_at")
READ_ONLY = (*META, "personnummer_masked")


def etag(out: dict[str, Any]) -> str:
    return f'"{out["version"]}"'


def _same(given: Any, stored: Any) -> bool:
    """Equal, or the same instant written another way (`Z` or `+00:00`)."""
    if given == stored:
        return True
    if isinstance(given, str) and isinstance(stored, str):
        try:
            return datetime.fromisoformat(given) == datetime.fromisoformat(stored)
        except ValueError:
            return False
    return False


def split_read_only(
    body: dict[str, Any], before: dict[str, Any]
) -> tuple[dict[str, Any], int | None, list[dict[str, Any]]]:
    """The body without the read-only fields, the `version` it was read at (None if not
    sent), and an error for each read-only field that differs from what is stored."""
    errors: list[dict[str, Any]] = []
    stale = body.get("version", before["version"]) != before["version"]
    for name in READ_ONLY:
        if name == "version" or name not in body or _same(body[name], before.get(name)):
            continue
        if stale and name == "updated_at":
            continue  # it changed with the version: the conflict (409) says so

        errors.append(
            field_error(f"/{name}", "read-only; differs from the stored value", "read_only")
        )
    version = body.get("version")
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        errors.append(field_error("/version", "must be an integer", "int_type"))
        version = None
    return {k: v for k, v in body.items() if k not in READ_ONLY}, version, errors


def check_version(version: int | None, out: dict[str, Any], label: str) -> None:
    """409 when a body's `version` is not the object's current one."""
    if version is not None and version != out["version"]:
        raise Conflict(
            f"The {label} has changed since version {version} was read (it is now version "
            f"{out['version']}); read it again and reapply the change.",
            headers={"ETag": etag(out)},
        )
