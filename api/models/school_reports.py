"""Indexes the reports about one organization need on the shared school-data tables (migration 0600)."""

from sqlalchemy import Index, text

from api.models.journal import Mark
from api.models.school import Assignment

# Period marks of one school and period (performance reports): without it the school's whole year of
# current marks is read to find them.
MARKS_BY_PERIOD = Index(
    "ix_marks_period_organization",
    Mark.__table__.c.period_id,
    Mark.__table__.c.organization_id,
    postgresql_where=text("kind IN ('quarter', 'year')"),
)
# Period marks of given students (the performance aggregates' triggers recompute a student's rows when a quarter
# or year mark of theirs changes): without it that lookup read every period mark of the period (O(schools)).
MARKS_BY_STUDENT_PERIOD = Index(
    "ix_marks_student_period",
    Mark.__table__.c.student_person_id,
    Mark.__table__.c.period_id,
    postgresql_where=text("kind IN ('quarter', 'year')"),
)
# The class–subject–teacher assignments of one school.
ASSIGNMENTS_BY_ORGANIZATION = Index("ix_assignments_organization_id", Assignment.__table__.c.organization_id)
