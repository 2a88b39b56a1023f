"""Наполненность данными: how fully one organization has filled in its data."""

from __future__ import annotations

from sqlalchemy import func, select

from api.models import (
    Assignment,
    Enrolment,
    Lesson,
    ParentLink,
    Person,
    SchoolClass,
    StaffPost,
    User,
)
from api.models.school import lesson_held
from api.services.membership import member_on
from api.services.reports.engine import (
    Col,
    ReportContext,
    ReportResult,
    percent,
    t,
)
from api.services.reports.kit import T
from api.services.reports.school.common import (
    TIMED,
    in_org,
    resolve_range,
    school_report,
)

# --- Наполненность данными ------------------------------------------------------------------------


async def completeness_query(ctx: ReportContext) -> ReportResult:
    """A checklist: for each kind of data, how many records have it, of how many, and the %."""
    start, end = await resolve_range(ctx)
    e, p, pl, u, c, a, ls, sp = Enrolment, Person, ParentLink, User, SchoolClass, Assignment, Lesson, StaffPost
    s = ctx.session
    day = ctx.filters.report_date
    students = select(e.student_person_id.label("pid")).where(
        in_org(ctx, e.organization_id), member_on(e.starts_on, e.ends_on, day)
    )
    st = students.distinct().subquery("st")
    r1 = (
        await s.execute(
            select(
                func.count(),
                func.count().filter(p.birth_date.is_not(None)),
                func.count().filter(select(pl.id).where(pl.child_person_id == st.c.pid).exists()),
                func.count().filter(select(u.id).where(u.person_id == st.c.pid).exists()),
            )
            .select_from(st)
            .join(p, p.id == st.c.pid)
        )
    ).one()
    cls = select(e.class_id).where(in_org(ctx, e.organization_id), member_on(e.starts_on, e.ends_on, day))
    r2 = (
        await s.execute(
            select(func.count(), func.count().filter(c.class_teacher_person_id.is_not(None))).where(
                in_org(ctx, c.organization_id), c.id.in_(cls)
            )
        )
    ).one()
    r3 = (
        await s.execute(
            select(func.count(), func.count().filter(a.teacher_person_id.is_not(None))).where(
                in_org(ctx, a.organization_id), a.class_id.in_(cls)
            )
        )
    ).one()
    r4 = (
        await s.execute(
            select(
                func.count(),
                func.count().filter(ls.from_timetable),
                func.count().filter(lesson_held(ls.status)),
                func.count().filter(lesson_held(ls.status), func.coalesce(func.btrim(ls.topic), "") != ""),
            ).where(in_org(ctx, ls.organization_id), ls.date.between(start, end))
        )
    ).one()
    staff = (
        select(sp.person_id)
        .where(in_org(ctx, sp.organization_id), member_on(sp.started_on, sp.ended_on, day))
        .group_by(sp.person_id)
        .subquery("staff")
    )
    cat = select(sp.id).where(
        sp.person_id == staff.c.person_id,
        in_org(ctx, sp.organization_id),
        member_on(sp.started_on, sp.ended_on, day),
        sp.category != "none",
    )
    r5 = (
        await s.execute(
            select(
                func.count(),
                func.count().filter(select(u.id).where(u.person_id == staff.c.person_id).exists()),
                func.count().filter(cat.exists()),
            ).select_from(staff)
        )
    ).one()
    items = [
        (T("Ученики с датой рождения", "Туған күні көрсетілген оқушылар", "Students with date of birth"), r1[1], r1[0]),
        (
            T("Ученики со связанным родителем", "Ата-анасы байланыстырылған оқушылар", "Students with a parent"),
            r1[2],
            r1[0],
        ),
        (T("Ученики зарегистрированы", "Тіркелген оқушылар", "Students registered"), r1[3], r1[0]),
        (
            T("Классы с классным руководителем", "Сынып жетекшісі бар сыныптар", "Classes with a class teacher"),
            r2[1],
            r2[0],
        ),
        (T("Класс-предметы с учителем", "Мұғалімі бар сынып-пәндер", "Class subjects with a teacher"), r3[1], r3[0]),
        (T("Уроки из расписания", "Кестедегі сабақтар", "Lessons from the timetable"), r4[1], r4[0]),
        (T("Проведённые уроки с темой", "Тақырыбы бар өткізілген сабақтар", "Held lessons with a topic"), r4[3], r4[2]),
        (T("Сотрудники зарегистрированы", "Тіркелген қызметкерлер", "Staff registered"), r5[1], r5[0]),
        (T("Сотрудники с категорией", "Санаты бар қызметкерлер", "Staff with a category"), r5[2], r5[0]),
    ]
    rows = [
        {"_id": i, "indicator": t(title, ctx.lang), "done": int(done), "total": int(total), "pct": percent(done, total)}
        for i, (title, done, total) in enumerate(items, start=1)
    ]
    return ReportResult(rows=rows, count=len(rows))


DATA_COMPLETENESS = school_report(
    id="school.data_completeness",
    title=T("Наполненность данными", "Деректермен толтырылуы", "Data completeness"),
    filters=TIMED,
    columns=(
        Col("indicator", T("Показатель", "Көрсеткіш", "Indicator")),
        Col("done", T("Заполнено", "Толтырылған", "Filled"), "int"),
        Col("total", T("Всего", "Барлығы", "Total"), "int"),
        Col("pct", T("%", "%", "%"), "percent"),
    ),
    query=completeness_query,
    count_label=T("Всего {n} {показатель|показателя|показателей}", "Барлығы {n} көрсеткіш", "Total: {n} indicators"),
)
