"""`javskoll import FILE|-`: load the registry from files, exactly as POST /v1/import does.

The files (the JSON import document, CSV of persons and of appointments, or several of
them) become ONE import document, validated and written by the same service function as
the API (app/registry/service.import_document) in one transaction: all or nothing, the
same validation, one `registry.import` audit entry whose actor is `cli`. A bad file
changes nothing and the command says where each error is: the file and line (CSV), or
the file, line and column (JSON syntax), or the file and JSON pointer (JSON content).

On a terminal a progress bar follows the import (items validated, then written section by
section); on a pipe or a file only the summary is printed, so a script can read it.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import Any, TextIO, cast

import click
from sqlalchemy.orm import Session, sessionmaker

from app import jsonkeys
from app.cli_csv import CsvProblem, Origin, decode, read_section, sniff_kind
from app.config import Settings, get_settings
from app.db import make_engine, make_sessionmaker
from app.errors import AppError
from app.inputguard import repeated_key_problems
from app.migrate import upgrade
from app.registry.importdoc import progress
from app.registry.importdoc import service as registry_service
from app.security.deps import Principal
from app.security.roles import Role
from app.startup import DatabaseUnavailable, database_step

SECTIONS = (
    "organisations", "committees", "administrations", "operations", "agreements",
    "persons", "appointments", "interests", "relations",
)  # fmt: skip
MAX_ERRORS_SHOWN = 50

# The command line acts for an operator with database access, not through an API key:
# the audit entry names the actor `cli` with no key id, as `javskoll apikey` does.
CLI_PRINCIPAL = Principal(
    key_id=cast(int, None), name="cli", role=Role.ADMIN, organisation_refs=None
)


class ImportRefused(click.ClickException):
    exit_code = 1

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))

    def show(self, file: Any = None) -> None:
        click.echo(self.message, err=True)


@dataclass
class Chunk:
    """Items [start, start + count) of a section came from here."""

    start: int
    count: int
    origin: Origin | None  # CSV rows
    source: str  # the file name (JSON)


@dataclass
class Document:
    body: dict[str, list[Any]] = field(default_factory=dict)
    chunks: dict[str, list[Chunk]] = field(default_factory=dict)

    def add(self, section: str, items: list[Any], source: str, origin: Origin | None) -> None:
        target = self.body.setdefault(section, [])
        self.chunks.setdefault(section, []).append(Chunk(len(target), len(items), origin, source))
        target.extend(items)

    def items(self) -> int:
        return sum(len(v) for v in self.body.values())

    def locate(self, pointer: str) -> str:
        """`/persons/12/personnummer` -> `persons.csv line 14, column personnummer`."""
        parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
        if len(parts) < 2 or not (parts[1].isascii() and parts[1].isdigit()):
            sources = sorted({c.source for chunks in self.chunks.values() for c in chunks})
            return f"{', '.join(sources)} at {pointer or '/'}"
        section, index, rest = parts[0], int(parts[1]), parts[2:]
        for chunk in self.chunks.get(section, []):
            if chunk.start <= index < chunk.start + chunk.count:
                local = index - chunk.start
                if chunk.origin is not None:
                    return chunk.origin.locate(local, rest)
                return f"{chunk.source} at /" + "/".join([section, str(local), *rest])
        return pointer


def _json_document(text: str, source: str) -> dict[str, Any]:
    try:
        raw, recorder = jsonkeys.loads_text(text)
    except json.JSONDecodeError as exc:
        raise ImportRefused(
            [f"{source} line {exc.lineno} column {exc.colno}: not valid JSON ({exc.msg})"]
        ) from None
    except ValueError as exc:  # NaN or Infinity (`jsonkeys.refuse_constant`), as the API
        raise ImportRefused([f"{source}: not valid JSON ({exc})"]) from None
    # As POST /v1/import: a key given twice is refused, not settled by the last one.
    repeated = repeated_key_problems(recorder.paths(raw))
    if repeated:
        raise ImportRefused([f"{source} at {e['pointer']}: {e['detail']}" for e in repeated])
    if not isinstance(raw, dict):
        raise ImportRefused([f"{source} at /: an import document is a JSON object"])
    unknown = sorted(set(raw) - set(SECTIONS))
    if unknown:
        raise ImportRefused(
            [f"{source} at /{unknown[0]}: unknown section (known: {', '.join(SECTIONS)})"]
        )
    return raw


def _read(path: str, stdin: TextIO) -> tuple[str, str]:
    if path == "-":
        return "<stdin>", decode(stdin.buffer.read())
    try:
        with open(path, "rb") as handle:
            return path, decode(handle.read())
    except OSError as exc:
        raise ImportRefused([f"{path}: cannot read ({exc.strerror})"]) from None


def build_document(
    files: tuple[str, ...], persons: tuple[str, ...], appointments: tuple[str, ...], stdin: TextIO
) -> Document:
    """One import document from every file, remembering where each item came from."""
    document = Document()
    named = [(f, None) for f in files] + [(f, "persons") for f in persons]
    named += [(f, "appointments") for f in appointments]
    for path, forced in named:
        source, text = _read(path, stdin)
        is_json = forced is None and (
            path.lower().endswith(".json") or text.lstrip().startswith("{")
        )
        if is_json:
            for section, items in _json_document(text, source).items():
                if not isinstance(items, list):
                    raise ImportRefused([f"{source} at /{section}: must be a list"])
                document.add(section, items, source, None)
            continue
        kind = forced or sniff_kind(text)
        if kind is None:
            raise ImportRefused(
                [
                    f"{source} line 1: cannot tell whether this CSV holds persons or "
                    "appointments; pass it with --persons or --appointments"
                ]
            )
        try:
            items, origin = read_section(text, kind, source)
        except CsvProblem as exc:
            raise ImportRefused([str(exc)]) from None
        document.add(kind, items, source, origin)
    return document


def _summary(result: dict[str, Any]) -> str:
    totals = result["totals"]
    changed = [
        f"{section} {counts['created'] + counts['updated']}"
        for section, counts in result["counts"].items()
        if counts["created"] + counts["updated"]
    ]
    audit = result.get("audit")
    where = f"; audit entry {audit['sequence']}" if audit else "; nothing changed, no audit entry"
    detail = f" ({', '.join(changed)})" if changed else ""
    return (
        f"imported: {totals['created']} created, {totals['updated']} updated, "
        f"{totals['unchanged']} unchanged{detail}{where}"
    )


def _refusal(exc: AppError, document: Document) -> ImportRefused:
    lines = [f"nothing was imported: {exc.detail}"]
    for error in exc.errors[:MAX_ERRORS_SHOWN]:
        pointer = str(error.get("pointer", ""))
        lines.append(f"  {document.locate(pointer)}: {error.get('detail', '')}")
    if len(exc.errors) > MAX_ERRORS_SHOWN:
        lines.append(f"  ... and {len(exc.errors) - MAX_ERRORS_SHOWN} more")
    return ImportRefused(lines)


def prepared_sessions() -> tuple[Settings, sessionmaker[Session]]:
    """Settings and sessions on a migrated database, or one plain line saying why not."""
    settings = get_settings()
    with database_step(settings.database_url, "applying migrations", DatabaseUnavailable):
        upgrade()  # as `apikey create` does: a fresh or older database is brought up to date
    return settings, make_sessionmaker(make_engine(settings))


def run_import(document: Document, show_progress: bool) -> dict[str, Any]:
    settings, sessions = prepared_sessions()
    total = 2 * document.items()  # each item validated once, then written once
    with sessions() as session:
        try:
            if not show_progress:
                result = registry_service.import_document(
                    session, CLI_PRINCIPAL, document.body, pnr_secret=settings.pnr_secret
                )
            else:
                with click.progressbar(
                    length=max(total, 1),
                    label="importing",
                    file=sys.stderr,
                    show_pos=True,
                    show_percent=True,
                ) as bar:

                    def step(stage: str, items: int) -> None:
                        bar.label = f"importing: {stage}"
                        bar.update(items)

                    with progress.reporting(step):
                        result = registry_service.import_document(
                            session, CLI_PRINCIPAL, document.body, pnr_secret=settings.pnr_secret
                        )
                    bar.label = "importing: committing"
                    bar.update(total - bar.pos)
            session.commit()
        except AppError as exc:
            session.rollback()
            raise _refusal(exc, document) from None
    return result


@click.command("import")
@click.argument("files", nargs=-1)
@click.option("--persons", "persons", multiple=True, metavar="CSV", help="A CSV of persons.")
@click.option(
    "--appointments", "appointments", multiple=True, metavar="CSV", help="A CSV of appointments."
)
@click.option(
    "--progress/--no-progress",
    "show",
    default=None,
    help="Show a progress bar (default: when stderr is a terminal).",
)
def import_command(
    files: tuple[str, ...],
    persons: tuple[str, ...],
    appointments: tuple[str, ...],
    show: bool | None,
) -> None:
    """Import the registry from FILE (`-` for stdin), all or nothing, like POST /v1/import.

    FILE is the JSON import document or a CSV of persons or appointments (told apart by
    their columns; see docs/cli.md). Several files make one import.
    """
    if not (files or persons or appointments):
        raise click.UsageError("give a FILE (or - for stdin), --persons CSV or --appointments CSV")
    document = build_document(files, persons, appointments, sys.stdin)
    show_progress = sys.stderr.isatty() if show is None else show
    click.echo(_summary(run_import(document, show_progress)))
