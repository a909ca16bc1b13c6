"""Database outage: the API answers 503 problem+json with Retry-After, /v1/ready says 503,
and the same server process recovers on its own when the database returns.

The test runs its own PostgreSQL cluster (initdb + pg_ctl on a free port in a temporary
folder) so it can stop it; it does not need the suite's PostgreSQL server.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest

from tests.reliability.server import PrivateCluster, Server, pg_bin, private_cluster

pytestmark = pytest.mark.slow

PROBLEM = "application/problem+json"
RECOVERY_TIMEOUT = 30.0
SMALL_IMPORT = {"organisations": [{"ref": "outage-kommun", "kind": "kommun", "name": "Ö kommun"}]}


@pytest.fixture
def cluster() -> Iterator[PrivateCluster]:
    if pg_bin("initdb") is None or pg_bin("pg_ctl") is None:
        pytest.skip("initdb/pg_ctl not installed: cannot run a private PostgreSQL cluster")
    with private_cluster() as cluster:
        yield cluster


def assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    assert int(response.headers["retry-after"]) > 0
    assert response.json()["status"] == 503
    assert response.headers["x-content-type-options"] == "nosniff"


def calls(client: httpx.Client, key: str) -> list[httpx.Response]:
    return [
        client.get("/v1/audit"),
        client.get("/v1/vocabularies"),
        client.post("/v1/import", json=SMALL_IMPORT),
        client.post("/v1/import", json=SMALL_IMPORT, headers={"Idempotency-Key": key}),
    ]


def test_outage_answers_503_and_recovers_without_restart(
    cluster: PrivateCluster, tmp_path: Path
) -> None:
    with Server(cluster.url, tmp_path / "server.log") as server, server.client() as client:
        pid = server.pid
        assert all(r.status_code == 200 for r in calls(client, "before"))
        assert client.get("/v1/ready").status_code == 200

        cluster.stop("fast")
        for response in calls(client, "during"):
            assert_unavailable(response)
        ready = client.get("/v1/ready")
        assert ready.status_code == 503
        assert ready.headers["retry-after"]
        assert client.get("/v1/health").status_code == 200  # liveness does not depend on it

        cluster.start()
        deadline = time.monotonic() + RECOVERY_TIMEOUT
        while client.get("/v1/ready").status_code != 200:
            assert time.monotonic() < deadline, "the service did not recover"
            time.sleep(0.2)
        answers = calls(client, "during")
        assert [r.status_code for r in answers] == [200, 200, 200, 200], server.tail()
        # The key used during the outage was released, not stored as a failure.
        assert "idempotent-replayed" not in answers[3].headers
        assert server.pid == pid and server.process is not None
        assert server.process.poll() is None  # the same process, never restarted
        verify = client.get("/v1/audit/verify").json()
        assert verify["ok"] is True


def test_outage_mid_load_loses_no_committed_write(cluster: PrivateCluster, tmp_path: Path) -> None:
    """Writes answered 2xx before, during and after a crash-stop of the database are all
    stored, and the audit chain verifies; failures are 503s, never 500s."""
    with Server(cluster.url, tmp_path / "server.log") as server, server.client() as client:
        answered: list[str] = []
        statuses: set[int] = set()
        for n in range(60):
            if n == 20:
                cluster.stop("immediate")
            if n == 40:
                cluster.start()
                time.sleep(0.5)
            ref = f"o-{n}"
            body = {"organisations": [{"ref": ref, "kind": "kommun", "name": f"Kommun {n}"}]}
            response = client.post("/v1/import", json=body)
            statuses.add(response.status_code)
            if response.status_code == 200:
                answered.append(ref)
            else:
                assert_unavailable(response)
        assert statuses <= {200, 503}
        assert 503 in statuses and len(answered) >= 30
        with psycopg.connect(cluster.url.replace("+psycopg", "")) as conn:
            stored = {row[0] for row in conn.execute("SELECT ref FROM organisations")}
        assert set(answered) <= stored
        assert client.get("/v1/audit/verify").json()["ok"] is True
