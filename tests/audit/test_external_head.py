"""`javskoll audit head` and `audit verify --against`: a head kept outside the database
catches the rewrite the database alone cannot (a chain's tail and head row together)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from app.audit.chain import entry_hash
from tests.audit.chain_db import (
    ORGANISATION,
    OTHER_ORGANISATION,
    append_entries,
    engine_for,
    row,
    triggers_off,
)

JAVSKOLL = str(Path(sys.executable).with_name("javskoll"))


def _javskoll(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [JAVSKOLL, "audit", *args], env=environment, capture_output=True, text=True, timeout=120
    )


def _rewrite_tail_and_head(engine: Engine, chain_id: int, sequence: int) -> None:
    """What a superuser could do: change the newest entry, rehash it, move the head."""
    with triggers_off(engine) as conn:
        old = row(conn, chain_id, sequence)
        payload = str(old["payload"]).replace('"text":"Åsa Öberg"', '"text":"Someone Else"')
        assert payload != old["payload"]
        digest = entry_hash(str(old["prev_hash"]), payload)
        conn.execute(
            text("UPDATE audit_entries SET payload = :p, hash = :h WHERE id = :id"),
            {"p": payload, "h": digest, "id": old["id"]},
        )
        conn.execute(
            text("UPDATE audit_chains SET hash = :h WHERE id = :c"), {"h": digest, "c": chain_id}
        )


@pytest.mark.parametrize("organisation", [None, ORGANISATION], ids=["system", "organisation"])
def test_a_rewritten_tail_and_head_pass_verify_but_fail_against_an_earlier_head(
    tmp_database: str, tmp_path: Path, organisation: int | None
) -> None:
    with engine_for(tmp_database) as engine:
        chain_id = append_entries(engine, 3, organisation=organisation)
        append_entries(engine, 2, organisation=OTHER_ORGANISATION)
        taken = _javskoll(tmp_database, "head")
        assert taken.returncode == 0, taken.stderr
        head = json.loads(taken.stdout)
        assert len(head["digest"]) == 64
        assert {(c["chain"], c["sequence"]) for c in head["chains"]} >= {(chain_id, 3)}
        head_file = tmp_path / "head.json"
        head_file.write_text(taken.stdout, encoding="utf-8")

        append_entries(engine, 2, organisation=organisation)  # the log grows after the head
        grown = _javskoll(tmp_database, "verify", "--against", str(head_file))
        assert grown.returncode == 0, grown.stdout
        assert json.loads(grown.stdout)["against"]["ok"] is True

        _rewrite_tail_and_head(engine, chain_id, 5)
        alone = _javskoll(tmp_database, "verify")
        assert alone.returncode == 0, "the database alone cannot see this rewrite"
        with triggers_off(engine) as conn:
            # Rewrite from before the head was taken: entries 3..5, then the head row.
            prev = str(row(conn, chain_id, 2)["hash"])
            for sequence in (3, 4, 5):
                old = row(conn, chain_id, sequence)
                payload = str(old["payload"]).replace("Åsa", "Åke")
                digest = entry_hash(prev, payload)
                conn.execute(
                    text(
                        "UPDATE audit_entries SET payload = :p, prev_hash = :prev, hash = :h "
                        "WHERE id = :id"
                    ),
                    {"p": payload, "prev": prev, "h": digest, "id": old["id"]},
                )
                prev = digest
            conn.execute(
                text("UPDATE audit_chains SET hash = :h WHERE id = :c"), {"h": prev, "c": chain_id}
            )
        still = _javskoll(tmp_database, "verify")
        assert still.returncode == 0, still.stdout
        caught = _javskoll(tmp_database, "verify", "--against", str(head_file))
    assert caught.returncode == 1
    against = json.loads(caught.stdout)["against"]
    assert against["ok"] is False
    assert [(p["chain"], p["sequence"]) for p in against["problems"]] == [(chain_id, 3)]
    assert "rewritten chain" in against["problems"][0]["reason"]


def test_an_edited_head_file_or_a_missing_chain_is_reported(
    tmp_database: str, tmp_path: Path
) -> None:
    with engine_for(tmp_database) as engine:
        append_entries(engine, 2, organisation=ORGANISATION)
        head = json.loads(_javskoll(tmp_database, "head").stdout)
    edited = dict(head, chains=[{**c, "sequence": c["sequence"] + 5} for c in head["chains"]])
    (tmp_path / "edited.json").write_text(json.dumps(edited), encoding="utf-8")
    result = _javskoll(tmp_database, "verify", "--against", str(tmp_path / "edited.json"))
    assert result.returncode == 1
    reasons = [p["reason"] for p in json.loads(result.stdout)["against"]["problems"]]
    assert any("digest does not match" in r for r in reasons)
    assert any("ends before the head" in r for r in reasons)

    (tmp_path / "junk.json").write_text('{"chains": 1}', encoding="utf-8")
    junk = _javskoll(tmp_database, "verify", "--against", str(tmp_path / "junk.json"))
    assert junk.returncode == 2 and "not a head file" in junk.stderr


def test_export_prints_the_period_as_json_lines(tmp_database: str) -> None:
    with engine_for(tmp_database) as engine:
        append_entries(engine, 3, organisation=ORGANISATION)
        everything = _javskoll(tmp_database, "export")
        nothing = _javskoll(tmp_database, "export", "--from", "2999-01-01")
        bad = _javskoll(tmp_database, "export", "--to", "yesterday")
    assert everything.returncode == 0, everything.stderr
    lines = [json.loads(line) for line in everything.stdout.splitlines()]
    assert [(e["kind"], e["sequence"]) for e in lines] == [("test.entry", n) for n in (1, 2, 3)]
    assert lines[0]["payload"]["data"]["text"] == "Åsa Öberg"
    assert lines[0]["organisations"] == [ORGANISATION]
    assert nothing.returncode == 0 and nothing.stdout == ""
    assert bad.returncode == 2
