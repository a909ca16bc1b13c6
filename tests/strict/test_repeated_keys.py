"""A key given twice within one JSON object is refused (app/jsonkeys.py), never settled by
"the last one counts" as json.loads and orjson do.

Before: a case sent with `"parties"` twice, the second list empty, was screened with no
party and answered `clear`; an import document with `"persons"` twice imported the second
section only and said nothing of the first. Each now answers 422 `repeated_key` at the
key's pointer, and nothing is stored or audited.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import AuditEntry, Case, Person, Screening
from tests.support.api import ApiClient
from tests.support.registry import import_document
from tests.support.scenarios import load_scenario

JSON = {"Content-Type": "application/json"}


def _counts(session: Session) -> dict[str, int]:
    session.expire_all()
    return {
        model.__name__: session.scalar(select(func.count()).select_from(model)) or 0
        for model in (AuditEntry, Case, Screening, Person)
    }


def _repeated(response: Any) -> list[str]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    errors = response.json()["errors"]
    assert {e["code"] for e in errors} == {"repeated_key"}, errors
    return [e["pointer"] for e in errors]


def _with_second(text: str, after: str, key: str, value: Any) -> bytes:
    """`text` with `"key": value` written again right after the first `after` member."""
    at = text.index(after) + len(after)
    return (text[:at] + f', "{key}": {json.dumps(value)}' + text[at:]).encode()


@pytest.fixture
def scenario(admin: ApiClient) -> dict[str, Any]:
    # A ledamot whose sambo applies for a bygglov: jäv (part) when the parties are read.
    scenario = load_scenario("48-")
    import_document(admin, scenario["registry"])
    return scenario


def test_parties_given_twice_are_refused_not_screened_clear(
    admin: ApiClient, session: Session, scenario: dict[str, Any]
) -> None:
    case = scenario["case"]
    text = json.dumps({"case": case})
    parties = '"parties": ' + json.dumps(case["parties"])
    body = _with_second(text, parties, "parties", [])
    assert json.loads(body)["case"]["parties"] == []  # what "the last one counts" reads
    before = _counts(session)
    assert _repeated(admin.post("/v1/screenings", content=body, headers=JSON)) == ["/case/parties"]
    assert _counts(session) == before
    # The control: the same case with the key once is flagged.
    flagged = admin.post("/v1/screenings", content=text.encode(), headers=JSON)
    assert flagged.status_code == 201, flagged.text
    assert flagged.json()["outcome"] == "flagged"


def test_a_repeated_key_deep_in_a_list_is_named_by_its_pointer(
    admin: ApiClient, session: Session, scenario: dict[str, Any]
) -> None:
    case = dict(scenario["case"])
    party = case["parties"][0]
    text = json.dumps({"case": case})
    first = '"person": ' + json.dumps(party["person"])
    body = _with_second(text, first, "person", "someone-else")
    before = _counts(session)
    assert _repeated(admin.post("/v1/screenings", content=body, headers=JSON)) == [
        "/case/parties/0/person"
    ]
    assert _counts(session) == before


def test_a_repeated_section_of_an_import_is_refused_and_nothing_is_imported(
    admin: ApiClient, session: Session
) -> None:
    first = [{"ref": "p-first", "name": "Första Person"}]
    second = [{"ref": "p-second", "name": "Andra Person"}]
    text = json.dumps({"persons": first})
    body = _with_second(text, '"persons": ' + json.dumps(first), "persons", second)
    before = _counts(session)
    assert _repeated(admin.post("/v1/import", content=body, headers=JSON)) == ["/persons"]
    assert _counts(session) == before
    assert admin.get("/v1/persons/p-second").status_code == 404


def test_a_repeated_key_inside_an_import_item_is_refused(
    admin: ApiClient, session: Session
) -> None:
    text = json.dumps(
        {
            "organisations": [{"ref": "k-one", "kind": "kommun", "name": "Ettby kommun"}],
            "persons": [
                {"ref": "p-one", "name": "En Person"},
                {"ref": "p-two", "name": "Två Person"},
            ],
        },
        ensure_ascii=False,
    )
    body = _with_second(text, '"name": "Två Person"', "name", "Tre Person")
    before = _counts(session)
    assert _repeated(admin.post("/v1/import", content=body, headers=JSON)) == ["/persons/1/name"]
    assert _counts(session) == before


@pytest.mark.parametrize(
    "body",
    [
        b'{"name": "a", "name": "b"}',  # the same value twice is still two keys
        b'{"name": "a", "name": "a"}',
        b'{"name": "a", "na\\u006de": "b"}',  # one key, one of them escaped
    ],
)
def test_any_body_with_a_key_twice_is_refused_before_its_route(
    admin: ApiClient, session: Session, body: bytes
) -> None:
    before = _counts(session)
    assert _repeated(admin.post("/v1/apikeys", content=body, headers=JSON)) == ["/name"]
    assert _counts(session) == before


def _twice(n: int) -> str:
    return ", ".join(f'{{"ref": "p-{i}", "name": "A", "name": "B"}}' for i in range(n))


@pytest.mark.parametrize(
    ("path", "body", "section"),
    [
        # the import, scanned item by item
        ("/v1/import", '{"persons": [' + _twice(25) + "]}", "/persons"),
        # any other body, parsed whole
        ("/v1/screenings", '{"case": {"parties": [' + _twice(25) + "]}}", "/case/parties"),
    ],
)
def test_repeated_keys_are_named_in_document_order(
    admin: ApiClient, session: Session, path: str, body: str, section: str
) -> None:
    """The first twenty in the document, as the user reads it. The pointers were sorted as
    text: items 0, 1, 10-19, 2, 20-24 were named, 3-9 never (the answer lists twenty)."""
    before = _counts(session)
    pointers = _repeated(admin.post(path, content=body.encode(), headers=JSON))
    assert pointers == [f"{section}/{i}/name" for i in range(20)]
    assert _counts(session) == before


def test_keys_that_differ_only_in_normalisation_are_one_key_given_twice(
    admin: ApiClient, session: Session
) -> None:
    """The guard stores strings NFC-normalised: "Sjöpartiet" written with "ö" and with "o"
    and a combining diaeresis are one party. Before, normalising after the check merged
    the two lists of a committee's `substitution_order` silently, keeping the last."""
    composed, decomposed = "Sjöpartiet", "Sjo\u0308partiet"
    assert composed != decomposed
    document = {
        "organisations": [{"ref": "k-sjo", "kind": "kommun", "name": "Sjöby kommun"}],
        "committees": [
            {
                "ref": "k-sjo-bn",
                "organisation": "k-sjo",
                "kind": "namnd",
                "name": "Byggnadsnämnden i Sjöby",
                "substitution_order": {composed: [], decomposed: []},
            }
        ],
    }
    for text in (json.dumps(document), json.dumps(document, ensure_ascii=False)):
        before = _counts(session)
        refused = admin.post("/v1/import", content=text.encode(), headers=JSON)
        assert _repeated(refused) == [f"/committees/0/substitution_order/{composed}"]
        assert _counts(session) == before
    body = json.dumps({"name": "a", "n\u00e4me": 1, "na\u0308me": 2}, ensure_ascii=False)
    assert _repeated(admin.post("/v1/apikeys", content=body.encode(), headers=JSON)) == [
        "/n\u00e4me"
    ]
