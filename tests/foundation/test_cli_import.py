"""`javskoll import` as a real process: a progress bar on a pseudo-terminal, only the
summary on a pipe, the same validation and audit entry as POST /v1/import, CSV exports
mapped by their columns, and a bad file that changes nothing and says where it is wrong."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func
from sqlalchemy import select as sql_select
from sqlalchemy.pool import NullPool

from app.models import Appointment, AuditEntry, Person
from tests.support.registry import contract_document

JAVSKOLL = str(Path(sys.executable).with_name("javskoll"))
PERSONS = 10_000


def _env(database_url: str) -> dict[str, str]:
    inherited = {k: v for k, v in os.environ.items() if k != "JAVSKOLL_BOOTSTRAP_KEY"}
    return {**inherited, "DATABASE_URL": database_url, "PYTHONWARNINGS": "ignore"}


def _run(
    args: list[str], database_url: str, stdin: bytes | None = None
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [JAVSKOLL, "import", *args],
        env=_env(database_url),
        input=stdin.decode() if stdin is not None else None,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return result


def _on_a_terminal(args: list[str], database_url: str) -> tuple[int, str]:
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [JAVSKOLL, "import", *args],
        env={**_env(database_url), "COLUMNS": "100"},
        stdin=subprocess.DEVNULL,
        stdout=terminal,
        stderr=terminal,
    )
    os.close(terminal)
    output = bytearray()
    while True:
        ready, _, _ = select.select([controller], [], [], 600)
        if not ready:
            process.kill()
            raise AssertionError("no output for 600 s: " + output.decode(errors="replace"))
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed: the process ended
            break
        if not chunk:
            break
        output.extend(chunk)
    os.close(controller)
    return process.wait(60), output.decode(errors="replace")


def _large_document() -> dict[str, Any]:
    return {
        "organisations": [{"ref": "stor", "kind": "kommun", "name": "Storby kommun"}],
        "committees": [
            {
                "ref": "stor-ks",
                "organisation": "stor",
                "kind": "styrelse",
                "name": "Kommunstyrelsen",
            }
        ],
        "persons": [{"ref": f"p-{n:05d}", "name": f"Person {n}"} for n in range(PERSONS)],
        "appointments": [
            {"person": f"p-{n:05d}", "body": {"committee": "stor-ks"}, "role": "ledamot"}
            for n in range(11)
        ],
    }


def _counts(database_url: str) -> tuple[int, int, int]:
    engine = create_engine(database_url, poolclass=NullPool)
    with engine.connect() as connection:
        persons = connection.scalar(sql_select(func.count()).select_from(Person))
        appointments = connection.scalar(sql_select(func.count()).select_from(Appointment))
        audit = connection.scalar(sql_select(func.count()).select_from(AuditEntry))
    engine.dispose()
    return int(persons or 0), int(appointments or 0), int(audit or 0)


def test_a_large_import_shows_progress_on_a_terminal_and_only_a_summary_on_a_pipe(
    tmp_database: str, tmp_path: Path
) -> None:
    document = tmp_path / "registry.json"
    document.write_text(json.dumps(_large_document()))

    code, screen = _on_a_terminal([str(document)], tmp_database)
    assert code == 0, screen
    assert "importing" in screen and "%" in screen
    # The bar is redrawn in place ('\r') as sections are written, and ends full.
    assert screen.count("\r") >= 3
    assert f"{2 * (PERSONS + 13)}/{2 * (PERSONS + 13)}" in screen
    assert f"imported: {PERSONS + 13} created, 0 updated, 0 unchanged" in screen
    assert _counts(tmp_database)[:2] == (PERSONS, 11)

    piped = _run(["-"], tmp_database, stdin=document.read_bytes())
    assert piped.returncode == 0, piped.stderr
    assert piped.stderr == ""
    assert piped.stdout.splitlines() == [
        f"imported: 0 created, 0 updated, {PERSONS + 13} unchanged; nothing changed, no audit entry"
    ]


def test_the_audit_entry_is_the_api_imports(tmp_database: str, tmp_path: Path) -> None:
    document = tmp_path / "contract.json"
    document.write_text(json.dumps(contract_document()))
    result = _run([str(document)], tmp_database)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("audit entry 1")
    engine = create_engine(tmp_database, poolclass=NullPool)
    with engine.connect() as connection:
        entry = connection.execute(sql_select(AuditEntry)).one()
    engine.dispose()
    assert entry.kind == "registry.import"
    assert (entry.actor_key_id, entry.actor_name) == (None, "cli")
    payload = json.loads(entry.payload)
    assert payload["data"]["counts"]["persons"]["created"] == 2


def test_hr_csv_exports_are_mapped_by_their_columns(tmp_database: str, tmp_path: Path) -> None:
    registry = tmp_path / "registry.json"
    registry.write_text(json.dumps(contract_document()))
    persons = tmp_path / "personal.csv"
    # As Excel on Swedish Windows saves it: ';', Windows-1252, Swedish headers.
    persons.write_bytes(
        "Anställningsnummer;Förnamn;Efternamn;Personnummer\r\n"
        "hr-1;Åsa;Öberg;19811218-9876\r\n"
        "hr-2;Lars;Ek;\r\n".encode("cp1252")
    )
    appointments = tmp_path / "uppdrag.csv"
    appointments.write_text(
        "anstallningsnummer,nämnd,roll,från,till\n"
        "hr-1,ab-mbn,ledamot,2023-01-01,\n"
        "hr-2,ab-mbn,ersattare,2023-01-01,2026-12-31\n",
        encoding="utf-8",
    )
    result = _run([str(registry), str(persons), str(appointments)], tmp_database)
    assert result.returncode == 0, result.stderr
    assert "persons 4" in result.stdout and "appointments 4" in result.stdout
    engine = create_engine(tmp_database, poolclass=NullPool)
    with engine.connect() as connection:
        asa = connection.execute(sql_select(Person).where(Person.ref == "hr-1")).one()
        lars_to = connection.scalar(
            sql_select(Appointment.valid_to)
            .join(Person, Person.id == Appointment.person_id)
            .where(Person.ref == "hr-2")
        )
    engine.dispose()
    assert asa.name == "Åsa Öberg" and asa.personnummer_masked is not None
    assert "19811218-9876" not in (asa.personnummer_masked or "")  # kept masked only
    assert str(lars_to) == "2026-12-31"


def test_bad_files_change_nothing_and_say_where(tmp_database: str, tmp_path: Path) -> None:
    registry = tmp_path / "registry.json"
    registry.write_text(json.dumps(contract_document()))
    before = _counts(tmp_database)

    persons = tmp_path / "persons.csv"
    persons.write_text(
        "ref;name;personnummer\nhr-1;Eva Ek;19700101-1233\nhr-2;Bo Ek;19700101-1234\n"
    )
    result = _run([str(registry), str(persons)], tmp_database)
    assert result.returncode == 1
    assert result.stdout == ""
    assert f"{persons} line 3, column personnummer: " in result.stderr
    assert "19700101" not in result.stderr  # the personnummer is never echoed

    appointments = tmp_path / "appointments.csv"
    appointments.write_text("person,committee,role\nhr-9,ab-mbn,ledamot\n")
    result = _run(["--appointments", str(appointments), str(registry)], tmp_database)
    assert result.returncode == 1
    assert f"{appointments} line 2, column person: " in result.stderr

    unknown = tmp_path / "extra.csv"
    unknown.write_text("ref,name,shoe size\nhr-1,Eva,38\n")
    result = _run(["--persons", str(unknown)], tmp_database)
    assert result.returncode == 1
    assert f"{unknown} line 1: unknown column 'shoe size' for persons" in result.stderr

    broken = tmp_path / "broken.json"
    broken.write_text(
        '{"persons": [\n  {"ref": "p-1", "name": "A"},\n  {"ref": "p-2" "name": "B"}\n]}'
    )
    result = _run([str(broken)], tmp_database)
    assert result.returncode == 1
    assert f"{broken} line 3 column 17: not valid JSON" in result.stderr

    invalid = contract_document()
    invalid["persons"][1]["name"] = ""
    result = _run(["-"], tmp_database, stdin=json.dumps(invalid).encode())
    assert result.returncode == 1
    assert "<stdin> at /persons/1/name: " in result.stderr

    assert _counts(tmp_database) == before


def test_a_key_given_twice_in_a_json_file_is_refused_as_the_api_refuses_it(
    tmp_database: str, tmp_path: Path
) -> None:
    """POST /v1/import refuses a key repeated within one object (422 repeated_key); the
    command, which says it imports "exactly as POST /v1/import does", read the file with
    json.loads: the first "persons" section was dropped without a word, and a person
    given "name" twice was stored under the second."""
    before = _counts(tmp_database)
    twice = tmp_path / "twice.json"
    twice.write_text(
        '{"persons": [{"ref": "p-1", "name": "Eva Ek"}],\n'
        ' "persons": [{"ref": "p-2", "name": "Bo Ek", "name": "Bo Al"}]}'
    )
    result = _run([str(twice)], tmp_database)
    assert result.returncode == 1, result.stdout
    assert result.stdout == ""
    assert f"{twice} at /persons: the key is given more than once" in result.stderr
    assert f"{twice} at /persons/0/name: the key is given more than once" in result.stderr
    assert "Bo Al" not in result.stderr  # the values are never echoed

    constant = tmp_path / "nan.json"
    constant.write_text('{"persons": [{"ref": "p-1", "name": "Eva Ek", "x": NaN}]}')
    result = _run([str(constant)], tmp_database)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{constant}: not valid JSON (NaN is not valid JSON)" in result.stderr
    assert _counts(tmp_database) == before


def test_an_unreachable_database_is_one_plain_line(tmp_path: Path) -> None:
    document = tmp_path / "contract.json"
    document.write_text(json.dumps(contract_document()))
    result = _run([str(document)], "postgresql+psycopg://postgres@127.0.0.1:1/javskoll")
    assert result.returncode == 1 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        "javskoll: PostgreSQL at 127.0.0.1:1/javskoll is unreachable while applying migrations"
    )
