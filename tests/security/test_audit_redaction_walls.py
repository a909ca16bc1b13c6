"""A limited auditor's subject filters are applied to the entry's full subjects, before
redaction: a filter on another kommun's hidden ref answers differently than a ref nobody has."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.support.api import ApiClient
from tests.support.registry import import_document

TWO: dict[str, Any] = {
    "organisations": [
        {"ref": "ankeby", "kind": "kommun", "name": "Ankeby kommun"},
        {"ref": "cedby", "kind": "kommun", "name": "Cedby kommun"},
        {
            "ref": "cedby-hemliga-bolaget",
            "kind": "aktiebolag",
            "name": "Cedby Hemliga AB",
            "owners": [{"organisation": "cedby"}],
        },
    ],
    "committees": [
        {"ref": "ankeby-ks", "organisation": "ankeby", "kind": "namnd", "name": "Ankeby KS"},
        {"ref": "cedby-bn", "organisation": "cedby", "kind": "namnd", "name": "Cedby BN"},
    ],
}


def test_audit_subject_filter_tells_of_another_kommuns_company(
    client_for: Callable[..., ApiClient], admin: ApiClient
) -> None:
    import_document(admin, TWO)
    ankeby_auditor = client_for("auditor", orgs=["ankeby"])
    # Ankeby cannot read the company.
    assert ankeby_auditor.get("/v1/organisations/cedby-hemliga-bolaget").status_code == 404

    hidden = ankeby_auditor.get("/v1/audit", params={"organisation": "cedby-hemliga-bolaget"})
    nobody = ankeby_auditor.get("/v1/audit", params={"organisation": "nobody-has-this"})
    assert hidden.status_code == nobody.status_code == 200
    # An out-of-scope ref must answer exactly like a missing one.
    assert hidden.json()["total"] == nobody.json()["total"], hidden.json()


def test_a_redacted_entry_shows_no_hash_that_would_confirm_guesses_of_its_hidden_parts(
    client_for: Callable[..., ApiClient], admin: ApiClient
) -> None:
    """The hash of an entry is over its whole payload: shown beside the redacted parts, it
    let Ankeby's auditor confirm guesses of Cedby's hidden company offline (found by a
    review: 'cedby-hemliga-bolaget' among 72 guesses). A limited reader gets no hash for
    a redacted entry, and no prev_hash in the entry after one (it repeats that hash); an
    unlimited reader gets both."""
    ankeby_auditor = client_for("auditor", orgs=["ankeby"])
    import_document(admin, TWO)
    renamed = {
        "committees": [
            {**c, "name": c["name"] + " (ny)"}
            for c in TWO["committees"]  # both kommuner
        ]
    }
    import_document(admin, renamed)
    params = {"kind": "registry.import", "organisation": "ankeby"}
    first, second = ankeby_auditor.get("/v1/audit", params=params).json()["items"][:2]
    assert (second["chain"], second["sequence"]) == (first["chain"], first["sequence"] + 1)
    assert first["redacted"] is True and second["redacted"] is True
    assert "cedby" not in json.dumps([first, second])
    assert first["hash"] is None and second["hash"] is None and second["prev_hash"] is None
    whole = {e["id"]: e for e in admin.get("/v1/audit", params=params).json()["items"]}
    assert whole[first["id"]]["hash"] == whole[second["id"]]["prev_hash"] is not None
    # Every entry of the system chain (where entries of several organisations go) is shown
    # without hashes: a later hash covers a redacted entry too (a fourth review).
    assert first["prev_hash"] is None
    # The kommun's own chain keeps its hashes: its entries are whole.
    assert admin.patch("/v1/committees/ankeby-ks", json={"name": "Ankeby KS 2"}).status_code == 200
    own = ankeby_auditor.get("/v1/audit", params={"kind": "registry.update"}).json()["items"]
    assert own and all(e["hash"] and e["redacted"] is False for e in own)
