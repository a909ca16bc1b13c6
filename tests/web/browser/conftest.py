"""Session fixtures of the browser tests: one server, one browser."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.reliability.server import BOOTSTRAP_KEY, Server
from tests.support.databases import fresh_database
from tests.support.registry import CONTRACT_DOCUMENT
from tests.web.browser import world
from tests.web.browser.harness import (
    Site,
    require_browser,
    screenshot_dir,
    seed,
    start_chromium,
)
from tests.web.support import scenario

SCENARIO = "48-ledamot-sambo-soker-bygglov"


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    require_browser()
    root = tmp_path_factory.mktemp("browser")
    data = scenario(SCENARIO)
    with fresh_database(root) as url, Server(url, root / "server.log") as server:
        keys = seed(
            server.base_url,
            BOOTSTRAP_KEY,
            [data["registry"], CONTRACT_DOCUMENT, world.WORLD],
            [data["case"], *world.CASES],
        )
        downloads = root / "downloads"
        downloads.mkdir()
        driver = start_chromium(downloads)
        try:
            yield Site(
                server.base_url, keys, driver, downloads, screenshot_dir(root / "screenshots")
            )
        finally:
            driver.quit()


@pytest.fixture
def browser(site: Site) -> Site:
    """The shared browser, signed out and at its usual size."""
    site.driver.delete_all_cookies()
    site.driver.set_window_size(1280, 1000)
    return site
