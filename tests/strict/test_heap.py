"""The serving process freezes its start-up heap (app/heap.py) and leaves the office
writers unloaded until a document is asked for (app/office.py): issue 15, p99 and memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import gc, json, sys
import app.asgi
tracked = len(gc.get_objects())
print(json.dumps({
    "frozen": gc.get_freeze_count(),
    "tracked": tracked,
    "office": sorted({m.split(".")[0] for m in sys.modules}
                     & {"openpyxl", "docx", "numpy", "lxml"}),
}))
"""


def _probe(tmp_path: Path) -> dict[str, object]:
    # Outside the checkout (as the installed service runs), on a database of its own.
    url = f"sqlite:///{tmp_path / 'heap.db'}"
    env = {**os.environ, "JAVSKOLL_DATABASE_URL": url, "DATABASE_URL": url}
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed code
        [sys.executable, "-c", PROBE],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_a_serving_process_freezes_what_it_built_at_start_up(tmp_path: Path) -> None:
    probe = _probe(tmp_path)
    frozen, tracked = probe["frozen"], probe["tracked"]
    assert isinstance(frozen, int) and isinstance(tracked, int)
    # The whole start-up heap is out of the collector's walk: what it still tracks is a
    # small remainder (objects made after the freeze, by the probe itself).
    assert frozen > 100_000, probe
    assert tracked < frozen // 20, probe


def test_a_serving_process_loads_no_office_writer_until_a_document_is_asked_for(
    tmp_path: Path,
) -> None:
    assert _probe(tmp_path)["office"] == [], "openpyxl/python-docx are loaded on first use"
