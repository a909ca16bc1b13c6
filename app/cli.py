"""The `javskoll` command: serve, migrate, apikey, audit, import, screen."""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import json
import sys
from collections.abc import Callable
from pathlib import Path

import click
import uvicorn
from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from app.apikeys import service as keys
from app.audit import chain
from app.config import get_settings
from app.db import make_engine, make_sessionmaker
from app.logformat import wants_json
from app.logging import configure_logging
from app.metrics.exposition import remove_multiprocess_dir
from app.migrate import upgrade
from app.security.roles import Role
from app.startup import (
    check_port_free,
    database_step,
    first_key_hint,
    settings_problem,
    start_metrics,
)

CLI_ACTOR = chain.Actor(None, "cli")


def _sessionmaker() -> sessionmaker[Session]:
    return make_sessionmaker(make_engine(get_settings()))


def _bench_available() -> bool:
    """Whether the benchmark tooling can be imported: a checkout's top-level `bench`
    package, outside the service package and not in the wheel. An editable install puts
    the checkout's `app` on the path but not its `bench` sibling, and a console script's
    sys.path[0] is the venv's bin directory, so the sibling is added here."""
    if importlib.util.find_spec("bench") is not None:
        return True
    checkout = Path(__file__).resolve().parent.parent
    if not (checkout / "bench" / "cli.py").is_file():
        return False
    sys.path.append(str(checkout))
    return True


class _CommandsWithBench(click.Group):
    """`javskoll bench ...` where the tooling is importable, loaded only when asked for:
    the production CLI never imports it, nor matplotlib, py-spy or pyinstrument (the
    `bench` extra)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = super().list_commands(ctx)
        return sorted([*names, "bench"]) if _bench_available() else names

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name == "bench" and _bench_available():
            command: click.Command = importlib.import_module("bench.cli").bench_group
            return command
        return super().get_command(ctx, cmd_name)


@click.group(cls=_CommandsWithBench)
def main() -> None:
    """Jävskoll: jäv screening for Swedish municipalities."""


@main.command()
def migrate() -> None:
    """Apply pending database migrations."""
    upgrade()
    click.echo("migrations applied")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
def serve(host: str, port: int, workers: int) -> None:
    """Apply migrations, make sure an admin key exists (or say how), and serve the API."""
    try:
        settings = get_settings()
    except ValidationError as exc:
        raise settings_problem(exc) from None
    configure_logging(
        settings.log_level, wants_json(settings.log_format, settings.log_json, sys.stderr)
    )
    check_port_free(host, port)
    with database_step(settings.database_url, "applying migrations"):
        upgrade()
    with (
        database_step(settings.database_url, "checking the API keys"),
        _sessionmaker()() as session,
    ):
        state = keys.ensure_bootstrap_key(
            session, bootstrap_key=settings.bootstrap_key, secret=settings.hash_secret
        )
        session.commit()
    if state == "empty":
        click.echo(first_key_hint(), err=True)
    elif state == "bootstrapped":
        click.echo("created the bootstrap admin key from JAVSKOLL_BOOTSTRAP_KEY", err=True)
    metrics_dir = start_metrics(settings, workers)
    click.echo(f"Jävskoll on http://{host}:{port} (docs at /docs)", err=True)
    run: Callable[..., None] = uvicorn.run  # keyword arguments depend on uvicorn's version
    try:
        run(
            "app.asgi:app",
            host=host,
            port=port,
            workers=workers,
            log_config=None,
            access_log=False,
            proxy_headers=False,
            **_worker_healthcheck(),
        )
    finally:
        remove_multiprocess_dir(metrics_dir)


# uvicorn (>= 0.33) restarts a worker that has not answered its supervisor within 5 s;
# importing the application takes longer than that on a busy machine, and every worker
# was killed while it started (seen with --workers 2 on a loaded 2-core host).
WORKER_HEALTHCHECK_SECONDS = 60


def _worker_healthcheck() -> dict[str, int]:
    accepted = inspect.signature(uvicorn.run).parameters
    if "timeout_worker_healthcheck" in accepted:
        return {"timeout_worker_healthcheck": WORKER_HEALTHCHECK_SECONDS}
    return {}


@main.group()
def apikey() -> None:
    """Manage API keys."""


@apikey.command("create")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--name", required=True)
@click.option("--org", "orgs", multiple=True, help="Limit the key to this organisation ref.")
def apikey_create(role: str, name: str, orgs: tuple[str, ...]) -> None:
    """Create a key and print it once."""
    settings = get_settings()
    upgrade()
    with _sessionmaker()() as session:
        created = keys.create_key(
            session,
            role=role,
            name=name,
            organisation_refs=list(orgs) or None,
            secret=settings.hash_secret,
            actor=CLI_ACTOR,
        )
        session.commit()
    click.echo(created.key)
    click.echo(
        f"key id {created.record.id}, role {role}; store it now: it is not shown again",
        err=True,
    )


@apikey.command("list")
def apikey_list() -> None:
    """List keys (never the key material)."""
    with _sessionmaker()() as session:
        for record in keys.list_keys(session):
            click.echo(json.dumps(keys.key_summary(record), ensure_ascii=False))


@apikey.command("revoke")
@click.argument("key_id", type=int)
def apikey_revoke(key_id: int) -> None:
    """Revoke a key by id."""
    with _sessionmaker()() as session:
        keys.revoke_key(session, key_id, actor=CLI_ACTOR)
        session.commit()
    click.echo(f"revoked key {key_id}")


from app.audit.cli import audit_group  # noqa: E402
from app.cli_import import import_command  # noqa: E402
from app.cli_screen import screen_command  # noqa: E402

main.add_command(import_command)
main.add_command(screen_command)
main.add_command(audit_group)
