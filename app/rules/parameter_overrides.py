"""Changed rule parameters for a what-if: checked against each parameter's type, applied
to every dated value, and stamped with a rules version of their own.

A what-if asks "what if this parameter were V?": V replaces the parameter's value on every
date it has one (the dates themselves, and so which act a date falls under, do not move).
The type a new value must have is the type of the values the parameters file gives: a
number for thresholds, periods and scores (with the unit's bounds), a choice among the
codes the rules know, a mapping of area -> list of areas.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from app.rules.parameters import Parameter, Parameters

#: The codes a `choice` parameter may take (the rules read no others).
CHOICES: dict[str, tuple[str, ...]] = {
    "ansvarsfrihet_audit_period": ("previous_calendar_year",),
}
BOUNDS: dict[str, tuple[float, float]] = {
    "percent": (0.0, 100.0),
    "score": (0.0, 100.0),
    "years": (0.0, 100.0),
}


class OverrideError(ValueError):
    """A changed value that does not fit its parameter (named by ``parameter``)."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter


def value_type(parameter: Parameter) -> str:
    """number, choice, mapping or text: what the parameters file gives for it."""
    sample = parameter.values[0].value
    if isinstance(sample, bool):
        return "boolean"
    if isinstance(sample, int | float):
        return "number"
    if isinstance(sample, dict):
        return "mapping"
    return "choice" if parameter.name in CHOICES else "text"


def check_value(parameter: Parameter, value: Any) -> Any:
    """The value, if it fits the parameter's type and unit; else OverrideError."""
    kind, name = value_type(parameter), parameter.name
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise OverrideError(name, f"must be a number ({parameter.unit})")
        low, high = BOUNDS.get(parameter.unit, (-math.inf, math.inf))
        if not (math.isfinite(value) and low <= value <= high):
            raise OverrideError(name, f"must be between {low:g} and {high:g} ({parameter.unit})")
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            raise OverrideError(name, "must be true or false")
        return value
    if kind == "mapping":
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, list) and all(isinstance(a, str) for a in v)
            for k, v in value.items()
        ):
            raise OverrideError(name, "must map each area to a list of areas")
        return value
    allowed = CHOICES.get(name)
    if not isinstance(value, str) or (allowed is not None and value not in allowed):
        raise OverrideError(name, f"must be one of: {', '.join(allowed or ('a text',))}")
    return value


def with_overrides(params: Parameters, overrides: Mapping[str, Any]) -> Parameters:
    """A copy of ``params`` with each named parameter's values replaced (checked first).

    Unknown names raise OverrideError naming them; the copy's ``text`` (and so its rules
    version) differs from the original's whenever a value is given.
    """
    changed = Parameters.__new__(Parameters)
    by_name = dict(params.by_name)
    for name, value in overrides.items():
        parameter = by_name.get(name)
        if parameter is None:
            raise OverrideError(name, "unknown parameter (GET /v1/rules lists them)")
        checked = check_value(parameter, value)
        values = tuple(replace(v, value=checked, reference="what-if") for v in parameter.values)
        by_name[name] = replace(parameter, values=values)
    stamp = json.dumps(dict(sorted(overrides.items())), sort_keys=True, ensure_ascii=False)
    changed.text = params.text + ("\n# what-if: " + stamp if overrides else "")
    changed.by_name = by_name
    return changed
