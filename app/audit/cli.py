"""`javskoll audit ...`: verify the chains, take and check heads, checkpoint, export."""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

import click
from sqlalchemy.orm import Session, sessionmaker

from app.audit import checkpoint, external
from app.audit import verify as verification
from app.auditlog import export, service
from app.auditlog.repository import AuditFilters
from app.config import get_settings
from app.db import make_engine, make_sessionmaker, snapshot_read
from app.errors import AppError
from app.security.deps import Principal
from app.security.roles import Role

# The command line reads the whole log, as an unlimited key would.
CLI_PRINCIPAL = Principal(0, "cli", Role.AUDITOR, None)


def _sessions() -> sessionmaker[Session]:
    return make_sessionmaker(make_engine(get_settings()))


@click.group("audit")
def audit_group() -> None:
    """Audit log tools (against the database in DATABASE_URL)."""


@audit_group.command("verify")
@click.option(
    "--against",
    "head_file",
    type=click.File("r", encoding="utf-8"),
    help="A head taken earlier (javskoll audit head): the chains must still reach it.",
)
def audit_verify(head_file: TextIO | None) -> None:
    """Recompute every chain and checkpoint; exit 1 on a break (or when the log no
    longer reaches the head in HEAD_FILE)."""
    head: dict[str, Any] | None = None
    if head_file is not None:
        try:
            head = json.load(head_file)
        except ValueError:
            raise click.BadParameter("not JSON", param_hint="--against") from None
    with _sessions()() as session:
        snapshot_read(session)
        result = verification.verify(session)
        report: dict[str, Any] = result.as_dict()
        ok = result.ok
        if head is not None:
            try:
                problems = external.check_against(session, head)
            except ValueError as exc:
                raise click.BadParameter(str(exc), param_hint="--against") from None
            report["against"] = {
                "ok": not problems,
                "taken_at": head.get("taken_at"),
                "problems": problems,
            }
            ok = ok and not problems
    click.echo(json.dumps(report))
    sys.exit(0 if ok else 1)


@audit_group.command("head")
def audit_head() -> None:
    """Print every chain's head and the digest over them, as JSON to keep elsewhere."""
    with _sessions()() as session:
        click.echo(json.dumps(external.take_head(session), indent=2))


@audit_group.command("checkpoint")
def audit_checkpoint() -> None:
    """Write a checkpoint over all chain heads now (when one moved since the last)."""
    with _sessions()() as session:
        entry = checkpoint.write_checkpoint(session)
        session.commit()
        summary: dict[str, Any] = {"written": entry is not None}
        if entry is not None:
            summary.update(chain=entry.chain_id, sequence=entry.sequence, hash=entry.hash)
    click.echo(json.dumps(summary))


@audit_group.command("export")
@click.option("--from", "from_", help="created_at ≥ (YYYY-MM-DD or ISO datetime, UTC)")
@click.option("--to", help="created_at ≤ (a date includes the whole day)")
@click.option("--kind", multiple=True, help="Entry kind; repeat for several")
def audit_export(from_: str | None, to: str | None, kind: tuple[str, ...]) -> None:
    """Every entry of the period as JSON lines on stdout (the whole log by default)."""
    try:
        filters = AuditFilters(
            kinds=kind,
            created_from=service.parse_instant("from", from_, end=False),
            created_before=service.parse_instant("to", to, end=True),
        )
    except AppError as problem:
        raise click.BadParameter(str(problem)) from None
    with _sessions()() as session:
        for chunk in export.jsonl(export.entry_views(session, CLI_PRINCIPAL, filters)):
            sys.stdout.buffer.write(chunk)
    sys.stdout.flush()
