"""Fixtures for the decision and rerun tests: a screener and a screened stored case."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.decisions.flow import world
from tests.support.api import ApiClient


@pytest.fixture
def screener(client_for: Callable[..., ApiClient]) -> ApiClient:
    return client_for("screener")


@pytest.fixture
def screening(admin: ApiClient, screener: ApiClient) -> dict[str, Any]:
    return world(admin, screener)
