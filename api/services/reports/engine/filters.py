"""Filters: every value of a request checked against the caller's scope, with its display name; and the values each
cascade filter offers (`filter_options`), narrowed by the values chosen above it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Date, Executable, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import InvalidInput, NotFound
from api.models import (
    AcademicYear,
    Assignment,
    District,
    Organization,
    OrganizationType,
    Period,
    Person,
    Region,
    SchoolClass,
    StaffPost,
    Subject,
)
from api.models.people import full_name
from api.schemas.dates import FIRST_DATE, LAST_DATE
from api.services.reports import localtime
from api.services.reports.engine.types import (
    FILTERS,
    AppliedFilters,
    PeriodInfo,
    ReportDefinition,
    ReportParams,
    Text,
    t,
)
from api.services.scope import Principal, in_subtree, scope_org_ids


async def resolve_filters(
    session: AsyncSession,
    principal: Principal,
    definition: ReportDefinition,
    params: ReportParams,
    lang: str,
    *,
    require_organization: bool = True,
) -> AppliedFilters:
    """Check every filter value against the caller's scope; 404 for ids not found there, 422 for bad values.

    `require_organization=False` (the filter options): a report about one organization answers without one, so
    that the organization can be chosen through the cascade.
    """
    allowed = set(definition.filters)
    f = AppliedFilters()
    root = principal.organization_id
    in_scope = in_subtree(root)

    def unsupported(name: str) -> None:
        if getattr(params, name) is not None and name not in allowed:
            raise InvalidInput(name, f"the report {definition.id} has no such filter")

    for name in FILTERS:
        unsupported(name)

    def lname(ru: Any, kk: Any, en: Any = None) -> str:
        if lang == "kk" and kk:
            return str(kk)
        if lang == "en" and en:
            return str(en)
        return str(ru)

    stmt: Executable
    if params.body_id is not None:
        stmt = select(Organization.name_ru, Organization.name_kk).where(
            Organization.id == params.body_id, in_scope, Organization.kind != "school"
        )
        row = await _found(session, stmt, "body_id", f"managing organization {params.body_id}")
        _take(f, params, "body_id", lname(*row), lang)

    def has_school(*where: Any) -> Any:
        return select(Organization.id).where(in_scope, *where, Organization.kind == "school").exists()

    if params.region_id is not None:
        stmt = select(Region.name_ru, Region.name_kk).where(
            Region.id == params.region_id, has_school(Organization.region_id == Region.id)
        )
        row = await _found(session, stmt, "region_id", f"region {params.region_id}")
        _take(f, params, "region_id", lname(*row), lang)

    if params.district_id is not None:
        stmt = select(District.name_ru, District.name_kk, District.region_id).where(
            District.id == params.district_id, has_school(Organization.district_id == District.id)
        )
        drow = await _found(session, stmt, "district_id", f"district {params.district_id}")
        if f.region_id is not None and drow.region_id != f.region_id:
            raise InvalidInput("district_id", f"district {params.district_id} is not in region {f.region_id}")
        _take(f, params, "district_id", lname(drow[0], drow[1]), lang)

    if params.org_type_id is not None:
        t_ = OrganizationType
        stmt = select(t_.name_ru, t_.name_kk, t_.name_en).where(t_.id == params.org_type_id)
        trow = await _found(session, stmt, "org_type_id", f"organization type {params.org_type_id}")
        _take(f, params, "org_type_id", lname(*trow), lang)

    if params.organization_id is not None:
        o = Organization
        stmt = select(o.name_ru, o.name_kk, o.region_id, o.district_id, o.type_id, o.path).where(
            o.id == params.organization_id, in_scope, o.kind == "school"
        )
        orow = await _found(session, stmt, "organization_id", f"organization {params.organization_id}")
        for fname, have, want in (
            ("region_id", orow.region_id, f.region_id),
            ("district_id", orow.district_id, f.district_id),
            ("org_type_id", orow.type_id, f.org_type_id),
        ):
            if want is not None and have != want:
                raise InvalidInput("organization_id", f"organization {params.organization_id} does not match {fname}")
        if f.body_id is not None and f.body_id not in orow.path:
            raise InvalidInput("organization_id", f"organization {params.organization_id} is not under body_id")
        _take(f, params, "organization_id", lname(orow[0], orow[1]), lang)
    elif definition.requires_organization and require_organization:
        raise InvalidInput("organization_id", "the report is about one organization: choose it")

    if params.period_id is not None:
        p = Period
        stmt = (
            select(p.id, p.name_ru, p.name_kk, p.name_en, p.kind, p.starts_on, p.ends_on, AcademicYear.name)
            .join(AcademicYear, AcademicYear.id == p.academic_year_id)
            .where(p.id == params.period_id)
        )
        prow = await _found(session, stmt, "period_id", f"period {params.period_id}")
        pname = f"{lname(prow.name_ru, prow.name_kk, prow.name_en)} {prow.name}"
        f.period = PeriodInfo(prow.id, pname, prow.kind, prow.starts_on, prow.ends_on)
        f.names.append(applied("period_id", prow.id, pname, lang))

    for name in ("date", "date_from", "date_to"):
        value = getattr(params, name)
        if value is not None and not FIRST_DATE <= value <= LAST_DATE:
            raise InvalidInput(name, f"must be between {FIRST_DATE.isoformat()} and {LAST_DATE.isoformat()}")
    if params.date is not None:
        f.report_date = params.date
    if "date" in allowed:
        f.names.append(applied("date", f.report_date.isoformat(), fmt_date(f.report_date), lang))
    if params.date_from is not None and params.date_to is not None and params.date_from > params.date_to:
        raise InvalidInput("date_from", "the date range is upside down: date_from is after date_to")
    for name in ("date_from", "date_to"):
        value = getattr(params, name)
        if value is not None:
            setattr(f, name, value)
            f.names.append(applied(name, value.isoformat(), fmt_date(value), lang))

    await _resolve_school_filters(session, principal, f, params, lang, lname)
    return f


async def _resolve_school_filters(
    session: AsyncSession,
    principal: Principal,
    f: AppliedFilters,
    params: ReportParams,
    lang: str,
    lname: Callable[..., str],
) -> None:
    """class_id / teacher_id / subject_id: they must belong to the chosen organization (in scope)."""
    in_scope = Organization.id.in_(scope_org_ids(principal.organization_id))
    for name in ("class_id", "teacher_id"):
        if getattr(params, name) is not None and f.organization_id is None:
            raise InvalidInput(name, "choose organization_id first")
    stmt: Executable
    if params.class_id is not None:
        c = SchoolClass
        stmt = select(c.grade, c.letter).where(
            c.id == params.class_id,
            c.organization_id == f.organization_id,
            c.organization_id.in_(select(Organization.id).where(in_scope)),
        )
        crow = await _found(session, stmt, "class_id", f"class {params.class_id}")
        _take(f, params, "class_id", f"{crow[0]}{crow[1]}", lang)
    if params.teacher_id is not None:
        stmt = select(Person.surname, Person.first_name, Person.patronymic).where(
            Person.id == params.teacher_id,
            select(StaffPost.id)
            .where(StaffPost.person_id == Person.id, StaffPost.organization_id == f.organization_id)
            .exists(),
        )
        prow = await _found(session, stmt, "teacher_id", f"teacher {params.teacher_id}")
        _take(f, params, "teacher_id", " ".join(p for p in prow if p), lang)
    if params.subject_id is not None:
        s = Subject
        stmt = select(s.name_ru, s.name_kk, s.name_en).where(
            s.id == params.subject_id, (s.organization_id.is_(None)) | (s.organization_id == f.organization_id)
        )
        srow = await _found(session, stmt, "subject_id", f"subject {params.subject_id}")
        _take(f, params, "subject_id", lname(*srow), lang)


async def _found(session: AsyncSession, stmt: Executable, name: str, what: str) -> Any:
    """The first row of `stmt`; 404 naming the filter `name` when there is none (unknown, or outside the scope)."""
    row = (await session.execute(stmt)).first()
    if row is None:
        raise NotFound(f"{name}: {what} not found", details=_d(name))
    return row


def _take(f: AppliedFilters, params: ReportParams, name: str, display: str, lang: str) -> None:
    """Keep the checked value of the filter `name`, and its display name among the applied filters."""
    value = getattr(params, name)
    setattr(f, name, value)
    f.names.append(applied(name, value, display, lang))


def _d(field_name: str) -> list[dict[str, str]]:
    return [{"field": field_name, "message": "not found in your organizations"}]


def applied(name: str, value: Any, display: str, lang: str) -> dict[str, Any]:
    """An entry of the applied filters (for defaults a query chooses itself)."""
    return {"id": name, "label": t(FILTER_LABELS[name], lang), "value": value, "name": display}


def fmt_date(d: dt.date) -> str:
    """A date as dd.mm.yyyy."""
    return d.strftime("%d.%m.%Y")


FILTER_LABELS: dict[str, Text] = {
    "body_id": {"ru": "Организация", "kk": "Ұйым", "en": "Organization"},
    "region_id": {"ru": "Регион отчёта", "kk": "Есеп өңірі", "en": "Region"},
    "district_id": {"ru": "Район", "kk": "Аудан", "en": "District"},
    "org_type_id": {"ru": "Тип организации", "kk": "Ұйым түрі", "en": "Organization type"},
    "organization_id": {"ru": "Образовательная организация", "kk": "Білім беру ұйымы", "en": "School"},
    "period_id": {"ru": "Период", "kk": "Кезең", "en": "Period"},
    "date": {"ru": "Дата отчёта", "kk": "Есеп күні", "en": "Report date"},
    "date_from": {"ru": "С", "kk": "Бастап", "en": "From"},
    "date_to": {"ru": "По", "kk": "Дейін", "en": "To"},
    "class_id": {"ru": "Класс", "kk": "Сынып", "en": "Class"},
    "teacher_id": {"ru": "Учитель", "kk": "Мұғалім", "en": "Teacher"},
    "subject_id": {"ru": "Предмет", "kk": "Пән", "en": "Subject"},
}


# The period list as a user reads it: the current academic year (the latest that has begun) first, then the
# earlier years, newest first, then years not begun yet; within a year the quarters 1–4, the halves, then the
# whole year («1 четверть, 2 четверть, 3 четверть, 4 четверть, Учебный год»).
PERIOD_ORDER = (
    (AcademicYear.starts_on > func.timezone(localtime.TIME_ZONE, func.now()).cast(Date)).asc(),
    AcademicYear.starts_on.desc(),
    AcademicYear.id,
    case({"quarter": 0, "half": 1}, value=Period.kind, else_=2),
    Period.number,
    Period.id,
)


async def filter_options(
    session: AsyncSession, principal: Principal, definition: ReportDefinition, params: ReportParams
) -> dict[str, Any]:
    """Cascade filter values in the caller's scope: each list is narrowed by the values chosen above it."""
    lang = params.lang
    f: AppliedFilters = await resolve_filters(session, principal, definition, params, lang, require_organization=False)
    o = Organization
    root = principal.organization_id

    def nm(model: Any) -> ColumnElement[str]:
        other = getattr(model, f"name_{lang}", None)
        if lang == "ru" or other is None:
            return model.name_ru
        return func.coalesce(func.nullif(other, ""), model.name_ru)

    def school_conds(level: int) -> list[ColumnElement[bool]]:
        """Conditions on schools from the cascade filters above `level` (0 body, 1 region, 2 district, 3 type)."""
        conds: list[ColumnElement[bool]] = [in_subtree(root), o.kind == "school", o.closed_on.is_(None)]
        if level > 0 and f.body_id is not None:
            conds.append(in_subtree(f.body_id))
        if level > 1 and f.region_id is not None:
            conds.append(o.region_id == f.region_id)
        if level > 2 and f.district_id is not None:
            conds.append(o.district_id == f.district_id)
        if level > 3 and f.org_type_id is not None:
            conds.append(o.type_id == f.org_type_id)
        return conds

    async def items(stmt: Any) -> list[dict[str, Any]]:
        return [
            {"id": r[0], "name": r[1], "parent_id": r[2] if len(r) > 2 else None} for r in await session.execute(stmt)
        ]

    bodies = await items(select(o.id, nm(o), o.parent_id).where(in_subtree(root), o.kind != "school").order_by(o.path))
    regions = await items(
        select(Region.id, nm(Region))
        .where(select(o.id).where(and_(*school_conds(1)), o.region_id == Region.id).exists())
        .order_by(Region.name_ru)
    )
    districts = await items(
        select(District.id, nm(District), District.region_id)
        .where(select(o.id).where(and_(*school_conds(2)), o.district_id == District.id).exists())
        .order_by(District.name_ru)
    )
    org_types = await items(
        select(OrganizationType.id, nm(OrganizationType))
        .where(select(o.id).where(and_(*school_conds(3)), o.type_id == OrganizationType.id).exists())
        .order_by(OrganizationType.sort_order, OrganizationType.name_ru)
    )
    school_name = func.coalesce(o.name_kk, o.name_ru) if lang == "kk" else o.name_ru
    organizations = await items(
        select(o.id, school_name, o.district_id).where(and_(*school_conds(4))).order_by(school_name, o.id)
    )
    periods = await items(
        select(Period.id, func.concat(nm(Period), " ", AcademicYear.name), Period.academic_year_id)
        .join(AcademicYear, AcademicYear.id == Period.academic_year_id)
        .order_by(*PERIOD_ORDER)
    )
    classes: list[dict[str, Any]] = []
    teachers: list[dict[str, Any]] = []
    subjects: list[dict[str, Any]] = []
    if f.organization_id is not None:
        classes = await items(
            select(SchoolClass.id, func.concat(SchoolClass.grade, SchoolClass.letter), SchoolClass.academic_year_id)
            .where(SchoolClass.organization_id == f.organization_id)
            .order_by(SchoolClass.grade, SchoolClass.letter)
        )
        full = full_name()
        teachers = await items(
            select(Person.id, full)
            .where(
                select(StaffPost.id)
                .where(StaffPost.person_id == Person.id, StaffPost.organization_id == f.organization_id)
                .exists()
            )
            .order_by(full, Person.id)
        )
        subjects = await items(
            select(Subject.id, nm(Subject))
            .where(
                select(Assignment.id)
                .where(Assignment.subject_id == Subject.id, Assignment.organization_id == f.organization_id)
                .exists()
            )
            .order_by(nm(Subject))
        )
    return {
        "bodies": bodies,
        "regions": regions,
        "districts": districts,
        "org_types": org_types,
        "organizations": organizations,
        "periods": periods,
        "classes": classes,
        "teachers": teachers,
        "subjects": subjects,
    }
