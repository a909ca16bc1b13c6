"""Guards for the import's speed measures: what they must not change or leave behind."""

from __future__ import annotations

import gc

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from app.db import GENERIC_PLANS_SQL
from app.registry import repository
from app.registry.importdoc.plan import REF_SECTIONS, STORED_COLUMNS
from app.registry.importdoc.writer import COLUMNS
from tests.support.api import ApiClient
from tests.support.registry import import_document
from tests.support.statements import recorded_statements


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
    engine = bind.engine
    with recorded_statements(engine) as seen:
        import_document(
            admin, {"persons": [{"ref": f"an-{i}", "name": f"P {i}"} for i in range(3)]}
        )
    assert 'ANALYZE "persons"' in seen
    assert not any(s.startswith('ANALYZE "organisations"') for s in seen)


def test_ids_of_a_large_batch_belong_to_their_refs(admin: ApiClient, session: Session) -> None:
    """PostgreSQL draws the ids of a COPY batch beforehand; each ref must get its own."""
    count = repository.COPY_THRESHOLD + 10
    doc = {
        "organisations": [
            {"ref": f"big-{i}", "kind": "aktiebolag", "name": f"Bolag {i}"} for i in range(count)
        ],
        "committees": [
            {"ref": f"big-n-{i}", "organisation": f"big-{i}", "kind": "namnd", "name": f"N {i}"}
            for i in (0, count // 2, count - 1)
        ],
    }
    assert import_document(admin, doc)["totals"]["created"] == count + 3
    pairs = session.execute(
        text(
            "SELECT c.ref, o.ref FROM committees c JOIN organisations o"
            " ON o.id = c.organisation_id WHERE c.ref LIKE 'big-n-%'"
        )
    ).all()
    assert sorted(pairs) == sorted((f"big-n-{i}", f"big-{i}") for i in (0, count // 2, count - 1))
    ids = session.execute(
        text("SELECT count(DISTINCT id) FROM organisations WHERE ref LIKE 'big-%'")
    )
    assert ids.scalar() == count


def test_every_model_in_a_validated_item_shares_its_fields_set() -> None:
    """`share_fields_sets` reaches the models nested in an item (owners, responsibilities,
    an appointment's body, an operation's operator), not only the item itself."""
    from pydantic import BaseModel

    from app.registry.importdoc.document import SECTIONS
    from app.registry.importdoc.plan import share_fields_sets
    from tests.support.registry import contract_document

    def models_in(value: object) -> list[BaseModel]:
        if isinstance(value, BaseModel):
            return [value, *(m for v in value.__dict__.values() for m in models_in(v))]
        if isinstance(value, list):
            return [m for v in value for m in models_in(v)]
        return []

    nested = 0
    for section, items in contract_document().items():
        if section not in SECTIONS:
            continue
        for raw in items:
            item = SECTIONS[section].model_validate(raw)
            share_fields_sets(item)
            models = models_in(item)
            nested += len(models) - 1
            for model in models:
                fields = model.__pydantic_fields_set__
                assert isinstance(fields, frozenset), (section, type(model).__name__)
                assert share_fields_sets(model) is fields  # the one shared set
    assert nested > 0  # the contract's example has nested models to reach


def test_an_import_plans_its_array_joins_generically(admin: ApiClient, session: Session) -> None:
    """The natural-key joins against arrays of thousands of keys are index lookups in a
    generic plan and a hash join over the whole table in a custom one (the national
    interests section: 1.5 s against 15.6 s, BENCHMARKS.md run I): an import document asks
    for generic plans for its transaction (app/db.py) before its first such join, and only
    for it (a connection starts with "auto")."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        pytest.skip("plan_cache_mode is PostgreSQL's")
    engine = bind.engine
    with recorded_statements(engine) as seen:
        import_document(
            admin, {"persons": [{"ref": f"gp-{i}", "name": f"P {i}"} for i in range(3)]}
        )
    # Its first read of the section's table comes after the SET LOCAL.
    reads = [i for i, s in enumerate(seen) if "persons" in s and "api_keys" not in s]
    assert reads, seen
    assert GENERIC_PLANS_SQL in seen[: reads[0]], seen[: reads[0] + 1]
    with engine.connect() as fresh:
        assert fresh.exec_driver_sql("SHOW plan_cache_mode").scalar_one() == "auto"
