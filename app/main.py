"""Application factory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI
from fastapi.datastructures import Default
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from app import __version__
from app.api import build_router
from app.apidocs import install_api_docs
from app.audit.checkpointer import Checkpointer
from app.config import Settings, get_settings
from app.db import make_engine, make_sessionmaker
from app.errors import install_error_handlers
from app.idempotency import IdempotencyMiddleware
from app.inputguard import InputGuardMiddleware, install_parsed_body_reuse
from app.jsonresponse import FastJSONResponse
from app.metrics.exposition import instrument_pool
from app.metrics.middleware import MetricsMiddleware
from app.metrics.router import router as metrics_router
from app.middleware import BodySizeLimitMiddleware, RequestContextMiddleware
from app.openapi import TAGS, TITLE, install_openapi
from app.security import probes
from app.security.masking import BirthDateMaskMiddleware
from app.security.principal_cache import TtlCache
from app.web.router import install_web_app
from app.whatif.runner import fail_interrupted

logger = logging.getLogger(__name__)

DESCRIPTION = """Jävskoll (Javskoll) screens municipal cases (ärenden) for jäv (conflict of
interest) under Kommunallagen and Förvaltningslagen, flags structural risks, and keeps a
tamper-evident audit log. Every call but `GET /v1/health` needs `Authorization: Bearer <key>`.
Errors are RFC 9457 problem details."""


def fail_interrupted_whatif(make_session: sessionmaker[Session]) -> None:
    """What-if jobs this host left running when it stopped are failed, not left hanging."""
    try:
        fail_interrupted(make_session)
    except SQLAlchemyError:  # not migrated yet, or the database is away: nothing to mark
        logger.warning("could not check for interrupted what-if jobs")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Sync endpoints run on anyio's default thread limiter; keep it within the pool.
        to_thread.current_default_thread_limiter().total_tokens = settings.worker_threads
        checkpointer = None
        if settings.audit_checkpoint_seconds > 0:
            checkpointer = Checkpointer(app.state.sessionmaker, settings.audit_checkpoint_seconds)
            checkpointer.start()
        yield
        if checkpointer is not None:
            checkpointer.stop()
        app.state.engine.dispose()

    app = FastAPI(
        # ASCII: a generated client is named after the title (not `jä_vskoll_client`).
        title=TITLE,
        openapi_tags=TAGS,
        docs_url=None,
        redoc_url=None,
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        # A placeholder, so that answers with a response_model keep Pydantic's direct
        # serialisation; the rest are encoded with orjson (app/jsonresponse.py).
        default_response_class=Default(FastJSONResponse),
    )
    install_parsed_body_reuse()
    engine = make_engine(settings)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.principal_cache = TtlCache(settings.api_key_cache_seconds)
    probes.install(
        app,
        probe_limit=settings.probe_limit,
        auth_failure_limit=settings.auth_failure_limit,
        personnummer_limit=settings.personnummer_limit,
        window=settings.probe_window_seconds,
    )
    install_error_handlers(app, settings.db_retry_after_seconds)
    install_openapi(app)
    install_api_docs(app)
    app.include_router(build_router())
    if settings.metrics == "key":
        app.include_router(metrics_router)
    install_web_app(app)
    # Innermost first: the guard refuses hostile input before an idempotency claim is made.
    # Inside idempotency: the answer stored for replay is already masked for its key.
    app.add_middleware(BirthDateMaskMiddleware)
    app.add_middleware(IdempotencyMiddleware)
    app.add_middleware(InputGuardMiddleware, max_depth=settings.max_json_depth)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "If-Match", "Idempotency-Key"],
            expose_headers=["ETag", "X-Request-ID", "Location"],
        )
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestContextMiddleware)
    if settings.metrics != "off":
        instrument_pool(engine)
        # Outermost: it times everything, refusals of the inner middleware included.
        app.add_middleware(MetricsMiddleware)
    return app
