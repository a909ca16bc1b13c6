"""The screening result arranged for the Ärende page: one card per person.

Reads the contract's JSON shape of a screening (what the API answers and stores), so the
page shows exactly what the API returns for the same screening.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Most severe first; a person's card shows the most severe level of their findings.
LEVEL_ORDER = ("jav", "mojligt_jav", "undantag")


@dataclass(slots=True)
class ChainStep:
    subject: str
    subject_name: str
    relation: str
    target: str
    target_name: str


@dataclass(slots=True)
class FindingView:
    ground: str
    level: str
    rule: str
    legal_basis: list[str]
    explanation: dict[str, str]
    chain: list[ChainStep]
    law_version: str


@dataclass(slots=True)
class PersonCard:
    person: str
    name: str
    role: str
    level: str  # jav | mojligt_jav | undantag | none
    by_default: bool
    findings: list[FindingView] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return self.level in ("jav", "mojligt_jav")


def refs_in(result: dict[str, Any]) -> set[str]:
    """Every ref a result names (people, the path's organisations, committees, ...)."""
    refs: set[str] = set()
    for finding in result.get("findings", []):
        refs.add(finding["person"])
        for step in finding.get("path", []):
            refs.update((step["from"], step["to"]))
    for participant in result.get("participants", []):
        refs.add(participant["person"])
    for risk in result.get("structural", []):
        refs.update(
            str(v)
            for k, v in risk.items()
            if k in ("committee", "organisation", "operation", "administration")
        )
        refs.update(risk.get("persons", []))
    return refs


def _level(findings: list[FindingView]) -> str:
    for level in LEVEL_ORDER:
        if any(f.level == level for f in findings):
            return level
    return "none"


def person_cards(result: dict[str, Any], names: dict[str, str]) -> list[PersonCard]:
    """Flagged people first (jäv, then möjligt jäv, undantag), then those with nothing."""
    by_person: dict[str, list[FindingView]] = {}
    for f in result.get("findings", []):
        chain = [
            ChainStep(
                s["from"],
                s.get("from_name") or names.get(s["from"], s["from"]),
                s["relation"],
                s["to"],
                s.get("to_name") or names.get(s["to"], s["to"]),
            )
            for s in f.get("path", [])
        ]
        by_person.setdefault(f["person"], []).append(
            FindingView(
                f["ground"],
                f["level"],
                f.get("rule", ""),
                list(f.get("legal_basis", [])),
                dict(f.get("explanation", {})),
                chain,
                f.get("law_version", ""),
            )
        )
    cards: list[PersonCard] = []
    seen: set[str] = set()
    # A person screened in two roles (under two laws) is listed once per role: one card.
    roles: dict[str, list[str]] = {}
    for p in result.get("participants", []):
        roles.setdefault(p["person"], []).append(p["role"])
    for p in result.get("participants", []):
        if p["person"] in seen:
            continue
        findings = by_person.get(p["person"], [])
        cards.append(
            PersonCard(
                p["person"],
                names.get(p["person"], p["person"]),
                ", ".join(roles[p["person"]]),
                _level(findings),
                bool(p.get("by_default")),
                findings,
            )
        )
        seen.add(p["person"])
    for person, findings in by_person.items():  # a finding about someone not listed
        if person not in seen:
            role = next(
                (
                    f.get("participant_role", "")
                    for f in result["findings"]
                    if f["person"] == person
                ),
                "",
            )
            cards.append(
                PersonCard(
                    person, names.get(person, person), role, _level(findings), False, findings
                )
            )
    order = {level: i for i, level in enumerate((*LEVEL_ORDER, "none"))}
    return sorted(cards, key=lambda c: (order[c.level], c.name))
