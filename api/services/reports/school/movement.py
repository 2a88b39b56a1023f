"""Движение учеников: summary by class (balances), arrived, departed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select

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
from api.services.reports.kit import T, full_name
from api.services.reports.school.common import (
    CLASS,
    CLASSES_COUNT,
    DATE,
    STUDENT,
    TIMED,
    class_name,
    in_org,
    resolve_range,
    school_report,
)

FIELDS = ("at_start", "arrived", "departed", "at_end")


def _movements_in_range(ctx: ReportContext, start: Any, end: Any) -> list[ColumnElement[bool]]:
    """WHERE of the movement records a report counts: the chosen school, dated from `start` to `end` inclusive,
    of the chosen class. The summary and the lists «Прибывшие» / «Выбывшие» read the same rows by this rule."""
    mv = Movement
    conds = [in_org(ctx, mv.organization_id), mv.date.between(start, end)]
    if ctx.filters.class_id is not None:
        conds.append(mv.class_id == ctx.filters.class_id)
    return conds


async def summary_query(ctx: ReportContext) -> ReportResult:
    """A row per class grouped by grade: at period start, arrived, departed, at period end; grade subtotals.

    Arrived and departed count the movement records (the rows of the lists); at the end = enrolled on the last
    day; at the start = at the end − arrived + departed (before the first day's movements)."""
    start, end = await resolve_range(ctx)
    e, c, mv = Enrolment, SchoolClass, Movement
    enrolled = (
        select(e.class_id.label("class_id"), func.count().label("at_end"))
        .where(in_org(ctx, e.organization_id), member_on(e.starts_on, e.ends_on, end))
        .group_by(e.class_id)
    )
    # Classes that had anyone enrolled during the range (they show even with nobody left at its end).
    present = select(e.class_id).where(
        in_org(ctx, e.organization_id), member_during(e.starts_on, e.ends_on, start, end)
    )
    moved = (
        select(
            mv.class_id.label("class_id"),
            func.count().filter(mv.kind == "arrived").label("arrived"),
            func.count().filter(mv.kind == "departed").label("departed"),
        )
        .where(*_movements_in_range(ctx, start, end))
        .group_by(mv.class_id)
    )
    if ctx.filters.class_id is not None:
        enrolled = enrolled.where(e.class_id == ctx.filters.class_id)
        present = present.where(e.class_id == ctx.filters.class_id)
    at_end = {r.class_id: int(r.at_end) for r in await ctx.session.execute(enrolled)}
    moves = {r.class_id: (int(r.arrived), int(r.departed)) for r in await ctx.session.execute(moved)}
    ids = set(at_end) | {k for k in moves if k is not None}
    classes = (
        await ctx.session.execute(
            select(c.id, c.grade, class_name(c).label("name"))
            .where(in_org(ctx, c.organization_id), or_(c.id.in_(present), c.id.in_(ids)))
            .order_by(c.grade, c.letter, c.id)
        )
    ).all()
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

    for r in classes:
        if r.grade != grade:
            close()
            grade, grade_rows = r.grade, []
        arrived, departed = moves.get(r.id, (0, 0))
        end_count = at_end.get(r.id, 0)
        row = {
            "_id": r.id,
            "class": r.name,
            "at_start": end_count - arrived + departed,
            "arrived": arrived,
            "departed": departed,
            "at_end": end_count,
        }
        grade_rows.append(row)
        rows.append(row)
    close()
    plain = [r for r in rows if r.get("_kind") is None]
    n_classes = len(plain)
    if None in moves:  # records without a class (the class was deleted or never sent): counted, not balanced
        arrived, departed = moves[None]
        plain.append({"class": None, "at_start": None, "arrived": arrived, "departed": departed, "at_end": None})
        rows.append(plain[-1])
    totals = {"class": t(TOTAL, ctx.lang), **{f: sum(r[f] or 0 for r in plain) for f in FIELDS}} if plain else None
    return ReportResult(rows=rows, count=n_classes, totals=totals)


MOVEMENT_SUMMARY = school_report(
    id="school.movement.summary",
    title=T("Движение учеников: Сводка", "Оқушылар қозғалысы: Жиынтық", "Student movement: Summary"),
    filters=(*TIMED, "class_id"),
    columns=(
        Col("class", CLASS),
        Col("at_start", T("На начало периода", "Кезең басында", "At period start"), "int"),
        Col("arrived", T("Прибыло", "Келді", "Arrived"), "int"),
        Col("departed", T("Выбыло", "Кетті", "Departed"), "int"),
        Col("at_end", T("На конец периода", "Кезең соңында", "At period end"), "int"),
    ),
    query=summary_query,
    count_label=CLASSES_COUNT,
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
            .where(*_movements_in_range(ctx, start, end), mv.kind == kind)
            .order_by(mv.date, p.surname, p.first_name, mv.id)
        )
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
    "kk": (
        "Дереккөз: кезең немесе күндер аралығы ішіндегі (әдепкі бойынша — басталған соңғы тоқсан) күнімен оқушылар "
        "қозғалысының жазбалары ({what}), күні бойынша. Жоқ мәліметтер — «деректер жоқ»."
    ),
    "en": (
        "Source: student movement records ({what}) dated within the period or date range (by default the latest "
        "quarter started), by date. Missing details show as «no data»."
    ),
}

LISTS: list[ReportDefinition] = []
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
    LISTS.append(
        school_report(
            id=f"school.movement.{_kind}",
            title=_title,
            filters=(*TIMED, "class_id"),
            columns=tuple(_cols),
            methodology={k: v.format(what=_what[k]) for k, v in _METH_LIST.items()},
            query=_list_query(_kind),
            count_label=_count,
        )
    )
