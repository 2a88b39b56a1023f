"""Reports: the catalogue, cascade filter options, the report as JSON, as .xlsx, .csv and as a print page.

Callers: a signed-in user (their body's subtree) or a read API token (`X-API-Token` or `Authorization: Bearer`,
scope `read`; its organization's subtree). The print page is for people only.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

import api.services.reports.service as service
from api.deps import (
    ApiTokenHeader,
    BearerCredentials,
    CurrentUser,
    SessionDep,
    current_principal,
    optional_principal,
    sent_api_token,
)
from api.replicas import ReadSession, ReplicaRoute
from api.schemas.dates import SaneDate
from api.schemas.reports import ReportBody, ReportCatalog, ReportOptions
from api.services.integration import tokens
from api.services.limits import ReportLimits, token_key, user_key
from api.services.reports.engine import ReportParams
from api.services.scope import Principal

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


@dataclass(frozen=True)
class Caller:
    """Who asks for a report: the scope to apply and the key of the caller's concurrency slots."""

    principal: Principal
    limiter_key: str


async def report_caller(
    request: Request, session: SessionDep, api_key: ApiTokenHeader, bearer: BearerCredentials
) -> Caller:
    """A read API token (403 without the `read` scope) or a signed-in user (401 when neither is sent)."""
    token = sent_api_token(api_key, bearer)
    if token is not None:
        reader = await tokens.authenticate(session, token)
        request.state.integration_token = reader  # the audit log names the token as the actor
        return Caller(tokens.reader(reader), token_key(reader.token_id))
    user = await current_principal(request, await optional_principal(request, session, bearer))
    return Caller(user, user_key(user.user_id))


ReportCaller = Annotated[Caller, Depends(report_caller)]


async def _report_slot(request: Request, caller: ReportCaller) -> AsyncIterator[None]:
    """Hold one of the caller's report slots while the report is computed (429 over the per-caller limit)."""
    limits: ReportLimits = request.app.state.report_limits
    async with limits.report.slot(caller.limiter_key):
        yield


async def _export_slot(request: Request, caller: ReportCaller) -> AsyncIterator[None]:
    """Hold one of the caller's export slots while the workbook, CSV or print page is built."""
    limits: ReportLimits = request.app.state.report_limits
    async with limits.export.slot(caller.limiter_key):
        yield


# scope="function": the slot is released when the endpoint returns, not after the body has been sent.
async def _print_slot(request: Request, principal: CurrentUser) -> AsyncIterator[None]:
    """Hold one of the user's export slots while the print page is built (the print page is for people)."""
    limits: ReportLimits = request.app.state.report_limits
    async with limits.export.slot(user_key(principal.user_id)):
        yield


ReportSlot = Depends(_report_slot, scope="function")
ExportSlot = Depends(_export_slot, scope="function")
PrintSlot = Depends(_print_slot, scope="function")


@router.get("", response_model=ReportCatalog)
async def list_reports(
    caller: ReportCaller, lang: Annotated[Literal["ru", "kk", "en"], Query()] = "ru"
) -> dict[str, Any]:
    """The report catalogue: the reports the caller may open, with their filters and views."""
    return service.catalog(caller.principal, lang)


@router.get("/{report_id}/options", response_model=ReportOptions)
async def report_options(report_id: str, caller: ReportCaller, session: ReadSession, params: Params) -> dict[str, Any]:
    """Cascade filter values within the caller's scope, each list narrowed by the values chosen above it."""
    return await service.options(session, caller.principal, report_id, params)


@router.get("/{report_id}", response_model=ReportBody, dependencies=[ReportSlot])
async def get_report(report_id: str, caller: ReportCaller, session: ReadSession, params: Params) -> JSONResponse:
    """The report as JSON: applied filters, count line, column tree, rows, totals, methodology, data_as_of."""
    # The body is built by the engine in the documented shape; returning it as is spares re-validating every row.
    return JSONResponse(await service.report_json(session, caller.principal, report_id, params))


@router.get(
    "/{report_id}/export",
    response_class=Response,
    responses={
        200: {
            "content": {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
                "text/csv": {},
            }
        }
    },
    dependencies=[ExportSlot],
)
async def export_report(
    report_id: str,
    caller: ReportCaller,
    session: ReadSession,
    params: Params,
    format: Annotated[Literal["xlsx", "csv"], Query(description="export format")] = "xlsx",
    delimiter: Annotated[
        Literal["comma", "semicolon"],
        Query(description="CSV field separator: `comma` (default) or `semicolon` (Excel in ru/kk locales)"),
    ] = "comma",
) -> Response:
    """The report as an .xlsx workbook (merged header tree, totals, frozen header), built off the event loop, or
    as CSV: UTF-8 with BOM, one header line (group titles joined with « / »), the rows, then the totals row;
    numbers as plain numbers with «.», a missing value as an empty field."""
    if format == "csv":
        text, filename = await service.report_csv(
            session, caller.principal, report_id, params, delimiter=";" if delimiter == "semicolon" else ","
        )
        return Response(
            text.encode("utf-8-sig"),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
    content, filename = await service.report_xlsx(session, caller.principal, report_id, params)
    return Response(
        content,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/{report_id}/print", response_class=HTMLResponse, dependencies=[PrintSlot])
async def print_report(report_id: str, principal: CurrentUser, session: ReadSession, params: Params) -> HTMLResponse:
    """A print layout of the report: title, filters, date and the table, header repeated on every page."""
    return HTMLResponse(await service.report_html(session, principal, report_id, params))
