"""What `javskoll serve` checks before it serves, and how it says what went wrong.

A start-up failure is one plain line on stderr (`javskoll: cannot start: ...`) and exit
status 1, whatever the log format: a busy port, an unreachable database or a refused
setting is otherwise a traceback among the migration messages.
"""

from __future__ import annotations

import errno
import os
import shutil
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click
from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from app.config import Settings
from app.db import make_engine, make_sessionmaker
from app.metrics.exposition import prepare_multiprocess_dir
from app.metrics.server import start_metrics_server


class StartupError(click.ClickException):
    """Printed as `javskoll: cannot start: <message>`, exit status 1."""

    prefix = "javskoll: cannot start: "

    def show(self, file: object = None) -> None:
        click.echo(f"{self.prefix}{self.message}", err=True)


class DatabaseUnavailable(StartupError):
    """The same one line for a command that is not the service (`import`, `screen`)."""

    prefix = "javskoll: "


def cli_command() -> str:
    """How the user can run `javskoll` from where they stand.

    scripts/serve.sh sets JAVSKOLL_CLI (the path relative to the user's directory, since it
    changes to the repository root); otherwise `javskoll` when that is on PATH and is this
    program, else the path this program was started by.
    """
    given = os.environ.get("JAVSKOLL_CLI")
    if given:
        return given
    program = sys.argv[0] if sys.argv and sys.argv[0] else "javskoll"
    on_path = shutil.which("javskoll")
    if on_path and os.path.realpath(on_path) == os.path.realpath(program):
        return "javskoll"
    if os.sep in program:
        relative = os.path.relpath(program)
        if not relative.startswith(".."):
            return relative if os.sep in relative else f".{os.sep}{relative}"
        return os.path.abspath(program)
    return program


def first_key_hint() -> str:
    command = cli_command()
    return (
        "No API keys exist yet. Create the first admin key with:\n"
        f"    {command} apikey create --role admin --name <your name>\n"
        "or start the service with JAVSKOLL_BOOTSTRAP_KEY set to a long random value."
    )


def check_port_free(host: str, port: int, remedy: str = "choose another port with --port") -> None:
    """Refuse early, in one line, when the address is taken (uvicorn would log it late)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise StartupError(
                    f"port {port} on {host} is already in use (is Jävskoll already "
                    f"running?); stop that program or {remedy}"
                ) from None
            if exc.errno == errno.EACCES:
                raise StartupError(
                    f"not allowed to listen on port {port} on {host}; {remedy} (above 1023)"
                ) from None
            raise StartupError(f"cannot listen on {host}:{port}: {exc.strerror}") from None


def _where(database_url: str) -> str:
    try:
        url = make_url(database_url)
    except ArgumentError:
        return "the configured database"
    if url.get_backend_name() == "sqlite":
        return f"the SQLite database {url.database or ':memory:'}"
    return f"PostgreSQL at {url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"


def _reason(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    first = text[0] if text else type(exc).__name__
    return first[:200]


@contextmanager
def database_step(
    database_url: str, doing: str, error: type[StartupError] = StartupError
) -> Iterator[None]:
    """Turn a database failure during `doing` into one plain line."""
    try:
        yield
    except OperationalError as exc:
        raise error(
            f"{_where(database_url)} is unreachable while {doing}: {_reason(exc)} "
            "(check DATABASE_URL and that the database server is running)"
        ) from None
    except DBAPIError as exc:
        raise error(f"{_where(database_url)} failed while {doing}: {_reason(exc)}") from None


def settings_problem(exc: ValidationError) -> StartupError:
    problems = "; ".join(str(e.get("msg", "")).removeprefix("Value error, ") for e in exc.errors())
    return StartupError(f"the configuration is refused: {problems}")


def start_metrics(settings: Settings, workers: int) -> str | None:
    """Prepare metrics for the workers; on `port`, listen on the metrics port now.

    Returns the multiprocess directory made for several workers (removed at exit)."""
    if settings.metrics == "off":
        return None
    metrics_dir = prepare_multiprocess_dir(workers)
    if settings.metrics == "port":
        host, port = settings.metrics_host, settings.metrics_port
        check_port_free(host, port, "set another with JAVSKOLL_METRICS_PORT")
        engine = make_engine(settings)
        start_metrics_server(host, port, make_sessionmaker(engine))
        click.echo(f"metrics on http://{host}:{port}/metrics", err=True)
    return metrics_dir
