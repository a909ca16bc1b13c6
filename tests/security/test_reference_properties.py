"""Property: however an Ankeby key spells a Cederby ref, the write tells it nothing.

Hypothesis draws a reference position of a write document (tests/security/
reference_fields.py), a way to write it (import, POST, PUT, PATCH), one of Cederby's
real refs (ASCII, or with å/ä/ö so that NFC and NFD differ) and a spelling of it: as
stored, NFC, NFD, upper or capitalised, with whitespace around it, with an invisible
character inside, or a ref nobody has that starts like it. The same spelling is applied
to a ref nobody has. Then, through the HTTP API with the Ankeby key:

- the write is refused, with the status, error pointers and codes, type, title and
  detail (the sent ref blanked) of the ref nobody has: no oracle;
- nothing is stored: the section read back with an unlimited key is as before;
- a `security.refused` audit entry is written exactly when the existing rules write one
  (a 404, or a refusal naming an unknown or out-of-scope reference), for both refs alike.

Every example runs in savepoints that are rolled back, so examples do not see each
other's writes, refusal counts or audit entries.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection

from tests.security.reference_fields import FIELDS, MISSING, OUT_OF_SCOPE, Field, X
from tests.security.scope_cells import LEAF_DOCUMENT
from tests.security.scope_world import World, build
from tests.security.test_write_references import MODES, SEATS, send
from tests.support.api import ApiClient
from tests.support.registry import import_document

PROBE_CODES = {"out_of_scope", "unknown_reference"}
# Cederby's objects with refs that are not ASCII (NFD spells them differently).
NON_ASCII = {
    "organisation": "cederby-värme-åb",
    "committee": "cederby-äldrenämnd",
    "administration": "cederby-förvaltning",
    "person": "p-åsa",
}
CEDERBY_NON_ASCII: dict[str, Any] = {
    "organisations": [
        {
            "ref": NON_ASCII["organisation"],
            "kind": "aktiebolag",
            "name": "Cederby Värme AB",
            "owners": [{"organisation": "cederby", "share_percent": 100}],
        }
    ],
    "committees": [
        {
            "ref": NON_ASCII["committee"],
            "organisation": "cederby",
            "kind": "namnd",
            "name": "Cederby äldrenämnd",
        }
    ],
    "administrations": [
        {"ref": NON_ASCII["administration"], "organisation": "cederby", "name": "Förvaltning"}
    ],
    "persons": [{"ref": NON_ASCII["person"], "name": "Åsa Ceder"}],
    "appointments": [
        {
            "ref": "appt-åsa",
            "person": NON_ASCII["person"],
            "body": {"committee": "cederby-bn"},
            "role": "ersattare",
        }
    ],
}
WHITESPACE = (" ", "\u00a0", "\u2003")
INVISIBLE = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad")
Spelling = Callable[[str], str]


@st.composite
def spellings(draw: st.DrawFn) -> tuple[str, Spelling]:
    """A way to spell a ref, applied alike to Cederby's ref and to a ref nobody has."""
    how = draw(
        st.sampled_from(["as-is", "nfc", "nfd", "upper", "capitalise", "space", "zw", "unknown"])
    )
    if how == "nfc":
        return how, lambda ref: unicodedata.normalize("NFC", ref)
    if how == "nfd":
        return how, lambda ref: unicodedata.normalize("NFD", ref)
    if how == "upper":
        return how, str.upper
    if how == "capitalise":
        return how, str.capitalize
    if how == "space":
        space = draw(st.sampled_from(WHITESPACE))
        lead, trail = draw(st.sampled_from([(1, 0), (0, 1), (1, 1)]))
        return f"space{lead}{trail}", lambda ref: space * lead + ref + space * trail
    if how == "zw":
        char = draw(st.sampled_from(INVISIBLE))
        at = draw(st.integers(min_value=1, max_value=5))
        return f"zw{ord(char):04x}@{at}", lambda ref: ref[:at] + char + ref[at:]
    if how == "unknown":
        tail = draw(st.text(alphabet="abcxyz019-åäö", min_size=1, max_size=8))
        return "unknown", lambda ref: f"{ref}-{tail}"
    return how, lambda ref: ref


def shape(response: Any, sent: str) -> tuple[Any, ...]:
    """What an answer says, with the ref that was sent (in any spelling it may be echoed
    in) blanked; the detail by length, as ids and request ids differ between answers."""
    body = response.json() if response.content else {}
    text = json.dumps(body, ensure_ascii=False)
    nfc = unicodedata.normalize("NFC", sent)
    for spelled in sorted({sent, nfc, sent.strip(), nfc.strip()}, key=len, reverse=True):
        if spelled:
            text = text.replace(spelled, X)
    errors = sorted((e.get("pointer", ""), e.get("code", "")) for e in body.get("errors") or [])
    return response.status_code, errors, body.get("type"), body.get("title"), len(text)


def audited(response: Any) -> bool:
    """Whether the existing rules (app/security/probes.is_probe) audit this refusal."""
    if response.status_code == 404:
        return True
    body = response.json() if response.content else {}
    return bool({e.get("code") for e in body.get("errors") or []} & PROBE_CODES)


def refused_total(admin: ApiClient) -> int:
    listed = admin.get("/v1/audit", params={"kind": "security.refused", "limit": 1})
    assert listed.status_code == 200, listed.text[:300]
    return int(listed.json()["total"])


def stored(admin: ApiClient, section: str) -> Any:
    listed = admin.get(f"/v1/{section}", params={"limit": 500})
    assert listed.status_code == 200, listed.text[:300]
    return listed.json()["items"]


def attempt(
    world: World, admin: ApiClient, connection: Connection, mode: str, field: Field, ref: str
) -> tuple[Any, bool]:
    """Send the write in a savepoint; check that nothing is stored; roll it back."""
    before = stored(admin, field.section)
    refusals = refused_total(admin)
    savepoint = connection.begin_nested()
    try:
        response = send(world.keys["registry"], mode, field, ref)
        assert response.status_code in (404, 422), f"{mode} {ref!r}: {response.text[:300]}"
        assert stored(admin, field.section) == before, f"{mode} {ref!r} changed the registry"
        new_refusals = refused_total(admin) - refusals
    finally:
        savepoint.rollback()
    assert new_refusals in (0, 1)
    return response, new_refusals == 1


def test_every_spelling_of_a_cederby_ref_answers_like_a_ref_nobody_has(
    admin: ApiClient, client_for: Callable[..., ApiClient], connection: Connection
) -> None:
    world = build(admin, client_for)
    for document in (LEAF_DOCUMENT, SEATS, CEDERBY_NON_ASCII):
        import_document(admin, document)

    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        field=st.sampled_from(FIELDS),
        mode=st.sampled_from(MODES),
        non_ascii=st.booleans(),
        spelling=spellings(),
    )
    def check(field: Field, mode: str, non_ascii: bool, spelling: tuple[str, Spelling]) -> None:
        how, spell = spelling
        theirs = spell((NON_ASCII if non_ascii else OUT_OF_SCOPE)[field.kind])
        nobodys = spell(MISSING[field.kind])
        out, out_audited = attempt(world, admin, connection, mode, field, theirs)
        missing, missing_audited = attempt(world, admin, connection, mode, field, nobodys)
        label = f"{field.id} {mode} {how} {theirs!r}"
        assert shape(out, theirs) == shape(missing, nobodys), label
        assert out_audited == missing_audited == audited(out), label
        if how in ("as-is", "nfc", "nfd"):  # Cederby's own object, however normalised
            assert out.status_code == 422 and out_audited, label
            codes = {e["code"] for e in out.json()["errors"]}
            assert "unknown_reference" in codes, label

    check()
