"""The service's Prometheus instruments and the calls that move them.

With several uvicorn workers (`javskoll serve --workers N`), each worker is its own
process: `serve` then points PROMETHEUS_MULTIPROC_DIR at a fresh directory before the
workers start, every worker writes its samples there, and a scrape sums them
(app/metrics/exposition.py). Gauges say how they combine across workers.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from prometheus_client import Counter, Gauge, Histogram

# Request latency: a cached GET answers in milliseconds, a national import takes ~90 s.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)
IMPORT_BUCKETS = (0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600)

HTTP_REQUESTS = Counter(
    "javskoll_http_requests",
    "HTTP requests answered, by route template (not the raw path) and status.",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "javskoll_http_request_duration_seconds",
    "Time from receiving a request to the end of its response, by route template.",
    ["method", "route"],
    buckets=LATENCY_BUCKETS,
)
SCREENINGS = Counter(
    "javskoll_screenings",
    "Screenings stored and audited, by outcome (flagged or clear).",
    ["outcome"],
)
FINDINGS = Counter(
    "javskoll_findings",
    "Findings of stored screenings, by ground and level (structural findings: level risk).",
    ["ground", "level"],
)
IMPORTS = Histogram(
    "javskoll_import_duration_seconds",
    "Duration of registry imports (API and command line), by outcome: stored (committed "
    "by the caller), refused (invalid or out of scope; nothing stored) or failed.",
    ["outcome"],
    buckets=IMPORT_BUCKETS,
)
DB_POOL_IN_USE = Gauge(
    "javskoll_db_pool_connections_in_use",
    "Database connections checked out of the pool now (summed over live workers).",
    multiprocess_mode="livesum",
)
DB_POOL_OPEN = Gauge(
    "javskoll_db_pool_connections_open",
    "Database connections open, in use or idle (summed over live workers).",
    multiprocess_mode="livesum",
)
DB_POOL_CAPACITY = Gauge(
    "javskoll_db_pool_capacity",
    "Connections the pools may open at most, pool size plus overflow (summed over live "
    "workers); SQLite pools are not capped.",
    multiprocess_mode="livesum",
)


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    HTTP_REQUESTS.labels(method, route, str(status)).inc()
    HTTP_LATENCY.labels(method, route).observe(seconds)


def record_screening(outcome: str, findings: Iterable[tuple[str, str]]) -> None:
    """Count a stored screening and its findings (ground, level); call after the commit."""
    SCREENINGS.labels(outcome).inc()
    for ground, level in findings:
        FINDINGS.labels(ground, level).inc()


@contextmanager
def timed_import() -> Iterator[None]:
    """Time an import; an exception that is a problem answer (4xx) counts as refused."""
    started = time.perf_counter()
    outcome = "failed"
    try:
        yield
        outcome = "stored"
    except Exception as exc:
        status = getattr(exc, "status", None)
        if isinstance(status, int) and 400 <= status < 500:
            outcome = "refused"
        raise
    finally:
        IMPORTS.labels(outcome).observe(time.perf_counter() - started)
