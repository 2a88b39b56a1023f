"""Административные: cancelled and replaced lessons; issued education documents."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, String, func, literal, or_, select, union_all

from api.models import EducationDocument, Lesson, Person, SchoolClass, Subject
from api.services.reports.engine import TOTAL, Col, ReportContext, ReportResult, View, t
from api.services.reports.kit import T, full_name
from api.services.reports.school.common import (
    CLASS,
    DATE,
    ORG,
    ROWS_COUNT,
    STUDENT,
    SUBJECT,
    TEACHER,
    TIMED,
    class_name,
    in_org,
    resolve_range,
    school_report,
    yes_no,
)

CHANGE = {"cancelled": T("отменён", "болдырылмады", "cancelled"), "replaced": T("заменён", "ауыстырылды", "replaced")}


def lesson_changes_columns(ctx: ReportContext) -> list[Col]:
    """The list of changes, or a summary per teacher."""
    if ctx.view == "teachers":
        return [
            Col("teacher", TEACHER),
            Col("cancelled", T("Отменено его уроков", "Болдырылмаған сабақтары", "Own lessons cancelled"), "int"),
            Col("replaced", T("Заменено его уроков", "Ауыстырылған сабақтары", "Own lessons replaced"), "int"),
            Col("substituted", T("Провёл замен", "Алмастырған сабақтары", "Lessons substituted"), "int"),
        ]
    return [
        Col("date", DATE),
        Col("lesson", T("Урок №", "Сабақ №", "Lesson No."), "int"),
        Col("class", CLASS),
        Col("subject", SUBJECT),
        Col("teacher", T("Учитель по расписанию", "Кесте бойынша мұғалім", "Planned teacher")),
        Col("change", T("Изменение", "Өзгеріс", "Change")),
        Col("substitute", T("Заменяющий учитель", "Алмастырушы мұғалім", "Substitute")),
        Col("reason", T("Причина", "Себебі", "Reason")),
    ]


async def lesson_changes_query(ctx: ReportContext) -> ReportResult:
    """Cancelled and replaced lessons in the period (list), or counts per teacher."""
    start, end = await resolve_range(ctx)
    ls, c = Lesson, SchoolClass
    f = ctx.filters
    conds = [in_org(ctx, ls.organization_id), ls.date.between(start, end), ls.status.in_(("cancelled", "replaced"))]
    if f.class_id is not None:
        conds.append(ls.class_id == f.class_id)
    if f.teacher_id is not None:
        conds.append(or_(ls.teacher_person_id == f.teacher_id, ls.substitute_person_id == f.teacher_id))
    if ctx.view == "teachers":
        both = union_all(
            select(
                ls.teacher_person_id.label("pid"),
                (ls.status == "cancelled").cast(Integer).label("cancelled"),
                (ls.status == "replaced").cast(Integer).label("replaced"),
                literal(0).label("substituted"),
            ).where(*conds, ls.teacher_person_id.is_not(None)),
            select(ls.substitute_person_id.label("pid"), literal(0), literal(0), literal(1).label("substituted")).where(
                *conds, ls.substitute_person_id.is_not(None)
            ),
        ).subquery("x")
        p = Person
        stmt = (
            select(
                p.id,
                full_name(p).label("teacher"),
                func.sum(both.c.cancelled).label("cancelled"),
                func.sum(both.c.replaced).label("replaced"),
                func.sum(both.c.substituted).label("substituted"),
            )
            .join(p, p.id == both.c.pid)
            .group_by(p.id)
            .order_by(p.surname, p.first_name, p.id)
        )
        if f.teacher_id is not None:
            stmt = stmt.where(p.id == f.teacher_id)
        rows: list[dict[str, Any]] = [
            {
                "_id": r.id,
                "teacher": r.teacher,
                "cancelled": int(r.cancelled),
                "replaced": int(r.replaced),
                "substituted": int(r.substituted),
            }
            for r in await ctx.session.execute(stmt)
        ]
        totals = {
            "teacher": t(TOTAL, ctx.lang),
            **{k: sum(r[k] for r in rows) for k in ("cancelled", "replaced", "substituted")},
        }
        return ReportResult(rows=rows, count=len(rows), totals=totals if rows else None)
    planned, sub = Person.__table__.alias("planned"), Person.__table__.alias("sub")
    stmt = (
        select(
            ls.id,
            ls.date,
            ls.number,
            class_name(c).label("class"),
            ctx.name_col(Subject).label("subject"),
            full_name(planned).label("teacher"),
            planned.c.id.label("teacher_id"),
            ls.status,
            full_name(sub).label("substitute"),
            sub.c.id.label("sub_id"),
            ls.change_reason,
        )
        .select_from(ls)
        .join(c, c.id == ls.class_id)
        .join(Subject, Subject.id == ls.subject_id)
        .outerjoin(planned, planned.c.id == ls.teacher_person_id)
        .outerjoin(sub, sub.c.id == ls.substitute_person_id)
        .where(*conds)
        .order_by(ls.date, ls.number, c.grade, c.letter, ls.id)
    )
    rows = [
        {
            "_id": r.id,
            "date": r.date,
            "lesson": r.number,
            "class": r._mapping["class"],
            "subject": r.subject,
            "teacher": r.teacher if r.teacher_id else None,
            "change": t(CHANGE[r.status], ctx.lang),
            "substitute": r.substitute if r.sub_id else None,
            "reason": r.change_reason or None,
        }
        for r in await ctx.session.execute(stmt)
    ]
    return ReportResult(rows=rows, count=len(rows))


ADMIN_LESSON_CHANGES = school_report(
    id="school.admin.lesson_changes",
    title=T(
        "Административные: Отмены и замены уроков",
        "Әкімшілік: Сабақтарды болдырмау және ауыстыру",
        "Administrative: Cancelled and replaced lessons",
    ),
    filters=(*TIMED, "class_id", "teacher_id"),
    views=(
        View("list", T("Список", "Тізім", "List")),
        View("teachers", T("По учителям", "Мұғалімдер бойынша", "By teacher")),
    ),
    columns=lesson_changes_columns,
    query=lesson_changes_query,
    count_label=ROWS_COUNT,
)


DOC_TYPES = {
    "basic_certificate": T(
        "Свидетельство об основном среднем образовании",
        "Негізгі орта білім туралы куәлік",
        "Certificate of basic secondary education",
    ),
    "general_certificate": T(
        "Аттестат об общем среднем образовании",
        "Жалпы орта білім туралы аттестат",
        "Certificate of general secondary education",
    ),
    "other": T("Другой документ", "Басқа құжат", "Other document"),
}


async def documents_query(ctx: ReportContext) -> ReportResult:
    """Issued education documents: type, series and number, date, student, class, with honours."""
    d, p, c = EducationDocument, Person, SchoolClass
    f = ctx.filters
    conds = [in_org(ctx, d.organization_id)]
    if f.period is not None or f.date_from is not None or f.date_to is not None:
        start, end = await resolve_range(ctx)
        conds.append(d.issued_on.between(start, end))
    if f.class_id is not None:
        conds.append(d.class_id == f.class_id)
    stmt = (
        select(
            d.id,
            d.doc_type,
            func.concat_ws(" ", func.nullif(d.series, ""), d.number).cast(String).label("number"),
            d.issued_on,
            full_name(p).label("student"),
            class_name(c).label("class"),
            c.id.label("class_id"),
            d.with_honours,
        )
        .select_from(d)
        .join(p, p.id == d.student_person_id)
        .outerjoin(c, c.id == d.class_id)
        .where(*conds)
        .order_by(d.issued_on, d.doc_type, p.surname, p.first_name, d.id)
    )
    rows = [
        {
            "_id": r.id,
            "doc_type": t(DOC_TYPES.get(r.doc_type, DOC_TYPES["other"]), ctx.lang),
            "number": r.number,
            "issued_on": r.issued_on,
            "student": r.student,
            "class": r._mapping["class"] if r.class_id else None,
            "honours": yes_no(r.with_honours, ctx.lang),
        }
        for r in await ctx.session.execute(stmt)
    ]
    return ReportResult(rows=rows, count=len(rows))


ADMIN_DOCUMENTS = school_report(
    id="school.admin.documents",
    title=T(
        "Административные: Выданные документы об образовании",
        "Әкімшілік: Берілген білім туралы құжаттар",
        "Administrative: Issued education documents",
    ),
    filters=(*ORG, "period_id", "date_from", "date_to", "class_id"),
    columns=(
        Col("doc_type", T("Вид документа", "Құжат түрі", "Document type")),
        Col("number", T("Серия и номер", "Сериясы және нөмірі", "Series and number")),
        Col("issued_on", T("Дата выдачи", "Берілген күні", "Issued on")),
        Col("student", STUDENT),
        Col("class", CLASS),
        Col("honours", T("С отличием", "Үздік", "With honours")),
    ),
    query=documents_query,
    count_label=T("Всего {n} {документ|документа|документов}", "Барлығы {n} құжат", "Total: {n} documents"),
)
