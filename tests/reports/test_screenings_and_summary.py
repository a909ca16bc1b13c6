"""Reports (a) screenings with findings and decisions and (b) the summary, over a world
built through the API (imports, cases, screenings, decisions)."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.decisions.flow import flags
from tests.reports.world import World, build
from tests.support.api import ApiClient


@pytest.fixture
def world(admin: ApiClient, client_for: Callable[..., ApiClient]) -> World:
    return build(admin, client_for("screener"))


@pytest.fixture
def auditor(client_for: Callable[..., ApiClient]) -> ApiClient:
    return client_for("auditor")


def _report(client: ApiClient, name: str, **params: Any) -> dict[str, list[dict[str, Any]]]:
    response = client.get(f"/v1/reports/{name}", params=params)
    assert response.status_code == 200, response.text
    return response.json()["sections"]  # type: ignore[no-any-return]


def test_screenings_report_lists_every_finding_with_its_settling_decision(
    auditor: ApiClient, world: World
) -> None:
    sections = _report(auditor, "screenings")
    rows = sections["findings"]
    flagged = [r for r in rows if r["screening"] == world.flagged["id"]]
    person_rows = [r for r in flagged if not r["structural"]]
    assert len(person_rows) == len(world.flagged["findings"])
    assert len(flagged) - len(person_rows) == len(world.flagged["structural"])
    anna = [r for r in person_rows if r["person"] == "p-anna"]
    assert [
        (r["resolved"], r["decision"], r["decision_id"], r["decided_on"], r["protocol_paragraph"])
        for r in anna
    ] == [(True, "jav", world.settled["id"], "2026-03-10", "=1+2")]
    olof = [r for r in person_rows if r["person"] == "p-olof"]
    assert olof and all(r["resolved"] is False and r["decision"] is None for r in olof)
    assert all(r["resolved"] is None for r in flagged if r["structural"])
    first = flagged[0]
    assert (first["case"], first["committee"], first["organisation"], first["as_of"]) == (
        "MBN 2026/123",
        "ab-mbn",
        "ankeby",
        "2026-03-10",
    )
    assert first["audit_sequence"] == world.flagged["audit"]["id"]  # the entry id
    assert first["explanation"] and first["legal_basis"]

    clear = [r for r in rows if r["screening"] == world.clear["id"]]
    assert len(clear) == 1 and clear[0]["ground"] is None and clear[0]["outcome"] == "clear"
    assert [r["as_of"] for r in rows] == sorted(r["as_of"] for r in rows)

    decisions = sections["decisions"]
    assert [(d["id"], d["case"], d["decision"], d["recorded_by"]) for d in decisions] == [
        (world.unscreened_decision["id"], "MBN 2026/125", "ej_jav", "test-screener"),
        (world.settled["id"], "MBN 2026/123", "jav", "test-screener"),
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"resolved": "false"},
            lambda w: Counter(("p-olof", f["ground"]) for f in flags(w.flagged, "p-olof")),
        ),
        (
            {"resolved": "true"},
            lambda w: Counter(("p-anna", f["ground"]) for f in flags(w.flagged, "p-anna")),
        ),
        ({"ground": "tillsynsjav"}, lambda w: Counter({("p-olof", "tillsynsjav"): 1})),
        ({"outcome": "clear"}, lambda w: Counter({(None, None): 2})),
        ({"organisation": "cedby"}, lambda w: Counter({(None, None): 1})),
        ({"committee": "ab-mbn", "from": "2026-04-01"}, lambda w: Counter({(None, None): 1})),
        (
            {"to": "2026-03-15", "level": ["jav", "mojligt_jav"]},
            lambda w: Counter((f["person"], f["ground"]) for f in flags(w.flagged)),
        ),
    ],
)
def test_screenings_report_filters(
    auditor: ApiClient,
    world: World,
    params: dict[str, Any],
    expected: Callable[[World], Counter[tuple[Any, Any]]],
) -> None:
    rows = _report(auditor, "screenings", **params)["findings"]
    assert Counter((r["person"], r["ground"]) for r in rows) == expected(world)


def test_summary_per_committee_and_ground(auditor: ApiClient, world: World) -> None:
    sections = _report(auditor, "summary")
    committees = {c["committee"]: c for c in sections["committees"]}
    assert set(committees) == {"ab-mbn", "cedby-bn"}
    mbn = committees["ab-mbn"]
    olof_flags = len(flags(world.flagged, "p-olof"))
    assert mbn["organisation"] == "ankeby"
    assert (mbn["screenings"], mbn["flagged"], mbn["clear"]) == (2, 1, 1)
    assert mbn["jav"] == sum(f["level"] == "jav" for f in world.flagged["findings"])
    assert mbn["structural_risks"] == len(world.flagged["structural"])
    assert (
        mbn["decisions_jav"],
        mbn["decisions_ej_jav"],
        mbn["decisions_obviously_insignificant"],
    ) == (1, 1, 0)
    assert mbn["unresolved_flags"] == olof_flags
    # MBN 2026/125 (a decision recorded) and 2026/126 (a decision date) were never screened.
    assert mbn["cases_decided_without_screening"] == 2
    cedby = committees["cedby-bn"]
    assert (cedby["screenings"], cedby["clear"], cedby["unresolved_flags"]) == (1, 1, 0)

    grounds = {(g["committee"], g["ground"]): g for g in sections["grounds"]}
    for ground in {f["ground"] for f in flags(world.flagged)}:
        row = grounds[("ab-mbn", ground)]
        expected = flags(world.flagged)
        assert row["screenings"] == 1
        assert row["jav"] == sum(f["ground"] == ground for f in expected)
        assert row["flags_decided_jav"] == sum(
            f["ground"] == ground and f["person"] == "p-anna" for f in expected
        )
        assert row["unresolved_flags"] == sum(
            f["ground"] == ground and f["person"] == "p-olof" for f in expected
        )
        assert row["flags_decided_ej_jav"] == 0
    for structural in world.flagged["structural"]:
        assert grounds[("ab-mbn", structural["ground"])]["structural_risks"] >= 1


def test_summary_period_applies_to_screenings_decisions_and_cases(
    auditor: ApiClient, world: World
) -> None:
    march = {
        c["committee"]: c
        for c in _report(auditor, "summary", **{"from": "2026-03-01", "to": "2026-03-31"})[
            "committees"
        ]
    }
    mbn = march["ab-mbn"]
    assert (mbn["screenings"], mbn["decisions_jav"], mbn["decisions_ej_jav"]) == (1, 1, 0)
    assert mbn["cases_decided_without_screening"] == 0
    february = {
        c["committee"]: c for c in _report(auditor, "summary", to="2026-02-28")["committees"]
    }
    assert february["ab-mbn"]["screenings"] == 0
    assert february["ab-mbn"]["decisions_ej_jav"] == 1
    assert february["ab-mbn"]["cases_decided_without_screening"] == 1
    assert "cedby-bn" not in february


def test_a_limited_auditor_gets_reports_about_its_organisations_only(
    client_for: Callable[..., ApiClient], world: World
) -> None:
    borby = client_for("auditor", orgs=["borby"])
    rows = _report(borby, "screenings")["findings"]
    assert {r["committee"] for r in rows} == {"ab-mbn"}
    summary = _report(borby, "summary")["committees"]
    assert [c["committee"] for c in summary] == ["ab-mbn"]
    cedby = client_for("auditor", orgs=["cedby"])
    assert {r["case"] for r in _report(cedby, "screenings")["findings"]} == {"BN 2026/1"}
    assert _report(cedby, "screenings")["decisions"] == []


def test_xlsx_screenings_report_reads_back_with_rows_and_types(
    auditor: ApiClient, world: World
) -> None:
    response = auditor.get("/v1/reports/screenings", params={"format": "xlsx"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["findings", "decisions"]
    sheet = book["findings"]
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    rows = [
        dict(zip(header, [c.value for c in row], strict=True)) for row in sheet.iter_rows(min_row=2)
    ]
    expected = _report(auditor, "screenings")["findings"]
    assert len(rows) == len(expected)
    anna = next(r for r in rows if r["person"] == "p-anna")
    assert anna["as_of"] == datetime(2026, 3, 10) and isinstance(
        anna["screened_at (UTC)"], datetime
    )
    assert isinstance(anna["audit_sequence"], int) and anna["structural"] is False
    assert anna["resolved"] is True and anna["decided_on"] == datetime(2026, 3, 10)
    paragraph = sheet.cell(row=rows.index(anna) + 2, column=header.index("protocol_paragraph") + 1)
    assert paragraph.value == "=1+2" and paragraph.data_type == "s"
    decisions = book["decisions"]
    assert decisions.max_row == 3
    assert isinstance(decisions["A2"].value, int)

    summary = load_workbook(
        io.BytesIO(auditor.get("/v1/reports/summary", params={"format": "xlsx"}).content)
    )
    assert summary.sheetnames == ["committees", "grounds"]
    head = [c.value for c in summary["committees"][1]]
    first = dict(zip(head, [c.value for c in summary["committees"][2]], strict=True))
    assert first["committee"] == "ab-mbn" and first["screenings"] == 2
    assert summary["committees"].cell(row=2, column=head.index("screenings") + 1).data_type == "n"


def test_csv_screenings_report_neutralises_formulas(auditor: ApiClient, world: World) -> None:
    for section in ("findings", "decisions"):
        response = auditor.get(
            "/v1/reports/screenings", params={"section": section}, headers={"Accept": "text/csv"}
        )
        assert response.status_code == 200
        assert response.content.startswith("\ufeff".encode())
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        paragraphs = {r["protocol_paragraph"] for r in rows} - {""}
        assert paragraphs == {"'=1+2"}, section


def test_unknown_filters_are_422(auditor: ApiClient, world: World) -> None:
    for params, pointer in (
        ({"ground": "nope"}, "/ground/0"),
        ({"level": "high"}, "/level/0"),
        ({"outcome": "maybe"}, "/outcome"),
        ({"resolved": "perhaps"}, "/resolved"),
        ({"from": "2026-04-01", "to": "2026-03-01"}, "/to"),
        ({"to": "0"}, "/to"),
        ({"from": "1700000000"}, "/from"),
        ({"committee": "nope"}, "/committee"),
    ):
        response = auditor.get("/v1/reports/summary", params=params)
        assert response.status_code == 422, params
        assert response.json()["errors"][0]["pointer"] == pointer
