"""Every school report: JSON, .xlsx and print through the engine; 404 for an employee of another district."""

from __future__ import annotations

import io
from typing import Any

import httpx
import openpyxl
from sqlalchemy.ext.asyncio import AsyncSession

from api.services.reports import registry
from tests import factories as fx
from tests.reports.school.crafted import Crafted, build

SCHOOL_REPORTS = sorted(k for k in registry.load_all() if k.startswith("school."))


def params(c: Crafted, report_id: str) -> dict[str, Any]:
    """Filters that make the report answer for school A, quarter 1 (class / teacher where it needs one)."""
    d = registry.get(report_id)
    p: dict[str, Any] = {"organization_id": c.w.school_a.id}
    if "period_id" in d.filters and report_id != "school.admin.documents":
        p["period_id"] = c.q1.id
    if report_id in ("school.performance.class_teacher", "school.attendance.class_teacher"):
        p["class_id"] = c.c5a.id
    if report_id == "school.performance.subject_teacher":
        p["teacher_id"] = c.t1.id
    if report_id in ("school.lists.students", "school.lists.staff"):
        p["date"] = "2025-10-26"
    if report_id == "school.activity":
        p["date"] = c.report_day.isoformat()
    return p


async def get(client: httpx.AsyncClient, c: Crafted, report_id: str, **extra: Any) -> dict[str, Any]:
    """The report as JSON for the district A employee (asserting 200)."""
    p = params(c, report_id) | extra
    r = await client.get(f"/api/v1/reports/{report_id}", params=p, headers=fx.auth_headers(c.user_a))
    assert r.status_code == 200, r.text
    return r.json()


def test_catalogue_has_all_25() -> None:
    assert len(SCHOOL_REPORTS) == 25


async def test_every_report_renders_everywhere_and_is_scoped(client: httpx.AsyncClient, db: AsyncSession) -> None:
    c = await build(db)
    for report_id in SCHOOL_REPORTS:
        await _check_report(client, c, report_id)


async def _check_report(client: httpx.AsyncClient, c: Crafted, report_id: str) -> None:
    p = params(c, report_id)
    for lang in ("ru", "kk", "en"):
        body = await get(client, c, report_id, lang=lang)
        assert body["id"] == report_id and body["title"] and body["methodology"]
        assert body["rows"], f"{report_id} has no rows on the crafted school"
    xl = await client.get(
        f"/api/v1/reports/{report_id}/export", params=p | {"format": "xlsx"}, headers=fx.auth_headers(c.user_a)
    )
    assert xl.status_code == 200, xl.text
    wb = openpyxl.load_workbook(io.BytesIO(xl.content))
    assert wb.active is not None and wb.active.max_row > 3
    pr = await client.get(f"/api/v1/reports/{report_id}/print", params=p, headers=fx.auth_headers(c.user_a))
    assert pr.status_code == 200, pr.text
    assert "<table" in pr.text
    # an employee of another district: 404 naming the organization
    other = await client.get(f"/api/v1/reports/{report_id}", params=p, headers=fx.auth_headers(c.user_b))
    assert other.status_code == 404, other.text
    assert other.json()["error"]["details"][0]["field"] == "organization_id"
    missing = await client.get(f"/api/v1/reports/{report_id}", headers=fx.auth_headers(c.user_a))
    assert missing.status_code == 422
