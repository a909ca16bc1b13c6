"""One item's seating as the contract's JSON, with the minutes text in Swedish and English."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from app.meetings.law import RULES, cite, period, rule_basis
from app.meetings.seating import Flag, Member, Seating, SeatTaken

ROLE_SV = {
    "ordforande": "ordföranden",
    "vice_ordforande": "vice ordföranden",
    "ledamot": "ledamoten",
    "ersattare": "ersättaren",
    "foredragande": "föredraganden",
    "handlaggare": "handläggaren",
    "protokollforare": "protokollföraren",
    "inspektor": "inspektören",
    "sakkunnig": "den sakkunnige",
    "chef": "chefen",
    "forvaltningschef": "förvaltningschefen",
    "delegat": "delegaten",
    "beslutsfattare": "beslutsfattaren",
}
ROLE_EN = {
    "ordforande": "the chair",
    "vice_ordforande": "the vice chair",
    "ledamot": "member",
    "ersattare": "substitute",
    "foredragande": "the presenting officer",
    "handlaggare": "the case officer",
    "protokollforare": "the minute-taker",
    "inspektor": "the inspector",
    "sakkunnig": "the expert adviser",
    "chef": "the head of unit",
    "forvaltningschef": "the head of administration",
    "delegat": "the delegate",
    "beslutsfattare": "the decision-maker",
}

#: The seat of a ledamot not at the meeting, by role ("den frånvarande ordföranden").
ABSENT_SV = {"ordforande": "ordföranden", "vice_ordforande": "vice ordföranden"}
ABSENT_EN = {"ordforande": "chair", "vice_ordforande": "vice chair"}


def genitive(name: str) -> str:
    """Swedish genitive: 'Anna Berg' -> 'Anna Bergs', 'Lars Nilsson' stays with no extra s."""
    return name if name[-1:].lower() in ("s", "x", "z") else name + "s"


def _who(name: str, member: Member | None) -> str:
    return f"{name} ({member.party})" if member is not None and member.party else name


def _person(member: Member) -> dict[str, Any]:
    return {
        "person": member.person,
        "name": member.name,
        "party": member.party,
        "role": member.role,
    }


def _flag(flag: Flag, member: Member | None) -> dict[str, Any]:
    first = flag.findings[0] if flag.findings else {}
    return {
        "person": flag.person,
        "name": flag.name,
        "party": member.party if member else None,
        "role": member.role if member else flag.role,
        "holds_seat": bool(member and member.seat),
        "level": flag.level,
        "grounds": list(flag.grounds),
        "rule": first.get("rule"),
        "legal_basis": list(first.get("legal_basis") or []),  # type: ignore[call-overload]
        "explanation": first.get("explanation"),
    }


def _seat(taken: SeatTaken) -> dict[str, Any]:
    return {
        "seat_of": taken.seat_of.person,
        "seat_of_name": taken.seat_of.name,
        **_person(taken.person),
    }


def _title(chair: Member) -> tuple[str, str]:
    if chair.chair_rank == 1:
        return "Vice ordföranden", "The vice chair"
    return "Ledamoten", "The member"


def minutes(
    seating: Seating,
    *,
    fullmaktige: bool,
    arrived: Sequence[Member] = (),
    left: Sequence[Member] = (),
    day: date | None = None,
) -> dict[str, str]:
    """Sentences for the protokoll, in the order things happen at the meeting; the statute
    named is the one in force on the meeting's `day` (`law.cite`)."""
    sv: list[str] = []
    en: list[str] = []
    for m in left:
        sv.append(f"{_who(m.name, m)} lämnar sammanträdet före ärendet.")
        en.append(f"{_who(m.name, m)} leaves the meeting before this matter.")
    for m in arrived:
        sv.append(f"{_who(m.name, m)} inträder i sammanträdet från och med ärendet.")
        en.append(f"{_who(m.name, m)} joins the meeting from this matter on.")
    entering = {t.seat_of.person: t.person for t in seating.seats}
    stepping_out = {flag.person for flag, _ in seating.steps_out}
    for taken in seating.seats:
        # The seats of ledamöter not at the meeting for this item (absent from the start,
        # or left before it): the ersättare serving in them, seat by seat.
        if taken.seat_of.person in stepping_out:
            continue
        serving, absent = taken.person, taken.seat_of
        sv.append(
            f"Ersättaren {_who(serving.name, serving)} tjänstgör i stället för den frånvarande "
            f"{ABSENT_SV.get(absent.role, 'ledamoten')} {_who(absent.name, absent)}."
        )
        en.append(
            f"The substitute {_who(serving.name, serving)} serves in place of the absent "
            f"{ABSENT_EN.get(absent.role, 'member')} {_who(absent.name, absent)}."
        )
    for flag, member in seating.steps_out:
        who = _who(flag.name, member)
        if member is None:
            role_sv = ROLE_SV.get(flag.role, flag.role)
            sv.append(
                f"{flag.name} ({role_sv}) anmäler jäv och deltar inte i handläggningen av ärendet."
            )
            en.append(
                f"{flag.name} ({ROLE_EN.get(flag.role, flag.role)}) declares a conflict "
                "of interest and takes no part in handling the matter."
            )
            continue
        sv.append(f"{who} anmäler jäv och deltar inte i handläggningen av ärendet.")
        en.append(
            f"{who} declares a conflict of interest and takes no part in handling the matter."
        )
        sub = entering.get(flag.person)
        if sub is not None:
            sv.append(f"Ersättaren {_who(sub.name, sub)} tjänstgör i {genitive(flag.name)} ställe.")
            en.append(f"The substitute {_who(sub.name, sub)} serves in place of {flag.name}.")
    for flag, member in seating.to_assess:
        who = _who(flag.name, member)
        body_sv = "Fullmäktige" if fullmaktige else "Nämnden"
        key = "jav_assessed_fullmaktige" if fullmaktige else "jav_assessed"
        sv.append(f"{body_sv} prövar frågan om jäv för {who} ({cite(key, day)}).")
        en.append(
            f"The {'assembly' if fullmaktige else 'committee'} decides whether {who} "
            f"is disqualified ({cite(key, day, english=True)})."
        )
    leads = seating.assessment_chair
    if leads is not None and seating.chair is not None:
        concerned = seating.chair
        title_sv, title_en = _title(leads)
        sv.append(
            f"{title_sv} {_who(leads.name, leads)} leder prövningen av jävsfrågan för "
            f"{_who(concerned.name, concerned)}, som inte deltar i den."
        )
        en.append(
            f"{title_en} {_who(leads.name, leads)} chairs the decision on whether "
            f"{_who(concerned.name, concerned)} is disqualified, in which they take no part."
        )
    chair = seating.chair
    if chair is not None and chair.chair_rank != 0:
        title_sv, title_en = _title(chair)
        sv.append(f"{title_sv} {_who(chair.name, chair)} är ordförande under ärendet.")
        en.append(f"{title_en} {_who(chair.name, chair)} chairs the meeting for this matter.")
    if seating.quorate_by_jav_exception:
        sv.append(
            "Fullmäktige handlägger ärendet trots att antalet deltagande på grund av jäv "
            f"understiger det antal som krävs för beslutförhet ({cite('jav_quorum', day)})."
        )
        en.append(
            "The assembly handles the matter although jäv brings the number taking part "
            f"below its quorum ({cite('jav_quorum', day, english=True)})."
        )
    elif not seating.quorate:
        sv.append(
            f"{'Fullmäktige är inte beslutfört' if fullmaktige else 'Nämnden är inte beslutför'}"
            " i ärendet: "
            f"{seating.serving} av {seating.seats_total} platser är besatta och "
            f"{seating.quorum} krävs."
        )
        en.append(
            f"The {'assembly' if fullmaktige else 'committee'} is not quorate for this "
            f"matter: {seating.serving} of {seating.seats_total} seats are filled and "
            f"{seating.quorum} are needed."
        )
    if not seating.steps_out and not seating.to_assess:
        sv.append("Ingen jäv har anmälts i ärendet.")
        en.append("No conflict of interest has been declared in this matter.")
    return {"sv": " ".join(sv), "en": " ".join(en)}


def item_answer(
    seating: Seating,
    *,
    fullmaktige: bool,
    arrived: Sequence[Member] = (),
    left: Sequence[Member] = (),
    day: date | None = None,
) -> dict[str, Any]:
    """The seat part of one item's answer (the caller adds paragraph, case and screening);
    the statute cited is the one in force on the meeting's `day`."""
    chair = seating.chair
    return {
        "arrived": [_person(m) for m in arrived],
        "left": [_person(m) for m in left],
        "steps_out": [_flag(f, m) for f, m in seating.steps_out],
        "to_assess": [_flag(f, m) for f, m in seating.to_assess],
        "seats": [_seat(t) for t in seating.seats],
        "empty_seats": [
            {"seat_of": m.person, "seat_of_name": m.name, "party": m.party}
            for m in seating.empty_seats
        ],
        "chair": None if chair is None else _person(chair),
        "assessment_chair": (
            None if seating.assessment_chair is None else _person(seating.assessment_chair)
        ),
        "serving": seating.serving,
        "seats_total": seating.seats_total,
        "quorum": seating.quorum,
        "quorate": seating.quorate,
        "quorate_by_jav_exception": seating.quorate_by_jav_exception,
        "quorate_if_assessed_out": seating.quorate_if_assessed_out,
        "summon": [_seat(t) for t in seating.summon],
        "minutes": minutes(seating, fullmaktige=fullmaktige, arrived=arrived, left=left, day=day),
        "rules": [
            {
                "rule": r,
                "basis_kind": RULES[r].basis_kind,
                "legal_basis": rule_basis(r, day),
                "period": period(day),
            }
            for r in seating.rules
        ],
    }
