"""Reads of reports that list named students are audited in JSON, export and print, with the report and school."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models.audit import AuditEvent
from api.services import audit
from tests import factories as fx

NAMED_STUDENTS = [
    "school.journal.history",
    "school.admin.documents",
    "school.movement.arrived",
    "school.movement.departed",
    "school.lists.students",
]


@pytest.mark.parametrize("report_id", NAMED_STUDENTS)
async def test_reads_of_reports_naming_students_are_audited(
    client: httpx.AsyncClient, db: AsyncSession, report_id: str
) -> None:
    w = await fx.world(db)
    await fx.academic_year(db)
    user = await fx.app_user(db, w.body_a)
    h = fx.auth_headers(user)
    query = {"organization_id": w.school_a.id}
    for suffix, action in (("", audit.STUDENTS_READ), ("/print", audit.STUDENTS_READ), ("/export", audit.EXPORT)):
        r = await client.get(f"/api/v1/reports/{report_id}{suffix}", params=query, headers=h)
        assert r.status_code == 200, (suffix, r.text)
        rows = list(
            await db.scalars(
                select(AuditEvent).where(AuditEvent.action == action, AuditEvent.path == r.request.url.path)
            )
        )
        assert len(rows) == 1, (suffix, rows)
        (row,) = rows
        assert (row.actor_user_id, row.target_kind, row.target_id) == (user.id, "report", report_id)
        assert row.organization_id == w.school_a.id
        assert row.details["query"]["organization_id"] == str(w.school_a.id)
        if action == audit.EXPORT:
            assert row.details["students"] is True
    # The district body's administrators find these reads in their log.
    admin = await fx.app_user(db, w.body_a, role="admin")
    r = await client.get("/api/v1/audit", params={"target_id": report_id}, headers=fx.auth_headers(admin))
    assert r.status_code == 200 and len(r.json()["items"]) == 3, r.text
