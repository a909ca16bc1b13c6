"""Measure POST /v1/meetings: a 40-item meeting of a 15-seat nämnd with 10 ersättare.

Runs the real app in-process (FastAPI TestClient: real HTTP handling, JSON, one
transaction per meeting) against a fresh migrated SQLite file, or against a database you
name (for the target, one that already holds the national registry), or against a running
server with --url and --key:

    .venv/bin/python bench/meeting_bench.py                             # SQLite in /tmp
    .venv/bin/python bench/meeting_bench.py --items 10 --runs 3         # small, quick
    .venv/bin/python bench/meeting_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/javskoll_bench
    .venv/bin/python bench/meeting_bench.py --url http://127.0.0.1:8000 --key jk_...

For the national target, generate the registry and import it into an empty database
first (once; later runs against the same database skip `--registry`):

    .venv/bin/python -m bench generate --scale national --chunk-size 10000 --out /tmp/national.jsonl
    .venv/bin/python bench/meeting_bench.py --database-url postgresql+psycopg://.../javskoll_bench \
        --registry /tmp/national.jsonl

It imports its own kommun with one nämnd (refs prefixed `mb-`, so it can sit beside any
registry), then posts `--runs` meetings of `--items` inline cases each; a third of the
items make a ledamot jävig, one in seven an ersättare too, every fifth names a
föredragande. It prints the wall time per meeting (median, p95, max) and per item.
The target (issue 12) is 1 s per 40-item meeting at the national registry on PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import inprocess  # noqa: E402 - after the path insert, for runs as a script

PARTIES = ("S", "M", "C")


def registry(seats: int, ersattare: int) -> dict[str, Any]:
    """One kommun, one nämnd of `seats` ledamöter in three parties and `ersattare`
    ersättare, one handläggare, and an applicant related to every member."""
    persons: list[dict[str, Any]] = []
    appointments: list[dict[str, Any]] = []
    relations: list[dict[str, Any]] = []
    committee = {"committee": "mb-bn"}
    for i in range(seats):
        ref, party = f"mb-l{i}", PARTIES[i % 3]
        role = "ordforande" if i == 0 else "vice_ordforande" if i == 1 else "ledamot"
        persons.append({"ref": ref, "name": f"Ledamot {i}"})
        appointments.append(
            {
                "person": ref,
                "body": committee,
                "role": role,
                "party": party,
                "order": i // 3 + 1,
                "valid_from": "2023-01-01",
            }
        )
    for i in range(ersattare):
        ref, party = f"mb-e{i}", PARTIES[i % 3]
        persons.append({"ref": ref, "name": f"Ersättare {i}"})
        appointments.append(
            {
                "person": ref,
                "body": committee,
                "role": "ersattare",
                "party": party,
                "order": i // 3 + 1,
                "valid_from": "2023-01-01",
            }
        )
    persons.append({"ref": "mb-h", "name": "Handläggare"})
    appointments.append(
        {"person": "mb-h", "body": {"administration": "mb-forv"}, "role": "handlaggare"}
    )
    for i, p in enumerate(
        [*(f"mb-l{j}" for j in range(seats)), *(f"mb-e{j}" for j in range(ersattare)), "mb-h"]
    ):
        persons.append({"ref": f"mb-sok{i}", "name": f"Sökande {i}"})
        relations.append({"person": p, "related": f"mb-sok{i}", "kind": "sambo"})
    return {
        "organisations": [{"ref": "mb-k", "kind": "kommun", "name": "Mötesby kommun"}],
        "committees": [
            {
                "ref": "mb-bn",
                "organisation": "mb-k",
                "kind": "namnd",
                "name": "Byggnadsnämnden",
                "seats": seats,
                "substitution_order": {"S": ["S", "M"], "M": ["M", "C"], "C": ["C", "S"]},
                "responsibilities": [{"area": "bygg", "role": "tillsyn"}],
            }
        ],
        "administrations": [
            {
                "ref": "mb-forv",
                "organisation": "mb-k",
                "name": "Byggförvaltningen",
                "serves": ["mb-bn"],
            }
        ],
        "persons": persons,
        "appointments": appointments,
        "relations": relations,
    }


def meeting(ref: str, items: int, seats: int, ersattare: int) -> dict[str, Any]:
    agenda = []
    for n in range(items):
        parties = [{"name": f"Granne {n}", "role": "berord"}]
        if n % 3 == 0:  # a ledamot's sambo applies
            parties.append({"person": f"mb-sok{n % seats}", "role": "sokande"})
        if n % 7 == 0:  # and an ersättare's
            parties.append({"person": f"mb-sok{seats + n % ersattare}", "role": "part"})
        case: dict[str, Any] = {
            "ref": f"{ref}/{n}",
            "matter": "myndighetsutovning",
            "area": "bygg",
            "title": f"Bygglov {n}",
            "parties": parties,
        }
        if n % 5 == 0:
            case["participants"] = [{"person": "mb-h", "role": "foredragande"}]
        agenda.append({"paragraph": f"§ {n + 1}", "case": case})
    absent = ["mb-l4", "mb-l7"]
    return {
        "ref": ref,
        "committee": "mb-bn",
        "date": "2026-03-10",
        "absent": absent,
        "items": agenda,
    }


class ServerCpu:
    """CPU time of the PostgreSQL backends serving the benchmark's database (same host:
    /proc/<pid>/stat), so that the database's share of a meeting is reported too."""

    def __init__(self, database_url: str) -> None:
        from sqlalchemy import create_engine, text  # noqa: PLC0415

        self.engine = create_engine(database_url, pool_size=1)
        self.query = text(
            "select pid from pg_stat_activity "
            "where datname = current_database() and pid <> pg_backend_pid()"
        )
        self.tick = os.sysconf("SC_CLK_TCK")

    def _ticks(self) -> dict[int, int]:
        with self.engine.connect() as conn:
            pids = [row[0] for row in conn.execute(self.query)]
        out: dict[int, int] = {}
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            out[pid] = int(fields[11]) + int(fields[12])  # utime + stime
        return out

    def start(self) -> None:
        self.before = self._ticks()

    def seconds(self) -> float:
        after = self._ticks()
        return sum(t - self.before.get(pid, 0) for pid, t in after.items()) / self.tick


def import_registry(client: httpx.Client, headers: dict[str, str], path: Path) -> None:
    """POST every import document of a generated dataset, in order."""
    from bench import generator  # noqa: PLC0415 - only with --registry

    started = time.perf_counter()
    for head, text in generator.read_raw_documents(path):
        response = client.post(
            "/v1/import",
            content=text.encode("utf-8"),
            headers={**headers, "Content-Type": "application/json"},
            timeout=600,
        )
        if response.status_code >= 300:
            sys.exit(f"import {head['index']} failed: {response.status_code} {response.text[:500]}")
    print(f"imported {path} in {time.perf_counter() - started:.0f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--seats", type=int, default=15)
    parser.add_argument("--ersattare", type=int, default=10)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url")
    parser.add_argument("--url", help="a running server (with --key)")
    parser.add_argument("--key")
    parser.add_argument(
        "--registry", type=Path, help="a generated dataset (`python -m bench generate`) to import"
    )
    args = parser.parse_args()
    if args.url:
        client, key = httpx.Client(base_url=args.url, timeout=120), args.key
    else:
        client, key = inprocess.client(args.database_url, "meeting-bench")
    headers = {"Authorization": f"Bearer {key}"}
    if args.registry:
        import_registry(client, headers, args.registry)
    imported = client.post("/v1/import", json=registry(args.seats, args.ersattare), headers=headers)
    imported.raise_for_status()
    times: list[float] = []
    cpu: list[float] = []
    server_cpu: list[float] = []
    server = (
        ServerCpu(args.database_url)
        if args.database_url and args.database_url.startswith("postgresql") and not args.url
        else None
    )
    run_id = uuid.uuid4().hex[:6]
    for run in range(args.runs + 1):  # the first run warms caches and is not counted
        doc = meeting(f"MB {run_id}-{run}", args.items, args.seats, args.ersattare)
        if server is not None:
            server.start()
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.post("/v1/meetings", json=doc, headers=headers)
        elapsed = time.perf_counter() - start
        used = time.process_time() - start_cpu
        if response.status_code != 201:
            sys.exit(f"meeting failed: {response.status_code} {response.text[:500]}")
        if run:
            times.append(elapsed)
            cpu.append(used)
            if server is not None:
                server_cpu.append(server.seconds())
        body = response.json()
    flagged = sum(1 for i in body["items"] if i["steps_out"])
    times.sort()
    p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
    print(
        f"meeting of {args.items} items, {args.seats} seats, {args.ersattare} ersättare, "
        f"{args.runs} runs ({flagged} items with someone stepping out)"
    )
    print(
        f"  per meeting: median {statistics.median(times):.3f} s, p95 {p95:.3f} s, "
        f"max {times[-1]:.3f} s"
    )
    print(f"  per item: {statistics.median(times) / args.items * 1000:.1f} ms")
    # In-process, the CPU time of this process (client and server threads) is the part a
    # loaded machine does not inflate; the database server's own time is not in it.
    if not args.url:
        print(f"  CPU in this process per meeting: median {statistics.median(cpu):.3f} s")
    if server_cpu:
        print(
            "  CPU of the PostgreSQL backends per meeting: median "
            f"{statistics.median(server_cpu):.3f} s"
        )
    print("  load average (1, 5, 15 min): " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
