"""Period performance aggregates (rpt_student_period, rpt_org_period_perf) under random changes of everything they
depend on: period marks, enrolments (moves between classes and schools, ends), class–subject assignments, period
dates and a class's grade (a 1st grade is not graded). They must equal the recomputation from raw data after every
few steps."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from api.models import Assignment
from api.services.reports.aggregates import differences, rebuild_all
from tests import factories as fx

TABLES = ("rpt_student_period", "rpt_org_period_perf")


async def _assert_exact(db: AsyncSession, step: str) -> None:
    for table in TABLES:
        diff = await differences(db, table)
        assert diff == [], f"{table} differs after {step}: {diff[:5]}"


async def test_random_changes_keep_performance_exact(db: AsyncSession) -> None:
    rng = random.Random(20261204)
    await db.execute(text("SELECT setseed(0.1204)"))
    # Set up with the triggers deferred, then rebuild: a period written by a trigger-kept transaction takes SHARE
    # ROW EXCLUSIVE for the rest of it, and the steps below should run on the per-student path (until the first
    # change of a period's dates).
    await db.execute(text("SET LOCAL bilim.rpt_defer = 'on'"))
    w = await fx.world(db)
    year = await fx.academic_year(db, 2026)
    periods = list(
        (
            await db.execute(
                text("SELECT id FROM periods WHERE academic_year_id = :y ORDER BY starts_on"), {"y": year.id}
            )
        ).scalars()
    )[:2]
    subjects = [await fx.subject(db) for _ in range(3)]
    classes = []
    for school in (w.school_a, w.school_b):
        for grade in (1, 5, 6):  # the 1st grade is taught without marks (rpt_graded_grade)
            classes.append(await fx.school_class(db, school, year, grade=grade))
    students = [await fx.person(db) for _ in range(10)]
    # Each student starts in a class; some move on 15.10 (before Q1 ends on 26.10), some leave.
    placement = {}
    for st in students:
        c = rng.choice(classes)
        await fx.enrol(db, c, st)
        placement[st.id] = c
    assert any(c.grade == 1 for c in placement.values())  # some students start in a 1st grade
    for c in classes:
        for subj in rng.sample(subjects, 2):
            await fx.assignment(db, c, subj)
    await rebuild_all(db)
    await db.execute(text("SET LOCAL bilim.rpt_defer = 'off'"))
    await _assert_exact(db, "setup")
    counts = {"marks": 0, "missing": 0, "moved": 0, "regraded": 0}

    for step in range(110):
        op = rng.choice(["mark", "mark", "mark_upd", "mark_del", "move", "leave", "assign", "unassign", "reassign"])
        op = rng.choice([op, "current", "period_end", "regrade"]) if step % 4 == 3 else op
        st = rng.choice(students)
        c = placement[st.id]
        if op in ("mark", "current"):
            kind = "current" if op == "current" else rng.choice(["quarter", "quarter", "year"])
            na = kind != "current" and rng.random() < 0.15
            lesson_id = None
            if kind == "current":
                a = await db.scalar(text("SELECT id FROM assignments WHERE class_id = :c LIMIT 1"), {"c": c.id})
                if a is None:
                    continue
                lesson_id = (
                    await fx.lesson(db, await db.get(Assignment, a), date(2026, 9, 1) + timedelta(days=step))
                ).id
            await db.execute(
                text(
                    "INSERT INTO marks (organization_id, region_id, class_id, subject_id, student_person_id, "
                    "period_id, kind, value, not_attested, date, lesson_id) "
                    "VALUES (:o, :r, :c, :s, :st, :p, :k, :v, :na, DATE '2026-10-20', :l)"
                ),
                {
                    "o": c.organization_id,
                    "r": c.region_id,
                    "c": c.id,
                    "s": rng.choice(subjects).id,
                    "st": st.id,
                    "p": rng.choice(periods),
                    "k": kind,
                    "v": None if na else rng.randint(1, 5),
                    "na": na,
                    "l": lesson_id,
                },
            )
        elif op == "mark_upd":
            await db.execute(
                text(
                    "UPDATE marks SET value = CASE WHEN not_attested THEN NULL ELSE 1 + (id + :k) % 5 END, "
                    "subject_id = CASE WHEN id % 3 = 0 THEN :s ELSE subject_id END "
                    "WHERE id IN (SELECT id FROM marks ORDER BY random() LIMIT 2)"
                ),
                {"k": step, "s": rng.choice(subjects).id},
            )
        elif op == "mark_del":
            await db.execute(text("DELETE FROM marks WHERE id IN (SELECT id FROM marks ORDER BY random() LIMIT 2)"))
        elif op == "move":
            # the student changes class (maybe school) in mid-October: Q1's last day (26.10) finds the new class;
            # start days increase from move to move, so the previous enrolment always ends before the new one
            new = rng.choice([x for x in classes if x.id != c.id])
            starts = date(2026, 10, 10) + timedelta(days=counts["moved"])
            await db.execute(
                text(
                    "UPDATE enrolments SET ends_on = :d WHERE id = (SELECT max(id) FROM enrolments "
                    "WHERE student_person_id = :s)"
                ),
                {"s": st.id, "d": starts - timedelta(days=1)},
            )
            await fx.enrol(db, new, st, starts_on=starts)
            placement[st.id] = new
            counts["moved"] += 1
        elif op == "leave":
            await db.execute(
                text(
                    "UPDATE enrolments SET ends_on = CASE WHEN ends_on IS NULL THEN DATE '2026-12-20' END "
                    "WHERE id = (SELECT max(id) FROM enrolments WHERE student_person_id = :s)"
                ),
                {"s": st.id},
            )
        elif op == "assign":
            await db.execute(
                text(  # a subject the class does not have yet
                    "INSERT INTO assignments (organization_id, region_id, class_id, subject_id) "
                    "SELECT :o, :r, :c, s.id FROM subjects s WHERE s.id = ANY(:ss) AND NOT EXISTS (SELECT 1 "
                    "FROM assignments a WHERE a.class_id = :c AND a.subject_id = s.id) ORDER BY random() LIMIT 1"
                ),
                {"o": c.organization_id, "r": c.region_id, "c": c.id, "ss": [x.id for x in subjects]},
            )
        elif op == "unassign":
            await db.execute(
                text(
                    "DELETE FROM assignments WHERE id IN (SELECT id FROM assignments WHERE class_id = :c "
                    "AND NOT EXISTS (SELECT 1 FROM lessons l WHERE l.assignment_id = assignments.id) "
                    "ORDER BY random() LIMIT 1)"
                ),
                {"c": c.id},
            )
        elif op == "reassign":
            await db.execute(
                text(
                    "UPDATE assignments SET subject_id = :s WHERE id IN (SELECT id FROM assignments a "
                    "WHERE NOT EXISTS (SELECT 1 FROM assignments b WHERE b.class_id = a.class_id "
                    "AND b.subject_id = :s) AND NOT EXISTS (SELECT 1 FROM lessons l WHERE l.assignment_id = a.id) "
                    "ORDER BY random() LIMIT 1)"
                ),
                {"s": rng.choice(subjects).id},
            )
        elif op == "regrade":
            # a class of the 1st grade becomes a 2nd (graded) one, or back: its students' rows appear or go
            first = rng.choice([x for x in classes if x.grade == 1])
            await db.execute(text("UPDATE classes SET grade = 3 - grade WHERE id = :c"), {"c": first.id})
            counts["regraded"] += 1
        elif op == "period_end":
            # Q1's last day moves across the mid-October class changes and the 20.10 marks' date
            await db.execute(
                text("UPDATE periods SET ends_on = :d WHERE id = :p"),
                {"d": date(2026, 10, 12) + timedelta(days=rng.randint(0, 14)), "p": periods[0]},
            )
        # after every step: a later refresh of the same students would hide a missed change
        await _assert_exact(db, f"step {step} ({op})")
        counts["marks"] = max(counts["marks"], await db.scalar(text("SELECT count(*) FROM marks")) or 0)
        missing = await db.scalar(text("SELECT count(*) FROM rpt_student_period WHERE n_missing > 0"))
        counts["missing"] = max(counts["missing"], missing or 0)
    await _assert_exact(db, "the end")
    # The run exercised what it is about: marks, students with a missing mark, moves between classes.
    assert counts["marks"] > 10 and counts["missing"] > 0 and counts["moved"] > 0 and counts["regraded"] > 0, counts
    await rebuild_all(db)
    await _assert_exact(db, "rebuild_all")


async def test_current_marks_take_no_student_lock(db: AsyncSession, engine: AsyncEngine) -> None:
    """Current marks (and СОР/СОЧ) feed no aggregate that depends on the student's other marks, so writing them
    takes no per-student lock; a period mark does (another session sees whether the lock is free)."""
    # Set up with the triggers deferred: the enrolment would take the student's lock, the periods a table lock.
    await db.execute(text("SET LOCAL bilim.rpt_defer = 'on'"))
    w = await fx.world(db)
    year = await fx.academic_year(db, 2026)
    q1 = await db.scalar(text("SELECT id FROM periods WHERE academic_year_id = :y ORDER BY starts_on"), {"y": year.id})
    c = await fx.school_class(db, w.school_a, year, grade=5)
    subj = await fx.subject(db)
    a = await fx.assignment(db, c, subj)
    lesson = await fx.lesson(db, a, date(2026, 9, 20))
    st = await fx.person(db)
    await fx.enrol(db, c, st)
    await db.execute(text("SET LOCAL bilim.rpt_defer = 'off'"))
    insert = text(
        "INSERT INTO marks (organization_id, region_id, class_id, subject_id, student_person_id, period_id, kind, "
        "value, date, lesson_id) VALUES (:o, :r, :c, :s, :st, :p, :k, 4, DATE '2026-09-20', :l)"
    )
    params = {"o": c.organization_id, "r": c.region_id, "c": c.id, "s": subj.id, "st": st.id, "p": q1, "l": lesson.id}

    async with engine.connect() as other:

        async def student_lock_free() -> bool:
            free = bool(await other.scalar(text("SELECT pg_try_advisory_lock(53001, :s)"), {"s": st.id}))
            if free:
                await other.execute(text("SELECT pg_advisory_unlock(53001, :s)"), {"s": st.id})
            return free

        assert await student_lock_free()
        await db.execute(insert, {**params, "k": "current"})
        await db.execute(insert, {**params, "k": "sor"})
        assert await student_lock_free()
        await db.execute(insert, {**params, "k": "quarter"})
        assert not await student_lock_free()
