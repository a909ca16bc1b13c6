"""For every route: the request that targets an object in the key's scope, and the one
that targets the same kind of object out of it (see scope_world.py).

A route maps to `Target(in_, out)`, each a `(path, body)`; lists and other object-less
routes use a filter naming an organisation in or out of scope where they take one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.security.scope_world import (
    CEDERBY,
    IN_CASE,
    IN_CASE_DOC,
    IN_MEETING,
    OUT_CASE,
    OUT_CASE_DOC,
    OUT_MEETING,
    World,
    ankeby_document,
    meeting,
)
from tests.support.api import path_ref

Request = tuple[str, Any]  # (path with query, JSON body or None)


@dataclass(frozen=True)
class Target:
    in_: Request
    out: Request


# section -> (an object in scope, one out of scope)
OBJECTS = {
    "organisations": ("ankeby", "cederby"),
    "committees": ("ab-mbn", "cederby-bn"),
    "administrations": ("ab-miljo", "cederby-adm"),
    "operations": ("ankeby-avlopp", "cederby-op"),
    "agreements": ("avtal-2024-7", "avtal-c"),
    "persons": ("p-anna", "p-cecilia"),
    "appointments": ("appt-anna", "appt-cecilia"),
    "interests": ("int-olof", "int-carl"),
    "relations": ("rel-anna-olof", "rel-cecilia-carl"),
}
# Objects nothing refers to, so that deleting them can succeed.
LEAVES = {
    "organisations": ("ankeby-vatten-2", "cederby-bolag"),
    "committees": ("ankeby-utskott", "cederby-bn"),
    "administrations": ("ankeby-adm-2", "cederby-adm"),
    "operations": ("ankeby-op-2", "cederby-op"),
    "agreements": ("avtal-2", "avtal-c"),
    "persons": ("p-olof", "p-carl"),
    "appointments": ("appt-olof", "appt-carl"),
    "interests": ("int-olof", "int-carl"),
    "relations": ("rel-anna-olof", "rel-cecilia-carl"),
}
LEAF_DOCUMENT: dict[str, Any] = {
    "organisations": [
        {
            "ref": "ankeby-vatten-2",
            "kind": "aktiebolag",
            "name": "Ankeby Avfall AB",
            "owners": [{"organisation": "ankeby", "share_percent": 100}],
        },
    ],
    "committees": [
        {
            "ref": "ankeby-utskott",
            "organisation": "ankeby",
            "kind": "utskott",
            "name": "Arbetsutskottet",
        },
    ],
    "administrations": [
        {"ref": "ankeby-adm-2", "organisation": "ankeby", "name": "Kulturförvaltningen"},
    ],
    "operations": [
        {
            "ref": "ankeby-op-2",
            "name": "Ankeby bibliotek",
            "area": "kultur_fritid",
            "operator": {"committee": "ankeby-tn"},
            "municipality": "ankeby",
        },
    ],
    "agreements": [
        {
            "ref": "avtal-2",
            "performer": "ankeby",
            # Ankeby's alone: an agreement Borby also reads is deleted only by an
            # unlimited key (run O, app/registry/readers_kept.py).
            "principals": ["ankeby-vatten"],
            "area": "bygg",
            "role": "tillsyn",
        },
    ],
}
NEW: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "organisations": (
        {
            "ref": "new-org",
            "kind": "aktiebolag",
            "name": "Ny AB",
            "owners": [{"organisation": "ankeby", "share_percent": 51}],
        },
        {
            "ref": "new-org",
            "kind": "aktiebolag",
            "name": "Ny AB",
            "owners": [{"organisation": "cederby", "share_percent": 51}],
        },
    ),
    "committees": (
        {"ref": "new-c", "organisation": "ankeby", "kind": "utskott", "name": "Nytt"},
        {"ref": "new-c", "organisation": "cederby", "kind": "utskott", "name": "Nytt"},
    ),
    "administrations": (
        {"ref": "new-a", "organisation": "ankeby", "name": "Ny förvaltning"},
        {"ref": "new-a", "organisation": "cederby", "name": "Ny förvaltning"},
    ),
    "operations": (
        {
            "ref": "new-op",
            "name": "Ny drift",
            "area": "va",
            "operator": {"committee": "ankeby-tn"},
            "municipality": "ankeby",
        },
        {
            "ref": "new-op",
            "name": "Ny drift",
            "area": "va",
            "operator": {"organisation": "cederby-bolag"},
            "municipality": "cederby",
        },
    ),
    "agreements": (
        {
            "ref": "new-ag",
            "performer": "ankeby",
            "principals": ["vmf"],
            "area": "va",
            "role": "drift",
        },
        {"ref": "new-ag", "performer": "cederby", "principals": [], "area": "va", "role": "drift"},
    ),
    # A person belongs to a scope through an appointment; a new one has none yet, so the
    # out-of-scope attempt re-creates the existing Cecilia instead (it must not reveal her).
    "persons": (
        {"ref": "p-new", "name": "Ny Person"},
        {"ref": "p-cecilia", "name": "Cecilia Ceder"},
    ),
    "appointments": (
        {
            "ref": "appt-new",
            "person": "p-olof",
            "body": {"committee": "ankeby-tn"},
            "role": "ersattare",
        },
        {
            "ref": "appt-new",
            "person": "p-cecilia",
            "body": {"committee": "cederby-bn"},
            "role": "ersattare",
        },
    ),
    "interests": (
        {"ref": "int-new", "person": "p-anna", "organisation": "ankeby-vatten", "kind": "medlem"},
        {"ref": "int-new", "person": "p-carl", "organisation": "cederby-bolag", "kind": "medlem"},
    ),
    "relations": (
        {"ref": "rel-new", "person": "p-anna", "related": "p-olof", "kind": "nara_van"},
        {"ref": "rel-new", "person": "p-cecilia", "related": "p-carl", "kind": "nara_van"},
    ),
}
PATCH = {
    # An agreement has no name: strict reading refuses one (it was silently dropped before).
    "agreements": {"valid_to": "2030-12-31"},
    "appointments": {"valid_to": "2030-12-31"},
    "interests": {"valid_to": "2030-12-31"},
    "relations": {"valid_to": "2030-12-31"},
}


def _item(section: str, ref: str) -> dict[str, Any]:
    for document in (ankeby_document(), CEDERBY):
        for item in document.get(section, []):
            if item.get("ref") == ref:
                return dict(item)
    raise KeyError(ref)


def _org_filter(path: str) -> Target:
    return Target((f"{path}?organisation=ankeby", None), (f"{path}?organisation=cederby", None))


def _same(path: str, body: Any = None) -> Target:
    return Target((path, body), (path, body))


def _registry(section: str, method: str, has_key: bool) -> Callable[[World], Target]:
    inside, outside = OBJECTS[section]
    if not has_key:
        if method == "GET":
            return lambda w: _same(f"/v1/{section}")
        new_in, new_out = NEW[section]
        return lambda w: Target((f"/v1/{section}", new_in), (f"/v1/{section}", new_out))
    if method == "GET":
        return lambda w: Target(
            (f"/v1/{section}/{path_ref(inside)}", None),
            (f"/v1/{section}/{path_ref(outside)}", None),
        )
    if method == "PUT":
        return lambda w: Target(
            (f"/v1/{section}/{path_ref(inside)}", _item(section, inside)),
            (f"/v1/{section}/{path_ref(outside)}", _item(section, outside)),
        )
    if method == "PATCH":
        body = PATCH.get(section, {"name": "Nytt namn"})
        return lambda w: Target(
            (f"/v1/{section}/{path_ref(inside)}", body),
            (f"/v1/{section}/{path_ref(outside)}", body),
        )
    leaf_in, leaf_out = LEAVES[section]
    return lambda w: Target(
        (f"/v1/{section}/{path_ref(leaf_in)}", None), (f"/v1/{section}/{path_ref(leaf_out)}", None)
    )


def _decision(person: str) -> dict[str, Any]:
    return {"person": person, "raised_by": "self", "decision": "ej_jav", "decided_on": "2026-03-11"}


def _import(committee: str) -> dict[str, Any]:
    return {
        "persons": [{"ref": "p-imported", "name": "Importerad Person"}],
        "appointments": [
            {"person": "p-imported", "body": {"committee": committee}, "role": "ersattare"}
        ],
    }


CELLS: dict[tuple[str, str], Callable[[World], Target]] = {
    ("GET", "/v1/health"): lambda w: _same("/v1/health"),
    ("GET", "/v1/ready"): lambda w: _same("/v1/ready"),
    ("GET", "/v1/vocabularies"): lambda w: _same("/v1/vocabularies"),
    ("POST", "/v1/vocabularies/areas"): lambda w: Target(
        ("/v1/vocabularies/areas", {"code": "matrix_in", "label": "In"}),
        ("/v1/vocabularies/areas", {"code": "matrix_out", "label": "Out"}),
    ),
    ("GET", "/v1/rules"): lambda w: _same("/v1/rules"),
    ("GET", "/metrics"): lambda w: _same("/metrics"),
    ("POST", "/v1/import"): lambda w: Target(
        ("/v1/import", _import("ankeby-tn")), ("/v1/import", _import("cederby-bn"))
    ),
    # cases
    ("GET", "/v1/cases"): lambda w: Target(
        ("/v1/cases?committee=ab-mbn", None), ("/v1/cases?committee=cederby-bn", None)
    ),
    ("POST", "/v1/cases"): lambda w: Target(
        ("/v1/cases", dict(IN_CASE_DOC, ref="MBN 2026/999")),
        ("/v1/cases", dict(OUT_CASE_DOC, ref="CBN 2026/999")),
    ),
    ("GET", "/v1/cases/{ref:path}"): lambda w: Target(
        (f"/v1/cases/{path_ref(IN_CASE)}", None), (f"/v1/cases/{path_ref(OUT_CASE)}", None)
    ),
    ("PUT", "/v1/cases/{ref:path}"): lambda w: Target(
        (f"/v1/cases/{path_ref(IN_CASE)}", IN_CASE_DOC),
        (f"/v1/cases/{path_ref(OUT_CASE)}", OUT_CASE_DOC),
    ),
    ("GET", "/v1/cases/{ref:path}/decisions"): lambda w: Target(
        (f"/v1/cases/{path_ref(IN_CASE)}/decisions", None),
        (f"/v1/cases/{path_ref(OUT_CASE)}/decisions", None),
    ),
    ("POST", "/v1/cases/{ref:path}/decisions"): lambda w: Target(
        (f"/v1/cases/{path_ref(IN_CASE)}/decisions", _decision("p-anna")),
        (f"/v1/cases/{path_ref(OUT_CASE)}/decisions", _decision("p-cecilia")),
    ),
    ("GET", "/v1/persons/{ref:path}/decisions"): lambda w: Target(
        ("/v1/persons/p-anna/decisions", None), ("/v1/persons/p-cecilia/decisions", None)
    ),
    # screenings
    ("POST", "/v1/screenings"): lambda w: Target(
        ("/v1/screenings", {"case": IN_CASE}), ("/v1/screenings", {"case": OUT_CASE})
    ),
    ("GET", "/v1/screenings"): lambda w: Target(
        (f"/v1/screenings?case={path_ref(IN_CASE)}", None),
        (f"/v1/screenings?case={path_ref(OUT_CASE)}", None),
    ),
    ("GET", "/v1/screenings/{screening_id}"): lambda w: Target(
        (f"/v1/screenings/{w.screening_in}", None), (f"/v1/screenings/{w.screening_out}", None)
    ),
    ("GET", "/v1/screenings/{screening_id}/facts"): lambda w: Target(
        (f"/v1/screenings/{w.screening_in}/facts", None),
        (f"/v1/screenings/{w.screening_out}/facts", None),
    ),
    # A parameter no rule has: refused before any job starts, in scope and out of it.
    ("POST", "/v1/whatif"): lambda w: Target(
        ("/v1/whatif", {"parameters": {"no_such": 1}, "filter": {"committee": "ab-mbn"}}),
        ("/v1/whatif", {"parameters": {"no_such": 1}, "filter": {"committee": "cederby-bn"}}),
    ),
    ("GET", "/v1/whatif/{job_id}"): lambda w: Target(
        ("/v1/whatif/wif_matrix_none", None), ("/v1/whatif/wif_matrix_none", None)
    ),
    ("POST", "/v1/screenings/{screening_id}/replay"): lambda w: Target(
        (f"/v1/screenings/{w.screening_in}/replay", None),
        (f"/v1/screenings/{w.screening_out}/replay", None),
    ),
    ("POST", "/v1/screenings/{screening_id}/rerun"): lambda w: Target(
        (f"/v1/screenings/{w.screening_in}/rerun", None),
        (f"/v1/screenings/{w.screening_out}/rerun", None),
    ),
    ("GET", "/v1/organisations/{ref:path}/structural-risks"): lambda w: Target(
        ("/v1/organisations/ankeby/structural-risks", None),
        ("/v1/organisations/cederby/structural-risks", None),
    ),
    # meetings
    ("POST", "/v1/meetings"): lambda w: Target(
        ("/v1/meetings", meeting("MBN ny", "ab-mbn", IN_CASE)),
        ("/v1/meetings", meeting("CBN ny", "cederby-bn", OUT_CASE)),
    ),
    ("GET", "/v1/meetings"): lambda w: Target(
        ("/v1/meetings?committee=ab-mbn", None), ("/v1/meetings?committee=cederby-bn", None)
    ),
    ("GET", "/v1/meetings/{ref:path}"): lambda w: Target(
        (f"/v1/meetings/{path_ref(IN_MEETING)}", None),
        (f"/v1/meetings/{path_ref(OUT_MEETING)}", None),
    ),
    ("PUT", "/v1/meetings/{ref:path}"): lambda w: Target(
        (f"/v1/meetings/{path_ref(IN_MEETING)}", meeting(IN_MEETING, "ab-mbn", IN_CASE)),
        (f"/v1/meetings/{path_ref(OUT_MEETING)}", meeting(OUT_MEETING, "cederby-bn", OUT_CASE)),
    ),
    # keys
    ("POST", "/v1/apikeys"): lambda w: Target(
        ("/v1/apikeys", {"name": "new", "role": "auditor", "organisations": ["ankeby"]}),
        ("/v1/apikeys", {"name": "new", "role": "auditor", "organisations": ["cederby"]}),
    ),
    ("GET", "/v1/apikeys"): lambda w: _same("/v1/apikeys"),
    ("DELETE", "/v1/apikeys/{key_id}"): lambda w: Target(
        (f"/v1/apikeys/{w.key_in}", None), (f"/v1/apikeys/{w.key_out}", None)
    ),
    # audit and reports
    ("GET", "/v1/audit"): lambda w: _org_filter("/v1/audit"),
    ("GET", "/v1/audit/verify"): lambda w: _same("/v1/audit/verify"),
    ("GET", "/v1/audit/export"): lambda w: _same("/v1/audit/export"),
    ("GET", "/v1/audit/{entry_id}"): lambda w: Target(
        (f"/v1/audit/{w.audit_in}", None), (f"/v1/audit/{w.audit_out}", None)
    ),
    ("GET", "/v1/reports/screenings"): lambda w: _org_filter("/v1/reports/screenings"),
    ("GET", "/v1/reports/summary"): lambda w: _org_filter("/v1/reports/summary"),
    ("GET", "/v1/reports/structural-risks"): lambda w: _org_filter("/v1/reports/structural-risks"),
    ("GET", "/v1/reports/samverkan"): lambda w: _org_filter("/v1/reports/samverkan"),
}
for _section in OBJECTS:
    CELLS[("GET", f"/v1/{_section}")] = _registry(_section, "GET", has_key=False)
    CELLS[("POST", f"/v1/{_section}")] = _registry(_section, "POST", has_key=False)
    for _method in ("GET", "PUT", "PATCH", "DELETE"):
        CELLS[(_method, f"/v1/{_section}/{{key:registry_key}}")] = _registry(
            _section, _method, has_key=True
        )
CELLS[("GET", "/v1/persons/{key:registry_key}/relations")] = lambda w: Target(
    ("/v1/persons/p-anna/relations", None), ("/v1/persons/p-cecilia/relations", None)
)
