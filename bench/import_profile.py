"""Profile the import service in this process, document by document (issue 15, part 5):

    .venv/bin/python -m bench.import_profile --data bench/data/national-seed1.jsonl \
        --limit 13 --profile 0,9,12 --out /tmp/prof

A fresh PostgreSQL database (dropped afterwards); each document goes through the input
guard's scan (`check_streamed_body`) and `service.import_document` in its own session and
transaction, as the route does. Per document: CPU seconds of this process, and the peak
RSS (sampled every 10 ms) and the RSS before it. `--profile` writes a cProfile of CPU time
(`.prof` and text summaries; the profiler slows them several times) for the listed
document indices into `--out`. `--py-spy-from N` samples this process with py-spy (no
slowdown) from document N to the end and prints the summary (`bench.pyspy`), so that
one section's shares can be read without the earlier sections' (e.g. `--py-spy-from 12
--limit 16`: four interests documents).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import threading
import time
from pathlib import Path

from bench import generator
from bench.server import fresh_database


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


class Peak:
    def __init__(self) -> None:
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.01):
            self.peak = max(self.peak, _rss_mb())

    def reset(self) -> None:
        self.peak = _rss_mb()

    def stop(self) -> None:
        self._stop.set()


def run(args: argparse.Namespace) -> None:
    from app.heap import freeze_startup_objects
    from app.registry.importdoc import service
    from app.registry.importdoc.stream import check_streamed_body
    from app.security.deps import Principal
    from app.security.roles import Role
    from bench import inprocess
    from bench.pyspy import Recorder

    wanted = {int(i) for i in args.profile.split(",")} if args.profile else set()
    spy: Recorder | None = None
    with fresh_database("postgresql", label="impprof") as url:
        settings = inprocess.bench_settings(url, environment="production")
        app, _ = inprocess.app_with_admin_key(settings, "profile")
        principal = Principal(1, "profile", Role("admin"), None)
        freeze_startup_objects()  # as the served app does (`app.asgi`)
        peak = Peak()
        for n, (head, text) in enumerate(generator.read_raw_documents(args.data)):
            if args.limit is not None and n >= args.limit:
                break
            body = text.encode()
            del text
            if args.py_spy_from is not None and n == args.py_spy_from:
                spy = Recorder(os.getpid(), args.out / "py-spy.txt", rate=args.py_spy_rate)
            profiler = cProfile.Profile(time.process_time) if n in wanted else None
            before = _rss_mb()
            peak.reset()
            c0, t0 = time.process_time(), time.perf_counter()
            if profiler:
                profiler.enable()
            document, errors = check_streamed_body(body, 64)
            assert document is not None and not errors, errors
            with app.state.sessionmaker() as session:
                result = service.import_document(
                    session, principal, document, pnr_secret=settings.pnr_secret
                )
                session.commit()
            service.release_memory(len(document.text))
            if profiler:
                profiler.disable()
            cpu, wall = time.process_time() - c0, time.perf_counter() - t0
            line = {
                "index": head["index"],
                "section": head["section"],
                "cpu_s": round(cpu, 2),
                "wall_s": round(wall, 2),
                "rss_before_mb": round(before, 1),
                "peak_mb": round(peak.peak, 1),
                "totals": result["totals"],
            }
            print(json.dumps(line), flush=True)
            if profiler:
                out = args.out / f"doc{n}-{head['section']}"
                out.parent.mkdir(parents=True, exist_ok=True)
                profiler.dump_stats(out.with_suffix(".prof"))
                for sort in ("cumulative", "tottime"):
                    s = io.StringIO()
                    pstats.Stats(profiler, stream=s).sort_stats(sort).print_stats(60)
                    out.with_suffix(f".{sort}.txt").write_text(s.getvalue())
            del document, body
        peak.stop()
        if spy is not None:
            print(json.dumps({"py_spy": spy.stop()}, indent=1), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--profile", default="", help="document indices, comma separated")
    parser.add_argument("--out", type=Path, help="folder for the profiles")
    parser.add_argument("--py-spy-from", type=int, help="sample with py-spy from document N")
    parser.add_argument("--py-spy-rate", type=int, default=200)
    run(parser.parse_args())


if __name__ == "__main__":
    main()
