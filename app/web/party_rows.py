"""The parties of the "enter a case" form: N rows of plain form fields, no JavaScript.

Each row is a party: a person or an organisation of the registry (by ref), or a party
that is not registered (by name, with a personnummer or an orgnr if known), and its role.
"Lägg till en part" posts the form back and it comes again with one more row, everything
typed kept; a row left blank is not a party. On saving, the rows become the contract's
`parties` and the API's errors (`/parties/{i}/…`) are shown at the row and field they
concern, named by the row's number ("Part 2: …").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.web.i18n import Lang

MAX_ROWS = 20
KINDS = ("person", "organisation", "other_person", "other_organisation")
# The API field that names the party, per kind; and the number field of an unregistered one.
REF_FIELD = {
    "person": "person",
    "organisation": "organisation",
    "other_person": "name",
    "other_organisation": "name",
}
NUMBER_FIELD = {"other_person": "personnummer", "other_organisation": "orgnr"}

KIND_LABELS = {
    "person": ("en person i registret", "a person in the registry"),
    "organisation": ("en organisation i registret", "an organisation in the registry"),
    "other_person": ("en person som inte finns i registret", "a person not in the registry"),
    "other_organisation": (
        "ett företag eller en förening som inte finns i registret",
        "a company or association not in the registry",
    ),
}
REF_MESSAGES = {
    "person": (
        "Ange referensen till en person som finns i registret",
        "Enter the ref of a person who is in the registry",
    ),
    "organisation": (
        "Ange referensen till en organisation som finns i registret",
        "Enter the ref of an organisation that is in the registry",
    ),
    "other_person": ("Ange personens namn", "Enter the person's name"),
    "other_organisation": ("Ange företagets eller föreningens namn", "Enter the name"),
}
NUMBER_MESSAGES = {
    "personnummer": (
        "Ange ett giltigt personnummer som ÅÅÅÅMMDD-NNNN, eller lämna fältet tomt",
        "Enter a valid personnummer as YYYYMMDD-NNNN, or leave it blank",
    ),
    "orgnr": (
        "Ange ett giltigt organisationsnummer som NNNNNN-NNNN, eller lämna fältet tomt",
        "Enter a valid organisationsnummer as NNNNNN-NNNN, or leave it blank",
    ),
    "registered": (
        "Nummer anges bara för en part som inte finns i registret: välj den typen av part "
        "eller töm fältet",
        "A number is only for a party not in the registry: choose that kind or clear it",
    ),
}
ROLE_MESSAGE = ("Välj partens roll", "Choose the party's role")
KIND_MESSAGE = ("Välj vad parten är", "Choose what the party is")


@dataclass(slots=True)
class PartyRow:
    number: int  # 1, 2, …: the row's place in the form (and in its field ids)
    kind: str = "person"
    ref: str = ""  # the registry ref, or the unregistered party's name
    id_number: str = ""  # personnummer or orgnr of an unregistered party (optional)
    role: str = "sokande"

    def field(self, name: str) -> str:
        """The id (and name) of this row's field `kind`, `ref`, `id_number` or `role`."""
        return f"party-{self.number}-{name}"

    @property
    def blank(self) -> bool:
        return not self.ref and not self.id_number

    def document(self) -> dict[str, Any]:
        """The contract's party (an unknown kind is sent as a person ref: refused there)."""
        party: dict[str, Any] = {"role": self.role or None}
        party[REF_FIELD.get(self.kind, "person")] = self.ref or None
        if self.id_number and self.kind in NUMBER_FIELD:
            party[NUMBER_FIELD[self.kind]] = self.id_number
        return party


def blank_rows(count: int) -> list[PartyRow]:
    return [PartyRow(number=n) for n in range(1, count + 1)]


def rows_from_form(form: Mapping[str, Any], add: bool = False) -> list[PartyRow]:
    """The rows as posted (`party_rows` says how many), plus an empty one to `add`."""
    try:
        count = int(str(form.get("party_rows", "1")))
    except ValueError:
        count = 1
    count = max(1, min(count, MAX_ROWS))
    rows = []
    for number in range(1, count + 1):
        posted = {
            name: _text(form, f"party-{number}-{name}")
            for name in ("kind", "ref", "id_number", "role")
        }
        posted["kind"] = posted["kind"] or "person"
        rows.append(PartyRow(number=number, **posted))
    if add and count < MAX_ROWS:
        rows.append(PartyRow(number=count + 1))
    return rows


def _text(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def _say(pair: tuple[str, str], lang: Lang, row: PartyRow) -> str:
    if lang == "sv":
        return f"Part {row.number}: {pair[0]}"
    return f"Party {row.number}: {pair[1]}"


@dataclass(frozen=True, slots=True)
class PartyForm:
    """The filled rows as the contract's parties, and where each API pointer shows."""

    parties: list[dict[str, Any]]
    fields: dict[str, str]  # pointer -> field id
    messages: dict[str, str]  # field id -> message (with the row's number)
    errors: dict[str, str]  # what the form itself refuses before the API sees it


def party_form(rows: list[PartyRow], lang: Lang) -> PartyForm:
    parties: list[dict[str, Any]] = []
    fields: dict[str, str] = {}
    messages: dict[str, str] = {}
    errors: dict[str, str] = {}
    filled = [row for row in rows if not row.blank]
    for index, row in enumerate(filled):
        pointer = f"/parties/{index}"
        ref_field = REF_FIELD.get(row.kind, "person")
        fields |= {
            pointer: row.field("ref"),
            f"{pointer}/{ref_field}": row.field("ref"),
            f"{pointer}/role": row.field("role"),
        }
        messages[row.field("ref")] = _say(REF_MESSAGES.get(row.kind, KIND_MESSAGE), lang, row)
        messages[row.field("role")] = _say(ROLE_MESSAGE, lang, row)
        if row.kind in NUMBER_FIELD:
            number_field = NUMBER_FIELD[row.kind]
            fields[f"{pointer}/{number_field}"] = row.field("id_number")
            messages[row.field("id_number")] = _say(NUMBER_MESSAGES[number_field], lang, row)
        if row.kind not in KINDS:
            errors[row.field("kind")] = _say(KIND_MESSAGE, lang, row)
        elif row.id_number and row.kind not in NUMBER_FIELD:
            errors[row.field("id_number")] = _say(NUMBER_MESSAGES["registered"], lang, row)
        elif not row.ref:
            errors[row.field("ref")] = messages[row.field("ref")]
        parties.append(row.document())
    if filled:
        fields["/parties"] = filled[0].field("ref")
    return PartyForm(parties, fields, messages, errors)


def kind_choices(lang: Lang) -> list[tuple[str, str]]:
    return [(kind, sv if lang == "sv" else en) for kind, (sv, en) in KIND_LABELS.items()]
