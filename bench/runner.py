"""`javskoll bench run`: a real server, a fresh database, the generated registry imported
through `POST /v1/import`, then open-loop screening and health load at fixed rates."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import secrets
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.engine import make_url

from bench import generator
from bench.cpu_split import CpuSplit, pids_running
from bench.loadgen import Request, run_open_loop
from bench.pyspy import Recorder
from bench.reference import reference_bodies, running_reference, saturation
from bench.server import MemorySampler, fresh_database, running_server
from bench.steps import (
    EndpointMissing,
    check_scenarios,
    headers_per_case,
    import_dataset,
    limited_key_headers,
    screening_bodies,
    store_cases,
)

P99_LIMIT_MS = 250.0
JSON = {"Content-Type": "application/json"}


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
    # screen with a screener key limited to each case's organisation (as a kommun's case
    # system does), not with the unlimited bootstrap key
    limited: bool = False
    case_sample: int = 0  # screen every k-th case only, this many (0: all)
    label: str = ""
    pyspy: bool = False  # sample the server with py-spy during the import and one rate
    pyspy_rate: float = 100.0
    source: Path | None = None  # serve this checkout's code instead of the working tree
    chunk_size: int | None = None  # objects per import document (default: the scale's)
    servers: int = 1  # separate `javskoll serve` processes on the one database
    concurrency: int = 16  # clients of the saturation phase (reference vs screening)
    saturation_s: float | None = None  # its duration per measurement (default duration_s)


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


def shared_server_settings() -> dict[str, str]:
    """Secrets and the bootstrap key, the same for every server on the one database."""
    return {
        "JAVSKOLL_HASH_SECRET": secrets.token_hex(32),
        "JAVSKOLL_PNR_SECRET": secrets.token_hex(32),
        "JAVSKOLL_BOOTSTRAP_KEY": "jk_bench_" + secrets.token_urlsafe(32),
    }


def run_one(cfg: RunConfig, log: Callable[[str], None] = print) -> dict[str, Any]:
    path = ensure_dataset(cfg.data_dir, cfg.scale, cfg.seed, log, cfg.chunk_size)
    dataset_cases = [line for line in generator.iter_lines(path) if line.get("kind") == "case"]
    if cfg.case_sample and cfg.case_sample < len(dataset_cases):
        # every k-th case: the same mix of scenarios and routine cases, fewer of them
        step = len(dataset_cases) // cfg.case_sample
        dataset_cases = dataset_cases[::step][: cfg.case_sample]
    manifest = next(generator.iter_lines(path))
    results: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": cfg.database,
        "scale": cfg.scale,
        "seed": cfg.seed,
        "counts": manifest["counts"],
        "import_documents": manifest["documents"],
        "workers": cfg.workers,
        "servers": cfg.servers,
        "server": f"{cfg.servers} x javskoll serve --workers {cfg.workers} (uvicorn; "
        "environment production), one database",
        "duration_s_per_rate": cfg.duration_s,
        "machine": machine(),
        "source": _source_commit(cfg.source),
        "p99_limit_ms": P99_LIMIT_MS,
        "cases_screened": cfg.case_sample or "all",
    }
    with contextlib.ExitStack() as stack:
        database_url = stack.enter_context(fresh_database(cfg.database, label=f"bench_{cfg.scale}"))
        shared = shared_server_settings()
        servers = [
            stack.enter_context(
                running_server(
                    database_url,
                    workers=cfg.workers,
                    log_dir=cfg.results_dir / "logs",
                    source=cfg.source,
                    env_extra=shared,
                    api_key=shared["JAVSKOLL_BOOTSTRAP_KEY"],
                )
            )
            for _ in range(cfg.servers)
        ]
        server = servers[0]
        reference_url = stack.enter_context(
            running_reference(
                database_url,
                workers=cfg.workers * cfg.servers,
                log_dir=cfg.results_dir / "logs",
                source=cfg.source,
            )
        )
        sampler = MemorySampler(server.process.pid)
        sampler.start()
        others = [MemorySampler(s.process.pid) for s in servers[1:]]
        for o in others:
            o.start()
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
                headers_of: list[dict[str, str] | None] = [None] * len(bodies)
                results["keys"] = "one unlimited key"
                if cfg.limited and screening_available:
                    key_headers = limited_key_headers(client, dataset_cases)
                    # also the warm-up: each worker has screened for most keys
                    headers_of = headers_per_case(client, dataset_cases, bodies, key_headers)
                    results["keys"] = (
                        f"{len(set(map(str, key_headers.values())))} screener keys, each "
                        "limited to its case's organisation; the unlimited key for the "
                        f"{headers_of.count(None)} of {len(bodies)} cases that name objects "
                        "outside it"
                    )
            n = len(bodies)
            stride = 7919 if n % 7919 else 7907

            # Several servers: each request to the next one in turn, as a round-robin
            # balancer would (an absolute URL: the client's base URL is the first server).
            urls = [node.base_url for node in servers]

            def screening(i: int) -> Request:
                path = (
                    "/v1/screenings" if len(urls) == 1 else f"{urls[i % len(urls)]}/v1/screenings"
                )
                j = (i * stride) % n
                return Request("POST", path, bodies[j], {**JSON, **(headers_of[j] or {})})

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
                for url in urls:
                    drain(url)
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
            if screening_available:
                port = reference_url.rsplit(":", 1)[1]
                cpu = CpuSplit(
                    [s.process.pid for s in servers]
                    + pids_running(f"bench.reference_app --port {port}"),
                    make_url(database_url).database if cfg.database == "postgresql" else None,
                )
                results["saturation"] = saturation(
                    screening_urls=[s.base_url for s in servers],
                    headers=server.headers,
                    reference_url=reference_url,
                    screening_bodies=bodies,
                    screening_headers=headers_of,
                    reference_bodies=reference_bodies(dataset_cases),
                    concurrency=cfg.concurrency,
                    duration_s=cfg.saturation_s or cfg.duration_s,
                    timeout_s=cfg.timeout_s,
                    drain=drain,
                    log=log,
                    cpu=cpu,
                )
            results["memory"] = sampler.report()
            if len(servers) > 1:
                results["memory_servers"] = [o.report() for o in others]
        finally:
            sampler.stop()
            for o in others:
                o.stop()
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
