"""What a scrape of /metrics answers: the instruments of every worker, the audit chain
length read from the database at scrape time, and the connection pools.

One worker (`javskoll serve`, the default): the process's own registry. Several workers
(`--workers N`): prometheus_client's multiprocess mode. `serve` sets PROMETHEUS_MULTIPROC_DIR
to a fresh directory before the workers start; each worker writes its samples to files
there, and a scrape, whichever worker or the separate metrics port answers it, sums them.
Pool gauges of a worker that died are dropped at the next scrape.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable
from typing import Any

from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client import multiprocess as prometheus_multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.metrics.instruments import DB_POOL_CAPACITY, DB_POOL_IN_USE, DB_POOL_OPEN
from app.models.audit import AuditChain

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_LIVE_FILE = re.compile(r"gauge_live\w+_(\d+)\.db$")


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_ENV) or None


def prepare_multiprocess_dir(workers: int) -> str | None:
    """Before several workers start: a fresh, empty directory for their samples.

    A directory given in PROMETHEUS_MULTIPROC_DIR is emptied of old sample files (the
    prometheus_client documentation requires a clean one at start); otherwise a new
    temporary one is made. One worker needs none.
    """
    if workers <= 1:
        return None
    path = multiprocess_dir()
    if path is None:
        path = tempfile.mkdtemp(prefix="javskoll-metrics-")
    else:
        os.makedirs(path, exist_ok=True)
        for old in glob.glob(os.path.join(path, "*.db")):
            os.remove(old)
    os.environ[MULTIPROC_ENV] = path
    return path


def remove_multiprocess_dir(path: str | None) -> None:
    if path is not None and os.path.basename(path).startswith("javskoll-metrics-"):
        shutil.rmtree(path, ignore_errors=True)


def _forget_dead_workers(path: str) -> None:
    for name in glob.glob(os.path.join(path, "gauge_live*_*.db")):
        match = _LIVE_FILE.search(name)
        if match is None:
            continue
        pid = int(match.group(1))
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            prometheus_multiprocess.mark_process_dead(pid, path)  # type: ignore[no-untyped-call]
        except PermissionError:  # alive, another user's
            pass


def audit_chain_length(session: Session) -> int:
    """Entries in the audit log: the sum of every chain's head sequence."""
    return int(session.scalar(select(func.coalesce(func.sum(AuditChain.sequence), 0))) or 0)


def in_new_session(sessions: sessionmaker[Session]) -> Callable[[], int]:
    def read() -> int:
        with sessions() as session:
            return audit_chain_length(session)

    return read


class AuditChainCollector(Collector):
    """The audit chain's length (its head sequence), read when scraped."""

    def __init__(self, read_length: Callable[[], int]) -> None:
        self.read_length = read_length

    def collect(self) -> Iterable[GaugeMetricFamily]:
        sequence = self.read_length()
        yield GaugeMetricFamily(
            "javskoll_audit_chain_length",
            "Entries in the audit chain (the head's sequence number), read at scrape time.",
            value=sequence,
        )


def render(read_audit_length: Callable[[], int]) -> bytes:
    """The exposition text: every worker's instruments, then the audit chain length."""
    path = multiprocess_dir()
    if path is None:
        instruments: CollectorRegistry = REGISTRY
    else:
        _forget_dead_workers(path)
        instruments = CollectorRegistry()
        prometheus_multiprocess.MultiProcessCollector(instruments, path)  # type: ignore[no-untyped-call]
    database = CollectorRegistry(auto_describe=False)
    database.register(AuditChainCollector(read_audit_length))
    return generate_latest(instruments) + generate_latest(database)


def instrument_pool(engine: Engine) -> None:
    """Follow the engine's pool in the pool gauges (events: every checkout, checkin, ...)."""
    pool = engine.pool
    size = getattr(pool, "size", None)
    # QueuePool keeps its overflow limit privately; there is no public accessor.
    overflow = getattr(pool, "_max_overflow", 0)
    if callable(size):
        # Set, not added: one engine per worker process (a test may build several apps).
        DB_POOL_CAPACITY.set(size() + max(overflow, 0))

    def _connect(*_: Any) -> None:
        DB_POOL_OPEN.inc()

    def _close(*_: Any) -> None:
        DB_POOL_OPEN.dec()

    def _checkout(*_: Any) -> None:
        DB_POOL_IN_USE.inc()

    def _checkin(*_: Any) -> None:
        DB_POOL_IN_USE.dec()

    event.listen(pool, "connect", _connect)
    event.listen(pool, "close", _close)
    event.listen(pool, "close_detached", _close)
    event.listen(pool, "checkout", _checkout)
    event.listen(pool, "checkin", _checkin)
