"""The Revision page's figures, read from the auditor reports (app/reports), so that the
page, its CSV/XLSX downloads and `GET /v1/reports/*` always agree."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from app.reports.model import Report, Section
from app.web import i18n
from app.web.charts import Bar, Series

FLAG_LEVELS = ("jav", "mojligt_jav")


def rows(section: Section) -> list[dict[str, Any]]:
    names = [c.name for c in section.columns]
    return [dict(zip(names, row, strict=True)) for row in section.rows]


def section_rows(report: Report, name: str) -> list[dict[str, Any]]:
    return rows(report.section(name))


@dataclass(slots=True)
class Month:
    month: str
    screenings: int
    flags: Counter[str] = field(default_factory=Counter)

    @property
    def flag_total(self) -> int:
        return sum(self.flags.values())


def per_month(findings: Iterable[dict[str, Any]]) -> list[Month]:
    """Screenings (by their as_of month) and person flags (jäv, möjligt jäv) by ground."""
    screenings: dict[str, set[str]] = defaultdict(set)
    flags: dict[str, Counter[str]] = defaultdict(Counter)
    for row in findings:
        month = str(row["as_of"])[:7]
        screenings[month].add(row["screening"])
        if row["ground"] and not row["structural"] and row["level"] in FLAG_LEVELS:
            flags[month][row["ground"]] += 1
    return [Month(m, len(screenings[m]), flags[m]) for m in sorted(screenings)]


def unresolved(findings: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Flags with no recorded decision: person findings at jäv or möjligt jäv."""
    return [
        r
        for r in findings
        if r["ground"]
        and not r["structural"]
        and r["level"] in FLAG_LEVELS
        and r["resolved"] is False
    ]


def risks_per_organisation(risks: Iterable[dict[str, Any]]) -> dict[str, Counter[str]]:
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for risk in risks:
        out[risk["organisation"] or "–"][risk["ground"]] += 1
    return dict(sorted(out.items()))


def samverkan_counts(arrangements: Iterable[dict[str, Any]]) -> dict[str, Counter[str]]:
    """Arrangements by form (gemensam nämnd, kommunalförbund, avtal) and area."""
    seen: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for a in arrangements:
        seen[a["form"]].add((a["ref"], a["area"] or "–"))
    return {form: Counter(area for _, area in refs) for form, refs in sorted(seen.items())}


def series_of(codes: Iterable[str], lang: i18n.Lang) -> list[Series]:
    return [Series(c, i18n.label("ground", c, lang)) for c in sorted(set(codes))]


def month_bars(months: list[Month], series: list[Series]) -> list[Bar]:
    return [Bar(m.month, tuple(m.flags.get(s.code, 0) for s in series)) for m in months]


def organisation_bars(
    per_org: dict[str, Counter[str]], series: list[Series], names: dict[str, str]
) -> list[Bar]:
    return [
        Bar(names.get(org, org), tuple(c.get(s.code, 0) for s in series))
        for org, c in per_org.items()
    ]
