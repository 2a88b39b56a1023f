"""Люди: employees only, scope in SQL, categories, search (case, ё/е, word order, a typo), presence, pages."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import ParentLink
from api.services.profile import people as people_service
from api.services.profile.people_search import normalize
from tests import factories as f
from tests.routers.test_profile import Site, account, make_site


async def populate(db: AsyncSession, s: Site) -> dict[str, int]:
    """Body A: a head, a deputy; school A: a teacher, two students, a parent; school B (outside A): a namesake."""
    w = s.w
    head = await f.person(db, "Ёлкина", "Анна", patronymic="Петровна", birth_date=None, with_iin=False)
    deputy = await f.person(db, "Иванов", "Пётр", birth_date=None, with_iin=False)
    teacher = await f.person(db, "Серикова", "Дана", birth_date=None, with_iin=False)
    student = await f.person(db, "Ёлкин", "Тимур", birth_date=date(2014, 5, 1))
    student2 = await f.person(db, "Абаев", "Нурлан", birth_date=date(2014, 6, 1))
    parent = await f.person(db, "Абаева", "Гульнара", birth_date=None, with_iin=False)
    outsider = await f.person(db, "Ёлкина", "Мария", birth_date=date(2013, 1, 2), sex="F")
    await f.staff_post(db, w.body_a, head, "head", position="Руководитель")
    await f.staff_post(db, w.body_a, deputy, "deputy", position="Заместитель")
    await f.staff_post(db, w.school_a, teacher, "teacher", position="Учитель математики")
    year = await f.academic_year(db, date.today().year if date.today().month >= 9 else date.today().year - 1)
    cls = await f.school_class(db, w.school_a, year, 5, "А")
    await f.enrol(db, cls, student, starts_on=year.starts_on)
    await f.enrol(db, cls, student2, starts_on=year.starts_on)
    await f.add(db, ParentLink(parent_person_id=parent.id, child_person_id=student2.id, relation="mother"))
    cls_b = await f.school_class(db, w.school_b, year, 6, "Б")
    await f.enrol(db, cls_b, outsider, starts_on=year.starts_on)
    # The head is registered and was on the site a minute ago; the teacher registered long ago.
    head_user = await account(db, w.body_a, "employee", person=head)
    head_user.last_seen_at = datetime.now(UTC) - timedelta(minutes=1)
    teacher_user = await account(db, w.school_a, "employee", person=teacher)
    teacher_user.last_seen_at = datetime.now(UTC) - timedelta(hours=2)
    await db.flush()
    return {
        "head": head.id,
        "deputy": deputy.id,
        "teacher": teacher.id,
        "student": student.id,
        "student2": student2.id,
        "parent": parent.id,
        "outsider": outsider.id,
        "admin": s.admin_a.person_id or 0,
    }


async def people(client: httpx.AsyncClient, s: Site, **params: object) -> list[dict]:  # type: ignore[type-arg]
    r = await client.get(f"/api/v1/organizations/{s.w.body_a.id}/people", params=params, headers=s.h(s.emp_a))
    assert r.status_code == 200, r.text
    return r.json()["items"]  # type: ignore[no-any-return]


def ids(items: list[dict]) -> set[int]:  # type: ignore[type-arg]
    return {i["person_id"] for i in items}


async def test_people_is_for_employees_only(client: httpx.AsyncClient, db: AsyncSession) -> None:
    s = await make_site(db)
    url = f"/api/v1/organizations/{s.w.body_a.id}/people"
    assert (await client.get(url)).status_code == 401
    # An employee of body B: body A is outside their scope.
    assert (await client.get(url, headers=s.h(s.emp_b))).status_code == 404
    assert (await client.get(url, headers=s.h(s.emp_a))).status_code == 200
    # The regional body sees body A (it is below it).
    assert (await client.get(url, headers=s.h(s.admin_region))).status_code == 200


async def test_categories(client: httpx.AsyncClient, db: AsyncSession) -> None:
    s = await make_site(db)
    p = await populate(db, s)
    everyone = ids(await people(client, s))
    assert {p["head"], p["deputy"], p["teacher"], p["student"], p["student2"], p["parent"], p["admin"]} <= everyone
    assert p["outsider"] not in everyone  # school B is not in body A's subtree
    assert ids(await people(client, s, category="leaders")) == {p["head"], p["deputy"]}
    assert ids(await people(client, s, category="administration")) == {p["admin"]}
    assert ids(await people(client, s, category="school_staff")) == {p["teacher"]}
    assert ids(await people(client, s, category="students")) == {p["student"], p["student2"]}
    assert ids(await people(client, s, category="parents")) == {p["parent"]}
    r = await client.get(
        f"/api/v1/organizations/{s.w.body_a.id}/people", params={"category": "aliens"}, headers=s.h(s.emp_a)
    )
    assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "category"


async def test_registered_flag_memberships_and_presence(client: httpx.AsyncClient, db: AsyncSession) -> None:
    s = await make_site(db)
    p = await populate(db, s)
    rows = {i["person_id"]: i for i in await people(client, s)}
    assert rows[p["head"]]["registered"] is True and rows[p["head"]]["online"] is True
    assert rows[p["teacher"]]["registered"] is True and rows[p["teacher"]]["online"] is False
    assert rows[p["student"]]["registered"] is False and rows[p["student"]]["user_id"] is None
    assert {(m["role"], m["detail"]) for m in rows[p["student"]]["memberships"]} == {("student", "5А")}
    assert ("parent", "Абаев Нурлан") in {(m["role"], m["detail"]) for m in rows[p["parent"]]["memberships"]}
    assert ids(await people(client, s, online=True)) == {p["head"]}


@pytest.mark.parametrize(
    "query", ["елкина", "ЁЛКИНА", "Елкина Анна", "анна ёлкина", "елкена", "Ёлкин анна", "петровна елкина"]
)
async def test_search_finds_elkina(client: httpx.AsyncClient, db: AsyncSession, query: str) -> None:
    s = await make_site(db)
    p = await populate(db, s)
    r = await client.get(f"/api/v1/organizations/{s.w.body_a.id}/people", params={"q": query}, headers=s.h(s.emp_a))
    found = r.json()["items"]
    assert p["head"] in ids(found), (query, found)
    # Exact words match first; only a query that matches nobody exactly falls back to similar names.
    assert r.json()["approximate"] is (query == "елкена")
    if query != "елкена":  # with the typo, «Ёлкин» is as close as «Ёлкина»
        assert found[0]["person_id"] == p["head"], (query, found)
    assert p["outsider"] not in ids(found)  # the namesake in school B stays out of scope


async def test_search_with_category_and_nothing_found(client: httpx.AsyncClient, db: AsyncSession) -> None:
    s = await make_site(db)
    p = await populate(db, s)
    assert ids(await people(client, s, q="елкин", category="students")) == {p["student"]}
    assert await people(client, s, q="Кузнецов") == []
    for bad in ("%%%", "ан ли"):
        r = await client.get(f"/api/v1/organizations/{s.w.body_a.id}/people", params={"q": bad}, headers=s.h(s.emp_a))
        assert r.status_code == 422 and r.json()["error"]["details"][0]["field"] == "q"


async def test_pagination(client: httpx.AsyncClient, db: AsyncSession) -> None:
    s = await make_site(db)
    await populate(db, s)
    url = f"/api/v1/organizations/{s.w.body_a.id}/people"
    first = (await client.get(url, params={"page_size": 3}, headers=s.h(s.emp_a))).json()
    second = (await client.get(url, params={"page_size": 3, "page": 2}, headers=s.h(s.emp_a))).json()
    third = (await client.get(url, params={"page_size": 3, "page": 3}, headers=s.h(s.emp_a))).json()
    assert first["has_more"] is True and len(first["items"]) == 3
    seen = [i["person_id"] for i in first["items"] + second["items"] + third["items"]]
    assert len(seen) == len(set(seen)) == 7 and third["has_more"] is False
    assert (await client.get(url, params={"page_size": 1000}, headers=s.h(s.emp_a))).status_code == 422


def test_normalize() -> None:
    assert normalize("  Ёлкина   АННА ") == ["елкина", "анна"]
    assert normalize("100% _") == ["100"]


async def _page(client: httpx.AsyncClient, s: Site, **params: object) -> dict:  # type: ignore[type-arg]
    r = await client.get(f"/api/v1/organizations/{s.w.body_a.id}/people", params=params, headers=s.h(s.emp_a))
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


async def test_total_is_counted_up_to_a_cap(
    client: httpx.AsyncClient, db: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = await make_site(db)
    await populate(db, s)
    everyone = await _page(client, s, page_size=3)
    assert everyone["total"] == 7 and everyone["total_exact"] is True and everyone["has_more"] is True
    assert (await _page(client, s, category="students"))["total"] == 2
    assert (await _page(client, s, q="елкин"))["total"] == 2  # the head and the student; not the outsider
    assert (await _page(client, s, q="Кузнецов"))["total"] == 0
    monkeypatch.setattr(people_service, "TOTAL_CAP", 3)
    capped = await _page(client, s, page_size=2)
    assert (capped["total"], capped["total_exact"], capped["has_more"]) == (3, False, True)
    assert (await _page(client, s, category="students"))["total_exact"] is True


async def _more_names(db: AsyncSession, s: Site) -> None:
    """A student whose surname starts with «Тимур» (Ёлкин Тимур has it as a first name)."""
    year = await f.academic_year(db, date.today().year if date.today().month >= 9 else date.today().year - 1)
    cls = await f.school_class(db, s.w.school_a, year, 7, "В")
    await f.enrol(
        db, cls, await f.person(db, "Тимуров", "Арман", birth_date=date(2012, 3, 3)), starts_on=year.starts_on
    )


async def test_names_starting_with_a_word_come_first_then_by_name(client: httpx.AsyncClient, db: AsyncSession) -> None:
    s = await make_site(db)
    await populate(db, s)
    await _more_names(db, s)
    assert [i["full_name"] for i in await people(client, s, q="тимур")] == ["Тимуров Арман", "Ёлкин Тимур"]
    # Without a query: everyone by name, code point order (ё is searched and sorted as е).
    names = [i["full_name"] for i in (await _page(client, s, page_size=100))["items"]]
    key = [n.lower().replace("ё", "е") for n in names]
    assert key == sorted(key) and len(names) == 8


@pytest.mark.parametrize("category", ["all", "students", "school_staff", "leaders", "parents"])
@pytest.mark.parametrize("query", ["елкин", "тимур", "ова", "абаев", "анна елкина", "елкена"])
async def test_walking_the_name_index_lists_the_same_as_sorting(
    client: httpx.AsyncClient, db: AsyncSession, monkeypatch: pytest.MonkeyPatch, category: str, query: str
) -> None:
    """Common names are walked in index order (or drawn from the staff): same rows, order, pages and totals."""
    s = await make_site(db)
    await populate(db, s)
    await _more_names(db, s)

    async def pages() -> list[tuple[list[int], bool, int, bool]]:
        out = []
        for page in (1, 2, 3):
            got = await _page(client, s, q=query, category=category, page=page, page_size=1)
            out.append(([i["person_id"] for i in got["items"]], got["has_more"], got["total"], got["approximate"]))
        return out

    sorted_pages = await pages()
    monkeypatch.setattr(people_service, "SORT_LIMIT", 0)  # every name now counts as common
    assert await pages() == sorted_pages
