"""Движение учеников: summary by class (balances), arrived, departed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, select

from api.models import Enrolment, Movement, Person, SchoolClass
from api.services.membership import member_during, member_on
from api.services.reports.engine import (
    TOTAL,
    Col,
    ReportContext,
    ReportDefinition,
    ReportResult,
    t,
)
from api.services.reports.school.common import (
    CLASS,
    DATE,
    STUDENT,
    TIMED,
    T,
    class_name,
    full_name,
    in_org,
    register_school,
    resolve_range,
)

FIELDS = ("at_start", "arrived", "departed", "at_end")


async def summary_query(ctx: ReportContext) -> ReportResult:
    """A row per class grouped by grade: at period start, arrived, departed, at period end; grade subtotals."""
    start, end = await resolve_range(ctx)
    e, c = Enrolment, SchoolClass
    stmt = (
        select(
            c.id,
            c.grade,
            class_name(c).label("name"),
            func.count().filter(member_on(e.starts_on, e.ends_on, start)).label("at_start"),
            func.count().filter(e.starts_on > start, e.starts_on <= end).label("arrived"),
            func.count().filter(e.ends_on >= start, e.ends_on < end).label("departed"),
            func.count().filter(member_on(e.starts_on, e.ends_on, end)).label("at_end"),
        )
        .select_from(e)
        .join(c, c.id == e.class_id)
        .where(
            in_org(ctx, e.organization_id),
            member_during(e.starts_on, e.ends_on, start, end),
        )
        .group_by(c.id)
        .order_by(c.grade, c.letter, c.id)
    )
    if ctx.filters.class_id is not None:
        stmt = stmt.where(c.id == ctx.filters.class_id)
    records = (await ctx.session.execute(stmt)).all()
    rows: list[dict[str, Any]] = []
    grade_rows: list[dict[str, Any]] = []
    grade: int | None = None
    label = T("Итого {g} классы", "Барлығы {g} сыныптар", "Grade {g} total")

    def close() -> None:
        if grade is None:
            return
        rows.append(
            {
                "_kind": "subtotal",
                "class": t(label, ctx.lang).format(g=grade),
                **{f: sum(r[f] for r in grade_rows) for f in FIELDS},
            }
        )

    for r in records:
        if r.grade != grade:
            close()
            grade, grade_rows = r.grade, []
        row = {"_id": r.id, "class": r.name, **{f: int(r._mapping[f]) for f in FIELDS}}
        grade_rows.append(row)
        rows.append(row)
    close()
    plain = [r for r in rows if r.get("_kind") is None]
    totals = {"class": t(TOTAL, ctx.lang), **{f: sum(r[f] for r in plain) for f in FIELDS}} if plain else None
    return ReportResult(rows=rows, count=len(plain), totals=totals)


register_school(
    ReportDefinition(
        id="school.movement.summary",
        title=T("Движение учеников: Сводка", "Оқушылар қозғалысы: Жиынтық", "Student movement: Summary"),
        section="school",
        filters=(*TIMED, "class_id"),
        columns=(
            Col("class", CLASS),
            Col("at_start", T("На начало периода", "Кезең басында", "At period start"), "int"),
            Col("arrived", T("Прибыло", "Келді", "Arrived"), "int"),
            Col("departed", T("Выбыло", "Кетті", "Departed"), "int"),
            Col("at_end", T("На конец периода", "Кезең соңында", "At period end"), "int"),
        ),
        methodology=T(
            "Источник: зачисления учеников в классы (с датами начала и окончания). На начало периода — ученики, "
            "зачисленные в класс в первый день периода; прибыло — зачисления в класс, начавшиеся после первого и "
            "не позже последнего дня периода; выбыло — зачисления, закончившиеся с первого до предпоследнего дня "
            "периода (дата окончания — последний день в классе); на конец — зачисленные в последний день периода. "
            "Для каждого класса на начало + прибыло − выбыло = на конец; переводы между классами школы считаются "
            "выбытием из одного класса и прибытием в другой. Классы сгруппированы по параллелям со строкой итога; "
            "строка «Всего» — сумма по классам. Период по умолчанию — последняя начавшаяся четверть.",
            "Дереккөз: оқушыларды сыныптарға қабылдау. Кезең басында + келді − кетті = кезең соңында; мектеп "
            "ішіндегі ауысулар бір сыныптан кету және басқасына келу болып саналады.",
            "Source: enrolments of students in classes (with start and end dates). At start: students enrolled on "
            "the period's first day; arrived: enrolments that start after the first and by the last day; departed: "
            "enrolments that end from the first to the day before the last (the end date is the last day in the "
            "class); at end: enrolled on the last day. For each class start + arrived − departed = end; a transfer "
            "between classes of the school is a departure from one and an arrival in the other. Classes are "
            "grouped by grade with a subtotal; «Total» adds the classes. Default period: the latest quarter started.",
        ),
        query=summary_query,
        count_label=T("Всего {n} {класс|класса|классов}", "Барлығы {n} сынып", "Total: {n} classes"),
        requires_organization=True,
    )
)


def _list_query(kind: str) -> Any:
    async def query(ctx: ReportContext) -> ReportResult:
        start, end = await resolve_range(ctx)
        mv, p, c = Movement, Person, SchoolClass
        stmt = (
            select(
                mv.id,
                mv.date,
                full_name(p).label("student"),
                class_name(c).label("class"),
                mv.counterpart,
                mv.reason,
                mv.order_number,
            )
            .select_from(mv)
            .join(p, p.id == mv.student_person_id)
            .outerjoin(c, and_(c.id == mv.class_id))
            .where(in_org(ctx, mv.organization_id), mv.kind == kind, mv.date.between(start, end))
            .order_by(mv.date, p.surname, p.first_name, mv.id)
        )
        if ctx.filters.class_id is not None:
            stmt = stmt.where(mv.class_id == ctx.filters.class_id)
        rows = [
            {
                "_id": r.id,
                "date": r.date,
                "student": r.student,
                "class": r._mapping["class"] if r._mapping["class"] != "" else None,
                "counterpart": r.counterpart or None,
                "reason": r.reason or None,
                "order_number": r.order_number or None,
            }
            for r in await ctx.session.execute(stmt)
        ]
        return ReportResult(rows=rows, count=len(rows))

    return query


_ORDER = Col("order_number", T("Номер приказа", "Бұйрық нөмірі", "Order number"))
_REASON = Col("reason", T("Причина", "Себебі", "Reason"))
_METH_LIST = {
    "ru": (
        "Источник: записи о движении учеников ({what}) с датой в пределах периода или диапазона дат (по умолчанию "
        "— последняя начавшаяся четверть), по дате. Отсутствующие сведения — «нет данных»."
    ),
    "kk": "Дереккөз: кезеңдегі оқушылар қозғалысының жазбалары ({what}), күні бойынша.",
    "en": (
        "Source: student movement records ({what}) dated within the period or date range (by default the latest "
        "quarter started), by date. Missing details show as «no data»."
    ),
}

for _kind, _title, _where, _what, _count in (
    (
        "arrived",
        T("Движение учеников: Прибывшие", "Оқушылар қозғалысы: Келгендер", "Student movement: Arrived"),
        T("Откуда прибыл", "Қайдан келді", "Arrived from"),
        T("прибытие", "келу", "arrivals"),
        T("Всего {n} {прибывший|прибывших|прибывших}", "Барлығы {n} келген", "Total: {n} arrivals"),
    ),
    (
        "departed",
        T("Движение учеников: Выбывшие", "Оқушылар қозғалысы: Кеткендер", "Student movement: Departed"),
        T("Куда выбыл", "Қайда кетті", "Departed to"),
        T("выбытие", "кету", "departures"),
        T("Всего {n} {выбывший|выбывших|выбывших}", "Барлығы {n} кеткен", "Total: {n} departures"),
    ),
):
    _cols = [Col("date", DATE), Col("student", STUDENT), Col("class", CLASS), Col("counterpart", _where)]
    _cols += [_ORDER, _REASON] if _kind == "arrived" else [_REASON, _ORDER]
    register_school(
        ReportDefinition(
            id=f"school.movement.{_kind}",
            title=_title,
            section="school",
            filters=(*TIMED, "class_id"),
            columns=tuple(_cols),
            methodology={k: v.format(what=_what[k]) for k, v in _METH_LIST.items()},
            query=_list_query(_kind),
            count_label=_count,
            requires_organization=True,
        )
    )
