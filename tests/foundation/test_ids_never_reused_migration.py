"""walls_0001 on a populated SQLite database: organisations and API keys are rebuilt with
AUTOINCREMENT, every row and child row kept, and the counter starts past every id the
audit log has named (an id freed before the upgrade is not handed out either)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from app.migrate import downgrade, upgrade
from tests.support.databases import backend, fresh_database

pytestmark = pytest.mark.skipif(backend() != "sqlite", reason="PostgreSQL never reuses ids")

NOW = "2026-12-06 10:00:00.000000"


def _rows(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(r) for r in connection.execute(text(sql))]
    finally:
        engine.dispose()


def test_the_rebuild_keeps_every_row_and_never_hands_out_a_named_id(tmp_path: Path) -> None:
    with fresh_database(tmp_path, migrate=False) as url:
        upgrade(url, "security_0002")
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.execute(
                text(
                    "INSERT INTO api_keys (id, name, role, key_hash, key_prefix, created_at)"
                    " VALUES (1, 'admin', 'admin', 'h1', 'id-1', :now),"
                    " (2, 'gone', 'admin', 'h2', 'id-2', :now)"
                ),
                {"now": NOW},
            )
            for org_id, ref in ((1, "ankeby"), (2, "bolaget"), (3, "cedby")):
                connection.execute(
                    text(
                        "INSERT INTO organisations (id, ref, kind, name, created_at, updated_at,"
                        " version, created_by_key_id) VALUES (:id, :ref, 'kommun', :ref, :now,"
                        " :now, 1, 1)"
                    ),
                    {"id": org_id, "ref": ref, "now": NOW},
                )
            # A child row that ON DELETE CASCADE would take with a dropped parent table.
            connection.execute(
                text(
                    "INSERT INTO organisation_owners (id, organisation_id, owner_id)"
                    " VALUES (1, 2, 1)"
                )
            )
            # Organisation 5 and key 4 were deleted before the upgrade; the log names them.
            connection.execute(
                text(
                    "INSERT INTO audit_chains (id, organisation_id, sequence, hash)"
                    " VALUES (2, 5, 0, 'x')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO screenings (id, created_at, case_ref, as_of, outcome,"
                    " rules_version, case_snapshot, result, api_key_id)"
                    " VALUES ('scr_1', :now, 'X', '2026-01-01', 'clear', 'r', '{}', '{}', 4)"
                ),
                {"now": NOW},
            )
            connection.execute(text("DELETE FROM organisations WHERE id = 3"))
            connection.execute(text("DELETE FROM api_keys WHERE id = 2"))
        engine.dispose()

        upgrade(url)

        assert _rows(url, "SELECT id, ref FROM organisations ORDER BY id") == [
            (1, "ankeby"),
            (2, "bolaget"),
        ]
        assert _rows(url, "SELECT organisation_id, owner_id FROM organisation_owners") == [(2, 1)]
        tables = dict(_rows(url, "SELECT name, sql FROM sqlite_master WHERE type = 'table'"))
        assert "AUTOINCREMENT" in str(tables["organisations"])
        assert "AUTOINCREMENT" in str(tables["api_keys"])
        triggers = _rows(url, "SELECT name FROM sqlite_master WHERE tbl_name = 'organisations'")
        assert ("organisations_name_index_insert",) in triggers
        assert ("organisations_name_index_update",) in triggers

        engine = create_engine(url)
        with engine.begin() as connection:
            new_org = connection.execute(
                text(
                    "INSERT INTO organisations (ref, kind, name, created_at, updated_at, version)"
                    " VALUES ('ny', 'kommun', 'Ny', :now, :now, 1) RETURNING id"
                ),
                {"now": NOW},
            ).scalar_one()
            new_key = connection.execute(
                text(
                    "INSERT INTO api_keys (name, role, key_hash, key_prefix, created_at)"
                    " VALUES ('ny', 'admin', 'h3', 'id-x', :now) RETURNING id"
                ),
                {"now": NOW},
            ).scalar_one()
            queued = connection.execute(
                text("SELECT count(*) FROM name_index_queue WHERE organisation_id = :id"),
                {"id": new_org},
            ).scalar_one()
        engine.dispose()
        assert new_org == 6, "past organisation 5, which the audit chains name"
        assert new_key == 5, "past key 4, which a stored screening names"
        assert queued == 1, "the name index trigger is back"

        downgrade(url, "security_0002")
        assert _rows(url, "SELECT id FROM organisations ORDER BY id") == [(1,), (2,), (6,)]
        upgrade(url)
