"""Import a generated dataset into a real server and report wall time, the server's CPU
time and the peak RSS per worker, with the load average (issue 15, part 5):

    .venv/bin/python -m bench.import_national --data bench/data/national-seed1.jsonl
    .venv/bin/python -m bench.import_national --data ... --limit 8 --py-spy /tmp/import.txt
    .venv/bin/python -m bench.import_national --data ... --keep-as javskoll_bench_national

One uvicorn worker (so its CPU is the import's), a fresh PostgreSQL database (dropped
afterwards), production settings, each document POSTed as it is in the file.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import psutil

from bench import generator
from bench.pyspy import Recorder
from bench.server import MemorySampler, fresh_database, running_server

JSON = {"Content-Type": "application/json"}


def _cpu(pid: int) -> float:
    """User + system CPU seconds of a process tree (the server and its workers)."""
    total = 0.0
    try:
        root = psutil.Process(pid)
        for proc in [root, *root.children(recursive=True)]:
            times = proc.cpu_times()
            total += times.user + times.system
    except psutil.Error:
        pass
    return total


def _postgres_cpu(database: str) -> float:
    """CPU seconds of the PostgreSQL backends serving `database` (while they live)."""
    total = 0.0
    for proc in psutil.process_iter(["name", "cmdline"]):
        title = " ".join(proc.info["cmdline"] or [])
        if (proc.info["name"] or "").startswith("postgres") and f" {database} " in title:
            try:
                times = proc.cpu_times()
                total += times.user + times.system
            except psutil.Error:
                continue
    return total


def run(
    data: Path,
    database: str,
    workers: int,
    limit: int | None,
    spy: Path | None,
    keep_as: str | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {"data": str(data), "database": database, "workers": workers}
    with (
        fresh_database(database, label="import", keep_as=keep_as) as url,
        running_server(url, workers=workers) as server,
    ):
        sampler = MemorySampler(server.process.pid, interval_s=0.1)
        sampler.start()
        recorder = Recorder(server.process.pid, spy) if spy else None
        docs: list[dict[str, Any]] = []
        load = [os.getloadavg()[0]]
        name = url.rsplit("/", 1)[-1]
        cpu0, pg0, started = _cpu(server.process.pid), _postgres_cpu(name), time.perf_counter()
        with httpx.Client(base_url=server.base_url, headers=server.headers) as client:
            for n, (head, text) in enumerate(generator.read_raw_documents(data)):
                if limit is not None and n >= limit:
                    break
                body = text.encode()
                sampler.reset()
                sampler.sample()
                t0, c0 = time.perf_counter(), _cpu(server.process.pid)
                p0 = _postgres_cpu(name)
                response = client.post("/v1/import", content=body, headers=JSON, timeout=900)
                if response.status_code != 200:
                    raise SystemExit(f"document {n}: {response.status_code} {response.text[:2000]}")
                wall = time.perf_counter() - t0
                sampler.sample()
                docs.append(
                    {
                        "index": head["index"],
                        "section": head["section"],
                        "mb": round(len(body) / 1e6, 2),
                        "wall_s": round(wall, 2),
                        "cpu_s": round(_cpu(server.process.pid) - c0, 2),
                        "pg_cpu_s": round(_postgres_cpu(name) - p0, 2),
                        "peak_mb": sampler.report()["peak_rss_mb_max_worker"],
                    }
                )
                load.append(os.getloadavg()[0])
                print(json.dumps(docs[-1] | {"load1": load[-1]}), flush=True)
        out["peak_rss_mb_max_worker"] = max(d["peak_mb"] for d in docs)
        out["wall_s"] = round(time.perf_counter() - started, 1)
        out["server_cpu_s"] = round(_cpu(server.process.pid) - cpu0, 1)
        out["postgres_cpu_s"] = round(_postgres_cpu(name) - pg0, 1)
        if recorder is not None:
            recorder.stop()
        sampler.stop()
        out["memory"] = sampler.report()
    by_section: dict[str, list[float]] = {}
    for d in docs:
        wall_cpu = by_section.setdefault(d["section"], [0.0, 0.0])
        wall_cpu[0] += d["wall_s"]
        wall_cpu[1] += d["cpu_s"]
    out["by_section_wall_cpu_s"] = {
        s: [round(w, 1), round(c, 1)] for s, (w, c) in by_section.items()
    }
    out["documents"] = len(docs)
    out["load1_min_max"] = [min(load), max(load)]
    out["docs"] = docs
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--database", default="postgresql")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--limit", type=int, help="only the first N documents")
    parser.add_argument("--py-spy", type=Path, help="record raw py-spy stacks here")
    parser.add_argument("--out", type=Path, help="write the result JSON here")
    parser.add_argument("--keep-as", help="keep the imported database under this name (PostgreSQL)")
    args = parser.parse_args()
    result = run(args.data, args.database, args.workers, args.limit, args.py_spy, args.keep_as)
    summary = {k: v for k, v in result.items() if k != "docs"}
    print(json.dumps(summary, indent=1))
    if args.out:
        args.out.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    sys.exit(main())
