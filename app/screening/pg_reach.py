"""The whole reach of a case as ONE PostgreSQL statement returning one JSON document.

The same levels as `app/screening/loader.py` (its docstring says what each reaches and
why), written as CTEs: each set of ids is an array built from the rows before it, and
each lookup is `column = ANY(ARRAY(...))` on an indexed column, which PostgreSQL runs as
an InitPlan followed by an index scan (never a scan of the table, whatever its size).
Lookups over two columns are UNIONs of indexed lookups, as in `repository.py`. The staff
of an administration serving a committee are read the same way, by administration ids from
an InitPlan, not by a JOIN: with the ids unknown at planning (generic plan) PostgreSQL
hashes the join over a sequential scan of all appointments (9 ms at 100,000 persons).

The answer is `json_build_object` of compact arrays (one JSON array per row, in the
column order of `ROW_FIELDS` in `pg_loader.py`), sent as text and decoded with orjson.
The statement text is constant: it is parsed by SQLAlchemy once and never rebuilt.
"""

from __future__ import annotations

from app.rules.grounds.undantag import MAX_CHAIN

SEAT_ROLES_SQL = "('ledamot', 'ersattare', 'ordforande', 'vice_ordforande')"
# The case committee's own members screened by default: its seats and a revision's
# revisorer (repository.DEFAULT_SEAT_ROLES).
DEFAULT_SEAT_ROLES_SQL = "('ledamot', 'ersattare', 'ordforande', 'vice_ordforande', 'revisor')"
GOVERNING_KINDS_SQL = "('direktion', 'bolagsstyrelse', 'styrelse')"
VALID_ON = (
    "(valid_from IS NULL OR valid_from <= CAST(:as_of AS date))"
    " AND (valid_to IS NULL OR valid_to >= CAST(:as_of AS date))"
)
APPOINTMENT = (
    "id, person_id, committee_id, administration_id, organisation_id, appointed_by_id, "
    "role, valid_from, valid_to, works_with"
)
COMMITTEE = "id, ref, organisation_id, kind, name, parent_id"
# The committees whose administrations staff the case's committee: itself and, for an
# utskott, its parent nämnd (`participants.default_participants`).
STAFFED = (
    "ARRAY[CAST(:case_committee AS bigint)] || ARRAY(SELECT parent_id FROM committees"
    " WHERE id = CAST(:case_committee AS bigint) AND parent_id IS NOT NULL)"
)


def _agg(cte: str, columns: str, order: str = "id") -> str:
    # constant names from PARTS below, never a value
    select = f"(SELECT coalesce(json_agg(json_build_array({columns}) ORDER BY {order}), '[]')"
    return f"{select} FROM {cte})"


INTEREST = (
    "id, person_id, kind, organisation_id, on_behalf_of_id, share_percent, valid_from, valid_to"
)
# The interests in the party organisations and their owners are read by organisation
# (a few dozen rows; at most 233 for one organisation in the national registry), not by
# person (10 per person, a few thousand for a committee's seats and their relatives).
# An organisation with more declared interests than this (a national association whose
# members declare it) is read by person instead, as before: the statement reads at most
# this many rows by organisation before it knows.
INTERESTS_BY_ORGANISATION = 2000
OPERATION = "id, ref, name, area, operator_committee_id, operator_organisation_id, municipality_id"
# (key in the answer, CTE, columns, order): the loader reads the keys.
PARTS = (
    ("ops", "ops", OPERATION, "id"),
    ("around", "around", COMMITTEE, "id"),
    ("relations", "rel", "id, person_id, related_id, kind, valid_from, valid_to", "id"),
    ("appointments", "appt", APPOINTMENT, "id"),
    ("interests", "intr", INTEREST, "id"),
    ("counts", "icount", "person_id, n", "person_id"),
    ("rosters", "rost", APPOINTMENT, "id"),
    ("administrations", "adm", "id, ref, organisation_id, name", "id"),
    ("serves", "srv", "administration_id, committee_id", "id"),
    ("committees", "more", COMMITTEE, "id"),
    ("responsibilities", "resp", "id, committee_id, area, role, organisation_id", "id, scope_id"),
    ("participants", "cpart", "committee_id, organisation_id", "id"),
    ("owners", "own", "organisation_id, owner_id, share_percent", "id"),
    ("members", "mem", "organisation_id, member_id", "id"),
    ("agreements", "agr", "id, ref, performer_id, area, role, valid_from, valid_to", "id"),
    ("principals", "prin", "agreement_id, organisation_id", "id"),
    ("owners2", "own2nd", "organisation_id, owner_id, share_percent", "id"),
    ("organisations", "org", "id, ref, kind, name", "id"),
    ("persons", "pers", "id, ref, name", "id"),
)
_PARTS = ",\n  ".join(f"'{key}', {_agg(cte, cols, order)}" for key, cte, cols, order in PARTS)


# The owners' owners, a level at a time up to OWNER_LEVELS above `own`: an owner chain
# (a kommun, its stadshus AB, a company, its subsidiary) tells whether an operator or a
# party is municipal (`indexes.is_municipal`) and whether the company exception may apply
# (`grounds.undantag`). Unrolled, each level an indexed `= ANY(ARRAY(...))` that is empty
# past the top of the chain; a recursive CTE is planned generically as a hash join over
# the whole table. `loader.py` reads the same levels.
OWNER_LEVELS = MAX_CHAIN  # as far as the company exception's indirect reading looks


def _owners_above() -> str:
    # Constant text: the level numbers are the only thing put in (never a value).
    owner = "SELECT id, organisation_id, owner_id, share_percent FROM organisation_owners"
    first = "SELECT owner_id FROM own EXCEPT SELECT id FROM org3"
    levels = [f"own_up1 AS (\n  {owner}\n  WHERE organisation_id = ANY(ARRAY({first}))\n)"]
    for n in range(2, OWNER_LEVELS + 1):
        # An organisation met again (a cycle, a shared owner) is read again: excluding
        # those (EXCEPT every level before) cost 0.5 ms a reach for levels that are nearly
        # always empty. UNION drops a row read twice; pg_loader drops a row `own` holds.
        below = f"SELECT owner_id FROM own_up{n - 1}"  # noqa: S608 - a level number
        levels.append(
            f"own_up{n} AS (\n  {owner}\n  WHERE organisation_id = ANY(ARRAY({below}))\n)"
        )
    every = " UNION ".join(
        f"SELECT * FROM own_up{n}"  # noqa: S608 - a level number
        for n in range(1, OWNER_LEVELS + 1)
    )
    return ",\n".join([*levels, f"own2nd AS ({every})"])


def reach_sql(interests_by_organisation: int = INTERESTS_BY_ORGANISATION) -> str:
    """The statement; `interests_by_organisation` other than the default only in tests."""
    return f"""
WITH
ops AS (
  SELECT id, ref, name, area, operator_committee_id, operator_organisation_id, municipality_id
  FROM operations WHERE id = ANY(CAST(:op_ids AS bigint[]))
),
s0 AS (
  SELECT
    CAST(:committee_ids AS bigint[])
      || ARRAY(SELECT operator_committee_id FROM ops WHERE operator_committee_id IS NOT NULL)
      AS comm0,
    ARRAY(SELECT operator_organisation_id FROM ops WHERE operator_organisation_id IS NOT NULL)
      AS operator_orgs,
    CAST(:org_ids AS bigint[])
      || ARRAY(SELECT operator_organisation_id FROM ops
               WHERE operator_organisation_id IS NOT NULL)
      || ARRAY(SELECT municipality_id FROM ops WHERE municipality_id IS NOT NULL) AS org0,
    ARRAY(SELECT area FROM ops WHERE area IS NOT NULL) || CAST(:case_area AS varchar[])
      AS areas
),
targets AS (
  SELECT CAST(:party_org_ids AS bigint[]) || (SELECT operator_orgs FROM s0) AS ids
),
core AS (
  SELECT unnest((SELECT comm0 FROM s0)) AS id
  UNION ALL
  SELECT id FROM committees
  WHERE organisation_id = ANY(CAST((SELECT ids FROM targets) AS bigint[]))
    AND kind IN {GOVERNING_KINDS_SQL}
  UNION ALL
  SELECT committee_id FROM responsibilities
  WHERE id = ANY(ARRAY(SELECT responsibility_id FROM responsibility_scopes
                       WHERE organisation_id = ANY(CAST((SELECT org0 FROM s0) AS bigint[]))))
    AND role = 'drift' AND area = ANY(CAST((SELECT areas FROM s0) AS varchar[]))
),
kin AS (
  SELECT id FROM core
  UNION SELECT id FROM committees WHERE parent_id = ANY(ARRAY(SELECT id FROM core))
  UNION SELECT parent_id FROM committees
  WHERE id = ANY(ARRAY(SELECT id FROM core)) AND parent_id IS NOT NULL
),
around AS (
  SELECT {COMMITTEE} FROM committees WHERE id = ANY(ARRAY(SELECT id FROM kin))
),
seats0 AS (
  SELECT id FROM appointments
  WHERE CAST(:defaults AS boolean) AND committee_id = CAST(:case_committee AS bigint)
    AND role IN {DEFAULT_SEAT_ROLES_SQL}
  UNION ALL
  SELECT id FROM appointments
  WHERE CAST(:defaults AS boolean) AND administration_id = ANY(ARRAY(
    SELECT administration_id FROM administration_serves
    WHERE committee_id = ANY({STAFFED})))
),
defaults AS (
  SELECT person_id FROM appointments
  WHERE id = ANY(ARRAY(SELECT id FROM seats0)) AND {VALID_ON}
),
s1 AS (
  SELECT CAST(:person_ids AS bigint[]) || CAST(:participant_ids AS bigint[])
    || ARRAY(SELECT person_id FROM defaults) AS screened
),
rel AS (
  SELECT id, person_id, related_id, kind, valid_from, valid_to FROM relations
  WHERE person_id = ANY(CAST((SELECT screened FROM s1) AS bigint[]))
  UNION
  SELECT id, person_id, related_id, kind, valid_from, valid_to FROM relations
  WHERE related_id = ANY(CAST((SELECT screened FROM s1) AS bigint[]))
),
s2 AS (
  SELECT (SELECT screened FROM s1) || ARRAY(SELECT person_id FROM rel)
    || ARRAY(SELECT related_id FROM rel) AS people
),
appt AS (
  SELECT {APPOINTMENT} FROM appointments
  WHERE person_id = ANY(CAST((SELECT people FROM s2) AS bigint[]))
),
own1 AS (
  SELECT owner_id FROM organisation_owners
  WHERE organisation_id = ANY(CAST((SELECT ids FROM targets) AS bigint[]))
),
own2 AS (
  SELECT owner_id FROM organisation_owners
  WHERE organisation_id = ANY(ARRAY(SELECT owner_id FROM own1))
),
intr_orgs AS (
  SELECT (SELECT ids FROM targets) || ARRAY(SELECT owner_id FROM own1)
    || ARRAY(SELECT owner_id FROM own2) AS ids
),
intr_any AS MATERIALIZED (
  SELECT * FROM (
    SELECT {INTEREST} FROM interests
    WHERE organisation_id = ANY(CAST((SELECT ids FROM intr_orgs) AS bigint[]))
    LIMIT {interests_by_organisation}
  ) by_organisation
  UNION ALL
  SELECT {INTEREST} FROM interests
  WHERE on_behalf_of_id = ANY(CAST(:party_person_ids AS bigint[]))
),
intr_many AS (
  SELECT count(*) >= {interests_by_organisation} AS yes FROM intr_any
  WHERE organisation_id IS NOT NULL
),
intr AS (
  SELECT * FROM intr_any
  WHERE person_id IN (SELECT unnest((SELECT people FROM s2)))
    AND (on_behalf_of_id IS NOT NULL OR NOT (SELECT yes FROM intr_many))
  UNION ALL
  SELECT {INTEREST} FROM interests
  WHERE (SELECT yes FROM intr_many)
    AND person_id = ANY(CAST((SELECT people FROM s2) AS bigint[]))
    AND organisation_id + 0 = ANY(CAST((SELECT ids FROM intr_orgs) AS bigint[]))
),
icount AS (
  SELECT person_id, count(*) AS n FROM interests
  WHERE person_id = ANY(CAST((SELECT screened FROM s1) AS bigint[])) GROUP BY person_id
),
operating AS (
  SELECT id FROM around
  WHERE id <> CAST(:case_committee AS bigint)
    AND (parent_id IS NULL OR parent_id <> CAST(:case_committee AS bigint))
    AND id NOT IN (SELECT parent_id FROM around
                   WHERE id = CAST(:case_committee AS bigint) AND parent_id IS NOT NULL)
    AND NOT (id = ANY(CAST(:earlier_committee_ids AS bigint[])))
),
rost_ids AS (
  SELECT id FROM appointments
  WHERE committee_id = ANY(ARRAY(SELECT id FROM operating)) AND role IN {SEAT_ROLES_SQL}
  UNION ALL
  SELECT id FROM appointments
  WHERE administration_id = ANY(ARRAY(
    SELECT administration_id FROM administration_serves
    WHERE committee_id = ANY(ARRAY(SELECT id FROM operating))))
  UNION ALL
  SELECT id FROM appointments
  WHERE organisation_id = ANY(CAST((SELECT operator_orgs FROM s0) AS bigint[]))
),
rost AS (
  SELECT {APPOINTMENT} FROM appointments
  WHERE id = ANY(ARRAY(SELECT id FROM rost_ids)) AND {VALID_ON}
),
adm AS (
  SELECT id, ref, organisation_id, name FROM administrations
  WHERE id = ANY(ARRAY(SELECT administration_id FROM appt WHERE administration_id IS NOT NULL
                       UNION ALL
                       SELECT administration_id FROM rost WHERE administration_id IS NOT NULL))
  UNION
  SELECT id, ref, organisation_id, name FROM administrations
  WHERE id = ANY(ARRAY(SELECT administration_id FROM administration_serves
                       WHERE committee_id = ANY(ARRAY(SELECT id FROM around))))
),
srv AS (
  SELECT id, administration_id, committee_id FROM administration_serves
  WHERE administration_id = ANY(ARRAY(SELECT id FROM adm))
),
wanted AS (
  SELECT unnest((SELECT comm0 FROM s0)) AS id
  UNION SELECT committee_id FROM appt WHERE committee_id IS NOT NULL
  UNION SELECT committee_id FROM rost WHERE committee_id IS NOT NULL
  UNION SELECT committee_id FROM srv
  EXCEPT SELECT id FROM around
),
more AS (
  SELECT {COMMITTEE} FROM committees WHERE id = ANY(ARRAY(SELECT id FROM wanted))
  UNION
  SELECT p.id, p.ref, p.organisation_id, p.kind, p.name, p.parent_id
  FROM committees p JOIN committees c ON c.parent_id = p.id
  WHERE c.id = ANY(ARRAY(SELECT id FROM wanted))
),
allc AS (SELECT * FROM around UNION SELECT * FROM more),
resp_r AS (
  SELECT r.id, r.committee_id, r.area, r.role
  FROM allc CROSS JOIN LATERAL (
    SELECT id, committee_id, area, role FROM responsibilities
    WHERE committee_id = allc.id OFFSET 0
  ) r
),
resp_s AS (
  SELECT id, responsibility_id, organisation_id FROM responsibility_scopes
  WHERE responsibility_id = ANY(ARRAY(SELECT id FROM resp_r))
),
resp AS (
  SELECT r.id, r.committee_id, r.area, r.role, s.organisation_id, s.id AS scope_id
  FROM resp_r r LEFT JOIN resp_s s ON s.responsibility_id = r.id
),
cpart AS (
  SELECT id, committee_id, organisation_id FROM committee_participants
  WHERE committee_id = ANY(ARRAY(SELECT id FROM allc))
),
org3 AS (
  SELECT unnest((SELECT org0 FROM s0)) AS id
  UNION SELECT organisation_id FROM appt UNION SELECT appointed_by_id FROM appt
  UNION SELECT organisation_id FROM rost UNION SELECT appointed_by_id FROM rost
  UNION SELECT organisation_id FROM intr UNION SELECT organisation_id FROM adm
  UNION SELECT organisation_id FROM allc UNION SELECT organisation_id FROM cpart
  UNION SELECT organisation_id FROM resp
),
own AS (
  SELECT id, organisation_id, owner_id, share_percent FROM organisation_owners
  WHERE organisation_id = ANY(ARRAY(SELECT id FROM org3 WHERE id IS NOT NULL))
),
mem AS (
  SELECT id, organisation_id, member_id FROM organisation_members
  WHERE organisation_id = ANY(ARRAY(SELECT id FROM org3 WHERE id IS NOT NULL))
),
home AS (
  SELECT organisation_id AS id FROM allc WHERE id = CAST(:case_committee AS bigint)
  UNION SELECT organisation_id FROM cpart WHERE committee_id = CAST(:case_committee AS bigint)
  UNION SELECT member_id FROM mem
  WHERE organisation_id = (SELECT organisation_id FROM allc
                           WHERE id = CAST(:case_committee AS bigint) LIMIT 1)
),
agr_areas AS (
  SELECT unnest((SELECT areas FROM s0)) AS area
  UNION SELECT area FROM resp
  WHERE committee_id = CAST(:case_committee AS bigint) AND role = 'tillsyn'
),
agr_ids AS (
  SELECT id FROM agreements WHERE performer_id = ANY(ARRAY(SELECT id FROM home))
  UNION
  SELECT agreement_id FROM agreement_principals
  WHERE organisation_id = ANY(ARRAY(SELECT id FROM home))
),
agr AS (
  SELECT id, ref, performer_id, area, role, valid_from, valid_to FROM agreements
  WHERE id = ANY(ARRAY(SELECT id FROM agr_ids)) AND area = ANY(ARRAY(SELECT area FROM agr_areas))
),
prin AS (
  SELECT id, agreement_id, organisation_id FROM agreement_principals
  WHERE agreement_id = ANY(ARRAY(SELECT id FROM agr))
),
{_owners_above()},
orgs_all AS (
  SELECT id FROM org3
  UNION SELECT owner_id FROM own UNION SELECT owner_id FROM own2nd
  UNION SELECT organisation_id FROM own2nd UNION SELECT member_id FROM mem
  UNION SELECT performer_id FROM agr UNION SELECT organisation_id FROM prin
),
org AS (
  SELECT id, ref, kind, name FROM organisations
  WHERE id = ANY(ARRAY(SELECT id FROM orgs_all WHERE id IS NOT NULL))
),
pers AS (
  SELECT id, ref, name FROM persons
  WHERE id = ANY((SELECT people FROM s2) || ARRAY(SELECT person_id FROM rost)
                 || ARRAY(SELECT on_behalf_of_id FROM intr WHERE on_behalf_of_id IS NOT NULL))
)
SELECT CAST(json_build_object({_PARTS}) AS text)
"""  # noqa: S608 - constant text; every value is a bound parameter


REACH_SQL = reach_sql()
