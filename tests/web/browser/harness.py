"""A real Chromium (Debian's, through chromedriver) against a real `javskoll serve`.

One browser and one server per test session: the server runs on a fresh database
(SQLite or PostgreSQL, as the suite), seeded through the API with scenario 48 and the
contract's registry and one key per role. axe-core (vendored in tests/web/vendor) is
injected into each page to check WCAG 2.0/2.1 A and AA.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM = os.environ.get("JAVSKOLL_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("JAVSKOLL_CHROMEDRIVER", "/usr/bin/chromedriver")
WAIT_SECONDS = 20.0


def browser_available(chromium: str = CHROMIUM, chromedriver: str = CHROMEDRIVER) -> bool:
    return Path(chromium).exists() and Path(chromedriver).exists()


def require_browser(
    environ: Mapping[str, str] = os.environ,
    chromium: str = CHROMIUM,
    chromedriver: str = CHROMEDRIVER,
) -> None:
    """In CI (CI=true, as `.ci/run` sets it) a missing browser fails the run; on a
    workstation it skips, saying why. Tested in tests/web/test_browser_requirement.py."""
    if browser_available(chromium, chromedriver):
        return
    message = (
        f"Chromium ({chromium}) or chromedriver ({chromedriver}) is missing: "
        "apt-get install -y chromium chromium-driver"
    )
    if environ.get("CI", "").strip().lower() in ("1", "true", "yes"):
        pytest.fail(message)
    pytest.skip(message)


def start_chromium(downloads: Path) -> WebDriver:
    options = Options()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,1000",
        "--lang=sv-SE",
        "--force-device-scale-factor=1",
        "--hide-scrollbars",
    ):
        options.add_argument(argument)
    options.add_experimental_option(
        "prefs",
        {
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
        },
    )
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    driver.set_script_timeout(60)
    return driver


@dataclass
class Site:
    """The running server, its keys per role, and the browser."""

    base_url: str
    keys: dict[str, str]
    driver: WebDriver
    downloads: Path
    screenshots: Path
    axe_source: str = field(default_factory=lambda: AXE.read_text(encoding="utf-8"))

    def url(self, path: str) -> str:
        return self.base_url + path

    def open(self, path: str) -> None:
        self.driver.get(self.url(path))

    def sign_in(self, role: str) -> None:
        self.driver.delete_all_cookies()
        self.open("/logga-in")
        self.driver.find_element(By.ID, "api_key").send_keys(self.keys[role])
        self.driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        self.wait_for(lambda: "/logga-in" not in self.driver.current_url, "sign-in")

    def wait_for(self, condition: Any, what: str) -> None:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.05)
        raise AssertionError(f"waited {WAIT_SECONDS}s for {what}: {self.driver.current_url}")

    def text(self) -> str:
        return str(self.driver.find_element(By.TAG_NAME, "body").text)

    def axe(self) -> None:
        """Zero WCAG 2.0/2.1 A and AA violations on the page as it is now."""
        self.driver.execute_script(self.axe_source)
        result = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
            ".then(r => done(r.violations.map(v => ({id: v.id, help: v.help,"
            " nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)}))))"
            ".catch(e => done([{id: 'axe-error', help: String(e), nodes: []}]));",
            WCAG_TAGS,
        )
        assert result == [], f"axe on {self.driver.current_url}: {result}"

    def screenshot(self, name: str) -> Path:
        """The whole page at 1280 px wide (the window grows to the page's height)."""
        height = int(
            self.driver.execute_script("return Math.ceil(document.documentElement.scrollHeight)")
        )
        self.driver.set_window_size(1280, max(height + 140, 600))
        # Nothing is cut off in the picture: no table scrolls sideways at this width.
        clipped = self.driver.execute_script(
            "return [...document.querySelectorAll('.app-table-wrap')]"
            ".filter(e => e.scrollWidth > e.clientWidth + 1)"
            ".map(e => (e.querySelector('caption') || e).textContent.trim().slice(0, 60));"
        )
        assert clipped == [], f"{name}: tables wider than the page at 1280 px: {clipped}"
        path = self.screenshots / f"{name}.png"
        self.driver.save_screenshot(str(path))
        self.driver.set_window_size(1280, 1000)
        return path

    def focused(self) -> WebElement:
        return self.driver.switch_to.active_element

    def tab_to(self, element_id: str, limit: int = 80) -> WebElement:
        """Tab from wherever the focus is until it reaches the element, as a user would."""
        for _ in range(limit):
            self.focused().send_keys(Keys.TAB)
            if self.focused().get_attribute("id") == element_id:
                return self.focused()
        raise AssertionError(f"Tab never reached #{element_id} on {self.driver.current_url}")

    def case_url(self, ref: str) -> str:
        return "/arenden/" + quote(ref, safe="")


def seed(
    base_url: str, admin_key: str, documents: list[dict[str, Any]], cases: list[dict[str, Any]]
) -> dict[str, str]:
    """Registry and cases through the API; a key per role (and a limited one) minted."""
    keys = {"admin": admin_key}
    with httpx.Client(
        base_url=base_url, timeout=60, headers={"Authorization": f"Bearer {admin_key}"}
    ) as api:
        for document in documents:
            api.post("/v1/import", json=document).raise_for_status()
        for case in cases:
            api.post("/v1/cases", json=case).raise_for_status()
        names = {
            "admin": "Anna Admin",
            "registry": "Rut Registrator",
            "screener": "Sara Sekreterare",
            "auditor": "Åke Revisor",
        }
        for role in ("registry", "screener", "auditor"):
            made = api.post("/v1/apikeys", json={"name": names[role], "role": role})
            keys[role] = made.raise_for_status().json()["key"]
        limited = api.post(
            "/v1/apikeys",
            json={"name": "Bo Ankeby", "role": "auditor", "organisations": ["ankeby"]},
        )
        keys["limited"] = limited.raise_for_status().json()["key"]
    return keys


def screenshot_dir(tmp: Path) -> Path:
    """docs/ui when JAVSKOLL_UI_SCREENSHOTS names it (to refresh the README's pictures),
    else a temporary folder (the screenshots are still taken, so the code is tested)."""
    target = os.environ.get("JAVSKOLL_UI_SCREENSHOTS")
    folder = Path(target) if target else tmp
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def clean(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
