"""People and their appointments: the förtroendevalda with their seats in committees and
company boards, and the employees of the förvaltningar and municipal companies."""

from __future__ import annotations

from typing import Any

from bench.generator.scales import MANDATE_FROM, MANDATE_TO
from bench.generator.state import Body, Generator


def seat_counts(gen: Generator, kind: str, weight: float) -> tuple[int, int]:
    """(ledamöter, ersättare) of a committee of this kind in a body of this weight."""
    f = gen.scale.seat_factor
    if kind in ("fullmaktige", "forbundsfullmaktige"):
        ledamot = 31 + min(70, int(20 * weight))
    elif kind == "revision" or kind == "utskott":
        ledamot = 5
    else:
        ledamot = gen.rng.choice((7, 9, 11, 13))
    ledamot = max(3, int(ledamot * f))
    return ledamot, max(1, ledamot // 2)


def fill_seats(gen: Generator) -> None:
    """Create the förtroendevalda and give them their seats (about 1.8 each)."""
    rng, s = gen.rng, gen.scale
    bodies = gen.kommuner + gen.regioner
    kinds = {c["ref"]: c["kind"] for c in gen.committees}
    seat_plan: dict[str, list[tuple[str, str, int, int]]] = {}
    demand: list[int] = []
    for body in bodies:
        plan = []
        for key, cref in body.committees.items():
            plan.append((key, cref) + seat_counts(gen, kinds[cref], body.weight))
        for cref in body.companies:
            plan.append(("board", cref, 5, 0))
        seat_plan[body.ref] = plan
        demand.append(sum(p[2] + p[3] for p in plan))
    total = sum(demand) or 1
    for body, seats in zip(bodies, demand, strict=True):
        biggest = max((p[2] + p[3] for p in seat_plan[body.ref]), default=1)
        size = max(biggest, round(s.fortroendevalda * seats / total))
        body.pool = [gen.add_person(0.4) for _ in range(size)]
    # top up or trim the last pools to the exact target
    while gen.person_seq < s.fortroendevalda:
        body = bodies[gen.person_seq % len(bodies)]
        body.pool.append(gen.add_person(0.4))
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
                    gen.appoint(
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
                gen.appoint(
                    person,
                    {"committee": cref},
                    role,
                    valid_from=MANDATE_FROM,
                    valid_to=MANDATE_TO,
                )
            body.members[cref] = members
    # gemensamma nämnder and förbund bodies: members appointed by each participant
    for ref, host, partners, _area, _aref in gen.gemensamma:
        members = []
        for b in [host, *partners]:
            for person in rng.sample(b.pool, min(len(b.pool), 3 if b is host else 2)):
                gen.appoint(
                    person,
                    {"committee": ref},
                    "ledamot",
                    appointed_by=b.ref,
                    valid_from=MANDATE_FROM,
                    valid_to=MANDATE_TO,
                )
                members.append(person)
        host.members[ref] = members
    for body, members_orgs, _area in gen.forbund:
        for key, cref in body.committees.items():
            members = []
            for b in members_orgs:
                for person in rng.sample(b.pool, min(len(b.pool), 2 if key == "dir" else 4)):
                    gen.appoint(
                        person,
                        {"committee": cref},
                        "ledamot",
                        appointed_by=b.ref,
                        valid_from=MANDATE_FROM,
                        valid_to=MANDATE_TO,
                    )
                    members.append(person)
            body.members[cref] = members


def add_staff(gen: Generator) -> None:
    """Employees: staff of every förvaltning (sized by body weight and area), then a vd
    and employees per municipal company; records who manages whom."""
    rng, s = gen.rng, gen.scale
    units: list[tuple[Body, str, str, float]] = []  # body, admin ref, admin key, weight
    big = {"bun": 8.0, "sn": 6.0, "aon": 6.0, "hsn": 20.0, "gn": 3.0}
    for body in gen.kommuner + gen.regioner:
        for key, aref in body.admins.items():
            if aref == body.shared_admin and key == "mbn":
                continue
            units.append((body, aref, key, body.weight * big.get(key, 1.5)))
    for body in gen.myndigheter:
        units.append((body, body.admins["beslut"], "beslut", 6.0))
    for body, _m, _a in gen.forbund:
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
            person = gen.add_person(0.25)
            gen.employees.append(person)
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
            gen.appoint(person, {"administration": aref}, role, **extra)
            chefs = 1 + n // 15
            if 0 < k < chefs:
                gen.manager_of[person] = staff[0]
            elif k >= chefs:
                gen.manager_of[person] = staff[1 + k % (chefs - 1)] if chefs > 1 else staff[0]
        body.staff[aref] = staff
    # company staff: a vd and employees per municipal company
    companies = [c for b in gen.kommuner + gen.regioner for c in b.companies]
    for k in range(company_staff):
        company = companies[k % len(companies)]
        person = gen.add_person(0.25)
        gen.employees.append(person)
        role = "vd" if k < len(companies) else "anstalld"
        gen.appoint(
            person,
            {"organisation": company},
            role,
            valid_from=f"{rng.randint(2005, 2024)}-01-01",
        )
