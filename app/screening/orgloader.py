"""Build the organisation-wide snapshot for the structural report (no case).

Reaches the organisation's neighbourhood only: itself, the hosts and participants of the
gemensamma nämnder it takes part in, its förbund and their members, and the other side
of its agreements; their committees, operations, administrations and agreements; and
the seat holders of those committees on as_of (for dubbla_roller). A fixed sequence of
batched selects, whatever the registry's size.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from app.models import Organisation
from app.rules.facts import OrganisationSnapshot
from app.screening import org_repository as org_repo
from app.screening import repository as repo
from app.screening.facts import FactsBuilder


def load_organisation_snapshot(
    session: Session, organisation: Organisation, as_of: date
) -> OrganisationSnapshot:
    neighbourhood = set(org_repo.neighbourhood_org_ids(session, organisation.id))
    builder = FactsBuilder()
    builder.add_committees(org_repo.organisation_committees(session, neighbourhood))
    committee_ids = builder.committee_ids
    operations = org_repo.organisation_operations(session, neighbourhood, committee_ids)
    builder.add_operations(operations)
    admins = org_repo.organisation_administrations(session, neighbourhood, committee_ids)
    builder.add_administrations(admins, repo.serves(session, [a.id for a in admins]))
    wanted = builder.served_committee_ids() | {
        o.operator_committee_id for o in operations if o.operator_committee_id
    }
    builder.add_committees(repo.committees(session, wanted - builder.committee_ids))
    committee_ids = builder.committee_ids
    builder.add_responsibilities(repo.responsibilities(session, committee_ids))
    builder.add_committee_participants(repo.committee_participants(session, committee_ids))
    agreements = org_repo.agreements(session, neighbourhood, None)
    principals = org_repo.agreement_principals(session, [a.id for a in agreements])
    builder.add_agreements(agreements, principals)
    builder.add_members(org_repo.members(session, neighbourhood | builder.committee_org_ids()))
    builder.add_appointments(org_repo.seats_on(session, committee_ids, as_of))
    builder.add_organisations(
        org_repo.organisations(session, builder.all_org_ids() | neighbourhood)
    )
    builder.add_persons(repo.persons(session, builder.all_person_ids()))
    return builder.organisation_snapshot(as_of, (organisation.ref,))
