"""Concurrent appenders, each with its own session, leave gapless chains that verify:
many threads on one organisation's chain, on the system chain and on their own chains."""

from __future__ import annotations

import threading
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import chain, verify
from app.db import make_sessionmaker
from app.models import AuditEntry, AuditEntryOrganisation, AuditSubject
from tests.audit.chain_db import engine_for

THREADS = 8
PER_THREAD = 15
SHARED_ORGANISATION = 100


def _organisation(thread: int, n: int) -> int | None:
    """Threads take turns on one shared chain, the system chain and a chain of their own
    (created by its first append, racing with nothing) so every kind of contention occurs."""
    return (SHARED_ORGANISATION, None, SHARED_ORGANISATION + 1 + thread)[n % 3]


def test_parallel_appends_are_serialised_per_chain(tmp_database: str) -> None:
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
                            organisations=[_organisation(number, n)],
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

        expected: dict[int | None, int] = defaultdict(int)
        for number in range(THREADS):
            for n in range(PER_THREAD):
                expected[_organisation(number, n)] += 1
        with Session(engine) as session:
            rows = session.execute(
                select(AuditEntry.chain_id, AuditEntry.sequence, AuditEntry.id).order_by(
                    AuditEntry.chain_id, AuditEntry.sequence
                )
            ).all()
            by_chain: dict[int, list[int]] = defaultdict(list)
            for chain_id, sequence, _ in rows:
                by_chain[chain_id].append(sequence)
            assert sorted(len(s) for s in by_chain.values()) == sorted(expected.values())
            for sequences in by_chain.values():
                assert sequences == list(range(1, len(sequences) + 1))
            ids = sorted(r[2] for r in rows)
            subjects = session.scalars(select(AuditSubject.entry_id)).all()
            assert sorted(subjects) == ids
            owned = session.scalars(select(AuditEntryOrganisation.entry_id)).all()
            assert len(owned) == THREADS * PER_THREAD - expected[None]
            result = verify.verify(session)
        assert result.ok and result.entries == THREADS * PER_THREAD
        assert len(result.chains) == len(expected)
