"""The case list's status column: each case's LATEST screening, read for a whole page in
a constant number of statements, within the key's scope.

- `ej_granskat`: no screening of the case that the key reads;
- `utan_anmarkning`: the latest screening flagged nobody (outcome `clear`);
- `flaggat`: a flag of the latest screening (a person's jäv or möjligt jäv) has no
  recorded decision settling it;
- `beslutat`: every flag of the latest screening has one.

A screening is the case's when it screened the stored case, or screened inline under the
same diarienummer in the same nämnd (`app.decisions.repository.of_case`): a
screening of another kommun under the same diarienummer is never the case's, and the
key's scope applies to the screenings as to the cases. "Settles" is the reports' own
definition (`app.decisions.repository.settling_decisions`), so the status agrees with
the Revision page's unresolved flags.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, select
from sqlalchemy.orm import Session

from app.cases import repository as cases_repo
from app.cases.resolve import ResolvedCase, resolve_stored
from app.decisions.repository import FLAG_LEVELS, of_case, settling_decisions
from app.models import Case, Finding, JavDecision, Screening
from app.pagination import PageParams
from app.security import scoping
from app.security.deps import Principal
from app.web.i18n import Lang

# The tag's colour repeats what its text says (never the only signal).
COLOURS = {"ej_granskat": "grey", "flaggat": "red", "beslutat": "blue", "utan_anmarkning": "green"}

_SCREENING_COMMITTEE = Screening.__table__.c.committee_id
# Persons flagged at a level, counted: "2 jäv, 1 möjligt jäv".
FLAG_WORDS = {"jav": ("jäv", "jäv"), "mojligt_jav": ("möjligt jäv", "possible jäv")}
_FLAG = and_(Finding.structural.is_(False), Finding.level.in_(FLAG_LEVELS))


def _latest_screening(principal: Principal) -> Any:
    """The id of the case's latest screening the key reads (correlated to Case)."""
    stmt = select(Screening.id).where(
        Screening.case_ref == Case.ref, of_case(Case.id, Case.ref, Case.committee_id)
    )
    stmt = scoping.apply(stmt, scoping.committee_id_predicate(principal, _SCREENING_COMMITTEE))
    return stmt.order_by(Screening.id.desc()).limit(1).correlate(Case).scalar_subquery()


def _status() -> ColumnElement[str]:
    """The status code of the Screening joined as the case's latest (NULL: none)."""
    open_flag = exists().where(
        Finding.screening_id == Screening.id, _FLAG, ~exists(settling_decisions())
    )
    return case(
        (Screening.id.is_(None), "ej_granskat"),
        (Screening.outcome != "flagged", "utan_anmarkning"),
        (open_flag, "flaggat"),
        else_="beslutat",
    )


@dataclass(slots=True)
class CaseStatus:
    """A case's status, with who is flagged (by their most severe open level) and the
    decisions recorded for the others (by person)."""

    code: str
    open: Counter[str] = field(default_factory=Counter)  # level -> persons
    decided: Counter[str] = field(default_factory=Counter)  # decision -> persons

    @property
    def colour(self) -> str:
        return COLOURS[self.code]

    def detail(self, lang: Lang) -> str:
        """'1 jäv, 1 möjligt jäv; 1 beslut registrerat', '2 jäviga, 1 inte jävig'."""
        if self.code == "flaggat":
            text = ", ".join(
                f"{self.open[level]} {FLAG_WORDS[level][lang == 'en']}"
                for level in FLAG_LEVELS
                if self.open[level]
            )
            decided = sum(self.decided.values())
            return text + "; " + _decisions_recorded(decided, lang) if decided else text
        if self.code == "beslutat":
            return ", ".join(
                _decided(decision, self.decided[decision], lang)
                for decision in ("jav", "ej_jav")
                if self.decided[decision]
            )
        return ""


def _decisions_recorded(n: int, lang: Lang) -> str:
    if lang == "sv":
        return f"{n} beslut registrerat" if n == 1 else f"{n} beslut registrerade"
    return f"{n} decision recorded" if n == 1 else f"{n} decisions recorded"


def _decided(decision: str, n: int, lang: Lang) -> str:
    if lang == "en":
        return f"{n} {'disqualified' if decision == 'jav' else 'not disqualified'}"
    word = "jävig" if n == 1 else "jäviga"
    return f"{n} {word}" if decision == "jav" else f"{n} inte {word}"


@dataclass(slots=True)
class CaseRow:
    case: ResolvedCase
    status: CaseStatus


def _flags(session: Session, screening_ids: Iterable[str]) -> list[Any]:
    """(screening, person, level, decision or None) of every flag of these screenings,
    with the latest decision settling it (one statement)."""
    wanted = sorted(set(screening_ids))
    if not wanted:
        return []
    latest_decision = (
        settling_decisions()
        .order_by(JavDecision.decided_on.desc(), JavDecision.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    stmt = (
        select(Finding.screening_id, Finding.person_ref, Finding.level, JavDecision.decision)
        .select_from(Finding)
        .join(Screening, Screening.id == Finding.screening_id)
        .outerjoin(JavDecision, JavDecision.id == latest_decision)
        .where(Finding.screening_id.in_(wanted), _FLAG)
    )
    return list(session.execute(stmt))


def _statuses(codes: dict[str, str], flags: list[Any]) -> dict[str, CaseStatus]:
    """screening id -> its status, persons counted once (at their most severe level)."""
    people: dict[str, dict[str, tuple[str, str | None]]] = {}
    for screening_id, person, level, decision in flags:
        seen = people.setdefault(screening_id, {})
        before = seen.get(person)
        severe = "jav" if "jav" in (level, before[0] if before else None) else level
        seen[person] = (severe, decision or (before[1] if before else None))
    out: dict[str, CaseStatus] = {}
    for screening_id, code in codes.items():
        status = CaseStatus(code)
        for level, decision in people.get(screening_id, {}).values():
            if decision is None:
                status.open[level] += 1
            else:
                status.decided[decision] += 1
        out[screening_id] = status
    return out


def case_page(
    session: Session, principal: Principal, page: PageParams, status: str | None
) -> tuple[list[CaseRow], int]:
    """One page of the cases the key reads, newest first, with their statuses; only
    those of `status` when given. A constant number of statements for any page."""
    stmt = cases_repo.list_cases_stmt(
        principal, committee_id=None, matter=None, decided_from=None, decided_to=None
    )
    status_code = _status()
    listed: Select[Any] = (
        stmt.add_columns(Screening.id, status_code)
        .outerjoin(Screening, Screening.id == _latest_screening(principal))
        .order_by(None)
        .order_by(Case.id.desc())
    )
    if status is not None:
        listed = listed.where(status_code == status)
    total = session.scalar(select(func.count()).select_from(listed.subquery())) or 0
    rows: list[Any] = list(session.execute(listed.limit(page.limit).offset(page.offset)))
    screened = {screening_id: code for _, screening_id, code in rows if screening_id}
    statuses = _statuses(screened, _flags(session, screened))
    resolved = resolve_stored(session, [row[0] for row in rows])
    return [
        CaseRow(found, statuses[screening_id] if screening_id else CaseStatus(code))
        for found, (_, screening_id, code) in zip(resolved, rows, strict=True)
    ], total
