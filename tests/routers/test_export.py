"""/api/v1/export: an administrator's data package over HTTP (a job, its progress, the zip once), audited.

The job reads on a connection of its own, so the data must really be committed: each test has a database of its
own (and a data folder of its own for the files)."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import time
import zipfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from api.config import Settings
from api.errors import Conflict
from api.main import create_app
from api.models.audit import AuditEvent
from api.services import export_jobs
from api.services.datapackage.descriptor import exported_tables
from tests import factories as f

EXPORT = "/api/v1/export"


@asynccontextmanager
async def running_app(url: str, data_dir: Path, **settings: Any) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    app = create_app(settings=Settings(environment="test", data_dir=data_dir, **settings), database_url=url)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver", timeout=60) as c:
            yield app, c


async def _world(app: FastAPI) -> dict[str, Any]:
    async with app.state.sessionmaker() as session:
        w = await f.world(session)
        admin = await f.app_user(session, w.body_a, role="admin")
        employee = await f.app_user(session, w.body_a)
        other_admin = await f.app_user(session, w.body_a, role="admin")
        third_admin = await f.app_user(session, w.body_b, role="admin")
        await session.commit()
    return {"w": w, "admin": admin, "employee": employee, "other_admin": other_admin, "third_admin": third_admin}


async def _wait(c: httpx.AsyncClient, job_id: str, headers: dict[str, str]) -> dict[str, Any]:
    for _ in range(300):
        r = await c.get(f"{EXPORT}/{job_id}", headers=headers)
        assert r.status_code == 200, r.text
        if r.json()["status"] != "running":
            return dict(r.json())
        await asyncio.sleep(0.05)
    raise AssertionError("the export did not finish")


async def test_an_admin_downloads_the_package_of_the_subtree_once(own_database_url: str, tmp_path: Path) -> None:
    async with running_app(own_database_url, tmp_path) as (app, c):
        s = await _world(app)
        w, h = s["w"], f.auth_headers(s["admin"])
        r = await c.post(EXPORT, headers=h, json={})
        assert r.status_code == 202, r.text
        job = r.json()
        assert job["organization_id"] == w.body_a.id and job["tables_total"] == len(exported_tables())
        done = await _wait(c, job["id"], h)
        assert done["status"] == "done", done["error"]
        assert done["tables_done"] == done["tables_total"] and done["rows"] > 0 and done["size"] > 0

        # Only the user who asked sees the job (another administrator of the same body does not).
        other = f.auth_headers(s["other_admin"])
        assert (await c.get(f"{EXPORT}/{job['id']}", headers=other)).status_code == 404
        assert (await c.get(f"{EXPORT}/{job['id']}/file", headers=other)).status_code == 404

        r = await c.get(f"{EXPORT}/{job['id']}/file", headers=h)
        assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
        assert f'filename="{done["filename"]}"' in r.headers["content-disposition"]
        with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
            descriptor = json.loads(zf.read("datapackage.json"))
            orgs = list(csv.DictReader(io.StringIO(zf.read("data/organizations.csv").decode())))
        assert [res["name"] for res in descriptor["resources"]] == [t.name for t in exported_tables()]
        assert descriptor["bilim:organization_id"] == w.body_a.id
        # The subtree, with its ancestors as bare rows (its place in the tree); nothing of the other district.
        ids = {int(o["id"]) for o in orgs}
        assert ids == {w.ministry.id, w.regional_body.id, w.body_a.id, w.school_a.id}
        organizations = next(res for res in descriptor["resources"] if res["name"] == "organizations")
        assert organizations["bilim:rows"] == 4

        # The file is sent once, then removed.
        assert (await c.get(f"{EXPORT}/{job['id']}/file", headers=h)).status_code == 404
        assert not list((tmp_path / "exports").glob("*.zip"))

        async with app.state.sessionmaker() as session:
            events = (
                await session.execute(
                    select(AuditEvent.action, AuditEvent.actor_user_id, AuditEvent.organization_id, AuditEvent.details)
                    .where(AuditEvent.action.startswith("export.package"))
                    .order_by(AuditEvent.id)
                )
            ).all()
        assert [(e.action, e.actor_user_id, e.organization_id) for e in events] == [
            ("export.package", s["admin"].id, w.body_a.id),
            ("export.package.download", s["admin"].id, w.body_a.id),
        ]
        assert events[0].details["job_id"] == job["id"]


async def test_a_school_of_the_subtree_and_refusals(own_database_url: str, tmp_path: Path) -> None:
    async with running_app(own_database_url, tmp_path) as (app, c):
        s = await _world(app)
        w, h = s["w"], f.auth_headers(s["admin"])
        # Employees don't export.
        r = await c.post(EXPORT, headers=f.auth_headers(s["employee"]), json={})
        assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
        # Another district's school: not found, naming the field.
        r = await c.post(EXPORT, headers=h, json={"organization_id": w.school_b.id})
        assert r.status_code == 404, r.text
        assert r.json()["error"]["details"] == [
            {"field": "organization_id", "message": f"organization {w.school_b.id} not found in your subtree"}
        ]
        assert (await c.post(EXPORT, headers=h, json={"organization_id": 0})).status_code == 422
        assert (await c.get(f"{EXPORT}/{'0' * 32}", headers=h)).status_code == 404
        assert (await c.get(f"{EXPORT}/not-a-job", headers=h)).status_code == 422
        assert (await c.post(EXPORT, json={})).status_code == 401

        r = await c.post(EXPORT, headers=h, json={"organization_id": w.school_a.id})
        assert r.status_code == 202, r.text
        done = await _wait(c, r.json()["id"], h)
        assert done["status"] == "done" and done["organization_id"] == w.school_a.id


async def test_one_export_at_a_time_per_user(
    own_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = asyncio.Event()
    real = export_jobs.run_export_to

    async def held(*args: Any, **kwargs: Any) -> Any:
        await release.wait()
        return await real(*args, **kwargs)

    monkeypatch.setattr(export_jobs, "run_export_to", held)
    async with running_app(own_database_url, tmp_path, export_concurrency_total=2) as (app, c):
        s = await _world(app)
        h = f.auth_headers(s["admin"])
        assert (await c.get(EXPORT, headers=h)).json() is None
        first = await c.post(EXPORT, headers=h, json={})
        assert first.status_code == 202, first.text
        # The page finds it again (after a reload, say).
        assert (await c.get(EXPORT, headers=h)).json()["id"] == first.json()["id"]
        r = await c.post(EXPORT, headers=h)
        assert r.status_code == 409, r.text
        assert r.json()["error"]["code"] == "conflict" and r.json()["error"]["details"][0]["field"] == "export"
        assert first.json()["id"] in r.json()["error"]["message"]
        # Not finished: no file yet.
        assert (await c.get(f"{EXPORT}/{first.json()['id']}/file", headers=h)).status_code == 409
        # Another administrator is not held up.
        other = await c.post(EXPORT, headers=f.auth_headers(s["other_admin"]), json={})
        assert other.status_code == 202, other.text
        # Two running in all (the setting): a third user waits.
        r = await c.post(EXPORT, headers=f.auth_headers(s["third_admin"]), json={})
        assert r.status_code == 503 and r.headers["retry-after"] == "60", r.text
        release.set()
        assert (await _wait(c, first.json()["id"], h))["status"] == "done"
        # Once it has finished, the next one starts (and replaces the earlier package).
        second = await c.post(EXPORT, headers=h, json={})
        assert second.status_code == 202, second.text
        assert (await c.get(f"{EXPORT}/{first.json()['id']}", headers=h)).status_code == 404
        assert (await _wait(c, second.json()["id"], h))["status"] == "done"
        assert (await c.get(f"{EXPORT}/{second.json()['id']}/file", headers=h)).status_code == 200
        assert (await c.get(EXPORT, headers=h)).json() is None
        await _wait(c, other.json()["id"], f.auth_headers(s["other_admin"]))


def test_a_job_whose_worker_died_no_longer_holds_the_slot(tmp_path: Path) -> None:
    root = tmp_path
    state = export_jobs.JobState(
        id="a" * 32,
        user_id=7,
        organization_id=1,
        status="running",
        tables_done=0,
        tables_total=1,
        rows=0,
        bytes=0,
        filename="x.zip",
        created_at=0,
        updated_at=0,
    )
    export_jobs._save(root, state)
    (root / "user-7.lock").write_text(state.id)
    # A fresh heartbeat holds the slot; once it is older than STALE_SECONDS the job reads as failed and the next
    # export takes the slot.
    with pytest.raises(Conflict):
        export_jobs._claim(root, 7, "b" * 32)
    data = json.loads((root / f"{state.id}.json").read_text())
    data["updated_at"] -= export_jobs.STALE_SECONDS + 1
    (root / f"{state.id}.json").write_text(json.dumps(data))
    assert export_jobs._load(root, state.id).read().status == "failed"  # type: ignore[union-attr]
    export_jobs._claim(root, 7, "b" * 32)
    assert (root / "user-7.lock").read_text() == "b" * 32


def test_expired_files_are_swept(tmp_path: Path) -> None:
    now = time.time()
    done = export_jobs.JobState(
        id="c" * 32,
        user_id=1,
        organization_id=1,
        status="done",
        tables_done=1,
        tables_total=1,
        rows=1,
        bytes=1,
        filename="x.zip",
        created_at=now,
        updated_at=now,
        finished_at=now,
    )
    export_jobs._save(tmp_path, done)
    export_jobs.zip_path(tmp_path, done.id).write_bytes(b"zip")
    half = tmp_path / f".{'d' * 32}.zip.tmp"
    half.write_bytes(b"half")
    export_jobs.sweep(tmp_path, now + 60)
    assert export_jobs.zip_path(tmp_path, done.id).exists() and half.exists()
    os.utime(half, (now - export_jobs.TTL_SECONDS - 1, now - export_jobs.TTL_SECONDS - 1))
    export_jobs.sweep(tmp_path, now + export_jobs.TTL_SECONDS + 1)
    assert sorted(p.name for p in tmp_path.iterdir()) == []
