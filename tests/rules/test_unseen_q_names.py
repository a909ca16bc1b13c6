"""Review Q probes: unregistered parties matched by name through the HTTP API (the
in-memory builder does not match names, so these run only through the API)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from tests.rules.test_cases import REGISTRIES
from tests.support.api import ApiClient
from tests.support.registry import import_document


def _doc(add: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(REGISTRIES["ankeby"])
    for k, v in add.items():
        doc.setdefault(k, []).extend(v)
    return json.loads(json.dumps(doc, default=str))


HUSBAND = {"relations": [{"person": "p-anna", "related": "p-olof", "kind": "make"}]}
PROBES = [
    # (id, add, party, expected set of (person, ground, level) or None for clear)
    (
        "N1 diacritics and case: OLOFS AKERI is the husband's firm",
        {**HUSBAND, "interests": [{"person": "p-olof", "organisation": "firma", "kind": "agare"}]},
        {"name": "OLOFS AKERI", "role": "sokande"},
        {("p-anna", "paverkan", "mojligt_jav")},
    ),
    (
        "N2 legal-form suffix spelt out: Bygg & Mark Aktiebolag",
        {"interests": [{"person": "p-anna", "organisation": "bygg-ab", "kind": "styrelseledamot"}]},
        {"name": "Bygg & Mark Aktiebolag", "role": "sokande"},
        {("p-anna", "stallforetradare", "mojligt_jav")},
    ),
    (
        "N3 i likvidation",
        {"interests": [{"person": "p-anna", "organisation": "bygg-ab", "kind": "styrelseledamot"}]},
        {"name": "Bygg & Mark AB i likvidation", "role": "sokande"},
        {("p-anna", "stallforetradare", "mojligt_jav")},
    ),
    (
        "N4 word order: Berg Olof is the husband",
        HUSBAND,
        {"name": "Berg Olof", "role": "sokande"},
        {("p-anna", "part", "mojligt_jav")},
    ),
    (
        "N5 a different surname (Olof Bergström) is another person",
        HUSBAND,
        {"name": "Olof Bergström", "role": "sokande"},
        None,
    ),
    (
        "N6 a different first name (Ola Berg) is another person",
        HUSBAND,
        {"name": "Ola Berg", "role": "sokande"},
        None,
    ),
    (
        "N7 husband has no personnummer registered; a name plus a personnummer is still a name "
        "match",
        HUSBAND,
        {"name": "Olof Berg", "personnummer": "19800101-1231", "role": "sokande"},
        {("p-anna", "part", "mojligt_jav")},
    ),
    (
        "N8 unhyphenated 12-digit personnummer matches",
        {
            "persons": [{"ref": "p-olle", "name": "Olle Dahl", "personnummer": "19800101-1231"}],
            "relations": [{"person": "p-anna", "related": "p-olle", "kind": "make"}],
        },
        {"name": "Olle Dahl", "personnummer": "198001011231", "role": "sokande"},
        {("p-anna", "part", "jav")},
    ),
    (
        "N9 orgnr without hyphen matches",
        {
            "organisations": [
                {
                    "ref": "snickeri",
                    "kind": "aktiebolag",
                    "name": "Snickeriet AB",
                    "orgnr": "556123-4567",
                }
            ],
            "interests": [
                {"person": "p-anna", "organisation": "snickeri", "kind": "styrelseledamot"}
            ],
        },
        {"name": "Snickeri Norr AB", "orgnr": "5561234567", "role": "sokande"},
        {("p-anna", "stallforetradare", "jav")},
    ),
    (
        "N10 Bygg och Mark AB (och for &)",
        {"interests": [{"person": "p-anna", "organisation": "bygg-ab", "kind": "styrelseledamot"}]},
        {"name": "Bygg och Mark AB", "role": "sokande"},
        {("p-anna", "stallforetradare", "mojligt_jav")},
    ),
]


@pytest.mark.parametrize("probe", PROBES, ids=[p[0] for p in PROBES])
def test_unseen_q_name_probe(probe: Any, admin: ApiClient) -> None:
    _id, add, party, expected = probe
    import_document(admin, _doc(add))
    case = {
        "ref": "MBN 2024/N",
        "committee": "ankeby-mbn",
        "area": "bygg",
        "matter": "myndighetsutovning",
        "parties": [party],
        "participants": [{"person": "p-anna", "role": "ledamot"}],
    }
    r = admin.post("/v1/screenings", json={"case": case, "as_of": "2024-03-01"})
    assert r.status_code == 201, r.text
    body = r.json()
    got = {(f["person"], f["ground"], f["level"]) for f in body["findings"]}
    detail = [(f["ground"], f["level"], f.get("match_score")) for f in body["findings"]]
    assert got == (expected or set()), detail
