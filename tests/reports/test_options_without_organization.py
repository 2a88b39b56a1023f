"""Filter options of a report about one organization answer before the organization is chosen (issue 13)."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from api.services.reports import registry
from tests import factories as fx


async def test_options_answer_without_organization_for_every_school_report(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    w = await fx.world(db)
    user = await fx.app_user(db, w.regional_body)
    h = fx.auth_headers(user)
    school_reports = [d.id for d in registry.load_all().values() if d.requires_organization]
    assert len(school_reports) >= 20
    for report_id in school_reports:
        r = await client.get(f"/api/v1/reports/{report_id}/options", headers=h)
        assert r.status_code == 200, (report_id, r.text)
        body = r.json()
        # The cascade is there to choose from; nothing of one organization is listed before it is chosen.
        assert {o["id"] for o in body["organizations"]} >= {w.school_a.id, w.school_b.id}, report_id
        assert body["classes"] == [] and body["teachers"] == [] and body["subjects"] == [], report_id
    # Narrowed by the district the user chose, as the cascade does.
    r = await client.get(f"/api/v1/reports/school.about/options?district_id={w.district_a.id}", headers=h)
    assert [o["id"] for o in r.json()["organizations"]] == [w.school_a.id]
    # The report itself still asks for the organization.
    r = await client.get("/api/v1/reports/school.about", headers=h)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "organization_id"


async def test_options_list_classes_and_teachers_once_the_organization_is_chosen(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    w = await fx.world(db)
    user = await fx.app_user(db, w.regional_body)
    year = await fx.academic_year(db)
    klass = await fx.school_class(db, w.school_a, year, grade=5, letter="А")
    r = await client.get(
        f"/api/v1/reports/school.performance.students/options?organization_id={w.school_a.id}",
        headers=fx.auth_headers(user),
    )
    assert r.status_code == 200, r.text
    assert [c["id"] for c in r.json()["classes"]] == [klass.id]
