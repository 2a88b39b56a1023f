"""Shared pieces of the reports about one organization: period bounds, names, settings, small formulas."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select, text

from api.config import get_settings
from api.errors import InvalidInput
from api.models import Assignment, Period, SchoolClass
from api.services.reports.aggregates import period_has_marks
from api.services.reports.engine import (
    PeriodInfo,
    ReportContext,
    ReportDefinition,
    ReportResult,
    Text,
    find_period,
    t,
    use_period,
)
from api.services.reports.kit import T, methodology

# Filters of a report about one organization over time.
ORG = ("region_id", "district_id", "org_type_id", "organization_id")
TIMED = (*ORG, "period_id", "date_from", "date_to")

# Recommended homework load per school day, minutes, by grade: «Методические рекомендации по организации и
# выполнению домашнего задания в организациях среднего образования Республики Казахстан» (МОН РК), приложение
# «Рекомендуемый объём домашнего задания (на один учебный день)»: 2 класс — 50, 3–4 — 70, 5–6 — 90, 7–9 — 110,
# 10–11(12) — 130 минут; в 1 классе (и предшколе) домашние задания не задаются.
DEFAULT_HOMEWORK_NORMS: dict[int, int] = {
    0: 0,
    1: 0,
    2: 50,
    3: 70,
    4: 70,
    5: 90,
    6: 90,
    7: 110,
    8: 110,
    9: 110,
    10: 130,
    11: 130,
    12: 130,
}


def homework_norm(grade: int) -> int:
    """The homework norm (minutes per school day) of a grade: `BILIM_HOMEWORK_NORMS` where it names the grade, else
    the recommended one."""
    return get_settings().homework_norms.get(grade, DEFAULT_HOMEWORK_NORMS.get(grade, 0))


def on_time_days() -> int:
    """How many days after its lesson a mark still counts as entered on time (`BILIM_JOURNAL_ON_TIME_DAYS`)."""
    return get_settings().journal_on_time_days


YES = T("да", "иә", "yes")
NO = T("нет", "жоқ", "no")
CLASS = T("Класс", "Сынып", "Class")
SUBJECT = T("Предмет", "Пән", "Subject")
STUDENT = T("Ученик", "Оқушы", "Student")
TEACHER = T("Учитель", "Мұғалім", "Teacher")
DATE = T("Дата", "Күні", "Date")
# The count lines under the tables («Всего 5 классов»), shared by the reports that count the same things.
ROWS_COUNT = T("Всего {n} {строка|строки|строк}", "Барлығы {n} жол", "Total: {n} rows")
CLASSES_COUNT = T("Всего {n} {класс|класса|классов}", "Барлығы {n} сынып", "Total: {n} classes")
STUDENTS_COUNT = T("Всего {n} {ученик|ученика|учеников}", "Барлығы {n} оқушы", "Total: {n} students")
CLASS_SUBJECTS_COUNT = T(
    "Всего {n} {строка|строки|строк} класс–предмет", "Барлығы {n} сынып–пән", "Total: {n} class subjects"
)
WEEKDAYS: tuple[Text, ...] = (
    T("Пн", "Дс", "Mon"),
    T("Вт", "Сс", "Tue"),
    T("Ср", "Ср", "Wed"),
    T("Чт", "Бс", "Thu"),
    T("Пт", "Жм", "Fri"),
    T("Сб", "Сн", "Sat"),
)


def yes_no(value: bool, lang: str) -> str:
    """«да» / «нет» in the asked language."""
    return t(YES if value else NO, lang)


def class_name(c: Any = SchoolClass) -> ColumnElement[str]:
    """«5А»: grade and letter of a class (alias)."""
    return func.concat(c.grade, c.letter)


def org_id(ctx: ReportContext) -> int:
    """The chosen organization (the engine has checked it is inside the caller's scope)."""
    oid = ctx.filters.organization_id
    if oid is None:  # the definitions require it; the engine answers 422 before the query runs
        raise InvalidInput("organization_id", "the report is about one organization: choose it")
    return oid


def in_org(ctx: ReportContext, column: Any) -> ColumnElement[bool]:
    """WHERE: the row belongs to the chosen organization, and that organization is in the caller's scope."""
    return and_(column == org_id(ctx), ctx.scope_condition(column))


async def default_period(ctx: ReportContext, prefer_marked: bool = False) -> PeriodInfo:
    """The latest quarter (else any period) that has started by the report date; 422 when there is none.

    `prefer_marked` (reports of period marks): among the started periods, those in which the school has period
    marks come first, so that early in a quarter, before any quarter mark is given, the report shows the quarter
    just ended rather than a table without marks."""
    p = Period
    today = ctx.filters.report_date
    started = p.starts_on <= today
    order: list[Any] = [started.desc()]
    if prefer_marked and ctx.filters.organization_id is not None:
        order.append(and_(started, period_has_marks(ctx.filters.organization_id)).desc())
    order += [(p.kind == "quarter").desc(), p.starts_on.desc(), p.id.desc()]
    period = await find_period(ctx.session, ctx.lang, order_by=order)
    if period is None:
        raise InvalidInput("period_id", "no academic periods are defined yet")
    return period


async def resolve_period(ctx: ReportContext, prefer_marked: bool = False) -> PeriodInfo:
    """The chosen period, or the default one (shown among the applied filters); see `default_period`."""
    if ctx.filters.period is not None:
        return ctx.filters.period
    return use_period(ctx.filters, await default_period(ctx, prefer_marked), ctx.lang)


async def resolve_range(ctx: ReportContext) -> tuple[dt.date, dt.date]:
    """Date bounds (inclusive): date_from / date_to when given, else the chosen or default period's bounds."""
    f = ctx.filters
    if f.date_from is not None and f.date_to is not None:
        return f.date_from, f.date_to
    period = await resolve_period(ctx)
    start = f.date_from or period.starts_on
    end = f.date_to or period.ends_on
    if start > end:
        raise InvalidInput("date_from", "the date range is upside down: date_from is after the end of the period")
    return start, end


async def taught(ctx: ReportContext, class_ids: set[int]) -> set[tuple[int, int]]:
    """(class, subject) pairs with an assignment (class–subject–teacher) in the chosen school: the subjects taught.

    A cell of a class × subject matrix outside these pairs is «не преподаётся» (listed in the row's `_na`)."""
    if not class_ids:
        return set()
    a = Assignment
    res = await ctx.session.execute(
        select(a.class_id, a.subject_id).where(in_org(ctx, a.organization_id), a.class_id.in_(class_ids)).distinct()
    )
    return {(r[0], r[1]) for r in res}


# The methodology line of a class × subject matrix that marks the subjects a class does not have.
NOT_TAUGHT_NOTE = T(
    "«—» — предмет не преподаётся в классе (у класса нет такого предмета в учебной нагрузке), в отличие от «нет "
    "данных» — предмет преподаётся, но значения нет.",
    "«—» — пән сыныпта оқытылмайды (сыныптың оқу жүктемесінде мұндай пән жоқ); «деректер жоқ» — пән оқытылады, "
    "бірақ мән жоқ.",
    "«—»: the subject is not taught in the class (the class has no such subject assigned), as distinct from «no "
    "data»: the subject is taught but there is no value.",
)


def school_report(*, not_taught: bool = False, **fields: Any) -> ReportDefinition:
    """A report about one organization (`section="school"`, `requires_organization=True`, the other fields of
    `ReportDefinition` as given) whose statements are planned for the actual filter values.

    asyncpg prepares statements, and after a few runs PostgreSQL may switch to a generic plan that ignores
    the chosen organization and period; for one school's rows that plan can be a hundred times slower.
    `not_taught`: the report marks «не преподаётся» cells (`_na`); its methodology gets the line that says so.
    Without `methodology`, it is read from the files `methodology/<id without "school.">.<lang>.txt`.
    """
    if "methodology" not in fields:
        fields["methodology"] = methodology(__file__, "methodology/" + fields["id"].removeprefix("school."))
    definition = ReportDefinition(section="school", requires_organization=True, **fields)
    if not_taught:
        noted = {k: f"{v} {NOT_TAUGHT_NOTE[k]}" for k, v in definition.methodology.items()}
        definition = dataclasses.replace(definition, methodology=noted)
    inner = definition.query

    async def query(ctx: ReportContext) -> ReportResult:
        await ctx.session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
        return await inner(ctx)

    return dataclasses.replace(definition, query=query)
