"""A school's structure: staff posts, classes, subjects, the subjects' assignments, and the enrolments."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from api import clock
from api.models import Assignment, Enrolment, SchoolClass, StaffPost, Subject
from api.schemas import integration as s
from api.services import school_calendar
from api.services.integration.engine import Ctx, check_dates
from api.services.integration.kinds.spec import (
    IN_CLASS,
    IN_ORGANIZATION,
    STUDENT,
    Key,
    Refs,
    Row,
    Spec,
    in_year,
    not_future,
    ref,
    table_of,
)
from api.services.scope import subtree_sql

# ---- staff posts -----------------------------------------------------------------------------------------

STAFF_TABLE = table_of(StaffPost)


def _check_staff_post(ctx: Ctx, i: int, it: s.StaffPostItem, _refs: Refs, _extra: Any) -> None:
    check_dates(ctx, i, it.started_on, it.ended_on, "ended_on")
    not_future(ctx, i, "started_on", it.started_on, slack_days=366)


# Organization in scope, person known, dates in order.
STAFF_POSTS = Spec(
    STAFF_TABLE, refs=(IN_ORGANIZATION, ref("person_external_id", "persons", person_id="id")), check=_check_staff_post
)


# ---- classes ---------------------------------------------------------------------------------------------

CLASS_TABLE = table_of(SchoolClass)


async def _academic_years(ctx: Ctx, items: list[s.ClassItem], _refs: list[Refs]) -> dict[str, int]:
    """The academic years the items name, by name."""
    # The current and the coming school year open on demand with the usual dates (api.services.school_calendar):
    # in August the school systems push next year's classes before anyone thought of the calendar.
    on_demand = school_calendar.opens_on_demand(clock.today())
    for name in sorted({it.academic_year for it in items} & on_demand.keys()):
        await school_calendar.ensure_school_year(ctx.conn, on_demand[name])
    return {
        r["name"]: r["id"]
        for r in await ctx.conn.fetch(
            "SELECT name, id FROM academic_years WHERE name = ANY($1::text[])", list({it.academic_year for it in items})
        )
    }


def _check_class(ctx: Ctx, i: int, it: s.ClassItem, refs: Refs, years: dict[str, int]) -> None:
    org = refs["organization_external_id"]
    if org is not None and org["kind"] != "school":
        ctx.error(i, "organization_external_id", "classes belong to an educational organization, not a body")
    if it.academic_year not in years:
        ctx.error(i, "academic_year", f"no academic year named {it.academic_year!r}")


# School in scope, academic year known, grade and letter not taken by another class of the school.
CLASSES = Spec(
    CLASS_TABLE,
    refs=(IN_ORGANIZATION, ref("class_teacher_external_id", "persons", class_teacher_person_id="id")),
    derive={"academic_year_id": lambda it, _refs, years: years.get(it.academic_year)},
    load=_academic_years,
    check=_check_class,
    # One class per school, year, grade and letter: within the batch and against other rows.
    key=Key(
        ("organization_id", "academic_year_id", "grade", "letter"),
        "letter",
        repeated="the same class (grade and letter) is already at index {j} of this batch",
        taken="the school already has another class with this grade and letter this year",
    ),
)


# ---- subjects --------------------------------------------------------------------------------------------

# A subject of an organization is that organization's (the usual scope check). A subject of the common list
# (no organization) is shared by every school that teaches it: anyone may create one or send it unchanged,
# but a token may change it (rename it, or make it an organization's own) only when every class that has
# it (its assignments) lies in the token's subtree.
SUBJECT_TABLE = table_of(
    Subject,
    change_guard=(
        "up.old_organization_id IS NOT NULL OR NOT EXISTS (SELECT 1 FROM assignments a"  # noqa: S608 - our fragments
        " JOIN organizations o ON o.id = a.organization_id"
        f" WHERE a.subject_id = up.id AND NOT {subtree_sql('o.path', '{root}')})"
    ),
    guard_returning="new.id, old.organization_id AS old_organization_id",
    guard_message="a subject of the common list taught outside the token's subtree may not be changed from here",
)


# Organization (when given) in scope; a common subject changed only by a token covering all its classes.
SUBJECTS = Spec(SUBJECT_TABLE, refs=(IN_ORGANIZATION,))


# ---- assignments -----------------------------------------------------------------------------------------

ASSIGNMENT_TABLE = table_of(Assignment)


def _check_assignment(ctx: Ctx, i: int, _it: s.AssignmentItem, refs: Refs, _extra: Any) -> None:
    c, subj = refs["class_external_id"], refs["subject_external_id"]
    if c is not None and subj is not None and subj["organization_id"] not in (None, c["organization_id"]):
        ctx.error(i, "subject_external_id", "the subject belongs to another organization than the class")


# Class and subject in scope, teacher known; a class–subject–teacher once.
ASSIGNMENTS = Spec(
    ASSIGNMENT_TABLE,
    refs=(
        IN_CLASS,
        ref("subject_external_id", "subjects", subject_id="id"),
        ref("teacher_external_id", "persons", teacher_person_id="id"),
    ),
    check=_check_assignment,
    key=Key(
        ("class_id", "subject_id", "teacher_person_id"),
        "teacher_external_id",
        repeated="the same class, subject and teacher are already at index {j}",
        taken="this class already has this subject with this teacher",
    ),
)


# ---- enrolments ------------------------------------------------------------------------------------------

ENROLMENT_TABLE = table_of(Enrolment)


def _overlap(a_start: dt.date, a_end: dt.date | None, b_start: dt.date, b_end: dt.date | None) -> bool:
    return a_start <= (b_end or dt.date.max) and b_start <= (a_end or dt.date.max)


def _check_enrolment(ctx: Ctx, i: int, it: s.EnrolmentItem, refs: Refs, _extra: Any) -> None:
    check_dates(ctx, i, it.starts_on, it.ends_on, "ends_on")
    in_year(ctx, i, "starts_on", it.starts_on, refs["class_external_id"])


async def _check_overlaps(ctx: Ctx, items: list[s.EnrolmentItem], rows: list[Row]) -> None:
    """No student in two classes at once: within the batch, and against the student's other enrolments."""
    # Overlaps are looked for among items with their dates in order (the others already have their problem).
    dated = [i for i, r in enumerate(rows) if r[3] is not None and (r[5] is None or r[5] >= r[4])]
    by_student: dict[int, list[int]] = defaultdict(list)
    for i in dated:
        by_student[rows[i][3]].append(i)
    for idxs in by_student.values():
        for a, i in enumerate(idxs):
            for j in idxs[:a]:
                if _overlap(items[i].starts_on, items[i].ends_on, items[j].starts_on, items[j].ends_on):
                    ctx.error(i, "starts_on", f"overlaps the enrolment of the same student at index {j}")
                    break
    valid = dated
    if valid:
        clash = await ctx.conn.fetch(
            "SELECT DISTINCT i.idx FROM unnest($1::int[], $2::int[], $3::date[], $4::date[], $5::text[])"
            " AS i(idx, student_id, starts_on, ends_on, ext) JOIN enrolments e ON e.student_person_id = i.student_id"
            " AND daterange(e.starts_on, coalesce(e.ends_on, 'infinity'::date), '[]')"
            " && daterange(i.starts_on, coalesce(i.ends_on, 'infinity'::date), '[]')"
            " WHERE e.external_system IS DISTINCT FROM $6 OR NOT e.external_id = ANY($7::text[])",
            valid,
            [rows[i][3] for i in valid],
            [items[i].starts_on for i in valid],
            [items[i].ends_on for i in valid],
            [items[i].external_id for i in valid],
            ctx.system,
            [it.external_id for it in items],
        )
        for r in clash:
            ctx.error(r[0], "starts_on", "the student is already enrolled in another class for these dates")


# Class in scope, dates in order and inside the class's year, no student in two classes at once.
ENROLMENTS = Spec(ENROLMENT_TABLE, refs=(IN_CLASS, STUDENT), check=_check_enrolment, after=_check_overlaps)
