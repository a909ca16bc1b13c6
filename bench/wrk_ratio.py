"""The issue's ratio measured with wrk, as issue 15 defines it: reference endpoint,
screening, reference endpoint, each at saturation by `wrk -t1 -c<N>`, on the same server
settings and database; with the CPU per request by process group (`bench/cpu_split.py`).

`bench run` measures saturation with its own httpx client, which spends about 2.3 ms of
CPU per request on the same two cores, more than the reference endpoint itself (BENCHMARKS.md
run L): that lowers the reference's throughput more than the screening's and so raises
the ratio. wrk spends almost nothing. Needs Debian's `wrk` and a national database
imported by `bench.import_national --keep-as` (or a copy of one):

    .venv/bin/python -m bench.wrk_ratio --url postgresql+psycopg://postgres@127.0.0.1:5432/javskoll_bench_a

Nothing here asserts a time; it prints one JSON document.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.engine import make_url

from bench import inprocess
from bench.cpu_split import CpuSplit, pids_running
from bench.reference import running_reference
from bench.screening_cpu import iter_cases
from bench.server import running_server

LUA = Path(__file__).with_name("wrk_post.lua")


def _bodies(data: Path, count: int) -> list[str]:
    """Inline screening bodies, one line each, chosen as `bench.screening_cpu` chooses."""
    cases = [line["case"] for line in iter_cases(data)]
    return [
        json.dumps({"case": cases[(i * 7919) % len(cases)]}, ensure_ascii=False)
        for i in range(count)
    ]


def _wrk(base: str, path: str, auth: str, bodies: Path, connections: int, seconds: int) -> str:
    env = {**os.environ, "BODIES": str(bodies), "WRK_PATH": path, "AUTH": auth}
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(LUA)]
    return subprocess.run(  # noqa: S603 - fixed argv
        [*command, base], env=env, capture_output=True, text=True, check=True
    ).stdout


def _parse(out: str) -> dict[str, Any]:
    lines = out.splitlines()
    rate = next(float(line.split()[1]) for line in lines if line.startswith("Requests/sec"))
    latency = {
        line.split()[0]: line.split()[1]
        for line in lines
        if line.strip().split()[:1] in (["50%"], ["99%"])
    }
    non_2xx = next((line.strip() for line in lines if "Non-2xx" in line), None)
    return {"throughput": rate, "latency": latency, "non_2xx": non_2xx}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--data", type=Path, default=Path("bench/data/national-seed1.jsonl"))
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--source", type=Path, help="serve the screening from this checkout (a git worktree)"
    )
    parser.add_argument(
        "--server-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a setting for the screening server (e.g. JAVSKOLL_SCREENINGS_PER_WORKER=2)",
    )
    args = parser.parse_args()

    bodies = _bodies(args.data, 3000)
    settings = inprocess.bench_settings(args.url, environment="production", log_level="WARNING")
    _, key = inprocess.app_with_admin_key(settings, "wrk-ratio")
    secrets = {"JAVSKOLL_HASH_SECRET": settings.hash_secret, "JAVSKOLL_PNR_SECRET": "c" * 40}
    secrets.update(setting.split("=", 1) for setting in args.server_env)
    auth = f"Bearer {key}"
    results: dict[str, Any] = {
        "connections": args.connections,
        "seconds": args.seconds,
        "server_env": args.server_env,
    }
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_server(
            args.url, workers=args.workers, env_extra=secrets, source=args.source
        ) as server,
        running_reference(args.url, workers=args.workers, log_dir=Path(tmp)) as reference,
    ):
        body_file = Path(tmp) / "bodies.jsonl"
        body_file.write_text("\n".join(bodies) + "\n", encoding="utf-8")
        port = reference.rsplit(":", 1)[1]
        cpu = CpuSplit(
            [server.process.pid, *pids_running(f"bench.reference_app --port {port}")],
            make_url(args.url).database,
        )
        headers = {"Authorization": auth, "Content-Type": "application/json"}
        with httpx.Client(base_url=server.base_url, headers=headers, timeout=30) as client:
            for body in bodies[:60]:  # warm: connections, the key cache, plans
                client.post("/v1/screenings", content=body).raise_for_status()
        _wrk(reference, "/reference", "", body_file, args.connections, 2)
        for name, base, path, key_header in (
            ("reference_before", reference, "/reference", ""),
            ("screening", server.base_url, "/v1/screenings", auth),
            ("reference_after", reference, "/reference", ""),
        ):
            before = cpu.sample()
            measured = _parse(
                _wrk(base, path, key_header, body_file, args.connections, args.seconds)
            )
            answered = int(measured["throughput"] * args.seconds)
            measured["cpu_ms_per_request"] = CpuSplit.per_request(before, cpu.sample(), answered)
            results[name] = measured
    reference_rate = (
        results["reference_before"]["throughput"] + results["reference_after"]["throughput"]
    ) / 2
    results["ratio"] = round(results["screening"]["throughput"] / reference_rate, 3)
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
