"""Every reference inside every registry write document, as an attacker holding an
Ankeby key would aim it at Cederby (tests/security/scope_world.py).

A `Field` is one reference position: a document item with `X` where the reference goes,
the kind of object it names, and a ref of that kind the key may use (so that the same
item with that ref is accepted, and the refusal is known to be about the reference).
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

X = "__REF__"

# Cederby's objects of each kind (out of the Ankeby key's scope), and refs nobody has.
OUT_OF_SCOPE = {
    "organisation": "cederby",
    "committee": "cederby-bn",
    "administration": "cederby-adm",
    "person": "p-cecilia",
}
MISSING = {kind: f"nobody-{kind}" for kind in OUT_OF_SCOPE}


@dataclass(frozen=True)
class Field:
    section: str
    pointer: str  # of the reference inside the item
    kind: str
    item: dict[str, Any]
    in_scope: str  # a ref of `kind` the Ankeby key may use here
    existing: str | None = None  # an object of the section in scope, for PUT/PATCH
    patch_extra: dict[str, Any] | None = None  # what a PATCH must also change
    # References of the existing object to other kommuner that a PUT or PATCH keeps: a
    # limited key may not take them out (run N; tests/security/test_shared_objects_kept.py).
    kept: dict[str, list[str]] | None = None

    def with_ref(self, ref: str) -> dict[str, Any]:
        return json.loads(json.dumps(self.item).replace(X, ref))  # type: ignore[no-any-return]

    @property
    def id(self) -> str:
        return f"{self.section}{self.pointer}"


FIELDS: list[Field] = [
    # organisations
    Field(
        "organisations",
        "/owners/0/organisation",
        "organisation",
        {
            "ref": "new-org",
            "kind": "aktiebolag",
            "name": "Ny AB",
            "owners": [
                {"organisation": X, "share_percent": 30},
                {"organisation": "ankeby", "share_percent": 51},
            ],
        },
        "vmf",
        "ankeby-vatten",
    ),
    Field(
        "organisations",
        "/members/1",
        "organisation",
        {
            "ref": "new-forbund",
            "kind": "kommunalforbund",
            "name": "Nytt förbund",
            "members": ["ankeby", X],
        },
        "ankeby-vatten",
        "vmf",
        kept={"members": ["borby"]},
    ),
    # committees
    Field(
        "committees",
        "/organisation",
        "organisation",
        {"ref": "new-c", "organisation": X, "kind": "utskott", "name": "Nytt"},
        "ankeby",
        "ankeby-tn",
    ),
    Field(
        "committees",
        "/parent",
        "committee",
        {"ref": "new-c", "organisation": "ankeby", "kind": "utskott", "name": "Nytt", "parent": X},
        "ankeby-tn",
        "ankeby-utskott",
    ),
    Field(
        "committees",
        "/participants/1",
        "organisation",
        {
            "ref": "new-c",
            "organisation": "ankeby",
            "kind": "gemensam_namnd",
            "name": "Ny",
            "participants": ["ankeby", X],
        },
        "vmf",
        # Ankeby's alone: who takes part in a gemensam nämnd Borby also reads is changed
        # only by an unlimited key (run O, app/registry/readers_kept.py).
        "ankeby-tn",
    ),
    Field(
        "committees",
        "/responsibilities/0/for/1",
        "organisation",
        {
            "ref": "new-c",
            "organisation": "ankeby",
            "kind": "namnd",
            "name": "Ny",
            "responsibilities": [{"area": "bygg", "role": "tillsyn", "for": ["ankeby", X]}],
        },
        "vmf",
        "ankeby-tn",
    ),
    # administrations
    Field(
        "administrations",
        "/organisation",
        "organisation",
        {"ref": "new-a", "organisation": X, "name": "Ny förvaltning"},
        "ankeby",
        "ab-miljo",
        # It serves the gemensam nämnd: not serving it would take it from Borby's keys
        # (run O, app/registry/readers_kept.py).
        kept={"serves": ["ab-mbn"]},
    ),
    Field(
        "administrations",
        "/serves/0",
        "committee",
        {"ref": "new-a", "organisation": "ankeby", "name": "Ny förvaltning", "serves": [X]},
        "ankeby-tn",
        "ab-miljo",
        kept={"serves": ["ab-mbn"]},
    ),
    # operations
    Field(
        "operations",
        "/operator/committee",
        "committee",
        {
            "ref": "new-op",
            "name": "Ny drift",
            "area": "va",
            "operator": {"committee": X},
            "municipality": "ankeby",
        },
        "ankeby-tn",
        "ankeby-avlopp",
    ),
    Field(
        "operations",
        "/operator/organisation",
        "organisation",
        {
            "ref": "new-op",
            "name": "Ny drift",
            "area": "va",
            "operator": {"organisation": X},
            "municipality": "ankeby",
        },
        "ankeby-vatten",
        "ankeby-avlopp",
    ),
    Field(
        "operations",
        "/municipality",
        "organisation",
        {
            "ref": "new-op",
            "name": "Ny drift",
            "area": "va",
            "operator": {"committee": "ankeby-tn"},
            "municipality": X,
        },
        "ankeby",
        "ankeby-avlopp",
    ),
    # agreements
    Field(
        "agreements",
        "/performer",
        "organisation",
        {"ref": "new-ag", "performer": X, "principals": ["ankeby"], "area": "va", "role": "drift"},
        "vmf",
        "avtal-2",
    ),
    Field(
        "agreements",
        "/principals/0",
        "organisation",
        {"ref": "new-ag", "performer": "ankeby", "principals": [X], "area": "va", "role": "drift"},
        "vmf",
        "avtal-2",
    ),
    # appointments: the person is the takeover of issue 9
    Field(
        "appointments",
        "/person",
        "person",
        {
            "person": X,
            "body": {"committee": "ankeby-tn"},
            "role": "ersattare",
            "valid_from": "2030-01-01",
        },
        "p-anna",
        "appt-olof",
    ),
    Field(
        "appointments",
        "/body/committee",
        "committee",
        {"person": "p-olof", "body": {"committee": X}, "role": "ersattare"},
        "ab-mbn",
        "appt-olof",
    ),
    Field(
        "appointments",
        "/body/administration",
        "administration",
        {"person": "p-olof", "body": {"administration": X}, "role": "inspektor"},
        "ab-miljo",
        "appt-olof",
    ),
    Field(
        "appointments",
        "/body/organisation",
        "organisation",
        {"person": "p-olof", "body": {"organisation": X}, "role": "styrelseledamot"},
        "ankeby-vatten",
        "appt-olof",
    ),
    Field(
        "appointments",
        "/appointed_by",
        "organisation",
        {
            "person": "p-olof",
            "body": {"committee": "ab-mbn"},
            "role": "ersattare",
            "appointed_by": X,
        },
        "ankeby",
        "appt-olof",
    ),
    Field(
        "appointments",
        "/substitutes/0",
        "person",
        {
            "person": "p-anna",
            "body": {"committee": "ankeby-tn"},
            "role": "ledamot",
            "valid_from": "2031-01-01",
            "substitutes": [X],
        },
        "p-olof",
        "appt-anna-tn",
    ),
    # interests
    Field(
        "interests",
        "/person",
        "person",
        {"person": X, "organisation": "ankeby-vatten", "kind": "medlem"},
        "p-olof",
        "int-olof",
    ),
    Field(
        "interests",
        "/organisation",
        "organisation",
        {"person": "p-anna", "organisation": X, "kind": "medlem"},
        "vmf",
        "int-olof",
    ),
    Field(
        "interests",
        "/on_behalf_of",
        "person",
        {"person": "p-anna", "on_behalf_of": X, "kind": "ombud"},
        "p-olof",
        "int-olof",
        {"organisation": None, "kind": "ombud", "person": "p-anna"},
    ),
    # relations
    Field(
        "relations",
        "/person",
        "person",
        {"person": X, "related": "p-anna", "kind": "nara_van"},
        "p-olof",
        "rel-anna-olof",
        {"related": "p-anna"},
    ),
    Field(
        "relations",
        "/related",
        "person",
        {"person": "p-anna", "related": X, "kind": "nara_van"},
        "p-olof",
        "rel-anna-olof",
    ),
]


def for_put(field: Field, ref: str) -> dict[str, Any]:
    """The item as a replacement of the existing object (the path names it)."""
    item = copy.deepcopy(field.with_ref(ref))
    if "ref" in item or field.section in (
        "organisations",
        "committees",
        "administrations",
        "operations",
        "agreements",
        "persons",
    ):
        item["ref"] = field.existing
    for name, refs in (field.kept or {}).items():
        item[name] = [*item.get(name, []), *refs]
    return item


def shape(response: Any, ref: str) -> tuple[int, list[tuple[str, str]]]:
    """What an answer says, with the ref that was sent blanked (it may be echoed)."""
    body = response.json() if response.content else {}
    errors = [(e.get("pointer", ""), e.get("code", "")) for e in body.get("errors", []) or []]
    detail = json.dumps(body).replace(ref, X)
    return response.status_code, sorted(errors) + [("detail", str(len(detail)))]
