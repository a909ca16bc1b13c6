"""Concurrency through a real server process: many clients, one audit chain.

At least 8 parallel clients post screenings, imports and jäv decisions against
`javskoll serve` for a bounded time. Afterwards every 2xx screening has exactly one
audit entry, the sequence has no gaps, nothing is half-written and the chain verifies
(through the API and with `javskoll audit verify`).
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from app.migrate import upgrade
from tests.reliability.server import (
    BOOTSTRAP_KEY,
    REPO_ROOT,
    Server,
    javskoll_command,
    server_env,
)
from tests.reliability.workload import Record, Workload, check_consistency, personnummer, seed
from tests.support.databases import backend

pytestmark = pytest.mark.slow

MIXED_SECONDS = 15.0
SQLITE_SECONDS = 10.0


def run_for(
    server: Server, seconds: float, screeners: int, importers: int, deciders: int
) -> Record:
    record = Record()
    with server.client() as client:
        seed(client, [personnummer(i) for i in range(3)])
    workload = Workload(lambda: server.base_url, BOOTSTRAP_KEY, record)
    workload.start(screeners, importers, deciders)
    time.sleep(seconds)
    workload.join()
    return record


def verify_with_cli(database_url: str) -> None:
    result = subprocess.run(  # noqa: S603 - our own CLI
        [*javskoll_command(), "audit", "verify"],
        cwd=REPO_ROOT,
        env=server_env(database_url),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert '"ok": true' in result.stdout


def assert_all_good(server: Server, record: Record, database_url: str) -> dict[str, int]:
    for kind, codes in record.statuses.items():
        assert all(c < 500 for c in codes), f"{kind}: server errors {sorted(set(codes))}"
    assert record.unknown == 0, "a request got no answer"
    counts = check_consistency(database_url, record)
    with server.client() as client:
        verify = client.get("/v1/audit/verify").json()
    assert verify["ok"] is True, verify
    verify_with_cli(database_url)
    print(f"workload: {counts}; statuses: {_summary(record)}")  # noqa: T201 - shown with -s
    return counts


def _summary(record: Record) -> dict[str, dict[int, int]]:
    return {
        kind: {c: codes.count(c) for c in sorted(set(codes))}
        for kind, codes in record.statuses.items()
    }


@pytest.mark.postgres
def test_mixed_workload_on_postgresql(tmp_database: str, tmp_path: Path) -> None:
    with Server(tmp_database, tmp_path / "server.log") as server:
        record = run_for(server, MIXED_SECONDS, screeners=4, importers=2, deciders=2)
        counts = assert_all_good(server, record, tmp_database)
    assert counts["screenings"] >= 8 and counts["imports"] >= 2 and counts["decisions"] >= 2
    assert all(c in (200, 201) for codes in record.statuses.values() for c in codes)


def test_parallel_screenings_on_sqlite(tmp_path: Path) -> None:
    """BEGIN IMMEDIATE serialises SQLite writers: no lost or doubled audit entries."""
    if backend() != "sqlite":
        pytest.skip("the SQLite part runs in the SQLite test run")
    url = f"sqlite:///{tmp_path / 'concurrency.db'}"
    upgrade(url)
    with Server(url, tmp_path / "server.log") as server:
        record = run_for(server, SQLITE_SECONDS, screeners=8, importers=0, deciders=0)
        counts = assert_all_good(server, record, url)
    assert counts["screenings"] >= 8
    assert set(record.statuses) == {"screening"}
    assert all(c == 201 for c in record.statuses["screening"])
