"""`POST /v1/import`, `POST /v1/vocabularies/areas`, and the registry CRUD routes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from app.config import SettingsDep
from app.db import SessionDep
from app.errors import Unprocessable, field_error
from app.inputguard import STREAMED_DOCUMENT_KEY
from app.registry.crud import router as crud_router
from app.registry.import_gate import import_turn
from app.registry.importdoc import service
from app.registry.importdoc.document import ImportDocument, inline_schema
from app.registry.importdoc.stream import StreamedDocument
from app.registry.schemas import AreaIn, AreaOut, ImportResult
from app.security.deps import RegistryWriter, VocabularyWriter

router = APIRouter(tags=["registry"])

PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}


async def streamed_document(request: Request) -> StreamedDocument | None:
    """The import document as the input guard scanned it (checked item by item; never
    parsed whole: issue 15, memory), or scanned here; None when the body is empty."""
    document = request.scope.get(STREAMED_DOCUMENT_KEY)
    if isinstance(document, StreamedDocument):
        return document
    body = await request.body()
    if not body.strip():
        return None
    try:
        return await run_in_threadpool(StreamedDocument.from_bytes, body)
    except ValueError:
        raise Unprocessable(
            errors=[field_error("/", "JSON decode error", "json_invalid")]
        ) from None


@router.post(
    "/import",
    response_model=ImportResult,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": inline_schema(ImportDocument)}},
        }
    },
    responses={
        403: {"description": "The key may not write some organisation in the document", **PROBLEM},
        422: {
            "description": "Every error in the document, each with a JSON pointer; nothing stored",
            **PROBLEM,
        },
    },
)
def import_document(
    settings: SettingsDep,
    session: SessionDep,
    principal: RegistryWriter,
    document: Annotated[StreamedDocument | None, Depends(streamed_document)],
    _turn: Annotated[None, Depends(import_turn)],
) -> dict[str, Any]:
    """Upsert a whole import document, all or nothing; answers counts per object type.
    One import at a time per serving process; a further one waits its turn
    (app/registry/import_gate.py)."""
    if document is None:
        raise Unprocessable(errors=[field_error("/", "Field required", "missing")])
    if not document.is_object:
        error = field_error("/", "Input should be a valid dictionary", "dict_type")
        raise Unprocessable(errors=[error])
    try:
        result = service.import_document(
            session, principal, document, pnr_secret=settings.pnr_secret
        )
        session.commit()
    finally:
        service.release_memory(len(document.text))
    return result


@router.post(
    "/vocabularies/areas",
    status_code=201,
    response_model=AreaOut,
    responses={409: {"description": "The area exists already", **PROBLEM}},
)
def add_area(session: SessionDep, principal: VocabularyWriter, body: AreaIn) -> dict[str, str]:
    """Add an area to the vocabulary (administrators); imports accept it from then on."""
    out = service.add_area(session, principal, code=body.code, label=body.label)
    session.commit()
    return out


router.include_router(crud_router.router)
