"""Reports (c) structural risks and (d) samverkan overview, through the HTTP API."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from tests.reports.seed import Registry, seed_registry, store_screening
from tests.support.api import ApiClient

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _risk(ground: str, committee: str, **more: object) -> dict[str, object]:
    return {
        "ground": ground,
        "committee": committee,
        "rule": f"struct_{ground}",
        "legal_basis": ["6 kap. 28 § första stycket 3 kommunallagen (2017:725)"],
        "explanation": {"sv": f"Risk: {ground}", "en": ground},
        **more,
    }


@pytest.fixture
def registry(session: Session) -> Registry:
    registry = seed_registry(session)
    va = _risk(
        "samverkan_egen_drift",
        "ab-mbn",
        operation="ankeby-avlopp",
        organisation="ankeby",
        area="va",
    )
    store_screening(
        session,
        registry,
        id="scr_1",
        case_ref="MBN 2026/1",
        committee="ab-mbn",
        as_of=date(2026, 3, 10),
        structural=[va],
    )
    store_screening(
        session,
        registry,
        id="scr_2",
        case_ref="MBN 2026/2",
        committee="ab-mbn",
        as_of=date(2026, 4, 1),
        structural=[
            va,
            _risk(
                "samverkan_egen_drift",
                "ab-mbn",
                operation="ankeby-skolkok",
                organisation="ankeby",
                area="livsmedel",
            ),
        ],
    )
    store_screening(
        session,
        registry,
        id="scr_3",
        case_ref="BN 2026/9",
        committee="cedby-bn",
        as_of=date(2026, 2, 1),
        structural=[
            _risk("delad_forvaltning", "cedby-bn", administration="cedby-sbf", area="bygg"),
        ],
    )
    store_screening(
        session,
        registry,
        id="scr_4",
        case_ref="VMF 2026/4",
        committee="vmf-direktion",
        as_of=date(2026, 5, 5),
        structural=[
            _risk(
                "dubbla_roller",
                "vmf-direktion",
                operation="ankeby-skolkok",
                persons=["p-olof", "p-anna"],
                area="livsmedel",
            ),
        ],
        findings=[{"person": "p-anna", "ground": "tillsynsjav", "level": "jav"}],
    )
    session.commit()
    return registry


def _sections(client: ApiClient, path: str, **params: object) -> dict[str, list[dict[str, object]]]:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()["sections"]  # type: ignore[no-any-return]


def test_structural_risks_group_recurring_risks_per_body(
    client_for: Callable[..., ApiClient], registry: Registry
) -> None:
    sections = _sections(client_for("auditor"), "/v1/reports/structural-risks")
    risks = [r for r in sections["risks"] if r["source"] == "screenings"]
    assert [(r["committee"], r["ground"], r["operation"], r["screenings"]) for r in risks] == [
        ("ab-mbn", "samverkan_egen_drift", "ankeby-avlopp", 2),
        ("ab-mbn", "samverkan_egen_drift", "ankeby-skolkok", 1),
        ("cedby-bn", "delad_forvaltning", None, 1),
        ("vmf-direktion", "dubbla_roller", "ankeby-skolkok", 1),
    ]
    recurring = risks[0]
    assert recurring["organisation"] == "ankeby"
    assert recurring["operating_organisation"] == "ankeby"
    assert recurring["cases"] == ["MBN 2026/1", "MBN 2026/2"]
    assert (recurring["first_as_of"], recurring["last_as_of"]) == ("2026-03-10", "2026-04-01")
    assert recurring["last_screening"] == "scr_2"
    assert recurring["explanation"] == "Risk: samverkan_egen_drift"
    assert risks[3]["persons"] == ["p-anna", "p-olof"]
    assert len(sections["occurrences"]) == 5
    assert sections["occurrences"][0]["screening"] == "scr_3"  # ordered by as_of


def test_structural_risks_include_what_the_registry_shows_now(
    client_for: Callable[..., ApiClient], registry: Registry
) -> None:
    """The engine's organisation report: Ankeby runs the reningsverk that the gemensam
    nämnd and the förbund it takes part in supervise, screened or not."""
    risks = _sections(client_for("auditor"), "/v1/reports/structural-risks", to="2026-06-30")[
        "risks"
    ]
    now = [
        (
            r["organisation"],
            r["committee"],
            r["ground"],
            r["operation"],
            r["operating_organisation"],
            r["last_as_of"],
            r["screenings"],
        )
        for r in risks
        if r["source"] == "registry"
    ]
    assert now == [
        ("ankeby", "ab-mbn", "samverkan_egen_drift", "ankeby-avlopp", "ankeby", "2026-06-30", 0),
        (
            "vmf",
            "vmf-direktion",
            "samverkan_egen_drift",
            "ankeby-avlopp",
            "ankeby",
            "2026-06-30",
            0,
        ),
    ]
    assert all(r["explanation"] and r["legal_basis"] for r in risks)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"organisation": "cedby"}, ["cedby-bn"]),
        ({"organisation": "borby"}, ["ab-mbn", "ab-mbn", "vmf-direktion"]),
        ({"committee": "vmf-direktion"}, ["vmf-direktion"]),
        ({"from": "2026-03-01", "to": "2026-03-31"}, ["ab-mbn"]),
        ({"ground": ["delad_forvaltning", "dubbla_roller"]}, ["cedby-bn", "vmf-direktion"]),
        ({"level": "risk", "outcome": "flagged"}, ["vmf-direktion"]),
        ({"level": "jav"}, []),
        ({"resolved": "true"}, []),
        ({"resolved": "false", "outcome": "clear"}, ["ab-mbn", "ab-mbn", "cedby-bn"]),
    ],
)
def test_structural_risk_filters(
    client_for: Callable[..., ApiClient],
    registry: Registry,
    params: dict[str, object],
    expected: list[str],
) -> None:
    risks = _sections(client_for("auditor"), "/v1/reports/structural-risks", **params)["risks"]
    assert [r["committee"] for r in risks if r["source"] == "screenings"] == expected


def test_a_limited_auditor_sees_risks_and_samverkan_of_its_organisations(
    client_for: Callable[..., ApiClient], registry: Registry
) -> None:
    cedby = client_for("auditor", orgs=["cedby"])
    risks = _sections(cedby, "/v1/reports/structural-risks")["risks"]
    assert [(r["source"], r["committee"]) for r in risks] == [("screenings", "cedby-bn")]
    assert _sections(cedby, "/v1/reports/samverkan")["arrangements"] == []

    borby = client_for("auditor", orgs=["borby"])
    risks = _sections(borby, "/v1/reports/structural-risks")["risks"]
    assert {(r["source"], r["committee"]) for r in risks} == {
        ("screenings", "ab-mbn"),
        ("screenings", "vmf-direktion"),
        ("registry", "ab-mbn"),
        ("registry", "vmf-direktion"),
    }
    arrangements = _sections(borby, "/v1/reports/samverkan")["arrangements"]
    assert {a["ref"] for a in arrangements} == {"ab-mbn", "vmf", "avtal-2024-7"}

    hidden = borby.get("/v1/reports/structural-risks", params={"organisation": "cedby"})
    assert hidden.status_code == 422
    assert hidden.json()["errors"][0]["pointer"] == "/organisation"
    assert borby.get("/v1/reports/samverkan", params={"committee": "cedby-bn"}).status_code == 422


def test_samverkan_overview_by_form_and_area_with_participants_and_risks(
    client_for: Callable[..., ApiClient], registry: Registry
) -> None:
    sections = _sections(client_for("auditor"), "/v1/reports/samverkan")
    rows = [
        (
            a["form"],
            a["ref"],
            a["host"],
            a["participants"],
            a["area"],
            a["role"],
            a["risks_in_screenings"],
            a["risks_in_registry"],
        )
        for a in sections["arrangements"]
    ]
    assert rows == [
        ("gemensam_namnd", "ab-mbn", "ankeby", ["borby"], "miljo_halsoskydd", "tillsyn", 2, 1),
        ("gemensam_namnd", "ab-mbn", "ankeby", ["borby"], "bygg", "tillsyn", 2, 1),
        ("kommunalforbund", "vmf", "vmf", ["ankeby", "borby"], "livsmedel", "tillsyn", 1, 1),
        ("avtalssamverkan", "avtal-2024-7", "ankeby", ["borby"], "livsmedel", "tillsyn", 1, 0),
    ]
    gemensam = sections["arrangements"][0]
    assert gemensam["name"] == "Miljö- och byggnämnden Ankeby-Borby"
    assert gemensam["covers"] == ["ankeby", "borby"]
    assert gemensam["risk_grounds"] == ["samverkan_egen_drift"]
    agreement = sections["arrangements"][3]
    assert (agreement["valid_from"], agreement["valid_to"]) == ("2024-01-01", None)
    assert [(p["arrangement"], p["organisation"], p["part"]) for p in sections["participants"]] == [
        ("ab-mbn", "ankeby", "host"),
        ("ab-mbn", "borby", "participant"),
        ("vmf", "vmf", "forbund"),
        ("vmf", "ankeby", "member"),
        ("vmf", "borby", "member"),
        ("avtal-2024-7", "ankeby", "performer"),
        ("avtal-2024-7", "borby", "principal"),
    ]
    assert [(r["arrangement"], r["source"], r["operation"]) for r in sections["risks"]] == [
        ("ab-mbn", "screenings", "ankeby-avlopp"),
        ("ab-mbn", "screenings", "ankeby-skolkok"),
        ("ab-mbn", "registry", "ankeby-avlopp"),
        ("vmf", "screenings", "ankeby-skolkok"),
        ("vmf", "registry", "ankeby-avlopp"),
        ("avtal-2024-7", "screenings", "ankeby-skolkok"),
    ]


def test_samverkan_period_keeps_agreements_in_force(
    client_for: Callable[..., ApiClient], registry: Registry
) -> None:
    auditor = client_for("auditor")
    before = _sections(auditor, "/v1/reports/samverkan", to="2023-12-31")["arrangements"]
    assert "avtal-2024-7" not in {a["ref"] for a in before}
    assert {a["risks_in_screenings"] for a in before} == {0}
    after = _sections(auditor, "/v1/reports/samverkan", **{"from": "2026-01-01"})["arrangements"]
    assert "avtal-2024-7" in {a["ref"] for a in after}


def test_csv_by_format_or_accept_and_one_section_at_a_time(
    client_for: Callable[..., ApiClient], registry: Registry
) -> None:
    auditor = client_for("auditor")
    response = auditor.get("/v1/reports/samverkan", headers={"Accept": "text/csv"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith(
        'attachment; filename="javskoll-samverkan-arrangements-'
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0]["name"] == "Miljö- och byggnämnden Ankeby-Borby"
    assert rows[2]["participants"] == "ankeby; borby"

    participants = auditor.get(
        "/v1/reports/samverkan", params={"format": "csv", "section": "participants"}
    )
    assert (
        participants.content.decode("utf-8-sig").splitlines()[0]
        == "form,arrangement,organisation,organisation_name,part"
    )

    wrong = auditor.get("/v1/reports/samverkan", params={"format": "csv", "section": "nope"})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["pointer"] == "/section"
    assert auditor.get("/v1/reports/samverkan", params={"format": "pdf"}).status_code == 422


def test_xlsx_structural_risks_read_back_with_types(
    client_for: Callable[..., ApiClient], registry: Registry
) -> None:
    response = client_for("auditor").get("/v1/reports/structural-risks", params={"format": "xlsx"})
    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["risks", "occurrences"]
    risks = book["risks"]
    assert risks.freeze_panes == "A2"
    header = [c.value for c in risks[1]]
    first = dict(zip(header, [c.value for c in risks[2]], strict=True))
    assert (first["source"], first["screenings"]) == ("screenings", 2)  # registry rows come last
    stored = [
        dict(zip(header, [c.value for c in row], strict=True))
        for row in risks.iter_rows(min_row=2)
        if row[0].value == "screenings"
    ]
    assert stored[0]["screenings"] == 2
    assert stored[0]["first_as_of"] == datetime(2026, 3, 10)
    assert stored[0]["cases"] == "MBN 2026/1; MBN 2026/2"
    assert len(stored) == 4
    occurrences = book["occurrences"]
    assert "screened_at (UTC)" in [c.value for c in occurrences[1]]
    assert isinstance(occurrences["B2"].value, datetime)


@pytest.mark.parametrize("role", ["screener", "registry"])
@pytest.mark.parametrize("path", ["/v1/reports/structural-risks", "/v1/reports/samverkan"])
def test_reports_need_the_auditor_or_admin_role(
    client_for: Callable[..., ApiClient], admin: ApiClient, role: str, path: str
) -> None:
    assert client_for(role).get(path).status_code == 403
    assert admin.get(path).status_code == 200
