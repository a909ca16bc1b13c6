"""Refused probes are audited and rate limited; so are wrong keys.

A key limited to organisations that asks about something outside them gets the answer a
missing object gets (404, or 422 `unknown_reference`), or 403 for a change it may not
make. One such answer tells nothing; many in a row are someone mapping another kommun
(or trying personnummer). So, around every authenticated request (`probe_guard`):

- a refused *write* of a limited key is recorded in the audit chain (kind
  `security.refused`: method, path with personnummer blanked, status, the pointers and
  codes of the refusal, never a value) in its own transaction, after the write itself was
  rolled back;
- every refusal of a limited key (reads too) counts against the key; past
  `JAVSKOLL_PROBE_LIMIT` refusals within `JAVSKOLL_PROBE_WINDOW_SECONDS` the key is
  answered 429 with `Retry-After` until the window has room again;
- every case party a limited key gives by personnummer (a case or a screening) counts
  against the key; past `JAVSKOLL_PERSONNUMMER_LIMIT` within the window, 429: with the
  cap per case (`app.cases.scope`) no one finds a personnummer behind a mask by trying;
- a request with an unknown or revoked key counts against the client address; past
  `JAVSKOLL_AUTH_FAILURE_LIMIT` within the window, the address gets 429 (a key that was
  served in this process within the window still passes, so one guesser behind a shared
  address does not lock out the kommun).

The counts are rows of the database (app/security/limits.py), so every worker process
and server spends one budget. Checking reads one row; only a refusal (or a party given by
personnummer) writes, in a transaction of its own after the request's was rolled back.
Which keys were served lately (`known_keys`), and whether they are limited, is remembered
per process: an unlimited key served lately reads no row at all.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

from fastapi import Request

from app.audit import chain
from app.audit.organisations import organisation_ids
from app.db import SessionDep, end_read
from app.errors import REF_TAKEN, AppError, NotFound, Unauthorized
from app.inputguard import PARSED_BODY_KEY
from app.logging import redact
from app.security.deps import Principal
from app.security.keys import hash_key
from app.security.limits import SharedWindow
from app.security.principal_cache import TtlCache

logger = logging.getLogger(__name__)
PROBE_CODES = frozenset({"out_of_scope", "unknown_reference"})
# Writes whose cases may give parties by personnummer: cases, screenings and meetings (a
# meeting's items are inline cases; before run Q they were not counted).
CASE_WRITES = re.compile(r"^/v1/(?:cases(?:/.*)?|screenings|meetings(?:/.*)?)$")


class TooManyRequests(AppError):
    status, type, title = 429, "too-many-requests", "Too many refused requests"


def is_probe(exc: AppError, principal: Principal | None) -> bool:
    """A limited key refused as if the object were missing, or out of its scope."""
    if principal is None or not principal.scoped:
        return False
    if isinstance(exc, NotFound) or getattr(exc, "probe", False):
        return True
    return bool({str(e.get("code")) for e in exc.errors} & PROBE_CODES)


def _too_many(seconds: int, what: str) -> TooManyRequests:
    return TooManyRequests(
        f"{what}; try again in {seconds} s.", headers={"Retry-After": str(seconds)}
    )


def _audit_refusal(session: Any, request: Request, principal: Principal, exc: AppError) -> None:
    session.rollback()  # the refused write, if any part of it was flushed
    prepared = chain.prepare(
        kind="security.refused",
        actor=chain.Actor(principal.key_id, principal.name),
        data={
            "method": request.method,
            "path": redact(request.url.path),
            "status": exc.status,
            "errors": [
                {"pointer": redact(str(e.get("pointer", ""))), "code": e.get("code")}
                for e in exc.errors[:50]
            ],
        },
        subjects=[("organisation", ref) for ref in sorted(principal.organisation_refs or ())],
        # The key's own organisations read it: their auditors see their key probing.
        organisations=organisation_ids(session, principal.organisation_refs or ()),
    )
    chain.link(session, prepared)
    session.commit()


def _count(session: Any, limiter: SharedWindow, subject: str, events: int = 1) -> None:
    """Count in a transaction of its own (the request's, if any, is over or refused).

    The answer stands if counting fails (the database went away): it is logged."""
    try:
        session.rollback()
        limiter.hit(session, subject, events)
        session.commit()
    except Exception:
        logger.exception("refusal_not_counted", extra={"limit": limiter.kind})
        try:
            session.rollback()
        except Exception:  # the connection itself is gone; the session is closed after
            logger.debug("rollback_failed", exc_info=True)


def probe_guard(request: Request, session: SessionDep) -> Iterator[None]:
    """Wraps every authenticated route (app.api): refuse the over-limit, count refusals."""
    state = request.app.state
    header = request.headers.get("authorization", "")
    token = header.partition(" ")[2].strip()
    key_hash = hash_key(token, state.settings.hash_secret) if token else None
    client = client_of(request)
    # known_keys: True for a limited key served lately, False for an unlimited one, None
    # if unknown. An unlimited key is never counted (probes and personnummer budgets are
    # a limited key's), so its request reads no row; only limited or new keys cost one.
    known = state.known_keys.get(key_hash) if key_hash is not None else None
    if key_hash is not None:
        wait = state.probe_limiter.retry_after(session, key_hash) if known is not False else None
        if wait is not None:
            raise _too_many(wait, "This key was refused too often")
        if known is None:
            wait = state.auth_failure_limiter.retry_after(session, client)
            if wait is not None:
                raise _too_many(wait, "Too many requests with a wrong key from this address")
    given = personnummer_parties(request)
    if key_hash is not None and given and known is not False:
        _may_give(session, state.personnummer_limiter, key_hash, given)
    end_read(session)  # the connection back to the pool before the next dependency
    try:
        yield
        if key_hash is not None:
            principal_ok: Principal | None = getattr(request.state, "principal", None)
            state.known_keys.put(key_hash, principal_ok is None or principal_ok.scoped)
            if principal_ok is not None and principal_ok.scoped and given:
                _count(session, state.personnummer_limiter, key_hash, given)
    except Unauthorized:
        if key_hash is not None:  # a key was given and is wrong (not: no key at all)
            _count(session, state.auth_failure_limiter, client)
        raise
    except AppError as exc:
        principal: Principal | None = getattr(request.state, "principal", None)
        if key_hash is not None and is_probe(exc, principal):
            assert principal is not None  # noqa: S101 - is_probe checked it
            _record_probe(session, request, principal, exc, key_hash)
        raise


def _record_probe(
    session: Any, request: Request, principal: Principal, exc: AppError, subject: str
) -> None:
    """Count a probe against `subject` and, for a write, audit it (the API's and the web
    pages' refusals alike). A refusal that says refs are taken outside the key's scope
    (an import's 403 points at each such item) counts one probe for each it lists, and
    lists no more than the budget has left: before run Q one import tested a hundred
    taken refs for one probe."""
    limiter: SharedWindow = request.app.state.probe_limiter
    _count(session, limiter, subject, _within_budget(session, limiter, subject, exc))
    if request.method != "GET":
        try:
            _audit_refusal(session, request, principal, exc)
        except Exception:  # the refusal stands even if its record fails
            session.rollback()
            logger.exception("refusal_not_audited")


def _within_budget(session: Any, limiter: SharedWindow, subject: str, exc: AppError) -> int:
    """Keep of the refusal's taken-ref errors (`errors.REF_TAKEN`) only as many as
    `subject` has probes left (at least one; the rest are left out, uncounted and unnamed,
    as a count of them would tell how many more are taken), and return how many probes
    the refusal counts."""
    taken = [e for e in exc.errors if e.get(REF_TAKEN)]
    if len(taken) <= 1:
        return 1
    try:
        session.rollback()  # the refused write, if any part of it was flushed
        left = max(1, limiter.remaining(session, subject))
    except Exception:  # the database went away: list one, as for a single ref
        logger.exception("probe_budget_not_read")
        left = 1
    dropped = {id(e) for e in taken[left:]}
    if dropped:
        exc.errors = [e for e in exc.errors if id(e) not in dropped]
    return len(taken) - len(dropped)


def client_of(request: Request) -> str:
    """The client address wrong keys count against (the API and the sign-in page alike)."""
    return request.client.host if request.client else "unknown"


def wrong_key_wait(request: Request, session: Any) -> int | None:
    """Seconds until this address may try a key again, or None if it may now."""
    limiter: SharedWindow = request.app.state.auth_failure_limiter
    return limiter.retry_after(session, client_of(request))


def count_wrong_key(request: Request, session: Any) -> None:
    """A wrong key from this address (the sign-in page; the API counts in probe_guard)."""
    _count(session, request.app.state.auth_failure_limiter, client_of(request))


def _may_give(session: Any, limiter: SharedWindow, subject: str, given: int) -> None:
    """Refuse a request whose parties by personnummer the budget has no room for: the
    whole request, before anything is screened, so one request cannot try more
    candidates than the budget allows (before run Q only a budget already spent was
    refused, and a meeting could try thousands at once)."""
    if given > limiter.limit:
        raise TooManyRequests(
            f"The request gives {given} parties by personnummer; this key may give at most "
            f"{limiter.limit} within {limiter.window} s. Send fewer at a time.",
            headers={"Retry-After": str(limiter.window)},
        )
    wait = limiter.retry_after(session, subject, wanted=given)
    if wait is not None:
        raise _too_many(wait, "This key has given too many parties by personnummer")


def spend_personnummer(session: Any, request: Request, principal: Principal, given: int) -> None:
    """A web page's case write: check and count its parties by personnummer against the
    signed-in key's budget (`web_subject`), in the page's transaction, as `probe_guard`
    does for the API (before run Q the case form counted nothing)."""
    if not given or not principal.scoped:
        return
    limiter: SharedWindow = request.app.state.personnummer_limiter
    subject = web_subject(principal)
    _may_give(session, limiter, subject, given)
    limiter.hit(session, subject, given)


def _case_parties(case: Any) -> int:
    parties = case.get("parties") if isinstance(case, dict) else None
    if not isinstance(parties, list):
        return 0
    return sum(1 for p in parties if isinstance(p, dict) and p.get("personnummer"))


def personnummer_parties(request: Request) -> int:
    """How many case parties a case, screening or meeting write gives by personnummer."""
    if request.method not in ("POST", "PUT") or not CASE_WRITES.match(request.url.path):
        return 0
    body = request.scope.get(PARSED_BODY_KEY)
    if not isinstance(body, dict):
        return 0
    items = body.get("items")
    if request.url.path.startswith("/v1/meetings") and isinstance(items, list):
        return sum(_case_parties(i.get("case")) for i in items if isinstance(i, dict))
    return _case_parties(body.get("case", body))


def install(
    app: Any, *, probe_limit: int, auth_failure_limit: int, personnummer_limit: int, window: float
) -> None:
    app.state.probe_limiter = SharedWindow("probe", probe_limit, window)
    app.state.personnummer_limiter = SharedWindow("personnummer", personnummer_limit, window)
    app.state.auth_failure_limiter = SharedWindow("wrong_key", auth_failure_limit, window)
    # Keys that authenticated lately still pass when their address is over the limit.
    app.state.known_keys = TtlCache[bool](window)


def web_subject(principal: Principal) -> str:
    """What a signed-in web session's refusals count against: its key (by id; the API
    counts the same key by its hash, so the two budgets are separate, each of the limit)."""
    return f"web-key:{principal.key_id}"


def web_over_limit(request: Request, session: Any, principal: Principal) -> None:
    """Before a web page of a limited session: 429 while its key is over its probe budget."""
    if not principal.scoped:
        return
    wait = request.app.state.probe_limiter.retry_after(session, web_subject(principal))
    if wait is not None:
        raise _too_many(wait, "This key was refused too often")


def record_web_refusal(
    request: Request, principal: Principal, exc: AppError, session: Any, *, close: bool = False
) -> None:
    """After a web page refused a limited session as if the object were missing (or out
    of its scope): count it, and audit a refused write, as `probe_guard` does for the API
    (before run N the pages did neither). In the page's session: still open for a form
    shown again (its write was rolled back); ended for an error page, so used afresh and
    closed again (`close`)."""
    if not is_probe(exc, principal):
        return
    try:
        _record_probe(session, request, principal, exc, web_subject(principal))
    finally:
        if close:
            session.close()
