"""`GET /v1/rules`: every rule, every dated parameter a what-if may change, the version."""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import BaseModel, Field, JsonValue

from app.rules import REGISTRY, rules_version
from app.rules.parameter_overrides import value_type
from app.rules.parameters import Parameter, ParameterError, Parameters, default_parameters


class RuleInfo(BaseModel):
    id: str
    ground: str | list[str] = Field(description="The ground code (several for an exception)")
    level: str
    kind: str = Field(description="person, structural or exception")
    regime: str = Field(description="kl5, kl6 or fl")
    legal_basis: list[str]
    valid_from: date | None
    valid_to: date | None
    description: str
    catalogue: list[str]
    doc: str


class ParameterValueInfo(BaseModel):
    from_: date = Field(alias="from", description="In force from this date (inclusive)")
    to: date | None = Field(description="Until this date (inclusive); null: still in force")
    value: JsonValue
    policy: bool = Field(description="A product policy choice (true) or the statute's number")
    reference: str = Field(description="The source of the value")


class ParameterInfo(BaseModel):
    name: str = Field(description="The name a what-if uses in `parameters`")
    description: str
    unit: str
    type: str = Field(description="number, choice, mapping, boolean or text")
    whatif: bool = Field(default=True, description="May be changed in POST /v1/whatif")
    current: ParameterValueInfo | None = Field(
        description="The value in force today (null if none yet)"
    )
    values: list[ParameterValueInfo] = Field(description="Every dated value, oldest first")


class RulesCatalogue(BaseModel):
    rules_version: str = Field(description="Stamped on each screening")
    rules: list[RuleInfo]
    parameters: list[ParameterInfo]


def _values(parameter: Parameter) -> list[ParameterValueInfo]:
    out = []
    for i, v in enumerate(parameter.values):
        later = parameter.values[i + 1].since if i + 1 < len(parameter.values) else None
        out.append(
            ParameterValueInfo.model_validate(
                {
                    "from": v.since,
                    "to": later - timedelta(days=1) if later else None,
                    "value": v.value,
                    "policy": v.policy,
                    "reference": v.reference,
                }
            )
        )
    return out


def parameter_infos(params: Parameters, today: date) -> list[ParameterInfo]:
    infos = []
    for parameter in params.by_name.values():
        values = _values(parameter)
        try:
            current_since = parameter.at(today).since
            current = next(v for v in values if v.from_ == current_since)
        except ParameterError:
            current = None
        infos.append(
            ParameterInfo(
                name=parameter.name,
                description=parameter.description,
                unit=parameter.unit,
                type=value_type(parameter),
                current=current,
                values=values,
            )
        )
    return infos


def catalogue(today: date) -> RulesCatalogue:
    params = default_parameters()
    return RulesCatalogue(
        rules_version=rules_version(params),
        rules=[RuleInfo.model_validate(meta.to_dict()) for meta in REGISTRY.all()],
        parameters=parameter_infos(params, today),
    )
