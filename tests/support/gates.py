"""Holding the first call of a route's service inside the route, for the tests of the
per-process gates (import and screening turns): the first call waits there until the
test lets it go, and every call that starts is recorded."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

WAIT_S = 30.0  # a bound on waits that should end at once; never reached when all is well


class Held:
    """What a held service reports: the labels of the calls that started, in order, an
    event set once the first is inside, and the event that lets it go."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.first_in = threading.Event()
        self.release = threading.Event()


def hold_first_call(
    monkeypatch: pytest.MonkeyPatch,
    module: Any,
    name: str,
    label: Callable[[Any, Any, Any], str],
) -> Held:
    """Replace `module.name(session, principal, body, **kwargs)`: record `label(session,
    principal, body)` for each call; the first waits for `release` once it has set
    `first_in`, then every call runs the original."""
    held = Held()
    original: Callable[..., Any] = getattr(module, name)

    def recording(session: Any, principal: Any, body: Any, **kwargs: Any) -> Any:
        held.started.append(label(session, principal, body))
        if len(held.started) == 1:
            held.first_in.set()
            assert held.release.wait(WAIT_S)
        return original(session, principal, body, **kwargs)

    monkeypatch.setattr(module, name, recording)
    return held
