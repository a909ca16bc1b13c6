"""The reference endpoint of issue 15: a minimal FastAPI app that validates a case-sized
JSON body, reads one row and inserts one row in a committed transaction.

Not part of the product: `bench run` serves it next to `javskoll serve`, with the same
uvicorn settings (host, workers, no access log, no proxy headers), the same database
(`DATABASE_URL`) and the same engine settings (`app.db.make_engine`), and loads it in the
same run, so that screening throughput can be reported as a ratio to it.

    python -m bench.reference_app --port 8001 --workers 2
"""

from __future__ import annotations

import argparse
import os
from datetime import date
from typing import Annotated, Any

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    insert,
    text,
)
from sqlalchemy.engine import Engine

TABLE = "bench_reference_writes"
metadata = MetaData()
writes = Table(
    TABLE,
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_ref", String(200), nullable=False),
    Column("committee_id", Integer),
    Column("body", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), server_default=func.now()),
)


class Party(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: str
    person: str | None = None
    organisation: str | None = None
    operation: str | None = None
    committee: str | None = None
    name: str | None = None
    orgnr: str | None = None
    personnummer: str | None = None


class Participant(BaseModel):
    model_config = ConfigDict(extra="allow")
    person: str
    role: str


class Case(BaseModel):
    """The contract's case document, validated as strictly as a small app would."""

    model_config = ConfigDict(extra="allow")
    ref: Annotated[str, Field(min_length=1, max_length=200)]
    committee: Annotated[str, Field(min_length=1, max_length=200)]
    matter: str
    area: str | None = None
    title: str | None = None
    decision_date: date | None = None
    parties: list[Party] = []
    participants: list[Participant] = []


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")
    case: Case


def _engine() -> Engine:
    from app.config import get_settings
    from app.db import make_engine

    return make_engine(get_settings())


app = FastAPI(title="bench reference", openapi_url=None, docs_url=None, redoc_url=None)
_state: dict[str, Engine] = {}


def engine() -> Engine:
    if "engine" not in _state:
        _state["engine"] = _engine()
    return _state["engine"]


def prepare(database_url: str) -> None:
    """Create the reference's table (once, before its workers start)."""
    from sqlalchemy import create_engine

    eng = create_engine(database_url)
    try:
        metadata.create_all(eng)
    finally:
        eng.dispose()


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/reference", status_code=201)
def reference(body: Body) -> dict[str, Any]:
    """Read the case's committee (one indexed row) and insert one row; commit."""
    with engine().begin() as conn:
        row = conn.execute(
            text("SELECT id, ref, name FROM committees WHERE ref = :ref"),
            {"ref": body.case.committee},
        ).first()
        if row is None:
            raise HTTPException(404, "no such committee")
        new_id = conn.execute(
            insert(writes)
            .values(
                case_ref=body.case.ref,
                committee_id=row.id,
                body=body.case.model_dump_json(),
            )
            .returning(writes.c.id)
        ).scalar_one()
    return {"id": new_id, "case": body.case.ref, "committee": row.ref, "name": row.name}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    import uvicorn

    from app.cli import _worker_healthcheck

    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("DATABASE_URL is not set")
    # The same keyword arguments `javskoll serve` gives uvicorn (app/cli.py).
    uvicorn.run(
        "bench.reference_app:app",
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_config=None,
        access_log=False,
        proxy_headers=False,
        **_worker_healthcheck(),
    )


if __name__ == "__main__":
    main()
