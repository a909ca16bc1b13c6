"""Entry data in parts tagged by organisation, and what a limited reader is shown of them.

An entry about objects of several organisations (an import touching two kommuner) holds
its per-object details in `data["parts"]`: [{"organisations": [ids], "changed": {section:
{status: [refs]}}}], tagged when written. A key limited to organisations is shown only
the parts of its organisations, and none of the entry's whole-entry data (counts), with
`redacted: true`; the hash always covers the whole entry, so only an unlimited key can
recompute it.
"""

from __future__ import annotations

from collections import defaultdict
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
    """Group objects by their organisations: one part per organisation set, refs sorted."""
    grouped: dict[frozenset[int], dict[str, dict[str, set[str]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(set))
    )
    for obj in objects:
        grouped[obj.organisations][obj.section][obj.status].add(obj.label)
    parts = [
        {
            "organisations": sorted(orgs),
            "changed": {
                section: {status: sorted(labels) for status, labels in sorted(statuses.items())}
                for section, statuses in sorted(sections.items())
            },
        }
        for orgs, sections in grouped.items()
    ]
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
