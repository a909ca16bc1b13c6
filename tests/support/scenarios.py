"""The worked scenarios in ../shared/scenarios (beside the repository, or above a worktree)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]


def scenarios_dir() -> Path:
    """The nearest `shared/scenarios` beside the repository or one of its parent folders."""
    for folder in REPO_ROOT.parents:
        candidate = folder / "shared" / "scenarios"
        if candidate.is_dir():
            return candidate
    raise RuntimeError(f"no shared/scenarios beside {REPO_ROOT} or above it")


def load_scenario(stem_prefix: str) -> dict[str, Any]:
    """The scenario whose file name starts with `stem_prefix` (e.g. "48-")."""
    (path,) = sorted(scenarios_dir().glob(f"{stem_prefix}*.json"))
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
