"""Organisations: kommuner, regioner and myndigheter, the municipal companies, and the
private companies, föreningar and stiftelser that interests point at."""

from __future__ import annotations

from typing import Any

from bench.generator.names import COMPANY_WORDS, FORENING_WORDS, LAST, place
from bench.generator.state import Body, Generator

PRIVATE_KINDS = (
    ("aktiebolag", 45),
    ("handelsbolag", 6),
    ("ekonomisk_forening", 6),
    ("ideell_forening", 25),
    ("stiftelse", 5),
    ("enskild_firma", 12),
    ("annan", 1),
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


def add_bodies(gen: Generator) -> None:
    """Kommuner (weights are Pareto: a few big cities, many small kommuner), regioner,
    myndigheter."""
    rng, s = gen.rng, gen.scale
    for i in range(s.kommuner):
        weight = min(40.0, rng.paretovariate(1.3))
        ref = f"kom-{i + 1:03d}"
        name = f"{place(i)} kommun"
        gen.add_org(ref, "kommun", name)
        gen.kommuner.append(Body(i, ref, name, "kommun", weight))
    for i in range(s.regioner):
        ref = f"reg-{i + 1:02d}"
        name = f"Region {place(i * 7 + 3)}"
        gen.add_org(ref, "region", name)
        gen.regioner.append(Body(i, ref, name, "region", 3.0 + rng.random() * 5))
    for i in range(s.myndigheter):
        ref = f"myn-{i + 1:02d}"
        kind = "Länsstyrelsen i" if i < 21 else "Förvaltningsrätten i"
        name = f"{kind} {place(i * 3 + 1)}"
        gen.add_org(ref, "myndighet", name)
        gen.myndigheter.append(Body(i, ref, name, "myndighet", 2.0))


def add_companies(gen: Generator) -> None:
    """Municipal companies: a stadshus AB per owner with its subsidiaries, then jointly
    owned companies up to the scale's count."""
    rng, s = gen.rng, gen.scale
    owners = gen.kommuner + gen.regioner
    per_owner = max(1, s.companies // max(1, len(owners)))
    count = 0
    for body in owners:
        if count >= s.companies:
            break
        town = body.name.split()[0] if body.kind == "kommun" else body.name.split()[1]
        holding = f"bol-{body.ref}-stadshus"
        gen.add_org(
            holding,
            "aktiebolag",
            f"{town} Stadshus AB",
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
            gen.add_org(ref, "aktiebolag", f"{town} {label}", owners=owner)
            body.companies.append(ref)
            count += 1
    j = 0
    while count < s.companies:  # jointly owned companies
        first = gen.kommuner[j % len(gen.kommuner)]
        partners = gen.neighbours(first.index, rng.randint(1, 3))
        share = round(100 / (1 + len(partners)), 2)
        ref = f"bol-samagt-{j + 1:04d}"
        gen.add_org(
            ref,
            "aktiebolag",
            f"{first.name.split()[0]} Regionala bolag {j + 1} AB",
            owners=[{"organisation": b.ref, "share_percent": share} for b in [first, *partners]],
        )
        first.companies.append(ref)
        count += 1
        j += 1


def add_private_organisations(gen: Generator) -> None:
    """Private organisations up to the scale's organisation count, each in a home kommun."""
    rng, s = gen.rng, gen.scale
    remaining = s.organisations - len(gen.organisations)
    for i in range(max(0, remaining)):
        kind = gen.weighted(PRIVATE_KINDS)[0]
        home = rng.randrange(len(gen.kommuner))
        town = place(home)
        ref = f"org-{i + 1:06d}"
        if kind in ("ideell_forening", "ekonomisk_forening"):
            name = f"{town} {rng.choice(FORENING_WORDS)} {i + 1}"
        elif kind == "stiftelse":
            name = f"Stiftelsen {town} {rng.choice(COMPANY_WORDS).lower()}fond {i + 1}"
        elif kind == "enskild_firma":
            name = f"{rng.choice(LAST)}s {rng.choice(COMPANY_WORDS).lower()} {i + 1}"
        else:
            suffix = {"aktiebolag": "AB", "handelsbolag": "HB"}.get(kind, "")
            word = rng.choice(COMPANY_WORDS)
            name = f"{town} {word}{' ' + suffix if suffix else ''} {i + 1}"
        extra: dict[str, Any] = {}
        if kind == "stiftelse" and rng.random() < 0.2:
            extra["owners"] = [{"organisation": gen.kommuner[home].ref, "share_percent": 50}]
        gen.add_org(ref, kind, name, **extra)
        gen.private_by_kommun.setdefault(home, []).append(ref)
        gen.any_private.append(ref)
        if kind in ("ideell_forening", "ekonomisk_forening", "stiftelse"):
            gen.foreningar.append(ref)
        else:
            gen.bolag.append(ref)
    gen.popular = gen.foreningar[: max(1, len(gen.foreningar) // 50)]
