"""Guards for the import's speed measures: what they must not change or leave behind."""

from __future__ import annotations

import gc

import pytest
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from app.registry import repository
from app.registry.validation import REF_SECTIONS, STORED_COLUMNS
from app.registry.writer import COLUMNS
from tests.support.api import ApiClient
from tests.support.registry import import_document


def test_stored_rows_carry_every_compared_column() -> None:
    for section, kind in REF_SECTIONS.items():
        assert set(STORED_COLUMNS[kind]) == {"id", "ref", *COLUMNS[section]}


def test_the_cyclic_collector_runs_again_after_an_import(admin: ApiClient) -> None:
    assert gc.isenabled()
    import_document(admin, {"persons": [{"ref": "gc-1", "name": "A"}]})
    assert gc.isenabled()
    response = admin.post("/v1/import", json={"persons": [{"ref": "gc-2"}]})
    assert response.status_code == 422
    assert gc.isenabled()


def test_a_table_an_import_doubles_is_analysed(
    admin: ApiClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        pytest.skip("ANALYZE is for PostgreSQL only")
    before = session.scalar(text("SELECT reltuples FROM pg_class WHERE relname = 'persons'"))
    if before is not None and before >= 3:
        pytest.skip("the persons table has statistics for more rows than this test adds")
    monkeypatch.setattr(repository, "ANALYZE_MIN_ROWS", 1)
    seen: list[str] = []

    def record(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        seen.append(statement)

    engine = bind.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        import_document(
            admin, {"persons": [{"ref": f"an-{i}", "name": f"P {i}"} for i in range(3)]}
        )
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert 'ANALYZE "persons"' in seen
    assert not any(s.startswith('ANALYZE "organisations"') for s in seen)
