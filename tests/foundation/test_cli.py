"""The javskoll command, run as a real process against a real database."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

JAVSKOLL = str(Path(sys.executable).with_name("javskoll"))


def _run(args: list[str], database_url: str, **env: str) -> subprocess.CompletedProcess[str]:
    inherited = {k: v for k, v in os.environ.items() if k != "JAVSKOLL_BOOTSTRAP_KEY"}
    environment = {**inherited, "DATABASE_URL": database_url, **env}
    return subprocess.run(
        [JAVSKOLL, *args], env=environment, capture_output=True, text=True, timeout=120
    )


def test_apikey_create_list_revoke_and_audit_verify(tmp_database: str) -> None:
    created = _run(
        ["apikey", "create", "--role", "auditor", "--name", "Revisor", "--org", "ankeby"],
        tmp_database,
    )
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip()
    assert key.startswith("jk_")
    assert "not shown again" in created.stderr

    listed = _run(["apikey", "list"], tmp_database)
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [(r["name"], r["role"], r["organisations"]) for r in rows] == [
        ("Revisor", "auditor", ["ankeby"])
    ]
    assert key not in listed.stdout  # only the prefix is ever shown
    # The prefix names the key's id, never characters of the key itself.
    assert rows[0]["prefix"] == f"id-{rows[0]['id']}"
    assert key[3:8] not in listed.stdout

    revoked = _run(["apikey", "revoke", str(rows[0]["id"])], tmp_database)
    assert revoked.returncode == 0
    assert json.loads(_run(["apikey", "list"], tmp_database).stdout)["revoked_at"]

    verified = _run(["audit", "verify"], tmp_database)
    assert verified.returncode == 0
    result = json.loads(verified.stdout)
    assert result["ok"] is True and result["entries"] == 2  # create + revoke


def test_revoking_an_unknown_key_fails(tmp_database: str) -> None:
    result = _run(["apikey", "revoke", "999"], tmp_database)
    assert result.returncode != 0


def _serve_until_ready(database_url: str, **env: str) -> tuple[subprocess.Popen[str], int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inherited = {k: v for k, v in os.environ.items() if k != "JAVSKOLL_BOOTSTRAP_KEY"}
    process = subprocess.Popen(
        [JAVSKOLL, "serve", "--port", str(port)],
        env={**inherited, "DATABASE_URL": database_url, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=1).status_code == 200:
                return process, port
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError(
        "server did not start: " + (process.stderr.read() if process.stderr else "")
    )


def _stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGINT)
    try:
        _, stderr = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        _, stderr = process.communicate()
    return stderr


def test_first_start_without_keys_says_how_to_create_one(tmp_database: str) -> None:
    process, _ = _serve_until_ready(tmp_database)
    stderr = _stop(process)
    assert "javskoll apikey create --role admin" in stderr
    # The hint names the command as it can be run from here (the venv is not on PATH).
    line = next(x for x in stderr.splitlines() if "apikey create --role admin" in x)
    command = line.split()[0]
    assert command == "javskoll" or os.access(command, os.X_OK), line


def test_bootstrap_key_becomes_an_admin_key_once(tmp_database: str) -> None:
    bootstrap = "jk_bootstrap-" + "b" * 40
    process, port = _serve_until_ready(tmp_database, JAVSKOLL_BOOTSTRAP_KEY=bootstrap)
    try:
        base = f"http://127.0.0.1:{port}/v1"
        assert (
            httpx.get(
                base + "/vocabularies", headers={"Authorization": f"Bearer {bootstrap}"}
            ).status_code
            == 200
        )
        assert (
            httpx.get(
                base + "/vocabularies", headers={"Authorization": "Bearer jk_wrong"}
            ).status_code
            == 401
        )
    finally:
        stderr = _stop(process)
    assert bootstrap not in stderr  # the key is never logged
    rows = [json.loads(line) for line in _run(["apikey", "list"], tmp_database).stdout.splitlines()]
    assert [(r["name"], r["role"], r["organisations"]) for r in rows] == [
        ("bootstrap", "admin", None)
    ]
