"""Every organisation-scope predicate selects exactly what its earlier form selected.

app/security/scoping.py builds a kommun's small sets as UNIONs of indexed selects and
asks some questions per row (correlated EXISTS) instead of building every set whole, for
PostgreSQL's planner (BENCHMARKS.md run J: a limited key's screening took 220 ms at
national scale, most of it building the 95,755 shared organisations to check one
reference). The walls between organisations must not move by a row: here each predicate
and its earlier form (tests/security/scoping_reference.py) are run over a generated
registry (kommuner, a region, a förbund, municipal companies two levels deep, private
organisations, gemensamma nämnder, shared administrations, appointments, interests and
relations) and edge cases of ownership, for a key of every organisation and some keys of
several, on SQLite and PostgreSQL, and must select the same rows.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cases import scope as case_scope
from app.cases import scope_statement
from app.models import Committee, Operation, Organisation, Person
from app.registry.reference_scope import REFERABLE, referable
from app.security import scope_sets, scoping
from app.security.deps import Principal
from app.security.roles import Role
from bench import generator
from tests.security import scoping_reference as reference
from tests.security.scoping_reference import PREDICATES
from tests.support.api import ApiClient
from tests.support.databases import backend
from tests.support.registry import import_document

# Ownership at the edges of the rule: a public body's company, its company's company,
# the next two down (publicly owned through their owners at any depth: shared until run
# O), a private chain, a region's stiftelse, a förbund's company, an organisation nobody
# owns.
EDGES: dict[str, Any] = {
    "organisations": [
        {"ref": "edge-k", "kind": "kommun", "name": "Kantby kommun"},
        {"ref": "edge-r", "kind": "region", "name": "Region Kant"},
        {
            "ref": "edge-a",
            "kind": "aktiebolag",
            "name": "Kantby Stadshus AB",
            "owners": [{"organisation": "edge-k", "share_percent": 100}],
        },
        {
            "ref": "edge-b",
            "kind": "aktiebolag",
            "name": "Kantby Energi AB",
            "owners": [{"organisation": "edge-a", "share_percent": 100}],
        },
        {
            "ref": "edge-c",
            "kind": "aktiebolag",
            "name": "Kantby Elnät AB",
            "owners": [{"organisation": "edge-b", "share_percent": 60}],
        },
        {
            "ref": "edge-d",
            "kind": "aktiebolag",
            "name": "Kantby Elnät Service AB",
            "owners": [{"organisation": "edge-c", "share_percent": 100}],
        },
        {"ref": "edge-p", "kind": "aktiebolag", "name": "Privat Holding AB"},
        {
            "ref": "edge-q",
            "kind": "handelsbolag",
            "name": "Privat Dotter HB",
            "owners": [{"organisation": "edge-p", "share_percent": 100}],
        },
        {
            "ref": "edge-s",
            "kind": "stiftelse",
            "name": "Stiftelsen Kantgården",
            "owners": [{"organisation": "edge-r", "share_percent": 100}],
        },
        {
            "ref": "edge-f",
            "kind": "kommunalforbund",
            "name": "Kantens räddningstjänstförbund",
            "members": ["edge-k"],
        },
        {
            "ref": "edge-fb",
            "kind": "aktiebolag",
            "name": "Förbundets Fastigheter AB",
            "owners": [
                {"organisation": "edge-f", "share_percent": 50},
                {"organisation": "edge-p", "share_percent": 50},
            ],
        },
        {"ref": "edge-m", "kind": "myndighet", "name": "Kantverket"},
        {"ref": "edge-x", "kind": "annan", "name": "Kantens samfällighet"},
    ],
    "committees": [
        {"ref": "edge-k-ks", "organisation": "edge-k", "kind": "styrelse", "name": "KS"},
    ],
    "persons": [
        {"ref": "p-edge-1", "name": "Kajsa Kant"},
        {"ref": "p-edge-2", "name": "Kurt Kant"},
        {"ref": "p-edge-3", "name": "Karin Kant"},
    ],
    "appointments": [
        {"person": "p-edge-1", "body": {"committee": "edge-k-ks"}, "role": "ledamot"},
        {"person": "p-edge-1", "body": {"organisation": "edge-c"}, "role": "ledamot"},
        {"person": "p-edge-2", "body": {"organisation": "edge-d"}, "role": "ledamot"},
        {"person": "p-edge-2", "body": {"organisation": "edge-p"}, "role": "ordforande"},
        {"person": "p-edge-3", "body": {"organisation": "edge-b"}, "role": "ledamot"},
        {"person": "p-edge-3", "body": {"organisation": "edge-fb"}, "role": "ledamot"},
    ],
    "interests": [
        {"person": "p-edge-1", "organisation": "edge-q", "kind": "agare", "share_percent": 10},
        {"person": "p-edge-1", "organisation": "edge-a", "kind": "styrelseledamot"},
        {"person": "p-edge-3", "kind": "ombud", "on_behalf_of": "p-edge-1"},
    ],
    "relations": [
        {"person": "p-edge-1", "related": "p-edge-2", "kind": "make"},
        {"person": "p-edge-1", "related": "p-edge-3", "kind": "syskon"},
    ],
}


@pytest.fixture
def world(admin: ApiClient) -> generator.Generator:
    built = generator.generate(5, "tiny")
    document = {
        section: getattr(built, section)
        for section in (
            "organisations", "committees", "administrations", "operations", "agreements",
            "persons", "appointments", "interests", "relations",
        )
    }  # fmt: skip
    import_document(admin, document)
    import_document(admin, EDGES)
    return built


def _keys(built: generator.Generator) -> list[frozenset[str]]:
    """A key of every organisation of the world, and some of several."""
    refs = sorted(o["ref"] for o in [*built.organisations, *EDGES["organisations"]])
    public = [o["ref"] for o in built.organisations if o["kind"] in scope_sets.PUBLIC_KINDS]
    return [
        *(frozenset({ref}) for ref in refs),
        frozenset(public[:2]),
        frozenset({public[0], "edge-k", "edge-p"}),
        frozenset({"no-such-organisation"}),
    ]


def _selected(session: Session, table: Any, predicate: Any) -> list[int]:
    return sorted(session.scalars(select(table.id).where(predicate)))


def test_every_predicate_selects_what_its_earlier_form_selected(
    world: generator.Generator, session: Session
) -> None:
    keys = _keys(world)
    # The importing key: a limited key with its id may change the shared organisations
    # it created (`writable_organisation_predicate`).
    creator = session.scalar(select(Organisation.created_by_key_id).limit(1))
    assert creator is not None
    differences = []
    selected_any = dict.fromkeys(PREDICATES, False)
    for refs in keys:
        principal = Principal(creator, "shapes", Role.SCREENER, refs)
        for name, (table, predicate_of) in PREDICATES.items():
            now = _selected(session, table, predicate_of(scoping, principal))
            before = _selected(session, table, predicate_of(reference, principal))
            if now != before:
                differences.append((sorted(refs), name, now, before))
            selected_any[name] |= bool(now)
    assert not differences, differences[:3]
    # The comparison is not vacuous: every predicate selects something for some key.
    assert all(selected_any.values()), selected_any


def test_the_edges_of_the_ownership_rule(world: generator.Generator, session: Session) -> None:
    """What a kommun's key reads of the edge organisations, spelled out: its companies at
    any depth are its own (until run O the third level down was shared, read by every
    key); a private chain is shared; another body's company and an organisation of kind
    `annan` are not."""
    key = Principal(7, "shapes", Role.SCREENER, frozenset({"edge-k"}))
    refs = set(
        session.scalars(
            select(Organisation.ref).where(
                Organisation.ref.like("edge-%"), scoping.organisation_point_predicate(key)
            )
        )
    )
    # Own: the kommun, its förbund, the company it owns and that company's companies
    # down to edge-d (four levels), and (as a förbund member) nothing of the förbund's
    # company. Shared: the private kinds no public body owns at any depth.
    assert refs == {
        "edge-k", "edge-f", "edge-a", "edge-b", "edge-c", "edge-d", "edge-p", "edge-q"
    }, refs  # fmt: skip
    other = Principal(7, "shapes", Role.SCREENER, frozenset({"edge-r"}))
    seen = set(
        session.scalars(
            select(Organisation.ref).where(
                Organisation.ref.like("edge-%"), scoping.organisation_point_predicate(other)
            )
        )
    )
    assert seen == {"edge-r", "edge-s", "edge-p", "edge-q"}, seen


def test_references_are_checked_by_one_statement_per_kind_for_every_key(
    world: generator.Generator, session: Session
) -> None:
    """`referable` runs one statement per kind, built once with the key's organisations
    as a parameter: for every key it finds what the key's own predicate selects."""
    for refs in _keys(world):
        principal = Principal(1, "shapes", Role.SCREENER, refs)
        for kind, (model, predicate_of) in REFERABLE.items():
            every = list(session.scalars(select(model.ref)))
            expected = set(session.scalars(select(model.ref).where(predicate_of(principal))))
            assert referable(session, principal, kind, every) == expected, (sorted(refs), kind)


@pytest.mark.skipif(backend() != "postgresql", reason="the one statement is PostgreSQL's")
def test_a_cases_references_are_checked_in_one_statement_as_kind_by_kind(
    world: generator.Generator, session: Session
) -> None:
    """`app/cases/scope_statement.py` (PostgreSQL, one statement) answers what the
    portable form (one `referable` per kind, the view read when the key sees the
    committee) answers: for a key of every organisation and keys of several, a case
    naming every person, organisation, operation and committee, of each committee the key
    sees, of the gemensamma nämnder, of two committees of others, and of one that does
    not exist."""
    every = {
        kind: sorted(session.scalars(select(model.ref)))
        for kind, model in (
            ("person", Person), ("organisation", Organisation),
            ("operation", Operation), ("committee", Committee),
        )
    }  # fmt: skip
    ids: dict[str, int | None] = {
        ref: id_ for ref, id_ in session.execute(select(Committee.ref, Committee.id))
    }
    shared = set(session.scalars(select(Committee.ref).where(Committee.participants.any())))
    differences = []
    widened = seen_committee = 0
    for refs in _keys(world):
        principal = Principal(1, "shapes", Role.SCREENER, refs)
        own = case_scope.case_refs_in_scope_by_kind(session, principal, ("no-such", None), every)
        visible = referable(session, principal, "committee", every["committee"])
        for ref in sorted(visible | shared | set(every["committee"][:2])) + ["no-such"]:
            committee = (ref, ids.get(ref))
            by_kind = case_scope.case_refs_in_scope_by_kind(session, principal, committee, every)
            one = scope_statement.case_refs_in_scope(session, sorted(refs), committee, every)
            if one != by_kind:
                differences.append((sorted(refs), ref, _diff(one, by_kind)))
            seen_committee += ref in one["committee"]
            widened += one["organisation"] != own["organisation"]
    assert not differences, differences[:3]
    # Not vacuous: keys see committees, and a gemensam nämnd's case widens what they see.
    assert seen_committee and widened, (seen_committee, widened)


def _diff(one: dict[str, set[str]], by_kind: dict[str, set[str]]) -> dict[str, Any]:
    return {
        kind: (sorted(one[kind] - by_kind[kind]), sorted(by_kind[kind] - one[kind]))
        for kind in by_kind
        if one.get(kind) != by_kind[kind]
    }
