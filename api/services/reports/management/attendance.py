"""Посещаемость по организациям: lessons, absences by reason and % attendance per district (or organization) over
a date range."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Date, and_, bindparam

from api.errors import InvalidInput
from api.models.aggregates import ReportOrgDayAttendance
from api.services.reports.engine import Col, ReportContext, ReportResult, applied, fmt_date
from api.services.reports.kit import T, absence_columns, attendance_rates, methodology
from api.services.reports.management import grouped

DAY_FROM = bindparam("day_from", type_=Date)
DAY_TO = bindparam("day_to", type_=Date)


def attendance_columns(ctx: ReportContext) -> list[Col]:
    """Lessons held, absences by reason, % attendance."""
    return [grouped.name_column(ctx), *absence_columns("absences")]


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
                grouped.sum_of(a.lessons_held, "lessons"),
                grouped.sum_of(a.student_lessons, "student_lessons"),
                grouped.sum_of(a.abs_illness, "abs_illness"),
                grouped.sum_of(a.abs_valid, "abs_valid"),
                grouped.sum_of(a.abs_unexcused, "abs_unexcused"),
                grouped.sum_of(a.abs_late, "abs_late"),
            ],
            [],
        )

    return await grouped.run_grouped(ctx, parts, {"day_from": start, "day_to": end}, attendance_rates)


ATTENDANCE = grouped.definition(
    "attendance.organizations",
    T("Посещаемость по организациям", "Ұйымдар бойынша сабаққа қатысу", "Attendance by organization"),
    attendance_columns,
    methodology(__file__, "attendance"),
    attendance_query,
    ("period_id", "date", "date_from", "date_to"),
)
