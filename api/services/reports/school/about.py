"""Об организации: the passport of one organization (type, structure, people, classes, staff by role)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from api.models import (
    Enrolment,
    Organization,
    OrganizationStructure,
    OrganizationType,
    Person,
    SchoolClass,
)
from api.models.aggregates import ReportOrgPeople
from api.services.membership import RULE_TEXT, TODAY_TEXT, member_on
from api.services.reports import localtime
from api.services.reports.engine import (
    Col,
    ReportContext,
    ReportResult,
    Text,
    fmt_date,
    percent,
    t,
)
from api.services.reports.kit import T, full_name, methodology
from api.services.reports.org_registry import valid_until
from api.services.reports.school.common import (
    ORG,
    in_org,
    school_report,
)
from api.services.reports.school.lists import CATEGORIES

ROLES = {
    "head": T("Руководитель", "Басшы", "Head"),
    "deputy": T("Заместитель", "Орынбасар", "Deputy"),
    "teacher": T("Учитель", "Мұғалім", "Teacher"),
    "additional_teacher": T("Педагог доп. образования", "Қосымша білім беру педагогы", "Additional education"),
    "psychologist": T("Психолог", "Психолог", "Psychologist"),
    "social_pedagogue": T("Социальный педагог", "Әлеуметтік педагог", "Social pedagogue"),
    "librarian": T("Библиотекарь", "Кітапханашы", "Librarian"),
    "administrator": T("Администратор", "Әкімші", "Administrator"),
    "specialist": T("Специалист", "Маман", "Specialist"),
    "other": T("Другие", "Басқалар", "Other"),
}


def _pair(ind: Text, value: Any, lang: str, kind: str | None = None) -> dict[str, Any]:
    row: dict[str, Any] = {"indicator": t(ind, lang), "value": value}
    if kind:
        row["_kind"] = kind
    return row


async def about_query(ctx: ReportContext) -> ReportResult:
    """The organization's card and counts: classes, students by level, staff by role and category, users."""
    lang = ctx.lang
    o, ot, st, p = Organization, OrganizationType, OrganizationStructure, Person
    card = (
        await ctx.session.execute(
            select(
                o,
                ctx.name_col(ot).label("type_name"),
                ctx.name_col(st).label("structure_name"),
                full_name(p).label("head"),
                p.id.label("head_id"),
            )
            .outerjoin(ot, ot.id == o.type_id)
            .outerjoin(st, st.id == o.structure_id)
            .outerjoin(p, p.id == o.head_person_id)
            .where(in_org(ctx, o.id))
        )
    ).one()
    org = card[0]
    day = ctx.filters.report_date
    e, c = Enrolment, SchoolClass
    level = func.least(func.greatest(c.grade, 4), 10)  # ≤4 → 4, 5–9 → as is, ≥10 → 10
    lv = (
        await ctx.session.execute(
            select(
                func.count(func.distinct(e.class_id)).label("classes"),
                func.count(func.distinct(e.student_person_id)).label("students"),
                func.count(func.distinct(e.student_person_id)).filter(level == 4).label("l1"),
                func.count(func.distinct(e.student_person_id)).filter(level.between(5, 9)).label("l2"),
                func.count(func.distinct(e.student_person_id)).filter(level == 10).label("l3"),
            )
            .select_from(e)
            .join(c, c.id == e.class_id)
            .where(in_org(ctx, e.organization_id), member_on(e.starts_on, e.ends_on, day))
        )
    ).one()
    # the counts on the day: the sum of their changes on days up to it (rpt_org_people, migration 0311_reports)
    op = ReportOrgPeople
    people_cols = [c.name for c in op.__table__.c if c.name not in ("organization_id", "day")]
    ppl = (
        await ctx.session.execute(
            select(*[func.sum(getattr(op, c)).label(c) for c in people_cols]).where(
                in_org(ctx, op.organization_id), op.day <= day
            )
        )
    ).one()

    def pv(name: str) -> int:
        return int(getattr(ppl, name) or 0)

    def d(x: dt.date | None) -> str | None:
        return fmt_date(x) if x else None

    lic = ", ".join(x for x in (org.license_number, d(org.license_date), org.license_issuer) if x) or None
    until = valid_until(org.accreditation_valid_until, localtime.today(), lang)  # «… (истекло)» once passed
    acc = ", ".join(x for x in (org.accreditation_number, d(org.accreditation_date), until) if x) or None
    name = org.name_kk if lang == "kk" and org.name_kk else org.name_ru
    rows = [
        _pair(T("Карточка организации", "Ұйым карточкасы", "Organization card"), None, lang, "subtotal"),
        _pair(T("Наименование", "Атауы", "Name"), name, lang),
        _pair(T("Тип", "Түрі", "Type"), card.type_name, lang),
        _pair(T("Орг. структура", "Ұйымдық құрылым", "Structure"), card.structure_name, lang),
        _pair(T("Почтовый адрес", "Пошталық мекенжай", "Postal address"), org.postal_address, lang),
        _pair(T("Основное здание", "Негізгі ғимарат", "Main building"), org.building_address, lang),
        _pair(T("Руководитель", "Басшы", "Head"), card.head if card.head_id else None, lang),
        _pair(T("Телефон", "Телефон", "Phone"), org.phones, lang),
        _pair(T("E-mail", "E-mail", "E-mail"), org.email, lang),
        _pair(T("Сайт", "Сайт", "Website"), org.website, lang),
        _pair(T("Лицензия", "Лицензия", "License"), lic, lang),
        _pair(T("Аккредитация", "Аккредиттеу", "Accreditation"), acc, lang),
        _pair(T("Контингент", "Контингент", "Students"), None, lang, "subtotal"),
        _pair(T("Классов", "Сыныптар", "Classes"), int(lv.classes), lang),
        _pair(T("Учеников", "Оқушылар", "Students"), int(lv.students), lang),
        _pair(T("— 1–4 классы", "— 1–4 сыныптар", "— grades 1–4"), int(lv.l1), lang),
        _pair(T("— 5–9 классы", "— 5–9 сыныптар", "— grades 5–9"), int(lv.l2), lang),
        _pair(T("— 10–11 классы", "— 10–11 сыныптар", "— grades 10–11"), int(lv.l3), lang),
        _pair(T("Сотрудники", "Қызметкерлер", "Staff"), None, lang, "subtotal"),
        _pair(T("Сотрудников", "Қызметкерлер", "Staff"), pv("staff"), lang),
        *[_pair({k: "— " + v for k, v in title.items()}, pv(f"r_{role}"), lang) for role, title in ROLES.items()],
        *[_pair({k: "— " + v for k, v in title.items()}, pv(f"c_{cat}"), lang) for cat, title in CATEGORIES.items()],
        _pair(T("Пользователи", "Пайдаланушылар", "Users"), None, lang, "subtotal"),
        _pair(T("Родителей", "Ата-аналар", "Parents"), pv("parents"), lang),
        _pair(T("Всего персон", "Барлық тұлғалар", "Persons"), pv("persons"), lang),
        _pair(T("Зарегистрированных пользователей", "Тіркелген пайдаланушылар", "Registered users"), pv("users"), lang),
        _pair(T("% зарегистрированных", "Тіркелгендер %", "% registered"), percent(pv("users"), pv("persons")), lang),
    ]
    return ReportResult(rows=rows, count=1)


ABOUT = school_report(
    id="school.about",
    title=T("Об организации", "Ұйым туралы", "About the organization"),
    filters=ORG,
    columns=(
        Col("indicator", T("Показатель", "Көрсеткіш", "Indicator")),
        Col("value", T("Значение", "Мәні", "Value")),
    ),
    methodology=methodology(__file__, "methodology/about", rule=RULE_TEXT, today=TODAY_TEXT),
    query=about_query,
    numbered=False,
)
