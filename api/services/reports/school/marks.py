"""Статистика оценок and Средний балл (class × subject)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, tuple_

from api.models import Mark, SchoolClass, Subject
from api.services.reports.engine import TOTAL, Col, ReportContext, ReportResult, View, percent, t
from api.services.reports.kit import T, dec2, same
from api.services.reports.school.common import (
    CLASS,
    CLASSES_COUNT,
    ORG,
    ROWS_COUNT,
    SUBJECT,
    TIMED,
    class_name,
    in_org,
    resolve_period,
    resolve_range,
    school_report,
    taught,
)

CURRENT_KINDS = ("current", "sor", "soch")
VALUES = (5, 4, 3, 2, 1)


def statistics_columns(ctx: ReportContext) -> list[Col]:
    """(Class,) subject, count of each mark, total, share of each, students, marks per student."""
    cols = [Col("class", CLASS)] if ctx.view == "classes" else []
    return [
        *cols,
        Col("subject", SUBJECT),
        Col(
            "counts",
            T("Количество оценок", "Бағалар саны", "Number of marks"),
            children=tuple(Col(f"n{v}", same(f"«{v}»"), "int") for v in VALUES),
        ),
        Col("total", T("Всего оценок", "Барлық бағалар", "Marks in all"), "int"),
        Col(
            "shares",
            T("Доля, %", "Үлесі, %", "Share, %"),
            children=tuple(Col(f"p{v}", same(f"«{v}»"), "percent") for v in VALUES),
        ),
        Col("students", T("Учеников с оценками", "Бағасы бар оқушылар", "Students with marks"), "int"),
        Col("per_student", T("Оценок на ученика", "Оқушыға бағалар", "Marks per student"), "decimal"),
    ]


def _stat_row(r: Any) -> dict[str, Any]:
    row: dict[str, Any] = {f"n{v}": int(getattr(r, f"n{v}")) for v in VALUES}
    row["total"] = total = int(r.total)
    for v in VALUES:
        row[f"p{v}"] = percent(row[f"n{v}"], total)
    row["students"] = int(r.students)
    row["per_student"] = dec2(total, row["students"])
    return row


async def statistics_query(ctx: ReportContext) -> ReportResult:
    """Per subject (or class and subject): the count and share of each mark value; a distribution chart."""
    start, end = await resolve_range(ctx)
    m, f = Mark, ctx.filters
    by_class = ctx.view == "classes"
    keys = [m.class_id, m.subject_id] if by_class else [m.subject_id]
    conds = [in_org(ctx, m.organization_id), m.kind.in_(CURRENT_KINDS), m.value.is_not(None)]
    conds.append(m.date.between(start, end))
    if f.class_id is not None:
        conds.append(m.class_id == f.class_id)
    if f.subject_id is not None:
        conds.append(m.subject_id == f.subject_id)
    stmt = (
        select(
            *keys,
            func.grouping(*keys).label("g"),
            *[func.count().filter(m.value == v).label(f"n{v}") for v in VALUES],
            func.count().label("total"),
            func.count(func.distinct(m.student_person_id)).label("students"),
        )
        .where(*conds)
        .group_by(func.grouping_sets(tuple_(*keys), tuple_()))
    )
    records = (await ctx.session.execute(stmt)).all()
    groups = [r for r in records if r.g == 0]
    total = next((r for r in records if r.g != 0), None)
    subjects = dict(
        (
            await ctx.session.execute(
                select(Subject.id, ctx.name_col(Subject)).where(Subject.id.in_({r.subject_id for r in groups}))
            )
        ).all()
    )
    classes: dict[int, tuple[int, str, str]] = {}
    if by_class:
        c = SchoolClass
        res = await ctx.session.execute(
            select(c.id, c.grade, c.letter, class_name(c)).where(
                c.id.in_({r.class_id for r in groups}), in_org(ctx, c.organization_id)
            )
        )
        classes = {r[0]: (r[1], r[2], r[3]) for r in res}

    def key(r: Any) -> tuple:
        cl = classes.get(r.class_id, (0, "", "")) if by_class else (0, "", "")
        return (cl[0], cl[1], subjects.get(r.subject_id) or "")

    rows = []
    for r in sorted(groups, key=key):
        row: dict[str, Any] = {"_id": f"{r.class_id}:{r.subject_id}" if by_class else r.subject_id}
        if by_class:
            row["class"] = classes.get(r.class_id, (0, "", None))[2]
        row["subject"] = subjects.get(r.subject_id)
        row.update(_stat_row(r))
        rows.append(row)
    totals = None
    chart = None
    if total is not None and rows:
        totals = {"class" if by_class else "subject": t(TOTAL, ctx.lang), **_stat_row(total)}
        chart = {
            "type": "bar",
            "x": "mark",
            "series": ["count"],
            "series_labels": {"count": t(T("Число оценок", "Бағалар саны", "Number of marks"), ctx.lang)},
            "points": [{"x": str(v), "count": totals[f"n{v}"], "share": totals[f"p{v}"]} for v in VALUES],
        }
    return ReportResult(rows=rows, count=len(rows), totals=totals, chart=chart)


MARKS_STATISTICS = school_report(
    id="school.marks.statistics",
    title=T("Статистика оценок", "Бағалар статистикасы", "Mark statistics"),
    filters=(*TIMED, "class_id", "subject_id"),
    views=(
        View("subjects", T("По предметам", "Пәндер бойынша", "By subject")),
        View("classes", T("По классам и предметам", "Сыныптар мен пәндер бойынша", "By class and subject")),
    ),
    columns=statistics_columns,
    query=statistics_query,
    count_label=ROWS_COUNT,
)


# --- Средний балл ---------------------------------------------------------------------------------


async def average_query(ctx: ReportContext) -> ReportResult:
    """A class × subject matrix of average marks with class averages and the school's averages per subject."""
    period = await resolve_period(ctx)
    m = Mark
    conds = [in_org(ctx, m.organization_id), m.value.is_not(None)]
    if ctx.view == "period":
        conds += [m.kind.in_(("quarter", "year")), m.period_id == period.id]
    else:
        conds += [m.kind.in_(CURRENT_KINDS), m.date.between(period.starts_on, period.ends_on)]
    stmt = (
        select(
            m.class_id,
            m.subject_id,
            func.grouping(m.class_id, m.subject_id).label("g"),
            func.sum(m.value).label("s"),
            func.count().label("n"),
        )
        .where(*conds)
        .group_by(
            func.grouping_sets(tuple_(m.class_id, m.subject_id), tuple_(m.class_id), tuple_(m.subject_id), tuple_())
        )
    )
    cells: dict[tuple[Any, Any], Any] = {}
    for r in await ctx.session.execute(stmt):
        cid = r.class_id if r.g in (0, 1) else None  # g bit 2: class_id aggregated
        sid = r.subject_id if r.g in (0, 2) else None
        if r.n:  # the empty grand total (no marks at all) gives no cell
            cells[(cid, sid)] = dec2(int(r.s), int(r.n))
    class_ids = {k[0] for k in cells if k[0] is not None}
    subject_ids = {k[1] for k in cells if k[1] is not None}
    c = SchoolClass
    classes = []
    if class_ids:
        classes = list(
            (
                await ctx.session.execute(
                    select(c.id, class_name(c).label("name"))
                    .where(c.id.in_(class_ids), in_org(ctx, c.organization_id))
                    .order_by(c.grade, c.letter)
                )
            ).all()
        )
    name = ctx.name_col(Subject)
    subjects = []
    if subject_ids:
        subjects = list(
            (
                await ctx.session.execute(
                    select(Subject.id, name.label("name")).where(Subject.id.in_(subject_ids)).order_by(name)
                )
            ).all()
        )
    assigned = await taught(ctx, class_ids)
    rows = []
    for cl in classes:
        row: dict[str, Any] = {"_id": cl.id, "class": cl.name}
        for s in subjects:
            value = row[f"s{s.id}"] = cells.get((cl.id, s.id))
            if value is None and (cl.id, s.id) not in assigned:  # «—»: the class has no such subject
                row.setdefault("_na", []).append(f"s{s.id}")
        row["avg"] = cells.get((cl.id, None))
        rows.append(row)
    totals: dict[str, Any] | None = None
    if rows:
        totals = {"class": t(T("По школе", "Мектеп бойынша", "School"), ctx.lang)}
        for s in subjects:
            totals[f"s{s.id}"] = cells.get((None, s.id))
        totals["avg"] = cells.get((None, None))
    ctx.columns = [
        Col("class", CLASS),
        Col(
            "subjects",
            T("Предметы", "Пәндер", "Subjects"),
            children=tuple(Col(f"s{s.id}", same(s.name), "decimal") for s in subjects),
        )
        if subjects
        else Col("subjects", T("Предметы", "Пәндер", "Subjects")),
        Col("avg", T("Средний балл класса", "Сыныптың орташа балы", "Class average"), "decimal"),
    ]
    return ReportResult(rows=rows, count=len(rows), totals=totals)


MARKS_AVERAGE = school_report(
    id="school.marks.average",
    title=T("Средний балл", "Орташа балл", "Average mark"),
    filters=(*ORG, "period_id"),
    views=(
        View("current", T("По текущим оценкам", "Ағымдағы бағалар бойынша", "By current marks")),
        View("period", T("По итоговым оценкам", "Қорытынды бағалар бойынша", "By period marks")),
    ),
    columns=(Col("class", CLASS),),
    query=average_query,
    count_label=CLASSES_COUNT,
    not_taught=True,
)
