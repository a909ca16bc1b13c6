"""Where a load's CPU goes, per request: the app servers' processes (the screening
servers and the reference endpoint's, each with its workers), PostgreSQL's backends of the
bench database, PostgreSQL's other processes (WAL writer, checkpointer, autovacuum) and
the load generator itself (this process).

In-process measurements (`bench/screening_cpu.py`) see one request through the ASGI app;
this sees what serving it costs: uvicorn, the thread pool, contention between a worker's
requests (BENCHMARKS.md run L: 8.5 ms in process, 11.5-12.5 ms served). Cumulative CPU
times from /proc (psutil) before and after a measurement; a process that ends in between
loses its share (a pooled connection's backend rarely does). psutil is imported when a
sample is taken: it is a `bench` extra, and the test suite imports the harness without it.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

Sample = dict[str, float]


def _tree(pid: int) -> Iterator[Any]:
    import psutil  # noqa: PLC0415 - a bench extra (module docstring)

    try:
        root = psutil.Process(pid)
        yield root
        yield from root.children(recursive=True)
    except psutil.Error:
        return


def _cpu(processes: Iterable[Any]) -> float:
    import psutil  # noqa: PLC0415 - a bench extra (module docstring)

    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def pids_running(marker: str) -> list[int]:
    """Processes whose command line holds `marker` (e.g. the reference endpoint's port)."""
    import psutil  # noqa: PLC0415 - a bench extra (module docstring)

    found = []
    for process in psutil.process_iter(["pid", "cmdline"]):
        if marker in " ".join(process.info["cmdline"] or ()):
            found.append(process.info["pid"])
    return found


class CpuSplit:
    """Cumulative CPU seconds of each group; `per_request` turns two samples into ms."""

    def __init__(self, server_pids: Sequence[int], database: str | None) -> None:
        self.server_pids = list(server_pids)
        self.database = database

    def sample(self) -> Sample:
        import psutil  # noqa: PLC0415 - a bench extra (module docstring)

        servers = {p.pid: p for pid in self.server_pids for p in _tree(pid)}
        backends: list[Any] = []
        others: list[Any] = []
        for process in psutil.process_iter(["name", "cmdline"]):
            if not (process.info["name"] or "").startswith("postgres"):
                continue
            command = " ".join(process.info["cmdline"] or ())
            ours = self.database is not None and f" {self.database} " in f"{command} "
            (backends if ours else others).append(process)
        return {
            "server": _cpu(servers.values()),
            "pg_backends": _cpu(backends),
            "pg_other": _cpu(others),
            "client": time.process_time(),
        }

    @staticmethod
    def per_request(before: Sample, after: Sample, requests: int) -> dict[str, float]:
        """CPU ms per answered request, by group (empty when none was answered)."""
        if requests <= 0:
            return {}
        return {k: round((after[k] - before[k]) * 1000 / requests, 3) for k in before}
