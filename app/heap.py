"""The serving process's heap: what the cyclic garbage collector need not walk.

A worker starts with about 250,000 long-lived objects (modules, the SQLAlchemy mapping,
Pydantic's schemas, the routes). A full collection walks all of them: about 190 ms on a
2-core test machine, charged to whichever request happens to trigger it, which was the
p99 tail of screenings at national scale (BENCHMARKS.md, run G). They live as long as
the process, so they are moved out of the collector's sight once, at start-up
(`gc.freeze`, as CPython's documentation suggests for a pre-fork server); the collector
then walks only what requests create.
"""

from __future__ import annotations

import gc


def freeze_startup_objects() -> int:
    """Collect start-up garbage, then exempt every surviving object from collection.

    Returns how many objects are now frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
