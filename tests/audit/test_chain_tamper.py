"""Tampering with stored entries (triggers off, raw SQL) is caught at the right sequence.

Every test runs on the system chain and on an organisation's chain, each beside another
organisation's chain written in between (so a tamper test never sees a lone chain).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.audit import checkpoint
from app.audit.chain import entry_hash
from app.db import make_sessionmaker
from tests.audit.chain_db import (
    ORGANISATION,
    OTHER_ORGANISATION,
    append_entries,
    delete_entry,
    engine_for,
    row,
    triggers_off,
    verify,
)

ENTRIES = 6


@dataclass(frozen=True)
class Chained:
    engine: Engine
    chain: int


@pytest.fixture(params=[None, ORGANISATION], ids=["system-chain", "organisation-chain"])
def chained(request: pytest.FixtureRequest, tmp_database: str) -> Iterator[Chained]:
    with engine_for(tmp_database) as engine:
        append_entries(engine, 2, organisation=OTHER_ORGANISATION)
        chain_id = append_entries(engine, ENTRIES, organisation=request.param)
        append_entries(engine, 2, organisation=OTHER_ORGANISATION)
        yield Chained(engine, chain_id)


def _update(chained: Chained, assignment: str, sequence: int) -> None:
    with triggers_off(chained.engine) as conn:
        conn.execute(
            text(f"UPDATE audit_entries SET {assignment} WHERE chain_id = :c AND sequence = :s"),  # noqa: S608
            {"c": chained.chain, "s": sequence},
        )


def _broken_at(chained: Chained) -> tuple[bool, int | None, int | None, str | None]:
    result = verify(chained.engine)
    return result.ok, result.first_broken_chain, result.first_broken_sequence, result.reason


def test_an_untouched_chain_verifies(chained: Chained) -> None:
    result = verify(chained.engine)
    assert result.ok and result.entries == ENTRIES + 4
    report = next(r for r in result.chains if r.chain == chained.chain)
    assert (report.ok, report.entries, report.head_sequence) == (True, ENTRIES, ENTRIES)


def test_the_database_refuses_update_and_delete(chained: Chained) -> None:
    for statement in (
        "UPDATE audit_entries SET kind = 'x' WHERE sequence = 1",
        "DELETE FROM audit_entries WHERE sequence = 1",
        "DELETE FROM audit_subjects",
        "DELETE FROM audit_entry_organisations",
        "UPDATE audit_entry_organisations SET organisation_id = 99",
    ):
        with pytest.raises(DBAPIError), chained.engine.begin() as conn:
            conn.exec_driver_sql(statement)
    assert verify(chained.engine).ok


def test_a_changed_payload_breaks_at_that_entry(chained: Chained) -> None:
    with triggers_off(chained.engine) as conn:
        payload = json.loads(str(row(conn, chained.chain, 3)["payload"]))
        payload["data"]["n"] = 99
        conn.execute(
            text("UPDATE audit_entries SET payload = :p WHERE chain_id = :c AND sequence = 3"),
            {"p": json.dumps(payload, sort_keys=True, separators=(",", ":")), "c": chained.chain},
        )
    assert _broken_at(chained) == (
        False, chained.chain, 3, "hash does not match the entry's content"
    )  # fmt: skip


def test_a_rehashed_entry_breaks_the_link_to_the_next(chained: Chained) -> None:
    """Recomputing the changed entry's own hash only moves the break one step on."""
    with triggers_off(chained.engine) as conn:
        old = row(conn, chained.chain, 3)
        payload = str(old["payload"]).replace('"n":2', '"n":42')
        assert payload != old["payload"]
        digest = entry_hash(str(old["prev_hash"]), payload)
        conn.execute(
            text("UPDATE audit_entries SET payload = :p, hash = :h WHERE id = :id"),
            {"p": payload, "h": digest, "id": old["id"]},
        )
    assert _broken_at(chained) == (
        False, chained.chain, 4, "prev_hash does not match the hash of the entry before"
    )  # fmt: skip


def test_a_deleted_entry_is_reported_missing(chained: Chained) -> None:
    with triggers_off(chained.engine) as conn:
        delete_entry(conn, chained.chain, 4)
    ok, chain_id, sequence, reason = _broken_at(chained)
    assert (ok, chain_id, sequence) == (False, chained.chain, 4)
    assert reason is not None and "sequence 4 is missing" in reason


def test_deleting_the_newest_entry_is_caught_by_the_head(chained: Chained) -> None:
    with triggers_off(chained.engine) as conn:
        delete_entry(conn, chained.chain, ENTRIES)
    assert _broken_at(chained) == (
        False, chained.chain, ENTRIES, "the chain ends before the recorded head"
    )  # fmt: skip


def test_a_swapped_pair_breaks_at_the_first_of_the_two(chained: Chained) -> None:
    columns = ("created_at", "kind", "actor_key_id", "actor_name", "payload", "prev_hash", "hash")
    assignments = ", ".join(f"{c} = :{c}" for c in columns)
    with triggers_off(chained.engine) as conn:
        second, third = row(conn, chained.chain, 2), row(conn, chained.chain, 3)
        # hash is UNIQUE: park one row on a placeholder while the other takes its hash.
        conn.execute(
            text("UPDATE audit_entries SET hash = 'parked' WHERE id = :id"), {"id": second["id"]}
        )
        update = text(f"UPDATE audit_entries SET {assignments} WHERE id = :at")  # noqa: S608
        conn.execute(update, {**second, "at": third["id"]})
        conn.execute(update, {**third, "at": second["id"]})
    ok, chain_id, sequence, _ = _broken_at(chained)
    assert (ok, chain_id, sequence) == (False, chained.chain, 2)


def test_the_triggers_are_back_after_tampering(chained: Chained) -> None:
    with triggers_off(chained.engine):
        pass
    with pytest.raises(DBAPIError), chained.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE audit_entries SET kind = 'x' WHERE sequence = 1")


@pytest.mark.parametrize(
    "change",
    [
        "actor_name = 'someone else'",
        "actor_key_id = 77",
        "created_at = '2020-01-01 00:00:00'",
    ],
)
def test_changed_columns_beside_the_payload_are_caught(chained: Chained, change: str) -> None:
    """Readers filter and show these columns, so they must match what was hashed."""
    _update(chained, change, 5)
    ok, chain_id, sequence, _ = _broken_at(chained)
    assert (ok, chain_id, sequence) == (False, chained.chain, 5)


def test_an_entry_moved_to_another_chain_is_caught(chained: Chained) -> None:
    """Moving an entry between chains (to change who reads it) breaks both chains."""
    with triggers_off(chained.engine) as conn:
        entry_id = row(conn, chained.chain, ENTRIES)["id"]
        other = conn.execute(
            text(
                "SELECT chain_id, max(sequence) FROM audit_entries WHERE chain_id <> :c "
                "GROUP BY chain_id"
            ),
            {"c": chained.chain},
        ).first()
        assert other is not None
        conn.execute(
            text("UPDATE audit_entries SET chain_id = :c, sequence = :s WHERE id = :id"),
            {"c": other[0], "s": other[1] + 1, "id": entry_id},
        )
    result = verify(chained.engine)
    assert not result.ok
    broken = {r.chain: r.first_broken_sequence for r in result.chains if not r.ok}
    assert broken[chained.chain] == ENTRIES


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO audit_entry_organisations (entry_id, organisation_id) VALUES (:id, 4242)",
        "DELETE FROM audit_entry_organisations WHERE entry_id = :id",
    ],
)
def test_changed_organisations_of_an_entry_are_caught(chained: Chained, statement: str) -> None:
    """Who may read an entry is part of what was hashed: adding or removing a reader is a
    break at that entry."""
    if "DELETE" in statement and chained.chain == 1:
        pytest.skip("system-chain test entries belong to no organisation: nothing to delete")
    with triggers_off(chained.engine) as conn:
        entry_id = row(conn, chained.chain, 3)["id"]
        conn.execute(text(statement), {"id": entry_id})
    ok, chain_id, sequence, reason = _broken_at(chained)
    assert (ok, chain_id, sequence) == (False, chained.chain, 3)
    assert reason == "the entry's organisations do not match the hashed payload"


def _checkpoint(engine: Engine) -> None:
    with make_sessionmaker(engine)() as session:
        assert checkpoint.write_checkpoint(session) is not None
        session.commit()


def test_a_chain_rewritten_with_its_head_is_caught_by_a_later_checkpoint(
    chained: Chained,
) -> None:
    """The tail and the head row rewritten together verify as a chain; the checkpoint
    taken before the rewrite no longer agrees with the entry it recorded."""
    _checkpoint(chained.engine)
    with triggers_off(chained.engine) as conn:
        old = row(conn, chained.chain, ENTRIES)
        payload = str(old["payload"]).replace('"n":5', '"n":55')
        digest = entry_hash(str(old["prev_hash"]), payload)
        conn.execute(
            text("UPDATE audit_entries SET payload = :p, hash = :h WHERE id = :id"),
            {"p": payload, "h": digest, "id": old["id"]},
        )
        conn.execute(
            text("UPDATE audit_chains SET hash = :h WHERE id = :c"),
            {"h": digest, "c": chained.chain},
        )
    if chained.chain == 1:
        # The checkpoint itself follows in the system chain: its link breaks first.
        ok, chain_id, sequence, _ = _broken_at(chained)
        assert (ok, chain_id, sequence) == (False, 1, ENTRIES + 1)
        return
    ok, chain_id, sequence, reason = _broken_at(chained)
    assert (ok, chain_id, sequence) == (False, chained.chain, ENTRIES)
    assert reason is not None and "rewritten chain" in reason


def test_a_chain_deleted_whole_is_caught_by_a_later_checkpoint(tmp_database: str) -> None:
    with engine_for(tmp_database) as engine:
        doomed = append_entries(engine, 3, organisation=ORGANISATION)
        append_entries(engine, 2, organisation=OTHER_ORGANISATION)
        _checkpoint(engine)
        with triggers_off(engine) as conn:
            for sequence in (1, 2, 3):
                delete_entry(conn, doomed, sequence)
            conn.execute(text("DELETE FROM audit_chains WHERE id = :c"), {"c": doomed})
        result = verify(engine)
    assert not result.ok
    assert result.first_broken_chain == doomed
    assert result.reason is not None and "the chain is missing" in result.reason


def test_checkpoints_are_written_only_when_a_head_moved(tmp_database: str) -> None:
    with engine_for(tmp_database) as engine:
        append_entries(engine, 2, organisation=ORGANISATION)
        factory = make_sessionmaker(engine)
        with factory() as session:
            assert checkpoint.write_checkpoint(session) is not None
            session.commit()
        with factory() as session:
            assert checkpoint.write_checkpoint(session) is None
        append_entries(engine, 1, organisation=ORGANISATION)
        with factory() as session:
            assert checkpoint.write_checkpoint(session) is not None
            session.commit()
        with Session(engine) as session:
            result = verify(engine)
        assert result.ok and result.checkpoints == 2
