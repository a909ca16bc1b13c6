"""Apply migrations programmatically (serve, migrate, tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

import app

_REPO_ROOT = Path(app.__file__).resolve().parent.parent


def _migrations_home() -> Path:
    """The folder holding alembic.ini: the source tree, or the working directory
    (a non-editable install in the container runs from a folder holding migrations/)."""
    for candidate in (_REPO_ROOT, Path.cwd()):
        if (candidate / "alembic.ini").is_file() and (candidate / "migrations").is_dir():
            return candidate
    raise FileNotFoundError(
        "alembic.ini and migrations/ not found beside the package or in the working directory"
    )


def alembic_config(database_url: str | None = None) -> Config:
    home = _migrations_home()
    config = Config(str(home / "alembic.ini"))
    config.set_main_option("script_location", str(home / "migrations"))
    if database_url:
        config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str | None = None, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str | None = None, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)
