"""Filters: every value of a request checked against the caller's scope, with its display name."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import InvalidInput, NotFound
from api.models import (
    AcademicYear,
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
from api.schemas.dates import FIRST_DATE, LAST_DATE
from api.services.reports.engine.types import (
    FILTERS,
    AppliedFilters,
    PeriodInfo,
    ReportDefinition,
    ReportParams,
    Text,
    t,
)
from api.services.scope import Principal


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
    in_scope = Organization.path.contains([root])

    def label(name: str) -> str:
        return FILTER_LABELS[name].get(lang) or FILTER_LABELS[name]["ru"]

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

    if params.body_id is not None:
        row = (
            await session.execute(
                select(Organization.name_ru, Organization.name_kk).where(
                    Organization.id == params.body_id, in_scope, Organization.kind != "school"
                )
            )
        ).first()
        if row is None:
            raise NotFound(f"body_id: managing organization {params.body_id} not found", details=_d("body_id"))
        f.body_id = params.body_id
        f.names.append({"id": "body_id", "label": label("body_id"), "value": f.body_id, "name": lname(*row)})

    if params.region_id is not None:
        row = (
            await session.execute(
                select(Region.name_ru, Region.name_kk).where(
                    Region.id == params.region_id,
                    select(Organization.id)
                    .where(in_scope, Organization.region_id == Region.id, Organization.kind == "school")
                    .exists(),
                )
            )
        ).first()
        if row is None:
            raise NotFound(f"region_id: region {params.region_id} not found", details=_d("region_id"))
        f.region_id = params.region_id
        f.names.append({"id": "region_id", "label": label("region_id"), "value": f.region_id, "name": lname(*row)})

    if params.district_id is not None:
        drow = (
            await session.execute(
                select(District.name_ru, District.name_kk, District.region_id).where(
                    District.id == params.district_id,
                    select(Organization.id)
                    .where(in_scope, Organization.district_id == District.id, Organization.kind == "school")
                    .exists(),
                )
            )
        ).first()
        if drow is None:
            raise NotFound(f"district_id: district {params.district_id} not found", details=_d("district_id"))
        if f.region_id is not None and drow.region_id != f.region_id:
            raise InvalidInput("district_id", f"district {params.district_id} is not in region {f.region_id}")
        f.district_id = params.district_id
        f.names.append(
            {
                "id": "district_id",
                "label": label("district_id"),
                "value": f.district_id,
                "name": lname(drow[0], drow[1]),
            }
        )

    if params.org_type_id is not None:
        trow = (
            await session.execute(
                select(OrganizationType.name_ru, OrganizationType.name_kk, OrganizationType.name_en).where(
                    OrganizationType.id == params.org_type_id
                )
            )
        ).first()
        if trow is None:
            raise NotFound(f"org_type_id: organization type {params.org_type_id} not found", details=_d("org_type_id"))
        f.org_type_id = params.org_type_id
        f.names.append(
            {"id": "org_type_id", "label": label("org_type_id"), "value": f.org_type_id, "name": lname(*trow)}
        )

    if params.organization_id is not None:
        orow = (
            await session.execute(
                select(
                    Organization.name_ru,
                    Organization.name_kk,
                    Organization.region_id,
                    Organization.district_id,
                    Organization.type_id,
                    Organization.path,
                ).where(Organization.id == params.organization_id, in_scope, Organization.kind == "school")
            )
        ).first()
        if orow is None:
            raise NotFound(
                f"organization_id: organization {params.organization_id} not found", details=_d("organization_id")
            )
        for fname, have, want in (
            ("region_id", orow.region_id, f.region_id),
            ("district_id", orow.district_id, f.district_id),
            ("org_type_id", orow.type_id, f.org_type_id),
        ):
            if want is not None and have != want:
                raise InvalidInput("organization_id", f"organization {params.organization_id} does not match {fname}")
        if f.body_id is not None and f.body_id not in orow.path:
            raise InvalidInput("organization_id", f"organization {params.organization_id} is not under body_id")
        f.organization_id = params.organization_id
        f.names.append(
            {
                "id": "organization_id",
                "label": label("organization_id"),
                "value": f.organization_id,
                "name": lname(orow[0], orow[1]),
            }
        )
    elif definition.requires_organization and require_organization:
        raise InvalidInput("organization_id", "the report is about one organization: choose it")

    if params.period_id is not None:
        prow = (
            await session.execute(
                select(
                    Period.id,
                    Period.name_ru,
                    Period.name_kk,
                    Period.name_en,
                    Period.kind,
                    Period.starts_on,
                    Period.ends_on,
                    AcademicYear.name,
                )
                .join(AcademicYear, AcademicYear.id == Period.academic_year_id)
                .where(Period.id == params.period_id)
            )
        ).first()
        if prow is None:
            raise NotFound(f"period_id: period {params.period_id} not found", details=_d("period_id"))
        pname = f"{lname(prow.name_ru, prow.name_kk, prow.name_en)} {prow.name}"
        f.period = PeriodInfo(prow.id, pname, prow.kind, prow.starts_on, prow.ends_on)
        f.names.append({"id": "period_id", "label": label("period_id"), "value": prow.id, "name": pname})

    for name in ("date", "date_from", "date_to"):
        value = getattr(params, name)
        if value is not None and not FIRST_DATE <= value <= LAST_DATE:
            raise InvalidInput(name, f"must be between {FIRST_DATE.isoformat()} and {LAST_DATE.isoformat()}")
    if params.date is not None:
        f.report_date = params.date
    if "date" in allowed:
        f.names.append(
            {"id": "date", "label": label("date"), "value": f.report_date.isoformat(), "name": fmt_date(f.report_date)}
        )
    if params.date_from is not None and params.date_to is not None and params.date_from > params.date_to:
        raise InvalidInput("date_from", "the date range is upside down: date_from is after date_to")
    for name in ("date_from", "date_to"):
        value = getattr(params, name)
        if value is not None:
            setattr(f, name, value)
            f.names.append({"id": name, "label": label(name), "value": value.isoformat(), "name": fmt_date(value)})

    await _resolve_school_filters(session, principal, f, params, label, lname)
    return f


async def _resolve_school_filters(
    session: AsyncSession,
    principal: Principal,
    f: AppliedFilters,
    params: ReportParams,
    label: Callable[[str], str],
    lname: Callable[..., str],
) -> None:
    """class_id / teacher_id / subject_id: they must belong to the chosen organization (in scope)."""
    in_scope = Organization.id.in_(
        select(Organization.id).where(Organization.path.contains([principal.organization_id]))
    )
    if params.class_id is not None:
        if f.organization_id is None:
            raise InvalidInput("class_id", "choose organization_id first")
        crow = (
            await session.execute(
                select(SchoolClass.grade, SchoolClass.letter).where(
                    SchoolClass.id == params.class_id,
                    SchoolClass.organization_id == f.organization_id,
                    SchoolClass.organization_id.in_(select(Organization.id).where(in_scope)),
                )
            )
        ).first()
        if crow is None:
            raise NotFound(f"class_id: class {params.class_id} not found", details=_d("class_id"))
        f.class_id = params.class_id
        f.names.append(
            {"id": "class_id", "label": label("class_id"), "value": f.class_id, "name": f"{crow[0]}{crow[1]}"}
        )
    if params.teacher_id is not None:
        if f.organization_id is None:
            raise InvalidInput("teacher_id", "choose organization_id first")
        prow = (
            await session.execute(
                select(Person.surname, Person.first_name, Person.patronymic).where(
                    Person.id == params.teacher_id,
                    select(StaffPost.id)
                    .where(StaffPost.person_id == Person.id, StaffPost.organization_id == f.organization_id)
                    .exists(),
                )
            )
        ).first()
        if prow is None:
            raise NotFound(f"teacher_id: teacher {params.teacher_id} not found", details=_d("teacher_id"))
        f.teacher_id = params.teacher_id
        name = " ".join(p for p in prow if p)
        f.names.append({"id": "teacher_id", "label": label("teacher_id"), "value": f.teacher_id, "name": name})
    if params.subject_id is not None:
        srow = (
            await session.execute(
                select(Subject.name_ru, Subject.name_kk, Subject.name_en).where(
                    Subject.id == params.subject_id,
                    (Subject.organization_id.is_(None)) | (Subject.organization_id == f.organization_id),
                )
            )
        ).first()
        if srow is None:
            raise NotFound(f"subject_id: subject {params.subject_id} not found", details=_d("subject_id"))
        f.subject_id = params.subject_id
        f.names.append({"id": "subject_id", "label": label("subject_id"), "value": f.subject_id, "name": lname(*srow)})


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
