"""The registry while it is being built: the object lists, the build state the job modules
share, and the primitives that add an object once (duplicates are skipped, not repeated).

Every random draw goes through `Generator.rng`; the job modules call these primitives in a
fixed order (see `build.py`), which is what makes the output byte-identical per seed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from bench.generator.identifiers import ORGNR_PREFIX, orgnr, personnummer
from bench.generator.names import FIRST, LAST
from bench.generator.scales import Scale

# import documents come in this order: each refers only to its own or earlier sections
SECTIONS = (
    "organisations",
    "committees",
    "administrations",
    "operations",
    "agreements",
    "persons",
    "appointments",
    "interests",
    "relations",
)


@dataclass
class Body:
    """A kommun or region (or förbund) while it is being built."""

    index: int
    ref: str
    name: str
    kind: str
    weight: float
    committees: dict[str, str] = field(default_factory=dict)  # key -> ref
    members: dict[str, list[str]] = field(default_factory=dict)  # committee ref -> persons
    admins: dict[str, str] = field(default_factory=dict)  # committee key -> admin ref
    staff: dict[str, list[str]] = field(default_factory=dict)  # admin ref -> persons
    operations: dict[str, tuple[str, str]] = field(
        default_factory=dict
    )  # name -> (ref, op. committee key)
    shared_admin: str | None = None
    pool: list[str] = field(default_factory=list)  # förtroendevalda
    companies: list[str] = field(default_factory=list)


class Generator:
    """One dataset under construction (`build.build` fills it)."""

    def __init__(self, seed: int, scale: Scale) -> None:
        self.seed = seed
        self.scale = scale
        self.rng = random.Random(seed)  # noqa: S311 - synthetic data, not secrets
        self.organisations: list[dict[str, Any]] = []
        self.committees: list[dict[str, Any]] = []
        self.administrations: list[dict[str, Any]] = []
        self.operations: list[dict[str, Any]] = []
        self.agreements: list[dict[str, Any]] = []
        self.persons: list[dict[str, Any]] = []
        self.appointments: list[dict[str, Any]] = []
        self.interests: list[dict[str, Any]] = []
        self.relations: list[dict[str, Any]] = []
        self.cases: list[dict[str, Any]] = []
        self.kommuner: list[Body] = []
        self.regioner: list[Body] = []
        self.myndigheter: list[Body] = []
        self.gemensamma: list[tuple[str, Body, list[Body], str, str]] = []
        self.forbund: list[tuple[Body, list[Body], str]] = []
        self._orgnr_counter: dict[str, int] = {}
        self._pnrs: set[str] = set()
        self.person_seq = 0  # persons created so far
        self._relation_keys: set[tuple[str, str, str]] = set()
        self._interest_keys: set[tuple[str, str, str]] = set()
        self._appointment_keys: set[tuple[str | None, ...]] = set()
        self.bolag: list[str] = []
        self.foreningar: list[str] = []
        self.any_private: list[str] = []
        self.popular: list[str] = []
        self.private_by_kommun: dict[int, list[str]] = {}
        self.employees: list[str] = []
        self.manager_of: dict[str, str] = {}

    # --- primitives ------------------------------------------------------------------
    def add_org(self, ref: str, kind: str, name: str, **extra: Any) -> dict[str, Any]:
        doc: dict[str, Any] = {"ref": ref, "kind": kind, "name": name}
        number = self._next_orgnr(kind)
        if number:
            doc["orgnr"] = number
        doc.update(extra)
        self.organisations.append(doc)
        return doc

    def _next_orgnr(self, kind: str) -> str | None:
        if kind not in ORGNR_PREFIX:
            return None
        n = self._orgnr_counter.get(kind, 0) + 1
        self._orgnr_counter[kind] = n
        return orgnr(kind, n)

    def add_person(self, pnr_fraction: float = 0.3) -> str:
        self.person_seq += 1
        ref = f"p-{self.person_seq:06d}"
        rng = self.rng
        doc: dict[str, Any] = {"ref": ref, "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}"}
        if rng.random() < pnr_fraction:
            doc["personnummer"] = personnummer(rng, self._pnrs)
        self.persons.append(doc)
        return ref

    def appoint(self, person: str, body: dict[str, str], role: str, **extra: Any) -> bool:
        ((body_kind, body_ref),) = body.items()
        key = (person, body_kind, body_ref, role, extra.get("valid_from"))
        if key in self._appointment_keys:
            return False
        self._appointment_keys.add(key)
        doc: dict[str, Any] = {"person": person, "body": body, "role": role}
        doc.update(extra)
        self.appointments.append(doc)
        return True

    def add_interest(self, person: str, target: tuple[str, str], kind: str, **extra: Any) -> bool:
        key = (person, target[1], kind)
        if key in self._interest_keys or person == target[1]:
            return False
        self._interest_keys.add(key)
        doc: dict[str, Any] = {"person": person, target[0]: target[1], "kind": kind}
        doc.update(extra)
        self.interests.append(doc)
        return True

    def relate(self, a: str, b: str, kind: str) -> bool:
        if a == b:
            return False
        key = (min(a, b), max(a, b), kind)
        if key in self._relation_keys:
            return False
        self._relation_keys.add(key)
        self.relations.append({"person": a, "related": b, "kind": kind})
        return True

    def weighted(self, table: tuple[tuple[Any, ...], ...]) -> tuple[Any, ...]:
        total = sum(row[1] for row in table)
        pick = self.rng.random() * total
        for row in table:
            pick -= row[1]
            if pick < 0:
                return row
        return table[-1]

    def neighbours(self, i: int, count: int) -> list[Body]:
        """Up to `count` kommuner after kommun `i` (wrapping), never `i` itself."""
        n = len(self.kommuner)
        picks: list[Body] = []
        step = 1
        while len(picks) < min(count, n - 1):
            j = (i + step) % n
            if j != i and self.kommuner[j] not in picks:
                picks.append(self.kommuner[j])
            step += 1
        return picks

    # --- output ----------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        return {
            "organisations": len(self.organisations),
            "kommuner": len(self.kommuner),
            "regioner": len(self.regioner),
            "kommunalforbund": len(self.forbund),
            "myndigheter": len(self.myndigheter),
            "municipal_companies": sum(len(b.companies) for b in self.kommuner + self.regioner),
            "committees": len(self.committees),
            "gemensamma_namnder": len(self.gemensamma),
            "administrations": len(self.administrations),
            "operations": len(self.operations),
            "agreements": len(self.agreements),
            "persons": len(self.persons),
            "persons_with_personnummer": sum(1 for p in self.persons if "personnummer" in p),
            "appointments": len(self.appointments),
            "interests": len(self.interests),
            "relations": len(self.relations),
            "cases": len(self.cases),
        }

    def documents(self, chunk_size: int | None = None) -> Iterator[tuple[str, dict[str, Any]]]:
        size = chunk_size or self.scale.chunk_size
        for section in SECTIONS:
            items: list[dict[str, Any]] = getattr(self, section)
            for start in range(0, len(items), size):
                yield section, {section: items[start : start + size]}
