"""The contract's controlled vocabularies (one source for schemas, validation and the API)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, get_args

OrganisationKind = Literal[
    "kommun",
    "region",
    "kommunalforbund",
    "aktiebolag",
    "handelsbolag",
    "ekonomisk_forening",
    "ideell_forening",
    "stiftelse",
    "enskild_firma",
    "myndighet",
    "annan",
]
CommitteeKind = Literal[
    "fullmaktige",
    "styrelse",
    "namnd",
    "gemensam_namnd",
    "utskott",
    "direktion",
    "forbundsfullmaktige",
    "revision",
    "bolagsstyrelse",
]
ResponsibilityRole = Literal["drift", "tillsyn"]
BUILTIN_AREAS: tuple[str, ...] = (
    "miljo_halsoskydd",
    "livsmedel",
    "bygg",
    "alkohol_tobak",
    "raddningstjanst",
    "va",
    "avfall",
    "energi",
    "skola",
    "forskola",
    "socialtjanst",
    "aldreomsorg",
    "lss",
    "halso_sjukvard",
    "gata_park",
    "fastighet",
    "kollektivtrafik",
    "kultur_fritid",
    "upphandling",
    "ovrigt",
)
AppointmentRole = Literal[
    "ledamot",
    "ersattare",
    "ordforande",
    "vice_ordforande",
    "revisor",
    "anstalld",
    "handlaggare",
    "inspektor",
    "chef",
    "forvaltningschef",
    "styrelseledamot",
    "styrelsesuppleant",
    "vd",
]
InterestKind = Literal[
    "styrelseledamot",
    "styrelsesuppleant",
    "vd",
    "firmatecknare",
    "agare",
    "anstalld",
    "uppdragstagare",
    "ombud",
    "god_man_forvaltare",
    "medlem",
    "fortroendeuppdrag",
]
RelationKind = Literal[
    "make",
    "sambo",
    "registrerad_partner",
    "forelder",
    "barn",
    "syskon",
    "annan_narstaende",
    "nara_van",
    "ovan",
    "foreman",
]
Matter = Literal[
    "myndighetsutovning",
    "tillsyn",
    "overprovning",
    "upphandling",
    "bidrag",
    "anstallning",
    "avtal",
    "ansvarsfrihet",
    "val",
    "normgivning",
    "ovrigt",
]
PartyRole = Literal[
    "sokande",
    "part",
    "motpart",
    "klagande",
    "tillsynsobjekt",
    "leverantor",
    "berord",
]
ParticipantRole = Literal[
    "ordforande",
    "ledamot",
    "ersattare",
    "foredragande",
    "handlaggare",
    "inspektor",
    "delegat",
    "beslutsfattare",
    "protokollforare",
    "sakkunnig",
    "chef",
    "forvaltningschef",
]
RaisedBy = Literal["self", "other", "screening"]
DecisionValue = Literal["jav", "ej_jav"]
Ground = Literal[
    "part",
    "paverkan",
    "stallforetradare",
    "tillsynsjav",
    "tvainstans",
    "generalklausul",
    "fullmaktige",
    "ansvarsfrihet",
]
StructuralGround = Literal[
    "egen_tillsyn", "dubbla_roller", "delad_forvaltning", "samverkan_egen_drift"
]
Level = Literal["jav", "mojligt_jav", "undantag"]
# Kinds of audit entry (the `kind` filter of GET /v1/audit). A new kind of audited write
# is added here (tests/strict/test_audit_kinds.py finds a kind missing from the list).
AuditKind = Literal[
    "screening",
    "decision",
    "case.create",
    "case.update",
    "registry.import",
    "registry.create",
    "registry.update",
    "registry.delete",
    "apikey.create",
    "apikey.revoke",
    "meeting.create",
    "meeting.update",
    "audit.checkpoint",
    "security.refused",
]

# Stored once, read both ways: the kind as seen from the other person.
INVERSE_RELATION: dict[str, str] = {
    "forelder": "barn",
    "barn": "forelder",
    "foreman": "underordnad",
}


def values(literal: object) -> list[str]:
    return list(get_args(literal))


def vocabularies(
    custom_areas: Iterable[str] = (), parties: Iterable[str] = ()
) -> dict[str, list[str]]:
    return {
        "organisation_kind": values(OrganisationKind),
        "committee_kind": values(CommitteeKind),
        "responsibility_role": values(ResponsibilityRole),
        "area": [*BUILTIN_AREAS, *custom_areas],
        "appointment_role": values(AppointmentRole),
        "interest_kind": values(InterestKind),
        "relation_kind": values(RelationKind),
        "matter": values(Matter),
        "party_role": values(PartyRole),
        "participant_role": values(ParticipantRole),
        "raised_by": values(RaisedBy),
        "decision": values(DecisionValue),
        "ground": values(Ground),
        "structural_ground": values(StructuralGround),
        "level": values(Level),
        # Not closed: the party abbreviations appointments use (seats and substitutes).
        "party": list(parties),
    }
