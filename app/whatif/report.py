"""Add up the changed screenings into the what-if report, and lay it out as sections for
CSV and XLSX (app/reports renders them)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date

from pydantic import JsonValue

from app.db_types import utcnow
from app.reports.model import ColumnType as T
from app.reports.model import Report, Section, columns
from app.whatif.compare import FindingKey, ItemChange
from app.whatif.schemas import (
    WhatIfFilter,
    WhatIfFinding,
    WhatIfGroundLevel,
    WhatIfReport,
    WhatIfScreening,
)


class Tally:
    """Running totals over the replayed screenings."""

    def __init__(self) -> None:
        self.replayed = 0
        self.changes: list[ItemChange] = []
        self.gained: Counter[tuple[str, str]] = Counter()
        self.lost: Counter[tuple[str, str]] = Counter()

    def add(self, replayed: int, changes: list[ItemChange]) -> None:
        self.replayed += replayed
        self.changes.extend(changes)
        for change in changes:
            self.gained.update((key[1], key[2]) for key, _ in change.gained)
            self.lost.update((key[1], key[2]) for key, _ in change.lost)

    def report(
        self,
        parameters: dict[str, JsonValue],
        filter_: WhatIfFilter,
        versions: tuple[str, str],
        without_facts: int,
    ) -> WhatIfReport:
        flips = Counter((c.outcome_before, c.outcome_after) for c in self.changes)
        groups = sorted(set(self.gained) | set(self.lost))
        return WhatIfReport(
            parameters=parameters,
            filter=filter_,
            rules_version=versions[0],
            whatif_rules_version=versions[1],
            replayed=self.replayed,
            without_facts=without_facts,
            affected=len(self.changes),
            flagged_to_clear=flips[("flagged", "clear")],
            clear_to_flagged=flips[("clear", "flagged")],
            findings=[
                WhatIfGroundLevel(
                    ground=g, level=lv, gained=self.gained[(g, lv)], lost=self.lost[(g, lv)]
                )
                for g, lv in groups
            ],
            screenings=[_screening(c) for c in sorted(self.changes, key=lambda c: c.screening)],
        )


def _finding(key: FindingKey, name: str | None) -> WhatIfFinding:
    return WhatIfFinding(person=key[0], name=name, ground=key[1], level=key[2], rule=key[3])


def _screening(change: ItemChange) -> WhatIfScreening:
    return WhatIfScreening(
        screening=change.screening,
        case=change.case,
        as_of=date.fromisoformat(change.as_of),
        outcome_before=change.outcome_before,
        outcome_after=change.outcome_after,
        gained=[_finding(k, n) for k, n in change.gained],
        lost=[_finding(k, n) for k, n in change.lost],
    )


SUMMARY = columns("ground", "level", ("gained", T.INTEGER), ("lost", T.INTEGER))
SCREENINGS = columns(
    "screening",
    "case",
    ("as_of", T.DATE),
    "outcome_before",
    "outcome_after",
    ("gained", T.INTEGER),
    ("lost", T.INTEGER),
)
CHANGES = columns(
    "screening",
    "case",
    ("as_of", T.DATE),
    "change",
    "person",
    "person_name",
    "ground",
    "level",
    "rule",
)


def as_report(job_id: str, report: WhatIfReport) -> Report:
    """Sections: screenings (the affected ones), changes (each finding gained or lost),
    findings (by ground and level)."""
    changes = [
        (s.screening, s.case, s.as_of, change, f.person, f.name, f.ground, f.level, f.rule)
        for s in report.screenings
        for change, found in (("gained", s.gained), ("lost", s.lost))
        for f in found
    ]
    return Report(
        name=f"whatif-{job_id}",
        generated_at=utcnow(),
        filters={
            "parameters": json.dumps(report.parameters, ensure_ascii=False),
            **report.filter.model_dump(mode="json", by_alias=True, exclude_none=True),
        },
        sections=[
            Section(
                "screenings",
                SCREENINGS,
                [
                    (
                        s.screening,
                        s.case,
                        s.as_of,
                        s.outcome_before,
                        s.outcome_after,
                        len(s.gained),
                        len(s.lost),
                    )
                    for s in report.screenings
                ],
            ),
            Section("changes", CHANGES, changes),
            Section(
                "findings",
                SUMMARY,
                [(g.ground, g.level, g.gained, g.lost) for g in report.findings],
            ),
        ],
    )
