"""Metrics stay right with several uvicorn workers (prometheus multiprocess mode): a real
`javskoll serve --workers 2`, screenings over fresh connections (so either worker may
answer), and scrapes that must each count every screening exactly once."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.reliability.server import (
    BOOTSTRAP_KEY,
    REPO_ROOT,
    free_port,
    javskoll_command,
    server_env,
)
from tests.support.registry import CONTRACT_CASE, contract_document

pytestmark = pytest.mark.slow
SCREENINGS = 6
AUTH = {"Authorization": f"Bearer {BOOTSTRAP_KEY}"}


@contextmanager
def serve(database_url: str, log: Path, **env: str) -> Iterator[str]:
    port = free_port()
    with log.open("ab") as out:
        process = subprocess.Popen(
            [*javskoll_command(), "serve", "--port", str(port), "--workers", "2"],
            cwd=REPO_ROOT,
            env=server_env(database_url, **env),
            stdout=out,
            stderr=out,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, log.read_text(errors="replace")[-3000:]
            try:
                if httpx.get(base + "/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def _screen_several(base: str) -> None:
    with httpx.Client(base_url=base, headers=AUTH, timeout=60) as client:
        assert client.post("/v1/import", json=contract_document()).status_code == 200
        assert client.post("/v1/cases", json=CONTRACT_CASE).status_code == 201
    for _ in range(SCREENINGS):
        # A new connection each time: uvicorn's workers share the socket, either may accept.
        response = httpx.post(
            base + "/v1/screenings", json={"case": CONTRACT_CASE["ref"]}, headers=AUTH, timeout=60
        )
        assert response.status_code == 201, response.text


def _flagged(text: str) -> float:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "javskoll_screenings_total" and sample.labels == {
                "outcome": "flagged"
            }:
                return sample.value
    return 0.0


def _pids_in_metrics(text: str) -> None:
    # Multiprocess mode sums per-process files: no per-worker `pid` label leaks out for
    # counters, and the audit chain length is read from the database.
    families = {f.name: f for f in text_string_to_metric_families(text)}
    assert "javskoll_audit_chain_length" in families
    assert families["javskoll_audit_chain_length"].samples[0].value >= SCREENINGS + 2


def test_a_separate_metrics_port_sums_every_worker(tmp_database: str, tmp_path: Path) -> None:
    metrics_port = free_port()
    with serve(
        tmp_database,
        tmp_path / "serve.log",
        JAVSKOLL_METRICS="port",
        JAVSKOLL_METRICS_PORT=str(metrics_port),
    ) as base:
        _screen_several(base)
        assert httpx.get(base + "/metrics", headers=AUTH).status_code == 404  # not on the API
        for _ in range(3):
            text = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=30).text
            assert _flagged(text) == SCREENINGS
        _pids_in_metrics(text)
    assert "metrics on http://127.0.0.1:" in (tmp_path / "serve.log").read_text()


def test_metrics_on_the_api_port_agree_whichever_worker_answers(
    tmp_database: str, tmp_path: Path
) -> None:
    samples = tmp_path / "samples"
    samples.mkdir()
    (samples / "counter_999999.db").write_bytes(b"stale")  # from an earlier run: removed
    log = tmp_path / "serve.log"
    with serve(tmp_database, log, PROMETHEUS_MULTIPROC_DIR=str(samples)) as base:
        _screen_several(base)
        seen = {
            _flagged(httpx.get(base + "/metrics", headers=AUTH, timeout=30).text) for _ in range(6)
        }
        assert seen == {SCREENINGS}
        files = {p.name for p in samples.glob("*.db")}
        assert "counter_999999.db" not in files
        # Each worker that counted something writes its own file; a scrape sums them.
        assert any(n.startswith("counter_") for n in files)
