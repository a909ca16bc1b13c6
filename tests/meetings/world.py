"""The registry the meeting tests use (also the worked meeting of docs/meetings.md).

Byggnadsnämnden in Ankeby (`bn`): 9 seats, three parties. S holds 4 seats (the
ordförande and three ledamöter), M 3 (the vice ordförande and two), C 2. Ersättare: S
1-2, V 1 (S's ledamöter take V's ersättare after their own, by substitution_order), M 1-2,
C 1. Ledamot `l-c1` has her own substitutes list [e-c1, e-m2].

Kommunfullmäktige in Ankeby (`kf`): 5 seats, no ersättare called.

Miljönämnden Ankeby-Borby (`gn`), a gemensam nämnd: 4 seats, two from each kommun, with
each kommun's own ersättare.
"""

from __future__ import annotations

import copy
from typing import Any

FROM = "2023-01-01"


def seat(person: str, committee: str, role: str, party: str, **extra: Any) -> dict[str, Any]:
    return {
        "person": person,
        "body": {"committee": committee},
        "role": role,
        "party": party,
        "valid_from": extra.pop("valid_from", FROM),
        **extra,
    }


PEOPLE = {
    # Byggnadsnämnden
    "l-ordf": "Olle Ordf",
    "l-vice": "Vera Vice",
    "l-s2": "Anna Berg",
    "l-s3": "Sven Sand",
    "l-s4": "Stina Strand",
    "l-m2": "Maja Mark",
    "l-m3": "Mats Mo",
    "l-c1": "Cecilia Ceder",
    "l-c2": "Carl Clausson",
    "e-s1": "Eva Ek",
    "e-s2": "Erik Ås",
    "e-v1": "Vilma Viklund",
    "e-m1": "Mona Malm",
    "e-m2": "Magnus Mörk",
    "e-c1": "Cornelia Cirkel",
    "h-1": "Hanna Handläggare",
    # applicants and relations
    "p-sok": "Sara Sökande",
    "p-granne": "Gustav Granne",
    # Kommunfullmäktige
    "kf-1": "Kalle Ett",
    "kf-2": "Kajsa Två",
    "kf-3": "Kim Tre",
    "kf-4": "Klara Fyra",
    "kf-5": "Krister Fem",
    # Gemensam nämnd
    "g-a1": "Astrid Ankeby",
    "g-a2": "Arvid Ankeby",
    "g-b1": "Bodil Borby",
    "g-b2": "Bengt Borby",
    "g-ea1": "Elsa Ankeby",
    "g-ea2": "Egon Ankeby",
    "g-eb1": "Ebba Borby",
    "g-eb2": "Einar Borby",
}

WORLD: dict[str, Any] = {
    "organisations": [
        {"ref": "ankeby", "kind": "kommun", "name": "Ankeby kommun"},
        {"ref": "borby", "kind": "kommun", "name": "Borby kommun"},
    ],
    "committees": [
        {
            "ref": "bn",
            "organisation": "ankeby",
            "kind": "namnd",
            "name": "Byggnadsnämnden",
            "seats": 9,
            "substitution_order": {"S": ["S", "V"], "M": ["M", "C"], "C": ["C", "M"]},
            "responsibilities": [{"area": "bygg", "role": "tillsyn"}],
        },
        {
            "ref": "kf",
            "organisation": "ankeby",
            "kind": "fullmaktige",
            "name": "Kommunfullmäktige",
            "seats": 5,
        },
        {
            "ref": "gn",
            "organisation": "ankeby",
            "kind": "gemensam_namnd",
            "name": "Miljönämnden Ankeby-Borby",
            "participants": ["ankeby", "borby"],
            "seats": 4,
        },
        {"ref": "ks", "organisation": "ankeby", "kind": "styrelse", "name": "Kommunstyrelsen"},
    ],
    "administrations": [
        {"ref": "bn-forv", "organisation": "ankeby", "name": "Byggförvaltningen", "serves": ["bn"]},
    ],
    "persons": [{"ref": ref, "name": name} for ref, name in PEOPLE.items()],
    "appointments": [
        seat("l-ordf", "bn", "ordforande", "S", valid_from="2019-01-01"),
        seat("l-vice", "bn", "vice_ordforande", "M", valid_from="2019-01-01"),
        seat("l-s2", "bn", "ledamot", "S", order=2),
        seat("l-s3", "bn", "ledamot", "S", order=3),
        seat("l-s4", "bn", "ledamot", "S", order=4, valid_from="2015-01-01"),
        seat("l-m2", "bn", "ledamot", "M", order=2),
        seat("l-m3", "bn", "ledamot", "M", order=3),
        seat("l-c1", "bn", "ledamot", "C", order=1, substitutes=["e-c1", "e-m2"]),
        seat("l-c2", "bn", "ledamot", "C", order=2),
        seat("e-s1", "bn", "ersattare", "S", order=1),
        seat("e-s2", "bn", "ersattare", "S", order=2),
        seat("e-v1", "bn", "ersattare", "V", order=1),
        seat("e-m1", "bn", "ersattare", "M", order=1),
        seat("e-m2", "bn", "ersattare", "M", order=2),
        seat("e-c1", "bn", "ersattare", "C", order=1),
        {"person": "h-1", "body": {"administration": "bn-forv"}, "role": "handlaggare"},
        seat("kf-1", "kf", "ordforande", "S"),
        seat("kf-2", "kf", "ledamot", "S", order=2),
        seat("kf-3", "kf", "ledamot", "M", order=1),
        seat("kf-4", "kf", "ledamot", "M", order=2),
        seat("kf-5", "kf", "ledamot", "C", order=1),
        seat("g-a1", "gn", "ordforande", "S", appointed_by="ankeby"),
        seat("g-a2", "gn", "ledamot", "M", appointed_by="ankeby"),
        seat("g-b1", "gn", "vice_ordforande", "S", appointed_by="borby"),
        seat("g-b2", "gn", "ledamot", "M", appointed_by="borby"),
        seat("g-ea1", "gn", "ersattare", "S", order=1, appointed_by="ankeby"),
        seat("g-ea2", "gn", "ersattare", "M", order=1, appointed_by="ankeby"),
        seat("g-eb1", "gn", "ersattare", "S", order=2, appointed_by="borby"),
        seat("g-eb2", "gn", "ersattare", "M", order=2, appointed_by="borby"),
    ],
    "relations": [
        {"person": "l-ordf", "related": "p-sok", "kind": "sambo"},
        {"person": "l-m2", "related": "p-granne", "kind": "nara_van"},
        {"person": "h-1", "related": "p-granne", "kind": "barn"},
    ],
}


def world() -> dict[str, Any]:
    return copy.deepcopy(WORLD)


def case(
    ref: str, *parties: tuple[str, str], committee: str = "bn", **extra: Any
) -> dict[str, Any]:
    """An inline case: `parties` as (person ref, role)."""
    return {
        "ref": ref,
        "committee": committee,
        "matter": extra.pop("matter", "myndighetsutovning"),
        "area": extra.pop("area", "bygg"),
        "title": extra.pop("title", f"Ärende {ref}"),
        "parties": [{"person": p, "role": r} for p, r in parties],
        **extra,
    }
