"""PostgreSQL's constant statements on a screening's path (issue 15: nothing built, keyed
or compiled per screening) answer what the statements built with SQLAlchemy answer: the
case's references, the matching of unregistered parties, the audit entry's organisations.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, union_all
from sqlalchemy.orm import Session

from app.audit import organisations
from app.cases import repository as case_repo
from app.models import Committee, Person
from app.screening import names, near_parties, party_repository
from tests.screening.registry import PNR_SAMBO, registry
from tests.support.api import ApiClient
from tests.support.databases import backend
from tests.support.registry import import_document

pytestmark = pytest.mark.skipif(backend() != "postgresql", reason="PostgreSQL's statements")

REFERENCES = [
    ([], [], [], ["ost-mbn"]),
    (["p-ordf", "p-led1", "p-none"], ["bygg-ab", "k-ost", "nope"], ["ost-rv"], ["ost-mbn"]),
    (["p-sambo"], [], ["x"], ["ost-tn", "ost-mbn", "nothing"]),
    ([], ["k-vast"], [], []),
]


@pytest.fixture
def loaded(admin: ApiClient) -> None:
    import_document(admin, registry(sambo_pnr=PNR_SAMBO))


def _rows(result: Any) -> list[tuple[Any, ...]]:
    return sorted(tuple(r) for r in result)


@pytest.mark.parametrize("refs", REFERENCES)
def test_references(loaded: None, session: Session, refs: tuple[list[str], ...]) -> None:
    persons, orgs, ops, committees = refs
    built = _rows(session.execute(case_repo.built_references(persons, orgs, ops, committees)))
    constant = _rows(
        session.execute(
            case_repo.PG_REFERENCES,
            {
                "persons": persons,
                "organisations": orgs,
                "operations": ops,
                "committees": committees,
            },
        )
    )
    assert constant == built
    assert (
        case_repo.references(session, persons, orgs, ops, committees)["committee"] or not committees
    )


@pytest.mark.parametrize(
    ("orgnrs", "names_"),
    [
        ([], []),
        (["5560000001", "2120000001"], ["Östby Bygg & Mark AB"]),
        ([], ["Ingrid Sambo", "Anna Berg", "Östby kommun"]),
        (["0000000000"], ["Nobody Anywhere"]),
    ],
)
@pytest.mark.parametrize(
    "participants", [[], ["p-ordf", "p-led1", "p-ers"], ["p-insp"]], ids=["seats", "named", "staff"]
)
def test_party_lookup(
    loaded: None,
    session: Session,
    orgnrs: list[str],
    names_: list[str],
    participants: list[str],
) -> None:
    tokens: set[str] = set()
    for name in names_:
        tokens |= names.index_tokens(name)
    hashes = ["0" * 64]
    committee = session.scalar(select(Committee.id).where(Committee.ref == "ost-mbn"))
    people = list(session.scalars(select(Person.id).where(Person.ref.in_(participants))))
    built = _rows(
        session.execute(party_repository.built_lookup(orgnrs, hashes, tokens, committee, people))
    )
    constant = _rows(
        session.execute(
            party_repository.PG_LOOKUP,
            {
                "orgnrs": sorted(orgnrs),
                "hashes": hashes,
                "tokens": sorted(tokens),
                "limit": party_repository.NAME_CANDIDATES,
                "committee_id": committee,
                "participants": sorted(people),
            },
        )
    )
    assert constant == built
    if names_ and names_ != ["Nobody Anywhere"]:
        assert constant  # the names are in the registry
    if "Ingrid Sambo" in names_ and participants != ["p-insp"]:
        assert any(row[0] == "near" for row in constant)  # p-ers's sambo


@pytest.mark.parametrize("refs", [[], ["p-ordf", "p-led1", "p-led2"], ["p-none"]])
def test_case_organisations(loaded: None, session: Session, refs: list[str]) -> None:
    committee = session.scalar(select(Committee.id).where(Committee.ref == "ost-mbn"))
    assert committee is not None
    built = set(session.scalars(organisations.built_case_organisations(committee, refs)))
    # The constant statement may add one NULL (a participant without an appointer: it has
    # no NOT NULL test, for its plan's sake); every caller drops it.
    constant = set(
        session.scalars(organisations.PG_CASE_ORGANISATIONS, {"committee": committee, "refs": refs})
    ) - {None}
    assert constant == built and len(built) >= 2  # Östby, and Västby takes part
    assert organisations.case_organisations(session, committee, refs) == built


@pytest.mark.parametrize("participants", [[], ["p-ers"]], ids=["seats", "named"])
def test_near_parties_alone(loaded: None, session: Session, participants: list[str]) -> None:
    """A meeting's items read the near bearers alone: the prepared text gives the rows
    the built form gives."""
    tokens = names.index_tokens("Ingrid Sambo") | names.index_tokens("Gun Holm")
    committee = session.scalar(select(Committee.id).where(Committee.ref == "ost-mbn"))
    people = list(session.scalars(select(Person.id).where(Person.ref.in_(participants))))
    persons, organisations = near_parties.near_selects(tokens, committee, people)
    built = _rows(session.execute(union_all(persons, organisations)))
    prepared = _rows(party_repository.near_name_candidates(session, tokens, committee, people))
    assert prepared == built and built
