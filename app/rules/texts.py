"""Plain-language explanations (Swedish and English) for findings.

An explanation is built from three parts: the chain of facts (one sentence per path
step, with names), a sentence saying why that chain matters (keyed by the hit's
``reason``), and the legal conclusion naming the statute and the version used.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING

from app.rules.model import Detail, Explanation, PathStep

if TYPE_CHECKING:
    from app.rules.facts import FactsSnapshot, OrganisationSnapshot

    Snapshot = FactsSnapshot | OrganisationSnapshot

# relation code -> (Swedish verb phrase, English verb phrase)
RELATIONS: dict[str, tuple[str, str]] = {
    "make": ("är gift med", "is married to"),
    "sambo": ("är sambo med", "is the cohabiting partner (sambo) of"),
    "registrerad_partner": ("är registrerad partner till", "is the registered partner of"),
    "forelder": ("är förälder till", "is a parent of"),
    "barn": ("är barn till", "is a child of"),
    "syskon": ("är syskon till", "is a sibling of"),
    "annan_narstaende": ("är annan närstående till", "is otherwise closely related to"),
    "nara_van": ("är nära vän med", "is a close friend of"),
    "ovan": ("är ovän med", "is on hostile terms with"),
    "foreman": ("är chef över", "is the manager of"),
    "underordnad": ("är underordnad", "reports to"),
    "styrelseledamot": ("är styrelseledamot i", "is a board member of"),
    "styrelsesuppleant": ("är styrelsesuppleant i", "is a deputy board member of"),
    "vd": ("är VD för", "is the managing director of"),
    "firmatecknare": ("är firmatecknare för", "is an authorised signatory of"),
    "agare": ("har ägarintresse i", "has an ownership interest in"),
    "anstalld": ("är anställd hos", "is employed by"),
    "uppdragstagare": ("är uppdragstagare åt", "is a contractor for"),
    "ombud": ("är ombud för", "is the representative (ombud) of"),
    "god_man_forvaltare": (
        "är god man eller förvaltare för",
        "is the guardian (god man/förvaltare) of",
    ),
    "medlem": ("är medlem i", "is a member of"),
    "fortroendeuppdrag": ("har ett förtroendeuppdrag i", "holds an office in"),
    "ledamot": ("är ledamot i", "is a member of"),
    "ersattare": ("är ersättare i", "is a substitute member of"),
    "ordforande": ("är ordförande i", "chairs"),
    "vice_ordforande": ("är vice ordförande i", "is vice chair of"),
    "revisor": ("är revisor i", "is an auditor in"),
    "handlaggare": ("är handläggare i", "is a case officer in"),
    "inspektor": ("är inspektör i", "is an inspector in"),
    "chef": ("är chef i", "is a manager in"),
    "forvaltningschef": ("är förvaltningschef för", "heads"),
    "driver": ("driver", "runs"),
    "styr": ("är styrelse för", "is the board of"),
    "utskott_till": ("är utskott till", "is a sub-committee of"),
    "har_utskott": ("har utskottet", "has the sub-committee"),
    "driftansvar": ("har driftansvaret för", "is responsible for running"),
    "betjanar": ("betjänar", "serves"),
    "namnmatchning": ("matchas enbart på namn mot parten", "is matched by name only to the party"),
    "personnummermatchning": (
        "har samma personnummer som parten",
        "has the same personnummer as the party",
    ),
    "orgnrmatchning": (
        "har samma organisationsnummer som parten",
        "has the same organisation number as the party",
    ),
    "tidigare_handlaggning": (
        "deltog i den slutliga handläggningen hos",
        "took part in the final handling at",
    ),
    "tidigare_deltagit": (
        "deltog tidigare i handläggningen hos",
        "took part earlier in the handling at",
    ),
    "beslut_provas": (
        "fattade beslutet som prövas i ärendet",
        "made the decision reviewed in case",
    ),
    "samma_fraga": (
        "handlade tidigare samma fråga som ärendet",
        "earlier handled the same question as case",
    ),
    "sokande": ("är sökande i ärendet", "is the applicant in case"),
    "part": ("är part i ärendet", "is a party to case"),
    "motpart": ("är motpart i ärendet", "is the opposing party in case"),
    "klagande": ("är klagande i ärendet", "is the appellant in case"),
    "tillsynsobjekt": ("är tillsynsobjekt i ärendet", "is the object of supervision in case"),
    "leverantor": ("är leverantör i ärendet", "is the supplier in case"),
    "berord": ("berörs av ärendet", "is affected by case"),
}

# relation code -> past tense, for a role that has ended (a former ställföreträdare)
PAST_RELATIONS: dict[str, tuple[str, str]] = {
    "styrelseledamot": ("var styrelseledamot i", "was a board member of"),
    "styrelsesuppleant": ("var styrelsesuppleant i", "was a deputy board member of"),
    "vd": ("var VD för", "was the managing director of"),
    "firmatecknare": ("var firmatecknare för", "was an authorised signatory of"),
    "ombud": ("var ombud för", "was the representative (ombud) of"),
    "god_man_forvaltare": (
        "var god man eller förvaltare för",
        "was the guardian (god man/förvaltare) of",
    ),
    "fortroendeuppdrag": ("hade ett förtroendeuppdrag i", "held an office in"),
    "ledamot": ("var ledamot i", "was a member of"),
    "ersattare": ("var ersättare i", "was a substitute member of"),
    "ordforande": ("var ordförande i", "chaired"),
    "vice_ordforande": ("var vice ordförande i", "was vice chair of"),
    "make": ("var gift med", "was married to"),
    "sambo": ("var sambo med", "was the cohabiting partner (sambo) of"),
    "registrerad_partner": ("var registrerad partner till", "was the registered partner of"),
}

JAV_CONSEQUENCE: dict[str, tuple[str, str]] = {
    "kl6": (
        "Personen får inte delta eller närvara om inte nämnden finner att frågan om "
        "opartiskhet uppenbart saknar betydelse; nämnden beslutar i jävsfrågan.",
        "The person must neither take part nor be present unless the committee finds that "
        "impartiality obviously lacks significance; the committee decides the question.",
    ),
    "kl5": (
        "Ledamoten får inte delta i handläggningen av ärendet men behöver inte lämna "
        "sammanträdet (nämndernas närvaroförbud gäller inte i fullmäktige); fullmäktige "
        "beslutar i jävsfrågan.",
        "The member must not take part in handling the matter but need not leave the "
        "meeting (the nämnd rule on presence does not apply in fullmäktige); fullmäktige "
        "decides the question.",
    ),
    "fl": (
        "Personen får inte delta om inte myndigheten finner att frågan om opartiskhet "
        "uppenbart saknar betydelse; myndigheten beslutar i jävsfrågan.",
        "The person must not take part unless the authority finds that impartiality "
        "obviously lacks significance; the authority decides the question.",
    ),
}
LEVEL_TEXT: dict[str, tuple[str, str]] = {
    "jav": (
        "Det är jäv enligt {basis}. Tillämpad lag: {version}.",
        "This is a conflict of interest (jäv) under {basis}. Law applied: {version}.",
    ),
    "mojligt_jav": (
        "Det kan vara jäv enligt {basis}; det kräver en bedömning. Tillämpad lag: {version}.",
        "This may be a conflict of interest under {basis}; it needs a human "
        "assessment. Law applied: {version}.",
    ),
    "undantag": (
        "Ett lagstadgat undantag gäller enligt {basis}, så detta är inte jäv; det "
        "redovisas för granskningens skull. Tillämpad lag: {version}.",
        "A statutory exception applies under {basis}, so this is no conflict; it is "
        "shown for the audit trail. Law applied: {version}.",
    ),
}


def name_of(s: Snapshot, ref: str) -> str:
    """Display name of any registry object (falls back to the ref)."""
    for table in (s.persons, s.organisations, s.committees, s.administrations, s.operations):
        found = table.get(ref)
        name = getattr(found, "name", None) if found is not None else None
        if name:
            return str(name)
    return ref


class Names:
    """Display names of one snapshot, looked up once per ref."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.cache: dict[str, str] = {}

    def __call__(self, ref: str) -> str:
        found = self.cache.get(ref)
        if found is None:
            found = self.cache[ref] = name_of(self.snapshot, ref)
        return found


def step_sentences(
    names: Names, path: tuple[PathStep, ...], past: tuple[int, ...] = ()
) -> tuple[str, str]:
    """One sentence per step; steps whose index is in ``past`` are told in the past tense
    (a role that has ended must not read as current)."""
    sv: list[str] = []
    en: list[str] = []
    for i, step in enumerate(path):
        verb_sv, verb_en = RELATIONS.get(step.relation, (step.relation, step.relation))
        if i in past and step.relation in PAST_RELATIONS:
            verb_sv, verb_en = PAST_RELATIONS[step.relation]
        a, b = names(step.from_), names(step.to)
        sv.append(f"{a} {verb_sv} {b}.")
        en.append(f"{a} {verb_en} {b}.")
    return " ".join(sv), " ".join(en)


def _fmt(template: str, details: Mapping[str, Detail]) -> str:
    try:
        return template.format(**details)
    except (KeyError, IndexError, ValueError):
        return template


@lru_cache(maxsize=512)
def _conclusion(level: str, basis: str, version: tuple[str, str], regime: str) -> tuple[str, str]:
    level_sv, level_en = LEVEL_TEXT.get(level, LEVEL_TEXT["mojligt_jav"])
    sv = level_sv.format(basis=basis, version=version[0])
    en = level_en.format(basis=basis, version=version[1])
    if level == "jav":
        sv += " " + JAV_CONSEQUENCE[regime][0]
        en += " " + JAV_CONSEQUENCE[regime][1]
    return sv, en


def explain(
    names: Names,
    path: tuple[PathStep, ...],
    reason: tuple[str, str],
    level: str,
    basis: str,
    version: tuple[str, str],
    regime: str,
    details: Mapping[str, Detail],
    notes: list[tuple[str, str]],
    past: tuple[int, ...] = (),
) -> Explanation:
    """Compose the explanation; ``reason`` and ``notes`` are (sv, en) templates."""
    chain_sv, chain_en = step_sentences(names, path, past)
    level_sv, level_en = _conclusion(level, basis, version, regime)
    sv = [chain_sv, _fmt(reason[0], details), level_sv]
    en = [chain_en, _fmt(reason[1], details), level_en]
    for note_sv, note_en in notes:
        sv.append(_fmt(note_sv, details))
        en.append(_fmt(note_en, details))
    return Explanation(" ".join(s for s in sv if s), " ".join(s for s in en if s))


def structural_text(
    names: Names,
    path: tuple[PathStep, ...],
    reason: tuple[str, str],
    details: Mapping[str, Detail],
    notes: tuple[tuple[str, str], ...] = (),
) -> Explanation:
    chain_sv, chain_en = step_sentences(names, path)
    sv = [chain_sv, _fmt(reason[0], details), *(_fmt(n[0], details) for n in notes)]
    en = [chain_en, _fmt(reason[1], details), *(_fmt(n[1], details) for n in notes)]
    return Explanation(" ".join(s for s in sv if s), " ".join(s for s in en if s))
