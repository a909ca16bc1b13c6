"""Entry data in parts tagged by organisation, and what a limited reader is shown of them.

An entry about objects of several organisations (an import touching two kommuner) holds
its per-object details in `data["parts"]`: [{"organisations": [ids], "changed": {section:
{status: [refs]}}}], tagged when written. A key limited to organisations is shown only
the parts of its organisations, and none of the entry's whole-entry data (counts), with
`redacted: true`; the hash always covers the whole entry, so only an unlimited key can
recompute it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

PARTS = "parts"


@dataclass(frozen=True, slots=True)
class TaggedObject:
    """One object an entry records: its section, what happened, its ref (or the person
    ref for rows without one) and the organisations it belongs to."""

    section: str
    status: str
    label: str
    organisations: frozenset[int]


def build_parts(objects: Iterable[TaggedObject]) -> list[dict[str, Any]]:
    """Group objects by their organisations: one part per organisation set, refs sorted.

    Grouped as flat (section, status, ref) tuples per organisation set, not nested
    dictionaries of sets: an import of 50,000 organisations makes 50,000 parts, and the
    nested form took ~1 KB per part on top of the parts themselves."""
    grouped: dict[frozenset[int], list[tuple[str, str, str]]] = {}
    for obj in objects:
        grouped.setdefault(obj.organisations, []).append((obj.section, obj.status, obj.label))
    parts = []
    for orgs, objs in grouped.items():
        # Sorted (section, status, ref) tuples fill the dictionaries in sorted order.
        changed: dict[str, dict[str, list[str]]] = {}
        for section, status, label in sorted(set(objs)):
            changed.setdefault(section, {}).setdefault(status, []).append(label)
        parts.append({"organisations": sorted(orgs), "changed": changed})
    return sorted(parts, key=lambda p: (len(p["organisations"]), p["organisations"]))


def parts_organisations(parts: Iterable[dict[str, Any]]) -> set[int]:
    return {o for part in parts for o in part["organisations"]}


def redact(data: Any, visible: set[int] | None) -> tuple[Any, bool]:
    """The entry data a reader limited to `visible` organisation ids may see (None: all).

    Only data with parts is cut; other entries belong whole to their organisations.
    Returns the data and whether anything was removed.
    """
    if visible is None or not isinstance(data, dict) or PARTS not in data:
        return data, False
    parts = data[PARTS]
    kept = [p for p in parts if visible.intersection(p.get("organisations") or ())]
    if len(kept) == len(parts):
        return data, False
    return {PARTS: kept}, True
