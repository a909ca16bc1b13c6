"""The Ärende pages through HTTP: find, screen, see the jävig person, record a decision."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

from tests.support.api import ApiClient
from tests.web.support import WebClient, text_of

CASE = "S48 MBN 2024/311"
CASE_URL = "/arenden/" + quote(CASE, safe="")


def _screen(client: WebClient) -> str:
    client.page(CASE_URL)
    response = client.form("/arenden/granska", {"ref": CASE})
    assert response.status_code == 303
    page = client.follow(response)
    assert page.status_code == 200
    return page.text


def test_find_a_case_by_diarienummer(browser_for: Any, scenario_case: dict[str, Any]) -> None:
    client = browser_for("screener")
    found = client.page("/arenden", params={"diarienummer": CASE})
    assert found.status_code == 303
    assert found.headers["location"] == CASE_URL
    missing = client.page("/arenden", params={"diarienummer": "S48 MBN 1999/1"})
    assert missing.status_code == 404
    assert "Det finns inget ärende med det diarienumret" in text_of(missing.text)
    assert 'href="#diarienummer"' in missing.text
    assert text_of(missing.text).startswith("Fel: ")


def test_screening_shows_the_jav_person_ground_statute_and_chain(
    browser_for: Any, scenario_case: dict[str, Any], admin: ApiClient
) -> None:
    client = browser_for("screener")
    html = _screen(client)
    text = text_of(html)
    assert "Jessica Holmqvist" in text  # the ersättare whose sambo applies
    assert "Sakägar- och intressejäv" in text  # ground `part`
    assert "6 kap. 28 § första stycket 1 kommunallagen (2017:725)" in text
    assert 'href="https://lagen.nu/2017:725"' in html
    assert "Niklas Berg" in text  # the sambo, in the evidence chain
    assert re.search(r'class="govuk-tag govuk-tag--red">Jäv<', html)
    assert "Arvid Öhman" in text and "Inget jäv funnet" in text
    # The page shows the screening the API stored and audited.
    listed = admin.get("/v1/screenings", params={"case": CASE}).json()
    assert listed["total"] == 1
    screening = listed["items"][0]
    assert screening["id"] in html
    assert f"Loggpost {screening['audit']['sequence']}" in text


def test_record_a_decision_after_checking_the_answers(
    browser_for: Any, scenario_case: dict[str, Any], admin: ApiClient
) -> None:
    client = browser_for("screener")
    _screen(client)
    screening = admin.get("/v1/screenings", params={"case": CASE}).json()["items"][0]
    answers = {
        "ref": CASE,
        "person": "s48-ers",
        "decision": "jav",
        "raised_by": "screening",
        "protocol_paragraph": "§ 45",
        "decided_on": "2024-10-08",
        "note": "",
        "screening": screening["id"],
    }
    check = client.form("/arenden/beslut", {**answers, "action": "check"})
    assert check.status_code == 200
    assert "Kontrollera beslutet innan du sparar" in text_of(check.text)
    assert admin.get(f"/v1/cases/{quote(CASE, safe='')}/decisions").json()["total"] == 0
    saved = client.form("/arenden/beslut", {**answers, "action": "save"})
    assert saved.status_code == 303
    page = client.follow(saved)
    assert "Nämndens beslut är registrerat" in text_of(page.text)
    stored = admin.get(f"/v1/cases/{quote(CASE, safe='')}/decisions").json()
    assert stored["total"] == 1
    decision = stored["items"][0]
    assert (decision["person"], decision["decision"], decision["screening"]) == (
        "s48-ers",
        "jav",
        screening["id"],
    )
    assert decision["settles"][0]["ground"] == "part"
    # Audited like its API twin: one `decision` entry, made by the signed-in key.
    entries = admin.get("/v1/audit", params={"kind": "decision"}).json()["items"]
    assert [e["sequence"] for e in entries] == [decision["audit"]["sequence"]]
    assert entries[0]["actor"]["name"] == "test-screener"


def test_a_decision_with_errors_is_shown_at_the_fields_and_not_saved(
    browser_for: Any, scenario_case: dict[str, Any], admin: ApiClient
) -> None:
    client = browser_for("screener")
    _screen(client)
    response = client.form(
        "/arenden/beslut",
        {
            "ref": CASE,
            "person": "",
            "decision": "jav",
            "obviously_insignificant": "true",
            "raised_by": "self",
            "decided_on": "8 oktober",
            "action": "save",
        },
    )
    assert response.status_code == 400
    html = response.text
    for field in ("person", "decided_on"):
        assert f'href="#{field}"' in html and f'id="{field}-error"' in html
    assert admin.get(f"/v1/cases/{quote(CASE, safe='')}/decisions").json()["total"] == 0


NEW_CASE = {
    "ref": "S48 MBN 2024/400",
    "title": "Strandskyddsdispens",
    "committee": "s48-mbn",
    "matter": "myndighetsutovning",
    "area": "bygg",
    "decision_date": "2024-11-12",
}
PNR = "19700101-1233"  # a valid personnummer of nobody in the registry


def _rows(*rows: tuple[str, str, str, str]) -> dict[str, str]:
    """Form fields of party rows: (kind, ref or name, personnummer/orgnr, role) each."""
    fields = {"party_rows": str(len(rows))}
    for n, (kind, ref, number, role) in enumerate(rows, start=1):
        fields |= {
            f"party-{n}-kind": kind,
            f"party-{n}-ref": ref,
            f"party-{n}-id_number": number,
            f"party-{n}-role": role,
        }
    return fields


def test_enter_a_case_with_three_parties(
    browser_for: Any, scenario_case: dict[str, Any], admin: ApiClient
) -> None:
    client = browser_for("screener")
    form = client.page("/arenden/nytt")
    assert 'name="party_rows" value="1"' in form.text and 'id="party-1-ref"' in form.text
    # "Lägg till en part" twice: the form comes back with one more row, all typed kept.
    typed = {**NEW_CASE, **_rows(("person", "s48-sambo", "", "sokande"))}
    added = client.form("/arenden/nytt", {**typed, "action": "add"})
    assert added.status_code == 200
    assert 'name="party_rows" value="2"' in added.text and 'id="party-2-ref"' in added.text
    assert 'value="s48-sambo"' in added.text and 'value="Strandskyddsdispens"' in added.text
    assert 'formaction="/arenden/nytt#party-3"' in added.text
    assert admin.get("/v1/cases", params={"limit": 500}).json()["total"] == 1  # nothing stored
    rows = _rows(
        ("person", "s48-sambo", "", "sokande"),
        ("organisation", "s48-kommun", "", "part"),
        ("other_person", "Nils Granne", PNR, "berord"),
        ("person", "", "", "sokande"),  # a blank row is not a party
    )
    response = client.form("/arenden/nytt", {**NEW_CASE, **rows, "action": "save"})
    assert response.status_code == 303, text_of(response.text)
    page = client.follow(response)
    text = text_of(page.text)
    assert "S48 MBN 2024/400: Strandskyddsdispens" in text
    assert "Niklas Berg (Sökande)" in text and "Nils Granne" in text
    stored = admin.get("/v1/cases/" + quote(NEW_CASE["ref"], safe="")).json()
    assert [
        (p.get("person") or p.get("organisation") or p.get("name"), p["role"])
        for p in stored["parties"]
    ] == [("s48-sambo", "sokande"), ("s48-kommun", "part"), ("Nils Granne", "berord")]
    assert stored["parties"][2]["personnummer_masked"] == "19700101-****"
    # Audited like its API twin, and the personnummer never in the page.
    assert PNR not in page.text
    entries = admin.get("/v1/audit", params={"kind": "case.create"}).json()["items"]
    assert entries[-1]["actor"]["name"] == "test-screener"


def test_party_errors_point_at_the_row_and_field_and_nothing_is_stored(
    browser_for: Any, scenario_case: dict[str, Any], admin: ApiClient
) -> None:
    client = browser_for("screener")
    client.page("/arenden/nytt")
    rows = _rows(
        ("person", "s48-sambo", "", "sokande"),
        ("person", "ingen-sadan", "", "part"),  # not in the registry
        ("organisation", "s48-kommun", "556000-0000", "part"),  # a number for a registered one
        ("other_person", "Nils Granne", "19700101-1234", "berord"),  # bad check digit
    )
    response = client.form(
        "/arenden/nytt", {**NEW_CASE, "decision_date": "12 nov", **rows, "action": "save"}
    )
    assert response.status_code == 400
    html, text = response.text, text_of(response.text)
    assert text.startswith("Fel: ")
    for field in ("decision_date", "party-3-id_number"):
        assert f'href="#{field}"' in html and f'id="{field}-error"' in html
    assert "Part 3: Nummer anges bara för en part som inte finns i registret" in text
    # Nothing was stored, everything typed is kept.
    assert admin.get("/v1/cases", params={"limit": 500}).json()["total"] == 1
    assert 'value="ingen-sadan"' in html and 'value="Nils Granne"' in html
    # With the form's own error fixed, the service's errors point at rows 2 and 4.
    rows["party-3-id_number"] = ""
    again = client.form("/arenden/nytt", {**NEW_CASE, **rows, "action": "save"})
    assert again.status_code == 422, text_of(again.text)
    html, text = again.text, text_of(again.text)
    for field in ("party-2-ref", "party-4-id_number"):
        assert f'href="#{field}"' in html and f'id="{field}-error"' in html
    assert "Part 2: Ange referensen till en person som finns i registret" in text
    assert "Part 4: Ange ett giltigt personnummer" in text
    # The summary lists the errors in the order of the fields on the page.
    assert html.index('href="#party-2-ref"') < html.index('href="#party-4-id_number"')
    assert admin.get("/v1/cases", params={"limit": 500}).json()["total"] == 1
    client.cookies.set("javskoll_lang", "en")
    english = client.form("/arenden/nytt", {**NEW_CASE, **rows, "action": "save"})
    assert "Add another party" in english.text
    assert "Party 2: Enter the ref of a person who is in the registry" in text_of(english.text)


def test_a_duplicate_case_is_refused_at_the_ref(
    browser_for: Any, scenario_case: dict[str, Any]
) -> None:
    client = browser_for("screener")
    client.page("/arenden/nytt")
    duplicate = client.form(
        "/arenden/nytt",
        {"ref": "S48 MBN 2024/311", "committee": "s48-mbn", "matter": "tillsyn"},
    )
    assert duplicate.status_code == 409
    assert 'href="#ref"' in duplicate.text


def test_an_auditor_reads_the_case_but_cannot_screen_or_decide(
    browser_for: Any, scenario_case: dict[str, Any]
) -> None:
    client = browser_for("auditor")
    page = client.page(CASE_URL)
    assert page.status_code == 200
    assert "Jävsgranska" not in text_of(page.text)
    assert 'action="/arenden/beslut"' not in page.text
    refused = client.form("/arenden/granska", {"ref": CASE})
    assert refused.status_code == 403


def test_a_person_screened_in_two_roles_is_one_card_naming_both(
    browser_for: Any, admin: ApiClient
) -> None:
    """A fullmäktige ledamot who is also staff serving fullmäktige is screened under both
    laws (KL 5:47 and 6:28): the page shows one card, with both roles, and the jäv."""
    from tests.rules.test_cases import registry_document
    from tests.support.registry import import_document

    add = {
        "administrations": [
            {
                "ref": "ankeby-klf",
                "organisation": "ankeby",
                "name": "Kommunledningen",
                "serves": ["ankeby-kf"],
            }
        ],
        "persons": [{"ref": "p-hans", "name": "Hans Ny"}],
        "appointments": [
            {"person": "p-hans", "body": {"administration": "ankeby-klf"}, "role": "handlaggare"},
            {"person": "p-hans", "body": {"committee": "ankeby-kf"}, "role": "ledamot"},
        ],
        "interests": [{"person": "p-hans", "organisation": "bygg-ab", "kind": "styrelseledamot"}],
    }
    doc = json.loads(json.dumps(registry_document({"use": "ankeby", "add": add}), default=str))
    import_document(admin, doc)
    case = {
        "ref": "KF 2024/77",
        "committee": "ankeby-kf",
        "area": "ovrigt",
        "matter": "avtal",
        "decision_date": "2024-05-01",
        "parties": [{"organisation": "bygg-ab", "role": "motpart"}],
    }
    assert admin.post("/v1/cases", json=case).status_code == 201
    client = browser_for("screener")
    client.page("/arenden/" + quote(case["ref"], safe=""))
    response = client.form("/arenden/granska", {"ref": case["ref"]})
    assert response.status_code == 303, response.text[:500]
    text = text_of(client.follow(response).text)
    assert text.count("Hans Ny (Ledamot") == 1  # one card (the decision form lists refs)
    assert "Hans Ny (Ledamot, Handläggare) Jäv" in text, text[:2000]


def _options(html: str, select_id: str) -> dict[str, str]:
    found = re.search(rf'<select[^>]* id="{select_id}"[^>]*>(.*?)</select>', html, flags=re.S)
    assert found, select_id
    pairs = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', found.group(1))
    return {value: text_of(text) for value, text in pairs if value}


def test_the_decision_forms_people_read_by_party_and_role_not_by_registry_code(
    browser_for: Any, admin: ApiClient
) -> None:
    """Before, every option read "Karin Wik (w-m1)": the registry's code, which the
    sekreterare does not know. Now party and role in the nämnd, and the code only where
    two options would read the same (two Karin Wik, both ledamot for M)."""
    from tests.support.registry import import_document
    from tests.web.browser import world

    doc = json.loads(json.dumps(world.WORLD))
    doc["persons"].append({"ref": "w-kw2", "name": "Karin Wik"})
    doc["appointments"].append(
        {
            "person": "w-kw2",
            "body": {"committee": "w-bn"},
            "role": "ledamot",
            "party": "M",
            "valid_from": world.FROM,
        }
    )
    import_document(admin, doc)
    case = world.CASES[0]
    assert admin.post("/v1/cases", json=case).status_code == 201
    client = browser_for("screener")
    client.page("/arenden/" + quote(case["ref"], safe=""))
    page = client.follow(client.form("/arenden/granska", {"ref": case["ref"]}))
    options = _options(page.text, "person")
    assert options["w-s2"] == "Johan Falk (S), ledamot"  # the jävig one, first
    assert options["w-ordf"] == "Ingrid Lund (S), ordförande"
    assert options["w-em1"] == "Rebecka Sjö (M), ersättare"
    assert options["w-m1"] == "Karin Wik (M), ledamot (w-m1)"
    assert options["w-kw2"] == "Karin Wik (M), ledamot (w-kw2)"
    assert not any(f"({ref})" in text for ref, text in options.items() if "Karin" not in text)
    screening = admin.get("/v1/screenings", params={"case": case["ref"]}).json()["items"][0]
    check = client.form(
        "/arenden/beslut",
        {
            "ref": case["ref"],
            "person": "w-s2",
            "decision": "jav",
            "raised_by": "screening",
            "decided_on": "2026-03-10",
            "screening": screening["id"],
            "action": "check",
        },
    )
    assert check.status_code == 200
    assert "Person Johan Falk (S), ledamot" in text_of(check.text)
    client.cookies.set("javskoll_lang", "en")
    english = _options(client.page("/arenden/" + quote(case["ref"], safe="")).text, "person")
    assert english["w-s2"] == "Johan Falk (S), member"
