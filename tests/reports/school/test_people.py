"""Об организации, Списки, Активность, Наполненность данными on the crafted school (see crafted.py)."""

from __future__ import annotations

import io

import httpx
import openpyxl
from sqlalchemy.ext.asyncio import AsyncSession

from tests import factories as fx
from tests.reports.school.crafted import build
from tests.reports.school.test_school_common import get, params


async def test_about_and_completeness(client: httpx.AsyncClient, db: AsyncSession) -> None:
    c = await build(db)
    c.w.school_a.postal_address = "ул. Абая, 1"
    await db.flush()
    body = await get(client, c, "school.about")
    v = {r["indicator"]: r["value"] for r in body["rows"] if r.get("_kind") is None}
    assert v["Наименование"] == "Школа А" and v["Почтовый адрес"] == "ул. Абая, 1"
    assert v["Основное здание"] is None and v["Руководитель"] is None
    # open enrolments: 5А (3), 5Б (2), 10А (2); S6 left
    assert (v["Классов"], v["Учеников"], v["— 1–4 классы"], v["— 5–9 классы"], v["— 10–11 классы"]) == (3, 7, 0, 5, 2)
    # staff T1 (teacher, expert), T2 (teacher and deputy; moderator is the higher category)
    assert (v["Сотрудников"], v["— Учитель"], v["— Заместитель"], v["— Руководитель"]) == (2, 2, 1, 0)
    assert (v["— педагог-эксперт"], v["— педагог-модератор"], v["— без категории"]) == (1, 1, 0)
    # parents P1 and T2; persons 2 staff + 7 students + P1 = 10; users T1, S1, S2, P1 = 4 → 40 %
    assert (v["Родителей"], v["Всего персон"], v["Зарегистрированных пользователей"], v["% зарегистрированных"]) == (
        2,
        10,
        4,
        40,
    )
    assert "no" not in [col["id"] for col in body["columns"]]

    body = await get(client, c, "school.data_completeness")
    got = {r["indicator"]: (r["done"], r["total"], r["pct"]) for r in body["rows"]}
    assert got == {
        "Ученики с датой рождения": (6, 7, 85),
        "Ученики со связанным родителем": (2, 7, 28),
        "Ученики зарегистрированы": (2, 7, 28),
        "Классы с классным руководителем": (1, 3, 33),
        "Класс-предметы с учителем": (4, 4, 100),
        "Уроки из расписания": (6, 7, 85),
        "Проведённые уроки с темой": (4, 6, 66),
        "Сотрудники зарегистрированы": (1, 2, 50),
        "Сотрудники с категорией": (2, 2, 100),
    }
    assert body["count_label"] == "Всего 9 показателей"


async def test_lists(client: httpx.AsyncClient, db: AsyncSession) -> None:
    c = await build(db)
    body = await get(client, c, "school.lists.students", page_size=3)
    assert body["page"] == {"page": 1, "page_size": 3, "total_rows": 7} and body["count_label"] == "Всего 7 учеников"
    first = body["rows"][0]
    assert first == {
        "_id": c.s[1].id,
        "no": 1,
        "class": "5А",
        "student": "Абаев Ерлан",
        "birth_date": "2014-01-05",
        "sex": "М",
        "registered": "да",
        "last_visit": "10.11.2026 10:00",
        "parents": "Абаева Сауле",
    }
    assert [r["student"] for r in body["rows"]] == ["Абаев Ерлан", "Бекова Айгерим", "Васильев Иван"]
    last = await get(client, c, "school.lists.students", page_size=3, page=3)
    assert [(r["no"], r["class"], r["student"], r["birth_date"]) for r in last["rows"]] == [
        (7, "10А", "Жумабаева Дана", None)
    ]
    # the export holds every row, not one page
    xl = await client.get(
        "/api/v1/reports/school.lists.students/export",
        params=params(c, "school.lists.students") | {"format": "xlsx", "page_size": 3},
        headers=fx.auth_headers(c.user_a),
    )
    ws = openpyxl.load_workbook(io.BytesIO(xl.content)).active
    assert ws is not None
    names = [cell.value for row in ws.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert "Жумабаева Дана" in names and "Абаев Ерлан" in names
    assert "Зайцев Олег" not in names  # left on 10.10.2025
    one = await get(client, c, "school.lists.students", class_id=c.c5b.id)
    assert [r["student"] for r in one["rows"]] == ["Григорьева Мария", "Дюсенов Арман"]

    body = await get(client, c, "school.lists.staff")
    assert body["rows"] == [
        {
            "_id": c.t1.id,
            "no": 1,
            "name": "Иванова Анна Сергеевна",
            "positions": "Учитель математики",
            "category": "педагог-эксперт",
            "subjects": "Математика",
            "class_led": "5А",
            "registered": "да",
            "last_visit": "20.11.2026 10:00",
        },
        {
            "_id": c.t2.id,
            "no": 2,
            "name": "Петров Бахыт",
            "positions": "Заместитель директора, Учитель русского языка",
            "category": "педагог-модератор",
            "subjects": "Математика, Русский язык",
            "class_led": None,
            "registered": "нет",
            "last_visit": None,
        },
    ]
    assert body["page"]["total_rows"] == 2


async def test_activity(client: httpx.AsyncClient, db: AsyncSession) -> None:
    c = await build(db)
    body = await get(client, c, "school.activity")
    got = {r["role"]: [r[k] for k in ("persons", "users", "pct", "d1", "d7", "d30")] for r in body["rows"]}
    # visits on the report day: T1 (also 3 days before); S2 6 days before; S1 10 days before; P1 40 days before
    assert got == {
        "Сотрудники": [2, 1, 50, 1, 1, 1],
        "Ученики": [7, 2, 28, 0, 1, 2],
        "Родители": [2, 1, 50, 0, 0, 0],
    }
    t = body["totals"]
    assert [t[k] for k in ("role", "persons", "users", "pct", "d1", "d7", "d30")] == ["Всего", 10, 4, 40, 1, 2, 3]
    points = body["chart"]["points"]
    assert len(points) == 30 and points[-1]["x"] == c.report_day.isoformat()
    assert [p["visitors"] for p in points if p["visitors"]] == [1, 1, 1, 1]
    assert [p["x"] for p in points if p["visitors"]] == ["2026-11-10", "2026-11-14", "2026-11-17", "2026-11-20"]
    # The series is named in the report's language, not by its id.
    assert body["chart"]["series_labels"] == {"visitors": "Посетители"}
    for lang, name in (("kk", "Келушілер"), ("en", "Visitors")):
        assert (await get(client, c, "school.activity", lang=lang))["chart"]["series_labels"] == {"visitors": name}
