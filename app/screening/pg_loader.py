"""The PostgreSQL loader: a case's whole reach in one statement (`pg_reach.REACH_SQL`),
decoded into the rows `FactsBuilder` reads, in the order the batched loader gives them.

`loader.load_snapshot` calls this on PostgreSQL after matching the unregistered parties;
the SQLite path is the batched one in `loader.py`. Both build the same snapshot
(`tests/screening/test_one_read.py` compares them on every scenario).

The statement is a server-side prepared statement (`app/prepared.py`: PREPARE once per
connection, then EXECUTE), so PostgreSQL parses and plans it once per connection, and it
runs with a generic plan: `SET LOCAL plan_cache_mode = force_generic_plan` is sent before
the EXECUTE (one statement of a few microseconds; LOCAL, so it ends with the transaction,
and what follows the reach in a screening's transaction, the chain head's lock and the
write, runs generic as before: their plans were checked so, BENCHMARKS.md run G). With
"auto" PostgreSQL would plan it 5 times and then keep the generic plan only if its
estimate beat the custom plans', a choice that a few percent of estimated cost decides
either way, and a custom plan is 2-3 ms of planning per screening. Every statement before
it keeps "auto", under which a statement that is not prepared is planned with its
parameters' values: generic plans for the whole connection, as the service set until run
I, also reached the ORM's unnamed statements, where a generic JOIN plan can walk a whole
index (a kommun's case refs: 15-30 ms instead of 0.3; BENCHMARKS.md run I).
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import orjson
from sqlalchemy.orm import Session

from app.prepared import PreparedStatement
from app.screening.facts import FactsBuilder
from app.screening.pg_reach import REACH_SQL

# The statement's parameters in the order of the PREPARE's $1..$n, with their types.
REACH = PreparedStatement(
    "javskoll_reach",
    REACH_SQL,
    (
        ("case_committee", "bigint"),
        ("committee_ids", "bigint[]"),
        ("org_ids", "bigint[]"),
        ("party_org_ids", "bigint[]"),
        ("party_person_ids", "bigint[]"),
        ("person_ids", "bigint[]"),
        ("participant_ids", "bigint[]"),
        ("defaults", "boolean"),
        ("op_ids", "bigint[]"),
        ("earlier_committee_ids", "bigint[]"),
        ("case_area", "varchar[]"),
        ("as_of", "date"),
    ),
    generic_plan=True,  # (module docstring)
)


def _reach_document(session: Session, values: Mapping[str, Any]) -> str:
    """The reach's JSON text (one statement, prepared on the connection's first use)."""
    document: str = REACH.execute(session, values).scalar_one()
    return document


Operation = namedtuple(
    "Operation",
    "id ref name area operator_committee_id operator_organisation_id municipality_id",
)
Committee = namedtuple("Committee", "id ref organisation_id kind name parent_id")
Relation = namedtuple("Relation", "id person_id related_id kind valid_from valid_to")
Appointment = namedtuple(
    "Appointment",
    "id person_id committee_id administration_id organisation_id appointed_by_id role "
    "valid_from valid_to works_with",
)
Interest = namedtuple(
    "Interest",
    "id person_id kind organisation_id on_behalf_of_id share_percent valid_from valid_to",
)
Administration = namedtuple("Administration", "id ref organisation_id name")
Serves = namedtuple("Serves", "administration_id committee_id")
ResponsibilityRow = namedtuple("ResponsibilityRow", "id committee_id area role organisation_id")
Participant = namedtuple("Participant", "committee_id organisation_id")
Owner = namedtuple("Owner", "organisation_id owner_id share_percent")
Member = namedtuple("Member", "organisation_id member_id")
Agreement = namedtuple("Agreement", "id ref performer_id area role valid_from valid_to")
Principal = namedtuple("Principal", "agreement_id organisation_id")
Organisation = namedtuple("Organisation", "id ref kind name")
PersonRow = namedtuple("PersonRow", "id ref name")


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _share(value: float | None) -> float | None:
    # JSON writes 50.0 as 50: the rules and the stored facts expect the column's float.
    return None if value is None else float(value)


def _rows(
    kind: Any, rows: list[list[Any]], dates: tuple[int, ...] = (), share: int | None = None
) -> list[Any]:
    """Rows as `kind` tuples: ISO dates at `dates` parsed, the share at `share` a float."""
    out = []
    for row in rows:
        for i in dates:
            row[i] = _day(row[i])
        if share is not None:
            row[share] = _share(row[share])
        out.append(kind(*row))
    return out


def _ids(values: Iterable[int | None]) -> list[int]:
    return sorted({v for v in values if v is not None})


def load_reach(
    session: Session,
    *,
    case_committee: int,
    committee_ids: Iterable[int | None],
    org_ids: Iterable[int | None],
    party_org_ids: Iterable[int],
    party_person_ids: Iterable[int],
    person_ids: Iterable[int | None],
    participant_ids: Iterable[int] | None,
    op_ids: Iterable[int],
    earlier_committee_ids: Iterable[int | None],
    area: str | None,
    as_of: date,
) -> tuple[FactsBuilder, list[Any]]:
    """One statement: the builder filled as `loader.load_snapshot` fills it, and the
    party operations (the builder holds them too). `participant_ids` None: the default
    participants (seats and serving staff on as_of) are screened."""
    raw = _reach_document(
        session,
        {
            "case_committee": case_committee,
            "committee_ids": _ids(committee_ids),
            "org_ids": _ids(org_ids),
            "party_org_ids": _ids(party_org_ids),
            "party_person_ids": _ids(party_person_ids),
            "person_ids": _ids(person_ids),
            "participant_ids": _ids(participant_ids or ()),
            "defaults": participant_ids is None,
            "op_ids": _ids(op_ids),
            "earlier_committee_ids": _ids(earlier_committee_ids),
            "case_area": [area] if area else [],
            "as_of": as_of,
        },
    )
    doc = orjson.loads(raw)
    builder = FactsBuilder()
    builder.interest_totals = {pid: n for pid, n in doc["counts"]}
    builder.add_committees(Committee(*r) for r in doc["around"])
    builder.add_appointments(_rows(Appointment, [*doc["appointments"], *doc["rosters"]], (7, 8)))
    builder.add_interests(_rows(Interest, doc["interests"], (6, 7), share=5))
    builder.add_relations(_rows(Relation, doc["relations"], (4, 5)))
    builder.add_administrations(
        [Administration(*r) for r in doc["administrations"]],
        [Serves(*r) for r in doc["serves"]],
    )
    builder.add_committees(Committee(*r) for r in doc["committees"])
    builder.add_responsibilities(ResponsibilityRow(*r) for r in doc["responsibilities"])
    builder.add_committee_participants(Participant(*r) for r in doc["participants"])
    owners = _rows(Owner, doc["owners"], share=2)
    builder.add_owners(owners)
    builder.add_members(Member(*r) for r in doc["members"])
    builder.add_agreements(
        _rows(Agreement, doc["agreements"], (5, 6)), [Principal(*r) for r in doc["principals"]]
    )
    # The levels above may meet an organisation whose owners `own` read (a cycle).
    read = {(o.organisation_id, o.owner_id) for o in owners}
    above = _rows(Owner, doc["owners2"], share=2)
    builder.add_owners(o for o in above if (o.organisation_id, o.owner_id) not in read)
    ops = [Operation(*r) for r in doc["ops"]]
    builder.add_operations(ops)
    builder.add_organisations(Organisation(*r) for r in doc["organisations"])
    builder.add_persons(PersonRow(*r) for r in doc["persons"])
    return builder, ops
