"""Strict reading of query strings: a parameter the route does not declare is a 422.

`/v1/persons?q=Ove` must not answer every person as if no filter had been asked for.
One dependency, on every `/v1` router, compares the query string with the parameters the
matched route declares (its own and those of its dependencies, such as pagination), and
names each unknown one with the closest declared name.

A value outside the vocabulary of an enumerated filter is refused the same way: typed
parameters (`Literal` vocabularies) by FastAPI's validation, and parameters whose
vocabulary lives in the database (areas) or in the answer (report sections) by
`refuse_unknown_values`, each with the closest known value.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any, Union, get_args, get_origin

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from app.errors import Unprocessable, json_pointer, templated_error
from app.strictmodel import closest

_DECLARED: dict[int, frozenset[str]] = {}
_SINGLE: dict[int, frozenset[str]] = {}
_SEQUENCES = (list, tuple, set, frozenset)


def _takes_several(annotation: Any) -> bool:
    """list[X], X | list[Y] | None, ...: may the parameter be repeated?"""
    origin = get_origin(annotation)
    if origin in _SEQUENCES:
        return True
    if origin is Union or (origin is not None and type(annotation).__name__ == "UnionType"):
        return any(_takes_several(arg) for arg in get_args(annotation))
    return False


def _query_names(dependant: Dependant) -> set[str]:
    names = {field.alias for field in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def _single_names(dependant: Dependant) -> set[str]:
    names = {
        field.alias
        for field in dependant.query_params
        if not _takes_several(field.field_info.annotation)
    }
    for sub in dependant.dependencies:
        names |= _single_names(sub)
    return names


def single_valued_query_parameters(route: APIRoute) -> frozenset[str]:
    """The declared parameters that take one value (a repeat would be read as the last)."""
    key = id(route)
    if key not in _SINGLE:
        _SINGLE[key] = frozenset(_single_names(route.dependant))
    return _SINGLE[key]


def declared_query_parameters(route: APIRoute) -> frozenset[str]:
    """Every query parameter name the route reads, through all its dependencies."""
    key = id(route)
    if key not in _DECLARED:
        _DECLARED[key] = frozenset(_query_names(route.dependant))
    return _DECLARED[key]


async def reject_unknown_query_parameters(request: Request) -> None:
    """Dependency: 422 naming every query parameter the route does not declare (memory
    only: async, no worker-thread round trip)."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or not request.query_params:
        return
    declared = declared_query_parameters(route)
    errors = []
    for name in dict.fromkeys(request.query_params.keys()):
        if name not in declared:
            error = templated_error(
                json_pointer([name]), "unknown_parameter", suggestion=closest(name, declared)
            )
            error.update({"in": "query", "parameter": name})
            errors.append(error)
    # `?parent=a&parent=b` would silently be read as `b`: a question nobody asked.
    single = single_valued_query_parameters(route)
    for name in dict.fromkeys(request.query_params.keys()):
        if name in single and len(request.query_params.getlist(name)) > 1:
            errors.append(
                {
                    "pointer": json_pointer([name]),
                    "detail": "given more than once; this parameter takes one value",
                    "code": "repeated_parameter",
                    "in": "query",
                    "parameter": name,
                }
            )
    if errors:
        raise Unprocessable(errors=errors)


def _alternatives(known: Collection[str]) -> str:
    """'a', 'b' or 'c', as pydantic words the expected values of a literal."""
    quoted = [f"'{value}'" for value in known]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


def refuse_unknown_values(
    parameter: str, given: str | Sequence[str] | None, known: Collection[str]
) -> None:
    """422 naming each value of a query parameter outside its vocabulary (like FastAPI's
    literal errors: `/area` for one value, `/kind/1` for the second of a repeated one),
    with the closest known value as the suggestion."""
    if given is None:
        return
    values = [given] if isinstance(given, str) else list(given)
    errors = []
    for i, value in enumerate(values):
        if value in known:
            continue
        loc: list[str | int] = [parameter] if isinstance(given, str) else [parameter, i]
        error = templated_error(
            json_pointer(loc),
            "unknown_vocabulary",
            expected=_alternatives(sorted(known)),
            suggestion=closest(value, known),
        )
        error.update({"in": "query", "parameter": parameter})
        errors.append(error)
    if errors:
        raise Unprocessable(errors=errors)
