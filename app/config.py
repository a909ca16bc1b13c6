"""Service settings, read from the environment (prefix JAVSKOLL_, plus DATABASE_URL)."""

from __future__ import annotations

import os
from difflib import get_close_matches
from functools import lru_cache
from secrets import token_urlsafe
from typing import Annotated, Literal

from fastapi import Depends, Request
from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.security import secrets_file

MIN_SECRET_LENGTH = 32


# JAVSKOLL_ variables of the scripts, tests and benchmarks (not service settings).
TOOLING_VARIABLES = frozenset(
    {
        "TEST_DATABASE_URL", "BENCH_PG_URL", "FUZZ_EXAMPLES", "VENV", "PYTHON", "CLI",
        "FORCE_INSTALL", "CI_TEST_TIMEOUT", "PG_BINDIR", "PG_DIR", "PG_HOST", "PG_PORT",
        "PG_USER", "PG_OS_USER", "PG_TIMEOUT",
    }
)  # fmt: skip


def misspelled_variables(settings: type[BaseSettings]) -> list[str]:
    """A JAVSKOLL_ variable that is no setting but nearly one (JAVSKOLL_HASH_SECERT) is a
    typo that would otherwise be ignored: refused, with the name it was probably meant
    to be. Other JAVSKOLL_ variables (of the scripts and tests) are left alone."""
    known = [f"JAVSKOLL_{name.upper()}" for name in settings.model_fields]
    problems = []
    for variable in sorted(v for v in os.environ if v.startswith("JAVSKOLL_")):
        if variable in known or variable.removeprefix("JAVSKOLL_") in TOOLING_VARIABLES:
            continue
        close = get_close_matches(variable, known, n=1, cutoff=0.85)
        if close:
            problems.append(f"{variable} is not a setting; did you mean {close[0]}?")
    return problems


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="JAVSKOLL_", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = Field(
        default="sqlite:///./javskoll.db",
        validation_alias=AliasChoices("DATABASE_URL", "JAVSKOLL_DATABASE_URL"),
    )
    # Keys API keys' HMAC; rotating it invalidates every key.
    hash_secret: str = ""
    # Keys personnummer HMAC; rotating it breaks matching against stored hashes.
    # Neither has a default: production refuses to start without them; a development
    # start generates them once and keeps them beside the database (secrets_file.py).
    pnr_secret: str = ""
    bootstrap_key: str | None = None
    log_level: str = "INFO"
    # auto: readable lines when stderr is a terminal, JSON otherwise (app/logformat.py).
    log_format: Literal["auto", "json", "text"] = "auto"
    # Older switch, still honoured when log_format is auto: true forces JSON, false text.
    log_json: bool | None = None
    # Prometheus metrics (docs/operations.md): `key` serves /metrics on the API port to an
    # unlimited admin or auditor key; `port` serves them without a key on
    # metrics_host:metrics_port (started by `javskoll serve`); `off` serves none.
    metrics: Literal["key", "port", "off"] = "key"
    metrics_host: str = "127.0.0.1"
    metrics_port: int = 9464
    # Default admits a 10,000-person / 100,000-interest import (about 12 MB of JSON).
    max_body_bytes: int = 64 * 1024 * 1024
    max_json_depth: int = 32
    max_page_size: int = 500
    default_page_size: int = 50
    cors_origins: list[str] = []
    # Sync endpoints run on a thread pool; the connection pool matches it, so a request
    # thread never queues for a connection that another thread holds.
    worker_threads: int = 32
    # Imports one serving process works on at a time; more wait their turn (memory per
    # worker: app/registry/import_gate.py).
    imports_per_worker: int = Field(default=1, ge=1)
    # Screenings one serving process works on at a time; more wait their turn in the event
    # loop (throughput and latency under overload: app/screening/gate.py).
    screenings_per_worker: int = Field(default=4, ge=1)
    db_pool_size: int = 16
    db_max_overflow: int = 16
    db_pool_timeout_seconds: float = 10.0
    # PostgreSQL: a screening's constant statements (the reach among them) are
    # session-level prepared statements, parsed once per connection (app/prepared.py).
    # False: plain statements, for PgBouncer in transaction mode.
    db_prepare_reach: bool = True
    # PostgreSQL: libpq `options` sent when a connection starts (settings for the
    # service's sessions). JIT off: it compiled the scope checks of a kommun's key for
    # 150-600 ms a list at national scale, to save nothing (app/db.py). Empty behind a
    # pooler that refuses startup options; set it on the role or database there.
    db_options: str = "-c jit=off"
    db_retry_after_seconds: int = 5
    idempotency_ttl_hours: int = 24
    # A checkpoint over all audit chain heads this often when one moved; 0: none.
    audit_checkpoint_seconds: float = 300.0
    # How long an authenticated key is trusted without a lookup (see security/principal_cache).
    api_key_cache_seconds: float = 2.0
    # A claimed Idempotency-Key whose request has not finished after this long is taken
    # to be abandoned (its process died) and may be claimed again.
    idempotency_in_flight_timeout_seconds: int = 300
    # Refused probes of a limited key, and requests with a wrong key per client address,
    # allowed per window before 429 (app/security/probes.py).
    probe_limit: int = 100
    # Case parties a limited key may give by personnummer per window.
    personnummer_limit: int = 200
    auth_failure_limit: int = 50
    probe_window_seconds: float = 600.0
    # Web app (app/web): a signed-in browser session ends this long after sign-in.
    web_session_minutes: int = Field(default=480, ge=1, le=7 * 24 * 60)
    # Session cookies carry `Secure`: None = when the request came over https (uvicorn
    # honours X-Forwarded-Proto from a trusted proxy) or in production; true/false forces it.
    web_cookie_secure: bool | None = None

    @field_validator("database_url")
    @classmethod
    def _use_psycopg_driver(cls, value: str) -> str:
        for prefix in ("postgres://", "postgresql://"):
            if value.startswith(prefix):
                return "postgresql+psycopg://" + value[len(prefix) :]
        return value

    @model_validator(mode="after")
    def _secrets(self) -> Settings:
        problems = misspelled_variables(type(self))
        missing = [name for name in secrets_file.NAMES if not getattr(self, name)]
        if missing and self.environment == "production":
            problems += [
                f"JAVSKOLL_{name.upper()} must be set to a random value of at least "
                f"{MIN_SECRET_LENGTH} characters in production"
                for name in missing
            ]
        elif missing and self.environment == "test":
            for name in missing:  # a throwaway, never a published value
                setattr(self, name, token_urlsafe(48))
        elif missing:
            try:
                stored = secrets_file.load_or_create(secrets_file.path_for(self.database_url))
            except (OSError, ValueError) as exc:
                raise ValueError(f"the generated secrets cannot be used: {exc}") from None
            for name in missing:
                setattr(self, name, stored[name])
        for name in secrets_file.NAMES:
            value = getattr(self, name)
            if value and len(value) < MIN_SECRET_LENGTH:
                problems.append(
                    f"JAVSKOLL_{name.upper()} must be at least {MIN_SECRET_LENGTH} characters"
                )
        if self.bootstrap_key is not None and len(self.bootstrap_key) < MIN_SECRET_LENGTH:
            problems.append(
                f"JAVSKOLL_BOOTSTRAP_KEY must be at least {MIN_SECRET_LENGTH} characters"
            )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()


async def app_settings(request: Request) -> Settings:
    """Dependency: the settings the app was created with (tests pass their own). Async,
    as the dependencies below that only read memory: a sync one costs a worker-thread
    round trip per request."""
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(app_settings)]
