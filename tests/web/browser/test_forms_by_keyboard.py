"""The forms that write, used with the keyboard alone in a real Chromium: entering a case
with three parties ("Lägg till en part" re-renders the form, no JavaScript needed), its
errors at the row and field, and preparing a meeting whose attendance is then changed.
Every state passes axe-core (WCAG 2.1 A/AA) and is photographed for docs/ui."""

from __future__ import annotations

from urllib.parse import quote

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from tests.web.browser.harness import Site
from tests.web.browser.world import MEETING_CASE

NEW_CASE = "VBN 2026/15"
PNR = "19700101-1233"  # valid, of nobody in the registry


def start_from_main(browser: Site) -> None:
    """The skip link is the first Tab stop; Enter on it puts the focus in the content."""
    browser.driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    assert browser.focused().get_attribute("class") == "govuk-skip-link"
    browser.focused().send_keys(Keys.ENTER)
    assert browser.focused().get_attribute("id") == "main"


def type_into(browser: Site, element_id: str, *keys: str) -> None:
    browser.tab_to(element_id).send_keys(*keys)


def chosen(browser: Site, element_id: str) -> str:
    select = Select(browser.driver.find_element(By.ID, element_id))
    return str(select.first_selected_option.get_attribute("value"))


def add_party(browser: Site, number: int) -> None:
    """'Lägg till en part' from the keyboard: the form comes back with row `number`, and
    the next Tab goes into that row."""
    browser.tab_to("party-add").send_keys(Keys.ENTER)
    browser.wait_for(
        lambda: browser.driver.current_url.endswith(f"#party-{number}"), f"party row {number}"
    )
    browser.focused().send_keys(Keys.TAB)
    assert browser.focused().get_attribute("id") == f"party-{number}-kind"


def test_enter_a_case_with_three_parties_and_screen_it_keyboard_only(browser: Site) -> None:
    browser.sign_in("screener")
    browser.open("/arenden/nytt")
    browser.axe()
    start_from_main(browser)
    type_into(browser, "ref", NEW_CASE)
    type_into(browser, "title", "Bygglov för flerbostadshus, Västby 5:2")
    type_into(browser, "committee", "B")  # type-ahead: Byggnadsnämnden i Västby
    type_into(browser, "matter", "M")  # Myndighetsutövning
    type_into(browser, "decision_date", "2026-03-10")
    assert (chosen(browser, "committee"), chosen(browser, "matter")) == (
        "w-bn",
        "myndighetsutovning",
    )
    type_into(browser, "party-1-ref", "w-sok")  # a person in the registry, the applicant
    add_party(browser, 2)
    assert browser.driver.find_element(By.ID, "party-1-ref").get_attribute("value") == "w-sok"
    assert browser.driver.find_element(By.ID, "ref").get_attribute("value") == NEW_CASE
    browser.focused().send_keys(Keys.ARROW_DOWN)  # an organisation in the registry
    type_into(browser, "party-2-ref", "w-bolag")
    type_into(browser, "party-2-role", "P")  # Part
    add_party(browser, 3)
    browser.focused().send_keys(Keys.ARROW_DOWN, Keys.ARROW_DOWN)  # a person not registered
    type_into(browser, "party-3-ref", "Nils Granne")
    type_into(browser, "party-3-id_number", PNR)
    type_into(browser, "party-3-role", "B")  # Berörd
    assert [chosen(browser, f"party-{n}-kind") for n in (1, 2, 3)] == [
        "person",
        "organisation",
        "other_person",
    ]
    assert [chosen(browser, f"party-{n}-role") for n in (1, 2, 3)] == ["sokande", "part", "berord"]
    browser.axe()
    browser.driver.execute_script("window.scrollTo(0, 0)")
    browser.screenshot("arende-nytt")
    browser.tab_to("case-save").send_keys(Keys.ENTER)
    browser.wait_for(lambda: "sparat=arende" in browser.driver.current_url, "the stored case")
    text = browser.text()
    assert "Ulla Falk (Sökande)" in text and "Västby Bygg AB (Part)" in text
    assert "Nils Granne, 19700101-**** (Berörd)" in text and PNR not in browser.driver.page_source
    browser.tab_to("screen-button").send_keys(Keys.ENTER)
    browser.wait_for(lambda: "granskning=" in browser.driver.current_url, "the screening")
    # Two findings, one per party: the applicant's sambo and a board member of the company.
    sambo = browser.driver.find_element(By.ID, "person-w-s2")
    board = browser.driver.find_element(By.ID, "person-w-m1")
    assert "Johan Falk" in sambo.text and "Jäv" in sambo.text
    assert "Karin Wik" in board.text and "Jäv" in board.text
    browser.axe()
    browser.screenshot("arende-flera-parter")


def test_enter_in_a_field_saves_the_case_and_adds_no_party_row(browser: Site) -> None:
    """Enter in a text field submits with the form's default button: "Spara ärendet",
    not "Lägg till en part" (the first visible submit button), which stays one Tab stop
    away for adding a row without JavaScript."""
    browser.sign_in("screener")
    browser.open("/arenden/nytt")
    start_from_main(browser)
    type_into(browser, "ref", "VBN 2026/17")
    type_into(browser, "committee", "B")  # Byggnadsnämnden i Västby
    type_into(browser, "matter", "M")  # Myndighetsutövning
    type_into(browser, "decision_date", "2026-03-10")
    type_into(browser, "party-1-ref", "w-sok")  # the applicant, a person in the registry
    # The hidden default button is no Tab stop: from the last field of row 1, Tab goes
    # to "Lägg till en part".
    browser.tab_to("party-1-role").send_keys(Keys.TAB)
    assert browser.focused().get_attribute("id") == "party-add"
    for _ in range(3):  # back to the ref field: role, number, ref
        browser.focused().send_keys(Keys.SHIFT, Keys.TAB)
    assert browser.focused().get_attribute("id") == "party-1-ref"
    browser.focused().send_keys(Keys.ENTER)
    browser.wait_for(lambda: "sparat=arende" in browser.driver.current_url, "the stored case")
    assert "Ulla Falk (Sökande)" in browser.text()
    assert browser.driver.find_elements(By.ID, "party-2-ref") == []
    browser.axe()
    browser.tab_to("screen-button").send_keys(Keys.ENTER)
    browser.wait_for(lambda: "granskning=" in browser.driver.current_url, "the screening")
    assert "Johan Falk" in browser.driver.find_element(By.ID, "person-w-s2").text
    browser.axe()


def test_party_errors_are_shown_at_the_row_and_reached_from_the_summary(browser: Site) -> None:
    browser.sign_in("screener")
    browser.open("/arenden/nytt")
    start_from_main(browser)
    type_into(browser, "ref", "VBN 2026/16")
    type_into(browser, "committee", "B")
    type_into(browser, "matter", "M")
    type_into(browser, "party-1-ref", "ingen-sadan")  # nobody in the registry
    browser.tab_to("case-save").send_keys(Keys.ENTER)
    browser.wait_for(lambda: browser.driver.title.startswith("Fel: "), "the error page")
    summary = browser.driver.find_element(By.CSS_SELECTOR, ".govuk-error-summary")
    assert browser.focused() == summary  # focus lands on the error summary
    assert "Part 1: Ange referensen till en person som finns i registret" in summary.text
    link = summary.find_element(By.CSS_SELECTOR, "a")
    assert link.get_attribute("href").endswith("#party-1-ref")
    browser.axe()
    browser.screenshot("arende-nytt-fel")
    browser.focused().send_keys(Keys.TAB)
    assert browser.focused() == link
    link.send_keys(Keys.ENTER)  # the summary's link moves the focus to the field
    browser.wait_for(
        lambda: browser.focused().get_attribute("id") == "party-1-ref", "focus at the field"
    )
    assert browser.focused().get_attribute("value") == "ingen-sadan"  # what was typed kept
    assert browser.driver.find_element(By.ID, "ref").get_attribute("value") == "VBN 2026/16"
    # In English (the header's switch sets this cookie), the same errors in English.
    browser.driver.add_cookie({"name": "javskoll_lang", "value": "en", "path": "/"})
    browser.tab_to("case-save").send_keys(Keys.ENTER)
    browser.wait_for(lambda: browser.driver.title.startswith("Error: "), "the English errors")
    assert browser.driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    summary = browser.driver.find_element(By.CSS_SELECTOR, ".govuk-error-summary")
    assert "Party 1: Enter the ref of a person who is in the registry" in summary.text
    browser.axe()


def test_prepare_a_meeting_edit_attendance_and_download_word(browser: Site) -> None:
    browser.sign_in("screener")
    browser.open("/sammantraden")
    browser.axe()
    start_from_main(browser)
    type_into(browser, "ref", "VBN 2026-03-10")
    type_into(browser, "committee", "B")  # Byggnadsnämnden i Västby
    type_into(browser, "date", "2026-03-10")
    type_into(browser, "agenda", f"§ 7; {MEETING_CASE}")
    browser.tab_to("meeting-create").send_keys(Keys.ENTER)
    browser.wait_for(lambda: "sparat=ja" in browser.driver.current_url, "the meeting")
    # An empty form is refused at the fields, with the error summary focused.
    browser.open("/sammantraden")
    start_from_main(browser)
    browser.tab_to("meeting-create").send_keys(Keys.ENTER)
    browser.wait_for(lambda: browser.driver.title.startswith("Fel: "), "the error page")
    assert browser.focused().get_attribute("class").startswith("govuk-error-summary")
    browser.axe()
    browser.open("/sammantraden/" + quote("VBN 2026-03-10", safe=""))
    text = browser.text()
    assert f"§ 7 {MEETING_CASE}" in text and "Beslutförhet" in text
    # Johan Falk (S) lives with the applicant: he steps out, S's first ersättare sits.
    assert "Per Holm (S) för Johan Falk (jävig)" in text
    # The agenda's overview names him and his ersättare in the item's row.
    row = browser.driver.find_element(By.CSS_SELECTOR, "#oversikt tbody tr").text
    assert "Johan Falk (S)" in row and "Per Holm (S) för Johan Falk (jävig)" in row, row
    assert "punkt för punkt: 1 punkt" in browser.text()
    browser.axe()
    browser.screenshot("sammantrade")
    # Karin Wik (M) is not there: M's first ersättare takes her seat for every item.
    absent = browser.driver.find_element(By.CSS_SELECTOR, "input[name=present][value=w-m1]")
    browser.tab_to(str(absent.get_attribute("id"))).send_keys(Keys.SPACE)
    assert not absent.is_selected()
    browser.tab_to("attendance-save").send_keys(Keys.ENTER)
    browser.wait_for(lambda: "sparat=narvaro" in browser.driver.current_url, "the attendance")
    text = browser.text()
    assert "Närvaron är ändrad" in text
    assert "Rebecka Sjö (M) för Karin Wik (frånvarande)" in text
    assert "Per Holm (S) för Johan Falk (jävig)" in text
    browser.axe()
    browser.screenshot("sammantrade-narvaro")
    browser.driver.find_element(By.PARTIAL_LINK_TEXT, "(Word)").send_keys(Keys.ENTER)
    browser.wait_for(
        lambda: any(p.suffix == ".docx" for p in browser.downloads.iterdir()), "the Word download"
    )
    browser.open("/sammantraden")  # the list, with the meeting in it
    assert "VBN 2026-03-10" in browser.text()
    browser.axe()
    browser.screenshot("sammantraden")
