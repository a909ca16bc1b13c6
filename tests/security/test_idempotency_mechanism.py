"""The Idempotency-Key mechanism on a probe route: replay, mismatch, in flight, abandoned.

The real routes are covered in test_idempotency_routes.py; here the middleware and the
claim store are tested on their own, including real concurrency on a committed database.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import make_sessionmaker
from app.db_types import utcnow
from app.idempotency import middleware as idempotency
from app.idempotency import store
from app.main import create_app
from app.models import AuditEntry, IdempotencyRecord
from app.security.keys import hash_key
from tests.conftest import TEST_HASH_SECRET, make_settings
from tests.security.probe import PROBE_PATH, mount_probe
from tests.support.api import ApiClient
from tests.support.keys import committed_key

PROBLEM = "application/problem+json"


def audit_count(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(AuditEntry)) or 0


@pytest.fixture
def probe_app(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> FastAPI:
    mount_probe(app, monkeypatch)
    return app


@pytest.fixture
def writer(probe_app: FastAPI, client_for) -> ApiClient:  # type: ignore[no-untyped-def]
    return client_for("screener")


def post(client: ApiClient, body: object, key: str | None, **params: str):  # type: ignore[no-untyped-def]
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(PROBE_PATH, json=body, headers=headers, params=params)


def test_same_key_and_body_replays_without_a_second_write(
    writer: ApiClient, session: Session
) -> None:
    before = audit_count(session)
    first = post(writer, {"a": 1}, "k-1")
    assert first.status_code == 201
    second = post(writer, {"a": 1}, "k-1")
    assert second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["location"] == first.headers["location"]
    assert second.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert audit_count(session) == before + 1


def test_same_json_in_another_layout_is_the_same_request(writer: ApiClient) -> None:
    first = writer.post(
        PROBE_PATH,
        content=b'{"a": 1, "b": [1, 2]}',
        headers={"Idempotency-Key": "k-layout", "Content-Type": "application/json"},
    )
    second = writer.post(
        PROBE_PATH,
        content=b'{"b":[1,2],"a":1}',
        headers={"Idempotency-Key": "k-layout", "Content-Type": "application/json"},
    )
    assert second.status_code == 201
    assert second.json() == first.json()


def test_same_key_with_another_body_is_422(writer: ApiClient, session: Session) -> None:
    assert post(writer, {"a": 1}, "k-2").status_code == 201
    before = audit_count(session)
    response = post(writer, {"a": 2}, "k-2")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.json()["errors"][0]["code"] == "idempotency_key_reused"
    assert audit_count(session) == before


def test_same_key_on_another_route_or_query_is_422(writer: ApiClient) -> None:
    assert post(writer, {"a": 1}, "k-3").status_code == 201
    assert post(writer, {"a": 1}, "k-3", note="x").status_code == 422


def test_keys_are_per_api_key(probe_app: FastAPI, client_for, session: Session) -> None:  # type: ignore[no-untyped-def]
    one, two = client_for("screener"), client_for("screener")
    before = audit_count(session)
    assert post(one, {"a": 1}, "shared").status_code == 201
    response = post(two, {"a": 1}, "shared")
    assert response.status_code == 201
    assert "idempotent-replayed" not in response.headers
    assert audit_count(session) == before + 2


def test_without_the_header_every_call_writes(writer: ApiClient, session: Session) -> None:
    before = audit_count(session)
    post(writer, {"a": 1}, None)
    post(writer, {"a": 1}, None)
    assert audit_count(session) == before + 2


def test_final_4xx_is_stored_and_replayed(writer: ApiClient, session: Session) -> None:
    assert post(writer, {"a": 1}, "k-404", status="404").status_code == 404
    again = post(writer, {"a": 1}, "k-404", status="404")
    assert again.status_code == 404
    assert again.headers["idempotent-replayed"] == "true"


@pytest.mark.parametrize("status", ["500", "503", "429"])
def test_5xx_and_retryable_statuses_release_the_key(
    writer: ApiClient, session: Session, status: str
) -> None:
    assert post(writer, {"a": 1}, f"k-{status}", status=status).status_code == int(status)
    session.expire_all()
    assert (
        session.scalar(
            select(IdempotencyRecord).where(IdempotencyRecord.idempotency_key == f"k-{status}")
        )
        is None
    )
    # The retry runs for real (status 201 now) instead of replaying the failure.
    retry = post(writer, {"a": 1}, f"k-{status}", status="201")
    assert retry.status_code == 201
    assert "idempotent-replayed" not in retry.headers


@pytest.mark.parametrize("key", [b"", b"x" * 201, "nyckel-åäö".encode(), b"a\x7fb"])
def test_an_invalid_key_is_422(writer: ApiClient, key: bytes) -> None:
    response = writer.post(PROBE_PATH, json={"a": 1}, headers={"Idempotency-Key": key})
    assert response.status_code == 422
    assert response.json()["errors"][0]["parameter"] == "Idempotency-Key"


def test_without_a_valid_api_key_the_answer_is_401(probe_app: FastAPI) -> None:
    with ApiClient(probe_app, "jk_unknown") as client:
        response = post(client, {"a": 1}, "k-anon")
    assert response.status_code == 401


def test_wrong_role_403_is_stored_like_any_final_answer(probe_app: FastAPI, client_for) -> None:  # type: ignore[no-untyped-def]
    auditor = client_for("auditor")
    assert post(auditor, {"a": 1}, "k-role").status_code == 403
    assert post(auditor, {"a": 1}, "k-role").headers["idempotent-replayed"] == "true"


def _hash_for(body: bytes) -> str:
    scope = {"method": "POST", "path": PROBE_PATH, "query_string": b""}
    return idempotency._request_hash(scope, body)  # noqa: SLF001


def _claim(session: Session, key_id: int, key: str, body: bytes, **ages: timedelta):  # type: ignore[no-untyped-def]
    return store.claim(
        session,
        key_id=key_id,
        key=key,
        method="POST",
        path=PROBE_PATH,
        request_hash=_hash_for(body),
        ttl=ages.get("ttl", timedelta(hours=24)),
        in_flight_timeout=ages.get("timeout", timedelta(minutes=5)),
    )


def _key_id(session: Session, client: ApiClient) -> int:
    key_id = store.api_key_id(session, hash_key(client.key or "", TEST_HASH_SECRET))
    assert key_id is not None
    return key_id


def test_a_request_in_flight_answers_409(writer: ApiClient, session: Session) -> None:
    claim = _claim(session, _key_id(session, writer), "k-busy", b'{"a":1}')
    assert isinstance(claim, store.Claim)
    response = post(writer, {"a": 1}, "k-busy")
    assert response.status_code == 409
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.headers["retry-after"]
    # Another body for a key in flight is still a misuse of the key.
    assert post(writer, {"a": 2}, "k-busy").status_code == 422


def test_an_abandoned_claim_is_taken_over(writer: ApiClient, session: Session) -> None:
    key_id = _key_id(session, writer)
    claim = _claim(session, key_id, "k-dead", b'{"a":1}')
    assert isinstance(claim, store.Claim)
    record = session.get(IdempotencyRecord, claim.record_id)
    assert record is not None
    record.created_at = utcnow() - timedelta(minutes=10)  # its process died long ago
    session.commit()
    response = post(writer, {"a": 1}, "k-dead")
    assert response.status_code == 201
    assert "idempotent-replayed" not in response.headers
    assert post(writer, {"a": 1}, "k-dead").headers["idempotent-replayed"] == "true"


def test_only_one_of_two_takeovers_wins(writer: ApiClient, session: Session) -> None:
    key_id = _key_id(session, writer)
    first = _claim(session, key_id, "k-race", b'{"a":1}')
    assert isinstance(first, store.Claim)
    record = session.get(IdempotencyRecord, first.record_id)
    assert record is not None
    record.created_at = utcnow() - timedelta(minutes=10)
    session.commit()
    session.expire_all()
    stale = session.get(IdempotencyRecord, first.record_id)
    assert stale is not None
    won = store._take_over(session, stale, "POST", PROBE_PATH, "h", utcnow())  # noqa: SLF001
    lost = store._take_over(session, stale, "POST", PROBE_PATH, "h", utcnow())  # noqa: SLF001
    assert won is not None and lost is None


def test_work_that_committed_is_never_released_even_on_a_5xx(
    writer: ApiClient, session: Session
) -> None:
    before = audit_count(session)
    failed = post(writer, {"a": 1}, "k-5xx-late", status="500", after_commit="1")
    assert failed.status_code == 500
    assert audit_count(session) == before + 1
    retry = post(writer, {"a": 1}, "k-5xx-late", status="500", after_commit="1")
    assert retry.status_code == 409
    assert audit_count(session) == before + 1


def test_a_committed_claim_without_an_answer_is_409_not_rerun(
    writer: ApiClient, session: Session
) -> None:
    """The process died between its commit and storing the answer."""
    claim = _claim(session, _key_id(session, writer), "k-lost", b'{"a":1}')
    assert isinstance(claim, store.Claim)
    assert store.mark_committed(session, claim)
    session.commit()
    before = audit_count(session)
    busy = post(writer, {"a": 1}, "k-lost")
    assert busy.status_code == 409
    assert busy.json()["code"] == "idempotency_in_flight"
    record = session.get(IdempotencyRecord, claim.record_id)
    assert record is not None
    record.created_at = utcnow() - timedelta(minutes=10)
    session.commit()
    lost = post(writer, {"a": 1}, "k-lost")
    assert lost.status_code == 409
    assert lost.json()["code"] == "idempotency_answer_lost"
    assert audit_count(session) == before


def test_an_expired_record_frees_the_key_and_purge_deletes_old_ones(
    writer: ApiClient, session: Session
) -> None:
    assert post(writer, {"a": 1}, "k-old").status_code == 201
    record = session.scalar(
        select(IdempotencyRecord).where(IdempotencyRecord.idempotency_key == "k-old")
    )
    assert record is not None
    record.created_at = utcnow() - timedelta(hours=25)
    session.commit()
    # After the retention the key is new again, even with another body.
    response = post(writer, {"a": 2}, "k-old")
    assert response.status_code == 201
    assert "idempotent-replayed" not in response.headers
    post(writer, {"a": 1}, "k-old-2")
    old = session.scalar(
        select(IdempotencyRecord).where(IdempotencyRecord.idempotency_key == "k-old-2")
    )
    assert old is not None
    old.created_at = utcnow() - timedelta(hours=25)
    session.commit()
    assert store.purge(session, ttl=timedelta(hours=24)) == 1
    session.expire_all()
    keys = set(session.scalars(select(IdempotencyRecord.idempotency_key)).all())
    assert "k-old-2" not in keys and "k-old" in keys


# --- real concurrency, on a database that really commits -------------------------------


@pytest.fixture
def committed_probe(
    tmp_database: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[FastAPI, str, threading.Event, threading.Event]]:
    settings = make_settings(tmp_database)
    app = create_app(settings)
    mount_probe(app, monkeypatch)
    entered, release = threading.Event(), threading.Event()
    app.state.probe_entered, app.state.probe_release = entered, release

    key = committed_key(app, "screener", "c")
    yield app, key, entered, release
    release.set()
    app.state.engine.dispose()


def test_a_concurrent_duplicate_gets_409_and_one_write(committed_probe) -> None:  # type: ignore[no-untyped-def]
    app, key, entered, release = committed_probe
    with ApiClient(app, key) as first_client, ApiClient(app, key) as second_client:
        with ThreadPoolExecutor(1) as pool:
            first = pool.submit(
                first_client.post,
                PROBE_PATH,
                json={"a": 1},
                headers={"Idempotency-Key": "k-conc", "X-Test-Hold": "1"},
            )
            assert entered.wait(30)
            # The first holds its claim (it waits inside the app); the duplicate must not run.
            duplicate = post(second_client, {"a": 1}, "k-conc")
            release.set()
            original = first.result(30)
        replay = post(second_client, {"a": 1}, "k-conc")
    assert original.status_code == 201
    assert duplicate.status_code == 409
    assert replay.status_code == 201 and replay.json() == original.json()
    with make_sessionmaker(app.state.engine)() as session:
        assert audit_count(session) == 2  # the key creation and one probe write


def test_a_slow_original_whose_claim_was_taken_over_does_not_commit(committed_probe) -> None:  # type: ignore[no-untyped-def]
    """The retry took the key over as abandoned while the original still ran: only one of
    them may do the work, so the original's commit fails on the claim marker."""
    app, key, entered, release = committed_probe
    sessions = make_sessionmaker(app.state.engine)
    with (
        ApiClient(app, key) as first_client,
        ApiClient(app, key) as second_client,
        ThreadPoolExecutor(1) as pool,
    ):
        first = pool.submit(
            first_client.post,
            PROBE_PATH,
            json={"a": 1},
            headers={"Idempotency-Key": "k-slow", "X-Test-Hold": "1"},
        )
        assert entered.wait(30)
        with sessions() as session:
            record = session.scalar(
                select(IdempotencyRecord).where(IdempotencyRecord.idempotency_key == "k-slow")
            )
            assert record is not None
            record.created_at = utcnow() - timedelta(minutes=10)
            session.commit()
        retry = post(second_client, {"a": 1}, "k-slow")
        release.set()
        original = first.result(30)
    assert retry.status_code == 201
    assert original.status_code == 409
    assert original.json()["code"] == "idempotency_taken_over"
    with sessions() as session:
        assert audit_count(session) == 2  # the key creation and the retry's write
    with ApiClient(app, key) as client:
        replay = post(client, {"a": 1}, "k-slow")
    assert replay.json() == retry.json()


def test_many_parallel_duplicates_write_once(committed_probe) -> None:  # type: ignore[no-untyped-def]
    app, key, _, _ = committed_probe
    clients = [ApiClient(app, key) for _ in range(8)]
    try:
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda c: post(c, {"n": 7}, "k-many"), clients))
    finally:
        for client in clients:
            client.close()
    statuses = sorted(a.status_code for a in answers)
    assert set(statuses) <= {201, 409}
    bodies = {a.text for a in answers if a.status_code == 201}
    assert len(bodies) == 1
    with make_sessionmaker(app.state.engine)() as session:
        assert audit_count(session) == 2
