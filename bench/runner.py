"""`javskoll bench run`: a real server, a fresh database, the generated registry imported
through `POST /v1/import`, then open-loop screening and health load at fixed rates."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench import generator
from bench.loadgen import Request, run_open_loop
from bench.pyspy import Recorder
from bench.server import MemorySampler, fresh_database, running_server

P99_LIMIT_MS = 250.0
JSON = {"Content-Type": "application/json"}


class EndpointMissing(RuntimeError):
    """The endpoint the benchmark needs is not there yet (404/405)."""


@dataclass
class RunConfig:
    database: str
    scale: str
    seed: int = 1
    rates: tuple[float, ...] = (50, 100, 200, 300, 400)
    duration_s: float = 15.0
    workers: int = 2
    data_dir: Path = Path("bench/data")
    results_dir: Path = Path("bench/results")
    health: bool = True
    max_in_flight: int = 1000
    timeout_s: float = 10.0
    inline: bool = False  # screen inline case documents instead of stored cases
    label: str = ""
    pyspy: bool = False  # sample the server with py-spy during the import and one rate
    pyspy_rate: float = 100.0
    source: Path | None = None  # serve this checkout's code instead of the working tree
    chunk_size: int | None = None  # objects per import document (default: the scale's)


def dataset_path(data_dir: Path, scale: str, seed: int, chunk_size: int | None = None) -> Path:
    suffix = f"-c{chunk_size}" if chunk_size else ""
    return data_dir / f"{scale}-seed{seed}{suffix}.jsonl"


def ensure_dataset(
    data_dir: Path,
    scale: str,
    seed: int,
    log: Callable[[str], None],
    chunk_size: int | None = None,
) -> Path:
    path = dataset_path(data_dir, scale, seed, chunk_size)
    if not path.exists():
        started = time.perf_counter()
        generator.write_file(seed, scale, path, chunk_size)
        log(f"generated {path} in {time.perf_counter() - started:.1f}s")
    return path


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {"python": platform.python_version(), "platform": platform.platform()}
    try:
        import os

        info["nproc"] = os.cpu_count()
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gb"] = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    try:
        out = subprocess.run(  # noqa: S603
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "show server_version"],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
        if out.returncode == 0:
            info["postgresql"] = out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        info["commit"] = subprocess.run(  # noqa: S603
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        ).stdout.strip()
    return info


def import_dataset(client: httpx.Client, path: Path, log: Callable[[str], None]) -> dict[str, Any]:
    """POST every import document of the file in order; time each one."""
    chunks: list[dict[str, Any]] = []
    started = time.perf_counter()
    for head, text in generator.read_raw_documents(path):
        body = text.encode("utf-8")
        t0 = time.perf_counter()
        response = client.post("/v1/import", content=body, headers=JSON, timeout=600)
        elapsed = time.perf_counter() - t0
        if response.status_code in (404, 405):
            raise EndpointMissing("POST /v1/import is not available yet")
        if response.status_code >= 300:
            raise RuntimeError(
                f"import of document {head['index']} ({head['section']}) failed: "
                f"{response.status_code} {response.text[:2000]}"
            )
        chunks.append(
            {
                "index": head["index"],
                "section": head["section"],
                "bytes": len(body),
                "seconds": round(elapsed, 3),
            }
        )
        log(
            f"  import {head['index']:3d} {head['section']:<16} {len(body) / 1e6:6.1f} MB "
            f"{elapsed:6.2f}s"
        )
    total = time.perf_counter() - started
    by_section: dict[str, float] = {}
    for chunk in chunks:
        by_section[chunk["section"]] = round(
            by_section.get(chunk["section"], 0) + chunk["seconds"], 3
        )
    return {
        "seconds": round(total, 3),
        "documents": len(chunks),
        "by_section_s": by_section,
        "chunks": chunks,
    }


def store_cases(client: httpx.Client, cases: list[dict[str, Any]]) -> tuple[bool, float]:
    """POST /v1/cases for each case; False when the endpoint does not exist."""
    started = time.perf_counter()
    for line in cases:
        response = client.post("/v1/cases", json=line["case"])
        if response.status_code in (404, 405):
            return False, 0.0
        if response.status_code not in (200, 201, 409):
            raise RuntimeError(
                f"POST /v1/cases failed: {response.status_code} {response.text[:1000]}"
            )
    return True, time.perf_counter() - started


def screening_bodies(cases: list[dict[str, Any]], inline: bool) -> list[bytes]:
    if inline:
        return [json.dumps({"case": line["case"]}, ensure_ascii=False).encode() for line in cases]
    return [
        json.dumps({"case": line["case"]["ref"]}, ensure_ascii=False).encode() for line in cases
    ]


def check_scenarios(
    client: httpx.Client, cases: list[dict[str, Any]], inline: bool
) -> dict[str, Any]:
    """Screen each planted case once: did its ground (or structural risk) come out?"""
    report: dict[str, Any] = {}
    seen: Counter[str] = Counter()
    for line, body in zip(cases, screening_bodies(cases, inline), strict=True):
        scenario = line["scenario"]
        if scenario == "routine" or seen[scenario] >= 2:
            continue
        seen[scenario] += 1
        response = client.post("/v1/screenings", content=body, headers=JSON)
        if response.status_code in (404, 405):
            raise EndpointMissing("POST /v1/screenings is not available yet")
        if response.status_code >= 300:
            report.setdefault(scenario, []).append(
                {"status": response.status_code, "error": response.text[:300]}
            )
            continue
        result = response.json()
        grounds = sorted(
            {
                f.get("ground")
                for f in result.get("findings", [])
                if f.get("person") == line.get("expect") or not line.get("expect")
            }
        )
        structural = sorted({s.get("ground") for s in result.get("structural", [])})
        hit = scenario in grounds or scenario in structural
        report.setdefault(scenario, []).append(
            {
                "hit": hit,
                "outcome": result.get("outcome"),
                "grounds": grounds,
                "structural": structural,
            }
        )
    return report


def _load(
    server_url: str,
    headers: dict[str, str],
    make: Callable[[int], Request],
    rate: float,
    cfg: RunConfig,
) -> dict[str, Any]:
    result = run_open_loop(
        server_url,
        make,
        rate=rate,
        duration_s=cfg.duration_s,
        headers=headers,
        max_in_flight=cfg.max_in_flight,
        timeout_s=cfg.timeout_s,
    )
    summary = result.summary()
    summary["held"] = result.held(P99_LIMIT_MS)
    return summary


def _source_commit(source: Path | None) -> str | None:
    if source is None:
        return None
    out = subprocess.run(  # noqa: S603
        ["git", "-C", str(source), "rev-parse", "--short", "HEAD"],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=5,
        check=False,
    )
    return f"{source} @ {out.stdout.strip()}"


def drain(base_url: str, limit_s: float = 60.0) -> float:
    """Wait until the server answers health within 50 ms (a step that overloaded it
    leaves a backlog of queued requests); returns the seconds waited."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit_s:
        t0 = time.perf_counter()
        with contextlib.suppress(httpx.HTTPError):
            httpx.get(base_url + "/v1/health", timeout=5)
        if time.perf_counter() - t0 < 0.05:
            break
        time.sleep(0.5)
    return time.perf_counter() - started


def _recorder(cfg: RunConfig, pid: int, phase: str) -> Recorder | None:
    if not cfg.pyspy:
        return None
    name = f"pyspy-{phase}-{cfg.database}-{cfg.scale}{'-' + cfg.label if cfg.label else ''}.txt"
    recorder = Recorder(pid, cfg.results_dir.parent / "profiles" / name)
    return recorder if recorder.available else None


def run_one(cfg: RunConfig, log: Callable[[str], None] = print) -> dict[str, Any]:
    path = ensure_dataset(cfg.data_dir, cfg.scale, cfg.seed, log, cfg.chunk_size)
    dataset_cases = [line for line in generator.iter_lines(path) if line.get("kind") == "case"]
    manifest = next(generator.iter_lines(path))
    results: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": cfg.database,
        "scale": cfg.scale,
        "seed": cfg.seed,
        "counts": manifest["counts"],
        "import_documents": manifest["documents"],
        "workers": cfg.workers,
        "server": f"javskoll serve --workers {cfg.workers} (uvicorn; environment production)",
        "duration_s_per_rate": cfg.duration_s,
        "machine": machine(),
        "source": _source_commit(cfg.source),
        "p99_limit_ms": P99_LIMIT_MS,
    }
    with (
        fresh_database(cfg.database, label=f"bench_{cfg.scale}") as url,
        running_server(url, workers=cfg.workers, log_dir=cfg.results_dir / "logs") as server,
    ):
        sampler = MemorySampler(server.process.pid)
        sampler.start()
        try:
            with httpx.Client(
                base_url=server.base_url, headers=server.headers, timeout=120
            ) as client:
                log(f"[{cfg.database}/{cfg.scale}] importing {path}")
                results["loadavg_before_import"] = os.getloadavg()
                recorder = _recorder(cfg, server.process.pid, "import")
                results["import"] = import_dataset(client, path, log)
                if recorder is not None:
                    results["import"]["pyspy"] = recorder.stop()
                results["import"]["memory"] = sampler.report()
                log(f"  import total {results['import']['seconds']:.1f}s")
                sampler.reset()
                inline = cfg.inline
                if not inline:
                    stored, seconds = store_cases(client, dataset_cases)
                    inline = not stored
                    results["cases_stored_s"] = round(seconds, 2) if stored else None
                results["screening_mode"] = "inline" if inline else "stored case ref"
                try:
                    results["scenarios"] = check_scenarios(client, dataset_cases, inline)
                    screening_available = True
                except EndpointMissing as exc:
                    log(f"  {exc}: measuring import and health only")
                    results["scenarios"] = None
                    screening_available = False
                results["screening_available"] = screening_available
            bodies = screening_bodies(dataset_cases, inline)
            n = len(bodies)
            stride = 7919 if n % 7919 else 7907

            def screening(i: int) -> Request:
                return Request("POST", "/v1/screenings", bodies[(i * stride) % n], JSON)

            def health(i: int) -> Request:
                return Request("GET", "/v1/health")

            # warm-up: every worker's caches and connections
            if screening_available:
                run_open_loop(
                    server.base_url,
                    screening,
                    rate=20,
                    duration_s=3,
                    headers=server.headers,
                    timeout_s=cfg.timeout_s,
                )
            results["screening"] = []
            results["health"] = []
            for rate in cfg.rates:
                results.setdefault("loadavg_by_rate", {})[str(rate)] = os.getloadavg()
                if cfg.health or not screening_available:
                    # the reference first, on a drained server: the same process, the same
                    # rate, an endpoint that does no work
                    drain(server.base_url)
                    summary = _load(server.base_url, server.headers, health, rate, cfg)
                    results["health"].append(summary)
                    lat = summary["latency"]
                    log(
                        f"  health    {rate:5.0f}/s: p50 {lat['p50_ms']} p99 {lat['p99_ms']} ms "
                        f"held={summary['held']}"
                    )
                if not screening_available:
                    continue
                drain(server.base_url)
                recorder = (
                    _recorder(cfg, server.process.pid, f"screening-{rate:g}")
                    if rate == cfg.pyspy_rate
                    else None
                )
                summary = _load(server.base_url, server.headers, screening, rate, cfg)
                if recorder is not None:
                    summary["pyspy"] = recorder.stop()
                results["screening"].append(summary)
                lat = summary["latency"]
                log(
                    f"  screening {rate:5.0f}/s: ok {summary['ok']}/{summary['scheduled']} "
                    f"achieved {summary['achieved_rate']}/s p50 {lat['p50_ms']} "
                    f"p95 {lat['p95_ms']} "
                    f"p99 {lat['p99_ms']} ms errors {summary['errors']} held={summary['held']}"
                )
            results["memory"] = sampler.report()
        finally:
            sampler.stop()
    held = [s["rate"] for s in results["screening"] if s["held"]]
    results["max_rate_held"] = max(held) if held else None
    held_h = [s["rate"] for s in results["health"] if s["held"]]
    results["health_max_rate_held"] = max(held_h) if held_h else None
    return results


def save(results: dict[str, Any], results_dir: Path, label: str = "") -> Path:
    results_dir.mkdir(parents=True, exist_ok=True)
    name = f"{results['database']}-{results['scale']}{'-' + label if label else ''}.json"
    path = results_dir / name
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def latency_at(results: dict[str, Any], rate: float) -> dict[str, Any] | None:
    for summary in results.get("screening", []):
        if summary["rate"] == rate:
            return summary["latency"]  # type: ignore[no-any-return]
    return None
