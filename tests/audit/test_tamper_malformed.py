"""Review R: a payload or checkpoint made malformed by someone with write access to the
database is reported as a break, never a crash of `audit verify` (a 500 or a traceback
tells the auditor nothing about where the log was changed)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, text

from app.audit import checkpoint
from app.audit.chain import canonical_json, entry_hash
from app.db import make_sessionmaker
from tests.audit.chain_db import (
    ORGANISATION,
    OTHER_ORGANISATION,
    append_entries,
    engine_for,
    row,
    triggers_off,
    verify,
)


def _replace(engine: Engine, chain_id: int, sequence: int, payload: str, *, rehash: bool) -> None:
    """Replace an entry's payload; `rehash`: also its hash and the head row (the entry is
    the chain's newest), so that the chain itself verifies up to the malformed text."""
    with triggers_off(engine) as conn:
        old = row(conn, chain_id, sequence)
        digest = entry_hash(str(old["prev_hash"]), payload) if rehash else old["hash"]
        conn.execute(
            text("UPDATE audit_entries SET payload = :p, hash = :h WHERE id = :id"),
            {"p": payload, "h": digest, "id": old["id"]},
        )
        if rehash:
            conn.execute(
                text("UPDATE audit_chains SET hash = :h WHERE id = :c"),
                {"h": digest, "c": chain_id},
            )


def _body(engine: Engine, chain_id: int, sequence: int) -> dict[str, Any]:
    with engine.connect() as conn:
        return json.loads(str(row(conn, chain_id, sequence)["payload"]))  # type: ignore[no-any-return]


MALFORMED: dict[str, Callable[[dict[str, Any]], str]] = {
    "not JSON": lambda body: "not json",
    "a JSON list": lambda body: "[]",
    "data not an object": lambda body: canonical_json({**body, "data": "x"}),
}


@pytest.mark.parametrize("kind", ["screening", "decision", "test.entry"])
@pytest.mark.parametrize("change", list(MALFORMED))
def test_a_malformed_payload_is_a_break_not_a_crash(
    tmp_database: str, kind: str, change: str
) -> None:
    with engine_for(tmp_database) as engine:
        chain_id = append_entries(engine, 3, kind=kind, organisation=ORGANISATION)
        append_entries(engine, 1, organisation=OTHER_ORGANISATION)
        _replace(engine, chain_id, 2, MALFORMED[change](_body(engine, chain_id, 2)), rehash=False)
        result = verify(engine)
    assert (result.ok, result.first_broken_chain, result.first_broken_sequence) == (
        False,
        chain_id,
        2,
    )
    assert result.reason == "hash does not match the entry's content"


@pytest.mark.parametrize("field", ["actor", "organisations", "data"])
def test_a_rehashed_newest_entry_with_a_malformed_field_is_a_break(
    tmp_database: str, field: str
) -> None:
    """Rehashed and with the head moved, the chain links; the fields must still be read
    as what they claim to be."""
    with engine_for(tmp_database) as engine:
        chain_id = append_entries(engine, 3, kind="screening", organisation=ORGANISATION)
        body = _body(engine, chain_id, 3)
        _replace(engine, chain_id, 3, canonical_json({**body, field: "x"}), rehash=True)
        result = verify(engine)
    assert (result.ok, result.first_broken_chain, result.first_broken_sequence) == (
        False,
        chain_id,
        3,
    )


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"heads": "x", "digest": ""},
        {"heads": {"2": {"sequence": "x", "hash": "y"}}, "digest": ""},
        {"heads": {"two": {"sequence": 1, "hash": "y"}}, "digest": ""},
        {"heads": {"2": "x"}, "digest": ""},
    ],
    ids=["no heads", "heads not an object", "sequence not a number", "chain not a number",
         "head not an object"],
)  # fmt: skip
def test_a_rehashed_malformed_checkpoint_is_a_break(
    tmp_database: str, data: dict[str, Any]
) -> None:
    with engine_for(tmp_database) as engine:
        append_entries(engine, 2, organisation=ORGANISATION)
        with make_sessionmaker(engine)() as session:
            written = checkpoint.write_checkpoint(session)
            assert written is not None
            session.commit()
            chain_id, sequence = written.chain_id, written.sequence
        body = _body(engine, chain_id, sequence)
        _replace(engine, chain_id, sequence, canonical_json({**body, "data": data}), rehash=True)
        result = verify(engine)
    assert (result.ok, result.first_broken_chain, result.first_broken_sequence) == (
        False,
        chain_id,
        sequence,
    )
    assert result.reason is not None and "malformed" in result.reason
