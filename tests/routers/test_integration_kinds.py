"""Integration API: every entity kind upserts idempotently, refuses bad input with {index, field, message}, deletes."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.models import (
    Absence,
    Assignment,
    EducationDocument,
    Enrolment,
    Homework,
    Lesson,
    Movement,
    Organization,
    ParentLink,
    Person,
    SchoolClass,
    StaffPost,
    Subject,
    User,
    Visit,
)
from api.services import iin
from tests.routers.test_integration import SYSTEM, URL, ExtWorld, make_ext_world, problems


@pytest.fixture
async def xw(db: AsyncSession) -> ExtWorld:
    return await make_ext_world(db)


async def push(client: httpx.AsyncClient, xw: ExtWorld, kind: str, items: list[dict[str, Any]]) -> httpx.Response:
    return await client.post(f"{URL}/{kind}", json={"items": items}, headers=xw.headers)


async def remove(client: httpx.AsyncClient, xw: ExtWorld, kind: str, ext_ids: list[str]) -> httpx.Response:
    return await client.request("DELETE", f"{URL}/{kind}", json={"external_ids": ext_ids}, headers=xw.headers)


async def count(db: AsyncSession, model: Any) -> int:
    return int(await db.scalar(select(func.count()).select_from(model).where(model.external_system == SYSTEM)) or 0)


async def idempotent(client: httpx.AsyncClient, xw: ExtWorld, kind: str, items: list[dict[str, Any]]) -> None:
    """The batch creates every item; the same batch again changes nothing and says so."""
    first = await push(client, xw, kind, items)
    assert first.status_code == 200, first.text
    assert first.json() == {"kind": kind, "created": len(items), "updated": 0, "unchanged": 0, "deleted": 0}
    again = await push(client, xw, kind, items)
    assert again.json() == {"kind": kind, "created": 0, "updated": 0, "unchanged": len(items), "deleted": 0}


async def refused(
    client: httpx.AsyncClient,
    db: AsyncSession,
    xw: ExtWorld,
    kind: str,
    model: Any,
    items: list[dict[str, Any]],
    expected: list[tuple[int | None, str]],
) -> list[dict[str, Any]]:
    """The batch gets a 422 listing exactly `expected`, and the table is as before."""
    before = await count(db, model)
    resp = await push(client, xw, kind, items)
    assert problems(resp) == expected, resp.text
    assert await count(db, model) == before
    return list(resp.json()["error"]["details"])


async def test_organizations(client: httpx.AsyncClient, db: AsyncSession, xw: ExtWorld) -> None:
    tcode = xw.w.school_type.code
    items = [
        {"external_id": "new-1", "parent_external_id": "body-a", "name_ru": "Школа №7", "type_code": tcode},
        # A branch whose parent body is sent earlier in the same batch is placed under it.
        {"external_id": "sub-body", "parent_id": xw.w.body_a.id, "kind": "district_body", "name_ru": "Сектор"},
        {"external_id": "new-2", "parent_external_id": "sub-body", "name_ru": "Школа №8", "type_code": tcode},
    ]
    await idempotent(client, xw, "organizations", items)
    new2 = await db.scalar(select(Organization).where(Organization.external_id == "new-2"))
    sub = await db.scalar(select(Organization).where(Organization.external_id == "sub-body"))
    assert new2 is not None and sub is not None and new2.parent_id == sub.id
    await db.refresh(new2, ["path"])
    assert new2.path[-3:] == [xw.w.body_a.id, sub.id, new2.id] and new2.region_id == xw.w.region.id
    # Binding our existing school to an external id, then renaming it through the API.
    school = await f_school(db, xw)
    resp = await push(
        client,
        xw,
        "organizations",
        [
            {
                "external_id": "old-1",
                "id": school.id,
                "parent_id": xw.w.body_a.id,
                "name_ru": "Новое имя",
                "type_code": tcode,
            }
        ],
    )
    assert resp.json()["updated"] == 1, resp.text
    await db.refresh(school)
    assert (school.external_id, school.name_ru) == ("old-1", "Новое имя")
    bad = [
        {"external_id": "x1", "parent_external_id": "sch-b", "name_ru": "Вне", "type_code": tcode},
        {"external_id": "x2", "parent_external_id": "nope", "name_ru": "Нет", "type_code": tcode},
        {"external_id": "x3", "parent_external_id": "sch-a", "name_ru": "Под школой", "type_code": tcode},
        {"external_id": "x4", "parent_external_id": "body-a", "name_ru": "Без типа"},
        {"external_id": "x5", "parent_external_id": "body-a", "name_ru": "Даты", "type_code": tcode,
         "accreditation_date": "2025-01-01", "accreditation_valid_until": "2024-01-01"},
        {"external_id": "x6", "parent_id": xw.w.school_b.id, "name_ru": "Чужой", "type_code": tcode},
        {"external_id": "x7", "parent_external_id": "later", "name_ru": "Раньше", "type_code": tcode},
        {"external_id": "later", "parent_external_id": "body-a", "kind": "district_body", "name_ru": "Позже"},
    ]  # fmt: skip
    await refused(
        client,
        db,
        xw,
        "organizations",
        Organization,
        bad,
        [
            (0, "parent_external_id"),
            (1, "parent_external_id"),
            (2, "parent_external_id"),
            (3, "type_code"),
            (4, "accreditation_valid_until"),
            (5, "parent_id"),
            (6, "parent_external_id"),
        ],
    )


async def f_school(db: AsyncSession, xw: ExtWorld) -> Organization:
    from tests import factories as f

    return await f.organization(db, "school", xw.w.body_a, type_id=xw.w.school_type.id, name_ru="Старая школа")


async def test_persons(client: httpx.AsyncClient, db: AsyncSession, xw: ExtWorld) -> None:
    born = date(2011, 5, 6)
    good_iin = iin.make(born, "F", 77)
    items = [
        {"external_id": "p1", "surname": "Ахметова", "first_name": "Айгерим", "sex": "F", "birth_date": "2011-05-06",
         "iin": good_iin},
        {"external_id": "p2", "surname": "Иванов", "first_name": "Иван", "patronymic": "Петрович"},
    ]  # fmt: skip
    await idempotent(client, xw, "persons", items)
    items[1]["phone"] = "+7 701 000 00 00"
    resp = await push(client, xw, "persons", items)
    assert resp.json()["updated"] == 1 and resp.json()["unchanged"] == 1
    p1 = await db.scalar(select(Person).where(Person.external_id == "p1"))
    assert p1 is not None and p1.iin == good_iin and p1.region_id == xw.w.region.id
    bad_check = good_iin[:11] + str((int(good_iin[11]) + 1) % 10)
    other_iin = iin.make(born, "M", 78)
    bad = [
        {"external_id": "b1", "surname": "А", "first_name": "Б", "iin": bad_check},
        {"external_id": "b2", "surname": "А", "first_name": "Б", "iin": other_iin, "birth_date": "2011-05-07"},
        {"external_id": "b3", "surname": "А", "first_name": "Б", "iin": good_iin},
        {"external_id": "b4", "surname": "А", "first_name": "Б", "birth_date": "2099-01-01"},
    ]
    await refused(client, db, xw, "persons", Person, bad, [(0, "iin"), (1, "iin"), (2, "iin"), (3, "birth_date")])
    resp = await push(client, xw, "persons", [{"external_id": "b5", "surname": " ", "first_name": "Б", "sex": "X"}])
    assert problems(resp) == [(0, "surname"), (0, "sex")]


async def test_staff_posts(client: httpx.AsyncClient, db: AsyncSession, xw: ExtWorld) -> None:
    items = [
        {"external_id": "sp1", "organization_external_id": "sch-a", "person_external_id": "t1", "position": "Учитель",
         "role_kind": "teacher", "category": "expert", "started_on": "2020-09-01"},
    ]  # fmt: skip
    await idempotent(client, xw, "staff-posts", items)
    bad = [
        {**items[0], "external_id": "b1", "organization_external_id": "sch-b"},
        {**items[0], "external_id": "b2", "person_external_id": "ghost"},
        {**items[0], "external_id": "b3", "ended_on": "2019-01-01"},
    ]
    await refused(
        client,
        db,
        xw,
        "staff-posts",
        StaffPost,
        bad,
        [(0, "organization_external_id"), (1, "person_external_id"), (2, "ended_on")],
    )
    resp = await push(client, xw, "staff-posts", [{**items[0], "role_kind": "wizard"}])
    assert problems(resp) == [(0, "role_kind")]
    assert (await remove(client, xw, "staff-posts", ["sp1"])).json()["deleted"] == 1


async def test_classes_subjects_assignments(client: httpx.AsyncClient, db: AsyncSession, xw: ExtWorld) -> None:
    year = xw.year.name
    await idempotent(
        client,
        xw,
        "classes",
        [{"external_id": "c7", "organization_external_id": "sch-a", "academic_year": year, "grade": 7, "letter": "Б",
          "class_teacher_external_id": "t1"}],
    )  # fmt: skip
    await refused(
        client,
        db,
        xw,
        "classes",
        SchoolClass,
        [
            {"external_id": "b1", "organization_external_id": "sch-a", "academic_year": "1999", "grade": 7},
            {"external_id": "b2", "organization_external_id": "sch-a", "academic_year": year, "grade": 7,
             "letter": "Б"},
            {"external_id": "b3", "organization_external_id": "body-a", "academic_year": year, "grade": 1},
            {"external_id": "b4", "organization_external_id": "sch-b", "academic_year": year, "grade": 1},
        ],
        [(0, "academic_year"), (1, "letter"), (2, "organization_external_id"), (3, "organization_external_id")],
    )  # fmt: skip
    resp = await push(client, xw, "classes", [{"external_id": "b", "organization_external_id": "sch-a",
                                               "academic_year": year, "grade": 13}])  # fmt: skip
    assert problems(resp) == [(0, "grade")]
    await idempotent(
        client, xw, "subjects", [{"external_id": "bio", "name_ru": "Биология", "name_kk": "Биология"},
                                 {"external_id": "art", "organization_external_id": "sch-a", "name_ru": "ИЗО",
                                  "name_kk": "Бейнелеу"}],
    )  # fmt: skip
    await idempotent(
        client,
        xw,
        "assignments",
        [{"external_id": "a7", "class_external_id": "c7", "subject_external_id": "bio", "teacher_external_id": "t1",
          "hours_per_week": 2}],
    )  # fmt: skip
    await refused(
        client,
        db,
        xw,
        "assignments",
        Assignment,
        [
            {"external_id": "b1", "class_external_id": "cls-b", "subject_external_id": "bio"},
            {"external_id": "b2", "class_external_id": "c7", "subject_external_id": "bio", "teacher_external_id": "t1"},
            {"external_id": "b3", "class_external_id": "c7", "subject_external_id": "nope"},
        ],
        [(0, "class_external_id"), (1, "teacher_external_id"), (2, "subject_external_id")],
    )
    assert await count(db, Subject) >= 2


async def test_enrolments(client: httpx.AsyncClient, db: AsyncSession, xw: ExtWorld) -> None:
    from tests import factories as f

    newcomer = await f.person(db, external_system=SYSTEM, external_id="new-student")
    assert newcomer.id
    item = {"external_id": "e1", "class_external_id": "cls-a", "student_external_id": "new-student",
            "starts_on": "2026-09-01", "ends_on": "2026-12-31"}  # fmt: skip
    await idempotent(client, xw, "enrolments", [item])
    await refused(
        client,
        db,
        xw,
        "enrolments",
        Enrolment,
        [
            # already in class A from 1 September without end (made by the world): overlapping
            {"external_id": "b1", "class_external_id": "cls-a", "student_external_id": "s1", "starts_on": "2027-01-01"},
            {"external_id": "b2", "class_external_id": "cls-a", "student_external_id": "new-student",
             "starts_on": "2027-01-10", "ends_on": "2027-01-01"},
            {"external_id": "b3", "class_external_id": "cls-a", "student_external_id": "new-student",
             "starts_on": "2027-01-01"},
            {"external_id": "b4", "class_external_id": "cls-a", "student_external_id": "new-student",
             "starts_on": "2027-02-01"},
            {"external_id": "b5", "class_external_id": "cls-a", "student_external_id": "new-student",
             "starts_on": "2031-02-01"},
        ],
        # index 4: outside the academic year, and overlapping index 2 (open-ended)
        [(0, "starts_on"), (1, "ends_on"), (3, "starts_on"), (4, "starts_on"), (4, "starts_on")],
    )  # fmt: skip
    # Moving the end date of the same enrolment is an update, not an overlap with itself.
    resp = await push(client, xw, "enrolments", [{**item, "ends_on": "2027-01-31"}])
    assert resp.json()["updated"] == 1, resp.text
    assert (await remove(client, xw, "enrolments", ["e1"])).json()["deleted"] == 1


async def test_parent_links_and_users(client: httpx.AsyncClient, db: AsyncSession, xw: ExtWorld) -> None:
    await idempotent(
        client, xw, "parent-links", [{"external_id": "pl1", "parent_external_id": "t1", "child_external_id": "s1",
                                      "relation": "mother"}],
    )  # fmt: skip
    await refused(
        client,
        db,
        xw,
        "parent-links",
        ParentLink,
        [
            {"external_id": "b1", "parent_external_id": "t1", "child_external_id": "s1"},
            {"external_id": "b2", "parent_external_id": "s2", "child_external_id": "s2"},
            {"external_id": "b3", "parent_external_id": "ghost", "child_external_id": "s2"},
            {"external_id": "b4", "parent_external_id": "t1", "child_external_id": "s2"},
            {"external_id": "b5", "parent_external_id": "t1", "child_external_id": "s2"},
        ],
        [(0, "child_external_id"), (1, "child_external_id"), (2, "parent_external_id"), (4, "child_external_id")],
    )
    assert (await remove(client, xw, "parent-links", ["pl1"])).json()["deleted"] == 1
    users = [
        {"external_id": "u1", "person_external_id": "s1", "organization_external_id": "sch-a",
         "registered_at": "2026-09-01T08:00:00Z"},
        {"external_id": "u2", "person_external_id": "t1", "organization_external_id": "sch-a"},
    ]  # fmt: skip
    await idempotent(client, xw, "users", users)
    rows = (await db.scalars(select(User).where(User.external_system == SYSTEM))).all()
    assert {u.app_role for u in rows} == {None} and {u.username for u in rows} == {None}
    await refused(
        client,
        db,
        xw,
        "users",
        User,
        [
            {"external_id": "b1", "person_external_id": "s1", "organization_external_id": "sch-a"},
            {"external_id": "b2", "person_external_id": "s2", "organization_external_id": "sch-b"},
            {"external_id": "b3", "person_external_id": "s3", "organization_external_id": "sch-a",
             "registered_at": "2026-09-02T00:00:00Z", "last_seen_at": "2026-09-01T00:00:00Z"},
        ],
        [(0, "person_external_id"), (1, "organization_external_id"), (2, "last_seen_at")],
    )  # fmt: skip
    # Visits of a registered user.
    visits = [
        {"external_id": "v1", "user_external_id": "u1", "visited_at": "2026-09-02T10:00:00Z"},
        {"external_id": "v2", "user_external_id": "u1", "visited_at": "2026-09-03T10:00:00+05:00"},
    ]
    await idempotent(client, xw, "visits", visits)
    v = await db.scalar(select(Visit).where(Visit.external_id == "v1"))
    assert v is not None and v.organization_id == xw.w.school_a.id and v.region_id == xw.w.region.id
    await refused(
        client,
        db,
        xw,
        "visits",
        Visit,
        [
            {"external_id": "b1", "user_external_id": "ghost", "visited_at": "2026-09-02T10:00:00Z"},
            {"external_id": "b2", "user_external_id": "u1", "visited_at": "2099-09-02T10:00:00Z"},
            {"external_id": "b3", "user_external_id": "u1", "organization_external_id": "sch-b",
             "visited_at": "2026-09-02T10:00:00Z"},
        ],
        [(0, "user_external_id"), (1, "visited_at"), (2, "organization_external_id")],
    )  # fmt: skip


async def test_lessons_and_homework(client: httpx.AsyncClient, db: AsyncSession, xw: ExtWorld) -> None:
    lessons = [
        {"external_id": "L1", "assignment_external_id": "as-a", "date": "2026-09-15", "number": 2, "topic": "Дроби"},
        {"external_id": "L2", "assignment_external_id": "as-a", "date": "2026-09-16", "status": "replaced",
         "substitute_external_id": "t1", "change_reason": "болезнь"},
    ]  # fmt: skip
    await idempotent(client, xw, "lessons", lessons)
    l1 = await db.scalar(select(Lesson).where(Lesson.external_id == "L1"))
    assert l1 is not None and l1.teacher_person_id == xw.teacher.id and l1.class_id == xw.cls.id
    resp = await push(client, xw, "lessons", [{"external_id": "b4", "assignment_external_id": "as-a",
                                               "date": "2026-09-15", "number": 13}])  # fmt: skip
    assert problems(resp) == [(0, "number")]
    await refused(
        client,
        db,
        xw,
        "lessons",
        Lesson,
        [
            {"external_id": "b1", "assignment_external_id": "as-b", "date": "2026-09-15"},
            {"external_id": "b2", "assignment_external_id": "as-a", "date": "2031-09-15"},
            {"external_id": "b3", "assignment_external_id": "as-a", "date": "2026-09-15", "status": "replaced"},
        ],
        [(0, "assignment_external_id"), (1, "date"), (2, "substitute_external_id")],
    )
    # A lesson with marks cannot be cancelled.
    mark = {"external_id": "mk", "student_external_id": "s1", "class_external_id": "cls-a",
            "subject_external_id": "math", "lesson_external_id": "L1", "value": 4}  # fmt: skip
    assert (await push(client, xw, "marks", [mark])).status_code == 200
    await refused(client, db, xw, "lessons", Lesson, [{**lessons[0], "status": "cancelled"}], [(0, "status")])
    homework = [{"external_id": "h1", "lesson_external_id": "L1", "text": "№ 12–15", "minutes": 30,
                 "due_on": "2026-09-17"}]  # fmt: skip
    await idempotent(client, xw, "homework", homework)
    await refused(
        client,
        db,
        xw,
        "homework",
        Homework,
        [
            {"external_id": "b1", "lesson_external_id": "L1", "text": "x", "due_on": "2026-09-01"},
            {"external_id": "b2", "lesson_external_id": "l-b", "text": "x"},
        ],
        [(0, "due_on"), (1, "lesson_external_id")],
    )
    resp = await push(client, xw, "homework", [{**homework[0], "minutes": 601}])
    assert problems(resp) == [(0, "minutes")]
    assert (await remove(client, xw, "homework", ["h1"])).json()["deleted"] == 1
    assert (await remove(client, xw, "lessons", ["L1", "L2"])).json()["deleted"] == 2


async def test_absences(client: httpx.AsyncClient, db: AsyncSession, xw: ExtWorld) -> None:
    items = [
        {"external_id": "ab1", "student_external_id": "s1", "lesson_external_id": "l1", "reason": "illness"},
        {"external_id": "ab2", "student_external_id": "s2", "lesson_external_id": "l1", "reason": "late"},
    ]
    await idempotent(client, xw, "absences", items)
    ab = await db.scalar(select(Absence).where(Absence.external_id == "ab1"))
    assert ab is not None and ab.date == date(2026, 9, 10) and ab.class_id == xw.cls.id
    await refused(
        client,
        db,
        xw,
        "absences",
        Absence,
        [
            {"external_id": "b1", "student_external_id": "s1", "lesson_external_id": "l1", "reason": "valid"},
            {"external_id": "b2", "student_external_id": "s3", "lesson_external_id": "l-cancelled", "reason": "valid"},
            {"external_id": "b3", "student_external_id": "sb1", "lesson_external_id": "l1", "reason": "valid"},
            {"external_id": "b4", "student_external_id": "s3", "lesson_external_id": "l-b", "reason": "valid"},
            {"external_id": "b5", "student_external_id": "s3", "lesson_external_id": "l1", "reason": "valid"},
            {"external_id": "b6", "student_external_id": "s3", "lesson_external_id": "l1", "reason": "late"},
        ],
        [
            (0, "lesson_external_id"),
            (1, "lesson_external_id"),
            (2, "student_external_id"),
            (3, "lesson_external_id"),
            (5, "lesson_external_id"),
        ],
    )
    resp = await push(client, xw, "absences", [{**items[0], "reason": "sunny"}])
    assert problems(resp) == [(0, "reason")]
    assert (await remove(client, xw, "absences", ["ab1", "ab2", "never-was"])).json() == {
        "kind": "absences",
        "created": 0,
        "updated": 0,
        "unchanged": 1,
        "deleted": 2,
    }


async def test_movements_and_documents(client: httpx.AsyncClient, db: AsyncSession, xw: ExtWorld) -> None:
    moves = [
        {"external_id": "mv1", "organization_external_id": "sch-a", "student_external_id": "s1", "class_external_id":
         "cls-a", "kind": "departed", "date": "2026-10-01", "counterpart": "Школа №3", "order_number": "15-у"},
    ]  # fmt: skip
    await idempotent(client, xw, "movements", moves)
    await refused(
        client,
        db,
        xw,
        "movements",
        Movement,
        [
            {**moves[0], "external_id": "b1", "class_external_id": "cls-b"},
            {**moves[0], "external_id": "b2", "organization_external_id": "sch-b", "class_external_id": None},
            {**moves[0], "external_id": "b3", "date": "2099-01-01"},
        ],
        [(0, "class_external_id"), (1, "organization_external_id"), (2, "date")],
    )
    assert (await remove(client, xw, "movements", ["mv1"])).json()["deleted"] == 1
    docs = [
        {"external_id": "d1", "organization_external_id": "sch-a", "student_external_id": "s1", "doc_type":
         "basic_certificate", "series": "ЖБ", "number": "0001", "issued_on": "2026-06-20", "with_honours": True},
    ]  # fmt: skip
    await idempotent(client, xw, "documents", docs)
    await refused(
        client,
        db,
        xw,
        "documents",
        EducationDocument,
        [
            {**docs[0], "external_id": "b1"},
            {**docs[0], "external_id": "b2", "number": "0002", "issued_on": "2099-01-01"},
            {**docs[0], "external_id": "b3", "number": "0003", "student_external_id": "ghost"},
        ],
        [(0, "number"), (1, "issued_on"), (2, "student_external_id")],
    )
    resp = await push(client, xw, "documents", [{**docs[0], "doc_type": "diploma"}])
    assert problems(resp) == [(0, "doc_type")]
    assert (await remove(client, xw, "documents", ["d1"])).json()["deleted"] == 1


async def test_kinds_without_deletion_refuse_it(client: httpx.AsyncClient, xw: ExtWorld) -> None:
    resp = await remove(client, xw, "persons", ["s1"])
    assert resp.status_code == 405
    resp = await client.post(f"{URL}/reports", json={"items": []}, headers=xw.headers)
    assert resp.status_code in (404, 405)


async def test_a_rule_only_the_database_knows_is_still_a_422(
    client: httpx.AsyncClient, db: AsyncSession, xw: ExtWorld
) -> None:
    """A district that does not exist: no pre-check covers it, the foreign key refuses it, nothing is written."""
    item = {"external_id": "o1", "parent_external_id": "body-a", "name_ru": "Школа", "type_code": xw.w.school_type.code,
            "district_id": 987654321}  # fmt: skip
    resp = await push(client, xw, "organizations", [item])
    assert problems(resp) == [(None, "district_id")]
    assert "fk_" not in resp.text and "constraint" not in resp.text
    assert await count(db, Organization) == 3  # the world's own: two schools and a body
    ok = await push(client, xw, "organizations", [{**item, "district_id": None}])
    assert ok.json()["created"] == 1, ok.text


async def test_a_natural_key_twice_in_the_batch_is_refused(
    client: httpx.AsyncClient, db: AsyncSession, xw: ExtWorld
) -> None:
    """Classes, assignments, accounts and documents: the second item with the same key names the first."""
    year = xw.year.name
    cls = {"organization_external_id": "sch-a", "academic_year": year, "grade": 9, "letter": "В"}
    resp = await push(client, xw, "classes", [{"external_id": "c1", **cls}, {"external_id": "c2", **cls}])
    assert problems(resp) == [(1, "letter")] and "index 0" in resp.text
    asg = {"class_external_id": "cls-a", "subject_external_id": "math", "teacher_external_id": "s1"}
    resp = await push(client, xw, "assignments", [{"external_id": "a1", **asg}, {"external_id": "a2", **asg}])
    assert problems(resp) == [(1, "teacher_external_id")] and "index 0" in resp.text
    # Without a teacher the class–subject–teacher key is incomplete: not checked.
    no_teacher = {"class_external_id": "cls-a", "subject_external_id": "math"}
    resp = await push(
        client, xw, "assignments", [{"external_id": "a3", **no_teacher}, {"external_id": "a4", **no_teacher}]
    )
    assert resp.json()["created"] == 2, resp.text
    acc = {"person_external_id": "s2", "organization_external_id": "sch-a"}
    resp = await push(client, xw, "users", [{"external_id": "u1", **acc}, {"external_id": "u2", **acc}])
    assert problems(resp) == [(1, "person_external_id")] and "index 0" in resp.text
    doc = {"organization_external_id": "sch-a", "student_external_id": "s1", "doc_type": "basic_certificate",
           "series": "ЖБ", "number": "0100", "issued_on": "2026-06-20"}  # fmt: skip
    resp = await push(client, xw, "documents", [{"external_id": "d1", **doc}, {"external_id": "d2", **doc}])
    assert problems(resp) == [(1, "number")] and "index 0" in resp.text
    assert await count(db, SchoolClass) == 2 and await count(db, User) == 0 and await count(db, EducationDocument) == 0


async def test_a_full_batch_of_enrolments_fits_the_servers_lock_table(
    client: httpx.AsyncClient, db: AsyncSession, xw: ExtWorld
) -> None:
    """10,000 new students enrolled in one batch (the start of a year) on a server with the default lock table
    (max_locks_per_transaction 64): the report aggregates' per-person locks must still fit («out of shared memory»
    would be a 503)."""
    n = 10_000
    people = [{"external_id": f"bulk-{i}", "surname": "Ученик", "first_name": f"Номер {i}"} for i in range(n)]
    assert (await push(client, xw, "persons", people)).status_code == 200
    items = [
        {"external_id": f"bulk-e{i}", "class_external_id": "cls-a", "student_external_id": f"bulk-{i}",
         "starts_on": "2026-09-01"}
        for i in range(n)
    ]  # fmt: skip
    resp = await push(client, xw, "enrolments", items)
    assert resp.status_code == 200, resp.text
    assert resp.json()["created"] == n
    assert await count(db, Enrolment) >= n
