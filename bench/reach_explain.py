"""The reach statement (`pg_reach.REACH_SQL`) on realistic cases: where its database time
goes, and before/after a change to it, back to back (issue 15, part "reach").

1. `capture`: screen a sample of the generated cases in process (TestClient, on a COPY of
   the national registry: screenings are written), a third of those with participants
   also with the default ones, and 6 large cases (40 participants, 30 party
   organisations), and keep the arguments each screening passed to
   `pg_loader.load_reach`, as JSON:

       .venv/bin/python -m bench.reach_explain capture URL bench/data/national-seed1.jsonl \
           /tmp/reach-cases.json [--cases 60]

2. `compare`: the statement of a git revision ("before", e.g. `main`) and the working
   tree's ("after"), both prepared on one connection each (generic plans, as served),
   in alternating rounds over the same cases: execution time from `EXPLAIN (ANALYZE)`
   of the EXECUTE (median per case kind and over all), the end-to-end `load_reach`
   median (statement + decoding), the backend's CPU per read, and the load average.
   Checks that both answer the same document for every case.

       .venv/bin/python -m bench.reach_explain compare URL /tmp/reach-cases.json \
           [--before main] [--rounds 5] [--before-auto-plans]

3. `explain`: `EXPLAIN (ANALYZE, BUFFERS)` of the working tree's statement for one case
   (index in the cases file), generic plan:

       .venv/bin/python -m bench.reach_explain explain URL /tmp/reach-cases.json 3
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import subprocess
import time
import types
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from app.screening import pg_loader

ROOT = Path(__file__).resolve().parent.parent


def _kind(case: dict[str, Any]) -> str:
    if case["participant_ids"] is None:
        return "default seats (committee's seats and staff)"
    if len(case["party_org_ids"]) >= 20:
        return "40 people, 30 party organisations"
    return "participants named (12-18 people)"


def _big_cases(cases: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    """`n` cases as large as run E's second one: a case of the file with 40 participants
    (those of the cases of its committee, then of others) and 30 party organisations."""
    orgs = list(
        dict.fromkeys(
            p["organisation"] for c in cases for p in c["case"]["parties"] if "organisation" in p
        )
    )
    out = []
    named = [c for c in cases if c["case"].get("participants")]
    for k in range(n):
        line = named[(k * 7919) % len(named)]
        committee = line["case"]["committee"]
        people = [
            p
            for c in sorted(named, key=lambda c: c["case"]["committee"] != committee)
            for p in c["case"]["participants"]
        ]
        participants = list({p["person"]: p for p in people}.values())[:40]
        parties = [{"organisation": o, "role": "berord"} for o in orgs[k * 30 : k * 30 + 30]]
        case = {**line["case"], "participants": participants, "parties": parties}
        out.append({"kind": "case", "scenario": "big", "case": case})
    return out


def capture(url: str, data: Path, out: Path, n: int, big: int = 6) -> None:
    from bench.generator import reader  # noqa: PLC0415
    from bench.inprocess import client  # noqa: PLC0415

    cases = [line for line in reader.iter_lines(data) if line.get("kind") == "case"]
    step = max(1, len(cases) // n)
    sample = cases[::step][:n]
    captured: list[dict[str, Any]] = []
    real = pg_loader.load_reach

    def recording(session: Session, **kwargs: Any) -> Any:
        captured.append(kwargs)
        return real(session, **kwargs)

    pg_loader.load_reach = recording  # type: ignore[assignment]
    api, key = client(url, "reach-capture")
    headers = {"Authorization": f"Bearer {key}"}
    for i, line in enumerate([*sample, *_big_cases(cases, big)]):
        bodies = [line["case"]]
        if i % 3 == 0 and i < len(sample) and line["case"].get("participants"):
            bodies.append({**line["case"], "participants": []})  # and the default seats
        for body in bodies:
            response = api.post("/v1/screenings", json={"case": body}, headers=headers)
            if response.status_code != 201:
                print("skipped", line["case"]["ref"], response.status_code, response.text[:200])
    pg_loader.load_reach = real  # type: ignore[assignment]

    def plain(value: Any) -> Any:
        if isinstance(value, datetime.date):
            return value.isoformat()
        if isinstance(value, set | frozenset | tuple | list):
            return sorted(v for v in value if v is not None)
        return value

    rows = [{k: plain(v) for k, v in kw.items()} for kw in captured]
    out.write_text(json.dumps(rows, indent=0), encoding="utf-8")
    print(f"{len(rows)} cases written to {out}")


def load_cases(path: Path) -> list[dict[str, Any]]:
    cases = json.loads(path.read_text(encoding="utf-8"))
    for case in cases:
        case["as_of"] = datetime.date.fromisoformat(case["as_of"])
    return cases


def _module_at(revision: str) -> types.ModuleType:
    """`pg_loader` with the statement of `revision` (its own PREPARE text and name)."""
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{revision}:app/screening/pg_reach.py"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    reach = types.ModuleType("pg_reach_before")
    exec(compile(source, "pg_reach_before", "exec"), reach.__dict__)  # noqa: S102 - our git
    loader = types.ModuleType("pg_loader_before")
    loader_source = (ROOT / "app/screening/pg_loader.py").read_text(encoding="utf-8")
    loader_source = loader_source.replace(
        "from app.screening.pg_reach import REACH_SQL", ""
    ).replace('    "javskoll_reach",\n', '    "javskoll_reach_before",\n')
    loader.__dict__["REACH_SQL"] = reach.REACH_SQL
    exec(compile(loader_source, "pg_loader_before", "exec"), loader.__dict__)  # noqa: S102
    return loader


def force_generic_plans(engine: Engine) -> None:
    """Every new connection of `engine` plans generically, as the service's did for the
    whole session until run I (a tree before it relies on that; this tree's loader sets
    it around the reach itself, and EXPLAIN EXECUTE here needs it for the session)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        dbapi_connection.execute("SET plan_cache_mode = force_generic_plan")
        dbapi_connection.autocommit = autocommit


def _engine(url: str, *, forced: bool = True) -> Engine:
    """As the service's (`app.db.make_engine`): nothing prepared but the reach, generic
    plans (`forced`)."""
    engine = create_engine(url, connect_args={"prepare_threshold": None}, pool_size=1)
    if forced:
        force_generic_plans(engine)
    return engine


def _values(case: dict[str, Any]) -> dict[str, Any]:
    """The statement's parameters, as `load_reach` builds them."""
    captured: dict[str, Any] = {}

    def grab(_session: Any, values: Any) -> str:
        captured.update(values)
        raise _Grabbed

    real = pg_loader._reach_document
    pg_loader._reach_document = grab  # type: ignore[assignment]
    try:
        pg_loader.load_reach(None, **case)  # type: ignore[arg-type]
    except _Grabbed:
        pass
    finally:
        pg_loader._reach_document = real  # type: ignore[assignment]
    return captured


class _Grabbed(Exception):
    pass


def _execute_text(module: types.ModuleType, driver: Any, values: dict[str, Any]) -> str:
    from psycopg import sql  # noqa: PLC0415

    arguments = ", ".join(
        f"{sql.Literal(values[name]).as_string(driver)}::{type_}"
        for name, type_ in module.REACH.parameters
    )
    return f"EXECUTE {module.REACH.name}({arguments})"


def _backend_cpu(session: Session) -> float:
    pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def _explain_ms(session: Session, module: types.ModuleType, values: dict[str, Any]) -> float:
    connection = session.connection()
    driver = connection.connection.driver_connection
    plan = connection.exec_driver_sql(
        "EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) " + _execute_text(module, driver, values),
        execution_options={"no_parameters": True},
    ).scalar_one()
    return float(plan[0]["Execution Time"])


def compare(
    url: str, cases_path: Path, before_rev: str, rounds: int, before_auto_plans: bool = False
) -> None:
    cases = load_cases(cases_path)
    values = [_values(c) for c in cases]
    modules = {"before": _module_at(before_rev), "after": pg_loader}
    # "after" as this tree serves it (generic plans forced); "before" as well, or with
    # plan_cache_mode auto as the service ran before 685cf69 (`--before-auto-plans`).
    engines: dict[str, Engine] = {
        "before": _engine(url, forced=not before_auto_plans),
        "after": _engine(url),
    }
    sessions = {m: Session(engines[m]) for m in modules}
    for m, s in sessions.items():
        s.connection(execution_options={"postgresql_readonly": True})
        for _ in range(8):  # past the 5 custom plans: the generic plan, as served
            for case in cases[:3]:
                modules[m].load_reach(s, **case)
    # The same document from both statements.
    for case, v in zip(cases, values, strict=True):
        docs = {m: modules[m]._reach_document(sessions[m], v) for m in modules}
        if json.loads(docs["before"]) != json.loads(docs["after"]):
            raise SystemExit(f"different documents for case {case}")
    explain: dict[str, dict[str, list[float]]] = {m: {} for m in modules}
    wall: dict[str, dict[str, list[float]]] = {m: {} for m in modules}
    cpu = {m: 0.0 for m in modules}
    best: dict[str, dict[int, float]] = {m: {} for m in modules}  # per case, best round
    reads = {m: 0 for m in modules}
    loads = [os.getloadavg()[0]]
    for r in range(rounds):
        order = ("before", "after") if r % 2 == 0 else ("after", "before")
        for m in order:
            s, module = sessions[m], modules[m]
            for case, v in zip(cases, values, strict=True):
                ms = _explain_ms(s, module, v)
                explain[m].setdefault(_kind(case), []).append(ms)
                best[m][id(case)] = min(best[m].get(id(case), ms), ms)
            c0 = _backend_cpu(s)
            for case in cases:
                for _ in range(3):
                    t0 = time.perf_counter()
                    module.load_reach(s, **case)
                    wall[m].setdefault(_kind(case), []).append(time.perf_counter() - t0)
                    reads[m] += 1
            cpu[m] += _backend_cpu(s) - c0
        loads.append(os.getloadavg()[0])
    plans = {
        m: sessions[m]
        .execute(
            text(
                "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = :name"
            ),
            {"name": modules[m].REACH.name},
        )
        .one()
        for m in modules
    }
    for s in sessions.values():
        s.rollback()
        s.close()
    print(f"{len(cases)} cases, {rounds} alternating rounds; before = {before_rev}")
    kinds = sorted({_kind(c) for c in cases}, key=lambda k: -len(explain["after"][k]))
    print(
        "| cases | n | execution before → after (ms, median) | the same, each case's best"
        " round (median over cases) | load_reach before → after (ms, median) |"
    )
    print("| --- | --- | --- | --- | --- |")
    for k in [*kinds, "all"]:

        def med(d: dict[str, list[float]], kind: str = k) -> float:
            vals = [x for kk, xs in d.items() for x in xs] if kind == "all" else d[kind]
            return statistics.median(vals)

        def med_best(m: str, kind: str = k) -> float:
            return statistics.median(best[m][id(c)] for c in cases if kind in ("all", _kind(c)))

        n = len(cases) if k == "all" else sum(1 for c in cases if _kind(c) == k)
        print(
            f"| {k} | {n} | {med(explain['before']):.2f} → {med(explain['after']):.2f} | "
            f"{med_best('before'):.2f} → {med_best('after'):.2f} | "
            f"{med(wall['before']) * 1000:.2f} → {med(wall['after']) * 1000:.2f} |"
        )
    for m in modules:
        allx = sorted(x for xs in explain[m].values() for x in xs)
        print(
            f"{m}: execution p90 {allx[int(0.9 * len(allx))]:.2f} ms, max {allx[-1]:.2f} ms; "
            f"backend CPU per load_reach {cpu[m] / reads[m] * 1000:.2f} ms; "
            f"plans generic {plans[m][0]}, custom {plans[m][1]}"
        )
    print(f"load average (1 min) during the rounds: {min(loads):.2f}-{max(loads):.2f}")


def explain_one(url: str, cases_path: Path, index: int) -> None:
    cases = load_cases(cases_path)
    with Session(_engine(url)) as session:
        for _ in range(7):
            pg_loader.load_reach(session, **cases[index])
        connection = session.connection()
        driver = connection.connection.driver_connection
        rows = connection.exec_driver_sql(
            "EXPLAIN (ANALYZE, BUFFERS) " + _execute_text(pg_loader, driver, _values(cases[index])),
            execution_options={"no_parameters": True},
        ).all()
        print("\n".join(r[0] for r in rows))
        session.rollback()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("capture")
    p.add_argument("url")
    p.add_argument("data", type=Path)
    p.add_argument("out", type=Path)
    p.add_argument("--cases", type=int, default=60)
    p = sub.add_parser("compare")
    p.add_argument("url")
    p.add_argument("cases", type=Path)
    p.add_argument("--before", default="main")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--before-auto-plans", action="store_true")
    p = sub.add_parser("explain")
    p.add_argument("url")
    p.add_argument("cases", type=Path)
    p.add_argument("index", type=int)
    args = parser.parse_args()
    if args.command == "capture":
        capture(args.url, args.data, args.out, args.cases)
    elif args.command == "compare":
        compare(args.url, args.cases, args.before, args.rounds, args.before_auto_plans)
    else:
        explain_one(args.url, args.cases, args.index)


if __name__ == "__main__":
    main()
