"""Verifying while others write: the whole verification reads one snapshot (`db.snapshot_read`).

Verify reads the chain heads first and the entries after. On PostgreSQL under READ
COMMITTED an entry committed in between was read past its head, and the chain was
reported broken ("ends before the recorded head" counted the other way) on a log nobody
had touched; the rows check could likewise find a screening no entry it had read
covered. SQLite's deferred read transaction already held one snapshot.
"""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from app.audit import verify as verification
from app.db import snapshot_read
from tests.audit.chain_db import ORGANISATION, append_entries, engine_for


def _verify_with_a_write_between(tmp_database: str, *, snapshot: bool) -> bool:
    """Verify the organisation's chain, with one entry appended and committed (by another
    connection) after its head was read and before its entries are."""
    with engine_for(tmp_database) as engine:
        chain_id = append_entries(engine, 3, organisation=ORGANISATION)
        with Session(engine) as session:
            if snapshot:
                snapshot_read(session)
            head = next(h for h in verification.chain_heads(session) if h.id == chain_id)
            append_entries(engine, 1, organisation=ORGANISATION)  # committed meanwhile
            report = verification.verify_chain(session, head)
        with Session(engine) as session:
            assert verification.verify(session).ok
        return report.ok


def test_an_entry_committed_while_verifying_is_not_a_break(tmp_database: str) -> None:
    assert _verify_with_a_write_between(tmp_database, snapshot=True)


def test_without_one_snapshot_postgresql_saw_a_break_that_was_not(tmp_database: str) -> None:
    """The control: what READ COMMITTED gives. (On SQLite a session that has not asked for
    a deferred read begins IMMEDIATE and holds the write lock: the write would wait.)"""
    if not tmp_database.startswith("postgresql"):
        pytest.skip("PostgreSQL's READ COMMITTED")
    assert not _verify_with_a_write_between(tmp_database, snapshot=False)
