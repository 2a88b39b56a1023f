"""Report service: what the router calls (catalogue, options, JSON, xlsx, print)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import InvalidInput
from api.services.reports import localtime, registry
from api.services.reports.csv_export import render_csv
from api.services.reports.engine import RenderedReport, ReportParams, render_json, run_report, t
from api.services.reports.engine.filters import filter_options
from api.services.reports.printing import render_html
from api.services.reports.xlsx import build_workbook_async
from api.services.scope import Principal

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
    return await filter_options(session, principal, registry.get(report_id), params)
