"""Factory helpers: small, explicit builders of rows for tests (flushed, never committed)."""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from api.config import get_settings
from api.models import (
    AcademicYear,
    Assignment,
    District,
    Enrolment,
    Lesson,
    Mark,
    Organization,
    OrganizationStructure,
    OrganizationType,
    Period,
    Person,
    Region,
    SchoolClass,
    StaffPost,
    Subject,
    User,
)
from api.services import iin
from api.services.passwords import hash_password
from api.services.sessions import issue_access_token

_seq = itertools.count(1)


@functools.lru_cache
def _hash(password: str) -> str:
    """Argon2id is slow on purpose: hash each test password once per session."""
    return hash_password(password)


def n() -> int:
    """A number unique within the test session."""
    return next(_seq)


async def add(db: AsyncSession, obj: Any) -> Any:
    db.add(obj)
    await db.flush()
    return obj


async def region(db: AsyncSession, **kw: Any) -> Region:
    i = n()
    return await add(
        db,
        Region(
            name_ru=kw.pop("name_ru", f"Регион {i}"),
            name_kk=kw.pop("name_kk", f"Өңір {i}"),
            kind=kw.pop("kind", "oblast"),
            **kw,
        ),
    )


async def district(db: AsyncSession, region: Region, **kw: Any) -> District:
    i = n()
    return await add(
        db,
        District(
            region_id=region.id,
            name_ru=kw.pop("name_ru", f"Район {i}"),
            name_kk=kw.pop("name_kk", f"Аудан {i}"),
            kind=kw.pop("kind", "district"),
            **kw,
        ),
    )


async def org_type(db: AsyncSession, code: str | None = None, **kw: Any) -> OrganizationType:
    i = n()
    return await add(
        db,
        OrganizationType(
            code=code or f"type{i}",
            name_ru=kw.pop("name_ru", f"Тип {i}"),
            name_kk=kw.pop("name_kk", f"Түрі {i}"),
            name_en=kw.pop("name_en", f"Type {i}"),
            **kw,
        ),
    )


async def org_structure(db: AsyncSession, code: str | None = None, **kw: Any) -> OrganizationStructure:
    i = n()
    return await add(
        db,
        OrganizationStructure(
            code=code or f"struct{i}",
            name_ru=kw.pop("name_ru", f"Структура {i}"),
            name_kk=kw.pop("name_kk", f"Құрылым {i}"),
            name_en=kw.pop("name_en", f"Structure {i}"),
            **kw,
        ),
    )


async def organization(db: AsyncSession, kind: str, parent: Organization | None = None, **kw: Any) -> Organization:
    i = n()
    if parent is not None:
        kw.setdefault("region_id", parent.region_id)
        if kind == "school":
            kw.setdefault("district_id", parent.district_id)
    org = await add(
        db,
        Organization(
            kind=kind,
            parent_id=parent.id if parent else None,
            name_ru=kw.pop("name_ru", f"Организация {i}"),
            **kw,
        ),
    )
    await db.refresh(org, ["path"])
    return org


async def person(
    db: AsyncSession,
    surname: str | None = None,
    first_name: str | None = None,
    *,
    birth_date: date | None = date(2012, 3, 14),
    sex: str = "M",
    with_iin: bool = True,
    **kw: Any,
) -> Person:
    i = n()
    if with_iin and birth_date is not None and "iin" not in kw:
        kw["iin"] = iin.make(birth_date, sex, i)
    return await add(
        db,
        Person(
            surname=surname or f"Фамилия{i}",
            first_name=first_name or f"Имя{i}",
            birth_date=birth_date,
            sex=sex,
            **kw,
        ),
    )


async def staff_post(
    db: AsyncSession,
    org: Organization,
    p: Person,
    role_kind: str = "teacher",
    category: str = "none",
    **kw: Any,
) -> StaffPost:
    return await add(
        db,
        StaffPost(
            organization_id=org.id,
            region_id=org.region_id,
            person_id=p.id,
            position=kw.pop("position", role_kind),
            role_kind=role_kind,
            category=category,
            **kw,
        ),
    )


async def academic_year(db: AsyncSession, start_year: int = 2026, with_quarters: bool = True) -> AcademicYear:
    y = await add(
        db,
        AcademicYear(
            name=f"{start_year}-{start_year + 1}#{n()}",
            starts_on=date(start_year, 9, 1),
            ends_on=date(start_year + 1, 5, 31),
        ),
    )
    if with_quarters:
        bounds = [
            (date(start_year, 9, 1), date(start_year, 10, 26)),
            (date(start_year, 11, 3), date(start_year, 12, 28)),
            (date(start_year + 1, 1, 8), date(start_year + 1, 3, 18)),
            (date(start_year + 1, 3, 30), date(start_year + 1, 5, 25)),
        ]
        for num, (s, e) in enumerate(bounds, start=1):
            await add(
                db,
                Period(
                    academic_year_id=y.id,
                    kind="quarter",
                    number=num,
                    name_ru=f"{num} четверть",
                    name_kk=f"{num} тоқсан",
                    name_en=f"Quarter {num}",
                    starts_on=s,
                    ends_on=e,
                ),
            )
    return y


async def school_class(
    db: AsyncSession, school: Organization, year: AcademicYear, grade: int = 5, letter: str = "А", **kw: Any
) -> SchoolClass:
    return await add(
        db,
        SchoolClass(
            organization_id=school.id,
            region_id=school.region_id,
            academic_year_id=year.id,
            grade=grade,
            letter=letter,
            **kw,
        ),
    )


async def subject(db: AsyncSession, name_ru: str | None = None, **kw: Any) -> Subject:
    i = n()
    return await add(db, Subject(name_ru=name_ru or f"Предмет {i}", name_kk=kw.pop("name_kk", f"Пән {i}"), **kw))


async def assignment(db: AsyncSession, cls: SchoolClass, subj: Subject, teacher: Person | None = None) -> Assignment:
    return await add(
        db,
        Assignment(
            organization_id=cls.organization_id,
            region_id=cls.region_id,
            class_id=cls.id,
            subject_id=subj.id,
            teacher_person_id=teacher.id if teacher else None,
        ),
    )


async def enrol(
    db: AsyncSession,
    cls: SchoolClass,
    student: Person,
    starts_on: date = date(2026, 9, 1),
    ends_on: date | None = None,
) -> Enrolment:
    return await add(
        db,
        Enrolment(
            organization_id=cls.organization_id,
            region_id=cls.region_id,
            class_id=cls.id,
            student_person_id=student.id,
            starts_on=starts_on,
            ends_on=ends_on,
        ),
    )


def mark_of(
    cls: SchoolClass, subj: Subject, student: Person, on: date, kind: str = "sor", value: int | None = 4, **kw: Any
) -> Mark:
    """A mark (not yet added) of a student of the class in the subject, on a day."""
    return Mark(
        organization_id=cls.organization_id,
        region_id=cls.region_id,
        class_id=cls.id,
        subject_id=subj.id,
        student_person_id=student.id,
        kind=kind,
        value=value,
        date=on,
        **kw,
    )


async def lesson(db: AsyncSession, a: Assignment, on: date, number: int = 1, status: str = "held", **kw: Any) -> Lesson:
    return await add(
        db,
        Lesson(
            organization_id=a.organization_id,
            region_id=a.region_id,
            class_id=a.class_id,
            assignment_id=a.id,
            subject_id=a.subject_id,
            teacher_person_id=a.teacher_person_id,
            date=on,
            number=number,
            status=status,
            **kw,
        ),
    )


@dataclass
class World:
    """A small tree: ministry → regional body → two district bodies → one school each."""

    region: Region
    district_a: District
    district_b: District
    school_type: OrganizationType
    ministry: Organization
    regional_body: Organization
    body_a: Organization
    body_b: Organization
    school_a: Organization
    school_b: Organization


async def world(db: AsyncSession) -> World:
    r = await region(db)
    da = await district(db, r, kind="city")
    dbb = await district(db, r)
    t = await org_type(db)
    ministry = await organization(db, "ministry", name_ru="Министерство")
    rb = await organization(db, "regional_body", ministry, region_id=r.id, name_ru="Управление образования")
    ba = await organization(db, "district_body", rb, district_id=da.id, name_ru="Отдел образования А")
    bb = await organization(db, "district_body", rb, district_id=dbb.id, name_ru="Отдел образования Б")
    sa = await organization(db, "school", ba, type_id=t.id, name_ru="Школа А")
    sb = await organization(db, "school", bb, type_id=t.id, name_ru="Школа Б")
    return World(r, da, dbb, t, ministry, rb, ba, bb, sa, sb)


async def app_user(
    db: AsyncSession,
    org: Organization,
    role: str = "employee",
    username: str | None = None,
    password: str = "secret-pass-1",
    person: Person | None = None,
) -> User:
    """An account of a management body that can log in to the app (password hashed with Argon2id)."""
    return await add(
        db,
        User(
            organization_id=org.id,
            region_id=org.region_id,
            username=username or f"user{n()}",
            password_hash=_hash(password),
            app_role=role,
            status="active",
            person_id=person.id if person else None,
        ),
    )


def auth_headers(user: User) -> dict[str, str]:
    """Authorization header with a fresh access token for the user."""
    return {"Authorization": f"Bearer {issue_access_token(get_settings(), user)}"}
