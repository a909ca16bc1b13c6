"""Persons and appointments from the CSV files HR and appointment systems export.

Each file becomes a section of an import document (`persons` or `appointments`), and each
row remembers its file and line so that an error found later by the import's validation
(a JSON pointer such as `/persons/12/personnummer`) is reported as `persons.csv line 14,
column personnummer`. Columns are matched by name, in Swedish or English, ignoring case,
spaces, `-` and `_`; the accepted names are listed in docs/cli.md (and in COLUMNS below).
Unknown columns are refused, not ignored: a column the import does not understand would
otherwise be lost silently.

Files are read as UTF-8 (with or without a BOM) or, failing that, as Windows-1252 (what
Excel on Swedish Windows saves as "CSV"); `;`, `,` and tab separators are recognised.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Any

# field of the import document -> accepted column names (normalised: lower case, no
# spaces, '-' or '_'; Swedish letters kept and also accepted without diacritics).
PERSON_COLUMNS: dict[str, tuple[str, ...]] = {
    "ref": ("ref", "id", "personid", "personref", "anstallningsnummer", "anställningsnummer",
            "anstallningsnr", "anställningsnr", "employeeid", "employeenumber"),
    "name": ("name", "namn", "fullname", "fulltnamn"),
    "first_name": ("förnamn", "fornamn", "firstname", "givenname"),
    "last_name": ("efternamn", "lastname", "surname", "familyname"),
    "personnummer": ("personnummer", "pnr", "personalidentitynumber", "personnr"),
}  # fmt: skip
APPOINTMENT_COLUMNS: dict[str, tuple[str, ...]] = {
    "ref": ("ref", "uppdragsid", "uppdragsref", "appointmentid", "appointmentref"),
    "person": ("person", "personref", "personid", "anstallningsnummer", "anställningsnummer",
               "anstallningsnr", "anställningsnr", "employeeid", "employeenumber"),
    "committee": ("committee", "nämnd", "namnd", "organ"),
    "administration": ("administration", "förvaltning", "forvaltning", "enhet", "unit"),
    "organisation": ("organisation", "organization", "bolag", "company"),
    "role": ("role", "roll", "befattning", "uppdrag"),
    "valid_from": ("validfrom", "from", "från", "fran", "startdatum", "startdate", "fromdatum"),
    "valid_to": ("validto", "to", "till", "slutdatum", "enddate", "tomdatum", "tilldatum"),
    "appointed_by": ("appointedby", "valdav", "utseddav"),
    "party": ("party", "parti"),
    "order": ("order", "ordning", "placering"),
}  # fmt: skip
COLUMNS = {"persons": PERSON_COLUMNS, "appointments": APPOINTMENT_COLUMNS}
REQUIRED = {"persons": ("ref",), "appointments": ("person", "role")}
BODY_FIELDS = ("committee", "administration", "organisation")
_DROP = re.compile(r"[\s_\-]+")


def normalise(header: str) -> str:
    return _DROP.sub("", header.strip().lower())


class CsvProblem(ValueError):
    """A file that cannot be mapped; `where` is `file line N` (or `file` for the header)."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


@dataclass
class Origin:
    """Where the items of a document section came from (line per item, column names)."""

    source: str
    lines: list[int] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # document field -> header

    def locate(self, index: int, rest: list[str]) -> str:
        where = (
            f"{self.source} line {self.lines[index]}" if index < len(self.lines) else self.source
        )
        if rest:
            key = "body" if rest[0] == "body" and len(rest) > 1 else rest[0]
            column = self.columns.get(rest[1] if key == "body" else key)
            if column:
                where += f", column {column}"
        return where


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=";,\t")
    except csv.Error:
        return csv.excel


def sniff_kind(text: str) -> str | None:
    """`appointments` when the header has a role column, `persons` when it has a name."""
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text))
    header = {normalise(h) for h in next(reader, [])}
    if header & set(APPOINTMENT_COLUMNS["role"]):
        return "appointments"
    names = PERSON_COLUMNS["name"] + PERSON_COLUMNS["first_name"] + PERSON_COLUMNS["last_name"]
    if header & set(names):
        return "persons"
    return None


def _mapping(kind: str, header: list[str], source: str) -> dict[int, str]:
    lookup = {alias: target for target, aliases in COLUMNS[kind].items() for alias in aliases}
    mapping: dict[int, str] = {}
    for index, column in enumerate(header):
        target = lookup.get(normalise(column))
        if target is None:
            known = ", ".join(COLUMNS[kind])
            raise CsvProblem(
                f"{source} line 1",
                f"unknown column '{column}' for {kind} (known: {known}; see docs/cli.md)",
            )
        if target in mapping.values():
            raise CsvProblem(f"{source} line 1", f"two columns mean '{target}'")
        mapping[index] = target
    missing = [r for r in REQUIRED[kind] if r not in mapping.values()]
    names = {"name"} | ({"first_name", "last_name"} & set(mapping.values()))
    if kind == "persons" and not ({"name"} <= set(mapping.values()) or len(names) == 3):
        missing.append("name (or first and last name)")
    if kind == "appointments" and not set(BODY_FIELDS) & set(mapping.values()):
        missing.append("committee, administration or organisation")
    if missing:
        raise CsvProblem(f"{source} line 1", f"missing column(s): {', '.join(missing)}")
    return mapping


def _item(kind: str, values: dict[str, str]) -> dict[str, Any]:
    item: dict[str, Any] = {}
    if kind == "persons":
        if "name" not in values and ("first_name" in values or "last_name" in values):
            first, last = values.pop("first_name", ""), values.pop("last_name", "")
            values["name"] = f"{first} {last}".strip()
        values.pop("first_name", None)
        values.pop("last_name", None)
        return dict(values)
    body = {k: values.pop(k) for k in BODY_FIELDS if k in values}
    item.update(values)
    item["body"] = body
    if "order" in item and item["order"].isascii() and item["order"].isdigit():
        item["order"] = int(item["order"])
    return item


def read_section(text: str, kind: str, source: str) -> tuple[list[dict[str, Any]], Origin]:
    """The file's rows as import items of `kind`, and where each came from."""
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text))
    header = next(reader, None)
    if not header:
        raise CsvProblem(source, "the file is empty (a header line is needed)")
    mapping = _mapping(kind, header, source)
    origin = Origin(source, columns={t: header[i] for i, t in mapping.items()})
    items: list[dict[str, Any]] = []
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise CsvProblem(
                f"{source} line {line}", f"{len(row)} fields where the header has {len(header)}"
            )
        values = {mapping[i]: cell.strip() for i, cell in enumerate(row) if cell.strip()}
        items.append(_item(kind, values))
        origin.lines.append(line)
    return items, origin
