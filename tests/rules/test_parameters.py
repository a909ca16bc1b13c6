"""Dated parameters: resolved at as_of, every value with a reference and a policy flag."""

from __future__ import annotations

from datetime import date

import pytest

from app.rules.parameters import ParameterError, Parameters, default_parameters


def test_every_value_has_a_reference_and_a_policy_flag() -> None:
    params = default_parameters()
    assert params.by_name
    for parameter in params.by_name.values():
        for value in parameter.values:
            assert value.reference and isinstance(value.policy, bool)


def test_values_resolve_at_as_of() -> None:
    params = default_parameters()
    assert params.value("paverkan_share_jav_inte_ovasentlig", date(2022, 7, 1)) == 10
    assert params.value("stallforetradare_ended_role_jav_years", date(2024, 1, 1)) == 4
    assert params.get("municipal_share_min", date(2024, 1, 1)).policy is False
    with pytest.raises(ParameterError, match="no value"):
        params.value("paverkan_share_jav_inte_ovasentlig", date(2018, 6, 30))
    with pytest.raises(ParameterError, match="unknown parameter"):
        params.value("nope", date(2024, 1, 1))


def test_a_later_value_takes_over_from_its_date() -> None:
    params = Parameters("""
x:
  description: d
  unit: percent
  values:
    - {from: 2018-01-01, value: 10, policy: true, reference: r1}
    - {from: 2024-01-01, value: 20, policy: true, reference: r2}
""")
    assert params.value("x", date(2023, 12, 31)) == 10
    assert params.get("x", date(2024, 1, 1)).reference == "r2"


@pytest.mark.parametrize(
    "text",
    [
        "x: {description: d, unit: u, values: [{from: 2018-01-01, value: 1, policy: true}]}",
        "x: {description: d, unit: u, values: [{from: 2018-01-01, value: 1, policy: yes-ish, "
        "reference: r}]}",
        "x: {description: d, unit: u, values: []}",
        "x: {description: d, unit: u, values: [{from: 2019-01-01, value: 1, policy: true, "
        "reference: r}, {from: 2018-01-01, value: 2, policy: true, reference: r}]}",
        "x: {unit: u, values: []}",
    ],
)
def test_malformed_parameters_are_refused(text: str) -> None:
    with pytest.raises(ParameterError):
        Parameters(text)
