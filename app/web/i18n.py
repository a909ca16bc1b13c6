"""Swedish first, English on request: the language of a page and the labels of codes.

Templates write both languages side by side (`t("Ärende", "Case")`), so a page reads as
one text in either language; the contract's codes (grounds, levels, roles) get their
labels here. Legal terms stay Swedish in the English labels where the contract does so.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["sv", "en"]
LANG_COOKIE = "javskoll_lang"
DEFAULT_LANG: Lang = "sv"


def pick_lang(value: str | None) -> Lang:
    return "en" if value == "en" else DEFAULT_LANG


_L = dict[str, tuple[str, str]]

GROUNDS: _L = {
    "part": ("Sakägar- och intressejäv", "Party jäv (sakägarjäv)"),
    "paverkan": (
        "Intressejäv (synnerlig nytta eller skada)",
        "Interest jäv (particular benefit or harm)",
    ),
    "stallforetradare": ("Ställföreträdarjäv", "Representative jäv (ställföreträdarjäv)"),
    "tillsynsjav": ("Tillsynsjäv", "Supervision jäv (tillsynsjäv)"),
    "tvainstans": ("Tvåinstansjäv", "Two-instance jäv (tvåinstansjäv)"),
    "generalklausul": ("Delikatessjäv (generalklausulen)", "General clause (delikatessjäv)"),
    "fullmaktige": ("Jäv i fullmäktige", "Jäv in fullmäktige"),
    "ansvarsfrihet": ("Ansvarsfrihet för egen förvaltning", "Discharge of own administration"),
    "egen_tillsyn": ("Tillsyn över egen drift", "Supervising its own operations"),
    "dubbla_roller": ("Dubbla roller", "Dual roles"),
    "delad_forvaltning": ("Delad förvaltning för drift och tillsyn", "Shared administration"),
    "samverkan_egen_drift": ("Samverkan över egen drift", "Joint body over own operations"),
}
LEVELS: _L = {
    "jav": ("Jäv", "Jäv (disqualified)"),
    "mojligt_jav": ("Möjligt jäv", "Possible jäv"),
    "undantag": ("Undantag", "Exception"),
    "risk": ("Strukturell risk", "Structural risk"),
    "none": ("Inget jäv funnet", "No jäv found"),
}
OUTCOMES: _L = {"flagged": ("Flaggad", "Flagged"), "clear": ("Inget att flagga", "Clear")}
ROLES: _L = {
    "ledamot": ("Ledamot", "Member"),
    "ersattare": ("Ersättare", "Substitute"),
    "ordforande": ("Ordförande", "Chair"),
    "vice_ordforande": ("Vice ordförande", "Vice chair"),
    "revisor": ("Revisor", "Auditor"),
    "anstalld": ("Anställd", "Employee"),
    "handlaggare": ("Handläggare", "Case officer"),
    "inspektor": ("Inspektör", "Inspector"),
    "chef": ("Chef", "Manager"),
    "forvaltningschef": ("Förvaltningschef", "Head of administration"),
    "styrelseledamot": ("Styrelseledamot", "Board member"),
    "styrelsesuppleant": ("Styrelsesuppleant", "Deputy board member"),
    "vd": ("VD", "Managing director"),
    "foredragande": ("Föredragande", "Rapporteur"),
    "delegat": ("Delegat", "Delegate"),
    "beslutsfattare": ("Beslutsfattare", "Decision-maker"),
    "protokollforare": ("Protokollförare", "Minute-taker"),
    "sakkunnig": ("Sakkunnig", "Expert"),
    "firmatecknare": ("Firmatecknare", "Authorised signatory"),
    "agare": ("Ägare", "Owner"),
    "uppdragstagare": ("Uppdragstagare", "Contractor"),
    "ombud": ("Ombud", "Representative"),
    "god_man_forvaltare": ("God man eller förvaltare", "Guardian"),
    "medlem": ("Medlem", "Member"),
    "fortroendeuppdrag": ("Förtroendeuppdrag", "Office"),
}
PARTY_ROLES: _L = {
    "sokande": ("Sökande", "Applicant"),
    "part": ("Part", "Party"),
    "motpart": ("Motpart", "Opposing party"),
    "klagande": ("Klagande", "Appellant"),
    "tillsynsobjekt": ("Tillsynsobjekt", "Supervised party"),
    "leverantor": ("Leverantör", "Supplier"),
    "berord": ("Berörd", "Affected"),
}
RELATIONS: _L = {
    "make": ("Make/maka", "Spouse"),
    "sambo": ("Sambo", "Cohabiting partner"),
    "registrerad_partner": ("Registrerad partner", "Registered partner"),
    "forelder": ("Förälder", "Parent"),
    "barn": ("Barn", "Child"),
    "syskon": ("Syskon", "Sibling"),
    "annan_narstaende": ("Annan närstående", "Other close relation"),
    "nara_van": ("Nära vän", "Close friend"),
    "ovan": ("Ovän", "Enemy"),
    "foreman": ("Förman", "Manager of"),
    "underordnad": ("Underordnad", "Reports to"),
}
MATTERS: _L = {
    "myndighetsutovning": ("Myndighetsutövning", "Exercise of public authority"),
    "tillsyn": ("Tillsyn", "Supervision"),
    "overprovning": ("Överprövning", "Review"),
    "upphandling": ("Upphandling", "Procurement"),
    "bidrag": ("Bidrag", "Grant"),
    "anstallning": ("Anställning", "Employment"),
    "avtal": ("Avtal", "Agreement"),
    "ansvarsfrihet": ("Ansvarsfrihet", "Discharge"),
    "val": ("Val", "Election"),
    "normgivning": ("Normgivning", "Rule-making"),
    "ovrigt": ("Övrigt", "Other"),
}
RAISED_BY: _L = {
    "self": ("Personen själv", "The person"),
    "other": ("Någon annan", "Someone else"),
    "screening": ("Jävskoll", "Jävskoll screening"),
}
DECISIONS: _L = {"jav": ("Jävig", "Disqualified"), "ej_jav": ("Inte jävig", "Not disqualified")}
# A case's status on the case list, from its latest screening (app/web/case_status.py).
CASE_STATUSES: _L = {
    "ej_granskat": ("Ej granskat", "Not screened"),
    "flaggat": ("Flaggat", "Flagged"),
    "beslutat": ("Beslutat", "Decided"),
    "utan_anmarkning": ("Utan anmärkning", "Nothing flagged"),
}
RESPONSIBILITY: _L = {"drift": ("Drift", "Operation"), "tillsyn": ("Tillsyn", "Supervision")}
WEB_ROLES: _L = {
    "admin": ("Administratör", "Administrator"),
    "registry": ("Registerförare", "Registrar"),
    "screener": ("Granskare", "Screener"),
    "auditor": ("Revisor", "Auditor"),
}
AREAS: _L = {
    "miljo_halsoskydd": ("Miljö- och hälsoskydd", "Environment and health protection"),
    "livsmedel": ("Livsmedel", "Food"),
    "bygg": ("Bygg", "Building"),
    "alkohol_tobak": ("Alkohol och tobak", "Alcohol and tobacco"),
    "raddningstjanst": ("Räddningstjänst", "Rescue services"),
    "va": ("Vatten och avlopp", "Water and sewage"),
    "avfall": ("Avfall", "Waste"),
    "energi": ("Energi", "Energy"),
    "skola": ("Skola", "School"),
    "forskola": ("Förskola", "Preschool"),
    "socialtjanst": ("Socialtjänst", "Social services"),
    "aldreomsorg": ("Äldreomsorg", "Elderly care"),
    "lss": ("LSS", "Disability support (LSS)"),
    "halso_sjukvard": ("Hälso- och sjukvård", "Health care"),
    "gata_park": ("Gata och park", "Streets and parks"),
    "fastighet": ("Fastighet", "Property"),
    "kollektivtrafik": ("Kollektivtrafik", "Public transport"),
    "kultur_fritid": ("Kultur och fritid", "Culture and leisure"),
    "upphandling": ("Upphandling", "Procurement"),
    "ovrigt": ("Övrigt", "Other"),
}
KINDS: _L = {
    "kommun": ("Kommun", "Municipality"),
    "region": ("Region", "Region"),
    "kommunalforbund": ("Kommunalförbund", "Municipal federation"),
    "aktiebolag": ("Aktiebolag", "Limited company"),
    "handelsbolag": ("Handelsbolag", "Partnership"),
    "ekonomisk_forening": ("Ekonomisk förening", "Cooperative"),
    "ideell_forening": ("Ideell förening", "Non-profit association"),
    "stiftelse": ("Stiftelse", "Foundation"),
    "enskild_firma": ("Enskild firma", "Sole trader"),
    "myndighet": ("Myndighet", "State authority"),
    "annan": ("Annan", "Other"),
    "fullmaktige": ("Fullmäktige", "Council (fullmäktige)"),
    "styrelse": ("Styrelse", "Executive board"),
    "namnd": ("Nämnd", "Committee (nämnd)"),
    "gemensam_namnd": ("Gemensam nämnd", "Joint committee"),
    "utskott": ("Utskott", "Sub-committee"),
    "direktion": ("Direktion", "Federation board"),
    "forbundsfullmaktige": ("Förbundsfullmäktige", "Federation assembly"),
    "revision": ("Revision", "Audit"),
    "bolagsstyrelse": ("Bolagsstyrelse", "Company board"),
    "avtalssamverkan": ("Avtalssamverkan", "Agreement-based cooperation"),
}
VOCABULARIES: dict[str, _L] = {
    "area": AREAS,
    "kind": KINDS,
    "ground": GROUNDS,
    "level": LEVELS,
    "outcome": OUTCOMES,
    "role": ROLES,
    "party_role": PARTY_ROLES,
    "relation": RELATIONS,
    "matter": MATTERS,
    "raised_by": RAISED_BY,
    "decision": DECISIONS,
    "case_status": CASE_STATUSES,
    "responsibility": RESPONSIBILITY,
    "web_role": WEB_ROLES,
}


def label(kind: str, code: str | None, lang: Lang) -> str:
    """The label of a code in the page's language; the code itself when unknown."""
    if code is None:
        return ""
    if ", " in code:  # several codes (a person screened in two roles)
        return ", ".join(label(kind, part, lang) for part in code.split(", "))
    pair = VOCABULARIES[kind].get(code)
    if pair is None:
        return code.replace("_", " ")
    return pair[0] if lang == "sv" else pair[1]


def options(kind: str, lang: Lang) -> list[tuple[str, str]]:
    return [(code, label(kind, code, lang)) for code in VOCABULARIES[kind]]
