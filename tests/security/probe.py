"""A test-only write route, so the idempotency mechanism can be tested on its own.

`POST /v1/_probe` appends one audit entry and answers 201 with its sequence; `?status=`
makes it answer another status (after writing nothing, or with `&after_commit=1` after
writing and committing); `X-Test-Hold: 1` makes it wait
for `app.state.probe_release` (set `app.state.probe_entered` and `probe_release` first).
It is mounted on a test app and added to the idempotent routes with monkeypatch.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse

from app.audit import chain
from app.db import SessionDep
from app.idempotency import middleware as idempotency
from app.security.deps import CaseWriter

PROBE_PATH = "/v1/_probe"


def mount_probe(app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        idempotency,
        "COVERED_ROUTES",
        (*idempotency.COVERED_ROUTES, re.compile(re.escape(PROBE_PATH))),
    )

    def hold(request: Request) -> None:
        """With X-Test-Hold, wait (claim taken, no transaction open yet) until released."""
        if request.headers.get("x-test-hold"):
            request.app.state.probe_entered.set()
            request.app.state.probe_release.wait(30)

    def probe(
        _: None = Depends(hold),
        *,
        body: dict[str, Any],
        request: Request,
        session: SessionDep,
        principal: CaseWriter,
    ) -> JSONResponse:
        status = int(request.query_params.get("status", "201"))
        if status >= 300 and not request.query_params.get("after_commit"):
            return JSONResponse({"status": status}, status_code=status)
        entry = chain.append(
            session,
            kind="case.create",
            actor=chain.Actor(principal.key_id, principal.name),
            data={"probe": body},
            organisations=(),
        )
        session.commit()
        return JSONResponse(
            {"sequence": entry.id, "echo": body},
            status_code=status,
            headers={"Location": f"/v1/_probe/{entry.id}"},
        )

    app.router.add_api_route(PROBE_PATH, probe, methods=["POST"])
