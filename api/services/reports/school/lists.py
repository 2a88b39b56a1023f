"""Списки: students and staff of the organization (paginated in JSON, complete in the export)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, case, func, literal_column, select
from sqlalchemy.dialects.postgresql import aggregate_order_by

from api.models import (
    AcademicYear,
    Assignment,
    Enrolment,
    ParentLink,
    Person,
    SchoolClass,
    StaffPost,
    Subject,
    User,
)
from api.models.aggregates import CATEGORY_RANKS
from api.services.membership import member_on
from api.services.reports.engine import Col, ReportContext, ReportResult, t
from api.services.reports.kit import T, full_name
from api.services.reports.localtime import fmt_local
from api.services.reports.school.common import (
    CLASS,
    ORG,
    STUDENT,
    STUDENTS_COUNT,
    class_name,
    in_org,
    school_report,
    yes_no,
)

SEP: Any = literal_column("', '")
SEX = {"M": T("М", "Е", "M"), "F": T("Ж", "Ә", "F")}
CATEGORIES = {
    "master": T("педагог-мастер", "педагог-шебер", "master teacher"),
    "researcher": T("педагог-исследователь", "педагог-зерттеуші", "researcher teacher"),
    "expert": T("педагог-эксперт", "педагог-сарапшы", "expert teacher"),
    "moderator": T("педагог-модератор", "педагог-модератор", "moderator teacher"),
    "pedagogue": T("педагог", "педагог", "teacher"),
    "none": T("без категории", "санатсыз", "no category"),
}
REGISTERED = T("Зарегистрирован", "Тіркелген", "Registered")
LAST_VISIT = T("Последний визит", "Соңғы кіру", "Last visit")


def visit_text(value: dt.datetime | None) -> str | None:
    """A visit time as «dd.mm.yyyy HH:MM» in Astana time."""
    return fmt_local(value) if value else None


def _page(ctx: ReportContext, stmt: Any) -> Any:
    stmt = stmt.offset(ctx.offset)
    return stmt.limit(ctx.limit) if ctx.limit is not None else stmt


# --- Списки: Ученики ------------------------------------------------------------------------------


async def students_query(ctx: ReportContext) -> ReportResult:
    """A row per student enrolled on the report date: class, name, birth date, sex, registration, parents."""
    day = ctx.filters.report_date
    e, c, p, u = Enrolment, SchoolClass, Person, User
    conds = [in_org(ctx, e.organization_id), member_on(e.starts_on, e.ends_on, day)]
    if ctx.filters.class_id is not None:
        conds.append(e.class_id == ctx.filters.class_id)
    total = int(await ctx.session.scalar(select(func.count()).select_from(e).where(*conds)) or 0)
    pl, pp = ParentLink, Person.__table__.alias("parent")
    parents = (
        select(func.string_agg(full_name(pp), aggregate_order_by(SEP, full_name(pp))))
        .select_from(pl)
        .join(pp, pp.c.id == pl.parent_person_id)
        .where(pl.child_person_id == p.id)
        .scalar_subquery()
    )
    stmt = (
        select(
            p.id,
            class_name(c).label("class"),
            full_name(p).label("student"),
            p.birth_date,
            p.sex,
            u.id.label("user_id"),
            u.last_seen_at,
            parents.label("parents"),
        )
        .select_from(e)
        .join(p, p.id == e.student_person_id)
        .join(c, c.id == e.class_id)
        .outerjoin(u, u.person_id == p.id)
        .where(*conds)
        .order_by(c.grade, c.letter, p.surname, p.first_name, p.id)
    )
    rows = [
        {
            "_id": r.id,
            "class": r._mapping["class"],
            "student": r.student,
            "birth_date": r.birth_date,
            "sex": t(SEX[r.sex], ctx.lang) if r.sex in SEX else None,
            "registered": yes_no(r.user_id is not None, ctx.lang),
            "last_visit": visit_text(r.last_seen_at),
            "parents": r.parents,
        }
        for r in await ctx.session.execute(_page(ctx, stmt))
    ]
    return ReportResult(rows=rows, count=total, total_rows=total)


LISTS_STUDENTS = school_report(
    id="school.lists.students",
    title=T("Списки: Ученики", "Тізімдер: Оқушылар", "Lists: Students"),
    filters=(*ORG, "date", "class_id"),
    columns=(
        Col("class", CLASS),
        Col("student", STUDENT),
        Col("birth_date", T("Дата рождения", "Туған күні", "Date of birth")),
        Col("sex", T("Пол", "Жынысы", "Sex")),
        Col("registered", REGISTERED),
        Col("last_visit", LAST_VISIT),
        Col("parents", T("Родители", "Ата-аналар", "Parents")),
    ),
    query=students_query,
    count_label=STUDENTS_COUNT,
    paginated=True,
)


# --- Списки: Сотрудники ---------------------------------------------------------------------------


async def staff_query(ctx: ReportContext) -> ReportResult:
    """A row per employee with a post on the report date: positions, category, subjects, class led, registration."""
    day = ctx.filters.report_date
    sp, p, u = StaffPost, Person, User
    oid = ctx.filters.organization_id
    active = and_(
        in_org(ctx, sp.organization_id),
        member_on(sp.started_on, sp.ended_on, day),
    )
    rank = case(*[(sp.category == k, v) for k, v in CATEGORY_RANKS.items()], else_=0)
    posts = (
        select(
            sp.person_id,
            func.string_agg(func.distinct(sp.position), SEP).label("positions"),
            func.max(rank).label("rank"),
        )
        .where(active)
        .group_by(sp.person_id)
        .subquery("posts")
    )
    total = int(await ctx.session.scalar(select(func.count()).select_from(posts)) or 0)
    year = select(AcademicYear.id).where(AcademicYear.starts_on <= day, AcademicYear.ends_on >= day).scalar_subquery()
    a, s, c = Assignment, Subject, SchoolClass
    subjects = (
        select(func.string_agg(func.distinct(ctx.name_col(s)), SEP))
        .select_from(a)
        .join(s, s.id == a.subject_id)
        .join(c, c.id == a.class_id)
        .where(a.teacher_person_id == p.id, a.organization_id == oid, c.academic_year_id == year)
        .scalar_subquery()
    )
    led = (
        select(func.string_agg(class_name(c), aggregate_order_by(SEP, c.grade, c.letter)))
        .where(c.class_teacher_person_id == p.id, c.organization_id == oid, c.academic_year_id == year)
        .scalar_subquery()
    )
    stmt = (
        select(
            p.id,
            full_name(p).label("name"),
            posts.c.positions,
            posts.c.rank,
            subjects.label("subjects"),
            led.label("led"),
            u.id.label("user_id"),
            u.last_seen_at,
        )
        .select_from(posts)
        .join(p, p.id == posts.c.person_id)
        .outerjoin(u, u.person_id == p.id)
        .order_by(p.surname, p.first_name, p.id)
    )
    by_rank = {v: k for k, v in CATEGORY_RANKS.items()}
    rows = [
        {
            "_id": r.id,
            "name": r.name,
            "positions": r.positions,
            "category": t(CATEGORIES[by_rank[r.rank]], ctx.lang) if r.rank in by_rank else None,
            "subjects": r.subjects,
            "class_led": r.led,
            "registered": yes_no(r.user_id is not None, ctx.lang),
            "last_visit": visit_text(r.last_seen_at),
        }
        for r in await ctx.session.execute(_page(ctx, stmt))
    ]
    return ReportResult(rows=rows, count=total, total_rows=total)


LISTS_STAFF = school_report(
    id="school.lists.staff",
    title=T("Списки: Сотрудники", "Тізімдер: Қызметкерлер", "Lists: Staff"),
    filters=(*ORG, "date"),
    columns=(
        Col("name", T("ФИО", "Аты-жөні", "Full name")),
        Col("positions", T("Должности", "Лауазымдары", "Positions")),
        Col("category", T("Категория", "Санаты", "Category")),
        Col("subjects", T("Предметы", "Пәндер", "Subjects")),
        Col("class_led", T("Классное руководство", "Сынып жетекшілігі", "Class teacher of")),
        Col("registered", REGISTERED),
        Col("last_visit", LAST_VISIT),
    ),
    query=staff_query,
    count_label=T("Всего {n} {сотрудник|сотрудника|сотрудников}", "Барлығы {n} қызметкер", "Total: {n} employees"),
    paginated=True,
)
