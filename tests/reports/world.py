"""A small audited world built through the API, for the screening and summary reports.

ab-mbn (gemensam nämnd, Ankeby host, Borby participant):
- MBN 2026/123 (decided 2026-03-10) screened: flagged (p-anna 1 jäv flag, p-olof 2),
  p-anna's settled by a linked jäv decision (§ 12), p-olof's unresolved;
- MBN 2026/124 (2026-04-01) screened: clear;
- MBN 2026/125 (2026-02-01) never screened, an ej_jav decision recorded for p-anna;
- MBN 2026/126 (2026-05-01) never screened, no decision.
cedby-bn (Cedby, unrelated): BN 2026/1 (2026-03-20) screened: clear.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.decisions.flow import CASE_REF, case_document, create_case, decide, screen
from tests.support.api import ApiClient
from tests.support.registry import contract_document, import_document

CEDBY = {
    "organisations": [{"ref": "cedby", "kind": "kommun", "name": "Cedby kommun"}],
    "committees": [
        {
            "ref": "cedby-bn",
            "organisation": "cedby",
            "kind": "namnd",
            "name": "Byggnadsnämnden",
            "responsibilities": [{"area": "bygg", "role": "tillsyn"}],
        }
    ],
    "persons": [{"ref": "p-cecilia", "name": "Cecilia Ek"}],
    "appointments": [{"person": "p-cecilia", "body": {"committee": "cedby-bn"}, "role": "ledamot"}],
}
QUIET = {
    "parties": [],
    "participants": [{"person": "p-anna", "role": "ledamot"}],
    "matter": "ovrigt",
}


@dataclass
class World:
    flagged: dict[str, Any]
    clear: dict[str, Any]
    cedby: dict[str, Any]
    settled: dict[str, Any]
    unscreened_decision: dict[str, Any]


def build(admin: ApiClient, screener: ApiClient) -> World:
    doc = contract_document()
    for section, rows in CEDBY.items():
        doc[section] = doc.get(section, []) + rows
    import_document(admin, doc)
    create_case(screener)
    create_case(screener, case_document(ref="MBN 2026/124", decision_date="2026-04-01", **QUIET))
    create_case(screener, case_document(ref="MBN 2026/125", decision_date="2026-02-01", **QUIET))
    create_case(screener, case_document(ref="MBN 2026/126", decision_date="2026-05-01", **QUIET))
    create_case(
        screener,
        case_document(
            ref="BN 2026/1",
            committee="cedby-bn",
            area="bygg",
            decision_date="2026-03-20",
            **{**QUIET, "participants": [{"person": "p-cecilia", "role": "ledamot"}]},
        ),
    )
    flagged = screen(screener)
    clear = screen(screener, "MBN 2026/124")
    cedby = screen(screener, "BN 2026/1")
    settled = decide(
        screener,
        person="p-anna",
        screening=flagged["id"],
        protocol_paragraph="=1+2",
    )
    unscreened = decide(
        screener,
        "MBN 2026/125",
        person="p-anna",
        decision="ej_jav",
        raised_by="self",
        decided_on="2026-02-01",
    )
    assert flagged["outcome"] == "flagged" and flagged["case"] == CASE_REF
    assert clear["outcome"] == "clear" and cedby["outcome"] == "clear"
    return World(flagged, clear, cedby, settled, unscreened)
