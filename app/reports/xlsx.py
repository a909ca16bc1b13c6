"""The XLSX renderer: one sheet per section, made to be read in Excel or LibreOffice.

Cells are typed (dates are dates with a date format, numbers are numbers, booleans are
booleans that Excel shows in the reader's language); text is always stored as text, never
as a formula. Each sheet has a bold frozen header row and an autofilter over the table;
column widths follow the header and the first rows' content, and long text (explanations,
legal bases) wraps in a wide column instead of running across the sheet. With Swedish
asked for, headers and coded values are Swedish (app/reports/swedish.py).

The workbook is written in openpyxl's write-only mode (rows stream into the file), so the
widths are chosen from a sample of the first rows before the rows are written.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC
from itertools import chain, islice
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from app.reports import swedish
from app.reports.model import Column, ColumnType, Report, Row, Section

SHEET_TITLE_MAX = 31
XLSX_DATE = "yyyy-mm-dd"
XLSX_DATETIME = "yyyy-mm-dd hh:mm:ss"
SAMPLE_ROWS = 200
MIN_WIDTH = 8
MAX_WIDTH = 60  # a column whose text is longer wraps at this width
WRAPPED_WIDTH = 80  # explanations: wide enough for a sentence a line
DATE_WIDTH = 12
DATETIME_WIDTH = 20
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")

Translator = Callable[[Any], Any] | None


def _text(value: Any, kind: ColumnType) -> str:
    if kind is ColumnType.LIST:
        return "; ".join(str(v) for v in value)
    return str(value)


def _cell(sheet: WriteOnlyWorksheet, value: Any, kind: ColumnType, wrap: bool) -> Cell:
    if value is None:
        return WriteOnlyCell(sheet, None)
    if kind is ColumnType.DATETIME:
        # Excel has no time zones: the column holds UTC (its header says so).
        cell = WriteOnlyCell(sheet, value.astimezone(UTC).replace(tzinfo=None))
        cell.number_format = XLSX_DATETIME
        return cell
    if kind is ColumnType.DATE:
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = XLSX_DATE
        return cell
    if kind in (ColumnType.INTEGER, ColumnType.NUMBER, ColumnType.BOOLEAN):
        return WriteOnlyCell(sheet, value)
    text = ILLEGAL_CHARACTERS_RE.sub("", _text(value, kind))
    cell = WriteOnlyCell(sheet, text)
    cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
    cell.alignment = WRAP if wrap else TOP
    return cell


def header_text(column: Column, language: str) -> str:
    text = swedish.header(column.name) if language == "sv" else column.name
    return f"{text} (UTC)" if column.type is ColumnType.DATETIME else text


def _width(column: Column, header: str, sample: list[Any]) -> tuple[float, bool]:
    """(width in characters, wrap?) from the header and a sample of the column's values."""
    if column.type is ColumnType.DATE:
        return max(DATE_WIDTH, len(header) + 2), False
    if column.type is ColumnType.DATETIME:
        return max(DATETIME_WIDTH, len(header) + 2), False
    lengths = [len(_text(v, column.type)) for v in sample if v is not None]
    longest = max(lengths, default=0)
    if longest > MAX_WIDTH:
        return WRAPPED_WIDTH if longest > 2 * MAX_WIDTH else MAX_WIDTH, True
    return min(MAX_WIDTH, max(MIN_WIDTH, len(header) + 2, longest + 2)), False


def _translated(rows: Iterable[Row], translators: list[Translator]) -> Iterator[Row]:
    if not any(translators):
        yield from rows
        return
    for row in rows:
        yield tuple(t(v) if t else v for v, t in zip(row, translators, strict=True))


def _sheet_title(name: str, used: set[str]) -> str:
    base = "".join(ch for ch in name if ch not in "[]:*?/\\")[:SHEET_TITLE_MAX] or "sheet"
    title, n = base, 2
    while title.lower() in used:
        suffix = f" {n}"
        title, n = base[: SHEET_TITLE_MAX - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title


def _write_section(workbook: Workbook, section: Section, title: str, language: str) -> None:
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    translators = [
        swedish.value_translator(c.name) if language == "sv" else None for c in section.columns
    ]
    rows = _translated(section.rows, translators)
    sample = list(islice(rows, SAMPLE_ROWS))
    headers = [header_text(c, language) for c in section.columns]
    wraps = []
    for index, (column, header) in enumerate(zip(section.columns, headers, strict=True)):
        width, wrap = _width(column, header, [row[index] for row in sample])
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
        wraps.append(wrap)
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, header)
        cell.font = bold
        cell.data_type = "s"
        header_cells.append(cell)
    sheet.append(header_cells)
    kinds = [c.type for c in section.columns]
    count = 0
    for row in chain(sample, rows):
        sheet.append([_cell(sheet, v, k, w) for v, k, w in zip(row, kinds, wraps, strict=True)])
        count += 1
    last = get_column_letter(len(section.columns))
    # Written after the rows (the sheet's tail), so the range can cover all of them.
    sheet.auto_filter.ref = f"A1:{last}{count + 1}"


def to_xlsx(report: Report, language: str = "en") -> bytes:
    """One sheet per section: a bold frozen header row with an autofilter, typed cells."""
    workbook = Workbook(write_only=True)
    used: set[str] = set()
    for section in report.sections:
        name = swedish.SHEETS.get(section.name, section.name) if language == "sv" else section.name
        _write_section(workbook, section, _sheet_title(name, used), language)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
