"""A mixed workload against a running server, and the consistency checks after it.

Workers post screenings (of stored cases and of inline cases with an unregistered party
given by personnummer), imports (each a self-contained batch of organisations and
persons with personnummer) and jäv decisions. Every answer is recorded, so the checks
can say: each 2xx is in the database with its audit entry, nothing is half-written,
the audit sequence has no gaps and the chain verifies.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import bindparam, create_engine, text
from sqlalchemy.pool import NullPool

from tests.support.registry import CONTRACT_CASE, CONTRACT_CASE_REF, contract_document

CASE_REF = CONTRACT_CASE_REF
CASE = CONTRACT_CASE
IMPORT_BATCH = 5


def luhn_digit(nine: str) -> str:
    total = 0
    for i, ch in enumerate(nine):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def personnummer(n: int) -> str:
    """A valid personnummer (12 digits with '-'), distinct for each n < 28 * 12 * 999."""
    day, month, serial = 1 + n % 28, 1 + (n // 28) % 12, 1 + n // (28 * 12)
    yymmdd = f"60{month:02d}{day:02d}"
    nine = yymmdd + f"{serial % 1000:03d}"
    return f"19{yymmdd}-{nine[6:]}{luhn_digit(nine)}"


def seed(client: httpx.Client, persons_with_pnr: list[str]) -> None:
    """The contract's registry (Anna has a personnummer) plus a few more people, the case."""
    document = contract_document()
    document["persons"] += [
        {"ref": f"p-extra-{i}", "name": f"Extra Person {i}", "personnummer": pnr}
        for i, pnr in enumerate(persons_with_pnr)
    ]
    response = client.post("/v1/import", json=document)
    assert response.status_code == 200, response.text
    response = client.post("/v1/cases", json=CASE)
    assert response.status_code == 201, response.text


@dataclass
class Record:
    """What the clients saw. `unknown`: no answer (server killed mid-request)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    screenings: list[str] = field(default_factory=list)
    decisions: list[int] = field(default_factory=list)
    imports_ok: list[int] = field(default_factory=list)
    imports_tried: list[int] = field(default_factory=list)
    statuses: dict[str, list[int]] = field(default_factory=dict)
    unknown: int = 0
    # Screenings sent with an Idempotency-Key (= the inline case ref) and retried with it
    # until answered: ref -> (final status, screening id or None).
    keyed: dict[str, tuple[int, str | None]] = field(default_factory=dict)

    def status(self, kind: str, code: int) -> None:
        with self.lock:
            self.statuses.setdefault(kind, []).append(code)


class Workload:
    """Threads that hammer one server until `stop` is set (or a deadline passes)."""

    def __init__(self, base_url: Callable[[], str], key: str, record: Record) -> None:
        self.base_url = base_url
        self.key = key
        self.record = record
        self.stop = threading.Event()
        self._import_seq = 0
        self._seq_lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    def next_import(self) -> int:
        with self._seq_lock:
            self._import_seq += 1
            return self._import_seq

    def start(
        self, screeners: int, importers: int = 0, deciders: int = 0, keyed_screeners: int = 0
    ) -> None:
        kinds = (
            [self.screen] * screeners
            + [self.import_] * importers
            + [self.decide] * deciders
            + [self.screen_with_key] * keyed_screeners
        )
        for n, target in enumerate(kinds):
            thread = threading.Thread(target=self._loop, args=(target, n), daemon=True)
            thread.start()
            self._threads.append(thread)

    def join(self) -> None:
        self.stop.set()
        for thread in self._threads:
            thread.join(60)
        assert not any(t.is_alive() for t in self._threads), "a worker did not stop"

    def _loop(self, step: Callable[[httpx.Client, int, int], None], worker: int) -> None:
        rng = random.Random(worker)  # noqa: S311 - test data, not security
        # One client per worker for the whole run: making a client is costly (TLS context),
        # and a restarted server on another port is reached through absolute URLs.
        with httpx.Client(headers={"Authorization": f"Bearer {self.key}"}, timeout=60) as client:
            i = 0
            while not self.stop.is_set():
                i += 1
                try:
                    step(client, worker, i)
                except httpx.TransportError:
                    with self.record.lock:
                        self.record.unknown += 1
                    time.sleep(0.2 + rng.random() * 0.2)

    def url(self, path: str) -> str:
        return self.base_url() + path

    def screen(self, client: httpx.Client, worker: int, i: int) -> None:
        if i % 2:
            body: dict[str, Any] = {"case": CASE_REF}
        else:
            inline = dict(CASE, ref=f"INLINE {worker}-{i}")
            inline["parties"] = [
                *CASE["parties"],  # type: ignore[list-item]
                {
                    "name": "Nils Granne",
                    "personnummer": personnummer(worker * 1000 + i),
                    "role": "berord",
                },
            ]
            body = {"case": inline}
        response = client.post(self.url("/v1/screenings"), json=body)
        self.record.status("screening", response.status_code)
        if response.status_code == 201:
            with self.record.lock:
                self.record.screenings.append(response.json()["id"])

    def screen_with_key(self, client: httpx.Client, worker: int, i: int) -> None:
        """Retry one screening with its Idempotency-Key through crashes until answered."""
        ref = f"KEYED {worker}-{i}"
        body = {"case": dict(CASE, ref=ref)}
        status, screening = 0, None
        while not self.stop.is_set():
            try:
                response = client.post(
                    self.url("/v1/screenings"), json=body, headers={"Idempotency-Key": ref}
                )
            except httpx.TransportError:
                time.sleep(0.3)
                continue
            status = response.status_code
            code = response.json().get("code") if status == 409 else None
            if code == "idempotency_in_flight":  # a dead claim: wait for its timeout
                time.sleep(0.5)
                continue
            screening = response.json()["id"] if status == 201 else None
            break
        self.record.status("keyed screening", status)
        with self.record.lock:
            self.record.keyed[ref] = (status, screening)

    def import_(self, client: httpx.Client, worker: int, i: int) -> None:
        n = self.next_import()
        with self.record.lock:
            self.record.imports_tried.append(n)
        response = client.post(self.url("/v1/import"), json=import_document(n))
        self.record.status("import", response.status_code)
        if response.status_code == 200:
            with self.record.lock:
                self.record.imports_ok.append(n)

    def decide(self, client: httpx.Client, worker: int, i: int) -> None:
        body = {
            "person": "p-anna",
            "raised_by": "self",
            "decision": "jav" if i % 2 else "ej_jav",
            "decided_on": "2026-03-10",
            "protocol_paragraph": f"§ {worker}-{i}",
        }
        response = client.post(self.url("/v1/cases/MBN%202026%2F123/decisions"), json=body)
        self.record.status("decision", response.status_code)
        if response.status_code == 201:
            with self.record.lock:
                self.record.decisions.append(response.json()["id"])


def import_refs(n: int) -> tuple[list[str], list[str]]:
    orgs = [f"imp-{n}-org-{j}" for j in range(IMPORT_BATCH)]
    persons = [f"imp-{n}-p-{j}" for j in range(IMPORT_BATCH)]
    return orgs, persons


def import_document(n: int) -> dict[str, Any]:
    orgs, persons = import_refs(n)
    return {
        "organisations": [
            {"ref": ref, "kind": "aktiebolag", "name": f"Bolag {n}-{j} AB"}
            for j, ref in enumerate(orgs)
        ],
        "persons": [
            {
                "ref": ref,
                "name": f"Person {n}-{j}",
                "personnummer": personnummer(500_000 + n * 10 + j),
            }
            for j, ref in enumerate(persons)
        ],
        "interests": [
            {"person": p, "organisation": o, "kind": "styrelseledamot"}
            for p, o in zip(persons, orgs, strict=True)
        ],
    }


# --- the checks ------------------------------------------------------------------------

COUNT_REFS = {
    table: text(f"SELECT count(*) FROM {table} WHERE ref IN :refs").bindparams(  # noqa: S608
        bindparam("refs", expanding=True)
    )
    for table in ("organisations", "persons")
}


def check_consistency(database_url: str, record: Record) -> dict[str, int]:
    """Everything answered 2xx is stored with its audit entry; nothing is half-written."""
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return _check(conn, record)
    finally:
        engine.dispose()


def _pairs(conn: Any, sql: str) -> dict[Any, Any]:
    return {row[0]: row[1] for row in conn.execute(text(sql))}


def _check(conn: Any, record: Record) -> dict[str, int]:
    chains: dict[int, list[int]] = {}
    for chain_id, sequence in conn.execute(
        text("SELECT chain_id, sequence FROM audit_entries ORDER BY chain_id, sequence")
    ):
        chains.setdefault(chain_id, []).append(sequence)
    for chain_id, chained in chains.items():
        assert chained == list(range(1, len(chained) + 1)), f"chain {chain_id} has gaps"
    heads = _pairs(conn, "SELECT id, sequence FROM audit_chains")
    assert all(heads[c] == len(s) for c, s in chains.items()), "a head is not its last entry"
    sequences = [s for chained in chains.values() for s in chained]

    entries: dict[str, list[int]] = {}
    decision_entries: set[int] = set()
    for sequence, kind, payload in conn.execute(
        text("SELECT id, kind, payload FROM audit_entries WHERE kind IN ('screening', 'decision')")
    ):
        if kind == "screening":
            entries.setdefault(json.loads(payload)["data"]["screening"], []).append(sequence)
        else:
            decision_entries.add(sequence)
    duplicated = {k: v for k, v in entries.items() if len(v) != 1}
    assert not duplicated, f"screenings with more than one audit entry: {duplicated}"

    stored = _pairs(conn, "SELECT id, audit_sequence FROM screenings")
    assert set(stored) == set(entries), "screenings and their audit entries differ"
    assert all(stored[i] == entries[i][0] for i in stored), "a screening points at another entry"
    missing = set(record.screenings) - set(stored)
    assert not missing, f"answered 2xx but not stored: {sorted(missing)[:5]}"

    by_ref: dict[str, list[str]] = {}
    for screening_id, case_ref in conn.execute(text("SELECT id, case_ref FROM screenings")):
        by_ref.setdefault(case_ref, []).append(screening_id)
    for ref, (status, screening_id) in record.keyed.items():
        done = by_ref.get(ref, [])
        assert len(done) <= 1, f"{ref} was carried out {len(done)} times despite its key"
        if status == 201:
            assert done == [screening_id], f"{ref}: the answered screening is not the stored one"

    findings = _pairs(conn, "SELECT screening_id, count(*) FROM findings GROUP BY screening_id")
    for screening_id, result in conn.execute(text("SELECT id, result FROM screenings")):
        body = json.loads(result) if isinstance(result, str) else result
        expected = len(body["findings"]) + len(body["structural"])
        assert findings.get(screening_id, 0) == expected, f"half-written {screening_id}"

    decisions = _pairs(conn, "SELECT id, audit_sequence FROM jav_decisions")
    assert set(decisions.values()) == decision_entries, "decisions and audit entries differ"
    assert set(record.decisions) <= set(decisions), "an answered decision is missing"

    for n in record.imports_tried:
        orgs, persons = import_refs(n)
        present = sum(
            conn.execute(COUNT_REFS[table], {"refs": refs}).scalar_one()
            for table, refs in (("organisations", orgs), ("persons", persons))
        )
        assert present in (0, 2 * IMPORT_BATCH), f"import {n} is half there ({present})"
        if n in record.imports_ok:
            assert present == 2 * IMPORT_BATCH, f"import {n} answered 200 but is missing"
    return {
        "audit_entries": len(sequences),
        "screenings": len(stored),
        "decisions": len(decisions),
        "imports": len(record.imports_ok),
    }
