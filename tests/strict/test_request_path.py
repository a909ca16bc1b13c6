"""The request path (issue 15): a JSON body is parsed once, by the input guard, and the
route reads that value; answers are encoded by Pydantic (typed answers) or orjson
(problem+json and the rest) and stay the JSON the json module would write."""

from __future__ import annotations

import json
from typing import Any

import pytest
import starlette.requests

from app.inputguard import parse_json
from tests.screening.registry import case, registry
from tests.support.api import ApiClient
from tests.support.registry import import_document


class _NoSecondParse:
    """Stands in for the json module inside Starlette's Request: a second parse fails."""

    @staticmethod
    def loads(*_: Any, **__: Any) -> Any:
        raise AssertionError("the body was parsed a second time")


def test_the_route_reads_the_guards_parsed_body(
    admin: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_document(admin, registry())
    monkeypatch.setattr(starlette.requests, "json", _NoSecondParse)
    response = admin.post("/v1/screenings", json={"case": case()})
    assert response.status_code == 201, response.text
    # NFC-normalised by the guard: the route sees the normalised value (the same refs)
    decomposed = {"case": case(title="Bygglov fo\u0308r ga\u030arden")}
    response = admin.post("/v1/screenings", json=decomposed)
    assert response.status_code == 201, response.text


def test_a_refused_body_is_still_problem_json_naming_the_field(admin: ApiClient) -> None:
    response = admin.post(
        "/v1/screenings",
        content=b'{"case": {"ref": "a\\u0000b"}}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["pointer"] == "/case/ref"
    response = admin.post(
        "/v1/screenings", content=b'{"case": ', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert "position" in response.json()["errors"][0]["detail"]


@pytest.mark.parametrize(
    "text",
    [
        b'{"a": 1, "a": 2}',
        b"[1.0, -0, 1e-7, 0.1, 2.5e300, 12345678901234567]",
        b"[123456789012345678901234567890, 1.00000000000000000000001]",
        b'"\\u00e5\\u0308 \\ud83d\\ude00"',
        b"\xef\xbb\xbf{}",
        b'{"x": "\\ud800"}',
        '{"å": ["ö", {"ä": null}]}'.encode("utf-16"),
        b"1E400",
    ],
)
def test_the_guards_parse_gives_the_json_modules_value(text: bytes) -> None:
    expected = json.loads(text)
    parsed, repeated = parse_json(text)
    assert parsed == expected or (expected != expected)  # NaN never equal
    assert type(parsed) is type(expected)
    # ... and notes a key given twice, which json.loads settles by keeping the last.
    assert [e["pointer"] for e in repeated] == (["/a"] if text.startswith(b'{"a"') else [])


def test_problem_json_is_written_as_before(admin: ApiClient) -> None:
    response = admin.get("/v1/organisations/nowhere%20%C3%A5")
    assert response.status_code == 404
    body = response.json()
    assert response.content == json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8"
    )
