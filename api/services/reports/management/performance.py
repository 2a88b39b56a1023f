"""Успеваемость по организациям: students by result and the performance indicators per district (or
organization) for a period."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, Integer, and_, bindparam, case
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import InvalidInput
from api.models import Period
from api.models.aggregates import ReportOrgPeriodPerformance
from api.services.reports.aggregates import period_has_marks
from api.services.reports.engine import Col, PeriodInfo, ReportContext, ReportResult, find_period, percent, use_period
from api.services.reports.kit import T, dec2, methodology
from api.services.reports.management import grouped

PERIOD_ID = bindparam("period_id", type_=Integer)
PERIOD_ENDED = bindparam("period_ended", type_=Boolean)


def performance_columns(ctx: ReportContext) -> list[Col]:
    """Students by result and the performance indicators."""
    return [
        grouped.name_column(ctx),
        Col("students", T("Учеников", "Оқушылар", "Students"), "int"),
        Col("excellent", T("Отличники", "Үздіктер", "Excellent («5»)"), "int"),
        Col("good", T("Хорошисты", "Екпінділер", "Good («4» and «5»)"), "int"),
        Col("one_three", T("С одной «3»", "Бір «3»-пен", "With one «3»"), "int"),
        Col("failing", T("Неуспевающие", "Үлгермейтіндер", "Failing"), "int"),
        Col("not_attested", T("Не аттестованы", "Аттестатталмаған", "Not attested"), "int"),
        Col("pct_success", T("% успеваемости", "Үлгерім %", "% success"), "percent"),
        Col("pct_quality", T("% качества", "Сапа %", "% quality"), "percent"),
        Col("sou", T("СОУ", "ОДД", "Degree of learning"), "decimal"),
        Col("avg", T("Средний балл", "Орташа балл", "Average mark"), "decimal"),
    ]


async def default_period(session: AsyncSession, today: dt.date, lang: str) -> PeriodInfo:
    """The latest period that has started by `today` and has period marks, else the latest started (else the
    earliest one): in the first weeks of a quarter, before any quarter mark is given, the inspector sees the
    quarter just ended rather than a table of zeros."""
    p = Period
    marked = period_has_marks()
    started = p.starts_on <= today
    order = (started.desc(), and_(started, marked).desc(), p.starts_on.desc(), p.kind.desc())
    period = await find_period(session, lang, order_by=order)
    if period is None:
        raise InvalidInput("period_id", "no academic periods are defined yet")
    return period


async def performance_query(ctx: ReportContext) -> ReportResult:
    """Students by result and performance indicators per district (or organization) for a period."""
    period = ctx.filters.period or use_period(
        ctx.filters, await default_period(ctx.session, ctx.filters.report_date, ctx.lang), ctx.lang
    )
    pp = ReportOrgPeriodPerformance
    # Once the period has ended (by the report date) a subject without a period mark makes a student not
    # attested: the aggregate keeps both classifications, the `*_ended` columns are the second.
    classified = ["not_attested", "attested", "excellent", "good", "one_three", "failing"]

    def measure(f: str) -> Any:
        if f in classified:
            return grouped.sum_of(case((PERIOD_ENDED, getattr(pp, f"{f}_ended")), else_=getattr(pp, f)), f)
        return grouped.sum_of(getattr(pp, f), f)

    def parts(schools: Any) -> tuple[Any, list[Any], list[Any]]:
        return (
            schools.outerjoin(pp, and_(pp.organization_id == schools.c.id, pp.period_id == PERIOD_ID)),
            [measure(f) for f in ["students", *classified, "n1", "n2", "n3", "n4", "n5"]],
            [],
        )

    ended = period.ends_on < ctx.filters.report_date

    def derive(row: dict[str, Any]) -> None:
        v = {f: row.pop(f) for f in ("attested", "n1", "n2", "n3", "n4", "n5")}
        marks = v["n1"] + v["n2"] + v["n3"] + v["n4"] + v["n5"]
        row["pct_success"] = percent(v["attested"] - row["failing"], v["attested"])
        row["pct_quality"] = percent(row["excellent"] + row["good"], v["attested"])
        row["sou"] = dec2(100 * v["n5"] + 64 * v["n4"] + 36 * v["n3"] + 16 * v["n2"] + 7 * v["n1"], marks)
        row["avg"] = dec2(5 * v["n5"] + 4 * v["n4"] + 3 * v["n3"] + 2 * v["n2"] + v["n1"], marks)

    return await grouped.run_grouped(ctx, parts, {"period_id": period.id, "period_ended": ended}, derive)


PERFORMANCE = grouped.definition(
    "performance.organizations",
    T("Успеваемость по организациям", "Ұйымдар бойынша үлгерім", "Performance by organization"),
    performance_columns,
    methodology(__file__, "performance"),
    performance_query,
    ("period_id", "date"),
)
