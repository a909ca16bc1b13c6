"""Upgrading a database with the old single chain: every old entry still verifies, unchanged,
as the system chain; new entries go on from it and from the organisations' own chains; the
old entries' readers are derived once from their subjects."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.orm import Session

from app.audit import chain, verify
from app.migrate import upgrade
from tests.support.databases import fresh_database

BEFORE = "spine_0002"  # the last revision with one chain (audit_head)
GENESIS = "0" * 64


def _old_append(
    conn: Connection, sequence: int, prev: str, kind: str, subjects: list[tuple[str, str]]
) -> str:
    """An entry exactly as the single-chain code wrote it."""
    created = datetime(2026, 11, 30, 12, 0, sequence, tzinfo=UTC)
    payload = json.dumps(
        {
            "actor": {"key_id": None, "name": "old"},
            "created_at": created.isoformat(),
            "data": {"n": sequence, "name": "Åsa"},
            "kind": kind,
            "sequence": sequence,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    digest = hashlib.sha256((prev + payload).encode()).hexdigest()
    conn.execute(
        text(
            "INSERT INTO audit_entries (sequence, created_at, kind, actor_key_id, actor_name, "
            "payload, prev_hash, hash) VALUES (:s, :c, :k, NULL, 'old', :p, :prev, :h)"
        ),
        {"s": sequence, "c": created, "k": kind, "p": payload, "prev": prev, "h": digest},
    )
    for subject_kind, ref in subjects:
        conn.execute(
            text(
                "INSERT INTO audit_subjects (sequence, subject_kind, subject_ref) "
                "VALUES (:s, :k, :r)"
            ),
            {"s": sequence, "k": subject_kind, "r": ref},
        )
    conn.execute(
        text("UPDATE audit_head SET sequence = :s, hash = :h WHERE id = 1"),
        {"s": sequence, "h": digest},
    )
    return digest


def _registry(conn: Connection) -> dict[str, int]:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    for ref in ("ankeby", "borby"):
        conn.execute(
            text(
                "INSERT INTO organisations (ref, kind, name, created_at, updated_at, version) "
                "VALUES (:r, 'kommun', :r, :t, :t, 1)"
            ),
            {"r": ref, "t": now},
        )
    orgs = {ref: id_ for ref, id_ in conn.execute(text("SELECT ref, id FROM organisations"))}
    conn.execute(
        text(
            "INSERT INTO committees (ref, organisation_id, kind, name, created_at, updated_at, "
            "version) VALUES ('ab-mbn', :o, 'gemensam_namnd', 'MBN', :t, :t, 1)"
        ),
        {"o": orgs["ankeby"], "t": now},
    )
    committee = conn.execute(text("SELECT id FROM committees")).scalar_one()
    conn.execute(
        text("INSERT INTO committee_participants (committee_id, organisation_id) VALUES (:c, :o)"),
        {"c": committee, "o": orgs["borby"]},
    )
    return orgs


def test_an_existing_single_chain_verifies_after_the_upgrade(tmp_path: Path) -> None:
    with fresh_database(tmp_path, migrate=False) as url:
        upgrade(url, BEFORE)
        engine = create_engine(url)
        try:
            with engine.begin() as conn:
                orgs = _registry(conn)
                prev = GENESIS
                olds = [
                    ("apikey.create", []),
                    ("screening", [("committee", "ab-mbn"), ("person", "p-anna")]),
                    ("registry.update", [("organisation", "borby")]),
                    ("case.create", [("case", "KS 1")]),
                ]
                hashes = []
                for n, (kind, subjects) in enumerate(olds, start=1):
                    prev = _old_append(conn, n, prev, kind, subjects)
                    hashes.append(prev)
            upgrade(url)
            with Session(engine) as session:
                result = verify.verify(session)
                assert result.ok, result
                assert [(r.chain, r.entries, r.head_hash) for r in result.chains] == [
                    (chain.SYSTEM_CHAIN_ID, 4, hashes[-1])
                ]
                assert _readers(session) == {
                    2: {orgs["ankeby"], orgs["borby"]},
                    3: {orgs["borby"]},
                }
                chain.append(
                    session, kind="test.after", actor=chain.Actor(None, "t"), data={},
                    organisations=(),
                )  # fmt: skip
                chain.append(
                    session, kind="test.after", actor=chain.Actor(None, "t"), data={},
                    organisations=[orgs["ankeby"]],
                )  # fmt: skip
                session.commit()
                again = verify.verify(session)
            assert again.ok, again
            assert {(r.chain, r.head_sequence) for r in again.chains} == {
                (chain.SYSTEM_CHAIN_ID, 5),
                (chain.SYSTEM_CHAIN_ID + 1, 1),
            }
        finally:
            engine.dispose()


def _readers(session: Session) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {}
    rows = session.execute(
        text(
            "SELECT e.sequence, o.organisation_id FROM audit_entry_organisations o "
            "JOIN audit_entries e ON e.id = o.entry_id"
        )
    )
    for sequence, organisation in rows:
        found.setdefault(sequence, set()).add(organisation)
    return found
