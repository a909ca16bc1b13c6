"""Helpers for the meeting tests: post a meeting, read an item's seats as plain maps."""

from __future__ import annotations

from typing import Any

from tests.support.api import ApiClient


def post_meeting(client: ApiClient, doc: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/v1/meetings", json=doc)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def item(meeting: dict[str, Any], paragraph: str) -> dict[str, Any]:
    return next(i for i in meeting["items"] if i["paragraph"] == paragraph)


def seats(entry: dict[str, Any]) -> dict[str, str]:
    """{ledamot whose seat it is: the ersättare in it}"""
    return {s["seat_of"]: s["person"] for s in entry["seats"]}


def out(entry: dict[str, Any]) -> list[str]:
    return [s["person"] for s in entry["steps_out"]]


def assess(entry: dict[str, Any]) -> list[str]:
    return [s["person"] for s in entry["to_assess"]]


def summon(entry: dict[str, Any]) -> list[tuple[str, str]]:
    return [(s["person"], s["seat_of"]) for s in entry["summon"]]


def chair(entry: dict[str, Any]) -> tuple[str, str] | None:
    c = entry["chair"]
    return None if c is None else (c["person"], c["role"])


def quorum(entry: dict[str, Any]) -> tuple[int, int, int, bool]:
    return entry["serving"], entry["seats_total"], entry["quorum"], entry["quorate"]
