"""The house in order (issue 10 item 7): tools beside the product, one name folding."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from app.registry.names import name_key
from app.screening.names import fold

REPO_ROOT = Path(__file__).resolve().parents[2]
TOOLS = ("matplotlib", "py_spy", "pyinstrument", "psutil", "bench")


def test_the_service_and_the_cli_do_not_import_the_benchmark_tooling(tmp_path: Path) -> None:
    # In a fresh interpreter outside the checkout: as the installed service runs (on a
    # database of its own: app.asgi opens the configured one, by default in the cwd).
    url = f"sqlite:///{tmp_path / 'house.db'}"
    code = (
        "import sys, app.main, app.cli, app.asgi\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {TOOLS!r}))"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed code
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={**os.environ, "JAVSKOLL_DATABASE_URL": url, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.strip() == "[]", result.stdout + result.stderr
    assert not (REPO_ROOT / "app" / "bench").exists()


def test_names_fold_the_same_way_for_search_and_matching() -> None:
    for name in ("Guðrún Þórsdóttir", "Đorđe Łukasz", "Søren Ærø", "Åsa Öberg-Straße"):
        assert name_key(name) == fold(name), name
    assert name_key("Guðrún") == "gudrun"
    assert name_key("Đorđe") == "dorde"
