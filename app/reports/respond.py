"""Turn a Report into the HTTP response the client asked for."""

from __future__ import annotations

from fastapi import Response
from fastapi.responses import JSONResponse, StreamingResponse

from app.reports import render
from app.reports.filters import Output
from app.reports.model import Report
from app.strictquery import refuse_unknown_values


def _attachment(filename: str, language: str) -> dict[str, str]:
    return {
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Content-Language": language,
        "Vary": "Accept, Accept-Language",
    }


def respond(report: Report, output: Output) -> Response:
    """JSON in full, CSV streamed (one section), XLSX as one workbook (one sheet each)."""
    stamp = report.generated_at.strftime("%Y%m%d")
    if output.format == "csv":
        refuse_unknown_values("section", output.section, [s.name for s in report.sections])
        section = report.section(output.section)
        filename = f"javskoll-{report.name}-{section.name}-{stamp}.csv"
        return StreamingResponse(
            render.csv_chunks(section, output.language),
            media_type=render.CSV_MEDIA_TYPE,
            headers=_attachment(filename, output.language),
        )
    if output.format == "xlsx":
        return Response(
            render.to_xlsx(report, output.language),
            media_type=render.XLSX_MEDIA_TYPE,
            headers=_attachment(f"javskoll-{report.name}-{stamp}.xlsx", output.language),
        )
    return JSONResponse(render.to_json(report))
