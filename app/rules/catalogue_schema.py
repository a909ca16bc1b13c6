"""The shape of `GET /v1/rules`, for the OpenAPI document (app.openapi documents it).

The catalogue is built as plain data from the rule registry and the dated parameters;
extra fields are allowed so that metadata added later does not break a generated client.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class RuleOut(_Open):
    id: str = Field(description="The rule id, e.g. `kl6_28_p1_part_v22`")
    ground: str | list[str] = Field(description="The ground code (or codes) it finds")
    level: str = Field(description="The level of its findings (jav, mojligt_jav, undantag, risk)")
    kind: str = Field(description="What kind of rule it is")
    regime: str = Field(description="The law it belongs to (kommunallagen, förvaltningslagen)")
    legal_basis: list[str] = Field(description="Statute references")
    valid_from: str | None = Field(description="First day the rule applies (YYYY-MM-DD)")
    valid_to: str | None = Field(description="Last day the rule applies (YYYY-MM-DD)")
    description: str = Field(description="What the rule finds")
    catalogue: list[str] = Field(description="Sources in docs/legal that the rule follows")
    doc: str = Field(description="The rule's own documentation")


class ParameterValue(_Open):
    from_: str = Field(alias="from", description="First day of this value (YYYY-MM-DD)")
    value: Any = Field(description="The value")
    policy: Any = Field(default=None, description="Whether the value is a policy choice")
    reference: Any = Field(default=None, description="Where the value comes from")


class ParameterOut(_Open):
    name: str = Field(description="The parameter's name")
    description: str = Field(description="What it controls")
    unit: str | None = Field(default=None, description="Its unit")
    values: list[ParameterValue] = Field(description="Its values by date")


class RulesCatalogue(_Open):
    """Every rule, the dated parameters and the rules version stamped on each screening."""

    rules_version: str = Field(description="The rules version")
    rules: list[RuleOut] = Field(description="Every registered rule")
    parameters: list[ParameterOut] = Field(description="The dated parameters")
