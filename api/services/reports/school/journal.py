"""Статистика ведения ЭЖД (per teacher) and История изменений журнала."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Date, case, func, literal, literal_column, select

from api.models import Homework, JournalChange, Lesson, Mark, Person, SchoolClass, Subject
from api.models.school import LessonStatus, lesson_held
from api.services.reports import localtime
from api.services.reports.engine import TOTAL, Col, ReportContext, ReportResult, percent, t
from api.services.reports.kit import T, full_name
from api.services.reports.school.common import (
    CLASS,
    STUDENT,
    SUBJECT,
    TEACHER,
    TIMED,
    class_name,
    in_org,
    on_time_days,
    resolve_range,
    school_report,
)

TZ = localtime.TIME_ZONE


async def keeping_query(ctx: ReportContext) -> ReportResult:
    """Per teacher: lessons held, % with topic / homework / marks, % of marks entered on time, late entries."""
    start, end = await resolve_range(ctx)
    days = on_time_days()
    ls, h, m, p = Lesson, Homework, Mark, Person
    # the teacher who taught the lesson and kept its journal page: the substitute of a replaced lesson
    taught_by = case((ls.status == LessonStatus.replaced, ls.substitute_person_id), else_=ls.teacher_person_id)
    conds = [in_org(ctx, ls.organization_id), lesson_held(ls.status), ls.date.between(start, end)]
    conds.append(taught_by.is_not(None))
    if ctx.filters.teacher_id is not None:
        conds.append(taught_by == ctx.filters.teacher_id)
    entered_day = func.cast(func.timezone(TZ, m.entered_at), Date)
    # per lesson, index lookups: its homework, its current marks and those entered on time
    hw = select(func.count().label("n")).where(h.lesson_id == ls.id, h.class_id == ls.class_id).lateral("hw")
    mk = (
        select(
            func.count().label("n"),
            func.count().filter(entered_day - ls.date <= days).label("on_time"),
        )
        .where(m.lesson_id == ls.id, m.class_id == ls.class_id, m.kind == "current")
        .lateral("mk")
    )
    lessons = (
        select(
            taught_by.label("pid"),
            func.count().label("held"),
            func.count().filter(func.coalesce(func.btrim(ls.topic), "") != "").label("topic"),
            func.count().filter(hw.c.n > 0).label("homework"),
            func.count().filter(mk.c.n > 0).label("marked"),
            func.sum(mk.c.n).label("marks"),
            func.sum(mk.c.on_time).label("on_time"),
        )
        .select_from(ls)
        .join(hw, literal(True))
        .join(mk, literal(True))
        .where(*conds)
        .group_by(literal_column("1"))
        .subquery("l")
    )
    # the teacher's name by an index lookup per row (a join would read all persons of the region)
    name = select(full_name(p)).where(p.id == lessons.c.pid).scalar_subquery()
    stmt = select(
        lessons.c.pid.label("id"),
        name.label("teacher"),
        lessons.c.held,
        lessons.c.topic,
        lessons.c.homework,
        lessons.c.marked,
        lessons.c.marks,
        lessons.c.on_time,
    ).order_by(name, lessons.c.pid)

    def build(r: Any) -> dict[str, Any]:
        held, n = int(r.held), int(r.marks)
        return {
            "held": held,
            "pct_topic": percent(int(r.topic), held),
            "pct_homework": percent(int(r.homework), held),
            "pct_marks": percent(int(r.marked), held),
            "marks": n,
            "pct_on_time": percent(int(r.on_time), n),
            "late": n - int(r.on_time),
        }

    records = (await ctx.session.execute(stmt)).all()
    rows = [{"_id": r.id, "teacher": r.teacher, **build(r)} for r in records]
    totals = None
    if records:

        class Sum:
            pass

        s: Any = Sum()
        for k in ("held", "topic", "homework", "marked", "marks", "on_time"):
            setattr(s, k, sum(int(getattr(r, k)) for r in records))
        totals = {"teacher": t(TOTAL, ctx.lang), **build(s)}
    return ReportResult(rows=rows, count=len(rows), totals=totals)


JOURNAL_KEEPING = school_report(
    id="school.journal.keeping",
    title=T("Статистика ведения ЭЖД", "ЭСЖ жүргізу статистикасы", "Journal keeping statistics"),
    filters=(*TIMED, "teacher_id"),
    columns=(
        Col("teacher", TEACHER),
        Col("held", T("Проведено уроков", "Өткізілген сабақтар", "Lessons held"), "int"),
        Col(
            "pct",
            T("% уроков", "Сабақтар %", "% of lessons"),
            children=(
                Col("pct_topic", T("с темой", "тақырыбы бар", "with topic"), "percent"),
                Col("pct_homework", T("с ДЗ", "ҮТ бар", "with homework"), "percent"),
                Col("pct_marks", T("с оценками", "бағалары бар", "with marks"), "percent"),
            ),
        ),
        Col("marks", T("Текущих оценок", "Ағымдағы бағалар", "Current marks"), "int"),
        Col("pct_on_time", T("% оценок вовремя", "Уақытында қойылған %", "% marks on time"), "percent"),
        Col("late", T("Поздних записей", "Кеш жазбалар", "Late entries"), "int"),
    ),
    query=keeping_query,
    count_label=T("Всего {n} {учитель|учителя|учителей}", "Барлығы {n} мұғалім", "Total: {n} teachers"),
)


# --- История изменений журнала ------------------------------------------------------------------

ACTIONS = {
    "created": T("выставлена", "қойылды", "created"),
    "changed": T("изменена", "өзгертілді", "changed"),
    "deleted": T("удалена", "жойылды", "deleted"),
}
KINDS = {
    "current": T("текущая", "ағымдағы", "current"),
    "sor": T("СОР", "БЖБ", "section summative"),
    "soch": T("СОЧ", "ТЖБ", "term summative"),
    "quarter": T("четвертная", "тоқсандық", "quarter"),
    "year": T("годовая", "жылдық", "year"),
    "exam": T("экзаменационная", "емтихан", "exam"),
}


async def history_query(ctx: ReportContext) -> ReportResult:
    """The journal change log: when, who, student, class, subject, lesson date, kind, old → new, action."""
    start, end = await resolve_range(ctx)
    since = dt.datetime.combine(start, dt.time(), localtime.TZ)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), localtime.TZ)
    j, f = JournalChange, ctx.filters
    conds = [in_org(ctx, j.organization_id), j.changed_at >= since, j.changed_at < until]
    if f.class_id is not None:
        conds.append(j.class_id == f.class_id)
    if f.subject_id is not None:
        conds.append(j.subject_id == f.subject_id)
    if f.teacher_id is not None:
        conds.append(j.changed_by_person_id == f.teacher_id)
    total = int(await ctx.session.scalar(select(func.count()).select_from(j).where(*conds)) or 0)
    st, who = Person.__table__.alias("st"), Person.__table__.alias("who")
    c = SchoolClass
    stmt = (
        select(
            j.id,
            j.changed_at,
            func.coalesce(func.nullif(full_name(who), ""), j.changed_by).label("who"),
            full_name(st).label("student"),
            class_name(c).label("class"),
            c.id.label("class_id"),
            ctx.name_col(Subject).label("subject"),
            j.lesson_date,
            j.mark_kind,
            j.old_value,
            j.new_value,
            j.action,
        )
        .select_from(j)
        .outerjoin(who, who.c.id == j.changed_by_person_id)
        .outerjoin(st, st.c.id == j.student_person_id)
        .outerjoin(c, c.id == j.class_id)
        .outerjoin(Subject, Subject.id == j.subject_id)
        .where(*conds)
        .order_by(j.changed_at.desc(), j.id.desc())
        .offset(ctx.offset)
    )
    if ctx.limit is not None:
        stmt = stmt.limit(ctx.limit)
    rows = [
        {
            "_id": r.id,
            "when": localtime.fmt_local(r.changed_at),
            "who": r.who or None,
            "student": r.student or None,
            "class": r._mapping["class"] if r.class_id else None,
            "subject": r.subject,
            "lesson_date": r.lesson_date,
            "kind": t(KINDS[r.mark_kind], ctx.lang) if r.mark_kind in KINDS else r.mark_kind,
            "change": f"{r.old_value or '—'} → {r.new_value or '—'}",
            "action": t(ACTIONS[r.action], ctx.lang) if r.action in ACTIONS else r.action,
        }
        for r in await ctx.session.execute(stmt)
    ]
    return ReportResult(rows=rows, count=total, total_rows=total)


JOURNAL_HISTORY = school_report(
    id="school.journal.history",
    title=T("История изменений журнала", "Журнал өзгерістерінің тарихы", "Journal change history"),
    filters=(*TIMED, "class_id", "subject_id", "teacher_id"),
    columns=(
        Col("when", T("Когда", "Қашан", "When")),
        Col("who", T("Кто", "Кім", "Who")),
        Col("student", STUDENT),
        Col("class", CLASS),
        Col("subject", SUBJECT),
        Col("lesson_date", T("Дата урока", "Сабақ күні", "Lesson date")),
        Col("kind", T("Вид оценки", "Баға түрі", "Mark kind")),
        Col("change", T("Было → стало", "Болды → болды", "Old → new")),
        Col("action", T("Действие", "Әрекет", "Action")),
    ),
    query=history_query,
    count_label=T("Всего {n} {запись|записи|записей}", "Барлығы {n} жазба", "Total: {n} entries"),
    paginated=True,
)
