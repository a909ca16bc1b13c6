"""Run a what-if job in the service process: a background thread with its own session.

Stored screenings are read in batches (their facts and finding rows), replayed by
:mod:`app.whatif.compare` and added up; progress is committed after each batch. Large
jobs spread the batches over worker processes (the rules are pure CPU work); small ones
run in the thread. Nothing in the stored screenings is written.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import socket
import threading
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from app.db_types import utcnow
from app.models import WhatIfJob
from app.rules import rules_version
from app.security.deps import Principal
from app.security.roles import Role
from app.whatif import repository as repo
from app.whatif.compare import ItemChange, StoredItem, changed_parameters, replay_chunk
from app.whatif.report import Tally
from app.whatif.schemas import WhatIfIn

logger = logging.getLogger(__name__)

#: Below this many screenings the job runs in its thread (starting workers costs more).
POOL_THRESHOLD = 5_000
BATCH = 500


def runner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def principal_of(job: WhatIfJob) -> Principal:
    scope = frozenset(job.key_scope) if job.key_scope is not None else None
    return Principal(job.api_key_id or 0, job.key_name, Role(job.key_role), scope)


def _replayed(
    batches: Iterator[list[StoredItem]], overrides: str, pool: ProcessPoolExecutor | None
) -> Iterator[tuple[int, list[ItemChange]]]:
    """(screenings replayed, changes) per batch, in order; at most 2 batches per worker
    in flight, so memory stays bounded however many screenings there are."""
    if pool is None:
        for batch in batches:
            yield len(batch), replay_chunk(overrides, batch)
        return
    pending: deque[tuple[int, Future[list[ItemChange]]]] = deque()
    for batch in batches:
        pending.append((len(batch), pool.submit(replay_chunk, overrides, batch)))
        if len(pending) >= 2 * workers():
            size, future = pending.popleft()
            yield size, future.result()
    while pending:
        size, future = pending.popleft()
        yield size, future.result()


def run(make_session: sessionmaker[Session], job_id: str) -> None:
    """Run one job to its end (done or failed); never raises."""
    try:
        with make_session() as session:
            _run(session, job_id)
    except Exception as exc:  # a failed job says why; the service goes on
        logger.exception("what-if job failed", extra={"job": job_id})
        with make_session() as session:
            job = session.get(WhatIfJob, job_id)
            if job is not None:
                job.status, job.error, job.finished_at = "failed", str(exc)[:2000], utcnow()
                session.commit()


def resolve_filter(session: Session, principal: Principal, request: WhatIfIn) -> repo.Where:
    """The filter's refs as ids, in the key's scope (LookupError names a missing one)."""
    f = request.filter
    org = committee = None
    if f.organisation is not None:
        org = repo.organisation_id(session, principal, f.organisation)
        if org is None:
            raise LookupError("organisation")
    if f.committee is not None:
        committee = repo.committee_id(session, principal, f.committee)
        if committee is None:
            raise LookupError("committee")
    return (org, committee, f.from_, f.to)


def _run(session: Session, job_id: str) -> None:
    job = session.get(WhatIfJob, job_id)
    if job is None:
        return
    request = WhatIfIn.model_validate(job.request)
    principal = principal_of(job)
    where = resolve_filter(session, principal, request)
    total, with_facts = repo.counts(session, principal, *where)
    job.status, job.total, job.runner = "running", with_facts, runner_id()
    session.commit()
    overrides = json.dumps(request.parameters, sort_keys=True)
    versions = (rules_version(), rules_version(changed_parameters(overrides)))
    tally = Tally()
    pool = None
    if with_facts >= POOL_THRESHOLD and workers() > 1:
        pool = ProcessPoolExecutor(workers(), mp_context=multiprocessing.get_context("spawn"))
    try:
        batches = repo.stored_batches(session, principal, *where, size=BATCH)
        for replayed, changes in _replayed(batches, overrides, pool):
            tally.add(replayed, changes)
            session.execute(
                update(WhatIfJob).where(WhatIfJob.id == job_id).values(done=tally.replayed)
            )
            session.commit()
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    report = tally.report(request.parameters, request.filter, versions, total - with_facts)
    job = session.get(WhatIfJob, job_id)
    assert job is not None
    job.report = report.model_dump(mode="json", by_alias=True)
    job.status, job.done, job.finished_at = "done", tally.replayed, utcnow()
    session.commit()


def start(make_session: sessionmaker[Session], job_id: str) -> threading.Thread:
    thread = threading.Thread(
        target=run, args=(make_session, job_id), name=f"whatif-{job_id}", daemon=True
    )
    thread.start()
    return thread


def fail_interrupted(make_session: sessionmaker[Session]) -> int:
    """At start: jobs of this host left queued or running by a process that is gone."""
    host = socket.gethostname()
    with make_session() as session:
        count = repo.fail_orphans(session, host, alive=_alive_runners(session, host))
        session.commit()
    return count


def _alive_runners(session: Session, host: str) -> set[str]:
    """Runners on this host whose process still exists (another worker of this service);
    this process has just started, so none of its own jobs can be running."""
    alive: set[str] = set()
    for runner in repo.unfinished_runners(session, host):
        pid = (
            int(runner.rsplit(":", 1)[1])
            if runner.rsplit(":", 1)[1].isascii() and runner.rsplit(":", 1)[1].isdigit()
            else -1
        )
        if pid > 0 and pid != os.getpid() and _exists(pid):
            alive.add(runner)
    return alive


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
