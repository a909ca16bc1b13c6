"""The browser tests never skip silently in CI: without Chromium they fail there, and skip
(saying why) only on a workstation. `.ci/run` sets CI=true and installs the browser."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.web.browser.harness import require_browser

MISSING = "/nonexistent/chromium"
REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("value", ["true", "TRUE", "1", "yes"])
def test_in_ci_a_missing_browser_fails_the_run(value: str) -> None:
    with pytest.raises(pytest.fail.Exception, match="chromium"):
        require_browser({"CI": value}, MISSING, MISSING)


def test_on_a_workstation_a_missing_browser_skips_saying_why() -> None:
    with pytest.raises(pytest.skip.Exception, match="apt-get install -y chromium"):
        require_browser({}, MISSING, MISSING)


def test_ci_run_sets_ci_and_installs_the_browser_before_the_tests() -> None:
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert 'export CI="${CI:-true}"' in script
    install = script.index("apt-get install -y -q chromium chromium-driver")
    assert install < script.index("run_suite sqlite")
