"""An HTTP client bound to one API key, over the real app and the test session."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi.testclient import TestClient


def path_ref(ref: str) -> str:
    """Percent-encode a ref for a URL path (diarienummer hold spaces and '/')."""
    return quote(ref, safe="")


class ApiClient(TestClient):
    def __init__(self, app: Any, key: str | None) -> None:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        super().__init__(app, headers=headers, raise_server_exceptions=False)
        self.key = key
