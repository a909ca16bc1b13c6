"""The Sammanträde pages: prepare a meeting from an agenda, read it item by item, edit
the attendance, download the Word document; the same answers as /v1/meetings."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import quote

from docx import Document

from tests.support.api import ApiClient
from tests.web.support import WebClient, text_of

CASE = "S48 MBN 2024/311"
MEETING = "MBN 2024-10-08"
MEETING_URL = "/sammantraden/" + quote(MEETING, safe="")


def _prepare(client: WebClient) -> str:
    client.page("/sammantraden")
    response = client.form(
        "/sammantraden/nytt",
        {
            "ref": MEETING,
            "committee": "s48-mbn",
            "date": "2024-10-08",
            "agenda": f"§ 45; {CASE}\n",
        },
    )
    assert response.status_code == 303, text_of(response.text)
    return client.follow(response).text


def test_prepare_a_meeting_and_read_each_item(
    browser_for: Any, scenario_case: dict[str, Any], admin: ApiClient
) -> None:
    html = _prepare(browser_for("screener"))
    text = text_of(html)
    api = admin.get(f"/v1/meetings/{quote(MEETING, safe='')}").json()
    item = api["items"][0]
    assert "Dagordningen är granskad och sparad." in text
    assert f"§ 45 {CASE}" in text
    for person in item["steps_out"]:
        assert person["name"] in text
    assert f"{item['serving']} av {item['seats_total']} (minst {item['quorum']})" in text
    assert item["minutes"]["sv"] in text
    assert 'class="govuk-task-list"' in html
    # Audited like the API's POST: the meeting and the item's screening.
    kinds = [e["kind"] for e in admin.get("/v1/audit").json()["items"]]
    assert "meeting.create" in kinds and "screening" in kinds


def test_edit_the_attendance(
    browser_for: Any, scenario_case: dict[str, Any], admin: ApiClient
) -> None:
    client = browser_for("screener")
    _prepare(client)
    response = client.form("/sammantraden/narvaro", {"ref": MEETING, "present": ["s48-ers"]})
    assert response.status_code == 303, text_of(response.text)
    page = client.follow(response)
    api = admin.get(f"/v1/meetings/{quote(MEETING, safe='')}").json()
    assert api["present"] == ["s48-ers"] and api["absent"] == ["s48-led"]
    assert api["version"] == 2
    item = api["items"][0]
    text = text_of(page.text)
    assert "Närvaron är ändrad" in text
    assert ("Inte beslutför" in text) is (not item["quorate"])
    assert item["minutes"]["sv"] in text


def test_word_document(browser_for: Any, scenario_case: dict[str, Any]) -> None:
    client = browser_for("auditor")
    _prepare(browser_for("screener"))
    response = client.get(MEETING_URL + "?dokument=word")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    assert CASE in "\n".join(p.text for p in document.paragraphs)


def test_readers_read_writers_write(browser_for: Any, scenario_case: dict[str, Any]) -> None:
    _prepare(browser_for("screener"))
    auditor = browser_for("auditor")
    page = auditor.page(MEETING_URL)
    assert page.status_code == 200 and 'action="/sammantraden/narvaro"' not in page.text
    assert auditor.form("/sammantraden/narvaro", {"ref": MEETING}).status_code == 403


def test_agenda_errors_at_the_field(
    browser_for: Any, scenario_case: dict[str, Any], admin: ApiClient
) -> None:
    client = browser_for("screener")
    client.page("/sammantraden")
    response = client.form(
        "/sammantraden/nytt",
        {
            "ref": MEETING,
            "committee": "s48-mbn",
            "date": "2024-10-08",
            "agenda": "§ 45; S48 MBN 1999/1",
        },
    )
    assert response.status_code == 422
    assert 'href="#agenda"' in response.text and 'id="agenda-error"' in response.text
    assert admin.get("/v1/meetings").json()["total"] == 0


def test_a_meeting_out_of_scope_is_a_404(browser_for: Any, scenario_case: dict[str, Any]) -> None:
    _prepare(browser_for("screener"))
    limited = browser_for("screener", ["ankeby"])
    assert limited.page(MEETING_URL).status_code == 404
    assert limited.get(MEETING_URL + "?dokument=word").status_code == 404
    limited.page("/sammantraden")
    assert limited.form("/sammantraden/narvaro", {"ref": MEETING}).status_code == 404


def test_the_page_names_who_leads_the_prövning_of_the_chairs_jäv(
    browser_for: Any, admin: ApiClient
) -> None:
    """The ordförande is a close friend of the applicant (mojligt_jav): the item's card says
    who chairs the nämnd's decision on his jäv (KL 6 kap. 30 § tredje stycket)."""
    from tests.meetings.world import case, world
    from tests.support.registry import import_document

    doc = world()
    doc["relations"].append({"person": "l-ordf", "related": "p-granne", "kind": "nara_van"})
    import_document(admin, doc)
    meeting = {
        "ref": "BN Q-web",
        "committee": "bn",
        "date": "2026-03-10",
        "items": [{"paragraph": "§ 1", "case": case("Q web/1", ("p-granne", "sokande"))}],
    }
    assert admin.post("/v1/meetings", json=meeting).status_code == 201
    client = browser_for("screener")
    text = text_of(client.page("/sammantraden/" + quote("BN Q-web", safe="")).text)
    assert "Leder prövningen av ordförandens jäv: Vera Vice" in text, text[:2000]
