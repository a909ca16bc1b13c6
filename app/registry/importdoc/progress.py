"""Progress of an import, for whoever watches it (the command line's progress bar).

The import reports how many document items it has got through: all of them once the
document is validated, then each section's items as the section is written. A caller
that wants to know installs a callback for the duration of the import; the API installs
none, and reporting then costs one context-variable lookup per section.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

# (stage, items done in this step): stage is "validated" or a section name.
Callback = Callable[[str, int], None]

_callback: ContextVar[Callback | None] = ContextVar("import_progress", default=None)


@contextmanager
def reporting(callback: Callback) -> Iterator[None]:
    token = _callback.set(callback)
    try:
        yield
    finally:
        _callback.reset(token)


def advance(stage: str, items: int) -> None:
    callback = _callback.get()
    if callback is not None:
        callback(stage, items)
