"""No personnummer in clear and no API key in the logs, the audit log or the database.

A real `javskoll serve` runs a full workload: key creation and revocation, an import with
personnummer written every accepted way, stored and inline cases with an unregistered
party given by personnummer, screenings, reruns, decisions, refusals that quote a
personnummer back (bad checksum, a personnummer in a note), a personnummer in a URL path
and query. Then every line of its stderr must be JSON with a request id where a request
was served, and neither the log, the audit payloads nor any table may hold a personnummer
in clear or a key.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.pool import NullPool

from app.db import Base
from app.identifiers import normalise_personnummer
from tests.reliability.server import BOOTSTRAP_KEY, Server
from tests.reliability.workload import CASE, CASE_REF, luhn_digit, personnummer
from tests.support.registry import contract_document

pytestmark = pytest.mark.slow

CLI_MESSAGES = ("Jävskoll on http://", "created the bootstrap admin key", "No API keys exist")
ANY_PERSONNUMMER = re.compile(r"(?<![0-9A-Za-z])(?:\d{2})?\d{6}[-+]?\d{4}(?![0-9A-Za-z])")


def forms(pnr: str) -> set[str]:
    """Every way a personnummer can be written: 12/10 digits, with '-', '+' or nothing."""
    digits = normalise_personnummer(pnr)
    long, short = digits, digits[2:]
    return {
        long,
        short,
        f"{long[:8]}-{long[8:]}",
        f"{short[:6]}-{short[6:]}",
        f"{short[:6]}+{short[6:]}",
        f"{long[:8]}+{long[8:]}",
    }


# Valid personnummer, each sent in another written form.
SENT = {
    "twelve-dash": personnummer(101),
    "twelve": personnummer(102).replace("-", ""),
    "ten-dash": personnummer(103)[2:],
    "ten": personnummer(104)[2:].replace("-", ""),
    "party-twelve": personnummer(105),
    "party-ten": personnummer(106)[2:],
    "inline": personnummer(107),
    # A person of 100 or more: '+' instead of '-' in the 10-digit form.
    "century": f"101010+121{luhn_digit('101010121')}",
}
NOT_VALID = "19700101-1234"  # bad control digit: refused, and must not be echoed
ALL_FORMS = set().union(*(forms(p) for p in SENT.values())) | {NOT_VALID, NOT_VALID[2:]}


def ok(response: httpx.Response, *statuses: int) -> dict[str, Any]:
    assert response.status_code in (statuses or (200, 201)), response.text
    return response.json() if response.content else {}  # type: ignore[no-any-return]


def workload(server: Server) -> list[str]:
    """Drive every kind of write and some refusals; return the API keys used."""
    with server.client() as admin:
        registry_key = ok(admin.post("/v1/apikeys", json={"name": "reg", "role": "registry"}))
        screener_key = ok(admin.post("/v1/apikeys", json={"name": "scr", "role": "screener"}))
        doomed = ok(admin.post("/v1/apikeys", json={"name": "old", "role": "auditor"}))
        ok(admin.delete(f"/v1/apikeys/{doomed['id']}"))
    keys = [BOOTSTRAP_KEY, registry_key["key"], screener_key["key"], doomed["key"]]
    with httpx.Client(
        base_url=server.base_url, headers={"Authorization": f"Bearer {doomed['key']}"}
    ) as revoked:
        ok(revoked.get("/v1/audit"), 401)

    document = contract_document()
    document["persons"] += [
        {"ref": f"p-{name}", "name": f"Person {name}", "personnummer": pnr}
        for name, pnr in SENT.items()
        if not name.startswith(("party", "inline"))
    ]
    with server.client(registry_key["key"]) as registry:
        ok(registry.post("/v1/import", json=document, headers={"Idempotency-Key": "imp-1"}))
        ok(registry.post("/v1/import", json=document, headers={"Idempotency-Key": "imp-1"}))
        bad = {"persons": [{"ref": "p-bad", "name": "Bad", "personnummer": NOT_VALID}]}
        refused = ok(registry.post("/v1/import", json=bad), 422)
        assert NOT_VALID not in json.dumps(refused)
        # A personnummer has no place in a path: refused, and not echoed.
        refused = ok(registry.get(f"/v1/persons/{quote(SENT['twelve-dash'])}"), 422)
        assert SENT["twelve-dash"] not in json.dumps(refused)
        ok(registry.get("/v1/persons", params={"name": SENT["ten-dash"]}), 200, 422)

    stored_case = dict(CASE)
    stored_case["parties"] = [
        *CASE["parties"],  # type: ignore[list-item]
        {"name": "Nils Granne", "personnummer": SENT["party-twelve"], "role": "berord"},
        {"name": "Karin Granne", "personnummer": SENT["party-ten"], "role": "berord"},
    ]
    inline = dict(stored_case, ref="INLINE 1")
    inline["parties"] = [{"name": "Eva Part", "personnummer": SENT["inline"], "role": "part"}]
    with server.client(screener_key["key"]) as screener:
        ok(screener.post("/v1/cases", json=stored_case, headers={"Idempotency-Key": "case-1"}))
        first = ok(
            screener.post(
                "/v1/screenings", json={"case": CASE_REF}, headers={"Idempotency-Key": "scr-1"}
            )
        )
        ok(screener.post("/v1/screenings", json={"case": inline}))
        ok(screener.post(f"/v1/screenings/{first['id']}/rerun"))
        decisions = f"/v1/cases/{quote(CASE_REF, safe='')}/decisions"
        ok(
            screener.post(
                decisions,
                json={
                    "person": "p-anna",
                    "raised_by": "screening",
                    "decision": "jav",
                    "decided_on": "2026-03-10",
                    "screening": first["id"],
                },
            )
        )
        quoted = ok(
            screener.post(
                decisions,
                json={
                    "person": "p-anna",
                    "raised_by": "self",
                    "decision": "jav",
                    "decided_on": "2026-03-10",
                    "note": f"see {SENT['inline']}",
                },
            ),
            422,
        )
        assert SENT["inline"] not in json.dumps(quoted)
        ok(
            screener.post(
                "/v1/screenings",
                json={
                    "case": dict(
                        inline, parties=[{"name": "X", "personnummer": NOT_VALID, "role": "part"}]
                    )
                },
            ),
            422,
        )
        for path in ("/v1/screenings", f"/v1/cases/{quote(CASE_REF, safe='')}"):
            answer = json.dumps(ok(screener.get(path)))
            for form in ALL_FORMS:
                assert form not in answer, "a personnummer in clear in an answer"
    return keys


def scan_log(log: str, keys: list[str]) -> None:
    lines = [line for line in log.splitlines() if line.strip()]
    assert len(lines) > 20
    requests = 0
    for line in lines:
        for key in keys:
            assert key not in line, "an API key in the log"
        assert ANY_PERSONNUMMER.search(line) is None, f"a personnummer-like number: {line}"
        if not line.startswith("{"):
            # `javskoll serve` says where it listens (and about the bootstrap key) in prose.
            assert line.startswith(CLI_MESSAGES), line
            continue
        record = json.loads(line)
        assert {"time", "level", "logger", "message", "request_id"} <= set(record)
        if record["logger"] == "app.access":
            requests += 1
            assert record["request_id"], line
    assert requests >= 20


def scan_database(database_url: str, keys: list[str]) -> None:
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            for table in Base.metadata.sorted_tables:
                for row in conn.execute(select(table)):
                    text = json.dumps([str(v) for v in row], ensure_ascii=False)
                    for form in ALL_FORMS:
                        assert form not in text, f"a personnummer in clear in {table.name}"
                    for key in keys:
                        assert key not in text, f"an API key in clear in {table.name}"
    finally:
        engine.dispose()


def test_no_personnummer_or_key_in_logs_audit_or_database(
    tmp_database: str, tmp_path: Path
) -> None:
    log_path = tmp_path / "server.log"
    with Server(tmp_database, log_path) as server:
        keys = workload(server)
        with server.client() as admin:
            entries = ok(admin.get("/v1/audit", params={"limit": 500}))["items"]
            assert ok(admin.get("/v1/audit/verify"))["ok"] is True
    audit_text = json.dumps(entries, ensure_ascii=False)
    assert len(entries) >= 8
    for form in ALL_FORMS:
        assert form not in audit_text, "a personnummer in clear in the audit log"
    scan_log(log_path.read_text(encoding="utf-8"), keys)
    scan_database(tmp_database, keys)
