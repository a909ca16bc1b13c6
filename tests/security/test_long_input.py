"""Over-long strings never reach the database as a 500.

Every string in the body of every write (one at a time) and every query parameter the
OpenAPI document declares is replaced by a string longer than any column; the answer
must be a 4xx problem (or a success, where the value is only compared, never stored).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import Connection

from tests.security.scope_cells import CELLS, LEAF_DOCUMENT
from tests.security.scope_world import World, build
from tests.support.api import ApiClient
from tests.support.registry import import_document

LONG = "Å" * 5000  # longer than any column (the longest is 4000), and not ASCII


def string_paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, str):
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from string_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from string_paths(item, (*path, index))


def replaced(body: Any, path: tuple[Any, ...]) -> Any:
    body = copy.deepcopy(body)
    node = body
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = LONG
    return body


@pytest.fixture
def world(admin: ApiClient, client_for: Any) -> World:
    world = build(admin, client_for)
    import_document(admin, LEAF_DOCUMENT)
    return world


def test_long_strings_in_bodies_are_refused_not_500(
    admin: ApiClient, world: World, connection: Connection
) -> None:
    failures = []
    tried = 0
    for (method, route), cell in sorted(CELLS.items()):
        if method not in ("POST", "PUT", "PATCH"):
            continue
        path, body = cell(world).in_
        for where in string_paths(body):
            savepoint = connection.begin_nested()
            try:
                response = admin.request(method, path, json=replaced(body, where))
            finally:
                savepoint.rollback()
            tried += 1
            if response.status_code >= 500:
                failures.append(f"{method} {route} {where}: {response.status_code}")
    assert tried > 50
    assert not failures, "\n".join(failures)


def test_long_query_parameters_are_refused_not_500(app: FastAPI, admin: ApiClient) -> None:
    document = app.openapi()
    failures = []
    for path, item in document["paths"].items():
        operation = item.get("get")
        if operation is None or "{" in path:
            continue
        for parameter in operation.get("parameters", []):
            if parameter["in"] != "query":
                continue
            response = admin.get(path, params={parameter["name"]: LONG[:3000]})
            if response.status_code >= 500:
                failures.append(f"GET {path}?{parameter['name']}=…: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_a_long_ref_in_a_path_is_not_500(admin: ApiClient) -> None:
    for path in ("/v1/cases/", "/v1/persons/", "/v1/screenings/", "/v1/audit/"):
        response = admin.get(path + "x" * 3000)
        assert response.status_code < 500, path
