"""Движение учеников and Административные reports on the crafted school (see crafted.py)."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.reports.school.crafted import build
from tests.reports.school.test_school_common import get

FIELDS = ("at_start", "arrived", "departed", "at_end")


async def test_movement(client: httpx.AsyncClient, db: AsyncSession) -> None:
    c = await build(db)
    body = await get(client, c, "school.movement.summary")
    got = [(r.get("_kind"), r["class"], *[r[f] for f in FIELDS]) for r in body["rows"]]
    # 5А: S1, S2, S3, S6 on 01.09; S6 left 10.10. 5Б: S4; S7 arrived 01.10. 10А: S5, S8.
    assert got == [
        (None, "5А", 4, 0, 1, 3),
        (None, "5Б", 1, 1, 0, 2),
        ("subtotal", "Итого 5 классы", 5, 1, 1, 5),
        (None, "10А", 2, 0, 0, 2),
        ("subtotal", "Итого 10 классы", 2, 0, 0, 2),
    ]
    assert [body["totals"][f] for f in FIELDS] == [7, 1, 1, 7]
    for r in [*body["rows"], body["totals"]]:
        assert r["at_start"] + r["arrived"] - r["departed"] == r["at_end"]
    assert [r.get("no") for r in body["rows"]] == [1, 2, None, 3, None]

    body = await get(client, c, "school.movement.arrived")
    assert [{k: v for k, v in r.items() if not k.startswith("_")} for r in body["rows"]] == [
        {
            "no": 1,
            "date": "2025-10-01",
            "student": "Дюсенов Арман",
            "class": "5Б",
            "counterpart": "Гимназия №1",
            "order_number": "№10-у",
            "reason": "Перевод",
        }
    ]  # the arrival of 05.11.2025 is outside quarter 1
    assert [col["id"] for col in body["columns"]][-2:] == ["order_number", "reason"]
    later = await get(client, c, "school.movement.arrived", date_from="2025-11-01", date_to="2025-11-30")
    assert [(r["student"], r["reason"], r["order_number"]) for r in later["rows"]] == [("Жумабаева Дана", None, None)]
    body = await get(client, c, "school.movement.departed")
    assert [
        (r["date"], r["student"], r["class"], r["counterpart"], r["reason"], r["order_number"]) for r in body["rows"]
    ] == [("2025-10-10", "Зайцев Олег", "5А", "Школа №5 г. Павлодар", "Переезд", "№12-у")]
    assert body["count_label"] == "Всего 1 выбывший"


async def test_admin(client: httpx.AsyncClient, db: AsyncSession) -> None:
    c = await build(db)
    body = await get(client, c, "school.admin.lesson_changes")
    assert [{k: v for k, v in r.items() if not k.startswith("_")} for r in body["rows"]] == [
        {
            "no": 1,
            "date": "2025-09-03",
            "lesson": 3,
            "class": "5А",
            "subject": "Русский язык",
            "teacher": "Петров Бахыт",
            "change": "отменён",
            "substitute": None,
            "reason": "Болезнь учителя",
        },
        {
            "no": 2,
            "date": "2025-09-04",
            "lesson": 1,
            "class": "5А",
            "subject": "Математика",
            "teacher": "Иванова Анна Сергеевна",
            "change": "заменён",
            "substitute": "Петров Бахыт",
            "reason": "Курсы",
        },
    ]
    body = await get(client, c, "school.admin.lesson_changes", view="teachers")
    got = [(r["teacher"], r["cancelled"], r["replaced"], r["substituted"]) for r in body["rows"]]
    assert got == [("Иванова Анна Сергеевна", 0, 1, 0), ("Петров Бахыт", 1, 0, 1)]
    assert [body["totals"][k] for k in ("cancelled", "replaced", "substituted")] == [1, 1, 1]
    t1_only = await get(client, c, "school.admin.lesson_changes", teacher_id=c.t1.id)
    assert [r["date"] for r in t1_only["rows"]] == ["2025-09-04"]

    body = await get(client, c, "school.admin.documents")
    assert [{k: v for k, v in r.items() if not k.startswith("_")} for r in body["rows"]] == [
        {
            "no": 1,
            "doc_type": "Свидетельство об основном среднем образовании",
            "number": "НОБ 0002",
            "issued_on": "2026-06-15",
            "student": "Григорьева Мария",
            "class": "5Б",
            "honours": "нет",
        },
        {
            "no": 2,
            "doc_type": "Аттестат об общем среднем образовании",
            "number": "ЖОБ 0001",
            "issued_on": "2026-06-20",
            "student": "Ержанов Тимур",
            "class": "10А",
            "honours": "да",
        },
    ]
    june = await get(client, c, "school.admin.documents", date_from="2026-06-16", date_to="2026-06-30")
    assert [r["number"] for r in june["rows"]] == ["ЖОБ 0001"]
    q1 = await get(client, c, "school.admin.documents", period_id=c.q1.id)
    assert q1["rows"] == [] and q1["count"] == 0
