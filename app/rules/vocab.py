"""Controlled vocabularies used by the rules engine (the contract's codes, as StrEnums).

StrEnum members compare equal to their string values, so a loader may pass plain strings
through ``Enum(value)`` and the output serialises to the contract's codes unchanged.
"""

from __future__ import annotations

from enum import StrEnum


class Ground(StrEnum):
    PART = "part"
    PAVERKAN = "paverkan"
    STALLFORETRADARE = "stallforetradare"
    TILLSYNSJAV = "tillsynsjav"
    TVAINSTANS = "tvainstans"
    GENERALKLAUSUL = "generalklausul"
    FULLMAKTIGE = "fullmaktige"
    ANSVARSFRIHET = "ansvarsfrihet"
    # structural grounds (level risk)
    EGEN_TILLSYN = "egen_tillsyn"
    DUBBLA_ROLLER = "dubbla_roller"
    DELAD_FORVALTNING = "delad_forvaltning"
    SAMVERKAN_EGEN_DRIFT = "samverkan_egen_drift"


PERSON_GROUNDS = frozenset(
    {
        Ground.PART,
        Ground.PAVERKAN,
        Ground.STALLFORETRADARE,
        Ground.TILLSYNSJAV,
        Ground.TVAINSTANS,
        Ground.GENERALKLAUSUL,
        Ground.FULLMAKTIGE,
        Ground.ANSVARSFRIHET,
    }
)
STRUCTURAL_GROUNDS = frozenset(set(Ground) - PERSON_GROUNDS)


class Level(StrEnum):
    JAV = "jav"
    MOJLIGT_JAV = "mojligt_jav"
    UNDANTAG = "undantag"
    RISK = "risk"


#: Severity order used for sorting and "most severe finding" (higher is more severe).
SEVERITY: dict[Level, int] = {
    Level.JAV: 3,
    Level.MOJLIGT_JAV: 2,
    Level.UNDANTAG: 1,
    Level.RISK: 0,
}
FLAGGING_LEVELS = frozenset({Level.JAV, Level.MOJLIGT_JAV})


class Matter(StrEnum):
    MYNDIGHETSUTOVNING = "myndighetsutovning"
    TILLSYN = "tillsyn"
    OVERPROVNING = "overprovning"
    UPPHANDLING = "upphandling"
    BIDRAG = "bidrag"
    ANSTALLNING = "anstallning"
    AVTAL = "avtal"
    ANSVARSFRIHET = "ansvarsfrihet"
    VAL = "val"
    NORMGIVNING = "normgivning"
    OVRIGT = "ovrigt"


class PartyKind(StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"
    OPERATION = "operation"
    COMMITTEE = "committee"
    UNREGISTERED = "unregistered"


class PartyRole(StrEnum):
    SOKANDE = "sokande"
    PART = "part"
    MOTPART = "motpart"
    KLAGANDE = "klagande"
    TILLSYNSOBJEKT = "tillsynsobjekt"
    LEVERANTOR = "leverantor"
    BERORD = "berord"


class MatchHow(StrEnum):
    ORGNR = "orgnr"
    PERSONNUMMER = "personnummer"
    NAME = "name"


class ParticipantRole(StrEnum):
    ORDFORANDE = "ordforande"
    LEDAMOT = "ledamot"
    ERSATTARE = "ersattare"
    FOREDRAGANDE = "foredragande"
    HANDLAGGARE = "handlaggare"
    INSPEKTOR = "inspektor"
    DELEGAT = "delegat"
    BESLUTSFATTARE = "beslutsfattare"
    PROTOKOLLFORARE = "protokollforare"
    SAKKUNNIG = "sakkunnig"
    CHEF = "chef"
    FORVALTNINGSCHEF = "forvaltningschef"


ELECTED_PARTICIPANT_ROLES = frozenset(
    {
        ParticipantRole.ORDFORANDE,
        ParticipantRole.LEDAMOT,
        ParticipantRole.ERSATTARE,
    }
)


class OrgKind(StrEnum):
    KOMMUN = "kommun"
    REGION = "region"
    KOMMUNALFORBUND = "kommunalforbund"
    AKTIEBOLAG = "aktiebolag"
    HANDELSBOLAG = "handelsbolag"
    EKONOMISK_FORENING = "ekonomisk_forening"
    IDEELL_FORENING = "ideell_forening"
    STIFTELSE = "stiftelse"
    ENSKILD_FIRMA = "enskild_firma"
    MYNDIGHET = "myndighet"
    ANNAN = "annan"


MUNICIPAL_ORG_KINDS = frozenset({OrgKind.KOMMUN, OrgKind.REGION, OrgKind.KOMMUNALFORBUND})


class CommitteeKind(StrEnum):
    FULLMAKTIGE = "fullmaktige"
    STYRELSE = "styrelse"
    NAMND = "namnd"
    GEMENSAM_NAMND = "gemensam_namnd"
    UTSKOTT = "utskott"
    DIREKTION = "direktion"
    FORBUNDSFULLMAKTIGE = "forbundsfullmaktige"
    REVISION = "revision"
    BOLAGSSTYRELSE = "bolagsstyrelse"


ASSEMBLY_KINDS = frozenset({CommitteeKind.FULLMAKTIGE, CommitteeKind.FORBUNDSFULLMAKTIGE})
#: Committees that govern (and so represent) a company or förbund.
GOVERNING_KINDS = frozenset(
    {
        CommitteeKind.DIREKTION,
        CommitteeKind.BOLAGSSTYRELSE,
        CommitteeKind.STYRELSE,
    }
)


class DutyRole(StrEnum):
    DRIFT = "drift"
    TILLSYN = "tillsyn"


class BodyKind(StrEnum):
    COMMITTEE = "committee"
    ADMINISTRATION = "administration"
    ORGANISATION = "organisation"


class AppointmentRole(StrEnum):
    LEDAMOT = "ledamot"
    ERSATTARE = "ersattare"
    ORDFORANDE = "ordforande"
    VICE_ORDFORANDE = "vice_ordforande"
    REVISOR = "revisor"
    ANSTALLD = "anstalld"
    HANDLAGGARE = "handlaggare"
    INSPEKTOR = "inspektor"
    CHEF = "chef"
    FORVALTNINGSCHEF = "forvaltningschef"
    STYRELSELEDAMOT = "styrelseledamot"
    STYRELSESUPPLEANT = "styrelsesuppleant"
    VD = "vd"


SEAT_ROLES = frozenset(
    {
        AppointmentRole.LEDAMOT,
        AppointmentRole.ERSATTARE,
        AppointmentRole.ORDFORANDE,
        AppointmentRole.VICE_ORDFORANDE,
    }
)
BOARD_ROLES = frozenset(
    {
        AppointmentRole.STYRELSELEDAMOT,
        AppointmentRole.STYRELSESUPPLEANT,
        AppointmentRole.VD,
    }
)
STAFF_ROLES = frozenset(
    {
        AppointmentRole.ANSTALLD,
        AppointmentRole.HANDLAGGARE,
        AppointmentRole.INSPEKTOR,
        AppointmentRole.CHEF,
        AppointmentRole.FORVALTNINGSCHEF,
    }
)


class InterestKind(StrEnum):
    STYRELSELEDAMOT = "styrelseledamot"
    STYRELSESUPPLEANT = "styrelsesuppleant"
    VD = "vd"
    FIRMATECKNARE = "firmatecknare"
    AGARE = "agare"
    ANSTALLD = "anstalld"
    UPPDRAGSTAGARE = "uppdragstagare"
    OMBUD = "ombud"
    GOD_MAN_FORVALTARE = "god_man_forvaltare"
    MEDLEM = "medlem"
    FORTROENDEUPPDRAG = "fortroendeuppdrag"


#: Interests that make the holder a ställföreträdare (or ombud) for the target.
REPRESENTATIVE_KINDS = frozenset(
    {
        InterestKind.STYRELSELEDAMOT,
        InterestKind.STYRELSESUPPLEANT,
        InterestKind.VD,
        InterestKind.FIRMATECKNARE,
        InterestKind.GOD_MAN_FORVALTARE,
        InterestKind.OMBUD,
        InterestKind.FORTROENDEUPPDRAG,
    }
)
EMPLOYMENT_KINDS = frozenset({InterestKind.ANSTALLD, InterestKind.UPPDRAGSTAGARE})


class RelationKind(StrEnum):
    MAKE = "make"
    SAMBO = "sambo"
    REGISTRERAD_PARTNER = "registrerad_partner"
    FORELDER = "forelder"
    BARN = "barn"
    SYSKON = "syskon"
    ANNAN_NARSTAENDE = "annan_narstaende"
    NARA_VAN = "nara_van"
    OVAN = "ovan"
    FOREMAN = "foreman"  # this person manages the other
    UNDERORDNAD = "underordnad"  # this person is managed by the other (inverse of foreman)


NARSTAENDE = frozenset(
    {
        RelationKind.MAKE,
        RelationKind.SAMBO,
        RelationKind.REGISTRERAD_PARTNER,
        RelationKind.FORELDER,
        RelationKind.BARN,
        RelationKind.SYSKON,
        RelationKind.ANNAN_NARSTAENDE,
    }
)
#: Partner relations: when one has ended, the former partner may still be "annan
#: närstående" (catalogue c1; rules.md §2), so the general clause assesses it.
PARTNER_KINDS = frozenset(
    {
        RelationKind.MAKE,
        RelationKind.SAMBO,
        RelationKind.REGISTRERAD_PARTNER,
    }
)
GENERAL_CLAUSE_RELATIONS = frozenset(
    {
        RelationKind.NARA_VAN,
        RelationKind.OVAN,
        RelationKind.FOREMAN,
        RelationKind.UNDERORDNAD,
    }
)
INVERSE_RELATION: dict[RelationKind, RelationKind] = {
    RelationKind.FORELDER: RelationKind.BARN,
    RelationKind.BARN: RelationKind.FORELDER,
    RelationKind.FOREMAN: RelationKind.UNDERORDNAD,
    RelationKind.UNDERORDNAD: RelationKind.FOREMAN,
}


def inverse(kind: RelationKind) -> RelationKind:
    """The kind as seen from the other person (symmetric kinds are unchanged)."""
    return INVERSE_RELATION.get(kind, kind)
