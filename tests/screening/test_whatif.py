"""POST /v1/whatif: stored screenings replayed with a changed parameter, as a job.

The job runs in a thread with its own session, so these tests use a database of their own
that really commits (the other tests' data lives in an uncommitted transaction). The
registry is built for it: the kommun owns its companies by 40, 55, 65, 80 and 100 per
cent; a ledamot on each company's board sits in the kommunstyrelse when it handles an
agreement with that company. KL 6 kap. 31 § första stycket (rule kl6_31_bolag) excepts a
company the kommun owns by at least `municipal_share_min` (50 %): four are clear, one
(40 %) flagged. At 70 %, exactly the 55 and 65 per cent companies' screenings flip.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from openpyxl import load_workbook

from app.apikeys.service import create_key
from app.audit.chain import Actor
from app.main import create_app
from app.models import WhatIfJob
from app.whatif.runner import fail_interrupted
from tests.conftest import TEST_HASH_SECRET, make_settings
from tests.support.api import ApiClient
from tests.support.databases import fresh_database
from tests.support.registry import import_document

SHARES = {"vast-60": 60, **{f"ost-{n}": n for n in (40, 55, 65, 80, 100)}}


def _registry() -> dict[str, Any]:
    companies, persons, interests = [], [], []
    for ref, share in SHARES.items():
        kommun = "k-vast" if ref.startswith("vast") else "k-ost"
        companies.append(
            {
                "ref": f"ab-{ref}",
                "kind": "aktiebolag",
                "name": f"Bolag {ref} AB",
                "owners": [{"organisation": kommun, "share_percent": share}],
            }
        )
        persons.append({"ref": f"p-{ref}", "name": f"Ledamot {ref.title()}"})
        interests.append(
            {"person": f"p-{ref}", "organisation": f"ab-{ref}", "kind": "styrelseledamot"}
        )
    return {
        "organisations": [
            {"ref": "k-ost", "kind": "kommun", "name": "Östby kommun"},
            {"ref": "k-vast", "kind": "kommun", "name": "Västby kommun"},
            *companies,
        ],
        "committees": [
            {
                "ref": "ost-ks",
                "organisation": "k-ost",
                "kind": "styrelse",
                "name": "Kommunstyrelsen i Östby",
            },
            {
                "ref": "vast-ks",
                "organisation": "k-vast",
                "kind": "styrelse",
                "name": "Kommunstyrelsen i Västby",
            },
        ],
        "persons": persons,
        "interests": interests,
    }


def _case(ref: str) -> dict[str, Any]:
    committee = "vast-ks" if ref.startswith("vast") else "ost-ks"
    return {
        "ref": f"AVT {ref}",
        "committee": committee,
        "area": "fastighet",
        "matter": "avtal",
        "decision_date": "2025-05-01",
        "parties": [{"organisation": f"ab-{ref}", "role": "motpart"}],
        "participants": [{"person": f"p-{ref}", "role": "ledamot"}],
    }


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    with fresh_database(tmp_path_factory.mktemp("whatif")) as url:
        app = create_app(make_settings(url))

        def client(role: str, orgs: list[str] | None = None) -> ApiClient:
            with app.state.sessionmaker() as session:
                key = create_key(
                    session,
                    role=role,
                    name=f"whatif-{role}",
                    organisation_refs=orgs,
                    secret=TEST_HASH_SECRET,
                    actor=Actor(None, "test"),
                )
                session.commit()
            return ApiClient(app, key.key)

        admin = client("admin")
        import_document(admin, _registry())
        screenings = {}
        for ref in SHARES:
            response = admin.post("/v1/screenings", json={"case": _case(ref)})
            assert response.status_code == 201, response.text
            screenings[ref] = response.json()
        yield {"app": app, "client": client, "admin": admin, "screenings": screenings}
        app.state.engine.dispose()


def _run(client: ApiClient, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/v1/whatif", json=body)
    assert response.status_code == 202, response.text
    location = response.headers["location"]
    assert location == f"/v1/whatif/{response.json()['id']}"
    for _ in range(2000):  # polls until the job ends (no assertion on how long it takes)
        job = client.get(location).json()
        if job["status"] in ("done", "failed"):
            return job  # type: ignore[no-any-return]
        client.get("/v1/health")
    raise AssertionError("the job did not finish")


def test_the_screenings_as_stored(world: dict[str, Any]) -> None:
    outcomes = {ref: s["outcome"] for ref, s in world["screenings"].items()}
    assert outcomes == {
        "vast-60": "clear",
        "ost-40": "flagged",
        "ost-55": "clear",
        "ost-65": "clear",
        "ost-80": "clear",
        "ost-100": "clear",
    }


def test_the_report_lists_exactly_the_screenings_whose_outcome_moves(
    world: dict[str, Any],
) -> None:
    admin = world["admin"]
    before = admin.get("/v1/screenings").json()
    audit_before = admin.get("/v1/audit").json()["total"]
    job = _run(
        admin, {"parameters": {"municipal_share_min": 70}, "filter": {"organisation": "k-ost"}}
    )
    assert job["status"] == "done", job
    assert job["progress"] == {"done": 5, "total": 5}
    report = job["report"]
    moved = {s["case"] for s in report["screenings"]}
    assert moved == {"AVT ost-55", "AVT ost-65"}
    assert (report["clear_to_flagged"], report["flagged_to_clear"]) == (2, 0)
    assert (report["replayed"], report["affected"], report["without_facts"]) == (5, 2, 0)
    by_level = {(g["ground"], g["level"]): (g["gained"], g["lost"]) for g in report["findings"]}
    assert by_level == {
        ("stallforetradare", "jav"): (2, 0),
        ("stallforetradare", "undantag"): (0, 2),
    }
    one = next(s for s in report["screenings"] if s["case"] == "AVT ost-55")
    assert one["screening"] == world["screenings"]["ost-55"]["id"]
    assert (one["outcome_before"], one["outcome_after"]) == ("clear", "flagged")
    assert one["gained"][0]["person"] == "p-ost-55" and one["gained"][0]["name"]
    assert report["rules_version"] != report["whatif_rules_version"]
    # Nothing stored changed, and a what-if is no screening.
    assert admin.get("/v1/screenings").json() == before
    assert admin.get("/v1/audit").json()["total"] == audit_before


def test_an_unchanged_parameter_value_changes_nothing(world: dict[str, Any]) -> None:
    job = _run(world["admin"], {"parameters": {"municipal_share_min": 50}})
    assert job["report"]["replayed"] == 6 and job["report"]["screenings"] == []


def test_a_limited_key_replays_only_its_scope(
    world: dict[str, Any],
) -> None:
    vast = world["client"]("auditor", ["k-vast"])
    job = _run(vast, {"parameters": {"municipal_share_min": 70}})
    assert job["report"]["replayed"] == 1
    assert [s["case"] for s in job["report"]["screenings"]] == ["AVT vast-60"]
    # Another key's job, seen by a limited key, is missing; an unlimited auditor sees it.
    other = _run(world["admin"], {"parameters": {"municipal_share_min": 60}})
    assert vast.get(f"/v1/whatif/{other['id']}").status_code == 404
    assert world["client"]("auditor").get(f"/v1/whatif/{job['id']}").status_code == 200
    # Its filter cannot name what it does not see.
    response = vast.post(
        "/v1/whatif",
        json={"parameters": {"municipal_share_min": 70}, "filter": {"organisation": "k-ost"}},
    )
    assert response.status_code == 422
    assert [e["pointer"] for e in response.json()["errors"]] == ["/filter/organisation"]


def test_only_auditors_and_admins_run_what_ifs(world: dict[str, Any]) -> None:
    body = {"parameters": {"municipal_share_min": 70}}
    for role in ("screener", "registry"):
        assert world["client"](role).post("/v1/whatif", json=body).status_code == 403


@pytest.mark.parametrize(
    ("body", "pointers"),
    [
        ({"parameters": {"municipal_share_minimum": 70}}, ["/parameters/municipal_share_minimum"]),
        ({"parameters": {"municipal_share_min": "70"}}, ["/parameters/municipal_share_min"]),
        ({"parameters": {"municipal_share_min": 170}}, ["/parameters/municipal_share_min"]),
        ({"parameters": {"supervision_scope": {"bygg": "va"}}}, ["/parameters/supervision_scope"]),
        ({"parameters": {}}, ["/parameters"]),
        (
            {"parameters": {"municipal_share_min": 70}, "filter": {"organisatin": "k-ost"}},
            ["/filter/organisatin"],
        ),
        ({"parameters": {"municipal_share_min": 70}, "filtr": {}}, ["/filtr"]),
        (
            {"parameters": {"municipal_share_min": 70}, "filter": {"from": "2025-13-01"}},
            ["/filter/from"],
        ),
        (
            {
                "parameters": {"municipal_share_min": 70},
                "filter": {"from": "2025-02-01", "to": "2025-01-01"},
            },
            ["/filter/to"],
        ),
        (
            {"parameters": {"municipal_share_min": 70}, "filter": {"committee": "nope"}},
            ["/filter/committee"],
        ),
    ],
)
def test_a_request_it_does_not_fully_understand_is_refused(
    world: dict[str, Any], body: dict[str, Any], pointers: list[str]
) -> None:
    admin = world["admin"]
    with world["app"].state.sessionmaker() as session:
        jobs_before = session.query(WhatIfJob).count()
    response = admin.post("/v1/whatif", json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert [e["pointer"] for e in response.json()["errors"]] == pointers
    with world["app"].state.sessionmaker() as session:
        assert session.query(WhatIfJob).count() == jobs_before


def test_the_report_as_csv_and_xlsx(world: dict[str, Any]) -> None:
    admin = world["admin"]
    job = _run(
        admin,
        {
            "parameters": {"municipal_share_min": 70},
            "filter": {"committee": "ost-ks", "from": "2025-01-01"},
        },
    )
    url = f"/v1/whatif/{job['id']}"
    response = admin.get(url, headers={"Accept": "text/csv"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert sorted(r["case"] for r in rows) == ["AVT ost-55", "AVT ost-65"]
    changes = admin.get(url, params={"format": "csv", "section": "changes"}).text
    assert "stallforetradare" in changes and "gained" in changes and "lost" in changes
    xlsx = admin.get(url, params={"format": "xlsx"})
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    assert {"screenings", "changes", "findings"} <= set(book.sheetnames)


def test_a_job_left_running_by_a_stopped_process_is_failed_on_start(
    world: dict[str, Any],
) -> None:
    import socket

    make_session: Callable[..., Any] = world["app"].state.sessionmaker
    with make_session() as session:
        job = _run(world["admin"], {"parameters": {"municipal_share_min": 70}})
        stored = session.get(WhatIfJob, job["id"])
        assert stored is not None
        # As if its process died mid-run: a runner pid that no longer exists.
        stored.status, stored.runner = "running", f"{socket.gethostname()}:999999999"
        session.commit()
    assert fail_interrupted(make_session) >= 1
    again = world["admin"].get(f"/v1/whatif/{job['id']}").json()
    assert again["status"] == "failed" and "restarted" in again["error"]


def test_rules_lists_every_parameter_a_what_if_may_change(world: dict[str, Any]) -> None:
    from app.rules.parameters import default_parameters

    body = world["admin"].get("/v1/rules").json()
    listed = {p["name"]: p for p in body["parameters"]}
    assert set(listed) == set(default_parameters().by_name)
    share = listed["municipal_share_min"]
    assert share["whatif"] is True and share["type"] == "number" and share["unit"] == "percent"
    assert share["current"]["value"] == 50 and share["current"]["to"] is None
    assert share["current"]["from"] and share["current"]["reference"]
    assert listed["supervision_scope"]["type"] == "mapping"
    for parameter in listed.values():
        values = parameter["values"]
        # Periods follow each other: each value ends the day before the next begins.
        assert all(v["to"] is not None for v in values[:-1]) and values[-1]["to"] is None


def test_worker_processes_give_the_same_report_as_the_thread(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.whatif import runner

    body = {"parameters": {"municipal_share_min": 70}}
    inline = _run(world["admin"], body)["report"]
    monkeypatch.setattr(runner, "POOL_THRESHOLD", 1)
    monkeypatch.setattr(runner, "workers", lambda: 2)
    pooled = _run(world["admin"], body)["report"]
    assert pooled == inline and pooled["affected"] == 3
