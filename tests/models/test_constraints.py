"""The database itself refuses nonsense rows: each test inserts one bad row and expects a named refusal."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import constraint_name
from api.models import (
    Absence,
    Enrolment,
    Homework,
    Lesson,
    Mark,
    Organization,
    Period,
    Person,
    SchoolClass,
)
from api.services import iin
from tests import factories as f


async def refused(db: AsyncSession, make: Callable[[], Awaitable[Any]], constraint: str) -> None:
    """Run `make` in a savepoint; the database must refuse it naming `constraint`."""
    with pytest.raises(IntegrityError) as exc:
        async with db.begin_nested():
            await make()
            await db.flush()
    assert constraint_name(exc.value) == constraint


@pytest.fixture
async def school_setup(db: AsyncSession) -> dict[str, Any]:
    w = await f.world(db)
    year = await f.academic_year(db)
    cls = await f.school_class(db, w.school_a, year, grade=5)
    other_cls = await f.school_class(db, w.school_b, year, grade=5)
    teacher = await f.person(db, birth_date=date(1980, 1, 2), sex="F")
    subj = await f.subject(db)
    a = await f.assignment(db, cls, subj, teacher)
    student = await f.person(db)
    await f.enrol(db, cls, student)
    lesson = await f.lesson(db, a, date(2026, 9, 10))
    q1 = (await db.scalars(select(Period).where(Period.academic_year_id == year.id, Period.number == 1))).one()
    return {
        "w": w,
        "year": year,
        "cls": cls,
        "other_cls": other_cls,
        "teacher": teacher,
        "subject": subj,
        "assignment": a,
        "student": student,
        "lesson": lesson,
        "q1": q1,
    }


def _mark(s: dict[str, Any], **kw: Any) -> Mark:
    base = dict(
        organization_id=s["cls"].organization_id,
        region_id=s["cls"].region_id,
        class_id=s["cls"].id,
        subject_id=s["subject"].id,
        student_person_id=s["student"].id,
        lesson_id=s["lesson"].id,
        kind="current",
        value=5,
        date=date(2026, 9, 10),
    )
    base.update(kw)
    return Mark(**base)


async def test_valid_rows_are_accepted(db: AsyncSession, school_setup: dict[str, Any]) -> None:
    s = school_setup
    db.add(_mark(s))
    db.add(_mark(s, kind="quarter", lesson_id=None, period_id=s["q1"].id, value=None, not_attested=True))
    await db.flush()
    assert s["w"].school_a.path == [
        s["w"].ministry.id,
        s["w"].regional_body.id,
        s["w"].body_a.id,
        s["w"].school_a.id,
    ]


async def test_mark_value_outside_scale(db: AsyncSession, school_setup: dict[str, Any]) -> None:
    s = school_setup
    await refused(db, lambda: f.add(db, _mark(s, value=6)), "ck_marks_value_scale")
    await refused(db, lambda: f.add(db, _mark(s, value=0)), "ck_marks_value_scale")


async def test_mark_without_value_or_with_both(db: AsyncSession, school_setup: dict[str, Any]) -> None:
    s = school_setup
    await refused(db, lambda: f.add(db, _mark(s, value=None)), "ck_marks_value_or_not_attested")
    both = _mark(s, kind="quarter", lesson_id=None, period_id=s["q1"].id, value=4, not_attested=True)
    await refused(db, lambda: f.add(db, both), "ck_marks_value_or_not_attested")


async def test_not_attested_only_for_period_marks(db: AsyncSession, school_setup: dict[str, Any]) -> None:
    s = school_setup
    await refused(db, lambda: f.add(db, _mark(s, value=None, not_attested=True)), "ck_marks_not_attested_period_only")


async def test_period_mark_needs_period(db: AsyncSession, school_setup: dict[str, Any]) -> None:
    s = school_setup
    await refused(db, lambda: f.add(db, _mark(s, kind="quarter", lesson_id=None)), "ck_marks_period_mark_has_period")


async def test_mark_on_cancelled_lesson(db: AsyncSession, school_setup: dict[str, Any]) -> None:
    s = school_setup
    cancelled = await f.lesson(db, s["assignment"], date(2026, 9, 11), status="cancelled")
    await refused(db, lambda: f.add(db, _mark(s, lesson_id=cancelled.id)), "ck_marks_lesson_not_cancelled")


async def test_cancelling_a_lesson_with_marks(db: AsyncSession, school_setup: dict[str, Any]) -> None:
    s = school_setup
    await f.add(db, _mark(s))

    async def cancel() -> None:
        await db.execute(update(Lesson).where(Lesson.id == s["lesson"].id).values(status="cancelled"))

    await refused(db, cancel, "ck_marks_lesson_not_cancelled")


async def test_mark_for_student_not_in_class(db: AsyncSession, school_setup: dict[str, Any]) -> None:
    s = school_setup
    stranger = await f.person(db)
    await refused(db, lambda: f.add(db, _mark(s, student_person_id=stranger.id)), "ck_student_enrolled_in_class")


async def test_enrolment_in_class_of_another_school(db: AsyncSession, school_setup: dict[str, Any]) -> None:
    s = school_setup
    kid = await f.person(db)
    await refused(
        db,
        lambda: f.add(
            db,
            Enrolment(
                organization_id=s["w"].school_a.id,
                region_id=s["w"].region.id,
                class_id=s["other_cls"].id,
                student_person_id=kid.id,
                starts_on=date(2026, 9, 1),
            ),
        ),
        "fk_enrolments_class_organization",
    )


async def test_student_in_two_classes_at_once(db: AsyncSession, school_setup: dict[str, Any]) -> None:
    s = school_setup
    await refused(
        db,
        lambda: f.enrol(db, s["other_cls"], s["student"], starts_on=date(2026, 10, 1)),
        "ex_enrolments_one_class_at_a_time",
    )
    # A move after the first enrolment ended is fine.
    kid = await f.person(db)
    await f.enrol(db, s["cls"], kid, ends_on=date(2026, 9, 30))
    await f.enrol(db, s["other_cls"], kid, starts_on=date(2026, 10, 1))


async def test_lesson_outside_academic_year(db: AsyncSession, school_setup: dict[str, Any]) -> None:
    s = school_setup
    await refused(db, lambda: f.lesson(db, s["assignment"], date(2026, 7, 1)), "ck_lessons_date_in_academic_year")


async def test_replaced_lesson_needs_substitute(db: AsyncSession, school_setup: dict[str, Any]) -> None:
    s = school_setup
    await refused(
        db,
        lambda: f.lesson(db, s["assignment"], date(2026, 9, 12), status="replaced"),
        "ck_lessons_replaced_has_substitute",
    )


async def test_lesson_of_assignment_in_another_class(db: AsyncSession, school_setup: dict[str, Any]) -> None:
    s = school_setup
    a = s["assignment"]
    await refused(
        db,
        lambda: f.add(
            db,
            Lesson(
                organization_id=s["w"].school_b.id,
                region_id=a.region_id,
                class_id=s["other_cls"].id,
                assignment_id=a.id,
                subject_id=a.subject_id,
                date=date(2026, 9, 15),
                number=1,
                status="held",
            ),
        ),
        "fk_lessons_assignment_class",
    )


async def test_period_outside_year(db: AsyncSession, school_setup: dict[str, Any]) -> None:
    s = school_setup
    await refused(
        db,
        lambda: f.add(
            db,
            Period(
                academic_year_id=s["year"].id,
                kind="half",
                number=1,
                name_ru="x",
                name_kk="x",
                name_en="x",
                starts_on=date(2026, 8, 1),
                ends_on=date(2026, 12, 1),
            ),
        ),
        "ck_periods_in_academic_year",
    )


async def test_invalid_iin_check_digit(db: AsyncSession) -> None:
    good = iin.make(date(2010, 5, 4), "F", 17)
    bad = good[:11] + str((int(good[11]) + 1) % 10)
    assert iin.is_valid(good) and not iin.is_valid(bad)
    await refused(db, lambda: f.person(db, birth_date=date(2010, 5, 4), sex="F", iin=bad), "ck_persons_iin_valid")


async def test_iin_not_matching_birth_date_or_sex(db: AsyncSession) -> None:
    other_day = iin.make(date(2010, 5, 5), "F", 18)
    await refused(
        db,
        lambda: f.person(db, birth_date=date(2010, 5, 4), sex="F", iin=other_day),
        "ck_persons_iin_matches_birth",
    )
    male = iin.make(date(2010, 5, 4), "M", 19)
    await refused(
        db,
        lambda: f.person(db, birth_date=date(2010, 5, 4), sex="F", iin=male),
        "ck_persons_iin_matches_birth",
    )


async def test_person_without_name(db: AsyncSession) -> None:
    await refused(db, lambda: f.add(db, Person(surname=" ", first_name="А")), "ck_persons_names_present")


async def test_grade_out_of_range(db: AsyncSession, school_setup: dict[str, Any]) -> None:
    s = school_setup
    await refused(
        db,
        lambda: f.add(
            db,
            SchoolClass(
                organization_id=s["w"].school_a.id,
                region_id=s["w"].region.id,
                academic_year_id=s["year"].id,
                grade=13,
                letter="Б",
            ),
        ),
        "ck_classes_grade",
    )


async def test_homework_minutes_and_absence_reason(db: AsyncSession, school_setup: dict[str, Any]) -> None:
    s = school_setup
    base = dict(
        organization_id=s["cls"].organization_id,
        region_id=s["cls"].region_id,
        class_id=s["cls"].id,
        lesson_id=s["lesson"].id,
    )
    await refused(db, lambda: f.add(db, Homework(text="x", minutes=-5, **base)), "ck_homework_minutes")
    await refused(
        db,
        lambda: f.add(db, Absence(student_person_id=s["student"].id, date=date(2026, 9, 10), reason="sleepy", **base)),
        "ck_absences_reason",
    )


async def test_organization_tree_rules(db: AsyncSession, school_setup: dict[str, Any]) -> None:
    w = school_setup["w"]
    await refused(
        db,
        lambda: f.organization(db, "district_body", w.school_a, district_id=w.district_a.id),
        "ck_organizations_parent_is_body",
    )
    await refused(db, lambda: f.organization(db, "school", w.body_a), "ck_organizations_school_has_region_and_type")

    async def cycle() -> None:
        await db.execute(
            update(Organization).where(Organization.id == w.regional_body.id).values(parent_id=w.body_a.id)
        )

    await refused(db, cycle, "ck_organizations_no_cycle")
    # A district of another region cannot be given to an organization of this region.
    other_region = await f.region(db)
    other_district = await f.district(db, other_region)
    await refused(
        db,
        lambda: f.organization(db, "district_body", w.regional_body, district_id=other_district.id),
        "fk_organizations_district_in_region",
    )


async def test_moving_a_body_moves_its_subtree_paths(db: AsyncSession, school_setup: dict[str, Any]) -> None:
    w = school_setup["w"]
    await db.execute(update(Organization).where(Organization.id == w.body_a.id).values(parent_id=w.ministry.id))
    path = await db.scalar(select(Organization.path).where(Organization.id == w.school_a.id))
    assert path == [w.ministry.id, w.body_a.id, w.school_a.id]
