"""In-process rule evaluation speed: p50 for a 15-member committee with 5 parties.

Target (issue: rules engine): p50 <= 0.5 ms. Run:

    .venv/bin/python bench/rules_eval_bench.py [--iterations 2000]

The case is deliberately heavy: every member has board seats, holdings, a spouse with a
VD role and a close friend, so the evaluation produces many findings.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date

from app.rules import evaluate
from app.rules.facts import (
    AppointmentFacts,
    CaseFacts,
    CommitteeFacts,
    FactsSnapshot,
    InterestFacts,
    OrganisationFacts,
    ParticipantFacts,
    PartyFacts,
    PersonFacts,
    RelationFacts,
)
from app.rules.vocab import (
    AppointmentRole,
    BodyKind,
    CommitteeKind,
    InterestKind,
    Matter,
    OrgKind,
    ParticipantRole,
    PartyKind,
    PartyRole,
    RelationKind,
)


def committee_snapshot() -> FactsSnapshot:
    """A 15-member committee, each member with a few facts, and 5 parties."""
    orgs = {f"o{i}": OrganisationFacts(f"o{i}", OrgKind.AKTIEBOLAG, f"Bolag {i}") for i in range(8)}
    orgs["k"] = OrganisationFacts("k", OrgKind.KOMMUN, "Kommunen")
    committees = {"n": CommitteeFacts("n", "k", CommitteeKind.NAMND, "Nämnden")}
    persons: dict[str, PersonFacts] = {}
    for i in range(15):
        ref = f"m{i}"
        persons[ref] = PersonFacts(
            ref,
            f"Ledamot {i}",
            (AppointmentFacts(BodyKind.COMMITTEE, "n", AppointmentRole.LEDAMOT),),
            (
                InterestFacts(InterestKind.STYRELSELEDAMOT, organisation=f"o{i % 8}"),
                InterestFacts(InterestKind.AGARE, organisation=f"o{(i + 3) % 8}", share_percent=5),
            ),
            (
                RelationFacts(f"r{i}", RelationKind.MAKE),
                RelationFacts(f"f{i}", RelationKind.NARA_VAN),
            ),
        )
        persons[f"r{i}"] = PersonFacts(
            f"r{i}",
            f"Make {i}",
            (),
            (InterestFacts(InterestKind.VD, organisation=f"o{(i + 5) % 8}"),),
            (RelationFacts(ref, RelationKind.MAKE),),
        )
    parties = (
        PartyFacts(PartyKind.ORGANISATION, PartyRole.SOKANDE, ref="o1"),
        PartyFacts(PartyKind.ORGANISATION, PartyRole.MOTPART, ref="o2"),
        PartyFacts(PartyKind.PERSON, PartyRole.BERORD, ref="r4"),
        PartyFacts(PartyKind.PERSON, PartyRole.KLAGANDE, ref="x1"),
        PartyFacts(PartyKind.ORGANISATION, PartyRole.BERORD, ref="o6"),
    )
    case = CaseFacts(
        "N 2024/1",
        "n",
        "bygg",
        Matter.MYNDIGHETSUTOVNING,
        date(2024, 5, 1),
        parties,
        (),
        tuple(ParticipantFacts(f"m{i}", ParticipantRole.LEDAMOT) for i in range(15)),
    )
    return FactsSnapshot(case=case, organisations=orgs, committees=committees, persons=persons)


def measure(iterations: int = 2000, warmup: int = 100) -> dict[str, float]:
    snapshot = committee_snapshot()
    findings = len(evaluate(snapshot).findings)
    for _ in range(warmup):
        evaluate(snapshot)
    times = []
    for _ in range(iterations):
        start = time.perf_counter()
        evaluate(snapshot)
        times.append(time.perf_counter() - start)
    times.sort()
    return {
        "findings": findings,
        "iterations": iterations,
        "p50_ms": statistics.median(times) * 1000,
        "p95_ms": times[int(len(times) * 0.95) - 1] * 1000,
        "p99_ms": times[int(len(times) * 0.99) - 1] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=2000)
    args = parser.parse_args()
    result = measure(args.iterations)
    print(
        f"rule evaluation, 15 members x 5 parties, {result['findings']} findings: "
        f"p50 {result['p50_ms']:.3f} ms, p95 {result['p95_ms']:.3f} ms, "
        f"p99 {result['p99_ms']:.3f} ms over {result['iterations']} runs (target p50 <= 0.5 ms)"
    )


if __name__ == "__main__":
    main()
