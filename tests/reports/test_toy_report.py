"""A report added in a test-only catalogue, without touching the engine, answers JSON, .xlsx and print."""

from __future__ import annotations

import io

import httpx
import openpyxl
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import SchoolClass
from api.services.reports import catalogue
from api.services.reports.engine import Col, ReportContext, ReportDefinition, ReportResult
from tests import factories as fx


async def _classes(ctx: ReportContext) -> ReportResult:
    """Classes per school in the caller's scope: the smallest real query (scope through ctx.schools())."""
    s = ctx.schools()
    stmt = (
        select(ctx.school_name(s).label("school"), func.count(SchoolClass.id).label("classes"))
        .select_from(s)
        .outerjoin(SchoolClass, SchoolClass.organization_id == s.c.id)
        .group_by(s.c.id, ctx.school_name(s))
        .order_by(ctx.school_name(s))
    )
    rows = [dict(r._mapping) for r in await ctx.session.execute(stmt)]
    return ReportResult(
        rows=rows, count=len(rows), totals={"school": "Всего", "classes": sum(r["classes"] for r in rows)}
    )


TOY = ReportDefinition(
    id="test.classes",
    title={"ru": "Классы школ", "kk": "Мектеп сыныптары", "en": "Classes of schools"},
    section="management",
    filters=("district_id",),
    columns=(
        Col("school", {"ru": "Школа", "kk": "Мектеп", "en": "School"}),
        Col("classes", {"ru": "Классов", "kk": "Сыныптар", "en": "Classes"}, "int"),
    ),
    methodology={"ru": "Число классов.", "kk": "Сыныптар саны.", "en": "The number of classes."},
    query=_classes,
    count_label={"ru": "Всего {n} ОУ", "kk": "Барлығы {n} БҰ", "en": "Total: {n} organizations"},
)


async def test_a_toy_report_in_a_test_catalogue_gives_json_xlsx_and_print(
    client: httpx.AsyncClient, db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catalogue, "REPORTS", (TOY,))
    w = await fx.world(db)
    user = await fx.app_user(db, w.body_a)
    h = fx.auth_headers(user)
    items = (await client.get("/api/v1/reports", headers=h)).json()["items"]
    assert [i["id"] for i in items] == ["test.classes"]

    body = (await client.get("/api/v1/reports/test.classes?lang=en", headers=h)).json()
    assert body["title"] == "Classes of schools"
    assert [c["id"] for c in body["columns"]] == ["no", "school", "classes"]
    assert body["rows"] and [r["no"] for r in body["rows"]] == list(range(1, len(body["rows"]) + 1))
    assert body["count_label"] == f"Total: {len(body['rows'])} organizations"

    r = await client.get("/api/v1/reports/test.classes/export?format=xlsx", headers=h)
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert ws is not None
    cells = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert "Классы школ" in cells[0] and "Школа" in cells and "Классов" in cells
    assert body["rows"][0]["school"] in cells

    page = await client.get("/api/v1/reports/test.classes/print", headers=h)
    assert page.status_code == 200 and "Классы школ" in page.text and body["rows"][0]["school"] in page.text
