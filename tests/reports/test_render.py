"""The three renderers: JSON, CSV (BOM, formula neutralising, streaming) and typed XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from app.reports import render
from app.reports.model import ColumnType as T
from app.reports.model import Report, Row, Section, columns

COLUMNS = columns(
    "text",
    ("count", T.INTEGER),
    ("share", T.NUMBER),
    ("flag", T.BOOLEAN),
    ("day", T.DATE),
    ("at", T.DATETIME),
    ("names", T.LIST),
)
AT = datetime(2026, 3, 10, 9, 12, 44, tzinfo=UTC)
ROWS = [
    (
        "Åsa Öberg, Miljö- och byggnämnden",
        3,
        12.5,
        True,
        date(2026, 3, 10),
        AT,
        ("p-anna", "p-olof"),
    ),
    ('=HYPERLINK("http://evil","x")', -4, -0.5, False, None, None, ("=cmd", "ok")),
    ("+1", 0, None, None, None, None, ()),
    ("-2+3", None, None, None, None, None, ()),
    ("@SUM(A1)", None, None, None, None, None, ()),
    ("\t=1", None, None, None, None, None, ()),
    ("\r=1", None, None, None, None, None, ()),
    ("plain - text", None, None, None, None, None, ()),
]


def _report(rows: Sequence[Row] = ROWS) -> Report:
    return Report(
        name="test",
        generated_at=AT,
        filters={"from": date(2026, 1, 1), "ground": ["part"]},
        sections=[
            Section("main", COLUMNS, list(rows)),
            Section("other: [x]", columns("a"), [("b",)]),
        ],
    )


def _csv_rows(section: Section) -> tuple[bytes, list[list[str]]]:
    raw = b"".join(render.csv_chunks(section))
    return raw, list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_csv_has_a_bom_keeps_swedish_text_and_formats_typed_values() -> None:
    raw, rows = _csv_rows(_report().sections[0])
    assert raw.startswith("\ufeff".encode())
    assert rows[0] == ["text", "count", "share", "flag", "day", "at", "names"]
    assert rows[1] == [
        "Åsa Öberg, Miljö- och byggnämnden",
        "3",
        "12.5",
        "true",
        "2026-03-10",
        "2026-03-10 09:12:44",
        "p-anna; p-olof",
    ]


def test_csv_neutralises_text_a_spreadsheet_would_run() -> None:
    _, rows = _csv_rows(_report().sections[0])
    texts = [r[0] for r in rows[2:]]
    assert texts == [
        '\'=HYPERLINK("http://evil","x")',
        "'+1",
        "'-2+3",
        "'@SUM(A1)",
        "'\t=1",
        "'\r=1",
        "plain - text",
    ]
    # Typed numbers stay numbers (a negative count is not a formula); list text is neutralised.
    assert rows[2][1:3] == ["-4", "-0.5"]
    assert rows[2][6] == "'=cmd; ok"


def test_csv_streams_in_chunks() -> None:
    many = [
        (f"row {n}", n, None, None, None, None, ()) for n in range(render.CSV_CHUNK_ROWS * 2 + 5)
    ]
    chunks = list(render.csv_chunks(_report(many).sections[0]))
    assert len(chunks) == 3
    _, rows = _csv_rows(_report(many).sections[0])
    assert len(rows) == len(many) + 1


def test_json_names_every_column_and_renders_dates_as_iso() -> None:
    body = render.to_json(_report())
    assert body["report"] == "test"
    assert body["generated_at"] == "2026-03-10T09:12:44Z"
    assert body["filters"] == {"from": "2026-01-01", "ground": ["part"]}
    first = body["sections"]["main"][0]
    assert first == {
        "text": "Åsa Öberg, Miljö- och byggnämnden",
        "count": 3,
        "share": 12.5,
        "flag": True,
        "day": "2026-03-10",
        "at": "2026-03-10T09:12:44Z",
        "names": ["p-anna", "p-olof"],
    }
    assert body["sections"]["other: [x]"] == [{"a": "b"}]


def test_xlsx_has_a_typed_sheet_per_section_with_a_frozen_header() -> None:
    book = load_workbook(io.BytesIO(render.to_xlsx(_report())))
    assert book.sheetnames == ["main", "other x"]
    sheet = book["main"]
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    assert header == ["text", "count", "share", "flag", "day", "at (UTC)", "names"]
    assert all(c.font.bold for c in sheet[1])
    first = [c.value for c in sheet[2]]
    assert first == [
        "Åsa Öberg, Miljö- och byggnämnden",
        3,
        12.5,
        True,
        datetime(2026, 3, 10),
        datetime(2026, 3, 10, 9, 12, 44),
        "p-anna; p-olof",
    ]
    assert sheet["E2"].is_date and sheet["E2"].number_format == "yyyy-mm-dd"
    assert sheet["F2"].is_date


def test_xlsx_stores_formula_like_text_as_text() -> None:
    sheet = load_workbook(io.BytesIO(render.to_xlsx(_report())))["main"]
    cell = sheet["A3"]
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://evil","x")'
    assert sheet["B3"].value == -4 and sheet["B3"].data_type == "n"
    assert [sheet[f"A{n}"].data_type for n in range(3, 10)] == ["s"] * 7


@pytest.mark.parametrize(("text", "expected"), [("=1", "'=1"), ("a=1", "a=1"), ("", "")])
def test_neutralise(text: str, expected: str) -> None:
    assert render.neutralise(text) == expected


class _SwedishExcel(csv.excel):
    delimiter = ";"


def test_swedish_csv_uses_semicolons_decimal_commas_and_swedish_words() -> None:
    section = Section(
        "findings",
        columns("level", "ground", ("share", T.NUMBER), ("flag", T.BOOLEAN), ("at", T.DATETIME)),
        [("mojligt_jav", "generalklausul", 12.5, True, AT), ("=x", "okand", -0.5, False, None)],
    )
    raw = b"".join(render.csv_chunks(section, "sv"))
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), _SwedishExcel))
    assert rows == [
        ["nivå", "jävsgrund", "share", "flag", "at (UTC)"],
        ["möjligt jäv", "delikatessjäv", "12,5", "ja", "2026-03-10 09:12:44"],
        ["'=x", "okand", "-0,5", "nej", ""],  # unknown codes as stored, still neutralised
    ]


def test_xlsx_widths_follow_content_and_long_text_wraps() -> None:
    long_text = "Anna Berg är ställföreträdare för en part i ärendet. " * 8
    section = Section(
        "main",
        columns("code", "explanation", ("day", T.DATE), ("n", T.INTEGER)),
        [("ab", long_text, date(2026, 3, 10), 1)] * 3,
    )
    report = Report(name="t", generated_at=AT, filters={}, sections=[section])
    sheet = load_workbook(io.BytesIO(render.to_xlsx(report)))["main"]
    widths = {c: sheet.column_dimensions[c].width for c in "ABCD"}
    assert widths["A"] < 12 and widths["B"] >= 60 and widths["C"] >= 10
    assert sheet["B2"].alignment.wrap_text and not sheet["A2"].alignment.wrap_text
    assert sheet.auto_filter.ref == "A1:D4"
    assert sheet["C2"].is_date and sheet["C2"].number_format == "yyyy-mm-dd"
