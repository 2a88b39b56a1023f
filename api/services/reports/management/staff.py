"""Педагогические кадры: staff by role and qualification category per district (or organization), with distinct
totals."""

from __future__ import annotations

from typing import Any

from sqlalchemy import literal

from api.models.aggregates import CATEGORY_RANKS, ROLE_BITS
from api.services.membership import RULE_TEXT, TODAY_TEXT
from api.services.reports.engine import Col, ReportContext, ReportResult, Text, percent
from api.services.reports.kit import T, methodology
from api.services.reports.management import grouped

ROLE_TITLES: dict[str, Text] = {
    "head": T("Руководитель", "Басшы", "Head"),
    "deputy": T("Заместитель", "Орынбасар", "Deputy"),
    "teacher": T("Учитель", "Мұғалім", "Teacher"),
    "additional_teacher": T("Педагог доп. образования", "Қосымша білім беру педагогі", "Additional education"),
    "psychologist": T("Психолог", "Психолог", "Psychologist"),
    "social_pedagogue": T("Социальный педагог", "Әлеуметтік педагог", "Social pedagogue"),
    "librarian": T("Библиотекарь", "Кітапханашы", "Librarian"),
    "administrator": T("Администратор", "Әкімші", "Administrator"),
    "specialist": T("Специалист", "Маман", "Specialist"),
    "other": T("Прочие", "Басқалар", "Other"),
}
CATEGORY_TITLES: dict[str, Text] = {
    "master": T("Педагог-мастер", "Педагог-шебер", "Master"),
    "researcher": T("Педагог-исследователь", "Педагог-зерттеуші", "Researcher"),
    "expert": T("Педагог-эксперт", "Педагог-сарапшы", "Expert"),
    "moderator": T("Педагог-модератор", "Педагог-модератор", "Moderator"),
    "pedagogue": T("Педагог", "Педагог", "Pedagogue"),
    "none": T("Без категории", "Санатсыз", "No category"),
}


def staff_columns(ctx: ReportContext) -> list[Col]:
    """Staff count, by role, by qualification category, % with a category."""
    return [
        grouped.name_column(ctx),
        Col("staff", T("Всего сотрудников", "Барлық қызметкерлер", "Staff"), "int"),
        Col(
            "roles",
            T("По должностям", "Лауазымдар бойынша", "By role"),
            children=tuple(Col(f"r_{k}", v, "int") for k, v in ROLE_TITLES.items()),
        ),
        Col(
            "categories",
            T("По квалификационным категориям", "Біліктілік санаттары бойынша", "By qualification category"),
            children=tuple(Col(f"c_{k}", v, "int") for k, v in CATEGORY_TITLES.items()),
        ),
        Col("pct_category", T("% с категорией", "Санаты барлардың %", "% with a category"), "percent"),
    ]


async def staff_query(ctx: ReportContext) -> ReportResult:
    """Staff by role and qualification category per district (or organization), with distinct totals."""
    role_cols = [f"r_{k}" for k in ROLE_BITS]
    cat_cols = [f"c_{k}" for k in CATEGORY_RANKS]
    flags = {"staff": "is_staff", "with_category": "with_category"}
    flags.update({f"r_{k}": f"role:{k}" for k in ROLE_BITS})
    flags.update({f"c_{k}": f"cat:{k}" for k in CATEGORY_RANKS})

    def parts(schools: Any) -> tuple[Any, list[Any], list[Any]]:
        po = grouped.people_on_day(schools, ["staff", *role_cols, *cat_cols])
        return (
            schools.join(po, literal(True)),
            [
                grouped.sum_of(po.c.staff, "staff"),
                *[grouped.sum_of(po.c[c], c) for c in role_cols + cat_cols],
                grouped.sum_of(po.c.staff - po.c.c_none, "with_category"),
            ],
            [grouped.person_corrections(ctx, schools, flags)],
        )

    def derive(row: dict[str, Any]) -> None:
        row["pct_category"] = percent(row.pop("with_category"), row["staff"])

    return await grouped.run_grouped(ctx, parts, {"report_day": ctx.filters.report_date}, derive)


STAFF = grouped.definition(
    "staff.composition",
    T("Педагогические кадры", "Педагог кадрлар", "Teaching staff"),
    staff_columns,
    methodology(__file__, "staff", rule=RULE_TEXT, today=TODAY_TEXT),
    staff_query,
    (),
)
