"""/api/v1/tree: administrators keep the tree (organizations, regions, districts) within their subtree."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import Enrolment, Organization
from api.models.audit import AuditEvent
from tests import factories as f

TREE = "/api/v1/tree"


def _details(r: httpx.Response) -> list[tuple[str, str]]:
    return [(d["field"], d["message"]) for d in r.json()["error"]["details"]]


async def test_create_edit_and_list_within_the_subtree(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    admin = await f.app_user(db, w.body_a, role="admin")
    h = f.auth_headers(admin)
    body = {"kind": "school", "parent_id": w.body_a.id, "name_ru": "Школа №7", "name_kk": "№7 мектеп"}
    r = await client.post(f"{TREE}/organizations", headers=h, json={**body, "type_id": w.school_type.id})
    assert r.status_code == 201, r.text
    school = r.json()
    # Region and district come from the district body.
    assert (school["region_id"], school["district_id"]) == (w.region.id, w.district_a.id)
    assert school["path"] == [*w.body_a.path, school["id"]]
    r = await client.patch(
        f"{TREE}/organizations/{school['id']}", headers=h, json={"phones": "8 700 000 00 00", "name_ru": "Школа №8"}
    )
    assert r.status_code == 200 and r.json()["name_ru"] == "Школа №8"
    types = (await client.get(f"{TREE}/organization-types", headers=h)).json()
    assert w.school_type.id in [t["id"] for t in types]
    names = [o["name_ru"] for o in (await client.get(f"{TREE}/organizations", headers=h)).json()]
    assert names == ["Школа А", "Школа №8"]
    actions = (
        await db.scalars(
            select(AuditEvent.details["change"].astext).where(
                AuditEvent.action == "organization.change", AuditEvent.target_id == str(school["id"])
            )
        )
    ).all()
    assert sorted(actions) == ["created", "updated"]

    # Outside the subtree: the other district body is neither a parent nor readable.
    r = await client.post(f"{TREE}/organizations", headers=h, json={**body, "parent_id": w.body_b.id, "type_id": 1})
    assert r.status_code == 422 and _details(r)[0][0] == "parent_id"
    assert (await client.get(f"{TREE}/organizations/{w.school_b.id}", headers=h)).status_code == 404
    assert (await client.get(f"{TREE}/organizations?parent_id={w.body_b.id}", headers=h)).status_code == 404
    assert (
        await client.patch(f"{TREE}/organizations/{w.school_b.id}", headers=h, json={"phones": "1"})
    ).status_code == 404
    bodies = (await client.get(f"{TREE}/bodies", headers=h)).json()
    assert [b["id"] for b in bodies] == [w.body_a.id]
    # Employees don't keep the tree.
    employee = await f.app_user(db, w.body_a)
    r = await client.post(f"{TREE}/organizations", headers=f.auth_headers(employee), json=body)
    assert r.status_code == 403


async def test_refusals_name_the_field(client: httpx.AsyncClient, db: AsyncSession) -> None:
    w = await f.world(db)
    other_region = await f.region(db)
    admin = await f.app_user(db, w.ministry, role="admin")
    h = f.auth_headers(admin)
    cases = [
        # A regional body below the ministry without a region (the schema demands one).
        ({"kind": "regional_body", "parent_id": w.ministry.id, "name_ru": "УО"}, "region_id"),
        ({"kind": "district_body", "parent_id": w.regional_body.id, "name_ru": "ОО"}, "district_id"),
        ({"kind": "district_body", "parent_id": w.ministry.id, "name_ru": "ОО"}, "parent_id"),
        ({"kind": "school", "parent_id": w.school_a.id, "name_ru": "Ш", "type_id": w.school_type.id}, "parent_id"),
        ({"kind": "school", "parent_id": w.body_a.id, "name_ru": "Ш"}, "type_id"),
        (
            {
                "kind": "school",
                "parent_id": w.regional_body.id,
                "name_ru": "Ш",
                "type_id": w.school_type.id,
                "region_id": other_region.id,
            },
            "region_id",
        ),
        (
            {
                "kind": "district_body",
                "parent_id": w.regional_body.id,
                "name_ru": "ОО",
                "district_id": (await f.district(db, other_region)).id,
            },
            "district_id",
        ),
    ]
    before = await db.scalar(select(Organization.id).order_by(Organization.id.desc()).limit(1))
    for body, field in cases:
        r = await client.post(f"{TREE}/organizations", headers=h, json=body)
        assert r.status_code == 422, (body, r.text)
        assert _details(r)[0][0] == field, (body, r.text)
        assert "ck_" not in r.text
    assert await db.scalar(select(Organization.id).order_by(Organization.id.desc()).limit(1)) == before
    # With its region, the regional body is created.
    r = await client.post(
        f"{TREE}/organizations",
        headers=h,
        json={"kind": "regional_body", "parent_id": w.ministry.id, "name_ru": "УО", "region_id": other_region.id},
    )
    assert r.status_code == 201, r.text


async def test_moving_keeps_the_subtree_and_refuses_cycles_and_other_scopes(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    w = await f.world(db)
    admin = await f.app_user(db, w.regional_body, role="admin")
    h = f.auth_headers(admin)
    r = await client.post(f"{TREE}/organizations/{w.school_a.id}/move", headers=h, json={"parent_id": w.body_b.id})
    assert r.status_code == 200, r.text
    assert r.json()["path"] == [*w.body_b.path, w.school_a.id]
    assert r.json()["district_id"] == w.district_b.id

    # Nothing goes under a school, and a district body stays under a regional body (so no cycle can form).
    r = await client.post(f"{TREE}/organizations/{w.body_a.id}/move", headers=h, json={"parent_id": w.school_b.id})
    assert r.status_code == 422 and _details(r)[0][0] == "parent_id"
    sub = await f.organization(db, "district_body", w.body_a, district_id=w.district_a.id)
    r = await client.post(f"{TREE}/organizations/{w.body_a.id}/move", headers=h, json={"parent_id": sub.id})
    assert r.status_code == 422 and _details(r) == [("parent_id", "a district body sits under a regional body")]
    # The administrator's own body, and anything outside the subtree, stay where they are.
    r = await client.post(f"{TREE}/organizations/{w.regional_body.id}/move", headers=h, json={"parent_id": w.body_a.id})
    assert r.status_code == 422 and _details(r)[0][0] == "organization_id"
    other = await f.organization(db, "regional_body", w.ministry, region_id=(await f.region(db)).id)
    r = await client.post(f"{TREE}/organizations/{w.school_b.id}/move", headers=h, json={"parent_id": other.id})
    assert r.status_code == 422 and _details(r)[0][0] == "parent_id"
    district_admin = await f.app_user(db, w.body_b, role="admin")
    r = await client.post(
        f"{TREE}/organizations/{w.school_b.id}/move",
        headers=f.auth_headers(district_admin),
        json={"parent_id": w.body_a.id},
    )
    assert r.status_code == 422 and _details(r)[0][0] == "parent_id"
    await db.refresh(w.school_b)
    assert w.school_b.parent_id == w.body_b.id


async def test_an_organization_cannot_go_under_itself_or_its_own_school(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    w = await f.world(db)
    inner = await f.organization(db, "school", w.body_a, type_id=w.school_type.id)
    admin = await f.app_user(db, w.ministry, role="admin")
    # Under itself, and under a school of its own subtree: refused by name, never the database's cycle error.
    second = await f.organization(db, "regional_body", w.ministry, region_id=w.region.id)
    r = await client.post(
        f"{TREE}/organizations/{second.id}/move", headers=f.auth_headers(admin), json={"parent_id": second.id}
    )
    assert r.status_code == 422 and _details(r) == [("parent_id", "an organization cannot be its own parent")]
    r = await client.post(
        f"{TREE}/organizations/{w.body_a.id}/move", headers=f.auth_headers(admin), json={"parent_id": inner.id}
    )
    assert r.status_code == 422
    assert _details(r) == [("parent_id", "an educational organization cannot have organizations below it")]


async def test_closing_a_school_with_data_keeps_it_and_its_data_and_leaves_the_reports(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    w = await f.world(db)
    year = await f.academic_year(db)
    cls = await f.school_class(db, w.school_a, year)
    enrolment = await f.enrol(db, cls, await f.person(db))
    admin = await f.app_user(db, w.regional_body, role="admin")
    h = f.auth_headers(admin)

    def names(r: httpx.Response) -> list[str]:
        assert r.status_code == 200, r.text
        return sorted(row["name"] for row in r.json()["rows"])

    assert names(await client.get("/api/v1/reports/registry", headers=h)) == ["Школа А", "Школа Б"]
    # A body with open organizations below it cannot close.
    r = await client.post(f"{TREE}/organizations/{w.body_a.id}/close", headers=h, json={})
    assert r.status_code == 422 and _details(r)[0][0] == "closed_on"
    r = await client.post(f"{TREE}/organizations/{w.school_a.id}/close", headers=h, json={"closed_on": "2026-12-01"})
    assert r.status_code == 200 and r.json()["closed_on"] == "2026-12-01"
    assert names(await client.get("/api/v1/reports/registry", headers=h)) == ["Школа Б"]
    # Still there, with its data; listed only when asked for.
    assert await db.get(Organization, w.school_a.id) is not None
    assert await db.get(Enrolment, enrolment.id) is not None
    listed = await client.get(f"{TREE}/organizations?parent_id={w.body_a.id}", headers=h)
    assert listed.json() == []
    listed = await client.get(f"{TREE}/organizations?parent_id={w.body_a.id}&include_closed=true", headers=h)
    assert [o["id"] for o in listed.json()] == [w.school_a.id]
    # Nothing goes under a closed organization; closing twice is refused; reopening brings it back.
    r = await client.post(f"{TREE}/organizations/{w.school_a.id}/close", headers=h, json={})
    assert r.status_code == 422 and _details(r)[0][0] == "closed_on"
    r = await client.post(f"{TREE}/organizations/{w.school_a.id}/reopen", headers=h)
    assert r.status_code == 200 and r.json()["closed_on"] is None
    assert names(await client.get("/api/v1/reports/registry", headers=h)) == ["Школа А", "Школа Б"]


async def test_geography_is_kept_by_the_ministry_and_the_region_body(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    w = await f.world(db)
    ministry_admin = f.auth_headers(await f.app_user(db, w.ministry, role="admin"))
    region_admin = f.auth_headers(await f.app_user(db, w.regional_body, role="admin"))
    district_admin = f.auth_headers(await f.app_user(db, w.body_a, role="admin"))
    region = {"name_ru": f"Область {f.n()}", "name_kk": "Облыс", "kind": "oblast"}
    assert (await client.post(f"{TREE}/regions", headers=region_admin, json=region)).status_code == 403
    r = await client.post(f"{TREE}/regions", headers=ministry_admin, json=region)
    assert r.status_code == 201, r.text
    new_region = r.json()["id"]
    r = await client.post(f"{TREE}/regions", headers=ministry_admin, json=region)
    assert r.status_code == 422 and _details(r)[0][0] == "name_ru"

    district = {"region_id": w.region.id, "name_ru": "Новый район", "name_kk": "Жаңа аудан", "kind": "district"}
    assert (await client.post(f"{TREE}/districts", headers=district_admin, json=district)).status_code == 403
    r = await client.post(f"{TREE}/districts", headers=region_admin, json=district)
    assert r.status_code == 201, r.text
    r = await client.post(f"{TREE}/districts", headers=region_admin, json={**district, "region_id": new_region})
    assert r.status_code == 403
    r = await client.post(f"{TREE}/districts", headers=ministry_admin, json={**district, "region_id": 2**31 - 1})
    assert r.status_code == 422 and _details(r)[0][0] == "region_id"
    listed = await client.get(f"{TREE}/regions/{w.region.id}/districts", headers=region_admin)
    assert "Новый район" in [d["name_ru"] for d in listed.json()]
    assert (await db.scalar(select(AuditEvent.id).where(AuditEvent.action == "geography.change").limit(1))) is not None
