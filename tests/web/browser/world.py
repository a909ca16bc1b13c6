"""Västby's byggnadsnämnd for the browser tests: enough seats, parties and ersättare
that the pages show what they are for (a ledamot steps out and her party's ersättare
takes the seat; a case with several parties; two grounds in one screening).

Five seats (S 2, M 2, C 1), one ersättare per party. Johan Falk (S) lives with the
applicant Ulla Falk; Karin Wik (M) sits on the board of Västby Bygg AB.
"""

from __future__ import annotations

from typing import Any

FROM = "2023-01-01"
PEOPLE = {
    "w-ordf": "Ingrid Lund",
    "w-s2": "Johan Falk",
    "w-m1": "Karin Wik",
    "w-m2": "Leif Dahl",
    "w-c1": "Maria Nyström",
    "w-es1": "Per Holm",
    "w-em1": "Rebecka Sjö",
    "w-ec1": "Tove Ask",
    "w-sok": "Ulla Falk",
}
SEATS = (
    ("w-ordf", "ordforande", "S", 1),
    ("w-s2", "ledamot", "S", 2),
    ("w-m1", "ledamot", "M", 1),
    ("w-m2", "ledamot", "M", 2),
    ("w-c1", "ledamot", "C", 1),
    ("w-es1", "ersattare", "S", 1),
    ("w-em1", "ersattare", "M", 1),
    ("w-ec1", "ersattare", "C", 1),
)
# A case stored before the tests (the meeting's agenda item): Ulla Falk applies.
MEETING_CASE = "VBN 2026/14"

WORLD: dict[str, Any] = {
    "organisations": [
        {"ref": "w-kommun", "kind": "kommun", "name": "Västby kommun"},
        {"ref": "w-bolag", "kind": "aktiebolag", "name": "Västby Bygg AB"},
    ],
    "committees": [
        {
            "ref": "w-bn",
            "organisation": "w-kommun",
            "kind": "namnd",
            "name": "Byggnadsnämnden i Västby",
            "seats": 5,
            "responsibilities": [{"area": "bygg", "role": "tillsyn"}],
        }
    ],
    "persons": [{"ref": ref, "name": name} for ref, name in PEOPLE.items()],
    "appointments": [
        {
            "person": person,
            "body": {"committee": "w-bn"},
            "role": role,
            "party": party,
            "order": order,
            "valid_from": FROM,
        }
        for person, role, party, order in SEATS
    ],
    "interests": [{"person": "w-m1", "organisation": "w-bolag", "kind": "styrelseledamot"}],
    "relations": [{"person": "w-s2", "related": "w-sok", "kind": "sambo"}],
}

CASES: list[dict[str, Any]] = [
    {
        "ref": MEETING_CASE,
        "committee": "w-bn",
        "matter": "myndighetsutovning",
        "area": "bygg",
        "title": "Bygglov för tillbyggnad av enbostadshus, Västby 3:7",
        "decision_date": "2026-03-10",
        "parties": [{"person": "w-sok", "role": "sokande"}],
    }
]
