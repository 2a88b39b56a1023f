"""Посещаемость: Классному руководителю: one class, by student or by day."""

from __future__ import annotations

from sqlalchemy import and_, func, select

from api.errors import InvalidInput
from api.models import Absence, Enrolment, Lesson, Person
from api.models.school import lesson_held
from api.services.membership import member_during
from api.services.reports.engine import (
    Col,
    ReportContext,
    ReportResult,
    View,
    fmt_date,
)
from api.services.reports.kit import T, absence_columns, full_name, joined
from api.services.reports.school.attendance import (
    RULES,
    absence_counts,
    active_on,
    finish,
    lesson_counts,
    sum_rows,
)
from api.services.reports.school.common import (
    DATE,
    ROWS_COUNT,
    STUDENT,
    TIMED,
    in_org,
    resolve_range,
    school_report,
)

# --- Посещаемость: Классному руководителю -----------------------------------------------------------


async def class_teacher_query(ctx: ReportContext) -> ReportResult:
    """One class: a row per student (view «students») or per day (view «days») with absences by reason."""
    class_id = ctx.filters.class_id
    if class_id is None:
        raise InvalidInput("class_id", "the report is about one class: choose class_id")
    start, end = await resolve_range(ctx)
    if ctx.view == "days":
        lessons = await lesson_counts(ctx, start, end, ("date",))
        absences = await absence_counts(ctx, start, end, (Absence.date,), False)
        days = sorted(set(lessons) | set(absences))
        rows = [
            finish(
                {
                    "_id": d[0].isoformat(),
                    "day": fmt_date(d[0]),
                    "date": d[0].isoformat(),
                    **lessons.get(d, {}),
                    **absences.get(d, {}),
                }
            )
            for d in days
        ]
        ctx.columns = [Col("day", DATE), *absence_columns()]
        chart = {
            "type": "bar",
            "x": "day",
            "series": ["abs_illness", "abs_valid", "abs_unexcused", "abs_late"],
            "points": [
                {"x": r["date"], **{k: r[k] for k in ("abs_illness", "abs_valid", "abs_unexcused", "abs_late")}}
                for r in rows
            ],
        }
        return ReportResult(
            rows=rows, count=len(rows), totals=sum_rows(rows, "day", ctx.lang) if rows else None, chart=chart
        )
    ls, e, p = Lesson, Enrolment, Person
    # students enrolled in the class at some time within the range; student-lessons while enrolled
    stmt = (
        select(p.id, full_name(p).label("name"), func.count(ls.id).label("student_lessons"))
        .select_from(e)
        .join(p, p.id == e.student_person_id)
        .outerjoin(
            ls,
            and_(
                ls.class_id == e.class_id,
                lesson_held(ls.status),
                ls.date.between(start, end),
                active_on(e, ls.date),
            ),
        )
        .where(
            in_org(ctx, e.organization_id),
            e.class_id == class_id,
            member_during(e.starts_on, e.ends_on, start, end),
        )
        .group_by(p.id)
        .order_by(p.surname, p.first_name, p.id)
    )
    students = (await ctx.session.execute(stmt)).all()
    absences = await absence_counts(ctx, start, end, (Absence.student_person_id,), False)
    rows = [
        finish({"_id": s.id, "student": s.name, "student_lessons": s.student_lessons, **absences.get((s.id,), {})})
        for s in students
    ]
    ctx.columns = [
        Col("student", STUDENT),
        *absence_columns(with_lessons=False),
    ]
    totals = sum_rows(rows, "student", ctx.lang) if rows else None
    for row in [*rows, totals or {}]:
        row.pop("lessons", None)  # lessons are per class, not per student
    return ReportResult(rows=rows, count=len(rows), totals=totals)


ATTENDANCE_CLASS_TEACHER = school_report(
    id="school.attendance.class_teacher",
    title=T(
        "Посещаемость: Классному руководителю",
        "Қатысу: Сынып жетекшісіне",
        "Attendance: Class teacher",
    ),
    filters=(*TIMED, "class_id"),
    views=(
        View("students", T("По ученикам", "Оқушылар бойынша", "By student")),
        View("days", T("По дням", "Күндер бойынша", "By day")),
    ),
    columns=(Col("student", STUDENT), *absence_columns(with_lessons=False)),
    methodology=joined(
        T(
            "Один класс (обязательный фильтр «Класс»). «По ученикам» — строка на каждого ученика, состоявшего в "
            "классе в пределах периода; ученико-уроки — проведённые уроки класса в дни, когда ученик был зачислен. "
            "«По дням» — строка на каждый день с уроками или пропусками, с диаграммой пропусков по причинам.",
            "Бір сынып («Сынып» сүзгісі міндетті). «Оқушылар бойынша» — кезең ішінде сыныпта болған әр оқушыға "
            "жол; оқушы-сабақтар — оқушы қабылданған күндердегі сыныптың өткізілген сабақтары. «Күндер бойынша» "
            "— сабақтар немесе жіберулер бар әр күнге жол, себептер бойынша жіберулер диаграммасымен.",
            "One class (the class filter is required). «By student»: a row per student enrolled in the class at "
            "some time within the period; student-lessons are the class's held lessons on days the student was "
            "enrolled. «By day»: a row per day with lessons or absences, with a chart of absences by reason.",
        ),
        RULES,
    ),
    query=class_teacher_query,
    count_label=ROWS_COUNT,
)
