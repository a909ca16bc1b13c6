"""Screening benchmark: rule evaluation in-process, and POST /v1/screenings end to end.

For each registry size (default 1,000 and 100,000 persons) it

1. starts `javskoll serve` (one worker, production settings, kept running until the end)
   on a free port against a fresh database (SQLite file, or a new PostgreSQL database
   with --database postgresql);
2. imports a synthetic registry through POST /v1/import: a fixed "core" around one
   gemensam nämnd (15 members, staff, närstående, companies, an operation) and filler
   persons, organisations, committees, appointments, interests and relations that scale
   with the size but never touch the core;
3. refreshes the planner statistics (ANALYZE), as autovacuum would after a bulk load;
4. measures, in-process against the same databases, the facts loader and the pure rule
   evaluation (`app.rules.evaluate`) of the core case (15 participants, 5 parties);
5. measures POST /v1/screenings of that case (inline), sequentially over keep-alive HTTP,
   to every size's server in turn, round after round, so that whatever else the machine
   does slows all sizes alike.

The core case is the same at every size, so a flat latency across sizes shows that a
screening's cost follows the case, not the registry. Targets (docs/screening.md):
evaluation p50 <= 0.5 ms; end-to-end p50 at the largest size <= 1.2 x p50 at the smallest.

    .venv/bin/python bench/screening_bench.py                          # SQLite
    .venv/bin/python bench/screening_bench.py --database postgresql    # JAVSKOLL_BENCH_PG_URL
    .venv/bin/python bench/screening_bench.py --sizes 1000 20000 --requests 100

Not a test: nothing here asserts a time. Results: bench/results/screening-<database>.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from stdnum import luhn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.server import fresh_database, running_server  # noqa: E402
from bench.stats import summarise  # noqa: E402

AS_OF = "2026-03-10"
MANDATE = {"valid_from": "2023-01-01", "valid_to": "2026-12-31"}
FIRST = [
    "Anna",
    "Eva",
    "Maria",
    "Karin",
    "Sara",
    "Lena",
    "Emma",
    "Kerstin",
    "Ingrid",
    "Marie",
    "Elin",
    "Johanna",
    "Linnea",
    "Ida",
    "Erik",
    "Lars",
    "Karl",
    "Anders",
    "Johan",
    "Per",
    "Nils",
    "Mikael",
    "Jan",
    "Hans",
    "Olof",
    "Peter",
    "Sven",
    "Fredrik",
    "Bo",
    "Gunnar",
    "Åsa",
    "Märta",
    "Örjan",
    "Björn",
    "Göran",
    "Håkan",
    "Agneta",
    "Birgitta",
    "Ulla",
    "Margareta",
]
LAST = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Jansson",
    "Hansson",
    "Bengtsson",
    "Jönsson",
    "Lindberg",
    "Jakobsson",
    "Magnusson",
    "Lindström",
    "Lindqvist",
    "Lindgren",
    "Berg",
    "Axelsson",
    "Bergström",
    "Lundberg",
    "Lind",
    "Lundgren",
    "Lundqvist",
    "Mattsson",
    "Berglund",
    "Fredriksson",
    "Sandberg",
    "Henriksson",
    "Forsberg",
    "Sjöberg",
    "Wallin",
    "Engström",
    "Eklund",
    "Danielsson",
    "Lundin",
    "Håkansson",
    "Björk",
    "Bergman",
    "Gunnarsson",
    "Holm",
    "Wikström",
    "Samuelsson",
    "Isaksson",
    "Fransson",
    "Bergqvist",
    "Nyström",
    "Holmberg",
    "Arvidsson",
    "Löfgren",
    "Söderberg",
    "Nyberg",
    "Blomqvist",
    "Claesson",
    "Nordström",
    "Mårtensson",
    "Lundström",
]
COMPANY_WORDS = [
    "Bygg",
    "Mark",
    "Fastighet",
    "Konsult",
    "Transport",
    "Energi",
    "Vatten",
    "Skog",
    "Data",
    "Service",
    "Handel",
    "Måleri",
    "El",
    "Rör",
    "Städ",
    "Trä",
    "Sten",
    "Grus",
    "Kraft",
    "Miljö",
]
AREAS_DRIFT = ("va", "avfall", "skola", "aldreomsorg", "fastighet", "gata_park")
INTEREST_KINDS = ("styrelseledamot", "agare", "anstalld", "medlem", "vd", "firmatecknare")
RELATION_KINDS = ("make", "sambo", "syskon", "forelder", "nara_van")
CHUNK = 10_000


# --- the core: one gemensam nämnd, its members and the case -------------------------------


def core_registry() -> dict[str, Any]:
    orgs = [
        {"ref": "core-k", "kind": "kommun", "name": "Kärnby kommun", "orgnr": "212000-0142"},
        {"ref": "core-nb", "kind": "kommun", "name": "Grannby kommun"},
        {"ref": "core-holding", "kind": "aktiebolag", "name": "Kärnby Holding AB"},
        {
            "ref": "core-bygg",
            "kind": "aktiebolag",
            "name": "Kärnby Bygg AB",
            "owners": [{"organisation": "core-holding", "share_percent": 100}],
        },
        {
            "ref": "core-vatten",
            "kind": "aktiebolag",
            "name": "Kärnby Vatten AB",
            "owners": [{"organisation": "core-k", "share_percent": 100}],
        },
        {"ref": "core-forening", "kind": "ideell_forening", "name": "Kärnby Naturvänner"},
    ]
    committees = [
        {
            "ref": "core-mbn",
            "organisation": "core-k",
            "kind": "gemensam_namnd",
            "name": "Miljö- och byggnämnden Kärnby-Grannby",
            "participants": ["core-k", "core-nb"],
            "responsibilities": [
                {"area": "miljo_halsoskydd", "role": "tillsyn", "for": ["core-k", "core-nb"]},
                {"area": "bygg", "role": "tillsyn", "for": ["core-k", "core-nb"]},
            ],
        },
        {
            "ref": "core-tn",
            "organisation": "core-k",
            "kind": "namnd",
            "name": "Tekniska nämnden",
            "responsibilities": [{"area": "va", "role": "drift"}],
        },
    ]
    administrations = [
        {
            "ref": "core-mf",
            "organisation": "core-k",
            "name": "Miljöförvaltningen",
            "serves": ["core-mbn"],
        },
        {
            "ref": "core-tf",
            "organisation": "core-k",
            "name": "Tekniska förvaltningen",
            "serves": ["core-tn"],
        },
    ]
    operations = [
        {
            "ref": "core-rv",
            "name": "Kärnby reningsverk",
            "area": "va",
            "operator": {"committee": "core-tn"},
            "municipality": "core-k",
        }
    ]
    roles = ["ordforande", "vice_ordforande"] + ["ledamot"] * 9 + ["ersattare"] * 4
    persons = [{"ref": f"core-m{i}", "name": f"Kärn Ledamot{i}"} for i in range(15)]
    persons += [{"ref": f"core-r{i}", "name": f"Kärn Anhörig{i}"} for i in range(8)]
    persons += [{"ref": f"core-s{i}", "name": f"Kärn Tjänsteperson{i}"} for i in range(3)]
    appointments = [
        {
            "person": f"core-m{i}",
            "body": {"committee": "core-mbn"},
            "role": role,
            "appointed_by": "core-k" if i % 2 else "core-nb",
            **MANDATE,
        }
        for i, role in enumerate(roles)
    ]
    appointments += [
        {"person": "core-m3", "body": {"committee": "core-tn"}, "role": "ledamot", **MANDATE},
        {"person": "core-m7", "body": {"committee": "core-tn"}, "role": "ersattare", **MANDATE},
    ]
    appointments += [
        {
            "person": f"core-s{i}",
            "body": {"administration": "core-mf"},
            "role": role,
            "valid_from": "2018-01-01",
        }
        for i, role in enumerate(("inspektor", "handlaggare", "chef"))
    ]
    interests = [
        {
            "person": "core-m1",
            "organisation": "core-bygg",
            "kind": "styrelseledamot",
            "valid_from": "2020-01-01",
        },
        {"person": "core-m2", "organisation": "core-holding", "kind": "agare", "share_percent": 40},
        {"person": "core-m4", "organisation": "core-vatten", "kind": "styrelseledamot"},
        {
            "person": "core-m5",
            "organisation": "core-bygg",
            "kind": "vd",
            "valid_from": "2015-01-01",
            "valid_to": "2021-06-30",
        },
        {"person": "core-r0", "organisation": "core-bygg", "kind": "anstalld"},
        {"person": "core-r1", "organisation": "core-holding", "kind": "styrelseledamot"},
        {"person": "core-r2", "organisation": "core-forening", "kind": "fortroendeuppdrag"},
    ]
    interests += [
        {"person": f"core-m{i}", "organisation": "core-forening", "kind": "medlem"}
        for i in range(6, 15)
    ]
    relations = [
        {"person": "core-m0", "related": "core-r0", "kind": "make"},
        {"person": "core-r1", "related": "core-m6", "kind": "forelder"},
        {"person": "core-m8", "related": "core-r2", "kind": "syskon"},
        {"person": "core-m9", "related": "core-r3", "kind": "sambo"},
        {"person": "core-m10", "related": "core-r4", "kind": "nara_van"},
        {"person": "core-m11", "related": "core-r5", "kind": "annan_narstaende"},
        {"person": "core-r6", "related": "core-m12", "kind": "foreman"},
        {"person": "core-m13", "related": "core-r7", "kind": "ovan"},
    ]
    return {
        "organisations": orgs,
        "committees": committees,
        "administrations": administrations,
        "operations": operations,
        "persons": persons,
        "appointments": appointments,
        "interests": interests,
        "relations": relations,
    }


def core_case() -> dict[str, Any]:
    return {
        "ref": "MBN 2026/1",
        "committee": "core-mbn",
        "area": "va",
        "matter": "tillsyn",
        "title": "Tillsyn av Kärnby reningsverk och ansökan från Kärnby Bygg AB",
        "decision_date": AS_OF,
        "parties": [
            {"operation": "core-rv", "role": "tillsynsobjekt"},
            {"organisation": "core-bygg", "role": "sokande"},
            {"organisation": "core-vatten", "role": "part"},
            {"person": "core-r3", "role": "berord"},
            {"name": "Sara Nordström", "role": "berord"},
        ],
        "participants": [
            {"person": f"core-m{i}", "role": role}
            for i, role in enumerate(["ordforande"] + ["ledamot"] * 10 + ["ersattare"] * 4)
        ],
    }


# --- the filler: scales with the size, never reaches the core ------------------------------


def personnummer(i: int) -> str:
    """A valid, unique-enough personnummer for synthetic person i."""
    year, month, day, serial = 1940 + i % 60, 1 + i % 12, 1 + i % 28, i // 336 % 1000
    ten = f"{year % 100:02d}{month:02d}{day:02d}{serial:03d}"
    return f"{year}{month:02d}{day:02d}-{serial:03d}{luhn.calc_check_digit(ten)}"


def filler_documents(total_persons: int, seed: int = 11) -> Iterator[dict[str, Any]]:
    rnd = random.Random(seed)  # noqa: S311 - synthetic data
    persons = max(0, total_persons - 26)
    kommuner = 2 + persons // 2_000
    companies = max(10, persons // 20)
    orgs: list[dict[str, Any]] = [
        {"ref": f"f-k{k}", "kind": "kommun", "name": f"Fyllby{k} kommun"} for k in range(kommuner)
    ]
    for c in range(companies):
        name = f"{rnd.choice(LAST)}s {rnd.choice(COMPANY_WORDS)} AB"
        org: dict[str, Any] = {"ref": f"f-c{c}", "kind": "aktiebolag", "name": name}
        if c and rnd.random() < 0.2:
            org["owners"] = [{"organisation": f"f-c{rnd.randrange(c)}", "share_percent": 100}]
        orgs.append(org)
    committees, admins = [], []
    for k in range(kommuner):
        for n in range(8):
            committees.append(
                {
                    "ref": f"f-k{k}-n{n}",
                    "organisation": f"f-k{k}",
                    "kind": "namnd",
                    "name": f"Nämnd {n} i Fyllby{k}",
                    "responsibilities": [
                        {"area": AREAS_DRIFT[n % len(AREAS_DRIFT)], "role": "drift"}
                    ],
                }
            )
        for a in range(3):
            admins.append(
                {
                    "ref": f"f-k{k}-a{a}",
                    "organisation": f"f-k{k}",
                    "name": f"Förvaltning {a} i Fyllby{k}",
                    "serves": [f"f-k{k}-n{n}" for n in range(a * 3, min(8, a * 3 + 3))],
                }
            )
    yield {"organisations": orgs, "committees": committees, "administrations": admins}
    for start in range(0, persons, CHUNK):
        stop = min(persons, start + CHUNK)
        people, appointments, interests, relations = [], [], [], []
        for i in range(start, stop):
            ref = f"f-p{i}"
            person = {"ref": ref, "name": f"{rnd.choice(FIRST)} {rnd.choice(LAST)}"}
            if i % 3 == 0:
                person["personnummer"] = personnummer(i)
            people.append(person)
            k = rnd.randrange(kommuner)
            if rnd.random() < 0.4:
                appointments.append(
                    {
                        "person": ref,
                        "body": {"committee": f"f-k{k}-n{rnd.randrange(8)}"},
                        "role": rnd.choice(("ledamot", "ersattare")),
                        **MANDATE,
                    }
                )
            else:
                appointments.append(
                    {
                        "person": ref,
                        "body": {"administration": f"f-k{k}-a{rnd.randrange(3)}"},
                        "role": rnd.choice(("handlaggare", "inspektor", "anstalld")),
                        "valid_from": "2015-01-01",
                    }
                )
            for c in rnd.sample(range(companies), 2):
                interests.append(
                    {"person": ref, "organisation": f"f-c{c}", "kind": rnd.choice(INTEREST_KINDS)}
                )
            if i > 0 and rnd.random() < 0.3:
                other = f"f-p{rnd.randrange(max(0, i - 5_000), i)}"
                relations.append(
                    {"person": ref, "related": other, "kind": rnd.choice(RELATION_KINDS)}
                )
        yield {
            "persons": people,
            "appointments": appointments,
            "interests": interests,
            "relations": relations,
        }


# --- measuring -----------------------------------------------------------------------------


def import_registry(client: httpx.Client, size: int) -> float:
    started = time.perf_counter()
    for doc in [core_registry(), *filler_documents(size)]:
        response = client.post("/v1/import", json=doc, timeout=600)
        response.raise_for_status()
    return time.perf_counter() - started


def refresh_statistics(database_url: str) -> None:
    """ANALYZE after the bulk import, as autovacuum (PostgreSQL) or PRAGMA optimize would:
    without statistics PostgreSQL plans every lookup as a sequential scan."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("ANALYZE"))
    engine.dispose()


def in_process(database_urls: list[str], iterations: int) -> list[dict[str, Any]]:
    """The loader and the pure evaluation in this process, the sizes interleaved."""
    from app.cases.resolve import resolve_case
    from app.cases.schemas import CaseIn
    from app.config import Settings
    from app.db import make_engine, make_sessionmaker
    from app.rules import evaluate
    from app.screening.loader import load_snapshot

    as_of = date.fromisoformat(AS_OF)
    with ExitStack() as stack:
        sessions, cases, snapshots = [], [], []
        for url in database_urls:
            engine = make_engine(Settings(database_url=url))
            stack.callback(engine.dispose)
            session = stack.enter_context(make_sessionmaker(engine)())
            case = resolve_case(session, CaseIn.model_validate(core_case()), pnr_secret="x" * 32)
            sessions.append(session)
            cases.append(case)
            snapshots.append(load_snapshot(session, case, as_of, name_min_score=85))
        load_times: list[list[float]] = [[] for _ in database_urls]
        eval_times: list[list[float]] = [[] for _ in database_urls]
        for _ in range(max(50, iterations // 10)):
            for i, (session, case) in enumerate(zip(sessions, cases, strict=True)):
                started = time.perf_counter()
                load_snapshot(session, case, as_of, name_min_score=85)
                load_times[i].append(time.perf_counter() - started)
        for session in sessions:
            session.rollback()
        for _ in range(50):
            for snapshot in snapshots:
                evaluate(snapshot)
        for _ in range(iterations):
            for i, snapshot in enumerate(snapshots):
                started = time.perf_counter()
                evaluate(snapshot)
                eval_times[i].append(time.perf_counter() - started)
    out = []
    for i, snapshot in enumerate(snapshots):
        evaluation = evaluate(snapshot)
        out.append(
            {
                "participants": len(evaluation.participants),
                "parties": len(snapshot.case.parties),
                "findings": len(evaluation.findings),
                "structural": len(evaluation.structural),
                "snapshot_persons": len(snapshot.persons),
                "evaluate": {
                    **summarise(eval_times[i]),
                    "min_ms": round(min(eval_times[i]) * 1000, 3),
                },
                "load_snapshot": summarise(load_times[i]),
            }
        )
    return out


def end_to_end(clients: list[httpx.Client], warmup: int, requests: int) -> list[dict[str, Any]]:
    """POST /v1/screenings to every server in turn, round after round: whatever else the
    machine is doing slows every size alike, so the sizes stay comparable."""
    body = {"case": core_case()}
    times: list[list[float]] = [[] for _ in clients]
    last: list[dict[str, Any]] = [{} for _ in clients]
    for round_ in range(warmup + requests):
        for i, client in enumerate(clients):
            started = time.perf_counter()
            response = client.post("/v1/screenings", json=body)
            elapsed = time.perf_counter() - started
            response.raise_for_status()
            if round_ >= warmup:
                times[i].append(elapsed)
            last[i] = response.json()
    return [
        {
            "outcome": r["outcome"],
            "findings": len(r["findings"]),
            "structural": len(r["structural"]),
            "latency": summarise(t),
        }
        for r, t in zip(last, times, strict=True)
    ]


def run(database: str, args: argparse.Namespace) -> list[dict[str, Any]]:
    """One fresh database and server per size, all up at once; then measure."""
    rows: list[dict[str, Any]] = []
    with ExitStack() as stack:
        clients, urls = [], []
        for size in args.sizes:
            print(f"size {size:,}: server and import ...", file=sys.stderr, flush=True)
            url = stack.enter_context(fresh_database(database, label=f"screening{size}"))
            server = stack.enter_context(running_server(url, workers=1, log_dir=args.log_dir))
            client = stack.enter_context(
                httpx.Client(base_url=server.base_url, headers=server.headers, timeout=60)
            )
            rows.append({"persons": size, "import_s": round(import_registry(client, size), 1)})
            refresh_statistics(url)
            clients.append(client)
            urls.append(url)
        print("loader and evaluation in-process, interleaved ...", file=sys.stderr, flush=True)
        for row, local in zip(rows, in_process(urls, args.iterations), strict=True):
            row.update(local)
        print("POST /v1/screenings, interleaved ...", file=sys.stderr, flush=True)
        for row, e2e in zip(rows, end_to_end(clients, args.warmup, args.requests), strict=True):
            row["post_screenings"] = e2e
    return rows


def table(database: str, rows: list[dict[str, Any]]) -> str:
    lines = [
        f"database: {database}",
        "| persons | import s | evaluate p50 ms | evaluate min ms | loader p50 ms "
        "| POST p50 ms | POST p95 ms | POST p99 ms |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        ev, ld, post = r["evaluate"], r["load_snapshot"], r["post_screenings"]["latency"]
        lines.append(
            f"| {r['persons']:,} | {r['import_s']} | {ev['p50_ms']:.3f} | {ev['min_ms']:.3f} "
            f"| {ld['p50_ms']:.2f} | {post['p50_ms']:.2f} | {post['p95_ms']:.2f} "
            f"| {post['p99_ms']:.2f} |"
        )
    first, last = rows[0]["post_screenings"]["latency"], rows[-1]["post_screenings"]["latency"]
    ratio = last["p50_ms"] / first["p50_ms"]
    lines.append(
        f"\nPOST p50 ratio {rows[-1]['persons']:,} / {rows[0]['persons']:,} persons: "
        f"{ratio:.2f} (target <= 1.2); evaluate p50 target <= 0.5 ms"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--iterations", type=int, default=2_000, help="evaluate() runs")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--log-dir", type=Path, default=Path("bench/results/logs"))
    args = parser.parse_args()
    rows = run(args.database, args)
    print(table(args.database, rows))
    out = args.out or Path(f"bench/results/screening-{args.database}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "command": " ".join(sys.argv),
                "database": args.database,
                "machine": {"python": platform.python_version(), "platform": platform.platform()},
                "results": rows,
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
