"""The Register pages: search by name, a person, a committee, an organisation."""

from __future__ import annotations

import json
from typing import Any

from tests.support.api import ApiClient
from tests.support.registry import CONTRACT_DOCUMENT, import_document
from tests.web.support import text_of


def test_search_persons_by_name(browser_for: Any, scenario_case: dict[str, Any]) -> None:
    client = browser_for("registry")
    page = client.page("/register", params={"namn": "holmqvist jessica"})
    assert page.status_code == 200
    text = text_of(page.text)
    assert "Personer som matchar ”holmqvist jessica”: 1 träffar" in text
    assert 'href="/register/personer/s48-ers"' in page.text
    assert '<th scope="col"' in page.text
    none = client.page("/register", params={"namn": "Ingen Alls"})
    assert "Ingen person som du kan se matchar" in text_of(none.text)


def test_a_person_with_appointments_relations_and_decisions(
    browser_for: Any, scenario_case: dict[str, Any]
) -> None:
    client = browser_for("screener")
    text = text_of(client.page("/register/personer/s48-ers").text)
    assert "Jessica Holmqvist" in text
    assert "Ersättare Miljö- och byggnadsnämnden 2023-01-01 – 2026-12-31" in text
    assert "Sambo Niklas Berg" in text
    # The relation read from the other side.
    assert "Sambo Jessica Holmqvist" in text_of(client.page("/register/personer/s48-sambo").text)


def test_a_committee_and_an_organisation(browser_for: Any, admin: ApiClient) -> None:
    import_document(admin, CONTRACT_DOCUMENT)
    client = browser_for("auditor")
    committee = text_of(client.page("/register/namnder/ab-mbn").text)
    assert "Miljö- och byggnämnden Ankeby-Borby" in committee
    assert "Borby kommun" in committee  # a participant of the gemensam nämnd
    assert "Miljöförvaltningen" in committee  # the administration serving it
    organisation = text_of(client.page("/register/organisationer/ankeby").text)
    assert "Ankeby Vatten AB" in organisation  # owned company
    assert "Tekniska nämnden" in organisation


def test_validity_reads_as_words_when_a_date_is_missing(browser_for: Any, admin: ApiClient) -> None:
    """Before, an interest with no dates read "… –" and one with only a start "2023-01-01 –"."""
    from tests.web.browser import world

    doc = json.loads(json.dumps(world.WORLD))
    doc["interests"] += [
        {"person": "w-m1", "organisation": "w-kommun", "kind": "medlem", "valid_to": "2025-12-31"},
        {
            "person": "w-m1",
            "organisation": "w-kommun",
            "kind": "uppdragstagare",
            "valid_from": "2022-01-01",
            "valid_to": "2022-12-31",
        },
    ]
    import_document(admin, doc)
    client = browser_for("registry")
    html = client.page("/register/personer/w-m1").text
    text = text_of(html)
    assert "Ledamot Byggnadsnämnden i Västby Från 2023-01-01" in text  # appointment
    assert "Styrelseledamot Västby Bygg AB – Tills vidare" in text  # no dates at all
    assert "Medlem Västby kommun – Till 2025-12-31" in text
    assert "Uppdragstagare Västby kommun – 2022-01-01 – 2022-12-31" in text
    assert "…" not in text
    committee = text_of(client.page("/register/namnder/w-bn").text)
    assert "Karin Wik Ledamot M 1 Från 2023-01-01" in committee
    client.cookies.set("javskoll_lang", "en")
    english = text_of(client.page("/register/personer/w-m1").text)
    assert "Since 2023-01-01" in english and "Until further notice" in english
    assert "Until 2025-12-31" in english
