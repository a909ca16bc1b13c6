"""What a report is, independent of its format: named sections of typed columns and rows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field


class ColumnType(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    DATE = "date"
    DATETIME = "datetime"  # always UTC
    LIST = "list"  # of text; joined with "; " in CSV and XLSX


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: ColumnType = ColumnType.TEXT


def columns(*specs: str | tuple[str, ColumnType]) -> tuple[Column, ...]:
    """columns("case", ("as_of", ColumnType.DATE)) -> text by default."""
    return tuple(Column(s) if isinstance(s, str) else Column(*s) for s in specs)


Row = tuple[Any, ...]


class ReportOut(BaseModel):
    """A report as JSON: each section a list of rows keyed by column name."""

    report: str = Field(description="The report's name")
    generated_at: datetime = Field(description="When the report was made (UTC)")
    filters: dict[str, Any] = Field(description="The filters applied, as given")
    sections: dict[str, list[dict[str, Any]]] = Field(
        description="Per section name, its rows (column name to value); CSV holds one "
        "section, XLSX a sheet per section"
    )


@dataclass(slots=True)
class Section:
    """One table: a sheet in XLSX, one CSV file, one list in JSON. `rows` may be lazy."""

    name: str
    columns: tuple[Column, ...]
    rows: Iterable[Row]


@dataclass(slots=True)
class Report:
    name: str
    generated_at: datetime
    filters: dict[str, Any]
    sections: list[Section] = field(default_factory=list)

    def section(self, name: str | None) -> Section:
        if name is None:
            return self.sections[0]
        for section in self.sections:
            if section.name == name:
                return section
        raise KeyError(name)
