"""The data package of a body for its administrators: /api/v1/export (a job, its progress, then the zip)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Path, Request, status
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from api.deps import AdminUser, SessionDep
from api.schemas.export import ExportJob, ExportStart
from api.services import export_jobs

router = APIRouter(prefix="/export", tags=["export"])

JobId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="the job's id, as POST /export answered")]


@router.post("", response_model=ExportJob, status_code=status.HTTP_202_ACCEPTED)
async def start_export(
    principal: AdminUser,
    session: SessionDep,
    request: Request,
    body: Annotated[ExportStart | None, Body()] = None,
) -> ExportJob:
    """Start writing the data package (Frictionless, zip) of a body's subtree; one running export per user.

    Follow it with GET /export/{job_id}, then download GET /export/{job_id}/file (once: the file is removed when
    sent, or an hour after it was written). Personal data: only administrators, only their subtree; audited.
    """
    url = request.app.state.engine.url.render_as_string(hide_password=False)
    organization_id = body.organization_id if body is not None else None
    return await export_jobs.start(session, principal, request, organization_id, url)


@router.get("", response_model=ExportJob | None)
async def current_export(principal: AdminUser, request: Request) -> ExportJob | None:
    """Your current export, if any: running, or finished and not yet downloaded (null otherwise)."""
    return export_jobs.latest(request.app.state.settings, principal)


@router.get("/{job_id}", response_model=ExportJob)
async def export_status(job_id: JobId, principal: AdminUser, request: Request) -> ExportJob:
    """The progress of one of your exports: tables and rows written so far, then done (or failed, and why)."""
    return export_jobs.status(request.app.state.settings, principal, job_id)


@router.get(
    "/{job_id}/file",
    response_class=FileResponse,
    responses={
        200: {"content": {"application/zip": {}}, "description": "the data package"},
        409: {"description": "The export is still running, or failed: no file."},
    },
)
async def export_file(job_id: JobId, principal: AdminUser, session: SessionDep, request: Request) -> FileResponse:
    """The finished package (application/zip); removed once sent."""
    settings = request.app.state.settings
    path, filename = await export_jobs.download(session, settings, principal, request, job_id)
    return FileResponse(
        path,
        media_type="application/zip",
        filename=filename,
        background=BackgroundTask(export_jobs.remove, settings, job_id),
    )
