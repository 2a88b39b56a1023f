"""Успеваемость: Классы (by class and subject) and Учителю по предмету (the class subjects of one teacher)."""

from __future__ import annotations

from api.errors import InvalidInput
from api.services.reports.engine import (
    Col,
    ReportContext,
    ReportResult,
)
from api.services.reports.kit import T, joined
from api.services.reports.school.common import (
    CLASS,
    CLASS_SUBJECTS_COUNT,
    ORG,
    SUBJECT,
    resolve_period,
    school_report,
)
from api.services.reports.school.performance import (
    METRIC_COLUMNS,
    RULES,
    UNGRADED,
    VIEWS,
    class_subject_names,
    metric_values,
    metrics,
    student_subject_marks,
    totals_row,
)

# --- Успеваемость: Классы -------------------------------------------------------------------------


async def _class_subject_rows(ctx: ReportContext, teacher_id: int | None) -> ReportResult:
    period = await resolve_period(ctx, prefer_marked=(ctx.view or "period") == "period")
    f = ctx.filters
    sm = student_subject_marks(
        ctx, period, ctx.view or "period", class_id=f.class_id, teacher_id=teacher_id, subject_id=f.subject_id
    )
    rows_, total = await metrics(ctx, sm, ("class_id", "subject_id"))
    cids = {r.class_id for r in rows_}
    classes, subjects, order = await class_subject_names(ctx, cids, {r.subject_id for r in rows_})
    rows_.sort(key=lambda r: (order.get(r.class_id, (0, "")), subjects.get(r.subject_id) or ""))
    rows = [
        {
            "_id": f"{r.class_id}:{r.subject_id}",
            "class": classes.get(r.class_id),
            "subject": subjects.get(r.subject_id),
            **metric_values(r),
        }
        for r in rows_
    ]
    return ReportResult(rows=rows, count=len(rows), totals=totals_row(ctx, "class", total))


async def classes_query(ctx: ReportContext) -> ReportResult:
    """A row per class and subject (one class when chosen) with the performance metrics."""
    return await _class_subject_rows(ctx, None)


PERFORMANCE_CLASSES = school_report(
    id="school.performance.classes",
    title=T("Успеваемость: Классы", "Үлгерім: Сыныптар", "Performance: Classes"),
    filters=(*ORG, "period_id", "class_id", "subject_id"),
    views=VIEWS,
    columns=(Col("class", CLASS), Col("subject", SUBJECT), *METRIC_COLUMNS),
    methodology=joined(
        T(
            "Строка на каждый предмет класса (выбранного или каждого); для предмета ученик классифицируется "
            "по своей оценке по этому предмету.",
            "Сыныптың әр пәніне бір жол.",
            "A row per subject of the class (the chosen one, or each); per subject a student is classified by "
            "their mark in that subject.",
        ),
        RULES,
        UNGRADED,
    ),
    query=classes_query,
    count_label=CLASS_SUBJECTS_COUNT,
)


# --- Успеваемость: Учителю по предмету ----------------------------------------------------------


async def subject_teacher_query(ctx: ReportContext) -> ReportResult:
    """A row per class-subject taught by the chosen teacher with the performance metrics."""
    if ctx.filters.teacher_id is None:
        raise InvalidInput("teacher_id", "the report is about one teacher: choose teacher_id")
    return await _class_subject_rows(ctx, ctx.filters.teacher_id)


PERFORMANCE_SUBJECT_TEACHER = school_report(
    id="school.performance.subject_teacher",
    title=T(
        "Успеваемость: Учителю по предмету",
        "Үлгерім: Пән мұғаліміне",
        "Performance: Subject teacher",
    ),
    filters=(*ORG, "period_id", "teacher_id", "class_id", "subject_id"),
    views=VIEWS,
    columns=(Col("class", CLASS), Col("subject", SUBJECT), *METRIC_COLUMNS),
    methodology=joined(
        T(
            "Строка на каждую пару класс–предмет, где выбранный учитель назначен учителем предмета.",
            "Таңдалған мұғалім сабақ беретін әр сынып–пәнге бір жол.",
            "A row per class–subject the chosen teacher is assigned to.",
        ),
        RULES,
        UNGRADED,
    ),
    query=subject_teacher_query,
    count_label=CLASS_SUBJECTS_COUNT,
)
