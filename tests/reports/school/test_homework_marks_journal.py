"""Время на ДЗ, Статистика оценок, Средний балл, ведение и история журнала on the crafted school (crafted.py)."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.reports.school.crafted import build
from tests.reports.school.test_school_common import get


async def test_homework(client: httpx.AsyncClient, db: AsyncSession) -> None:
    c = await build(db)
    body = await get(client, c, "school.homework.school")
    keys = ("grade", "classes", "days", "avg", "norm", "over")
    # school days: 5А 01.09 (70 min), 02.09 (20), 04.09 (replaced lesson, 0); 5Б 01.09 (100 > 90); 10А 02.09 (60)
    # Minutes per school day in whole minutes, half up: 5th grade 190 / 4 = 47.5 → 48.
    assert [[r[k] for k in keys] for r in body["rows"]] == [["5", 2, 4, 48, 90, 1], ["10", 1, 1, 60, 130, 0]]
    assert [body["totals"][k] for k in keys] == ["Всего", 3, 5, 50, None, 1]
    assert all(type(r["avg"]) is int for r in body["rows"])  # «48», not «47,50» or «48,00»
    assert {col["id"]: col["kind"] for col in body["columns"]}["avg"] == "int"
    assert "110" in body["methodology"] and "Методические рекомендации" in body["methodology"]

    body = await get(client, c, "school.homework.classes")
    keys = ("class", "wd0", "wd1", "wd2", "wd3", "wd4", "wd5", "avg", "norm", "over")
    assert [[r[k] for k in keys] for r in body["rows"]] == [
        ["5А", 70, 20, None, 0, None, None, 30, 90, 0],
        ["5Б", 100, None, None, None, None, None, 100, 90, 1],
        ["10А", None, 60, None, None, None, None, 60, 130, 0],
    ]
    body = await get(client, c, "school.homework.classes", view="subjects")
    keys = ("class", "subject", "homeworks", "minutes", "per_item", "per_day")
    assert [[r[k] for k in keys] for r in body["rows"]] == [
        ["5А", "Математика", 2, 50, 25, 17],
        ["5А", "Русский язык", 1, 40, 40, 13],
        ["5Б", "Математика", 1, 100, 100, 100],
        ["10А", "Математика", 1, 60, 60, 60],
    ]
    assert {col["kind"] for col in body["columns"] if col["id"] in ("per_item", "per_day")} == {"int"}


async def test_marks(client: httpx.AsyncClient, db: AsyncSession) -> None:
    c = await build(db)
    body = await get(client, c, "school.marks.statistics")
    keys = ("n5", "n4", "n3", "n2", "n1", "total", "p5", "p4", "p3", "p2", "p1", "students", "per_student")
    got = {r["subject"]: [r[k] for k in keys] for r in body["rows"]}
    # current marks and the СОЧ: math 5, 4, 3, 4, 2 (S1, S2, S4); rus 5, 3 (S1, S2); school B's «1» never counts
    assert got == {
        "Математика": [1, 2, 1, 1, 0, 5, 20, 40, 20, 20, 0, 3, 1.67],
        "Русский язык": [1, 0, 1, 0, 0, 2, 50, 0, 50, 0, 0, 2, 1.0],
    }
    assert [body["totals"][k] for k in keys] == [2, 2, 2, 1, 0, 7, 28, 28, 28, 14, 0, 3, 2.33]
    assert [(p["x"], p["count"]) for p in body["chart"]["points"]] == [("5", 2), ("4", 2), ("3", 2), ("2", 1), ("1", 0)]
    by_class = await get(client, c, "school.marks.statistics", view="classes")
    assert [(r["class"], r["subject"], r["total"]) for r in by_class["rows"]] == [
        ("5А", "Математика", 4),
        ("5А", "Русский язык", 2),
        ("5Б", "Математика", 1),
    ]

    m_id, r_id = f"s{c.math.id}", f"s{c.rus.id}"
    body = await get(client, c, "school.marks.average")
    assert [(r["class"], r[m_id], r[r_id], r["avg"]) for r in body["rows"]] == [
        ("5А", 4.0, 4.0, 4.0),
        ("5Б", 2.0, None, 2.0),
    ]
    t = body["totals"]
    assert (t["class"], t[m_id], t[r_id], t["avg"]) == ("По школе", 3.6, 4.0, 3.71)
    body = await get(client, c, "school.marks.average", view="period")
    assert [(r["class"], r[m_id], r[r_id], r["avg"]) for r in body["rows"]] == [
        ("5А", 3.33, 4.0, 3.6),
        ("5Б", 3.5, None, 3.5),
        ("10А", 2.0, None, 2.0),
    ]
    t = body["totals"]
    assert (t[m_id], t[r_id], t["avg"]) == (3.17, 4.0, 3.38)


async def test_journal(client: httpx.AsyncClient, db: AsyncSession) -> None:
    c = await build(db)
    body = await get(client, c, "school.journal.keeping")
    keys = ("teacher", "held", "pct_topic", "pct_homework", "pct_marks", "marks", "pct_on_time", "late")
    # T1: L1, L3, L6 held, all with topic and homework, marks on L1 and L3; S1's «4» entered 8 days after L3.
    # T2: L2 (no topic), L7, and L5 (T1's lesson that T2 taught as the substitute: no topic, no homework, no
    # marks); marks on L2 only. L4 (cancelled) is not held.
    assert [[r[k] for k in keys] for r in body["rows"]] == [
        ["Иванова Анна Сергеевна", 3, 100, 100, 66, 4, 75, 1],
        ["Петров Бахыт", 3, 33, 66, 33, 2, 100, 0],
    ]
    assert [body["totals"][k] for k in keys] == ["Всего", 6, 66, 83, 50, 6, 83, 1]

    body = await get(client, c, "school.journal.history")
    assert [{k: v for k, v in r.items() if not k.startswith("_")} for r in body["rows"]] == [
        {
            "no": 1,
            "when": "12.09.2025 13:00",
            "who": "Kundelik",
            "student": "Бекова Айгерим",
            "class": "5А",
            "subject": "Русский язык",
            "lesson_date": "2025-09-01",
            "kind": "текущая",
            "change": "3 → 4",
            "action": "изменена",
        },
        {
            "no": 2,
            "when": "01.09.2025 15:00",
            "who": "Иванова Анна Сергеевна",
            "student": "Абаев Ерлан",
            "class": "5А",
            "subject": "Математика",
            "lesson_date": "2025-09-01",
            "kind": "текущая",
            "change": "— → 5",
            "action": "выставлена",
        },
    ]  # the deletion of 05.11.2025 is outside quarter 1
    paged = await get(client, c, "school.journal.history", page_size=1, page=2)
    assert paged["page"]["total_rows"] == 2 and [r["no"] for r in paged["rows"]] == [2]
    by_t1 = await get(client, c, "school.journal.history", teacher_id=c.t1.id)
    assert [r["who"] for r in by_t1["rows"]] == ["Иванова Анна Сергеевна"]
