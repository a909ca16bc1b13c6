"""Two `POST /v1/import` at once, each with its own client and database session, against
a database that really commits (docs/import.md, "Concurrent imports").

Where two imports could both pass validation and together store what one would refuse,
they take turns or the later one answers 409 (`app/registry/importdoc/locks.py`).
Barriers inside the import path make the two overlap at a chosen point instead of by
luck; nothing here depends on timing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from stdnum import luhn

from app.main import create_app
from app.registry.importdoc import locks
from tests.conftest import make_settings
from tests.support.api import ApiClient
from tests.support.keys import committed_key

BARRIER_TIMEOUT_S = 120  # a safety net against a hang, not a measurement


def personnummer(i: int) -> str:
    ten = f"7001{1 + i % 28:02d}{100 + i:03d}"
    return f"19{ten[:6]}-{ten[6:]}{luhn.calc_check_digit(ten)}"


@pytest.fixture
def clients(tmp_database: str) -> Iterator[tuple[ApiClient, ApiClient]]:
    """Two clients of one app over a fresh, committing database (one admin key).

    Two imports in flight at once are what two workers (or two servers) do; in one process
    the import gate would take them in turn, so it lets two through here."""
    settings = make_settings(tmp_database, imports_per_worker=2)
    app = create_app(settings)
    key = committed_key(app, "admin", "concurrent-imports")
    first, second = ApiClient(app, key), ApiClient(app, key)
    yield first, second
    first.close()
    second.close()
    app.state.engine.dispose()


def both(
    clients: tuple[ApiClient, ApiClient],
    docs: tuple[dict[str, Any], dict[str, Any]],
    keys: tuple[str, str] | None = None,
) -> list[Any]:
    """POST the two documents at once, one per client (with these Idempotency-Keys);
    the two responses in order."""
    headers = [{"Idempotency-Key": k} for k in keys] if keys else [{}, {}]
    with ThreadPoolExecutor(2) as pool:
        futures = [
            pool.submit(c.post, "/v1/import", json=d, headers=h)
            for c, d, h in zip(clients, docs, headers, strict=True)
        ]
        return [f.result() for f in futures]


def meet_at(monkeypatch: pytest.MonkeyPatch, name: str) -> threading.Barrier:
    """Make both imports reach `locks.<name>` before either goes on."""
    barrier = threading.Barrier(2, timeout=BARRIER_TIMEOUT_S)
    original: Callable[..., None] = getattr(locks, name)

    def wrapped(*args: Any, **kwargs: Any) -> None:
        barrier.wait()
        original(*args, **kwargs)

    monkeypatch.setattr(locks, name, wrapped)
    return barrier


def seed(client: ApiClient, persons: int = 4) -> None:
    doc = {
        "organisations": [
            {"ref": "k", "kind": "kommun", "name": "Kommunen"},
            *({"ref": f"co-{c}", "kind": "aktiebolag", "name": f"Bolag {c}"} for c in range(4)),
        ],
        "persons": [
            {"ref": f"p-{i}", "name": f"Person {i}", "personnummer": personnummer(i)}
            for i in range(persons)
        ],
    }
    assert client.post("/v1/import", json=doc).status_code == 200


def interest(person: int, company: int, kind: str = "styrelseledamot") -> dict[str, Any]:
    return {"person": f"p-{person}", "organisation": f"co-{company}", "kind": kind}


def rows(client: ApiClient, path: str, **filters: str) -> list[dict[str, Any]]:
    response = client.get(path, params={"limit": 500, **filters})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def assert_chain_verifies(client: ApiClient) -> None:
    verify = client.get("/v1/audit/verify").json()
    assert verify["ok"] is True, verify


@pytest.mark.postgres
def test_interest_documents_write_at_once_and_both_land(
    clients: tuple[ApiClient, ApiClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Interests are not serialised: both imports have written before either one checks
    and commits (the barrier would never open if one waited for the other)."""
    seed(clients[0])
    meet_at(monkeypatch, "after_writes")
    first = {"interests": [interest(0, c) for c in range(4)] + [interest(1, 0)]}
    second = {"interests": [interest(2, c) for c in range(4)] + [interest(3, 0)]}
    answers = both(clients, (first, second))
    assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
    assert [a.json()["counts"]["interests"]["created"] for a in answers] == [5, 5]
    assert len(rows(clients[0], "/v1/interests")) == 10
    assert_chain_verifies(clients[0])


@pytest.mark.postgres
def test_the_same_new_fact_from_two_imports_at_once_is_stored_once(
    clients: tuple[ApiClient, ApiClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both validate and write the same interest without a ref (each alone would create
    it); the one that checks second sees the other's committed row and answers 409, and
    nothing of it is stored. Sent again, it matches that row."""
    seed(clients[0])
    meet_at(monkeypatch, "after_writes")
    first = {"interests": [interest(0, 0), interest(1, 1)]}
    second = {"interests": [interest(2, 2), interest(0, 0)]}
    answers = both(clients, (first, second), keys=("import-a", "import-b"))
    codes = sorted(a.status_code for a in answers)
    assert codes == [200, 409], [a.text for a in answers]
    refused = next(a for a in answers if a.status_code == 409)
    problem = refused.json()
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.headers["retry-after"] == "1"
    assert [e["code"] for e in problem["errors"]] == ["concurrent_duplicate"]
    assert problem["errors"][0]["pointer"] in ("/interests/0", "/interests/1")
    stored = rows(clients[0], "/v1/interests", person="p-0", organisation="co-0")
    assert len(stored) == 1
    assert len(rows(clients[0], "/v1/interests")) == 2  # the refused import left nothing

    again, key = (first, "import-a") if answers[0].status_code == 409 else (second, "import-b")
    monkeypatch.undo()
    # The same Idempotency-Key runs again: a collision's 409 (Retry-After) is not kept.
    answer = clients[0].post("/v1/import", json=again, headers={"Idempotency-Key": key})
    assert answer.status_code == 200, answer.text
    assert "idempotent-replayed" not in answer.headers
    assert answer.json()["counts"]["interests"] == {"created": 1, "updated": 0, "unchanged": 1}
    assert len(rows(clients[0], "/v1/interests", person="p-0", organisation="co-0")) == 1
    assert_chain_verifies(clients[0])


@pytest.mark.postgres
def test_relations_of_one_pair_from_two_imports_at_once_are_stored_once(
    clients: tuple[ApiClient, ApiClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same check for relations, in canonical form: "0 barn 1" is "1 forelder 0"."""
    seed(clients[0])
    meet_at(monkeypatch, "after_writes")
    first = {"relations": [{"person": "p-1", "related": "p-0", "kind": "forelder"}]}
    second = {"relations": [{"person": "p-0", "related": "p-1", "kind": "barn"}]}
    answers = both(clients, (first, second))
    assert sorted(a.status_code for a in answers) == [200, 409], [a.text for a in answers]
    assert len(rows(clients[0], "/v1/relations")) == 1


@pytest.mark.postgres
def test_two_refs_on_one_natural_key_at_once_are_both_kept(
    clients: tuple[ApiClient, ApiClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two interests with refs may share a natural key (one import may hold both): no
    conflict when two imports create one each."""
    seed(clients[0])
    meet_at(monkeypatch, "after_writes")
    first = {"interests": [interest(0, 0) | {"ref": "i-a"}]}
    second = {"interests": [interest(0, 0) | {"ref": "i-b"}]}
    answers = both(clients, (first, second))
    assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
    assert sorted(r["ref"] for r in rows(clients[0], "/v1/interests")) == ["i-a", "i-b"]


@pytest.mark.postgres
def test_an_ownership_cycle_made_by_two_imports_at_once_is_refused(
    clients: tuple[ApiClient, ApiClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each document alone is acyclic; together they would make A own B own A. The
    organisations section is validated by one import at a time: the second sees the
    first's owner and refuses the cycle (422), whichever goes first."""
    seed(clients[0])
    meet_at(monkeypatch, "before_validation")
    first = {"organisations": [{"ref": "co-0", "kind": "aktiebolag", "name": "Bolag 0",
                                "owners": [{"organisation": "co-1"}]}]}  # fmt: skip
    second = {"organisations": [{"ref": "co-1", "kind": "aktiebolag", "name": "Bolag 1",
                                 "owners": [{"organisation": "co-0"}]}]}  # fmt: skip
    answers = both(clients, (first, second))
    assert sorted(a.status_code for a in answers) == [200, 422], [a.text for a in answers]
    refused = next(a for a in answers if a.status_code == 422).json()
    assert [e["code"] for e in refused["errors"]] == ["ownership_cycle"]
    owned = [o for o in rows(clients[0], "/v1/organisations") if o["ref"] in ("co-0", "co-1")]
    assert sum(len(o["owners"]) for o in owned) == 1


@pytest.mark.postgres
def test_persons_documents_write_at_once_and_both_land(
    clients: tuple[ApiClient, ApiClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Persons are not serialised either: both have written before either checks."""
    seed(clients[0])
    meet_at(monkeypatch, "after_writes")
    first = {"persons": [{"ref": "p-x", "name": "X", "personnummer": personnummer(20)}]}
    second = {"persons": [{"ref": "p-y", "name": "Y", "personnummer": personnummer(21)}]}
    answers = both(clients, (first, second))
    assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]


@pytest.mark.postgres
def test_one_personnummer_for_two_new_persons_at_once_is_refused(
    clients: tuple[ApiClient, ApiClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two new persons (different refs) with one personnummer: one import alone refuses
    that (`duplicate_personnummer`). Both validate and write; the one that checks second
    sees the other's person and answers 409; sent again, it is refused as one alone."""
    seed(clients[0])
    meet_at(monkeypatch, "after_writes")
    number = personnummer(20)
    first = {"persons": [{"ref": "p-x", "name": "X", "personnummer": number}]}
    second = {"persons": [{"ref": "p-y", "name": "Y", "personnummer": number}]}
    answers = both(clients, (first, second))
    assert sorted(a.status_code for a in answers) == [200, 409], [a.text for a in answers]
    refused = next(a for a in answers if a.status_code == 409).json()
    assert [(e["pointer"], e["code"]) for e in refused["errors"]] == [
        ("/persons/0/personnummer", "concurrent_duplicate")
    ]
    stored = {p["ref"] for p in rows(clients[0], "/v1/persons")}
    assert len(stored & {"p-x", "p-y"}) == 1

    monkeypatch.undo()
    again = first if answers[0].status_code == 409 else second
    answer = clients[0].post("/v1/import", json=again)
    assert answer.status_code == 422, answer.text
    assert [e["code"] for e in answer.json()["errors"]] == ["duplicate_personnummer"]


def test_the_same_document_twice_at_once_is_stored_once(
    clients: tuple[ApiClient, ApiClient],
) -> None:
    """On both databases (SQLite: one writer at a time; PostgreSQL: persons and interests
    are checked at the end). Whatever the interleaving, each fact is stored
    once; an import either lands (created, or finds everything unchanged) or answers 409
    and stores nothing."""
    seed(clients[0])
    doc = {
        "persons": [
            {"ref": f"q-{i}", "name": f"Q {i}", "personnummer": personnummer(40 + i)}
            for i in range(5)
        ],
        "interests": [interest(i, i % 4) for i in range(4)],
    }
    answers = both(clients, (doc, doc))
    assert all(a.status_code in (200, 409) for a in answers), [a.text for a in answers]
    assert any(a.status_code == 200 for a in answers)
    landed = [a.json()["totals"] for a in answers if a.status_code == 200]
    assert sum(t["created"] for t in landed) == 9
    assert len(rows(clients[0], "/v1/interests")) == 4
    assert len([p for p in rows(clients[0], "/v1/persons") if p["ref"].startswith("q-")]) == 5
    assert_chain_verifies(clients[0])
