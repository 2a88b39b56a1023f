"""Report aggregates (`rpt_*`): school-level figures kept by statement-level triggers in the writing transaction.

Management reports read these tables, never raw marks, absences or visits. Every table is exact under
inserts, edits and deletes of the raw rows (see migrations `0300_reports` for the trigger functions and
`api.services.reports.aggregates` for `rebuild_all` and the recomputation from raw data).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, Index, Integer, SmallInteger, text
from sqlalchemy.orm import Mapped, mapped_column

from api.models.base import Base
from api.models.school import Enrolment

# Membership lookups join enrolments by student (the GiST exclusion index cannot serve that join).
ENROLMENTS_BY_STUDENT = Index("ix_rpt_enrolments_student_person_id", Enrolment.__table__.c.student_person_id)

# Bits of `RoleKind` in `ReportPersonOrg.staff_roles`, and ranks of `QualificationCategory`.
ROLE_BITS: dict[str, int] = {
    "head": 1,
    "deputy": 2,
    "teacher": 4,
    "additional_teacher": 8,
    "psychologist": 16,
    "social_pedagogue": 32,
    "librarian": 64,
    "administrator": 128,
    "specialist": 256,
    "other": 512,
}
CATEGORY_RANKS: dict[str, int] = {
    "none": 1,
    "pedagogue": 2,
    "moderator": 3,
    "expert": 4,
    "researcher": 5,
    "master": 6,
}


class ReportPersonOrg(Base):
    """A person's membership in an organization over [valid_from, valid_to]: staff (a post), student (an
    enrolment), parent of a student; roles, category and registration are constant over the segment
    (±infinity for open ends; migration 0311_reports). Who belongs on a day D: the segment containing D.

    `multi` marks persons who are members of two or more organizations (at any time): only they need the
    distinct-person correction when rows are summed across organizations.
    """

    __tablename__ = "rpt_person_org"
    __table_args__ = (
        Index("ix_rpt_person_org_organization_id", "organization_id"),
        Index("ix_rpt_person_org_multi", "organization_id", postgresql_where=text("multi")),
    )

    person_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    valid_from: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    valid_to: Mapped[dt.date] = mapped_column(Date)
    is_staff: Mapped[bool] = mapped_column(Boolean)
    is_student: Mapped[bool] = mapped_column(Boolean)
    is_parent: Mapped[bool] = mapped_column(Boolean)
    registered: Mapped[bool] = mapped_column(Boolean)
    staff_roles: Mapped[int] = mapped_column(Integer)
    category_rank: Mapped[int] = mapped_column(SmallInteger)  # 0 when not staff
    multi: Mapped[bool] = mapped_column(Boolean)


class ReportOrgPeople(Base):
    """Per organization and day: the change on that day of the distinct persons and registered users, by role,
    and of staff by role kind and category. The counts on D = the sum of the changes on days ≤ D ('-infinity' for
    memberships without a start), so they move when a start or end date is reached, with no write."""

    __tablename__ = "rpt_org_people"

    organization_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    persons: Mapped[int] = mapped_column(Integer)
    users: Mapped[int] = mapped_column(Integer)
    staff: Mapped[int] = mapped_column(Integer)
    staff_users: Mapped[int] = mapped_column(Integer)
    students: Mapped[int] = mapped_column(Integer)
    student_users: Mapped[int] = mapped_column(Integer)
    parents: Mapped[int] = mapped_column(Integer)
    parent_users: Mapped[int] = mapped_column(Integer)
    r_head: Mapped[int] = mapped_column(Integer)
    r_deputy: Mapped[int] = mapped_column(Integer)
    r_teacher: Mapped[int] = mapped_column(Integer)
    r_additional_teacher: Mapped[int] = mapped_column(Integer)
    r_psychologist: Mapped[int] = mapped_column(Integer)
    r_social_pedagogue: Mapped[int] = mapped_column(Integer)
    r_librarian: Mapped[int] = mapped_column(Integer)
    r_administrator: Mapped[int] = mapped_column(Integer)
    r_specialist: Mapped[int] = mapped_column(Integer)
    r_other: Mapped[int] = mapped_column(Integer)
    c_master: Mapped[int] = mapped_column(Integer)
    c_researcher: Mapped[int] = mapped_column(Integer)
    c_expert: Mapped[int] = mapped_column(Integer)
    c_moderator: Mapped[int] = mapped_column(Integer)
    c_pedagogue: Mapped[int] = mapped_column(Integer)
    c_none: Mapped[int] = mapped_column(Integer)


class ReportVisitDay(Base):
    """Visits of a user counted for an organization on a day (Asia/Almaty calendar day)."""

    __tablename__ = "rpt_visit_days"
    __table_args__ = (Index("ix_rpt_visit_days_user_id_day", "user_id", "day"),)

    organization_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    visits: Mapped[int] = mapped_column(Integer)


class ReportOrgVisitWindow(Base):
    """Distinct visitors of an organization over the day, the 7 days and the 30 days ending on `day`."""

    __tablename__ = "rpt_org_visit_windows"

    organization_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    d1: Mapped[int] = mapped_column(Integer)
    d7: Mapped[int] = mapped_column(Integer)
    d30: Mapped[int] = mapped_column(Integer)


class ReportMultiVisitor(Base):
    """Users with visits counted for two or more organizations (they need the distinct-visitor correction)."""

    __tablename__ = "rpt_multi_visitors"

    user_id: Mapped[int] = mapped_column(Integer, primary_key=True)


class ReportStudentPeriod(Base):
    """A student enrolled in a class of the organization on the period's last day: the subjects assigned to the
    class by their period mark (value 1–5, «н/а») and those without a period mark (n_missing)."""

    __tablename__ = "rpt_student_period"
    # A student's rows across organizations and periods (the refresh after a period mark): the primary key leads
    # with the organization and would be skip-scanned over every organization and period.
    __table_args__ = (Index("ix_rpt_student_period_student", "student_person_id"),)

    organization_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_person_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    n1: Mapped[int] = mapped_column(Integer)
    n2: Mapped[int] = mapped_column(Integer)
    n3: Mapped[int] = mapped_column(Integer)
    n4: Mapped[int] = mapped_column(Integer)
    n5: Mapped[int] = mapped_column(Integer)
    n_na: Mapped[int] = mapped_column(Integer)
    n_missing: Mapped[int] = mapped_column(Integer)


class ReportStudentCurrent(Base):
    """Current marks of a student in a subject dated within a period (any period containing the date): count, sum.

    A row with n = 0 (its marks were deleted or moved) is left in place and means no marks.
    """

    __tablename__ = "rpt_student_current"
    # Room on each page for the triggers' updates (HOT): one organization's rows stay together (migration 0302).
    __table_args__ = {"postgresql_with": {"fillfactor": 80}}

    organization_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    student_person_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    n: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)


class ReportOrgPeriodPerformance(Base):
    """Per organization and period: students by result (отличники, хорошисты, …) and period marks by value.

    The classification twice: as while the period runs (only «н/а» makes a student not attested) and, in the
    `*_ended` columns, as once it has ended (a subject without a period mark does too)."""

    __tablename__ = "rpt_org_period_perf"
    __table_args__ = (Index("ix_rpt_org_period_perf_period_id", "period_id"),)

    organization_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    students: Mapped[int] = mapped_column(Integer)
    not_attested: Mapped[int] = mapped_column(Integer)
    attested: Mapped[int] = mapped_column(Integer)
    excellent: Mapped[int] = mapped_column(Integer)
    good: Mapped[int] = mapped_column(Integer)
    one_three: Mapped[int] = mapped_column(Integer)
    failing: Mapped[int] = mapped_column(Integer)
    n1: Mapped[int] = mapped_column(Integer)
    n2: Mapped[int] = mapped_column(Integer)
    n3: Mapped[int] = mapped_column(Integer)
    n4: Mapped[int] = mapped_column(Integer)
    n5: Mapped[int] = mapped_column(Integer)
    not_attested_ended: Mapped[int] = mapped_column(Integer)
    attested_ended: Mapped[int] = mapped_column(Integer)
    excellent_ended: Mapped[int] = mapped_column(Integer)
    good_ended: Mapped[int] = mapped_column(Integer)
    one_three_ended: Mapped[int] = mapped_column(Integer)
    failing_ended: Mapped[int] = mapped_column(Integer)


class ReportOrgDayAttendance(Base):
    """Per organization and day: held lessons, student-lessons (enrolled students × held lessons), absences."""

    __tablename__ = "rpt_org_day_attendance"
    __table_args__ = (Index("ix_rpt_org_day_attendance_day", "day"),)

    organization_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    lessons_held: Mapped[int] = mapped_column(Integer)
    student_lessons: Mapped[int] = mapped_column(Integer)
    abs_illness: Mapped[int] = mapped_column(Integer)
    abs_valid: Mapped[int] = mapped_column(Integer)
    abs_unexcused: Mapped[int] = mapped_column(Integer)
    abs_late: Mapped[int] = mapped_column(Integer)
