"""The two-kommun world most attack files start from (`scope_world.build`): Ankeby and
Cederby, a stored case, screening and decision in each, and keys scoped to each. A file
that needs another world defines its own `world` fixture, which pytest prefers."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.security.scope_world import World, build
from tests.support.api import ApiClient


@pytest.fixture
def world(admin: ApiClient, client_for: Callable[..., ApiClient]) -> World:
    return build(admin, client_for)
