"""`javskoll audit verify` run as a process: exit 0 on an intact chain, 1 on a break."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.audit.chain_db import append_entries, engine_for, triggers_off

JAVSKOLL = str(Path(sys.executable).with_name("javskoll"))


def _verify(database_url: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [JAVSKOLL, "audit", "verify"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_verify_exits_non_zero_at_the_first_break(tmp_database: str) -> None:
    with engine_for(tmp_database) as engine:
        append_entries(engine, 5)
        intact = _verify(tmp_database)
        assert intact.returncode == 0, intact.stderr
        report = json.loads(intact.stdout)
        assert {k: report[k] for k in ("ok", "entries", "first_broken_sequence", "reason")} == {
            "ok": True,
            "entries": 5,
            "first_broken_sequence": None,
            "reason": None,
        }
        assert [(c["chain"], c["head_sequence"]) for c in report["chains"]] == [(1, 5)]

        with triggers_off(engine) as conn:
            conn.exec_driver_sql("UPDATE audit_entries SET actor_name = 'x' WHERE sequence = 2")
            conn.exec_driver_sql(
                "UPDATE audit_entries SET payload = replace(payload, '\"n\":1', '\"n\":7') "
                "WHERE sequence = 2"
            )
        broken = _verify(tmp_database)
    assert broken.returncode == 1
    result = json.loads(broken.stdout)
    assert result["ok"] is False
    assert (result["first_broken_chain"], result["first_broken_sequence"]) == (1, 2)
    assert result["entries"] == 1
