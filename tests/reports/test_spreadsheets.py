"""Reports as the spreadsheet tools of their users read them: Excel in a Swedish locale
(`;`-separated CSV with a BOM and decimal commas, Swedish headers and values) and in an
English one (`,`), and the XLSX workbook (wrapped text, widths, autofilter, frozen header,
dates as dates, names beside refs), each read back with the csv module or openpyxl."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tests.reports.world import World, build
from tests.support.api import ApiClient


class SwedishExcel(csv.excel):
    """The dialect Excel uses in a Swedish locale (list separator `;`)."""

    delimiter = ";"


@pytest.fixture
def world(admin: ApiClient, client_for: Callable[..., ApiClient]) -> World:
    return build(admin, client_for("screener"))


@pytest.fixture
def auditor(client_for: Callable[..., ApiClient]) -> ApiClient:
    return client_for("auditor")


def _csv(
    client: ApiClient, report: str, dialect: type[csv.Dialect], **kwargs: Any
) -> tuple[bytes, list[dict[str, str]]]:
    response = client.get(f"/v1/reports/{report}", **kwargs)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    raw = response.content
    text = raw.decode("utf-8-sig")
    return raw, list(csv.DictReader(io.StringIO(text, newline=""), dialect=dialect))


def _sheet_rows(sheet: Worksheet) -> tuple[list[str], list[dict[str, Any]]]:
    header = [str(c.value) for c in sheet[1]]
    rows = [
        dict(zip(header, [c.value for c in r], strict=True)) for r in sheet.iter_rows(min_row=2)
    ]
    return header, rows


def test_swedish_csv_opens_in_columns_with_swedish_headers_and_values(
    auditor: ApiClient, world: World
) -> None:
    raw, rows = _csv(
        auditor,
        "screenings",
        SwedishExcel,
        params={"format": "csv"},
        headers={"Accept-Language": "sv-SE,sv;q=0.9,en;q=0.5"},
    )
    assert raw.startswith("\ufeff".encode())
    first_line = raw.decode("utf-8-sig").split("\r\n")[0]
    assert first_line.startswith("granskning;granskad (UTC);ärende;")
    anna = [r for r in rows if r["person"] == "p-anna"]
    assert anna and all(r["namn"] == "Anna Berg" for r in anna)
    assert {r["nivå"] for r in anna} <= {"jäv", "möjligt jäv", "undantag"}
    assert {r["utfall"] for r in rows} == {"flaggad", "utan anmärkning"}
    settled = next(r for r in anna if r["jävsbeslut"])
    assert settled["jävsbeslut"] == "jäv" and settled["avgjord"] == "ja"
    assert settled["beslutsdag"] == "2026-03-10"
    assert settled["protokollsparagraf"] == "'=1+2"  # still neutralised
    olof = [r for r in rows if r["person"] == "p-olof"]
    assert {(r["jävsgrund"], r["nivå"]) for r in olof} == {
        ("ställföreträdarjäv", "jäv"),
        ("tillsynsjäv", "jäv"),
    }
    structural = [r for r in rows if r["strukturell"] == "ja"]
    assert {(r["jävsgrund"], r["nivå"]) for r in structural} == {
        ("dubbla roller", "risk"),
        ("samverkan med egen drift", "risk"),
    }
    assert all(r["avgjord"] == "nej" for r in olof)

    _, decisions = _csv(
        auditor,
        "screenings",
        SwedishExcel,
        params={"format": "csv", "lang": "sv", "section": "decisions"},
    )
    assert {(d["person"], d["namn"], d["jävsbeslut"]) for d in decisions} == {
        ("p-anna", "Anna Berg", "jäv"),
        ("p-anna", "Anna Berg", "ej jäv"),
    }


def test_english_csv_is_comma_separated_with_the_contract_codes(
    auditor: ApiClient, world: World
) -> None:
    for headers in ({}, {"Accept-Language": "en-GB,sv;q=0.8"}, {"Accept-Language": "de"}):
        raw, rows = _csv(
            auditor, "screenings", csv.excel, params={"format": "csv"}, headers=headers
        )
        assert raw.decode("utf-8-sig").startswith("screening,screened_at,case,")
        anna = [r for r in rows if r["person"] == "p-anna"]
        assert anna and {r["person_name"] for r in anna} == {"Anna Berg"}
        assert {r["level"] for r in rows if r["level"]} <= {
            "jav",
            "mojligt_jav",
            "undantag",
            "risk",
        }
        assert {r["resolved"] for r in anna} <= {"true", "false"}


def test_swedish_summary_csv_reads_as_numbers_in_columns(auditor: ApiClient, world: World) -> None:
    _, rows = _csv(auditor, "summary", SwedishExcel, params={"format": "csv", "lang": "sv"})
    mbn = next(r for r in rows if r["nämnd"] == "ab-mbn")
    assert mbn["granskningar"] == "2" and int(mbn["jäv"]) == 3 and mbn["möjligt jäv"] == "0"
    _, grounds = _csv(
        auditor,
        "summary",
        SwedishExcel,
        params={"format": "csv", "lang": "sv", "section": "grounds"},
    )
    assert {"ställföreträdarjäv", "tillsynsjäv", "dubbla roller"} <= {
        g["jävsgrund"] for g in grounds
    }


def test_an_unknown_language_is_refused(auditor: ApiClient, world: World) -> None:
    response = auditor.get("/v1/reports/summary", params={"format": "csv", "lang": "de"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/lang"


def test_swedish_xlsx_is_readable_in_excel(auditor: ApiClient, world: World) -> None:
    response = auditor.get(
        "/v1/reports/screenings", params={"format": "xlsx"}, headers={"Accept-Language": "sv"}
    )
    assert response.status_code == 200
    assert response.headers["content-language"] == "sv"
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["fynd", "jävsbeslut"]
    sheet = book["fynd"]
    header, rows = _sheet_rows(sheet)
    assert header[:3] == ["granskning", "granskad (UTC)", "ärende"]
    assert sheet.freeze_panes == "A2"
    assert all(c.font.bold for c in sheet[1])
    last_column = get_column_letter(len(header))
    assert sheet.auto_filter.ref == f"A1:{last_column}{len(rows) + 1}"

    anna = next(r for r in rows if r["person"] == "p-anna" and r["jävsbeslut"])
    assert anna["namn"] == "Anna Berg" and anna["nivå"] in ("jäv", "möjligt jäv")
    assert anna["beslutsdag"] == datetime(2026, 3, 10) and anna["avgjord"] is True
    assert {r["utfall"] for r in rows} == {"flaggad", "utan anmärkning"}
    row_of_anna = rows.index(anna) + 2
    decided = sheet.cell(row=row_of_anna, column=header.index("beslutsdag") + 1)
    assert isinstance(decided, Cell) and decided.is_date and decided.number_format == "yyyy-mm-dd"
    screened = sheet.cell(row=row_of_anna, column=header.index("granskad (UTC)") + 1)
    assert (
        isinstance(screened, Cell)
        and screened.is_date
        and screened.number_format == "yyyy-mm-dd hh:mm:ss"
    )

    explanation = header.index("förklaring") + 1
    letter = get_column_letter(explanation)
    texts = [r["förklaring"] for r in rows if r["förklaring"]]
    assert max(len(t) for t in texts) > 120  # long enough that wrapping matters
    assert sheet.column_dimensions[letter].width >= 60
    explained = next(n for n, r in enumerate(rows, start=2) if r["förklaring"])
    assert sheet.cell(row=explained, column=explanation).alignment.wrap_text
    # Short code columns stay narrow; nothing is narrower than its header needs.
    assert sheet.column_dimensions["C"].width < 30
    for index, title in enumerate(header, start=1):
        width = sheet.column_dimensions[get_column_letter(index)].width
        assert width >= min(len(title), 60), title


def test_english_xlsx_keeps_codes_with_the_same_layout(auditor: ApiClient, world: World) -> None:
    response = auditor.get("/v1/reports/summary", params={"format": "xlsx", "lang": "en"})
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["committees", "grounds"]
    sheet = book["grounds"]
    header, rows = _sheet_rows(sheet)
    assert "mojligt_jav" in header and "ground" in header
    assert {r["ground"] for r in rows} <= {
        "part", "paverkan", "stallforetradare", "tillsynsjav", "tvainstans",
        "generalklausul", "fullmaktige", "ansvarsfrihet", "egen_tillsyn", "dubbla_roller",
        "delad_forvaltning", "samverkan_egen_drift",
    }  # fmt: skip
    assert sheet.auto_filter.ref == f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
    assert sheet.freeze_panes == "A2"


def test_structural_risks_name_the_persons_beside_their_refs(
    auditor: ApiClient, world: World
) -> None:
    response = auditor.get("/v1/reports/structural-risks")
    risks = response.json()["sections"]["risks"]
    dual = [r for r in risks if r["ground"] == "dubbla_roller" and r["source"] == "screenings"]
    assert dual and all(
        (r["persons"], r["person_names"]) == (["p-olof"], ["Olof Berg"]) for r in dual
    )
    book = load_workbook(
        io.BytesIO(
            auditor.get(
                "/v1/reports/structural-risks", params={"format": "xlsx", "lang": "sv"}
            ).content
        )
    )
    assert book.sheetnames == ["risker", "förekomster"]
    _, rows = _sheet_rows(book["förekomster"])
    dual_rows = [r for r in rows if r["jävsgrund"] == "dubbla roller"]
    assert dual_rows and {r["personernas namn"] for r in dual_rows} == {"Olof Berg"}
    assert {r["källa"] for r in _sheet_rows(book["risker"])[1]} <= {"granskningar", "registret"}
