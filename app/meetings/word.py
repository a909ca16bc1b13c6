"""The meeting as a Word document, in Swedish: the jäv part of the kallelse and protokoll.

For each item: the paragraph and the case, who steps out and why (ground, statute, one
sentence), who enters in which seat, who presides, and whether the body can decide.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import Any

from docx import Document

from app.meetings.law import KL, KL91, cite, old_act
from app.rules.regime import KL2022_START

GROUND_SV = {
    "part": "part i ärendet (själv eller närstående)",
    "paverkan": "kan påverkas av beslutet i inte oväsentlig utsträckning",
    "stallforetradare": "ställföreträdare eller ombud för part",
    "tillsynsjav": "tillsyn över verksamhet som personen är knuten till",
    "tvainstans": "har tidigare deltagit i slutlig handläggning (tvåinstansjäv)",
    "generalklausul": "annan särskild omständighet (generalklausulen)",
    "fullmaktige": "ärendet rör personligen ledamoten eller en närstående",
    "ansvarsfrihet": "redovisningsskyldig för verksamheten (ansvarsfrihet)",
}
ROLE_SV = {
    "ordforande": "ordförande",
    "vice_ordforande": "vice ordförande",
    "ledamot": "ledamot",
    "ersattare": "ersättare",
    "foredragande": "föredragande",
    "handlaggare": "handläggare",
    "protokollforare": "protokollförare",
    "inspektor": "inspektör",
    "sakkunnig": "sakkunnig",
    "chef": "chef",
    "forvaltningschef": "förvaltningschef",
    "delegat": "delegat",
    "beslutsfattare": "beslutsfattare",
}
# Before SFS 2022:638 the interest point read "synnerlig nytta eller skada" (KL 2017 in
# its first wording, KL 1991 6:25 1 p.): the ground is named as the act then in force.
PAVERKAN_BEFORE_2022 = "ärendet kan väntas medföra synnerlig nytta eller skada"
FULLMAKTIGE_KINDS = ("fullmaktige", "forbundsfullmaktige")


def _body(kind: str) -> str:
    """Who decides the jäv question: fullmäktige itself (KL 5 kap. 47 § 2 st.) or the
    nämnd (6 kap. 30 §)."""
    return "fullmäktige" if kind in FULLMAKTIGE_KINDS else "nämnden"


def _assessed(kind: str) -> str:
    return "jav_assessed_fullmaktige" if kind in FULLMAKTIGE_KINDS else "jav_assessed"


def _ground(code: str, day: date | None) -> str:
    if code == "paverkan" and day is not None and day < KL2022_START:
        return PAVERKAN_BEFORE_2022
    return GROUND_SV.get(code, code)


def _level(level: str, kind: str) -> str:
    return "jäv" if level == "jav" else f"möjligt jäv, {_body(kind)} prövar"


def _who(entry: dict[str, Any]) -> str:
    party = f" ({entry['party']})" if entry.get("party") else ""
    return f"{entry['name']}{party}"


def _reason(entry: dict[str, Any], kind: str, day: date | None) -> str:
    grounds = ", ".join(_ground(g, day) for g in entry["grounds"])
    statute = "; ".join(entry.get("legal_basis") or [])
    explanation = entry.get("explanation") or {}
    sentence = explanation.get("sv", "") if isinstance(explanation, dict) else ""
    first = sentence.split(". ")[0].rstrip(".") + "." if sentence else ""
    role = ROLE_SV.get(entry["role"], entry["role"])
    parts = [
        f"{_who(entry)}, {role}: {_level(entry['level'], kind)}",
        f"grund: {grounds}",
    ]
    if statute:
        parts.append(f"lagrum: {statute}")
    text = "; ".join(parts) + "."
    return f"{text} {first}".strip()


def _item(doc: Any, item: dict[str, Any], kind: str, day: date | None) -> None:
    fullmaktige = kind in FULLMAKTIGE_KINDS
    body = "Fullmäktige" if fullmaktige else "Nämnden"
    able = "beslutfört" if fullmaktige else "beslutför"  # fullmäktige is neuter
    title = f" – {item['title']}" if item.get("title") else ""
    doc.add_heading(f"{item['paragraph']} Ärende {item['case']}{title}", level=2)
    if item["steps_out"]:
        doc.add_paragraph("Anmäler jäv och deltar inte i handläggningen:")
        for entry in item["steps_out"]:
            doc.add_paragraph(_reason(entry, kind, day), style="List Bullet")
    else:
        doc.add_paragraph("Ingen jäv har anmälts i ärendet.")
    if item["to_assess"]:
        doc.add_paragraph(f"Jävsfrågan prövas av {body.lower()} ({cite(_assessed(kind), day)}):")
        for entry in item["to_assess"]:
            doc.add_paragraph(_reason(entry, kind, day), style="List Bullet")
    for seat in item["seats"]:
        doc.add_paragraph(
            f"Tjänstgörande ersättare: {_who(seat)} i stället för {seat['seat_of_name']}.",
            style="List Bullet",
        )
    chair = item.get("chair")
    if chair:
        role = {"ordforande": "ordförande", "vice_ordforande": "vice ordförande"}.get(
            chair["role"], "tjänstgörande ordförande"
        )
        doc.add_paragraph(f"Ordförande under ärendet: {_who(chair)} ({role}).")
    else:
        doc.add_paragraph("Ordförande under ärendet: ingen ledamot kan leda sammanträdet.")
    leads = item.get("assessment_chair")
    if leads and chair:
        doc.add_paragraph(
            f"Prövningen av jävsfrågan för {_who(chair)} leds av {_who(leads)}; "
            f"{chair['name']} deltar inte i den ({cite(_assessed(kind), day)})."
        )
    if item["quorate_by_jav_exception"]:
        quorum = (
            f"{body} är beslutfört trots jäv ({cite('jav_quorum', day)}): "
            f"{item['serving']} av {item['seats_total']} platser besatta."
        )
    elif item["quorate"]:
        quorum = (
            f"{body} är {able}: {item['serving']} av {item['seats_total']} "
            f"platser besatta, {item['quorum']} krävs."
        )
    else:
        quorum = (
            f"{body} är inte {able}: {item['serving']} av {item['seats_total']} "
            f"platser besatta, {item['quorum']} krävs."
        )
    doc.add_paragraph(quorum)
    if item["summon"]:
        names = ", ".join(_who(s) for s in item["summon"])
        doc.add_paragraph(f"Kalla in: {names}.")
    doc.add_paragraph(f"Protokollstext: {item['minutes']['sv']}")


def meeting_docx(meeting: dict[str, Any]) -> bytes:
    doc = Document()
    doc.core_properties.title = f"Jäv vid sammanträde {meeting['ref']}"
    doc.core_properties.language = "sv-SE"
    doc.add_heading(f"{meeting['committee_name']}: sammanträde {meeting['date']}", level=1)
    day = date.fromisoformat(meeting["date"]) if meeting.get("date") else None
    act = KL91 if old_act(day) else KL
    kind = meeting.get("committee_kind", "")
    doc.add_paragraph(
        "Jäv, tjänstgöring och beslutförhet per ärende, enligt Jävskolls granskning. "
        f"{_body(kind).capitalize()} beslutar i jävsfrågan ({cite(_assessed(kind), day)}). "
        f"Sammanträdet hålls {meeting.get('date')}: {act} gäller."
    )
    for item in meeting["items"]:
        _item(doc, item, kind, day)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()
