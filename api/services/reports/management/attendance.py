"""Посещаемость по организациям: lessons, absences by reason and % attendance per district (or organization) over
a date range."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Date, and_, bindparam

from api.errors import InvalidInput
from api.models.aggregates import ReportOrgDayAttendance
from api.services.reports.engine import Col, ReportContext, ReportResult, applied, fmt_date, percent
from api.services.reports.kit import T, methodology
from api.services.reports.management.grouped import (
    definition,
    grouped_result,
    name_column,
    run_grouped,
    sum_of,
)

DAY_FROM = bindparam("day_from", type_=Date)
DAY_TO = bindparam("day_to", type_=Date)


def attendance_columns(ctx: ReportContext) -> list[Col]:
    """Lessons held, absences by reason, % attendance."""
    return [
        name_column(ctx),
        Col("lessons", T("Проведено уроков", "Өткізілген сабақтар", "Lessons held"), "int"),
        Col("student_lessons", T("Ученико-уроков", "Оқушы-сабақтар", "Student-lessons"), "int"),
        Col(
            "absences",
            T("Пропущено уроков", "Жіберілген сабақтар", "Missed lessons"),
            children=(
                Col("abs_illness", T("По болезни", "Ауруына байланысты", "Illness"), "int"),
                Col("abs_valid", T("По уважительной", "Дәлелді себеппен", "Valid reason"), "int"),
                Col("abs_unexcused", T("Без уважительной", "Дәлелсіз", "Unexcused"), "int"),
                Col("abs_total", T("Всего", "Барлығы", "Total"), "int"),
            ),
        ),
        Col("abs_late", T("Опоздания", "Кешігулер", "Late"), "int"),
        Col("pct_attendance", T("% посещаемости", "Қатысу %", "% attendance"), "percent"),
    ]


async def attendance_query(ctx: ReportContext) -> ReportResult:
    """Lessons, absences by reason and % attendance per district (or organization) over a date range."""
    f = ctx.filters
    if f.period is not None:
        start, end = f.period.starts_on, f.period.ends_on
    else:
        end = f.date_to or f.report_date
        start = f.date_from or end - dt.timedelta(days=29)
        if start > end:
            raise InvalidInput("date_from", "the date range is upside down: date_from is after the report date")
        if f.date_from is None:
            f.names.append(applied("date_from", start.isoformat(), fmt_date(start), ctx.lang))
        if f.date_to is None:
            f.names.append(applied("date_to", end.isoformat(), fmt_date(end), ctx.lang))
    a = ReportOrgDayAttendance

    def parts(schools: Any) -> tuple[Any, list[Any], list[Any]]:
        # A direct join (index range on the primary key per school) keeps one good plan whatever the dates,
        # also once PostgreSQL switches the prepared statement to a generic plan.
        return (
            schools.outerjoin(a, and_(a.organization_id == schools.c.id, a.day.between(DAY_FROM, DAY_TO))),
            [
                sum_of(a.lessons_held, "lessons"),
                sum_of(a.student_lessons, "student_lessons"),
                sum_of(a.abs_illness, "abs_illness"),
                sum_of(a.abs_valid, "abs_valid"),
                sum_of(a.abs_unexcused, "abs_unexcused"),
                sum_of(a.abs_late, "abs_late"),
            ],
            [],
        )

    rows, totals = await run_grouped(ctx, parts, {"day_from": start, "day_to": end})

    def derive(row: dict[str, Any]) -> None:
        row["abs_total"] = row["abs_illness"] + row["abs_valid"] + row["abs_unexcused"]
        row["pct_attendance"] = percent(row["student_lessons"] - row["abs_total"], row["student_lessons"])

    return grouped_result(ctx, rows, totals, derive)


ATTENDANCE = definition(
    "attendance.organizations",
    T("Посещаемость по организациям", "Ұйымдар бойынша сабаққа қатысу", "Attendance by organization"),
    attendance_columns,
    methodology(__file__, "attendance"),
    attendance_query,
    ("period_id", "date", "date_from", "date_to"),
)
