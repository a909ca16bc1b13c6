"""Concurrent appenders, each with its own session, leave a gapless chain that verifies."""

from __future__ import annotations

import threading

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import chain
from app.db import make_sessionmaker
from app.models import AuditEntry, AuditSubject
from tests.audit.chain_db import engine_for

THREADS = 8
PER_THREAD = 15


def test_parallel_appends_are_serialised(tmp_database: str) -> None:
    with engine_for(tmp_database) as engine:
        factory = make_sessionmaker(engine)
        start = threading.Barrier(THREADS)
        errors: list[BaseException] = []

        def worker(number: int) -> None:
            try:
                start.wait()
                for n in range(PER_THREAD):
                    with factory() as session:
                        chain.append(
                            session,
                            kind="test.concurrent",
                            actor=chain.Actor(number, f"thread-{number}"),
                            data={"thread": number, "n": n},
                            subjects=[("person", f"p-{number}")],
                        )
                        session.commit()
            except BaseException as exc:  # noqa: BLE001 - reported by the main thread
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []

        with Session(engine) as session:
            sequences = session.scalars(
                select(AuditEntry.sequence).order_by(AuditEntry.sequence)
            ).all()
            assert sequences == list(range(1, THREADS * PER_THREAD + 1))
            subjects = session.scalars(select(AuditSubject.sequence)).all()
            assert sorted(subjects) == sequences
            result = chain.verify(session)
        assert result.ok and result.entries == THREADS * PER_THREAD
