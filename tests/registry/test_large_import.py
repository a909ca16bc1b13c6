"""A moderately large import in one request (the 10k/100k figure is in bench/import_bench.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from stdnum import luhn

from app.models import Interest, Person
from tests.support.api import ApiClient
from tests.support.registry import import_document

PERSONS, INTERESTS, COMPANIES = 2_000, 20_000, 300
KINDS = ["styrelseledamot", "anstalld", "medlem", "fortroendeuppdrag", "vd"]


def personnummer(i: int) -> str:
    year, month, day, serial = 1940 + i % 60, 1 + i % 12, 1 + i % 28, i // 420 % 1000
    ten = f"{year % 100:02d}{month:02d}{day:02d}{serial:03d}"
    return f"{year}{month:02d}{day:02d}-{serial:03d}{luhn.calc_check_digit(ten)}"


def large_document() -> dict[str, Any]:
    per_person = INTERESTS // PERSONS
    return {
        "organisations": [{"ref": "k", "kind": "kommun", "name": "K"}]
        + [
            {"ref": f"co-{c}", "kind": "aktiebolag", "name": f"Bolag {c}"} for c in range(COMPANIES)
        ],
        "committees": [{"ref": "n", "organisation": "k", "kind": "namnd", "name": "N"}],
        "persons": [
            {"ref": f"p-{i}", "name": f"Person {i}", "personnummer": personnummer(i)}
            for i in range(PERSONS)
        ],
        "appointments": [
            {"person": f"p-{i}", "body": {"committee": "n"}, "role": "ledamot"}
            for i in range(PERSONS)
        ],
        "interests": [
            {
                "person": f"p-{i // per_person}",
                "organisation": f"co-{i % COMPANIES}",
                "kind": KINDS[i % len(KINDS)],
                "valid_from": f"20{10 + i % per_person}-01-01",
            }
            for i in range(INTERESTS)
        ],
    }


def test_large_import_in_one_request_then_unchanged(admin: ApiClient, session: Session) -> None:
    doc = large_document()
    body = import_document(admin, doc)
    assert body["counts"]["persons"]["created"] == PERSONS
    assert body["counts"]["interests"]["created"] == INTERESTS
    assert session.scalar(select(func.count()).select_from(Interest)) == INTERESTS
    assert (
        session.scalar(
            select(func.count()).select_from(Person).where(Person.personnummer_hash.is_not(None))
        )
        == PERSONS
    )
    doc["interests"][7]["valid_to"] = "2030-12-31"
    again = import_document(admin, doc)
    assert again["counts"]["interests"] == {"created": 0, "updated": 1, "unchanged": INTERESTS - 1}
    assert again["counts"]["persons"] == {"created": 0, "updated": 0, "unchanged": PERSONS}
