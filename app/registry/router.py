"""`POST /v1/import`, `POST /v1/vocabularies/areas`, and the registry CRUD routes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body

from app.config import SettingsDep
from app.db import SessionDep
from app.registry.crud import router as crud_router
from app.registry.importdoc import service
from app.registry.importdoc.document import ImportDocument, inline_schema
from app.registry.schemas import AreaIn, AreaOut, ImportResult
from app.security.deps import RegistryWriter, VocabularyWriter

router = APIRouter(tags=["registry"])

PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {}}}


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
    document: Annotated[dict[str, Any], Body(description="The import document (see the contract)")],
) -> dict[str, Any]:
    """Upsert a whole import document, all or nothing; answers counts per object type."""
    result = service.import_document(session, principal, document, pnr_secret=settings.pnr_secret)
    session.commit()
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
