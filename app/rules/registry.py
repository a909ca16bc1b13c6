"""Rule metadata, the ``@rule`` decorator and the registry that checks it at import time.

Modelled on OpenFisca's ``Variable`` + ``TaxBenefitSystem.add_variable``: every rule is a
small pure function whose metadata (id, ground, level, legal basis, validity, regime)
lives in the decorator, and the registry refuses bad metadata when the module is
imported, not when a screening runs. Registration is explicit: ``app.rules.grounds``
imports each ground module.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from app.rules.vocab import PERSON_GROUNDS, STRUCTURAL_GROUNDS, Ground, Level

F = TypeVar("F", bound=Callable[..., Any])


class Regime(StrEnum):
    """Which body of law a rule belongs to (rules.md §1)."""

    KL5 = "kl5"  # fullmäktige: KL 5 kap. 47-48 §§ (KL 1991 5 kap. 20 §)
    KL6 = "kl6"  # nämnder and staff: KL 6 kap. 28-32 §§, 7 kap. 4 § (KL 1991 6 kap. 24-27 §§)
    FL = "fl"  # state authorities: FL 2017:900 16-18 §§ (FL 1986:223 11-12 §§)


class RuleKind(StrEnum):
    PERSON = "person"  # (ctx, subjects) -> Iterable[Hit]
    EXCEPTION = "exception"  # (ctx, hit) -> bool: the exception removes this hit's ground
    STRUCTURAL = "structural"  # (ctx) -> Iterable[StructuralHit]


class RuleDefinitionError(ValueError):
    """Raised at import time when a rule's metadata is refused."""


ALLOWED_KEYS = frozenset(
    {
        "id",
        "ground",
        "level",
        "legal_basis",
        "valid_from",
        "valid_to",
        "regime",
        "description",
        "catalogue",
        "kind",
    }
)
REQUIRED_KEYS = frozenset({"id", "ground", "level", "legal_basis", "regime", "description"})
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True, slots=True)
class RuleMeta:
    id: str
    grounds: tuple[Ground, ...]
    level: Level
    legal_basis: tuple[str, ...]
    regime: Regime
    description: str
    kind: RuleKind
    valid_from: date | None
    valid_to: date | None
    catalogue: tuple[str, ...]
    func: Callable[..., Any]

    @property
    def ground(self) -> Ground:
        """The ground of the findings this rule produces (the first for exceptions)."""
        return self.grounds[0]

    def active_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready metadata (``GET /v1/rules``)."""
        return {
            "id": self.id,
            "ground": [str(g) for g in self.grounds] if len(self.grounds) > 1 else str(self.ground),
            "level": str(self.level),
            "kind": str(self.kind),
            "regime": str(self.regime),
            "legal_basis": list(self.legal_basis),
            "valid_from": None if self.valid_from is None else self.valid_from.isoformat(),
            "valid_to": None if self.valid_to is None else self.valid_to.isoformat(),
            "description": self.description,
            "catalogue": list(self.catalogue),
            "doc": (self.func.__doc__ or "").strip(),
        }


def _fail(rule_id: object, message: str) -> RuleDefinitionError:
    return RuleDefinitionError(f"rule {rule_id!r}: {message}")


def _enum(cls: type[StrEnum], value: object, rule_id: object, what: str) -> Any:
    if not isinstance(value, str):
        raise _fail(rule_id, f"unknown {what} {value!r}")
    try:
        return cls(value)
    except ValueError:
        raise _fail(rule_id, f"unknown {what} {value!r}") from None


def _strings(value: object, rule_id: object, what: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise _fail(rule_id, f"{what} must be a list of strings")
    items = tuple(value)
    if not all(isinstance(s, str) and s.strip() for s in items):
        raise _fail(rule_id, f"{what} must hold non-empty strings")
    return items


def _date(value: object, rule_id: object, what: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    raise _fail(rule_id, f"{what} must be a date or None")


def _kind(meta: dict[str, Any], level: Level, rule_id: object) -> RuleKind:
    default = RuleKind.STRUCTURAL if level is Level.RISK else RuleKind.PERSON
    kind: RuleKind = _enum(RuleKind, meta.get("kind", default), rule_id, "kind")
    if (kind is RuleKind.STRUCTURAL) != (level is Level.RISK):
        raise _fail(rule_id, "structural rules and only they have level 'risk'")
    if kind is RuleKind.EXCEPTION and level is not Level.UNDANTAG:
        raise _fail(rule_id, "an exception rule has level 'undantag'")
    return kind


def _grounds(value: object, kind: RuleKind, rule_id: object) -> tuple[Ground, ...]:
    raw = value if isinstance(value, (list, tuple)) else [value]
    grounds = tuple(_enum(Ground, g, rule_id, "ground") for g in raw)
    if not grounds:
        raise _fail(rule_id, "ground is empty")
    allowed = STRUCTURAL_GROUNDS if kind is RuleKind.STRUCTURAL else PERSON_GROUNDS
    if any(g not in allowed for g in grounds):
        raise _fail(rule_id, f"ground {grounds} does not fit a {kind} rule")
    if kind is not RuleKind.EXCEPTION and len(grounds) > 1:
        raise _fail(rule_id, "only exception rules may name several grounds")
    return grounds


def build_meta(meta: dict[str, Any], func: Callable[..., Any]) -> RuleMeta:
    """Validate decorator metadata and return a RuleMeta (raises RuleDefinitionError)."""
    rule_id = meta.get("id")
    unknown = set(meta) - ALLOWED_KEYS
    if unknown:
        raise _fail(rule_id, f"unknown metadata keys {sorted(unknown)}")
    missing = REQUIRED_KEYS - {k for k, v in meta.items() if v not in (None, "", [], ())}
    if missing:
        raise _fail(rule_id, f"missing or empty metadata {sorted(missing)}")
    if not isinstance(rule_id, str) or not _ID.match(rule_id):
        raise _fail(rule_id, "id must be a lower-case identifier")
    description = meta["description"]
    if not isinstance(description, str) or not description.strip():
        raise _fail(rule_id, "description must be a non-empty string")
    if not (func.__doc__ or "").strip():
        raise _fail(rule_id, "the rule function needs a docstring citing the statute")
    level: Level = _enum(Level, meta["level"], rule_id, "level")
    kind = _kind(meta, level, rule_id)
    valid_from = _date(meta.get("valid_from"), rule_id, "valid_from")
    valid_to = _date(meta.get("valid_to"), rule_id, "valid_to")
    if valid_from and valid_to and valid_to < valid_from:
        raise _fail(rule_id, f"valid_to {valid_to} is before valid_from {valid_from}")
    return RuleMeta(
        id=rule_id,
        grounds=_grounds(meta["ground"], kind, rule_id),
        level=level,
        legal_basis=_strings(meta["legal_basis"], rule_id, "legal_basis"),
        regime=_enum(Regime, meta["regime"], rule_id, "regime"),
        description=description.strip(),
        kind=kind,
        valid_from=valid_from,
        valid_to=valid_to,
        catalogue=_strings(meta.get("catalogue", ()), rule_id, "catalogue"),
        func=func,
    )


class Registry:
    """Holds rules by id; refuses duplicates. One global instance: :data:`REGISTRY`."""

    def __init__(self) -> None:
        self._rules: dict[str, RuleMeta] = {}
        self._active: dict[tuple[date, RuleKind], tuple[RuleMeta, ...]] = {}

    def rule(self, **meta: Any) -> Callable[[F], F]:
        """Decorator registering a rule function with its metadata."""

        def decorate(func: F) -> F:
            self.add(build_meta(meta, func))
            return func

        return decorate

    def add(self, meta: RuleMeta) -> None:
        if meta.id in self._rules:
            raise _fail(meta.id, "duplicate rule id")
        self._rules[meta.id] = meta
        self._active.clear()

    def __len__(self) -> int:
        return len(self._rules)

    def get(self, rule_id: str) -> RuleMeta:
        return self._rules[rule_id]

    def all(self) -> tuple[RuleMeta, ...]:
        return tuple(self._rules[k] for k in sorted(self._rules))

    def active(self, day: date, kind: RuleKind) -> tuple[RuleMeta, ...]:
        """Rules of a kind in force on ``day``, in id order (cached per day)."""
        key = (day, kind)
        found = self._active.get(key)
        if found is None:
            found = tuple(m for m in self.all() if m.kind is kind and m.active_on(day))
            if len(self._active) > 4096:
                self._active.clear()
            self._active[key] = found
        return found

    def fingerprint(self, extra: bytes = b"") -> str:
        """Short hash of the sorted rule metadata (and ``extra``, the parameters file)."""
        metas = [{k: v for k, v in m.to_dict().items() if k != "doc"} for m in self.all()]
        payload = json.dumps(metas, sort_keys=True).encode()
        return hashlib.sha256(payload + b"\0" + extra).hexdigest()[:12]


REGISTRY = Registry()
rule = REGISTRY.rule
