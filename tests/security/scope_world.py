"""Two separate worlds for organisation-scope tests.

"Ankeby" is the contract's example registry (ankeby, borby, their companies, förbund,
gemensam nämnd ...) with a stored case, its screening and a decision. "Cederby" is a
kommun that shares nothing with it, with the same kinds of objects. Keys limited to
`ankeby` must see and change the first and nothing of the second.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.support.api import ApiClient, path_ref
from tests.support.registry import contract_document, import_document

# Cederby (directly) and Ankeby Vatten AB own a joint venture 50/50, which owns a
# subsidiary (tests/security/test_shared_objects_kept.py, test_review_run_o*.py).
JOINT_VENTURE: dict[str, Any] = {
    "organisations": [
        {
            "ref": "joint-ab",
            "kind": "aktiebolag",
            "name": "Gemensamt AB",
            "owners": [
                {"organisation": "ankeby-vatten", "share_percent": 50},
                {"organisation": "cederby", "share_percent": 50},
            ],
        },
        {
            "ref": "cederby-dotter",
            "kind": "aktiebolag",
            "name": "Cederby Dotterbolag AB",
            "owners": [{"organisation": "joint-ab", "share_percent": 100}],
        },
    ]
}

IN_CASE = "MBN 2026/123"
OUT_CASE = "CBN 2026/9"
IN_MEETING = "MBN 2026-03-10"
OUT_MEETING = "CBN 2026-03-10"
SCOPE = ["ankeby"]
OUT_SCOPE = ["cederby"]

# Secrets of the out-of-scope world: none may show up in an answer to an ankeby key.
OUT_MARKERS = ("cederby", "Cederby", "p-cecilia", "p-carl", "Cecilia", "CBN 2026")

CEDERBY: dict[str, Any] = {
    "organisations": [
        {"ref": "cederby", "kind": "kommun", "name": "Cederby kommun"},
        {
            "ref": "cederby-bolag",
            "kind": "aktiebolag",
            "name": "Cederby Energi AB",
            "owners": [{"organisation": "cederby", "share_percent": 100}],
        },
    ],
    "committees": [
        {
            "ref": "cederby-bn",
            "organisation": "cederby",
            "kind": "namnd",
            "name": "Cederby byggnämnd",
            "responsibilities": [{"area": "bygg", "role": "tillsyn"}],
        },
    ],
    "administrations": [
        {
            "ref": "cederby-adm",
            "organisation": "cederby",
            "name": "Cederby förvaltning",
            "serves": ["cederby-bn"],
        },
    ],
    "operations": [
        {
            "ref": "cederby-op",
            "name": "Cederby värmeverk",
            "area": "energi",
            "operator": {"organisation": "cederby-bolag"},
            "municipality": "cederby",
        },
    ],
    "agreements": [
        {
            "ref": "avtal-c",
            "performer": "cederby",
            "principals": [],
            "area": "bygg",
            "role": "tillsyn",
        },
    ],
    "persons": [
        {"ref": "p-cecilia", "name": "Cecilia Ceder"},
        {"ref": "p-carl", "name": "Carl Ceder"},
    ],
    "appointments": [
        {
            "ref": "appt-cecilia",
            "person": "p-cecilia",
            "body": {"committee": "cederby-bn"},
            "role": "ledamot",
        },
        {
            "ref": "appt-carl",
            "person": "p-carl",
            "body": {"organisation": "cederby-bolag"},
            "role": "vd",
        },
    ],
    "interests": [
        {
            "ref": "int-carl",
            "person": "p-carl",
            "organisation": "cederby-bolag",
            "kind": "agare",
            "share_percent": 10,
        },
    ],
    "relations": [
        {"ref": "rel-cecilia-carl", "person": "p-cecilia", "related": "p-carl", "kind": "sambo"},
    ],
}

# Refs on the contract's keyless objects, so that they can be addressed in paths.
ANKEBY_REFS = {
    "appointments": ["appt-anna", "appt-olof"],
    "interests": ["int-olof"],
    "relations": ["rel-anna-olof"],
}


def ankeby_document() -> dict[str, Any]:
    document = contract_document()
    for section, refs in ANKEBY_REFS.items():
        for item, ref in zip(document[section], refs, strict=True):
            item["ref"] = ref
    return document


def case(
    ref: str, committee: str, persons: list[str], parties: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "ref": ref,
        "committee": committee,
        "matter": "tillsyn",
        "title": f"Ärende {ref}",
        "decision_date": "2026-03-10",
        "parties": parties,
        "participants": [{"person": p, "role": "ledamot"} for p in persons],
    }


IN_CASE_DOC = case(
    IN_CASE,
    "ab-mbn",
    ["p-anna"],
    [
        {"operation": "ankeby-avlopp", "role": "tillsynsobjekt"},
        {"organisation": "ankeby-vatten", "role": "part"},
    ],
)
OUT_CASE_DOC = case(
    OUT_CASE,
    "cederby-bn",
    ["p-cecilia"],
    [
        {"operation": "cederby-op", "role": "tillsynsobjekt"},
        {"organisation": "cederby-bolag", "role": "part"},
    ],
)


def cecilia_shared(role: str) -> dict[str, Any]:
    """An import document (for an unlimited key): Cederby's Cecilia is appointed to
    Ankeby's tekniska nämnd as well, and is a member of Cederby's company."""
    return {
        "appointments": [
            {
                "ref": "appt-cecilia-a",
                "person": "p-cecilia",
                "body": {"committee": "ankeby-tn"},
                "role": role,
            }
        ],
        "interests": [
            {
                "ref": "int-cecilia",
                "person": "p-cecilia",
                "organisation": "cederby-bolag",
                "kind": "medlem",
            }
        ],
    }


def meeting(ref: str, committee: str, case_ref: str) -> dict[str, Any]:
    return {
        "ref": ref,
        "committee": committee,
        "date": "2026-03-10",
        "items": [{"paragraph": "§ 1", "case": case_ref}],
    }


def problem_summary(response: Any) -> tuple[int, Any, list[tuple[str, str]]]:
    """A refusal as the attack tests compare it: status, problem type, (pointer, code)s."""
    body = response.json()
    errors = [(e.get("pointer", ""), e.get("code", "")) for e in body.get("errors", [])]
    return response.status_code, body.get("type"), errors


@dataclass
class World:
    screening_in: str = ""
    screening_out: str = ""
    audit_in: int = 0
    audit_out: int = 0
    key_in: int = 0
    key_out: int = 0
    keys: dict[str, ApiClient] = field(default_factory=dict)


def build(admin: ApiClient, client_for: Any) -> World:
    """Import both worlds, store a case in each, screen and decide it; make scoped keys."""
    import_document(admin, ankeby_document())
    import_document(admin, CEDERBY)
    world = World()
    for doc in (IN_CASE_DOC, OUT_CASE_DOC):
        response = admin.post("/v1/cases", json=doc)
        assert response.status_code == 201, response.text
    for attr, ref, person in (("in", IN_CASE, "p-anna"), ("out", OUT_CASE, "p-cecilia")):
        screened = admin.post("/v1/screenings", json={"case": ref})
        assert screened.status_code == 201, screened.text
        body = screened.json()
        setattr(world, f"screening_{attr}", body["id"])
        setattr(world, f"audit_{attr}", body["audit"]["id"])
        decided = admin.post(
            f"/v1/cases/{path_ref(ref)}/decisions",
            json={
                "person": person,
                "raised_by": "screening",
                "decision": "jav",
                "decided_on": "2026-03-10",
                "screening": body["id"],
            },
        )
        assert decided.status_code == 201, decided.text
    for ref, committee, case_ref in (
        (IN_MEETING, "ab-mbn", IN_CASE),
        (OUT_MEETING, "cederby-bn", OUT_CASE),
    ):
        met = admin.post("/v1/meetings", json=meeting(ref, committee, case_ref))
        assert met.status_code == 201, met.text
    for attr, orgs in (("in", SCOPE), ("out", OUT_SCOPE)):
        made = admin.post(
            "/v1/apikeys", json={"name": f"k-{attr}", "role": "auditor", "organisations": orgs}
        )
        assert made.status_code == 201, made.text
        setattr(world, f"key_{attr}", made.json()["id"])
    for role in ("admin", "registry", "screener", "auditor"):
        world.keys[role] = client_for(role, SCOPE)
    return world
