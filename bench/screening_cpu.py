"""CPU per screening, in process, through the whole ASGI stack (issue 15, the Python side).

Drives the real app (middleware, auth, validation, the route, the response) with one ASGI
call per request in this thread: the sync route and its dependencies run inline instead of
in anyio's thread pool, so cProfile/pyinstrument see every frame and `time.process_time`
counts the app's CPU and nothing else (no HTTP client, no server). For each screening it
also counts the SQL statements (cursor executes, an executemany counting once), the
transaction ends (commit/rollback), and the CPU the PostgreSQL backends of this database
spent (/proc/<pid>/stat of every backend connected to it; the server must run on this
machine). The reference endpoint (bench/reference_app.py) is measured the same way, in the
same run, for the ratio.

    .venv/bin/python -m bench.screening_cpu --url postgresql+psycopg://.../javskoll_bench_x \
        --data bench/data/national-seed1.jsonl --count 400
    .venv/bin/python -m bench.screening_cpu ... --profile /tmp/scr.prof      # cProfile
    .venv/bin/python -m bench.screening_cpu ... --pyinstrument /tmp/scr.txt

Nothing here asserts a time; it prints one JSON document.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from bench import inprocess

CLK_TCK = os.sysconf("SC_CLK_TCK")


def iter_cases(path: Path) -> Iterator[dict[str, Any]]:
    with path.open("rb") as f:
        for line in f:
            if line.startswith(b'{"kind":"case"'):
                yield json.loads(line)


class Counter:
    """Statements and transaction ends on an engine."""

    def __init__(self, engine: Engine) -> None:
        self.statements = 0
        self.ends = 0
        self.log: list[str] = []
        self.keep = False
        event.listen(engine, "before_cursor_execute", self._execute)
        event.listen(engine, "commit", self._end)
        event.listen(engine, "rollback", self._end)

    def _execute(self, _c: Any, _cur: Any, statement: str, *_args: Any) -> None:
        self.statements += 1
        if self.keep:
            self.log.append(" ".join(statement.split())[:110])

    def _end(self, _c: Any) -> None:
        self.ends += 1


def backend_cpu(url: str) -> Callable[[], float]:
    """A function giving the CPU seconds of this database's backends so far (read on a
    connection of its own, not counted)."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        database = conn.execute(text("SELECT current_database()")).scalar_one()
    pids_sql = "SELECT pid FROM pg_stat_activity WHERE datname = :d AND pid <> pg_backend_pid()"

    def cpu() -> float:
        with engine.connect() as conn:
            pids = conn.execute(text(pids_sql), {"d": database}).scalars().all()
        total = 0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])
        return total / CLK_TCK

    return cpu


@contextmanager
def inline_threadpool() -> Iterator[None]:
    """Sync endpoints and dependencies run in the calling thread (profilers see them)."""
    import fastapi.dependencies.utils as deps
    import fastapi.routing as routing
    import starlette.concurrency as concurrency

    async def inline(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    saved = (routing.run_in_threadpool, deps.run_in_threadpool)
    routing.run_in_threadpool = inline  # type: ignore[assignment]
    deps.run_in_threadpool = inline  # type: ignore[assignment]
    saved_cm = deps.contextmanager_in_threadpool
    # the dependency's generator stays in this thread too

    @asynccontextmanager_inline
    def _cm(cm: Any) -> Any:
        return cm

    deps.contextmanager_in_threadpool = _cm  # type: ignore[assignment]
    try:
        yield
    finally:
        routing.run_in_threadpool, deps.run_in_threadpool = saved
        deps.contextmanager_in_threadpool = saved_cm
        del concurrency


def asynccontextmanager_inline(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def wrapper(cm: Any) -> Any:
        with fn(cm) as value:
            yield value

    return wrapper


async def call(app: Any, path: str, body: bytes, key: str) -> tuple[int, bytes]:
    from app.inputguard import replaying_receive  # in process only (module docstring)

    scope = inprocess.post_scope(path, body, [(b"authorization", f"Bearer {key}".encode())])
    answered = asyncio.Event()
    out: dict[str, Any] = {"status": 0, "body": b""}

    async def after_the_body() -> dict[str, Any]:
        # A disconnect only once the answer is out, as a server reports it for a client
        # that waits (earlier, it means the client left: app/gates.py).
        await answered.wait()
        return {"type": "http.disconnect"}

    receive = replaying_receive(body, after_the_body)

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            out["status"] = message["status"]
        elif message["type"] == "http.response.body":
            out["body"] += message.get("body", b"")

    await app(scope, receive, send)
    answered.set()
    return out["status"], out["body"]


def measure(
    loop: asyncio.AbstractEventLoop,
    app: Any,
    engine: Engine,
    path: str,
    bodies: list[bytes],
    key: str | list[str],
    pg_cpu: Callable[[], float] | None,
) -> dict[str, Any]:
    """`key`: one key for every body, or a key per body (`--limited`)."""
    keys = key if isinstance(key, list) else [key] * len(bodies)
    counter = Counter(engine)
    cpu_ms: list[float] = []
    statements: list[int] = []
    ends: list[int] = []
    statuses: dict[int, int] = {}
    pg_before = pg_cpu() if pg_cpu else 0.0
    started = time.perf_counter()
    for body, body_key in zip(bodies, keys, strict=True):
        s0, e0 = counter.statements, counter.ends
        c0 = time.process_time()
        status, _ = loop.run_until_complete(call(app, path, body, body_key))
        cpu_ms.append((time.process_time() - c0) * 1000)
        statements.append(counter.statements - s0)
        ends.append(counter.ends - e0)
        statuses[status] = statuses.get(status, 0) + 1
    wall = time.perf_counter() - started
    pg_ms = ((pg_cpu() - pg_before) * 1000 / len(bodies)) if pg_cpu else None
    return {
        "count": len(bodies),
        "statuses": statuses,
        "app_cpu_ms_median": round(statistics.median(cpu_ms), 3),
        "app_cpu_ms_mean": round(statistics.fmean(cpu_ms), 3),
        "app_cpu_ms_p90": round(statistics.quantiles(cpu_ms, n=10)[-1], 3),
        "db_cpu_ms_mean": round(pg_ms, 3) if pg_ms is not None else None,
        "statements_median": statistics.median(statements),
        "statements_max": max(statements),
        "transaction_ends_median": statistics.median(ends),
        "wall_ms_mean": round(wall * 1000 / len(bodies), 3),
    }


def reference_app(settings: Any) -> Any:
    from app.db import make_engine
    from bench import reference_app as ref

    ref.prepare(settings.database_url)
    ref._state["engine"] = make_engine(settings)  # the same engine settings as the app's
    return ref


def _collector(mode: str) -> dict[str, Any]:
    """Set the cyclic collector up as the served process does (app/heap.py), or not."""
    import gc

    from app.heap import freeze_startup_objects

    if mode != "none":
        freeze_startup_objects()
    if mode.startswith("freeze:"):
        g0, g1, g2 = (int(n) for n in mode.removeprefix("freeze:").split(","))
        gc.set_threshold(g0, g1, g2)
    return {"mode": mode, "frozen": gc.get_freeze_count(), "threshold": gc.get_threshold()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--data", type=Path, default=Path("bench/data/national-seed1.jsonl"))
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--profile", type=Path, help="cProfile the screenings to this file")
    parser.add_argument("--pyinstrument", type=Path, help="pyinstrument text to this file")
    parser.add_argument("--statements", action="store_true", help="print one's statements")
    parser.add_argument("--no-reference", action="store_true")
    parser.add_argument(
        "--name-party",
        help="replace each case's parties by one unregistered party of this name (the "
        "name matching's cost; a common name such as 'Anders Karlsson' reads the "
        "candidates near the case too)",
    )
    parser.add_argument(
        "--limited",
        action="store_true",
        help="screen each case with a screener key limited to its committee's organisation "
        "(as a kommun's case system would), not with an unlimited admin key",
    )
    parser.add_argument(
        "--gc",
        default="freeze",
        help="the collector: 'freeze' (as served, app/heap.py), "
        "'none' (not frozen), or 'freeze:<gen0>,<gen1>,<gen2>' (frozen, these thresholds)",
    )
    args = parser.parse_args()

    cases = list(iter_cases(args.data))
    chosen = [cases[(i * 7919) % len(cases)]["case"] for i in range(args.count + args.warmup)]
    if args.name_party:  # each case's parties replaced by one given by name only
        chosen = [c | {"parties": [{"name": args.name_party, "role": "part"}]} for c in chosen]
    bodies = [json.dumps({"case": c}, ensure_ascii=False).encode() for c in chosen]
    settings = inprocess.bench_settings(args.url, environment="production", log_level="WARNING")
    app, admin_key = inprocess.app_with_admin_key(settings, "scrpy-cpu")
    if args.limited:
        by_committee = inprocess.limited_keys(app, settings, [c["committee"] for c in chosen])
        keys = [by_committee[c["committee"]] for c in chosen]
        # A worker in service has screened for each key before (what it builds once per
        # key is built): the warm-up screens one case of every key measured.
        first_of_key = {k: i for i, k in reversed(list(enumerate(keys))) if i >= args.warmup}
        for i in sorted(first_of_key.values()):
            bodies.insert(0, bodies[i])
            keys.insert(0, keys[i])
        args.warmup += len(first_of_key)
    else:
        keys = [admin_key] * len(chosen)
    key = keys[0]
    engine: Engine = app.state.engine
    pg_cpu = backend_cpu(args.url) if engine.dialect.name == "postgresql" else None
    loop = asyncio.new_event_loop()
    result: dict[str, Any] = {"load_average": os.getloadavg()}
    with inline_threadpool():
        loop.run_until_complete(_startup(app))
        result["gc"] = _collector(args.gc)
        for body, body_key in zip(bodies[: args.warmup], keys, strict=False):
            loop.run_until_complete(call(app, "/v1/screenings", body, body_key))
        if args.statements:
            counter = Counter(engine)
            counter.keep = True
            status, answer = loop.run_until_complete(call(app, "/v1/screenings", bodies[0], key))
            print(status, len(answer))
            print("\n".join(counter.log))
            return

        def run() -> dict[str, Any]:
            return measure(
                loop, app, engine, "/v1/screenings", bodies[args.warmup :], keys[args.warmup :],
                pg_cpu,
            )  # fmt: skip

        if args.profile:
            import cProfile

            profiler = cProfile.Profile(time.process_time)  # CPU, not waits
            profiler.enable()
            result["screening"] = run()
            profiler.disable()
            profiler.dump_stats(args.profile)
        elif args.pyinstrument:
            from pyinstrument import Profiler

            p = Profiler(interval=0.0005)
            p.start()
            result["screening"] = run()
            p.stop()
            args.pyinstrument.write_text(p.output_text(unicode=True, show_all=False))
        else:
            result["screening"] = run()
        if not args.no_reference:
            ref = reference_app(settings)
            ref_bodies = bodies[args.warmup :]
            for body in ref_bodies[:20]:
                loop.run_until_complete(call(ref.app, "/reference", body, admin_key))
            result["reference"] = measure(
                loop, ref.app, ref.engine(), "/reference", ref_bodies, admin_key, pg_cpu
            )
    result["load_average_after"] = os.getloadavg()
    print(json.dumps(result, indent=1))


async def _startup(app: Any) -> None:
    # The lifespan sets the thread limiter and may start the checkpointer: not needed.
    del app


if __name__ == "__main__":
    main()
