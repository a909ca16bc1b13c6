"""The persons and organisations near a case, among those sharing a party's name tokens.

Near: the participants (or, when the case names none, everyone ever appointed to its
committee or to an administration serving it or its parent nämnd: a superset of the
default participants on any day) and their colleagues in those administrations; their
circle (the persons related to them) and the persons related to that circle (a
närstående's close friend or enemy); those the circle represents (god man, ombud); the
organisations any of these hold an interest, an appointment or a seat in a committee of
(a bolagsstyrelse, a direktion), and the ones such organisations own. A finding needs a
tie between a party and a participant, and these are the ties the grounds follow from a
party's side (part, närstående, ställföreträdare, employment, an interest, ownership one
step up, the generalklausul's relations), so a namesake near the case is matched however
many others bear the name (`app.screening.matching`). Further ties (a company two steps
down an ownership chain) rest on the name index's best candidates, as before.

PostgreSQL runs `PG_NEAR_CTES` and `PG_NEAR_BRANCHES` inside the party lookup
(`party_repository.PG_LOOKUP`: no statement more); SQLite and a meeting's shared reads
build the same with `near_selects`. tests/screening/test_constant_sql.py holds the two
forms to the same rows.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import exists, literal, or_, select, union
from sqlalchemy.orm import aliased

from app.models import (
    AdministrationServes,
    Appointment,
    Committee,
    Interest,
    NameToken,
    Organisation,
    OrganisationOwner,
    Person,
    Relation,
)
from app.screening.sql import in_ids, in_values

# The committee's people stand in for the participants only where the case names none.
# Each set is asked as `= ANY (ARRAY(...))`: computed once, then looked up by index. As
# `IN (SELECT ...)` a generic plan, which cannot know the sets are small, hashed the
# whole relations table for the second step of relations (100 ms a screening).
PG_NEAR_CTES = """
seated AS (
    SELECT unnest(CAST(:participants AS bigint[])) AS id
    UNION
    SELECT a.person_id FROM appointments a
    WHERE a.committee_id = :committee_id AND cardinality(CAST(:participants AS bigint[])) = 0
    UNION
    SELECT a.person_id FROM appointments a
    JOIN administration_serves s ON s.administration_id = a.administration_id
    WHERE cardinality(CAST(:participants AS bigint[])) = 0
      AND s.committee_id = ANY (ARRAY[CAST(:committee_id AS bigint)] || ARRAY(
          SELECT c.parent_id FROM committees c
          WHERE c.id = :committee_id AND c.parent_id IS NOT NULL))
), circle AS (
    SELECT id FROM seated
    UNION
    SELECT r.related_id FROM relations r WHERE r.person_id = ANY (ARRAY(SELECT id FROM seated))
    UNION
    SELECT r.person_id FROM relations r WHERE r.related_id = ANY (ARRAY(SELECT id FROM seated))
), near_persons AS (
    SELECT id FROM circle
    UNION
    SELECT r.related_id FROM relations r WHERE r.person_id = ANY (ARRAY(SELECT id FROM circle))
    UNION
    SELECT r.person_id FROM relations r WHERE r.related_id = ANY (ARRAY(SELECT id FROM circle))
    UNION
    SELECT i.on_behalf_of_id FROM interests i
    WHERE i.person_id = ANY (ARRAY(SELECT id FROM circle)) AND i.on_behalf_of_id IS NOT NULL
    UNION
    -- colleagues: asked by the seated persons' own appointments (their index), not by
    -- scanning the administrations' (a join here read all 54,010 of them)
    SELECT c.person_id FROM appointments c
    WHERE c.administration_id = ANY (ARRAY(
        SELECT s.administration_id FROM appointments s
        WHERE s.person_id = ANY (ARRAY(SELECT id FROM seated))))
)"""

# A near person bears the name when the near set and the name's bearers intersect, a hash
# of each: checking each near person's tokens by index fetched every near person (877 for
# "Sven Berg" on a 61-member case: 6.4 -> 4.0 ms a lookup, EXPLAIN ANALYZE, run P).
# An organisation is near when a near person holds an interest or appointment in it or
# in an owner of it. Asked from the organisations that bear the name (few, by the token
# index), not by listing all that the near persons hold (hundreds: 2 ms a screening).
PG_NEAR_BRANCHES = """
SELECT 'near', 'person', p.id, p.ref, p.name, p.personnummer_hash
FROM persons p
WHERE p.id = ANY (ARRAY(
    SELECT id FROM near_persons
    INTERSECT
    SELECT t.person_id FROM name_tokens t WHERE t.token = ANY (CAST(:tokens AS varchar[]))))
UNION ALL
SELECT 'near', 'organisation', o.id, o.ref, o.name, o.orgnr
FROM organisations o
WHERE o.id IN (
    SELECT t.organisation_id FROM name_tokens t WHERE t.token = ANY (CAST(:tokens AS varchar[])))
  AND (
    EXISTS (SELECT 1 FROM interests i
            WHERE i.organisation_id = o.id
              AND i.person_id = ANY (ARRAY(SELECT id FROM near_persons)))
    OR EXISTS (SELECT 1 FROM appointments a
               WHERE a.organisation_id = o.id
                 AND a.person_id = ANY (ARRAY(SELECT id FROM near_persons)))
    OR EXISTS (SELECT 1 FROM committees c JOIN appointments a ON a.committee_id = c.id
               WHERE c.organisation_id = o.id
                 AND a.person_id = ANY (ARRAY(SELECT id FROM near_persons)))
    OR EXISTS (
        SELECT 1 FROM organisation_owners w
        WHERE w.organisation_id = o.id AND (
            EXISTS (SELECT 1 FROM interests i
                    WHERE i.organisation_id = w.owner_id
                      AND i.person_id = ANY (ARRAY(SELECT id FROM near_persons)))
            OR EXISTS (SELECT 1 FROM appointments a
                       WHERE a.organisation_id = w.owner_id
                         AND a.person_id = ANY (ARRAY(SELECT id FROM near_persons)))
            OR EXISTS (SELECT 1 FROM committees c JOIN appointments a ON a.committee_id = c.id
                       WHERE c.organisation_id = w.owner_id
                         AND a.person_id = ANY (ARRAY(SELECT id FROM near_persons))))))
"""


def near_selects(
    tokens: Collection[str], committee_id: int | None, participant_ids: Collection[int]
) -> tuple[Any, Any]:
    """`PG_NEAR_BRANCHES` built with SQLAlchemy: (persons, organisations) as rows of
    (source "near", kind, id, ref, name, key)."""
    seated = (
        select(Person.id).where(in_ids(Person.id, participant_ids))
        if participant_ids or committee_id is None  # no case: nobody (never `IS NULL`)
        else union(
            select(Appointment.person_id).where(Appointment.committee_id == committee_id),
            select(Appointment.person_id)
            .join(
                AdministrationServes,
                AdministrationServes.administration_id == Appointment.administration_id,
            )
            .where(
                or_(
                    AdministrationServes.committee_id == committee_id,
                    AdministrationServes.committee_id.in_(
                        select(Committee.parent_id).where(Committee.id == committee_id)
                    ),
                )
            ),
        )
    ).cte("seated")
    seated_ids = select(seated.c[0])
    circle = union(
        seated_ids,
        select(Relation.related_id).where(Relation.person_id.in_(seated_ids)),
        select(Relation.person_id).where(Relation.related_id.in_(seated_ids)),
    ).cte("circle")
    circle_ids = select(circle.c[0])
    colleague = aliased(Appointment)
    near_persons = union(
        circle_ids,
        select(Relation.related_id).where(Relation.person_id.in_(circle_ids)),
        select(Relation.person_id).where(Relation.related_id.in_(circle_ids)),
        select(Interest.on_behalf_of_id).where(
            Interest.person_id.in_(circle_ids), Interest.on_behalf_of_id.is_not(None)
        ),
        select(colleague.person_id)
        .join(Appointment, colleague.administration_id == Appointment.administration_id)
        .where(Appointment.person_id.in_(seated_ids)),
    ).cte("near_persons")
    near_ids = select(near_persons.c[0])

    def held_by_near(org: Any) -> Any:
        return or_(
            exists().where(Interest.organisation_id == org, Interest.person_id.in_(near_ids)),
            exists().where(Appointment.organisation_id == org, Appointment.person_id.in_(near_ids)),
            exists().where(
                Committee.organisation_id == org,
                Appointment.committee_id == Committee.id,
                Appointment.person_id.in_(near_ids),
            ),
        )

    owner = aliased(OrganisationOwner)
    near_organisation = or_(
        held_by_near(Organisation.id),
        exists().where(owner.organisation_id == Organisation.id, held_by_near(owner.owner_id)),
    )
    named = in_values(NameToken.token, sorted(tokens))
    persons = select(
        literal("near").label("source"),
        literal("person").label("kind"),
        Person.id,
        Person.ref,
        Person.name,
        Person.personnummer_hash.label("key"),
    ).where(
        Person.id.in_(near_ids),
        Person.id.in_(select(NameToken.person_id).where(named)),
    )
    organisations = select(
        literal("near"),
        literal("organisation"),
        Organisation.id,
        Organisation.ref,
        Organisation.name,
        Organisation.orgnr,
    ).where(
        Organisation.id.in_(select(NameToken.organisation_id).where(named)),
        near_organisation,
    )
    return persons, organisations
