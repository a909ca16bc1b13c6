"""Tampering with stored entries (triggers off, raw SQL) is caught at the right sequence."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from app.audit.chain import entry_hash
from tests.audit.chain_db import append_entries, engine_for, row, triggers_off, verify

ENTRIES = 6


@pytest.fixture
def chain_engine(tmp_database: str) -> Iterator[Engine]:
    with engine_for(tmp_database) as engine:
        append_entries(engine, ENTRIES)
        yield engine


def test_an_untouched_chain_verifies(chain_engine: Engine) -> None:
    result = verify(chain_engine)
    assert result.ok and result.entries == ENTRIES and result.head_sequence == ENTRIES


def test_the_database_refuses_update_and_delete(chain_engine: Engine) -> None:
    for statement in (
        "UPDATE audit_entries SET kind = 'x' WHERE sequence = 1",
        "DELETE FROM audit_entries WHERE sequence = 1",
        "DELETE FROM audit_subjects",
    ):
        with pytest.raises(DBAPIError), chain_engine.begin() as conn:
            conn.exec_driver_sql(statement)
    assert verify(chain_engine).ok


def test_a_changed_payload_breaks_at_that_entry(chain_engine: Engine) -> None:
    with triggers_off(chain_engine) as conn:
        payload = json.loads(str(row(conn, 3)["payload"]))
        payload["data"]["n"] = 99
        conn.execute(
            text("UPDATE audit_entries SET payload = :p WHERE sequence = 3"),
            {"p": json.dumps(payload, sort_keys=True, separators=(",", ":"))},
        )
    result = verify(chain_engine)
    assert not result.ok
    assert result.first_broken_sequence == 3
    assert result.reason == "hash does not match the entry's content"


def test_a_rehashed_entry_breaks_the_link_to_the_next(chain_engine: Engine) -> None:
    """Recomputing the changed entry's own hash only moves the break one step on."""
    with triggers_off(chain_engine) as conn:
        old = row(conn, 3)
        payload = str(old["payload"]).replace('"n":2', '"n":42')
        assert payload != old["payload"]
        digest = entry_hash(str(old["prev_hash"]), payload)
        conn.execute(
            text("UPDATE audit_entries SET payload = :p, hash = :h WHERE sequence = 3"),
            {"p": payload, "h": digest},
        )
    result = verify(chain_engine)
    assert (result.ok, result.first_broken_sequence) == (False, 4)
    assert result.reason == "prev_hash does not match the hash of the entry before"


def test_a_deleted_entry_is_reported_missing(chain_engine: Engine) -> None:
    with triggers_off(chain_engine) as conn:
        conn.exec_driver_sql("DELETE FROM audit_subjects WHERE sequence = 4")
        conn.exec_driver_sql("DELETE FROM audit_entries WHERE sequence = 4")
    result = verify(chain_engine)
    assert (result.ok, result.first_broken_sequence) == (False, 4)
    assert result.reason is not None and "sequence 4 is missing" in result.reason


def test_deleting_the_newest_entry_is_caught_by_the_head(chain_engine: Engine) -> None:
    with triggers_off(chain_engine) as conn:
        newest = {"sequence": ENTRIES}
        conn.execute(text("DELETE FROM audit_subjects WHERE sequence = :sequence"), newest)
        conn.execute(text("DELETE FROM audit_entries WHERE sequence = :sequence"), newest)
    result = verify(chain_engine)
    assert (result.ok, result.first_broken_sequence) == (False, ENTRIES)
    assert result.reason == "the chain ends before the recorded head"


def test_a_swapped_pair_breaks_at_the_first_of_the_two(chain_engine: Engine) -> None:
    columns = ("created_at", "kind", "actor_key_id", "actor_name", "payload", "prev_hash", "hash")
    assignments = ", ".join(f"{c} = :{c}" for c in columns)
    with triggers_off(chain_engine) as conn:
        second, third = row(conn, 2), row(conn, 3)
        # hash is UNIQUE: park one row on a placeholder while the other takes its hash.
        conn.exec_driver_sql("UPDATE audit_entries SET hash = 'parked' WHERE sequence = 2")
        update = text(f"UPDATE audit_entries SET {assignments} WHERE sequence = :at")  # noqa: S608
        conn.execute(update, {**second, "at": 3})
        conn.execute(update, {**third, "at": 2})
    result = verify(chain_engine)
    assert (result.ok, result.first_broken_sequence) == (False, 2)


def test_the_triggers_are_back_after_tampering(chain_engine: Engine) -> None:
    with triggers_off(chain_engine):
        pass
    with pytest.raises(DBAPIError), chain_engine.begin() as conn:
        conn.exec_driver_sql("UPDATE audit_entries SET kind = 'x' WHERE sequence = 1")


@pytest.mark.parametrize(
    "change",
    [
        "actor_name = 'someone else'",
        "actor_key_id = 77",
        "created_at = '2020-01-01 00:00:00'",
    ],
)
def test_changed_columns_beside_the_payload_are_caught(chain_engine: Engine, change: str) -> None:
    """Readers filter and show these columns, so they must match what was hashed."""
    with triggers_off(chain_engine) as conn:
        conn.exec_driver_sql(f"UPDATE audit_entries SET {change} WHERE sequence = 5")  # noqa: S608
    result = verify(chain_engine)
    assert (result.ok, result.first_broken_sequence) == (False, 5)
