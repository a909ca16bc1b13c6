"""Logs a person can read at a terminal, JSON elsewhere; start-up failures in one line."""

from __future__ import annotations

import io
import json
import logging
import os
import pty
import socket
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.logformat import wants_json
from app.logging import RedactingFormatter, RedactingJsonFormatter, RequestIdFilter, redact

JAVSKOLL = str(Path(sys.executable).with_name("javskoll"))
PNR = "19700101-1233"
KEY = "jk_" + "s3cret" * 6


def test_auto_is_text_on_a_terminal_and_json_on_a_pipe() -> None:
    controller, terminal = pty.openpty()
    read_end, write_end = os.pipe()
    try:
        with open(terminal, "w", closefd=False) as tty, open(write_end, "w", closefd=False) as pipe:
            assert wants_json("auto", None, tty) is False
            assert wants_json("auto", None, pipe) is True
            # Asked for explicitly, the format holds whatever the stream is.
            assert wants_json("json", None, tty) is True
            assert wants_json("text", None, pipe) is False
            # The older JAVSKOLL_LOG_JSON switch still decides when the format is auto.
            assert wants_json("auto", True, tty) is True
            assert wants_json("auto", False, pipe) is False
    finally:
        for fd in (controller, terminal, read_end, write_end):
            os.close(fd)


def _record(message: str, **extra: object) -> logging.LogRecord:
    record = logging.LogRecord("app.access", logging.INFO, __file__, 1, message, None, None)
    record.__dict__.update(extra)
    RequestIdFilter().filter(record)
    return record


def test_both_formats_redact_personnummer_and_keys() -> None:
    record = _record(f"lookup {PNR} with Bearer {KEY}", path=f"/v1/persons/{PNR}", status=404)
    text = RedactingFormatter().format(record)
    assert PNR not in text and KEY not in text and "s3cret" not in text
    assert "INFO" in text and "app.access" in text and "status=404" in text
    assert "path=/v1/persons/[redacted]" in text
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)  # a line for a person, not a JSON object

    line = RedactingJsonFormatter("%(message)s %(levelname)s").format(
        _record(f"lookup {PNR}", path=f"/v1/persons/{PNR}")
    )
    parsed = json.loads(line)
    assert PNR not in line and parsed["path"] == "/v1/persons/[redacted]"


def test_the_time_of_a_json_line_is_never_taken_for_a_personnummer() -> None:
    """2026-12-06 11:42:49 UTC reads as 20261206-1142 (Luhn-valid) in logging's default."""
    record = _record("request")
    record.created = datetime(2026, 12, 6, 11, 42, 49, 528000, tzinfo=UTC).timestamp()
    record.msecs = 528.0
    line = RedactingJsonFormatter(
        "%(asctime)s %(message)s", rename_fields={"asctime": "time"}
    ).format(record)
    assert json.loads(line)["time"] == "2026-12-06T11:42:49.528Z"
    # The old spelling of the same instant is what the redactor (rightly) blanks.
    assert redact("2026-12-06 11:42:49,528") != "2026-12-06 11:42:49,528"


def test_text_lines_carry_exceptions_and_the_request_id() -> None:
    try:
        raise ValueError(f"bad {PNR}")
    except ValueError:
        record = _record("failed")
        record.exc_info = sys.exc_info()
    record.request_id = "req-1"
    text = RedactingFormatter().format(record)
    assert text.splitlines()[0].endswith("[req-1]")
    assert "ValueError: bad [redacted]" in text


def _serve(args: list[str], database_url: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "JAVSKOLL_BOOTSTRAP_KEY"}
    return subprocess.run(
        [JAVSKOLL, "serve", *args],
        env={**env, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_busy_port_is_one_plain_line(tmp_database: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = _serve(["--port", str(port)], tmp_database)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"javskoll: cannot start: port {port} on 127.0.0.1 is already in use (is Jävskoll "
        "already running?); stop that program or choose another port with --port"
    ]


def test_an_unreachable_database_is_one_plain_line() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead = probe.getsockname()[1]
    url = f"postgresql+psycopg://postgres@127.0.0.1:{dead}/javskoll"
    result = _serve(["--port", "0"], url)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(
        f"javskoll: cannot start: PostgreSQL at 127.0.0.1:{dead}/javskoll is unreachable "
        "while applying migrations: "
    )
    assert "Traceback" not in result.stderr


def test_a_refused_setting_is_one_plain_line(tmp_database: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JAVSKOLL_")}
    result = subprocess.run(
        [JAVSKOLL, "serve", "--port", "0"],
        env={**env, "DATABASE_URL": tmp_database, "JAVSKOLL_ENVIRONMENT": "production"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        "javskoll: cannot start: the configuration is refused: JAVSKOLL_HASH_SECRET must be set"
    )


def test_the_text_formatter_is_what_a_terminal_gets(tmp_path: Path) -> None:
    """configure_logging on a real pseudo-terminal writes readable lines."""
    script = (
        "import logging, sys\n"
        "from app.logformat import wants_json\n"
        "from app.logging import configure_logging\n"
        "configure_logging('INFO', wants_json('auto', None, sys.stderr))\n"
        f"logging.getLogger('app.test').info('hello {PNR}', extra={{'status': 200}})\n"
    )
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.DEVNULL, stdout=terminal, stderr=terminal
    )
    os.close(terminal)
    process.wait(timeout=60)
    output = io.BytesIO()
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal closed
            break
        if not chunk:
            break
        output.write(chunk)
    os.close(controller)
    text = output.getvalue().decode()
    assert "INFO    app.test  hello [redacted]  status=200" in text
    assert "{" not in text
