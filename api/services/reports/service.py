"""Report service: what the router calls (catalogue, options, JSON, xlsx, print)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Date, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import InvalidInput
from api.models import (
    AcademicYear,
    Assignment,
    District,
    Organization,
    OrganizationType,
    Period,
    Person,
    Region,
    SchoolClass,
    StaffPost,
    Subject,
)
from api.services.reports import localtime, registry
from api.services.reports.csv_export import render_csv
from api.services.reports.engine import (
    AppliedFilters,
    RenderedReport,
    ReportParams,
    render_json,
    resolve_filters,
    run_report,
    t,
)
from api.services.reports.kit import full_name
from api.services.reports.printing import render_html
from api.services.reports.xlsx import build_workbook_async
from api.services.scope import Principal

# The period list as a user reads it: the current academic year (the latest that has begun) first, then the
# earlier years, newest first, then years not begun yet; within a year the quarters 1–4, the halves, then the
# whole year («1 четверть, 2 четверть, 3 четверть, 4 четверть, Учебный год»).
PERIOD_ORDER = (
    (AcademicYear.starts_on > func.timezone(localtime.TIME_ZONE, func.now()).cast(Date)).asc(),
    AcademicYear.starts_on.desc(),
    AcademicYear.id,
    case({"quarter": 0, "half": 1}, value=Period.kind, else_=2),
    Period.number,
    Period.id,
)

# Exports read every row, but not without bound: beyond this the caller must narrow the filters.
MAX_EXPORT_ROWS = 300_000


def catalog(principal: Principal, lang: str) -> dict[str, Any]:
    """The reports the caller may open (every authenticated ОУО user may open every report, within scope)."""
    items = []
    for d in registry.load_all().values():
        items.append(
            {
                "id": d.id,
                "title": t(d.title, lang),
                "titles": d.title,
                "section": d.section,
                "filters": list(d.filters),
                "views": [{"id": v.id, "title": t(v.title, lang)} for v in d.views],
                "requires_organization": d.requires_organization,
                "paginated": d.paginated,
                "formats": ["json", "xlsx", "csv", "print"],
            }
        )
    return {"items": items}


async def report_json(session: AsyncSession, principal: Principal, report_id: str, params: ReportParams) -> dict:
    """Run the report and render it as JSON."""
    rep = await run_report(session, principal, registry.get(report_id), params)
    return render_json(rep)


async def report_xlsx(
    session: AsyncSession, principal: Principal, report_id: str, params: ReportParams
) -> tuple[bytes, str]:
    """Run the report (all rows) and build the workbook off the event loop (a thread, or a process when large)."""
    rep = await _run_for_export(session, principal, report_id, params)
    return await build_workbook_async(rep), _file_name(rep, report_id, "xlsx")


async def report_csv(
    session: AsyncSession, principal: Principal, report_id: str, params: ReportParams, *, delimiter: str = ","
) -> tuple[str, str]:
    """Run the report (all rows) and render it as CSV text (the router adds the BOM)."""
    rep = await _run_for_export(session, principal, report_id, params)
    return render_csv(rep, delimiter), _file_name(rep, report_id, "csv")


async def _run_for_export(
    session: AsyncSession, principal: Principal, report_id: str, params: ReportParams
) -> RenderedReport:
    """Run the report with all its rows for a file; 422 beyond MAX_EXPORT_ROWS."""
    rep = await run_report(session, principal, registry.get(report_id), params, unpaged=True)
    if len(rep.result.rows) > MAX_EXPORT_ROWS:
        raise InvalidInput("filters", f"more than {MAX_EXPORT_ROWS} rows: narrow the filters to export")
    return rep


def _file_name(rep: RenderedReport, report_id: str, extension: str) -> str:
    """`<report id>-<yyyymmdd of the data>.<extension>` («report» for the date when the data has none)."""
    stamp = localtime.local(rep.result.data_as_of).strftime("%Y%m%d") if rep.result.data_as_of else "report"
    return f"{report_id}-{stamp}.{extension}"


async def report_html(session: AsyncSession, principal: Principal, report_id: str, params: ReportParams) -> str:
    """Run the report (all rows) and render the print page."""
    rep = await run_report(session, principal, registry.get(report_id), params, unpaged=True)
    return render_html(rep)


async def options(session: AsyncSession, principal: Principal, report_id: str, params: ReportParams) -> dict:
    """Cascade filter values in the caller's scope: each list is narrowed by the values chosen above it."""
    definition = registry.get(report_id)
    lang = params.lang
    f: AppliedFilters = await resolve_filters(session, principal, definition, params, lang, require_organization=False)
    o = Organization
    root = principal.organization_id

    def nm(model: Any) -> ColumnElement[str]:
        other = getattr(model, f"name_{lang}", None)
        if lang == "ru" or other is None:
            return model.name_ru
        return func.coalesce(func.nullif(other, ""), model.name_ru)

    def school_conds(level: int) -> list[ColumnElement[bool]]:
        """Conditions on schools from the cascade filters above `level` (0 body, 1 region, 2 district, 3 type)."""
        conds: list[ColumnElement[bool]] = [o.path.contains([root]), o.kind == "school", o.closed_on.is_(None)]
        if level > 0 and f.body_id is not None:
            conds.append(o.path.contains([f.body_id]))
        if level > 1 and f.region_id is not None:
            conds.append(o.region_id == f.region_id)
        if level > 2 and f.district_id is not None:
            conds.append(o.district_id == f.district_id)
        if level > 3 and f.org_type_id is not None:
            conds.append(o.type_id == f.org_type_id)
        return conds

    async def items(stmt: Any) -> list[dict[str, Any]]:
        return [
            {"id": r[0], "name": r[1], "parent_id": r[2] if len(r) > 2 else None} for r in await session.execute(stmt)
        ]

    bodies = await items(
        select(o.id, nm(o), o.parent_id).where(o.path.contains([root]), o.kind != "school").order_by(o.path)
    )
    regions = await items(
        select(Region.id, nm(Region))
        .where(select(o.id).where(and_(*school_conds(1)), o.region_id == Region.id).exists())
        .order_by(Region.name_ru)
    )
    districts = await items(
        select(District.id, nm(District), District.region_id)
        .where(select(o.id).where(and_(*school_conds(2)), o.district_id == District.id).exists())
        .order_by(District.name_ru)
    )
    org_types = await items(
        select(OrganizationType.id, nm(OrganizationType))
        .where(select(o.id).where(and_(*school_conds(3)), o.type_id == OrganizationType.id).exists())
        .order_by(OrganizationType.sort_order, OrganizationType.name_ru)
    )
    school_name = func.coalesce(o.name_kk, o.name_ru) if lang == "kk" else o.name_ru
    organizations = await items(
        select(o.id, school_name, o.district_id).where(and_(*school_conds(4))).order_by(school_name, o.id)
    )
    periods = await items(
        select(Period.id, func.concat(nm(Period), " ", AcademicYear.name), Period.academic_year_id)
        .join(AcademicYear, AcademicYear.id == Period.academic_year_id)
        .order_by(*PERIOD_ORDER)
    )
    classes: list[dict[str, Any]] = []
    teachers: list[dict[str, Any]] = []
    subjects: list[dict[str, Any]] = []
    if f.organization_id is not None:
        classes = await items(
            select(SchoolClass.id, func.concat(SchoolClass.grade, SchoolClass.letter), SchoolClass.academic_year_id)
            .where(SchoolClass.organization_id == f.organization_id)
            .order_by(SchoolClass.grade, SchoolClass.letter)
        )
        full = full_name()
        teachers = await items(
            select(Person.id, full)
            .where(
                select(StaffPost.id)
                .where(StaffPost.person_id == Person.id, StaffPost.organization_id == f.organization_id)
                .exists()
            )
            .order_by(full, Person.id)
        )
        subjects = await items(
            select(Subject.id, nm(Subject))
            .where(
                select(Assignment.id)
                .where(Assignment.subject_id == Subject.id, Assignment.organization_id == f.organization_id)
                .exists()
            )
            .order_by(nm(Subject))
        )
    return {
        "bodies": bodies,
        "regions": regions,
        "districts": districts,
        "org_types": org_types,
        "organizations": organizations,
        "periods": periods,
        "classes": classes,
        "teachers": teachers,
        "subjects": subjects,
    }
