"""ORM models. Importing this package registers every table on Base.metadata."""

from app.models.access import ApiKey, IdempotencyRecord, RateLimitWindow
from app.models.audit import AuditChain, AuditEntry, AuditEntryOrganisation, AuditSubject
from app.models.case import Case, CaseEarlierHandling, CaseParticipant, CaseParty
from app.models.meeting import Meeting
from app.models.name_index import NameIndexQueue, NameToken
from app.models.registry import (
    Administration,
    AdministrationServes,
    Agreement,
    AgreementPrincipal,
    Appointment,
    Committee,
    CommitteeParticipant,
    CustomArea,
    Interest,
    Operation,
    Organisation,
    OrganisationMember,
    OrganisationOwner,
    Person,
    Relation,
    Responsibility,
    ResponsibilityScope,
)
from app.models.screening import Finding, JavDecision, Screening
from app.models.screening_facts import ScreeningFacts
from app.models.web import WebSession
from app.models.whatif import WhatIfJob

__all__ = [
    "Administration",
    "AdministrationServes",
    "Agreement",
    "AgreementPrincipal",
    "ApiKey",
    "Appointment",
    "AuditChain",
    "AuditEntry",
    "AuditEntryOrganisation",
    "AuditSubject",
    "Case",
    "CaseEarlierHandling",
    "CaseParticipant",
    "CaseParty",
    "Committee",
    "CommitteeParticipant",
    "CustomArea",
    "Finding",
    "IdempotencyRecord",
    "Interest",
    "JavDecision",
    "Meeting",
    "NameIndexQueue",
    "NameToken",
    "Operation",
    "Organisation",
    "OrganisationMember",
    "OrganisationOwner",
    "Person",
    "RateLimitWindow",
    "Relation",
    "Responsibility",
    "ResponsibilityScope",
    "Screening",
    "ScreeningFacts",
    "WebSession",
    "WhatIfJob",
]
