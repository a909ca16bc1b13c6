"""Measure POST /v1/import with a large document (default 10,000 persons, 100,000 interests).

Runs the real app in-process (FastAPI TestClient, real HTTP handling and JSON) against a
fresh, migrated database, or against a running server with --url and --key:

    .venv/bin/python bench/import_bench.py                       # SQLite file in /tmp
    .venv/bin/python bench/import_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/javskoll_bench
    .venv/bin/python bench/import_bench.py --url http://127.0.0.1:8000 --key jk_...

It imports the document three times: first (everything created), again (everything
unchanged: nothing written), and once with every tenth interest changed (updated).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from stdnum import luhn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import inprocess  # noqa: E402 - after the path insert, for runs as a script

INTEREST_KINDS = ["styrelseledamot", "agare", "anstalld", "medlem", "fortroendeuppdrag", "vd"]


def personnummer(i: int) -> str:
    year, month, day, serial = 1940 + i % 60, 1 + i % 12, 1 + i % 28, i // 420 % 1000
    ten = f"{year % 100:02d}{month:02d}{day:02d}{serial:03d}"
    return f"{year}{month:02d}{day:02d}-{serial:03d}{luhn.calc_check_digit(ten)}"


def build_document(persons: int, interests: int, companies: int, seed: int = 7) -> dict[str, Any]:
    rnd = random.Random(seed)  # noqa: S311 - test data
    orgs: list[dict[str, Any]] = [{"ref": "k", "kind": "kommun", "name": "Benchby kommun"}]
    orgs += [
        {
            "ref": f"co-{c}",
            "kind": "aktiebolag",
            "name": f"Bolag {c} AB",
            **({"owners": [{"organisation": "k", "share_percent": 100}]} if c % 50 == 0 else {}),
        }
        for c in range(companies)
    ]
    committees = [
        {
            "ref": f"n-{n}",
            "organisation": "k",
            "kind": "namnd",
            "name": f"Nämnd {n}",
            "responsibilities": [{"area": "va", "role": "drift"}],
        }
        for n in range(20)
    ]
    people = [
        {"ref": f"p-{i}", "name": f"Person Nummer{i}", "personnummer": personnummer(i)}
        for i in range(persons)
    ]
    appointments = [
        {
            "person": f"p-{i}",
            "body": {"committee": f"n-{i % 20}"},
            "role": "ledamot",
            "valid_from": "2023-01-01",
        }
        for i in range(persons)
    ]
    per_person = max(1, interests // persons)
    items = []
    for i in range(interests):
        person = i // per_person % persons
        kind = INTEREST_KINDS[i % per_person % len(INTEREST_KINDS)]
        item = {
            "person": f"p-{person}",
            "organisation": f"co-{rnd.randrange(companies)}",
            "kind": kind,
            "valid_from": f"20{10 + i % per_person:02d}-01-01",
        }
        if kind == "agare":
            item["share_percent"] = 5
        items.append(item)
    return {
        "organisations": orgs,
        "committees": committees,
        "persons": people,
        "appointments": appointments,
        "interests": items,
    }


def timed_import(client: httpx.Client, key: str, doc: dict[str, Any], label: str) -> float:
    body = json.dumps(doc).encode()
    started, cpu = time.perf_counter(), time.process_time()
    response = client.post(
        "/v1/import",
        content=body,
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    if response.status_code != 200:
        raise SystemExit(f"{label}: HTTP {response.status_code}: {response.text[:2000]}")
    print(
        f"{label:<24} {elapsed:6.2f} s wall {cpu:6.2f} s cpu (this process)  "
        f"totals={response.json()['totals']}  ({len(body) / 1e6:.1f} MB)"
    )
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", type=int, default=10_000)
    parser.add_argument("--interests", type=int, default=100_000)
    parser.add_argument("--companies", type=int, default=2_000)
    parser.add_argument(
        "--database-url", help="in-process run against this (empty, fresh) database"
    )
    parser.add_argument("--url", help="a running server instead of the in-process app")
    parser.add_argument("--key", help="admin or registry API key for --url")
    args = parser.parse_args()
    doc = build_document(args.persons, args.interests, args.companies)
    if args.url:
        client, key = httpx.Client(base_url=args.url, timeout=3600), args.key
    else:
        client, key = inprocess.client(args.database_url, "bench")
    print(
        f"document: {args.persons} persons, {args.interests} interests, {args.companies} companies"
    )
    timed_import(client, key, doc, "first import (created)")
    timed_import(client, key, doc, "same again (unchanged)")
    for item in doc["interests"][::10]:
        item["valid_to"] = "2030-12-31"
    timed_import(client, key, doc, "10 % changed (updated)")


if __name__ == "__main__":
    main()
