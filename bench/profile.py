"""`javskoll bench profile`: pyinstrument over the import and the screening path, in-process
(the real app and a fresh database, through Starlette's TestClient), and an in-process
timing of the audit append."""

from __future__ import annotations

import json
import secrets
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import generator, inprocess
from bench.runner import ensure_dataset, screening_bodies
from bench.server import fresh_database

JSON = {"Content-Type": "application/json"}


def _settings(url: str):  # type: ignore[no-untyped-def]
    from app.config import Settings

    return Settings(
        environment="production",
        database_url=url,
        hash_secret=secrets.token_hex(32),
        pnr_secret=secrets.token_hex(32),
        log_level="WARNING",
    )


def _client(url: str):  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    app, key = inprocess.app_with_admin_key(_settings(url), "bench")
    return TestClient(app, headers={"Authorization": f"Bearer {key}"}), app


def _profile(fn: Callable[[], Any], out: Path, interval: float = 0.001) -> dict[str, Any]:
    from pyinstrument import Profiler

    profiler = Profiler(interval=interval)
    started = time.perf_counter()
    profiler.start()
    try:
        fn()
    finally:
        profiler.stop()
    seconds = time.perf_counter() - started
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".txt").write_text(
        profiler.output_text(unicode=True, color=False, show_all=False), encoding="utf-8"
    )
    out.with_suffix(".html").write_text(profiler.output_html(), encoding="utf-8")
    return {"seconds": round(seconds, 3), "report": str(out.with_suffix(".txt"))}


def profile(
    database: str,
    scale: str,
    seed: int,
    out_dir: Path,
    screenings: int,
    what: str,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    path = ensure_dataset(out_dir / "data", scale, seed, log)
    data = generator.load(path)
    results: dict[str, Any] = {"database": database, "scale": scale}
    with fresh_database(database, label=f"profile_{scale}") as url:
        client, app = _client(url)

        def do_import() -> None:
            # the handler's work without the HTTP layer (TestClient runs the app in another
            # thread, out of the profiler's sight): parse, validate + write, commit
            from app.registry.importdoc import service
            from app.security.deps import Principal
            from app.security.roles import Role

            principal = Principal(1, "bench", Role("admin"), None)
            secret = app.state.settings.pnr_secret
            for document in data.documents:
                body = json.dumps(document, ensure_ascii=False).encode()
                with app.state.sessionmaker() as session:
                    service.import_document(session, principal, json.loads(body), pnr_secret=secret)
                    session.commit()

        if what in ("import", "all"):
            results["import"] = _profile(
                do_import, out_dir / "profiles" / f"import-{database}-{scale}"
            )
            log(f"import profiled: {results['import']}")
        else:
            do_import()
        bodies = screening_bodies(data.cases, inline=True)
        check = client.post("/v1/screenings", content=bodies[0], headers=JSON)
        if check.status_code in (404, 405):
            log("POST /v1/screenings is not available yet: no screening profile")
            return results
        if what in ("screening", "all"):
            for body in bodies[:20]:  # warm-up
                client.post("/v1/screenings", content=body, headers=JSON)

            def do_screenings() -> None:
                # the handler's work without HTTP: parse, screen (facts, rules, audit), commit
                from app.screening import service as screening
                from app.screening.schemas import ScreeningIn
                from app.security.deps import Principal
                from app.security.roles import Role

                principal = Principal(1, "bench", Role("admin"), None)
                secret = app.state.settings.pnr_secret
                for i in range(screenings):
                    body = ScreeningIn.model_validate_json(bodies[(i * 7919) % len(bodies)])
                    with app.state.sessionmaker() as session:
                        screening.screen(session, principal, body, pnr_secret=secret)
                        session.commit()

            results["screening"] = _profile(
                do_screenings, out_dir / "profiles" / f"screening-{database}-{scale}"
            )
            results["screening"]["count"] = screenings
            log(f"screening profiled: {results['screening']}")
            results["audit_append"] = audit_append_cost(app)
            log(f"audit append: {results['audit_append']}")
        client.close()
    return results


def audit_append_cost(app: Any, count: int = 300) -> dict[str, Any]:
    """Time chain.append with a screening-sized payload, and the commit that follows it
    (the head row stays locked from the append until the commit), against an empty
    transaction's commit."""
    from app.audit import chain
    from app.models import AuditEntry

    factory = app.state.sessionmaker
    with factory() as session:
        sample = (
            session.query(AuditEntry)
            .filter(AuditEntry.kind == "screening")
            .order_by(AuditEntry.id.desc())
            .first()
        )
        data = json.loads(sample.payload)["data"] if sample is not None else {"findings": []}
    actor = chain.Actor(None, "bench")
    append_s: list[float] = []
    commit_s: list[float] = []
    empty_s: list[float] = []
    for _ in range(count):
        with factory() as session:
            t0 = time.perf_counter()
            chain.append(
                session,
                kind="screening",
                actor=actor,
                data=data,
                subjects=[("case", "BENCH 1"), ("person", "p-000001")],
                organisations=(),
            )
            t1 = time.perf_counter()
            session.commit()
            t2 = time.perf_counter()
        append_s.append(t1 - t0)
        commit_s.append(t2 - t1)
        with factory() as session:
            from sqlalchemy import text

            t0 = time.perf_counter()
            session.execute(text("SELECT 1"))
            session.commit()
            empty_s.append(time.perf_counter() - t0)
    ms = lambda xs: round(statistics.median(xs) * 1000, 3)  # noqa: E731
    return {
        "count": count,
        "payload_bytes": len(chain.canonical_json(data).encode()),
        "append_median_ms": ms(append_s),
        "append_commit_median_ms": ms(commit_s),
        "empty_transaction_median_ms": ms(empty_s),
        "note": "append = lock the chain's head, insert entry + subjects, update head; "
        "the head row is held until commit, so append+commit bounds audited writes per "
        "second within one chain (here the system chain; each organisation has its own)",
    }
