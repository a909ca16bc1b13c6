"""Stored facts round-trip: serialise -> deserialise -> evaluate gives the same evaluation.

Over every shared scenario and every YAML legal case (tests/rules/cases), and, as a
property, over scenarios screened on arbitrary dates (different facts are valid, other
acts apply).
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.rules import evaluate
from app.rules.facts import FactsSnapshot
from app.screening.facts_codec import FactsFormatError, decode, encode
from tests.rules.builder import snapshot
from tests.rules.test_cases import load_cases, registry_document
from tests.screening.test_scenarios import SCENARIOS

PNR_SHAPED = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+]?\d{4}(?!\d)")
SCENARIO_FILES = sorted(SCENARIOS.glob("*.json"))
SCENARIO_DATA = [json.loads(p.read_text(encoding="utf-8")) for p in SCENARIO_FILES]


def assert_round_trip(original: FactsSnapshot) -> None:
    text = encode(original)
    restored = decode(text)
    assert encode(restored) == text  # canonical: the same facts give the same text
    assert evaluate(restored) == evaluate(original)
    # No personnummer (nor any number shaped like one) in clear.
    assert PNR_SHAPED.search(text) is None


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=[p.stem for p in SCENARIO_FILES])
def test_every_scenario_round_trips(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert_round_trip(snapshot(data["registry"], data["case"]))


@pytest.mark.parametrize("case", load_cases())
def test_every_legal_case_round_trips(case: dict[str, Any]) -> None:
    facts = snapshot(registry_document(case["facts"]), case["case"], case["as_of"])
    assert_round_trip(facts)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    index=st.integers(min_value=0, max_value=max(len(SCENARIO_DATA) - 1, 0)),
    day=st.dates(min_value=date(1985, 1, 1), max_value=date(2030, 12, 31)),
)
def test_any_scenario_on_any_date_round_trips(index: int, day: date) -> None:
    data = SCENARIO_DATA[index]
    try:
        facts = snapshot(data["registry"], data["case"], day)
        expected = evaluate(facts)
    except ValueError:
        return  # no law or parameter in force that day: nothing to store
    restored = decode(encode(facts))
    assert evaluate(restored) == expected


def test_the_stored_form_is_compact_and_leaves_defaults_out() -> None:
    facts = snapshot(SCENARIO_DATA[0]["registry"], SCENARIO_DATA[0]["case"])
    text = encode(facts)
    assert ": " not in text and ", " not in text.replace('", "', "")
    assert '"valid_from":null' not in text and '"interests":[]' not in text


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        '{"format": 99, "snapshot": {}}',
        '{"format": 1, "snapshot": {"case": {"ref": "X"}}}',
        '{"format": 1, "snapshot": {"case": {}, "surprise": 1}}',
    ],
)
def test_facts_that_do_not_fit_are_refused(text: str) -> None:
    with pytest.raises(FactsFormatError):
        decode(text)
