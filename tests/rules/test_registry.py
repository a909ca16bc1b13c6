"""The rule registry refuses bad metadata at import time; every rule is well described."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from app.rules import REGISTRY, RULES_VERSION, list_rules
from app.rules.registry import Registry, RuleDefinitionError, RuleKind

GOOD: dict[str, Any] = {
    "id": "test_rule",
    "ground": "part",
    "level": "jav",
    "regime": "kl6",
    "legal_basis": ["6 kap. 28 § första stycket 1 kommunallagen (2017:725)"],
    "description": "A test rule.",
}


def documented(*_: object) -> list[object]:
    """A rule body with a docstring citing the statute."""
    return []


def register(registry: Registry, func: Callable[..., Any] = documented, **changes: Any) -> None:
    meta = {**GOOD, **changes}
    meta = {k: v for k, v in meta.items() if v is not ...}
    registry.rule(**meta)(func)


def test_a_good_rule_registers() -> None:
    registry = Registry()
    register(registry, valid_from=date(2022, 7, 1), catalogue=["kl6_28_p1_part_v22"])
    assert len(registry) == 1
    assert registry.get("test_rule").active_on(date(2022, 7, 1))
    assert not registry.get("test_rule").active_on(date(2022, 6, 30))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"legal_basis": []}, "missing or empty"),
        ({"legal_basis": ...}, "missing or empty"),
        ({"legal_basis": "6 kap. 28 §"}, "list of strings"),
        ({"legal_basis": [""]}, "non-empty strings"),
        ({"description": ""}, "missing or empty"),
        ({"description": "   "}, "non-empty string"),
        ({"colour": "blue"}, "unknown metadata keys"),
        ({"valid_from": date(2022, 7, 1), "valid_to": date(2022, 6, 30)}, "before valid_from"),
        ({"ground": "nepotism"}, "unknown ground"),
        ({"level": "maybe"}, "unknown level"),
        ({"regime": "eu"}, "unknown regime"),
        ({"id": "Bad Id"}, "lower-case identifier"),
        ({"ground": "egen_tillsyn"}, "does not fit"),
        ({"level": "risk"}, "does not fit"),
        ({"ground": ["part", "paverkan"]}, "only exception rules"),
        ({"kind": "exception"}, "level 'undantag'"),
        ({"valid_from": "2022-07-01"}, "must be a date"),
    ],
)
def test_bad_metadata_is_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(RuleDefinitionError, match=message):
        register(Registry(), **changes)


def test_duplicate_ids_are_refused() -> None:
    registry = Registry()
    register(registry)
    with pytest.raises(RuleDefinitionError, match="duplicate rule id"):
        register(registry)


def test_a_rule_without_docstring_is_refused() -> None:
    def bare(*_: object) -> list[object]:
        return []

    with pytest.raises(RuleDefinitionError, match="docstring"):
        register(Registry(), func=bare)


def test_an_exception_rule_may_name_several_grounds() -> None:
    registry = Registry()
    register(
        registry,
        ground=["stallforetradare", "generalklausul"],
        level="undantag",
        kind=RuleKind.EXCEPTION,
    )
    assert len(registry.get("test_rule").grounds) == 2


def test_every_registered_rule_is_documented_and_cites_the_catalogue() -> None:
    rules = list_rules()
    assert len(rules) == len(REGISTRY) >= 40
    for meta in rules:
        assert meta["legal_basis"] and meta["description"] and meta["doc"], meta["id"]
        assert meta["catalogue"], f"{meta['id']} cites no catalogue rule id"


def test_each_statute_point_has_exactly_one_rule_per_day() -> None:
    """For every regime, ground and kind, at most one rule is active on any boundary day,
    except the ombud points that coexist with the representation point before 2022."""
    days = [
        date(2003, 8, 31),
        date(2003, 9, 1),
        date(2017, 12, 31),
        date(2018, 1, 1),
        date(2018, 6, 30),
        date(2018, 7, 1),
        date(2022, 6, 30),
        date(2022, 7, 1),
    ]
    for day in days:
        seen: dict[tuple[str, str, str], list[str]] = {}
        for kind in RuleKind:
            for meta in REGISTRY.active(day, kind):
                if "ombud" in meta.id:
                    continue
                key = (str(meta.regime), str(meta.ground), str(kind))
                seen.setdefault(key, []).append(meta.id)
        clashes = {k: v for k, v in seen.items() if len(v) > 1 and k[2] != "structural"}
        assert not clashes, (day, clashes)


def test_rules_version_names_app_version_and_a_hash() -> None:
    version, _, digest = RULES_VERSION.partition("+")
    assert version and len(digest) == 12


def test_the_rules_version_follows_the_engines_source(monkeypatch: pytest.MonkeyPatch) -> None:
    """A change in what a rule decides or says (its code, its texts) gives a new rules
    version even where the metadata and parameters stay: replay and what-if rely on it."""
    from app.rules import engine

    names = [name for name, _ in engine.rules_source_files()]
    assert {"engine.py", "texts.py", "grounds/paverkan.py", "supervision.py"} <= set(names)
    before = engine.rules_version()
    engine._version.cache_clear()
    monkeypatch.setattr(engine, "rules_source_digest", lambda: b"other source")
    try:
        assert engine.rules_version() != before
    finally:
        engine._version.cache_clear()
