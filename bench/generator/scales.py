"""Dataset scales, the file format name, the dates every dataset shares and the planted
scenario names."""

from __future__ import annotations

from dataclasses import dataclass

FORMAT = "javskoll-bench/1"
AS_OF = "2026-03-10"
MANDATE_FROM, MANDATE_TO = "2023-01-01", "2026-12-31"
EARLIER_FROM, EARLIER_TO = "2019-01-01", "2022-12-31"

PERSON_GROUNDS = (
    "part",
    "paverkan",
    "stallforetradare",
    "tillsynsjav",
    "tvainstans",
    "generalklausul",
    "fullmaktige",
    "ansvarsfrihet",
)
STRUCTURAL = ("egen_tillsyn", "dubbla_roller", "delad_forvaltning", "samverkan_egen_drift")
SCENARIOS = PERSON_GROUNDS + STRUCTURAL


@dataclass(frozen=True)
class Scale:
    name: str
    kommuner: int
    regioner: int
    forbund: int
    gemensamma: int
    agreements: int
    namnder: int  # committees of kommuner and regioner (fullmäktige, styrelse, nämnder)
    companies: int  # municipal companies
    organisations: int  # all organisations
    myndigheter: int
    fortroendevalda: int
    employees: int
    interests: int
    relations: int
    private_operations: int
    cases: int
    per_scenario: int  # planted cases per ground / structural risk
    seat_factor: float  # shrinks committee sizes at small scales
    chunk_size: int = 50_000

    @property
    def persons(self) -> int:
        return self.fortroendevalda + self.employees


SCALES: dict[str, Scale] = {
    "tiny": Scale(
        "tiny",
        kommuner=3,
        regioner=1,
        forbund=1,
        gemensamma=1,
        agreements=2,
        namnder=22,
        companies=4,
        organisations=80,
        myndigheter=1,
        fortroendevalda=70,
        employees=50,
        interests=300,
        relations=60,
        private_operations=6,
        cases=30,
        per_scenario=1,
        seat_factor=0.3,
        chunk_size=200,
    ),
    "small": Scale(
        "small",
        kommuner=5,
        regioner=1,
        forbund=2,
        gemensamma=3,
        agreements=6,
        namnder=55,
        companies=30,
        organisations=1_000,
        myndigheter=2,
        fortroendevalda=400,
        employees=600,
        interests=10_000,
        relations=1_500,
        private_operations=100,
        cases=300,
        per_scenario=3,
        seat_factor=0.6,
        chunk_size=50_000,
    ),
    "national": Scale(
        "national",
        kommuner=290,
        regioner=21,
        forbund=80,
        gemensamma=300,
        agreements=1_500,
        namnder=3_000,
        companies=1_800,
        organisations=100_000,
        myndigheter=43,
        fortroendevalda=40_000,
        employees=60_000,
        interests=1_000_000,
        relations=150_000,
        private_operations=10_000,
        cases=3_000,
        per_scenario=10,
        seat_factor=1.0,
        chunk_size=50_000,
    ),
}
