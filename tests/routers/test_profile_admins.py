"""Администраторы профиля: who names them, what they may edit, and the refusals around them."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests import factories as f
from tests.routers.test_profile import PDF, Site, account, make_site, stored_count, uploads_dir_fixture  # noqa: F401

API = "/api/v1"


def admins_url(org_id: int) -> str:
    return f"{API}/organizations/{org_id}/profile-administrators"


async def name(client: httpx.AsyncClient, s: Site, user_ids: list[int]) -> httpx.Response:
    return await client.put(admins_url(s.w.body_a.id), json={"user_ids": user_ids}, headers=s.h(s.admin_a))


async def edits(client: httpx.AsyncClient, s: Site, org_id: int, user: object) -> dict[str, int]:
    """Status codes of one write in every section of a profile, by the given user."""
    h = s.h(user)  # type: ignore[arg-type]
    org = f"{API}/organizations/{org_id}"
    return {
        "profile": (await client.patch(f"{org}/profile", json={"phones": "+7 700 000 00 00"}, headers=h)).status_code,
        "news": (
            await client.post(f"{org}/news", json={"title": "Новость", "body_html": "<p>т</p>"}, headers=h)
        ).status_code,
        "page": (
            await client.post(f"{org}/pages", json={"title": "Стр", "body_html": "<p>т</p>"}, headers=h)
        ).status_code,
        "unit": (await client.post(f"{org}/units", json={"name_ru": "Сектор"}, headers=h)).status_code,
        "reception": (
            await client.post(
                f"{org}/reception", json={"who": "Руководитель", "days": "Пн", "hours": "10:00–12:00"}, headers=h
            )
        ).status_code,
        "folder": (await client.post(f"{org}/folders", json={"name": "Приказы"}, headers=h)).status_code,
        "forum": (await client.post(f"{org}/forum/sections", json={"title": "Раздел"}, headers=h)).status_code,
        "questions": (await client.get(f"{org}/questions", headers=h)).status_code,
        "staff": (await client.get(f"{org}/staff", headers=h)).status_code,
    }


async def test_named_employee_edits_every_section_of_the_body(client: httpx.AsyncClient, db: AsyncSession) -> None:
    s = await make_site(db)
    person = await f.person(db, "Садыкова", "Жанар", birth_date=None, with_iin=False)
    keeper = await account(db, s.w.body_a, "employee", person=person)
    before = await edits(client, s, s.w.body_a.id, keeper)
    assert set(before.values()) == {403}, before
    prof = (await client.get(f"{API}/organizations/{s.w.body_a.id}/profile", headers=s.h(keeper))).json()
    assert prof["can_edit"] is False and prof["can_name_admins"] is False

    r = await name(client, s, [keeper.id])
    assert r.status_code == 200, r.text
    assert [a["user_id"] for a in r.json()["items"]] == [keeper.id]
    assert {c["user_id"] for c in r.json()["candidates"]} == {s.emp_a.id, keeper.id}  # employees, not admins

    after = await edits(client, s, s.w.body_a.id, keeper)
    assert set(after.values()) <= {200, 201}, after
    prof = (await client.get(f"{API}/organizations/{s.w.body_a.id}/profile", headers=s.h(keeper))).json()
    assert prof["can_edit"] is True and prof["can_name_admins"] is False
    listed = {a["full_name"]: a["profile_admin"] for a in prof["administrators"]}
    assert listed["Садыкова Жанар"] is True and listed["Ахметова Сауле"] is False
    # The anonymous block «Администраторы» lists them too, without edit rights.
    anon = (await client.get(f"{API}/organizations/{s.w.body_a.id}/profile")).json()
    assert anon["can_edit"] is False and "Садыкова Жанар" in {a["full_name"] for a in anon["administrators"]}
    # Other employees of the body still may not edit.
    assert set((await edits(client, s, s.w.body_a.id, s.emp_a)).values()) == {403}

    # Removed from the list: the rights go at once.
    assert (await name(client, s, [])).status_code == 200
    assert set((await edits(client, s, s.w.body_a.id, keeper)).values()) == {403}


async def test_profile_admin_rights_stop_at_the_own_body(client: httpx.AsyncClient, db: AsyncSession) -> None:
    s = await make_site(db)
    assert (await name(client, s, [s.emp_a.id])).status_code == 200
    # Not the schools below (their sites are kept by the body's administrators), not another district.
    assert set((await edits(client, s, s.w.school_a.id, s.emp_a)).values()) == {403}
    assert set((await edits(client, s, s.w.body_b.id, s.emp_a)).values()) == {404}
    # A profile administrator of body A moved to body B keeps no rights over A.
    s.emp_a.organization_id = s.w.body_b.id
    await db.flush()
    assert set((await edits(client, s, s.w.body_a.id, s.emp_a)).values()) == {404}


async def test_who_may_name_profile_admins(client: httpx.AsyncClient, db: AsyncSession) -> None:
    s = await make_site(db)
    url = admins_url(s.w.body_a.id)
    assert (await client.put(url, json={"user_ids": []})).status_code == 401
    assert (await client.get(url, headers=s.h(s.emp_a))).status_code == 403
    assert (await client.put(url, json={"user_ids": [s.emp_a.id]}, headers=s.h(s.emp_a))).status_code == 403
    # A named profile administrator does not name others.
    assert (await name(client, s, [s.emp_a.id])).status_code == 200
    other = await account(db, s.w.body_a, "employee")
    r = await client.put(url, json={"user_ids": [s.emp_a.id, other.id]}, headers=s.h(s.emp_a))
    assert r.status_code == 403
    # The administrator of another district does not see body A at all; the regional administrator may.
    assert (await client.put(url, json={"user_ids": []}, headers=s.h(s.admin_b))).status_code == 404
    assert (await client.put(url, json={"user_ids": [s.emp_a.id]}, headers=s.h(s.admin_region))).status_code == 200


async def test_only_active_employees_of_the_body_can_be_named(client: httpx.AsyncClient, db: AsyncSession) -> None:
    s = await make_site(db)
    disabled = await account(db, s.w.body_a, "employee")
    disabled.status = "disabled"
    await db.flush()
    for bad in ([s.emp_b.id], [s.admin_a.id], [disabled.id], [999_999]):
        r = await name(client, s, [s.emp_a.id, *bad])
        assert r.status_code == 422, (bad, r.text)
        detail = r.json()["error"]["details"][0]
        assert detail["field"] == "user_ids" and detail["index"] == 1
    r = await name(client, s, [s.emp_a.id, s.emp_a.id])
    assert r.status_code == 422 and r.json()["error"]["details"][0]["index"] == 1
    # Nothing half-written: the list is still empty.
    assert (await client.get(admins_url(s.w.body_a.id), headers=s.h(s.admin_a))).json()["items"] == []


async def test_forum_posts_of_others_stay_closed_to_plain_employees(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    s = await make_site(db)
    org = f"{API}/organizations/{s.w.body_a.id}"
    section = (await client.post(f"{org}/forum/sections", json={"title": "Общий"}, headers=s.h(s.admin_a))).json()
    topic = await client.post(
        f"{API}/forum/sections/{section['id']}/topics",
        json={"title": "Тема", "body_html": "<p>Первое</p>"},
        headers=s.h(s.admin_a),
    )
    assert topic.status_code == 201, topic.text
    post = topic.json()["posts"][0]
    patch = {"body_html": "<p>чужое</p>"}
    h_match = {"If-Match": post["etag"]}
    r = await client.patch(f"{API}/forum/posts/{post['id']}", json=patch, headers={**s.h(s.emp_a), **h_match})
    assert r.status_code == 403
    assert (await name(client, s, [s.emp_a.id])).status_code == 200
    r = await client.patch(f"{API}/forum/posts/{post['id']}", json=patch, headers={**s.h(s.emp_a), **h_match})
    assert r.status_code == 200, r.text
