"""PostgreSQL builds a screening's facts in one statement (`app/screening/pg_loader.py`):
the same facts, to the byte, as the batched loader (SQLite's path) on the same registry.

Each case is screened twice through the API, once per loader; the stored facts' canonical
texts must be the same but for their random salts. Every shared scenario, and the test
registry's case with every kind of party, default participants and earlier handling.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.models import Organisation, OrganisationOwner, ScreeningFacts
from app.screening import loader, pg_loader, pg_reach
from tests.screening.registry import PNR_SAMBO, case, registry
from tests.screening.test_scenarios import _scenario_files
from tests.support.api import ApiClient
from tests.support.databases import backend
from tests.support.registry import import_document

pytestmark = pytest.mark.skipif(
    backend() != "postgresql", reason="SQLite has one loader (the batched one)"
)


def _facts(admin: ApiClient, session: Session, body: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The stored facts text without its salt (random per screening since run O: the
    same facts stored twice differ only there), and the snapshot as answered."""
    response = admin.post("/v1/screenings", json=body)
    assert response.status_code == 201, response.text
    facts = admin.get(f"/v1/screenings/{response.json()['id']}/facts")
    assert facts.status_code == 200, facts.text
    stored = session.execute(
        select(ScreeningFacts.facts, ScreeningFacts.facts_hash).where(
            ScreeningFacts.screening_id == response.json()["id"]
        )
    ).one()
    assert stored.facts_hash == facts.json()["facts_hash"]
    unsalted, salts = re.subn(r'"salt":"[0-9a-f]{32}",', "", stored.facts)
    assert salts == 1
    return unsalted, facts.json()["snapshot"]


def assert_same_facts(
    admin: ApiClient, session: Session, body: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    one_text, one = _facts(admin, session, body)
    monkeypatch.setattr(loader, "ONE_STATEMENT_ON_POSTGRESQL", False)
    batched_text, batched = _facts(admin, session, body)
    monkeypatch.setattr(loader, "ONE_STATEMENT_ON_POSTGRESQL", True)
    assert one == batched
    assert one_text == batched_text


@pytest.mark.parametrize("path", _scenario_files(), ids=lambda p: p.stem)
def test_every_scenario_has_the_same_facts(
    path: Path, admin: ApiClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario = json.loads(path.read_text(encoding="utf-8"))
    import_document(admin, scenario["registry"])
    assert_same_facts(admin, session, {"case": scenario["case"]}, monkeypatch)
    # and with the default participants (the committee's seats and serving staff)
    assert_same_facts(
        admin, session, {"case": {**scenario["case"], "participants": []}}, monkeypatch
    )


CASES = {
    "given participants": case(),
    "default participants": case(participants=[]),
    "every kind of party": case(
        parties=[
            {"organisation": "bygg-ab", "role": "sokande"},
            {"operation": "ost-rv", "role": "berord"},
            {"person": "p-sambo", "role": "berord"},
            {"organisation": "vatten-ab", "role": "part"},
            {"committee": "ost-tn", "role": "part"},
            {"name": "Hultarps snickeri AB", "role": "berord"},
            {"name": "Q", "orgnr": "5560000001", "role": "berord"},
            {"name": "Ingrid Sambo", "personnummer": PNR_SAMBO, "role": "berord"},
        ]
    ),
    "earlier handling": case(
        earlier_handling=[{"person": "p-led1", "committee": "ost-tn", "final": True}]
    ),
    "another date": case(decision_date="2019-01-01", participants=[]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_test_registry_cases_have_the_same_facts(
    name: str, admin: ApiClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_document(admin, registry(sambo_pnr=PNR_SAMBO))
    assert_same_facts(admin, session, {"case": CASES[name]}, monkeypatch)


def test_interests_read_by_person_when_an_organisation_has_many(
    admin: ApiClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reach reads the interests in the party organisations and their owners by
    organisation, and by person when one of them has many (`INTERESTS_BY_ORGANISATION`):
    with the threshold at 1 every such interest takes the second path, and the facts are
    the same as the batched loader's."""
    statement = text(pg_reach.reach_sql(interests_by_organisation=1))

    def by_person(db: Any, values: Any) -> str:
        return str(db.execute(statement, dict(values)).scalar_one())

    monkeypatch.setattr(pg_loader, "_reach_document", by_person)
    import_document(admin, registry(sambo_pnr=PNR_SAMBO))
    for name in ("given participants", "every kind of party"):
        assert_same_facts(admin, session, {"case": CASES[name]}, monkeypatch)
    for path in _scenario_files():
        scenario = json.loads(path.read_text(encoding="utf-8"))
        import_document(admin, scenario["registry"])
        assert_same_facts(admin, session, {"case": scenario["case"]}, monkeypatch)


def _company(ref: str, *owners: tuple[str, float]) -> dict[str, Any]:
    return {
        "ref": ref,
        "kind": "aktiebolag",
        "name": ref.title() + " AB",
        "owners": [{"organisation": o, "share_percent": s} for o, s in owners],
    }


# A party company eight levels below a kommun, through a diamond (two holdings own one
# company) and past a cycle between the two holdings (stored directly: an import refuses
# one): the levels above `own` are read with organisations met again, and the one
# statement must drop the rows `own` already holds as the batched loader never reads them
# twice (run P).
DEEP_GROUP: dict[str, Any] = {
    "organisations": [
        {"ref": "djupby", "kind": "kommun", "name": "Djupby kommun"},
        _company("d-stadshus", ("djupby", 100)),
        _company("d-holding-a", ("d-stadshus", 60)),
        _company("d-holding-b", ("d-stadshus", 50)),
        _company("d-energi", ("d-holding-a", 50), ("d-holding-b", 50)),
        _company("d-nat", ("d-energi", 100)),
        _company("d-nat-syd", ("d-nat", 100)),
        _company("d-nat-syd-drift", ("d-nat-syd", 100)),
        _company("d-nat-syd-drift-service", ("d-nat-syd-drift", 100)),
    ],
    "committees": [
        {"ref": "djupby-ks", "organisation": "djupby", "kind": "styrelse", "name": "Djupby KS"},
    ],
    "persons": [{"ref": "p-djup", "name": "Dagny Djup"}],
    "appointments": [{"person": "p-djup", "body": {"committee": "djupby-ks"}, "role": "ledamot"}],
    "interests": [
        {"person": "p-djup", "organisation": "d-nat-syd-drift-service", "kind": "styrelseledamot"},
        {"person": "p-djup", "organisation": "d-holding-b", "kind": "styrelseledamot"},
    ],
}


@pytest.mark.parametrize("party", ["d-nat-syd-drift-service", "d-nat", "d-holding-a"])
def test_a_deep_group_with_a_cycle_has_the_same_facts(
    party: str, admin: ApiClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_document(admin, DEEP_GROUP)
    ids = {ref: id_ for ref, id_ in session.execute(select(Organisation.ref, Organisation.id))}
    session.add_all(
        [
            OrganisationOwner(
                organisation_id=ids["d-holding-a"], owner_id=ids["d-holding-b"], share_percent=40
            ),
            OrganisationOwner(
                organisation_id=ids["d-holding-b"], owner_id=ids["d-holding-a"], share_percent=10
            ),
        ]
    )
    session.flush()
    body = {
        "case": {
            "ref": f"KS 2026/{party}",
            "committee": "djupby-ks",
            "matter": "avtal",
            "area": "fastighet",
            "decision_date": "2026-06-01",
            "parties": [{"organisation": party, "role": "motpart"}],
            "participants": [{"person": "p-djup", "role": "ledamot"}],
        }
    }
    assert_same_facts(admin, session, body, monkeypatch)
    _text, snapshot = _facts(admin, session, body)
    assert "d-stadshus" in json.dumps(snapshot)  # read that far up


def test_an_utskott_screened_by_default_has_the_same_facts(
    admin: ApiClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An utskott's default participants include the staff of the förvaltning serving its
    nämnd (run P); both loaders read them."""
    import_document(admin, registry(sambo_pnr=PNR_SAMBO))
    utskott = {
        "committees": [
            {
                "ref": "ost-mbn-au",
                "organisation": "k-ost",
                "kind": "utskott",
                "parent": "ost-mbn",
                "name": "Miljö- och byggnämndens arbetsutskott",
            }
        ],
        "appointments": [
            {"person": "p-led1", "body": {"committee": "ost-mbn-au"}, "role": "ledamot"}
        ],
    }
    import_document(admin, utskott)
    body = {"case": case(committee="ost-mbn-au", participants=[])}
    assert_same_facts(admin, session, body, monkeypatch)
    response = admin.post("/v1/screenings", json=body)
    roles = {p["role"] for p in response.json()["participants"]}
    assert "ledamot" in roles and roles - {"ledamot", "ersattare", "ordforande"}, roles
