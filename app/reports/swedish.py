"""Swedish headers and values for CSV and XLSX reports (asked for with `lang=sv`).

JSON keeps the contract's stable codes (`mojligt_jav`, `part`): programs read it. The
spreadsheet formats are read by people, so with Swedish asked for the headers are Swedish
and the coded values are the words a nämndsekreterare or revisor uses. Ground names follow
the names Swedish commentary uses for the jäv grounds of KL 6 kap. 28 § (1 p.: sakägarjäv
for a party, intressejäv for one affected; 2 p. ställföreträdarjäv; 3 p. tillsynsjäv;
4 p. the general clause, delikatessjäv), FL 16 § 1 p. 3 (tvåinstansjäv) and KL 5 kap.
47-48 §§ (fullmäktige, ansvarsfrihet). They label the contract's codes; they decide nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

HEADERS: Mapping[str, str] = {
    "screening": "granskning",
    "screened_at": "granskad",
    "case": "ärende",
    "organisation": "organisation",
    "organisation_name": "organisationens namn",
    "committee": "nämnd",
    "committee_name": "nämndens namn",
    "as_of": "per dag",
    "outcome": "utfall",
    "rules_version": "regelversion",
    "audit_sequence": "granskningslogg nr",
    "person": "person",
    "person_name": "namn",
    "ground": "jävsgrund",
    "level": "nivå",
    "rule": "regel",
    "structural": "strukturell",
    "resolved": "avgjord",
    "decision_id": "jävsbeslut nr",
    "decision": "jävsbeslut",
    "obviously_insignificant": "uppenbart betydelselöst",
    "decided_on": "beslutsdag",
    "protocol_paragraph": "protokollsparagraf",
    "legal_basis": "rättslig grund",
    "explanation": "förklaring",
    "id": "nr",
    "raised_by": "väckt av",
    "recorded_by": "registrerat av",
    "recorded_at": "registrerat",
    "screenings": "granskningar",
    "flagged": "flaggade",
    "clear": "utan anmärkning",
    "jav": "jäv",
    "mojligt_jav": "möjligt jäv",
    "undantag": "undantag",
    "structural_risks": "strukturella risker",
    "decisions_jav": "beslut jäv",
    "decisions_ej_jav": "beslut ej jäv",
    "decisions_obviously_insignificant": "beslut uppenbart betydelselöst",
    "unresolved_flags": "oavgjorda flaggor",
    "cases_decided_without_screening": "ärenden beslutade utan granskning",
    "flags_decided_jav": "flaggor beslutade jäv",
    "flags_decided_ej_jav": "flaggor beslutade ej jäv",
    "operation": "verksamhet",
    "administration": "förvaltning",
    "operating_organisation": "driftande organisation",
    "area": "område",
    "persons": "personer",
    "person_names": "personernas namn",
    "source": "källa",
    "cases": "ärenden",
    "first_as_of": "första dag",
    "last_as_of": "senaste dag",
    "last_screening": "senaste granskning",
    "form": "samverkansform",
    "ref": "referens",
    "name": "namn",
    "host": "värdorganisation",
    "participants": "deltagare",
    "role": "roll",
    "covers": "omfattar",
    "valid_from": "gäller från",
    "valid_to": "gäller till",
    "risks_in_screenings": "risker i granskningar",
    "risks_in_registry": "risker i registret",
    "risk_grounds": "riskgrunder",
    "arrangement": "samverkan",
    "part": "del",
}

GROUNDS: Mapping[str, str] = {
    "part": "sakägarjäv",
    "paverkan": "intressejäv",
    "stallforetradare": "ställföreträdarjäv",
    "tillsynsjav": "tillsynsjäv",
    "tvainstans": "tvåinstansjäv",
    "generalklausul": "delikatessjäv",
    "fullmaktige": "jäv i fullmäktige",
    "ansvarsfrihet": "jäv vid ansvarsfrihet",
    "egen_tillsyn": "egen tillsyn",
    "dubbla_roller": "dubbla roller",
    "delad_forvaltning": "delad förvaltning",
    "samverkan_egen_drift": "samverkan med egen drift",
}
LEVELS: Mapping[str, str] = {
    "jav": "jäv",
    "mojligt_jav": "möjligt jäv",
    "undantag": "undantag",
    "risk": "risk",
}
OUTCOMES: Mapping[str, str] = {"flagged": "flaggad", "clear": "utan anmärkning"}
DECISIONS: Mapping[str, str] = {"jav": "jäv", "ej_jav": "ej jäv"}
RAISED_BY: Mapping[str, str] = {
    "self": "personen själv",
    "other": "annan",
    "screening": "granskning",
}
SOURCES: Mapping[str, str] = {"screenings": "granskningar", "registry": "registret"}
FORMS: Mapping[str, str] = {
    "gemensam_namnd": "gemensam nämnd",
    "kommunalforbund": "kommunalförbund",
    "avtalssamverkan": "avtalssamverkan",
}
PARTS: Mapping[str, str] = {
    "host": "värdkommun",
    "participant": "deltagare",
    "forbund": "förbund",
    "member": "medlem",
    "performer": "utförare",
    "principal": "huvudman",
}

# Which columns hold which vocabulary (a value missing from its table is shown as stored).
VOCABULARY_OF_COLUMN: Mapping[str, Mapping[str, str]] = {
    "ground": GROUNDS,
    "risk_grounds": GROUNDS,
    "level": LEVELS,
    "outcome": OUTCOMES,
    "decision": DECISIONS,
    "raised_by": RAISED_BY,
    "source": SOURCES,
    "form": FORMS,
    "part": PARTS,
}
YES, NO = "ja", "nej"
SHEETS: Mapping[str, str] = {
    "findings": "fynd",
    "decisions": "jävsbeslut",
    "committees": "nämnder",
    "grounds": "jävsgrunder",
    "risks": "risker",
    "occurrences": "förekomster",
    "arrangements": "samverkan",
    "participants": "deltagare",
}


def header(name: str) -> str:
    return HEADERS.get(name, name)


def value_translator(column: str) -> Callable[[Any], Any] | None:
    """A function giving the Swedish word for a coded value of this column, or None."""
    table = VOCABULARY_OF_COLUMN.get(column)
    if table is None:
        return None

    def translate(value: Any) -> Any:
        if isinstance(value, tuple | list):
            return tuple(table.get(v, v) for v in value)
        return table.get(value, value) if isinstance(value, str) else value

    return translate
