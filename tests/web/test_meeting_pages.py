"""The Sammanträde pages: prepare a meeting from an agenda, read it item by item, edit
the attendance, download the Word document; the same answers as /v1/meetings."""

from __future__ import annotations

import io
import re
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
    assert 'id="oversikt"' in html  # the agenda as an overview table
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


def _overview_rows(html: str) -> dict[str, str]:
    """The agenda's overview table: the text of each row, by its paragraph."""
    table = re.search(r'<table class="govuk-table" id="oversikt">(.*?)</table>', html, re.S)
    assert table, "no overview table on the meeting page"
    assert re.search(r"<caption[^>]*>[^<]*4 punkter", table.group(1)), table.group(1)[:400]
    rows = re.findall(
        r"<tr[^>]*>\s*<th scope=\"row\"[^>]*>(.*?)</th>(.*?)</tr>", table.group(1), re.S
    )
    return {text_of(head): text_of(cells) for head, cells in rows}


def test_the_agenda_shows_at_a_glance_who_leaves_and_who_takes_the_seat(
    browser_for: Any, admin: ApiClient
) -> None:
    """The nämndsekreterare's overview: one row per item with who steps out (and why), who
    takes which seat and why it is free (jäv or absence), a seat nobody can take, who
    chairs and quorum; not only a count of those who leave."""
    from tests.support.registry import import_document
    from tests.web.browser import world

    import_document(admin, world.WORLD)
    stored = [world.MEETING_CASE, "VBN 2026/15", "VBN 2026/16", "VBN 2026/17"]
    for ref in stored:
        # The last item's applicant is nobody's närstående: an item without jäv.
        case = {**world.CASES[0], "ref": ref}
        if ref == stored[-1]:
            case["parties"] = [{"name": "Eva Granqvist", "role": "sokande"}]
        assert admin.post("/v1/cases", json=case).status_code == 201
    absent = ["w-m1", "w-m2", "w-ec1"]  # M's two ledamöter and C's ersättare are away
    meeting = {
        "ref": "VBN 2026-03-10",
        "committee": "w-bn",
        "date": "2026-03-10",
        "absent": absent,
        "items": [{"paragraph": f"§ {7 + i}", "case": ref} for i, ref in enumerate(stored)],
    }
    created = admin.post("/v1/meetings", json=meeting)
    assert created.status_code == 201, created.text
    item = created.json()["items"][0]
    html = browser_for("screener").page("/sammantraden/" + quote("VBN 2026-03-10", safe="")).text
    rows = _overview_rows(html)
    assert list(rows) == ["§ 7", "§ 8", "§ 9", "§ 10"], rows
    row = rows["§ 7"]
    assert world.MEETING_CASE in row and "Bygglov för tillbyggnad" in row
    assert "Johan Falk (S) Jäv" in row
    # Why each seat is free: the ledamot's jäv, or absence; a seat nobody can take.
    assert "Per Holm (S) för Johan Falk (jävig)" in row, row
    assert "Rebecka Sjö (M) för Karin Wik (frånvarande)" in row, row
    assert "Ingen ersättare för Leif Dahl (frånvarande)" in row, row
    assert "Ingrid Lund (S)" in row
    assert rows["§ 10"].startswith(
        "VBN 2026/17 Bygglov för tillbyggnad av enbostadshus, Västby 3:7 Ingen"
    )
    assert f"{item['serving']} av {item['seats_total']}" in row
    # The item's card says the same about its seats.
    card = text_of(html.split('id="punkt-1"', 1)[1].split('id="punkt-2"', 1)[0])
    assert "Per Holm (S) för Johan Falk (jävig)" in card
    assert "Ingen ersättare för Leif Dahl (frånvarande)" in card


def test_agenda_errors_name_the_line_and_what_is_wrong(
    browser_for: Any, scenario_case: dict[str, Any], admin: ApiClient
) -> None:
    """A long agenda with one bad line: the message says which line of the textarea and
    what is wrong with it, not only the format of every line; what was typed is kept."""
    client = browser_for("screener")
    client.page("/sammantraden")
    agenda = f"§ 45; {CASE}\n\n§ 46; S48 MBN 1999/1\n§ 47 {CASE}\n§ 45; {CASE}\n"
    response = client.form(
        "/sammantraden/nytt",
        {"ref": MEETING, "committee": "s48-mbn", "date": "2024-10-08", "agenda": agenda},
    )
    assert response.status_code in (400, 422)
    error = re.search(r'<p id="agenda-error"[^>]*>(.*?)</p>', response.text, re.S)
    assert error, response.text[:2000]
    message = text_of(error.group(1))
    # Lines as the user counts them in the textarea (the blank line 2 counts too).
    assert "Rad 3: Det finns inget ärende S48 MBN 1999/1; kontrollera diarienumret." in message, (
        message
    )
    assert "Rad 4: Skriv paragraf, semikolon och diarienummer" in message, message
    assert "Rad 5: Paragrafen § 45 finns redan på en tidigare rad" in message, message
    assert "Rad 1" not in message
    summary = text_of(response.text.split('class="govuk-error-summary"', 1)[1].split("</ul>")[0])
    assert "Rad 3:" in summary
    # What was typed is kept, line for line.
    assert agenda.replace("&", "&amp;").rstrip("\n") in response.text
    # In English too.
    client.get("/sprak?lang=en&next=/sammantraden")
    client.page("/sammantraden")
    english = client.form(
        "/sammantraden/nytt",
        {"ref": MEETING, "committee": "s48-mbn", "date": "2024-10-08", "agenda": agenda},
    )
    assert "Line 3: There is no case S48 MBN 1999/1" in text_of(english.text)
    assert admin.get("/v1/meetings").json()["total"] == 0
