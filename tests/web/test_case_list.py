"""The case list (`/arenden`): each case's status from its latest screening (not screened,
flagged with counts, decided, nothing flagged), a filter by status, newest first, and
nothing of another kommun shown or counted."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Connection

from tests.support.api import ApiClient, path_ref
from tests.support.registry import import_document
from tests.support.statements import recorded_statements
from tests.web.browser import world
from tests.web.support import WebClient, text_of

FLAGGED_ONE = world.MEETING_CASE  # Ulla Falk applies: Johan Falk (her sambo) is jävig
FLAGGED_TWO = "VBN 2026/15"  # Västby Bygg AB (Karin Wik's board) and Maria's friend
CLEAR = "VBN 2026/16"
NOT_SCREENED = "VBN 2026/17"
OTHER = "OBN 2026/1"  # Östby's case: out of a Västby key's scope


def _case(ref: str, committee: str, parties: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "ref": ref,
        "committee": committee,
        "matter": "myndighetsutovning",
        "area": "bygg",
        "title": f"Bygglov {ref}",
        "decision_date": "2026-03-10",
        "parties": parties,
    }


def _registry() -> dict[str, Any]:
    """Västby (tests/web/browser/world.py) with a friend of Maria Nyström, and Östby: a
    kommun of its own whose ledamot lives with an applicant."""
    doc = copy.deepcopy(world.WORLD)
    doc["organisations"].append({"ref": "o-kommun", "kind": "kommun", "name": "Östby kommun"})
    doc["committees"].append(
        {
            "ref": "o-bn",
            "organisation": "o-kommun",
            "kind": "namnd",
            "name": "Byggnadsnämnden i Östby",
            "seats": 1,
            "responsibilities": [{"area": "bygg", "role": "tillsyn"}],
        }
    )
    doc["persons"] += [
        {"ref": "w-van", "name": "Göran Berg"},
        {"ref": "o-led", "name": "Östen Ek"},
        {"ref": "o-sok", "name": "Åsa Ek"},
    ]
    doc["appointments"].append(
        {"person": "o-led", "body": {"committee": "o-bn"}, "role": "ledamot", "party": "S"}
    )
    doc["relations"] += [
        {"person": "w-c1", "related": "w-van", "kind": "nara_van"},
        {"person": "o-led", "related": "o-sok", "kind": "sambo"},
    ]
    return doc


def _screen(admin: ApiClient, case: str | dict[str, Any]) -> dict[str, Any]:
    screened = admin.post("/v1/screenings", json={"case": case})
    assert screened.status_code == 201, screened.text
    return screened.json()  # type: ignore[no-any-return]


def _decide(admin: ApiClient, ref: str, person: str, decision: str, screening: str) -> None:
    decided = admin.post(
        f"/v1/cases/{path_ref(ref)}/decisions",
        json={
            "person": person,
            "raised_by": "screening",
            "decision": decision,
            "decided_on": "2026-03-10",
            "screening": screening,
        },
    )
    assert decided.status_code == 201, decided.text


@pytest.fixture
def cases(admin: ApiClient) -> dict[str, str]:
    """Four Västby cases (flagged with one person, with two, clear, not screened) and
    Östby's flagged one; a newer screening in Östby's nämnd under the clear case's ref.
    Returns the latest screening id per case."""
    import_document(admin, _registry())
    stored = [
        _case(FLAGGED_ONE, "w-bn", [{"person": "w-sok", "role": "sokande"}]),
        _case(
            FLAGGED_TWO,
            "w-bn",
            [
                {"organisation": "w-bolag", "role": "sokande"},
                {"person": "w-van", "role": "berord"},
            ],
        ),
        _case(CLEAR, "w-bn", [{"name": "Eva Granqvist", "role": "sokande"}]),
        _case(NOT_SCREENED, "w-bn", [{"name": "Eva Granqvist", "role": "sokande"}]),
        _case(OTHER, "o-bn", [{"person": "o-sok", "role": "sokande"}]),
    ]
    for case in stored:
        assert admin.post("/v1/cases", json=case).status_code == 201
    latest = {ref: _screen(admin, ref)["id"] for ref in (FLAGGED_ONE, FLAGGED_TWO, CLEAR, OTHER)}
    # Östby screens a case of its own inline under the same diarienummer as Västby's
    # clear case, later: it is not a screening of Västby's case and never counts for it.
    inline = _case(CLEAR, "o-bn", [{"person": "o-sok", "role": "sokande"}])
    assert _screen(admin, inline)["outcome"] == "flagged"
    return latest


def _status(html: str) -> dict[str, str]:
    """Diarienummer -> the row's status (second) cell as text, in the order of the table."""
    table = html[html.index('id="latest"') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', table, flags=re.S)
    out: dict[str, str] = {}
    for row in rows:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        if cells:
            out[text_of(cells[0])] = text_of(cells[1])
    return out


def _page(client: WebClient, **params: str) -> str:
    response = client.page("/arenden", params=params)
    assert response.status_code == 200, text_of(response.text)[:500]
    return response.text


def test_each_case_shows_the_status_of_its_latest_screening(
    browser_for: Callable[..., WebClient], admin: ApiClient, cases: dict[str, str]
) -> None:
    client = browser_for("screener", ["w-kommun"])
    html = _page(client)
    # Newest first; Östby's case neither shown nor counted.
    assert _status(html) == {
        NOT_SCREENED: "Ej granskat",
        CLEAR: "Utan anmärkning",
        FLAGGED_TWO: "Flaggat 1 jäv, 1 möjligt jäv",
        FLAGGED_ONE: "Flaggat 1 jäv",
    }
    assert list(_status(html)) == [NOT_SCREENED, CLEAR, FLAGGED_TWO, FLAGGED_ONE]
    assert "Ärenden du kan se: 4" in text_of(html)
    assert OTHER not in html and "Östby" not in html
    # The level is in the tag's text, not only its colour.
    assert re.search(r'class="govuk-tag govuk-tag--red">Flaggat<', html)
    assert re.search(r'class="govuk-tag govuk-tag--grey">Ej granskat<', html)

    # The nämnd decides: one case wholly, the other for one of its two people.
    _decide(admin, FLAGGED_ONE, "w-s2", "jav", cases[FLAGGED_ONE])
    _decide(admin, FLAGGED_TWO, "w-m1", "ej_jav", cases[FLAGGED_TWO])
    decided = _status(_page(client))
    assert decided[FLAGGED_ONE] == "Beslutat 1 jävig"
    assert decided[FLAGGED_TWO] == "Flaggat 1 möjligt jäv; 1 beslut registrerat"
    # Screened again: the decision settled the earlier screening, not the latest one.
    _screen(admin, FLAGGED_ONE)
    assert _status(_page(client))[FLAGGED_ONE] == "Flaggat 1 jäv"

    client.cookies.set("javskoll_lang", "en")
    english = _status(_page(client))
    assert english[NOT_SCREENED] == "Not screened"
    assert english[CLEAR] == "Nothing flagged"
    assert english[FLAGGED_TWO] == "Flagged 1 possible jäv; 1 decision recorded"


def test_filter_by_status_within_the_keys_scope(
    browser_for: Callable[..., WebClient], admin: ApiClient, cases: dict[str, str]
) -> None:
    _decide(admin, FLAGGED_ONE, "w-s2", "jav", cases[FLAGGED_ONE])
    _decide(admin, OTHER, "o-led", "jav", cases[OTHER])
    limited = browser_for("screener", ["w-kommun"])
    expected = {
        "ej_granskat": [NOT_SCREENED],
        "utan_anmarkning": [CLEAR],
        "flaggat": [FLAGGED_TWO],
        "beslutat": [FLAGGED_ONE],
    }
    for status, refs in expected.items():
        html = _page(limited, status=status)
        assert list(_status(html)) == refs, status
        assert f": {len(refs)}" in text_of(html)
        assert f'<option value="{status}" selected>' in html  # the filter stays chosen
    # An unlimited key sees Östby's case too, under its own status; Östby's inline
    # screening under the clear case's diarienummer still does not count for it.
    everyone = browser_for("screener")
    assert list(_status(_page(everyone, status="beslutat"))) == [OTHER, FLAGGED_ONE]
    assert list(_status(_page(everyone, status="utan_anmarkning"))) == [CLEAR]
    assert everyone.page("/arenden", params={"status": "ogiltig"}).status_code == 400


def test_the_list_reads_its_statuses_in_a_constant_number_of_statements(
    browser_for: Callable[..., WebClient],
    admin: ApiClient,
    cases: dict[str, str],
    connection: Connection,
) -> None:
    client = browser_for("screener", ["w-kommun"])

    def statements() -> int:
        with recorded_statements(connection) as seen:
            _page(client)
        return len(seen)

    before = statements()
    for n in range(20, 26):  # six more cases, each screened twice and flagged
        ref = f"VBN 2026/{n}"
        assert (
            admin.post(
                "/v1/cases", json=_case(ref, "w-bn", [{"person": "w-sok", "role": "sokande"}])
            ).status_code
            == 201
        )
        _screen(admin, ref)
        _screen(admin, ref)
    assert len(_status(_page(client))) == 10
    assert statements() == before


def test_pages_of_twenty_newest_first_keep_the_filter(
    browser_for: Callable[..., WebClient], admin: ApiClient, cases: dict[str, str]
) -> None:
    """Before, the list showed the first 20 cases ever stored under "Senaste ärenden"."""
    for n in range(30, 51):  # 21 more, not screened
        made = admin.post("/v1/cases", json=_case(f"VBN 2026/{n}", "w-bn", []))
        assert made.status_code == 201, made.text
    client = browser_for("screener", ["w-kommun"])
    first = _page(client, status="ej_granskat")
    assert list(_status(first)) == [f"VBN 2026/{n}" for n in range(50, 30, -1)]
    assert "Ärenden med status Ej granskat: 22" in text_of(first)
    assert 'href="/arenden?sida=2&amp;status=ej_granskat"' in first
    second = _page(client, status="ej_granskat", sida="2")
    assert list(_status(second)) == ["VBN 2026/30", NOT_SCREENED]


def test_the_case_page_shows_only_the_cases_own_screenings(
    browser_for: Callable[..., WebClient], admin: ApiClient, cases: dict[str, str]
) -> None:
    """Östby's later inline screening under Västby's clear case's diarienummer is not a
    screening of that case: before, an unlimited key's case page showed it as the case's
    latest, with Östby's people flagged, and offered to record decisions on it."""
    ostby = admin.get("/v1/screenings", params={"case": CLEAR}).json()["items"][0]
    assert ostby["id"] != cases[CLEAR] and ostby["outcome"] == "flagged"
    everyone = browser_for("screener")
    response = everyone.page(f"/arenden/{path_ref(CLEAR)}")
    assert response.status_code == 200, text_of(response.text)[:500]
    assert cases[CLEAR] in response.text
    assert ostby["id"] not in response.text
    assert "Östen Ek" not in text_of(response.text)
    assert (
        everyone.page(f"/arenden/{path_ref(CLEAR)}", params={"granskning": ostby["id"]}).status_code
        == 404
    )


def test_the_case_page_shows_when_a_screening_was_made_in_swedish_time(
    browser_for: Callable[..., WebClient], admin: ApiClient, cases: dict[str, str]
) -> None:
    """The API answers in UTC; the page shows the clock in Sweden (before: UTC, an hour or
    two off for the person reading it)."""
    made = admin.get(f"/v1/screenings/{cases[FLAGGED_ONE]}").json()["created_at"]
    moment = datetime.fromisoformat(made)
    assert moment.utcoffset() == timedelta(0)
    local = moment.astimezone(ZoneInfo("Europe/Stockholm"))
    assert local.utcoffset() in (timedelta(hours=1), timedelta(hours=2))
    html = browser_for("screener", ["w-kommun"]).page(f"/arenden/{path_ref(FLAGGED_ONE)}").text
    assert local.strftime("%Y-%m-%d %H:%M") in html
    assert moment.strftime("%Y-%m-%d %H:%M") not in html
