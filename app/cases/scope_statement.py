"""A limited key's scope over one case's references, in one statement (PostgreSQL).

What a limited key may name in a case (`app.cases.scope`): the committee and every
person in the key's own scope; organisations, operations and other committees in the
case's view, the key's organisations widened by those taking part in the committee when
the key sees it. Asked kind by kind (`app.registry.reference_scope.referable`) that took
five to seven statements a screening, each building the key's organisation, committee
and administration sets again (the administrations' set alone builds the committees'
twice): 7.4 ms of PostgreSQL time a national screening, twice the reach's, most of it
planning the repeated sets (BENCHMARKS.md run K).

Here each set is built once, as an array in a MATERIALIZED CTE, from the key's
organisations and then from the view's, and every reference is asked of those arrays
(`= ANY`, an index probe per element). A CTE that no reference needs (the view when the
case names no organisation, operation or other committee; the administrations when it
names no person) is never run. The statement is prepared once per connection
(app/prepared.py).

The sets are those of app/security/scope_sets.py and the per-row tests those of
app/security/scoping.py, written in SQL for this one statement. A change to the scope
rule must be made in both: tests/security/test_scoping_shapes.py holds this statement
to the per-kind predicates for a key of every organisation of a generated registry and
edge cases of ownership, and fails when they part.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy.orm import Session

from app.prepared import PreparedStatement
from app.security import scope_sets

# The kinds of reference a case holds (app/cases/resolve.py `_lookups`).
CASE_KINDS = ("person", "organisation", "operation", "committee")


def _visible_organisations(base: str) -> str:
    """`scope_sets.visible_organisation_ids` of the organisation ids in `base`.ids: the
    organisations themselves, the förbund they are members of, and the companies they
    own, directly or through their companies at any depth (`scope_sets.owned_below`).

    The ownership levels are walked as arrays, one row a level: a recursive CTE of rows
    was planned generically for 282,366 of them (ten times a guess of its first level),
    hashed in partitions and merge-joined with every ownership row, 30-100 ms a case
    where the walk finds ten companies."""
    return f"""SELECT ARRAY(
        WITH RECURSIVE levels(ids, depth) AS (
            SELECT ARRAY(SELECT o.organisation_id FROM organisation_owners o
                         WHERE o.owner_id = ANY(b.ids)), 1
            UNION ALL
            SELECT ARRAY(SELECT o.organisation_id FROM organisation_owners o
                         WHERE o.owner_id = ANY(l.ids)), l.depth + 1
            FROM levels l
            WHERE cardinality(l.ids) > 0 AND l.depth < {scope_sets.MAX_OWNERSHIP_DEPTH})
        SELECT unnest(b.ids)
        UNION SELECT m.organisation_id FROM organisation_members m WHERE m.member_id = ANY(b.ids)
        UNION SELECT unnest(l.ids) FROM levels l
    ) AS ids FROM {base} b"""  # noqa: S608 - a CTE name and a constant of this code


def _committees(organisations: str) -> str:
    """`scope_sets.visible_committee_ids`: the committees of the organisations, and the
    gemensamma nämnder they take part in."""
    return f"""SELECT ARRAY(
        SELECT c.id FROM committees c WHERE c.organisation_id = ANY(o.ids)
        UNION SELECT p.committee_id FROM committee_participants p
              WHERE p.organisation_id = ANY(o.ids)
    ) AS ids FROM {organisations} o"""  # noqa: S608 - a CTE name of this module


_SQL = f"""
WITH own_base AS MATERIALIZED (
    SELECT ARRAY(SELECT id FROM organisations WHERE ref = ANY(:scope_refs)) AS ids
), own_orgs AS MATERIALIZED ({_visible_organisations("own_base")}
), own_committees AS MATERIALIZED ({_committees("own_orgs")}
), own_administrations AS MATERIALIZED (
    SELECT ARRAY(
        SELECT a.id FROM administrations a WHERE a.organisation_id = ANY(o.ids)
        UNION SELECT s.administration_id FROM administration_serves s
              WHERE s.committee_id = ANY(c.ids)
    ) AS ids FROM own_orgs o, own_committees c
), the_committee AS MATERIALIZED (
    SELECT c.id, c.ref, c.organisation_id FROM committees c, own_committees oc
    WHERE c.id = :committee_id AND c.ref = :committee_ref AND c.id = ANY(oc.ids)
), view_base AS MATERIALIZED (
    SELECT ARRAY(
        SELECT unnest(b.ids)
        UNION SELECT t.organisation_id FROM the_committee t
        UNION SELECT p.organisation_id FROM committee_participants p
              JOIN the_committee t ON p.committee_id = t.id
    ) AS ids FROM own_base b
), view_orgs AS MATERIALIZED ({_visible_organisations("view_base")}
), view_committees AS MATERIALIZED ({_committees("view_orgs")}
)
SELECT 'own_committee' AS kind, t.ref FROM the_committee t
UNION ALL
SELECT 'person', p.ref FROM persons p, own_orgs o, own_committees c, own_administrations a
WHERE p.ref = ANY(:person_refs) AND EXISTS (
    SELECT 1 FROM appointments x
    WHERE x.person_id = p.id AND (
        x.committee_id = ANY(c.ids)
        OR x.administration_id = ANY(a.ids)
        OR x.organisation_id = ANY(o.ids))
    OFFSET 0)
UNION ALL
SELECT 'organisation', g.ref FROM organisations g, view_orgs v
WHERE g.ref = ANY(:organisation_refs) AND (
    g.id = ANY(v.ids)
    OR (g.kind = ANY(:private_kinds) AND NOT EXISTS (
        WITH RECURSIVE levels(ids, depth) AS (
            SELECT ARRAY(SELECT l.owner_id FROM organisation_owners l
                         WHERE l.organisation_id = g.id), 1
            UNION ALL
            SELECT ARRAY(SELECT l.owner_id FROM organisation_owners l
                         WHERE l.organisation_id = ANY(u.ids)), u.depth + 1
            FROM levels u
            WHERE cardinality(u.ids) > 0 AND u.depth < {scope_sets.MAX_OWNERSHIP_DEPTH})
        SELECT 1 FROM levels u JOIN organisations w ON w.id = ANY(u.ids)
        WHERE w.kind = ANY(:public_kinds))))
UNION ALL
SELECT 'committee', c.ref FROM committees c, view_committees v
WHERE c.ref = ANY(:committee_refs) AND c.id = ANY(v.ids)
UNION ALL
SELECT 'operation', x.ref FROM operations x, view_orgs o, view_committees c
WHERE x.ref = ANY(:operation_refs) AND (
    x.operator_committee_id = ANY(c.ids)
    OR x.operator_organisation_id = ANY(o.ids)
    OR x.municipality_id = ANY(o.ids))
"""  # noqa: S608 - constant text; every value is a bound parameter

CASE_SCOPE = PreparedStatement(
    "javskoll_case_scope",
    _SQL,
    (
        ("scope_refs", "text[]"),
        ("committee_id", "bigint"),
        ("committee_ref", "text"),
        ("person_refs", "text[]"),
        ("organisation_refs", "text[]"),
        ("committee_refs", "text[]"),
        ("operation_refs", "text[]"),
        ("private_kinds", "text[]"),
        ("public_kinds", "text[]"),
    ),
    # Planned with its values it took 1.0-1.2 ms to plan and 0.5 ms to run; its generic
    # plan runs in 0.4 ms (national registry), but "auto" kept choosing custom plans.
    generic_plan_alone=True,
)


def case_refs_in_scope(
    session: Session,
    organisation_refs: Iterable[str],
    committee: tuple[str, int | None],
    wanted: Mapping[str, Iterable[str]],
) -> dict[str, set[str]]:
    """Kind -> the refs of `wanted` a key of these organisations may name in a case of
    this committee (its ref, and its id when it exists); the committee's own ref is under
    "committee" exactly when the key sees the committee
    (`app.cases.scope.case_refs_in_scope`)."""
    committee_ref, committee_id = committee
    unknown = set(wanted) - set(CASE_KINDS)
    if unknown:  # a kind the statement does not check would read as out of scope
        raise ValueError(f"a case names no {sorted(unknown)}")
    values = {
        "scope_refs": sorted(organisation_refs),
        "committee_id": committee_id,
        "committee_ref": committee_ref,
        **{f"{kind}_refs": sorted(set(wanted.get(kind, ()))) for kind in CASE_KINDS},
        "private_kinds": list(scope_sets.PRIVATE_KINDS),
        "public_kinds": list(scope_sets.PUBLIC_KINDS),
    }
    seen: dict[str, set[str]] = {kind: set() for kind in (*wanted, "committee")}
    own = False
    for kind, ref in CASE_SCOPE.execute(session, values):
        if kind == "own_committee":
            own = True
        else:
            seen[kind].add(ref)
    seen["committee"].discard(committee_ref)
    if own:
        seen["committee"].add(committee_ref)
    return seen
