"""docs/ui holds a screenshot of every page the browser tests photograph, and the README's
web section shows or links each of them (no picture missing, none left over)."""

from __future__ import annotations

import re

from tests.web.support import REPO

UI = REPO / "docs" / "ui"


def _taken() -> set[str]:
    """The names the browser tests pass to `screenshot(...)`: literally, or from the
    registry test's (path, name, expected) rows."""
    names: set[str] = set()
    for path in (REPO / "tests" / "web" / "browser").glob("test_*.py"):
        text = path.read_text(encoding="utf-8")
        names |= set(re.findall(r'\.screenshot\("([^"]+)"\)', text))
        names |= set(re.findall(r'\(\s*"/register/[^"]+",\s*"([^"]+)"', text))
    return names


def test_every_photographed_page_is_in_docs_ui_and_nothing_else() -> None:
    taken = _taken()
    assert {"sammantrade", "sammantrade-narvaro", "arende-nytt", "revision"} <= taken
    assert {p.stem for p in UI.glob("*.png")} == taken


def test_the_readme_links_every_screenshot() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"\(docs/ui/([^)]+)\.png\)", readme))
    assert linked == {p.stem for p in UI.glob("*.png")}
