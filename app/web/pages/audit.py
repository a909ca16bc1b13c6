"""Revision (auditors): flags per month by ground, structural risks per organisation,
samverkan, unresolved flags, the audit chain with a verify button, and the reports as
CSV or XLSX. Every figure comes from the same report builders as `GET /v1/reports/*`,
under the signed-in key's scope; a report on an organisation out of scope is a 404 page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from app.auditlog import service as auditlog
from app.auditlog import verification
from app.auditlog.repository import AuditFilters
from app.auditlog.schemas import VerifyOut
from app.dates import IsoDate
from app.db import SessionDep, continue_read_only, snapshot_read
from app.errors import AppError, NotFound
from app.pagination import PageParams
from app.registry.crud import service as crud
from app.registry.crud.resources import RESOURCES
from app.reports import render as report_render
from app.reports import repository
from app.reports.filters import Output, ReportFilters
from app.reports.model import Report
from app.reports.respond import respond
from app.reports.samverkan import samverkan_report
from app.reports.screenings import screenings_report
from app.reports.structural import structural_report
from app.reports.summary import summary_report
from app.security.deps import Principal
from app.security.roles import Permission
from app.web import audit_view as view
from app.web import lookup
from app.web.charts import stacked_bars
from app.web.routing import FormUserDep, UserDep, WebRoute, require
from app.web.sessions import SignedIn
from app.web.templating import lang_of, query, render

router = APIRouter(route_class=WebRoute, include_in_schema=False)

Builder = Callable[[Session, repository.Query], Report]
REPORTS: dict[str, tuple[Builder, str, str]] = {
    "screenings": (screenings_report, "Granskningar och fynd", "Screenings and findings"),
    "summary": (summary_report, "Sammanställning per nämnd", "Summary per committee"),
    "structural-risks": (structural_report, "Strukturella risker", "Structural risks"),
    "samverkan": (samverkan_report, "Samverkan", "Joint arrangements"),
}
FORMATS = ("csv", "xlsx")


@dataclass(frozen=True, slots=True)
class Download:
    name: str
    title: str
    format: str
    size: int
    href: str


def _query(session: Session, principal: Principal, filters: ReportFilters) -> repository.Query:
    """The API's filter check; an organisation or committee out of scope is not found."""
    try:
        return repository.resolve(session, principal, filters)
    except AppError as exc:
        raise NotFound("No such organisation or committee.") from exc


def _downloads(
    session: Session, principal: Principal, filters: ReportFilters, lang: str
) -> list[Download]:
    """Every report in both formats, with its size for the link text."""
    out = []
    params = query(**{k: str(v) for k, v in filters.applied().items()})
    for name, (build, sv, en) in REPORTS.items():
        csv_size = sum(
            len(chunk)
            for chunk in report_render.csv_chunks(
                build(session, _query(session, principal, filters)).sections[0], lang
            )
        )
        xlsx_size = len(
            report_render.to_xlsx(build(session, _query(session, principal, filters)), lang)
        )
        title = sv if lang == "sv" else en
        for fmt, size in (("csv", csv_size), ("xlsx", xlsx_size)):
            href = f"/revision/rapporter/{name}?{query(format=fmt)}" + (
                f"&{params}" if params else ""
            )
            out.append(Download(name, title, fmt, size, href))
    return out


def _filters(organisation: str | None, period_from: Any, period_to: Any) -> ReportFilters:
    return ReportFilters(
        organisation=organisation or None, period_from=period_from, period_to=period_to
    )


def _page(
    request: Request,
    session: Session,
    user: SignedIn,
    filters: ReportFilters,
    verified: VerifyOut | None,
) -> Response:
    require(user, Permission.REPORT_READ)
    continue_read_only(session)
    principal, lang = user.principal, lang_of(request)
    q = _query(session, principal, filters)
    findings = view.section_rows(screenings_report(session, q), "findings")
    risks = view.section_rows(structural_report(session, q), "risks")
    arrangements = view.section_rows(samverkan_report(session, q), "arrangements")
    months = view.per_month(findings)
    month_series = view.series_of((g for m in months for g in m.flags), lang)
    per_org = view.risks_per_organisation(risks)
    org_series = view.series_of((g for c in per_org.values() for g in c), lang)
    unresolved = view.unresolved(findings)
    names = lookup.names(
        session,
        principal,
        [*per_org, *(u["person"] for u in unresolved), *(a["host"] for a in arrangements)],
    )
    organisations = crud.list_objects(
        session, principal, RESOURCES["organisations"], [], PageParams(limit=500, offset=0)
    )["items"]
    audit_total = None
    if principal.can(Permission.AUDIT_READ):
        audit_total = auditlog.list_entries(
            session, principal, filters=AuditFilters(), page=PageParams(limit=1, offset=0)
        ).total
    busiest = max(months, key=lambda m: m.flag_total, default=None)
    return render(
        request,
        "audit/revision.html",
        {
            "filters": filters,
            "months": months,
            "month_series": month_series,
            "month_chart": stacked_bars(
                "chart-months",
                "Flaggor per månad och grund" if lang == "sv" else "Flags per month and ground",
                "Staplad stapel per månad; varje del är en grund."
                if lang == "sv"
                else "One stacked bar per month; each part is a ground.",
                month_series,
                view.month_bars(months, month_series),
            ),
            "busiest": busiest if busiest and busiest.flag_total else None,
            "per_org": per_org,
            "org_series": org_series,
            "org_chart": stacked_bars(
                "chart-orgs",
                "Strukturella risker per organisation"
                if lang == "sv"
                else "Structural risks per organisation",
                "Staplad stapel per organisation; varje del är en typ av risk."
                if lang == "sv"
                else "One stacked bar per organisation; each part is a kind of risk.",
                org_series,
                view.organisation_bars(per_org, org_series, names),
            ),
            "samverkan": view.samverkan_counts(arrangements),
            "arrangements": arrangements,
            "unresolved": unresolved,
            "names": names,
            "organisations": organisations,
            "audit_total": audit_total,
            "verified": verified,
            "can_verify": principal.can(Permission.AUDIT_READ),
            "downloads": _downloads(session, principal, filters, lang),
        },
    )


@router.get("/revision")
def revision(
    request: Request,
    session: SessionDep,
    user: UserDep,
    organisation: Annotated[str | None, Query(max_length=200)] = None,
    period_from: Annotated[IsoDate | None, Query(alias="from")] = None,
    period_to: Annotated[IsoDate | None, Query(alias="to")] = None,
) -> Response:
    return _page(request, session, user, _filters(organisation, period_from, period_to), None)


@router.post("/revision/verifiera")
def verify_chain(request: Request, session: SessionDep, user: FormUserDep) -> Response:
    """Recompute the hash chains the key may see (the API's `GET /v1/audit/verify`)."""
    require(user, Permission.AUDIT_READ)
    snapshot_read(session)
    verified = verification.verify_for(session, user.principal)
    return _page(request, session, user, _filters(None, None, None), verified)


@router.get("/revision/rapporter/{name}")
def download(
    request: Request,
    session: SessionDep,
    user: UserDep,
    name: str,
    format: Annotated[str, Query()] = "csv",  # noqa: A002 - the API's parameter name
    section: Annotated[str | None, Query(max_length=100)] = None,
    organisation: Annotated[str | None, Query(max_length=200)] = None,
    period_from: Annotated[IsoDate | None, Query(alias="from")] = None,
    period_to: Annotated[IsoDate | None, Query(alias="to")] = None,
) -> Response:
    """A report as CSV or XLSX, exactly as `GET /v1/reports/{name}` renders it."""
    require(user, Permission.REPORT_READ)
    if name not in REPORTS or format not in FORMATS:
        raise NotFound(f"No report '{name}' as '{format}'.")
    continue_read_only(session)
    filters = _filters(organisation, period_from, period_to)
    build = REPORTS[name][0]
    # In the page's language: Swedish headers and values, `;` and decimal commas in Swedish.
    return respond(
        build(session, _query(session, user.principal, filters)),
        Output(format=format, section=section, language=lang_of(request)),
    )
