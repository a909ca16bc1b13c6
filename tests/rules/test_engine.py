"""Engine-level properties: output shape, determinism, purity, vocabulary.

Speed is measured by bench/rules_eval_bench.py, never asserted here."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from app.rules import evaluate, structural_report
from app.rules.facts import (
    CaseFacts,
    FactsSnapshot,
    InterestFacts,
    ParticipantFacts,
    PartyFacts,
)
from app.rules.vocab import (
    InterestKind,
    Matter,
    ParticipantRole,
    PartyKind,
    PartyRole,
)
from tests.rules.builder import organisation_snapshot, snapshot
from tests.rules.test_cases import REGISTRIES

CONTRACT_EXAMPLE = {
    "ref": "MBN 2026/123",
    "committee": "ankeby-mbn",
    "area": "bygg",
    "matter": "myndighetsutovning",
    "decision_date": "2026-03-10",
    "parties": [
        {"organisation": "ankeby-hem", "role": "sokande"},
        {"person": "p-gus", "role": "berord"},
        {"name": "Nils Granne", "role": "berord"},
    ],
    "participants": [
        {"person": "p-anna", "role": "ledamot"},
        {"person": "p-dan", "role": "handlaggare"},
    ],
}


def _registry() -> dict[str, Any]:
    doc = {k: list(v) for k, v in REGISTRIES["ankeby"].items()}
    doc["relations"] = [{"person": "p-anna", "related": "p-olof", "kind": "make"}]
    doc["interests"] = [
        {"person": "p-olof", "organisation": "ankeby-hem", "kind": "styrelseledamot"}
    ]
    return doc


def test_result_has_the_contract_shape_and_is_json_serialisable() -> None:
    result = evaluate(snapshot(_registry(), CONTRACT_EXAMPLE)).to_dict()
    json.dumps(result, ensure_ascii=False)
    assert result["outcome"] == "flagged"
    finding = result["findings"][0]
    assert set(finding) >= {
        "person",
        "ground",
        "level",
        "rule",
        "legal_basis",
        "explanation",
        "path",
        "law_version",
    }
    assert finding["path"] == [
        {"from": "p-anna", "relation": "make", "to": "p-olof"},
        {"from": "p-olof", "relation": "styrelseledamot", "to": "ankeby-hem"},
        {"from": "ankeby-hem", "relation": "sokande", "to": "MBN 2026/123"},
    ]
    assert finding["legal_basis"] == ["6 kap. 28 § första stycket 2 kommunallagen (2017:725)"]
    assert finding["explanation"]["sv"] and finding["explanation"]["en"]
    assert [p["person"] for p in result["participants"]] == ["p-anna", "p-dan"]


def test_evaluation_is_deterministic_and_leaves_the_snapshot_alone() -> None:
    snap = snapshot(_registry(), CONTRACT_EXAMPLE)
    before = repr(snap)
    first = json.dumps(evaluate(snap).to_dict(), sort_keys=True)
    assert all(json.dumps(evaluate(snap).to_dict(), sort_keys=True) == first for _ in range(5))
    assert repr(snap) == before


def test_a_participant_missing_from_the_registry_is_screened_and_clear() -> None:
    case = CaseFacts(
        ref="X 1",
        committee="nowhere",
        area="bygg",
        matter=Matter.OVRIGT,
        as_of=date(2024, 1, 1),
        participants=(ParticipantFacts("ghost", ParticipantRole.LEDAMOT),),
    )
    result = evaluate(FactsSnapshot(case=case))
    assert result.outcome == "clear"
    assert result.participants[0].facts_seen == 0
    assert result.participants[0].law_version == "KL2017v22"


def test_rule_vocabularies_match_the_contract_vocabularies() -> None:
    from app import vocabularies as contract  # the API's list of the contract codes
    from app.rules import vocab

    pairs = [
        (vocab.OrgKind, contract.OrganisationKind),
        (vocab.CommitteeKind, contract.CommitteeKind),
        (vocab.AppointmentRole, contract.AppointmentRole),
        (vocab.InterestKind, contract.InterestKind),
        (vocab.Matter, contract.Matter),
        (vocab.PartyRole, contract.PartyRole),
        (vocab.ParticipantRole, contract.ParticipantRole),
    ]
    for enum, literal in pairs:
        assert {e.value for e in enum} == set(contract.values(literal)), enum
    relations = {e.value for e in vocab.RelationKind} - {"underordnad"}
    assert relations == set(contract.values(contract.RelationKind))


def test_organisation_report_finds_each_kind_of_structural_risk() -> None:
    doc = {k: list(v) for k, v in REGISTRIES["ankeby"].items()}
    doc["committees"] += [
        {
            "ref": "mtn",
            "organisation": "borby",
            "kind": "namnd",
            "name": "Borby MTN",
            "responsibilities": [
                {"area": "va", "role": "drift"},
                {"area": "miljo_halsoskydd", "role": "tillsyn"},
            ],
        },
        {
            "ref": "vmf-mn",
            "organisation": "vmf",
            "kind": "namnd",
            "name": "Förbundets nämnd",
            "responsibilities": [
                {"area": "miljo_halsoskydd", "role": "tillsyn", "for": ["ankeby", "borby"]}
            ],
        },
    ]
    doc["appointments"] += [
        {"person": "p-gus", "body": {"committee": "ankeby-mbn"}, "role": "ledamot"},
        {"person": "p-gus", "body": {"committee": "ankeby-tn"}, "role": "ledamot"},
    ]
    found = {
        (f.ground, f.committee, f.administration or f.operation or f.area)
        for f in structural_report(organisation_snapshot(doc, "2024-05-01"))
    }
    assert ("egen_tillsyn", "mtn", "va") in found
    assert ("delad_forvaltning", "ankeby-mbn", "ankeby-sbf") in found
    assert ("samverkan_egen_drift", "vmf-mn", "ankeby-rv") in found
    assert ("dubbla_roller", "ankeby-mbn", "va") in found
    scoped = structural_report(organisation_snapshot(doc, "2024-05-01", scope=("borby",)))
    assert {f.committee for f in scoped} == {"mtn", "vmf-mn"}


def test_facts_refuse_impossible_shapes() -> None:
    import pytest

    from app.rules.facts import OperationFacts

    with pytest.raises(ValueError, match="exactly one operator"):
        OperationFacts("op", "va")
    with pytest.raises(ValueError, match="exactly one organisation or person"):
        InterestFacts(InterestKind.AGARE)
    with pytest.raises(ValueError, match="needs a ref"):
        PartyFacts(PartyKind.PERSON, PartyRole.PART)
