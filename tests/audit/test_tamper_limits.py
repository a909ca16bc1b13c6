"""Review R: what the database alone catches when chains are cut short or deleted, and
what only a head kept outside it does (docs/audit.md, "Limit"). The limits are tests too,
so that a change that closes one is noticed and the documentation follows it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.orm import Session

from app.audit import checkpoint, external
from app.audit.chain import GENESIS_HASH
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


def _checkpoint(engine: Engine) -> int:
    with make_sessionmaker(engine)() as session:
        written = checkpoint.write_checkpoint(session)
        assert written is not None
        session.commit()
        return written.sequence


def _head(engine: Engine) -> dict[str, Any]:
    with Session(engine) as session:
        return external.take_head(session)


def _against(engine: Engine, head: dict[str, Any]) -> list[dict[str, Any]]:
    with Session(engine) as session:
        return external.check_against(session, head)


def _truncate(conn: Connection, chain_id: int, keep: int, last: int) -> None:
    """Delete entries keep+1..last and move the head row back to entry `keep`: what an
    insider who bypasses the triggers does to make the newest entries disappear."""
    for sequence in range(last, keep, -1):
        delete_entry(conn, chain_id, sequence)
    conn.execute(
        text("UPDATE audit_chains SET sequence = :s, hash = :h WHERE id = :c"),
        {
            "s": keep,
            "h": row(conn, chain_id, keep)["hash"] if keep else GENESIS_HASH,
            "c": chain_id,
        },
    )


def test_a_cut_tail_is_caught_by_a_checkpoint_and_only_a_head_outside_once_it_is_cut_too(
    tmp_database: str,
) -> None:
    with engine_for(tmp_database) as engine:
        chain_id = append_entries(engine, 5, organisation=ORGANISATION)
        append_entries(engine, 1, organisation=OTHER_ORGANISATION)
        cut_at = _checkpoint(engine)
        head = _head(engine)
        with triggers_off(engine) as conn:
            _truncate(conn, chain_id, 3, 5)
        result = verify(engine)
        assert (result.ok, result.first_broken_chain, result.first_broken_sequence) == (
            False,
            chain_id,
            5,
        )
        assert result.reason is not None and "ends before the head the checkpoint" in result.reason

        # The limit: the checkpoints after the cut entries cut too, the database alone
        # holds a consistent, shorter log. A head taken earlier and kept elsewhere does not.
        with triggers_off(engine) as conn:
            _truncate(conn, 1, cut_at - 1, cut_at)
        assert verify(engine).ok
        problems = _against(engine, head)
    assert {(p["chain"], p["sequence"]) for p in problems} == {(chain_id, 5), (1, cut_at)}


def test_a_chain_deleted_whole_before_any_checkpoint_is_caught_only_by_a_head_outside(
    tmp_database: str,
) -> None:
    with engine_for(tmp_database) as engine:
        doomed = append_entries(engine, 3, organisation=ORGANISATION)
        append_entries(engine, 2, organisation=OTHER_ORGANISATION)
        head = _head(engine)
        with triggers_off(engine) as conn:
            for sequence in (1, 2, 3):
                delete_entry(conn, doomed, sequence)
            conn.execute(text("DELETE FROM audit_chains WHERE id = :c"), {"c": doomed})
        assert verify(engine).ok
        problems = _against(engine, head)
    assert [(p["chain"], p["sequence"]) for p in problems] == [(doomed, 1)]
    assert "the chain is missing" in problems[0]["reason"]


def test_a_chain_whose_head_row_loses_its_organisation_is_a_break(tmp_database: str) -> None:
    """Only the system chain has no organisation. An organisation's chain made anonymous
    escaped the check that its entries belong to its organisation, dropped out of what the
    organisation's auditors verify, and the organisation's next entry started a second
    chain of its own from genesis."""
    with engine_for(tmp_database) as engine:
        chain_id = append_entries(engine, 2, kind="case.create", organisation=ORGANISATION)
        with engine.begin() as conn:  # the head rows have no trigger: they move
            conn.execute(
                text("UPDATE audit_chains SET organisation_id = NULL WHERE id = :c"),
                {"c": chain_id},
            )
        result = verify(engine)
    assert (result.ok, result.first_broken_chain, result.first_broken_sequence) == (
        False,
        chain_id,
        1,
    )
    assert result.reason == "the chain's head row names no organisation"


def test_two_chains_whose_heads_swap_organisations_break_at_their_first_entries(
    tmp_database: str,
) -> None:
    with engine_for(tmp_database) as engine:
        first = append_entries(engine, 2, organisation=ORGANISATION)
        second = append_entries(engine, 2, organisation=OTHER_ORGANISATION)
        with engine.begin() as conn:
            # Through a placeholder: organisation_id is unique.
            swaps = ((first, -1), (second, ORGANISATION), (first, OTHER_ORGANISATION))
            for chain_id, organisation in swaps:
                conn.execute(
                    text("UPDATE audit_chains SET organisation_id = :o WHERE id = :c"),
                    {"o": organisation, "c": chain_id},
                )
        result = verify(engine)
    broken = {r.chain: (r.first_broken_sequence, r.reason) for r in result.chains if not r.ok}
    reason = "the entry does not belong to its chain's organisation"
    assert broken == {first: (1, reason), second: (1, reason)}
