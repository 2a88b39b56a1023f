"""A lesson taught by a substitute is a lesson held; a cancelled one carries no absences (REPORTS.md).

Pushed through the integration API: a class of 10 with one day of four lessons — two held, one taught by a
substitute (`replaced`), one cancelled — an absence on a held lesson and one on the replaced lesson, and marks
on both. By hand: 3 lessons held, 3 × 10 = 30 student-lessons, 2 absences, (30 − 2) / 30 = 93.3 → 93 %.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import constraint_name
from api.models import Lesson
from api.services.integration import tokens
from api.services.reports.aggregates import differences
from tests import factories as fx

SYSTEM = "school-sys"
URL = "/api/v1/integration"
DAY = "2026-09-15"
STUDENTS = 10


async def push(client: httpx.AsyncClient, headers: dict[str, str], kind: str, items: list[dict[str, Any]]) -> None:
    r = await client.post(f"{URL}/{kind}", json={"items": items}, headers=headers)
    assert r.status_code == 200, (kind, r.text)


async def school_day(client: httpx.AsyncClient, db: AsyncSession) -> dict[str, Any]:
    """The world, a token for the school's district, and the pushed day."""
    w = await fx.world(db)
    w.school_a.external_system, w.school_a.external_id = SYSTEM, "sch"
    year = await fx.academic_year(db)
    await db.flush()
    _, token = await tokens.create_token(
        db, name="t", organization_id=w.body_a.id, external_system=SYSTEM, kinds=list(tokens.KINDS), created_by=None
    )
    h = {"X-API-Token": token}
    people = [
        {"external_id": "t1", "surname": "Алиева", "first_name": "Сауле"},
        {"external_id": "t2", "surname": "Бойко", "first_name": "Нурлан"},
        *[{"external_id": f"s{i}", "surname": f"Ученик{i}", "first_name": "Тест"} for i in range(STUDENTS)],
    ]
    await push(client, h, "persons", people)
    await push(
        client,
        h,
        "staff-posts",
        [
            {"external_id": f"p{t}", "organization_external_id": "sch", "person_external_id": t}
            | {"position": "Учитель", "role_kind": "teacher"}
            for t in ("t1", "t2")
        ],
    )
    cls = {"external_id": "c", "organization_external_id": "sch", "academic_year": year.name, "grade": 6}
    await push(client, h, "classes", [cls | {"letter": "А"}])
    await push(client, h, "subjects", [{"external_id": "math", "name_ru": "Математика", "name_kk": "Математика"}])
    await push(
        client,
        h,
        "assignments",
        [{"external_id": "a", "class_external_id": "c", "subject_external_id": "math", "teacher_external_id": "t1"}],
    )
    await push(
        client,
        h,
        "enrolments",
        [
            {"external_id": f"e{i}", "class_external_id": "c", "student_external_id": f"s{i}"}
            | {"starts_on": "2026-09-01"}
            for i in range(STUDENTS)
        ],
    )
    lesson = {"assignment_external_id": "a", "date": DAY, "topic": "Дроби"}
    await push(
        client,
        h,
        "lessons",
        [
            lesson | {"external_id": "l1", "number": 1},
            lesson | {"external_id": "l2", "number": 2},
            lesson
            | {"external_id": "l3", "number": 3, "status": "replaced", "substitute_external_id": "t2"}
            | {"change_reason": "Болезнь учителя"},
            lesson | {"external_id": "l4", "number": 4, "status": "cancelled", "topic": None},
        ],
    )
    await push(
        client,
        h,
        "absences",
        [
            {"external_id": "ab1", "student_external_id": "s0", "lesson_external_id": "l1", "reason": "illness"},
            {"external_id": "ab3", "student_external_id": "s1", "lesson_external_id": "l3", "reason": "unexcused"},
        ],
    )
    at = f"{DAY}T06:00:00Z"
    await push(
        client,
        h,
        "marks",
        [
            {"external_id": f"m{lesson_}{i}", "student_external_id": f"s{i}", "class_external_id": "c"}
            | {"subject_external_id": "math", "lesson_external_id": lesson_, "value": 5, "entered_at": at}
            for lesson_ in ("l1", "l3")
            for i in (2, 3)
        ],
    )
    await push(client, h, "homework", [{"external_id": "h3", "lesson_external_id": "l3", "text": "№ 5", "minutes": 20}])
    return {"w": w, "headers": h, "user": await fx.app_user(db, w.regional_body)}


HAND = {"lessons": 3, "student_lessons": 30, "abs_illness": 1, "abs_unexcused": 1, "abs_total": 2}
HAND_PCT = (30 - 2) * 100 // 30  # 93


def figures(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in HAND}


async def report(client: httpx.AsyncClient, s: dict[str, Any], report_id: str, **params: Any) -> dict[str, Any]:
    r = await client.get(f"/api/v1/reports/{report_id}", params=params, headers=fx.auth_headers(s["user"]))
    assert r.status_code == 200, r.text
    return r.json()


async def test_attendance_counts_a_replaced_lesson_as_held(client: httpx.AsyncClient, db: AsyncSession) -> None:
    s = await school_day(client, db)
    school = s["w"].school_a
    assert HAND_PCT == 93
    days = {"date_from": DAY, "date_to": DAY}

    # management: the school's row and the district's row read the daily aggregate
    for view in ("all", "districts"):
        body = await report(client, s, "attendance.organizations", view=view, **days)
        assert [(figures(r), r["pct_attendance"]) for r in body["rows"] if r["lessons"]] == [(HAND, HAND_PCT)]
        assert figures(body["totals"]) == HAND and body["totals"]["pct_attendance"] == HAND_PCT
    assert await differences(db, "rpt_org_day_attendance") == []

    # school reports: the summary and class × subject count lessons; «Школа» and its chart read the aggregate
    one = {"organization_id": school.id, **days}
    for report_id in ("school.attendance.summary", "school.attendance.classes", "school.attendance.school"):
        body = await report(client, s, report_id, **one)
        assert [figures(r) for r in body["rows"]] == [HAND], report_id
        assert body["rows"][0]["pct_attendance"] == HAND_PCT and body["totals"]["pct_attendance"] == HAND_PCT
    assert [p["pct_attendance"] for p in body["chart"]["points"]] == [HAND_PCT]
    cls = (await db.execute(text("SELECT id FROM classes WHERE external_id = 'c'"))).scalar_one()
    body = await report(client, s, "school.attendance.class_teacher", class_id=cls, view="days", **one)
    assert [figures(r) for r in body["rows"]] == [HAND]
    body = await report(client, s, "school.attendance.class_teacher", class_id=cls, **one)
    assert body["totals"]["student_lessons"] == 30 and len(body["rows"]) == STUDENTS
    assert {r["student_lessons"] for r in body["rows"]} == {3}

    # data completeness: 3 held lessons, all with a topic (the cancelled one is not held)
    body = await report(client, s, "school.data_completeness", **one)
    got = {r["indicator"]: (r["done"], r["total"]) for r in body["rows"]}
    assert got["Проведённые уроки с темой"] == (3, 3) and got["Уроки из расписания"] == (4, 4)

    # homework load: the day of the replaced lesson is a school day of the class, with that lesson's 20 minutes
    body = await report(client, s, "school.homework.school", **one)
    assert [(r["grade"], r["days"], r["over"]) for r in body["rows"]] == [("6", 1, 0)]


async def test_journal_keeping_credits_the_substitute(client: httpx.AsyncClient, db: AsyncSession) -> None:
    s = await school_day(client, db)
    school = s["w"].school_a
    one = {"organization_id": school.id, "date_from": DAY, "date_to": DAY}
    body = await report(client, s, "school.journal.keeping", **one)
    keys = ("teacher", "held", "pct_topic", "pct_homework", "pct_marks", "marks", "pct_on_time", "late")
    # t1 taught l1 and l2 (marks on l1); t2 taught l3 as the substitute (topic, homework, 2 marks on time)
    assert [[r[k] for k in keys] for r in body["rows"]] == [
        ["Алиева Сауле", 2, 100, 0, 50, 2, 100, 0],
        ["Бойко Нурлан", 1, 100, 100, 100, 2, 100, 0],
    ]
    assert [body["totals"][k] for k in keys] == ["Всего", 3, 100, 33, 66, 4, 100, 0]
    t2 = (await db.execute(text("SELECT id FROM persons WHERE external_id = 't2'"))).scalar_one()
    body = await report(client, s, "school.journal.keeping", teacher_id=t2, **one)
    assert [r["teacher"] for r in body["rows"]] == ["Бойко Нурлан"]

    # the planned teacher's «replaced» count stays in «Отмены и замены уроков»
    body = await report(client, s, "school.admin.lesson_changes", view="teachers", **one)
    got = {r["teacher"]: (r["cancelled"], r["replaced"], r["substituted"]) for r in body["rows"]}
    assert got == {"Алиева Сауле": (1, 1, 0), "Бойко Нурлан": (0, 0, 1)}


async def test_a_lesson_with_absences_cannot_be_cancelled(client: httpx.AsyncClient, db: AsyncSession) -> None:
    s = await school_day(client, db)
    item = {"external_id": "l3", "assignment_external_id": "a", "date": DAY, "number": 3, "status": "cancelled"}
    # l3 has marks too: take them away, so that only its absence stands in the way
    r = await client.request("DELETE", f"{URL}/marks", json={"external_ids": ["ml32", "ml33"]}, headers=s["headers"])
    assert r.status_code == 200, r.text
    r = await client.post(f"{URL}/lessons", json={"items": [item]}, headers=s["headers"])
    assert r.status_code == 422, r.text
    details = r.json()["error"]["details"]
    assert [(d.get("index"), d["field"]) for d in details] == [(0, "status")]
    assert "'l3'" in details[0]["message"] and "1 absence" in details[0]["message"]
    status = await db.scalar(text("SELECT status FROM lessons WHERE external_id = 'l3'"))
    assert status == "replaced"
    # once its absence is deleted it can be cancelled
    r = await client.request("DELETE", f"{URL}/absences", json={"external_ids": ["ab3"]}, headers=s["headers"])
    assert r.status_code == 200, r.text
    r = await client.post(f"{URL}/lessons", json={"items": [item]}, headers=s["headers"])
    assert r.status_code == 200, r.text
    assert await differences(db, "rpt_org_day_attendance") == []


async def test_the_database_refuses_to_cancel_a_lesson_with_absences(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    await school_day(client, db)
    lesson_id = await db.scalar(text("SELECT id FROM lessons WHERE external_id = 'l1'"))
    await db.execute(text("DELETE FROM marks WHERE lesson_id = :l"), {"l": lesson_id})
    with pytest.raises(IntegrityError, match="has absences and cannot be cancelled") as exc:
        async with db.begin_nested():
            await db.execute(update(Lesson).where(Lesson.id == lesson_id).values(status="cancelled"))
    assert constraint_name(exc.value) == "ck_marks_lesson_not_cancelled"
