"""The web app in a real Chromium: each role signs in, a scenario case is screened and
decided, the registry and the audit pages are used, a report is downloaded and read
back, and every page passes axe-core (WCAG 2.1 A/AA) and works from the keyboard."""

from __future__ import annotations

import csv
import io

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from tests.web.browser.harness import Site

CASE = "S48 MBN 2024/311"
NAV = {
    "admin": ["Ärenden", "Sammanträden", "Register", "Revision"],
    "registry": ["Ärenden", "Sammanträden", "Register"],
    "screener": ["Ärenden", "Sammanträden", "Register"],
    "auditor": ["Ärenden", "Sammanträden", "Register", "Revision"],
}


def test_each_role_signs_in_sees_its_pages_and_signs_out(browser: Site) -> None:
    for role, pages in NAV.items():
        browser.sign_in(role)
        nav = [
            a.text
            for a in browser.driver.find_elements(
                By.CSS_SELECTOR, ".govuk-service-navigation__link"
            )
        ]
        assert nav == pages, role
        boxes = [a.text for a in browser.driver.find_elements(By.CSS_SELECTOR, "main h2 a")]
        assert boxes == pages, role  # the home page's areas in the menu's order
        # HttpOnly: the session cookie is invisible to scripts on the page.
        assert "javskoll_session" not in browser.driver.execute_script("return document.cookie")
        assert any(
            c["name"] == "javskoll_session" and c["httpOnly"] and c["sameSite"] == "Strict"
            for c in browser.driver.get_cookies()
        )
        browser.axe()
        browser.driver.find_element(By.CSS_SELECTOR, ".app-header__signout button").click()
        browser.wait_for(lambda: "/logga-in" in browser.driver.current_url, "signed out")
        browser.open("/arenden")
        assert "/logga-in" in browser.driver.current_url


def test_sign_in_page_and_its_error_state(browser: Site) -> None:
    browser.open("/logga-in")
    browser.axe()
    browser.screenshot("logga-in")
    browser.driver.find_element(By.ID, "api_key").send_keys("jk_wrong", Keys.ENTER)
    browser.wait_for(lambda: browser.driver.title.startswith("Fel: "), "the error title")
    summary = browser.driver.find_element(By.CSS_SELECTOR, ".govuk-error-summary")
    assert browser.focused() == summary  # focus lands on the error summary
    assert "Ange en giltig API-nyckel" in summary.text
    assert "jk_wrong" not in browser.driver.page_source
    browser.axe()


def test_keyboard_alone_screens_the_case(browser: Site) -> None:
    browser.sign_in("screener")
    browser.open(browser.case_url(CASE))
    body = browser.driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    skip = browser.focused()
    assert skip.get_attribute("class") == "govuk-skip-link"
    assert skip.value_of_css_property("background-color") != "rgba(0, 0, 0, 0)"  # visible
    skip.send_keys(Keys.ENTER)
    assert browser.focused().get_attribute("id") == "main"
    for _ in range(30):  # from the content, Tab reaches the main action
        browser.focused().send_keys(Keys.TAB)
        if browser.focused().get_attribute("id") == "screen-button":
            break
    button = browser.focused()
    assert button.get_attribute("id") == "screen-button"
    assert (
        button.value_of_css_property("outline-style") != "none"
        or button.value_of_css_property("box-shadow") != "none"
    )
    button.send_keys(Keys.ENTER)
    browser.wait_for(lambda: "granskning=" in browser.driver.current_url, "the screening")
    assert "Jessica Holmqvist" in browser.text()


def test_screen_see_the_jav_person_and_record_a_decision(browser: Site) -> None:
    browser.sign_in("screener")
    browser.open("/arenden")
    browser.axe()
    browser.screenshot("arenden")
    browser.driver.find_element(By.ID, "diarienummer").send_keys(CASE, Keys.ENTER)
    browser.wait_for(lambda: "S48" in browser.driver.title, "the case page")
    browser.driver.find_element(By.ID, "screen-button").click()
    browser.wait_for(lambda: "granskning=" in browser.driver.current_url, "the screening")
    card = browser.driver.find_element(By.ID, "person-s48-ers")
    assert "Jessica Holmqvist" in card.text and "Sakägar- och intressejäv" in card.text
    assert "6 kap. 28 § första stycket 1 kommunallagen (2017:725)" in card.text
    card.find_element(By.CSS_SELECTOR, ".govuk-details__summary").click()
    chain = card.find_elements(By.CSS_SELECTOR, ".app-chain__step")
    assert "Niklas Berg" in " ".join(step.text for step in chain)
    browser.axe()
    browser.screenshot("arende")
    Select(browser.driver.find_element(By.ID, "person")).select_by_value("s48-ers")
    browser.driver.find_element(By.ID, "decision").click()  # first radio: jävig
    browser.driver.find_element(By.ID, "protocol_paragraph").send_keys("§ 45")
    browser.tab_to("decision-continue").send_keys(Keys.ENTER)
    browser.wait_for(lambda: "Kontrollera" in browser.driver.title, "check your answers")
    browser.axe()
    browser.screenshot("arende-kontrollera-beslut")
    browser.driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    browser.tab_to("decision-save").send_keys(Keys.ENTER)
    browser.wait_for(lambda: "beslut=" in browser.driver.current_url, "the saved decision")
    assert "Nämndens beslut är registrerat" in browser.text()
    browser.axe()


def test_case_list_shows_each_status_and_filters_by_it(browser: Site) -> None:
    """After the decision above, the case list says so; the filter is a plain GET form."""
    browser.sign_in("screener")
    browser.open("/arenden")
    rows = {
        row.find_element(By.CSS_SELECTOR, "td").text: row.find_elements(By.CSS_SELECTOR, "td")[1]
        for row in browser.driver.find_elements(By.CSS_SELECTOR, "#latest tbody tr")
    }
    status = rows[CASE]
    assert status.text.split("\n") == ["Beslutat", "1 jävig"]
    assert "govuk-tag--blue" in status.find_element(By.CSS_SELECTOR, ".govuk-tag").get_attribute(
        "class"
    )
    Select(browser.driver.find_element(By.ID, "status")).select_by_visible_text("Beslutat")
    browser.driver.find_element(By.ID, "status").submit()
    browser.wait_for(lambda: "status=beslutat" in browser.driver.current_url, "the filter")
    assert browser.driver.find_element(By.ID, "status").get_attribute("value") == "beslutat"
    shown = browser.driver.find_elements(By.CSS_SELECTOR, "#latest tbody tr .govuk-tag")
    assert shown and {tag.text for tag in shown} == {"Beslutat"}
    assert "Ärenden med status Beslutat:" in browser.text()
    browser.axe()


def test_decision_form_errors_are_accessible(browser: Site) -> None:
    browser.sign_in("screener")
    browser.open(browser.case_url(CASE))
    Select(browser.driver.find_element(By.ID, "person")).select_by_value("")
    browser.driver.find_element(By.ID, "decision-continue").click()
    browser.wait_for(lambda: browser.driver.title.startswith("Fel: "), "the error page")
    browser.axe()


def test_register_pages(browser: Site) -> None:
    browser.sign_in("registry")
    browser.open("/register")
    browser.driver.find_element(By.ID, "namn").send_keys("Berg", Keys.ENTER)
    browser.wait_for(lambda: "namn=Berg" in browser.driver.current_url, "the search")
    assert "Niklas Berg" in browser.text()
    browser.axe()
    browser.screenshot("register")
    for path, name, expected in (
        ("/register/personer/s48-ers", "register-person", "Sambo"),
        ("/register/namnder/ab-mbn", "register-namnd", "Miljöförvaltningen"),
        ("/register/organisationer/ankeby", "register-organisation", "Ankeby Vatten AB"),
    ):
        browser.open(path)
        assert expected in browser.text(), path
        browser.axe()
        browser.screenshot(name)


def test_revision_verify_and_download_a_report(browser: Site) -> None:
    browser.sign_in("auditor")
    browser.open("/revision")
    assert browser.driver.find_element(By.CSS_SELECTOR, "figure svg[role=img]")
    browser.axe()
    browser.screenshot("revision")
    browser.driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    browser.tab_to("verify-button").send_keys(Keys.ENTER)
    browser.wait_for(lambda: "Kedjan är obruten" in browser.text(), "the verification")
    browser.axe()
    link = browser.driver.find_element(By.PARTIAL_LINK_TEXT, "Granskningar och fynd (CSV")
    link.click()
    browser.wait_for(
        lambda: any(p.suffix == ".csv" for p in browser.downloads.iterdir()), "the CSV download"
    )
    path = next(p for p in browser.downloads.iterdir() if p.suffix == ".csv")
    text = path.read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))  # Swedish CSV
    assert ("s48-ers", "sakägarjäv", "jäv") in {
        (r["person"], r["jävsgrund"], r["nivå"]) for r in rows
    }


def test_an_unresolved_flag_leads_to_the_screening_that_raised_it(browser: Site) -> None:
    browser.sign_in("auditor")
    browser.open("/revision")
    row = browser.driver.find_element(By.CSS_SELECTOR, "#unresolved tbody tr")
    case_link, screening_link = row.find_elements(By.CSS_SELECTOR, "a")[:2]
    ref = case_link.text
    assert case_link.get_attribute("href") == browser.url(browser.case_url(ref))
    target = screening_link.get_attribute("href").split("#")[1]
    screening_link.click()
    browser.wait_for(lambda: "granskning=" in browser.driver.current_url, "the screening")
    card = browser.driver.find_element(By.ID, target)  # the flagged person's card
    assert card.find_element(By.CSS_SELECTOR, ".govuk-tag").text in ("Jäv", "Möjligt jäv")
    browser.axe()


def test_out_of_scope_cannot_be_reached_by_url(browser: Site) -> None:
    browser.sign_in("limited")  # an auditor limited to Ankeby
    for path in (
        browser.case_url(CASE),
        "/register/personer/s48-ers",
        "/register/organisationer/s48-kommun",
        "/revision/rapporter/screenings?format=csv&organisation=s48-kommun",
    ):
        browser.open(path)
        assert browser.driver.title.startswith("Sidan finns inte"), path
        assert "Jessica" not in browser.driver.page_source
    browser.axe()
    browser.open("/arenden/nytt")  # an auditor may not enter cases: the 403 page
    assert browser.driver.title.startswith("Du saknar behörighet")
    browser.axe()
    browser.open("/register/organisationer/ankeby")
    assert "Ankeby kommun" in browser.text()


def test_english_and_the_accessibility_statement(browser: Site) -> None:
    browser.sign_in("auditor")
    browser.open("/")
    browser.screenshot("start")
    browser.driver.find_element(By.LINK_TEXT, "English").click()
    browser.wait_for(
        lambda: browser.driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en",
        "English",
    )
    assert "Screen cases for jäv" in browser.text()
    browser.axe()
    browser.driver.find_element(By.LINK_TEXT, "Svenska").click()
    browser.open("/tillganglighet")
    browser.axe()
    browser.screenshot("tillganglighet")


def test_pages_reflow_at_320_pixels(browser: Site) -> None:
    """400 % zoom of a 1280 px window: no horizontal scrolling of the page (WCAG 1.4.10)."""
    browser.sign_in("admin")
    browser.driver.set_window_size(320, 800)
    for path in (
        "/",
        "/arenden",
        browser.case_url(CASE),
        "/register?namn=Berg",
        "/register/namnder/ab-mbn",
        "/revision",
        "/arenden/nytt",
        "/sammantraden",
    ):
        browser.open(path)
        overflow = browser.driver.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        wide = browser.driver.execute_script(
            "const w = document.documentElement.clientWidth;"
            "return [...document.querySelectorAll('body *')]"
            ".filter(e => e.getBoundingClientRect().right > w + 1 && !e.closest('.app-table-wrap'))"
            ".slice(0, 5).map(e => e.tagName + '.' + e.className);"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 320px: {wide}"
