"""Report (d): samverkan overview: gemensamma nämnder, kommunalförbund and agreements
(avtalssamverkan) by area and form, who takes part, and the structural risks on each."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from app.db_types import utcnow
from app.models import Agreement, Committee, Organisation
from app.reports import registry_repository
from app.reports.model import ColumnType as T
from app.reports.model import Report, Row, Section, columns
from app.reports.repository import Query
from app.reports.structural import RISK_COLUMNS, SCREENINGS, Risk, all_risks

ARRANGEMENT_COLUMNS = columns(
    "form",
    "ref",
    "name",
    "host",
    ("participants", T.LIST),
    "committee",
    "area",
    "role",
    ("covers", T.LIST),
    ("valid_from", T.DATE),
    ("valid_to", T.DATE),
    ("risks_in_screenings", T.INTEGER),
    ("risks_in_registry", T.INTEGER),
    ("risk_grounds", T.LIST),
)
PARTICIPANT_COLUMNS = columns("form", "arrangement", "organisation", "organisation_name", "part")
ARRANGEMENT_RISK_COLUMNS = columns("form", "arrangement") + RISK_COLUMNS


@dataclass(slots=True)
class Arrangement:
    form: str  # gemensam_namnd | kommunalforbund | avtalssamverkan
    ref: str
    name: str | None
    host: Organisation
    host_part: str  # host | forbund | performer
    others: list[Organisation]
    others_part: str  # participant | member | principal
    duties: list[
        tuple[str | None, str | None, str | None, tuple[str, ...]]
    ]  # committee, area, role, for
    concerns: Callable[[Risk], bool]
    valid_from: date | None = None
    valid_to: date | None = None
    risks: list[Risk] = field(default_factory=list)

    def rows(self) -> Iterable[Row]:
        participants = tuple(o.ref for o in self.others)
        grounds = tuple(sorted({r.key.ground for r in self.risks}))
        screened = sum(r.source == SCREENINGS for r in self.risks)
        for committee, area, role, covers in self.duties or [(None, None, None, ())]:
            yield (
                self.form,
                self.ref,
                self.name,
                self.host.ref,
                participants,
                committee,
                area,
                role,
                covers,
                self.valid_from,
                self.valid_to,
                screened,
                len(self.risks) - screened,
                grounds,
            )

    def participant_rows(self) -> Iterable[Row]:
        yield self.form, self.ref, self.host.ref, self.host.name, self.host_part
        for org in self.others:
            yield self.form, self.ref, org.ref, org.name, self.others_part


def _duties(
    committees: Iterable[Committee],
) -> list[tuple[str | None, str | None, str | None, tuple[str, ...]]]:
    return [
        (c.ref, r.area, r.role, tuple(sorted(s.organisation.ref for s in r.scopes)))
        for c in committees
        for r in c.responsibilities
    ]


def _gemensam(committee: Committee) -> Arrangement:
    others = [
        p.organisation
        for p in committee.participants
        if p.organisation_id != committee.organisation_id
    ]
    return Arrangement(
        "gemensam_namnd",
        committee.ref,
        committee.name,
        committee.organisation,
        "host",
        others,
        "participant",
        _duties([committee]),
        concerns=lambda risk: risk.key.committee == committee.ref,
    )


def _forbund(forbund: Organisation, committees: list[Committee]) -> Arrangement:
    refs = {c.ref for c in committees}
    return Arrangement(
        "kommunalforbund",
        forbund.ref,
        forbund.name,
        forbund,
        "forbund",
        [m.member for m in forbund.members],
        "member",
        _duties(committees),
        concerns=lambda risk: risk.key.committee in refs,
    )


def _agreement(agreement: Agreement) -> Arrangement:
    principals = [p.organisation for p in agreement.principals]
    parties = {agreement.performer.ref, *(o.ref for o in principals)}

    def concerns(risk: Risk) -> bool:
        # The engine's samverkan_egen_drift names the organisation running the operation;
        # under an agreement that is the performer, seen from a party's committee, in the
        # agreement's area.
        key = risk.key
        return (
            key.ground == "samverkan_egen_drift"
            and key.operating_organisation == agreement.performer.ref
            and key.organisation in parties
            and key.area in (None, agreement.area)
        )

    return Arrangement(
        "avtalssamverkan",
        agreement.ref,
        None,
        agreement.performer,
        "performer",
        principals,
        "principal",
        [
            (
                None,
                agreement.area,
                agreement.role,
                tuple(sorted(parties - {agreement.performer.ref})),
            )
        ],
        concerns=concerns,
        valid_from=agreement.valid_from,
        valid_to=agreement.valid_to,
    )


def samverkan_report(session: Session, q: Query) -> Report:
    """Every co-operation in scope, who takes part, and the stored structural risks on it."""
    arrangements = [
        *(_gemensam(c) for c in registry_repository.gemensamma_namnder(session, q)),
        *(_forbund(o, cs) for o, cs in registry_repository.forbund(session, q)),
        *(_agreement(a) for a in registry_repository.agreements(session, q)),
    ]
    _, risks = all_risks(session, q)
    for arrangement in arrangements:
        arrangement.risks = [r for r in risks if arrangement.concerns(r)]
    return Report(
        name="samverkan",
        generated_at=utcnow(),
        filters=q.filters.applied(),
        sections=[
            Section(
                "arrangements", ARRANGEMENT_COLUMNS, [r for a in arrangements for r in a.rows()]
            ),
            Section(
                "participants",
                PARTICIPANT_COLUMNS,
                [r for a in arrangements for r in a.participant_rows()],
            ),
            Section(
                "risks",
                ARRANGEMENT_RISK_COLUMNS,
                [(a.form, a.ref, *r.row()) for a in arrangements for r in a.risks],
            ),
        ],
    )
