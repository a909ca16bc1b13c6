"""The reference endpoint in every `bench run` (issue 15): serve `bench.reference_app`
next to the product on the same database with the same uvicorn settings, and measure both
at saturation in the same run; the result is screening throughput / reference throughput.

Saturation is a closed loop (`concurrency` clients, each sending its next request when
the last is answered, as wrk does): reference, then screening, then reference again, and
the ratio uses the mean of the two reference runs, so a change of the machine's load
during the run moves both sides.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from bench.cpu_split import CpuSplit
from bench.loadgen import Request, run_closed_loop
from bench.server import _stop, free_port

JSON = {"Content-Type": "application/json"}
TARGET_RATIO = 0.5


@contextmanager
def running_reference(
    database_url: str,
    *,
    workers: int,
    log_dir: Path,
    source: Path | None = None,
    start_timeout_s: float = 60.0,
) -> Iterator[str]:
    """Start `python -m bench.reference_app` on a free port; yield its base URL."""
    from bench.reference_app import prepare

    prepare(database_url)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("JAVSKOLL_")}
    env.update({"DATABASE_URL": database_url, "JAVSKOLL_ENVIRONMENT": "development"})
    root = (source or Path(__file__).resolve().parent.parent).resolve()
    env["PYTHONPATH"] = str(root)
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"reference-{port}.log"
    command = [sys.executable, "-m", "bench.reference_app", "--port", str(port)]
    command += ["--workers", str(workers)]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(  # noqa: S603 - fixed argv, our own interpreter
            command,
            env=env,
            cwd=str(root),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_timeout_s
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"reference exited with {process.returncode}:\n"
                    + log_path.read_text(errors="replace")[-3000:]
                )
            try:
                if httpx.get(base_url + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"reference did not answer; see {log_path}")
            time.sleep(0.2)
        time.sleep(1.0 if workers > 1 else 0.0)  # every worker up
        yield base_url
    finally:
        _stop(process)


def _summary(result: Any) -> dict[str, Any]:
    summary: dict[str, Any] = result.summary()
    summary["throughput"] = round(result.ok / result.elapsed_s, 2) if result.elapsed_s else 0.0
    return summary


def saturation(
    *,
    screening_urls: Sequence[str],
    headers: dict[str, str],
    reference_url: str,
    screening_bodies: Sequence[bytes],
    reference_bodies: Sequence[bytes],
    concurrency: int,
    screening_headers: Sequence[dict[str, str] | None] = (),
    duration_s: float,
    timeout_s: float,
    drain: Callable[[str], float],
    log: Callable[[str], None],
    cpu: CpuSplit | None = None,
) -> dict[str, Any]:
    """Reference, screening, reference at saturation; the ratio of their throughputs.
    With several screening servers, request i goes to server i mod n. `screening_headers`:
    per screening body, headers that replace `headers`' (a limited key), or None. With
    `cpu`, each measurement also reports its CPU per request by process group."""
    n, m = len(screening_bodies), len(reference_bodies)
    stride = 7919 if n % 7919 else 7907

    def screening(i: int) -> Request:
        url = screening_urls[i % len(screening_urls)] + "/v1/screenings"
        j = (i * stride) % n
        extra = screening_headers[j] if screening_headers else None
        return Request("POST", url, screening_bodies[j], {**JSON, **(extra or {})})

    def reference(i: int) -> Request:
        return Request("POST", reference_url + "/reference", reference_bodies[i % m], JSON)

    def measure(name: str, make: Callable[[int], Request], base: str) -> dict[str, Any]:
        for url in screening_urls:
            drain(url)
        cpu_before = cpu.sample() if cpu else None
        summary = _summary(
            run_closed_loop(
                base,
                make,
                concurrency=concurrency,
                duration_s=duration_s,
                headers=headers,
                timeout_s=timeout_s,
            )
        )
        summary["loadavg"] = os.getloadavg()
        lat = summary["latency"]
        log(
            f"  saturation {name:<10} {summary['throughput']:7.1f}/s  p50 {lat['p50_ms']} "
            f"p99 {lat['p99_ms']} ms  errors {summary['errors']}  load {summary['loadavg'][0]:.1f}"
        )
        if cpu is not None and cpu_before is not None:
            split = CpuSplit.per_request(cpu_before, cpu.sample(), summary["ok"])
            summary["cpu_ms_per_request"] = split
            log(f"  cpu ms/request {name:<10} {split}")
        return summary

    # warm the reference's workers (connections, imports)
    run_closed_loop(reference_url, reference, concurrency=concurrency, duration_s=1.0)
    before = measure("reference", reference, reference_url)
    screened = measure("screening", screening, screening_urls[0])
    after = measure("reference", reference, reference_url)
    ref_rate = (before["throughput"] + after["throughput"]) / 2
    ratio = round(screened["throughput"] / ref_rate, 3) if ref_rate else None
    log(
        f"  ratio screening/reference {ratio} (target >= {TARGET_RATIO}): screening "
        f"{screened['throughput']}/s, reference {ref_rate:.1f}/s"
    )
    return {
        "concurrency": concurrency,
        "duration_s": duration_s,
        "servers": len(screening_urls),
        "reference_before": before,
        "screening": screened,
        "reference_after": after,
        "reference_throughput": round(ref_rate, 2),
        "screening_throughput": screened["throughput"],
        "ratio": ratio,
        "target_ratio": TARGET_RATIO,
        "met": ratio is not None and ratio >= TARGET_RATIO,
    }


def reference_bodies(cases: Sequence[dict[str, Any]]) -> list[bytes]:
    """Case-sized bodies: the inline case documents the screening benchmark uses."""
    import json

    return [json.dumps({"case": line["case"]}, ensure_ascii=False).encode() for line in cases]
