"""The three renderers every report shares: JSON, streamed CSV and XLSX.

CSV is UTF-8 with a BOM (so Excel reads å, ä, ö) and neutralises text that a spreadsheet
would run as a formula (OWASP "CSV injection"). XLSX cells are typed: dates are dates,
numbers are numbers, and text is always stored as text, never as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from app.reports.model import Column, ColumnType, Report, Section

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CSV_CHUNK_ROWS = 500
SHEET_TITLE_MAX = 31
XLSX_DATE = "yyyy-mm-dd"
XLSX_DATETIME = "yyyy-mm-dd hh:mm:ss"


def neutralise(text: str) -> str:
    """Prefix a quote to text a spreadsheet would read as a formula or DDE call."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def to_json(report: Report) -> dict[str, Any]:
    names = {s.name: [c.name for c in s.columns] for s in report.sections}
    return {
        "report": report.name,
        "generated_at": _json_value(report.generated_at),
        "filters": {k: _json_value(v) for k, v in report.filters.items()},
        "sections": {
            s.name: [
                {name: _json_value(v) for name, v in zip(names[s.name], row, strict=True)}
                for row in s.rows
            ]
            for s in report.sections
        },
    }


def _text(value: Any, kind: ColumnType) -> str:
    if value is None:
        return ""
    if kind is ColumnType.LIST:
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _csv_cell(value: Any, kind: ColumnType) -> str:
    text = _text(value, kind)
    # Numbers, dates and booleans come from typed columns; only text can carry a formula.
    if kind in (ColumnType.TEXT, ColumnType.LIST):
        return neutralise(text)
    return text


def csv_chunks(section: Section) -> Iterator[bytes]:
    """The section as CSV, a few hundred rows per chunk, for a streamed response."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow([neutralise(c.name) for c in section.columns])
    kinds = [c.type for c in section.columns]
    for n, row in enumerate(section.rows, start=1):
        writer.writerow([_csv_cell(v, k) for v, k in zip(row, kinds, strict=True)])
        if n % CSV_CHUNK_ROWS == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def _xlsx_cell(sheet: WriteOnlyWorksheet, value: Any, kind: ColumnType) -> Cell:
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
    return cell


def _header(column: Column) -> str:
    return f"{column.name} (UTC)" if column.type is ColumnType.DATETIME else column.name


def _sheet_title(name: str, used: set[str]) -> str:
    base = "".join(ch for ch in name if ch not in "[]:*?/\\")[:SHEET_TITLE_MAX] or "sheet"
    title, n = base, 2
    while title.lower() in used:
        suffix = f" {n}"
        title, n = base[: SHEET_TITLE_MAX - len(suffix)] + suffix, n + 1
    used.add(title.lower())
    return title


def to_xlsx(report: Report) -> bytes:
    """One sheet per section, a frozen bold header row, typed cells."""
    workbook = Workbook(write_only=True)
    used: set[str] = set()
    bold = Font(bold=True)
    for section in report.sections:
        sheet = workbook.create_sheet(_sheet_title(section.name, used))
        sheet.freeze_panes = "A2"
        for index, column in enumerate(section.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(12, len(column.name) + 6)
        header = []
        for column in section.columns:
            cell = WriteOnlyCell(sheet, _header(column))
            cell.font = bold
            cell.data_type = "s"
            header.append(cell)
        sheet.append(header)
        kinds = [c.type for c in section.columns]
        for row in section.rows:
            sheet.append([_xlsx_cell(sheet, v, k) for v, k in zip(row, kinds, strict=True)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
