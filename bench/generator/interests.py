"""Interests (ownership, board seats, memberships, employment, assignments) and relations
between persons (family, close friends, enemies, managers)."""

from __future__ import annotations

from typing import Any

from bench.generator.state import Generator

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


def add_interests(gen: Generator) -> None:
    """Exactly the scale's number of interests (duplicates are skipped, then topped up)."""
    rng, s = gen.rng, gen.scale
    persons = [p["ref"] for p in gen.persons]
    n = len(persons)
    for i in range(s.interests):
        person = (
            persons[(i * 7919 + rng.randrange(n)) % n] if rng.random() < 0.3 else persons[i % n]
        )
        kind, _w, pool = gen.weighted(INTEREST_KINDS)
        if pool == "person":
            target = ("on_behalf_of", rng.choice(persons))
        elif pool == "forening":
            ref = rng.choice(gen.popular) if rng.random() < 0.3 else rng.choice(gen.foreningar)
            target = ("organisation", ref)
        elif pool == "bolag":
            target = ("organisation", rng.choice(gen.bolag))
        else:
            target = ("organisation", rng.choice(gen.any_private))
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
        gen.add_interest(person, target, kind, **extra)
    # top up to the exact count (duplicates were skipped)
    i = 0
    while len(gen.interests) < s.interests:
        person = persons[rng.randrange(n)]
        gen.add_interest(person, ("organisation", rng.choice(gen.any_private)), "medlem")
        i += 1


def add_relations(gen: Generator) -> None:
    """Exactly the scale's number of relations; a foreman relation follows `manager_of`."""
    rng, s = gen.rng, gen.scale
    persons = [p["ref"] for p in gen.persons]
    n = len(persons)
    window = max(10, min(2000, n // 20))
    while len(gen.relations) < s.relations:
        kind = gen.weighted(RELATION_KINDS)[0]
        a_index = rng.randrange(n)
        a = persons[a_index]
        if kind == "foreman":
            if a not in gen.manager_of:
                continue
            gen.relate(gen.manager_of[a], a, kind)
            continue
        b = persons[(a_index + rng.randint(1, window)) % n]  # families live close by
        gen.relate(a, b, kind)
