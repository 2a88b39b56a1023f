"""The journal: lessons, the homework given on them, marks and absences."""

from __future__ import annotations

from typing import Any

from api.models import Absence, Homework, Lesson, Mark
from api.schemas import integration as s
from api.services.integration.engine import Ctx
from api.services.integration.kinds.spec import (
    STUDENT,
    Key,
    Refs,
    Row,
    Spec,
    check_enrolled,
    in_year,
    ref,
    resolvers,
    table_of,
)

# ---- lessons ---------------------------------------------------------------------------------------------

LESSON_TABLE = table_of(Lesson)


def _check_lesson(ctx: Ctx, i: int, it: s.LessonItem, refs: Refs, _extra: Any) -> None:
    in_year(ctx, i, "date", it.date, refs["assignment_external_id"])
    if it.status == "replaced" and it.substitute_external_id is None:
        ctx.error(i, "substitute_external_id", "a replaced lesson needs its substitute teacher")


def _teacher(_it: s.LessonItem, refs: Refs, _extra: Any) -> Any:
    """The lesson's teacher: the one named, else the assignment's."""
    teacher, a = refs["teacher_external_id"], refs["assignment_external_id"]
    return teacher["id"] if teacher else (a["teacher_person_id"] if a else None)


async def _check_cancelled(ctx: Ctx, items: list[s.LessonItem], _rows: list[Row]) -> None:
    """A lesson that carries marks or absences can't be cancelled."""
    cancelled = [it.external_id for it in items if it.status == "cancelled"]
    if cancelled:
        # a cancelled lesson was not held: it can carry no mark and no absence (REPORTS.md)
        journal = {
            r[0]: (r[1], r[2])
            for r in await ctx.conn.fetch(
                "SELECT l.external_id, (SELECT count(*) FROM marks m WHERE m.lesson_id = l.id),"
                " (SELECT count(*) FROM absences a WHERE a.lesson_id = l.id)"
                " FROM lessons l WHERE l.external_system = $1 AND l.external_id = ANY($2::text[])",
                ctx.system,
                cancelled,
            )
        }
        for i, it in enumerate(items):
            marks, absences = journal.get(it.external_id, (0, 0)) if it.status == "cancelled" else (0, 0)
            if marks:
                ctx.error(i, "status", "the lesson has marks and cannot be cancelled; delete its marks first")
            if absences:
                ctx.error(
                    i,
                    "status",
                    f"lesson {it.external_id!r} has {absences} absence(s) and cannot be cancelled; "
                    "delete its absences first",
                )


# Assignment in scope, date in the class's academic year, a substitute for a replaced lesson.
LESSONS = Spec(
    LESSON_TABLE,
    refs=(
        ref(
            "assignment_external_id",
            "assignments",
            organization_id="organization_id",
            region_id="region_id",
            class_id="class_id",
            assignment_id="id",
            subject_id="subject_id",
        ),
        ref("teacher_external_id", "persons"),
        ref("substitute_external_id", "persons", substitute_person_id="id"),
    ),
    derive={"teacher_person_id": _teacher},
    check=_check_lesson,
    after=_check_cancelled,
)

# A reference to a lesson: the lesson's school, class and the lesson itself.
_LESSON = {"organization_id": "organization_id", "region_id": "region_id", "class_id": "class_id", "lesson_id": "id"}


# ---- homework --------------------------------------------------------------------------------------------

HOMEWORK_TABLE = table_of(Homework)


def _check_homework(ctx: Ctx, i: int, it: s.HomeworkItem, refs: Refs, _extra: Any) -> None:
    lesson = refs["lesson_external_id"]
    if lesson is not None and it.due_on is not None and it.due_on < lesson["date"]:
        ctx.error(i, "due_on", f"{it.due_on.isoformat()} is before the lesson ({lesson['date'].isoformat()})")


# Lesson in scope; due no earlier than the lesson.
HOMEWORK = Spec(HOMEWORK_TABLE, refs=(ref("lesson_external_id", "lessons", **_LESSON),), check=_check_homework)


# ---- absences --------------------------------------------------------------------------------------------

ABSENCE_TABLE = table_of(Absence)


def _check_absence(ctx: Ctx, i: int, it: s.AbsenceItem, refs: Refs, _extra: Any) -> None:
    lesson = refs["lesson_external_id"]
    if lesson is not None and lesson["status"] == "cancelled":
        ctx.error(i, "lesson_external_id", f"lesson {it.lesson_external_id!r} was cancelled")


# Lesson in scope and not cancelled, student enrolled in its class, one absence per student and lesson.
ABSENCES = Spec(
    ABSENCE_TABLE,
    refs=(STUDENT, ref("lesson_external_id", "lessons", **_LESSON, date="date")),
    check=_check_absence,
    enrolled=True,
    key=Key(
        ("student_person_id", "lesson_id"),
        "lesson_external_id",
        repeated="the same student and lesson are already at index {j}",
        taken="the student already has an absence on this lesson",
    ),
)


# ---- marks -----------------------------------------------------------------------------------------------

MARK_TABLE = table_of(
    Mark,
    defaults={"entered_at": "now()"},
    not_compared=frozenset({"entered_at"}),
)
_PERIOD_MARKS = frozenset({"quarter", "year", "exam"})
_MARK_REFS = (
    STUDENT,
    ref("entered_by_external_id", "persons"),
    ref("class_external_id", "classes"),
    ref("subject_external_id", "subjects"),
    ref("lesson_external_id", "lessons"),
)


async def prepare_marks(ctx: Ctx, items: list[s.MarkItem]) -> list[Row]:
    """Student enrolled in the class, lesson of that class and subject and not cancelled, value on the scale."""
    # Marks are the bulk of the traffic: references are resolved once per distinct external id into plain
    # tuples, and the per-item loop does dictionary lookups only (a miss goes to the resolver for its message).
    found = await resolvers(ctx, items, _MARK_REFS)
    students, entered_by, classes, subjects, lessons = (found[r.field] for r in _MARK_REFS)
    periods: dict[tuple[int, str, int], int] = {}
    year_ids = list({c["academic_year_id"] for c in classes.found.values()})
    if year_ids:
        for p in await ctx.conn.fetch(
            "SELECT id, academic_year_id, kind, number FROM periods WHERE academic_year_id = ANY($1::int[])", year_ids
        ):
            periods[(p["academic_year_id"], p["kind"], p["number"])] = p["id"]
    student_ids = {ext: r["id"] for ext, r in students.found.items()}
    by_ids: dict[str | None, int] = {ext: r["id"] for ext, r in entered_by.found.items()}
    # class: (id, organization_id, region_id, academic_year_id, starts_on, ends_on)
    class_rows = {
        ext: (r["id"], r["organization_id"], r["region_id"], r["academic_year_id"], r["starts_on"], r["ends_on"])
        for ext, r in classes.found.items()
    }
    subject_rows = {ext: (r["id"], r["organization_id"]) for ext, r in subjects.found.items()}
    # lesson: (id, class_id, subject_id, date, cancelled)
    lesson_rows: dict[str | None, tuple[Any, ...]] = {
        ext: (r["id"], r["class_id"], r["subject_id"], r["date"], r["status"] == "cancelled")
        for ext, r in lessons.found.items()
    }
    rows: list[Row] = []
    append = rows.append
    error = ctx.error
    for i, it in enumerate(items):
        ext = it["student_external_id"]
        student_id = student_ids.get(ext) or students.miss(i, ext)
        ext = it["class_external_id"]
        c = class_rows.get(ext) or classes.miss(i, ext)
        ext = it["subject_external_id"]
        subj = subject_rows.get(ext) or subjects.miss(i, ext)
        lesson_ext = it.get("lesson_external_id")
        lesson = lesson_rows.get(lesson_ext) or lessons.miss(i, lesson_ext)
        by_ext = it.get("entered_by_external_id")
        by_id = by_ids.get(by_ext) or entered_by.miss(i, by_ext)
        kind = it.get("kind", "current")
        value = it.get("value")
        not_attested = it.get("not_attested", False)
        if not_attested:
            if value is not None:
                error(i, "value", "give either a value or not_attested, not both")
            if kind not in _PERIOD_MARKS:
                error(i, "not_attested", "only a quarter, year or exam mark may be «н/а»")
        elif value is None:
            error(i, "value", "required (1–5) unless not_attested")
        day = it.get("date")
        if lesson is not None:
            if c is not None and lesson[1] != c[0]:
                error(i, "lesson_external_id", f"lesson {lesson_ext!r} belongs to another class")
            if subj is not None and lesson[2] != subj[0]:
                error(i, "lesson_external_id", f"lesson {lesson_ext!r} is a lesson of another subject")
            if lesson[4]:
                error(i, "lesson_external_id", f"lesson {lesson_ext!r} was cancelled and cannot carry marks")
            if day is None:
                day = lesson[3]
            elif day != lesson[3]:
                error(i, "date", f"{day.isoformat()} differs from the lesson's date {lesson[3].isoformat()}")
        elif lesson_ext is None:
            if kind == "current":
                error(i, "lesson_external_id", "a current mark needs its lesson")
            if day is None:
                error(i, "date", "required for a mark without a lesson")
        period_id = None
        if c is not None:
            if subj is not None and subj[1] is not None and subj[1] != c[1]:
                error(i, "subject_external_id", "the subject belongs to another organization than the class")
            if day is not None and not c[4] <= day <= c[5]:
                error(i, "date", f"{day.isoformat()} lies outside the academic year of the class")
            number = it.get("period_number")
            if kind == "year":
                period_id = periods.get((c[3], "year", 1))
                if period_id is None:
                    error(i, "kind", "the academic year of the class has no year period")
            elif number is not None:
                period_id = periods.get((c[3], "quarter", number))
                if period_id is None:
                    error(i, "period_number", f"the academic year has no quarter {number}")
            elif kind == "quarter":
                error(i, "period_number", "a quarter mark needs its quarter (1–4)")
            append(
                (
                    c[1],
                    c[2],
                    c[0],
                    subj[0] if subj is not None else None,
                    student_id,
                    lesson[0] if lesson is not None else None,
                    period_id,
                    kind,
                    value,
                    not_attested,
                    day,
                    by_id,
                    it.get("entered_at"),
                )
            )
        else:
            append((None, None, None, None, student_id, None, None, kind, value, not_attested, day, by_id, None))
    await check_enrolled(ctx, MARK_TABLE, items, rows)
    return rows
