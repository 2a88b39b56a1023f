"""Обратная связь: questions from anyone (validated, throttled), answers and publication by administrators."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from api.services.profile.feedback import QUESTIONS_PER_WINDOW
from tests import factories as f
from tests.routers.test_profile import make_site


async def test_question_answer_publish_flow(client: httpx.AsyncClient, db: AsyncSession) -> None:
    s = await make_site(db)
    org = s.w.body_a.id
    r = await client.post(
        f"/api/v1/organizations/{org}/questions",
        json={"author_name": "Айгерим", "author_email": "a@mail.kz", "question": "Когда начинается приём в 1 класс?"},
    )
    assert r.status_code == 202, r.text
    qid = r.json()["id"]
    # Not public until answered and published.
    assert (await client.get(f"/api/v1/organizations/{org}/feedback")).json()["faq"] == []
    listed = (
        await client.get(f"/api/v1/organizations/{org}/questions", params={"unanswered": True}, headers=s.h(s.admin_a))
    ).json()
    assert [q["id"] for q in listed["items"]] == [qid] and listed["items"][0]["author_email"] == "a@mail.kz"
    assert (await client.get(f"/api/v1/organizations/{org}/questions", headers=s.h(s.emp_a))).status_code == 403
    assert (
        await client.patch(f"/api/v1/questions/{qid}", json={"published": True}, headers=s.h(s.admin_a))
    ).status_code == 422
    assert (
        await client.patch(f"/api/v1/questions/{qid}", json={"answer_html": "x"}, headers=s.h(s.admin_b))
    ).status_code == 404
    ans = await client.patch(
        f"/api/v1/questions/{qid}",
        json={"answer_html": '<p>С 1 апреля.</p><img src=x onerror="alert(1)">', "published": True},
        headers=s.h(s.admin_a),
    )
    assert ans.status_code == 200 and ans.json()["published"] is True
    faq = (await client.get(f"/api/v1/organizations/{org}/feedback")).json()["faq"]
    assert (
        len(faq) == 1
        and faq[0]["answer_html"].startswith("<p>С 1 апреля.</p>")
        and "onerror" not in faq[0]["answer_html"]
    )
    assert "author_email" not in faq[0]


async def test_question_validation_names_the_field(client: httpx.AsyncClient, db: AsyncSession) -> None:
    s = await make_site(db)
    url = f"/api/v1/organizations/{s.w.body_a.id}/questions"
    for body, field in [
        ({"author_name": "", "question": "Длинный вопрос"}, "author_name"),
        ({"author_name": "А", "question": "?"}, "question"),
        ({"author_name": "А", "question": "Нормальный вопрос", "author_email": "not-an-email"}, "author_email"),
        ({"author_name": "А", "question": "<script>alert(1)</script>"}, "question"),
        ({"author_name": "А", "question": "Нормальный вопрос", "extra": 1}, "extra"),
    ]:
        r = await client.post(url, json=body)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["error"]["details"][0]["field"] == field
    assert (
        await client.post(
            "/api/v1/organizations/999999/questions", json={"author_name": "А", "question": "Нормальный вопрос"}
        )
    ).status_code == 404


async def test_questions_are_throttled_per_address(client: httpx.AsyncClient, db: AsyncSession) -> None:
    s = await make_site(db)
    url = f"/api/v1/organizations/{s.w.body_a.id}/questions"
    body = {"author_name": "Бот", "question": "Вопрос номер один"}
    for _ in range(QUESTIONS_PER_WINDOW):
        assert (await client.post(url, json=body)).status_code == 202
    r = await client.post(url, json=body)
    assert r.status_code == 429 and "retry-after" in r.headers
    # Another organization's form does not reset the count for the same address.
    r = await client.post(f"/api/v1/organizations/{s.w.body_b.id}/questions", json=body)
    assert r.status_code == 429


async def test_reception_schedule_and_leader_page(client: httpx.AsyncClient, db: AsyncSession) -> None:
    s = await make_site(db)
    org = s.w.body_a.id
    head = await f.person(db, "Ёлкина", "Анна", birth_date=None, with_iin=False, email="head@edu.kz")
    await f.staff_post(db, s.w.body_a, head, "head", position="Руководитель отдела образования")
    stranger = await f.person(db, "Чужой", "Человек", birth_date=None, with_iin=False)
    entry = {
        "who": "Ёлкина Анна",
        "position": "Руководитель",
        "person_id": head.id,
        "days": "вторник, четверг",
        "hours": "10:00–12:00",
        "place": "каб. 201",
    }
    r = await client.post(f"/api/v1/organizations/{org}/reception", json=entry, headers=s.h(s.admin_a))
    assert r.status_code == 201, r.text
    bad = await client.post(
        f"/api/v1/organizations/{org}/reception", json={**entry, "person_id": stranger.id}, headers=s.h(s.admin_a)
    )
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "person_id"
    fb = (await client.get(f"/api/v1/organizations/{org}/feedback")).json()
    assert fb["reception"][0]["days"] == "вторник, четверг"
    page = (await client.get(f"/api/v1/organizations/{org}/leaders/{head.id}")).json()
    assert page["positions"] == ["Руководитель отдела образования"] and page["email"] == "head@edu.kz"
    assert page["reception"][0]["place"] == "каб. 201"
    assert (await client.get(f"/api/v1/organizations/{org}/leaders/{stranger.id}")).status_code == 404


async def test_structure_lists_units_and_subordinates(client: httpx.AsyncClient, db: AsyncSession) -> None:
    s = await make_site(db)
    head = await f.person(db, "Сейткали", "Марат", birth_date=None, with_iin=False)
    await f.staff_post(db, s.w.regional_body, head, "specialist", position="Начальник отдела")
    r = await client.post(
        f"/api/v1/organizations/{s.w.regional_body.id}/units",
        json={"name_ru": "Отдел дошкольного образования", "head_person_id": head.id, "email": "dosh@edu.kz"},
        headers=s.h(s.admin_region),
    )
    assert r.status_code == 201, r.text
    child = await client.post(
        f"/api/v1/organizations/{s.w.regional_body.id}/units",
        json={"name_ru": "Сектор", "parent_unit_id": r.json()["id"]},
        headers=s.h(s.admin_region),
    )
    assert child.status_code == 201
    loop = await client.put(
        f"/api/v1/units/{r.json()['id']}",
        json={"name_ru": "Отдел", "parent_unit_id": child.json()["id"]},
        headers=s.h(s.admin_region),
    )
    assert loop.status_code == 422
    assert (
        await client.post(
            f"/api/v1/organizations/{s.w.regional_body.id}/units", json={"name_ru": "x"}, headers=s.h(s.admin_a)
        )
    ).status_code == 404
    st = (await client.get(f"/api/v1/organizations/{s.w.regional_body.id}/structure")).json()
    assert st["units"][0]["head"]["full_name"] == "Сейткали Марат"
    assert {o["name_ru"] for o in st["subordinates"]} == {"Отдел образования А", "Отдел образования Б"}
    assert all(o["profile_url"] == f"/o/{o['id']}" for o in st["subordinates"])
    school = (await client.get(f"/api/v1/organizations/{s.w.body_a.id}/structure")).json()["subordinates"]
    assert [o["name_ru"] for o in school] == ["Школа А"] and school[0]["type_name_ru"] == s.w.school_type.name_ru
