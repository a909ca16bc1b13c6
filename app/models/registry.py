"""The registry: organisations, their bodies and people, and how they are tied together."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base
from app.db_types import BigIntPK
from app.models.mixins import (
    NAME_LENGTH,
    IdMixin,
    OptionalRefMixin,
    RefMixin,
    TimestampMixin,
    ValidityMixin,
    VersionedMixin,
)

CODE = 40  # vocabulary codes


def _fk(
    target: str, *, nullable: bool = False, ondelete: str | None = None, index: bool = True
) -> Mapped[int]:
    return mapped_column(
        BigIntPK, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index
    )


def set_index(table: str, column: str) -> Index:
    """An index of the rows where a nullable column is set (revision imppar_0001).

    Lookups by value (`= x`, `= ANY(..)`, `IN`, a join on it, a foreign key's check)
    imply IS NOT NULL, so they use it as they used a whole-column index; a row without a
    value (most appointments have one of three bodies; 94 % of interests no
    `on_behalf_of`) costs no index entry when it is written."""
    where = text(f"{column} IS NOT NULL")
    return Index(f"ix_{table}_{column}", column, postgresql_where=where, sqlite_where=where)


class Organisation(IdMixin, RefMixin, TimestampMixin, VersionedMixin, Base):
    __tablename__ = "organisations"
    # Ids are never handed out twice, also on SQLite (docs/security.md, "Deleted
    # organisations"): audit chains and entries, and other rows, name them without a key.
    __table_args__ = {"sqlite_autoincrement": True}

    kind: Mapped[str] = mapped_column(String(CODE), nullable=False)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH), nullable=False)
    orgnr: Mapped[str | None] = mapped_column(String(20), nullable=True, index=True)
    # The API key that created it: a private organisation (shared reference data) is
    # changed by that key or an unlimited one (docs/security.md).
    created_by_key_id: Mapped[int | None] = mapped_column(
        BigIntPK, ForeignKey("api_keys.id"), nullable=True
    )

    owners: Mapped[list[OrganisationOwner]] = relationship(
        foreign_keys="OrganisationOwner.organisation_id",
        cascade="all, delete-orphan",
        order_by="OrganisationOwner.id",
    )
    members: Mapped[list[OrganisationMember]] = relationship(
        foreign_keys="OrganisationMember.organisation_id",
        cascade="all, delete-orphan",
        order_by="OrganisationMember.id",
    )


class OrganisationOwner(IdMixin, Base):
    """Who owns an organisation; for a stiftelse, who appoints its board (share of seats)."""

    __tablename__ = "organisation_owners"
    __table_args__ = (
        UniqueConstraint("organisation_id", "owner_id"),
        CheckConstraint(
            "share_percent IS NULL OR (share_percent > 0 AND share_percent <= 100)",
            name="share_range",
        ),
    )

    organisation_id: Mapped[int] = _fk("organisations.id", ondelete="CASCADE")
    owner_id: Mapped[int] = _fk("organisations.id")
    share_percent: Mapped[float | None] = mapped_column(Float, nullable=True)

    owner: Mapped[Organisation] = relationship(foreign_keys=[owner_id])


class OrganisationMember(IdMixin, Base):
    """Member organisations of a kommunalförbund."""

    __tablename__ = "organisation_members"
    __table_args__ = (UniqueConstraint("organisation_id", "member_id"),)

    organisation_id: Mapped[int] = _fk("organisations.id", ondelete="CASCADE")
    member_id: Mapped[int] = _fk("organisations.id")

    member: Mapped[Organisation] = relationship(foreign_keys=[member_id])


class Committee(IdMixin, RefMixin, TimestampMixin, VersionedMixin, Base):
    __tablename__ = "committees"

    organisation_id: Mapped[int] = _fk("organisations.id")
    kind: Mapped[str] = mapped_column(String(CODE), nullable=False)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH), nullable=False)
    # An utskott (or other sub-body) points at the committee it belongs to.
    parent_id: Mapped[int | None] = _fk("committees.id", nullable=True)
    # Meetings: the number of ledamot seats (None: the ledamöter appointed on the date) and
    # the order in which other parties' ersättare enter, {"S": ["S", "MP", "V"], ...}.
    seats: Mapped[int | None] = mapped_column(Integer, nullable=True)
    substitution_order: Mapped[dict[str, list[str]] | None] = mapped_column(JSON, nullable=True)

    organisation: Mapped[Organisation] = relationship(foreign_keys=[organisation_id])
    parent: Mapped[Committee | None] = relationship(remote_side="Committee.id")
    participants: Mapped[list[CommitteeParticipant]] = relationship(
        cascade="all, delete-orphan", order_by="CommitteeParticipant.id"
    )
    responsibilities: Mapped[list[Responsibility]] = relationship(
        cascade="all, delete-orphan", order_by="Responsibility.id"
    )


class CommitteeParticipant(IdMixin, Base):
    """Organisations taking part in a gemensam nämnd."""

    __tablename__ = "committee_participants"
    __table_args__ = (UniqueConstraint("committee_id", "organisation_id"),)

    committee_id: Mapped[int] = _fk("committees.id", ondelete="CASCADE")
    organisation_id: Mapped[int] = _fk("organisations.id")

    organisation: Mapped[Organisation] = relationship()


class Responsibility(IdMixin, Base):
    """A committee's drift or tillsyn responsibility for an area."""

    __tablename__ = "responsibilities"

    committee_id: Mapped[int] = _fk("committees.id", ondelete="CASCADE")
    area: Mapped[str] = mapped_column(String(CODE), nullable=False)
    role: Mapped[str] = mapped_column(String(CODE), nullable=False)

    scopes: Mapped[list[ResponsibilityScope]] = relationship(
        cascade="all, delete-orphan", order_by="ResponsibilityScope.id"
    )


class ResponsibilityScope(IdMixin, Base):
    """Organisations whose territory or operations a responsibility covers (`for`).

    Stored explicitly; an empty `for` is resolved to the committee's own organisation
    when written, so queries never have to apply that default.
    """

    __tablename__ = "responsibility_scopes"
    __table_args__ = (UniqueConstraint("responsibility_id", "organisation_id"),)

    responsibility_id: Mapped[int] = _fk("responsibilities.id", ondelete="CASCADE")
    organisation_id: Mapped[int] = _fk("organisations.id")

    organisation: Mapped[Organisation] = relationship()


class Administration(IdMixin, RefMixin, TimestampMixin, VersionedMixin, Base):
    __tablename__ = "administrations"

    organisation_id: Mapped[int] = _fk("organisations.id")
    name: Mapped[str] = mapped_column(String(NAME_LENGTH), nullable=False)

    organisation: Mapped[Organisation] = relationship()
    serves: Mapped[list[AdministrationServes]] = relationship(
        cascade="all, delete-orphan", order_by="AdministrationServes.id"
    )


class AdministrationServes(IdMixin, Base):
    __tablename__ = "administration_serves"
    __table_args__ = (UniqueConstraint("administration_id", "committee_id"),)

    administration_id: Mapped[int] = _fk("administrations.id", ondelete="CASCADE")
    committee_id: Mapped[int] = _fk("committees.id")

    committee: Mapped[Committee] = relationship()


class Operation(IdMixin, RefMixin, TimestampMixin, VersionedMixin, Base):
    __tablename__ = "operations"
    __table_args__ = (
        CheckConstraint(
            "(operator_committee_id IS NULL) <> (operator_organisation_id IS NULL)",
            name="exactly_one_operator",
        ),
    )

    name: Mapped[str] = mapped_column(String(NAME_LENGTH), nullable=False)
    area: Mapped[str] = mapped_column(String(CODE), nullable=False)
    operator_committee_id: Mapped[int | None] = _fk("committees.id", nullable=True)
    operator_organisation_id: Mapped[int | None] = _fk("organisations.id", nullable=True)
    municipality_id: Mapped[int | None] = _fk("organisations.id", nullable=True)

    operator_committee: Mapped[Committee | None] = relationship(
        foreign_keys=[operator_committee_id]
    )
    operator_organisation: Mapped[Organisation | None] = relationship(
        foreign_keys=[operator_organisation_id]
    )
    municipality: Mapped[Organisation | None] = relationship(foreign_keys=[municipality_id])


class Agreement(IdMixin, RefMixin, TimestampMixin, VersionedMixin, ValidityMixin, Base):
    """Avtalssamverkan (KL 9 kap. 37 §): the performer does tasks for the principals."""

    __tablename__ = "agreements"

    performer_id: Mapped[int] = _fk("organisations.id")
    area: Mapped[str] = mapped_column(String(CODE), nullable=False)
    role: Mapped[str] = mapped_column(String(CODE), nullable=False)

    performer: Mapped[Organisation] = relationship()
    principals: Mapped[list[AgreementPrincipal]] = relationship(
        cascade="all, delete-orphan", order_by="AgreementPrincipal.id"
    )


class AgreementPrincipal(IdMixin, Base):
    __tablename__ = "agreement_principals"
    __table_args__ = (UniqueConstraint("agreement_id", "organisation_id"),)

    agreement_id: Mapped[int] = _fk("agreements.id", ondelete="CASCADE")
    organisation_id: Mapped[int] = _fk("organisations.id")

    organisation: Mapped[Organisation] = relationship()


class Person(IdMixin, RefMixin, TimestampMixin, VersionedMixin, Base):
    """A person. The personnummer is kept only as a keyed hash and a masked form."""

    __tablename__ = "persons"

    name: Mapped[str] = mapped_column(String(NAME_LENGTH), nullable=False)
    # Swedish-aware normalised name, for search and name matching.
    name_key: Mapped[str] = mapped_column(String(NAME_LENGTH), nullable=False, index=True)
    personnummer_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    personnummer_masked: Mapped[str | None] = mapped_column(String(16), nullable=True)


class Appointment(IdMixin, OptionalRefMixin, TimestampMixin, VersionedMixin, ValidityMixin, Base):
    __tablename__ = "appointments"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN committee_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN administration_id IS NULL THEN 0 ELSE 1 END"
            " + CASE WHEN organisation_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="exactly_one_body",
        ),
        CheckConstraint(
            "valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from",
            name="valid_range",
        ),
        set_index("appointments", "committee_id"),
        set_index("appointments", "administration_id"),
        set_index("appointments", "organisation_id"),
        set_index("appointments", "appointed_by_id"),
    )

    person_id: Mapped[int] = _fk("persons.id")
    committee_id: Mapped[int | None] = _fk("committees.id", nullable=True, index=False)
    administration_id: Mapped[int | None] = _fk("administrations.id", nullable=True, index=False)
    organisation_id: Mapped[int | None] = _fk("organisations.id", nullable=True, index=False)
    role: Mapped[str] = mapped_column(String(CODE), nullable=False)
    appointed_by_id: Mapped[int | None] = _fk("organisations.id", nullable=True, index=False)
    # [{"area": ..., "role": "drift"|"tillsyn"}]: what staff work with.
    works_with: Mapped[list[dict[str, str]]] = mapped_column(JSON, nullable=False, default=list)
    # Meetings: the party (local abbreviation), the place within the party group (an
    # ersättare's order of entry, 1 first) and, for a ledamot, the person refs of the
    # ersättare who enter for this ledamot, in order (wins over substitution_order).
    party: Mapped[str | None] = mapped_column(String(CODE), nullable=True)
    order: Mapped[int | None] = mapped_column(Integer, nullable=True)
    substitutes: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)

    person: Mapped[Person] = relationship()
    committee: Mapped[Committee | None] = relationship()
    administration: Mapped[Administration | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship(foreign_keys=[organisation_id])
    appointed_by: Mapped[Organisation | None] = relationship(foreign_keys=[appointed_by_id])


class Interest(IdMixin, OptionalRefMixin, TimestampMixin, VersionedMixin, ValidityMixin, Base):
    """A declared interest: a role in an organisation, or representing another person."""

    __tablename__ = "interests"
    __table_args__ = (
        CheckConstraint(
            "(organisation_id IS NULL) <> (on_behalf_of_id IS NULL)", name="exactly_one_target"
        ),
        CheckConstraint(
            "share_percent IS NULL OR (share_percent > 0 AND share_percent <= 100)",
            name="share_range",
        ),
        CheckConstraint(
            "valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from",
            name="valid_range",
        ),
        set_index("interests", "on_behalf_of_id"),
    )

    person_id: Mapped[int] = _fk("persons.id")
    organisation_id: Mapped[int | None] = _fk("organisations.id", nullable=True)
    on_behalf_of_id: Mapped[int | None] = _fk("persons.id", nullable=True, index=False)
    kind: Mapped[str] = mapped_column(String(CODE), nullable=False)
    share_percent: Mapped[float | None] = mapped_column(Float, nullable=True)

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    organisation: Mapped[Organisation | None] = relationship()
    on_behalf_of: Mapped[Person | None] = relationship(foreign_keys=[on_behalf_of_id])


class Relation(IdMixin, OptionalRefMixin, TimestampMixin, VersionedMixin, ValidityMixin, Base):
    """A relation between two persons, stored once and read both ways.

    Stored canonically: `barn` is stored as `forelder` with the persons swapped, and
    symmetric kinds with the lower person id first, so one fact has one row.
    """

    __tablename__ = "relations"
    __table_args__ = (
        CheckConstraint("person_id <> related_id", name="distinct_persons"),
        CheckConstraint(
            "valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from",
            name="valid_range",
        ),
        # Also the index of `person_id` alone (its first column): revision imppar_0001.
        Index("ix_relations_pair", "person_id", "related_id", "kind"),
    )

    person_id: Mapped[int] = _fk("persons.id", index=False)
    related_id: Mapped[int] = _fk("persons.id")
    kind: Mapped[str] = mapped_column(String(CODE), nullable=False)

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    related: Mapped[Person] = relationship(foreign_keys=[related_id])


class CustomArea(Base):
    """Areas added by an administrator beyond the contract's built-in list."""

    __tablename__ = "custom_areas"

    code: Mapped[str] = mapped_column(String(CODE), primary_key=True)
    label: Mapped[str] = mapped_column(String(NAME_LENGTH), nullable=False)
