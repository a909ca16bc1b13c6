"""A deterministic generator of a Sweden-scale synthetic registry and of screening cases.

Same seed and scale give byte-identical output: every random choice comes from one
`random.Random(seed)` drawn in a fixed order, nothing iterates a set or a dict whose order
depends on hashing, and the JSON is written with fixed separators.

Output format (``javskoll-bench/1``): JSON Lines, UTF-8, one object per line, gzip when the
file name ends in ``.gz`` (written with mtime 0, so still byte-identical):

* line 1, the manifest: ``{"format": "javskoll-bench/1", "seed", "scale", "as_of",
  "counts": {...}, "documents": n, "cases": m}``;
* then ``n`` lines ``{"kind": "import", "index": i, "section": "...", "document": {...}}``:
  each ``document`` is a complete contract import document (``POST /v1/import``) holding one
  slice of one section. POST them in file order: every reference points at an object of the
  same or an earlier document (organisations, committees, administrations, operations,
  agreements, persons, appointments, interests, relations);
* then ``m`` lines ``{"kind": "case", "index": j, "scenario": "...", "case": {...}}``: a
  contract case document (``POST /v1/cases`` or inline in ``POST /v1/screenings``).
  ``scenario`` is ``routine`` or the ground / structural risk the case was built to hit
  (``part``, ``paverkan``, ``stallforetradare``, ``tillsynsjav``, ``tvainstans``,
  ``generalklausul``, ``fullmaktige``, ``ansvarsfrihet``, ``egen_tillsyn``,
  ``dubbla_roller``, ``delad_forvaltning``, ``samverkan_egen_drift``); ``expect`` names the
  person the planted facts concern, when there is one.
"""

from __future__ import annotations

import gzip
import io
import json
import random
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

from stdnum import luhn

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

# --- names ----------------------------------------------------------------------------
PLACE_HEADS = (
    "Ank",
    "Bor",
    "Ed",
    "Fal",
    "Gran",
    "Hag",
    "Is",
    "Jär",
    "Kal",
    "Lin",
    "Mal",
    "Norr",
    "Ör",
    "Sko",
    "Tor",
    "Ulv",
    "Väst",
    "Åby",
    "Älv",
    "Öst",
    "Sol",
    "Berg",
    "Dal",
    "Sjö",
    "Lund",
    "Hög",
    "Ljus",
    "Stor",
    "Lill",
    "Fors",
    "Björk",
    "Ekes",
)
PLACE_TAILS = (
    "by",
    "holm",
    "sta",
    "vik",
    "köping",
    "ås",
    "åker",
    "näs",
    "hult",
    "fors",
    "stad",
    "ryd",
    "tuna",
    "sjö",
    "berga",
    "å",
    "dal",
    "mark",
    "bro",
    "hamn",
)
FIRST = (
    "Anna",
    "Åsa",
    "Björn",
    "Märta",
    "Örjan",
    "Göran",
    "Lars-Göran",
    "Eva",
    "Karl",
    "Maria",
    "Nils",
    "Ingrid",
    "Sven",
    "Kerstin",
    "Olof",
    "Margareta",
    "Mohammed",
    "Fatima",
    "Per",
    "Birgitta",
    "Jonas",
    "Sofia",
    "Erik",
    "Elin",
    "Anders",
    "Linnéa",
    "Johan",
    "Ülkü",
    "Magnus",
    "Agneta",
    "Pia",
    "Håkan",
    "Ali",
    "Sara",
    "Gunnel",
    "Jörgen",
    "Emma",
    "Tove",
)
LAST = (
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Öberg",
    "Åkesson",
    "Ström",
    "Hägg",
    "Berg",
    "Lindqvist",
    "Engström",
    "Karimi",
    "Rask",
    "Sjöberg",
    "Wallin",
    "Björk",
    "Forsberg",
    "Hedström",
    "Ahmadi",
    "Lundgren",
    "Mäkinen",
    "Nyström",
    "Holmqvist",
    "Åström",
)
COMPANY_WORDS = (
    "Bygg",
    "Fastighets",
    "Konsult",
    "Entreprenad",
    "El",
    "VVS",
    "Transport",
    "Städ",
    "Data",
    "Mat",
    "Café",
    "Bil",
    "Skog",
    "Måleri",
    "Vård",
    "Hälsa",
    "Plåt",
    "Grus",
)
FORENING_WORDS = (
    "Idrottsförening",
    "Hembygdsförening",
    "Bostadsrättsförening",
    "Fiskevårdsförening",
    "Byalag",
    "Föräldraförening",
    "Pensionärsförening",
    "Scoutkår",
    "Naturskyddsförening",
    "Vägförening",
    "Ryttarförening",
    "Kulturförening",
)

PRIVATE_KINDS = (
    ("aktiebolag", 45),
    ("handelsbolag", 6),
    ("ekonomisk_forening", 6),
    ("ideell_forening", 25),
    ("stiftelse", 5),
    ("enskild_firma", 12),
    ("annan", 1),
)
ORGNR_PREFIX = {
    "kommun": "212",
    "region": "232",
    "kommunalforbund": "222",
    "myndighet": "202",
    "aktiebolag": "556",
    "handelsbolag": "969",
    "ekonomisk_forening": "769",
    "ideell_forening": "802",
    "stiftelse": "817",
    "annan": "252",
}

# Kommun committees: (key, kind, name, responsibilities)
KF = ("kf", "fullmaktige", "Kommunfullmäktige", ())
KS = ("ks", "styrelse", "Kommunstyrelsen", (("upphandling", "drift"), ("ovrigt", "drift")))
REV = ("rev", "revision", "Revisionen", ())
TN = (
    "tn",
    "namnd",
    "Tekniska nämnden",
    (("va", "drift"), ("avfall", "drift"), ("gata_park", "drift")),
)
MBN = (
    "mbn",
    "namnd",
    "Miljö- och byggnadsnämnden",
    (("miljo_halsoskydd", "tillsyn"), ("livsmedel", "tillsyn"), ("bygg", "tillsyn")),
)
SBN = (
    "sbn",
    "namnd",
    "Samhällsbyggnadsnämnden",
    (
        ("va", "drift"),
        ("gata_park", "drift"),
        ("avfall", "drift"),
        ("miljo_halsoskydd", "tillsyn"),
        ("livsmedel", "tillsyn"),
        ("bygg", "tillsyn"),
    ),
)
OPTIONAL_NAMNDER = (
    ("bun", "namnd", "Barn- och utbildningsnämnden", (("skola", "drift"), ("forskola", "drift"))),
    ("sn", "namnd", "Socialnämnden", (("socialtjanst", "drift"), ("lss", "drift"))),
    ("kfn", "namnd", "Kultur- och fritidsnämnden", (("kultur_fritid", "drift"),)),
    ("aon", "namnd", "Äldreomsorgsnämnden", (("aldreomsorg", "drift"),)),
    ("tsn", "namnd", "Tillståndsnämnden", (("alkohol_tobak", "tillsyn"),)),
    ("fn", "namnd", "Fastighetsnämnden", (("fastighet", "drift"),)),
    ("gn", "namnd", "Gymnasienämnden", (("skola", "drift"),)),
    ("amn", "namnd", "Arbetsmarknadsnämnden", (("ovrigt", "drift"),)),
    ("vn", "namnd", "Valnämnden", ()),
    ("ofn", "namnd", "Överförmyndarnämnden", (("ovrigt", "tillsyn"),)),
    ("ksau", "utskott", "Kommunstyrelsens arbetsutskott", ()),
)
REGION_COMMITTEES = (
    ("rf", "fullmaktige", "Regionfullmäktige", ()),
    ("rs", "styrelse", "Regionstyrelsen", (("upphandling", "drift"),)),
    ("hsn", "namnd", "Hälso- och sjukvårdsnämnden", (("halso_sjukvard", "drift"),)),
    ("ktn", "namnd", "Kollektivtrafiknämnden", (("kollektivtrafik", "drift"),)),
    ("kun", "namnd", "Kulturnämnden", (("kultur_fritid", "drift"),)),
    ("rev", "revision", "Revisionen", ()),
)
SHARED_AREAS = (
    ("miljo_halsoskydd", "tillsyn", "Miljönämnden"),
    ("livsmedel", "tillsyn", "Livsmedelsnämnden"),
    ("bygg", "tillsyn", "Byggnämnden"),
    ("ovrigt", "tillsyn", "Överförmyndarnämnden"),
    ("ovrigt", "drift", "Lönenämnden"),
    ("socialtjanst", "drift", "Familjerättsnämnden"),
)
FORBUND_AREAS = (
    ("raddningstjanst", "drift", "Räddningstjänstförbund"),
    ("miljo_halsoskydd", "tillsyn", "Miljöförbund"),
    ("avfall", "drift", "Avfallsförbund"),
    ("va", "drift", "Vattenförbund"),
)
AGREEMENT_AREAS = (
    ("livsmedel", "tillsyn"),
    ("alkohol_tobak", "tillsyn"),
    ("miljo_halsoskydd", "tillsyn"),
    ("va", "drift"),
    ("avfall", "drift"),
    ("upphandling", "drift"),
    ("ovrigt", "drift"),
)
COMPANY_TYPES = (
    ("vatten", "Vatten AB", "va"),
    ("energi", "Energi AB", "energi"),
    ("bostader", "Bostäder AB", "fastighet"),
    ("hamn", "Hamn AB", "ovrigt"),
    ("parkering", "Parkering AB", "gata_park"),
    ("naringsliv", "Näringslivsbolag AB", "ovrigt"),
    ("fastigheter", "Kommunfastigheter AB", "fastighet"),
    ("renhallning", "Renhållning AB", "avfall"),
)
# interest kinds: (kind, weight, target pool)
INTEREST_KINDS = (
    ("medlem", 30, "forening"),
    ("fortroendeuppdrag", 8, "forening"),
    ("agare", 14, "bolag"),
    ("styrelseledamot", 11, "bolag"),
    ("styrelsesuppleant", 5, "bolag"),
    ("firmatecknare", 5, "bolag"),
    ("vd", 2, "bolag"),
    ("anstalld", 10, "any"),
    ("uppdragstagare", 5, "any"),
    ("ombud", 2, "person"),
    ("god_man_forvaltare", 3, "person"),
    ("uppdragstagare", 1, "person"),
    ("styrelseledamot", 4, "forening"),
)
RELATION_KINDS = (
    ("make", 18),
    ("sambo", 9),
    ("registrerad_partner", 1),
    ("forelder", 25),
    ("syskon", 15),
    ("annan_narstaende", 10),
    ("nara_van", 10),
    ("ovan", 3),
    ("foreman", 9),
)
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


def orgnr(kind: str, number: int) -> str:
    base = ORGNR_PREFIX[kind] + f"{number:06d}"
    digits = base + luhn.calc_check_digit(base)
    return f"{digits[:6]}-{digits[6:]}"


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
        self._person_seq = 0
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

    # --- helpers ---------------------------------------------------------------------
    def _orgnr(self, kind: str) -> str | None:
        if kind not in ORGNR_PREFIX:
            return None
        n = self._orgnr_counter.get(kind, 0) + 1
        self._orgnr_counter[kind] = n
        return orgnr(kind, n)

    def _org(self, ref: str, kind: str, name: str, **extra: Any) -> dict[str, Any]:
        doc: dict[str, Any] = {"ref": ref, "kind": kind, "name": name}
        number = self._orgnr(kind)
        if number:
            doc["orgnr"] = number
        doc.update(extra)
        self.organisations.append(doc)
        return doc

    def _place(self, i: int) -> str:
        head = PLACE_HEADS[i % len(PLACE_HEADS)]
        tail = PLACE_TAILS[(i // len(PLACE_HEADS)) % len(PLACE_TAILS)]
        name = head + tail
        return name if i < len(PLACE_HEADS) * len(PLACE_TAILS) else f"{name} {i}"

    def _pnr(self) -> str:
        rng = self.rng
        while True:
            year = rng.randint(1940, 2004)
            month = rng.randint(1, 12)
            day = rng.randint(1, 28)
            if rng.random() < 0.02:
                day += 60  # samordningsnummer
            serial = rng.randint(1, 999)
            base = f"{year % 100:02d}{month:02d}{day:02d}{serial:03d}"
            full = f"{year:04d}{month:02d}{day:02d}-{serial:03d}{luhn.calc_check_digit(base)}"
            if full not in self._pnrs:
                self._pnrs.add(full)
                return full

    def _person(self, pnr_fraction: float = 0.3) -> str:
        self._person_seq += 1
        ref = f"p-{self._person_seq:06d}"
        rng = self.rng
        doc: dict[str, Any] = {"ref": ref, "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}"}
        if rng.random() < pnr_fraction:
            doc["personnummer"] = self._pnr()
        self.persons.append(doc)
        return ref

    def _appoint(self, person: str, body: dict[str, str], role: str, **extra: Any) -> bool:
        ((body_kind, body_ref),) = body.items()
        key = (person, body_kind, body_ref, role, extra.get("valid_from"))
        if key in self._appointment_keys:
            return False
        self._appointment_keys.add(key)
        doc: dict[str, Any] = {"person": person, "body": body, "role": role}
        doc.update(extra)
        self.appointments.append(doc)
        return True

    def _interest(self, person: str, target: tuple[str, str], kind: str, **extra: Any) -> bool:
        key = (person, target[1], kind)
        if key in self._interest_keys or person == target[1]:
            return False
        self._interest_keys.add(key)
        doc: dict[str, Any] = {"person": person, target[0]: target[1], "kind": kind}
        doc.update(extra)
        self.interests.append(doc)
        return True

    def _relate(self, a: str, b: str, kind: str) -> bool:
        if a == b:
            return False
        key = (min(a, b), max(a, b), kind)
        if key in self._relation_keys:
            return False
        self._relation_keys.add(key)
        self.relations.append({"person": a, "related": b, "kind": kind})
        return True

    def _weighted(self, table: tuple[tuple[Any, ...], ...]) -> tuple[Any, ...]:
        total = sum(row[1] for row in table)
        pick = self.rng.random() * total
        for row in table:
            pick -= row[1]
            if pick < 0:
                return row
        return table[-1]

    def _seats(self, kind: str, weight: float) -> tuple[int, int]:
        f = self.scale.seat_factor
        if kind in ("fullmaktige", "forbundsfullmaktige"):
            ledamot = 31 + min(70, int(20 * weight))
        elif kind == "revision" or kind == "utskott":
            ledamot = 5
        else:
            ledamot = self.rng.choice((7, 9, 11, 13))
        ledamot = max(3, int(ledamot * f))
        return ledamot, max(1, ledamot // 2)

    # --- build -------------------------------------------------------------------------
    def build(self) -> None:
        self._bodies()
        self._committees()
        self._shared_bodies()
        self._companies()
        self._private_organisations()
        self._fill_seats()
        self._staff()
        self._operations()
        self._agreements()
        self._interests()
        self._relations()
        self._cases()
        # an interest register or HR export lists each person's facts together; the
        # importer matches keyless rows per person, so this order keeps it linear (an
        # order that spreads every person over every chunk makes each chunk re-read all
        # stored interests of its persons: see BENCHMARKS.md)
        self.interests.sort(key=lambda d: d["person"])
        self.relations.sort(key=lambda d: d["person"])

    def _bodies(self) -> None:
        rng, s = self.rng, self.scale
        for i in range(s.kommuner):
            weight = min(40.0, rng.paretovariate(1.3))
            ref = f"kom-{i + 1:03d}"
            name = f"{self._place(i)} kommun"
            self._org(ref, "kommun", name)
            self.kommuner.append(Body(i, ref, name, "kommun", weight))
        for i in range(s.regioner):
            ref = f"reg-{i + 1:02d}"
            name = f"Region {self._place(i * 7 + 3)}"
            self._org(ref, "region", name)
            self.regioner.append(Body(i, ref, name, "region", 3.0 + rng.random() * 5))
        for i in range(s.myndigheter):
            ref = f"myn-{i + 1:02d}"
            kind = "Länsstyrelsen i" if i < 21 else "Förvaltningsrätten i"
            name = f"{kind} {self._place(i * 3 + 1)}"
            self._org(ref, "myndighet", name)
            self.myndigheter.append(Body(i, ref, name, "myndighet", 2.0))

    def _add_committee(
        self, body: Body, spec: tuple[Any, ...], *, for_: list[str] | None = None
    ) -> str:
        key, kind, name, resps = spec
        ref = f"{body.ref}-{key}"
        doc: dict[str, Any] = {
            "ref": ref,
            "organisation": body.ref,
            "kind": kind,
            "name": f"{name} i {body.name}",
        }
        if resps:
            doc["responsibilities"] = [
                {"area": area, "role": role, **({"for": for_} if for_ else {})}
                for area, role in resps
            ]
        self.committees.append(doc)
        body.committees[key] = ref
        return ref

    def _committees(self) -> None:
        s = self.scale
        # how many committees each kommun gets, so that all kommuner and regioner hold
        # about `namnder` committees together
        target = max(0, s.namnder - len(REGION_COMMITTEES) * s.regioner)
        plans: list[list[tuple[Any, ...]]] = []
        for body in self.kommuner:
            variant_b = body.index % 4 == 2  # samhällsbyggnadsnämnd: drift and tillsyn in one
            plans.append([KF, KS, REV] + ([SBN] if variant_b else [TN, MBN]))
        total = sum(len(p) for p in plans)
        order = sorted(range(len(plans)), key=lambda i: -self.kommuner[i].weight)
        extra_index = [0] * len(plans)
        progressed = True
        while total < target and progressed:
            progressed = False
            for i in order:
                if total >= target:
                    break
                if extra_index[i] < len(OPTIONAL_NAMNDER):
                    plans[i].append(OPTIONAL_NAMNDER[extra_index[i]])
                    extra_index[i] += 1
                    total += 1
                    progressed = True
        for body, plan in zip(self.kommuner, plans, strict=True):
            for spec in plan:
                self._add_committee(body, spec)
            # administrations: one per nämnd with responsibilities; sometimes one shared
            # förvaltning serves both the operating and the supervising nämnd
            shared = "tn" in body.committees and body.index % 3 == 0
            if shared:
                aref = f"{body.ref}-sbf"
                self.administrations.append(
                    {
                        "ref": aref,
                        "organisation": body.ref,
                        "name": f"Samhällsbyggnadsförvaltningen i {body.name}",
                        "serves": [body.committees["tn"], body.committees["mbn"]],
                    }
                )
                body.admins["tn"] = body.admins["mbn"] = aref
                body.shared_admin = aref
            for spec in plan:
                key = spec[0]
                if key in body.admins or key in ("kf", "rev", "ksau", "vn"):
                    continue
                aref = f"{body.ref}-f-{key}"
                serves = [body.committees[key]]
                if key == "ks":
                    serves += [body.committees[k] for k in ("vn", "ksau") if k in body.committees]
                self.administrations.append(
                    {
                        "ref": aref,
                        "organisation": body.ref,
                        "name": f"Förvaltningen för {spec[2].lower()} i {body.name}",
                        "serves": serves,
                    }
                )
                body.admins[key] = aref
        for body in self.regioner:
            for spec in REGION_COMMITTEES:
                self._add_committee(body, spec)
            for key in ("rs", "hsn", "ktn", "kun"):
                aref = f"{body.ref}-f-{key}"
                self.administrations.append(
                    {
                        "ref": aref,
                        "organisation": body.ref,
                        "name": f"Förvaltning {key} {body.name}",
                        "serves": [body.committees[key]],
                    }
                )
                body.admins[key] = aref
        for body in self.myndigheter:
            self._add_committee(body, ("beslut", "namnd", "Beslutsorganet", ()))
            aref = f"{body.ref}-kansli"
            self.administrations.append(
                {
                    "ref": aref,
                    "organisation": body.ref,
                    "name": f"Kansliet, {body.name}",
                    "serves": [body.committees["beslut"]],
                }
            )
            body.admins["beslut"] = aref

    def _neighbours(self, i: int, count: int) -> list[Body]:
        n = len(self.kommuner)
        picks: list[Body] = []
        step = 1
        while len(picks) < min(count, n - 1):
            j = (i + step) % n
            if j != i and self.kommuner[j] not in picks:
                picks.append(self.kommuner[j])
            step += 1
        return picks

    def _shared_bodies(self) -> None:
        rng, s = self.rng, self.scale
        n = len(self.kommuner)
        for g in range(s.gemensamma):
            host = self.kommuner[(g * 7) % n]
            partners = self._neighbours(host.index, rng.randint(1, 3))
            area, role, label = SHARED_AREAS[g % len(SHARED_AREAS)]
            participants = [host.ref] + [p.ref for p in partners]
            ref = f"{host.ref}-gn-{g + 1:03d}"
            self.committees.append(
                {
                    "ref": ref,
                    "organisation": host.ref,
                    "kind": "gemensam_namnd",
                    "name": f"{label} {'-'.join(b.name.split()[0] for b in [host, *partners])}",
                    "participants": participants,
                    "responsibilities": [{"area": area, "role": role, "for": participants}],
                }
            )
            aref = f"{ref}-forv"
            self.administrations.append(
                {
                    "ref": aref,
                    "organisation": host.ref,
                    "name": f"Förvaltningen för {label.lower()}",
                    "serves": [ref],
                }
            )
            self.gemensamma.append((ref, host, partners, area, aref))
        for f in range(s.forbund):
            first = self.kommuner[(f * 3) % n]
            members = [first, *self._neighbours(first.index, rng.randint(1, 5))]
            area, role, label = FORBUND_AREAS[f % len(FORBUND_AREAS)]
            ref = f"kf-{f + 1:03d}"
            name = f"{first.name.split()[0]} {label.lower()}"
            self._org(ref, "kommunalforbund", name, members=[m.ref for m in members])
            body = Body(1000 + f, ref, name, "kommunalforbund", 1.0)
            member_refs = [m.ref for m in members]
            self._add_committee(
                body, ("dir", "direktion", "Direktionen", ((area, role),)), for_=member_refs
            )
            if rng.random() < 0.3:
                self._add_committee(body, ("ff", "forbundsfullmaktige", "Förbundsfullmäktige", ()))
            aref = f"{ref}-kansli"
            self.administrations.append(
                {
                    "ref": aref,
                    "organisation": ref,
                    "name": f"Förbundskontoret, {name}",
                    "serves": [body.committees["dir"]],
                }
            )
            body.admins["dir"] = aref
            self.forbund.append((body, members, area))

    def _companies(self) -> None:
        rng, s = self.rng, self.scale
        owners = self.kommuner + self.regioner
        per_owner = max(1, s.companies // max(1, len(owners)))
        count = 0
        for body in owners:
            if count >= s.companies:
                break
            place = body.name.split()[0] if body.kind == "kommun" else body.name.split()[1]
            holding = f"bol-{body.ref}-stadshus"
            self._org(
                holding,
                "aktiebolag",
                f"{place} Stadshus AB",
                owners=[{"organisation": body.ref, "share_percent": 100}],
            )
            body.companies.append(holding)
            count += 1
            for t in range(min(per_owner - 1, len(COMPANY_TYPES))):
                if count >= s.companies:
                    break
                key, label, _ = COMPANY_TYPES[t]
                ref = f"bol-{body.ref}-{key}"
                owner = [{"organisation": holding, "share_percent": 100}]
                self._org(ref, "aktiebolag", f"{place} {label}", owners=owner)
                body.companies.append(ref)
                count += 1
        j = 0
        while count < s.companies:  # jointly owned companies
            first = self.kommuner[j % len(self.kommuner)]
            partners = self._neighbours(first.index, rng.randint(1, 3))
            share = round(100 / (1 + len(partners)), 2)
            ref = f"bol-samagt-{j + 1:04d}"
            self._org(
                ref,
                "aktiebolag",
                f"{first.name.split()[0]} Regionala bolag {j + 1} AB",
                owners=[
                    {"organisation": b.ref, "share_percent": share} for b in [first, *partners]
                ],
            )
            first.companies.append(ref)
            count += 1
            j += 1

    def _private_organisations(self) -> None:
        rng, s = self.rng, self.scale
        remaining = s.organisations - len(self.organisations)
        for i in range(max(0, remaining)):
            kind = self._weighted(PRIVATE_KINDS)[0]
            home = rng.randrange(len(self.kommuner))
            place = self._place(home)
            ref = f"org-{i + 1:06d}"
            if kind in ("ideell_forening", "ekonomisk_forening"):
                name = f"{place} {rng.choice(FORENING_WORDS)} {i + 1}"
            elif kind == "stiftelse":
                name = f"Stiftelsen {place} {rng.choice(COMPANY_WORDS).lower()}fond {i + 1}"
            elif kind == "enskild_firma":
                name = f"{rng.choice(LAST)}s {rng.choice(COMPANY_WORDS).lower()} {i + 1}"
            else:
                suffix = {"aktiebolag": "AB", "handelsbolag": "HB"}.get(kind, "")
                word = rng.choice(COMPANY_WORDS)
                name = f"{place} {word}{' ' + suffix if suffix else ''} {i + 1}"
            extra: dict[str, Any] = {}
            if kind == "stiftelse" and rng.random() < 0.2:
                extra["owners"] = [{"organisation": self.kommuner[home].ref, "share_percent": 50}]
            self._org(ref, kind, name, **extra)
            self.private_by_kommun.setdefault(home, []).append(ref)
            self.any_private.append(ref)
            if kind in ("ideell_forening", "ekonomisk_forening", "stiftelse"):
                self.foreningar.append(ref)
            else:
                self.bolag.append(ref)
        self.popular = self.foreningar[: max(1, len(self.foreningar) // 50)]

    def _fill_seats(self) -> None:
        """Create the förtroendevalda and give them their seats (about 1.8 each)."""
        rng, s = self.rng, self.scale
        bodies = self.kommuner + self.regioner
        kinds = {c["ref"]: c["kind"] for c in self.committees}
        seat_plan: dict[str, list[tuple[str, str, int, int]]] = {}
        demand: list[int] = []
        for body in bodies:
            plan = []
            for key, cref in body.committees.items():
                plan.append((key, cref) + self._seats(kinds[cref], body.weight))
            for cref in body.companies:
                plan.append(("board", cref, 5, 0))
            seat_plan[body.ref] = plan
            demand.append(sum(p[2] + p[3] for p in plan))
        total = sum(demand) or 1
        for body, seats in zip(bodies, demand, strict=True):
            biggest = max((p[2] + p[3] for p in seat_plan[body.ref]), default=1)
            size = max(biggest, round(s.fortroendevalda * seats / total))
            body.pool = [self._person(0.4) for _ in range(size)]
        # top up or trim the last pools to the exact target
        while self._person_seq < s.fortroendevalda:
            body = bodies[self._person_seq % len(bodies)]
            body.pool.append(self._person(0.4))
        for body in bodies:
            pool = body.pool[:]
            rng.shuffle(pool)
            cursor = 0
            for key, cref, ledamot, ersattare in seat_plan[body.ref]:
                members: list[str] = []
                for seat in range(ledamot + ersattare):
                    person = pool[cursor % len(pool)]
                    cursor += 1
                    members.append(person)
                    if key == "board":
                        role = "ordforande" if seat == 0 else "styrelseledamot"
                        self._appoint(
                            person,
                            {"organisation": cref},
                            role,
                            valid_from=MANDATE_FROM,
                            valid_to=MANDATE_TO,
                        )
                        continue
                    role = (
                        "ordforande"
                        if seat == 0
                        else "vice_ordforande"
                        if seat == 1
                        else "ledamot"
                        if seat < ledamot
                        else "ersattare"
                    )
                    self._appoint(
                        person,
                        {"committee": cref},
                        role,
                        valid_from=MANDATE_FROM,
                        valid_to=MANDATE_TO,
                    )
                body.members[cref] = members
        # gemensamma nämnder and förbund bodies: members appointed by each participant
        for ref, host, partners, _area, _aref in self.gemensamma:
            members = []
            for b in [host, *partners]:
                for person in rng.sample(b.pool, min(len(b.pool), 3 if b is host else 2)):
                    self._appoint(
                        person,
                        {"committee": ref},
                        "ledamot",
                        appointed_by=b.ref,
                        valid_from=MANDATE_FROM,
                        valid_to=MANDATE_TO,
                    )
                    members.append(person)
            host.members[ref] = members
        for body, members_orgs, _area in self.forbund:
            for key, cref in body.committees.items():
                members = []
                for b in members_orgs:
                    for person in rng.sample(b.pool, min(len(b.pool), 2 if key == "dir" else 4)):
                        self._appoint(
                            person,
                            {"committee": cref},
                            "ledamot",
                            appointed_by=b.ref,
                            valid_from=MANDATE_FROM,
                            valid_to=MANDATE_TO,
                        )
                        members.append(person)
                body.members[cref] = members

    def _staff(self) -> None:
        rng, s = self.rng, self.scale
        units: list[tuple[Body, str, str, float]] = []  # body, admin ref, admin key, weight
        big = {"bun": 8.0, "sn": 6.0, "aon": 6.0, "hsn": 20.0, "gn": 3.0}
        for body in self.kommuner + self.regioner:
            for key, aref in body.admins.items():
                if aref == body.shared_admin and key == "mbn":
                    continue
                units.append((body, aref, key, body.weight * big.get(key, 1.5)))
        for body in self.myndigheter:
            units.append((body, body.admins["beslut"], "beslut", 6.0))
        for body, _m, _a in self.forbund:
            units.append((body, body.admins["dir"], "dir", 1.5))
        company_staff = s.employees // 10
        admin_staff = s.employees - company_staff
        total_w = sum(u[3] for u in units)
        counts = [max(2, int(admin_staff * u[3] / total_w)) for u in units]
        i = 0
        while sum(counts) < admin_staff:
            counts[i % len(counts)] += 1
            i += 1
        while sum(counts) > admin_staff:
            j = max(range(len(counts)), key=counts.__getitem__)
            counts[j] -= 1
        for (body, aref, key, _w), n in zip(units, counts, strict=True):
            staff: list[str] = []
            tillsyn = key in ("mbn", "tsn", "ofn") or (key == "sbn")
            for k in range(n):
                person = self._person(0.25)
                self.employees.append(person)
                staff.append(person)
                role = (
                    "forvaltningschef"
                    if k == 0
                    else "chef"
                    if k < 1 + n // 15
                    else "inspektor"
                    if tillsyn and rng.random() < 0.5
                    else rng.choice(("handlaggare", "handlaggare", "anstalld"))
                )
                extra: dict[str, Any] = {
                    "valid_from": f"{rng.randint(2005, 2024)}-{rng.randint(1, 12):02d}-01"
                }
                if aref == body.shared_admin and role not in ("forvaltningschef",):
                    if rng.random() < 0.5:
                        extra["works_with"] = [{"area": "va", "role": "drift"}]
                    else:
                        extra["works_with"] = [{"area": "miljo_halsoskydd", "role": "tillsyn"}]
                self._appoint(person, {"administration": aref}, role, **extra)
                chefs = 1 + n // 15
                if 0 < k < chefs:
                    self.manager_of[person] = staff[0]
                elif k >= chefs:
                    self.manager_of[person] = staff[1 + k % (chefs - 1)] if chefs > 1 else staff[0]
            body.staff[aref] = staff
        # company staff: a vd and employees per municipal company
        companies = [c for b in self.kommuner + self.regioner for c in b.companies]
        for k in range(company_staff):
            company = companies[k % len(companies)]
            person = self._person(0.25)
            self.employees.append(person)
            role = "vd" if k < len(companies) else "anstalld"
            self._appoint(
                person,
                {"organisation": company},
                role,
                valid_from=f"{rng.randint(2005, 2024)}-01-01",
            )

    def _operations(self) -> None:
        rng, s = self.rng, self.scale
        seq = 0

        def op(name: str, area: str, operator: dict[str, str], municipality: str) -> str:
            nonlocal seq
            seq += 1
            ref = f"op-{seq:06d}"
            self.operations.append(
                {
                    "ref": ref,
                    "name": name,
                    "area": area,
                    "operator": operator,
                    "municipality": municipality,
                }
            )
            return ref

        for body in self.kommuner:
            place = body.name.split()[0]
            drift = "sbn" if "sbn" in body.committees else "tn"
            c = body.committees
            body.operations["reningsverk"] = (
                op(f"{place} reningsverk", "va", {"committee": c[drift]}, body.ref),
                drift,
            )
            body.operations["avfall"] = (
                op(f"{place} återvinningscentral", "avfall", {"committee": c[drift]}, body.ref),
                drift,
            )
            vatten = f"bol-{body.ref}-vatten"
            if vatten in body.companies:
                body.operations["vattenverk"] = (
                    op(f"{place} vattenverk", "va", {"organisation": vatten}, body.ref),
                    "",
                )
            school = "bun" if "bun" in c else "ks"
            for n in range(1 + int(body.weight)):
                body.operations[f"skolkok-{n}"] = (
                    op(f"{place} skolkök {n + 1}", "livsmedel", {"committee": c[school]}, body.ref),
                    school,
                )
        for body in self.regioner:
            op(
                f"{body.name} sjukhus",
                "halso_sjukvard",
                {"committee": body.committees["hsn"]},
                body.ref,
            )
        for body, members, area in self.forbund:
            for m in members[:2]:
                op(
                    f"{body.name} anläggning {m.name.split()[0]}",
                    area,
                    {"organisation": body.ref},
                    m.ref,
                )
        for i in range(s.private_operations):
            home = rng.randrange(len(self.kommuner))
            orgs = self.private_by_kommun.get(home) or self.bolag
            owner = rng.choice(orgs)
            kind = rng.choice(
                (
                    ("Restaurang", "livsmedel"),
                    ("Tvätteri", "miljo_halsoskydd"),
                    ("Verkstad", "miljo_halsoskydd"),
                    ("Butik", "alkohol_tobak"),
                    ("Bygge", "bygg"),
                )
            )
            op(
                f"{kind[0]} {i + 1} i {self.kommuner[home].name.split()[0]}",
                kind[1],
                {"organisation": owner},
                self.kommuner[home].ref,
            )

    def _agreements(self) -> None:
        rng, s = self.rng, self.scale
        for a in range(s.agreements):
            performer = self.kommuner[(a * 11) % len(self.kommuner)]
            principals = self._neighbours(performer.index, rng.randint(1, 2))
            area, role = AGREEMENT_AREAS[a % len(AGREEMENT_AREAS)]
            doc: dict[str, Any] = {
                "ref": f"avtal-{a + 1:05d}",
                "performer": performer.ref,
                "principals": [p.ref for p in principals],
                "area": area,
                "role": role,
                "valid_from": f"{rng.randint(2012, 2025)}-01-01",
            }
            if rng.random() < 0.1:
                doc["valid_to"] = "2025-12-31"
            self.agreements.append(doc)

    def _interests(self) -> None:
        rng, s = self.rng, self.scale
        persons = [p["ref"] for p in self.persons]
        n = len(persons)
        for i in range(s.interests):
            person = (
                persons[(i * 7919 + rng.randrange(n)) % n] if rng.random() < 0.3 else persons[i % n]
            )
            kind, _w, pool = self._weighted(INTEREST_KINDS)
            if pool == "person":
                target = ("on_behalf_of", rng.choice(persons))
            elif pool == "forening":
                ref = (
                    rng.choice(self.popular) if rng.random() < 0.3 else rng.choice(self.foreningar)
                )
                target = ("organisation", ref)
            elif pool == "bolag":
                target = ("organisation", rng.choice(self.bolag))
            else:
                target = ("organisation", rng.choice(self.any_private))
            extra: dict[str, Any] = {}
            if kind == "agare":
                extra["share_percent"] = rng.choice((1, 2, 5, 10, 25, 33.3, 50, 100))
            r = rng.random()
            if r < 0.6:
                extra["valid_from"] = f"{rng.randint(2000, 2025)}-{rng.randint(1, 12):02d}-01"
            if r < 0.08:
                extra["valid_to"] = f"{rng.randint(2018, 2024)}-12-31"
                if extra["valid_to"] < extra["valid_from"]:
                    extra["valid_from"] = "2015-01-01"
            self._interest(person, target, kind, **extra)
        # top up to the exact count (duplicates were skipped)
        i = 0
        while len(self.interests) < s.interests:
            person = persons[rng.randrange(n)]
            self._interest(person, ("organisation", rng.choice(self.any_private)), "medlem")
            i += 1

    def _relations(self) -> None:
        rng, s = self.rng, self.scale
        persons = [p["ref"] for p in self.persons]
        n = len(persons)
        window = max(10, min(2000, n // 20))
        while len(self.relations) < s.relations:
            kind = self._weighted(RELATION_KINDS)[0]
            a_index = rng.randrange(n)
            a = persons[a_index]
            if kind == "foreman":
                if a not in self.manager_of:
                    continue
                self._relate(self.manager_of[a], a, kind)
                continue
            b = persons[(a_index + rng.randint(1, window)) % n]  # families live close by
            self._relate(a, b, kind)

    # --- cases -----------------------------------------------------------------------
    def _ledamoter(self, body: Body, key: str) -> list[str]:
        return body.members.get(body.committees[key], [])

    def _participants(self, people: list[str], role: str = "ledamot") -> list[dict[str, str]]:
        seen: list[str] = []
        for p in people:
            if p not in seen:
                seen.append(p)
        return [{"person": p, "role": role} for p in seen]

    def _case(self, scenario: str, case: dict[str, Any], expect: str | None = None) -> None:
        line: dict[str, Any] = {"scenario": scenario, "case": case}
        if expect:
            line["expect"] = expect
        self.cases.append(line)

    def _cases(self) -> None:
        rng, s = self.rng, self.scale
        kommuner = self.kommuner
        n_case = 0

        def next_ref(body: Body, key: str) -> str:
            nonlocal n_case
            n_case += 1
            return f"{body.ref.upper()} {key.upper()} 2026/{n_case}"

        def staff_of(body: Body, key: str, count: int) -> list[dict[str, str]]:
            aref = body.admins.get(key)
            people = body.staff.get(aref or "", [])[1:]
            picks = rng.sample(people, min(count, len(people)))
            return [{"person": p, "role": "handlaggare"} for p in picks]

        def base(
            body: Body,
            key: str,
            matter: str,
            area: str,
            title: str,
            parties: list[dict[str, Any]],
            extra_people: list[str] = (),
        ) -> dict[str, Any]:
            members = self._ledamoter(body, key)[:15]
            participants = self._participants([*members, *extra_people])
            return {
                "ref": next_ref(body, key),
                "committee": body.committees[key],
                "area": area,
                "matter": matter,
                "title": title,
                "decision_date": AS_OF,
                "parties": parties,
                "participants": participants + staff_of(body, key, 2),
            }

        with_tn = [k for k in kommuner if "tn" in k.committees] or kommuner
        with_sbn = [k for k in kommuner if "sbn" in k.committees]
        shared = [k for k in kommuner if k.shared_admin]
        supervising = lambda k: "mbn" if "mbn" in k.committees else "sbn"  # noqa: E731
        for i in range(s.per_scenario):
            k = kommuner[(i * 5 + 1) % len(kommuner)]
            sup = supervising(k)
            members = self._ledamoter(k, sup)
            # part: a ledamot applies for a bygglov in their own nämnd
            p = members[2 % len(members)]
            self._case(
                "part",
                base(
                    k,
                    sup,
                    "myndighetsutovning",
                    "bygg",
                    "Ansökan om bygglov",
                    [{"person": p, "role": "sokande"}],
                ),
                p,
            )
            # paverkan: a ledamot owns half of the applicant company
            p = members[3 % len(members)]
            company = rng.choice(self.bolag)
            self._interest(p, ("organisation", company), "agare", share_percent=50)
            self._case(
                "paverkan",
                base(
                    k,
                    sup,
                    "myndighetsutovning",
                    "bygg",
                    "Bygglov för industrilokal",
                    [{"organisation": company, "role": "sokande"}],
                ),
                p,
            )
            # stallforetradare: a ledamot's spouse sits on the applicant's board
            p = members[4 % len(members)]
            spouse = rng.choice(self.employees)
            self._relate(p, spouse, "make")
            company = rng.choice(self.bolag)
            self._interest(spouse, ("organisation", company), "styrelseledamot")
            self._case(
                "stallforetradare",
                base(
                    k,
                    sup,
                    "myndighetsutovning",
                    "bygg",
                    "Strandskyddsdispens",
                    [{"organisation": company, "role": "sokande"}],
                ),
                p,
            )
            # generalklausul: close friendship with the applicant
            p = members[5 % len(members)]
            friend = rng.choice(self.employees)
            self._relate(p, friend, "nara_van")
            self._case(
                "generalklausul",
                base(
                    k,
                    sup,
                    "myndighetsutovning",
                    "bygg",
                    "Förhandsbesked",
                    [{"person": friend, "role": "sokande"}],
                ),
                p,
            )
            # tillsynsjav + dubbla_roller: a mbn ledamot also sits in the tekniska nämnden
            kt = with_tn[i % len(with_tn)]
            mbn_members = self._ledamoter(kt, "mbn")
            p = mbn_members[1 % len(mbn_members)]
            self._appoint(
                p,
                {"committee": kt.committees["tn"]},
                "ledamot",
                valid_from=MANDATE_FROM,
                valid_to=MANDATE_TO,
            )
            op_ref = kt.operations["reningsverk"][0]
            for scenario in ("tillsynsjav", "dubbla_roller"):
                self._case(
                    scenario,
                    base(
                        kt,
                        "mbn",
                        "tillsyn",
                        "va",
                        "Tillsyn av reningsverket",
                        [{"operation": op_ref, "role": "tillsynsobjekt"}],
                    ),
                    p,
                )
            # tvainstans: a former ledamot of a kommun's nämnd now decides at a myndighet
            if self.myndigheter:
                m = self.myndigheter[i % len(self.myndigheter)]
                p = self._person(1.0)
                self.employees.append(p)
                self._appoint(
                    p,
                    {"administration": m.admins["beslut"]},
                    "handlaggare",
                    valid_from="2024-01-01",
                )
                self._appoint(
                    p,
                    {"committee": k.committees[sup]},
                    "ledamot",
                    valid_from=EARLIER_FROM,
                    valid_to=EARLIER_TO,
                )
                self._case(
                    "tvainstans",
                    {
                        "ref": f"{m.ref.upper()} 505-{i + 1}-2026",
                        "committee": m.committees["beslut"],
                        "area": "bygg",
                        "matter": "overprovning",
                        "title": f"Överklagat beslut från {k.name}",
                        "decision_date": AS_OF,
                        "parties": [
                            {"organisation": k.ref, "role": "motpart"},
                            {"name": f"{rng.choice(FIRST)} {rng.choice(LAST)}", "role": "klagande"},
                        ],
                        "earlier_handling": [
                            {
                                "person": p,
                                "organisation": k.ref,
                                "committee": k.committees[sup],
                                "final": True,
                            }
                        ],
                        "participants": [{"person": p, "role": "beslutsfattare"}]
                        + [
                            {"person": q, "role": "handlaggare"}
                            for q in m.staff.get(m.admins["beslut"], [])[1:3]
                        ],
                    },
                    p,
                )
            # fullmaktige: a detaljplan that concerns a member's own property
            kf_members = self._ledamoter(k, "kf")
            p = kf_members[6 % len(kf_members)]
            self._case(
                "fullmaktige",
                base(
                    k,
                    "kf",
                    "normgivning",
                    "bygg",
                    "Detaljplan för kvarteret Eken",
                    [{"person": p, "role": "berord"}],
                ),
                p,
            )
            # ansvarsfrihet: fullmäktige grants discharge to a nämnd a member sits in
            drift = "sbn" if "sbn" in k.committees else "tn"
            p = kf_members[7 % len(kf_members)]
            self._appoint(
                p,
                {"committee": k.committees[drift]},
                "ledamot",
                valid_from=MANDATE_FROM,
                valid_to=MANDATE_TO,
            )
            self._case(
                "ansvarsfrihet",
                base(
                    k,
                    "kf",
                    "ansvarsfrihet",
                    "ovrigt",
                    "Ansvarsfrihet för år 2025",
                    [{"committee": k.committees[drift], "role": "part"}],
                ),
                p,
            )
            # egen_tillsyn: the samhällsbyggnadsnämnd supervises its own reningsverk
            kb = with_sbn[i % len(with_sbn)] if with_sbn else None
            if kb is not None:
                self._case(
                    "egen_tillsyn",
                    base(
                        kb,
                        "sbn",
                        "tillsyn",
                        "va",
                        "Tillsyn av reningsverket",
                        [{"operation": kb.operations["reningsverk"][0], "role": "tillsynsobjekt"}],
                    ),
                )
            # delad_forvaltning: one förvaltning serves mbn and tn
            if shared:
                kd = shared[i % len(shared)]
                self._case(
                    "delad_forvaltning",
                    base(
                        kd,
                        "mbn",
                        "tillsyn",
                        "avfall",
                        "Tillsyn av återvinningscentralen",
                        [{"operation": kd.operations["avfall"][0], "role": "tillsynsobjekt"}],
                    ),
                )
            # samverkan_egen_drift: a gemensam miljönämnd supervises the host's reningsverk
            env = [g for g in self.gemensamma if g[3] == "miljo_halsoskydd"]
            if env:
                ref, host, _partners, _area, aref = env[i % len(env)]
                self._case(
                    "samverkan_egen_drift",
                    {
                        "ref": f"{host.ref.upper()} GN 2026/{900 + i}",
                        "committee": ref,
                        "area": "va",
                        "matter": "tillsyn",
                        "title": "Tillsyn av värdkommunens reningsverk",
                        "decision_date": AS_OF,
                        "parties": [
                            {
                                "operation": host.operations["reningsverk"][0],
                                "role": "tillsynsobjekt",
                            }
                        ],
                        "participants": self._participants(host.members.get(ref, [])),
                    },
                )
        # routine cases: the bulk of the load
        while len(self.cases) < s.cases:
            k = kommuner[rng.randrange(len(kommuner))]
            keys = [key for key in k.committees if key not in ("rev", "ksau", "vn")]
            key = rng.choice(keys)
            matter, area, title = ROUTINE_MATTERS[rng.randrange(len(ROUTINE_MATTERS))]
            private = self.private_by_kommun.get(k.index) or self.bolag
            parties: list[dict[str, Any]] = [
                {"organisation": rng.choice(private), "role": "sokande"}
            ]
            r = rng.random()
            if r < 0.3:
                parties.append(
                    {"name": f"{rng.choice(FIRST)} {rng.choice(LAST)}", "role": "berord"}
                )
            elif r < 0.4:
                with_pnr = [p for p in self.persons[-50:] if "personnummer" in p]
                if with_pnr:
                    who = rng.choice(with_pnr)
                    parties.append(
                        {"name": who["name"], "personnummer": who["personnummer"], "role": "berord"}
                    )
            case = base(k, key, matter, area, f"{title} ({len(self.cases) + 1})", parties)
            if rng.random() < 0.2:
                del case["participants"]  # screen the whole committee and its staff
            self._case("routine", case)

    # --- output ------------------------------------------------------------------------
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
        for section in (
            "organisations",
            "committees",
            "administrations",
            "operations",
            "agreements",
            "persons",
            "appointments",
            "interests",
            "relations",
        ):
            items: list[dict[str, Any]] = getattr(self, section)
            for start in range(0, len(items), size):
                yield section, {section: items[start : start + size]}


def generate(seed: int, scale: str | Scale) -> Generator:
    spec = SCALES[scale] if isinstance(scale, str) else scale
    gen = Generator(seed, spec)
    gen.build()
    return gen


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def write(gen: Generator, out: TextIO, chunk_size: int | None = None) -> dict[str, Any]:
    documents = list(gen.documents(chunk_size))
    manifest = {
        "format": FORMAT,
        "seed": gen.seed,
        "scale": gen.scale.name,
        "scale_parameters": asdict(gen.scale),
        "as_of": AS_OF,
        "counts": gen.counts(),
        "documents": len(documents),
        "cases": len(gen.cases),
    }
    out.write(_dump(manifest) + "\n")
    for index, (section, document) in enumerate(documents):
        out.write(
            _dump({"kind": "import", "index": index, "section": section, "document": document})
            + "\n"
        )
    for index, line in enumerate(gen.cases):
        out.write(_dump({"kind": "case", "index": index, **line}) + "\n")
    return manifest


def write_file(seed: int, scale: str, path: Path, chunk_size: int | None = None) -> dict[str, Any]:
    gen = generate(seed, scale)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    if path.name.endswith(".gz"):
        with (
            open(tmp, "wb") as raw,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as gz,
            io.TextIOWrapper(gz, encoding="utf-8", newline="\n") as out,
        ):
            manifest = write(gen, out, chunk_size)
    else:
        with open(tmp, "w", encoding="utf-8", newline="\n") as out:
            manifest = write(gen, out, chunk_size)
    tmp.replace(path)
    return manifest


@dataclass
class Dataset:
    manifest: dict[str, Any]
    documents: list[dict[str, Any]]  # import documents in order
    cases: list[dict[str, Any]]  # lines: {"scenario", "case", "expect"?}


def _open(path: Path) -> TextIO:
    if path.name.endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8")
    return open(path, encoding="utf-8")


def iter_lines(path: Path) -> Iterator[dict[str, Any]]:
    with _open(path) as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def read_raw_documents(path: Path) -> Iterator[tuple[dict[str, Any], str]]:
    """Yield (line header without the document, document JSON text) for import lines,
    without re-serialising: the load harness posts the text as it is."""
    with _open(path) as handle:
        for line in handle:
            if not line.startswith('{"kind":"import"'):
                continue
            cut = line.index(',"document":')
            text = line[cut + len(',"document":') :].rstrip()[:-1]
            head = json.loads(line[:cut] + "}")
            yield head, text


def load(path: Path) -> Dataset:
    manifest: dict[str, Any] = {}
    documents: list[dict[str, Any]] = []
    cases: list[dict[str, Any]] = []
    for obj in iter_lines(path):
        if "format" in obj:
            manifest = obj
        elif obj.get("kind") == "import":
            documents.append(obj["document"])
        elif obj.get("kind") == "case":
            cases.append(obj)
    return Dataset(manifest, documents, cases)
