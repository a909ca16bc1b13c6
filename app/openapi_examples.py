"""Request and response examples for the OpenAPI document, from a worked scenario.

`openapi_examples.json` holds scenario 48 of ../shared/scenarios (an ersättare whose
sambo applies for a bygglov: jäv under KL 6 kap. 28 § första stycket 1) as the API
really answered it: the registry import, the case, its screening and the nämnd's jäv
decision. Keyed by operation id (see app.openapi).
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

_DATA: dict[str, Any] = json.loads(
    resources.files("app").joinpath("openapi_examples.json").read_text(encoding="utf-8")
)
_SOURCE = "Scenario 48 (ledamot/ersättare whose sambo applies for a bygglov)"


def _example(summary: str, value: Any) -> dict[str, Any]:
    return {"summary": summary, "description": _SOURCE, "value": value}


_CASE = _DATA["case_request"]

REQUEST_EXAMPLES: dict[str, dict[str, Any]] = {
    "registry_import": {
        "scenario48": _example("The registry of a bygglov case", _DATA["import_request"])
    },
    "cases_create": {"scenario48": _example("A bygglov case", _CASE)},
    "cases_replace": {"scenario48": _example("A bygglov case", _CASE)},
    "screenings_create": {
        "stored": _example("Screen a stored case by its ref", {"case": _CASE["ref"]}),
        "inline": _example("Screen an inline case", {"case": _CASE, "as_of": "2024-10-08"}),
    },
    "decisions_create": {
        "scenario48": _example("The nämnd found jäv", _DATA["decision_request"]),
    },
    "meetings_create": {
        "scenario48": _example(
            "A meeting with the bygglov case on the agenda", _DATA["meeting_request"]
        ),
    },
    "meetings_replace": {
        "scenario48": _example("The same meeting, recomputed", _DATA["meeting_request"]),
    },
}

RESPONSE_EXAMPLES: dict[str, dict[str, Any]] = {
    "registry_import": {"scenario48": _example("Counts per type", _DATA["import_response"])},
    "cases_create": {"scenario48": _example("The stored case", _DATA["case_response"])},
    "cases_get": {"scenario48": _example("The stored case", _DATA["case_response"])},
    "cases_replace": {"scenario48": _example("The stored case", _DATA["case_response"])},
    "screenings_create": {
        "scenario48": _example("Flagged: jäv (part)", _DATA["screening_response"])
    },
    "screenings_get": {"scenario48": _example("Flagged: jäv (part)", _DATA["screening_response"])},
    "decisions_create": {"scenario48": _example("Recorded", _DATA["decision_response"])},
    "meetings_create": {
        "scenario48": _example("The ersättare steps out of § 7", _DATA["meeting_response"])
    },
    "meetings_get": {
        "scenario48": _example("The ersättare steps out of § 7", _DATA["meeting_response"])
    },
}
