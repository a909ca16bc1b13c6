"""Operations (verksamheter: reningsverk, återvinningscentraler, skolkök, sjukhus, förbund
facilities, private businesses) and samverkansavtal between kommuner."""

from __future__ import annotations

from typing import Any

from bench.generator.state import Generator

AGREEMENT_AREAS = (
    ("livsmedel", "tillsyn"),
    ("alkohol_tobak", "tillsyn"),
    ("miljo_halsoskydd", "tillsyn"),
    ("va", "drift"),
    ("avfall", "drift"),
    ("upphandling", "drift"),
    ("ovrigt", "drift"),
)


def add_operations(gen: Generator) -> None:
    """Each kommun's own operations (run by a nämnd or a company), a sjukhus per region,
    förbund facilities, then private operations."""
    rng, s = gen.rng, gen.scale
    seq = 0

    def op(name: str, area: str, operator: dict[str, str], municipality: str) -> str:
        nonlocal seq
        seq += 1
        ref = f"op-{seq:06d}"
        gen.operations.append(
            {
                "ref": ref,
                "name": name,
                "area": area,
                "operator": operator,
                "municipality": municipality,
            }
        )
        return ref

    for body in gen.kommuner:
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
    for body in gen.regioner:
        op(
            f"{body.name} sjukhus",
            "halso_sjukvard",
            {"committee": body.committees["hsn"]},
            body.ref,
        )
    for body, members, area in gen.forbund:
        for m in members[:2]:
            op(
                f"{body.name} anläggning {m.name.split()[0]}",
                area,
                {"organisation": body.ref},
                m.ref,
            )
    for i in range(s.private_operations):
        home = rng.randrange(len(gen.kommuner))
        orgs = gen.private_by_kommun.get(home) or gen.bolag
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
            f"{kind[0]} {i + 1} i {gen.kommuner[home].name.split()[0]}",
            kind[1],
            {"organisation": owner},
            gen.kommuner[home].ref,
        )


def add_agreements(gen: Generator) -> None:
    """Samverkansavtal: a kommun performs a task for one or two neighbours."""
    rng, s = gen.rng, gen.scale
    for a in range(s.agreements):
        performer = gen.kommuner[(a * 11) % len(gen.kommuner)]
        principals = gen.neighbours(performer.index, rng.randint(1, 2))
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
        gen.agreements.append(doc)
