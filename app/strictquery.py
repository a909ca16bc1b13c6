"""Strict reading of query strings: a parameter the route does not declare is a 422.

`/v1/persons?q=Ove` must not answer every person as if no filter had been asked for.
One dependency, on every `/v1` router, compares the query string with the parameters the
matched route declares (its own and those of its dependencies, such as pagination), and
names each unknown one with the closest declared name.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from app.errors import Unprocessable, json_pointer, templated_error
from app.strictmodel import closest

_DECLARED: dict[int, frozenset[str]] = {}


def _query_names(dependant: Dependant) -> set[str]:
    names = {field.alias for field in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def declared_query_parameters(route: APIRoute) -> frozenset[str]:
    """Every query parameter name the route reads, through all its dependencies."""
    key = id(route)
    if key not in _DECLARED:
        _DECLARED[key] = frozenset(_query_names(route.dependant))
    return _DECLARED[key]


def reject_unknown_query_parameters(request: Request) -> None:
    """Dependency: 422 naming every query parameter the route does not declare."""
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
    if errors:
        raise Unprocessable(errors=errors)
