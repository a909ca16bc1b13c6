"""Secrets generated on a first start outside production, kept beside the database.

No secret is ever published with the code: without `JAVSKOLL_HASH_SECRET` and
`JAVSKOLL_PNR_SECRET`, a development start generates both (48 random bytes each) and
keeps them in a file beside the SQLite database (`javskoll.db.secrets`; for PostgreSQL,
`javskoll.secrets` in the working directory), created with mode 0600 and read on every
later start, so keys and personnummer hashes stay valid. Production refuses to start
without both set (app/config.py).
"""

from __future__ import annotations

import json
import os
import secrets
import stat
from pathlib import Path

NAMES = ("hash_secret", "pnr_secret")


class SecretsFileError(ValueError):
    pass


def path_for(database_url: str) -> Path:
    if database_url.startswith("sqlite"):
        database = database_url.split("///", 1)[-1] or "javskoll.db"
        if database and database != ":memory:":
            return Path(database + ".secrets")
    return Path("javskoll.secrets")


def load_or_create(path: Path) -> dict[str, str]:
    """The secrets in `path`, made (mode 0600) if the file does not exist."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read(path)
    values = {name: secrets.token_urlsafe(48) for name in NAMES}
    with os.fdopen(fd, "w") as out:
        json.dump(values, out)
    return values


def _read(path: Path) -> dict[str, str]:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise SecretsFileError(
            f"{path} may be read by others (mode {mode:o}); make it 0600 (chmod 600)"
        )
    values = json.loads(path.read_text())
    if not isinstance(values, dict) or not all(isinstance(values.get(n), str) for n in NAMES):
        raise SecretsFileError(f"{path} does not hold hash_secret and pnr_secret")
    return {name: values[name] for name in NAMES}
