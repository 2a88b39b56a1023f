"""The trigger-kept aggregates equal a recomputation from raw data after random inserts, edits and deletes."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from api.services.reports.aggregates import AGGREGATE_TABLES, differences, rebuild_all
from tests import factories as fx


async def _assert_exact(db: AsyncSession, step: str) -> None:
    for table in AGGREGATE_TABLES:
        diff = await differences(db, table)
        assert diff == [], f"{table} differs after {step}: {diff[:5]}"


async def _world(db: AsyncSession):
    w = await fx.world(db)
    school_c = await fx.organization(db, "school", w.body_a, type_id=w.school_type.id, name_ru="Школа В")
    year = await fx.academic_year(db, 2026)
    periods = list(
        (
            await db.execute(
                text("SELECT id FROM periods WHERE academic_year_id = :y ORDER BY starts_on"), {"y": year.id}
            )
        ).scalars()
    )
    schools = [w.school_a, w.school_b, school_c]
    classes, lessons_by_class, students_by_class = [], {}, {}
    subj = await fx.subject(db)
    for s in schools:
        for grade in (5, 6):
            c = await fx.school_class(db, s, year, grade=grade)
            teacher = await fx.person(db, birth_date=date(1985, 1, 1))
            await fx.staff_post(db, s, teacher, "teacher", "expert")
            a = await fx.assignment(db, c, subj, teacher)
            classes.append(c)
            students = []
            for _ in range(4):
                st = await fx.person(db)
                await fx.enrol(db, c, st)
                students.append(st)
            students_by_class[c.id] = students
            lessons_by_class[c.id] = [await fx.lesson(db, a, date(2026, 9, 1) + timedelta(days=i)) for i in range(5)]
    return w, schools, classes, periods, lessons_by_class, students_by_class


async def test_random_changes_keep_aggregates_exact(db: AsyncSession) -> None:
    rng = random.Random(20261128)
    await db.execute(text("SELECT setseed(0.1128)"))  # ORDER BY random() picks rows: make it repeatable
    w, schools, classes, periods, lessons_by_class, students_by_class = await _world(db)
    all_students = [s for ss in students_by_class.values() for s in ss]
    year_id = await db.scalar(text("SELECT academic_year_id FROM periods WHERE id = :p"), {"p": periods[0]})
    # the year overlaps the quarters: a current mark counts for its quarter and for the year
    await db.execute(
        text(
            "INSERT INTO periods (academic_year_id, kind, number, name_ru, name_kk, name_en, starts_on, ends_on) "
            "VALUES (:y, 'year', 1, 'Год', 'Жыл', 'Year', DATE '2026-09-01', DATE '2027-05-31')"
        ),
        {"y": year_id},
    )
    # current marks on the quarters' first and last days and near them: between the quarters (the year only),
    # before the year; moving a period's bounds by up to 3 days moves some of them in or out
    mark_days = [date(2026, 8, 30), date(2026, 9, 1), date(2026, 10, 20), date(2026, 10, 26), date(2026, 10, 28)]
    mark_days += [date(2026, 11, 3), date(2026, 11, 5)]
    # users: some students registered, one person is a user in two schools' visits
    user_ids = []
    for st in all_students[::2]:
        uid = await db.scalar(
            text("INSERT INTO users (person_id, organization_id, status) VALUES (:p, :o, 'active') RETURNING id"),
            {"p": st.id, "o": schools[0].id},
        )
        user_ids.append(uid)
    await _assert_exact(db, "setup")

    base = datetime(2026, 10, 1, 6, 0, tzinfo=UTC)
    current_rows = 0
    for step in range(80):
        op = rng.choice(
            [
                "mark_ins",
                "mark_ins",
                "mark_upd",
                "mark_del",
                "abs_ins",
                "abs_upd",
                "abs_del",
                "visit_ins",
                "visit_ins",
                "visit_upd",
                "visit_del",
                "lesson_status",
                "enrol_end",
                "period_dates",
                "period_half",
                "parent_link",
                "staff_post",
            ]
        )
        c = rng.choice(classes)
        students = students_by_class[c.id]
        if op == "mark_ins":
            rows = []
            for _ in range(rng.randint(1, 6)):
                st = rng.choice(students)
                na = rng.random() < 0.1
                rows.append(
                    {
                        "o": c.organization_id,
                        "r": c.region_id,
                        "c": c.id,
                        "s": lessons_by_class[c.id][0].subject_id,
                        "st": st.id,
                        "p": rng.choice(periods),
                        "k": rng.choice(["quarter", "year", "current", "current"]) if not na else "quarter",
                        "v": None if na else rng.randint(1, 5),
                        "na": na,
                        "l": lessons_by_class[c.id][0].id,
                        "d": rng.choice(mark_days),
                    }
                )
            await db.execute(
                text(
                    "INSERT INTO marks (organization_id, region_id, class_id, subject_id, student_person_id, "
                    "period_id, kind, value, not_attested, date, lesson_id) "
                    "VALUES (:o, :r, :c, :s, :st, :p, :k, :v, :na, :d, :l)"
                ),
                rows,
            )
        elif op == "mark_upd":
            await db.execute(
                text(
                    "UPDATE marks SET value = CASE WHEN not_attested THEN NULL ELSE 1 + (id % 5) END "
                    "WHERE id IN (SELECT id FROM marks ORDER BY random() LIMIT 3)"
                )
            )
            await db.execute(
                text(
                    "UPDATE marks SET not_attested = true, value = NULL "
                    "WHERE id IN (SELECT id FROM marks WHERE kind = 'year' ORDER BY random() LIMIT 1)"
                )
            )
            # a current mark moved to another day (across a period's bounds), one turned into a СОР and back
            await db.execute(
                text(
                    "UPDATE marks SET date = date + (id % 9)::int - 4 "
                    "WHERE id IN (SELECT id FROM marks WHERE kind = 'current' ORDER BY random() LIMIT 2)"
                )
            )
            await db.execute(
                text(
                    "UPDATE marks SET kind = CASE WHEN kind = 'current' THEN 'sor' ELSE 'current' END "
                    "WHERE id IN (SELECT id FROM marks WHERE kind IN ('current', 'sor') ORDER BY random() LIMIT 2)"
                )
            )
        elif op == "mark_del":
            await db.execute(text("DELETE FROM marks WHERE id IN (SELECT id FROM marks ORDER BY random() LIMIT 4)"))
        elif op == "abs_ins":
            lesson = rng.choice(lessons_by_class[c.id][:4])  # the last lesson is toggled held → replaced → cancelled
            await db.execute(
                text(
                    "INSERT INTO absences (organization_id, region_id, class_id, lesson_id, student_person_id, "
                    "date, reason) VALUES (:o, :r, :c, :l, :s, :d, :reason) ON CONFLICT DO NOTHING"
                ),
                [
                    {
                        "o": c.organization_id,
                        "r": c.region_id,
                        "c": c.id,
                        "l": lesson.id,
                        "s": st.id,
                        "d": lesson.date,
                        "reason": rng.choice(["illness", "valid", "unexcused", "late"]),
                    }
                    for st in rng.sample(students, 2)
                ],
            )
        elif op == "abs_upd":
            await db.execute(
                text(
                    "UPDATE absences SET reason = (ARRAY['illness','valid','unexcused','late'])[1 + id % 4] "
                    "WHERE id IN (SELECT id FROM absences ORDER BY random() LIMIT 2)"
                )
            )
        elif op == "abs_del":
            await db.execute(
                text("DELETE FROM absences WHERE id IN (SELECT id FROM absences ORDER BY random() LIMIT 2)")
            )
        elif op == "visit_ins":
            await db.execute(
                text("INSERT INTO visits (user_id, organization_id, region_id, visited_at) VALUES (:u, :o, :r, :t)"),
                [
                    {
                        "u": rng.choice(user_ids),
                        "o": rng.choice(schools).id,
                        "r": w.region.id,
                        "t": base + timedelta(days=rng.randint(0, 45), hours=rng.randint(0, 23)),
                    }
                    for _ in range(rng.randint(1, 8))
                ],
            )
        elif op == "visit_upd":
            await db.execute(
                text(
                    "UPDATE visits SET visited_at = visited_at + make_interval(days => (id % 9)::int - 4) "
                    "WHERE id IN (SELECT id FROM visits ORDER BY random() LIMIT 3)"
                )
            )
        elif op == "visit_del":
            await db.execute(text("DELETE FROM visits WHERE id IN (SELECT id FROM visits ORDER BY random() LIMIT 3)"))
        elif op == "lesson_status":
            lesson = lessons_by_class[c.id][4]
            await db.execute(
                text(
                    # held → replaced (by a substitute: held too) → cancelled → held
                    "UPDATE lessons SET status = CASE status WHEN 'held' THEN 'replaced' WHEN 'replaced' "
                    "THEN 'cancelled' ELSE 'held' END, substitute_person_id = CASE WHEN status = 'held' "
                    "THEN teacher_person_id END WHERE id = :i"
                ),
                {"i": lesson.id},
            )
        elif op == "period_dates":
            # the dates of a period are data: moving a bound moves current marks in or out of it
            await db.execute(
                text(
                    "UPDATE periods SET starts_on = starts_on + CAST(:a AS int), "
                    "ends_on = ends_on + CAST(:b AS int) WHERE id = :p"
                ),
                {"a": rng.randint(-3, 3), "b": rng.randint(-3, 3), "p": rng.choice(periods[:2])},
            )
        elif op == "period_half":
            deleted = await db.scalar(
                text("DELETE FROM periods WHERE academic_year_id = :y AND kind = 'half' RETURNING id"), {"y": year_id}
            )
            if deleted is None:
                await db.execute(
                    text(
                        "INSERT INTO periods (academic_year_id, kind, number, name_ru, name_kk, name_en, starts_on, "
                        "ends_on) VALUES (:y, 'half', 1, 'Полугодие', 'Жарты жыл', 'Half', DATE '2026-09-01', "
                        "DATE '2026-12-28')"
                    ),
                    {"y": year_id},
                )
        elif op == "enrol_end":
            st = rng.choice(students)
            await db.execute(
                text(
                    "UPDATE enrolments SET ends_on = CASE WHEN ends_on IS NULL THEN DATE '2026-09-03' END "
                    "WHERE student_person_id = :s"
                ),
                {"s": st.id},
            )
        elif op == "parent_link":
            parent = rng.choice(all_students[:3])  # a student who is also "parent" of another: exercises roles
            child = rng.choice(all_students[3:])
            await db.execute(
                text(
                    "INSERT INTO parent_links (parent_person_id, child_person_id, relation) VALUES (:p, :c, 'other') "
                    "ON CONFLICT (parent_person_id, child_person_id) DO NOTHING"
                ),
                {"p": parent.id, "c": child.id},
            )
        elif op == "staff_post":
            st = rng.choice(all_students)
            if rng.random() < 0.5:
                await fx.staff_post(db, rng.choice(schools), st, rng.choice(["teacher", "deputy"]), "master")
            else:
                await db.execute(text("DELETE FROM staff_posts WHERE person_id = :p"), {"p": st.id})
        if step % 8 == 7:
            await _assert_exact(db, f"step {step} ({op})")
            current_rows = max(current_rows, await db.scalar(text("SELECT count(*) FROM rpt_student_current")) or 0)
    await _assert_exact(db, "the end")
    before = {t: (await db.execute(text(f"SELECT count(*) FROM {t}"))).scalar() for t in AGGREGATE_TABLES}  # noqa: S608
    assert before["rpt_org_visit_windows"] and before["rpt_student_period"] and before["rpt_org_day_attendance"]
    assert current_rows > 0
    await rebuild_all(db)
    await _assert_exact(db, "rebuild_all")


async def test_deferred_triggers_then_rebuild(db: AsyncSession) -> None:
    w, schools, classes, periods, lessons_by_class, students_by_class = await _world(db)
    await db.execute(text("SET LOCAL bilim.rpt_defer = 'on'"))
    c = classes[0]
    st = students_by_class[c.id][0]
    await db.execute(
        text(
            "INSERT INTO marks (organization_id, region_id, class_id, subject_id, student_person_id, period_id, kind, "
            "value, date) VALUES (:o, :r, :c, :s, :st, :p, 'quarter', 5, DATE '2026-10-20')"
        ),
        {
            "o": c.organization_id,
            "r": c.region_id,
            "c": c.id,
            "s": lessons_by_class[c.id][0].subject_id,
            "st": st.id,
            "p": periods[0],
        },
    )
    assert await differences(db, "rpt_student_period") != []
    await rebuild_all(db)
    await db.execute(text("SET LOCAL bilim.rpt_defer = 'off'"))
    await _assert_exact(db, "rebuild")
