"""PostgreSQL's two-statement screening write (app/screening/pg_store.py) writes the rows
the ORM path (`store.write`) writes: the screening row, its findings, its facts, and its
audit entry chained to the head, with the same organisations and subjects; the chain and
the facts verify, and the answer is what is read back."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from typing import Any

import orjson
import pytest
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from app.audit import chain
from app.audit.organisations import PG_CASE_ORGANISATIONS_SQL, PG_CASE_ORGANISATIONS_TYPES
from app.audit.verify import verify
from app.cases import scope as case_scope
from app.cases import scope_statement
from app.db import PLAIN_STATEMENTS_OPTION
from app.screening import pg_store, service, store
from app.screening.schemas import ScreeningIn
from app.screening.store import PendingScreening
from app.security.deps import Principal
from app.security.roles import Role
from tests.screening.registry import PNR_SAMBO, case, registry
from tests.support.api import ApiClient
from tests.support.databases import backend
from tests.support.registry import import_document
from tests.support.statements import recorded_statements

pytestmark = pytest.mark.skipif(backend() != "postgresql", reason="PostgreSQL's write path")

PARTIES = [
    {"organisation": "bygg-ab", "role": "sokande"},
    {"operation": "ost-rv", "role": "berord"},
    {"person": "p-sambo", "role": "berord"},
]
PARTICIPANTS = [
    {"person": "p-ordf", "role": "ordforande"},
    {"person": "p-led1", "role": "ledamot"},
    {"person": "p-led2", "role": "ledamot"},
]


def _pending(session: Session, settings: Any, *, defer: bool = False) -> PendingScreening:
    principal = Principal(1, "tester", Role("admin"), None)
    body = ScreeningIn.model_validate({"case": case(parties=PARTIES, participants=PARTICIPANTS)})
    resolved = service.resolve_screened_case(
        session, principal, body, pnr_secret=settings.pnr_secret
    )
    return service.evaluate_case(
        session, principal, resolved, date(2026, 3, 10), defer_organisations=defer
    )


def _rows(session: Session, screening_id: str) -> dict[str, Any]:
    one = {"id": screening_id}
    screening = (
        session.execute(
            text(
                "SELECT case_ref, case_id, committee_id, organisation_id, as_of, outcome, "
                "rules_version, case_snapshot, result, api_key_id, audit_sequence, created_at "
                "FROM screenings WHERE id = :id"
            ),
            one,
        )
        .one()
        ._asdict()
    )
    findings = [
        r._asdict()
        for r in session.execute(
            text(
                "SELECT position, structural, person_ref, ground, level, rule, match_score, "
                "data FROM findings WHERE screening_id = :id ORDER BY position"
            ),
            one,
        )
    ]
    facts = session.execute(
        text("SELECT facts, facts_hash FROM screening_facts WHERE screening_id = :id"), one
    ).one()
    entry = (
        session.execute(
            text(
                "SELECT id, chain_id, sequence, kind, actor_key_id, actor_name, payload, "
                "prev_hash, hash FROM audit_entries WHERE id = :e"
            ),
            {"e": screening["audit_sequence"]},
        )
        .one()
        ._asdict()
    )
    orgs = session.execute(
        text("SELECT organisation_id FROM audit_entry_organisations WHERE entry_id = :e"),
        {"e": entry["id"]},
    )
    subjects = session.execute(
        text("SELECT subject_kind, subject_ref FROM audit_subjects WHERE entry_id = :e"),
        {"e": entry["id"]},
    )
    return {
        "screening": screening,
        "findings": findings,
        "facts": tuple(facts),
        # The text but for its salt (random per screening since run O).
        "unsalted": re.sub(r'"salt":"[0-9a-f]{32}",', "", facts[0], count=1),
        "entry": entry,
        "organisations": sorted(o for (o,) in orgs),
        "subjects": sorted(tuple(s) for s in subjects),
    }


def _without_ids(value: Any, ids: set[str]) -> Any:
    """The JSON with the screening ids and times blanked (the two writes differ there)."""
    if isinstance(value, dict):
        return {
            k: _without_ids(v, ids)
            for k, v in value.items()
            # The entry's nonce and the facts' hash are random per write (run O).
            if k not in ("created_at", "audit", "id", "sequence", "nonce", "facts_hash")
        }
    if isinstance(value, list):
        return [_without_ids(v, ids) for v in value]
    return "<id>" if value in ids else value


def test_the_two_statement_write_stores_what_the_orm_write_stores(
    admin: ApiClient, session: Session, settings: Any
) -> None:
    import_document(admin, registry(sambo_pnr=PNR_SAMBO))
    first = _pending(session, settings)
    by_orm = store.write(session, first.row, first.result, first.facts, first.prepared)
    second = _pending(session, settings)
    by_pg = pg_store.write(session, second.row, second.result, second.facts, second.prepared)
    session.flush()
    assert by_pg.findings and by_pg.audit is not None and by_orm.audit is not None

    orm, pg = _rows(session, by_orm.id), _rows(session, by_pg.id)
    ids = {by_orm.id, by_pg.id}
    assert pg["screening"]["result"] == by_pg.as_json()  # stored as answered
    assert orm["screening"]["result"] == by_orm.as_json()
    assert pg["screening"]["audit_sequence"] == by_pg.audit.id == pg["entry"]["id"]
    for key in ("case_ref", "case_id", "committee_id", "organisation_id", "as_of", "outcome"):
        assert pg["screening"][key] == orm["screening"][key], key
    for key in ("rules_version", "case_snapshot", "api_key_id"):
        assert pg["screening"][key] == orm["screening"][key], key
    assert _without_ids(pg["screening"]["result"], ids) == _without_ids(
        orm["screening"]["result"], ids
    )
    assert pg["findings"] == orm["findings"]
    assert pg["unsalted"] == orm["unsalted"]
    for written in (pg, orm):
        text_, digest = written["facts"]
        assert hashlib.sha256(text_.encode()).hexdigest() == digest
    assert (pg["organisations"], pg["subjects"]) == (orm["organisations"], orm["subjects"])
    assert pg["organisations"] and ("person", "p-led1") in pg["subjects"]
    # Chained right after the ORM's entry, in the same chain.
    assert pg["entry"]["chain_id"] == orm["entry"]["chain_id"] == by_pg.audit.chain
    assert pg["entry"]["sequence"] == orm["entry"]["sequence"] + 1 == by_pg.audit.sequence
    assert pg["entry"]["prev_hash"] == orm["entry"]["hash"]
    assert pg["entry"]["hash"] == by_pg.audit.hash
    for key in ("kind", "actor_key_id", "actor_name"):
        assert pg["entry"][key] == orm["entry"][key], key
    payload_pg, payload_orm = (
        json.loads(pg["entry"]["payload"]),
        json.loads(orm["entry"]["payload"]),
    )
    assert _without_ids(payload_pg, ids) == _without_ids(payload_orm, ids)
    assert payload_pg["data"]["screening"] == by_pg.id
    assert payload_pg["data"]["facts_hash"] == pg["facts"][1]
    # The organisations read with the head's lock (what `service.screen_case` does on
    # PostgreSQL) are the ones read before.
    third = _pending(session, settings, defer=True)
    assert third.case_organisations is not None
    assert third.prepared.organisations == (third.prepared.chain_organisation,)
    by_lock = pg_store.write(
        session, third.row, third.result, third.facts, third.prepared,
        case_organisations=third.case_organisations,
    )  # fmt: skip
    session.flush()
    locked = _rows(session, by_lock.id)
    assert (locked["organisations"], locked["subjects"]) == (orm["organisations"], orm["subjects"])
    payload_lock = json.loads(locked["entry"]["payload"])
    assert payload_lock["organisations"] == payload_orm["organisations"]
    assert locked["entry"]["prev_hash"] == pg["entry"]["hash"]
    assert _without_ids(locked["screening"]["result"], ids | {by_lock.id}) == _without_ids(
        orm["screening"]["result"], ids | {by_lock.id}
    )
    # The chains and the stored facts verify; the answers read back as they were given
    # (committed first: a request rolls back what its session did not commit).
    session.commit()
    assert verify(session).ok
    assert admin.get(f"/v1/screenings/{by_pg.id}").json() == by_pg.as_json()
    assert admin.get(f"/v1/screenings/{by_lock.id}").json() == by_lock.as_json()
    assert admin.get(f"/v1/screenings/{by_orm.id}").json() == by_orm.as_json()


def test_an_organisations_first_screening_creates_its_chain(
    admin: ApiClient, session: Session, settings: Any
) -> None:
    import_document(admin, registry(sambo_pnr=PNR_SAMBO))
    pending = _pending(session, settings, defer=True)
    organisation = pending.prepared.chain_organisation
    assert organisation is not None
    chains = text("SELECT count(*) FROM audit_chains WHERE organisation_id = :o")
    assert session.execute(chains, {"o": organisation}).scalar_one() == 0
    done = pg_store.write(
        session, pending.row, pending.result, pending.facts, pending.prepared,
        case_organisations=pending.case_organisations,
    )  # fmt: skip
    session.flush()
    assert done.audit is not None and done.audit.sequence == 1
    assert len(_rows(session, done.id)["organisations"]) >= 2  # Östby and Västby
    assert session.execute(chains, {"o": organisation}).scalar_one() == 1
    assert verify(session).ok


# --- prepared statements (app/prepared.py) ------------------------------------------------

QUOTED_TITLE = "O'Brien's \\ \"bygglov\" $$ ; DROP TABLE screenings; -- åäö \\x27 E'x'"


def _prepared_statements(session: Session) -> dict[str, tuple[int, int]]:
    rows = session.execute(
        text(
            "SELECT name, generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE name LIKE 'javskoll%'"
        )
    )
    return {name: (generic, custom) for name, generic, custom in rows}


def test_a_screenings_statements_are_prepared_once_and_planned_generically(
    admin: ApiClient, session: Session, connection: Connection
) -> None:
    """The reach, the head's lock and the write: PREPAREd on a connection's first
    screening, EXECUTEd after, never planned with their values."""
    import_document(admin, registry(sambo_pnr=PNR_SAMBO))
    body = {"case": case(parties=PARTIES, participants=PARTICIPANTS)}
    assert admin.post("/v1/screenings", json=body).status_code == 201
    before = _prepared_statements(session)
    with recorded_statements(connection) as seen:
        for _ in range(6):
            response = admin.post("/v1/screenings", json=body)
            assert response.status_code == 201, response.text
    assert not [s for s in seen if s.startswith("PREPARE")], seen
    executed = [s.split("(", 1)[0] for s in seen if s.startswith("EXECUTE")]
    head = chain.lock_head_statement(
        False, PG_CASE_ORGANISATIONS_SQL, PG_CASE_ORGANISATIONS_TYPES
    ).name
    names = ("javskoll_reach", head, "javskoll_screening_write")
    for name in names:
        assert executed.count(f"EXECUTE {name}") == 6, (name, executed)
    after = _prepared_statements(session)
    for name in names:
        generic, custom = after[name]
        assert custom == 0 and generic - before[name][0] == 6, (name, before, after)


def test_values_reach_the_prepared_write_as_they_were_given(
    admin: ApiClient, session: Session, settings: Any
) -> None:
    """The prepared statements take their arguments as literals: quotes, backslashes,
    dollar signs and SQL in a case's title are stored as given, and the prepared write
    stores what the plain one (JAVSKOLL_DB_PREPARE_REACH=false) stores."""
    import_document(admin, registry(sambo_pnr=PNR_SAMBO))
    body = {"case": case(title=QUOTED_TITLE, parties=PARTIES, participants=PARTICIPANTS)}
    answer = admin.post("/v1/screenings", json=body)
    assert answer.status_code == 201, answer.text
    screening = answer.json()
    facts = admin.get(f"/v1/screenings/{screening['id']}/facts").json()
    assert facts["snapshot"]["case"]["title"] == QUOTED_TITLE
    assert admin.get(f"/v1/screenings/{screening['id']}").json() == screening

    principal = Principal(1, "tester", Role("admin"), None)
    plain_session = Session(
        bind=session.connection().execution_options(**{PLAIN_STATEMENTS_OPTION: True})
    )
    results = {}
    for name, on in (("prepared", session), ("plain", plain_session)):
        resolved = service.resolve_screened_case(
            on, principal, ScreeningIn.model_validate(body), pnr_secret=settings.pnr_secret
        )
        results[name] = service.screen_case(on, principal, resolved, date(2026, 3, 10))
        on.flush()
    prepared, plain = (_rows(session, results[n].id) for n in ("prepared", "plain"))
    ids = {results["prepared"].id, results["plain"].id}
    assert prepared["screening"]["case_snapshot"]["title"] == QUOTED_TITLE
    assert prepared["unsalted"] == plain["unsalted"]
    assert QUOTED_TITLE in orjson.loads(prepared["facts"][0])["snapshot"]["case"]["title"]
    assert (
        plain["screening"].pop("audit_sequence") == prepared["screening"].pop("audit_sequence") + 1
    )
    for key in ("screening", "findings", "organisations", "subjects"):
        assert _without_ids(prepared[key], ids) == _without_ids(plain[key], ids), key
    assert plain["entry"]["prev_hash"] == prepared["entry"]["hash"]
    assert verify(session).ok  # both entries chained, both facts texts as hashed


def test_statements_gone_from_the_server_are_prepared_again(
    admin: ApiClient, connection: Connection
) -> None:
    """If the server forgets a connection's prepared statements (DISCARD ALL, DEALLOCATE,
    a pooler that swapped the session), the screening that meets it fails and the next
    on that connection prepares them again (app/prepared.py)."""
    import_document(admin, registry(sambo_pnr=PNR_SAMBO))
    body = {"case": case(parties=PARTIES, participants=PARTICIPANTS)}
    assert admin.post("/v1/screenings", json=body).status_code == 201
    connection.exec_driver_sql("DEALLOCATE ALL")
    failed = admin.post("/v1/screenings", json=body)
    assert failed.status_code >= 500, failed.text
    again = admin.post("/v1/screenings", json=body)
    assert again.status_code == 201, again.text
    names = connection.exec_driver_sql("SELECT name FROM pg_prepared_statements").scalars()
    assert "javskoll_reach" in set(names)


def test_a_kommun_keys_statements_gone_from_the_server_are_prepared_again(
    admin: ApiClient, client_for: Any, connection: Connection
) -> None:
    """A kommun's key runs the case's scope statement first, planned generically on its
    own (app/prepared.py `generic_plan_alone`): when the server has forgotten it, that
    screening fails with the server's own error (not one from setting the plan mode back
    in the aborted transaction, which would hide it) and the next prepares it again."""
    import_document(admin, registry(sambo_pnr=PNR_SAMBO))
    kommun = client_for("screener", ["k-ost"])
    # The sambo is appointed nowhere: no kommun's key may name them.
    body = {"case": case(parties=PARTIES[:2], participants=PARTICIPANTS)}
    first = kommun.post("/v1/screenings", json=body)
    assert first.status_code == 201, first.text
    connection.exec_driver_sql("DEALLOCATE ALL")
    failed = kommun.post("/v1/screenings", json=body)
    assert failed.status_code >= 500, failed.text
    again = kommun.post("/v1/screenings", json=body)
    assert again.status_code == 201, again.text
    names = set(connection.exec_driver_sql("SELECT name FROM pg_prepared_statements").scalars())
    assert scope_statement.CASE_SCOPE.name in names


@pytest.mark.parametrize("mode", ["auto", "force_generic_plan", "force_custom_plan"])
def test_a_kommun_keys_case_scope_is_planned_generically_and_leaves_the_mode_alone(
    admin: ApiClient, session: Session, mode: str
) -> None:
    """The case's scope statement (app/cases/scope_statement.py) is planned generically
    on its own: the transaction's plan mode is what it was before, whether the default or
    one a caller set (`generic_plans_until_commit` before an import's or a reach's
    statements), and what the statement answers does not depend on it."""
    import_document(admin, registry(sambo_pnr=PNR_SAMBO))
    committee_id = session.scalar(text("SELECT id FROM committees WHERE ref = 'ost-mbn'"))
    wanted = {"person": {"p-ordf", "p-sambo"}, "organisation": {"bygg-ab", "k-vast"}}
    session.execute(text(f"SET LOCAL plan_cache_mode = {mode}"))
    before = _prepared_statements(session).get(scope_statement.CASE_SCOPE.name, (0, 0))
    seen = [
        scope_statement.case_refs_in_scope(session, ["k-ost"], ("ost-mbn", committee_id), wanted)
        for _ in range(3)
    ]
    assert session.scalar(text("SELECT current_setting('plan_cache_mode')")) == mode
    generic, custom = _prepared_statements(session)[scope_statement.CASE_SCOPE.name]
    assert (generic - before[0], custom - before[1]) == (3, 0)
    principal = Principal(1, "kommun", Role("screener"), frozenset({"k-ost"}))
    by_kind = case_scope.case_refs_in_scope_by_kind(
        session, principal, ("ost-mbn", committee_id), wanted
    )
    plain_session = Session(
        bind=session.connection().execution_options(**{PLAIN_STATEMENTS_OPTION: True})
    )
    plain = scope_statement.case_refs_in_scope(
        plain_session, ["k-ost"], ("ost-mbn", committee_id), wanted
    )
    assert seen[0] == seen[1] == seen[2] == by_kind == plain
    # Västby takes part in the nämnd: its organisation is in the case's view.
    assert seen[0]["committee"] == {"ost-mbn"} and "k-vast" in seen[0]["organisation"]
    # A committee is seen by its ref and id together: a pair that does not match (one
    # nämnd's ref, another's id) sees neither, and widens nothing.
    other_id = session.scalar(text("SELECT id FROM committees WHERE ref = 'ost-tn'"))
    mixed = scope_statement.case_refs_in_scope(session, ["k-ost"], ("ost-mbn", other_id), wanted)
    assert mixed["committee"] == set() and "k-vast" not in mixed["organisation"]
