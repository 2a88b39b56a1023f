"""Активность в Kundelik.kz: persons, registered users by role and distinct visitors per district (or
organization), with distinct totals."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Date, and_, bindparam, func, literal, select, tuple_

from api.models.aggregates import ReportMultiVisitor, ReportOrgVisitWindow, ReportVisitDay
from api.services.membership import REPORT_DATE_TEXT, RULE_TEXT
from api.services.reports.engine import Col, ReportContext, ReportResult, Text, percent
from api.services.reports.kit import T, methodology, visit_columns
from api.services.reports.management import grouped

WEEK_START = bindparam("week_start", type_=Date)
MONTH_START = bindparam("month_start", type_=Date)

ALL_T = T("Всего", "Барлығы", "Total")
USERS_T = T("Польз.", "Пайд.", "Users")


def _role(role: str, title: Text, users: str) -> Col:
    """A role's two columns: all its persons (`<role>_total`) and the registered users among them."""
    return Col(role, title, children=(Col(f"{role}_total", ALL_T, "int"), Col(users, USERS_T, "int")))


def activity_columns(ctx: ReportContext) -> list[Col]:
    """Three header rows as figure 7 of the manual."""
    return [
        grouped.name_column(ctx),
        Col(
            "users",
            T("Пользователи", "Пайдаланушылар", "Users"),
            children=(
                Col("persons", ALL_T, "int"),
                Col("registered", USERS_T, "int"),
                Col("pct", T("%", "%", "%"), "percent"),
                _role("staff", T("Сотрудники", "Қызметкерлер", "Staff"), "staff_users"),
                _role("students", T("Ученики", "Оқушылар", "Students"), "student_users"),
                _role("parents", T("Родители", "Ата-аналар", "Parents"), "parent_users"),
            ),
        ),
        visit_columns("visits_day", "visits_week", "visits_month"),
    ]


PEOPLE_FIELDS = {
    "persons": ("persons", "true"),
    "registered": ("users", "registered"),
    "staff_total": ("staff", "is_staff"),
    "staff_users": ("staff_users", "is_staff_reg"),
    "students_total": ("students", "is_student"),
    "student_users": ("student_users", "is_student_reg"),
    "parents_total": ("parents", "is_parent"),
    "parent_users": ("parent_users", "is_parent_reg"),
}


def visit_corrections(ctx: ReportContext, schools: Any) -> Any:
    """Subquery (k, g, x_visits_*): grouped.overcount of visitors counted for several organizations of a row."""
    key = grouped.group_key(ctx, schools)
    v = ReportVisitDay
    inner = (
        select(
            *grouped.key_columns(key),
            v.user_id,
            func.count(v.organization_id.distinct()).filter(v.day == grouped.DAY).label("visits_day"),
            func.count(v.organization_id.distinct()).filter(v.day >= WEEK_START).label("visits_week"),
            func.count(v.organization_id.distinct()).label("visits_month"),
        )
        .select_from(ReportMultiVisitor)
        .join(v, v.user_id == ReportMultiVisitor.user_id)
        .join(schools, schools.c.id == v.organization_id)
        .where(v.day.between(MONTH_START, grouped.DAY))
        .group_by(func.grouping_sets(tuple_(key, v.user_id), tuple_(v.user_id)))
        .subquery("multi_visitors")
    )
    return grouped.overcount(inner, ("visits_day", "visits_week", "visits_month"), "visit_corrections")


async def activity_query(ctx: ReportContext) -> ReportResult:
    """Persons, registered users by role and distinct visitors per district (or organization), with totals."""
    vw = ReportOrgVisitWindow
    day = ctx.filters.report_date

    def parts(schools: Any) -> tuple[Any, list[Any], list[Any]]:
        po = grouped.people_on_day(schools, [col for col, _ in PEOPLE_FIELDS.values()])
        return (
            schools.join(po, literal(True)).outerjoin(
                vw, and_(vw.organization_id == schools.c.id, vw.day == grouped.DAY)
            ),
            [
                *[grouped.sum_of(po.c[col], out) for out, (col, _) in PEOPLE_FIELDS.items()],
                grouped.sum_of(vw.d1, "visits_day"),
                grouped.sum_of(vw.d7, "visits_week"),
                grouped.sum_of(vw.d30, "visits_month"),
            ],
            [
                grouped.person_corrections(ctx, schools, {k: flag for k, (_, flag) in PEOPLE_FIELDS.items()}),
                visit_corrections(ctx, schools),
            ],
        )

    params = {
        "report_day": day,
        "week_start": day - dt.timedelta(days=6),
        "month_start": day - dt.timedelta(days=29),
    }

    def derive(row: dict[str, Any]) -> None:
        row["pct"] = percent(row["registered"], row["persons"])

    return await grouped.run_grouped(ctx, parts, params, derive)


ACTIVITY = grouped.definition(
    "activity",
    T("Активность в Kundelik.kz", "Kundelik.kz-тегі белсенділік", "Activity in Kundelik.kz"),
    activity_columns,
    methodology(__file__, "activity", rule=RULE_TEXT, report_date=REPORT_DATE_TEXT),
    activity_query,
    ("date",),
)
