"""The compiled facts encoder (one encoder per type, issue 15) writes exactly the text the
plain field-by-field walk wrote, over every shared scenario and every YAML legal case:
stored facts and their hashes do not change."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any

import pytest

from app.rules.facts import FactsSnapshot, OrganisationFacts, Ownership
from app.rules.vocab import OrgKind
from app.screening.facts_codec import FACTS_FORMAT, EncodedFacts, decode, encode, facts_hash
from tests.rules.builder import snapshot
from tests.rules.test_cases import load_cases, registry_document
from tests.screening.test_facts_roundtrip import SCENARIO_FILES


def _walk(value: Any) -> Any:
    """The encoder as it was before: a type test per value, fields read each time."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            if f.default is not dataclasses.MISSING:
                default = item == f.default
            elif f.default_factory is not dataclasses.MISSING:
                default = item == f.default_factory()
            else:
                default = False
            if not default:
                out[f.name] = _walk(item)
        return out
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_walk(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _walk(v) for k, v in value.items()}
    return value


def reference_text(facts: FactsSnapshot, salt: str | None = None) -> str:
    body: dict[str, Any] = {"format": FACTS_FORMAT, "snapshot": _walk(facts)}
    if salt is not None:
        body["salt"] = salt
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=[p.stem for p in SCENARIO_FILES])
def test_scenario_facts_encode_as_before(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    facts = snapshot(data["registry"], data["case"])
    assert encode(facts) == reference_text(facts)


@pytest.mark.parametrize("case", load_cases())
def test_legal_case_facts_encode_as_before(case: dict[str, Any]) -> None:
    facts = snapshot(registry_document(case["facts"]), case["case"], case["as_of"])
    assert encode(facts) == reference_text(facts)


@pytest.mark.parametrize("share", [1e-05, 2.5e-07, 1e16, 3e22, float("nan"), 0.0001, 99.5])
def test_floats_orjson_writes_differently_go_through_the_json_module(share: float) -> None:
    data = json.loads(SCENARIO_FILES[0].read_text(encoding="utf-8"))
    facts = snapshot(data["registry"], data["case"])
    owned = OrganisationFacts(
        ref="org-x", kind=OrgKind.AKTIEBOLAG, owners=(Ownership("org-y", share),)
    )
    facts = dataclasses.replace(facts, organisations={**facts.organisations, "org-x": owned})
    assert encode(facts) == reference_text(facts)
    encoded = EncodedFacts.of(facts, salt="0f" * 16)
    assert encoded.text == reference_text(facts, "0f" * 16)
    assert encoded.hash == facts_hash(reference_text(facts, "0f" * 16))
    assert encode(decode(encoded.text)) == encode(facts)


def test_every_stored_text_has_a_salt_of_its_own() -> None:
    data = json.loads(SCENARIO_FILES[0].read_text(encoding="utf-8"))
    facts = snapshot(data["registry"], data["case"])
    first, second = EncodedFacts.of(facts), EncodedFacts.of(facts)
    assert first.hash != second.hash
    assert encode(decode(first.text)) == encode(decode(second.text)) == encode(facts)
    assert len(json.loads(first.text)["salt"]) == 32
