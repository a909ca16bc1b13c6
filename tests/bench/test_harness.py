"""The load harness: percentiles, the open-loop scheduler, and a real server process."""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from pathlib import Path

import httpx
import pytest

from bench import generator
from bench.cpu_split import CpuSplit, pids_running
from bench.loadgen import Request, run_open_loop
from bench.runner import EndpointMissing, import_dataset
from bench.server import MemorySampler, running_server
from bench.stats import percentile, summarise


def test_percentile_interpolates_between_ranks() -> None:
    values = [15, 20, 35, 40, 50]
    assert percentile(values, 0) == 15
    assert percentile(values, 100) == 50
    assert percentile(values, 50) == 35
    assert percentile(values, 40) == 29  # 20 + (35 - 20) * 0.6
    data = [float(x * x % 97) for x in range(1, 300)]
    expected = statistics.quantiles(data, n=100, method="inclusive")
    for p in (1, 50, 95, 99):
        assert percentile(data, p) == pytest.approx(expected[p - 1])
    assert percentile([3.0], 99) == 3.0
    with pytest.raises(ValueError):
        percentile([], 50)


def test_summary_is_in_milliseconds() -> None:
    summary = summarise([0.001, 0.002, 0.003])
    assert summary["count"] == 3
    assert summary["p50_ms"] == pytest.approx(2.0)
    assert summarise([])["p99_ms"] is None


def _mock(service_s: float, serial: bool) -> httpx.MockTransport:
    lock = asyncio.Lock()

    async def handler(request: httpx.Request) -> httpx.Response:
        if serial:
            async with lock:
                await asyncio.sleep(service_s)
        else:
            await asyncio.sleep(service_s)
        return httpx.Response(200, json={"ok": True})

    return httpx.MockTransport(handler)


def test_open_loop_sends_on_schedule_without_waiting_for_answers() -> None:
    # each answer takes 50 ms; at 100/s a closed loop with one connection would manage 20/s
    result = run_open_loop(
        "http://bench.invalid",
        lambda i: Request("GET", "/v1/health"),
        rate=100,
        duration_s=0.5,
        transport=_mock(0.05, serial=False),
    )
    assert result.scheduled == 50
    assert result.sent == 50
    assert result.ok == 50
    assert result.dropped == 0
    assert min(result.latencies_s) >= 0.049


def test_latency_counts_from_the_scheduled_time() -> None:
    """A serial server at twice its capacity: requests queue, and the queueing shows."""
    result = run_open_loop(
        "http://bench.invalid",
        lambda i: Request("POST", "/v1/screenings", b"{}"),
        rate=100,
        duration_s=0.5,
        transport=_mock(0.02, serial=True),
    )
    assert result.ok == result.scheduled == 50
    # the last request waits behind ~49 others of 20 ms each: about 0.5 s late at least
    assert max(result.latencies_s) >= 0.4
    assert result.summary()["latency"]["p99_ms"] > result.summary()["latency"]["p50_ms"]
    assert not result.held(p99_limit_ms=250)


def test_in_flight_bound_drops_instead_of_waiting() -> None:
    result = run_open_loop(
        "http://bench.invalid",
        lambda i: Request("GET", "/"),
        rate=200,
        duration_s=0.25,
        max_in_flight=5,
        transport=_mock(0.5, serial=False),
    )
    assert result.sent == 5
    assert result.dropped == result.scheduled - 5


def test_a_real_server_process_under_open_loop_load(tmp_database: str, tmp_path: Path) -> None:
    """`javskoll serve` in a subprocess: import a tiny registry, then a short health load."""
    data = tmp_path / "tiny.jsonl"
    generator.write_file(1, "tiny", data)
    with running_server(tmp_database, workers=1, log_dir=tmp_path) as server:
        sampler = MemorySampler(server.process.pid)
        try:
            import psutil  # noqa: F401

            sampler.start()
        except ImportError:
            sampler = None  # type: ignore[assignment]
        with httpx.Client(base_url=server.base_url, headers=server.headers, timeout=60) as client:
            try:
                imported = import_dataset(client, data, log=lambda _m: None)
                assert imported["documents"] == generator.load(data).manifest["documents"]
            except EndpointMissing:
                pass  # the import endpoint has not landed yet; the load part still runs
        result = run_open_loop(
            server.base_url,
            lambda i: Request("GET", "/v1/health"),
            rate=50,
            duration_s=1.0,
            headers=server.headers,
        )
        if sampler is not None:
            sampler.stop()
            assert sampler.report()["peak_rss_mb_max_worker"] > 0
    assert result.scheduled == 50
    assert result.ok == 50, result.summary()
    summary = result.summary()
    assert summary["latency"]["count"] == 50
    assert summary["latency"]["p50_ms"] <= summary["latency"]["p99_ms"]


def test_the_installed_javskoll_command_has_the_bench_group(tmp_path: Path) -> None:
    """`javskoll bench ...` as BENCHMARKS.md writes it, run from outside the checkout: the
    console script's path holds the venv's bin directory, not the checkout."""
    import subprocess
    import sys

    script = Path(sys.executable).parent / "javskoll"
    if not script.exists():
        pytest.skip("the javskoll console script is not installed next to this Python")
    done = subprocess.run(
        [str(script), "bench", "generate", "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "--scale" in done.stdout


def test_the_cpu_split_counts_each_group_per_request() -> None:
    split = CpuSplit([os.getpid()], database=None)
    before = split.sample()
    deadline = time.process_time() + 0.05
    while time.process_time() < deadline:
        pass  # 50 ms of this process's CPU: both "server" (its pid) and "client"
    after = split.sample()
    per = CpuSplit.per_request(before, after, 10)
    assert set(per) == {"server", "pg_backends", "pg_other", "client"}
    assert per["client"] >= 5.0 and per["server"] >= 5.0  # ms per request
    assert CpuSplit.per_request(before, after, 0) == {}
    assert os.getpid() in pids_running("pytest")
