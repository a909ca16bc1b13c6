"""Time one persons document of the national dataset and its name index drain, in-process:

    .venv/bin/python bench/name_index_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/javskoll_bench

Generates the national registry (seed 1, ~15 s), POSTs its first persons document (50,000
persons) to a fresh, migrated database through the real app (FastAPI TestClient), and
reports the wall and CPU time of the import and of `app.screening.name_index.drain` (run
before the import's commit). Without --database-url: a SQLite file in /tmp.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import inprocess  # noqa: E402 - after the path insert, for runs as a script
from bench.generator import generate  # noqa: E402


def persons_document(seed: int) -> dict[str, Any]:
    for section, document in generate(seed, "national").documents():
        if section == "persons":
            return document
    raise SystemExit("no persons document")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", help="an empty, fresh database")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    body = json.dumps(persons_document(args.seed), ensure_ascii=False).encode()

    import app.screening.name_index as name_index  # noqa: PLC0415 - after the path insert

    spent = {"cpu": 0.0, "wall": 0.0}
    drain = name_index.drain

    def timed_drain(session: Any) -> int:
        cpu, wall = time.process_time(), time.perf_counter()
        try:
            return drain(session)
        finally:
            spent["cpu"] += time.process_time() - cpu
            spent["wall"] += time.perf_counter() - wall

    name_index.drain = timed_drain  # the before-commit listener looks it up by name
    client, key = inprocess.client(args.database_url, "bench")
    cpu, wall = time.process_time(), time.perf_counter()
    response = client.post(
        "/v1/import",
        content=body,
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    if response.status_code != 200:
        raise SystemExit(f"HTTP {response.status_code}: {response.text[:2000]}")
    print(
        f"persons document: {wall:.2f} s wall {cpu:.2f} s cpu; of which the name index drain "
        f"{spent['wall']:.2f} s wall {spent['cpu']:.2f} s cpu; totals={response.json()['totals']}"
    )


if __name__ == "__main__":
    main()
