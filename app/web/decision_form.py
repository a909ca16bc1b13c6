"""The form on the Ärende page that records the nämnd's jäv decision (KL 6 kap. 30 §,
FL 18 §), checked back to the user before it is saved."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

from app.decisions.schemas import DecisionIn
from app.security.roles import Permission
from app.web.i18n import Lang, label
from app.web.sessions import SignedIn

DECISION_FIELDS = {
    "/": "person",
    "/person": "person",
    "/raised_by": "raised_by",
    "/decision": "decision",
    "/obviously_insignificant": "obviously_insignificant",
    "/protocol_paragraph": "protocol_paragraph",
    "/decided_on": "decided_on",
    "/note": "note",
    "/screening": "person",
}


@dataclass(slots=True)
class DecisionDraft:
    person: str = ""
    raised_by: str = "screening"
    decision: str = ""
    obviously_insignificant: bool = False
    protocol_paragraph: str = ""
    decided_on: str = ""
    note: str = ""
    screening: str = ""

    @classmethod
    def empty(cls, shown: dict[str, Any] | None) -> DecisionDraft:
        if not shown:
            return cls(raised_by="self")
        flagged = [
            f["person"] for f in shown.get("findings", []) if f["level"] in ("jav", "mojligt_jav")
        ]
        return cls(
            person=flagged[0] if flagged else "",
            screening=shown["id"],
            decided_on=shown.get("as_of", ""),
        )

    def document(self) -> dict[str, Any]:
        """The API's decision body (blank fields left out, as a client would)."""
        out: dict[str, Any] = {k: v for k, v in asdict(self).items() if v not in ("", None)}
        out["obviously_insignificant"] = self.obviously_insignificant
        return out

    def validated(self) -> DecisionIn:
        return DecisionIn.model_validate(self.document())


def _lowered(roles: str) -> str:
    """'Ledamot, Handläggare' -> 'ledamot, handläggare'; 'VD' stays."""
    return ", ".join(r if r.isupper() else r[:1].lower() + r[1:] for r in roles.split(", "))


def person_labels(cards: list[Any], parties: dict[str, str], lang: Lang) -> dict[str, str]:
    """ref -> how the form names a person: party and role in this nämnd ("Karin Wik (M),
    ledamot"), which tells namesakes apart where the registry's code would not mean
    anything to the sekreterare; the code is added only where two read the same."""
    labels: dict[str, str] = {}
    for card in cards:
        party = parties.get(card.person)
        role = _lowered(label("role", card.role, lang)) if card.role else ""
        text = card.name + (f" ({party})" if party else "")
        labels[card.person] = f"{text}, {role}" if role else text
    same = Counter(labels.values())
    return {ref: f"{text} ({ref})" if same[text] > 1 else text for ref, text in labels.items()}


def decision_context(
    user: SignedIn,
    page: dict[str, Any],
    draft: DecisionDraft,
    errors: dict[str, str],
    lang: Lang,
) -> dict[str, Any]:
    """The form's state: who may be chosen (everyone screened, flagged first)."""
    cards = page.get("cards", [])
    labels = person_labels(cards, page.get("parties", {}), lang)
    return {
        "can_decide": user.principal.can(Permission.DECIDE),
        "can_screen": user.principal.can(Permission.SCREEN),
        "draft": draft,
        "decision_errors": errors,
        "person_choices": [(c.person, labels[c.person]) for c in cards],
        "person_labels": labels,
    }
