"""The build order. Every step draws from the one shared random stream, so this order is
part of the output: changing it changes every dataset."""

from __future__ import annotations

from bench.generator.cases import CaseBuilder, add_routine_cases
from bench.generator.committees import add_committees, add_shared_bodies
from bench.generator.interests import add_interests, add_relations
from bench.generator.operations import add_agreements, add_operations
from bench.generator.organisations import (
    add_bodies,
    add_companies,
    add_private_organisations,
)
from bench.generator.people import add_staff, fill_seats
from bench.generator.scales import SCALES, Scale
from bench.generator.scenarios import plant_scenarios
from bench.generator.state import Generator


def build(gen: Generator) -> None:
    add_bodies(gen)
    add_committees(gen)
    add_shared_bodies(gen)
    add_companies(gen)
    add_private_organisations(gen)
    fill_seats(gen)
    add_staff(gen)
    add_operations(gen)
    add_agreements(gen)
    add_interests(gen)
    add_relations(gen)
    cases = CaseBuilder(gen)
    plant_scenarios(gen, cases)
    add_routine_cases(gen, cases)
    # an interest register or HR export lists each person's facts together; the
    # importer matches keyless rows per person, so this order keeps it linear (an
    # order that spreads every person over every chunk makes each chunk re-read all
    # stored interests of its persons: see BENCHMARKS.md)
    gen.interests.sort(key=lambda d: d["person"])
    gen.relations.sort(key=lambda d: d["person"])


def generate(seed: int, scale: str | Scale) -> Generator:
    spec = SCALES[scale] if isinstance(scale, str) else scale
    gen = Generator(seed, spec)
    build(gen)
    return gen
