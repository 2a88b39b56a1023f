"""Посещаемость reports on the crafted school, quarter 1: every figure computed by hand (see crafted.py)."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.reports.school.crafted import build
from tests.reports.school.test_school_common import get

FIELDS = (
    "lessons", "student_lessons", "abs_illness", "abs_valid", "abs_unexcused", "abs_total", "abs_late",
    "pct_attendance",
)  # fmt: skip


def a(*values: Any) -> dict[str, Any]:
    return dict(zip(FIELDS, values, strict=True))


def only(row: dict[str, Any], keys: tuple[str, ...] = FIELDS) -> dict[str, Any]:
    return {k: row[k] for k in keys if k in row}


# Held lessons L1, L2, L3 and L5 (5А, 4 students each incl. S6 until 10.10; L5 taught by a substitute is held
# too, L4 cancelled is not), L6 (5Б: S4 only; S7 from 01.10), L7 (10А: 2). Absences: S1 illness, S2 late,
# S3 unexcused, S6 valid, S5 illness. Total: (19 − 4) / 19 = 78.9 → 78.
TOTAL = a(6, 19, 2, 1, 1, 4, 1, 78)


async def test_attendance_summary_classes_school(client: httpx.AsyncClient, db: AsyncSession) -> None:
    c = await build(db)
    body = await get(client, c, "school.attendance.summary")
    got = {r["class"]: only(r) for r in body["rows"]}
    assert got == {
        "5А": a(4, 16, 1, 1, 1, 3, 1, 81),
        "5Б": a(1, 1, 0, 0, 0, 0, 0, 100),
        "10А": a(1, 2, 1, 0, 0, 1, 0, 50),
    }
    assert list(got) == ["5А", "5Б", "10А"] and only(body["totals"]) == TOTAL

    body = await get(client, c, "school.attendance.classes")
    got = {(r["class"], r["subject"]): only(r) for r in body["rows"]}
    assert got == {
        ("5А", "Математика"): a(3, 12, 1, 1, 0, 2, 1, 83),
        ("5А", "Русский язык"): a(1, 4, 0, 0, 1, 1, 0, 75),
        ("5Б", "Математика"): a(1, 1, 0, 0, 0, 0, 0, 100),
        ("10А", "Математика"): a(1, 2, 1, 0, 0, 1, 0, 50),
    }
    assert only(body["totals"]) == TOTAL
    only_math = await get(client, c, "school.attendance.classes", class_id=c.c5a.id, subject_id=c.math.id)
    assert [(r["class"], r["subject"]) for r in only_math["rows"]] == [("5А", "Математика")]

    # from the daily aggregate: 01.09 L1, L2, L6 → 9 student-lessons, 2 absences → 77; 02.09 L3, L7 → 6, 2 → 66;
    # 04.09 L5 (replaced) → 4, 0 → 100
    body = await get(client, c, "school.attendance.school")
    days = {r["day"]: only(r) for r in body["rows"]}
    assert days == {
        "01.09.2025": a(3, 9, 1, 0, 1, 2, 1, 77),
        "02.09.2025": a(2, 6, 1, 1, 0, 2, 0, 66),
        "04.09.2025": a(1, 4, 0, 0, 0, 0, 0, 100),
    }
    assert only(body["totals"]) == TOTAL
    assert body["chart"]["type"] == "line"
    assert [(p["x"], p["pct_attendance"]) for p in body["chart"]["points"]] == [
        ("2025-09-01", 77),
        ("2025-09-02", 66),
        ("2025-09-04", 100),
    ]
    week = await get(client, c, "school.attendance.school", view="week")
    assert [(r["day"], only(r)) for r in week["rows"]] == [("01.09.2025 – 07.09.2025", TOTAL)]
    # a date range narrower than the quarter
    one_day = await get(client, c, "school.attendance.school", date_from="2025-09-02", date_to="2025-09-02")
    assert [r["day"] for r in one_day["rows"]] == ["02.09.2025"]


async def test_attendance_class_teacher(client: httpx.AsyncClient, db: AsyncSession) -> None:
    c = await build(db)
    body = await get(client, c, "school.attendance.class_teacher")
    got = {r["student"]: only(r) for r in body["rows"]}
    # each 5А student (S6 too: enrolled until 10.10) had 4 held lessons (L5, taught by a substitute, included)
    expected = {
        "Абаев Ерлан": (4, 1, 0, 0, 1, 0, 75),
        "Бекова Айгерим": (4, 0, 0, 0, 0, 1, 100),
        "Васильев Иван": (4, 0, 0, 1, 1, 0, 75),
        "Зайцев Олег": (4, 0, 1, 0, 1, 0, 75),
    }
    assert {k: tuple(v.values()) for k, v in got.items()} == expected
    assert tuple(only(body["totals"]).values()) == (16, 1, 1, 1, 3, 1, 81)
    assert "lessons" not in [col["id"] for col in body["columns"]]

    days = await get(client, c, "school.attendance.class_teacher", view="days")
    got = {r["day"]: only(r) for r in days["rows"]}
    assert got == {
        "01.09.2025": a(2, 8, 1, 0, 1, 2, 1, 75),
        "02.09.2025": a(1, 4, 0, 1, 0, 1, 0, 75),
        "04.09.2025": a(1, 4, 0, 0, 0, 0, 0, 100),
    }
    assert only(days["totals"]) == a(4, 16, 1, 1, 1, 3, 1, 81)
    assert days["chart"]["series"] == ["abs_illness", "abs_valid", "abs_unexcused", "abs_late"]
    assert list(days["chart"]["series_labels"]) == days["chart"]["series"]  # named by their columns' titles
    assert "abs_illness" not in days["chart"]["series_labels"].values()
