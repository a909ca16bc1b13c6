"""The three renderers every report shares: JSON, streamed CSV and XLSX (app/reports/xlsx).

CSV is UTF-8 with a BOM (so Excel reads å, ä, ö) and neutralises text that a spreadsheet
would run as a formula (OWASP "CSV injection"). In Swedish (`lang=sv`) it is the dialect
Excel in a Swedish locale opens in columns: `;` between fields, a decimal comma, `ja`/`nej`,
Swedish headers and values (app/reports/swedish.py). Otherwise `,`, a decimal point,
`true`/`false` and the contract's codes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

from app.office import XLSX as XLSX_MEDIA_TYPE
from app.office import xlsx_workbook as to_xlsx  # app/reports/xlsx.py, loaded on first use
from app.reports import swedish
from app.reports.model import ColumnType, Report, Section

__all__ = ["CSV_MEDIA_TYPE", "XLSX_MEDIA_TYPE", "csv_chunks", "neutralise", "to_json", "to_xlsx"]

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
BOM = "\ufeff"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CSV_CHUNK_ROWS = 500


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


def _text(value: Any, kind: ColumnType, swedish_dialect: bool = False) -> str:
    if value is None:
        return ""
    if kind is ColumnType.LIST:
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool):
        if swedish_dialect:
            return swedish.YES if value else swedish.NO
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and swedish_dialect:
        return str(value).replace(".", ",")
    return str(value)


def _csv_cell(value: Any, kind: ColumnType, swedish_dialect: bool = False) -> str:
    text = _text(value, kind, swedish_dialect)
    # Numbers, dates and booleans come from typed columns; only text can carry a formula.
    if kind in (ColumnType.TEXT, ColumnType.LIST):
        return neutralise(text)
    return text


def csv_header(name: str, kind: ColumnType, language: str) -> str:
    """English headers are the JSON keys; Swedish ones are words and say the time zone."""
    if language != "sv":
        return name
    text = swedish.header(name)
    return f"{text} (UTC)" if kind is ColumnType.DATETIME else text


def csv_chunks(section: Section, language: str = "en") -> Iterator[bytes]:
    """The section as CSV, a few hundred rows per chunk, for a streamed response."""
    sv = language == "sv"
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if sv else ",", lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow([neutralise(csv_header(c.name, c.type, language)) for c in section.columns])
    kinds = [c.type for c in section.columns]
    translators = [swedish.value_translator(c.name) if sv else None for c in section.columns]
    for n, row in enumerate(section.rows, start=1):
        writer.writerow(
            [
                _csv_cell(t(v) if t else v, k, sv)
                for v, k, t in zip(row, kinds, translators, strict=True)
            ]
        )
        if n % CSV_CHUNK_ROWS == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")
