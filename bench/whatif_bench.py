"""Measure a what-if over many stored screenings (target, issue 11: 100,000 in under 2 min).

    .venv/bin/python bench/whatif_bench.py                          # 100,000, SQLite in /tmp
    .venv/bin/python bench/whatif_bench.py --screenings 10000       # smaller, quicker
    .venv/bin/python bench/whatif_bench.py --stale-rules            # baseline re-evaluated too
    .venv/bin/python bench/whatif_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/javskoll_bench

It runs the real app in-process against a fresh migrated database: imports the registry of
every shared scenario (../shared/scenarios), screens each scenario's case through
POST /v1/screenings (real stored screenings with their facts and finding rows), then clones
those screenings until there are `--screenings` of them (each clone its own id, case ref
and so its own facts text and hash; the stored result column holds a stub, which a
what-if never reads). Then it times POST /v1/whatif -> 202 -> polling GET /v1/whatif/{id}
until done: the same job, thread and worker processes the service runs.

`--stale-rules` stamps the clones with an older rules version, so the job evaluates every
screening twice (baseline and changed parameters) instead of taking the baseline from the
stored findings: the worst case, after a rules change.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.apikeys.service import create_key  # noqa: E402
from app.audit.chain import Actor  # noqa: E402
from app.config import Settings  # noqa: E402
from app.main import create_app  # noqa: E402
from app.migrate import upgrade  # noqa: E402
from app.models import Finding, Screening, ScreeningFacts  # noqa: E402
from app.screening.ids import new_screening_id  # noqa: E402
from app.whatif.runner import workers  # noqa: E402
from tests.support.api import ApiClient  # noqa: E402

SCENARIOS = Path("/work/shared/scenarios")
SECRET = "bench-secret-0123456789abcdef0123456789abcdef"  # noqa: S105 - bench-only
CHUNK = 2_000


def _app(database_url: str) -> Any:
    upgrade(database_url)
    settings = Settings(
        environment="test", database_url=database_url, hash_secret=SECRET, pnr_secret=SECRET
    )
    return create_app(settings)


def _admin(app: Any) -> ApiClient:
    with app.state.sessionmaker() as session:
        key = create_key(
            session,
            role="admin",
            name="whatif-bench",
            organisation_refs=None,
            secret=SECRET,
            actor=Actor(None, "bench"),
        )
        session.commit()
    return ApiClient(app, key.key)


def seed(admin: ApiClient) -> list[str]:
    """Screen every scenario's case; the ids of the stored screenings."""
    ids = []
    for path in sorted(SCENARIOS.glob("*.json")):
        scenario = json.loads(path.read_text(encoding="utf-8"))
        imported = admin.post("/v1/import", json=scenario["registry"])
        assert imported.status_code == 200, imported.text
        screened = admin.post("/v1/screenings", json={"case": scenario["case"]})
        assert screened.status_code == 201, screened.text
        ids.append(screened.json()["id"])
    return ids


def clone(app: Any, seeds: list[str], total: int, stale: bool) -> None:
    """Insert clones of the seed screenings (with facts and finding rows) up to `total`."""
    with app.state.sessionmaker() as session:
        screenings = {
            s.id: s for s in session.scalars(select(Screening).where(Screening.id.in_(seeds)))
        }
        facts = {
            f.screening_id: f.facts
            for f in session.scalars(
                select(ScreeningFacts).where(ScreeningFacts.screening_id.in_(seeds))
            )
        }
        findings: dict[str, list[Finding]] = {s: [] for s in seeds}
        for f in session.scalars(select(Finding).where(Finding.screening_id.in_(seeds))):
            findings[f.screening_id].append(f)
        made = len(seeds)
        while made < total:
            rows: list[dict[str, Any]] = []
            fact_rows: list[dict[str, Any]] = []
            finding_rows: list[dict[str, Any]] = []
            for i in range(made, min(made + CHUNK, total)):
                source = screenings[seeds[i % len(seeds)]]
                new_id, case_ref = new_screening_id(), f"{source.case_ref} #{i}"
                old = f'"ref":{json.dumps(source.case_ref, ensure_ascii=False)}'
                new = f'"ref":{json.dumps(case_ref, ensure_ascii=False)}'
                text = facts[source.id].replace(old, new, 1)
                rows.append(
                    {
                        "id": new_id,
                        "created_at": source.created_at,
                        "case_ref": case_ref,
                        "case_id": None,
                        "committee_id": source.committee_id,
                        "organisation_id": source.organisation_id,
                        "as_of": source.as_of,
                        "outcome": source.outcome,
                        "rules_version": "bench-older-rules" if stale else source.rules_version,
                        "case_snapshot": {"ref": case_ref},
                        "result": {"id": new_id, "stub": True},
                        "api_key_id": None,
                        "audit_sequence": None,
                    }
                )
                fact_rows.append(
                    {
                        "screening_id": new_id,
                        "facts": text,
                        "facts_hash": hashlib.sha256(text.encode()).hexdigest(),
                    }
                )
                finding_rows += [
                    {
                        "screening_id": new_id,
                        "position": f.position,
                        "structural": f.structural,
                        "person_ref": f.person_ref,
                        "ground": f.ground,
                        "level": f.level,
                        "rule": f.rule,
                        "match_score": f.match_score,
                        "data": {},
                    }
                    for f in findings[source.id]
                ]
            session.execute(insert(Screening), rows)
            session.execute(insert(ScreeningFacts), fact_rows)
            if finding_rows:
                session.execute(insert(Finding), finding_rows)
            session.commit()
            made += len(rows)
            print(f"\r  stored {made:,} screenings", end="", file=sys.stderr)
        print(file=sys.stderr)


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the worker processes)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_whatif(admin: ApiClient, parameters: dict[str, Any]) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    response = admin.post("/v1/whatif", json={"parameters": parameters})
    assert response.status_code == 202, response.text
    location = response.headers["location"]
    while True:
        job = admin.get(location).json()
        if job["status"] in ("done", "failed"):
            return time.perf_counter() - started, job
        time.sleep(0.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--screenings", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--stale-rules", action="store_true")
    parser.add_argument(
        "--parameter",
        default="stallforetradare_ended_role_jav_years=2",
        help="name=JSON value (default: stallforetradare_ended_role_jav_years=2)",
    )
    args = parser.parse_args()
    name, _, raw = args.parameter.partition("=")
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/whatif-bench.db"
    app = _app(url)
    admin = _admin(app)
    t0 = time.perf_counter()
    seeds = seed(admin)
    clone(app, seeds, args.screenings, args.stale_rules)
    setup = time.perf_counter() - t0
    cpu = _cpu()
    seconds, job = run_whatif(admin, {name: json.loads(raw)})
    cpu = _cpu() - cpu
    report = job.get("report") or {}
    result = {
        "database": url.split(":")[0],
        "screenings": args.screenings,
        "seeds": len(seeds),
        "stale_rules": args.stale_rules,
        "parameter": {name: json.loads(raw)},
        "workers": workers(),
        "status": job["status"],
        "error": job.get("error"),
        "replayed": report.get("replayed"),
        "affected": report.get("affected"),
        "setup_seconds": round(setup, 1),
        "whatif_seconds": round(seconds, 1),
        "per_second": round((report.get("replayed") or 0) / seconds, 1) if seconds else None,
        # CPU the job used (this process and the worker processes): on a machine shared
        # with other work the wall time says more about the neighbours than about the job.
        "whatif_cpu_seconds": round(cpu, 1),
        "load_average_1min": round(os.getloadavg()[0], 1),
        "target_met": job["status"] == "done" and seconds < 120,
    }
    print(json.dumps(result, indent=2))
    app.state.engine.dispose()


if __name__ == "__main__":
    main()
