"""A browser-like client of the web app: signs in with a key, sends forms with the CSRF
token of the page it last read, and reads pages back as text."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response

REPO = Path(__file__).resolve().parents[2]
# ../shared beside the repository (/work/main) or beside the worktrees (/work/wt/<name>).
SCENARIO_DIRS = (REPO.parent / "shared" / "scenarios", REPO.parent.parent / "shared" / "scenarios")

_CSRF = re.compile(r'name="csrf_token" value="([^"]*)"')


def scenario(name: str) -> dict[str, Any]:
    for folder in SCENARIO_DIRS:
        path = folder / f"{name}.json"
        if path.exists():
            loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            return loaded
    raise FileNotFoundError(f"scenario {name} not found in {SCENARIO_DIRS}")


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def text_of(html: str) -> str:
    """The visible text of a page, whitespace collapsed (for 'the page says X')."""
    without_tags = re.sub(
        r"<[^>]+>", " ", re.sub(r"<(script|style)[^>]*>.*?</\1>", "", html, flags=re.S)
    )
    return re.sub(r"\s+", " ", unescape(without_tags)).strip()


class WebClient(TestClient):
    """Keeps cookies like a browser; `form()` posts with the CSRF token of the last page."""

    def __init__(self, app: Any) -> None:
        super().__init__(app, raise_server_exceptions=True, follow_redirects=False)
        self.last_html = ""
        self.key = ""

    def page(self, path: str, **kwargs: Any) -> Response:
        response: Response = self.get(path, **kwargs)
        if response.headers.get("content-type", "").startswith("text/html"):
            self.last_html = response.text
        return response

    def sign_in(self, key: str, next_path: str = "/") -> Response:
        form = self.page(f"/logga-in?next={next_path}")
        response: Response = self.post(
            "/logga-in",
            data={
                "api_key": key,
                "csrf_token": csrf_of(form.text),
                "next": next_path,
            },
        )
        return response

    def form(self, path: str, data: dict[str, Any], *, csrf: str | None = None) -> Response:
        token = csrf if csrf is not None else csrf_of(self.last_html)
        response: Response = self.post(path, data={**data, "csrf_token": token})
        if response.headers.get("content-type", "").startswith("text/html"):
            self.last_html = response.text
        return response

    def follow(self, response: Response) -> Response:
        assert response.status_code == 303, response.text[:500]
        return self.page(response.headers["location"])
