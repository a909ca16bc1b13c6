"""The Register pages: search by name, a person, a committee, an organisation."""

from __future__ import annotations

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
