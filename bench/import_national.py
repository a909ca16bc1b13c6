"""Import a generated dataset into a real server and report wall time, the server's CPU
time and the peak RSS per worker, with the load average (issue 15, part 5):

    .venv/bin/python -m bench.import_national --data bench/data/national-seed1.jsonl
    .venv/bin/python -m bench.import_national --data ... --limit 8 --py-spy /tmp/import.txt
    .venv/bin/python -m bench.import_national --data ... --keep-as javskoll_bench_national
    .venv/bin/python -m bench.import_national --data ... --workers 2 --concurrency 2

One uvicorn worker by default (so its CPU is the import's), a fresh PostgreSQL database
(dropped afterwards), production settings, each document POSTed as it is in the file.
`--concurrency N` posts up to N documents at a time: sections one after another in the
file's (dependency) order, and within a section a document as soon as the documents it
names refs of are in (`schedule`); the per-document CPU and peak are then not separable,
only the totals are reported.

`--servers N` starts N separate `javskoll serve` processes on the one database and sends
each document to the one with the fewest documents in flight, as a least-connections
load balancer in front of stateless API nodes would (docs/scaling.md). With one server
of two workers, uvicorn's workers share one socket and the kernel hands a connection to
either: two documents at a time land on one worker half of the time, and with one import
per worker (the default gate) the second waits while the other worker idles. The figure
then depends on that draw (61-75 s for the same tree, BENCHMARKS.md run H); the servers
take the draw out of the measurement.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

import httpx
import orjson
import psutil

from bench import generator
from bench.pyspy import Recorder
from bench.runner import shared_server_settings
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


def _cpu_all(pids: list[int]) -> float:
    return sum(_cpu(pid) for pid in pids)


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


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def schedule(documents: list[tuple[dict[str, Any], str]]) -> list[set[int]]:
    """For each document, the earlier documents it must wait for: every document of an
    earlier section (the file's sections are in dependency order: persons before their
    interests), and a document of its own section that declares a ref this one names
    anywhere (an owner among organisations, a parent committee). Over-approximate on
    purpose: a string equal to a declared ref counts even where it is no reference."""
    after: list[set[int]] = []
    declared: list[set[str]] = []
    for n, (head, text) in enumerate(documents):
        items = [i for v in orjson.loads(text).values() if isinstance(v, list) for i in v]
        own = {i["ref"] for i in items if isinstance(i, dict) and isinstance(i.get("ref"), str)}
        named = {s for i in items if isinstance(i, dict) for k, v in i.items() if k != "ref"
                 for s in _strings(v)}  # fmt: skip
        waits = set()
        for m in range(n):
            if documents[m][0]["section"] != head["section"] or declared[m] & named:
                waits.add(m)
        after.append(waits)
        declared.append(own)
    return after


def run(
    data: Path,
    database: str,
    workers: int,
    limit: int | None,
    spy: Path | None,
    keep_as: str | None = None,
    concurrency: int = 1,
    imports_per_worker: int | None = None,
    servers: int = 1,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "data": str(data),
        "database": database,
        "servers": servers,
        "workers": workers,
        "concurrency": concurrency,
        "imports_per_worker": imports_per_worker or 1,
    }
    documents = list(generator.read_raw_documents(data))[:limit]
    waits = schedule(documents) if concurrency > 1 else None
    env_extra = shared_server_settings()
    if imports_per_worker:
        env_extra["JAVSKOLL_IMPORTS_PER_WORKER"] = str(imports_per_worker)
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(fresh_database(database, label="import", keep_as=keep_as))
        nodes = [
            stack.enter_context(
                running_server(
                    url,
                    workers=workers,
                    env_extra=env_extra,
                    api_key=env_extra["JAVSKOLL_BOOTSTRAP_KEY"],
                )
            )
            for _ in range(servers)
        ]
        server = nodes[0]
        pids = [node.process.pid for node in nodes]
        samplers = [MemorySampler(pid, interval_s=0.1) for pid in pids]
        for one in samplers:
            one.start()
        sampler = samplers[0]
        recorder = Recorder(server.process.pid, spy) if spy else None
        docs: list[dict[str, Any]] = []
        load = [os.getloadavg()[0]]
        name = url.rsplit("/", 1)[-1]
        cpu0, pg0, started = _cpu_all(pids), _postgres_cpu(name), time.perf_counter()
        sampler_lock = threading.Lock()
        in_flight = [0] * servers

        def pick() -> int:
            with sampler_lock:  # least documents in flight; ties to the first
                node = min(range(servers), key=lambda i: in_flight[i])
                in_flight[node] += 1
                return node

        def post(n: int) -> dict[str, Any]:
            head, text = documents[n]
            body = text.encode()
            serial = waits is None
            if serial:
                sampler.reset()
                sampler.sample()
            t0, c0 = time.perf_counter(), _cpu_all(pids)
            p0 = _postgres_cpu(name)
            node = pick()
            try:
                target = nodes[node]
                with httpx.Client(base_url=target.base_url, headers=target.headers) as client:
                    response = client.post("/v1/import", content=body, headers=JSON, timeout=900)
            finally:
                with sampler_lock:
                    in_flight[node] -= 1
            if response.status_code != 200:
                raise SystemExit(f"document {n}: {response.status_code} {response.text[:2000]}")
            wall = time.perf_counter() - t0
            with sampler_lock:
                sampler.sample()
                doc = {
                    "index": head["index"],
                    "section": head["section"],
                    "mb": round(len(body) / 1e6, 2),
                    "wall_s": round(wall, 2),
                    # Under concurrency a document's window holds others' work too.
                    "cpu_s": round(_cpu_all(pids) - c0, 2) if serial else None,
                    "pg_cpu_s": round(_postgres_cpu(name) - p0, 2) if serial else None,
                    "peak_mb": sampler.report()["peak_rss_mb_max_worker"] if serial else None,
                    "done_at_s": round(time.perf_counter() - started, 1),
                    "server": node,
                }
                load.append(os.getloadavg()[0])
                print(json.dumps(doc | {"load1": load[-1]}), flush=True)
            return doc

        if waits is None:
            docs.extend(post(n) for n in range(len(documents)))
        else:
            pending, done = set(range(len(documents))), set[int]()
            with ThreadPoolExecutor(concurrency) as pool:
                running: dict[Future[dict[str, Any]], int] = {}
                while pending or running:
                    for n in sorted(pending):
                        if len(running) < concurrency and waits[n] <= done:
                            pending.discard(n)
                            running[pool.submit(post, n)] = n
                    finished, _ = wait(running, return_when=FIRST_COMPLETED)
                    for future in finished:
                        docs.append(future.result())
                        done.add(running.pop(future))
            docs.sort(key=lambda d: d["index"])
        out["wall_s"] = round(time.perf_counter() - started, 1)
        out["server_cpu_s"] = round(_cpu_all(pids) - cpu0, 1)
        out["postgres_cpu_s"] = round(_postgres_cpu(name) - pg0, 1)
        if recorder is not None:
            recorder.stop()
        for one in samplers:
            one.stop()
        reports = [one.report() for one in samplers]
        out["memory"] = reports[0]
        if servers > 1:
            out["memory_servers"] = reports
    if waits is None:
        out["peak_rss_mb_max_worker"] = max(d["peak_mb"] for d in docs)
    else:  # the samplers were not reset per document: their peak is the run's
        out["peak_rss_mb_max_worker"] = max(
            r["peak_rss_mb_max_worker"] for r in out.get("memory_servers", [out["memory"]])
        )
    by_section: dict[str, list[float]] = {}
    for d in docs:
        wall_cpu = by_section.setdefault(d["section"], [0.0, 0.0])
        wall_cpu[0] += d["wall_s"]
        wall_cpu[1] += d["cpu_s"] or 0.0
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
    parser.add_argument(
        "--concurrency", type=int, default=1, help="documents posted at a time (see schedule)"
    )
    parser.add_argument(
        "--servers", type=int, default=1, help="server processes, least-in-flight routing"
    )
    parser.add_argument("--py-spy", type=Path, help="record raw py-spy stacks here")
    parser.add_argument("--out", type=Path, help="write the result JSON here")
    parser.add_argument("--keep-as", help="keep the imported database under this name (PostgreSQL)")
    parser.add_argument(
        "--imports-per-worker",
        type=int,
        help="the server's JAVSKOLL_IMPORTS_PER_WORKER (default: the server's default, 1)",
    )
    args = parser.parse_args()
    result = run(
        args.data,
        args.database,
        args.workers,
        args.limit,
        args.py_spy,
        args.keep_as,
        args.concurrency,
        args.imports_per_worker,
        args.servers,
    )
    summary = {k: v for k, v in result.items() if k != "docs"}
    print(json.dumps(summary, indent=1))
    if args.out:
        args.out.write_text(json.dumps(result, indent=1) + "\n")


if __name__ == "__main__":
    sys.exit(main())
