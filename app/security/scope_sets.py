"""The sets a key's organisation scope is built of (app/security/scoping.py applies
them): the organisations, committees, administrations and people of a key's scope, and
the shared private organisations; each as a set, or asked of one row.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    SQLColumnExpression,
    and_,
    bindparam,
    literal,
    or_,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.orm.util import AliasedClass
from sqlalchemy.sql import Select, coercions, roles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.visitors import InternalTraversal

from app.models import (
    Administration,
    AdministrationServes,
    Appointment,
    Committee,
    CommitteeParticipant,
    Organisation,
    OrganisationMember,
    OrganisationOwner,
)
from app.security.deps import Principal
from app.security.roles import Role


class InSmallSet(ColumnElement[bool]):
    """`column IN (subquery)` for a set known to be small (a kommun's people): on
    PostgreSQL written `column = ANY(ARRAY(subquery))`. The planner cannot estimate a
    kommun's sets (a UNION of indexed selects: 20,379 persons estimated, 329 found), so
    as `IN` it read a kommun's interests by scanning all 1,000,020 of the national
    registry (430 ms a page, BENCHMARKS.md run K); an array it takes for a few values
    and probes the column's index with each."""

    inherit_cache = True
    type = Boolean()
    # A condition of its own (SQLite would otherwise compare it to 1 under AND/OR and
    # lose the column's index), and from the column's table like the `IN` it stands for.
    _is_implicitly_boolean = True
    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("subquery", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, column: SQLColumnExpression[Any], subquery: Select[Any]) -> None:
        self.column: ColumnElement[Any] = coercions.expect(roles.ExpressionElementRole, column)
        self.subquery = subquery

    @property
    def _from_objects(self) -> list[Any]:
        return list(self.column._from_objects)


@compiles(InSmallSet)
def _in_small_set(element: InSmallSet, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.column.in_(element.subquery), **kw)


@compiles(InSmallSet, "postgresql")
def _any_of_small_set(element: InSmallSet, compiler: SQLCompiler, **kw: Any) -> str:
    column = compiler.process(element.column, **kw)
    return f"{column} = ANY(ARRAY({compiler.process(element.subquery, **kw)}))"


# The organisation refs of a key as a named parameter, for a statement built once for
# every key (`bound_principal`; app/registry/reference_scope.py): executed with
# {SCOPE_REFS: the key's refs}.
SCOPE_REFS = "scope_organisation_refs"
_BOUND_REFS: frozenset[str] = frozenset({"\x00" + SCOPE_REFS})


def bound_principal() -> Principal:
    """A stand-in key whose organisations are the statement's `SCOPE_REFS` parameter."""
    return Principal(0, "bound", Role.SCREENER, _BOUND_REFS)


def own_organisation_ids(principal: Principal) -> Select[int]:
    """The ids of the organisations the key is limited to (not those it reads through them)."""
    if principal.organisation_refs is _BOUND_REFS:
        bound: BindParameter[str] = bindparam(SCOPE_REFS, expanding=True)
        return select(Organisation.id).where(Organisation.ref.in_(bound))
    refs = sorted(principal.organisation_refs or ())
    return select(Organisation.id).where(Organisation.ref.in_(refs))


#: How far down (and up) ownership is followed: the bound of a walk around an ownership
#: cycle (refused on write, but a walk must end on any data). A company further than this
#: below a public body (no Swedish group comes near) would count as shared, the same way
#: in every form of the rule; only the owning kommun's own writes can build such a chain.
MAX_OWNERSHIP_DEPTH = 64


def owned_below(owners: Select[int]) -> Select[int]:
    """The organisations that `owners` own, directly or through organisations they own,
    down to `MAX_OWNERSHIP_DEPTH` levels (a recursive set). Before run O the scope
    followed two levels: a stadshus AB's subsidiary's own subsidiary counted as shared
    reference data, read by every kommun (docs/security.md)."""
    link = aliased(OrganisationOwner)
    owned = (
        select(OrganisationOwner.organisation_id.label("id"), literal(1).label("depth"))
        .where(OrganisationOwner.owner_id.in_(owners))
        .cte("owned_below", recursive=True, nesting=True)
    )
    owned = owned.union(
        select(link.organisation_id, owned.c.depth + 1)
        .join(owned, link.owner_id == owned.c.id)
        .where(owned.c.depth < MAX_OWNERSHIP_DEPTH)
    )
    return select(owned.c.id)


def visible_organisation_ids(principal: Principal) -> Select[int]:
    own = own_organisation_ids(principal)
    forbund = select(OrganisationMember.organisation_id).where(
        OrganisationMember.member_id.in_(own)
    )
    # And the companies of those companies, at any depth (a stadshus AB's subsidiaries
    # and theirs): owned by a public body through their parents, so not shared
    # (`publicly_owned`). Until run J no kommun's key saw them; until run O only the
    # second level.
    return own.union(forbund, owned_below(own))  # type: ignore[return-value]


# Private organisations are shared reference data (docs/security.md): every key may read
# and point at them, unless a public body owns them (a kommunal bolag, directly or through
# its parent companies; for a stiftelse, owners are who appoint its board).
PUBLIC_KINDS = ("kommun", "region", "kommunalforbund", "myndighet")
PRIVATE_KINDS = (
    "aktiebolag",
    "handelsbolag",
    "ekonomisk_forening",
    "ideell_forening",
    "stiftelse",
    "enskild_firma",
)

# The shapes below are chosen for PostgreSQL's planner, which cannot turn an OR of
# `IN (subquery)` tests, or a `NOT IN (subquery)`, into joins: it computes each subquery's
# whole result once and probes it (a hashed SubPlan), and scans the outer table when an OR
# hides its indexes. A small set (a kommun's organisations, committees, administrations,
# people) is therefore built as a UNION of indexed selects. The large one (the shared
# private organisations: 95,755 of the national registry's 100,000) is built only where
# many rows are read (a list and its count: `shared_organisation_ids`); where a few rows
# are picked by ref or id it is asked of each row (`shared_organisation`). Built for a
# lookup, it cost a limited key 68-78 ms per statement at national scale, and a screening
# 220 ms (BENCHMARKS.md run J).
# tests/security/test_scoping_shapes.py holds every predicate to the earlier set forms.


def publicly_owned(organisation_id: SQLColumnExpression[Any]) -> ColumnElement[bool]:
    """Whether a public body owns this organisation, directly or through its owners (up to
    `MAX_OWNERSHIP_DEPTH` levels). Asked of each row: a recursive walk up its few
    owners."""
    link, owner = aliased(OrganisationOwner), aliased(Organisation)
    up = (
        select(OrganisationOwner.owner_id.label("id"), literal(1).label("depth"))
        .where(OrganisationOwner.organisation_id == organisation_id)
        # Correlated to the row asked about (SQLAlchemy would otherwise add its table
        # to the CTE's FROM, and ask of every organisation).
        .correlate_except(OrganisationOwner)
        .cte("owners_above", recursive=True, nesting=True)
    )
    up = up.union(
        select(link.owner_id, up.c.depth + 1)
        .join(up, link.organisation_id == up.c.id)
        .where(up.c.depth < MAX_OWNERSHIP_DEPTH)
    )
    owned_at_all = select(OrganisationOwner.id).where(
        OrganisationOwner.organisation_id == organisation_id
    )
    # The plain test first: most organisations asked about (an interest's private
    # company) have no owner, and an AND stops there instead of starting the walk (the
    # walk alone doubled a kommun's interest and relation lists at national scale).
    return and_(
        owned_at_all.exists(),
        select(owner.id).join(up, owner.id == up.c.id).where(owner.kind.in_(PUBLIC_KINDS)).exists(),
    )


def shared_organisation(
    organisation: type[Organisation] | AliasedClass[Organisation],
) -> ColumnElement[bool]:
    """The organisation row is shared reference data: private and not publicly owned."""
    return and_(organisation.kind.in_(PRIVATE_KINDS), ~publicly_owned(organisation.id))


def shared_organisation_id(organisation_id: SQLColumnExpression[Any]) -> ColumnElement[bool]:
    """The organisation this column points at is shared reference data, asked of each row
    found (an interest's, an appointment's). The OFFSET is a fence: bare, PostgreSQL made
    it the whole shared set (95,755 organisations, 60 ms) built to probe."""
    organisation = aliased(Organisation)
    return (
        select(organisation.id)
        .where(organisation.id == organisation_id, shared_organisation(organisation))
        .offset(0)
        .exists()
    )


def shared_organisation_ids() -> Select[int]:
    """The shared private organisations as a set: for reading many rows (a list, a
    report), where PostgreSQL builds it once and probes it."""
    public = select(Organisation.id).where(Organisation.kind.in_(PUBLIC_KINDS))
    return select(Organisation.id).where(
        Organisation.kind.in_(PRIVATE_KINDS), Organisation.id.not_in(owned_below(public))
    )


# The sets below are built from the key's organisations by index probes: each is asked
# as an array of the few ids before it (`InSmallSet`), which the planner sizes as a few
# values; as `IN (UNION ...)` it sized a kommun's organisations at 20-300 and scanned
# `committees`, `administrations` and their link tables whole (a kommun's people: 13 ms
# of a 20 ms list; BENCHMARKS.md run K).


def visible_committee_ids(principal: Principal) -> Select[int]:
    orgs = visible_organisation_ids(principal)
    own = select(Committee.id).where(InSmallSet(Committee.organisation_id, orgs))
    shared = select(CommitteeParticipant.committee_id).where(
        InSmallSet(CommitteeParticipant.organisation_id, orgs)
    )
    return own.union(shared)  # type: ignore[return-value]


def visible_administration_ids(principal: Principal) -> Select[int]:
    own = select(Administration.id).where(
        InSmallSet(Administration.organisation_id, visible_organisation_ids(principal))
    )
    serving = select(AdministrationServes.administration_id).where(
        InSmallSet(AdministrationServes.committee_id, visible_committee_ids(principal))
    )
    return own.union(serving)  # type: ignore[return-value]


def visible_person_ids(principal: Principal) -> Select[int]:
    """The persons appointed in the key's scope, as a set (`appointed_in_scope` per row)."""
    committees = select(Appointment.person_id).where(
        InSmallSet(Appointment.committee_id, visible_committee_ids(principal))
    )
    administrations = select(Appointment.person_id).where(
        InSmallSet(Appointment.administration_id, visible_administration_ids(principal))
    )
    organisations = select(Appointment.person_id).where(
        InSmallSet(Appointment.organisation_id, visible_organisation_ids(principal))
    )
    return committees.union(administrations, organisations)  # type: ignore[return-value]


def appointed_in_scope(
    principal: Principal, person_id_column: SQLColumnExpression[Any]
) -> ColumnElement[bool]:
    """The person has an appointment in the key's scope (to one of its committees,
    administrations or organisations). Correlated: as a condition of its own PostgreSQL
    makes it a semi-join and chooses how to run it; under an OR it is asked per row,
    reading only that person's appointments."""
    return appointments_in_scope(principal, person_id_column).exists()


def appointments_in_scope(
    principal: Principal, person_id_column: SQLColumnExpression[Any]
) -> Select[int]:
    """The person's appointments in the key's scope. An alias: asked of an appointment,
    the person's other appointments are meant, not the row itself."""
    other = aliased(Appointment)
    return select(other.id).where(
        other.person_id == person_id_column,
        or_(
            other.committee_id.in_(visible_committee_ids(principal)),
            other.administration_id.in_(visible_administration_ids(principal)),
            other.organisation_id.in_(visible_organisation_ids(principal)),
        ),
    )


def appointed_elsewhere(
    principal: Principal, person_id_column: SQLColumnExpression[Any]
) -> ColumnElement[bool]:
    """The person has at least one appointment to a body outside the key's scope (tested
    per person: the persons appointed outside a kommun are nearly all of them)."""
    committees = visible_committee_ids(principal)
    administrations = visible_administration_ids(principal)
    orgs = visible_organisation_ids(principal)
    other = aliased(Appointment)
    return (
        select(other.id)
        .where(
            other.person_id == person_id_column,
            or_(
                and_(other.committee_id.is_not(None), other.committee_id.not_in(committees)),
                and_(
                    other.administration_id.is_not(None),
                    other.administration_id.not_in(administrations),
                ),
                and_(other.organisation_id.is_not(None), other.organisation_id.not_in(orgs)),
            ),
        )
        .exists()
    )
