"""A Python client generated from /openapi.json (openapi-python-client) screens a worked
scenario against a live `javskoll serve` (issue 10 item 3). Runs on the selected database
(SQLite, or PostgreSQL with JAVSKOLL_TEST_DATABASE_URL)."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from tests.reliability.server import BOOTSTRAP_KEY, Server
from tests.support.scenarios import load_scenario

PACKAGE = "javskoll_api_client"


@pytest.fixture
def server(tmp_database: str, tmp_path: Path) -> Iterator[Server]:
    with Server(tmp_database, tmp_path / "server.log") as running:
        yield running


def _generate(spec: dict[str, Any], out: Path) -> Path:
    (out / "openapi.json").write_text(json.dumps(spec), encoding="utf-8")
    # No post hooks: the generated code is imported, not linted.
    (out / "config.yaml").write_text("post_hooks: []\n", encoding="utf-8")
    generator = Path(sys.executable).parent / "openapi-python-client"
    result = subprocess.run(  # noqa: S603 - the generator from our own venv, fixed arguments
        [
            str(generator),
            "generate",
            "--path",
            "openapi.json",
            "--meta",
            "none",
            "--config",
            "config.yaml",
        ],
        cwd=out,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # Every schema and operation understood: the generator warns about what it drops.
    assert "Warning" not in result.stdout + result.stderr, result.stdout + result.stderr
    return out / PACKAGE


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"{PACKAGE}.{name}")


@pytest.fixture
def client_package(server: Server, tmp_path: Path) -> Iterator[Path]:
    spec = httpx.get(server.base_url + "/openapi.json", timeout=30).json()
    package = _generate(spec, tmp_path)
    assert package.is_dir(), "the package is named after the title: javskoll_api_client"
    sys.path.insert(0, str(tmp_path))
    try:
        yield package
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def test_a_generated_client_screens_a_scenario(server: Server, client_package: Path) -> None:
    scenario = load_scenario("48-")
    client_mod = _module("client")
    models = _module("models")
    client = client_mod.AuthenticatedClient(base_url=server.base_url, token=BOOTSTRAP_KEY)

    registry_import = _module("api.registry.registry_import")
    imported = registry_import.sync_detailed(
        client=client, body=models.RegistryImportImportDocument.from_dict(scenario["registry"])
    )
    assert imported.status_code == 200, imported.content
    assert isinstance(imported.parsed, models.ImportResult)
    assert imported.parsed.totals.created > 0

    cases_create = _module("api.cases.cases_create")
    stored = cases_create.sync_detailed(
        client=client, body=models.CaseIn.from_dict(scenario["case"])
    )
    assert stored.status_code == 201, stored.content
    assert isinstance(stored.parsed, models.CaseOut)
    assert stored.parsed.ref == scenario["case"]["ref"]

    screenings_create = _module("api.screening.screenings_create")
    body = models.ScreeningIn.from_dict({"case": scenario["case"]["ref"]})
    screened = screenings_create.sync_detailed(client=client, body=body)
    assert screened.status_code == 201, screened.content
    result = json.loads(screened.content)
    assert result["outcome"] == "flagged"
    jav = {f["person"] for f in result["findings"] if f["level"] == "jav"}
    assert jav == {
        p for p, want in scenario["expected"]["persons"].items() if want["level"] == "jav"
    }
    assert screened.parsed is not None  # the client read the answer into its model

    cases_get = _module("api.cases.cases_get")
    fetched = cases_get.sync(client=client, ref=scenario["case"]["ref"])
    assert isinstance(fetched, models.CaseOut)
    assert [p.role for p in fetched.parties] == [p["role"] for p in scenario["case"]["parties"]]


def test_the_generated_client_gets_problem_details(server: Server, client_package: Path) -> None:
    client_mod = _module("client")
    models = _module("models")
    client = client_mod.AuthenticatedClient(base_url=server.base_url, token=BOOTSTRAP_KEY)
    screenings_create = _module("api.screening.screenings_create")
    response = screenings_create.sync_detailed(
        client=client, body=models.ScreeningIn.from_dict({"case": "NO SUCH CASE"})
    )
    assert response.status_code == 404
    assert isinstance(response.parsed, models.Problem)
    assert response.parsed.status == 404
