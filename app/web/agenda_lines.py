"""The agenda textarea of the "prepare a meeting" form: one item a line, and its errors
named by the line the user sees ("Rad 3: Det finns inget ärende MBN 1999/1").

A line is "paragraph; diarienummer". A blank line is skipped but counted, so that the
numbers match the lines in the textarea. A line without the semicolon or one of its two
parts is the page's own format error; the other lines go to the meetings API as its
`items`, and an error the API gives at `/items/{i}/…` is shown at the line of item i.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from app.errors import AppError
from app.web.i18n import Lang

MAX_SHOWN = 10


@dataclass(frozen=True, slots=True)
class Line:
    number: int  # 1, 2, …: the line in the textarea
    paragraph: str
    case: str

    def item(self) -> dict[str, str]:
        return {"paragraph": self.paragraph, "case": self.case}


@dataclass(frozen=True, slots=True)
class Agenda:
    lines: tuple[Line, ...]  # the well-formed lines, in order: the API's items
    malformed: tuple[int, ...]  # numbers of the lines that are not "paragraph; case"

    def items(self) -> list[dict[str, str]]:
        return [line.item() for line in self.lines]


def parse(text: str) -> Agenda:
    lines: list[Line] = []
    malformed: list[int] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        paragraph, semicolon, case = raw.partition(";")
        if not semicolon or not paragraph.strip() or not case.strip():
            malformed.append(number)
        else:
            lines.append(Line(number, paragraph.strip(), case.strip()))
    return Agenda(tuple(lines), tuple(malformed))


def _item_errors(exc: Exception | None) -> list[tuple[int, str, str]]:
    """(item index, field, code) of each error the API gave at an item."""
    found: list[tuple[int, str, str]] = []
    if isinstance(exc, ValidationError):
        for err in exc.errors():
            loc = err["loc"]
            if len(loc) >= 3 and loc[0] == "items" and isinstance(loc[1], int):
                found.append((loc[1], str(loc[2]), str(err["type"])))
    elif isinstance(exc, AppError):
        for problem in exc.errors:
            parts = str(problem.get("pointer", "")).strip("/").split("/")
            if len(parts) >= 3 and parts[0] == "items" and parts[1].isdigit():
                found.append((int(parts[1]), parts[2], str(problem.get("code", ""))))
    return found


def _message(line: Line, field: str, code: str, lang: Lang) -> tuple[str, str]:
    if field == "case" and code == "unknown_reference":
        return (
            f"Det finns inget ärende {line.case}; kontrollera diarienumret",
            f"There is no case {line.case}; check the diarienummer",
        )
    if field == "case" and code == "other_committee":
        return (
            f"Ärendet {line.case} hör till en annan nämnd",
            f"The case {line.case} belongs to another committee",
        )
    if field == "paragraph" and code == "duplicate":
        return (
            f"Paragrafen {line.paragraph} finns redan på en tidigare rad",
            f"The paragraph {line.paragraph} is on an earlier line",
        )
    if field == "paragraph":
        return ("Paragrafen får vara högst 50 tecken", "The paragraph may be at most 50 characters")
    return ("Kontrollera punkten", "Check this item")


FORMAT = (
    "Skriv paragraf, semikolon och diarienummer, till exempel § 12; MBN 2024/311",
    "Write the paragraph, a semicolon and the diarienummer, e.g. § 12; MBN 2024/311",
)


def line_errors(agenda: Agenda, exc: Exception | None, lang: Lang) -> str | None:
    """One message for the textarea naming each bad line, or None when no line is."""
    by_line: dict[int, tuple[str, str]] = {n: FORMAT for n in agenda.malformed}
    for index, field, code in _item_errors(exc):
        if 0 <= index < len(agenda.lines):
            line = agenda.lines[index]
            by_line.setdefault(line.number, _message(line, field, code, lang))
    if not by_line:
        return None
    row = "Rad" if lang == "sv" else "Line"
    parts = [
        f"{row} {n}: {by_line[n][0 if lang == 'sv' else 1]}." for n in sorted(by_line)[:MAX_SHOWN]
    ]
    more = len(by_line) - MAX_SHOWN
    if more > 0:
        parts.append(f"Och {more} rader till." if lang == "sv" else f"And {more} more lines.")
    return " ".join(parts)
