"""Движение учеников and Административные reports on the crafted school (see crafted.py)."""

from __future__ import annotations

import datetime as dt

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import Movement, Period
from tests import factories as fx
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


async def test_movement_summary_and_lists_read_the_same_records(client: httpx.AsyncClient, db: AsyncSession) -> None:
    """Quarter 2 (03.11–28.12.2025): movements on its first and last day count in the summary and in the lists."""
    c = await build(db)
    school, D = c.w.school_a, dt.date
    q2 = (
        await db.execute(select(Period).where(Period.academic_year_id == c.q1.academic_year_id, Period.number == 2))
    ).scalar_one()

    async def move(student: object, cls: object, kind: str, on: dt.date) -> None:
        await fx.add(
            db,
            Movement(
                organization_id=school.id,
                region_id=school.region_id,
                class_id=cls.id,  # type: ignore[attr-defined]
                student_person_id=student.id,  # type: ignore[attr-defined]
                kind=kind,
                date=on,
            ),
        )

    # As the integration API has it: a departure dated D ends the enrolment on D − 1 (the last day in the class).
    s9, s10, s11, s12 = [await fx.person(db, f"Ученик{i}", "Тест") for i in (9, 10, 11, 12)]
    await fx.enrol(db, c.c5a, s9, D(2025, 9, 1), D(2025, 11, 2))
    await move(s9, c.c5a, "departed", D(2025, 11, 3))  # the first day of quarter 2
    await fx.enrol(db, c.c5b, s10, D(2025, 12, 28))
    await move(s10, c.c5b, "arrived", D(2025, 12, 28))  # the last day of quarter 2
    await fx.enrol(db, c.c5a, s11, D(2025, 9, 1), D(2025, 12, 9))
    await fx.enrol(db, c.c5b, s11, D(2025, 12, 10))
    await move(s11, c.c5a, "departed", D(2025, 12, 10))  # a transfer 5А → 5Б
    await move(s11, c.c5b, "arrived", D(2025, 12, 10))
    await fx.enrol(db, c.c5a, s12, D(2025, 9, 1), D(2025, 12, 28))
    await move(s12, c.c5a, "departed", D(2025, 12, 29))  # after quarter 2: in the class at its end

    body = await get(client, c, "school.movement.summary", period_id=q2.id)
    got = [(r["class"], *[r[f] for f in FIELDS]) for r in body["rows"] if r.get("_kind") is None]
    # At end (28.12): 5А S1 S2 S3 S12; 5Б S4 S7 S10 S11; 10А S5 S8. Arrived: S10, S11 (5Б), S8 (10А, 05.11);
    # departed: S9, S11 (5А). At start = end − arrived + departed (10А: S8's arrival record says 05.11).
    assert got == [("5А", 6, 0, 2, 4), ("5Б", 2, 2, 0, 4), ("10А", 1, 1, 0, 2)]
    assert [body["totals"][f] for f in FIELDS] == [9, 3, 2, 10]
    arrived = await get(client, c, "school.movement.arrived", period_id=q2.id)
    departed = await get(client, c, "school.movement.departed", period_id=q2.id)
    assert [r["date"] for r in arrived["rows"]] == ["2025-11-05", "2025-12-10", "2025-12-28"]
    assert [r["date"] for r in departed["rows"]] == ["2025-11-03", "2025-12-10"]
    assert (body["totals"]["arrived"], body["totals"]["departed"]) == (arrived["count"], departed["count"])

    one = await get(client, c, "school.movement.summary", period_id=q2.id, class_id=c.c5a.id)
    listed = await get(client, c, "school.movement.departed", period_id=q2.id, class_id=c.c5a.id)
    assert one["totals"]["departed"] == listed["count"] == 2
    for r in [*body["rows"], body["totals"], *one["rows"]]:
        assert r["at_start"] + r["arrived"] - r["departed"] == r["at_end"]


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
