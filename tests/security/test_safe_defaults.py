"""Safe by default: no published secret, generated ones kept beside the database with
mode 0600, production refuses to start without secrets, a misspelled variable is refused
rather than ignored, and the key prefix shown is of a key id, never key material."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.apikeys.service import ensure_bootstrap_key, list_keys
from app.config import Settings
from tests.support.api import ApiClient


@pytest.fixture(autouse=True)
def no_secrets_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("JAVSKOLL_HASH_SECRET", "JAVSKOLL_PNR_SECRET", "JAVSKOLL_ENVIRONMENT"):
        monkeypatch.delenv(name, raising=False)


def test_a_first_start_generates_secrets_beside_the_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/javskoll.db"
    first = Settings(environment="development", database_url=url)
    stored = tmp_path / "javskoll.db.secrets"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert len(first.hash_secret) >= 32 and len(first.pnr_secret) >= 32
    assert first.hash_secret != first.pnr_secret
    again = Settings(environment="development", database_url=url)
    assert (again.hash_secret, again.pnr_secret) == (first.hash_secret, first.pnr_secret)
    other = Settings(environment="development", database_url=f"sqlite:///{tmp_path}/b.db")
    assert other.hash_secret != first.hash_secret  # nothing shared, nothing published


def test_a_secrets_file_others_may_read_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/javskoll.db"
    Settings(environment="development", database_url=url)
    os.chmod(tmp_path / "javskoll.db.secrets", 0o644)
    with pytest.raises(ValidationError, match="chmod 600"):
        Settings(environment="development", database_url=url)


def test_production_refuses_to_start_without_secrets(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="JAVSKOLL_PNR_SECRET must be set"):
        Settings(
            environment="production",
            database_url=f"sqlite:///{tmp_path}/j.db",
            hash_secret="x" * 40,
        )
    assert not (tmp_path / "j.db.secrets").exists()


def test_a_misspelled_variable_is_refused_not_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JAVSKOLL_HASH_SECERT", "x" * 40)
    with pytest.raises(ValidationError, match="did you mean JAVSKOLL_HASH_SECRET"):
        Settings(
            environment="production", database_url=f"sqlite:///{tmp_path}/j.db", pnr_secret="y" * 40
        )
    monkeypatch.delenv("JAVSKOLL_HASH_SECERT")
    monkeypatch.setenv("JAVSKOLL_TEST_DATABASE_URL", "sqlite://")  # the scripts' own
    Settings(environment="test", database_url=f"sqlite:///{tmp_path}/j.db")


def test_the_prefix_shown_is_the_key_id(admin: ApiClient, session: Session) -> None:
    made = admin.post("/v1/apikeys", json={"name": "n", "role": "auditor"}).json()
    assert made["prefix"] == f"id-{made['id']}"
    assert made["prefix"] not in made["key"]
    listed = {k["id"]: k["prefix"] for k in admin.get("/v1/apikeys").json()["items"]}
    assert listed[made["id"]] == f"id-{made['id']}"


def test_a_bootstrap_key_is_not_shown_in_part(session: Session) -> None:
    chosen = "bootstrap-key-chosen-by-a-person-0123456789"
    for key in list_keys(session):  # an empty key table, as on a first start
        session.delete(key)
    session.flush()
    assert ensure_bootstrap_key(session, bootstrap_key=chosen, secret="s" * 40) == "bootstrapped"
    prefixes = [k.key_prefix for k in list_keys(session)]
    assert prefixes and all(p.startswith("id-") and p not in chosen for p in prefixes)
