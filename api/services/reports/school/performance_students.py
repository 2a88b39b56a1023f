"""Успеваемость: Ученики (a row per student, subjects as columns) and Классному руководителю (one class)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from api.errors import InvalidInput
from api.models import Absence, Assignment, Mark, Person, SchoolClass, Subject
from api.services.reports.engine import (
    Col,
    ColumnKind,
    PeriodInfo,
    ReportContext,
    ReportResult,
    t,
)
from api.services.reports.kit import T, dec2, full_name, q2, same
from api.services.reports.school.common import (
    CLASS,
    ORG,
    STUDENT,
    STUDENTS_COUNT,
    class_name,
    in_org,
    resolve_period,
    school_report,
    taught,
)
from api.services.reports.school.performance import (
    NA,
    UNGRADED,
    VIEWS,
    ref_day,
    students_on,
)

# --- Успеваемость: Ученики ------------------------------------------------------------------------


async def _subjects_of(ctx: ReportContext, class_ids: Any) -> list[tuple[int, str]]:
    a = Assignment
    name = ctx.name_col(Subject)
    res = await ctx.session.execute(
        select(Subject.id, name)
        .where(Subject.id.in_(select(a.subject_id).where(in_org(ctx, a.organization_id), a.class_id.in_(class_ids))))
        .order_by(name, Subject.id)
    )
    return [(r[0], r[1]) for r in res]


def _mark_text(value: int | None, na: bool, lang: str) -> int | str | None:
    if na:
        return t(NA, lang)
    return value


async def _marks_by_student(
    ctx: ReportContext, period: PeriodInfo, student_ids: list[int]
) -> tuple[dict[tuple[int, int], Decimal], dict[tuple[int, int], tuple[int | None, bool]]]:
    """Average of current marks (two decimals) and the period mark per (student, subject)."""
    m = Mark
    if not student_ids:
        return {}, {}
    cur = await ctx.session.execute(
        select(m.student_person_id, m.subject_id, func.avg(m.value))
        .where(
            in_org(ctx, m.organization_id),
            m.student_person_id.in_(student_ids),
            m.kind == "current",
            m.value.is_not(None),
            m.date.between(period.starts_on, period.ends_on),
        )
        .group_by(m.student_person_id, m.subject_id)
    )
    avgs = {(r[0], r[1]): q2(r[2]) for r in cur}
    per = await ctx.session.execute(
        select(m.student_person_id, m.subject_id, func.max(m.value), func.bool_or(m.not_attested))
        .where(
            in_org(ctx, m.organization_id),
            m.student_person_id.in_(student_ids),
            m.kind.in_(("quarter", "year")),
            m.period_id == period.id,
        )
        .group_by(m.student_person_id, m.subject_id)
    )
    marks = {(r[0], r[1]): (r[2], bool(r[3])) for r in per}
    return avgs, marks  # type: ignore[return-value]


async def students_query(ctx: ReportContext) -> ReportResult:
    """A row per student: for each subject the average of current marks and the period mark."""
    period = await resolve_period(ctx, prefer_marked=(ctx.view or "period") == "period")
    enr = students_on(ctx, ref_day(ctx, period), ctx.filters.class_id)
    c, p = SchoolClass, Person
    base = select(enr.c.student_id, enr.c.class_id).subquery("b")
    total_rows = int(await ctx.session.scalar(select(func.count()).select_from(base)) or 0)
    stmt = (
        select(p.id, full_name(p).label("name"), class_name(c).label("class"), c.id.label("class_id"))
        .select_from(enr)
        .join(p, p.id == enr.c.student_id)
        .join(c, c.id == enr.c.class_id)
        .order_by(c.grade, c.letter, p.surname, p.first_name, p.id)
        .offset(ctx.offset)
    )
    if ctx.limit is not None:
        stmt = stmt.limit(ctx.limit)
    students = (await ctx.session.execute(stmt)).all()
    subjects = await _subjects_of(ctx, select(enr.c.class_id).distinct())
    avgs, marks = await _marks_by_student(ctx, period, [s.id for s in students])
    ended = period.ends_on < ctx.filters.report_date
    assigned = await taught(ctx, {s.class_id for s in students})
    rows = []
    for s in students:
        row: dict[str, Any] = {"_id": s.id, "class": s._mapping["class"], "student": s.name}
        not_taught: list[str] = []
        for sid, _ in subjects:
            avg = row[f"s{sid}_avg"] = avgs.get((s.id, sid))
            value, na = marks.get((s.id, sid), (None, False))
            if (s.class_id, sid) not in assigned:
                if avg is None and value is None and not na:  # a subject of other classes: «—», not «нет данных»
                    not_taught += [f"s{sid}_avg", f"s{sid}_mark"]
            elif value is None and not na and ended:
                na = True
            row[f"s{sid}_mark"] = _mark_text(value, na, ctx.lang)
        if not_taught:
            row["_na"] = not_taught
        rows.append(row)
    avg_t, mark_t = T("Ср. текущих", "Ағымд. орт.", "Current avg"), T("Итог", "Қорытынды", "Period")
    ctx.columns = [
        Col("class", CLASS),
        Col("student", STUDENT),
        *[
            Col(
                f"s{sid}",
                same(name),
                children=(
                    Col(f"s{sid}_avg", avg_t, "decimal"),
                    Col(f"s{sid}_mark", mark_t, "int"),
                ),
            )
            for sid, name in subjects
        ],
    ]
    return ReportResult(rows=rows, count=total_rows, total_rows=total_rows)


PERFORMANCE_STUDENTS = school_report(
    id="school.performance.students",
    title=T("Успеваемость: Ученики", "Үлгерім: Оқушылар", "Performance: Students"),
    filters=(*ORG, "period_id", "class_id"),
    columns=(Col("class", CLASS), Col("student", STUDENT)),
    methodology=T(
        "Строка на каждого ученика, зачисленного в класс на последний день периода (или на сегодня). По каждому "
        "предмету классов: среднее текущих оценок с датами в пределах периода (два знака, округление половины "
        "вверх) и итоговая оценка за период; «н/а» — оценка «н/а» или её отсутствие по назначенному предмету "
        "после окончания периода. Список постраничный; экспорт содержит всех учеников. " + UNGRADED["ru"],
        "Кезеңнің соңғы күніне (немесе бүгінге) сыныпқа қабылданған әр оқушыға бір жол. Сыныптардың әр пәні "
        "бойынша: кезең күндеріндегі ағымдағы бағалардың орташасы (екі таңба, жартысы жоғары қарай "
        "дөңгелектенеді) және кезеңдік қорытынды баға; «а/е» — «а/е» бағасы немесе кезең аяқталғаннан кейін "
        "бекітілген пән бойынша бағаның болмауы. Тізім беттелген; экспортта барлық оқушылар бар. " + UNGRADED["kk"],
        "A row per student enrolled on the period's last day (or today). For each subject of the classes: the "
        "average of current marks dated within the period (two decimals, half up) and the period mark; «н/а» "
        "is an «н/а» mark or, once the period has ended, no mark in an assigned subject. Paginated; the export "
        "holds every student. " + UNGRADED["en"],
    ),
    query=students_query,
    count_label=STUDENTS_COUNT,
    paginated=True,
    not_taught=True,
)


# --- Успеваемость: Классному руководителю -------------------------------------------------------


async def class_teacher_query(ctx: ReportContext) -> ReportResult:
    """One class: students × subjects matrix of period marks (or averages), row/column averages, absences."""
    class_id = ctx.filters.class_id
    if class_id is None:
        raise InvalidInput("class_id", "the report is about one class: choose class_id")
    period = await resolve_period(ctx, prefer_marked=(ctx.view or "period") == "period")
    enr = students_on(ctx, ref_day(ctx, period), class_id)
    p = Person
    students = (
        await ctx.session.execute(
            select(p.id, full_name(p).label("name"))
            .join(enr, enr.c.student_id == p.id)
            .order_by(p.surname, p.first_name, p.id)
        )
    ).all()
    subjects = await _subjects_of(ctx, [class_id])
    ids = [s.id for s in students]
    avgs, marks = await _marks_by_student(ctx, period, ids)
    ab = Absence
    absences = dict(
        (
            await ctx.session.execute(
                select(ab.student_person_id, func.count())
                .where(
                    in_org(ctx, ab.organization_id),
                    ab.student_person_id.in_(ids),
                    ab.reason != "late",
                    ab.date.between(period.starts_on, period.ends_on),
                )
                .group_by(ab.student_person_id)
            )
        ).all()
    )
    ended = period.ends_on < ctx.filters.report_date
    current = ctx.view == "current"
    rows = []
    col_vals: dict[int, list[Decimal]] = {sid: [] for sid, _ in subjects}
    all_vals: list[Decimal] = []
    for s in students:
        row: dict[str, Any] = {"_id": s.id, "student": s.name}
        vals: list[Decimal] = []
        for sid, _ in subjects:
            cell: Any
            if current:
                cell = avgs.get((s.id, sid))
                if cell is not None:
                    vals.append(cell)
            else:
                value, na = marks.get((s.id, sid), (None, False))
                if value is None and not na and ended:
                    na = True
                cell = _mark_text(value, na, ctx.lang)
                if value is not None:
                    vals.append(Decimal(value))
            if isinstance(cell, Decimal | int) and not isinstance(cell, bool):
                col_vals[sid].append(Decimal(cell))
            row[f"s{sid}"] = cell
        row["avg"] = dec2(sum(vals, Decimal(0)), len(vals)) if vals else None
        all_vals.extend(vals)
        row["absences"] = int(absences.get(s.id, 0))
        rows.append(row)
    totals: dict[str, Any] = {"student": t(T("Средний балл", "Орташа балл", "Average"), ctx.lang)}
    for sid, _ in subjects:
        v = col_vals[sid]
        totals[f"s{sid}"] = dec2(sum(v, Decimal(0)), len(v)) if v else None
    totals["avg"] = dec2(sum(all_vals, Decimal(0)), len(all_vals)) if all_vals else None
    totals["absences"] = sum(r["absences"] for r in rows)
    kind: ColumnKind = "decimal" if current else "int"
    ctx.columns = [
        Col("student", STUDENT),
        Col(
            "subjects",
            T("Предметы", "Пәндер", "Subjects"),
            children=tuple(Col(f"s{sid}", same(name), kind) for sid, name in subjects),
        )
        if subjects
        else Col("subjects", T("Предметы", "Пәндер", "Subjects")),
        Col("avg", T("Средний балл", "Орташа балл", "Average"), "decimal"),
        Col("absences", T("Пропущено уроков", "Жіберілген сабақтар", "Lessons missed"), "int"),
    ]
    return ReportResult(rows=rows, count=len(rows), totals=totals)


PERFORMANCE_CLASS_TEACHER = school_report(
    id="school.performance.class_teacher",
    title=T(
        "Успеваемость: Классному руководителю",
        "Үлгерім: Сынып жетекшісіне",
        "Performance: Class teacher",
    ),
    filters=(*ORG, "period_id", "class_id"),
    views=VIEWS,
    columns=(Col("student", STUDENT),),
    methodology=T(
        "Один класс (обязательный фильтр «Класс»): строка на каждого ученика, зачисленного на последний день "
        "периода (или на сегодня); столбец на каждый предмет класса. «По итоговым оценкам» — оценка за период "
        "(«н/а» — оценка «н/а» или её отсутствие после окончания периода); «По текущим оценкам» — среднее "
        "текущих оценок за даты периода с двумя знаками. Средний балл строки — среднее показанных оценок "
        "ученика; строка «Средний балл» — среднее показанных значений по столбцу и по всем ячейкам (два знака, "
        "округление половины вверх). Пропущено уроков — отметки о пропуске за даты периода по причинам "
        "болезнь, уважительная, неуважительная (опоздания не считаются). " + UNGRADED["ru"],
        "Бір сынып («Сынып» сүзгісі міндетті): кезеңнің соңғы күніне (немесе бүгінге) қабылданған әр оқушыға "
        "жол, сыныптың әр пәніне баған. «Қорытынды бағалар бойынша» — кезеңдік баға («а/е» — «а/е» бағасы "
        "немесе кезең аяқталғаннан кейін оның болмауы); «Ағымдағы бағалар бойынша» — кезең күндеріндегі "
        "ағымдағы бағалардың орташасы, екі таңбамен. Жолдың орташа балы = оқушының көрсетілген бағаларының "
        "қосындысы / олардың саны; «Орташа балл» жолы — баған бойынша және барлық ұяшықтар бойынша көрсетілген "
        "мәндердің орташасы = қосынды / саны (екі таңба, жартысы жоғары қарай дөңгелектенеді). Жіберілген "
        "сабақтар — кезең күндеріндегі ауруы, дәлелді, дәлелсіз себептер бойынша сабақ жіберу белгілері "
        "(кешігулер есептелмейді). " + UNGRADED["kk"],
        "One class (the class filter is required): a row per student enrolled on the period's last day (or "
        "today), a column per subject of the class. «By period marks» shows the period mark («н/а» for an "
        "«н/а» mark or none after the period ended); «by current marks» the average of current marks within the "
        "period, two decimals. Row average: the average of the values shown for the student; the «Average» "
        "row: the average of the values shown per column and over all cells (two decimals, half up). Lessons "
        "missed: absence marks within the period for illness, valid or unexcused reasons (late not counted). "
        + UNGRADED["en"],
    ),
    query=class_teacher_query,
    count_label=STUDENTS_COUNT,
)
