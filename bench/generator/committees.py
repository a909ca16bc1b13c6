"""Committees and administrations: each kommun's fullmäktige, styrelse, revision and
nämnder (with their responsibilities) and förvaltningar, the regioner's and myndigheter's,
and the bodies kommuner share: gemensamma nämnder and kommunalförbund."""

from __future__ import annotations

from typing import Any

from bench.generator.state import Body, Generator

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


def add_committee(
    gen: Generator, body: Body, spec: tuple[Any, ...], *, for_: list[str] | None = None
) -> str:
    """Add one committee of `body` from a (key, kind, name, responsibilities) spec."""
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
            {"area": area, "role": role, **({"for": for_} if for_ else {})} for area, role in resps
        ]
    gen.committees.append(doc)
    body.committees[key] = ref
    return ref


def add_committees(gen: Generator) -> None:
    """The committees and administrations of every kommun, region and myndighet."""
    s = gen.scale
    # how many committees each kommun gets, so that all kommuner and regioner hold
    # about `namnder` committees together
    target = max(0, s.namnder - len(REGION_COMMITTEES) * s.regioner)
    plans: list[list[tuple[Any, ...]]] = []
    for body in gen.kommuner:
        variant_b = body.index % 4 == 2  # samhällsbyggnadsnämnd: drift and tillsyn in one
        plans.append([KF, KS, REV] + ([SBN] if variant_b else [TN, MBN]))
    total = sum(len(p) for p in plans)
    order = sorted(range(len(plans)), key=lambda i: -gen.kommuner[i].weight)
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
    for body, plan in zip(gen.kommuner, plans, strict=True):
        for spec in plan:
            add_committee(gen, body, spec)
        # administrations: one per nämnd with responsibilities; sometimes one shared
        # förvaltning serves both the operating and the supervising nämnd
        shared = "tn" in body.committees and body.index % 3 == 0
        if shared:
            aref = f"{body.ref}-sbf"
            gen.administrations.append(
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
            gen.administrations.append(
                {
                    "ref": aref,
                    "organisation": body.ref,
                    "name": f"Förvaltningen för {spec[2].lower()} i {body.name}",
                    "serves": serves,
                }
            )
            body.admins[key] = aref
    for body in gen.regioner:
        for spec in REGION_COMMITTEES:
            add_committee(gen, body, spec)
        for key in ("rs", "hsn", "ktn", "kun"):
            aref = f"{body.ref}-f-{key}"
            gen.administrations.append(
                {
                    "ref": aref,
                    "organisation": body.ref,
                    "name": f"Förvaltning {key} {body.name}",
                    "serves": [body.committees[key]],
                }
            )
            body.admins[key] = aref
    for body in gen.myndigheter:
        add_committee(gen, body, ("beslut", "namnd", "Beslutsorganet", ()))
        aref = f"{body.ref}-kansli"
        gen.administrations.append(
            {
                "ref": aref,
                "organisation": body.ref,
                "name": f"Kansliet, {body.name}",
                "serves": [body.committees["beslut"]],
            }
        )
        body.admins["beslut"] = aref


def add_shared_bodies(gen: Generator) -> None:
    """Gemensamma nämnder (hosted by one kommun) and kommunalförbund, with their
    förvaltningar."""
    rng, s = gen.rng, gen.scale
    n = len(gen.kommuner)
    for g in range(s.gemensamma):
        host = gen.kommuner[(g * 7) % n]
        partners = gen.neighbours(host.index, rng.randint(1, 3))
        area, role, label = SHARED_AREAS[g % len(SHARED_AREAS)]
        participants = [host.ref] + [p.ref for p in partners]
        ref = f"{host.ref}-gn-{g + 1:03d}"
        gen.committees.append(
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
        gen.administrations.append(
            {
                "ref": aref,
                "organisation": host.ref,
                "name": f"Förvaltningen för {label.lower()}",
                "serves": [ref],
            }
        )
        gen.gemensamma.append((ref, host, partners, area, aref))
    for f in range(s.forbund):
        first = gen.kommuner[(f * 3) % n]
        members = [first, *gen.neighbours(first.index, rng.randint(1, 5))]
        area, role, label = FORBUND_AREAS[f % len(FORBUND_AREAS)]
        ref = f"kf-{f + 1:03d}"
        name = f"{first.name.split()[0]} {label.lower()}"
        gen.add_org(ref, "kommunalforbund", name, members=[m.ref for m in members])
        body = Body(1000 + f, ref, name, "kommunalforbund", 1.0)
        member_refs = [m.ref for m in members]
        add_committee(
            gen, body, ("dir", "direktion", "Direktionen", ((area, role),)), for_=member_refs
        )
        if rng.random() < 0.3:
            add_committee(gen, body, ("ff", "forbundsfullmaktige", "Förbundsfullmäktige", ()))
        aref = f"{ref}-kansli"
        gen.administrations.append(
            {
                "ref": aref,
                "organisation": ref,
                "name": f"Förbundskontoret, {name}",
                "serves": [body.committees["dir"]],
            }
        )
        body.admins["dir"] = aref
        gen.forbund.append((body, members, area))
