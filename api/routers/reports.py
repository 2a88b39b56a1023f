"""Reports: the catalogue, cascade filter options, the report as JSON, as .xlsx and as a print page."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

import api.services.reports.service as service
from api.deps import CurrentUser
from api.replicas import ReadSession, ReplicaRoute
from api.schemas.dates import SaneDate
from api.schemas.reports import ReportBody, ReportCatalog, ReportOptions
from api.services.limits import ReportLimits, user_key
from api.services.reports.engine import ReportParams

router = APIRouter(prefix="/reports", tags=["reports"], route_class=ReplicaRoute)


def report_params(
    view: Annotated[str | None, Query(description="view (tab) of the report")] = None,
    lang: Annotated[Literal["ru", "kk", "en"], Query(description="language of titles")] = "ru",
    body_id: Annotated[int | None, Query(description="managing organization whose subtree is reported")] = None,
    region_id: Annotated[int | None, Query()] = None,
    district_id: Annotated[int | None, Query()] = None,
    org_type_id: Annotated[int | None, Query()] = None,
    organization_id: Annotated[int | None, Query()] = None,
    period_id: Annotated[int | None, Query(description="quarter or year")] = None,
    date: Annotated[SaneDate | None, Query(description="report date (default today); 2000-01-01 … 2100-12-31")] = None,
    date_from: Annotated[SaneDate | None, Query(description="2000-01-01 … 2100-12-31")] = None,
    date_to: Annotated[SaneDate | None, Query(description="2000-01-01 … 2100-12-31")] = None,
    class_id: Annotated[int | None, Query()] = None,
    teacher_id: Annotated[int | None, Query()] = None,
    subject_id: Annotated[int | None, Query()] = None,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> ReportParams:
    """The filter values of a report request."""
    return ReportParams(
        view=view,
        lang=lang,
        body_id=body_id,
        region_id=region_id,
        district_id=district_id,
        org_type_id=org_type_id,
        organization_id=organization_id,
        period_id=period_id,
        date=date,
        date_from=date_from,
        date_to=date_to,
        class_id=class_id,
        teacher_id=teacher_id,
        subject_id=subject_id,
        page=page,
        page_size=page_size,
    )


Params = Annotated[ReportParams, Depends(report_params)]


async def _report_slot(request: Request, principal: CurrentUser) -> AsyncIterator[None]:
    """Hold one of the caller's report slots while the report is computed (429 over the per-user limit)."""
    limits: ReportLimits = request.app.state.report_limits
    async with limits.report.slot(user_key(principal.user_id)):
        yield


async def _export_slot(request: Request, principal: CurrentUser) -> AsyncIterator[None]:
    """Hold one of the caller's export slots while the workbook or print page is built."""
    limits: ReportLimits = request.app.state.report_limits
    async with limits.export.slot(user_key(principal.user_id)):
        yield


# scope="function": the slot is released when the endpoint returns, not after the body has been sent.
ReportSlot = Depends(_report_slot, scope="function")
ExportSlot = Depends(_export_slot, scope="function")


@router.get("", response_model=ReportCatalog)
async def list_reports(
    principal: CurrentUser, lang: Annotated[Literal["ru", "kk", "en"], Query()] = "ru"
) -> dict[str, Any]:
    """The report catalogue: the reports the caller may open, with their filters and views."""
    return service.catalog(principal, lang)


@router.get("/{report_id}/options", response_model=ReportOptions)
async def report_options(
    report_id: str, principal: CurrentUser, session: ReadSession, params: Params
) -> dict[str, Any]:
    """Cascade filter values within the caller's scope, each list narrowed by the values chosen above it."""
    return await service.options(session, principal, report_id, params)


@router.get("/{report_id}", response_model=ReportBody, dependencies=[ReportSlot])
async def get_report(report_id: str, principal: CurrentUser, session: ReadSession, params: Params) -> JSONResponse:
    """The report as JSON: applied filters, count line, column tree, rows, totals, methodology, data_as_of."""
    # The body is built by the engine in the documented shape; returning it as is spares re-validating every row.
    return JSONResponse(await service.report_json(session, principal, report_id, params))


@router.get(
    "/{report_id}/export",
    response_class=Response,
    responses={200: {"content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}},
    dependencies=[ExportSlot],
)
async def export_report(
    report_id: str,
    principal: CurrentUser,
    session: ReadSession,
    params: Params,
    format: Annotated[Literal["xlsx"], Query(description="export format")] = "xlsx",
) -> Response:
    """The report as an .xlsx workbook (merged header tree, totals, frozen header), built off the event loop."""
    content, filename = await service.report_xlsx(session, principal, report_id, params)
    return Response(
        content,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/{report_id}/print", response_class=HTMLResponse, dependencies=[ExportSlot])
async def print_report(report_id: str, principal: CurrentUser, session: ReadSession, params: Params) -> HTMLResponse:
    """A print layout of the report: title, filters, date and the table, header repeated on every page."""
    return HTMLResponse(await service.report_html(session, principal, report_id, params))
