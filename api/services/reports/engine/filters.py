"""Filters: every value of a request checked against the caller's scope, with its display name; and the values each
cascade filter offers (`filter_options`), narrowed by the values chosen above it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True)
class IdFilter:
    """A filter that names a row by id: the statement that finds it in the caller's subtree (given the filters above
    it in the cascade), how it is named, and what it must agree with.

    The statement's first `names` columns are the row's names (ru, kk[, en]) unless `display` names it otherwise;
    `agrees` raises 422 when the row contradicts a filter chosen above it; `needs_organization`: 422 unless
    organization_id is chosen."""

    name: str
    what: str  # for the 404: "region_id: region 7 not found"
    find: Callable[[int, int, AppliedFilters], Executable]  # (value, root, applied so far) -> statement
    names: int = 2
    display: Callable[[Any, str], str] | None = None
    agrees: Callable[[Any, AppliedFilters, int], None] | None = None
    needs_organization: bool = False


def _has_school(root: int, *where: ColumnElement[bool]) -> Any:
    o = Organization
    return select(o.id).where(in_subtree(root), *where, o.kind == "school").exists()


def _district_agrees(row: Any, f: AppliedFilters, value: int) -> None:
    if f.region_id is not None and row.region_id != f.region_id:
        raise InvalidInput("district_id", f"district {value} is not in region {f.region_id}")


def _organization_agrees(row: Any, f: AppliedFilters, value: int) -> None:
    for name, have, want in (
        ("region_id", row.region_id, f.region_id),
        ("district_id", row.district_id, f.district_id),
        ("org_type_id", row.type_id, f.org_type_id),
    ):
        if want is not None and have != want:
            raise InvalidInput("organization_id", f"organization {value} does not match {name}")
    if f.body_id is not None and f.body_id not in row.path:
        raise InvalidInput("organization_id", f"organization {value} is not under body_id")


_o, _ot, _c, _s = Organization, OrganizationType, SchoolClass, Subject
# The cascade, in its order: each value is checked against the caller's subtree and the values above it.
CASCADE_LOOKUPS = (
    IdFilter(
        "body_id",
        "managing organization",
        lambda v, root, f: select(_o.name_ru, _o.name_kk).where(_o.id == v, in_subtree(root), _o.kind != "school"),
    ),
    IdFilter(
        "region_id",
        "region",
        lambda v, root, f: select(Region.name_ru, Region.name_kk).where(
            Region.id == v, _has_school(root, _o.region_id == Region.id)
        ),
    ),
    IdFilter(
        "district_id",
        "district",
        lambda v, root, f: select(District.name_ru, District.name_kk, District.region_id).where(
            District.id == v, _has_school(root, _o.district_id == District.id)
        ),
        agrees=_district_agrees,
    ),
    IdFilter(
        "org_type_id",
        "organization type",
        lambda v, root, f: select(_ot.name_ru, _ot.name_kk, _ot.name_en).where(_ot.id == v),
        names=3,
    ),
    IdFilter(
        "organization_id",
        "organization",
        lambda v, root, f: select(_o.name_ru, _o.name_kk, _o.region_id, _o.district_id, _o.type_id, _o.path).where(
            _o.id == v, in_subtree(root), _o.kind == "school"
        ),
        agrees=_organization_agrees,
    ),
)
# Within the chosen organization.
SCHOOL_LOOKUPS = (
    IdFilter(
        "class_id",
        "class",
        lambda v, root, f: select(_c.grade, _c.letter).where(
            _c.id == v, _c.organization_id == f.organization_id, _c.organization_id.in_(scope_org_ids(root))
        ),
        display=lambda row, lang: f"{row[0]}{row[1]}",
        needs_organization=True,
    ),
    IdFilter(
        "teacher_id",
        "teacher",
        lambda v, root, f: select(Person.surname, Person.first_name, Person.patronymic).where(
            Person.id == v,
            select(StaffPost.id)
            .where(StaffPost.person_id == Person.id, StaffPost.organization_id == f.organization_id)
            .exists(),
        ),
        display=lambda row, lang: " ".join(p for p in row if p),
        needs_organization=True,
    ),
    IdFilter(
        "subject_id",
        "subject",
        lambda v, root, f: select(_s.name_ru, _s.name_kk, _s.name_en).where(
            _s.id == v, (_s.organization_id.is_(None)) | (_s.organization_id == f.organization_id)
        ),
        names=3,
    ),
)


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
    for name in FILTERS:
        if getattr(params, name) is not None and name not in definition.filters:
            raise InvalidInput(name, f"the report {definition.id} has no such filter")
    f = AppliedFilters()
    for spec in CASCADE_LOOKUPS:
        await _apply(session, principal, spec, params, f, lang)
    if f.organization_id is None and definition.requires_organization and require_organization:
        raise InvalidInput("organization_id", "the report is about one organization: choose it")

    if params.period_id is not None:
        period = await find_period(session, lang, Period.id == params.period_id)
        if period is None:
            raise NotFound(f"period_id: period {params.period_id} not found", details=_d("period_id"))
        use_period(f, period, lang)

    for name in ("date", "date_from", "date_to"):
        value = getattr(params, name)
        if value is not None and not FIRST_DATE <= value <= LAST_DATE:
            raise InvalidInput(name, f"must be between {FIRST_DATE.isoformat()} and {LAST_DATE.isoformat()}")
    if params.date is not None:
        f.report_date = params.date
    if "date" in definition.filters:
        f.names.append(applied("date", f.report_date.isoformat(), fmt_date(f.report_date), lang))
    if params.date_from is not None and params.date_to is not None and params.date_from > params.date_to:
        raise InvalidInput("date_from", "the date range is upside down: date_from is after date_to")
    for name in ("date_from", "date_to"):
        value = getattr(params, name)
        if value is not None:
            setattr(f, name, value)
            f.names.append(applied(name, value.isoformat(), fmt_date(value), lang))

    for spec in SCHOOL_LOOKUPS:
        await _apply(session, principal, spec, params, f, lang)
    return f


async def _apply(
    session: AsyncSession, principal: Principal, spec: IdFilter, params: ReportParams, f: AppliedFilters, lang: str
) -> None:
    """Check the value of `spec`'s filter when one is sent, keep it and show its name among the applied filters."""
    value = getattr(params, spec.name)
    if value is None:
        return
    if spec.needs_organization and f.organization_id is None:
        raise InvalidInput(spec.name, "choose organization_id first")
    row = await _found(session, spec.find(value, principal.organization_id, f), spec.name, f"{spec.what} {value}")
    if spec.agrees is not None:
        spec.agrees(row, f, value)
    display = spec.display(row, lang) if spec.display else localized(lang, *row[: spec.names])
    _take(f, params, spec.name, display, lang)


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


def localized(lang: str, ru: Any, kk: Any, en: Any = None) -> str:
    """A name in the asked language: the Kazakh or English one when there is one, else the Russian."""
    if lang == "kk" and kk:
        return str(kk)
    if lang == "en" and en:
        return str(en)
    return str(ru)


async def find_period(
    session: AsyncSession, lang: str, *where: ColumnElement[bool], order_by: Sequence[Any] = ()
) -> PeriodInfo | None:
    """The first period matching `where` in the order `order_by`, named the one way every report shows a period:
    its name in the asked language and the academic year («1 четверть 2026-2027»)."""
    p = Period
    stmt = (
        select(p.id, p.name_ru, p.name_kk, p.name_en, p.kind, p.starts_on, p.ends_on, AcademicYear.name.label("year"))
        .join(AcademicYear, AcademicYear.id == p.academic_year_id)
        .where(*where)
        .order_by(*order_by)
        .limit(1)
    )
    row = (await session.execute(stmt)).first()
    if row is None:
        return None
    name = f"{localized(lang, row.name_ru, row.name_kk, row.name_en)} {row.year}"
    return PeriodInfo(row.id, name, row.kind, row.starts_on, row.ends_on)


def use_period(f: AppliedFilters, period: PeriodInfo, lang: str) -> PeriodInfo:
    """The period of the report, chosen or a report's default, kept and shown among the applied filters."""
    f.period = period
    f.names.append(applied("period_id", period.id, period.name, lang))
    return period


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
