"""`javskoll screen` as a real process: a readable result (persons, levels, grounds,
statute, explanation), `--json` as the API answers, refusals that say where."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support.registry import CONTRACT_CASE, contract_document

JAVSKOLL = str(Path(sys.executable).with_name("javskoll"))


def _run(
    args: list[str], database_url: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "JAVSKOLL_BOOTSTRAP_KEY"}
    return subprocess.run(
        [JAVSKOLL, *args],
        env={**env, "DATABASE_URL": database_url, "PYTHONWARNINGS": "ignore"},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _registry(database_url: str, tmp_path: Path) -> Path:
    registry = tmp_path / "registry.json"
    registry.write_text(json.dumps(contract_document()))
    assert _run(["import", str(registry)], database_url).returncode == 0
    case = tmp_path / "case.json"
    case.write_text(json.dumps(CONTRACT_CASE))
    return case


def test_screen_prints_who_may_be_disqualified_and_why(tmp_database: str, tmp_path: Path) -> None:
    case = _registry(tmp_database, tmp_path)
    result = _run(["screen", str(case)], tmp_database)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("MBN 2026/123 as of 2026-03-10: FLAGGED")
    assert "audit entry 2" in out.splitlines()[1]
    assert "  Anna Berg (p-anna), ledamot: jäv" in out
    assert "  Anna Berg (p-anna): jäv, ställföreträdarjäv (stallforetradare)" in out
    assert "    6 kap. 28 § första stycket 2 kommunallagen (2017:725)" in out
    assert "    sv: Anna Berg är gift med Olof Berg." in out
    assert "    en: Anna Berg is married to Olof Berg." in out
    assert "Structural risks" in out and "dubbla roller (dubbla_roller)" in out

    raw = _run(["screen", "--json", "--as-of", "2026-03-10", "-"], tmp_database, case.read_text())
    assert raw.returncode == 0, raw.stderr
    body = json.loads(raw.stdout)
    assert body["outcome"] == "flagged" and body["as_of"] == "2026-03-10"
    assert body["audit"]["id"] == 3 and body["id"].startswith("scr_")
    assert {(f["person"], f["ground"], f["level"]) for f in body["findings"]} == {
        ("p-anna", "stallforetradare", "jav"),
        ("p-olof", "stallforetradare", "jav"),
        ("p-olof", "tillsynsjav", "jav"),
    }


def test_a_case_the_service_refuses_is_not_screened_and_says_where(
    tmp_database: str, tmp_path: Path
) -> None:
    case = _registry(tmp_database, tmp_path)
    bad = dict(CONTRACT_CASE, committee="no-such-committee")
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    result = _run(["screen", str(path)], tmp_database)
    assert result.returncode == 1 and result.stdout == ""
    assert f"{path} at /committee: " in result.stderr

    wrong_date = _run(["screen", "--as-of", "10/3/2026", str(case)], tmp_database)
    assert wrong_date.returncode == 1
    assert " at /as_of: " in wrong_date.stderr

    missing = _run(["screen", "--stored", "MBN 1999/1"], tmp_database)
    assert missing.returncode == 1 and "not screened: No case 'MBN 1999/1'" in missing.stderr
