"""GET /v1/audit and /v1/audit/verify through the HTTP API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy.orm import Session

from app.audit import chain
from app.models import Case
from tests.reports.seed import Registry, seed_registry
from tests.support.api import ApiClient

ACTOR = chain.Actor(None, "test")


def _append(
    session: Session,
    kind: str,
    subjects: list[tuple[str, str]],
    organisations: tuple[int, ...] = (),
    **data: object,
) -> int:
    entry = chain.append(
        session, kind=kind, actor=ACTOR, data=dict(data), subjects=subjects,
        organisations=organisations,
    )  # fmt: skip
    session.commit()
    return entry.id


@pytest.fixture
def registry(session: Session) -> Registry:
    registry = seed_registry(session)
    session.add(
        Case(ref="MBN 2026/7", committee_id=registry.committees["ab-mbn"].id, matter="tillsyn")
    )
    session.commit()
    return registry


def test_auditor_reads_entries_with_actor_payload_and_hashes(
    client_for: Callable[..., ApiClient], session: Session
) -> None:
    auditor = client_for("auditor")
    sequence = _append(session, "case.create", [("case", "KS 2026/1")], case="KS 2026/1")

    body = auditor.get("/v1/audit", params={"kind": "case.create"}).json()
    assert body["total"] == 1 and body["limit"] == 50 and body["offset"] == 0
    entry = body["items"][0]
    assert entry["id"] == sequence
    assert entry["kind"] == "case.create"
    assert entry["actor"] == {"key_id": None, "name": "test"}
    assert entry["payload"]["data"] == {"case": "KS 2026/1"}
    assert entry["payload"]["sequence"] == entry["sequence"]
    assert entry["payload"]["chain"] == entry["chain"] == chain.SYSTEM_CHAIN_ID
    assert entry["redacted"] is False and entry["organisations"] == []
    assert len(entry["hash"]) == 64 and len(entry["prev_hash"]) == 64
    assert entry["subjects"] == [{"kind": "case", "ref": "KS 2026/1"}]

    one = auditor.get(f"/v1/audit/{sequence}")
    assert one.status_code == 200 and one.json() == entry


def test_entries_name_keys_but_never_show_key_material(
    client_for: Callable[..., ApiClient],
) -> None:
    auditor = client_for("auditor")
    response = auditor.get("/v1/audit", params={"kind": "apikey.create"})
    assert response.status_code == 200
    created = response.json()["items"]
    assert [e["payload"]["data"]["key"]["name"] for e in created] == ["test-auditor"]
    assert auditor.key is not None and auditor.key not in response.text
    assert auditor.key[8:20] not in response.text


def test_filters_by_subject_kind_and_period(
    client_for: Callable[..., ApiClient], session: Session
) -> None:
    auditor = client_for("auditor")
    first = _append(
        session, "screening", [("case", "KS 2026/1"), ("person", "p-anna"), ("committee", "ks")]
    )
    second = _append(session, "decision", [("case", "KS 2026/1"), ("person", "p-olof")])
    third = _append(session, "screening", [("case", "KS 2026/2"), ("organisation", "ankeby")])

    def sequences(**params: object) -> list[int]:
        response = auditor.get("/v1/audit", params={"kind": ["screening", "decision"], **params})
        assert response.status_code == 200, response.text
        return [e["id"] for e in response.json()["items"]]

    assert sequences() == [first, second, third]
    assert sequences(kind="screening") == [first, third]
    assert sequences(case="KS 2026/1") == [first, second]
    assert sequences(case="KS 2026/1", person="p-olof") == [second]
    assert sequences(committee="ks") == [first]
    assert sequences(organisation="ankeby") == [third]
    today = date.today().isoformat()
    assert sequences(**{"from": today, "to": today}) == [first, second, third]
    assert sequences(to="2000-01-01") == []
    assert sequences(**{"from": "2999-01-01T00:00:00Z"}) == []
    assert sequences(limit=1, offset=1) == [second]


@pytest.mark.parametrize(
    ("params", "pointer"),
    [
        ({"from": "yesterday"}, "/from"),
        ({"to": "2026-13-01"}, "/to"),
        ({"from": "2026-03-02", "to": "2026-03-01"}, "/to"),
        ({"limit": 0}, "/limit"),
    ],
)
def test_bad_filters_are_422_with_a_pointer(
    client_for: Callable[..., ApiClient], params: dict[str, object], pointer: str
) -> None:
    response = client_for("auditor").get("/v1/audit", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [e["pointer"] for e in response.json()["errors"]] == [pointer]


def test_a_limited_auditor_sees_entries_of_its_organisations(
    client_for: Callable[..., ApiClient], session: Session, registry: Registry
) -> None:
    """Visibility is the organisation ids recorded at write time, read through the key's
    scope (its own organisations, its förbund, its companies), never the subject refs."""
    org = {ref: o.id for ref, o in registry.orgs.items()}
    own_org = _append(session, "registry.update", [("organisation", "borby")], (org["borby"],))
    shared_committee = _append(
        session, "screening", [("committee", "ab-mbn")], (org["ankeby"], org["borby"])
    )
    forbund = _append(session, "registry.update", [("organisation", "vmf")], (org["vmf"],))
    other = _append(session, "screening", [("organisation", "borby")], (org["cedby"],))
    by_ref_only = _append(session, "decision", [("case", "MBN 2026/7")])
    unscoped_kinds = ["registry.update", "screening", "decision"]

    borby = client_for("auditor", orgs=["borby"])
    seen = [
        e["id"] for e in borby.get("/v1/audit", params={"kind": unscoped_kinds}).json()["items"]
    ]
    assert seen == [own_org, shared_committee, forbund]
    assert borby.get(f"/v1/audit/{other}").status_code == 404
    assert borby.get(f"/v1/audit/{by_ref_only}").status_code == 404
    shown = borby.get(f"/v1/audit/{shared_committee}").json()
    assert shown["organisations"] == [org["borby"]]

    everyone = client_for("auditor").get("/v1/audit", params={"kind": unscoped_kinds}).json()
    assert everyone["total"] == 5


@pytest.mark.parametrize("entry_id", ["0", "-1", "9223372036854775808", "99999999999"])
def test_impossible_entry_ids_are_404_not_500(
    client_for: Callable[..., ApiClient], entry_id: str
) -> None:
    response = client_for("auditor").get(f"/v1/audit/{entry_id}")
    assert response.status_code in (404, 422), response.text


def test_verify_reports_an_intact_chain(
    client_for: Callable[..., ApiClient], session: Session
) -> None:
    for n in range(3):
        _append(session, "test.entry", [], n=n)
    body = client_for("auditor").get("/v1/audit/verify").json()
    assert body["ok"] is True
    assert body["first_broken_sequence"] is None
    assert body["entries"] == sum(h["sequence"] for h in body["heads"]) >= 3
    assert len(body["digest"]) == 64


@pytest.mark.parametrize("role", ["screener", "registry"])
def test_only_auditors_and_admins_read_the_log(
    client_for: Callable[..., ApiClient], role: str
) -> None:
    client = client_for(role)
    for path in ("/v1/audit", "/v1/audit/verify", "/v1/audit/1"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert response.headers["content-type"].startswith("application/problem+json")


def test_admin_reads_the_log_and_anonymous_does_not(admin: ApiClient, anonymous: ApiClient) -> None:
    assert admin.get("/v1/audit").status_code == 200
    assert admin.get("/v1/audit/verify").json()["ok"] is True
    assert anonymous.get("/v1/audit").status_code == 401
