"""Screening cases: the shared case builder (refs, participants, staff) and the routine
cases that make up the bulk of the load; `scenarios.py` plants the risky ones first."""

from __future__ import annotations

from typing import Any

from bench.generator.names import FIRST, LAST
from bench.generator.scales import AS_OF
from bench.generator.state import Body, Generator

ROUTINE_MATTERS = (
    ("myndighetsutovning", "bygg", "Ansökan om bygglov"),
    ("tillsyn", "livsmedel", "Livsmedelskontroll"),
    ("tillsyn", "miljo_halsoskydd", "Tillsyn enligt miljöbalken"),
    ("upphandling", "upphandling", "Tilldelningsbeslut"),
    ("bidrag", "kultur_fritid", "Ansökan om föreningsbidrag"),
    ("avtal", "ovrigt", "Avtal om samverkan"),
    ("myndighetsutovning", "alkohol_tobak", "Ansökan om serveringstillstånd"),
    ("ovrigt", "ovrigt", "Remissyttrande"),
)


def ledamoter(body: Body, key: str) -> list[str]:
    return body.members.get(body.committees[key], [])


def participants(people: list[str], role: str = "ledamot") -> list[dict[str, str]]:
    seen: list[str] = []
    for p in people:
        if p not in seen:
            seen.append(p)
    return [{"person": p, "role": role} for p in seen]


class CaseBuilder:
    """Adds case lines to a generator; numbers the refs across planted and routine cases."""

    def __init__(self, gen: Generator) -> None:
        self.gen = gen
        self.rng = gen.rng
        self._n_case = 0

    def next_ref(self, body: Body, key: str) -> str:
        self._n_case += 1
        return f"{body.ref.upper()} {key.upper()} 2026/{self._n_case}"

    def staff_of(self, body: Body, key: str, count: int) -> list[dict[str, str]]:
        aref = body.admins.get(key)
        people = body.staff.get(aref or "", [])[1:]
        picks = self.rng.sample(people, min(count, len(people)))
        return [{"person": p, "role": "handlaggare"} for p in picks]

    def base(
        self,
        body: Body,
        key: str,
        matter: str,
        area: str,
        title: str,
        parties: list[dict[str, Any]],
    ) -> dict[str, Any]:
        """A case of committee `key` of `body`: its first 15 ledamöter and two of its
        förvaltning's staff participate."""
        members = ledamoter(body, key)[:15]
        people = participants(members)
        return {
            "ref": self.next_ref(body, key),
            "committee": body.committees[key],
            "area": area,
            "matter": matter,
            "title": title,
            "decision_date": AS_OF,
            "parties": parties,
            "participants": people + self.staff_of(body, key, 2),
        }

    def add(self, scenario: str, case: dict[str, Any], expect: str | None = None) -> None:
        line: dict[str, Any] = {"scenario": scenario, "case": case}
        if expect:
            line["expect"] = expect
        self.gen.cases.append(line)


def add_routine_cases(gen: Generator, cases: CaseBuilder) -> None:
    """Routine cases in random committees of random kommuner up to the scale's count; a
    fifth leave out the participants (screen the whole committee and its staff)."""
    rng, s = gen.rng, gen.scale
    kommuner = gen.kommuner
    while len(gen.cases) < s.cases:
        k = kommuner[rng.randrange(len(kommuner))]
        keys = [key for key in k.committees if key not in ("rev", "ksau", "vn")]
        key = rng.choice(keys)
        matter, area, title = ROUTINE_MATTERS[rng.randrange(len(ROUTINE_MATTERS))]
        private = gen.private_by_kommun.get(k.index) or gen.bolag
        parties: list[dict[str, Any]] = [{"organisation": rng.choice(private), "role": "sokande"}]
        r = rng.random()
        if r < 0.3:
            parties.append({"name": f"{rng.choice(FIRST)} {rng.choice(LAST)}", "role": "berord"})
        elif r < 0.4:
            with_pnr = [p for p in gen.persons[-50:] if "personnummer" in p]
            if with_pnr:
                who = rng.choice(with_pnr)
                parties.append(
                    {"name": who["name"], "personnummer": who["personnummer"], "role": "berord"}
                )
        case = cases.base(k, key, matter, area, f"{title} ({len(gen.cases) + 1})", parties)
        if rng.random() < 0.2:
            del case["participants"]  # screen the whole committee and its staff
        cases.add("routine", case)
