"""Offset pagination shared by every list endpoint: {"items", "total", "limit", "offset"}."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.config import SettingsDep
from app.errors import Unprocessable, field_error
from app.inputguard import PlainInteger

T = TypeVar("T")


class PageParams(BaseModel):
    limit: int
    offset: int


def page_params(
    settings: SettingsDep,
    limit: Annotated[
        int | None, Query(ge=1, description="Page size (capped by settings)"), PlainInteger
    ] = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000), PlainInteger] = 0,
) -> PageParams:
    if limit is None:
        limit = settings.default_page_size
    if limit > settings.max_page_size:
        # An explicit, documented cap beats silently returning fewer rows than asked for.
        raise Unprocessable(
            f"limit may be at most {settings.max_page_size}",
            errors=[field_error("/limit", f"at most {settings.max_page_size}", "too_large")],
        )
    return PageParams(limit=limit, offset=offset)


PageDep = Annotated[PageParams, Depends(page_params)]


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


def paginate(session: Session, stmt: Select[Any], page: PageParams) -> tuple[list[Any], int]:
    """Run a count and one page of `stmt` (which must already be ordered)."""
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    rows = session.scalars(stmt.limit(page.limit).offset(page.offset)).all()
    return list(rows), total


# A page stops before its items pass this size (the first item always comes): 500 large
# stored screenings made a 1.3 GB answer (issue 9). A client goes on at offset + the
# page's `limit`, which says how many items the page holds when it was cut short.
MAX_PAGE_BYTES = 16 * 1024 * 1024


def paginate_within(
    session: Session,
    stmt: Select[Any],
    page: PageParams,
    size_of: Callable[[Any], int],
    max_bytes: int | None = None,
) -> tuple[list[Any], int, int]:
    """`paginate`, with rows read one batch at a time until the page is full by count or
    by `size_of` bytes; (rows, total, limit: the number of rows when cut short)."""
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    budget = MAX_PAGE_BYTES if max_bytes is None else max_bytes
    rows: list[Any] = []
    used = 0
    result = session.scalars(
        stmt.limit(page.limit).offset(page.offset).execution_options(yield_per=20)
    )
    try:
        for row in result:
            size = size_of(row)
            if rows and used + size > budget:
                return rows, total, len(rows)
            rows.append(row)
            used += size
    finally:
        result.close()
    return rows, total, page.limit
