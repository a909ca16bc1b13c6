"""`Idempotency-Key` for the POSTs that create records, as one ASGI middleware.

Keyed on method + path, so the routers need no change. For a covered route with the
header and a live API key:

1. claim the key with an INSERT in its own transaction (app.idempotency.store);
2. run the request and buffer its response; when the handler commits, a session hook
   marks the claim COMMITTED inside that same transaction;
3. store 2xx and final 4xx responses on the claim; on 5xx (and the retryable
   408/425/429/499, and any answer with `Retry-After`: a 409 of two imports that collided
   and stored nothing) release the claim so a retry runs again, unless the work committed;
4. send the response.

The same key with the same request replays the stored status and body (header
`Idempotent-Replayed: true`); with another body it is 422; while the first is still in
flight it is 409. A claim older than `idempotency_in_flight_timeout_seconds` that
committed nothing counts as abandoned (its process died) and is taken over; one that
committed but never stored its answer (the process died in between) answers 409 for
good, because running it again would do the work twice. Records live
`idempotency_ttl_hours`.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import logging
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.db import get_session
from app.errors import (
    AppError,
    Conflict,
    ServiceUnavailable,
    Unprocessable,
    field_error,
    problem_response,
)
from app.idempotency import store
from app.inputguard import PARSED_BODY_KEY, read_body, replaying_receive
from app.security.keys import hash_key

logger = logging.getLogger(__name__)

HEADER = b"idempotency-key"
REPLAYED_HEADER = "idempotent-replayed"
MAX_KEY_LENGTH = 200
PURGE_EVERY_SECONDS = 60.0
# Statuses a retry may turn out differently for: never stored, the key is released (499:
# the client gave up while the request waited for its turn, and nothing was done).
RETRYABLE_4XX = frozenset({408, 425, 429, 499})
# Response headers worth replaying (request id and security headers are added outside).
KEPT_HEADERS = frozenset({"content-type", "location", "etag", "retry-after"})

# Every POST that creates something, but never POST /v1/apikeys: its answer holds the
# new key, which must not be stored anywhere.
COVERED_ROUTES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        r"/v1/import",
        r"/v1/cases",
        r"/v1/screenings",
        r"/v1/screenings/[^/]+/rerun",
        r"/v1/cases/.+/decisions",
        r"/v1/(organisations|committees|administrations|operations|agreements|persons"
        r"|appointments|interests|relations)",
        r"/v1/vocabularies/areas",
    )
)

T = TypeVar("T")
# Marks the middleware's own sessions, which the commit hook must leave alone.
INTERNAL = "javskoll.idempotency_internal"


@dataclass
class _Running:
    """The claim of the request running in this context (seen by the commit hook)."""

    claim: store.Claim
    marked: bool = False


_running: ContextVar[_Running | None] = ContextVar("idempotency_running", default=None)


@event.listens_for(Session, "before_commit")
def _mark_committed(session: Session) -> None:
    """Make "the work is done" part of the request's own commit (see store.COMMITTED)."""
    running = _running.get()
    if running is None or running.marked or session.info.get(INTERNAL):
        return
    if not store.mark_committed(session, running.claim):
        raise Conflict(
            "This request took too long and its Idempotency-Key was taken over by a "
            "retry; it was not carried out here.",
            code="idempotency_taken_over",
        )
    running.marked = True


def covers(method: str, path: str) -> bool:
    return method == "POST" and any(p.fullmatch(path) for p in COVERED_ROUTES)


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._last_purge = 0.0
        # Claims we failed to release (database down): retried before the next claim.
        self._unreleased: list[store.Claim] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not covers(scope["method"], scope["path"]):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        raw_key = headers.get(HEADER)
        if raw_key is None:
            await self.app(scope, receive, send)
            return
        key = raw_key.decode("latin-1")
        if not (0 < len(key) <= MAX_KEY_LENGTH and key.isascii() and key.isprintable()):
            await _respond(_invalid_key(), scope, receive, send)
            return
        token = _bearer(headers.get(b"authorization", b""))
        if token is None:  # the app answers 401
            await self.app(scope, receive, send)
            return
        body = await read_body(receive)
        replay_receive = replaying_receive(body, receive)
        try:
            outcome = await self._claim(scope, token, key, body)
        except DBAPIError as exc:
            if not isinstance(exc, OperationalError) and not exc.connection_invalidated:
                raise
            await _respond(_unavailable(scope, exc), scope, receive, send)
            return
        if outcome is None:  # unknown or revoked key: let the app say 401
            await self.app(scope, replay_receive, send)
            return
        if isinstance(outcome, store.Stored):
            await _replay(outcome, send)
            return
        if outcome == "mismatch":
            await _respond(_mismatch(), scope, receive, send)
            return
        if outcome in ("in_flight", "answer_lost"):
            await _respond(_in_flight(lost=outcome == "answer_lost"), scope, receive, send)
            return
        assert isinstance(outcome, store.Claim)
        await self._run(scope, replay_receive, send, outcome)

    async def _claim(self, scope: Scope, token: str, key: str, body: bytes) -> store.Outcome | None:
        settings = scope["app"].state.settings
        key_hash = hash_key(token, settings.hash_secret)
        request_hash = _request_hash(scope, body)

        unreleased, self._unreleased = self._unreleased, []

        def work(session: Session) -> store.Outcome | None:
            for claim in unreleased:
                store.release(session, claim)
            key_id = store.api_key_id(session, key_hash)
            session.commit()
            if key_id is None:
                return None
            return store.claim(
                session,
                key_id=key_id,
                key=key,
                method=scope["method"],
                path=scope["path"],
                request_hash=request_hash,
                ttl=timedelta(hours=settings.idempotency_ttl_hours),
                in_flight_timeout=timedelta(seconds=settings.idempotency_in_flight_timeout_seconds),
            )

        return await _in_session(scope, work)

    async def _run(self, scope: Scope, receive: Receive, send: Send, claim: store.Claim) -> None:
        start: Message | None = None
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        token = _running.set(_Running(claim))
        try:
            await self.app(scope, receive, capture)
        except BaseException:
            await self._release(scope, claim)
            raise
        finally:
            _running.reset(token)
        if start is None:
            await self._release(scope, claim)
            return
        status = int(start["status"])
        body = b"".join(chunks)
        if _storable(status, start.get("headers", [])):
            await self._complete(scope, claim, status, body, start.get("headers", []))
        else:
            await self._release(scope, claim)
        await send(start)
        await send({"type": "http.response.body", "body": body, "more_body": False})
        await self._maybe_purge(scope)

    async def _complete(
        self, scope: Scope, claim: store.Claim, status: int, body: bytes, raw_headers: Any
    ) -> None:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            await self._release(scope, claim)
            return
        kept = {
            k.decode("latin-1").lower(): v.decode("latin-1")
            for k, v in raw_headers
            if k.decode("latin-1").lower() in KEPT_HEADERS
        }
        try:
            stored = await _in_session(
                scope,
                lambda s: store.complete(s, claim, status_code=status, body=text, headers=kept),
            )
        except Exception:
            # The request itself succeeded; a retry after the in-flight timeout would run
            # it again. Say so in the log, but still answer.
            logger.exception("idempotency_store_failed", extra={"record": claim.record_id})
            return
        if not stored:
            logger.warning("idempotency_claim_lost", extra={"record": claim.record_id})

    async def _release(self, scope: Scope, claim: store.Claim) -> None:
        try:
            await _in_session(scope, lambda s: store.release(s, claim))
        except Exception:
            # Retried before the next claim; at worst it times out and is taken over.
            self._unreleased.append(claim)
            logger.warning("idempotency_release_failed", extra={"record": claim.record_id})

    async def _maybe_purge(self, scope: Scope) -> None:
        now = time.monotonic()
        if now - self._last_purge < PURGE_EVERY_SECONDS:
            return
        self._last_purge = now
        ttl = timedelta(hours=scope["app"].state.settings.idempotency_ttl_hours)
        try:
            purged = await _in_session(scope, lambda s: store.purge(s, ttl=ttl))
        except Exception:
            logger.warning("idempotency_purge_failed")
            return
        if purged:
            logger.info("idempotency_purged", extra={"records": purged})


def _storable(status: int, raw_headers: Any = ()) -> bool:
    """A final answer: 2xx, or 4xx that a retry would not change (no `Retry-After`)."""
    if any(k.decode("latin-1").lower() == "retry-after" for k, _ in raw_headers):
        return False
    return 200 <= status < 300 or (400 <= status < 500 and status not in RETRYABLE_4XX)


def _bearer(header: bytes) -> str | None:
    scheme, _, token = header.decode("latin-1").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def _request_hash(scope: Scope, body: bytes) -> str:
    """Method, path, query and body; a JSON body is compared by content, not by layout."""
    parsed = scope.get(PARSED_BODY_KEY)
    if parsed is None and body:
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
    canonical = (
        json.dumps(parsed, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        if parsed is not None
        else body
    )
    digest = hashlib.sha256()
    for part in (scope["method"].encode(), scope["path"].encode(), scope["query_string"]):
        digest.update(part + b"\0")
    digest.update(canonical)
    return digest.hexdigest()


@contextmanager
def _session(app: Any) -> Iterator[Session]:
    """A session from the app's provider; honours a test override of `get_session`."""
    override = app.dependency_overrides.get(get_session)
    if override is None:
        with app.state.sessionmaker() as session:
            yield session
        return
    generator = override() if not inspect.signature(override).parameters else None
    if generator is None:
        raise RuntimeError("a get_session override must take no arguments")
    session = next(generator)
    try:
        yield session
    finally:
        generator.close()


async def _in_session(scope: Scope, work: Callable[[Session], T]) -> T:
    def run() -> T:
        with _session(scope["app"]) as session:
            session.info[INTERNAL] = True
            try:
                return work(session)
            finally:
                session.info.pop(INTERNAL, None)

    return await run_in_threadpool(run)


async def _replay(stored: store.Stored, send: Send) -> None:
    body = stored.body.encode("utf-8")
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in stored.headers.items()]
    headers += [
        (b"content-length", str(len(body)).encode()),
        (REPLAYED_HEADER.encode(), b"true"),
    ]
    await send({"type": "http.response.start", "status": stored.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def _respond(error: AppError, scope: Scope, receive: Receive, send: Send) -> None:
    await problem_response(error, Request(scope))(scope, receive, send)


def _invalid_key() -> AppError:
    detail = f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable ASCII characters."
    error = field_error("/idempotency-key", detail, "idempotency_key_invalid")
    error.update({"in": "header", "parameter": "Idempotency-Key"})
    return Unprocessable(detail, errors=[error])


def _mismatch() -> AppError:
    detail = "This Idempotency-Key was already used with a different request."
    error = field_error("/idempotency-key", detail, "idempotency_key_reused")
    error.update({"in": "header", "parameter": "Idempotency-Key"})
    return Unprocessable(detail, errors=[error])


def _in_flight(*, lost: bool) -> AppError:
    if lost:
        return Conflict(
            "The request with this Idempotency-Key was carried out, but its answer was "
            "lost (the service stopped); read the result instead of retrying.",
            code="idempotency_answer_lost",
        )
    return Conflict(
        "A request with this Idempotency-Key is still being processed; retry later.",
        headers={"Retry-After": "1"},
        code="idempotency_in_flight",
    )


def _unavailable(scope: Scope, exc: Exception) -> AppError:
    logger.warning("database_unavailable", extra={"error": type(exc).__name__})
    retry_after = scope["app"].state.settings.db_retry_after_seconds
    return ServiceUnavailable(
        "The database could not be reached; try again shortly.",
        headers={"Retry-After": str(retry_after)},
    )
