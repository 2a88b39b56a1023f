"""The data package of a body over HTTP: a background job per administrator, its progress, then the zip.

The package (api.services.datapackage) can take minutes for a region: longer than a request should. So POST starts a
job, an asyncio task in the worker process that took the request, which writes the zip into
`<data_dir>/exports/<job id>.zip` on a connection of its own (outside the request pool, without the statement
timeout of requests). Every worker serves the job's status and file: its state lives beside the zip in
`<job id>.json` (rewritten atomically after each table, and every few seconds as a heartbeat), not in memory.

Rules: one running export per user (`user-<id>.lock` names the running job; a job whose heartbeat stopped, its
worker gone, no longer holds it); the status and the file only for the user who asked (any other: 404); the file is
removed once downloaded, or `TTL` after it was written; starting and downloading are audited.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import re
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from api.config import Settings
from api.errors import Conflict, NotFound, ServiceUnavailable
from api.schemas.export import ExportJob
from api.services import audit
from api.services.datapackage.descriptor import ExportError, exported_tables
from api.services.datapackage.export import run_export_to
from api.services.scope import Principal, get_org_in_scope
from api.services.storage import uploads_root

log = logging.getLogger("api.export")

EXPORT_START = "export.package"
EXPORT_DOWNLOAD = "export.package.download"
TTL_SECONDS = 3600  # a finished job's file (and a failed job's state) is removed this long after it ended
HEARTBEAT_SECONDS = 5.0
STALE_SECONDS = 60.0  # a running job not heard from this long lost its worker
JOB_ID = re.compile(r"^[0-9a-f]{32}$")

# The running tasks of this process (a task only weakly referenced by the loop could be collected).
_TASKS: set[asyncio.Task[None]] = set()


@dataclass
class JobState:
    id: str
    user_id: int
    organization_id: int
    status: str
    tables_done: int
    tables_total: int
    rows: int
    bytes: int
    filename: str
    created_at: float
    updated_at: float
    size: int | None = None
    error: str | None = None
    finished_at: float | None = None

    def running(self, now: float) -> bool:
        """Still being written by a live worker."""
        return self.status == "running" and now - self.updated_at < STALE_SECONDS

    def read(self) -> ExportJob:
        def at(value: float | None) -> datetime | None:
            return datetime.fromtimestamp(value, UTC) if value is not None else None

        status = self.status if self.status != "running" or self.running(time.time()) else "failed"
        return ExportJob(
            id=self.id,
            organization_id=self.organization_id,
            status=status,
            tables_done=self.tables_done,
            tables_total=self.tables_total,
            rows=self.rows,
            bytes=self.bytes,
            size=self.size,
            filename=self.filename,
            error=self.error if status == self.status else "the export stopped (its server process ended)",
            created_at=datetime.fromtimestamp(self.created_at, UTC),
            finished_at=at(self.finished_at),
            expires_at=at(self.finished_at + TTL_SECONDS) if self.status == "done" and self.finished_at else None,
        )


def jobs_dir(settings: Settings) -> Path:
    root = Path(settings.data_dir) / "exports"
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    if root.stat().st_mode & 0o077:
        root.chmod(0o700)  # the packages hold personal data and password hashes: the server's user only
    return root


def _state_path(root: Path, job_id: str) -> Path:
    return root / f"{job_id}.json"


def zip_path(root: Path, job_id: str) -> Path:
    return root / f"{job_id}.zip"


def _lock_path(root: Path, user_id: int) -> Path:
    return root / f"user-{int(user_id)}.lock"


def _load(root: Path, job_id: str) -> JobState | None:
    if not JOB_ID.match(job_id):
        return None
    try:
        data = json.loads(_state_path(root, job_id).read_text())
        return JobState(**data)
    except (OSError, ValueError, TypeError):
        return None


def _save(root: Path, state: JobState) -> None:
    """Replace the state file atomically (another worker may be reading it)."""
    state.updated_at = time.time()
    path = _state_path(root, state.id)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(asdict(state)))
    os.replace(tmp, path)


def _remove(root: Path, job_id: str) -> None:
    for path in (zip_path(root, job_id), _state_path(root, job_id)):
        path.unlink(missing_ok=True)


def sweep(root: Path, now: float | None = None) -> None:
    """Remove the files of jobs that ended more than TTL ago, or whose worker died that long ago."""
    now = now or time.time()
    for path in root.glob("*.json"):
        state = _load(root, path.stem)
        if state is None:
            continue
        ended = state.finished_at if state.status != "running" else state.updated_at
        if ended is not None and now - ended > TTL_SECONDS:
            _remove(root, state.id)
    # A worker that died mid-export leaves its half-written zip (`.<id>.zip.tmp`) behind.
    for path in root.glob(".*.tmp"):
        with contextlib.suppress(OSError):
            if now - path.stat().st_mtime > TTL_SECONDS:
                path.unlink()


def _claim(root: Path, user_id: int, job_id: str) -> None:
    """Take the user's lock for `job_id`; 409 while another export of theirs is running."""
    lock = _lock_path(root, user_id)
    for _ in range(3):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            try:
                holder = lock.read_text().strip()
            except FileNotFoundError:
                continue
            other = _load(root, holder)
            if other is not None and other.running(time.time()):
                message = f"an export of yours is running (job {other.id}); wait for it to finish"
                raise Conflict(f"export: {message}", details=[{"field": "export", "message": message}]) from None
            lock.unlink(missing_ok=True)  # its job ended or its worker died
            continue
        with os.fdopen(fd, "w") as fh:
            fh.write(job_id)
        return
    message = "another export of yours is starting; try again"
    raise Conflict(f"export: {message}", details=[{"field": "export", "message": message}])


def _check_capacity(root: Path, total: int) -> None:
    """503 while `total` exports of any users are running (in every worker): each holds a connection and a core."""
    now = time.time()
    running = sum(1 for path in root.glob("*.json") if (state := _load(root, path.stem)) and state.running(now))
    if running >= total:
        raise ServiceUnavailable(
            "the service is busy with other exports, try again in a minute", headers={"Retry-After": "60"}
        )


def _release(root: Path, user_id: int, job_id: str) -> None:
    lock = _lock_path(root, user_id)
    with contextlib.suppress(OSError):
        if lock.read_text().strip() == job_id:
            lock.unlink()


def _own(root: Path, principal: Principal, job_id: str) -> JobState:
    """The caller's job; 404 for an unknown job and for another user's."""
    state = _load(root, job_id)
    if state is None or state.user_id != principal.user_id:
        raise NotFound(f"export job {job_id[:40]} not found")
    return state


async def start(
    session: AsyncSession,
    principal: Principal,
    request: Request,
    organization_id: int | None,
    database_url: str,
) -> ExportJob:
    """Check the organization is in the caller's subtree, take the caller's one slot, start the job, audit it."""
    settings: Settings = request.app.state.settings
    target = organization_id or principal.organization_id
    try:
        org = await get_org_in_scope(session, principal, target)
    except NotFound:
        message = f"organization {target} not found in your subtree"
        raise NotFound(
            f"organization_id: {message}", details=[{"field": "organization_id", "message": message}]
        ) from None
    root = jobs_dir(settings)
    sweep(root)
    job_id = uuid.uuid4().hex
    _claim(root, principal.user_id, job_id)
    try:
        _check_capacity(root, settings.export_concurrency_total)
        # One package per user on disk: a new export replaces the earlier ones.
        for path in root.glob("*.json"):
            earlier = _load(root, path.stem)
            if earlier is not None and earlier.user_id == principal.user_id and earlier.id != job_id:
                _remove(root, earlier.id)
        now = time.time()
        stamp = datetime.fromtimestamp(now, UTC).strftime("%Y%m%d-%H%M")
        state = JobState(
            id=job_id,
            user_id=principal.user_id,
            organization_id=org.id,
            status="running",
            tables_done=0,
            tables_total=len(exported_tables()),
            rows=0,
            bytes=0,
            filename=f"bilim-export-{org.id}-{stamp}.zip",
            created_at=now,
            updated_at=now,
        )
        _save(root, state)
        await audit.record_organization_event(
            session, request, EXPORT_START, org.id, {"job_id": job_id, "format": "frictionless data package"}
        )
    except BaseException:
        _release(root, principal.user_id, job_id)
        _remove(root, job_id)
        raise
    task = asyncio.create_task(_run(root, state, database_url, uploads_root(settings)))
    _TASKS.add(task)
    task.add_done_callback(_TASKS.discard)
    return state.read()


async def _heartbeat(root: Path, state: JobState) -> None:
    while True:
        await asyncio.sleep(HEARTBEAT_SECONDS)
        _save(root, state)


async def _run(root: Path, state: JobState, database_url: str, uploads_root: Path) -> None:
    def progress(table: str, tables_done: int, written: int, rows: int) -> None:
        state.tables_done, state.bytes, state.rows = tables_done, written, rows
        _save(root, state)

    beat = asyncio.create_task(_heartbeat(root, state))
    try:
        result = await run_export_to(
            database_url, state.organization_id, zip_path(root, state.id), uploads_root, progress=progress
        )
        state.status, state.rows = "done", sum(result.rows.values())
        state.size = zip_path(root, state.id).stat().st_size
    except ExportError as exc:
        state.status, state.error = "failed", str(exc)
    except asyncio.CancelledError:
        state.status, state.error = "failed", "the export was stopped (the server is shutting down)"
        raise
    except Exception:
        log.exception("export job %s failed", state.id)
        state.status, state.error = "failed", "internal error"
    finally:
        beat.cancel()
        state.finished_at = time.time()
        with contextlib.suppress(OSError):
            _save(root, state)
        _release(root, state.user_id, state.id)


def status(settings: Settings, principal: Principal, job_id: str) -> ExportJob:
    return _own(jobs_dir(settings), principal, job_id).read()


def latest(settings: Settings, principal: Principal) -> ExportJob | None:
    """The caller's current job (running, or finished and not yet downloaded or expired), if any."""
    root = jobs_dir(settings)
    sweep(root)
    mine = [s for path in root.glob("*.json") if (s := _load(root, path.stem)) and s.user_id == principal.user_id]
    return max(mine, key=lambda s: s.created_at).read() if mine else None


async def download(
    session: AsyncSession, settings: Settings, principal: Principal, request: Request, job_id: str
) -> tuple[Path, str]:
    """The finished zip of the caller's job and its file name (the caller removes it once sent); audited."""
    root = jobs_dir(settings)
    sweep(root)
    state = _own(root, principal, job_id)
    path = zip_path(root, job_id)
    if state.status != "done" or not path.is_file():
        message = "the export is not finished" if state.read().status == "running" else "the export has no file"
        raise Conflict(f"export: {message}", details=[{"field": "export", "message": message}])
    await audit.record_organization_event(
        session, request, EXPORT_DOWNLOAD, state.organization_id, {"job_id": job_id, "bytes": state.size}
    )
    return path, state.filename


def remove(settings: Settings, job_id: str) -> None:
    """Remove a job's files (after its zip was sent)."""
    _remove(jobs_dir(settings), job_id)
