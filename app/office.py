"""Office documents: their media types, and their writers loaded on first use.

The writers (`app/reports/xlsx.py` on openpyxl, `app/meetings/word.py` on python-docx)
are imported when a document is first asked for: together with numpy, which openpyxl
pulls in, they are about 35 MB of every worker's resident memory, held by processes that
may never write one (issue 15, memory per worker; tests/strict/test_house.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.reports.model import Report

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def xlsx_workbook(report: Report, language: str = "en") -> bytes:
    from app.reports.xlsx import to_xlsx

    return to_xlsx(report, language)


def meeting_docx(meeting: dict[str, Any]) -> bytes:
    from app.meetings.word import meeting_docx as write

    return write(meeting)
