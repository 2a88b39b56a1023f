"""Активность: users, visits and the daily visitors chart of one organization."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, func, select

from api.models import (
    User,
)
from api.models.aggregates import ReportPersonOrg, ReportVisitDay
from api.services.membership import REPORT_DATE_TEXT, RULE_TEXT
from api.services.reports.engine import (
    TOTAL,
    ChartSpec,
    Col,
    ReportContext,
    ReportResult,
    fmt_date,
    percent,
    t,
)
from api.services.reports.kit import T, methodology, visit_columns
from api.services.reports.school.common import (
    ORG,
    in_org,
    school_report,
)

# --- Активность -----------------------------------------------------------------------------------


async def activity_query(ctx: ReportContext) -> ReportResult:
    """Persons, registered users, % and visits (day, week, month) by role; daily visitors chart for the month."""
    day = ctx.filters.report_date
    po, vd, u = ReportPersonOrg, ReportVisitDay, User
    oid = ctx.filters.organization_id
    people = (
        await ctx.session.execute(
            select(
                *[
                    func.count().filter(flag).label(f"{name}_persons")
                    for name, flag in (("staff", po.is_staff), ("students", po.is_student), ("parents", po.is_parent))
                ],
                *[
                    func.count().filter(flag, po.registered).label(f"{name}_users")
                    for name, flag in (("staff", po.is_staff), ("students", po.is_student), ("parents", po.is_parent))
                ],
                func.count().label("all_persons"),
                func.count().filter(po.registered).label("all_users"),
            ).where(in_org(ctx, po.organization_id), po.valid_from <= day, po.valid_to >= day)
        )
    ).one()
    visits = (
        select(vd.user_id, func.max(vd.day).label("last_day"))
        .where(in_org(ctx, vd.organization_id), vd.day.between(day - dt.timedelta(days=29), day))
        .group_by(vd.user_id)
        .subquery("v")
    )
    w = (
        select(
            po.is_staff,
            po.is_student,
            po.is_parent,
            (visits.c.last_day == day).label("d1"),
            (visits.c.last_day > day - dt.timedelta(days=7)).label("d7"),
        )
        .select_from(visits)
        .outerjoin(u, u.id == visits.c.user_id)
        .outerjoin(
            po,
            and_(po.person_id == u.person_id, po.organization_id == oid, po.valid_from <= day, po.valid_to >= day),
        )
        .subquery("w")
    )
    counts: dict[str, Any] = {}
    for name, flag in (
        ("staff", w.c.is_staff),
        ("students", w.c.is_student),
        ("parents", w.c.is_parent),
        ("all", None),
    ):
        conds = [flag.is_(True)] if flag is not None else []
        r = (
            await ctx.session.execute(
                select(
                    func.count().filter(w.c.d1).label("d1"),
                    func.count().filter(w.c.d7).label("d7"),
                    func.count().label("d30"),
                ).where(*conds)
            )
        ).one()
        counts[name] = r
    rows = []
    titles = {
        "staff": T("Сотрудники", "Қызметкерлер", "Staff"),
        "students": T("Ученики", "Оқушылар", "Students"),
        "parents": T("Родители", "Ата-аналар", "Parents"),
    }

    def build(name: str, title: str) -> dict[str, Any]:
        persons = int(people._mapping[f"{name}_persons"])
        users = int(people._mapping[f"{name}_users"])
        v = counts[name]
        return {
            "_id": name,
            "role": title,
            "persons": persons,
            "users": users,
            "pct": percent(users, persons),
            "d1": int(v.d1),
            "d7": int(v.d7),
            "d30": int(v.d30),
        }

    for name, title in titles.items():
        rows.append(build(name, t(title, ctx.lang)))
    totals = build("all", t(TOTAL, ctx.lang))
    totals.pop("_id")
    daily = dict(
        (
            await ctx.session.execute(
                select(vd.day, func.count(func.distinct(vd.user_id)))
                .where(in_org(ctx, vd.organization_id), vd.day.between(day - dt.timedelta(days=29), day))
                .group_by(vd.day)
            )
        ).all()
    )
    points = []
    for k in range(29, -1, -1):
        dd = day - dt.timedelta(days=k)
        points.append({"x": dd.isoformat(), "label": fmt_date(dd), "visitors": int(daily.get(dd, 0))})
    chart = {"type": "bar", "x": "day", "series": ["visitors"], "points": points}
    return ReportResult(rows=rows, count=len(rows), totals=totals, chart=chart)


ACTIVITY = school_report(
    id="school.activity",
    title=T("Активность", "Белсенділік", "Activity"),
    filters=(*ORG, "date"),
    columns=(
        Col("role", T("Роль", "Рөлі", "Role")),
        Col(
            "people",
            T("Пользователи", "Пайдаланушылар", "Users"),
            children=(
                Col("persons", T("Всего", "Барлығы", "Persons"), "int"),
                Col("users", T("Польз.", "Пайд.", "Users"), "int"),
                Col("pct", T("%", "%", "%"), "percent"),
            ),
        ),
        visit_columns("d1", "d7", "d30"),
    ),
    methodology=methodology(__file__, "methodology/activity", rule=RULE_TEXT, report_date=REPORT_DATE_TEXT),
    query=activity_query,
    count_label=T("Всего {n} {роль|роли|ролей}", "Барлығы {n} рөл", "Total: {n} roles"),
    chart=ChartSpec(
        "bar", x="day", series=("visitors",), labels={"visitors": T("Посетители", "Келушілер", "Visitors")}
    ),
)
