"""`GET /v1/audit?organisation=` on a ref the key may read (a shared private company)
counts the entries whose hidden parts name it: an import part of another kommun
(Cedby's Carl seated on the company's board) is redacted from Ankeby's auditor, but the
filter still matches it, while an untouched shared company matches nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.support.api import ApiClient
from tests.support.registry import import_document

BASE: dict[str, Any] = {
    "organisations": [
        {"ref": "ankeby", "kind": "kommun", "name": "Ankeby kommun"},
        {"ref": "cedby", "kind": "kommun", "name": "Cedby kommun"},
    ],
    "committees": [
        {"ref": "ankeby-ks", "organisation": "ankeby", "kind": "namnd", "name": "Ankeby KS"},
        {"ref": "cedby-bn", "organisation": "cedby", "kind": "namnd", "name": "Cedby BN"},
    ],
    "persons": [{"ref": "p-carl", "name": "Carl Ceder"}],
    "appointments": [{"person": "p-carl", "body": {"committee": "cedby-bn"}, "role": "ledamot"}],
}


def test_a_filter_on_a_shared_company_counts_entries_whose_hidden_part_names_it(
    client_for: Callable[..., ApiClient], admin: ApiClient
) -> None:
    import_document(admin, BASE)
    for ref in ("leverantor-ab", "annan-ab"):
        made = admin.post("/v1/organisations", json={"ref": ref, "kind": "aktiebolag", "name": ref})
        assert made.status_code == 201, made.text
    # One unlimited import: Ankeby's KS renamed, and Cedby's Carl put on the board of the
    # shared company (a part Ankeby may not read).
    import_document(
        admin,
        {
            "committees": [{**BASE["committees"][0], "name": "Ankeby kommunstyrelse"}],
            "appointments": [
                {
                    "person": "p-carl",
                    "body": {"organisation": "leverantor-ab"},
                    "role": "ordforande",
                }
            ],
        },
    )
    ankeby = client_for("auditor", orgs=["ankeby"])
    assert ankeby.get("/v1/organisations/leverantor-ab").status_code == 200  # shared
    assert ankeby.get("/v1/persons/p-carl").status_code == 404

    def total(ref: str) -> tuple[int, list[dict[str, Any]]]:
        got = ankeby.get("/v1/audit", params={"organisation": ref})
        assert got.status_code == 200, got.text
        return got.json()["total"], got.json()["items"]

    touched, items = total("leverantor-ab")
    untouched, _ = total("annan-ab")
    nobody, _ = total("nobody-has-this")
    # What Ankeby is shown of the entry does not name the company at all ...
    assert all(i["redacted"] for i in items) and "leverantor-ab" not in json.dumps(items)
    # ... yet the filter picks it out: the hidden part (another kommun's board seat)
    # concerns that company.
    assert touched == untouched == nobody, (touched, untouched, nobody)
