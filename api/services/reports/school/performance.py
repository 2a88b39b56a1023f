"""Успеваемость: what the performance reports share (students, marks, metrics, columns) and Успеваемость: Школа."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Integer, Numeric, SmallInteger, String, and_, case, func, literal, null, or_, select, tuple_
from sqlalchemy.sql import Subquery

from api.models import Assignment, Enrolment, Mark, SchoolClass, Subject
from api.models.aggregates import ReportStudentCurrent
from api.services.membership import member_on
from api.services.reports.engine import (
    TOTAL,
    Col,
    PeriodInfo,
    ReportContext,
    ReportResult,
    Text,
    View,
    percent,
    t,
)
from api.services.reports.kit import T, dec2, joined, methodology
from api.services.reports.school.common import (
    CLASS,
    CLASSES_COUNT,
    ORG,
    class_name,
    in_org,
    resolve_period,
    school_report,
)

NA = T("н/а", "а/е", "n/a")

VIEWS = (
    View("period", T("По итоговым оценкам", "Қорытынды бағалар бойынша", "By period marks")),
    View("current", T("По текущим оценкам", "Ағымдағы бағалар бойынша", "By current marks")),
)

METRIC_COLUMNS: tuple[Col, ...] = (
    Col("students", T("Учеников", "Оқушылар", "Students"), "int"),
    Col("excellent", T("Отличники", "Үздіктер", "Excellent («5»)"), "int"),
    Col("good", T("Хорошисты", "Екпінділер", "Good («4» and «5»)"), "int"),
    Col("one_three", T("С одной «3»", "Бір «3»-пен", "With one «3»"), "int"),
    Col("threes", T("Троечники", "Үштікшілер", "With «3»"), "int"),
    Col("failing", T("Неуспевающие", "Үлгермейтіндер", "Failing"), "int"),
    Col("not_attested", T("Не аттестованы", "Аттестатталмаған", "Not attested"), "int"),
    Col("pct_success", T("% успеваемости", "Үлгерім %", "% success"), "percent"),
    Col("pct_quality", T("% качества", "Сапа %", "% quality"), "percent"),
    Col("sou", T("СОУ", "ОДД", "Degree of learning (СОУ)"), "decimal"),
    Col("avg", T("Средний балл", "Орташа балл", "Average mark"), "decimal"),
)

# Grades without marks (rpt_graded_grade, migration 0304_reports): their students are left out of every figure.
UNGRADED: Text = methodology(__file__, "methodology/performance.ungraded")


def graded(grade: Any) -> Any:
    """The SQL rule for grades whose students get marks (rpt_graded_grade: grade >= 2)."""
    return func.rpt_graded_grade(grade)


RULES: Text = methodology(__file__, "methodology/performance.rules")


def ref_day(ctx: ReportContext, period: PeriodInfo) -> dt.date:
    """The day whose enrolments define the students: the period's last day, or the report date if earlier."""
    return min(period.ends_on, ctx.filters.report_date)


def students_on(ctx: ReportContext, day: dt.date, class_id: int | None = None) -> Any:
    """Enrolments of the organization active on a day (student_id, class_id), in classes of graded grades."""
    e, c = Enrolment, SchoolClass
    stmt = (
        select(e.class_id, e.student_person_id.label("student_id"))
        .join(c, c.id == e.class_id)
        .where(
            in_org(ctx, e.organization_id),
            member_on(e.starts_on, e.ends_on, day),
            graded(c.grade),
        )
    )
    if class_id is not None:
        stmt = stmt.where(e.class_id == class_id)
    return stmt.subquery("enr")


def student_subject_marks(
    ctx: ReportContext,
    period: PeriodInfo,
    mode: str,
    *,
    class_id: int | None = None,
    teacher_id: int | None = None,
    subject_id: int | None = None,
) -> Subquery:
    """One row per expected (class, subject, student): the mark used (None if missing) and the «not attested» flag."""
    a = Assignment
    cs = select(a.class_id, a.subject_id).where(in_org(ctx, a.organization_id)).distinct()
    if teacher_id is not None:
        cs = cs.where(a.teacher_person_id == teacher_id)
    if subject_id is not None:
        cs = cs.where(a.subject_id == subject_id)
    cs_sq = cs.subquery("cs")
    enr = students_on(ctx, ref_day(ctx, period), class_id)
    exp = (
        select(enr.c.class_id, cs_sq.c.subject_id, enr.c.student_id)
        .join(cs_sq, cs_sq.c.class_id == enr.c.class_id)
        .subquery("exp")
    )
    m = Mark
    if mode == "current":
        # The count and sum of the current marks dated within the period, kept per student and subject by
        # triggers (rpt_student_current): round(sum / count) is round(avg(value)) over the raw marks. Read once
        # (MATERIALIZED): the planner underestimates the expected rows (enrolments × assignments of one school)
        # by ~400× and would otherwise probe the aggregate's index once per expected row.
        rc = ReportStudentCurrent
        mk_cte = (
            select(
                rc.student_person_id.label("sid"),
                rc.subject_id.label("subj"),
                func.round(rc.total.cast(Numeric) / rc.n).cast(Integer).label("value"),
                literal(False).label("na"),
            )
            .where(in_org(ctx, rc.organization_id), rc.period_id == period.id, rc.n > 0)
            .cte("mk")
            .prefix_with("MATERIALIZED")
        )
        mk = select(mk_cte)
    else:
        mk = (
            select(
                m.student_person_id.label("sid"),
                m.subject_id.label("subj"),
                func.max(m.value).label("value"),
                func.bool_or(m.not_attested).label("na"),
            )
            .where(in_org(ctx, m.organization_id), m.kind.in_(("quarter", "year")), m.period_id == period.id)
            .group_by(m.student_person_id, m.subject_id)
        )
    mk_sq = mk.subquery("mk")
    ended = period.ends_on < ctx.filters.report_date
    na = or_(func.coalesce(mk_sq.c.na, False), and_(mk_sq.c.value.is_(None), literal(ended)))
    return (
        select(
            exp.c.class_id,
            exp.c.subject_id,
            exp.c.student_id,
            case((func.coalesce(mk_sq.c.na, False), None), else_=mk_sq.c.value).label("value"),
            na.label("na"),
        )
        .select_from(exp)
        .outerjoin(mk_sq, and_(mk_sq.c.sid == exp.c.student_id, mk_sq.c.subj == exp.c.subject_id))
        .subquery("sm")
    )


async def metrics(ctx: ReportContext, sm: Subquery, keys: tuple[str, ...]) -> tuple[list[Any], Any | None]:
    """Performance metrics grouped by `keys` (columns of `sm`) plus the total over students (grouping sets)."""
    gcols = [sm.c[k] for k in keys]
    counts = [func.count().filter(sm.c.value == v).label(f"n{v}") for v in range(1, 6)]
    st = (
        select(
            *gcols,
            func.grouping(*gcols).label("g"),
            sm.c.student_id,
            *counts,
            func.bool_or(sm.c.na).label("na"),
            func.count(sm.c.value).label("n"),
        )
        .group_by(func.grouping_sets(tuple_(*gcols, sm.c.student_id), tuple_(sm.c.student_id)))
        .subquery("st")
    )
    c = st.c
    ok = and_(~c.na, c.n > 0)
    low = c.n1 + c.n2
    stmt = select(
        *[c[k] for k in keys],
        c.g,
        func.count().label("students"),
        func.count().filter(c.na).label("not_attested"),
        func.count().filter(ok).label("attested"),
        func.count().filter(ok, c.n5 == c.n).label("excellent"),
        func.count().filter(ok, c.n4 > 0, low + c.n3 == 0).label("good"),
        func.count().filter(ok, c.n3 == 1, low == 0).label("one_three"),
        func.count().filter(ok, c.n3 >= 2, low == 0).label("threes"),
        func.count().filter(ok, low > 0).label("failing"),
        *[func.coalesce(func.sum(c[f"n{v}"]), 0).label(f"n{v}") for v in range(1, 6)],
    ).group_by(c.g, *[c[k] for k in keys])
    records = (await ctx.session.execute(stmt)).all()
    rows = [r for r in records if r.g == 0]
    total = next((r for r in records if r.g != 0), None)
    return rows, total


def metric_values(r: Any) -> dict[str, Any]:
    """The metric columns of a grouped record."""
    n = [int(getattr(r, f"n{v}")) for v in range(1, 6)]
    marks = sum(n)
    out: dict[str, Any] = {
        k: int(getattr(r, k)) for k in ("students", "excellent", "good", "one_three", "threes", "failing")
    }
    out["not_attested"] = int(r.not_attested)
    out["pct_success"] = percent(r.attested - r.failing, r.attested)
    out["pct_quality"] = percent(r.excellent + r.good, r.attested)
    out["sou"] = dec2(100 * n[4] + 64 * n[3] + 36 * n[2] + 16 * n[1] + 7 * n[0], marks)
    out["avg"] = dec2(5 * n[4] + 4 * n[3] + 3 * n[2] + 2 * n[1] + n[0], marks)
    return out


def totals_row(ctx: ReportContext, first: str, total: Any | None) -> dict[str, Any] | None:
    if total is None:
        return None
    return {first: t(TOTAL, ctx.lang), **metric_values(total)}


async def class_subject_names(
    ctx: ReportContext, class_ids: set[int], subject_ids: set[int]
) -> tuple[dict[int, str], dict[int, str], dict[int, tuple[int, str]]]:
    """Class names, subject names and the class order (grade, letter), in one round trip."""
    c = SchoolClass
    classes: dict[int, str] = {}
    subjects: dict[int, str] = {}
    order: dict[int, tuple[int, str]] = {}
    if not class_ids and not subject_ids:
        return classes, subjects, order
    cls = select(c.id, class_name(c).label("name"), c.grade, c.letter).where(
        c.id.in_(class_ids or {-1}), in_org(ctx, c.organization_id)
    )
    subj = select(
        Subject.id,
        ctx.name_col(Subject).label("name"),
        null().cast(SmallInteger).label("grade"),
        null().cast(String).label("letter"),
    ).where(Subject.id.in_(subject_ids or {-1}))
    res = await ctx.session.execute(
        select(literal("c").label("k"), *cls.subquery().c).union_all(
            select(literal("s").label("k"), *subj.subquery().c)
        )
    )
    for r in res:
        if r[0] == "c":
            classes[r[1]] = r[2]
            order[r[1]] = (r[3], r[4])
        else:
            subjects[r[1]] = r[2]
    return classes, subjects, order


# --- Успеваемость: Школа --------------------------------------------------------------------------


async def school_query(ctx: ReportContext) -> ReportResult:
    """A row per class with the performance metrics; totals over the school's students."""
    period = await resolve_period(ctx, prefer_marked=(ctx.view or "period") == "period")
    sm = student_subject_marks(ctx, period, ctx.view or "period")
    rows_, total = await metrics(ctx, sm, ("class_id",))
    ids = {r.class_id for r in rows_}
    names, _, order = await class_subject_names(ctx, ids, set())
    rows_.sort(key=lambda r: order.get(r.class_id, (0, "")))
    rows = [{"_id": r.class_id, "class": names.get(r.class_id), **metric_values(r)} for r in rows_]
    return ReportResult(rows=rows, count=len(rows), totals=totals_row(ctx, "class", total))


PERFORMANCE_SCHOOL = school_report(
    id="school.performance.school",
    title=T("Успеваемость: Школа", "Үлгерім: Мектеп", "Performance: School"),
    filters=(*ORG, "period_id"),
    views=VIEWS,
    columns=(Col("class", CLASS), *METRIC_COLUMNS),
    methodology=joined(
        T(
            "Строка на каждый класс организации.",
            "Ұйымның әр сыныбына бір жол.",
            "A row per class of the organization.",
        ),
        RULES,
        UNGRADED,
    ),
    query=school_query,
    count_label=CLASSES_COUNT,
)
