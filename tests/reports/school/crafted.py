"""A small crafted school for the school reports, with every figure hand-computed in the tests.

School A (district A) in academic year 2025–2026, quarter 1 = 01.09.2025 – 26.10.2025 (over by now):

- classes 5А (class teacher T1), 5Б, 10А; subjects Математика, Русский язык;
  assignments 5А math T1, 5А rus T2, 5Б math T1, 10А math T2.
- students 5А: S1 Абаев, S2 Бекова, S3 Васильев, S6 Зайцев (left 10.10.2025); 5Б: S4 Григорьева,
  S7 Дюсенов (arrived 01.10.2025); 10А: S5 Ержанов, S8 Жумабаева (no date of birth).
- lessons: L1 01.09 5А math (T1, topic), L2 01.09 5А rus (T2, no topic), L3 02.09 5А math (T1, topic),
  L4 03.09 5А rus cancelled, L5 04.09 5А math replaced by T2 (not from the timetable), L6 01.09 5Б math
  (T1, topic), L7 02.09 10А math (T2, topic).
- homework minutes: L1 30, L2 40, L3 20, L6 100, L7 60.
- current marks: S1 math 5@L1, 4@L3 (entered 8 days late); S1 rus 5@L2; S2 math 3@L1, 4@L3; S2 rus 3@L2;
  S4 СОЧ math 2 (20.10).
- quarter marks: S1 5/5, S2 3/3, S3 math 2 and rus «н/а», S4 math 3, S7 math 4, S8 math 2, S5 none.
- absences: S1 illness@L1, S2 late@L1, S3 unexcused@L2, S6 valid@L3, S5 illness@L7.
- parents: P1 Абаева (registered) of S1; T2 of S2. Users: T1, S1, S2, P1.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import (
    Absence,
    EducationDocument,
    Homework,
    JournalChange,
    Movement,
    ParentLink,
    Period,
    User,
    Visit,
)
from tests import factories as fx

D = dt.date
UTC = dt.UTC


def at(d: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime(d.year, d.month, d.day, hour, tzinfo=UTC)


@dataclass
class Crafted:
    w: fx.World
    q1: Period
    c5a: Any
    c5b: Any
    c10a: Any
    math: Any
    rus: Any
    t1: Any
    t2: Any
    s: dict[int, Any]
    user_a: Any  # employee of district A (school A is in scope)
    user_b: Any  # employee of district B (school A is outside)
    report_day: dt.date  # the activity report date


async def build(db: AsyncSession) -> Crafted:
    w = await fx.world(db)
    school = w.school_a
    year = await fx.academic_year(db, 2025)
    q1 = (await db.execute(select(Period).where(Period.academic_year_id == year.id, Period.number == 1))).scalar_one()
    t1 = await fx.person(db, "Иванова", "Анна", patronymic="Сергеевна", birth_date=D(1980, 2, 3), sex="F")
    t2 = await fx.person(db, "Петров", "Бахыт", birth_date=D(1978, 5, 6))
    await fx.staff_post(db, school, t1, "teacher", "expert", position="Учитель математики")
    await fx.staff_post(db, school, t2, "teacher", "moderator", position="Учитель русского языка")
    await fx.staff_post(db, school, t2, "deputy", "none", position="Заместитель директора")
    c5a = await fx.school_class(db, school, year, 5, "А", class_teacher_person_id=t1.id)
    c5b = await fx.school_class(db, school, year, 5, "Б")
    c10a = await fx.school_class(db, school, year, 10, "А")
    math = await fx.subject(db, "Математика", name_kk="Математика")
    rus = await fx.subject(db, "Русский язык", name_kk="Орыс тілі")
    a5m = await fx.assignment(db, c5a, math, t1)
    a5r = await fx.assignment(db, c5a, rus, t2)
    a5bm = await fx.assignment(db, c5b, math, t1)
    a10m = await fx.assignment(db, c10a, math, t2)

    names = {
        1: ("Абаев", "Ерлан", "M", D(2014, 1, 5)),
        2: ("Бекова", "Айгерим", "F", D(2014, 2, 6)),
        3: ("Васильев", "Иван", "M", D(2014, 3, 7)),
        4: ("Григорьева", "Мария", "F", D(2014, 4, 8)),
        5: ("Ержанов", "Тимур", "M", D(2009, 5, 9)),
        6: ("Зайцев", "Олег", "M", D(2014, 6, 10)),
        7: ("Дюсенов", "Арман", "M", D(2014, 7, 11)),
        8: ("Жумабаева", "Дана", "F", None),
    }
    s = {}
    for i, (sur, first, sex, born) in names.items():
        s[i] = await fx.person(db, sur, first, sex=sex, birth_date=born)
    start = D(2025, 9, 1)
    for i in (1, 2, 3):
        await fx.enrol(db, c5a, s[i], start)
    await fx.enrol(db, c5a, s[6], start, D(2025, 10, 10))
    await fx.enrol(db, c5b, s[4], start)
    await fx.enrol(db, c5b, s[7], D(2025, 10, 1))
    await fx.enrol(db, c10a, s[5], start)
    await fx.enrol(db, c10a, s[8], start)

    l1 = await fx.lesson(db, a5m, D(2025, 9, 1), 1, topic="Дроби")
    l2 = await fx.lesson(db, a5r, D(2025, 9, 1), 2)
    l3 = await fx.lesson(db, a5m, D(2025, 9, 2), 1, topic="Десятичные дроби")
    await fx.lesson(db, a5r, D(2025, 9, 3), 3, status="cancelled", change_reason="Болезнь учителя")
    await fx.lesson(
        db,
        a5m,
        D(2025, 9, 4),
        1,
        status="replaced",
        substitute_person_id=t2.id,
        change_reason="Курсы",
        from_timetable=False,
    )
    l6 = await fx.lesson(db, a5bm, D(2025, 9, 1), 1, topic="Дроби")
    l7 = await fx.lesson(db, a10m, D(2025, 9, 2), 1, topic="Функции")

    for lesson, minutes in ((l1, 30), (l2, 40), (l3, 20), (l6, 100), (l7, 60)):
        await fx.add(
            db,
            Homework(
                organization_id=school.id,
                region_id=school.region_id,
                class_id=lesson.class_id,
                lesson_id=lesson.id,
                text="Упражнения",
                minutes=minutes,
                due_on=lesson.date + dt.timedelta(days=1),
            ),
        )

    async def mark(st: Any, cls: Any, subj: Any, value: int | None, kind: str = "current", **kw: Any) -> None:
        lesson = kw.pop("lesson", None)
        on = kw.pop("on", lesson.date if lesson is not None else D(2025, 10, 26))
        entered_at = kw.pop("entered_at", at(on))
        await fx.add(
            db,
            fx.mark_of(
                cls,
                subj,
                st,
                on,
                kind=kind,
                value=value,
                lesson_id=lesson.id if lesson is not None else None,
                not_attested=value is None,
                entered_at=entered_at,
                entered_by_person_id=lesson.teacher_person_id if lesson is not None else None,
                **kw,
            ),
        )

    await mark(s[1], c5a, math, 5, lesson=l1)
    await mark(s[1], c5a, math, 4, lesson=l3, entered_at=at(D(2025, 9, 10)))
    await mark(s[1], c5a, rus, 5, lesson=l2)
    await mark(s[2], c5a, math, 3, lesson=l1)
    await mark(s[2], c5a, math, 4, lesson=l3)
    await mark(s[2], c5a, rus, 3, lesson=l2)
    await mark(s[4], c5b, math, 2, "soch", on=D(2025, 10, 20))
    for st, cls, subj, value in (
        (s[1], c5a, math, 5),
        (s[1], c5a, rus, 5),
        (s[2], c5a, math, 3),
        (s[2], c5a, rus, 3),
        (s[3], c5a, math, 2),
        (s[3], c5a, rus, None),
        (s[4], c5b, math, 3),
        (s[7], c5b, math, 4),
        (s[8], c10a, math, 2),
    ):
        await mark(st, cls, subj, value, "quarter", period_id=q1.id)

    for st, lesson, reason in (
        (s[1], l1, "illness"),
        (s[2], l1, "late"),
        (s[3], l2, "unexcused"),
        (s[6], l3, "valid"),
        (s[5], l7, "illness"),
    ):
        await fx.add(
            db,
            Absence(
                organization_id=school.id,
                region_id=school.region_id,
                class_id=lesson.class_id,
                lesson_id=lesson.id,
                student_person_id=st.id,
                date=lesson.date,
                reason=reason,
            ),
        )

    for st, cls, kind, on, where, reason, order in (
        (s[6], c5a, "departed", D(2025, 10, 10), "Школа №5 г. Павлодар", "Переезд", "№12-у"),
        (s[7], c5b, "arrived", D(2025, 10, 1), "Гимназия №1", "Перевод", "№10-у"),
        (s[8], c10a, "arrived", D(2025, 11, 5), "Лицей №2", None, None),  # outside quarter 1
    ):
        await fx.add(
            db,
            Movement(
                organization_id=school.id,
                region_id=school.region_id,
                class_id=cls.id,
                student_person_id=st.id,
                kind=kind,
                date=on,
                counterpart=where,
                reason=reason,
                order_number=order,
            ),
        )

    for st, cls, doc_type, series, number, on, honours in (
        (s[5], c10a, "general_certificate", "ЖОБ", "0001", D(2026, 6, 20), True),
        (s[4], c5b, "basic_certificate", "НОБ", "0002", D(2026, 6, 15), False),
    ):
        await fx.add(
            db,
            EducationDocument(
                organization_id=school.id,
                region_id=school.region_id,
                class_id=cls.id,
                student_person_id=st.id,
                doc_type=doc_type,
                series=series,
                number=number,
                issued_on=on,
                with_honours=honours,
            ),
        )

    for changed_at, who_id, who, st, subj, kind, action, old, new in (
        (dt.datetime(2025, 9, 1, 10, tzinfo=UTC), t1.id, None, s[1], math, "current", "created", None, "5"),
        (dt.datetime(2025, 9, 12, 8, tzinfo=UTC), None, "Kundelik", s[2], rus, "current", "changed", "3", "4"),
        (dt.datetime(2025, 11, 5, 8, tzinfo=UTC), t2.id, None, s[2], rus, "quarter", "deleted", "3", None),
    ):
        await fx.add(
            db,
            JournalChange(
                organization_id=school.id,
                region_id=school.region_id,
                mark_id=0,
                class_id=c5a.id,
                subject_id=subj.id,
                student_person_id=st.id,
                lesson_date=D(2025, 9, 1),
                mark_kind=kind,
                action=action,
                old_value=old,
                new_value=new,
                changed_by_person_id=who_id,
                changed_by=who,
                changed_at=changed_at,
            ),
        )

    p1 = await fx.person(db, "Абаева", "Сауле", sex="F", birth_date=D(1985, 8, 9))
    await fx.add(db, ParentLink(parent_person_id=p1.id, child_person_id=s[1].id, relation="mother"))
    await fx.add(db, ParentLink(parent_person_id=t2.id, child_person_id=s[2].id, relation="father"))

    day = D(2026, 11, 20)
    users = {}
    for key, person, seen in (
        ("t1", t1, at(day, 5)),
        ("s1", s[1], at(day - dt.timedelta(days=10), 5)),
        ("s2", s[2], at(day - dt.timedelta(days=6), 5)),
        ("p1", p1, None),
    ):
        users[key] = await fx.add(
            db,
            User(
                organization_id=school.id,
                region_id=school.region_id,
                person_id=person.id,
                status="active",
                last_seen_at=seen,
                registered_at=at(D(2025, 8, 25)),  # before every report date of the tests
            ),
        )
    for key, back in (("t1", 0), ("t1", 3), ("s1", 10), ("s2", 6), ("p1", 40)):
        await fx.add(
            db,
            Visit(
                user_id=users[key].id,
                organization_id=school.id,
                region_id=school.region_id,
                visited_at=at(day - dt.timedelta(days=back), 5),
            ),
        )

    # something in the other district's school, which must never show up
    cb = await fx.school_class(db, w.school_b, year, 5, "А")
    sb = await fx.person(db, "Чужой", "Ученик")
    await fx.enrol(db, cb, sb, start)
    ab = await fx.assignment(db, cb, math, None)
    lb = await fx.lesson(db, ab, D(2025, 9, 1), 1)
    await fx.add(db, fx.mark_of(cb, math, sb, lb.date, kind="current", value=1, lesson_id=lb.id))

    user_a = await fx.app_user(db, w.body_a)
    user_b = await fx.app_user(db, w.body_b)
    return Crafted(w, q1, c5a, c5b, c10a, math, rus, t1, t2, s, user_a, user_b, day)
