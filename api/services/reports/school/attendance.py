"""Посещаемость: the shared counts and columns; the summary by class, the school by day or week, class × subject."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, func, literal_column, select

from api.models import Absence, Enrolment, Lesson, SchoolClass, Subject
from api.models.aggregates import ReportOrgDayAttendance
from api.models.school import lesson_held
from api.services.membership import member_on
from api.services.reports.engine import (
    TOTAL,
    ChartSpec,
    Col,
    ReportContext,
    ReportResult,
    Text,
    View,
    fmt_date,
    t,
)
from api.services.reports.kit import T, absence_columns, attendance_rates, joined, methodology
from api.services.reports.school.common import (
    CLASS,
    CLASS_SUBJECTS_COUNT,
    CLASSES_COUNT,
    ROWS_COUNT,
    SUBJECT,
    TIMED,
    class_name,
    in_org,
    resolve_range,
    school_report,
)

FIELDS = ("lessons", "student_lessons", "abs_illness", "abs_valid", "abs_unexcused", "abs_late")


RULES: Text = methodology(__file__, "methodology/attendance.rules")


def finish(row: dict[str, Any]) -> dict[str, Any]:
    """Add the total of absences and % attendance to a row of counts."""
    for f in FIELDS:
        row[f] = int(row.get(f) or 0)
    attendance_rates(row)
    return row


def active_on(e: Any, day: Any) -> Any:
    return member_on(e.starts_on, e.ends_on, day)


async def lesson_counts(ctx: ReportContext, start: Any, end: Any, keys: tuple[str, ...]) -> dict[tuple, dict]:
    """Held lessons and student-lessons grouped by lesson columns `keys`.

    Lessons are first counted per (class, date[, subject]); the students enrolled in the class on that date
    are counted once per such group (an index lookup), so no lesson × student rows are ever formed.
    """
    ls, e = Lesson, Enrolment
    conds = [in_org(ctx, ls.organization_id), lesson_held(ls.status), ls.date.between(start, end)]
    if ctx.filters.class_id is not None:
        conds.append(ls.class_id == ctx.filters.class_id)
    if ctx.filters.subject_id is not None and "subject_id" in ctx.definition.filters:
        conds.append(ls.subject_id == ctx.filters.subject_id)
    inner = ["class_id", "date", *[k for k in keys if k not in ("class_id", "date")]]
    pairs = (
        select(*[getattr(ls, k) for k in inner], func.count().label("n"))
        .where(*conds)
        .group_by(*[getattr(ls, k) for k in inner])
        .subquery("pairs")
    )
    enrolled = select(func.count()).where(e.class_id == pairs.c.class_id, active_on(e, pairs.c.date)).scalar_subquery()
    gcols = [pairs.c[k] for k in keys]
    stmt = select(
        *gcols,
        func.sum(pairs.c.n).label("lessons"),
        func.sum(pairs.c.n * enrolled).label("student_lessons"),
    ).group_by(*gcols)
    out: dict[tuple, dict] = {}
    for r in await ctx.session.execute(stmt):
        out[tuple(r[: len(keys)])] = {"lessons": int(r.lessons), "student_lessons": int(r.student_lessons)}
    return out


async def absence_counts(ctx: ReportContext, start: Any, end: Any, keys: tuple[Any, ...], join_lesson: bool) -> dict:
    ab, ls = Absence, Lesson
    stmt = select(*keys, ab.reason, func.count()).select_from(ab)
    if join_lesson:
        stmt = stmt.join(ls, and_(ls.id == ab.lesson_id, ls.class_id == ab.class_id, ls.date == ab.date))
    conds = [in_org(ctx, ab.organization_id), ab.date.between(start, end)]
    if ctx.filters.class_id is not None:
        conds.append(ab.class_id == ctx.filters.class_id)
    if join_lesson:  # the same bounds on the lessons let the planner read them by (organization, date)
        conds += [ls.organization_id == ab.organization_id, ls.date.between(start, end)]
        if ctx.filters.subject_id is not None:
            conds.append(ls.subject_id == ctx.filters.subject_id)
    stmt = stmt.where(*conds).group_by(*keys, ab.reason)
    out: dict[tuple, dict] = {}
    n = len(keys)
    for r in await ctx.session.execute(stmt):
        out.setdefault(tuple(r[:n]), {})[f"abs_{r[n]}"] = r[n + 1]
    return out


async def _class_names(ctx: ReportContext) -> list[Any]:
    c = SchoolClass
    stmt = select(c.id, class_name(c).label("name")).where(in_org(ctx, c.organization_id))
    if ctx.filters.class_id is not None:
        stmt = stmt.where(c.id == ctx.filters.class_id)
    return list((await ctx.session.execute(stmt.order_by(c.grade, c.letter, c.id))).all())


def sum_rows(rows: list[dict[str, Any]], first: str, lang: str) -> dict[str, Any]:
    total: dict[str, Any] = {first: t(TOTAL, lang)}
    for f in FIELDS:
        total[f] = sum(r[f] for r in rows)
    return finish(total)


# --- Посещаемость: Сводка -------------------------------------------------------------------------


async def summary_query(ctx: ReportContext) -> ReportResult:
    """A row per class: lessons held, student-lessons, missed lessons by reason, late, % attendance."""
    start, end = await resolve_range(ctx)
    lessons = await lesson_counts(ctx, start, end, ("class_id",))
    absences = await absence_counts(ctx, start, end, (Absence.class_id,), False)
    rows = []
    for c in await _class_names(ctx):
        key = (c.id,)
        if key not in lessons and key not in absences:
            continue
        rows.append(finish({"_id": c.id, "class": c.name, **lessons.get(key, {}), **absences.get(key, {})}))
    return ReportResult(rows=rows, count=len(rows), totals=sum_rows(rows, "class", ctx.lang) if rows else None)


ATTENDANCE_SUMMARY = school_report(
    id="school.attendance.summary",
    title=T("Посещаемость: Сводка", "Қатысу: Жиынтық", "Attendance: Summary"),
    filters=(*TIMED, "class_id"),
    columns=(Col("class", CLASS), *absence_columns()),
    methodology=joined(
        T(
            "Строка на каждый класс с уроками или пропусками за период.",
            "Кезеңде сабақтары немесе жіберулері бар әр сыныпқа бір жол.",
            "A row per class with lessons or absences in the period.",
        ),
        RULES,
    ),
    query=summary_query,
    count_label=CLASSES_COUNT,
)


# --- Посещаемость: Школа --------------------------------------------------------------------------


async def school_query(ctx: ReportContext) -> ReportResult:
    """The school by day (or week): student-lessons, absences and % attendance, from the daily aggregate."""
    start, end = await resolve_range(ctx)
    a = ReportOrgDayAttendance
    bucket = func.date_trunc("week", a.day).cast(a.day.type) if ctx.view == "week" else a.day
    stmt = (
        select(
            bucket.label("d"),
            func.sum(a.lessons_held).label("lessons"),
            func.sum(a.student_lessons).label("student_lessons"),
            func.sum(a.abs_illness).label("abs_illness"),
            func.sum(a.abs_valid).label("abs_valid"),
            func.sum(a.abs_unexcused).label("abs_unexcused"),
            func.sum(a.abs_late).label("abs_late"),
        )
        .where(in_org(ctx, a.organization_id), a.day.between(start, end))
        .group_by(literal_column("1"))
        .order_by(literal_column("1"))
    )
    rows = []
    for r in await ctx.session.execute(stmt):
        label = (
            fmt_date(r.d)
            if ctx.view != "week"
            else f"{fmt_date(max(r.d, start))} – {fmt_date(min(r.d + dt.timedelta(days=6), end))}"
        )
        row = {f: r._mapping[f] for f in FIELDS}
        rows.append(finish({"_id": r.d.isoformat(), "day": label, "date": r.d.isoformat(), **row}))
    chart = {
        "type": "line",
        "x": "day",
        "series": ["pct_attendance"],
        "points": [{"x": r["date"], "label": r["day"], "pct_attendance": r["pct_attendance"]} for r in rows],
    }
    return ReportResult(
        rows=rows, count=len(rows), totals=sum_rows(rows, "day", ctx.lang) if rows else None, chart=chart
    )


ATTENDANCE_SCHOOL = school_report(
    id="school.attendance.school",
    title=T("Посещаемость: Школа", "Қатысу: Мектеп", "Attendance: School"),
    filters=TIMED,
    views=(
        View("day", T("По дням", "Күндер бойынша", "By day")),
        View("week", T("По неделям", "Апталар бойынша", "By week")),
    ),
    columns=(Col("day", T("Дата / неделя", "Күн / апта", "Day / week")), *absence_columns()),
    methodology=joined(
        T(
            "Строка на каждый учебный день (или неделю с понедельника, в пределах периода); график — % "
            "посещаемости по дням. Данные — ежедневный агрегат посещаемости организации, обновляемый с журналом.",
            "Әр оқу күніне (немесе кезең шегінде дүйсенбіден басталатын әр аптаға) бір жол; график — күндер "
            "бойынша қатысу %. Деректер — журналмен бірге жаңартылатын ұйымның күнделікті қатысу агрегаты.",
            "A row per school day (or per week from Monday, clipped to the period); the chart plots % attendance. "
            "Read from the organization's daily attendance aggregate, kept in step with the journal.",
        ),
        RULES,
    ),
    query=school_query,
    count_label=ROWS_COUNT,
    chart=ChartSpec("line", x="day", series=("pct_attendance",)),
)


# --- Посещаемость: Классы (класс × предмет) ---------------------------------------------------------


async def classes_query(ctx: ReportContext) -> ReportResult:
    """A row per class and subject: lessons, missed lessons by reason, late, % attendance."""
    start, end = await resolve_range(ctx)
    lessons = await lesson_counts(ctx, start, end, ("class_id", "subject_id"))
    absences = await absence_counts(ctx, start, end, (Absence.class_id, Lesson.subject_id), True)
    keys = set(lessons) | set(absences)
    names = {c.id: (i, c.name) for i, c in enumerate(await _class_names(ctx))}
    sids = {k[1] for k in keys}
    subj = {}
    if sids:
        res = await ctx.session.execute(select(Subject.id, ctx.name_col(Subject)).where(Subject.id.in_(sids)))
        subj = {r[0]: r[1] for r in res}
    ordered = sorted(keys, key=lambda k: (names.get(k[0], (1 << 30, ""))[0], subj.get(k[1]) or ""))
    rows = [
        finish(
            {
                "_id": f"{k[0]}:{k[1]}",
                "class": names.get(k[0], (0, None))[1],
                "subject": subj.get(k[1]),
                **lessons.get(k, {}),
                **absences.get(k, {}),
            }
        )
        for k in ordered
    ]
    return ReportResult(rows=rows, count=len(rows), totals=sum_rows(rows, "class", ctx.lang) if rows else None)


ATTENDANCE_CLASSES = school_report(
    id="school.attendance.classes",
    title=T("Посещаемость: Классы", "Қатысу: Сыныптар", "Attendance: Classes"),
    filters=(*TIMED, "class_id", "subject_id"),
    columns=(Col("class", CLASS), Col("subject", SUBJECT), *absence_columns()),
    methodology=joined(
        T(
            "Строка на каждую пару класс–предмет: уроки предмета в классе и пропуски этих уроков.",
            "Әр сынып–пән жұбына бір жол: сыныптағы пән сабақтары және олардан жіберулер.",
            "A row per class and subject: the subject's lessons in the class and the absences from them.",
        ),
        RULES,
    ),
    query=classes_query,
    count_label=CLASS_SUBJECTS_COUNT,
)
