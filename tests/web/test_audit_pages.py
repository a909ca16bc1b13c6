"""The Revision page: flags per month, risks, unresolved flags, verify, downloads."""

from __future__ import annotations

import csv
import io
import re
from typing import Any
from urllib.parse import quote

from openpyxl import load_workbook

from app.web.templating import swedish_time
from tests.support.api import ApiClient
from tests.web.support import text_of

CASE = "S48 MBN 2024/311"


def _screened(admin: ApiClient) -> dict[str, Any]:
    screened = admin.post("/v1/screenings", json={"case": CASE})
    assert screened.status_code == 201, screened.text
    return screened.json()  # type: ignore[no-any-return]


def test_flags_per_month_with_chart_and_table(
    browser_for: Any, scenario_case: dict[str, Any], admin: ApiClient
) -> None:
    _screened(admin)
    client = browser_for("auditor")
    page = client.page("/revision")
    assert page.status_code == 200
    html, text = page.text, text_of(page.text)
    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img"' in html
    assert 'aria-labelledby="chart-months-title chart-months-desc"' in html
    assert "Flest flaggor: 2024-10, 1 flaggor i 1 granskningar." in text
    assert "2024-10 1 1 1" in text  # month, screenings, flags, part
    # Unresolved: the ersättare's flag has no decision yet.
    assert "Flaggor utan registrerat jävsbeslut: 1" in text
    assert "Jessica Holmqvist" in text


def test_a_decision_resolves_the_flag(
    browser_for: Any, scenario_case: dict[str, Any], admin: ApiClient
) -> None:
    screening = _screened(admin)
    decided = admin.post(
        f"/v1/cases/{quote(CASE, safe='')}/decisions",
        json={
            "person": "s48-ers",
            "raised_by": "screening",
            "decision": "jav",
            "decided_on": "2024-10-08",
            "screening": screening["id"],
        },
    )
    assert decided.status_code == 201
    text = text_of(browser_for("auditor").page("/revision").text)
    assert "Alla flaggor har ett registrerat beslut." in text


def test_verify_the_audit_chain(
    browser_for: Any, scenario_case: dict[str, Any], admin: ApiClient
) -> None:
    _screened(admin)
    client = browser_for("auditor")
    client.page("/revision")
    verified = client.form("/revision/verifiera", {})
    assert verified.status_code == 200
    expected = admin.get("/v1/audit/verify").json()
    assert f"Kedjan är obruten: {expected['entries']} poster" in text_of(verified.text)


def test_download_reports_as_csv_and_xlsx(
    browser_for: Any, scenario_case: dict[str, Any], admin: ApiClient
) -> None:
    _screened(admin)
    client = browser_for("auditor")
    page = client.page("/revision")
    assert "Granskningar och fynd (CSV," in text_of(page.text)
    response = client.get("/revision/rapporter/screenings?format=csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    # Swedish, as Excel in a Swedish locale reads it: `;`, Swedish headers and values.
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert ("s48-ers", "sakägarjäv", "jäv") in {
        (r["person"], r["jävsgrund"], r["nivå"]) for r in rows
    }
    api = admin.get("/v1/reports/screenings?format=csv&lang=sv")
    assert len(api.content.decode("utf-8-sig").splitlines()) == len(text.splitlines())
    workbook = load_workbook(
        io.BytesIO(client.get("/revision/rapporter/summary?format=xlsx").content)
    )
    assert "nämnder" in workbook.sheetnames


def test_roles_without_reports_and_reports_out_of_scope(
    browser_for: Any, scenario_case: dict[str, Any]
) -> None:
    screener = browser_for("screener")
    assert screener.page("/revision").status_code == 403
    assert 'href="/revision"' not in screener.page("/").text
    limited = browser_for("auditor", ["s48-kommun"])
    assert limited.page("/revision?organisation=s48-kommun").status_code == 200
    for path in (
        "/revision?organisation=ankeby",
        "/revision/rapporter/screenings?format=csv&organisation=ankeby",
        "/revision/rapporter/no-such-report?format=csv",
    ):
        assert limited.get(path).status_code == 404, path


def test_an_unresolved_flag_links_to_its_case_and_to_the_screening_that_raised_it(
    browser_for: Any, scenario_case: dict[str, Any], admin: ApiClient
) -> None:
    """Before, one link (the diarienummer) led to the screening; nothing led to the case
    itself, nor said which screening it was."""
    first = _screened(admin)
    second = _screened(admin)  # two screenings, one flag each: each row its own
    html = browser_for("auditor").page("/revision").text
    table = html[
        html.index('id="unresolved"') : html.index("</table>", html.index('id="unresolved"'))
    ]
    case_url = "/arenden/" + quote(CASE, safe="")
    rows = re.findall(r'<tr class="govuk-table__row">(<td.*?)</tr>', table, flags=re.S)
    assert len(rows) == 2
    for row, screening in zip(rows, (first, second), strict=True):
        links = dict(
            (text_of(text), href)
            for href, text in re.findall(r'<a class="govuk-link" href="([^"]+)">(.*?)</a>', row)
        )
        assert links[CASE] == case_url
        made = swedish_time(screening["created_at"])  # the clock in Sweden
        assert links[f"{made} (granskningen)"] == (
            f"{case_url}?granskning={screening['id']}#person-s48-ers"
        ), links
