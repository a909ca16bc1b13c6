"""Open-loop load: requests are sent on a fixed timetable, whatever the server answers.

Request i of a run at rate r is due at ``start + i / r``. It is sent at that time even
when earlier requests are still waiting (up to ``max_in_flight``; a request that finds
the limit reached is not sent and counts as ``dropped``), and its latency is measured
from the time it was *due*, not from the time it was sent. So a slow server (or a
saturated client) shows up as latency instead of silently lowering the offered load:
no coordinated omission.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.stats import summarise


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    path: str
    body: bytes | None = None
    headers: dict[str, str] | None = None


@dataclass
class LoadResult:
    rate: float
    duration_s: float
    scheduled: int
    sent: int = 0
    ok: int = 0
    dropped: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    latencies_s: list[float] = field(default_factory=list)  # successful requests only
    send_lag_s: list[float] = field(default_factory=list)  # sent time - due time
    elapsed_s: float = 0.0  # from the first due time to the last completion

    @property
    def achieved_rate(self) -> float:
        return self.ok / max(self.elapsed_s, self.duration_s) if self.ok else 0.0

    @property
    def failure_ratio(self) -> float:
        return (self.scheduled - self.ok) / self.scheduled if self.scheduled else 0.0

    def summary(self) -> dict[str, Any]:
        lag = sorted(self.send_lag_s)
        return {
            "rate": self.rate,
            "duration_s": self.duration_s,
            "scheduled": self.scheduled,
            "sent": self.sent,
            "ok": self.ok,
            "dropped": self.dropped,
            "errors": dict(sorted(self.errors.items())),
            "failure_ratio": round(self.failure_ratio, 5),
            "achieved_rate": round(self.achieved_rate, 2),
            "elapsed_s": round(self.elapsed_s, 3),
            "max_send_lag_ms": round(lag[-1] * 1000, 3) if lag else None,
            "latency": summarise(self.latencies_s),
        }

    def held(self, p99_limit_ms: float, min_ratio: float = 0.98) -> bool:
        """Held: (nearly) every scheduled request answered 2xx and p99 within the limit."""
        p99 = summarise(self.latencies_s)["p99_ms"]
        return p99 is not None and p99 < p99_limit_ms and self.ok >= min_ratio * self.scheduled


async def send_counted(
    client: httpx.AsyncClient, request: Request, timeout_s: float, result: LoadResult, since: float
) -> None:
    """Send one request and count its outcome in `result`: a 2xx with its latency from
    `since` (the loop time it was due or sent), anything else by status or exception."""
    try:
        response = await client.request(
            request.method,
            request.path,
            content=request.body,
            headers=request.headers,
            timeout=timeout_s,
        )
        if 200 <= response.status_code < 300:
            result.ok += 1
            result.latencies_s.append(asyncio.get_running_loop().time() - since)
        else:
            result.errors[str(response.status_code)] += 1
    except httpx.TimeoutException:
        result.errors["timeout"] += 1
    except Exception as exc:  # noqa: BLE001 - every failure is counted, none is fatal
        result.errors[type(exc).__name__] += 1


async def open_loop(
    client: httpx.AsyncClient,
    make_request: Callable[[int], Request],
    *,
    rate: float,
    duration_s: float,
    max_in_flight: int = 1000,
    timeout_s: float = 10.0,
) -> LoadResult:
    """Offer `rate` requests/s for `duration_s` seconds (bounded: at most
    rate*duration requests, at most `max_in_flight` open, each at most `timeout_s`)."""
    if rate <= 0 or duration_s <= 0:
        raise ValueError("rate and duration must be positive")
    count = max(1, int(rate * duration_s))
    result = LoadResult(rate=rate, duration_s=duration_s, scheduled=count)
    loop = asyncio.get_running_loop()
    in_flight = 0
    last_done = 0.0
    tasks: list[asyncio.Task[None]] = []

    async def fire(index: int, due: float) -> None:
        nonlocal in_flight, last_done
        try:
            await send_counted(client, make_request(index), timeout_s, result, since=due)
        finally:
            in_flight -= 1
            last_done = max(last_done, loop.time())

    start = loop.time() + 0.05
    for index in range(count):
        due = start + index / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        if in_flight >= max_in_flight:
            result.dropped += 1
            continue
        in_flight += 1
        result.sent += 1
        result.send_lag_s.append(max(0.0, loop.time() - due))
        tasks.append(asyncio.create_task(fire(index, due)))
    if tasks:
        await asyncio.wait(tasks, timeout=timeout_s + 5)
    result.elapsed_s = max(0.0, last_done - start)
    return result


def run_open_loop(
    base_url: str,
    make_request: Callable[[int], Request],
    *,
    rate: float,
    duration_s: float,
    headers: dict[str, str] | None = None,
    max_in_flight: int = 1000,
    timeout_s: float = 10.0,
    transport: httpx.AsyncBaseTransport | None = None,
) -> LoadResult:
    """Synchronous wrapper: one event loop (uvloop when available) and one client."""

    async def main() -> LoadResult:
        limits = httpx.Limits(max_connections=max_in_flight, max_keepalive_connections=256)
        async with httpx.AsyncClient(
            base_url=base_url,
            headers=headers,
            limits=limits,
            transport=transport,
            timeout=timeout_s,
        ) as client:
            return await open_loop(
                client,
                make_request,
                rate=rate,
                duration_s=duration_s,
                max_in_flight=max_in_flight,
                timeout_s=timeout_s,
            )

    try:
        import uvloop

        return uvloop.run(main())
    except ImportError:  # pragma: no cover - uvloop ships with uvicorn[standard]
        return asyncio.run(main())


def wall_clock() -> float:
    return time.perf_counter()


async def closed_loop(
    client: httpx.AsyncClient,
    make_request: Callable[[int], Request],
    *,
    concurrency: int,
    duration_s: float,
    timeout_s: float = 10.0,
) -> LoadResult:
    """`concurrency` clients, each sending its next request as soon as the last one is
    answered, for `duration_s`: the server's throughput at saturation (as wrk measures
    it). Latency is from send to answer."""
    loop = asyncio.get_running_loop()
    result = LoadResult(rate=0.0, duration_s=duration_s, scheduled=0)
    counter = iter(range(10**9))
    start = loop.time()
    stop_at = start + duration_s

    async def worker() -> None:
        while loop.time() < stop_at:
            request = make_request(next(counter))
            result.sent += 1
            await send_counted(client, request, timeout_s, result, since=loop.time())

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result.elapsed_s = loop.time() - start
    result.scheduled = result.sent
    result.rate = result.ok / result.elapsed_s if result.elapsed_s else 0.0
    return result


def run_closed_loop(
    base_url: str,
    make_request: Callable[[int], Request],
    *,
    concurrency: int,
    duration_s: float,
    headers: dict[str, str] | None = None,
    timeout_s: float = 10.0,
) -> LoadResult:
    """Synchronous wrapper of `closed_loop` (one event loop, one client)."""

    async def main() -> LoadResult:
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with httpx.AsyncClient(
            base_url=base_url, headers=headers, limits=limits, timeout=timeout_s
        ) as client:
            return await closed_loop(
                client,
                make_request,
                concurrency=concurrency,
                duration_s=duration_s,
                timeout_s=timeout_s,
            )

    try:
        import uvloop

        return uvloop.run(main())
    except ImportError:  # pragma: no cover
        return asyncio.run(main())
