"""Dated parameters (``parameters.yaml``): loaded and checked once, resolved at as_of."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped, unused-ignore]

PARAMETERS_FILE = Path(__file__).with_name("parameters.yaml")


class ParameterError(ValueError):
    """The parameters file is malformed, or a parameter is unknown or not yet in force."""


@dataclass(frozen=True, slots=True)
class ParameterValue:
    name: str
    value: Any
    since: date
    reference: str
    policy: bool


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    description: str
    unit: str
    values: tuple[ParameterValue, ...]  # sorted by since

    def at(self, day: date) -> ParameterValue:
        index = bisect_right([v.since for v in self.values], day) - 1
        if index < 0:
            raise ParameterError(f"parameter {self.name!r} has no value on {day}")
        return self.values[index]


def _value(name: str, raw: Any) -> ParameterValue:
    if not isinstance(raw, dict) or set(raw) != {"from", "value", "policy", "reference"}:
        raise ParameterError(f"{name}: each value needs exactly from, value, policy, reference")
    since, policy, reference = raw["from"], raw["policy"], raw["reference"]
    if not isinstance(since, date) or not isinstance(policy, bool):
        raise ParameterError(f"{name}: 'from' must be a date and 'policy' a boolean")
    if not isinstance(reference, str) or not reference.strip():
        raise ParameterError(f"{name}: every value needs a reference")
    return ParameterValue(name, raw["value"], since, " ".join(reference.split()), policy)


def _parameter(name: str, raw: Any) -> Parameter:
    if not isinstance(raw, dict) or not {"description", "unit", "values"} <= set(raw):
        raise ParameterError(f"{name}: needs description, unit and values")
    values = tuple(_value(name, v) for v in raw["values"] or ())
    dates = [v.since for v in values]
    if not values or dates != sorted(set(dates)):
        raise ParameterError(f"{name}: values must be non-empty with increasing dates")
    return Parameter(name, " ".join(str(raw["description"]).split()), str(raw["unit"]), values)


class Parameters:
    """All parameters of one file; ``get(name, day)`` resolves a value at a date."""

    def __init__(self, text: str) -> None:
        raw = yaml.safe_load(text)
        if not isinstance(raw, dict):
            raise ParameterError("the parameters file must be a mapping")
        self.text = text
        self.by_name = {str(k): _parameter(str(k), v) for k, v in raw.items()}

    def get(self, name: str, day: date) -> ParameterValue:
        try:
            parameter = self.by_name[name]
        except KeyError:
            raise ParameterError(f"unknown parameter {name!r}") from None
        return parameter.at(day)

    def value(self, name: str, day: date) -> Any:
        return self.get(name, day).value


def load_parameters(path: Path = PARAMETERS_FILE) -> Parameters:
    return Parameters(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def default_parameters() -> Parameters:
    """The packaged parameters, loaded once per process."""
    return load_parameters()
